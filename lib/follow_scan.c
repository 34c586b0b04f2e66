/* follow_scan: finding a follow's generations in its directory (see follow_scan.h). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow_scan.h"
#include "follow_src.h"
#include "msg.h"
#include "xalloc.h"

/*
 * end_look: a look that began at T0 is over; when it was COMPLETE (NAME
 * found), files born before T0 are accounted for -- except a young empty
 * file a scan of this look (or the last one, when it made none) saw: it
 * may be a copy being made, or become a generation, and is looked at again
 * (the horizon stays before its birth); except when a file a scan chose
 * moved away before it was opened; and except those born since the
 * current file was to be read from its start, before a line of it was:
 * what it held meanwhile may have been copied and truncated before we
 * read it (again and again), and those copies are looked for when its
 * first line is (first_bytes).
 */
void
follow_end_look(struct follow *f, int64_t t0, int complete)
{
	if (f->scanned)
		f->pin = f->pin_next;
	if (f->pin != 0 && f->pin < t0)
		t0 = f->pin;
	if (f->cur != NULL && f->cur->fresh && f->cur->pid == 0 && f->cur->fresh_at < t0)
		t0 = f->cur->fresh_at;
	if (complete && t0 > f->horizon && !f->hold_horizon)
		f->horizon = t0;
	f->hold_horizon = 0;
	f->scanned = 0;
	f->pin_next = 0;
}

/*
 * born_as_copy: whether plain candidate C can be a copy of ID's content:
 * born since that content began.  A head of a few bytes (a line caught
 * halfway written) starts many files alike; a copy of what came before
 * is older than the content.
 */
static int
born_as_copy(const struct rotdir_file *c, const struct fileid_content *id)
{
	return id->since == 0 || c->fi.btime == 0 || c->fi.btime >= id->since;
}

/* Whether compressed C starts as ID's content does, as far as its kept
 * first bytes tell (when they cannot be had: maybe, its decompressor is
 * tried). */
static int
head_may_be(struct follow *f, struct rotdir_file *c, const struct fileid_content *id)
{
	unsigned char head[FP];
	size_t hl;

	if (follow_stream_head(f, c, head, &hl) < 0)
		return 1;
	return hl >= id->headlen && tailstate_fingerprint(head, id->headlen) == id->head;
}

/*
 * find_copy: the file that continues ID's generation in another inode
 * (not DEV/INO): a plain copy holding the bytes before id->off (the one
 * copytruncate made), or a compressed copy of it, modified no earlier
 * than the generation (compressors keep the time, bzip2 to the second).
 * With HEAD (the first id->headlen bytes themselves), a copy shorter than
 * the head, holding its first bytes and more than id->off, is one too:
 * a copytruncate that raced a write copied less than we saw.
 * *UNREADABLE is a compressed candidate that could not be checked (no
 * decompressor), for naming the loss when none is found.
 */
struct follow_src *
follow_find_copy(struct follow *f, struct rotdir_file *c, size_t nc,
    const struct fileid_content *id, const unsigned char *head, uint64_t dev,
    uint64_t ino, struct rotdir_file **unreadable)
{
	struct follow_src *s = NULL;
	size_t i;
	int missing;

	if (unreadable != NULL)
		*unreadable = NULL;
	if (id->headlen == 0 && id->fplen == 0)
		return NULL;
	for (i = 0; i < nc && s == NULL; i++) {
		int fd;

		if (c[i].used || c[i].rn.unpack != NULL || follow_known(f, &c[i].fi) ||
		    !born_as_copy(&c[i], id) ||
		    (c[i].fi.dev == dev && c[i].fi.ino == ino) ||
		    c[i].fi.size <= id->off)
			continue;
		if ((fd = rotdir_open(&f->rd, &c[i])) < 0)
			continue;
		if (fileid_copy_of(fd, c[i].fi.size, id) == FILEID_COPY_CONTINUES ||
		    (head != NULL && c[i].fi.size < id->headlen &&
		    fileid_bytes_match(fd, c[i].fi.size, head, (size_t)c[i].fi.size))) {
			s = follow_src_new(f, fd, &c[i].fi, c[i].path, id->off);
			c[i].used = 1;
		} else {
			close(fd);
		}
	}
	for (i = 0; i < nc && s == NULL; i++) {
		if (c[i].used || c[i].rn.unpack == NULL ||
		    c[i].fi.mtime < id->mtime - id->mtime % NS - NS ||
		    rotdir_being_compressed(c, nc, &c[i]))
			continue;
		if (id->headlen > 0 && !head_may_be(f, &c[i], id))
			continue;
		s = follow_stream_open(f, &c[i], id, &missing);
		if (s != NULL) {
			c[i].used = 1;
		} else if (missing && unreadable != NULL && *unreadable == NULL) {
			*unreadable = &c[i];
			c[i].used = 1;	/* its loss is the entry's */
		}
	}
	return s;
}

