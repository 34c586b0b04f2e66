/* Unit tests of lib/tailstate_file.c: the checkpoint file loaded, locked
 * by one process at a time, and replaced atomically (nothing left behind
 * by a failed save). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "unit.h"
#include "unitdir.h"
#include "msg.h"
#include "tailstate_file.h"
#include "tailstate_text.h"
#include "unit_tailstate.h"

/* The directory holds only NAME: no temporary file was left. */
static int
only_entry(const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, found = 0;

	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		found |= strcmp(e->d_name, name) == 0;
	}
	closedir(d);
	return n == 1 && found;
}

/* The first line of FILE in BUF. */
static const char *
first_line(const char *file, char *buf, size_t size)
{
	FILE *fp = fopen(file, "r");

	buf[0] = '\0';
	if (fp != NULL) {
		if (fgets(buf, (int)size, fp) == NULL)
			buf[0] = '\0';
		fclose(fp);
	}
	return buf;
}

static void
save_and_load(void)
{
	struct tailstate a, b;
	struct stat sb1, sb2;
	const char *state = path("state");

	tailstate_init(&a);
	tailstate_init(&b);
	CHECK(tailstate_load(&b, state) == -1);	/* no state yet */
	add(&a, "log", 5, 99, 0);
	a.out_known = 1;
	a.out_dev = 3;
	a.out_size = 17;
	tailstate_save(&a, state);
	CHECK(only_entry("state"));
	stat(state, &sb1);
	add(&a, "log2", 6, 1, 0);
	tailstate_save(&a, state);
	stat(state, &sb2);
	CHECK(sb1.st_ino != sb2.st_ino);	/* replaced, never rewritten in place */
	CHECK(only_entry("state"));
	CHECK(tailstate_load(&b, state) == 0);
	CHECK(b.n == 2 && b.e[1].ino == 6 && b.version == 2);
	CHECK(tailstate_entry_equal(&a.e[0], &b.e[0]));
	CHECK(b.out_known && b.out_dev == 3 && b.out_size == 17);
	tailstate_free(&a);
	tailstate_free(&b);
	unlink(state);
}

/* A version 1 file's names get a horizon: the time the file was written. */
static void
load_gives_version_1_names_a_horizon(void)
{
	struct tailstate st;
	char text[256];
	const char *state = path("state");
	struct stat sb;
	size_t n;
	FILE *fp;

	n = (size_t)snprintf(text, sizeof text,
	    "mr-tail-state 1\nC 42 7 120 120 0123456789abcdef app.log\n"
	    "C 42 9 0 0 0000000000000000 app.log\n");
	snprintf(text + n, sizeof text - n, "end 2 %016llx\n",
	    (unsigned long long)tailstate_fingerprint(text, n));
	fp = fopen(state, "w");
	fputs(text, fp);
	fclose(fp);
	stat(state, &sb);
	tailstate_init(&st);
	CHECK(tailstate_load(&st, state) == 0);
	CHECK(st.n == 3 && st.e[2].kind == TAILSTATE_NAME && st.version == 1);
	CHECK_STR(st.e[2].name, "app.log");
	CHECK(st.e[2].horizon == (int64_t)sb.st_mtim.tv_sec * 1000000000 +
	    sb.st_mtim.tv_nsec);
	tailstate_free(&st);
	unlink(state);
}

static void
load_in_child(void *arg)
{
	struct tailstate st;

	tailstate_init(&st);
	tailstate_load(&st, arg);
}

/* What loading FILE says on stderr, dying with status 1 (else ""). */
static const char *
load_dies(const char *file, char *msg, size_t size)
{
	const char *err = path("err");
	int status = unit_child_status(load_in_child, (void *)file, err);

	first_line(err, msg, size);
	unlink(err);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
		msg[0] = '\0';
	return msg;
}

static void
a_bad_file_dies_with_status_1(void)
{
	char bad[300], msg[512];
	FILE *fp;

	snprintf(bad, sizeof bad, "%s", path("bad"));
	fp = fopen(bad, "w");
	fputs("mr-tail-state 2\nF C 1 2", fp);
	fclose(fp);
	CHECK(strstr(load_dies(bad, msg, sizeof msg),
	    "bad:2: corrupt state file: truncated file (no end line)") != NULL);
	unlink(bad);
	CHECK(strstr(load_dies(dir, msg, sizeof msg), ": Is a directory") != NULL);
	CHECK(strstr(load_dies("/dev/null", msg, sizeof msg),
	    "mr-tail: /dev/null: not a regular file") != NULL);
}

/* Whether another process can take the lock of FILE now: 1, 0 (held),
 * or -1 (FILE cannot be opened). */
static int
others_can_lock(const char *file)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		int fd = open(file, O_RDONLY);

		if (fd < 0)
			_exit(2);
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			_exit(0);
		_exit(errno == EWOULDBLOCK ? 1 : 3);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 2)
		return -2;
	return WEXITSTATUS(status) == 0 ? 1 : WEXITSTATUS(status) == 1 ? 0 : -1;
}

static void
lock_in_child(void *arg)
{
	_exit(tailstate_lock(arg, 1) == 0 ? 0 : 7);
}

