/* Unit tests of lib/tailstate_text.c: the checkpoint file's bytes, written
 * and parsed (every damage detected, every error named). */
#include <inttypes.h>

#include "unit.h"
#include "hash.h"
#include "tailstate_text.h"
#include "unit_tailstate.h"

static int
parse(const char *text, struct tailstate *st, uint64_t *line, const char **why)
{
	tailstate_init(st);
	return tailstate_parse(st, text, strlen(text), line, why);
}

static void
format_then_parse_round_trips(void)
{
	struct tailstate a, b;
	uint64_t line;
	const char *why;
	size_t len, i;
	char *text;

	tailstate_init(&a);
	add_name(&a, "log", 1764800000999999999, 0);
	add(&a, "log", 7, 0, 0);
	add(&a, "dir/with space/a\tb\\c\nd", 8, 1000, 0);
	free(a.e[2].path);
	a.e[2].path = strdup("dir/with space/a\tb\\c\nd.1\r");
	add(&a, "log", 9, 300, 1);
	add_name(&a, "log", INT64_MIN, 1);
	text = tailstate_format(&a, &len);
	CHECK(strncmp(text, "mr-tail-state 2\nN C 1764800000999999999 log\n"
	    "F C 42 7 1764800000123456789 0 0 0123456789abcdef 3 fedcba9876543210 "
	    "7 -5 12 340 log\tlog\n", 129) == 0);
	CHECK(strstr(text, "dir/with space/a\\tb\\\\c\\nd\tdir/with space/a\\tb\\\\c\\nd.1\\r\n") != NULL);
	CHECK(strstr(text, "N P -9223372036854775808 log\n") != NULL);
	tailstate_init(&b);
	CHECK(tailstate_parse(&b, text, len, &line, &why) == 0);
	CHECK(b.n == 5 && b.version == 2);
	for (i = 0; i < a.n && i < b.n; i++)
		CHECK(tailstate_entry_equal(&a.e[i], &b.e[i]));
	CHECK_STR(b.e[2].name, "dir/with space/a\tb\\c\nd");
	CHECK_STR(b.e[2].path, "dir/with space/a\tb\\c\nd.1\r");
	CHECK(b.e[2].off == 1000 && b.e[2].fplen == TAILSTATE_FP_MAX && b.e[2].ino == 8);
	CHECK(b.e[3].pending && !b.e[1].pending && b.e[3].fp == 0x0123456789abcdefULL);
	CHECK(b.e[4].kind == TAILSTATE_NAME && b.e[4].horizon == INT64_MIN);
	free(text);
	tailstate_free(&a);
	tailstate_free(&b);
}

/* The output's record: written after the entries, counted, read back. */
static void
output_record_round_trips(void)
{
	struct tailstate a, b;
	uint64_t line;
	const char *why;
	size_t len;
	char *text;

	tailstate_init(&a);
	add(&a, "log", 7, 10, 0);
	a.out_known = 1;
	a.out_writing = 1;
	a.out_dev = 2049;
	a.out_ino = 77;
	a.out_size = 123456789012;
	text = tailstate_format(&a, &len);
	CHECK(strstr(text, "log\tlog\nO W 2049 77 123456789012\nend 2 ") != NULL);
	tailstate_init(&b);
	CHECK(tailstate_parse(&b, text, len, &line, &why) == 0);
	CHECK(b.n == 1 && b.out_known && b.out_writing && b.out_dev == 2049 &&
	    b.out_ino == 77 && b.out_size == 123456789012);
	tailstate_free(&b);
	free(text);
	a.out_writing = 0;
	text = tailstate_format(&a, &len);
	CHECK(strstr(text, "\nO D 2049 77 123456789012\n") != NULL);
	CHECK(tailstate_parse(&b, text, len, &line, &why) == 0 && !b.out_writing);
	tailstate_free(&b);
	free(text);
	tailstate_free(&a);
	CHECK(parse("mr-tail-state 2\nO W 1 2\nend 1 0000000000000000\n", &b,
	    &line, &why) < 0);
	tailstate_free(&b);
}

