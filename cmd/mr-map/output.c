/*
 * mr-map -P: the copies' output.  Whole lines of a copy's stdout go on to
 * mr-map's stdout as they come (by splice(2) when stdout takes it), never
 * torn; with -o each copy's lines are held until every copy before it has
 * finished.  A copy's stderr is passed on line by line, less the
 * reporter: lines, whose counters mr-map sums.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "map.h"
#include "msg.h"
#include "out.h"
#include "proc.h"
#include "record.h"
#include "reporter.h"
#include "tmpfile.h"

/* Bytes of a copy's output taken per read(2): a pipe's worth. */
#define READ_CHUNK (128 << 10)

/*
 * Output lines go from a copy's pipe to stdout by splice(2), not through
 * mr-map's memory, when stdout takes it: tee(2) duplicates what the pipe
 * holds into the scratch pipe, whose last SPLICE_TAIL bytes alone are
 * read to find the last '\n' (the rest of the duplicate is dropped in
 * /dev/null), and the lines up to it move on.  The copy's partial last
 * line stays in its pipe until the rest of it comes.
 */
#define SPLICE_TAIL 8192

void
splice_setup(struct splicer *sp)
{
	sp->on = 0;
	sp->devnull = -1;
	if (pipe2(sp->scratch, O_CLOEXEC) < 0)
		return;
	sp->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (sp->devnull < 0) {
		close(sp->scratch[0]);
		close(sp->scratch[1]);
		return;
	}
	/* tee(2) takes no more than the scratch pipe holds. */
	proc_pipe_grow(sp->scratch[1], 1 << 20);
	sp->on = 1;
}

void
splice_teardown(struct splicer *sp)
{
	if (sp->devnull >= 0) {
		close(sp->scratch[0]);
		close(sp->scratch[1]);
		close(sp->devnull);
		sp->devnull = -1;
	}
	sp->on = 0;
}

/* Is copy C's output held (-o, not yet its turn)? */
static int
held(const struct pool *pl, const struct copy *c)
{
	return pl->opt->ordered && (size_t)copy_index(pl, c) != pl->head;
}

/*
 * Whole lines of copy C's stdout to stdout by splice.  Returns 1 when
 * lines moved, 0 when there is nothing to move yet (an empty pipe, or a
 * short partial line), -1 when the copying path must take the pipe: a
 * line longer than SPLICE_TAIL, the end of the output, or a stdout that
 * takes no splice.
 */
