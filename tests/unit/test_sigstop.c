/*
 * Unit tests of lib/sigstop: SIGINT and SIGTERM stop a reader between
 * records, run the program's report, remove its temporary files and end
 * the program by the signal; a second signal ends it at once; an ignored
 * signal stays ignored; a signal another thread takes reaches the reader.
 *
 * Each case runs in a child that reads a pipe with lib/record, as the
 * programs do; the parent feeds it, waits until it sleeps in read(2) and
 * signals it.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "unit.h"
#include "record.h"
#include "sigstop.h"
#include "tmpfile.h"

static char dir[] = "/tmp/mr-unit-sigstop.XXXXXX";

/* What a child is given: its pipes, and how it is to behave. */
struct child {
	int in[2];		/* the records */
	int ready[2];		/* a byte per record read */
	int ignore_term;	/* SIGTERM ignored first, as under nohup */
	int slow_report;	/* the report waits for a second signal */
	int from_thread;	/* another thread takes the signal */
	int go[2];		/* from_thread: a byte here, and it does */
	pid_t pid;
};

static unsigned long records;	/* read by the child */

/* The report: what a program owes at its end. */
static void
report(void *arg)
{
	struct child *c = arg;
	char line[64];
	int n = snprintf(line, sizeof line, "report: %lu records\n", records);

	if (write(2, line, (size_t)n) < 0)
		_exit(98);
	if (c->slow_report) {
		if (write(c->ready[1], "r", 1) < 0)
			_exit(98);
		for (;;)
			pause();	/* until the second signal */
	}
}

/* The other thread: when told, it takes a SIGTERM, while the reader
 * sleeps in read(2). */
static void *
raise_in_thread(void *arg)
{
	struct child *c = arg;
	char b;

	if (read(c->go[0], &b, 1) == 1)
		pthread_kill(pthread_self(), SIGTERM);
	return NULL;
}

/* The child: a temporary file, then the records of the pipe, a byte on
 * ready after each; at the end of input, exit 0. */
static void
child_main(void *arg)
{
	struct child *c = arg;
	struct reader r;
	struct slice rec;
	const char *path;
	pthread_t t;

	close(c->in[1]);
	close(c->ready[0]);
	if (c->ignore_term)
		signal(SIGTERM, SIG_IGN);
	sigstop_install(report, c);
	if (tmp_create(dir, "sigstop", &path) < 0)
		_exit(97);
	if (c->from_thread && pthread_create(&t, NULL, raise_in_thread, c) != 0)
		_exit(96);
	reader_init_fd(&r, c->in[0], "-");
	while (reader_next(&r, &rec)) {
		records++;
		if (write(c->ready[1], "x", 1) < 0)
			_exit(98);
	}
	exit(0);	/* the temporary file goes at exit */
}

/* Start child C with stderr to ERRFILE. */
static void
start(struct child *c, const char *errfile)
{
	if (pipe(c->in) < 0 || pipe(c->ready) < 0 || pipe(c->go) < 0)
		abort();
	fflush(stdout);
	fflush(stderr);
	c->pid = fork();
	if (c->pid == 0) {
		if (freopen(errfile, "w", stderr) == NULL)
			_exit(99);
		child_main(c);
	}
	close(c->in[0]);
	close(c->ready[1]);
}

/* Feed child C the record TEXT and wait until it has read it. */
static void
feed(struct child *c, const char *text)
{
	char b;

	CHECK(write(c->in[1], text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(read(c->ready[0], &b, 1) == 1);
}

/* Wait (up to 10 s) until child C sleeps, as it does in read(2) or
 * pause(2); 1 if it does. */
static int
wait_asleep(const struct child *c)
{
	char path[64], buf[256], *p;
	struct timespec ms = { 0, 1000000 };
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)c->pid);
	for (i = 0; i < 10000; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return 0;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		p = strrchr(buf, ')');
		if (p != NULL && p[1] == ' ' && p[2] == 'S')
			return 1;
		nanosleep(&ms, NULL);
	}
	return 0;
}

/* The end of child C: its wait status; its stderr in OUT.  A child not
 * ended within 10 s gets the end of its input. */
