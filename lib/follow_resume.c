/*
 * follow_resume: continue a follow from its checkpoint (follow.h): each
 * file the state describes found again, wherever rotations took it, or
 * its loss named; then the generations born since; then NAME.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "follow.h"
#include "follow_entry.h"
#include "follow_read.h"
#include "follow_scan.h"
#include "follow_src.h"
#include "msg.h"
#include "xalloc.h"

/*
 * read_whole: whether entry E, of which nothing was known (no whole line
 * read: offset 0, its head partial), is among the generations from index
 * FIRST on, read from their start: its file by inode (truncated and
 * written again, or not), or a compressed copy of it by its first bytes.
 * Then nothing of it is lost.
 */
static int
read_whole(struct follow *f, const struct tailstate_entry *e, size_t first)
{
	size_t i;

	for (i = first; i < f->nold; i++) {
		const struct follow_src *s = f->old[i];
		uint64_t h;

		if (s->off != 0)
			continue;
		if (s->pid == 0 && s->dev == e->dev && s->ino == e->ino &&
		    fileid_same_birth(s->btime, e->btime))
			return 1;
		if (e->headlen == 0)
			continue;
		if (s->pid == 0) {
			if (fileid_hash_at(s->fd, 0, e->headlen, &h) == 0 && h == e->head)
				return 1;
			continue;
		}
		/* A compressed file's first bytes, as the scan that found it
		 * decompressed them. */
		for (size_t k = 0; k < f->nzheads; k++) {
			const struct follow_zhead *z = &f->zheads[k];

			if (z->dev == s->dev && z->ino == s->ino &&
			    z->headlen >= e->headlen &&
			    tailstate_fingerprint(z->head, e->headlen) == e->head)
				return 1;
		}
	}
	return 0;
}

/* S, the file NAME was, is the oldest of the generations from *LOCATED
 * on: kept there when those after it are looked for again. */
static void
keep_first(struct follow *f, struct follow_src *s, size_t *located)
{
	follow_add_old(f, s);
	memmove(&f->old[*located + 1], &f->old[*located],
	    (f->nold - 1 - *located) * sizeof *f->old);
	f->old[(*located)++] = s;
}

/* mark_changed: file FI of listing C is a generation of its own, whatever
 * its birth (see follow_entry_by_inode).  Whether it is listed. */
static int
mark_changed(struct rotdir_file *c, size_t nc, const struct fileid_stat *fi)
{
	size_t i;

	for (i = 0; i < nc; i++) {
		if (c[i].fi.dev == fi->dev && c[i].fi.ino == fi->ino &&
		    fileid_same_birth(c[i].fi.btime, fi->btime)) {
			c[i].changed = 1;
			return 1;
		}
	}
	return 0;
}

/* What the steps of follow_resume share: NAME's file as opened (FD, its
 * stat NFI, the errno SAVED of a failed open), the directory's listing C
 * and when it was made, how many generations entries LOCATED, and NAME's
 * own entry with the source still holding it. */
struct resume {
	struct follow *f;
	const struct tailstate_entry *e;
	size_t n;
	struct fileid_stat nfi;
	int fd, saved;
	struct rotdir_file *c;
	size_t nc;
	int64_t listed_at;
	size_t located, name_entry;
	struct follow_src *name_src;
	int changed, copied;
};

/* NAME opened, its entry found (if its file still holds what the entry
 * knows) and the directory listed. */
