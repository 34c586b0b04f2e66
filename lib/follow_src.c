/* follow_src: the files a follow reads (see follow_src.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "follow_marks.h"
#include "follow_src.h"
#include "msg.h"
#include "unpack.h"
#include "xalloc.h"

/* open_name: open NAME for reading; what it is in *FI.  -1 with errno. */
int
follow_open_name(struct follow *f, struct fileid_stat *fi)
{
	struct stat ls;
	int fd;

	f->symlink = lstat(f->name, &ls) == 0 && S_ISLNK(ls.st_mode);
	fd = open(f->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fileid_stat_fd(fd, fi) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	if (fi->dir) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	return fd;
}

/* The file's first bytes, as far as it has them when opened (plain files;
 * read_src adds to them as it reads on, and checks them: they identify the
 * generation even where nothing of it was read yet). */
static void
head_fill(struct follow_src *s)
{
	ssize_t r = fileid_pread(s->fd, s->head, FP, 0);

	s->headlen = r > 0 ? (size_t)r : 0;
}

/* A source of FD (file FI, named PATH) at line start OFF, all else zero. */
static struct follow_src *
src_alloc(int fd, const struct fileid_stat *fi, const char *path, uint64_t off)
{
	struct follow_src *s = xmalloc(sizeof *s);

	memset(s, 0, sizeof *s);
	s->fd = fd;
	s->path = xstrdup(path);
	s->dev = fi->dev;
	s->ino = fi->ino;
	s->btime = fi->btime;
	s->mtime = fi->mtime;
	s->off = s->line_off = off;
	buf_reserve(&s->held, BUF_INIT);
	s->wd = -1;
	return s;
}

/* Make a source of FD (a plain file, FI) at line start OFF. */
struct follow_src *
follow_src_new(struct follow *f, int fd, const struct fileid_stat *fi, const char *path,
    uint64_t off)
{
	struct fileid_stat now;
	struct follow_src *s;
	ssize_t r;

	/* The size and time now: FI may be from before a truncation. */
	if (fileid_stat_fd(fd, &now) == 0)
		fi = &now;
	s = src_alloc(fd, fi, path, off);
	s->since = fi->btime;
	s->size = fi->size;
	s->at_eof = 1;		/* what follows OFF is checked before it is read */
	s->checked_at = fileid_fs_now();
	s->fresh = 0;		/* see below */
	s->fplen = off < FP ? (size_t)off : FP;
	r = fileid_pread(fd, s->fp, s->fplen, off - s->fplen);
	if (r != (ssize_t)s->fplen)	/* shrank meanwhile: found as truncated */
		s->fplen = r > 0 ? (size_t)r : 0;
	head_fill(s);
	/* Read from its start: copies of what it held before we read it come
	 * first (see first_bytes). */
	s->fresh = off == 0;
	s->fresh_at = fileid_fs_now();
	if (f->o.hooks != NULL && f->o.hooks->opened != NULL)
		f->o.hooks->opened(f->o.hooks->ctx, f, s);
	return s;
}

/* src_drop: free S; its file is closed unless KEEP_FD (still in use). */
void
follow_src_drop(struct follow *f, struct follow_src *s, int keep_fd)
{
	if (s == NULL)
		return;
	follow_marks_forget(f, s);
	if (f->o.hooks != NULL && f->o.hooks->closing != NULL)
		f->o.hooks->closing(f->o.hooks->ctx, f, s);
	if (keep_fd)
		;
	else if (s->pid > 0)
		unpack_end(s->pid, s->fd, 1);
	else
		close(s->fd);
	free(s->path);
	buf_free(&s->held);
	free(s);
}

void
follow_src_free(struct follow *f, struct follow_src *s)
{
	follow_src_drop(f, s, 0);
}

void
follow_add_old(struct follow *f, struct follow_src *s)
{
	ARRAY_RESERVE(f->old, f->oldcap, f->nold + 1);
	f->old[f->nold++] = s;
	f->changed = 1;
}

/* drop_old: close the earlier generations from index FIRST on (found by a
 * look that must be made again, none of them read yet). */
void
follow_drop_old(struct follow *f, size_t first)
{
	while (f->nold > first)
		follow_src_free(f, f->old[--f->nold]);
}

/* report: count a loss of BYTES (EST lines) and name it, the lines said
 * as HOW tells ("about ", "at least ", "") or not at all (NULL). */
static void
report(struct follow *f, const char *path, const char *what, uint64_t bytes,
    uint64_t off, uint64_t est, const char *how)
{
	char b[32], l[32];

	f->n.lost_bytes += bytes;
	f->n.lost_lines += est;
	f->n.losses++;
	follow_format_count(bytes, b, sizeof b);
	if (how != NULL)
		warn("%s: %s; %s bytes (%s%s line%s) after offset %llu were not read",
		    path, what, b, how, follow_format_count(est, l, sizeof l),
		    est == 1 ? "" : "s", (unsigned long long)off);
	else
		warn("%s: %s; %s bytes after offset %llu were not read", path, what,
		    b, (unsigned long long)off);
}

/*
 * report_loss: name bytes that can no longer be read, count them, and say
 * about how many lines they held (from the lines read from that file, else
 * from all read so far; not said when nothing was read yet).
 */
void
follow_report_loss(struct follow *f, const char *path, const char *what,
    uint64_t bytes, uint64_t off, uint64_t lines, uint64_t lbytes)
{
	uint64_t est = 0;

	if (lines == 0 || lbytes == 0) {	/* what was read of others, then */
		lines = f->n.lines + f->past_lines;
		lbytes = f->n.bytes + f->past_bytes;
	}
	if (lines > 0 && lbytes > 0) {
		est = (uint64_t)(((unsigned __int128)bytes * lines + lbytes / 2) / lbytes);
		if (est == 0 && bytes > 0)
			est = 1;
	}
	report(f, path, what, bytes, off, est, lines > 0 && lbytes > 0 ? "about " : NULL);
}

void
follow_report_loss_counted(struct follow *f, const char *path,
    const char *what, uint64_t bytes, uint64_t off, uint64_t lines, int at_least)
{
	report(f, path, what, bytes, off, lines,
	    lines == 0 ? NULL : at_least ? "at least " : "");
}

void
follow_ident_of_entry(struct fileid_content *id, const struct tailstate_entry *e)
{
	id->off = e->off;
	id->fplen = e->fplen;
	id->fp = e->fp;
	/* At offset 0 a head shorter than FP is a line caught halfway
	 * (see follow_head_known): no identity. */
	id->headlen = e->off > 0 || e->headlen == FP ? e->headlen : 0;
	id->head = id->headlen > 0 ? e->head : tailstate_fingerprint("", 0);
	id->mtime = e->mtime;
	id->since = e->btime;
}

void
follow_ident_of_src(struct fileid_content *id, const struct follow_src *s)
{
	if (s->gone) {
		*id = s->known;
		return;
	}
	id->off = s->line_off;
	id->fplen = (uint32_t)s->fplen;
	id->fp = tailstate_fingerprint(s->fp, s->fplen);
	id->headlen = follow_head_known(s) ? (uint32_t)s->headlen : 0;
	id->head = tailstate_fingerprint(s->head, id->headlen);
	id->mtime = s->mtime;
	id->since = s->since;
}

int
follow_head_known(const struct follow_src *s)
{
	return s->headlen == FP || s->line_off > 0 ||
	    memchr(s->head, '\n', s->headlen) != NULL;
}

/* A source reading the decompressed stream PFD (child PID) of C at OFF. */
static struct follow_src *
stream_src(struct follow *f, const struct rotdir_file *c, pid_t pid, int pfd,
    uint64_t off, const unsigned char *head, size_t headlen,
    const unsigned char *tail, size_t taillen)
{
	struct follow_src *s = src_alloc(pfd, &c->fi, c->path, off);

	s->pid = pid;
	s->size = off;
	memcpy(s->head, head, headlen);
	s->headlen = headlen;
	s->fplen = taillen < off ? taillen : (size_t)off;
	memcpy(s->fp, tail + taillen - s->fplen, s->fplen);
	if (f->o.hooks != NULL && f->o.hooks->opened != NULL)
		f->o.hooks->opened(f->o.hooks->ctx, f, s);
	return s;
}

/* Start C's decompressor on it: 0, or -1 (*MISSING when not installed). */
static int
unpack_file(struct follow *f, struct rotdir_file *c, pid_t *pid, int *pfd,
    int *missing)
{
	int fd, r;

	if ((fd = rotdir_open(&f->rd, c)) < 0)
		return -1;
	r = unpack_start(c->rn.unpack, fd, pid, pfd);
	close(fd);
	*missing = r < 0;
	return r;
}

/*
 * stream_open: start reading compressed candidate C at OFF, checking what
 * ID knows of it (NULL: from 0, unchecked).  Returns the source, or NULL
 * with *MISSING set when C's decompressor is not installed.
 */
struct follow_src *
follow_stream_open(struct follow *f, struct rotdir_file *c,
    const struct fileid_content *id, int *missing)
{
	unsigned char head[FP], tail[FP];
	size_t headlen, taillen;
	uint64_t want = 0;
	int64_t got;
	pid_t pid;
	int pfd, ok = 1, again;

	*missing = 0;
	if (unpack_file(f, c, &pid, &pfd, missing) < 0)
		return NULL;
	if (id != NULL) {
		if (id->headlen == 0 && id->fplen == 0)
			ok = 0;
		want = id->off > id->headlen ? id->off : id->headlen;
	}
	got = ok ? unpack_skip(pfd, want, head, &headlen, tail, &taillen) : -1;
	if (id != NULL && ok)
		ok = got == (int64_t)want &&
		    (id->headlen == 0 || tailstate_fingerprint(head, id->headlen) == id->head) &&
		    (id->fplen == 0 || (taillen >= id->fplen && id->off >= id->headlen &&
		    tailstate_fingerprint(tail + taillen - id->fplen, id->fplen) == id->fp) ||
		    (id->off < id->headlen &&
		    tailstate_fingerprint(head + id->off - id->fplen, id->fplen) == id->fp));
	if (!ok) {
		unpack_end(pid, pfd, 1);
		return NULL;
	}
	if (id != NULL && want > id->off) {
		/* Read past the offset to check the head: start again there. */
		unpack_end(pid, pfd, 1);
		if (unpack_file(f, c, &pid, &pfd, &again) < 0)
			return NULL;
		unpack_skip(pfd, id->off, head, &headlen, tail, &taillen);
		/* The head is the one checked above, possibly longer than what
		 * this pass kept. */
	}
	return stream_src(f, c, pid, pfd, id != NULL ? id->off : 0, head,
	    headlen, tail, taillen);
}

/* stream_head: the first bytes of compressed C, for comparing heads. */
int
follow_stream_head(struct follow *f, struct rotdir_file *c, unsigned char *head,
    size_t *headlen)
{
	unsigned char tail[FP];
	struct follow_zhead *z;
	size_t taillen, i;
	pid_t pid;
	int pfd, missing;
	int64_t got;

	for (i = 0; i < f->nzheads; i++) {
		z = &f->zheads[i];
		if (z->dev == c->fi.dev && z->ino == c->fi.ino && z->btime == c->fi.btime &&
		    z->size == c->fi.size && z->mtime == c->fi.mtime) {
			memcpy(head, z->head, z->headlen);
			*headlen = z->headlen;
			return 0;
		}
	}
	if (unpack_file(f, c, &pid, &pfd, &missing) < 0)
		return -1;
	got = unpack_skip(pfd, FP, head, headlen, tail, &taillen);
	unpack_end(pid, pfd, 1);
	if (got < 0)
		return -1;
	if (f->nzheads == 64)	/* rotations made them old: begin again */
		f->nzheads = 0;
	ARRAY_RESERVE(f->zheads, f->zheadcap, f->nzheads + 1);
	z = &f->zheads[f->nzheads++];
	z->dev = c->fi.dev;
	z->ino = c->fi.ino;
	z->btime = c->fi.btime;
	z->size = c->fi.size;
	z->mtime = c->fi.mtime;
	memcpy(z->head, head, *headlen);
	z->headlen = *headlen;
	return 0;
}

void
follow_zheads_free(struct follow *f)
{
	free(f->zheads);
	f->zheads = NULL;
	f->nzheads = f->zheadcap = 0;
}

/* Whether F reads the file FI already (a decompressed one does not hold its
 * file open: its inode may have been freed and reused since). */
int
follow_known(const struct follow *f, const struct fileid_stat *fi)
{
	size_t i;

	if (f->cur != NULL && f->cur->dev == fi->dev && f->cur->ino == fi->ino)
		return 1;
	for (i = 0; i < f->nold; i++)
		if (f->old[i]->dev == fi->dev && f->old[i]->ino == fi->ino &&
		    fileid_same_birth(f->old[i]->btime, fi->btime))
			return 1;
	return 0;
}

/* Whether candidate C is the file S. */
int
follow_cand_is(const struct rotdir_file *c, const struct follow_src *s)
{
	return c->fi.dev == s->dev && c->fi.ino == s->ino &&
	    fileid_same_birth(c->fi.btime, s->btime);
}

/* as_file: what rotdir needs of source S to tell its age. */
void
follow_as_file(const struct follow *f, const struct follow_src *s, struct rotdir_file *r)
{
	const char *slash = strrchr(s->path, '/');

	memset(r, 0, sizeof *r);
	r->ent = (char *)(slash != NULL ? slash + 1 : s->path);
	r->fi.btime = s->btime;
	r->fi.mtime = s->mtime;
	rotset_match(f->rd.base, r->ent, f->o.rotated, f->o.nrotated, &r->rn);
}
