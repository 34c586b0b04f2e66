/* out: buffered writer over write(2) (see out.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
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
	o->whole_lines = 0;
	o->is_pipe = 0;
	memset(&o->pipe, 0, sizeof o->pipe);
	o->on_closed = NULL;
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
	if (errno == EPIPE) {
		if (o->on_closed != NULL)
			o->on_closed(o);
		exit(EXIT_OK);
	}
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
out_whole_lines(struct out *o)
{
	struct stat sb;

	o->whole_lines = 1;
	o->is_pipe = fstat(o->fd, &sb) == 0 && S_ISFIFO(sb.st_mode);
	/* A larger pipe takes larger whole writes (pipe_fit); the system may
	 * refuse (pipe-max-size, a user's pipe quota): then as it is. */
	if (o->is_pipe && fcntl(o->fd, F_GETPIPE_SZ) < OUT_PIPE_SIZE)
		(void)fcntl(o->fd, F_SETPIPE_SZ, OUT_PIPE_SIZE);
}

uint64_t
out_pipe_room(struct out_pipe *m, uint64_t used, uint64_t nslots, uint64_t page)
{
	uint64_t consumed, busy = 1;
	size_t i;

	if (used == 0) {
		memset(m, 0, sizeof *m);
		return nslots * page;
	}
	if (used > m->queued)
		return 0;
	consumed = m->queued - used;
	while (m->n > 0 && m->bytes[m->first] <= consumed) {
		consumed -= m->bytes[m->first];
		m->queued -= m->bytes[m->first];
		m->first = (m->first + 1) % OUT_PIPE_WRITES;
		m->n--;
	}
	for (i = 0; i < m->n; i++)
		busy += m->slots[(m->first + i) % OUT_PIPE_WRITES];
	return busy >= nslots ? 0 : (nslots - busy) * page;
}

void
out_pipe_wrote(struct out_pipe *m, uint64_t n, uint64_t page)
{
	size_t last;

	if (n == 0)
		return;
	if (m->n == OUT_PIPE_WRITES) {	/* the two oldest as one */
		size_t second = (m->first + 1) % OUT_PIPE_WRITES;

		m->bytes[second] += m->bytes[m->first];
		m->slots[second] += m->slots[m->first];
		m->first = second;
		m->n--;
	}
	last = (m->first + m->n) % OUT_PIPE_WRITES;
	m->bytes[last] = n;
	m->slots[last] = (n + page - 1) / page;
	m->n++;
	m->queued += n;
}

/*
 * pipe_fit: how many of the N bytes at P (whole lines) to write into the
 * pipe now, so that the write is whole or nothing even if we are killed
 * while it waits: no more than out_pipe_room says it takes without
 * blocking, and at least PIPE_BUF, which POSIX makes atomic (a write of
 * one page or less goes into one slot, or waits for one).  A line that
 * needs more waits for the reader (1 ms at a time: poll says writable as
 * soon as one page is free); one longer than the pipe cannot go in whole
 * and is written as it is.  (Writes of PIPE_BUF only, whenever the reader
 * was behind, made following a fast file 1.8 times slower.)
 */
static size_t
pipe_fit(struct out *o, const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);
	size_t first = nl != NULL ? (size_t)(nl - p) + 1 : n;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	for (;;) {
		int cap = fcntl(o->fd, F_GETPIPE_SZ), used = 0;
		uint64_t limit;
		struct pollfd pfd = { .fd = o->fd, .events = POLLOUT };
		struct timespec ms = { 0, 1000000 };

		if (cap <= 0 || ioctl(o->fd, FIONREAD, &used) < 0 || first > (size_t)cap)
			return first > n ? n : first;
		limit = out_pipe_room(&o->pipe, (uint64_t)used, (uint64_t)cap / page,
		    page);
		if (limit < PIPE_BUF)
			limit = PIPE_BUF;
		if (n <= limit)
			return n;
		if (first <= limit)
			return (size_t)((const char *)memrchr(p, '\n', limit) - p) + 1;
		if (poll(&pfd, 1, -1) > 0 && (pfd.revents & (POLLERR | POLLHUP)))
			return n;	/* the reader is gone: the write says so */
		nanosleep(&ms, NULL);
	}
}