static int
finish(struct child *c, const char *errfile, char *out, size_t size)
{
	struct timespec ms = { 0, 1000000 };
	int status, fd, i;
	ssize_t n;

	for (i = 0; i < 10000 && waitpid(c->pid, &status, WNOHANG) == 0; i++)
		nanosleep(&ms, NULL);
	if (i == 10000) {
		close(c->in[1]);
		waitpid(c->pid, &status, 0);
	}
	close(c->go[0]);
	close(c->go[1]);
	close(c->in[1]);
	close(c->ready[0]);
	fd = open(errfile, O_RDONLY);
	n = fd >= 0 ? read(fd, out, size - 1) : -1;
	out[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return status;
}

/* The number of entries of the temporary directory. */
static int
temporary_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d != NULL)
		closedir(d);
	return n;
}

static char errfile[64];

static void
a_signal_stops_between_records_after_the_report(void)
{
	static const int sigs[] = { SIGTERM, SIGINT };
	char out[256];
	size_t i;
	int st;

	for (i = 0; i < 2; i++) {
		struct child c = { 0 };

		start(&c, errfile);
		feed(&c, "a\t1\n");
		feed(&c, "b\t2\n");
		CHECK(wait_asleep(&c));
		kill(c.pid, sigs[i]);
		st = finish(&c, errfile, out, sizeof out);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i]);
		CHECK_STR(out, "report: 2 records\n");
		CHECK(temporary_files() == 0);
	}
}

static void
a_second_signal_ends_the_report_at_once(void)
{
	struct child c = { .slow_report = 1 };
	char out[256], b;
	int st;

	start(&c, errfile);
	feed(&c, "a\t1\n");
	CHECK(wait_asleep(&c));
	kill(c.pid, SIGINT);
	CHECK(read(c.ready[0], &b, 1) == 1 && b == 'r');	/* reporting */
	CHECK(wait_asleep(&c));
	kill(c.pid, SIGTERM);
	st = finish(&c, errfile, out, sizeof out);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	CHECK_STR(out, "report: 1 records\n");
	CHECK(temporary_files() == 0);
}

static void
an_ignored_signal_stays_ignored(void)
{
	struct child c = { .ignore_term = 1 };
	char out[256];
	int st;

	start(&c, errfile);
	feed(&c, "a\t1\n");
	CHECK(wait_asleep(&c));
	kill(c.pid, SIGTERM);
	feed(&c, "b\t2\n");	/* still reading */
	close(c.in[1]);
	st = finish(&c, errfile, out, sizeof out);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_STR(out, "");
	/* A normal exit removes the temporary files too (lib/tmpfile). */
	CHECK(temporary_files() == 0);
}

static void
a_signal_another_thread_takes_reaches_the_reader(void)
{
	struct child c = { .from_thread = 1 };
	char out[256];
	int st;

	start(&c, errfile);
	feed(&c, "a\t1\n");
	feed(&c, "b\t2\n");
	CHECK(wait_asleep(&c));
	CHECK(write(c.go[1], "g", 1) == 1);
	st = finish(&c, errfile, out, sizeof out);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	CHECK_STR(out, "report: 2 records\n");
	CHECK(temporary_files() == 0);
}

/*
 * The waits of mr-reduce -w: readable input is no wait; a stop noted
 * before the wait starts (a signal during the window's work) ends it at
 * once instead of waiting on
 * for input that may never come.  Exit 3 if all holds.
 */
static void
waits(void *arg)
{
	struct pollfd p;
	int fds[2];

	(void)arg;
	if (pipe(fds) < 0 || write(fds[1], "x", 1) != 1)
		_exit(97);
	sigstop_install(NULL, NULL);
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	if (sigstop_poll(&p, 1, 5000) != 1)
		_exit(4);
	raise(SIGTERM);		/* noted by the handler, nothing more */
	if (sigstop_signal != SIGTERM)
		_exit(5);
	if (sigstop_poll(&p, 1, 5000) != -1 || errno != EINTR)
		_exit(6);
	_exit(3);
}

static void
a_stop_noted_before_a_wait_ends_it(void)
{
	int st = unit_child_status(waits, NULL, NULL);

	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
}

int
main(void)
{
	unit_module = "sigstop";
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(errfile, sizeof errfile, "%s.err", dir);
	/* The test's own signals at their defaults, whatever ran it (a
	 * background job of a script ignores SIGINT). */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	RUN(a_signal_stops_between_records_after_the_report);
	RUN(a_second_signal_ends_the_report_at_once);
	RUN(an_ignored_signal_stays_ignored);
	RUN(a_signal_another_thread_takes_reaches_the_reader);
	RUN(a_stop_noted_before_a_wait_ends_it);
	unlink(errfile);
	rmdir(dir);
	return unit_done();
}
