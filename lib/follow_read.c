/* follow_read: reading a follow's files into whole lines (see follow_read.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "follow_marks.h"
#include "follow_read.h"
#include "follow_scan.h"
#include "follow_src.h"
#include "msg.h"
#include "proc.h"
#include "unpack.h"
#include "xalloc.h"

static void
cut_warning(struct follow *f)
{
	if (!f->cut_warned) {
		warn("%s: line longer than %llu bytes cut", f->name,
		    (unsigned long long)f->o.max_line);
		f->cut_warned = 1;
	}
}

/* Lines (newlines) in N bytes. */
static uint64_t
count_lines(const char *p, size_t n)
{
	const char *end = p + n, *nl;
	uint64_t k = 0;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p = nl + 1;
	}
	return k;
}

/* Write N bytes of complete lines of S, each prefixed by the name with -H
 * and cut to max_line bytes when that is set; count them. */
void
follow_emit(struct follow *f, struct follow_src *s, const char *p, size_t n)
{
	struct out *o = f->o.out;
	const char *nl;
	size_t namelen;
	uint64_t k = count_lines(p, n);

	follow_mark_begin(f, s);
	s->lines += k;
	s->lbytes += n;
	f->n.lines += k;
	f->n.bytes += n;
	if (!f->o.header && !f->o.max_line) {
		out_write(o, p, n);
		return;
	}
	namelen = strlen(f->name);
	while (n > 0) {
		size_t len;

		nl = memchr(p, '\n', n);
		len = nl != NULL ? (size_t)(nl - p) + 1 : n;
		if (f->o.header) {
			out_write(o, f->name, namelen);
			out_byte(o, '\t');
		}
		if (f->o.max_line && len - (nl != NULL) > f->o.max_line) {
			cut_warning(f);
			f->n.cut_lines++;
			f->n.cut_bytes += len - (nl != NULL) - f->o.max_line;
			out_write(o, p, (size_t)f->o.max_line);
			out_byte(o, '\n');
		} else {
			out_write(o, p, len);
		}
		p += len;
		n -= len;
	}
}

/* The fingerprint window now ends N bytes further, with the bytes P. */
static void
fp_push(struct follow_src *s, const char *p, size_t n)
{
	size_t keep;

	if (n >= FP) {
		memcpy(s->fp, p + n - FP, FP);
		s->fplen = FP;
		return;
	}
	keep = s->fplen < FP - n ? s->fplen : FP - n;
	memmove(s->fp, s->fp + s->fplen - keep, keep);
	memcpy(s->fp + keep, p, n);
	s->fplen = keep + n;
}

/*
 * A line longer than max_line with no newline yet: only its first
 * max_line bytes are kept, the rest skipped up to its newline, so memory
 * stays within max_line.  Nothing is written before the newline comes, as
 * for any line: the checkpoint stays at the line's start, and a restart
 * reads it again and writes it once.
 */
static void
cut_line(struct follow *f, struct follow_src *s)
{
	f->n.cut_bytes += s->held.len - f->o.max_line;
	s->held.len = (size_t)f->o.max_line;
	s->skipping = 1;
}

/* follow_emit_cut: write the kept head of S's cut line, ended. */
void
follow_emit_cut(struct follow *f, struct follow_src *s)
{
	follow_emit(f, s, s->held.p, (size_t)f->o.max_line);
	out_byte(f->o.out, '\n');
	cut_warning(f);
	s->lines++;
	f->n.lines++;		/* written, ended by the newline above */
	f->n.cut_lines++;
}

/* While skipping a cut line (its head kept in the held bytes): drop the
 * bytes after the head up to its newline, write it, and take that newline
 * as the new line start (its fingerprint taken from the bytes at hand, or
 * read back from the file). */
static void
skip_cut(struct follow *f, struct follow_src *s)
{
	size_t head = (size_t)f->o.max_line;
	char *nl = memchr(s->held.p + head, '\n', s->held.len - head);
	size_t k;

	if (nl == NULL) {
		f->n.cut_bytes += s->held.len - head;
		s->held.len = head;
		return;
	}
	k = (size_t)(nl - s->held.p) + 1;
	f->n.cut_bytes += k - 1 - head;
	follow_emit_cut(f, s);
	follow_mark(f, s, s->off - (s->held.len - k) - s->line_off, 1);
	s->line_off = s->off - (s->held.len - k);
	if (k - head >= FP || s->pid != 0) {
		s->fplen = k - head < FP ? k - head : FP;
		memcpy(s->fp, s->held.p + k - s->fplen, s->fplen);
	} else {
		s->fplen = s->line_off < FP ? (size_t)s->line_off : FP;
		if (fileid_pread(s->fd, s->fp, s->fplen, s->line_off - s->fplen) !=
		    (ssize_t)s->fplen)
			s->fplen = 0;
	}
	buf_drop(&s->held, k);
	s->skipping = 0;
}