/*
 * keep_read_copies: the plain copies of ID's generation that hold nothing
 * past id->off (a copytruncate made after we had read on), as sources at
 * their end: known from now on, so that once the original is truncated
 * they are not taken for generations never seen.
 */
void
follow_keep_read_copies(struct follow *f, struct rotdir_file *c, size_t nc,
    const struct fileid_content *id, const unsigned char *head, uint64_t dev,
    uint64_t ino)
{
	size_t i;

	for (i = 0; i < nc; i++) {
		unsigned char got[FP];
		struct follow_src *s;
		int fd, copy;

		if (c[i].used || c[i].rn.unpack != NULL || follow_known(f, &c[i].fi) ||
		    !born_as_copy(&c[i], id) ||
		    (c[i].fi.dev == dev && c[i].fi.ino == ino) || c[i].fi.size > id->off)
			continue;
		if ((fd = rotdir_open(&f->rd, &c[i])) < 0)
			continue;
		copy = fileid_copy_of(fd, c[i].fi.size, id) == FILEID_COPY_READ;
		/* Shorter than the head we know: compare the bytes themselves. */
		if (!copy && head != NULL && c[i].fi.size > 0 &&
		    c[i].fi.size < id->headlen)
			copy = fileid_pread(fd, got, (size_t)c[i].fi.size, 0) ==
			    (ssize_t)c[i].fi.size &&
			    memcmp(got, head, (size_t)c[i].fi.size) == 0;
		if (!copy) {
			close(fd);
			continue;
		}
		s = follow_src_new(f, fd, &c[i].fi, c[i].path, c[i].fi.size);
		s->at_eof = 1;
		s->idle_until = follow_now_ms() + f->o.rotate_wait_ms;
		follow_add_old(f, s);
		c[i].used = 1;
	}
}

/*
 * is_copy: whether candidate C holds content F knows -- a copy of one of
 * its sources or of a checkpoint entry E[0..N) -- rather than a
 * generation of its own.  A compressed one is compared by the head
 * HEAD (HL bytes) it decompresses to.
 */