static int
splice_stdout(struct pool *pl, struct copy *c)
{
	struct splicer *sp = &pl->sp;
	char tail[SPLICE_TAIL], *nl;
	size_t held_bytes, k, got = 0;
	ssize_t n;

	n = tee(c->p.out, sp->scratch[1], 1 << 30, SPLICE_F_NONBLOCK);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;	/* an empty pipe */
	if (n <= 0) {
		if (n < 0)
			sp->on = 0;
		return -1;	/* the end: read_stdout sees it */
	}
	held_bytes = (size_t)n;
	k = held_bytes < SPLICE_TAIL ? held_bytes : SPLICE_TAIL;
	/* The duplicate is emptied whatever comes next: all but its tail is
	 * dropped, the tail read. */
	while (got < held_bytes - k) {
		n = splice(sp->scratch[0], NULL, sp->devnull, NULL,
		    held_bytes - k - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("splice to /dev/null:");
		got += (size_t)n;
	}
	for (got = 0; got < k;) {
		n = read(sp->scratch[0], tail + got, k - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("read from a pipe:");
		got += (size_t)n;
	}
	if ((nl = memrchr(tail, '\n', k)) == NULL)
		return held_bytes > k ? -1 : 0;
	if (out_splice(pl->out, c->p.out,
	    held_bytes - k + (size_t)(nl - tail) + 1) < 0) {
		sp->on = 0;
		return -1;
	}
	pl->moved = 1;
	return 1;
}

/* Hold LEN bytes of output of copy C (-o, not yet its turn). */
static void
hold_output(struct copy *c, const char *p, size_t len)
{
	if (c->spool_fd < 0 && c->obuf.len + len > SPOOL_MEM)
		c->spool_fd = tmp_create(tmp_dir(NULL), "mr-map", &c->spool_path);
	if (c->spool_fd >= 0) {
		if (write_all(c->spool_fd, p, len) < 0)
			die("%s: write error:", c->spool_path);
		c->spooled += len;
		return;
	}
	buf_append(&c->obuf, p, len);
}

/* Held output in obuf over SPOOL_MEM: its whole lines to a spool file. */
static void
spill_held(struct copy *c)
{
	struct buf *b = &c->obuf;
	char *nl = memrchr(b->p, '\n', b->len);
	size_t keep = nl ? (size_t)(b->p + b->len - nl - 1) : b->len;

	c->spool_fd = tmp_create(tmp_dir(NULL), "mr-map", &c->spool_path);
	if (write_all(c->spool_fd, b->p, b->len - keep) < 0)
		die("%s: write error:", c->spool_path);
	c->spooled += b->len - keep;
	buf_drop(b, b->len - keep);
}

/* The end of copy C's output: its last line, if any, goes on or waits. */
static void
end_stdout(struct pool *pl, struct copy *c)
{
	struct buf *b = &c->obuf;

	/* A last line without '\n' gets one. */
	if (b->len > 0 && b->p[b->len - 1] != '\n')
		buf_append(b, "\n", 1);
	if (!held(pl, c)) {
		if (b->len > 0)
			out_write(pl->out, b->p, b->len);
		b->len = 0;
	}
	close(c->p.out);
	c->out_open = 0;
}

/*
 * Read what copy C wrote on stdout (EV: its poll events).  Complete lines
 * go on at once; a partial line waits in obuf (which, for a held copy,
 * holds only that).  Returns 1 when it read bytes (there may be more).
 */
int
read_stdout(struct pool *pl, struct copy *c, short ev)
{
	struct buf *b = &c->obuf;
	size_t keep, old;
	ssize_t n;
	char *nl;

	/* Lines that go on now, with no partial one of the copy's held here. */
	if (pl->sp.on && b->len == 0 && !(ev & POLLHUP) && !held(pl, c) &&
	    splice_stdout(pl, c) >= 0)
		return 0;	/* what is left is a partial line */
	buf_reserve(b, READ_CHUNK);
	n = read(c->p.out, b->p + b->len, b->cap - b->len);
	if (n > 0) {
		pl->moved = 1;
		old = b->len;
		b->len += (size_t)n;
		if (held(pl, c) && c->spool_fd < 0) {
			/* Held in obuf itself: read straight onto its end. */
			if (b->len > SPOOL_MEM)
				spill_held(c);
			return 1;
		}
		nl = memrchr(b->p + old, '\n', (size_t)n);
		if (nl == NULL)
			return 1;
		keep = (size_t)(b->p + b->len - nl - 1);
		if (held(pl, c))
			hold_output(c, b->p, b->len - keep);
		else
			out_write(pl->out, b->p, b->len - keep);
		buf_drop(b, b->len - keep);
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		die("%s: copy %d:", pl->cmd_text, copy_index(pl, c));
	end_stdout(pl, c);
	return 0;
}

/* -o: write the held output of copy C, now that it is its turn. */
void
release_output(struct pool *pl, struct copy *c)
{
	char tmp[65536], *nl;
	size_t whole;
	ssize_t n;
	off_t off = 0;

	if (c->spool_fd >= 0) {
		while ((n = pread(c->spool_fd, tmp, sizeof tmp, off)) > 0) {
			out_write(pl->out, tmp, (size_t)n);
			off += n;
		}
		if (n < 0)
			die("%s:", c->spool_path);
		close(c->spool_fd);
		tmp_remove(c->spool_path);
		c->spool_fd = -1;
	}
	/* What remains in obuf: whole lines, then perhaps a partial one. */
	nl = c->obuf.len ? memrchr(c->obuf.p, '\n', c->obuf.len) : NULL;
	whole = nl ? (size_t)(nl - c->obuf.p) + 1 : 0;
	if (!c->out_open)
		whole = c->obuf.len;
	if (whole == 0)
		return;
	out_write(pl->out, c->obuf.p, whole);
	buf_drop(&c->obuf, whole);
}

/* Pass one stderr line of a copy on, or take its counter. */
static void
copy_stderr_line(struct pool *pl, struct slice line)
{
	struct slice g, n;
	int64_t amount;

	switch (reporter_parse(line, &g, &n, &amount)) {
	case REPORTER_COUNTER:
		if (!pl->under_hadoop) {
			counters_add(&pl->counters, g, n, amount);
			return;
		}
		break;
	case REPORTER_STATUS:
		if (!pl->under_hadoop)
			return;
		break;
	default:
		break;
	}
	line.p[line.len] = '\n';	/* the buffer has room: see read_stderr */
	write_all(2, line.p, line.len + 1);
}

/* Read what copy C wrote on stderr; 1 when it read bytes (there may be more). */
int
read_stderr(struct pool *pl, struct copy *c)
{
	struct buf *b = &c->ebuf;
	size_t start = 0;
	ssize_t n;
	char *nl;

	buf_reserve(b, 65536);
	n = read(c->p.err, b->p + b->len, b->cap - b->len - 1);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	pl->moved = 1;
	if (n <= 0) {
		if (b->len > 0)
			copy_stderr_line(pl, (struct slice){ b->p, b->len });
		b->len = 0;
		close(c->p.err);
		c->err_open = 0;
		return 0;
	}
	b->len += (size_t)n;
	while ((nl = memchr(b->p + start, '\n', b->len - start)) != NULL) {
		copy_stderr_line(pl, (struct slice){ b->p + start,
		    (size_t)(nl - b->p - start) });
		start = (size_t)(nl - b->p) + 1;
	}
	buf_drop(b, start);
	return 1;
}
