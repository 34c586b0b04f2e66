/* Unit tests of lib/out.c: the buffered writer and its error policy. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "unit.h"
#include "buf.h"
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



/* Past `ulimit -f`: a write error, not SIGXFSZ (found by tests/hostile.bats:
 * every program was killed with status 153, leaving temporary files). */
static void
write_past_file_size_limit(void *arg)
{
	struct rlimit lim = { 4096, 4096 };
	char path[] = "/tmp/mr-unit-fsize.XXXXXX", big[8192];
	struct out o;
	int fd = mkstemp(path);

	(void)arg;
	unlink(path);
	out_ignore_sigpipe();
	if (fd < 0 || setrlimit(RLIMIT_FSIZE, &lim) < 0)
		_exit(3);
	memset(big, 'x', sizeof big);
	out_init(&o, fd, "out");
	out_write(&o, big, sizeof big);
	out_close(&o);
	_exit(4);	/* not reached */
}

static void
file_size_limit_is_a_write_error(void)
{
	char msg[256];
	int status = unit_capture_stderr(write_past_file_size_limit, msg, sizeof msg);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK_STR(msg, "mr: out: write error: File too large\n");
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

/*
 * Before an error stops the program: what is buffered goes out, and a
 * closed pipe neither ends the program nor is said.
 */
static void
flush_at_error_writes_the_buffer_and_says_nothing(void)
{
	char path[] = "/tmp/mr-unit-out.XXXXXX", last;
	int fd = mkstemp(path), fds[2];
	size_t i, lines = OUT_BUFSIZE / 3 + 100;
	struct out o;

	out_ignore_sigpipe();
	CHECK(fd >= 0);
	out_init(&o, fd, "standard output");
	/* A full buffer is written as it is: there, inside a line. */
	for (i = 0; i < 3 * lines; i++)
		out_byte(&o, i % 3 == 2 ? '\n' : 'x');
	CHECK(o.bytes > 0 && o.bytes % 3 != 0 && o.len > 0);
	out_flush_at_error(&o);
	CHECK(o.len == 0);
	CHECK(lseek(fd, 0, SEEK_END) == (off_t)(3 * lines));
	CHECK(pread(fd, &last, 1, (off_t)(3 * lines - 1)) == 1 && last == '\n');
	close(fd);
	unlink(path);
	/* Into a closed pipe: dropped, and the program goes on. */
	CHECK(pipe(fds) == 0);
	close(fds[0]);
	o.fd = fds[1];
	out_str(&o, "data\n");
	out_flush_at_error(&o);
	CHECK(o.len == 0 && !o.closed);
	free(o.buf);
	close(fds[1]);
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

/* Bytes in a pipe move to the output after what is buffered, in order. */
static void
splice_follows_the_buffered_bytes(void)
{
	int fd = memfd_create("out-test", MFD_CLOEXEC), fds[2];
	struct out o;
	size_t len;
	char *got;

	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], "piped\nrest", 10) == 10);
	out_init(&o, fd, "test");
	out_str(&o, "buffered\n");
	CHECK(out_splice(&o, fds[0], 6) == 0);
	out_str(&o, "after\n");
	out_close(&o);
	got = slurp(fd, &len);
	CHECK(len == 21 && memcmp(got, "buffered\npiped\nafter\n", 21) == 0);
	CHECK(o.bytes == 21);
	CHECK(read(fds[0], got, 10) == 4 && memcmp(got, "rest", 4) == 0);
	free(got);
	close(fds[0]);
	close(fds[1]);
	close(fd);
}

/* An output that takes no splice says so before moving a byte. */
static void
splice_to_an_appending_file_is_refused_untouched(void)
{
	char path[] = "/tmp/mr-unit-out.XXXXXX";
	int tmp = mkstemp(path), fd = open(path, O_WRONLY | O_APPEND), fds[2];
	struct out o;
	char b[8];

	CHECK(tmp >= 0 && fd >= 0 && pipe(fds) == 0);
	CHECK(write(fds[1], "line\n", 5) == 5);
	out_init(&o, fd, "test");
	out_str(&o, "x\n");
	errno = 0;
	CHECK(out_splice(&o, fds[0], 5) == -1 && errno == EINVAL);
	CHECK(read(fds[0], b, sizeof b) == 5);	/* still in the pipe */
	CHECK(lseek(tmp, 0, SEEK_END) == 2);	/* the buffer went first */
	out_close(&o);
	close(fds[0]);
	close(fds[1]);
	close(fd);
	close(tmp);
	unlink(path);
}

