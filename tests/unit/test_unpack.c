/* Unit tests of lib/unpack.c: compressed files read through their decompressor. */
#include <fcntl.h>
#include <sys/wait.h>

#include "unit.h"
#include "unitdir.h"
#include "msg.h"
#include "unpack.h"


static void
reads_through_gzip(void)
{
	char p[300], cmd[700], buf[64];
	unsigned char head[FILEID_FP_MAX], tail[FILEID_FP_MAX];
	size_t hl, tl;
	pid_t pid;
	int fd, out;

	if (system("command -v gzip >/dev/null") != 0)
		return;
	snprintf(p, sizeof p, "%s/a", dir);
	snprintf(cmd, sizeof cmd, "printf 'hello\\nworld\\n' >%s && gzip %s", p, p);
	CHECK(system(cmd) == 0);
	snprintf(p, sizeof p, "%s/a.gz", dir);
	fd = open(p, O_RDONLY);
	CHECK(unpack_start("gzip", fd, &pid, &out) == 0);
	close(fd);
	CHECK(unpack_skip(out, 6, head, &hl, tail, &tl) == 6);
	CHECK(hl == 6 && memcmp(head, "hello\n", 6) == 0);
	CHECK(tl == 6 && memcmp(tail, "hello\n", 6) == 0);
	CHECK(unpack_read(out, buf, sizeof buf) == 6 && memcmp(buf, "world\n", 6) == 0);
	CHECK(unpack_read(out, buf, sizeof buf) == 0);
	CHECK(WIFEXITED(unpack_end(pid, out, 0)));
}

static void
a_bad_file_fails_in_its_status(void)
{
	char p[300];
	pid_t pid;
	int fd, out, status;
	char buf[16];

	if (system("command -v gzip >/dev/null") != 0)
		return;
	snprintf(p, sizeof p, "%s/bad.gz", dir);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0666);
	CHECK(write(fd, "not gzip", 8) == 8);
	lseek(fd, 0, SEEK_SET);
	CHECK(unpack_start("gzip", fd, &pid, &out) == 0);
	close(fd);
	while (unpack_read(out, buf, sizeof buf) > 0)
		;
	status = unpack_end(pid, out, 0);
	CHECK(!WIFEXITED(status) || WEXITSTATUS(status) != 0);
}

static void
a_missing_decompressor_is_said(void)
{
	pid_t pid;
	int out;

	CHECK(unpack_start("no-such-unpacker-mr", 0, &pid, &out) == -1);
}

int
main(void)
{
	unit_module = "unpack";
	msg_init("mr-tail");
	if (unit_dir_make("unpack") < 0)
		return 1;
	RUN(reads_through_gzip);
	RUN(a_bad_file_fails_in_its_status);
	RUN(a_missing_decompressor_is_said);
	return unit_dir_remove() < 0 ? 1 : unit_done();
}
