/* fileio: reading regular files at offsets, and small files whole. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "msg.h"
#include "xalloc.h"

char *
path_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n;
	char *dir;

	if (slash == NULL)
		return xstrdup(".");
	n = slash == path ? 1 : (size_t)(slash - path);
	dir = xmalloc(n + 1);
	memcpy(dir, path, n);
	dir[n] = '\0';
	return dir;
}

size_t
pread_full(int fd, const char *name, void *p, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, (char *)p + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("%s:", name);
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got;
}

uint64_t
file_newline(int fd, const char *name, uint64_t at, uint64_t end)
{
	char buf[65536], *nl;
	size_t want, got;

	while (at < end) {
		want = end - at < sizeof buf ? (size_t)(end - at) : sizeof buf;
		got = pread_full(fd, name, buf, want, at);
		if ((nl = memchr(buf, '\n', got)) != NULL)
			return at + (uint64_t)(nl - buf);
		if (got < want)
			break;	/* the file shrank */
		at += got;
	}
	return end;
}

int
file_read_all(int fd, struct buf *b)
{
	ssize_t r;

	for (;;) {
		buf_reserve(b, 65536);
		r = read(fd, b->p + b->len, b->cap - b->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		b->len += (size_t)r;
	}
}
