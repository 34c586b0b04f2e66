/* Unit tests of lib/out.c: the buffered writer and its error policy. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>

#include "unit.h"
#include "out.h"
#include "xalloc.h"

/* Everything written to an anonymous file, read back. */
static char *
slurp(int fd, size_t *len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *buf = xmalloc((size_t)end + 1);

	CHECK(pread(fd, buf, (size_t)end, 0) == end);
	*len = (size_t)end;
	return buf;
}

static void
small_writes_are_buffered_until_flush(void)
{
	int fd = memfd_create("out-test", MFD_CLOEXEC);
	struct out o;
	size_t len;
	char *got;

	out_init(&o, fd, "test");
	out_str(&o, "key");
	out_byte(&o, '\t');
	out_u64(&o, 0);
	out_byte(&o, ' ');
	out_u64(&o, 18446744073709551615ULL);
	out_byte(&o, '\n');
	CHECK(lseek(fd, 0, SEEK_END) == 0);	/* nothing written yet */
	out_flush(&o);
	got = slurp(fd, &len);
	CHECK_MEM(got, len, "key\t0 18446744073709551615\n");
	CHECK(o.bytes == len);
	free(got);
	out_close(&o);
	close(fd);
}

static void
large_writes_pass_through_whole(void)
{
	int fd = memfd_create("out-test", MFD_CLOEXEC);
	size_t n = 3 * OUT_BUFSIZE + 5, len, i, bad = 0;
	char *big = xmalloc(n), *got;
	struct out o;

	for (i = 0; i < n; i++)
		big[i] = (char)(i % 251);
	out_init(&o, fd, "test");
	out_str(&o, "head");
	out_write(&o, big, n);
	out_str(&o, "tail");
	out_close(&o);
	got = slurp(fd, &len);
	CHECK(len == n + 8);
	CHECK(memcmp(got, "head", 4) == 0);
	for (i = 0; i < n; i++)
		bad += got[4 + i] != big[i];
	CHECK(bad == 0);
	CHECK(memcmp(got + 4 + n, "tail", 4) == 0);
	free(got);
	free(big);
	close(fd);
}

static void
reserve_grows_for_a_big_item(void)
{
	int fd = memfd_create("out-test", MFD_CLOEXEC);
	size_t n = 2 * OUT_BUFSIZE, len;
	struct out o;
	char *p, *got;

	out_init(&o, fd, "test");
	out_str(&o, "x");
	p = out_reserve(&o, n);
	memset(p, 'y', n);
	o.len += n;
	out_close(&o);
	got = slurp(fd, &len);
	CHECK(len == n + 1 && got[0] == 'x' && got[n] == 'y');
	free(got);
	close(fd);
}

static void
write_to_full_device(void *arg)
{
	struct out o;
	int fd = open("/dev/full", O_WRONLY);

	(void)arg;
	out_init(&o, fd, "standard output");
	out_str(&o, "data\n");
	out_close(&o);
	_exit(0);	/* not reached: out_close must die */
}

static void
disk_full_is_an_error_with_a_message(void)
{
	char errfile[] = "/tmp/mr-unit-out.XXXXXX";
	char msg[256] = "";
	int fd = mkstemp(errfile), status;
	ssize_t n;

	status = unit_child_status(write_to_full_device, NULL, errfile);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	n = read(fd, msg, sizeof msg - 1);
	msg[n > 0 ? n : 0] = '\0';
	CHECK_STR(msg, "mr: standard output: write error: No space left on device\n");
	close(fd);
	unlink(errfile);
}



static void
write_to_closed_pipe(void *arg)
{
	struct out o;
	int fds[2];

	(void)arg;
	out_ignore_sigpipe();
	if (pipe(fds) < 0)
		_exit(3);
	close(fds[0]);
	out_init(&o, fds[1], "standard output");
	out_str(&o, "data\n");
	out_flush(&o);
	_exit(4);	/* not reached: EPIPE ends the program */
}

static void
closed_pipe_ends_quietly_with_status_0(void)
{
	char errfile[] = "/tmp/mr-unit-out.XXXXXX";
	int fd = mkstemp(errfile), status;


	status = unit_child_status(write_to_closed_pipe, NULL, errfile);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(lseek(fd, 0, SEEK_END) == 0);	/* nothing on stderr */
	close(fd);
	unlink(errfile);
}

/* A child's closed pipe is noted, and what follows is dropped, not fatal. */
static void
closed_child_pipe_is_noted_and_drops_output(void)
{
	struct out o;
	char big[OUT_BUFSIZE + 10];
	int fds[2];

	out_ignore_sigpipe();
	CHECK(pipe(fds) == 0);
	out_init_child(&o, fds[1], "mapper input");
	out_str(&o, "one\n");
	out_flush(&o);
	CHECK(!o.closed);
	CHECK(o.bytes == 4);
	close(fds[0]);
	out_str(&o, "two\n");
	out_flush(&o);
	CHECK(o.closed);
	CHECK(o.bytes == 4);
	memset(big, 'x', sizeof big);
	out_write(&o, big, sizeof big);	/* passes the buffer: dropped too */
	out_str(&o, "three\n");
	out_close(&o);
	CHECK(o.bytes == 4);
	close(fds[1]);
}

int
main(void)
{
	unit_module = "out";
	RUN(small_writes_are_buffered_until_flush);
	RUN(large_writes_pass_through_whole);
	RUN(reserve_grows_for_a_big_item);
	RUN(disk_full_is_an_error_with_a_message);
	RUN(closed_pipe_ends_quietly_with_status_0);
	RUN(closed_child_pipe_is_noted_and_drops_output);
	return unit_done();
}