/* A lock dies with its process: nothing is left to clean up. */
static void
lock_dies_with_its_process(void)
{
	const char *state = path("state");
	int status;

	status = unit_child_status(lock_in_child, (void *)state, NULL);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(only_entry("state"));
	CHECK(others_can_lock(state) == 1);
	unlink(state);
}

/*
 * Last, as it leaves this process holding the lock: a first run makes
 * the state (empty) to hold it, a second process is refused while it is
 * held, and a save keeps it held.
 */
static void
lock_is_held_across_saves(void)
{
	struct tailstate st, back;
	const char *state = path("state"), *other = path("other");
	struct stat sb1, sb2;
	int status;

	CHECK(tailstate_lock(state, 0) == 0);	/* without CREATE: left missing */
	CHECK(access(state, F_OK) < 0 && errno == ENOENT);
	CHECK(tailstate_lock(state, 1) == 0);
	CHECK(only_entry("state"));
	tailstate_init(&back);
	CHECK(tailstate_load(&back, state) == 0 && back.n == 0 && !back.out_known);
	CHECK(others_can_lock(state) == 0);
	/* tailstate_lock itself refuses (after its second of retries). */
	status = unit_child_status(lock_in_child, (void *)state, NULL);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	stat(state, &sb1);
	tailstate_init(&st);
	add(&st, "log", 5, 99, 0);
	tailstate_save(&st, state);
	stat(state, &sb2);
	CHECK(sb1.st_ino != sb2.st_ino && only_entry("state"));
	CHECK(others_can_lock(state) == 0);	/* the new file is held */
	/* A file not held is saved unlocked. */
	tailstate_save(&st, other);
	CHECK(others_can_lock(other) == 1);
	unlink(other);
	tailstate_free(&st);
}

/*
 * SAVE (tailstate_save or tailstate_check_writable) of a state of one
 * entry to STATE, in a child under `ulimit -f 0`: its exit status, and
 * what it said on stderr in MSG (through a pipe: no file can grow under
 * the limit).  -1 when the child could not be run.
 */
static int
write_with_no_room(void (*save)(const struct tailstate *, const char *),
    const char *state, char *msg, size_t size)
{
	struct rlimit rl = { 0, 0 };
	struct tailstate st;
	int status, fds[2];
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(fds[1], 2);
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		tailstate_init(&st);
		add(&st, "log", 9, 1, 0);
		save(&st, state);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], msg, size - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return status;
}

/* A failed save dies, says so, and leaves the old state and nothing else. */
static void
failed_save_leaves_the_old_state(void)
{
	struct tailstate a, b;
	const char *state = path("state");
	char msg[512];
	int status;

	tailstate_init(&a);
	add(&a, "log", 5, 99, 0);
	tailstate_save(&a, state);
	status = write_with_no_room(tailstate_save, state, msg, sizeof msg);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK(strstr(msg, "state: write error: File too large") != NULL);
	CHECK(only_entry("state"));
	tailstate_init(&b);
	CHECK(tailstate_load(&b, state) == 0 && b.n == 1 &&
	    tailstate_entry_equal(&a.e[0], &b.e[0]));
	tailstate_free(&a);
	tailstate_free(&b);
	unlink(state);
}

/*
 * The check that a state can be saved writes what a save writes beside
 * it and removes it: the state is untouched (same file, same text) and
 * nothing is left; where a save would fail (no room), it dies as the
 * save does, leaving the state and nothing else.
 */
static void
check_writable_writes_beside_and_leaves_nothing(void)
{
	struct tailstate a, b;
	const char *state = path("state");
	struct stat sb1, sb2;
	char msg[512];
	int status;

	tailstate_init(&a);
	add(&a, "log", 5, 99, 0);
	tailstate_save(&a, state);
	stat(state, &sb1);
	add(&a, "log2", 6, 1, 0);
	tailstate_check_writable(&a, state);
	stat(state, &sb2);
	CHECK(sb1.st_ino == sb2.st_ino && sb1.st_size == sb2.st_size &&
	    sb1.st_mtim.tv_nsec == sb2.st_mtim.tv_nsec);
	CHECK(only_entry("state"));
	tailstate_init(&b);
	CHECK(tailstate_load(&b, state) == 0 && b.n == 1);
	tailstate_free(&b);
	tailstate_check_writable(&a, path("new"));	/* no state yet: none made */
	CHECK(only_entry("state"));
	status = write_with_no_room(tailstate_check_writable, state, msg,
	    sizeof msg);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK(strstr(msg, "state: write error: File too large") != NULL);
	CHECK(only_entry("state"));
	tailstate_free(&a);
	unlink(state);
}

int
main(void)
{
	unit_module = "tailstate_file";
	msg_init("mr-tail");
	if (unit_dir_make("tailstate") < 0)
		return 1;
	RUN(save_and_load);
	RUN(load_gives_version_1_names_a_horizon);
	RUN(a_bad_file_dies_with_status_1);
	RUN(lock_dies_with_its_process);
	RUN(failed_save_leaves_the_old_state);
	RUN(check_writable_writes_beside_and_leaves_nothing);
	RUN(lock_is_held_across_saves);
	unit_dir_remove();
	return unit_done();
}