static int
is_copy(struct follow *f, struct rotdir_file *c, const unsigned char *head,
    size_t hl, const struct tailstate_entry *e, size_t n)
{
	struct fileid_content ids[64];
	size_t nid = 0, i;
	int fd, hit = 0;

	if (f->cur != NULL)
		follow_ident_of_src(&ids[nid++], f->cur);
	for (i = 0; i < f->nold && nid < 64; i++)
		follow_ident_of_src(&ids[nid++], f->old[i]);
	for (i = 0; i < n && nid < 64; i++)
		follow_ident_of_entry(&ids[nid++], &e[i]);
	if (c->rn.unpack != NULL) {
		for (i = 0; i < nid && !hit; i++)
			hit = ids[i].headlen > 0 && hl >= ids[i].headlen &&
			    tailstate_fingerprint(head, ids[i].headlen) == ids[i].head;
		return hit;
	}
	/* A copy still being made may hold less than a source's head. */
	for (i = 0; i < f->nold + 1 && !hit && hl > 0; i++) {
		const struct follow_src *s = i < f->nold ? f->old[i] : f->cur;

		hit = s != NULL && hl < s->headlen && follow_head_known(s) &&
		    memcmp(head, s->head, hl) == 0;
	}
	/* A copy of what the current file holds now, read or not yet (a
	 * copytruncate between its copy and its truncation): the current
	 * file will give those lines.  With none chosen yet (a restart, a
	 * rotation), NAME's file is the one to be read from its start. */
	if (!hit && hl > 0 && (f->cur == NULL || f->cur->pid == 0)) {
		unsigned char now[FP];
		struct fileid_stat cfi;
		int cfd = f->cur != NULL ? f->cur->fd :
		    open(f->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

		hit = cfd >= 0 && fileid_stat_fd(cfd, &cfi) == 0 && cfi.regular &&
		    cfi.size >= c->fi.size &&
		    fileid_pread(cfd, now, hl, 0) == (ssize_t)hl &&
		    memcmp(now, head, hl) == 0;
		if (f->cur == NULL && cfd >= 0)
			close(cfd);
	}
	if (hit || (fd = rotdir_open(&f->rd, c)) < 0)
		return hit;
	for (i = 0; i < nid && !hit; i++)
		hit = born_as_copy(c, &ids[i]) &&
		    fileid_copy_of(fd, c->fi.size, &ids[i]) != FILEID_NOT_COPY;
	close(fd);
	return hit;
}

/* The first bytes of candidate C (decompressed); -1 if they cannot be had. */
static int
cand_head(struct follow *f, struct rotdir_file *c, unsigned char *head, size_t *hl)
{
	ssize_t r;
	int fd;

	if (c->rn.unpack != NULL)
		return follow_stream_head(f, c, head, hl);
	if ((fd = rotdir_open(&f->rd, c)) < 0)
		return -1;
	r = fileid_pread(fd, head, FP, 0);
	close(fd);
	*hl = r > 0 ? (size_t)r : 0;
	return r < 0 ? -1 : 0;
}

/*
 * open_unseen: a source reading candidate C from its start.  NULL when it
 * cannot be: *GONE when the file moved away meanwhile (a rotation, a
 * compressor that finished), else its decompressor is missing (reported:
 * its content is lost).
 */
static struct follow_src *
open_unseen(struct follow *f, struct rotdir_file *c, int *gone)
{
	struct follow_src *s;
	char b[32];
	int fd, missing;

	*gone = 0;
	if (c->rn.unpack == NULL) {
		if ((fd = rotdir_open(&f->rd, c)) < 0) {
			*gone = 1;
			return NULL;
		}
		return follow_src_new(f, fd, &c->fi, c->path, 0);
	}
	s = follow_stream_open(f, c, NULL, &missing);
	if (s == NULL && missing) {
		uint64_t isize = rotdir_gzip_size(&f->rd, c);
		char what[PATH_MAX + 64];

		snprintf(what, sizeof what, "%s is not installed", c->rn.unpack);
		if (isize > 0) {
			/* Its lines: nothing read of it tells them. */
			follow_report_loss_counted(f, c->path, what, isize, 0, 0, 0);
		} else {
			f->n.losses++;
			warn("%s: %s; its %s compressed bytes were not read", c->path,
			    what, follow_format_count(c->fi.size, b, sizeof b));
		}
	} else if (s == NULL) {
		*gone = 1;
	}
	return s;
}

/*
 * older_than_known: whether the names say C is older than a file F reads:
 * then it was there before the horizon, though its modification time
 * kept to the second (bzip2) is in the second of the horizon.  (Only
 * then: written since the horizon, to the nanosecond, it is a generation
 * not seen, whatever its name -- a look that found a newer file may have
 * missed it, a file that moved as it was opened.)
 */
static int
older_than_known(const struct follow *f, const struct rotdir_file *c)
{
	struct rotdir_file k;
	size_t i;

	for (i = 0; i < f->nold; i++) {
		follow_as_file(f, f->old[i], &k);
		if (rotset_age_cmp(&c->rn, &k.rn) < 0)
			return 1;
	}
	return 0;
}

/*
 * rename_known: the earlier generations found in listing C take the names
 * they have there: what their names say of their age is compared with
 * the names of that listing (a rotation since they were found shifts
 * every numbered name; an older name would make a newer file seem older
 * than them, and pass it over).
 */
static void
rename_known(struct follow *f, const struct rotdir_file *c, size_t nc)
{
	size_t i, j;

	for (i = 0; i < f->nold; i++) {
		struct follow_src *s = f->old[i];

		for (j = 0; j < nc; j++) {
			if (!follow_cand_is(&c[j], s))
				continue;
			free(s->path);
			s->path = rotdir_path(&f->rd, c[j].ent);
			break;
		}
	}
}

/* sort_old: the earlier generations from FIRST on, oldest first. */
void
follow_sort_old(struct follow *f, size_t first)
{
	size_t i, j;

	for (i = first + 1; i < f->nold; i++) {
		struct follow_src *s = f->old[i];
		struct rotdir_file a, b;

		follow_as_file(f, s, &a);
		for (j = i; j > first; j--) {
			follow_as_file(f, f->old[j - 1], &b);
			if (!rotdir_older(&a, &b))
				break;
			f->old[j] = f->old[j - 1];
		}
		f->old[j] = s;
	}
}

/*
 * newest_copy_of_cur: when what the current file holds is to be read from
 * it still (f->cur_unread), the newest plain candidate that starts as it
 * does: a copytruncate's copy of it.  Candidates newer than that copy
 * came after the bytes it holds -- the file was truncated after we read
 * its first bytes, and copied again and again -- and are to be read
 * after them (found when the truncation is).
 */
static const struct rotdir_file *
newest_copy_of_cur(struct follow *f, struct rotdir_file *c, size_t nc)
{
	const struct rotdir_file *newest = NULL;
	const struct follow_src *s = f->cur;
	unsigned char head[FP];
	size_t i;
	int fd;

	if (!f->cur_unread || s == NULL || s->pid != 0 || s->gone || s->headlen == 0 ||
	    !follow_head_known(s))
		return NULL;
	for (i = 0; i < nc; i++) {
		if (c[i].rn.unpack != NULL || c[i].fi.size < s->headlen ||
		    (c[i].fi.dev == s->dev && c[i].fi.ino == s->ino) ||
		    (newest != NULL && !rotdir_older(newest, &c[i])))
			continue;
		if ((fd = rotdir_open(&f->rd, &c[i])) < 0)
			continue;
		if (fileid_pread(fd, head, s->headlen, 0) == (ssize_t)s->headlen &&
		    memcmp(head, s->head, s->headlen) == 0)
			newest = &c[i];
		close(fd);
	}
	return newest;
}

/*
 * choose_unseen: the candidates of find_unseen, oldest first, in ORDER;
 * their count.  *GONE when one of them could not be opened (it moved, or
 * was deleted or compressed meanwhile: it is left out).
 * BEFORE_SRC is the file whose earlier generations are looked for; when
 * it was deleted (nothing of it read yet) and no copy of it is there
 * either, only files born before it can hold what came before it: those
 * born after it are newer generations, read after it.  (NAME's own file,
 * truncated, is not in the listing either: its copies, born after it, are
 * what is looked for.)
 */
static long
choose_unseen(struct follow *f, struct rotdir_file *c, size_t nc,
    const struct fileid_stat *namefi, const struct tailstate_entry *e, size_t n,
    const struct rotdir_file *before, const struct follow_src *before_src,
    size_t *order, int *gone)
{
	unsigned char (*heads)[FP] = xreallocarray(NULL, nc + 1, sizeof *heads);
	size_t *hls = xreallocarray(NULL, nc + 1, sizeof *hls);
	const struct rotdir_file *cc = newest_copy_of_cur(f, c, nc);
	const struct follow_src *born_after = NULL;
	struct stat sb;
	size_t k = 0, i, j;
	int pass;

	*gone = 0;
	rename_known(f, c, nc);
	if (before == NULL && cc == NULL && before_src != NULL && before_src->pid == 0 &&
	    fstat(before_src->fd, &sb) == 0 && sb.st_nlink == 0)
		born_after = before_src;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nc; i++) {
			int dup = 0;

			if ((c[i].rn.unpack != NULL) != pass || c[i].used ||
			    &c[i] == before || follow_known(f, &c[i].fi) ||
			    (cc != NULL && rotdir_older(cc, &c[i])) ||
			    (namefi != NULL && c[i].fi.dev == namefi->dev &&
			    c[i].fi.ino == namefi->ino) ||
			    (!c[i].changed && !rotdir_born_since(&c[i], f->horizon)) ||
			    (before != NULL && !rotdir_older(&c[i], before)) ||
			    (born_after != NULL && (born_after->btime == 0 ||
			    c[i].fi.btime == 0 || c[i].fi.btime >= born_after->btime)))
				continue;
			if (pass == 1 && (rotdir_being_compressed(c, nc, &c[i]) ||
			    (c[i].fi.mtime < f->horizon && older_than_known(f, &c[i]))))
				continue;
			if (pass == 0 && c[i].fi.size == 0 && !c[i].changed) {
				/* Nothing to read yet, nor to tell what it is: a
				 * copy being made, or an empty generation.  Looked at
				 * again while it is young. */
				if (c[i].fi.btime > fileid_fs_now() - 2 * NS &&
				    (f->pin_next == 0 || c[i].fi.btime < f->pin_next))
					f->pin_next = c[i].fi.btime;
				continue;
			}
			hls[i] = 0;
			if (cand_head(f, &c[i], heads[i], &hls[i]) < 0 && pass == 0) {
				*gone = 1;
				continue;
			}
			if (!c[i].changed && is_copy(f, &c[i], heads[i], hls[i], e, n))
				continue;
			for (j = 0; j < k && pass == 1; j++)
				dup |= c[order[j]].rn.unpack == NULL && hls[i] > 0 &&
				    hls[order[j]] == hls[i] &&
				    memcmp(heads[order[j]], heads[i], hls[i]) == 0;
			if (dup)
				continue;
			/* Insertion sort, oldest first. */
			for (j = k; j > 0 && rotdir_older(&c[i], &c[order[j - 1]]); j--)
				order[j] = order[j - 1];
			order[j] = i;
			k++;
		}
	}
	free(heads);
	free(hls);
	return (long)k;
}

