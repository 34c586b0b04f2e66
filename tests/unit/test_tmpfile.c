/* Unit tests of lib/tmpfile.c: temporary files never outlive the program. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "msg.h"
#include "tmpfile.h"

static char dir[] = "/tmp/mr-unit-tmp.XXXXXX";

/* The number of entries in DIR other than . and .. */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void
tmp_dir_prefers_option_then_env(void)
{
	setenv("TMPDIR", "/var/tmp", 1);
	CHECK_STR(tmp_dir("/opt"), "/opt");
	CHECK_STR(tmp_dir(NULL), "/var/tmp");
	setenv("TMPDIR", "", 1);
	CHECK_STR(tmp_dir(NULL), "/tmp");
	unsetenv("TMPDIR");
	CHECK_STR(tmp_dir(""), "/tmp");
}

static void
create_and_remove(void)
{
	const char *path;
	int fd = tmp_create(dir, "unit", &path);

	CHECK(fd >= 0);
	CHECK(strncmp(path, dir, strlen(dir)) == 0);
	CHECK(entries() == 1);
	tmp_remove(path);
	CHECK(entries() == 0);
	close(fd);
}

static void
commit_renames_into_place(void)
{
	char final[256];
	const char *path;
	struct stat st;
	int fd;

	snprintf(final, sizeof final, "%s/part-00000", dir);
	fd = tmp_create_beside(final, 0644, &path);
	CHECK(write(fd, "x\n", 2) == 2);
	close(fd);
	CHECK(strstr(path, "/.part-00000.") != NULL);
	CHECK(stat(final, &st) < 0 && errno == ENOENT);
	tmp_commit(path, final);
	CHECK(stat(final, &st) == 0 && st.st_size == 2);
	CHECK((st.st_mode & 0777) == (0644 & ~(mode_t)022) ||
	    (st.st_mode & 0777) == 0644);
	tmp_remove_all();	/* a committed file is no longer ours */
	CHECK(stat(final, &st) == 0);
	unlink(final);
}

static void
leave_files_and_exit(void *arg)
{
	const char *path;

	(void)arg;
	tmp_create(dir, "a", &path);
	tmp_create(dir, "b", &path);
	if (entries() != 2)
		_exit(5);
	exit(0);	/* exit, not _exit: the atexit hook runs */
}

static void
removed_at_exit(void)
{
	int status = unit_child_status(leave_files_and_exit, NULL, NULL);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(entries() == 0);
}

static void
leave_files_and_die(void *arg)
{
	const char *path;

	(void)arg;
	tmp_create(dir, "a", &path);
	die("something went wrong");
}

static void
removed_when_the_program_dies(void)
{
	int status = unit_child_status(leave_files_and_die, NULL, "/dev/null");

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK(entries() == 0);
}

static void *
make_files(void *arg)
{
	const char *path;

	(void)arg;
	for (;;)
		tmp_create(dir, "t", &path);
	return NULL;
}

/* One thread makes files while another exits (a die() in a worker). */
static void
exit_while_a_thread_makes_files(void *arg)
{
	pthread_t t;

	(void)arg;
	tmp_create(dir, "main", &(const char *){ NULL });
	if (pthread_create(&t, NULL, make_files, NULL) != 0)
		_exit(5);
	usleep(1000 * (1 + *(int *)arg % 3));
	exit(0);
}

/* Found by tests/hostile.bats under ASan: mr-task's feeding thread died
 * while the main thread made the output's temporary file, which stayed. */
static void
removed_when_another_thread_exits(void)
{
	int i, left = 0, status;

	for (i = 0; i < 30; i++) {
		status = unit_child_status(exit_while_a_thread_makes_files, &i, NULL);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		left += entries();
	}
	CHECK(left == 0);
}

static void
leave_files_and_get_killed(void *arg)
{
	const char *path;

	tmp_create(dir, "a", &path);
	tmp_create(dir, "b", &path);
	raise(*(int *)arg);
	_exit(7);
}

static void
removed_on_signals(void)
{
	int sigs[] = { SIGINT, SIGTERM, SIGHUP }, i, status;

	for (i = 0; i < 3; i++) {
		status = unit_child_status(leave_files_and_get_killed, &sigs[i],
		    NULL);
		/* Killed by the same signal, as a shell expects. */
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i]);
		CHECK(entries() == 0);
	}
}

static void
unwritable_directory_is_an_error(void *arg)
{
	const char *path;

	(void)arg;
	tmp_create("/nonexistent/dir", "x", &path);
	_exit(0);
}

static void
missing_directory_dies_naming_it(void)
{
	char errfile[] = "/tmp/mr-unit-err.XXXXXX";
	char msg[256] = "";
	int fd = mkstemp(errfile), status;
	ssize_t n;

	status = unit_child_status(unwritable_directory_is_an_error, NULL,
	    errfile);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	n = read(fd, msg, sizeof msg - 1);
	msg[n > 0 ? n : 0] = '\0';
	CHECK_STR(msg, "mr: /nonexistent/dir: No such file or directory\n");
	close(fd);
	unlink(errfile);
}

static void
beside_names_are_told_apart(void)
{
	const char *path;
	const char *slash;
	int fd = tmp_create_beside("/tmp/mr-unit-st", 0600, &path);

	slash = strrchr(path, '/');
	CHECK(tmp_is_beside(slash + 1, "mr-unit-st"));	/* a real one */
	tmp_remove(path);
	close(fd);
	CHECK(tmp_is_beside(".st.AbC123", "st"));
	CHECK(!tmp_is_beside("st", "st"));
	CHECK(!tmp_is_beside(".st.AbC12", "st"));
	CHECK(!tmp_is_beside(".st.AbC1234", "st"));
	CHECK(!tmp_is_beside(".st.AbC12.", "st"));
	CHECK(!tmp_is_beside(".other.AbC123", "st"));
	CHECK(!tmp_is_beside(".st-AbC123", "st"));
	CHECK(!tmp_is_beside("st.AbC123", "st"));
}

int
main(void)
{
	unit_module = "tmpfile";
	/*
	 * tmpfile keeps an ignored signal ignored (nohup, a background job
	 * of a script, where SIGINT is ignored): the signals the tests send
	 * must be at their default here, however the suite was started.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(tmp_dir_prefers_option_then_env);
	RUN(create_and_remove);
	RUN(commit_renames_into_place);
	RUN(removed_at_exit);
	RUN(removed_when_the_program_dies);
	RUN(removed_when_another_thread_exits);
	RUN(removed_on_signals);
	RUN(missing_directory_dies_naming_it);
	RUN(beside_names_are_told_apart);
	rmdir(dir);
	return unit_done();
}