static void
open_name_and_list(struct resume *r)
{
	struct follow *f = r->f;
	const struct tailstate_entry *e = r->e;
	size_t i;

	r->fd = follow_open_name(f, &r->nfi);
	r->saved = errno;
	/* Whether NAME's file still holds what its entry knows (its bytes
	 * read now, kept for the checks to come), before the directory is
	 * listed: truncated by a copytruncate, its copy is then complete and
	 * in the list (listed first, the copy could be missed). */
	for (i = 0; r->fd >= 0 && i < r->n; i++) {
		if (e[i].dev != r->nfi.dev || e[i].ino != r->nfi.ino ||
		    !fileid_same_birth(e[i].btime, r->nfi.btime))
			continue;
		r->name_entry = i;
		r->name_src = follow_entry_src(f, r->fd, &r->nfi, f->setpath, &e[i]);
		if (r->name_src->gone || r->name_src->size < e[i].off) {
			follow_src_drop(f, r->name_src, 1);
			r->name_src = NULL;
		}
		break;
	}
	r->listed_at = fileid_fs_now();
	r->nc = rotdir_list(&f->rd, &r->c);
	if (r->name_src != NULL) {
		struct fileid_content id;
		struct fileid_stat now;

		/* Still holding them after the list was made: no copy made
		 * since of what it held next is in the list, taken for an
		 * older generation.  Else (copytruncated meanwhile) list again
		 * for its copy, complete now. */
		follow_ident_of_src(&id, r->name_src);
		if (fileid_stat_fd(r->fd, &now) < 0 ||
		    !fileid_verify(r->fd, now.size, &id)) {
			follow_src_drop(f, r->name_src, 1);
			r->name_src = NULL;
			rotdir_free(r->c, r->nc);
			r->listed_at = fileid_fs_now();
			r->nc = rotdir_list(&f->rd, &r->c);
		}
	}
}

/* Entry I, NAME's own, its file changed while stopped: the copy holding
 * its rest, or NULL (its loss named). */
static struct follow_src *
copy_of_name_entry(struct resume *r, size_t i, const struct fileid_content *id)
{
	struct follow *f = r->f;
	const struct tailstate_entry *e = r->e;
	struct rotdir_file *unreadable = NULL;
	struct follow_src *s;

	/* Truncated, copied away or rewritten while we were stopped. */
	r->changed = 1;
	s = follow_find_copy(f, r->c, r->nc, id, NULL, r->nfi.dev, r->nfi.ino,
	    &unreadable);
	follow_keep_read_copies(f, r->c, r->nc, id, NULL, r->nfi.dev, r->nfi.ino);
	if (s == NULL) {
		follow_entry_lost(f, &e[i], r->c, r->nc, unreadable, 1);
		return NULL;
	}
	r->copied = 1;
	warn("%s: truncated while stopped; reading the rest of %s first",
	    f->name, s->path);
	if (s->pid == 0 && e[i].size > s->size)
		follow_report_loss(f, f->name, "copytruncate raced a write",
		    e[i].size - s->size, s->size, e[i].lines, e[i].lbytes);
	return s;
}

/* Entry I, another than NAME's: the rotated file or copy holding it, or
 * NULL: its loss named, or (nothing known of it) added to UNPLACED. */
static struct follow_src *
rotated_entry(struct resume *r, size_t i, const struct fileid_content *id,
    size_t *unplaced, size_t *nunplaced)
{
	struct follow *f = r->f;
	const struct tailstate_entry *e = r->e;
	struct rotdir_file *unreadable = NULL;
	struct follow_src *s;

	s = follow_entry_by_inode(f, r->c, r->nc, &e[i], id);
	if (s == NULL)
		s = follow_find_copy(f, r->c, r->nc, id, NULL,
		    r->fd >= 0 ? r->nfi.dev : 0, r->fd >= 0 ? r->nfi.ino : 0,
		    &unreadable);
	if (s == NULL && unreadable == NULL &&
	    (s = follow_entry_where_it_was(f, &e[i], id)) != NULL &&
	    s->size > e[i].off)
		warn("%s: retargeted while stopped; reading the rest of %s "
		    "first", f->name, s->path);
	else if (s != NULL && (s->pid != 0 || s->size > e[i].off))
		warn("%s: rotated while stopped; reading the rest of %s first",
		    f->name, s->path);
	if (s == NULL && unreadable == NULL &&
	    id->headlen == 0 && id->fplen == 0) {
		/* Nothing known of it: lost unless a generation
		 * read from its start holds it (below). */
		unplaced[(*nunplaced)++] = i;
		return NULL;
	}
	if (s == NULL) {
		/* Its copies holding no more than it read (a
		 * copytruncate, the file then written again and
		 * renamed, or deleted) are known: else a later look
		 * takes one for a generation and reads it again. */
		follow_keep_read_copies(f, r->c, r->nc, id, NULL, e[i].dev,
		    e[i].ino);
		follow_entry_lost(f, &e[i], r->c, r->nc, unreadable, 0);
		return NULL;
	}
	return s;
}