/* A version 1 file (no horizons, no heads) is still read. */
static void
version_1_is_read(void)
{
	struct tailstate st;
	uint64_t line;
	const char *why;
	char text[256];
	size_t n;

	n = (size_t)snprintf(text, sizeof text,
	    "mr-tail-state 1\nC 42 7 120 120 0123456789abcdef app.log\n"
	    "P 42 8 3 3 0000000000000001 b\\tc\n");
	n += (size_t)snprintf(text + n, sizeof text - n, "end 2 %016llx\n",
	    (unsigned long long)tailstate_fingerprint(text, n));
	tailstate_init(&st);
	CHECK(tailstate_parse(&st, text, n, &line, &why) == 0);
	CHECK(st.version == 1 && st.n == 2);
	CHECK(st.e[0].kind == TAILSTATE_FILE && st.e[0].off == 120 &&
	    st.e[0].size == 120 && st.e[0].btime == 0 && st.e[0].headlen == 0);
	CHECK_STR(st.e[0].path, "app.log");
	CHECK(st.e[1].pending);
	CHECK_STR(st.e[1].name, "b\tc");
	tailstate_free(&st);
}

static void
every_damage_is_detected(void)
{
	struct tailstate a, b;
	uint64_t line;
	const char *why;
	size_t len, cut, i;
	char *text;

	tailstate_init(&a);
	add(&a, "log", 7, 120, 0);
	add(&a, "log", 8, 30, 0);
	text = tailstate_format(&a, &len);
	/* Every proper prefix is rejected (a truncated write). */
	for (cut = 0; cut < len; cut++) {
		tailstate_init(&b);
		CHECK(tailstate_parse(&b, text, cut, &line, &why) < 0);
		tailstate_free(&b);
	}
	/* Every single changed byte is rejected. */
	for (i = 0; i < len; i++) {
		text[i] ^= 0x01;
		tailstate_init(&b);
		CHECK(tailstate_parse(&b, text, len, &line, &why) < 0);
		tailstate_free(&b);
		text[i] ^= 0x01;
	}
	tailstate_init(&b);
	CHECK(tailstate_parse(&b, text, len, &line, &why) == 0);
	tailstate_free(&b);
	free(text);
	tailstate_free(&a);
}

/* bad_entry: why a version 2 file of the one entry LINE is rejected, or
 * "" when it is not (the end line is made right). */
static const char *
bad_entry(const char *line)
{
	struct tailstate st;
	char text[512];
	uint64_t l;
	const char *why = "";
	size_t n;

	n = (size_t)snprintf(text, sizeof text, "mr-tail-state 2\n%s\n", line);
	n += (size_t)snprintf(text + n, sizeof text - n, "end 1 %016llx\n",
	    (unsigned long long)tailstate_fingerprint(text, n));
	tailstate_init(&st);
	if (tailstate_parse(&st, text, n, &l, &why) == 0)
		why = "";
	else if (l != 2)
		why = "wrong line";
	tailstate_free(&st);
	return why;
}

static void
errors_name_the_line_and_reason(void)
{
	struct tailstate st;
	uint64_t line;
	const char *why;

	CHECK(parse("", &st, &line, &why) < 0);
	CHECK_STR(why, "empty file");
	CHECK(parse("hello\n", &st, &line, &why) < 0);
	CHECK_STR(why, "not an mr-tail state file");
	CHECK(line == 1);
	CHECK(parse("mr-tail-state 1\nC 1 2 3 3 0123456789abcdef x\n", &st, &line, &why) < 0);
	CHECK_STR(why, "truncated file (no end line)");
	CHECK(line == 3);
	CHECK(parse("mr-tail-state 2\nend 0 0000000000000000\n", &st, &line, &why) < 0);
	CHECK_STR(why, "checksum mismatch");
	CHECK(line == 2);
	CHECK(parse("mr-tail-state 3\nend 0 0000000000000000\n", &st, &line, &why) < 0);
	CHECK_STR(why, "not an mr-tail state file");
	tailstate_free(&st);
	CHECK_STR(bad_entry("C 1 2 3 3 0123456789abcdef x"), "malformed entry");
	CHECK_STR(bad_entry("F C 1 2 0 3 4 0123456789abcdef 0 0000000000000000 3 0 1 3 x\tx"), "fingerprint length out of range");
	CHECK_STR(bad_entry("F C 1 2 0 3 3 0123456789abcdef 257 0000000000000000 3 0 1 3 x\tx"), "head length out of range");
	CHECK_STR(bad_entry("F C 1 2 0 3 3 0123456789abcdef 0 0000000000000000 3 0 1 3 x"), "malformed file name");
	CHECK_STR(bad_entry("F C 1 2 0 3 3 0123456789abcdef 0 0000000000000000 3 0 1 3 x\t"), "malformed file name");
	CHECK_STR(bad_entry("N C 9223372036854775808 x"), "malformed entry");
	CHECK_STR(bad_entry("N C -9223372036854775809 x"), "malformed entry");
	CHECK_STR(bad_entry("N X 1 x"), "malformed entry");
	CHECK_STR(bad_entry("N C 1 a\\qb"), "malformed file name");
	CHECK_STR(bad_entry("N C 1 "), "malformed entry");
	CHECK_STR(bad_entry("N C 1 x"), "");
	/* The extremes the writer may write are read back. */
	CHECK_STR(bad_entry("F C 18446744073709551615 18446744073709551615 "
	    "-9223372036854775808 18446744073709551615 256 0123456789abcdef 256 "
	    "0000000000000000 18446744073709551615 9223372036854775807 "
	    "18446744073709551615 18446744073709551615 x\tx"), "");
	CHECK_STR(bad_entry("F C 18446744073709551616 1 0 0 0 0123456789abcdef 0 "
	    "0000000000000000 0 0 0 0 x\tx"), "malformed entry");
}