/* A child's closed pipe moves nothing more: the caller reads the rest. */
static void
splice_to_a_closed_child_pipe_leaves_the_rest(void)
{
	int in[2], child[2];
	struct out o;
	char b[8];

	out_ignore_sigpipe();
	CHECK(pipe(in) == 0 && pipe(child) == 0);
	CHECK(write(in[1], "abc\n", 4) == 4);
	close(child[0]);
	out_init_child(&o, child[1], "mapper input");
	errno = 0;
	CHECK(out_splice(&o, in[0], 4) == -1 && errno == EPIPE);
	CHECK(o.closed);
	CHECK(read(in[0], b, sizeof b) == 4);
	out_close(&o);
	close(child[1]);
	close(in[0]);
	close(in[1]);
}

/* A full non-blocking output pipe is waited for, not an error. */
static void
splice_waits_for_a_full_nonblocking_pipe(void)
{
	enum { N = 1 << 20 };
	int in[2], outp[2], status;
	char *big = xmalloc(N), buf[4096];
	struct out o;
	size_t total = 0;
	ssize_t r;
	pid_t pid;

	CHECK(pipe(in) == 0 && pipe(outp) == 0);
	CHECK(fcntl(in[1], F_SETPIPE_SZ, N) >= N);
	memset(big, 'y', N);
	CHECK(write(in[1], big, N) == N);
	CHECK(fcntl(outp[1], F_SETFL, O_NONBLOCK) == 0);
	pid = fork();
	if (pid == 0) {	/* a slow reader of the output pipe */
		close(outp[1]);
		usleep(50000);
		while ((r = read(outp[0], buf, sizeof buf)) > 0)
			total += (size_t)r;
		_exit(total == N ? 0 : 1);
	}
	close(outp[0]);
	out_init(&o, outp[1], "test");
	CHECK(out_splice(&o, in[0], N) == 0);
	CHECK(o.bytes == N);
	out_close(&o);
	close(outp[1]);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(in[0]);
	close(in[1]);
	free(big);
}

static void
memory_output_appends_every_flush_to_the_buffer(void)
{
	size_t n = 2 * OUT_BUFSIZE + 7, i, bad = 0;
	char *big = xmalloc(n);
	struct buf mem = { 0 };
	struct out o;

	for (i = 0; i < n; i++)
		big[i] = (char)(i % 253);
	out_init_mem(&o, &mem, "memory");
	out_str(&o, "head\n");
	CHECK(mem.len == 0);		/* buffered until a flush */
	out_write(&o, big, n);		/* written through */
	out_u64(&o, 42);
	out_close(&o);
	CHECK(mem.len == 5 + n + 2 && o.bytes == mem.len);
	CHECK_MEM(mem.p, 5, "head\n");
	for (i = 0; i < n; i++)
		bad += mem.p[5 + i] != big[i];
	CHECK(bad == 0);
	CHECK_MEM(mem.p + 5 + n, 2, "42");
	buf_free(&mem);
	free(big);
}

/* Whole lines mode: a flush leaves an unfinished line buffered; a line
 * longer than the buffer still goes out whole. */
static void
whole_lines_keep_an_unfinished_line(void)
{
	int fd = memfd_create("out-test", MFD_CLOEXEC);
	size_t n = OUT_BUFSIZE + 100, len;
	char *big = xmalloc(n + 1), *got;
	struct out o;

	out_init(&o, fd, "test");
	out_whole_lines(&o);
	out_str(&o, "abc\ndef");
	out_flush(&o);
	got = slurp(fd, &len);
	CHECK_MEM(got, len, "abc\n");
	CHECK(o.len == 3);
	free(got);
	memset(big, 'x', n);
	big[n - 1] = '\n';
	out_write(&o, big, n);
	out_flush(&o);
	got = slurp(fd, &len);
	CHECK(len == 4 + 3 + n && memcmp(got + 4, "def", 3) == 0 &&
	    got[len - 1] == '\n' && got[len - 2] == 'x');
	free(got);
	out_close(&o);
	close(fd);
	free(big);
}

/* Whole lines into a pipe: a writer killed while the pipe is full never
 * leaves part of a line in it (it writes only what the pipe has room for). */
static void
write_lines_slowly(void *arg)
{
	enum { LINE = 1000 };
	struct out o;
	char line[LINE];
	int i;

	memset(line, 'l', LINE - 1);
	line[LINE - 1] = '\n';
	out_init(&o, *(int *)arg, "pipe");
	out_whole_lines(&o);
	for (i = 0; i < 1000; i++)
		out_write(&o, line, LINE);
	out_flush(&o);
}

static void
whole_lines_into_a_full_pipe_never_tear(void)
{
	int p[2], status, round;

	for (round = 0; round < 3; round++) {
		char buf[65536];
		size_t total = 0;
		ssize_t r;
		pid_t pid;
		int avail = 0, last = -1, i;

		CHECK(pipe(p) == 0);
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			write_lines_slowly(&p[1]);
			_exit(0);
		}
		close(p[1]);
		/* Read a little (a slow reader), then let it fill the pipe. */
		if (round > 0)
			total += (size_t)read(p[0], buf, (size_t)round * 7777);
		for (i = 0; i < 500 && (avail != last || avail == 0); i++) {
			usleep(10000);
			last = avail;
			ioctl(p[0], FIONREAD, &avail);
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		while ((r = read(p[0], buf, sizeof buf)) > 0)
			total += (size_t)r;
		CHECK(total > 0 && total % 1000 == 0);
		close(p[0]);
	}
}

