/* out: buffered writer over write(2) (see out.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "msg.h"
#include "out.h"
#include "xalloc.h"

void
out_init(struct out *o, int fd, const char *name)
{
	o->fd = fd;
	o->owns_fd = 0;
	o->name = name;
	o->cap = OUT_BUFSIZE;
	o->buf = xmalloc(o->cap);
	o->len = 0;
	o->bytes = 0;
	o->to_child = 0;
	o->closed = 0;
	o->mem = NULL;
}

void
out_init_mem(struct out *o, struct buf *mem, const char *name)
{
	out_init(o, -1, name);
	o->mem = mem;
}

void
out_init_child(struct out *o, int fd, const char *name)
{
	out_init(o, fd, name);
	o->to_child = 1;
}

int
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A reader that went away is not an error: end quietly with status 0. */
static void
write_failed(struct out *o)
{
	if (errno == EPIPE && o->to_child) {
		o->closed = 1;
		return;
	}
	if (errno == EPIPE)
		exit(EXIT_OK);
	die("%s: write error:", o->name);
}

/* Write N bytes at P through to the fd (or the memory). */
static void
write_through(struct out *o, const void *p, size_t n)
{
	if (o->closed)		/* the child went away: drop it */
		return;
	if (o->mem != NULL)
		buf_append(o->mem, p, n);
	else if (write_all(o->fd, p, n) < 0) {
		write_failed(o);
		return;
	}
	o->bytes += n;
}

void
out_flush(struct out *o)
{
	if (o->len == 0)
		return;
	write_through(o, o->buf, o->len);
	o->len = 0;
}

int
out_splice(struct out *o, int fd, size_t n)
{
	size_t moved = 0;
	ssize_t w;

	out_flush(o);
	while (moved < n) {
		if (o->closed) {
			errno = EPIPE;
			return -1;
		}
		w = splice(fd, NULL, o->fd, NULL, n - moved, SPLICE_F_MOVE);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EINVAL && moved == 0)
			return -1;
		if (w < 0 && errno == EAGAIN) {
			/* The output is a full pipe and one end is non-blocking. */
			struct pollfd p = { .fd = o->fd, .events = POLLOUT };

			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				die("poll:");
			continue;
		}
		if (w == 0)
			die("%s: splice: the pipe held fewer bytes than said", o->name);
		if (w < 0) {
			write_failed(o);	/* returns only for a child's pipe */
			continue;
		}
		moved += (size_t)w;
		o->bytes += (uint64_t)w;
	}
	return 0;
}

void
out_flush_cb(void *o)
{
	out_flush(o);
}

void
out_write_slow(struct out *o, const void *p, size_t n)
{
	out_flush(o);
	if (p == NULL) {	/* out_reserve asking for a bigger buffer */
		o->cap = n;
		o->buf = xrealloc(o->buf, o->cap);
		return;
	}
	if (n >= o->cap) {	/* too big to buffer: write it through */
		write_through(o, p, n);
		return;
	}
	memcpy(o->buf, p, n);
	o->len = n;
}

void
out_u64(struct out *o, uint64_t v)
{
	char tmp[24], *e = tmp + sizeof tmp, *s = e;

	do
		*--s = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	out_write(o, s, (size_t)(e - s));
}

void
out_close(struct out *o)
{
	out_flush(o);
	if (o->owns_fd && close(o->fd) < 0)
		die("%s: write error:", o->name);
	free(o->buf);
	o->buf = NULL;
}

void
out_ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}