/* An empty state is the magic line and an end line that counts none. */
static void
empty_state_is_two_lines(void)
{
	struct tailstate st, back;
	char want[64];
	uint64_t line;
	const char *why;
	size_t len;
	char *text;

	tailstate_init(&st);
	text = tailstate_format(&st, &len);
	snprintf(want, sizeof want, "mr-tail-state 2\nend 0 %016" PRIx64 "\n",
	    hash64("mr-tail-state 2\n", 16));
	CHECK(len == strlen(want) && memcmp(text, want, len) == 0);
	tailstate_init(&back);
	CHECK(tailstate_parse(&back, text, len, &line, &why) == 0);
	CHECK(back.n == 0 && !back.out_known);
	free(text);
}

/* A FILE entry without a path is written with its name as path. */
static void
missing_path_is_written_as_the_name(void)
{
	struct tailstate st;
	size_t len;
	char *text;

	tailstate_init(&st);
	add(&st, "app.log", 7, 10, 0);
	free(st.e[0].path);
	st.e[0].path = NULL;
	text = tailstate_format(&st, &len);
	CHECK(strstr(text, " app.log\tapp.log\n") != NULL);
	free(text);
	tailstate_free(&st);
}

static void
output_record_errors(void)
{
	CHECK_STR(bad_entry("O W 1 2 3"), "");
	CHECK_STR(bad_entry("O D 1 2 3"), "");
	CHECK_STR(bad_entry("O W 1 2"), "malformed output line");
	CHECK_STR(bad_entry("O W 1 2 3 "), "malformed output line");
	CHECK_STR(bad_entry("O W 1 2 x"), "malformed output line");
	CHECK_STR(bad_entry("O X 1 2 3"), "malformed entry");
	CHECK_STR(bad_entry("O W 1 2 18446744073709551616"), "malformed output line");
}

/* Two output records: the second is named, on its own line. */
static void
second_output_record_is_rejected(void)
{
	struct tailstate st;
	char text[256];
	uint64_t line;
	const char *why = "";
	size_t n;

	n = (size_t)snprintf(text, sizeof text,
	    "mr-tail-state 2\nO W 1 2 3\nN C 5 log\nO D 1 2 4\n");
	n += (size_t)snprintf(text + n, sizeof text - n, "end 3 %016" PRIx64 "\n",
	    hash64(text, n));
	tailstate_init(&st);
	CHECK(tailstate_parse(&st, text, n, &line, &why) < 0);
	CHECK_STR(why, "a second output line");
	CHECK(line == 4);
	tailstate_free(&st);
}

int
main(void)
{
	unit_module = "tailstate_text";
	RUN(format_then_parse_round_trips);
	RUN(output_record_round_trips);
	RUN(version_1_is_read);
	RUN(every_damage_is_detected);
	RUN(errors_name_the_line_and_reason);
	RUN(empty_state_is_two_lines);
	RUN(missing_path_is_written_as_the_name);
	RUN(output_record_errors);
	RUN(second_output_record_is_rejected);
	return unit_done();
}
