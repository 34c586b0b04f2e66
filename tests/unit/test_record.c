/* Unit tests of lib/record.c: the block reader. */
#include <pthread.h>
#include <sys/mman.h>

#include "unit.h"
#include "record.h"
#include "xalloc.h"

/* A reader over LEN bytes of DATA in an anonymous regular file. */
static void
open_bytes(struct reader *r, const char *data, size_t len)
{
	reader_init_fd(r, unit_bytes_fd(data, len), "test");
	r->owns_fd = 1;
}

#define OPEN_LIT(r, lit) open_bytes((r), (lit), sizeof(lit) - 1)

static void
empty_input(void)
{
	struct reader r;
	struct slice s;

	OPEN_LIT(&r, "");
	CHECK(reader_next(&r, &s) == 0);
	reader_close(&r);
}

static void
empty_records(void)
{
	struct reader r;
	struct slice s;

	OPEN_LIT(&r, "\n\na\n\n");
	CHECK(reader_next(&r, &s) == 1 && s.len == 0);
	CHECK(reader_next(&r, &s) == 1 && s.len == 0);
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "a");
	CHECK(r.line == 3);
	CHECK(reader_next(&r, &s) == 1 && s.len == 0);
	CHECK(reader_next(&r, &s) == 0);
	CHECK(r.line == 4);
	reader_close(&r);
}

static void
missing_final_newline(void)
{
	struct reader r;
	struct slice s;

	OPEN_LIT(&r, "one\ntwo");
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "one");
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "two");
	CHECK(r.offset == 7);
	CHECK(reader_next(&r, &s) == 0);
	reader_close(&r);
}

static void
crlf_ends_a_record(void)
{
	struct reader r;
	struct slice s;

	OPEN_LIT(&r, "a\r\nb\rc\r\n\r\nlast\r");
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "a");
	/* A lone CR is an ordinary byte. */
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "b\rc");
	CHECK(reader_next(&r, &s) == 1 && s.len == 0);
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "last");
	CHECK(reader_next(&r, &s) == 0);
	reader_close(&r);
}

static void
keep_cr_option(void)
{
	struct reader r;
	struct slice s;

	OPEN_LIT(&r, "a\r\n");
	r.keep_cr = 1;
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "a\r");
	reader_close(&r);
}

static void
nul_bytes_are_ordinary(void)
{
	struct reader r;
	struct slice s;

	OPEN_LIT(&r, "a\0b\n\0\n");
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "a\0b");
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "\0");
	CHECK(reader_next(&r, &s) == 0);
	reader_close(&r);
}

static void
bom_dropped_at_start_only(void)
{
	struct reader r;
	struct slice s;

	OPEN_LIT(&r, "\xEF\xBB\xBF" "key\tv\n\xEF\xBB\xBF" "x\n");
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "key\tv");
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "\xEF\xBB\xBF" "x");
	reader_close(&r);

	OPEN_LIT(&r, "\xEF\xBB");	/* too short to be a BOM */
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "\xEF\xBB");
	reader_close(&r);

	OPEN_LIT(&r, "\xEF\xBB\xBF");
	CHECK(reader_next(&r, &s) == 0);
	reader_close(&r);

	OPEN_LIT(&r, "a\n");	/* shorter than a BOM, with a newline */
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "a");
	CHECK(reader_next(&r, &s) == 0);
	reader_close(&r);
}

/* A record of LEN bytes of a pattern, then "tail\n"; checks both. */
static void
long_record(size_t len)
{
	struct reader r;
	struct slice s;
	char *data = xmalloc(len + 6);
	size_t i, bad = 0;

	for (i = 0; i < len; i++)
		data[i] = (char)('a' + i % 26);
	data[len] = '\n';
	memcpy(data + len + 1, "tail\n", 5);
	open_bytes(&r, data, len + 6);
	CHECK(reader_next(&r, &s) == 1);
	CHECK(s.len == len);
	for (i = 0; i < s.len; i++)
		bad += s.p[i] != (char)('a' + i % 26);
	CHECK(bad == 0);
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "tail");
	CHECK(reader_next(&r, &s) == 0);
	/* Memory grows as needed, not far beyond. */
	CHECK(r.cap <= 4 * (len + READER_BLOCK));
	reader_close(&r);
	free(data);
}

