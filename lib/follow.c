/* follow: follow one file by name through any chain of rotations (see follow.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "follow.h"
#include "fileid.h"
#include "unpack.h"
#include "rotdir.h"
#include "msg.h"
#include "proc.h"
#include "rotset.h"
#include "xalloc.h"

#define BUF_INIT (128 * 1024)

#define FP TAILSTATE_FP_MAX
#define NS 1000000000LL

int64_t
follow_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *
follow_format_count(uint64_t n, char *buf, size_t size)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n), i, j = 0;

	for (i = 0; i < len && (size_t)j + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
	return buf;
}

void
follow_init(struct follow *f, const char *name, const struct follow_opts *o)
{
	const char *slash = strrchr(name, '/');

	memset(f, 0, sizeof *f);
	f->name = xstrdup(name);
	f->o = *o;
	if (slash == NULL) {
		f->dir = xstrdup(".");
		f->base = xstrdup(name);
	} else {
		size_t n = slash == name ? 1 : (size_t)(slash - name);

		f->dir = xmalloc(n + 1);
		memcpy(f->dir, name, n);
		f->dir[n] = '\0';
		f->base = xstrdup(slash + 1);
	}
	f->prefix = xstrdup(name);
	f->prefix[strlen(name) - strlen(f->base)] = '\0';
	f->rd.dir = f->dir;
	f->rd.base = f->base;
	f->rd.prefix = f->prefix;
	f->rd.globs = o->rotated;
	f->rd.nglobs = o->nrotated;
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

/* Make a source of FD (a plain file, FI) at line start OFF. */
static struct follow_src *
src_new(struct follow *f, int fd, const struct fileid_stat *fi, const char *path,
    uint64_t off)
{
	struct follow_src *s = xmalloc(sizeof *s);
	struct fileid_stat now;
	ssize_t r;

	/* The size and time now: FI may be from before a truncation. */
	if (fileid_stat_fd(fd, &now) == 0)
		fi = &now;
	memset(s, 0, sizeof *s);
	s->fd = fd;
	s->path = xstrdup(path);
	s->dev = fi->dev;
	s->ino = fi->ino;
	s->btime = fi->btime;
	s->since = fi->btime;
	s->mtime = fi->mtime;
	s->size = fi->size;
	s->off = s->line_off = off;
	s->cap = BUF_INIT;
	s->buf = xmalloc(s->cap);
	s->wd = -1;
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
static void
src_drop(struct follow *f, struct follow_src *s, int keep_fd)
{
	if (s == NULL)
		return;
	if (f->o.hooks != NULL && f->o.hooks->closing != NULL)
		f->o.hooks->closing(f->o.hooks->ctx, f, s);
	if (keep_fd)
		;
	else if (s->pid > 0)
		unpack_end(s->pid, s->fd, 1);
	else
		close(s->fd);
	free(s->path);
	free(s->buf);
	free(s);
}

static void
src_free(struct follow *f, struct follow_src *s)
{
	src_drop(f, s, 0);
}

static void
add_old(struct follow *f, struct follow_src *s)
{
	if (f->nold == f->oldcap) {
		f->oldcap = f->oldcap ? 2 * f->oldcap : 4;
		f->old = xreallocarray(f->old, f->oldcap, sizeof *f->old);
	}
	f->old[f->nold++] = s;
	f->changed = 1;
}

/* drop_old: close the earlier generations from index FIRST on (found by a
 * look that must be made again, none of them read yet). */
static void
drop_old(struct follow *f, size_t first)
{
	while (f->nold > first)
		src_free(f, f->old[--f->nold]);
}

void
follow_free(struct follow *f)
{
	while (f->nold > 0) {
		struct follow_src *s = f->old[--f->nold];

		src_free(f, s);
	}
	src_free(f, f->cur);
	f->cur = NULL;
	free(f->old);
	free(f->name);
	free(f->dir);
	free(f->base);
	free(f->prefix);
}

/*
 * report_loss: name bytes that can no longer be read, count them, and say
 * about how many lines they held (from the lines read from that file, else
 * from all read so far; not said when nothing was read yet).
 */
static void
report_loss(struct follow *f, const char *path, const char *what,
    uint64_t bytes, uint64_t off, uint64_t lines, uint64_t lbytes)
{
	char b[32], l[32];
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
	f->n.lost_bytes += bytes;
	f->n.lost_lines += est;
	f->n.losses++;
	follow_format_count(bytes, b, sizeof b);
	if (lines > 0 && lbytes > 0)
		warn("%s: %s; %s bytes (about %s line%s) after offset %llu were not read",
		    path, what, b, follow_format_count(est, l, sizeof l),
		    est == 1 ? "" : "s", (unsigned long long)off);
	else
		warn("%s: %s; %s bytes after offset %llu were not read", path, what,
		    b, (unsigned long long)off);
}

static void cut_warning(struct follow *f);

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
static void
emit(struct follow *f, struct follow_src *s, const char *p, size_t n)
{
	struct out *o = f->o.out;
	const char *nl;
	size_t namelen;
	uint64_t k = count_lines(p, n);

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

static void
ident_of_entry(struct fileid_content *id, const struct tailstate_entry *e)
{
	id->off = e->off;
	id->fplen = e->fplen;
	id->fp = e->fp;
	id->headlen = e->headlen;
	id->head = e->head;
	id->mtime = e->mtime;
	id->since = e->btime;
}

static void
ident_of_src(struct fileid_content *id, const struct follow_src *s)
{
	if (s->gone) {
		*id = s->known;
		return;
	}
	id->off = s->line_off;
	id->fplen = (uint32_t)s->fplen;
	id->fp = tailstate_fingerprint(s->fp, s->fplen);
	id->headlen = (uint32_t)s->headlen;
	id->head = tailstate_fingerprint(s->head, s->headlen);
	id->mtime = s->mtime;
	id->since = s->since;
}

/* A source reading the decompressed stream PFD (child PID) of C at OFF. */
static struct follow_src *
stream_src(struct follow *f, const struct rotdir_file *c, pid_t pid, int pfd,
    uint64_t off, const unsigned char *head, size_t headlen,
    const unsigned char *tail, size_t taillen)
{
	struct follow_src *s = xmalloc(sizeof *s);

	memset(s, 0, sizeof *s);
	s->fd = pfd;
	s->pid = pid;
	s->path = xstrdup(c->path);
	s->dev = c->fi.dev;
	s->ino = c->fi.ino;
	s->btime = c->fi.btime;
	s->mtime = c->fi.mtime;
	s->size = off;
	s->off = s->line_off = off;
	s->cap = BUF_INIT;
	s->buf = xmalloc(s->cap);
	s->wd = -1;
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
static struct follow_src *
stream_open(struct follow *f, struct rotdir_file *c, const struct fileid_content *id,
    int *missing)
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
static int
stream_head(struct follow *f, struct rotdir_file *c, unsigned char *head,
    size_t *headlen)
{
	unsigned char tail[FP];
	size_t taillen;
	pid_t pid;
	int pfd, missing;
	int64_t got;

	if (unpack_file(f, c, &pid, &pfd, &missing) < 0)
		return -1;
	got = unpack_skip(pfd, FP, head, headlen, tail, &taillen);
	unpack_end(pid, pfd, 1);
	return got < 0 ? -1 : 0;
}

/* Whether F reads the file FI already (a decompressed one does not hold its
 * file open: its inode may have been freed and reused since). */
static int
known(const struct follow *f, const struct fileid_stat *fi)
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
static struct follow_src *
find_copy(struct follow *f, struct rotdir_file *c, size_t nc, const struct fileid_content *id,
    const unsigned char *head, uint64_t dev, uint64_t ino, struct rotdir_file **unreadable)
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

		if (c[i].used || c[i].rn.unpack != NULL || known(f, &c[i].fi) ||
		    !born_as_copy(&c[i], id) ||
		    (c[i].fi.dev == dev && c[i].fi.ino == ino) ||
		    c[i].fi.size <= id->off)
			continue;
		if ((fd = rotdir_open(&f->rd, &c[i])) < 0)
			continue;
		if (fileid_copy_of(fd, c[i].fi.size, id) == FILEID_COPY_CONTINUES ||
		    (head != NULL && c[i].fi.size < id->headlen &&
		    fileid_bytes_match(fd, c[i].fi.size, head, (size_t)c[i].fi.size))) {
			s = src_new(f, fd, &c[i].fi, c[i].path, id->off);
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
		s = stream_open(f, &c[i], id, &missing);
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
static void
keep_read_copies(struct follow *f, struct rotdir_file *c, size_t nc,
    const struct fileid_content *id, const unsigned char *head, uint64_t dev,
    uint64_t ino)
{
	size_t i;

	for (i = 0; i < nc; i++) {
		unsigned char got[FP];
		struct follow_src *s;
		int fd, copy;

		if (c[i].used || c[i].rn.unpack != NULL || known(f, &c[i].fi) ||
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
		s = src_new(f, fd, &c[i].fi, c[i].path, c[i].fi.size);
		s->at_eof = 1;
		s->idle_until = follow_now_ms() + f->o.rotate_wait_ms;
		add_old(f, s);
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
		ident_of_src(&ids[nid++], f->cur);
	for (i = 0; i < f->nold && nid < 64; i++)
		ident_of_src(&ids[nid++], f->old[i]);
	for (i = 0; i < n && nid < 64; i++)
		ident_of_entry(&ids[nid++], &e[i]);
	if (c->rn.unpack != NULL) {
		for (i = 0; i < nid && !hit; i++)
			hit = ids[i].headlen > 0 && hl >= ids[i].headlen &&
			    tailstate_fingerprint(head, ids[i].headlen) == ids[i].head;
		return hit;
	}
	/* A copy still being made may hold less than a source's head. */
	for (i = 0; i < f->nold + 1 && !hit && hl > 0; i++) {
		const struct follow_src *s = i < f->nold ? f->old[i] : f->cur;

		hit = s != NULL && hl < s->headlen && memcmp(head, s->head, hl) == 0;
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
		return stream_head(f, c, head, hl);
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
		return src_new(f, fd, &c->fi, c->path, 0);
	}
	s = stream_open(f, c, NULL, &missing);
	if (s == NULL && missing) {
		uint64_t isize = rotdir_gzip_size(&f->rd, c);
		char what[PATH_MAX + 64];

		snprintf(what, sizeof what, "%s is not installed", c->rn.unpack);
		if (isize > 0) {
			report_loss(f, c->path, what, isize, 0, 0, 0);
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

/* Whether candidate C is the file S. */
static int
cand_is(const struct rotdir_file *c, const struct follow_src *s)
{
	return c->fi.dev == s->dev && c->fi.ino == s->ino &&
	    fileid_same_birth(c->fi.btime, s->btime);
}

/* as_file: what rotdir needs of source S to tell its age. */
static void
as_file(const struct follow *f, const struct follow_src *s, struct rotdir_file *r)
{
	const char *slash = strrchr(s->path, '/');

	memset(r, 0, sizeof *r);
	r->ent = (char *)(slash != NULL ? slash + 1 : s->path);
	r->fi.btime = s->btime;
	r->fi.mtime = s->mtime;
	rotset_match(f->base, r->ent, f->o.rotated, f->o.nrotated, &r->rn);
}

/*
 * older_than_known: whether the names say C is older than a file F reads:
 * then it was there before the horizon, whatever its modification time
 * (a compressor keeps it, bzip2 to the second only, so an old file may
 * seem to have been written in the second of the horizon).
 */
static int
older_than_known(const struct follow *f, const struct rotdir_file *c)
{
	struct rotdir_file k;
	size_t i;

	for (i = 0; i < f->nold; i++) {
		as_file(f, f->old[i], &k);
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
			if (!cand_is(&c[j], s))
				continue;
			free(s->path);
			s->path = rotdir_path(&f->rd, c[j].ent);
			break;
		}
	}
}

/* sort_old: the earlier generations from FIRST on, oldest first. */
static void
sort_old(struct follow *f, size_t first)
{
	size_t i, j;

	for (i = first + 1; i < f->nold; i++) {
		struct follow_src *s = f->old[i];
		struct rotdir_file a, b;

		as_file(f, s, &a);
		for (j = i; j > first; j--) {
			as_file(f, f->old[j - 1], &b);
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

	if (!f->cur_unread || s == NULL || s->pid != 0 || s->gone || s->headlen == 0)
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
 * their count, or -1 when one of them could not be opened (it moved).
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
    size_t *order)
{
	unsigned char (*heads)[FP] = xreallocarray(NULL, nc + 1, sizeof *heads);
	size_t *hls = xreallocarray(NULL, nc + 1, sizeof *hls);
	const struct rotdir_file *cc = newest_copy_of_cur(f, c, nc);
	const struct follow_src *born_after = NULL;
	struct stat sb;
	size_t k = 0, i, j;
	int pass, gone = 0;

	rename_known(f, c, nc);
	if (before == NULL && cc == NULL && before_src != NULL && before_src->pid == 0 &&
	    fstat(before_src->fd, &sb) == 0 && sb.st_nlink == 0)
		born_after = before_src;

	for (pass = 0; pass < 2 && !gone; pass++) {
		for (i = 0; i < nc && !gone; i++) {
			int dup = 0;

			if ((c[i].rn.unpack != NULL) != pass || c[i].used ||
			    &c[i] == before || known(f, &c[i].fi) ||
			    (cc != NULL && rotdir_older(cc, &c[i])) ||
			    (namefi != NULL && c[i].fi.dev == namefi->dev &&
			    c[i].fi.ino == namefi->ino) ||
			    (!c[i].changed && !rotdir_born_since(&c[i], f->horizon)) ||
			    (before != NULL && !rotdir_older(&c[i], before)) ||
			    (born_after != NULL && (born_after->btime == 0 ||
			    c[i].fi.btime == 0 || c[i].fi.btime >= born_after->btime)))
				continue;
			if (pass == 1 && (rotdir_being_compressed(c, nc, &c[i]) ||
			    older_than_known(f, &c[i])))
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
				gone = 1;
				break;
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
	return gone ? -1 : (long)k;
}

/*
 * carry_marks: what was found of the files of listing C -- which were
 * changed (a known inode with new content), and with USED which were used
 * -- marked in listing AGAIN of the same directory made later.
 */
static void
carry_marks(const struct rotdir_file *c, size_t nc, struct rotdir_file *again,
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
static void
find_unseen(struct follow *f, struct rotdir_file **cp, size_t *ncp,
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
			if (cand_is(&c[i], before))
				bc = &c[i];
		if (bc != NULL)
			bc->changed = 1;	/* its birth is not its content's */
		k = choose_unseen(f, c, nc, namefi, e, n, bc, before, order);
		gone = k < 0;
		for (j = 0; (long)j < k; j++) {
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
				add_old(f, srcs[j]);
			}
			f->hold_horizon |= gone;
			free(order);
			free(srcs);
			return;
		}
		while (j > 0)
			src_free(f, srcs[--j]);	/* NULL for the one gone */
		free(order);
		free(srcs);
		/* List again; what was found of the files stays known. */
		m = rotdir_list(&f->rd, &again);
		carry_marks(c, nc, again, m, 1);
		rotdir_free(c, nc);
		*cp = again;
		*ncp = m;
	}
}

static int read_src(struct follow *f, struct follow_src *s, uint64_t *budget,
    int64_t now);

/* Read a source to its end now, so its lines come before the next file's. */
static void
drain(struct follow *f, struct follow_src *s, int64_t now)
{
	uint64_t unlimited = UINT64_MAX;

	read_src(f, s, &unlimited, now);
}

/* Drain the earlier generations, oldest first. */
static void
drain_old(struct follow *f, int64_t now)
{
	size_t i;

	for (i = 0; i < f->nold; i++)
		drain(f, f->old[i], now);
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
	find_unseen(f, &c, &nc, NULL, NULL, 0, f->cur);
	f->horizon = horizon;
	f->cur_unread = 0;
	rotdir_free(c, nc);
	drain_old(f, now);
}

/*
 * The current file shrank or its bytes before the read offset changed:
 * truncation, copytruncate, or a rewrite.  The copy logrotate made before
 * truncating (plain or compressed) holds the rest of this generation:
 * read it first, then the generations born since the last look (more
 * copytruncates), then the file from its start.  What the file held past
 * the copy, or past our offset when there is no copy, is reported lost.
 */
static void
truncated(struct follow *f, struct follow_src *s, int64_t now)
{
	uint64_t seen = s->size > s->off ? s->size : s->line_off;
	struct follow_src *copy = NULL;
	struct fileid_content id;
	struct rotdir_file *c = NULL;
	size_t nc = 0, first;

	ident_of_src(&id, s);
	first = f->nold;
	if (s == f->cur) {
		nc = rotdir_list(&f->rd, &c);
		copy = find_copy(f, c, nc, &id, s->gone ? NULL : s->head, s->dev,
		    s->ino, NULL);
		keep_read_copies(f, c, nc, &id, s->gone ? NULL : s->head,
		    s->dev, s->ino);
	}
	if (copy != NULL) {
		warn("%s: truncated; reading the rest of %s first", f->name, copy->path);
		copy->lines = s->lines;
		copy->lbytes = s->lbytes;
		copy->idle_until = now + f->o.rotate_wait_ms;
		add_old(f, copy);
		/* Seen in the file, neither read nor in the copy: written
		 * between the copy and the truncation. */
		if (copy->pid == 0 && seen > copy->size && seen > s->off)
			report_loss(f, f->name, "copytruncate raced a write",
			    seen - (copy->size > s->off ? copy->size : s->off),
			    copy->size > s->off ? copy->size : s->off, s->lines, s->lbytes);
	} else {
		if (seen > s->line_off)
			report_loss(f, s == f->cur ? f->name : s->path, "truncated",
			    seen - s->line_off, s->line_off, s->lines, s->lbytes);
		warn("%s: truncated; reading from the start", f->name);
	}
	if (s == f->cur) {
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
		find_unseen(f, &c, &nc, NULL, NULL, 0, s);
		f->horizon = horizon;
		rotdir_free(c, nc);
		/* The copy among them by age: what we knew of the file may
		 * have been newer than some of them (taken in a race). */
		sort_old(f, first);
		drain_old(f, now);
	}
	s->off = s->line_off = s->size = 0;
	s->len = 0;
	s->fplen = 0;
	s->headlen = 0;
	s->lines = s->lbytes = 0;
	s->since = s->checked_at;	/* the truncation came after it */
	s->fresh = 1;		/* nothing of the new content known yet */
	s->fresh_at = fileid_fs_now();
	s->gone = 0;
	s->skip_nul = 1;
	s->skipping = 0;
	s->at_eof = 0;
	f->changed = 1;
}

/* Whether S's file was truncated or rewritten since we read up to s->off. */
static int
was_truncated(struct follow_src *s)
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
	 * truncated and grown past its offset meanwhile (copytruncate). */
	if (fi.size != s->off && s->headlen > 0 &&
	    !fileid_bytes_match(s->fd, s->headlen, s->head, s->headlen))
		return 1;	/* another generation, even where nothing was read */
	if (fi.size != s->off && !s->skipping) {
		/* New bytes: are the bytes before them still ours? */
		n = s->fplen + s->len;
		if (n > FP)
			n = FP;
		fromfp = n > s->len ? n - s->len : 0;
		memcpy(want, s->fp + s->fplen - fromfp, fromfp);
		memcpy(want + fromfp, s->buf + s->len - (n - fromfp), n - fromfp);
		if (!fileid_bytes_match(s->fd, s->off, want, n))
			return 1;
	}
	s->size = fi.size;	/* bytes of this generation */
	s->checked_at = t;
	return 0;
}

static void
cut_warning(struct follow *f)
{
	if (!f->cut_warned) {
		warn("%s: line longer than %llu bytes cut", f->name,
		    (unsigned long long)f->o.max_line);
		f->cut_warned = 1;
	}
}

/* A line longer than max_line with no newline yet: print its head now, and
 * skip the rest up to its newline, so memory stays within max_line. */
static void
cut_line(struct follow *f, struct follow_src *s)
{
	emit(f, s, s->buf, (size_t)f->o.max_line);
	out_byte(f->o.out, '\n');
	cut_warning(f);
	s->len = 0;
	s->skipping = 1;
}

/* While skipping a cut line: drop bytes up to its newline, which becomes
 * the new line start (its fingerprint taken from the bytes at hand, or read
 * back from the file). */
static void
skip_cut(struct follow_src *s)
{
	char *nl = memchr(s->buf, '\n', s->len);
	size_t k;

	if (nl == NULL) {
		s->len = 0;
		return;
	}
	k = (size_t)(nl - s->buf) + 1;
	s->line_off = s->off - (s->len - k);
	if (k >= FP || s->pid != 0) {
		s->fplen = k < FP ? k : FP;
		memcpy(s->fp, s->buf + k - s->fplen, s->fplen);
	} else {
		s->fplen = s->line_off < FP ? (size_t)s->line_off : FP;
		if (fileid_pread(s->fd, s->fp, s->fplen, s->line_off - s->fplen) !=
		    (ssize_t)s->fplen)
			s->fplen = 0;
	}
	memmove(s->buf, s->buf + k, s->len - k);
	s->len -= k;
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

/*
 * finish_older_lines: before lines of S are written, the earlier
 * generations that ended inside a line are read again.  A writer that
 * finished that line before it wrote to S's file (a rotation between
 * the two writes of a line) has put its end on disk before the bytes just
 * read from S, so it is there now: its line comes first, in the order
 * written.  (A write later still is a late write, read when it comes.)
 */
static void
finish_older_lines(struct follow *f, struct follow_src *s, int64_t now)
{
	size_t i;

	for (i = 0; i < f->nold && f->old[i] != s; i++) {
		struct follow_src *o = f->old[i];

		if (o->len > 0 && !o->skipping && o->at_eof)
			drain(f, o, now);
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
	if (was_truncated(s))
		truncated(f, s, now);
	for (;;) {
		char *p, *last;
		size_t scan;

		if (*budget == 0)
			return 1;
		if (s->len == s->cap) {
			s->cap *= 2;
			if (f->o.max_line && s->cap > f->o.max_line + 1 &&
			    f->o.max_line + 1 > s->len)
				s->cap = (size_t)f->o.max_line + 1;
			s->buf = xrealloc(s->buf, s->cap);
		}
		if (s->pid != 0)
			r = read(s->fd, s->buf + s->len, s->cap - s->len);
		else
			r = pread(s->fd, s->buf + s->len, s->cap - s->len, (off_t)s->off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (f->open_errno != errno) {
				f->open_errno = errno;
				warn("%s: read error:", s->path);
			}
			return 0;
		}
		if (r == 0) {
			s->at_eof = 1;
			if (s->size < s->off)
				s->size = s->off;
			if (s->pid > 0)
				stream_done(f, s);	/* nothing more will come */
			return 0;
		}
		if (s->pid == 0 && was_truncated(s)) {
			/* Truncated between the check and the read (a
			 * copytruncate, the log written again): these bytes may
			 * be the next generation's, from the middle of a line.
			 * Dropped: the rest of ours is in the copy. */
			truncated(f, s, now);
			continue;
		}
		s->at_eof = 0;
		s->idle_until = now + f->o.rotate_wait_ms;
		p = s->buf + s->len;
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
		s->off += (uint64_t)r;
		*budget -= (uint64_t)r < *budget ? (uint64_t)r : *budget;
		if (s->skip_nul) {
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
		}
		/* A held line has no newline: only the new bytes need a look. */
		scan = s->len;
		s->len += (size_t)r;
		if (s->skipping) {
			skip_cut(s);
			scan = 0;
		}
		if (s->skipping || s->len == scan)
			continue;
		last = memrchr(s->buf + scan, '\n', s->len - scan);
		/* Before the first line of a file read from its start is
		 * written: the copies of what came before it.  Not before
		 * a whole line is at hand: a head of a few bytes (a line
		 * caught halfway written) starts every generation alike,
		 * and would take an earlier one's copy for a copy of this. */
		if (s == f->cur && s->fresh && s->pid == 0 &&
		    (last != NULL || (f->o.max_line && s->len >= f->o.max_line)))
			first_bytes(f, now);
		if (last != NULL)
			finish_older_lines(f, s, now);
		if (last != NULL) {
			size_t k = (size_t)(last - s->buf) + 1;

			emit(f, s, s->buf, k);
			fp_push(s, s->buf, k);
			s->line_off += k;
			s->len -= k;
			memmove(s->buf, s->buf + k, s->len);
			f->changed = 1;
			if (s->cap > 4 * BUF_INIT && s->len < BUF_INIT / 2) {
				s->cap = BUF_INIT;
				s->buf = xrealloc(s->buf, s->cap);
			}
		} else if (f->o.max_line && s->len >= f->o.max_line) {
			cut_line(f, s);
		}
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

/* open_name: open NAME for reading; what it is in *FI.  -1 with errno. */
static int
open_name(struct follow *f, struct fileid_stat *fi)
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

/* start_offset: the start of the last N complete lines of FD (SIZE bytes);
 * an unterminated last line is not counted (it is held, not printed). */
static uint64_t
start_offset(int fd, uint64_t size, uint64_t n)
{
	char buf[64 * 1024];
	uint64_t pos = size, seen = 0;

	while (pos > 0) {
		size_t len = pos < sizeof buf ? (size_t)pos : sizeof buf;
		ssize_t r = fileid_pread(fd, buf, len, pos - len);
		size_t i;

		if (r != (ssize_t)len)
			return 0;
		for (i = len; i > 0; i--) {
			if (buf[i - 1] == '\n' && ++seen == n + 1)
				return pos - len + i;
		}
		pos -= len;
	}
	return 0;
}

int
follow_start(struct follow *f, enum follow_start how, uint64_t n)
{
	struct fileid_stat fi;
	uint64_t off = 0;
	int fd;

	f->horizon = fileid_fs_now();
	f->changed = 1;
	if ((fd = open_name(f, &fi)) < 0) {
		f->missing = 1;
		return -1;
	}
	if (how == FOLLOW_END)
		off = start_offset(fd, fi.size, 0);
	else if (how == FOLLOW_LAST)
		off = start_offset(fd, fi.size, n);
	f->cur = src_new(f, fd, &fi, f->name, off);
	f->missing = 0;
	return 0;
}

/*
 * end_look: a look that began at T0 is over; when it was COMPLETE (NAME
 * found), files born before T0 are accounted for -- except a young empty
 * file a scan of this look (or the last one, when it made none) saw: it
 * may be a copy being made, or become a generation, and is looked at again
 * (the horizon stays before its birth); and except when a file a scan
 * chose moved away before it was opened.
 */
static void
end_look(struct follow *f, int64_t t0, int complete)
{
	if (f->scanned)
		f->pin = f->pin_next;
	if (f->pin != 0 && f->pin < t0)
		t0 = f->pin;
	if (complete && t0 > f->horizon && !f->hold_horizon)
		f->horizon = t0;
	f->hold_horizon = 0;
	f->scanned = 0;
	f->pin_next = 0;
}

/* A source of an entry's file found open as FD (FI, named PATH). */
static struct follow_src *
entry_src(struct follow *f, int fd, const struct fileid_stat *fi, const char *path,
    const struct tailstate_entry *e)
{
	struct follow_src *s = src_new(f, fd, fi, path, e->off);

	s->lines = e->lines;
	s->lbytes = e->lbytes;
	/* Truncated (or rewritten) since it was found holding them: what
	 * it was is known by the entry's fingerprints only, by which its
	 * copy is looked for (see was_truncated). */
	if (s->fplen < e->fplen || s->headlen < e->headlen ||
	    tailstate_fingerprint(s->fp + s->fplen - e->fplen, e->fplen) != e->fp ||
	    tailstate_fingerprint(s->head, e->headlen) != e->head) {
		s->gone = 1;
		ident_of_entry(&s->known, e);
	}
	return s;
}

/* find_by_inode: entry E's file among the candidates, by its inode and
 * birth time, still holding what E knows of it. */
static struct follow_src *
find_by_inode(struct follow *f, struct rotdir_file *c, size_t nc,
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
			s = stream_open(f, &c[i], id, &missing);
		} else if ((fd = rotdir_open(&f->rd, &c[i])) >= 0) {
			if (fileid_verify(fd, c[i].fi.size, id))
				s = entry_src(f, fd, &c[i].fi, c[i].path, e);
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

/* An entry's file was not found: what it held past its offset is lost. */
static void
entry_lost(struct follow *f, const struct tailstate_entry *e,
    const struct rotdir_file *c, size_t nc, struct rotdir_file *unreadable, int truncated)
{
	char what[PATH_MAX + 64];
	uint64_t size = e->size;
	size_t i;
	int changed = 0;

	if (unreadable != NULL) {
		/* Probably this file, compressed: what it holds is lost, as
		 * far as the compressed file tells its size. */
		uint64_t isize = rotdir_gzip_size(&f->rd, unreadable);

		if (isize > size)
			size = isize;
		snprintf(what, sizeof what, "compressed while stopped (%s?) and %s "
		    "is not installed", unreadable->path, unreadable->rn.unpack);
		report_loss(f, e->path, what, size > e->off ? size - e->off : 0,
		    e->off, e->lines, e->lbytes);
		return;
	}
	if (size <= e->off)
		return;		/* read to its end: nothing lost */
	changed = truncated;
	for (i = 0; i < nc; i++)
		changed |= c[i].changed && c[i].fi.dev == e->dev && c[i].fi.ino == e->ino;
	snprintf(what, sizeof what, "%s while stopped", changed ? "truncated" : "deleted");
	report_loss(f, e->path, what, size - e->off, e->off, e->lines, e->lbytes);
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
	struct fileid_stat nfi;
	struct rotdir_file *c;
	struct follow_src *name_src = NULL;
	size_t nc, i, located, name_entry = SIZE_MAX;
	int fd, saved, changed = 0, copied = 0, tries;

	fd = open_name(f, &nfi);
	saved = errno;
	/* Whether NAME's file still holds what its entry knows (its bytes
	 * read now, kept for the checks to come), before the directory is
	 * listed: truncated by a copytruncate, its copy is then complete and
	 * in the list (listed first, the copy could be missed). */
	for (i = 0; fd >= 0 && i < n; i++) {
		if (e[i].dev != nfi.dev || e[i].ino != nfi.ino ||
		    !fileid_same_birth(e[i].btime, nfi.btime))
			continue;
		name_entry = i;
		name_src = entry_src(f, fd, &nfi, f->name, &e[i]);
		if (name_src->gone || name_src->size < e[i].off) {
			src_drop(f, name_src, 1);
			name_src = NULL;
		}
		break;
	}
	nc = rotdir_list(&f->rd, &c);
	if (name_src != NULL) {
		struct fileid_content id;
		struct fileid_stat now;

		/* Still holding them after the list was made: no copy made
		 * since of what it held next is in the list, taken for an
		 * older generation.  Else (copytruncated meanwhile) list again
		 * for its copy, complete now. */
		ident_of_src(&id, name_src);
		if (fileid_stat_fd(fd, &now) < 0 || !fileid_verify(fd, now.size, &id)) {
			src_drop(f, name_src, 1);
			name_src = NULL;
			rotdir_free(c, nc);
			nc = rotdir_list(&f->rd, &c);
		}
	}
	f->horizon = horizon;
	for (i = 0; i < n; i++) {
		struct rotdir_file *unreadable = NULL;
		struct follow_src *s;
		struct fileid_content id;

		ident_of_entry(&id, &e[i]);
		f->past_lines += e[i].lines;
		f->past_bytes += e[i].lbytes;
		if (i == name_entry) {
			if (name_src != NULL) {
				f->cur = name_src;
				continue;
			}
			/* Truncated, copied away or rewritten while we were stopped. */
			changed = 1;
			s = find_copy(f, c, nc, &id, NULL, nfi.dev, nfi.ino, &unreadable);
			keep_read_copies(f, c, nc, &id, NULL, nfi.dev, nfi.ino);
			if (s == NULL) {
				entry_lost(f, &e[i], c, nc, unreadable, 1);
				continue;
			}
			copied = 1;
			warn("%s: truncated while stopped; reading the rest of %s first",
			    f->name, s->path);
			if (s->pid == 0 && e[i].size > s->size)
				report_loss(f, f->name, "copytruncate raced a write",
				    e[i].size - s->size, s->size, e[i].lines, e[i].lbytes);
		} else {
			s = find_by_inode(f, c, nc, &e[i], &id);
			if (s == NULL)
				s = find_copy(f, c, nc, &id, NULL,
				    fd >= 0 ? nfi.dev : 0, fd >= 0 ? nfi.ino : 0,
				    &unreadable);
			if (s == NULL) {
				entry_lost(f, &e[i], c, nc, unreadable, 0);
				continue;
			}
			if (s->pid != 0 || s->size > e[i].off)
				warn("%s: rotated while stopped; reading the rest of %s first",
				    f->name, s->path);
		}
		s->lines = e[i].lines;
		s->lbytes = e[i].lbytes;
		s->idle_until = s->mtime / 1000000 + f->o.rotate_wait_ms;
		add_old(f, s);
	}
	located = f->nold;
	f->cur_unread = 1;
	find_unseen(f, &c, &nc, fd >= 0 ? &nfi : NULL, e, n, NULL);
	f->cur_unread = 0;
	for (tries = 0; tries < 4; tries++) {
		struct fileid_stat again;

		if (fileid_stat_at(AT_FDCWD, f->name, 0, &again) == 0 ? fd >= 0 &&
		    again.dev == nfi.dev && again.ino == nfi.ino : fd < 0)
			break;
		/* NAME moved on while we looked: what it was is a rotated
		 * generation now, older than those born since the horizon. */
		if (f->cur != NULL) {
			add_old(f, f->cur);
			memmove(&f->old[located + 1], &f->old[located],
			    (f->nold - 1 - located) * sizeof *f->old);
			f->old[located++] = f->cur;
			f->cur = NULL;
		} else if (fd >= 0) {
			close(fd);
		}
		fd = open_name(f, &nfi);
		saved = errno;
		drop_old(f, located);
		/* Listed again, an entry's inode found with new content stays
		 * a generation of its own (born before the horizon). */
		{
			struct rotdir_file *again;
			size_t m = rotdir_list(&f->rd, &again);

			carry_marks(c, nc, again, m, 0);
			rotdir_free(c, nc);
			c = again;
			nc = m;
		}
		find_unseen(f, &c, &nc, fd >= 0 ? &nfi : NULL, e, n, NULL);
	}
	rotdir_free(c, nc);
	f->changed = 1;
	if (fd < 0) {
		f->missing = 1;
		errno = saved;
		return -1;
	}
	if (f->cur == NULL) {
		if (changed && !copied)
			warn("%s: changed while stopped (truncated or rewritten); "
			    "reading from the start", f->name);
		else if (n > 0 && !changed)
			warn("%s: following new file", f->name);
		f->cur = src_new(f, fd, &nfi, f->name, 0);
	}
	end_look(f, t0, 1);
	return 0;
}

/*
 * look: what NAME refers to now.  The same file: nothing to do.  Another
 * one (rotation, deletion and re-creation, a retargeted symlink, a file
 * that appears): the old file is read to its end, then the generations
 * born since the last look (a chain of rotations between two looks), then
 * the new file from its start.  Returns 1 when NAME was found (the look is
 * complete), 0 when it is missing.
 */
static int
look(struct follow *f, int64_t now)
{
	struct fileid_stat fi;
	struct rotdir_file *c;
	size_t nc, first;
	int fd, tries;

	if (fileid_stat_at(AT_FDCWD, f->name, 0, &fi) < 0) {
		f->missing = 1;
		f->symlink = 0;
		return 0;
	}
	if (f->cur != NULL && fi.dev == f->cur->dev && fi.ino == f->cur->ino) {
		f->missing = 0;
		return 1;
	}
	if ((fd = open_name(f, &fi)) < 0) {
		if (errno != ENOENT && errno != f->open_errno) {
			f->open_errno = errno;
			warn("%s:", f->name);
		}
		f->missing = errno == ENOENT;
		return 0;
	}
	f->open_errno = 0;
	f->missing = 0;
	if (f->cur != NULL && fi.dev == f->cur->dev && fi.ino == f->cur->ino) {
		close(fd);
		return 1;
	}
	if (f->cur != NULL) {
		struct stat osb;
		int linked;

		drain_old(f, now);
		drain(f, f->cur, now);
		linked = fstat(f->cur->fd, &osb) == 0 && osb.st_nlink > 0;
		warn("%s: %s; following new file", f->name,
		    linked ? "rotated" : "replaced");
		f->cur->idle_until = now + f->o.rotate_wait_ms;
		add_old(f, f->cur);
		f->cur = NULL;
	} else {
		warn("%s: appeared; following new file", f->name);
	}
	first = f->nold;
	for (tries = 0;; tries++) {
		struct fileid_stat again;

		nc = rotdir_list(&f->rd, &c);
		find_unseen(f, &c, &nc, &fi, NULL, 0, NULL);
		rotdir_free(c, nc);
		if (tries == 4 || (fileid_stat_at(AT_FDCWD, f->name, 0, &again) == 0 &&
		    again.dev == fi.dev && again.ino == fi.ino))
			break;
		/* NAME moved on while we looked: the file opened is a rotated
		 * generation now, for the next listing to find in its place
		 * among the others. */
		drop_old(f, first);
		close(fd);
		if ((fd = open_name(f, &fi)) < 0) {
			drain_old(f, now);
			f->missing = 1;
			return 0;
		}
	}
	drain_old(f, now);
	f->cur = src_new(f, fd, &fi, f->name, 0);
	f->changed = 1;
	return 1;
}

int
follow_look(struct follow *f, uint64_t budget, int64_t now)
{
	int64_t t0 = fileid_fs_now();
	int found = look(f, now), more;

	more = follow_read(f, budget, now);
	end_look(f, t0, found);
	return more;
}

/*
 * A rotated source is closed once idle past its time, read to its end,
 * and looked at (the horizon, to the second, past its last write): only
 * then can a compressed copy of it made later (with its modification time,
 * bzip2 keeps only the seconds) never be taken for a new generation.  A
 * decompressed stream read to its end waits the same way.
 */
int64_t
follow_expire(struct follow *f, int64_t now)
{
	int64_t next = -1;
	size_t i = 0;

	while (i < f->nold) {
		struct follow_src *s = f->old[i];

		if (now >= s->idle_until) {
			drain(f, s, now);
			if (s->at_eof && now >= s->idle_until &&
			    s->mtime < f->horizon - ((f->horizon % NS) + NS) % NS) {
				/* Nobody will finish this line now: print it whole. */
				if (s->len > 0 && !s->skipping) {
					emit(f, s, s->buf, s->len);
					out_byte(f->o.out, '\n');
				}
				/* Out of the list first: the hook looks at the list. */
				memmove(&f->old[i], &f->old[i + 1],
				    (f->nold - i - 1) * sizeof *f->old);
				f->nold--;
				src_free(f, s);
				f->changed = 1;
				continue;
			}
			if (now >= s->idle_until)	/* waits for a look */
				s->idle_until = now + 50;
		}
		if (next < 0 || s->idle_until < next)
			next = s->idle_until;
		i++;
	}
	return next;
}

static void
export_src(struct follow *f, struct follow_src *s, struct tailstate *st,
    int pending)
{
	struct tailstate_entry e;

	memset(&e, 0, sizeof e);
	e.kind = TAILSTATE_FILE;
	e.name = f->name;
	e.path = s->path;
	e.pending = pending;
	e.dev = s->dev;
	e.ino = s->ino;
	e.btime = s->btime;
	e.off = s->line_off;
	if (s->gone) {
		e.fplen = s->known.fplen;
		e.fp = s->known.fp;
		e.headlen = s->known.headlen;
		e.head = s->known.head;
	} else {
		e.fplen = (uint32_t)s->fplen;
		e.fp = tailstate_fingerprint(s->fp, s->fplen);
		e.headlen = (uint32_t)s->headlen;
		e.head = tailstate_fingerprint(s->head, s->headlen);
	}
	/* Bytes seen and not read; an unterminated last line is not a line. */
	e.size = s->size > s->off ? s->size : s->line_off;
	e.mtime = s->mtime;
	e.lines = s->lines;
	e.lbytes = s->lbytes;
	tailstate_add(st, &e);
}

void
follow_export(struct follow *f, struct tailstate *st, int pending)
{
	struct tailstate_entry e;
	size_t i;

	memset(&e, 0, sizeof e);
	e.kind = TAILSTATE_NAME;
	e.name = f->name;
	e.pending = pending;
	e.horizon = f->horizon;
	tailstate_add(st, &e);
	for (i = 0; i < f->nold; i++)
		export_src(f, f->old[i], st, pending);
	if (f->cur != NULL)
		export_src(f, f->cur, st, pending);
	f->changed = 0;
}
