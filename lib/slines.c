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

/* ---- LineReader over a pipe ---- */

#define NO_CR SIZE_MAX

void
slines_init(struct slines *l, int fd, const char *name)
{
	memset(l, 0, sizeof *l);
	l->fd = fd;
	l->name = name;
	buf_reserve(&l->b, 1 << 20);
	l->cr = NO_CR;
}

void
slines_free(struct slines *l)
{
	buf_free(&l->b);
}

static size_t
slines_cr(struct slines *l)
{
	size_t from;
	char *q;

	if (l->cr != NO_CR)
		return l->cr;
	from = l->crdone > l->start ? l->crdone : l->start;
	if (from >= l->b.len)
		return NO_CR;
	q = memchr(l->b.p + from, '\r', l->b.len - from);
	if (q == NULL) {
		l->crdone = l->b.len;
		return NO_CR;
	}
	l->cr = (size_t)(q - l->b.p);
	l->crdone = l->cr + 1;
	return l->cr;
}

static void
slines_fill(struct slines *l)
{
	ssize_t n;

	if (l->start > 0) {	/* keep only the partial line */
		buf_drop(&l->b, l->start);
		if (l->cr != NO_CR)
			l->cr -= l->start;
		l->crdone = l->crdone > l->start ? l->crdone - l->start : 0;
		l->nldone = l->nldone > l->start ? l->nldone - l->start : 0;
		l->start = 0;
	}
	buf_reserve(&l->b, 1);	/* full of one line: it grows */
	do
		n = read(l->fd, l->b.p + l->b.len, l->b.cap - l->b.len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s:", l->name);
	if (n == 0)
		l->eof = 1;
	else
		l->b.len += (size_t)n;
}

int
slines_next(struct slines *l, struct slice *line)
{
	for (;;) {
		char *p = l->b.p + l->start;
		size_t avail = l->b.len - l->start;
		size_t from = l->nldone > l->start ? l->nldone : l->start;
		char *nl = from < l->b.len ? memchr(l->b.p + from, '\n', l->b.len - from) : NULL;
		size_t stop = nl != NULL ? (size_t)(nl - l->b.p) : l->b.len;
		size_t cr = slines_cr(l);

		if (cr != NO_CR && cr < stop) {
			/* A '\r' ends the line, with the '\n' right after it
			 * if there is one: wait for the next byte to know. */
			if (cr + 1 < l->b.len || l->eof) {
				line->p = p;
				line->len = cr - l->start;
				l->start = cr + 1;
				if (l->start < l->b.len && l->b.p[l->start] == '\n')
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
			l->start = l->b.len;
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
