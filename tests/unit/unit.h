/*
 * unit: a tiny test runner for the C unit tests of lib/.
 *
 * Each tests/unit/test_X.c defines TEST functions and a main that RUNs
 * them.  Output is TAP ("ok 3 - record: crlf"), which .ci/run counts.
 */
#ifndef MR_UNIT_H
#define MR_UNIT_H

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

static int
unit_done(void)
{
	return unit_failures ? 1 : 0;
}

#endif