/*
 * carry_marks: what was found of the files of listing C -- which were
 * changed (a known inode with new content), and with USED which were used
 * -- marked in listing AGAIN of the same directory made later.
 */
void
follow_carry_marks(const struct rotdir_file *c, size_t nc, struct rotdir_file *again,
    size_t m, int used)
{
	size_t i, j;

	for (i = 0; i < m; i++) {
		for (j = 0; j < nc; j++) {
			if (again[i].fi.dev == c[j].fi.dev &&
			    again[i].fi.ino == c[j].fi.ino &&
			    fileid_same_birth(again[i].fi.btime, c[j].fi.btime)) {
				if (used)
					again[i].used = c[j].used;
				again[i].changed = c[j].changed;
			}
		}
	}
}

/*
 * find_unseen: the generations F has not seen -- files of the rotation set
 * (*CP, *NCP candidates) born since the horizon that are not NAME's file
 * (NAMEFI, may be NULL), not a source and not a copy of known content --
 * opened from their start and added to the earlier generations, oldest
 * first.  Plain files are chosen first: a compressed file with the head
 * of one of them is its compressed copy (a compressor at work leaves both
 * for a while), not another generation.  With BEFORE (the current file,
 * truncated), only those older than it (when it was renamed too, its name
 * tells which).  When a file chosen moves away before it is opened, the
 * directory is listed again and the choice made again; when it never
 * settles, the horizon is held for the next look to find what was missed.
 */
