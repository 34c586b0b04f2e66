/*
 * follow_entry: a checkpoint entry's file found again (follow_entry.h),
 * or its loss named.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
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

struct follow_src *
follow_entry_src(struct follow *f, int fd, const struct fileid_stat *fi,
    const char *path, const struct tailstate_entry *e)
{
	struct follow_src *s = follow_src_new(f, fd, fi, path, e->off);
	struct fileid_content id;

	s->lines = e->lines;
	s->lbytes = e->lbytes;
	/* Truncated (or rewritten) since it was found holding them: what
	 * it was is known by the entry's fingerprints only, by which its
	 * copy is looked for (see follow_was_truncated). */
	follow_ident_of_entry(&id, e);
	if (s->fplen < id.fplen || s->headlen < id.headlen ||
	    tailstate_fingerprint(s->fp + s->fplen - id.fplen, id.fplen) != id.fp ||
	    tailstate_fingerprint(s->head, id.headlen) != id.head) {
		s->gone = 1;
		s->known = id;
	}
	return s;
}

struct follow_src *
follow_entry_by_inode(struct follow *f, struct rotdir_file *c, size_t nc,
    const struct tailstate_entry *e, const struct fileid_content *id)
{
	struct follow_src *s = NULL;
	size_t i;
	int fd, missing;

	for (i = 0; i < nc; i++) {
		if (c[i].used || c[i].fi.dev != e->dev || c[i].fi.ino != e->ino ||
		    !fileid_same_birth(c[i].fi.btime, e->btime))
			continue;
		if (id->headlen == 0 && id->fplen == 0) {
			/* Nothing of it was known (empty at offset 0): it may have
			 * been copied and truncated since, its copies being older
			 * than what it holds now.  Read it from its start among the
			 * generations not seen, in the order they were made. */
			c[i].changed = 1;
			break;
		}
		if (c[i].rn.unpack != NULL) {
			s = follow_stream_open(f, &c[i], id, &missing);
		} else if ((fd = rotdir_open(&f->rd, &c[i])) >= 0) {
			if (fileid_verify(fd, c[i].fi.size, id))
				s = follow_entry_src(f, fd, &c[i].fi, c[i].path, e);
			else
				close(fd);
			/* Truncated and written again (copytruncate, then
			 * renamed): a generation of its own, after its copy. */
			c[i].changed = s == NULL;
		}
		if (s != NULL)
			c[i].used = 1;
		break;
	}
	return s;
}

/*
 * follow_entry_where_it_was: entry E's file where it was (E's path), known by its
 * inode, birth time and content: the earlier target of a symbolic link
 * retargeted while stopped, outside the rotation set of the new target.
 */
