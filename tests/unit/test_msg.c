/* Unit tests of lib/msg.c: one-line diagnostics and exit statuses. */
#include <fcntl.h>

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

int
main(void)
{
	unit_module = "msg";
	RUN(messages_name_program_file_and_line);
	return unit_done();
}
