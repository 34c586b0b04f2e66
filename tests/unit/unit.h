/*
 * unit: a tiny test runner for the C unit tests of lib/.
 *
 * Each tests/unit/test_X.c defines TEST functions and a main that RUNs
 * them.  Output is TAP ("ok 3 - record: crlf"), which .ci/run counts.
 */
#ifndef MR_UNIT_H
#define MR_UNIT_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int unit_count, unit_failures, unit_current_failed;
static const char *unit_module = "unit";

#define CHECK(cond) \
	do { \
		if (!(cond)) \
			unit_fail(__FILE__, __LINE__, #cond); \
	} while (0)

/* CHECK_STR: a NUL-terminated string equal to a literal. */
#define CHECK_STR(got, want) \
	do { \
		const char *unit_g = (got), *unit_w = (want); \
		if (strcmp(unit_g, unit_w) != 0) { \
			fprintf(stderr, "#   got '%s', want '%s'\n", unit_g, unit_w); \
			unit_fail(__FILE__, __LINE__, #got " == " #want); \
		} \
	} while (0)

/* CHECK_MEM: LEN bytes at P equal to the literal WANT (NULs allowed). */
#define CHECK_MEM(p, len, want) \
	CHECK((len) == sizeof(want) - 1 && memcmp((p), (want), (len)) == 0)

static void
unit_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "#   %s:%d: check failed: %s\n", file, line, what);
	unit_current_failed = 1;
}

static void
unit_run(const char *name, void (*fn)(void))
{
	unit_current_failed = 0;
	fn();
	unit_count++;
	if (unit_current_failed)
		unit_failures++;
	printf("%sok %d - %s: %s\n", unit_current_failed ? "not " : "",
	    unit_count, unit_module, name);
	fflush(stdout);
}

#define RUN(fn) unit_run(#fn, fn)

/*
 * unit_child_status: run FN in a child process with stderr sent to
 * ERRFILE (if not NULL); its wait status.  For code that exits or dies.
 */
static int __attribute__((unused))
unit_child_status(void (*fn)(void *), void *arg, const char *errfile)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		if (errfile != NULL && freopen(errfile, "w", stderr) == NULL)
			_exit(99);
		fn(arg);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return status;
}

/* Run FN in a child with stderr captured; the captured text in OUT. */
static int __attribute__((unused))
unit_capture_stderr(void (*fn)(void *), char *out, size_t size)
{
	char errfile[] = "/tmp/mr-unit-msg.XXXXXX";
	int fd = mkstemp(errfile), status;
	ssize_t n;

	status = unit_child_status(fn, NULL, errfile);
	n = read(fd, out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(errfile);
	return status;
}

/*
 * unit_bytes_fd: a descriptor on an anonymous regular file holding LEN
 * bytes of DATA, positioned at its start.
 */
static int __attribute__((unused))
unit_bytes_fd(const char *data, size_t len)
{
	int fd = memfd_create("unit-test", MFD_CLOEXEC);
	size_t off = 0;

	while (fd >= 0 && off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	if (fd < 0)
		abort();
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* unit_rand: a deterministic pseudo-random number below N (an LCG). */
static uint64_t unit_rng = 42;

static unsigned __attribute__((unused))
unit_rand(unsigned n)
{
	unit_rng = unit_rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(unit_rng >> 33) % n;
}

/*
 * unit_trickle: a thread that writes LEN bytes of DATA to FD, STEP bytes
 * per write(2), as a slow pipe delivers them, then closes FD.
 */
struct unit_trickle {
	int fd;
	const char *data;
	size_t len, step;
	pthread_t thread;
};

static void *
unit_trickle_main(void *arg)
{
	struct unit_trickle *t = arg;
	size_t i, n;

	for (i = 0; i < t->len; i += n) {
		n = t->len - i < t->step ? t->len - i : t->step;
		if (write(t->fd, t->data + i, n) != (ssize_t)n)
			break;
	}
	close(t->fd);
	return NULL;
}

static void __attribute__((unused))
unit_trickle_start(struct unit_trickle *t, int fd, const char *data,
    size_t len, size_t step)
{
	t->fd = fd;
	t->data = data;
	t->len = len;
	t->step = step;
	if (pthread_create(&t->thread, NULL, unit_trickle_main, t) != 0)
		abort();
}

static void __attribute__((unused))
unit_trickle_join(struct unit_trickle *t)
{
	pthread_join(t->thread, NULL);
}

static int
unit_done(void)
{
	return unit_failures ? 1 : 0;
}

#endif
