/* Unit tests of lib/hsplit.c: Hadoop split planning and LineRecordReader. */
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#include "unit.h"
#include "hsplit.h"
#include "xalloc.h"

/* All records of split (START, LENGTH) joined as "rec|rec|...|". */
static char *
read_split(int fd, uint64_t start, uint64_t length, char *out, size_t cap)
{
	struct hsplit_reader r;
	struct slice s;
	size_t n = 0;

	hsplit_reader_init(&r, fd, "test", (struct hsplit){ start, length });
	while (hsplit_reader_next(&r, &s, NULL)) {
		if (n + s.len + 2 > cap)
			abort();
		memcpy(out + n, s.p, s.len);
		n += s.len;
		out[n++] = '|';
	}
	out[n] = '\0';
	hsplit_reader_free(&r);
	return out;
}

#define SPLIT_IS(data, start, length, want) \
	do { \
		char buf_[256]; \
		int fd_ = unit_bytes_fd(data, sizeof(data) - 1); \
		CHECK_STR(read_split(fd_, start, length, buf_, sizeof buf_), want); \
		close(fd_); \
	} while (0)

static void
split_size_rule(void)
{
	CHECK(hsplit_size(UINT64_MAX, 1, HSPLIT_BLOCK_DEFAULT) == HSPLIT_BLOCK_DEFAULT);
	CHECK(hsplit_size(1000, 1, 4096) == 1000);
	CHECK(hsplit_size(1000, 2000, 4096) == 2000);
	CHECK(hsplit_size(0, 1, 4096) == 1);
	CHECK(hsplit_size(0, 0, 0) == 1);
}

/* Render a whole plan as "start+length " pairs. */
static const char *
plan(uint64_t size, uint64_t split, char *buf, size_t cap)
{
	struct hsplit_plan p;
	struct hsplit s;
	size_t n = 0;

	hsplit_plan_init(&p, size, split);
	buf[0] = '\0';
	while (hsplit_plan_next(&p, &s))
		n += (size_t)snprintf(buf + n, cap - n, "%llu+%llu ",
		    (unsigned long long)s.start, (unsigned long long)s.length);
	return buf;
}

static void
plan_follows_get_splits(void)
{
	char b[512];

	CHECK_STR(plan(0, 10, b, sizeof b), "0+0 ");
	CHECK_STR(plan(10, 4, b, sizeof b), "0+4 4+4 8+2 ");
	CHECK_STR(plan(11, 10, b, sizeof b), "0+11 ");	/* 1.1x: one split */
	CHECK_STR(plan(12, 10, b, sizeof b), "0+10 10+2 ");
	CHECK_STR(plan(20, 10, b, sizeof b), "0+10 10+10 ");
	CHECK_STR(plan(21, 10, b, sizeof b), "0+10 10+11 ");
	CHECK_STR(plan(3, 1, b, sizeof b), "0+1 1+1 2+1 ");
	CHECK_STR(plan(5, 100, b, sizeof b), "0+5 ");
}

static void
plan_of_a_huge_file_is_short(void)
{
	struct hsplit_plan p;
	struct hsplit s, last = { 0, 0 };
	uint64_t n = 0, size = 20ULL << 30;

	hsplit_plan_init(&p, size, HSPLIT_BLOCK_DEFAULT);
	while (hsplit_plan_next(&p, &s)) {
		CHECK(s.start == last.start + last.length);
		last = s;
		n++;
	}
	CHECK(n == 160);
	CHECK(last.start + last.length == size);
}

static void
first_split_reads_the_line_crossing_its_end(void)
{
	SPLIT_IS("ab\ncd\nef\n", 0, 4, "ab|cd|");
	SPLIT_IS("ab\ncd\nef\n", 4, 5, "ef|");
}

static void
line_starting_at_the_end_belongs_to_the_split_before(void)
{
	SPLIT_IS("ab\ncd\n", 0, 3, "ab|cd|");
	SPLIT_IS("ab\ncd\n", 3, 3, "");
	SPLIT_IS("ab\ncd\nef", 0, 2, "ab|");
	SPLIT_IS("ab\ncd\nef", 2, 4, "cd|ef|");
}

