/* record: block reader handing out records as slices (see record.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "record.h"
#include "sigstop.h"
#include "xalloc.h"

/* The buffer of a reader that has not read yet: no allocation until then
 * (a reader set to small blocks by a test, or never read, costs none),
 * and r->buf + r->start is a valid empty range. */
static char unread[1];

void
reader_init_fd(struct reader *r, int fd, const char *name)
{
	struct stat st;

	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->name = name;
	r->block = READER_BLOCK;
	r->cap = 2 * r->block;	/* allocated by the first read */
	r->buf = unread;
	r->at_start = 1;
	if (fstat(fd, &st) == 0)
		r->may_block = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
		    S_ISCHR(st.st_mode);
}

void
reader_open(struct reader *r, const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0) {
		reader_init_fd(r, 0, "-");
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s:", path);
	reader_init_fd(r, fd, path);
	r->owns_fd = 1;
}

void
reader_close(struct reader *r)
{
	if (r->owns_fd)
		close(r->fd);
	if (r->buf != unread)
		free(r->buf);
	r->buf = NULL;
}

void
reader_set_block(struct reader *r, size_t block)
{
	r->block = block > 0 ? block : 1;
	r->cap = 2 * r->block;
}

void
reader_set_idle(struct reader *r, void (*fn)(void *), void *arg)
{
	r->idle = fn;
	r->idle_arg = arg;
}

/* Would a read of r->fd block right now?  Only asked for pipes and ttys. */
static int
would_block(struct reader *r)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, 0);
	while (n < 0 && errno == EINTR);
	return n == 0;
}

/*
 * Read one more block after r->end, first moving the unconsumed bytes to
 * the front and growing the buffer when they fill more than half of it.
 * Returns the number of bytes read (0 at end of input).
 */
static size_t
read_block(struct reader *r)
{
	ssize_t n;

	if (r->buf == unread)
		r->buf = xmalloc(r->cap);
	if (r->start > 0 && (r->start == r->end || r->cap - r->end < r->block)) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < r->block) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	if (r->idle != NULL && r->may_block && would_block(r))
		r->idle(r->idle_arg);
	for (;;) {
		/* A stop asked by a signal (lib/sigstop) ends the program
		 * here, between records. */
		if (sigstop_signal != 0)
			sigstop_finish();
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n < 0)
		die("%s:", r->name);
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	/* Wait for more bytes only while what came so far may start a BOM. */
	if (r->at_start) {
		size_t have = r->end - r->start;

		if (memcmp(r->buf + r->start, "\xEF\xBB\xBF", have < 3 ? have : 3) != 0) {
			r->at_start = 0;
		} else if (have >= 3) {
			r->start += 3;
			r->offset += 3;
			r->at_start = 0;
		}
	}
	return (size_t)n;
}

size_t
reader_fill(struct reader *r)
{
	size_t before = r->end - r->start;

	while (!r->eof && (r->at_start || r->end - r->start <= before))
		read_block(r);
	/* A 1- or 2-byte input is complete now; it cannot hold a BOM. */
	if (r->eof)
		r->at_start = 0;
	return r->end - r->start;
}

void
reader_consume(struct reader *r, size_t n)
{
	r->start += n;
	r->offset += n;
	r->scan = 0;
}

int
reader_next(struct reader *r, struct slice *rec)
{
	char *nl;
	size_t len;

	for (;;) {
		/* Until three bytes (or the end) are in, a BOM may still come. */
		if (r->at_start && !r->eof) {
			read_block(r);
			continue;
		}
		r->at_start = 0;
		nl = memchr(r->buf + r->start + r->scan, '\n',
		    r->end - r->start - r->scan);
		if (nl != NULL)
			break;
		r->scan = r->end - r->start;
		if (r->eof) {
			if (r->start == r->end)
				return 0;
			/* A last line without '\n'. */
			rec->p = r->buf + r->start;
			rec->len = r->end - r->start;
			r->offset += rec->len;
			r->start = r->end;
			r->scan = 0;
			r->line++;
			goto strip_cr;
		}
		read_block(r);
	}
	rec->p = r->buf + r->start;
	rec->len = (size_t)(nl - rec->p);
	r->start += rec->len + 1;
	r->offset += rec->len + 1;
	r->scan = 0;
	r->line++;
strip_cr:
	len = rec->len;
	if (!r->keep_cr && len > 0 && rec->p[len - 1] == '\r')
		rec->len = len - 1;
	return 1;
}