/* Each entry's file found again (or its loss named), then the
 * generations born since; entries of which nothing is known are looked
 * for in those read from their start. */
static void
place_entries(struct resume *r)
{
	struct follow *f = r->f;
	const struct tailstate_entry *e = r->e;
	size_t i, *unplaced, nunplaced = 0;

	unplaced = xreallocarray(NULL, r->n + 1, sizeof *unplaced);
	for (i = 0; i < r->n; i++) {
		struct follow_src *s;
		struct fileid_content id;

		follow_ident_of_entry(&id, &e[i]);
		f->past_lines += e[i].lines;
		f->past_bytes += e[i].lbytes;
		if (i == r->name_entry) {
			if (r->name_src != NULL) {
				f->cur = r->name_src;
				continue;
			}
			s = copy_of_name_entry(r, i, &id);
		} else
			s = rotated_entry(r, i, &id, unplaced, &nunplaced);
		if (s == NULL)
			continue;
		s->lines = e[i].lines;
		s->lbytes = e[i].lbytes;
		s->idle_until = s->mtime / 1000000 + f->o.rotate_wait_ms;
		follow_add_old(f, s);
	}
	r->located = f->nold;
	f->cur_unread = 1;
	follow_find_unseen(f, &r->c, &r->nc, r->fd >= 0 ? &r->nfi : NULL, e,
	    r->n, NULL);
	f->cur_unread = 0;
	for (i = 0; i < nunplaced; i++)
		if (!read_whole(f, &e[unplaced[i]], r->located))
			follow_entry_lost(f, &e[unplaced[i]], r->c, r->nc, NULL, 0);
	free(unplaced);
}

/* NAME moved on at every look: what it was is put by its age among the
 * generations found (some may be newer); those born since the listing
 * come before the new file's first line (first_bytes), the horizon
 * held. */
static void
name_kept_moving(struct resume *r)
{
	struct follow *f = r->f;

	if (f->cur != NULL)
		follow_add_old(f, f->cur);
	else if (r->fd >= 0)
		follow_add_old(f, follow_src_new(f, r->fd, &r->nfi, f->name, 0));
	f->cur = NULL;
	follow_sort_old(f, r->located);
	f->hold_horizon = 1;
	r->fd = follow_open_name(f, &r->nfi);
	r->saved = errno;
}

/* NAME moved on while we looked: what it was is a rotated generation
 * now.  Read on from its entry's offset, it is older than those born
 * since the horizon. */