static void
three_terminators(void)
{
	SPLIT_IS("a\r\nb\rc\nd", 0, 100, "a|b|c|d|");
	SPLIT_IS("a\r\n\r\r\n\n", 0, 100, "a||||");
	/* A split starting between '\r' and '\n' skips just the "\n". */
	SPLIT_IS("ab\r\ncd\r\n", 3, 5, "cd|");
	SPLIT_IS("ab\r\ncd\r\n", 0, 3, "ab|");
	SPLIT_IS("ab\r", 0, 100, "ab|");
}

static void
empty_lines_and_missing_final_newline(void)
{
	SPLIT_IS("\n\nx", 0, 100, "||x|");
	SPLIT_IS("", 0, 0, "");
	SPLIT_IS("x", 0, 0, "x|");
	SPLIT_IS("x\n", 1, 1, "");
}

static void
bom_dropped_only_at_offset_zero(void)
{
	SPLIT_IS("\xEF\xBB\xBF" "ab\ncd\n", 0, 100, "ab|cd|");
	SPLIT_IS("\xEF\xBB\xBF\nx\n", 0, 100, "|x|");
	SPLIT_IS("\xEF\xBB\xBF", 0, 100, "");
	SPLIT_IS("x\n\xEF\xBB\xBF" "y\n", 1, 100, "\xEF\xBB\xBF" "y|");
}

/*
 * The reference: the records of DATA by a direct reading of the rules, as
 * "rec|rec|...|", with the BOM dropped from the first.
 */
static void
reference(const char *d, size_t n, char *out)
{
	size_t i = 0, o = 0, b;

	if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
		i = 3;
		if (n == 3) {
			out[0] = '\0';
			return;
		}
	}
	while (i < n) {
		b = i;
		while (i < n && d[i] != '\n' && d[i] != '\r')
			i++;
		memcpy(out + o, d + b, i - b);
		o += i - b;
		out[o++] = '|';
		if (i < n && d[i] == '\r' && i + 1 < n && d[i + 1] == '\n')
			i++;
		if (i < n)
			i++;
	}
	out[o] = '\0';
}

static uint64_t rng = 12345;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Every split size over random data of 'a', '\n', '\r': all splits of a
 * plan together give each record exactly once, in order. */
static void
every_record_exactly_once(void)
{
	static const char alphabet[] = "ab\n\r\n";
	char data[300], want[700], got[700], part[700];
	int trial, bad = 0;

	for (trial = 0; trial < 150 && !bad; trial++) {
		size_t n = rnd() % sizeof data, i, split;
		int fd;

		for (i = 0; i < n; i++)
			data[i] = alphabet[rnd() % 5];
		if (trial % 7 == 0 && n >= 3)
			memcpy(data, "\xEF\xBB\xBF", 3);
		reference(data, n, want);
		fd = unit_bytes_fd(data, n);
		for (split = 1; split <= n + 1 && !bad; split++) {
			struct hsplit_plan p;
			struct hsplit s;

			got[0] = '\0';
			hsplit_plan_init(&p, n, split);
			while (hsplit_plan_next(&p, &s))
				strcat(got, read_split(fd, s.start, s.length,
				    part, sizeof part));
			if (strcmp(got, want) != 0) {
				fprintf(stderr, "# trial %d n %zu split %zu\n",
				    trial, n, split);
				bad = 1;
			}
		}
		close(fd);
	}
	CHECK(!bad);
}

/* Map tasks are numbered longest split first, equal lengths in input order. */
static void
tasks_are_ordered_as_jobsubmitter_numbers_them(void)
{
	struct hsplit_task t[] = {
		{ 0, { 0, 100 }, 0 }, { 0, { 100, 30 }, 1 }, { 1, { 0, 100 }, 2 },
		{ 2, { 0, 0 }, 3 }, { 3, { 0, 130 }, 4 }, { 3, { 130, 30 }, 5 },
	};
	static const size_t want[] = { 4, 0, 2, 1, 5, 3 };
	size_t i;

	hsplit_tasks_order(t, sizeof t / sizeof t[0]);
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK(t[i].seq == want[i]);
	hsplit_tasks_order(t, 0);
}

