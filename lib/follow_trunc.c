/*
 * follow_trunc: a followed file found truncated or rewritten below the
 * read offset (follow_read.h): its copy read first, the loss past it
 * named, the file read again from its start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "follow_marks.h"
#include "follow_read.h"
#include "follow_scan.h"
#include "follow_src.h"
#include "msg.h"
#include "xalloc.h"

int
follow_was_truncated(struct follow_src *s)
{
	unsigned char want[FP];
	size_t n, fromfp;
	struct fileid_stat fi;

	int64_t t = fileid_fs_now();

	if (s->gone)
		return 1;
	if (s->pid != 0 || fileid_stat_fd(s->fd, &fi) < 0 || !fi.regular)
		return 0;
	s->mtime = fi.mtime;
	if (fi.size == 0) {
		char b;

		/* A size that says nothing (procfs, sysfs: 0, yet bytes). */
		if (pread(s->fd, &b, 1, 0) == 1)
			return 0;
	}
	if (fi.size < s->off || fi.size < s->headlen)
		return 1;
	/* Checked before every read, not only after a pause at the end: a
	 * reader behind (its budget spent mid-file) may find the file
	 * truncated and grown past its offset meanwhile (copytruncate).
	 * Checked too when the size is the offset: truncated and written
	 * again to the same length (then renamed, before we looked), the
	 * file holds another generation that a size alone cannot tell. */
	if (s->headlen > 0 &&
	    !fileid_bytes_match(s->fd, s->headlen, s->head, s->headlen))
		return 1;	/* another generation, even where nothing was read */
	if (!s->skipping) {
		/* Are the bytes before the offset still ours? */
		n = s->fplen + s->held.len;
		if (n > FP)
			n = FP;
		fromfp = n > s->held.len ? n - s->held.len : 0;
		memcpy(want, s->fp + s->fplen - fromfp, fromfp);
		memcpy(want + fromfp, s->held.p + s->held.len - (n - fromfp), n - fromfp);
		if (!fileid_bytes_match(s->fd, s->off, want, n))
			return 1;
	}
	s->size = fi.size;	/* bytes of this generation */
	s->checked_at = t;
	return 0;
}

/* COPY (the newest earlier generation) holds the rest of rotated file S's
 * generation: it goes before S, and is read now, before S's new bytes. */
static void
read_copy_before(struct follow *f, struct follow_src *copy, struct follow_src *s,
    int64_t now)
{
	size_t i;

	for (i = 0; i + 1 < f->nold && f->old[i] != s; i++)
		;
	memmove(&f->old[i + 1], &f->old[i], (f->nold - 1 - i) * sizeof *f->old);
	f->old[i] = copy;
	follow_drain(f, copy, now);
}

/* S truncated: what it held written from COPY (its copy, if any) and
 * the loss of what is in neither named; SEEN is how far S was known. */
static void
take_copy_or_report(struct follow *f, struct follow_src *s,
    struct follow_src *copy, uint64_t seen, int64_t now)
{
	if (copy != NULL) {
		warn("%s: truncated; reading the rest of %s first",
		    s == f->cur ? f->name : s->path, copy->path);
		copy->lines = s->lines;
		copy->lbytes = s->lbytes;
		copy->idle_until = now + f->o.rotate_wait_ms;
		follow_add_old(f, copy);
		if (s != f->cur)
			read_copy_before(f, copy, s, now);
		/* Seen in the file, neither read nor in the copy: written
		 * between the copy and the truncation. */
		if (copy->pid == 0 && seen > copy->size && seen > s->off)
			follow_report_loss(f, f->name, "copytruncate raced a write",
			    seen - (copy->size > s->off ? copy->size : s->off),
			    copy->size > s->off ? copy->size : s->off, s->lines, s->lbytes);
	} else {
		if (seen > s->line_off)
			follow_report_loss(f, s == f->cur ? f->name : s->path, "truncated",
			    seen - s->line_off, s->line_off, s->lines, s->lbytes);
		warn("%s: truncated; reading from the start", f->name);
	}
}

/* The current file S truncated: the copies made of it since its last
 * good check (in listing C) read, by age, from generation FIRST on. */
static void
read_copies_since(struct follow *f, struct follow_src *s,
    struct rotdir_file *c, size_t nc, size_t first, int64_t now)
{
	/* Copies made of it since, not generations that came after it
	 * (when it was renamed too, its name tells which are).  Since
	 * its last good check, not only since the last look: a look
	 * that saw the same file moved the horizon past copies made
	 * then (a burst of copytruncates; the next generation's copy
	 * was taken for one seen, and read after a newer one).  Not
	 * before the horizon's second: a file born since then is
	 * still open if it was read (follow_expire), so known. */
	int64_t horizon = f->horizon;
	int64_t floor = horizon - ((horizon % NS) + NS) % NS;

	if (s->checked_at < horizon)
		f->horizon = s->checked_at > floor ? s->checked_at : floor;
	follow_find_unseen(f, &c, &nc, NULL, NULL, 0, s);
	f->horizon = horizon;
	rotdir_free(c, nc);
	/* The copy among them by age: what we knew of the file may
	 * have been newer than some of them (taken in a race). */
	follow_sort_old(f, first);
	follow_drain_old(f, now);
}

/* S, truncated, is read again from its start; nothing of its new content
 * is known, copies of it are looked for from LISTED_AT on. */
static void
restart_src(struct follow *f, struct follow_src *s, int64_t listed_at)
{
	s->off = s->line_off = s->size = 0;
	s->held.len = 0;
	s->fplen = 0;
	s->headlen = 0;
	s->lines = s->lbytes = 0;
	s->since = s->checked_at;	/* the truncation came after it */
	s->fresh = 1;		/* nothing of the new content known yet */
	s->fresh_at = listed_at;
	s->gone = 0;
	s->skip_nul = 1;
	s->skipping = 0;
	s->at_eof = 0;
	f->changed = 1;
}

/*
 * The current file shrank or its bytes before the read offset changed:
 * truncation, copytruncate, or a rewrite.  The copy logrotate made before
 * truncating (plain or compressed) holds the rest of this generation:
 * read it first, then the generations born since the last look (more
 * copytruncates), then the file from its start.  What the file held past
 * the copy, or past our offset when there is no copy, is reported lost.
 */
void
follow_truncated(struct follow *f, struct follow_src *s, int64_t now)
{
	uint64_t seen = s->size > s->off ? s->size : s->line_off;
	struct follow_src *copy = NULL;
	struct fileid_content id;
	struct rotdir_file *c = NULL;
	size_t nc = 0, first;
	/* Copies of the new content made after the listing began are not in
	 * it: they are looked for from then on (first_bytes). */
	int64_t listed_at = fileid_fs_now();

	follow_marks_forget(f, s);	/* its positions are about to go */
	follow_ident_of_src(&id, s);
	first = f->nold;
	/* A rotated file too: copytruncated, written again and renamed while
	 * a restart looked (the file it knew moved on), its copy holds the
	 * rest of what we read. */
	if (s == f->cur || s->pid == 0) {
		nc = rotdir_list(&f->rd, &c);
		copy = follow_find_copy(f, c, nc, &id, s->gone ? NULL : s->head, s->dev,
		    s->ino, NULL);
		follow_keep_read_copies(f, c, nc, &id, s->gone ? NULL : s->head,
		    s->dev, s->ino);
	}
	take_copy_or_report(f, s, copy, seen, now);
	if (s == f->cur)
		read_copies_since(f, s, c, nc, first, now);
	else
		rotdir_free(c, nc);
	restart_src(f, s, listed_at);
}
