/* Unit tests of lib/fileio.c: reads at offsets of regular files. */
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
after_newline_finds_the_next_line_start(void)
{
	int fd = unit_bytes_fd("ab\ncd\n\nlast", 11);

	CHECK(file_after_newline(fd, "f", 0, 11) == 3);
	CHECK(file_after_newline(fd, "f", 2, 11) == 3);	/* the '\n' itself */
	CHECK(file_after_newline(fd, "f", 3, 11) == 6);
	CHECK(file_after_newline(fd, "f", 6, 11) == 7);	/* an empty line */
	CHECK(file_after_newline(fd, "f", 7, 11) == 11);	/* no '\n' left */
	CHECK(file_after_newline(fd, "f", 0, 2) == 2);	/* not past END */
	CHECK(file_after_newline(fd, "f", 7, 50) == 50);	/* the file ends */
	close(fd);
}

static void
after_newline_reads_past_its_buffer(void)
{
	static char data[200000];
	int fd;

	memset(data, 'x', sizeof data);
	data[150001] = '\n';
	fd = unit_bytes_fd(data, sizeof data);
	CHECK(file_after_newline(fd, "f", 1, sizeof data) == 150002);
	CHECK(file_after_newline(fd, "f", 150002, sizeof data) == sizeof data);
	close(fd);
}

int
main(void)
{
	unit_module = "fileio";
	RUN(pread_full_reads_up_to_the_end);
	RUN(after_newline_finds_the_next_line_start);
	RUN(after_newline_reads_past_its_buffer);
	return unit_done();
}
