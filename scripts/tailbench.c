/*
 * tailbench: measure a file follower (mr-tail, tail -F) on a live file.
 *
 * usage: tailbench latency [-n LINES] [-i MS] CMD
 *        tailbench throughput [-n LINES] CMD
 *
 * CMD is run by /bin/sh with the path of a fresh file in a temporary
 * directory appended; it must print that file's lines from its beginning
 * (mr-tail -b, tail -F -n +1).  latency appends one timestamped line every
 * MS milliseconds (default 5) and prints the append-to-output delay p50,
 * p99 and max.  throughput appends LINES lines of 100 bytes as fast as
 * possible (64 KiB writes) and prints how long until the last one came out,
 * and the lines per second.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/tailbench.XXXXXX";
static char file[64];
static pid_t child;
static int rfd;

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
cleanup(void)
{
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	unlink(file);
	rmdir(dir);
}

static void
fail(const char *what)
{
	perror(what);
	cleanup();
	exit(1);
}

/* Start CMD FILE with its output on a pipe, and wait for its first line. */
static int
start(const char *cmd)
{
	char *line, buf[256];
	int p[2], wfd;
	ssize_t n;

	if (mkdtemp(dir) == NULL)
		fail("mkdtemp");
	snprintf(file, sizeof file, "%s/log", dir);
	wfd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0666);
	if (wfd < 0 || write(wfd, "ready\n", 6) != 6)
		fail(file);
	if (pipe(p) < 0)
		fail("pipe");
	line = malloc(strlen(cmd) + strlen(file) + 7);
	sprintf(line, "exec %s %s", cmd, file);
	child = fork();
	if (child == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	rfd = p[0];
	n = read(rfd, buf, sizeof buf);
	if (n < 6 || memcmp(buf, "ready\n", 6) != 0)
		fail("follower did not print the first line");
	usleep(200000);	/* let it settle into waiting */
	free(line);
	return wfd;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* One line per interval; the delay of each from write(2) to our read. */
static void
latency(const char *cmd, long lines, long interval_ms)
{
	int wfd = start(cmd);
	int64_t *delay = calloc((size_t)lines, sizeof *delay);
	char buf[65536], line[64];
	size_t have = 0;
	long sent = 0, got = 0;
	int64_t next = now_ns();

	while (got < lines) {
		struct pollfd pfd = { rfd, POLLIN, 0 };
		int64_t t = now_ns();
		int wait = 0;

		if (sent < lines && t >= next) {
			int len = snprintf(line, sizeof line, "%ld %lld\n", sent,
			    (long long)now_ns());

			if (write(wfd, line, (size_t)len) != len)
				fail("write");
			sent++;
			next += interval_ms * 1000000;
		}
		if (sent < lines)
			wait = (int)((next - now_ns()) / 1000000);
		else
			wait = 5000;
		if (wait < 0)
			wait = 0;
		if (poll(&pfd, 1, wait) > 0) {
			ssize_t n = read(rfd, buf + have, sizeof buf - have);
			int64_t arrived = now_ns();
			char *s = buf, *nl;

			if (n <= 0)
				fail("follower ended");
			have += (size_t)n;
			while ((nl = memchr(s, '\n', have - (size_t)(s - buf))) != NULL) {
				long seq;
				long long ts;

				if (sscanf(s, "%ld %lld", &seq, &ts) == 2 && seq < lines)
					delay[got++] = arrived - ts;
				s = nl + 1;
			}
			have -= (size_t)(s - buf);
			memmove(buf, s, have);
		} else if (sent == lines) {
			fprintf(stderr, "tailbench: lines missing (%ld of %ld)\n", got, lines);
			break;
		}
	}
	qsort(delay, (size_t)got, sizeof *delay, cmp64);
	printf("latency: %ld lines every %ld ms: p50 %.3f ms  p99 %.3f ms  max %.3f ms\n",
	    got, interval_ms, delay[got / 2] / 1e6, delay[got * 99 / 100] / 1e6,
	    delay[got - 1] / 1e6);
	free(delay);
}

/* LINES lines of 100 bytes, written as fast as possible. */
static void
throughput(const char *cmd, long lines)
{
	int wfd = start(cmd);
	static char block[65500], buf[1 << 20];
	long per = (long)sizeof block / 100, written = 0;
	uint64_t want = (uint64_t)lines * 100, got = 0;
	int64_t t0, tw = 0, t1;
	int i;

	for (i = 0; i < per; i++) {
		memset(block + i * 100, 'a' + i % 26, 99);
		block[i * 100 + 99] = '\n';
	}
	t0 = now_ns();
	while (got < want) {
		struct pollfd pfd[2] = { { rfd, POLLIN, 0 }, { -1, 0, 0 } };

		if (written < lines) {
			long n = lines - written < per ? lines - written : per;

			if (write(wfd, block, (size_t)n * 100) != n * 100)
				fail("write");
			written += n;
			if (written == lines)
				tw = now_ns();
		}
		if (poll(pfd, 1, written < lines ? 0 : 10000) > 0) {
			ssize_t n = read(rfd, buf, sizeof buf);

			if (n <= 0)
				fail("follower ended");
			got += (uint64_t)n;
		} else if (written == lines) {
			fprintf(stderr, "tailbench: output stalled at %llu of %llu bytes\n",
			    (unsigned long long)got, (unsigned long long)want);
			break;
		}
	}
	t1 = now_ns();
	printf("throughput: %ld lines of 100 bytes: written in %.3f s, followed in %.3f s: %.2f M lines/s\n",
	    lines, (tw - t0) / 1e9, (t1 - t0) / 1e9, lines / ((t1 - t0) / 1e9) / 1e6);
}

int
main(int argc, char *argv[])
{
	long lines = -1, interval = 5;
	int c;

	if (argc < 2)
		goto usage;
	optind = 2;
	while ((c = getopt(argc, argv, "n:i:")) != -1) {
		if (c == 'n')
			lines = atol(optarg);
		else if (c == 'i')
			interval = atol(optarg);
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[1], "latency") == 0)
		latency(argv[optind], lines > 0 ? lines : 2000, interval);
	else if (strcmp(argv[1], "throughput") == 0)
		throughput(argv[optind], lines > 0 ? lines : 10000000);
	else
		goto usage;
	cleanup();
	return 0;
usage:
	fprintf(stderr, "usage: tailbench latency [-n LINES] [-i MS] CMD\n"
	    "       tailbench throughput [-n LINES] CMD\n");
	return 2;
}
