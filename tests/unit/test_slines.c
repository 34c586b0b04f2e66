/* Unit tests of lib/slines: command output lines as Hadoop's LineReader ends them, key and value. */
#include "unit.h"
#include "slines.h"
#include "msg.h"

#include <fcntl.h>

static void
command_lines_end_as_hadoops_line_reader_ends_them(void)
{
	static const struct {
		const char *in, *lines;		/* lines joined by '|' */
		size_t step;
	} t[] = {
		{ "a\nb\n", "a|b", 1 },
		{ "a\r\nb", "a|b", 1 },
		{ "a\rb\r", "a|b", 1 },
		{ "\n\n", "|", 3 },
		{ "a\r\r\nb", "a||b", 1 },
		{ "x\r", "x", 1 },
		{ "long line\r\nend\n", "long line|end", 2 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct unit_trickle tr;
		struct slines l;
		struct slice line;
		char got[64] = "";
		int fds[2];

		CHECK(pipe(fds) == 0);
		unit_trickle_start(&tr, fds[1], t[i].in, strlen(t[i].in), t[i].step);
		slines_init(&l, fds[0], "test");
		while (slines_next(&l, &line)) {
			if (l.n > 1)
				strcat(got, "|");
			strncat(got, line.p, line.len);
		}
		slines_free(&l);
		unit_trickle_join(&tr);
		close(fds[0]);
		CHECK_STR(got, t[i].lines);
	}
}

/* Lines longer than the buffer (1 MiB) grow it and come out whole, a '\r'
 * found in a stretch already scanned included. */
static void
lines_longer_than_the_buffer_come_whole(void)
{
	static char in[3 << 20];
	const size_t a = 6, b = a + (1536 << 10), c = b + (1 << 20);
	struct unit_trickle tr;
	struct slines l;
	struct slice line;
	int fds[2];
	size_t i;

	memcpy(in, "short\n", 6);
	for (i = a; i < sizeof in; i++)
		in[i] = (char)('a' + i % 26);
	in[b] = '\r';			/* ends a line of 1.5 MiB */
	in[c] = '\n';			/* and one of 1 MiB - 1 */
	CHECK(pipe(fds) == 0);
	unit_trickle_start(&tr, fds[1], in, sizeof in, 100000);
	slines_init(&l, fds[0], "test");
	CHECK(slines_next(&l, &line) && line.len == 5);
	CHECK(slines_next(&l, &line) && line.len == b - a &&
	    memcmp(line.p, in + a, line.len) == 0);
	CHECK(slines_next(&l, &line) && line.len == c - b - 1 &&
	    memcmp(line.p, in + b + 1, line.len) == 0);
	CHECK(slines_next(&l, &line) && line.len == sizeof in - c - 1 &&
	    memcmp(line.p, in + c + 1, line.len) == 0);
	CHECK(!slines_next(&l, &line) && l.n == 4);
	slines_free(&l);
	unit_trickle_join(&tr);
	close(fds[0]);
}

static void
keys_end_at_the_kth_separator_of_any_length(void)
{
	static const struct {
		const char *sep;
		int keys;
		const char *line;
		size_t keylen;
	} t[] = {
		{ "\t", 1, "a\tb\tc", 1 },
		{ "\t", 2, "a\tb\tc", 3 },
		{ "\t", 3, "a\tb\tc", 5 },	/* fewer separators: all key */
		{ "::", 1, "a::b", 1 },
		{ "::", 2, "a::b::c", 4 },
		{ "::", 1, "a:b", 3 },
		{ ",", 0, "x,y", 1 },		/* 0 counts as 1 */
		{ "\t", 1, "", 0 },
	};
	struct scollect c;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		scollect_init(&c, t[i].sep, t[i].keys);
		CHECK(scollect_keylen(&c, t[i].line, strlen(t[i].line)) == t[i].keylen);
	}
}

/* Read lines from standard output, which the child has open for writing. */
static void
read_a_write_only_descriptor(void *arg)
{
	struct slines l;
	struct slice line;
	int fd = open("/dev/null", O_WRONLY);

	(void)arg;
	msg_init("mr-test");
	slines_init(&l, fd, "mapper output");
	while (slines_next(&l, &line))
		;
}

static void
a_read_error_names_the_stream_as_other_read_errors_do(void)
{
	char err[256];
	int status = unit_capture_stderr(read_a_write_only_descriptor, err,
	    sizeof err);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK_STR(err, "mr-test: mapper output: Bad file descriptor\n");
}

int
main(void)
{
	unit_module = "slines";
	RUN(command_lines_end_as_hadoops_line_reader_ends_them);
	RUN(lines_longer_than_the_buffer_come_whole);
	RUN(keys_end_at_the_kth_separator_of_any_length);
	RUN(a_read_error_names_the_stream_as_other_read_errors_do);
	return unit_done();
}