/* A decompressor's output ended: reap it, and say if it failed. */
static void
stream_done(struct follow *f, struct follow_src *s)
{
	char why[64];
	int status = unpack_end(s->pid, -1, 0);

	s->pid = -1;
	if (proc_failed(status)) {
		f->n.losses++;
		warn("%s: decompressing failed (%s); what follows offset %llu "
		    "was not read", s->path, proc_describe(status, why, sizeof why),
		    (unsigned long long)s->off);
	}
}

static int read_src(struct follow *f, struct follow_src *s, uint64_t *budget,
    int64_t now);

/* Read a source to its end now, so its lines come before the next file's. */
void
follow_drain(struct follow *f, struct follow_src *s, int64_t now)
{
	uint64_t unlimited = UINT64_MAX;

	read_src(f, s, &unlimited, now);
}

/* Drain the earlier generations, oldest first. */
void
follow_drain_old(struct follow *f, int64_t now)
{
	size_t i;

	for (i = 0; i < f->nold; i++)
		follow_drain(f, f->old[i], now);
}

/*
 * first_bytes: the current file, of which nothing is known yet, has bytes
 * to read: it may have been copied and truncated before we read them
 * (again and again: a checkpoint at offset 0, a copytruncate just
 * handled), the copies holding what came before what it holds now.  Those
 * born since the horizon are read first.
 */
static void
first_bytes(struct follow *f, int64_t now)
{
	struct rotdir_file *c;
	size_t nc;
	int64_t horizon = f->horizon;

	f->cur->fresh = 0;
	nc = rotdir_list(&f->rd, &c);
	f->cur_unread = 1;
	/* Since it was to be read from its start, whatever looks were
	 * made meanwhile (its first line may have taken several reads). */
	if (f->cur->fresh_at < horizon)
		f->horizon = f->cur->fresh_at;
	follow_find_unseen(f, &c, &nc, NULL, NULL, 0, f->cur);
	f->horizon = horizon;
	f->cur_unread = 0;
	rotdir_free(c, nc);
	follow_drain_old(f, now);
}

/* After a long line: the held bytes in a buffer of the first size again. */
static void
shrink_held(struct follow_src *s)
{
	struct buf b = { NULL, 0, 0 };

	buf_reserve(&b, BUF_INIT);
	buf_append(&b, s->held.p, s->held.len);
	buf_free(&s->held);
	s->held = b;
}

void
follow_end_held(struct follow *f, struct follow_src *s)
{
	if (s->skipping) {
		follow_emit_cut(f, s);
	} else if (s->held.len > 0) {
		follow_emit(f, s, s->held.p, s->held.len);
		out_byte(f->o.out, '\n');
		s->lines++;
		f->n.lines++;
	}
	if (s->skipping || s->held.len > 0)
		follow_mark(f, s, s->off - s->line_off, 1);
}

/* Whether rotated source S is idle for a --once run (f->o.idle_before_ms):
 * its file last written --rotate-wait before the run began, or a
 * decompressed stream that ended. */
static int
idle_for_once(const struct follow *f, const struct follow_src *s)
{
	return f->o.idle_before_ms > 0 && s->at_eof && (s->pid < 0 ||
	    (s->pid == 0 && s->mtime / 1000000 <= f->o.idle_before_ms));
}

/*
 * finish_older_lines: before lines of S are written, the earlier
 * generations that ended inside a line are read again.  A writer that
 * finished that line before it wrote to S's file (a rotation between
 * the two writes of a line) has put its end on disk before the bytes just
 * read from S, so it is there now: its line comes first, in the order
 * written.  (A write later still is a late write, read when it comes.)
 * A --once run writes one still unterminated in a generation idle (a
 * writer that died mid-line, then a rotation) now, right after that
 * generation's other lines and before S's (live, a rotated file is idle
 * only once it was --rotate-wait without a write: follow_expire).
 */
static void
finish_older_lines(struct follow *f, struct follow_src *s, int64_t now)
{
	size_t i;

	for (i = 0; i < f->nold && f->old[i] != s; i++) {
		struct follow_src *o = f->old[i];

		if (o->held.len > 0 && !o->skipping && o->at_eof)
			follow_drain(f, o, now);
		if (o->held.len > 0 && !o->skipping && idle_for_once(f, o)) {
			follow_end_held(f, o);
			fp_push(o, o->held.p, o->held.len);
			o->line_off = o->off;
			o->held.len = 0;
			f->changed = 1;
		}
	}
}

/* Room in S's held buffer for the next read. */
static void
grow_held(struct follow *f, struct follow_src *s)
{
	if (s->skipping && s->held.cap - s->held.len < BUF_INIT) {
		/* The rest of a cut line: read in blocks. */
		buf_reserve(&s->held, BUF_INIT);
	} else if (s->held.len == s->held.cap) {
		/* Double, but not past what a cut line needs. */
		size_t room = s->held.cap;

		if (f->o.max_line && s->held.len < f->o.max_line + 1 &&
		    s->held.len + room > f->o.max_line + 1)
			room = (size_t)f->o.max_line + 1 - s->held.len;
		buf_reserve(&s->held, room);
	}
}