void
follow_find_unseen(struct follow *f, struct rotdir_file **cp, size_t *ncp,
    const struct fileid_stat *namefi, const struct tailstate_entry *e, size_t n,
    const struct follow_src *before)
{
	int tries;

	f->scanned = 1;
	for (tries = 0;; tries++) {
		struct rotdir_file *c = *cp, *again, *bc = NULL;
		size_t nc = *ncp, m, i, j;
		size_t *order = xreallocarray(NULL, nc + 1, sizeof *order);
		struct follow_src **srcs = xreallocarray(NULL, nc + 1, sizeof *srcs);
		long k;
		int gone = 0;

		for (i = 0; i < nc && before != NULL; i++)
			if (follow_cand_is(&c[i], before))
				bc = &c[i];
		if (bc != NULL)
			bc->changed = 1;	/* its birth is not its content's */
		k = choose_unseen(f, c, nc, namefi, e, n, bc, before, order, &gone);
		for (j = 0; (long)j < k && (!gone || tries == 4); j++) {
			int moved;

			srcs[j] = open_unseen(f, &c[order[j]], &moved);
			gone |= moved;
			if (moved && tries < 4) {
				j++;
				break;
			}
		}
		if (!gone || tries == 4) {
			for (j = 0; (long)j < k; j++) {
				c[order[j]].used = 1;
				if (srcs[j] == NULL)
					continue;
				warn("%s: rotated before it was read; reading %s", f->name,
				    c[order[j]].path);
				srcs[j]->idle_until = follow_now_ms() + f->o.rotate_wait_ms;
				follow_add_old(f, srcs[j]);
			}
			/* Named as in the listing, those just opened too: one
			 * found moved (rotdir_open) has a newer name than the
			 * others', which would make it seem older. */
			rename_known(f, c, nc);
			f->hold_horizon |= gone;
			free(order);
			free(srcs);
			return;
		}
		while (j > 0)
			follow_src_free(f, srcs[--j]);	/* NULL for the one gone */
		free(order);
		free(srcs);
		/* List again; what was found of the files stays known. */
		m = rotdir_list(&f->rd, &again);
		follow_carry_marks(c, nc, again, m, 1);
		rotdir_free(c, nc);
		*cp = again;
		*ncp = m;
	}
}
