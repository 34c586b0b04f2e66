/* Unit tests of lib/fileio.c: reads at offsets of regular files, and whole. */
#include <errno.h>
#include <stdlib.h>

#include "unit.h"
#include "fileio.h"

static void
pread_full_reads_up_to_the_end(void)
{
	int fd = unit_bytes_fd("hello\nworld\n", 12);
	char buf[32];

	CHECK(pread_full(fd, "f", buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(pread_full(fd, "f", buf, 32, 6) == 6 && memcmp(buf, "world\n", 6) == 0);
	CHECK(pread_full(fd, "f", buf, 4, 12) == 0);
	close(fd);
}

static void
newline_finds_the_next_line_end(void)
{
	int fd = unit_bytes_fd("ab\ncd\n\nlast\n", 12);

	CHECK(file_newline(fd, "f", 0, 12) == 2);
	CHECK(file_newline(fd, "f", 2, 12) == 2);	/* the '\n' itself */
	CHECK(file_newline(fd, "f", 3, 12) == 5);
	CHECK(file_newline(fd, "f", 6, 12) == 6);	/* an empty line */
	CHECK(file_newline(fd, "f", 7, 12) == 11);	/* the last byte */
	CHECK(file_newline(fd, "f", 7, 11) == 11);	/* not in [7, 11) */
	CHECK(file_newline(fd, "f", 0, 2) == 2);	/* not past END */
	CHECK(file_newline(fd, "f", 12, 50) == 50);	/* the file ends */
	close(fd);
}

static void
newline_is_found_past_the_read_buffer(void)
{
	static char data[200000];
	int fd;

	memset(data, 'x', sizeof data);
	data[150001] = '\n';
	fd = unit_bytes_fd(data, sizeof data);
	CHECK(file_newline(fd, "f", 1, sizeof data) == 150001);
	CHECK(file_newline(fd, "f", 150002, sizeof data) == sizeof data);
	close(fd);
}

static void
read_all_appends_the_whole_file(void)
{
	static char data[300000];
	struct buf b = { 0 };
	int fd;
	size_t i;

	for (i = 0; i < sizeof data; i++)
		data[i] = (char)('a' + i % 26);
	fd = unit_bytes_fd(data, sizeof data);
	buf_append(&b, "head", 4);
	CHECK(file_read_all(fd, &b) == 0);
	CHECK(b.len == 4 + sizeof data);
	CHECK(memcmp(b.p, "head", 4) == 0 && memcmp(b.p + 4, data, sizeof data) == 0);
	CHECK(file_read_all(fd, &b) == 0 && b.len == 4 + sizeof data);	/* at its end */
	close(fd);
	CHECK(file_read_all(fd, &b) == -1 && errno == EBADF);
	buf_free(&b);
}

static void
path_dir_is_the_directory_part(void)
{
	static const char *cases[][2] = {
		{ "app.log", "." }, { "/app.log", "/" }, { "d/app.log", "d" },
		{ "/var/log/app.log", "/var/log" }, { "./x", "." }, { "d/", "d" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *d = path_dir(cases[i][0]);

		CHECK_STR(d, cases[i][1]);
		free(d);
	}
}

int
main(void)
{
	unit_module = "fileio";
	RUN(pread_full_reads_up_to_the_end);
	RUN(newline_finds_the_next_line_end);
	RUN(newline_is_found_past_the_read_buffer);
	RUN(read_all_appends_the_whole_file);
	RUN(path_dir_is_the_directory_part);
	return unit_done();
}