/* Lines longer than the read size, and a '\r' on a read boundary. */
static void
long_lines_cross_reads(void)
{
	size_t n = 3 * 256 * 1024 + 10, i;
	char *data = xmalloc(n);
	struct hsplit_reader r;
	struct slice s;
	uint64_t off;
	int fd;

	for (i = 0; i < n; i++)
		data[i] = 'x';
	data[256 * 1024 - 1] = '\r';
	data[256 * 1024] = '\n';
	data[2 * 256 * 1024 - 1] = '\r';	/* the last byte of the first read */
	fd = unit_bytes_fd(data, n);
	hsplit_reader_init(&r, fd, "test", (struct hsplit){ 0, n });
	CHECK(hsplit_reader_next(&r, &s, &off) == 1 && s.len == 256 * 1024 - 1 && off == 0);
	CHECK(hsplit_reader_next(&r, &s, &off) == 1 && off == 256 * 1024 + 1);
	CHECK(s.len == 2 * 256 * 1024 - 1 - (256 * 1024 + 1));
	CHECK(hsplit_reader_next(&r, &s, &off) == 1 && off == 2 * 256 * 1024 && s.len == n - 2 * 256 * 1024);
	CHECK(hsplit_reader_next(&r, &s, &off) == 0);
	CHECK(r.records == 3);
	hsplit_reader_free(&r);
	/* A split starting inside the first line skips through "\r\n"; the
	 * next line starts past its end, so it has no record at all. */
	hsplit_reader_init(&r, fd, "test", (struct hsplit){ 5, 10 });
	CHECK(hsplit_reader_next(&r, &s, &off) == 0);
	hsplit_reader_free(&r);
	hsplit_reader_init(&r, fd, "test", (struct hsplit){ 5, 256 * 1024 });
	CHECK(hsplit_reader_next(&r, &s, &off) == 1 && off == 256 * 1024 + 1);
	CHECK(hsplit_reader_next(&r, &s, &off) == 0);
	hsplit_reader_free(&r);
	close(fd);
	free(data);
}

/* Skipping the rest of a long line holds none of it: a split that starts
 * inside a line of 8 MiB reads on with its small buffer. */
static void
skipped_line_is_not_buffered(void)
{
	size_t n = 8 << 20;
	char *data = xmalloc(n + 6);
	struct hsplit_reader r;
	struct slice s;
	uint64_t off;
	int fd;

	memset(data, 'x', n);
	data[n - 1] = '\r';	/* with the '\n' after it, in another read */
	memcpy(data + n, "\nnext\n", 6);
	fd = unit_bytes_fd(data, n + 6);
	hsplit_reader_init(&r, fd, "test", (struct hsplit){ 10, n });
	CHECK(hsplit_reader_next(&r, &s, &off) == 1 && off == n + 1);
	CHECK_MEM(s.p, s.len, "next");
	CHECK(hsplit_reader_next(&r, &s, &off) == 0);
	CHECK(r.b.cap <= 2 * 256 * 1024);
	hsplit_reader_free(&r);
	close(fd);
	free(data);
}

static void
split_past_the_end_is_empty(void)
{
	SPLIT_IS("ab\n", 10, 5, "");
}

static void
parse_offset_and_length(void)
{
	struct hsplit s;

	CHECK(hsplit_parse("0:100", &s) == 0 && s.start == 0 && s.length == 100);
	CHECK(hsplit_parse("134217728:18446744073709551615", &s) == 0 &&
	    s.start == 134217728 && s.length == UINT64_MAX);
	CHECK(hsplit_parse("5", &s) < 0);
	CHECK(hsplit_parse(":5", &s) < 0);
	CHECK(hsplit_parse("5:", &s) < 0);
	CHECK(hsplit_parse("-1:5", &s) < 0);
	CHECK(hsplit_parse("1:x", &s) < 0);
	CHECK(hsplit_parse("1:2:3", &s) < 0);
	CHECK(hsplit_parse("123456789012345678901234567890123:1", &s) < 0);
	CHECK(hsplit_parse("18446744073709551616:1", &s) < 0);
	CHECK(hsplit_parse("1:18446744073709551616", &s) < 0);
	CHECK(hsplit_parse("1: 2", &s) < 0);
	CHECK(hsplit_parse("1:+2", &s) < 0);
	/* Leading zeros, however many (found by fuzz_hsplit_parse). */
	CHECK(hsplit_parse("00000000000000000000000000000000000007:0010", &s) == 0 &&
	    s.start == 7 && s.length == 10);
}

/* The records as a mapper gets them, "\r\n" and a lone '\r' ending lines,
 * and no more once the pipe's reader has gone. */