/* S read to its end: its size at least what was read. */
static void
read_to_end(struct follow *f, struct follow_src *s)
{
	s->at_eof = 1;
	if (s->size < s->off)
		s->size = s->off;
	if (s->pid > 0)
		stream_done(f, s);	/* nothing more will come */
}

/* The R bytes at P, just read from S at s->off: S's head grown from them. */
static void
grow_head(struct follow_src *s, const char *p, ssize_t r)
{
	if (s->headlen < FP && s->off <= s->headlen &&
	    s->off + (uint64_t)r > s->headlen) {
		/* The head grows from the bytes read, never read again
		 * later: by then the file may hold another generation. */
		size_t from = s->headlen - (size_t)s->off;
		size_t k = (size_t)r - from < FP - s->headlen ?
		    (size_t)r - from : FP - s->headlen;

		memcpy(s->head + s->headlen, p + from, k);
		s->headlen += k;
	}
}

/* The NUL bytes leading the R bytes at P skipped; how many are left. */
static ssize_t
skip_hole(struct follow_src *s, char *p, ssize_t r)
{
	/* The hole a writer without O_APPEND leaves after a truncation. */
	size_t k = 0;

	while (k < (size_t)r && p[k] == '\0')
		k++;
	if (k > 0) {
		fp_push(s, p, k);
		s->line_off += k;
		memmove(p, p + k, (size_t)r - k);
		r -= (ssize_t)k;
	}
	if (r > 0)
		s->skip_nul = 0;
	return r;
}

/* S's held bytes from SCAN on just read: its complete lines written (an
 * over-long one cut), after what must come before them. */
static void
emit_held_lines(struct follow *f, struct follow_src *s, size_t scan, int64_t now)
{
	char *last = memrchr(s->held.p + scan, '\n', s->held.len - scan);

	/* Before the first line of a file read from its start is
	 * written: the copies of what came before it.  Not before
	 * a whole line is at hand: a head of a few bytes (a line
	 * caught halfway written) starts every generation alike,
	 * and would take an earlier one's copy for a copy of this. */
	if (s == f->cur && s->fresh && s->pid == 0 &&
	    (last != NULL || (f->o.max_line && s->held.len >= f->o.max_line)))
		first_bytes(f, now);
	if (last != NULL)
		finish_older_lines(f, s, now);
	if (last != NULL) {
		size_t k = (size_t)(last - s->held.p) + 1;

		follow_emit(f, s, s->held.p, k);
		follow_mark(f, s, k, 0);
		fp_push(s, s->held.p, k);
		s->line_off += k;
		buf_drop(&s->held, k);
		f->changed = 1;
		if (s->held.cap > 4 * BUF_INIT && s->held.len < BUF_INIT / 2)
			shrink_held(s);
	} else if (f->o.max_line && s->held.len >= f->o.max_line) {
		cut_line(f, s);
	}
}

/*
 * read_src: read S from s->off to its end (or until *BUDGET bytes were
 * taken), writing the complete lines and holding an unterminated one.
 * Returns 1 when the budget ran out with input left.
 */
static int
read_src(struct follow *f, struct follow_src *s, uint64_t *budget, int64_t now)
{
	ssize_t r;

	if (s->pid < 0)		/* a decompressed stream read to its end */
		return 0;
	if (follow_was_truncated(s))
		follow_truncated(f, s, now);
	for (;;) {
		char *p;
		size_t scan;

		if (*budget == 0)
			return 1;
		grow_held(f, s);
		if (s->pid != 0)
			r = read(s->fd, s->held.p + s->held.len, s->held.cap - s->held.len);
		else
			r = pread(s->fd, s->held.p + s->held.len, s->held.cap - s->held.len,
			    (off_t)s->off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (f->open_errno != errno) {
				f->open_errno = errno;
				warn("%s:", s->path);
			}
			return 0;
		}
		if (r == 0) {
			read_to_end(f, s);
			return 0;
		}
		if (s->pid == 0 && follow_was_truncated(s)) {
			/* Truncated between the check and the read (a
			 * copytruncate, the log written again): these bytes may
			 * be the next generation's, from the middle of a line.
			 * Dropped: the rest of ours is in the copy. */
			follow_truncated(f, s, now);
			continue;
		}
		s->at_eof = 0;
		s->idle_until = now + f->o.rotate_wait_ms;
		p = s->held.p + s->held.len;
		grow_head(s, p, r);
		s->off += (uint64_t)r;
		*budget -= (uint64_t)r < *budget ? (uint64_t)r : *budget;
		if (s->skip_nul)
			r = skip_hole(s, p, r);
		/* A held line has no newline: only the new bytes need a look. */
		scan = s->held.len;
		s->held.len += (size_t)r;
		if (s->skipping) {
			skip_cut(f, s);
			scan = 0;
		}
		if (s->skipping || s->held.len == scan)
			continue;
		emit_held_lines(f, s, scan, now);
	}
}

int
follow_read(struct follow *f, uint64_t budget, int64_t now)
{
	size_t i;

	for (i = 0; i < f->nold; i++)
		if (read_src(f, f->old[i], &budget, now))
			return 1;
	return f->cur != NULL ? read_src(f, f->cur, &budget, now) : 0;
}