static void
record_longer_than_block(void)
{
	long_record(3 * READER_BLOCK + 17);
}

static void
record_of_100_mib(void)
{
	long_record((size_t)100 << 20);
}

static void
many_records_across_blocks(void)
{
	struct reader r;
	struct slice s;
	size_t n = 200000, i, len = 0, bad = 0;
	char *data = xmalloc(n * 12);

	for (i = 0; i < n; i++)
		len += (size_t)sprintf(data + len, "%zu\n", i);
	open_bytes(&r, data, len);
	for (i = 0; reader_next(&r, &s); i++) {
		char want[24];
		int wl = sprintf(want, "%zu", i);

		bad += s.len != (size_t)wl || memcmp(s.p, want, s.len) != 0;
	}
	CHECK(i == n);
	CHECK(bad == 0);
	CHECK(r.offset == len);
	reader_close(&r);
	free(data);
}

static int idle_calls;

static void
count_idle(void *arg)
{
	(void)arg;
	idle_calls++;
}

static void
pipe_input_byte_by_byte(void)
{
	static const char data[] = "\xEF\xBB\xBF" "ab\r\ncd\nlast";
	struct unit_trickle t;
	struct reader r;
	struct slice s;
	int fds[2];

	CHECK(pipe(fds) == 0);
	reader_init_fd(&r, fds[0], "pipe");
	r.owns_fd = 1;
	reader_set_idle(&r, count_idle, NULL);
	unit_trickle_start(&t, fds[1], data, sizeof data - 1, 1);
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "ab");
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "cd");
	CHECK(reader_next(&r, &s) == 1);
	CHECK_MEM(s.p, s.len, "last");
	CHECK(reader_next(&r, &s) == 0);
	unit_trickle_join(&t);
	reader_close(&r);
	CHECK(r.may_block == 1);
}

static void
idle_hook_runs_when_input_pauses(void)
{
	struct reader r;
	struct slice s;
	int fds[2];

	CHECK(pipe(fds) == 0);
	CHECK(write(fds[1], "x\n", 2) == 2);
	reader_init_fd(&r, fds[0], "pipe");
	r.owns_fd = 1;
	idle_calls = 0;
	reader_set_idle(&r, count_idle, NULL);
	CHECK(reader_next(&r, &s) == 1);
	CHECK(idle_calls == 0);	/* input was ready */
	close(fds[1]);
	CHECK(reader_next(&r, &s) == 0);
	reader_close(&r);
}

static void
fill_and_consume(void)
{
	struct reader r;
	size_t n;

	OPEN_LIT(&r, "\xEF\xBB\xBF" "hello\nworld\n");
	n = reader_fill(&r);
	CHECK(n == 12);
	CHECK(memcmp(r.buf + r.start, "hello\n", 6) == 0);
	reader_consume(&r, 6);
	CHECK(r.offset == 9);	/* the BOM counts in file offsets */
	CHECK(reader_fill(&r) == 6);
	reader_consume(&r, 6);
	CHECK(reader_fill(&r) == 0);
	CHECK(r.eof);
	reader_close(&r);
}

int
main(void)
{
	unit_module = "record";
	RUN(empty_input);
	RUN(empty_records);
	RUN(missing_final_newline);
	RUN(crlf_ends_a_record);
	RUN(keep_cr_option);
	RUN(nul_bytes_are_ordinary);
	RUN(bom_dropped_at_start_only);
	RUN(record_longer_than_block);
	RUN(record_of_100_mib);
	RUN(many_records_across_blocks);
	RUN(pipe_input_byte_by_byte);
	RUN(idle_hook_runs_when_input_pauses);
	RUN(fill_and_consume);
	return unit_done();
}