/* The slot arithmetic of a pipe: what each write may take, what the
 * reader frees, what is not ours. */
static void
pipe_room_counts_slots_not_bytes(void)
{
	struct out_pipe m;
	int i;

	memset(&m, 0, sizeof m);
	CHECK(out_pipe_room(&m, 0, 16, 4096) == 16 * 4096);
	/* Ten writes of 4097 bytes: up to 2 slots each, 40,970 bytes. */
	for (i = 0; i < 10; i++)
		out_pipe_wrote(&m, 4097, 4096);
	CHECK(out_pipe_room(&m, 40970, 16, 4096) == 0);	/* 20 + 1 >= 16 */
	/* The reader took the first four writes and part of the fifth. */
	CHECK(out_pipe_room(&m, 40970 - 4 * 4097 - 100, 16, 4096) ==
	    (16 - 13) * 4096);
	/* Bytes that are not ours: no room known. */
	CHECK(out_pipe_room(&m, 50000, 16, 4096) == 0);
	/* Empty: everything forgotten. */
	CHECK(out_pipe_room(&m, 0, 16, 4096) == 16 * 4096 && m.n == 0 &&
	    m.queued == 0);
	/* More writes than remembered: the oldest merge, nothing forgotten. */
	for (i = 0; i < 3 * OUT_PIPE_WRITES; i++)
		out_pipe_wrote(&m, 10, 4096);
	CHECK(m.n == OUT_PIPE_WRITES && m.queued == 30 * OUT_PIPE_WRITES);
	CHECK(out_pipe_room(&m, 30 * OUT_PIPE_WRITES, 256, 4096) ==
	    (256 - 3 * OUT_PIPE_WRITES - 1) * 4096);
}

/*
 * Lines of 4097 bytes into a 64 KiB pipe that is not read yet: each takes
 * two slots, half of them nearly empty, so counting bytes (FIONREAD)
 * overestimates the room.  The pipe is non-blocking: a write that would
 * have blocked halfway (and been torn by a kill -9 there) comes back
 * short and fails.  Every write must be whole.
 */
static void
whole_lines_fit_the_pipe_slots(void)
{
	enum { LINE = 4097, LINES = 60 };
	int p[2], status;
	pid_t reader, writer;
	char buf[65536];
	size_t total = 0;
	ssize_t r;

	CHECK(pipe(p) == 0);
	fflush(stdout);
	writer = fork();
	if (writer == 0) {
		char *line = xmalloc(LINE);
		struct out o;
		int i;

		close(p[0]);
		memset(line, 'l', LINE - 1);
		line[LINE - 1] = '\n';
		out_init(&o, p[1], "pipe");
		out_whole_lines(&o);
		if (fcntl(p[1], F_SETPIPE_SZ, 65536) < 0 ||
		    fcntl(p[1], F_SETFL, O_WRONLY | O_NONBLOCK) < 0)
			_exit(3);
		for (i = 0; i < LINES; i++) {
			out_write(&o, line, LINE);
			out_flush(&o);
		}
		_exit(0);
	}
	close(p[1]);
	reader = fork();
	if (reader == 0) {
		usleep(300000);	/* the pipe fills first */
		while ((r = read(p[0], buf, sizeof buf)) > 0)
			total += (size_t)r;
		_exit(total == (size_t)LINE * LINES ? 0 : 4);
	}
	close(p[0]);
	waitpid(writer, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	waitpid(reader, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(void)
{
	unit_module = "out";
	RUN(pipe_room_counts_slots_not_bytes);
	RUN(whole_lines_fit_the_pipe_slots);
	RUN(small_writes_are_buffered_until_flush);
	RUN(large_writes_pass_through_whole);
	RUN(reserve_grows_for_a_big_item);
	RUN(memory_output_appends_every_flush_to_the_buffer);
	RUN(disk_full_is_an_error_with_a_message);
	RUN(file_size_limit_is_a_write_error);
	RUN(closed_pipe_ends_quietly_with_status_0);
	RUN(flush_at_error_writes_the_buffer_and_says_nothing);
	RUN(closed_child_pipe_is_noted_and_drops_output);
	RUN(splice_follows_the_buffered_bytes);
	RUN(splice_to_an_appending_file_is_refused_untouched);
	RUN(splice_to_a_closed_child_pipe_leaves_the_rest);
	RUN(splice_waits_for_a_full_nonblocking_pipe);
	RUN(whole_lines_keep_an_unfinished_line);
	RUN(whole_lines_into_a_full_pipe_never_tear);
	return unit_done();
}
