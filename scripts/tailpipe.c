/*
 * tailpipe: the two ends of scripts/kill-tail-pipe, which kills mr-tail -9
 * again and again while it writes long lines into a pipe whose reader is
 * slow, and checks that the reader never sees part of a line.
 *
 *	tailpipe gen FILE COUNT MAXLEN SEED FIRST
 *		append COUNT lines numbered FIRST, FIRST+1, ... to FILE: half
 *		of them 0 to 200 bytes long, half 0 to MAXLEN, each line in
 *		one write(2), about one in eight in two.  A line is
 *		"SEQ LEN PAYLOAD": LEN bytes of PAYLOAD made from SEQ, so any
 *		line can be checked on its own.
 *	tailpipe read BYTES USEC
 *		read standard input BYTES at a time, sleeping USEC
 *		microseconds between reads (a slow reader, so that mr-tail is
 *		blocked in write(2) when it is killed); check every line; at
 *		the end print "lines=N distinct=N again=N torn=N bytes=N
 *		longest=N" and exit 1 if a line was torn (the first few are
 *		described on standard error).  A last line without its newline
 *		is torn too.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static char
payload(uint64_t seq, uint64_t i)
{
	return (char)('a' + (seq * 31 + i * 7) % 26);
}

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			perror("tailpipe: write");
			exit(2);
		}
		p += r;
		n -= (size_t)r;
	}
}

static int
gen(const char *file, uint64_t count, uint64_t maxlen, uint64_t seed,
    uint64_t first)
{
	int fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0666);
	char *line = malloc(maxlen + 64);
	uint64_t seq, i;

	if (fd < 0 || line == NULL) {
		perror(file);
		return 2;
	}
	rng = seed * 0x9e3779b97f4a7c15ULL + first + 1;
	for (seq = first; seq < first + count; seq++) {
		uint64_t len = next() % 2 ? next() % 201 : next() % (maxlen + 1);
		size_t n = (size_t)snprintf(line, 64, "%" PRIu64 " %" PRIu64 " ",
		    seq, len), cut;

		for (i = 0; i < len; i++)
			line[n++] = payload(seq, i);
		line[n++] = '\n';
		cut = next() % 8 == 0 ? (size_t)(next() % n) : n;
		write_all(fd, line, cut);
		write_all(fd, line + cut, n - cut);
	}
	free(line);
	return close(fd) < 0 ? 2 : 0;
}

/* Whether [P, P+N) (no newline) is a line gen wrote; its number in *SEQ. */
static int
whole(const char *p, size_t n, uint64_t *seq)
{
	char *end;
	uint64_t len, i;
	const char *s;

	errno = 0;
	*seq = strtoull(p, &end, 10);
	if (end == p || *end != ' ' || errno != 0)
		return 0;
	len = strtoull(end + 1, &end, 10);
	if (*end != ' ' || errno != 0)
		return 0;
	s = end + 1;
	if ((size_t)(p + n - s) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] != payload(*seq, i))
			return 0;
	return 1;
}

struct tally {
	uint64_t lines, distinct, torn, bytes, longest;
	unsigned char *seen;
	uint64_t nseen;
};

static void
check(struct tally *t, const char *p, size_t n)
{
	uint64_t seq;

	t->lines++;
	if (n > t->longest)
		t->longest = n;
	if (!whole(p, n, &seq)) {
		if (++t->torn <= 5)
			fprintf(stderr, "tailpipe: torn line %" PRIu64 " (%zu bytes): "
			    "%.60s\n", t->lines, n, p);
		return;
	}
	if (seq >= t->nseen) {
		uint64_t m = seq * 2 + 1024;

		t->seen = realloc(t->seen, m);
		if (t->seen == NULL) {
			perror("tailpipe");
			exit(2);
		}
		memset(t->seen + t->nseen, 0, m - t->nseen);
		t->nseen = m;
	}
	t->distinct += !t->seen[seq];
	t->seen[seq] = 1;
}

static int
readpipe(size_t chunk, long usec)
{
	struct tally t;
	size_t cap = 4 << 20, len = 0;
	char *buf = malloc(cap);
	struct timespec pause = { usec / 1000000, usec % 1000000 * 1000 };

	memset(&t, 0, sizeof t);
	for (;;) {
		ssize_t r;
		char *p, *nl;

		if (cap - len < chunk) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		if (buf == NULL) {
			perror("tailpipe");
			return 2;
		}
		r = read(0, buf + len, chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		t.bytes += (uint64_t)r;
		len += (size_t)r;
		for (p = buf; (nl = memchr(p, '\n', len - (size_t)(p - buf))) != NULL;
		    p = nl + 1)
			check(&t, p, (size_t)(nl - p));
		len -= (size_t)(p - buf);
		memmove(buf, p, len);
		if (usec > 0)
			nanosleep(&pause, NULL);
	}
	if (len > 0) {
		fprintf(stderr, "tailpipe: the output ends inside a line (%zu bytes)\n", len);
		t.lines++;
		t.torn++;
	}
	printf("lines=%" PRIu64 " distinct=%" PRIu64 " again=%" PRIu64 " torn=%"
	    PRIu64 " bytes=%" PRIu64 " longest=%" PRIu64 "\n", t.lines,
	    t.distinct, t.lines - t.torn - t.distinct, t.torn, t.bytes, t.longest);
	free(buf);
	free(t.seen);
	return t.torn > 0;
}

int
main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], strtoull(argv[3], NULL, 10),
		    strtoull(argv[4], NULL, 10), strtoull(argv[5], NULL, 10),
		    strtoull(argv[6], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "read") == 0)
		return readpipe(strtoul(argv[2], NULL, 10), strtol(argv[3], NULL, 10));
	fprintf(stderr, "usage: tailpipe gen FILE COUNT MAXLEN SEED FIRST\n"
	    "       tailpipe read BYTES USEC\n");
	return 2;
}