struct follow_src *
follow_entry_where_it_was(struct follow *f, const struct tailstate_entry *e,
    const struct fileid_content *id)
{
	const char *slash = e->path != NULL ? strrchr(e->path, '/') : NULL;
	struct rot_name rn;
	struct fileid_stat fi;
	size_t extlen;
	int fd;

	/* Not NAME, nor a file of its rotation set (looked for there, by
	 * inode and content), nor one read through a decompressor. */
	if (e->path == NULL || strcmp(e->path, f->name) == 0 ||
	    (id->headlen == 0 && id->fplen == 0) ||
	    rotset_unpacker(e->path, &extlen) != NULL ||
	    rotset_match(f->rd.base, slash != NULL ? slash + 1 : e->path, f->rd.globs,
	    f->rd.nglobs, &rn) ||
	    (fd = open(e->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return NULL;
	if (fileid_stat_fd(fd, &fi) == 0 && fi.regular && fi.dev == e->dev &&
	    fi.ino == e->ino && fileid_same_birth(fi.btime, e->btime) &&
	    fileid_verify(fd, fi.size, id))
		return follow_entry_src(f, fd, &fi, e->path, e);
	close(fd);
	return NULL;
}

/*
 * copy_of_now: whether candidate FD (SIZE bytes) is the copy of what
 * NAME's file S holds now (a copytruncate not finished, whose lines S
 * gives), for an entry that knew no whole line (offset 0): the same bytes
 * as far as both go (up to a MiB), and its first two lines not alike.
 * (Another generation merely starting as S does -- a head of a few
 * bytes, a line caught halfway written, starts many files alike --
 * differs somewhere; a log of repeated lines cannot tell.)
 */
static int
copy_of_now(int fd, uint64_t size, const struct follow_src *s)
{
	char a[4096], b[4096], *nl;
	struct fileid_stat now;
	uint64_t n, off;
	ssize_t r;

	if (fileid_stat_fd(s->fd, &now) < 0)
		return 0;
	n = size < now.size ? size : now.size;
	if (n > 1 << 20)
		return 0;
	for (off = 0; off < n; off += sizeof a) {
		size_t k = n - off < sizeof a ? (size_t)(n - off) : sizeof a;

		if (fileid_pread(fd, a, k, off) != (ssize_t)k ||
		    fileid_pread(s->fd, b, k, off) != (ssize_t)k || memcmp(a, b, k) != 0)
			return 0;
	}
	r = fileid_pread(fd, a, sizeof a, 0);
	if (r <= 0 || (nl = memchr(a, '\n', (size_t)r)) == NULL)
		return 1;
	n = (uint64_t)(nl - a) + 1;
	return 2 * n > (uint64_t)r || memcmp(a, a + n, (size_t)n) != 0;
}

/*
 * follow_same_bytes_elsewhere: NAME's file S holds what its entry knows, and so
 * does another file of the set born since the horizon, with more: the
 * copy of a copytruncate not finished yet, or -- when lines repeat (a log
 * of identical lines: what follows the offset begins as the file does) --
 * the copy of the generation the entry knew, S being a new one grown past
 * the same bytes.  Fingerprints cannot tell which: S is read on, and that
 * an unknown amount may be lost is said.
 */
void
follow_same_bytes_elsewhere(struct follow *f, struct rotdir_file *c, size_t nc,
    const struct follow_src *s)
{
	struct fileid_content id;
	size_t i;

	follow_ident_of_src(&id, s);
	if (id.fplen == 0 && id.headlen == 0)
		return;
	for (i = 0; i < nc; i++) {
		int fd, hit;

		if (c[i].rn.unpack != NULL || (c[i].fi.dev == s->dev && c[i].fi.ino == s->ino) ||
		    !rotdir_born_since(&c[i], f->horizon) || c[i].fi.size <= id.off ||
		    (fd = rotdir_open(&f->rd, &c[i])) < 0)
			continue;
		hit = fileid_copy_of(fd, c[i].fi.size, &id) == FILEID_COPY_CONTINUES;
		if (hit) {
			/* Only when what follows the offset begins as the file
			 * does (lines that repeat): else a new generation grown
			 * that far would not hold the bytes the entry knows. */
			unsigned char after[FP];
			uint64_t k = c[i].fi.size - id.off < s->headlen ?
			    c[i].fi.size - id.off : s->headlen;

			hit = fileid_pread(fd, after, (size_t)k, id.off) == (ssize_t)k &&
			    memcmp(after, s->head, (size_t)k) == 0 &&
			    (id.off > 0 || !copy_of_now(fd, c[i].fi.size, s));
		}
		close(fd);
		if (hit) {
			warn("%s: %s, made since, holds the same bytes before offset %llu "
			    "as %s and more; repeated lines cannot tell a copy from a new "
			    "generation: an unknown amount may be lost", f->name, c[i].path,
			    (unsigned long long)id.off, f->name);
			f->n.unknown++;
			return;
		}
	}
}

/*
 * An entry's file was not found: what it held past its offset is lost,
 * as far as the state knows it (its size at the last look, or what an
 * uncommitted batch read of it, and then its lines exactly).  A file read
 * to its end at the last look may have grown since: that is not known
 * (counted, not said).
 */
void
follow_entry_lost(struct follow *f, const struct tailstate_entry *e,
    const struct rotdir_file *c, size_t nc, struct rotdir_file *unreadable,
    int truncated)
{
	char what[PATH_MAX + 64];
	uint64_t size = e->size, lines = 0;
	size_t i;
	int changed = 0;

	for (i = 0; i < nc && unreadable == NULL; i++)
		changed |= c[i].changed && c[i].fi.dev == e->dev &&
		    c[i].fi.ino == e->ino;
	/* A batch's knowledge is of the content it read: not of a file
	 * truncated since (the same inode then holds other lines). */
	if (!truncated && !changed && e->pend_off > e->off) {
		size = e->pend_size > size ? e->pend_size : size;
		lines = e->pend_lines;
	}

	if (unreadable != NULL) {
		/* Probably this file, compressed: what it holds is lost, as
		 * far as its size is known. */
		uint64_t isize = rotdir_gzip_size(&f->rd, unreadable);

		if (isize > size)
			size = isize;
		snprintf(what, sizeof what, "not found, probably compressed as %s, "
		    "and %s is not installed", unreadable->path, unreadable->rn.unpack);
	} else {
		snprintf(what, sizeof what, "%s while stopped",
		    changed || truncated ? "truncated" : "deleted");
	}
	if (size <= e->off) {
		f->n.unknown++;
		if (unreadable != NULL)
			warn("%s: %s; what it held past offset %llu is not known",
			    e->path, what, (unsigned long long)e->off);
		return;
	}
	if (lines > 0)
		follow_report_loss_counted(f, e->path, what, size - e->off, e->off,
		    lines, size > e->pend_off);
	else if (unreadable != NULL)	/* its lines: no knowledge */
		follow_report_loss_counted(f, e->path, what, size - e->off, e->off, 0, 0);
	else
		follow_report_loss(f, e->path, what, size - e->off, e->off, e->lines,
		    e->lbytes);
}

int
follow_holds_entry(int fd, const struct fileid_stat *fi,
    const struct tailstate_entry *e)
{
	struct fileid_content id;

	if (e->kind != TAILSTATE_FILE || !fi->regular || fi->dev != e->dev ||
	    fi->ino != e->ino || !fileid_same_birth(fi->btime, e->btime))
		return 0;
	follow_ident_of_entry(&id, e);
	if (id.headlen == 0 && id.fplen == 0)
		return e->btime != 0 && fi->btime != 0;
	return fileid_verify(fd, fi->size, &id);
}
