/* slines: a command's output lines and their keys, as Streaming reads them
 * (see slines.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msg.h"
#include "slines.h"
#include "xalloc.h"

/* ---- LineReader over a pipe ---- */

#define NO_CR SIZE_MAX

void
slines_init(struct slines *l, int fd, const char *name)
{
	memset(l, 0, sizeof *l);
	l->fd = fd;
	l->name = name;
	l->cap = 1 << 20;
	l->buf = xmalloc(l->cap);
	l->cr = NO_CR;
}

void
slines_free(struct slines *l)
{
	free(l->buf);
	l->buf = NULL;
}

static size_t
slines_cr(struct slines *l)
{
	size_t from;
	char *q;

	if (l->cr != NO_CR)
		return l->cr;
	from = l->crdone > l->start ? l->crdone : l->start;
	if (from >= l->end)
		return NO_CR;
	q = memchr(l->buf + from, '\r', l->end - from);
	if (q == NULL) {
		l->crdone = l->end;
		return NO_CR;
	}
	l->cr = (size_t)(q - l->buf);
	l->crdone = l->cr + 1;
	return l->cr;
}

static void
slines_fill(struct slines *l)
{
	ssize_t n;

	if (l->start > 0) {	/* keep only the partial line */
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		if (l->cr != NO_CR)
			l->cr -= l->start;
		l->crdone = l->crdone > l->start ? l->crdone - l->start : 0;
		l->nldone = l->nldone > l->start ? l->nldone - l->start : 0;
		l->end -= l->start;
		l->start = 0;
	}
	if (l->end == l->cap) {
		l->cap *= 2;
		l->buf = xrealloc(l->buf, l->cap);
	}
	do
		n = read(l->fd, l->buf + l->end, l->cap - l->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s: read error:", l->name);
	if (n == 0)
		l->eof = 1;
	else
		l->end += (size_t)n;
}

int
slines_next(struct slines *l, struct slice *line)
{
	for (;;) {
		char *p = l->buf + l->start;
		size_t avail = l->end - l->start;
		size_t from = l->nldone > l->start ? l->nldone : l->start;
		char *nl = from < l->end ? memchr(l->buf + from, '\n', l->end - from) : NULL;
		size_t stop = nl != NULL ? (size_t)(nl - l->buf) : l->end;
		size_t cr = slines_cr(l);

		if (cr != NO_CR && cr < stop) {
			/* A '\r' ends the line, with the '\n' right after it
			 * if there is one: wait for the next byte to know. */
			if (cr + 1 < l->end || l->eof) {
				line->p = p;
				line->len = cr - l->start;
				l->start = cr + 1;
				if (l->start < l->end && l->buf[l->start] == '\n')
					l->start++;
				l->cr = NO_CR;
				l->n++;
				return 1;
			}
		} else if (nl != NULL) {
			line->p = p;
			line->len = stop - l->start;
			l->start = stop + 1;
			l->n++;
			return 1;
		} else if (l->eof) {
			if (avail == 0)
				return 0;
			line->p = p;
			line->len = avail;
			l->start = l->end;
			l->n++;
			return 1;
		}
		l->nldone = stop;
		slines_fill(l);
	}
}

/* ---- key and value ---- */

void
scollect_init(struct scollect *c, const char *sep, int keys)
{
	c->sep = sep;
	c->seplen = strlen(sep);
	c->keys = keys > 1 ? keys : 1;
}

size_t
scollect_keylen(const struct scollect *c, const char *p, size_t len)
{
	size_t off = 0;
	int k = c->keys;

	for (;;) {
		const char *q = c->seplen == 1 ?
		    memchr(p + off, c->sep[0], len - off) :
		    memmem(p + off, len - off, c->sep, c->seplen);

		if (q == NULL)
			return len;
		if (--k == 0)
			return (size_t)(q - p);
		off = (size_t)(q - p) + c->seplen;
	}
}