static void
name_moved_on(struct resume *r)
{
	struct follow *f = r->f;
	struct fileid_stat was;
	struct follow_src *moved = NULL;
	int unread;

	unread = f->cur == NULL ? r->fd >= 0 : f->cur->fresh;
	if (unread)
		was = r->nfi;
	if (f->cur != NULL && !unread)
		keep_first(f, f->cur, &r->located);
	else if (f->cur != NULL)
		moved = f->cur;
	else if (r->fd >= 0)
		close(r->fd);
	f->cur = NULL;
	r->fd = follow_open_name(f, &r->nfi);
	r->saved = errno;
	follow_drop_old(f, r->located);
	/* Listed again, an entry's inode found with new content stays
	 * a generation of its own (born before the horizon). */
	{
		struct rotdir_file *again;
		size_t m;

		r->listed_at = fileid_fs_now();
		m = rotdir_list(&f->rd, &again);

		follow_carry_marks(r->c, r->nc, again, m, 0);
		rotdir_free(r->c, r->nc);
		r->c = again;
		r->nc = m;
	}
	/* Nothing of it read (offset 0: an entry that knew nothing, or
	 * a file new or changed while stopped): its copies made
	 * meanwhile hold what came before what it holds now.  A
	 * generation of its own, read from its start in the order its
	 * name tells among those found (born before the horizon or
	 * not); gone from the set, kept first as it is. */
	if (unread && !mark_changed(r->c, r->nc, &was) && moved != NULL)
		keep_first(f, moved, &r->located);
	else if (moved != NULL)
		follow_src_free(f, moved);
	follow_find_unseen(f, &r->c, &r->nc, r->fd >= 0 ? &r->nfi : NULL,
	    r->e, r->n, NULL);
}

/* Until NAME is the file opened (or still missing), or 4 tries. */
static void
settle_name(struct resume *r)
{
	int tries;

	for (tries = 0;; tries++) {
		struct fileid_stat again;

		if (fileid_stat_at(AT_FDCWD, r->f->name, 0, &again) == 0 ?
		    r->fd >= 0 && again.dev == r->nfi.dev &&
		    again.ino == r->nfi.ino : r->fd < 0)
			break;
		if (tries == 4) {
			name_kept_moving(r);
			break;
		}
		name_moved_on(r);
	}
}

/* NAME's file, found in no entry, followed from its start. */
static void
start_name(struct resume *r)
{
	struct follow *f = r->f;

	if (r->changed && !r->copied)
		warn("%s: changed while stopped (truncated or rewritten); "
		    "reading from the start", f->name);
	else if (r->n > 0 && !r->changed)
		warn("%s: following new file", f->name);
	f->cur = follow_src_new(f, r->fd, &r->nfi, f->setpath, 0);
	/* What it held when the directory was listed may have been
	 * copied and truncated since: looked for from then on. */
	f->cur->fresh_at = r->listed_at;
	/* Truncated while stopped: a writer without O_APPEND left a
	 * hole before its next line, skipped as a live follow does. */
	f->cur->skip_nul = r->changed;
}

/*
 * follow_resume: each entry is looked for, in order: as NAME (same inode
 * and birth time, content unchanged), as a rotated file by its inode, as a
 * copy by its content; NAME's own file changed while stopped (same inode,
 * other content: truncated, copytruncated) has its rest looked for in a
 * copy.  Then the generations born since the horizon, then NAME.
 */
int
follow_resume(struct follow *f, int64_t horizon, const struct tailstate_entry *e,
    size_t n)
{
	int64_t t0 = fileid_fs_now();
	struct resume r = { .f = f, .e = e, .n = n, .name_entry = SIZE_MAX };
	size_t i;

	follow_locate_set(f);
	open_name_and_list(&r);
	f->horizon = horizon;
	if (r.name_src != NULL)
		follow_same_bytes_elsewhere(f, r.c, r.nc, r.name_src);
	place_entries(&r);
	settle_name(&r);
	rotdir_free(r.c, r.nc);
	/* Entries of which nothing was read (offset 0: found, then a
	 * checkpoint before a line of them, then a kill -9) are generations
	 * read from their start, as those not seen are: all by age.  (Found
	 * by inode, they were put first, and a one-line generation, whose
	 * head is no identity, came among those not seen, after them.) */
	for (i = 0; i < f->nold && f->old[i]->line_off > 0; i++)
		;
	follow_sort_old(f, i);
	f->changed = 1;
	if (r.fd < 0) {
		f->missing = 1;
		errno = r.saved;
		return -1;
	}
	if (f->cur == NULL)
		start_name(&r);
	follow_end_look(f, t0, 1);
	return 0;
}