/* write_lines: N bytes of whole lines, the way out_whole_lines says. */
static void
write_lines(struct out *o, const char *p, size_t n)
{
	while (n > 0 && !o->closed) {
		size_t k = o->is_pipe ? pipe_fit(o, p, n) : n;
		ssize_t w = write(o->fd, p, k);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			write_failed(o);
			return;
		}
		/* Counted write by write: o->bytes is what was accepted. */
		if (o->is_pipe)
			out_pipe_wrote(&o->pipe, (uint64_t)w,
			    (uint64_t)sysconf(_SC_PAGESIZE));
		o->bytes += (uint64_t)w;
		p += w;
		n -= (size_t)w;
	}
}

/* flush_lines: write the buffer's whole lines; an unfinished one stays,
 * unless it fills the buffer (a line longer than the buffer). */
static void
flush_lines(struct out *o)
{
	const char *nl = memrchr(o->buf, '\n', o->len);
	size_t k = nl != NULL ? (size_t)(nl - o->buf) + 1 :
	    o->len == o->cap ? o->len : 0;

	write_lines(o, o->buf, k);
	if (o->closed)
		k = o->len;
	memmove(o->buf, o->buf + k, o->len - k);
	o->len -= k;
}

/* writev_all: A then B in as few write(2) calls as the kernel allows. */
static void
writev_all(struct out *o, const char *a, size_t na, const char *b, size_t nb)
{
	struct iovec iov[2] = { { (void *)a, na }, { (void *)b, nb } };
	struct iovec *v = iov;
	int cnt = 2;
	ssize_t w;

	while (cnt > 0 && !o->closed) {
		w = writev(o->fd, v, cnt);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			write_failed(o);
			return;
		}
		o->bytes += (uint64_t)w;
		if (o->is_pipe)
			out_pipe_wrote(&o->pipe, (uint64_t)w,
			    (uint64_t)sysconf(_SC_PAGESIZE));
		while (cnt > 0 && (size_t)w >= v->iov_len) {
			w -= (ssize_t)v->iov_len;
			v++;
			cnt--;
		}
		if (cnt > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
}

/*
 * write_slow_lines: out_write_slow in whole_lines mode.  Whole lines fill
 * the buffer and are flushed; a line longer than the buffer goes out with
 * what of it was buffered, in one writev.
 */
static void
write_slow_lines(struct out *o, const char *p, size_t n)
{
	while (n > o->cap - o->len) {
		size_t room = o->cap - o->len, k;
		const char *nl = room > 0 ? memrchr(p, '\n', room) : NULL;

		if (nl != NULL) {
			k = (size_t)(nl - p) + 1;
			memcpy(o->buf + o->len, p, k);
			o->len += k;
			p += k;
			n -= k;
			flush_lines(o);
			continue;
		}
		if (memchr(o->buf, '\n', o->len) != NULL) {
			flush_lines(o);
			continue;
		}
		nl = memchr(p, '\n', n);
		k = nl != NULL ? (size_t)(nl - p) + 1 : n;
		writev_all(o, o->buf, o->len, p, k);
		o->len = 0;
		p += k;
		n -= k;
	}
	if (o->closed)
		return;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

void
out_flush(struct out *o)
{
	if (o->len == 0)
		return;
	if (o->whole_lines && !o->closed) {
		flush_lines(o);
		return;
	}
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
	if (o->whole_lines && p != NULL) {
		write_slow_lines(o, p, n);
		return;
	}
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

int
out_reader_gone(int fd)
{
	struct pollfd p = { .fd = fd, .events = 0 };
	struct stat st;

	/* Linux reports POLLERR on a pipe's writing end without readers. */
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return 0;
	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

void
out_ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
}