static void
copy_writes_records_until_the_reader_goes(void)
{
	static const char data[] = "skip\na\r\nb\rc\nlast";
	char buf[64];
	struct hsplit_reader r;
	struct out o;
	int fd = unit_bytes_fd(data, sizeof data - 1), fds[2];
	ssize_t n;

	CHECK(pipe(fds) == 0);
	out_init_child(&o, fds[1], "pipe");
	hsplit_reader_init(&r, fd, "test", (struct hsplit){ 1, 100 });
	CHECK(hsplit_reader_copy(&r, &o) == 4);
	out_flush(&o);
	n = read(fds[0], buf, sizeof buf);
	CHECK(n == 11 && memcmp(buf, "a\nb\nc\nlast\n", 11) == 0);
	hsplit_reader_free(&r);
	/* The reader has gone: the copy stops at the first failed write. */
	signal(SIGPIPE, SIG_IGN);
	close(fds[0]);
	hsplit_reader_init(&r, fd, "test", (struct hsplit){ 0, 100 });
	out_byte(&o, 'x');
	out_flush(&o);
	CHECK(o.closed);
	CHECK(hsplit_reader_copy(&r, &o) == 0);
	hsplit_reader_free(&r);
	o.owns_fd = 1;
	out_close(&o);
	close(fd);
}

/* What a split writes to a pipe, through COPY or splice; the records. */
static int64_t
split_bytes(int fd, struct hsplit sp, int splice_it, char *out, size_t cap,
    size_t *len)
{
	struct hsplit_reader r;
	struct out o;
	int fds[2], stopped;
	int64_t n;
	ssize_t k;

	CHECK(pipe(fds) == 0);
	hsplit_reader_init(&r, fd, "test", sp);
	if (splice_it) {
		n = hsplit_reader_splice(&r, fds[1], &stopped);
		CHECK(!stopped);
	} else {
		out_init_child(&o, fds[1], "pipe");
		n = (int64_t)hsplit_reader_copy(&r, &o);
		out_flush(&o);
		free(o.buf);
	}
	close(fds[1]);
	*len = 0;
	while ((k = read(fds[0], out + *len, cap - *len)) > 0)
		*len += (size_t)k;
	close(fds[0]);
	hsplit_reader_free(&r);
	return n;
}

static void
splice_moves_what_copy_writes(void)
{
	static char data[8000], a[9000], b[9000];
	size_t i, n, la, lb, size;
	int round, fd;

	for (round = 0; round < 300; round++) {
		size = 1 + unit_rand(sizeof data - 1);
		for (i = 0; i < size; i++)
			data[i] = unit_rand(6) == 0 ? '\n' : (char)('a' + unit_rand(3));
		if (round % 10 == 9)
			data[unit_rand((unsigned)size)] = '\r';	/* copy's job */
		if (round % 13 == 12 && size > 3)
			memcpy(data, "\xEF\xBB\xBF", 3);	/* copy's job */
		fd = unit_bytes_fd(data, size);
		for (n = 0; n < 5; n++) {
			uint64_t start = unit_rand((unsigned)size + 2);
			uint64_t length = unit_rand((unsigned)size + 2);
			int64_t ca = split_bytes(fd, (struct hsplit){ start, length }, 0,
			    a, sizeof a, &la);
			int64_t cb = split_bytes(fd, (struct hsplit){ start, length }, 1,
			    b, sizeof b, &lb);

			if (cb < 0) {
				CHECK(memchr(data, '\r', size) != NULL ||
				    memcmp(data, "\xEF\xBB\xBF", 3) == 0 || start >= size);
				continue;
			}
			CHECK(ca == cb);
			CHECK(la == lb && memcmp(a, b, la) == 0);
		}
		close(fd);
	}
}

int
main(void)
{
	unit_module = "hsplit";
	RUN(split_size_rule);
	RUN(plan_follows_get_splits);
	RUN(plan_of_a_huge_file_is_short);
	RUN(first_split_reads_the_line_crossing_its_end);
	RUN(line_starting_at_the_end_belongs_to_the_split_before);
	RUN(three_terminators);
	RUN(empty_lines_and_missing_final_newline);
	RUN(bom_dropped_only_at_offset_zero);
	RUN(every_record_exactly_once);
	RUN(tasks_are_ordered_as_jobsubmitter_numbers_them);
	RUN(long_lines_cross_reads);
	RUN(skipped_line_is_not_buffered);
	RUN(split_past_the_end_is_empty);
	RUN(parse_offset_and_length);
	RUN(copy_writes_records_until_the_reader_goes);
	RUN(splice_moves_what_copy_writes);
	return unit_done();
}
