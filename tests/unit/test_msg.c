/* Unit tests of lib/msg.c: one-line diagnostics and exit statuses. */
#include <fcntl.h>
#include <string.h>

#include "unit.h"
#include "msg.h"

static void
data_error(void *arg)
{
	(void)arg;
	msg_init("/usr/bin/mr-test");
	die_at("in.tsv", 42, "field %d: '%s' is not a number", 1, "x1");
}

static void
system_error(void *arg)
{
	(void)arg;
	msg_init("mr-test");
	if (open("/nonexistent", O_RDONLY) < 0)
		die("%s:", "/nonexistent");
}

static void
usage_error(void *arg)
{
	(void)arg;
	msg_init("mr-test");
	die_usage("mr-test [-x] FILE", "unknown option -- %c", 'q');
}

static void
messages_name_program_file_and_line(void)
{
	char buf[512];
	int status;

	status = unit_capture_stderr(data_error, buf, sizeof buf);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK_STR(buf, "mr-test: in.tsv:42: field 1: 'x1' is not a number\n");
	status = unit_capture_stderr(system_error, buf, sizeof buf);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK_STR(buf, "mr-test: /nonexistent: No such file or directory\n");
	status = unit_capture_stderr(usage_error, buf, sizeof buf);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	CHECK_STR(buf, "mr-test: unknown option -- q\nusage: mr-test [-x] FILE\n");
}

static void
skipped_notices(void *arg)
{
	(void)arg;
	msg_init("mr-test");
	char first[64];

	warn_skipped(1, msg_at(first, sizeof first, "in", 5, "no field %d "
	    "(the record has %d)", 10, 2));
	warn_skipped(3000, msg_at(first, sizeof first, "data.json", 1,
	    "no field user.ID"));
	/* cut to fit, as warn_at would cut a message */
	warn_skipped(2, msg_at(first, 12, "data.json", 1, "no field"));
	fflush(stderr);
}

static void
skip_notices_count_and_name_the_first(void)
{
	char buf[512];
	int status;

	status = unit_capture_stderr(skipped_notices, buf, sizeof buf);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_STR(buf, "mr-test: 1 record skipped: in:5: no field 10 (the record has 2)\n"
	    "mr-test: 3000 records skipped; the first: data.json:1: no field user.ID\n"
	    "mr-test: 2 records skipped; the first: data.json:1\n");
}

static void
quoting_shows_every_byte_on_one_line(void)
{
	char q[MSG_QUOTE_MAX], small[12];
	char big[1000];

	CHECK_STR(msg_quote(q, sizeof q, "1\0x", 3), "1\\0x");
	CHECK_STR(msg_quote(q, sizeof q, "a\tb\r\n\\\x01\x7f\xc3\xa9", 10),
	    "a\\tb\\r\\n\\\\\\x01\\x7f\xc3\xa9");
	CHECK_STR(msg_quote(q, sizeof q, "", 0), "");
	/* UTF-8 kept; other bytes >= 0x80 and C1 controls escaped. */
	CHECK_STR(msg_quote(q, sizeof q, "\x9b" "31mX\xff\xfe", 7),
	    "\\x9b31mX\\xff\\xfe");
	CHECK_STR(msg_quote(q, sizeof q, "\xc2\x9b\xc2\xa0\xe2\x82\xac", 7),
	    "\\xc2\\x9b\xc2\xa0\xe2\x82\xac");
	CHECK_STR(msg_quote(q, sizeof q, "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80", 9),
	    "\\xc0\\xaf\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80");
	CHECK_STR(msg_quote(q, sizeof q, "\xf0\x9f\x98\x80\xe2\x82", 6),
	    "\xf0\x9f\x98\x80\\xe2\\x82");
	/* Cut with "...", never past the buffer, whole escapes only. */
	CHECK_STR(msg_quote(small, sizeof small, "abcdefghijkl", 12),
	    "abcdefgh...");
	CHECK_STR(msg_quote(small, sizeof small, "abcdefghijk", 11),
	    "abcdefghijk");
	CHECK_STR(msg_quote(small, sizeof small, "abcdefg\0\0\0", 10),
	    "abcdefg...");
	memset(big, 0, sizeof big);
	CHECK(strlen(msg_quote(q, sizeof q, big, sizeof big)) < sizeof q);
	CHECK(strcmp(q + strlen(q) - 3, "...") == 0);
}

int
main(void)
{
	unit_module = "msg";
	RUN(messages_name_program_file_and_line);
	RUN(skip_notices_count_and_name_the_first);
	RUN(quoting_shows_every_byte_on_one_line);
	return unit_done();
}
