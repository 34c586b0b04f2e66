/* follow_marks: the source positions the output stands for (see follow_marks.h). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fileid.h"
#include "follow.h"
#include "follow_marks.h"
#include "follow_src.h"
#include "out.h"
#include "xalloc.h"

/* Bytes handed to the output so far, buffered ones included. */
static uint64_t
out_pos(const struct out *o)
{
	return o->bytes + o->len;
}

void
follow_mark_begin(struct follow *f, struct follow_src *s)
{
	struct follow_marks *fm = f->o.marks;

	if (fm == NULL)
		return;
	fm->out_start = out_pos(f->o.out);
	fm->lines = s->lines;
	fm->lbytes = s->lbytes;
}

/* Drop the marks the output accepted. */
static void
trim(struct follow_marks *fm, uint64_t accepted)
{
	while (fm->first < fm->n && fm->m[fm->first].out_end <= accepted)
		fm->first++;
	if (fm->first == fm->n) {
		fm->first = fm->n = 0;
	} else if (fm->first > fm->cap / 2) {
		memmove(fm->m, fm->m + fm->first, (fm->n - fm->first) * sizeof *fm->m);
		fm->n -= fm->first;
		fm->first = 0;
	}
}

void
follow_mark(struct follow *f, struct follow_src *s, uint64_t n, int whole)
{
	struct follow_marks *fm = f->o.marks;
	struct follow_mark *k;

	if (fm == NULL)
		return;
	trim(fm, f->o.out->bytes);
	if (fm->n == fm->cap)
		ARRAY_RESERVE(fm->m, fm->cap, fm->n + 1);
	k = &fm->m[fm->n++];
	k->f = f;
	k->s = s;
	k->out_start = fm->out_start;
	k->out_end = out_pos(f->o.out);
	k->src_start = s->line_off;
	k->src_end = s->line_off + n;
	k->lines = fm->lines;
	k->lbytes = fm->lbytes;
	memcpy(k->fp, s->fp, s->fplen);
	k->fplen = s->fplen;
	k->whole = whole;
}

void
follow_marks_forget(struct follow *f, struct follow_src *s)
{
	struct follow_marks *fm = f->o.marks;
	size_t i;

	if (fm == NULL)
		return;
	for (i = fm->first; i < fm->n; i++)
		if (fm->m[i].s == s)
			break;
	if (i == fm->n)
		return;
	out_flush(f->o.out);	/* a closed output rewinds S now */
	trim(fm, f->o.out->bytes);
}

/* The bytes the line of LEN bytes (its newline included) takes in F's output. */
static uint64_t
out_len(const struct follow *f, size_t len)
{
	uint64_t n = len;

	if (f->o.max_line && len - 1 > f->o.max_line)
		n = f->o.max_line + 1;
	return n + (f->o.header ? strlen(f->name) + 1 : 0);
}

/*
 * How many bytes from K's start hold the whole lines of K that fit in the
 * first ROOM bytes of its output, and how many lines they are: read back
 * from its file.  0 when it cannot be read.
 */
static uint64_t
lines_fitting(const struct follow_mark *k, uint64_t room, uint64_t *lines)
{
	size_t n = (size_t)(k->src_end - k->src_start), pos = 0;
	char *p = xmalloc(n ? n : 1), *nl;
	uint64_t used = 0;

	*lines = 0;
	if (fileid_pread(k->s->fd, p, n, k->src_start) == (ssize_t)n) {
		while (pos < n && (nl = memchr(p + pos, '\n', n - pos)) != NULL) {
			size_t len = (size_t)(nl - (p + pos)) + 1;
			uint64_t w = out_len(k->f, len);

			if (used + w > room)
				break;
			used += w;
			pos += len;
			++*lines;
		}
	}
	free(p);
	return pos;
}

/* Move K's source back to its line at N bytes from K's start. */
static void
rewind_to(const struct follow_mark *k, uint64_t n, uint64_t lines)
{
	struct follow_src *s = k->s;
	uint64_t off = k->src_start + n;

	s->line_off = off;
	s->lines = k->lines + lines;
	s->lbytes = k->lbytes + n;
	if (n == 0) {
		memcpy(s->fp, k->fp, k->fplen);
		s->fplen = k->fplen;
	} else {
		s->fplen = off < FP ? (size_t)off : FP;
		if (fileid_pread(s->fd, s->fp, s->fplen, off - s->fplen) !=
		    (ssize_t)s->fplen)
			s->fplen = 0;
	}
	k->f->changed = 1;
}

void
follow_marks_rewind(struct follow_marks *fm, uint64_t accepted)
{
	size_t i, j;

	trim(fm, accepted);
	for (i = fm->first; i < fm->n; i++) {
		const struct follow_mark *k = &fm->m[i];
		uint64_t n = 0, lines = 0;

		for (j = fm->first; j < i && fm->m[j].s != k->s; j++)
			;
		if (j < i)
			continue;	/* its first mark not accepted decides */
		if (!k->whole && k->s->pid == 0 && accepted > k->out_start)
			n = lines_fitting(k, accepted - k->out_start, &lines);
		rewind_to(k, n, lines);
	}
	fm->first = fm->n = 0;
}

void
follow_marks_free(struct follow_marks *fm)
{
	free(fm->m);
	memset(fm, 0, sizeof *fm);
}
