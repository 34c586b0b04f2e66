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

/*
 * The clock file systems stamp files with (a tick behind the real time):
 * a file born after a look has a birth time at or after the look's time.
 */
static int64_t
fs_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
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

/* What statx(2) says about a file. */
struct finfo {
	uint64_t dev, ino, size;
	int64_t btime;		/* 0 when the file system keeps none */
	int64_t mtime;
	int regular, dir;
};

static int
finfo_at(int dirfd, const char *name, int flags, struct finfo *fi)
{
	struct statx sx;

	if (statx(dirfd, name, flags, STATX_BASIC_STATS | STATX_BTIME, &sx) < 0)
		return -1;
	fi->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	fi->ino = sx.stx_ino;
	fi->size = sx.stx_size;
	fi->mtime = (int64_t)sx.stx_mtime.tv_sec * NS + sx.stx_mtime.tv_nsec;
	fi->btime = (sx.stx_mask & STATX_BTIME) ?
	    (int64_t)sx.stx_btime.tv_sec * NS + sx.stx_btime.tv_nsec : 0;
	fi->regular = S_ISREG(sx.stx_mode);
	fi->dir = S_ISDIR(sx.stx_mode);
	return 0;
}

static int
finfo_fd(int fd, struct finfo *fi)
{
	return finfo_at(fd, "", AT_EMPTY_PATH, fi);
}

/* Whether the birth times (when both are known) allow it to be one file. */
static int
same_birth(int64_t a, int64_t b)
{
	return a == 0 || b == 0 || a == b;
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
}

/* pread_full: N bytes at OFF, retrying short reads; the count read or -1. */
static ssize_t
pread_full(int fd, void *p, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, (char *)p + got, n - got, (off_t)(off + got));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* read_full: up to N bytes of the stream FD; the count read (short at its end) or -1. */
static ssize_t
read_full(int fd, void *p, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, (char *)p + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The path of directory entry ENT as NAME's directory part writes it. */
static char *
entry_path(const struct follow *f, const char *ent)
{
	size_t dl = strlen(f->name) - strlen(f->base), el = strlen(ent);
	char *p = xmalloc(dl + el + 1);

	memcpy(p, f->name, dl);
	memcpy(p + dl, ent, el + 1);
	return p;
}

/* The file's first bytes, as far as it has them (plain files). */
static void
head_fill(struct follow_src *s)
{
	ssize_t r;

	if (s->pid != 0 || s->headlen == FP)
		return;
	r = pread_full(s->fd, s->head, FP, 0);
	if (r > (ssize_t)s->headlen)
		s->headlen = (size_t)r;
}

/* Make a source of FD (a plain file, FI) at line start OFF. */
static struct follow_src *
src_new(struct follow *f, int fd, const struct finfo *fi, const char *path,
    uint64_t off)
{
	struct follow_src *s = xmalloc(sizeof *s);
	ssize_t r;

	memset(s, 0, sizeof *s);
	s->fd = fd;
	s->path = xstrdup(path);
	s->dev = fi->dev;
	s->ino = fi->ino;
	s->btime = fi->btime;
	s->mtime = fi->mtime;
	s->size = fi->size;
	s->off = s->line_off = off;
	s->cap = BUF_INIT;
	s->buf = xmalloc(s->cap);
	s->wd = -1;
	s->fresh = off == 0 && fi->size == 0;
	s->fplen = off < FP ? (size_t)off : FP;
	r = pread_full(fd, s->fp, s->fplen, off - s->fplen);
	if (r != (ssize_t)s->fplen)	/* shrank meanwhile: found as truncated */
		s->fplen = r > 0 ? (size_t)r : 0;
	head_fill(s);
	if (f->o.hooks != NULL && f->o.hooks->opened != NULL)
		f->o.hooks->opened(f->o.hooks->ctx, f, s);
	return s;
}

/* End a decompressor: it may still be writing (we stop early), so it is
 * told to stop first.  Returns its wait status. */
static int
stream_end(pid_t pid, int fd, int early)
{
	if (fd >= 0)
		close(fd);
	if (early)
		kill(pid, SIGTERM);
	return proc_wait(pid);
}

static void
src_free(struct follow *f, struct follow_src *s)
{
	if (s == NULL)
		return;
	if (f->o.hooks != NULL && f->o.hooks->closing != NULL)
		f->o.hooks->closing(f->o.hooks->ctx, f, s);
	if (s->pid > 0)
		stream_end(s->pid, s->fd, 1);
	else
		close(s->fd);
	free(s->path);
	free(s->buf);
	free(s);
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

	if (lines == 0 || lbytes == 0) {
		lines = f->n.lines;
		lbytes = f->n.bytes;
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

/* Whether the LEN bytes before OFF in FD are FP (all of them readable). */
static int
bytes_match(int fd, uint64_t off, const void *fp, size_t len)
{
	unsigned char tmp[FP];

	if (len == 0)
		return 1;
	return pread_full(fd, tmp, len, off - len) == (ssize_t)len &&
	    memcmp(tmp, fp, len) == 0;
}

/*
 * What is known of a generation's content: the hash of its first HEADLEN
 * bytes, and of the FPLEN bytes before OFF, where reading continues.  With
 * neither (an empty file at offset 0) it matches no other file.
 */
struct ident {
	uint64_t off;
	uint32_t fplen, headlen;
	uint64_t fp, head;
	int64_t mtime;
};

static void
ident_of_entry(struct ident *id, const struct tailstate_entry *e)
{
	id->off = e->off;
	id->fplen = e->fplen;
	id->fp = e->fp;
	id->headlen = e->headlen;
	id->head = e->head;
	id->mtime = e->mtime;
}

static void
ident_of_src(struct ident *id, const struct follow_src *s)
{
	id->off = s->line_off;
	id->fplen = (uint32_t)s->fplen;
	id->fp = tailstate_fingerprint(s->fp, s->fplen);
	id->headlen = (uint32_t)s->headlen;
	id->head = tailstate_fingerprint(s->head, s->headlen);
	id->mtime = s->mtime;
}

/* hash_at: *H = hash of N bytes at OFF in FD; -1 if they are not all there. */
static int
hash_at(int fd, uint64_t off, size_t n, uint64_t *h)
{
	unsigned char tmp[FP];

	if (n > FP || pread_full(fd, tmp, n, off) != (ssize_t)n)
		return -1;
	*h = tailstate_fingerprint(tmp, n);
	return 0;
}

/* plain_verify: FD (SIZE bytes), found by its inode, still holds what ID
 * knows: its head, and the bytes before id->off. */
static int
plain_verify(int fd, uint64_t size, const struct ident *id)
{
	uint64_t h;

	if (size < id->off)
		return 0;
	if (id->headlen > 0 && (size < id->headlen ||
	    hash_at(fd, 0, id->headlen, &h) < 0 || h != id->head))
		return 0;
	if (id->fplen > 0 && (hash_at(fd, id->off - id->fplen, id->fplen, &h) < 0 ||
	    h != id->fp))
		return 0;
	return 1;
}

enum { NOT_COPY, COPY_READ, COPY_CONTINUES };

/*
 * plain_copy_of: whether FD (SIZE bytes, another inode) is a copy of ID's
 * file: COPY_CONTINUES when it holds the bytes before id->off and more,
 * COPY_READ when it has the same head and no byte past id->off (already
 * read), else NOT_COPY.  An empty fingerprint is never a match.
 */
static int
plain_copy_of(int fd, uint64_t size, const struct ident *id)
{
	uint64_t h;

	if (id->headlen == 0 && id->fplen == 0)
		return NOT_COPY;
	if (id->headlen > 0 && (size < id->headlen ||
	    hash_at(fd, 0, id->headlen, &h) < 0 || h != id->head))
		return NOT_COPY;
	if (size <= id->off)
		return id->headlen > 0 ? COPY_READ : NOT_COPY;
	if (id->fplen > 0 && (hash_at(fd, id->off - id->fplen, id->fplen, &h) < 0 ||
	    h != id->fp))
		return NOT_COPY;
	return COPY_CONTINUES;
}

/* A file of the rotation set found in NAME's directory. */
struct cand {
	char *ent;		/* its directory entry */
	char *path;		/* as NAME's directory part writes it */
	struct finfo fi;
	struct rot_name rn;
	int used;		/* found as a known file, or read */
};

/* list_rotated: the regular files of F's rotation set; their count. */
static size_t
list_rotated(struct follow *f, struct cand **out)
{
	struct cand *c = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	*out = NULL;
	if ((d = opendir(f->dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct rot_name rn;
		struct finfo fi;

		if (!rotset_match(f->base, de->d_name, f->o.rotated, f->o.nrotated, &rn))
			continue;
		if (finfo_at(dirfd(d), de->d_name, 0, &fi) < 0 || !fi.regular)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			c = xreallocarray(c, cap, sizeof *c);
		}
		c[n].ent = xstrdup(de->d_name);
		c[n].path = entry_path(f, de->d_name);
		c[n].fi = fi;
		c[n].rn = rn;
		c[n].used = 0;
		n++;
	}
	closedir(d);
	*out = c;
	return n;
}

static void
cands_free(struct cand *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].ent);
		free(c[i].path);
	}
	free(c);
}

static int
open_cand(const struct follow *f, const struct cand *c)
{
	return open(c->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
}

/*
 * Compressed files are read through their decompressor (gzip -dc and the
 * like), a child process whose output is the source's descriptor.
 */
static int
stream_start(const char *prog, int fd, pid_t *pid, int *out)
{
	char path[PATH_MAX];
	char *argv[3];
	struct proc p;

	if (proc_find(prog, path, sizeof path) == NULL)
		return -1;
	argv[0] = path;
	argv[1] = "-dc";
	argv[2] = NULL;
	proc_spawn(&p, argv, NULL, fd, PROC_PIPE, PROC_INHERIT);
	*pid = p.pid;
	*out = p.out;
	return 0;
}

/*
 * stream_skip: read N bytes of the stream FD, keeping its first bytes in
 * HEAD (up to FP, *HEADLEN) and the last ones before N in TAIL (*TAILLEN).
 * Returns the bytes read (fewer at the stream's end), or -1.
 */
static int64_t
stream_skip(int fd, uint64_t n, unsigned char *head, size_t *headlen,
    unsigned char *tail, size_t *taillen)
{
	static char buf[64 * 1024];
	uint64_t got = 0;

	*headlen = *taillen = 0;
	while (got < n) {
		size_t want = n - got < sizeof buf ? (size_t)(n - got) : sizeof buf;
		ssize_t r = read_full(fd, buf, want);
		size_t k;

		if (r < 0)
			return -1;
		if (*headlen < FP) {
			k = FP - *headlen < (size_t)r ? FP - *headlen : (size_t)r;
			memcpy(head + *headlen, buf, k);
			*headlen += k;
		}
		if ((size_t)r >= FP) {
			memcpy(tail, buf + r - FP, FP);
			*taillen = FP;
		} else if (r > 0) {
			k = *taillen + (size_t)r > FP ? *taillen + (size_t)r - FP : 0;
			memmove(tail, tail + k, *taillen - k);
			memcpy(tail + *taillen - k, buf, (size_t)r);
			*taillen += (size_t)r - k;
		}
		got += (uint64_t)r;
		if ((size_t)r < want)
			break;
	}
	return (int64_t)got;
}

/* A source reading the decompressed stream PFD (child PID) of C at OFF. */
static struct follow_src *
stream_src(struct follow *f, const struct cand *c, pid_t pid, int pfd,
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

/*
 * stream_open: start reading compressed candidate C at OFF, checking what
 * ID knows of it (NULL: from 0, unchecked).  Returns the source, or NULL
 * with *MISSING set when C's decompressor is not installed.
 */
static struct follow_src *
stream_open(struct follow *f, const struct cand *c, const struct ident *id,
    int *missing)
{
	unsigned char head[FP], tail[FP];
	size_t headlen, taillen;
	uint64_t want = 0;
	int64_t got;
	pid_t pid;
	int fd, pfd, ok = 1;

	*missing = 0;
	if ((fd = open_cand(f, c)) < 0)
		return NULL;
	if (stream_start(c->rn.unpack, fd, &pid, &pfd) < 0) {
		close(fd);
		*missing = 1;
		return NULL;
	}
	close(fd);
	if (id != NULL) {
		if (id->headlen == 0 && id->fplen == 0)
			ok = 0;
		want = id->off > id->headlen ? id->off : id->headlen;
	}
	got = ok ? stream_skip(pfd, want, head, &headlen, tail, &taillen) : -1;
	if (id != NULL && ok)
		ok = got == (int64_t)want &&
		    (id->headlen == 0 || tailstate_fingerprint(head, id->headlen) == id->head) &&
		    (id->fplen == 0 || (taillen >= id->fplen && id->off >= id->headlen &&
		    tailstate_fingerprint(tail + taillen - id->fplen, id->fplen) == id->fp) ||
		    (id->off < id->headlen &&
		    tailstate_fingerprint(head + id->off - id->fplen, id->fplen) == id->fp));
	if (!ok) {
		stream_end(pid, pfd, 1);
		return NULL;
	}
	if (id != NULL && want > id->off) {
		/* Read past the offset to check the head: start again there. */
		stream_end(pid, pfd, 1);
		if ((fd = open_cand(f, c)) < 0)
			return NULL;
		if (stream_start(c->rn.unpack, fd, &pid, &pfd) < 0) {
			close(fd);
			return NULL;
		}
		close(fd);
		stream_skip(pfd, id->off, head, &headlen, tail, &taillen);
		/* The head is the one checked above, possibly longer than what
		 * this pass kept. */
	}
	return stream_src(f, c, pid, pfd, id != NULL ? id->off : 0, head,
	    headlen, tail, taillen);
}

/* stream_head: the first bytes of compressed C, for comparing heads. */
static int
stream_head(struct follow *f, const struct cand *c, unsigned char *head,
    size_t *headlen)
{
	unsigned char tail[FP];
	size_t taillen;
	pid_t pid;
	int fd, pfd;
	int64_t got;

	if ((fd = open_cand(f, c)) < 0)
		return -1;
	if (stream_start(c->rn.unpack, fd, &pid, &pfd) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	got = stream_skip(pfd, FP, head, headlen, tail, &taillen);
	stream_end(pid, pfd, 1);
	return got < 0 ? -1 : 0;
}

/*
 * find_copy: the file that continues ID's generation in another inode
 * (not DEV/INO): a plain copy holding the bytes before id->off (the one
 * copytruncate made), or a compressed copy of it, modified no earlier
 * than the generation (compressors keep the time, bzip2 to the second).
 * *UNREADABLE is a compressed candidate that could not be checked (no
 * decompressor), for naming the loss when none is found.
 */
static struct follow_src *
find_copy(struct follow *f, struct cand *c, size_t nc, const struct ident *id,
    uint64_t dev, uint64_t ino, const struct cand **unreadable)
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

		if (c[i].used || c[i].rn.unpack != NULL ||
		    (c[i].fi.dev == dev && c[i].fi.ino == ino) ||
		    c[i].fi.size <= id->off)
			continue;
		if ((fd = open_cand(f, &c[i])) < 0)
			continue;
		if (plain_copy_of(fd, c[i].fi.size, id) == COPY_CONTINUES) {
			s = src_new(f, fd, &c[i].fi, c[i].path, id->off);
			c[i].used = 1;
		} else {
			close(fd);
		}
	}
	for (i = 0; i < nc && s == NULL; i++) {
		if (c[i].used || c[i].rn.unpack == NULL ||
		    c[i].fi.mtime < id->mtime - id->mtime % NS - NS)
			continue;
		s = stream_open(f, &c[i], id, &missing);
		if (s != NULL)
			c[i].used = 1;
		else if (missing && unreadable != NULL && *unreadable == NULL)
			*unreadable = &c[i];
	}
	return s;
}

/*
 * born_since: whether candidate C was born at or after HORIZON.  A plain
 * file has a birth time (else its modification time stands in).  A
 * compressed one was made from a file whose modification time the
 * compressor kept: a generation born since the horizon was written since.
 */
static int
born_since(const struct cand *c, int64_t horizon)
{
	if (c->rn.unpack != NULL) {
		if (c->fi.mtime % NS == 0)	/* kept to the second only */
			horizon -= ((horizon % NS) + NS) % NS;
		return c->fi.mtime >= horizon;
	}
	return (c->fi.btime != 0 ? c->fi.btime : c->fi.mtime) >= horizon;
}

/* Whether generation A is older than B: birth times of plain files, else
 * what the names say, else modification times. */
static int
older(const struct cand *a, const struct cand *b)
{
	int r;

	if (a->rn.unpack == NULL && b->rn.unpack == NULL && a->fi.btime != 0 &&
	    b->fi.btime != 0 && a->fi.btime != b->fi.btime)
		return a->fi.btime < b->fi.btime;
	if ((r = rotset_age_cmp(&a->rn, &b->rn)) != 0)
		return r < 0;
	if (a->fi.mtime != b->fi.mtime)
		return a->fi.mtime < b->fi.mtime;
	return strcmp(a->ent, b->ent) < 0;
}

/* Whether F reads the file FI already. */
static int
known(const struct follow *f, const struct finfo *fi)
{
	size_t i;

	if (f->cur != NULL && f->cur->dev == fi->dev && f->cur->ino == fi->ino)
		return 1;
	for (i = 0; i < f->nold; i++)
		if (f->old[i]->dev == fi->dev && f->old[i]->ino == fi->ino)
			return 1;
	return 0;
}

/*
 * is_copy: whether candidate C holds content F knows -- a copy of one of
 * its sources or of a checkpoint entry E[0..N) -- rather than a
 * generation of its own.
 */
static int
is_copy(struct follow *f, const struct cand *c, const struct tailstate_entry *e,
    size_t n)
{
	struct ident ids[64];
	size_t nid = 0, i;
	int fd, hit = 0;

	if (f->cur != NULL)
		ident_of_src(&ids[nid++], f->cur);
	for (i = 0; i < f->nold && nid < 64; i++)
		ident_of_src(&ids[nid++], f->old[i]);
	for (i = 0; i < n && nid < 64; i++)
		ident_of_entry(&ids[nid++], &e[i]);
	if (c->rn.unpack != NULL) {
		unsigned char head[FP];
		size_t hl;

		if (stream_head(f, c, head, &hl) < 0)
			return 0;
		for (i = 0; i < nid && !hit; i++)
			hit = ids[i].headlen > 0 && hl >= ids[i].headlen &&
			    tailstate_fingerprint(head, ids[i].headlen) == ids[i].head;
		return hit;
	}
	if ((fd = open_cand(f, c)) < 0)
		return 0;
	for (i = 0; i < nid && !hit; i++)
		hit = plain_copy_of(fd, c->fi.size, &ids[i]) != NOT_COPY;
	close(fd);
	return hit;
}

/*
 * find_unseen: the generations F has not seen -- files of the rotation set
 * (candidates C) born since the horizon that are not NAME's file (NAMEFI,
 * may be NULL), not a source and not a copy of known content -- opened
 * from their start and added to the earlier generations, oldest first.
 * A compressed one whose decompressor is missing is reported lost.
 * Returns how many were added.
 */
static size_t
find_unseen(struct follow *f, struct cand *c, size_t nc,
    const struct finfo *namefi, const struct tailstate_entry *e, size_t n)
{
	size_t *order = xreallocarray(NULL, nc + 1, sizeof *order);
	size_t k = 0, i, j, added = 0;

	for (i = 0; i < nc; i++) {
		if (c[i].used || known(f, &c[i].fi) ||
		    (namefi != NULL && c[i].fi.dev == namefi->dev &&
		    c[i].fi.ino == namefi->ino) ||
		    !born_since(&c[i], f->horizon) || is_copy(f, &c[i], e, n))
			continue;
		/* Insertion sort, oldest first. */
		for (j = k; j > 0 && older(&c[i], &c[order[j - 1]]); j--)
			order[j] = order[j - 1];
		order[j] = i;
		k++;
	}
	for (j = 0; j < k; j++) {
		struct cand *cd = &c[order[j]];
		struct follow_src *s;
		int fd, missing;

		cd->used = 1;
		if (cd->rn.unpack != NULL) {
			s = stream_open(f, cd, NULL, &missing);
			if (s == NULL) {
				char b[32];

				if (missing) {
					f->n.losses++;
					warn("%s: %s is not installed; its %s compressed bytes "
					    "were not read", cd->path, cd->rn.unpack,
					    follow_format_count(cd->fi.size, b, sizeof b));
				}
				continue;
			}
		} else {
			if ((fd = open_cand(f, cd)) < 0)
				continue;
			s = src_new(f, fd, &cd->fi, cd->path, 0);
		}
		warn("%s: rotated before it was read; reading %s", f->name, cd->path);
		s->idle_until = follow_now_ms() + f->o.rotate_wait_ms;
		add_old(f, s);
		added++;
	}
	free(order);
	return added;
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
	uint64_t seen = s->size > s->off ? s->size : s->off;
	struct follow_src *copy = NULL;
	struct ident id;
	struct cand *c = NULL;
	size_t nc = 0;

	ident_of_src(&id, s);
	if (s == f->cur) {
		nc = list_rotated(f, &c);
		copy = find_copy(f, c, nc, &id, s->dev, s->ino, NULL);
	}
	if (copy != NULL) {
		warn("%s: truncated; reading the rest of %s first", f->name, copy->path);
		copy->lines = s->lines;
		copy->lbytes = s->lbytes;
		copy->idle_until = now;
		add_old(f, copy);
		if (copy->pid == 0 && seen > copy->size)
			report_loss(f, f->name, "copytruncate raced a write",
			    seen - copy->size, copy->size, s->lines, s->lbytes);
	} else {
		if (seen > s->line_off)
			report_loss(f, s == f->cur ? f->name : s->path, "truncated",
			    seen - s->line_off, s->line_off, s->lines, s->lbytes);
		warn("%s: truncated; reading from the start", f->name);
	}
	if (s == f->cur) {
		find_unseen(f, c, nc, NULL, NULL, 0);
		cands_free(c, nc);
		drain_old(f, now);
	}
	s->off = s->line_off = s->size = 0;
	s->len = 0;
	s->fplen = 0;
	s->headlen = 0;
	s->lines = s->lbytes = 0;
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
	struct finfo fi;

	if (s->pid != 0 || finfo_fd(s->fd, &fi) < 0 || !fi.regular)
		return 0;
	s->mtime = fi.mtime;
	if (fi.size < s->off)
		return 1;
	if (s->at_eof && fi.size != s->off && !s->skipping) {
		/* New bytes after a pause: are the bytes before them still ours? */
		n = s->fplen + s->len;
		if (n > FP)
			n = FP;
		fromfp = n > s->len ? n - s->len : 0;
		memcpy(want, s->fp + s->fplen - fromfp, fromfp);
		memcpy(want + fromfp, s->buf + s->len - (n - fromfp), n - fromfp);
		if (!bytes_match(s->fd, s->off, want, n))
			return 1;
	}
	s->size = fi.size;	/* bytes of this generation */
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
		if (pread_full(s->fd, s->fp, s->fplen, s->line_off - s->fplen) !=
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
	int status = stream_end(s->pid, -1, 0);

	s->pid = -1;
	if (proc_failed(status)) {
		f->n.losses++;
		warn("%s: decompressing failed (%s); what follows offset %llu "
		    "was not read", s->path, proc_describe(status, why, sizeof why),
		    (unsigned long long)s->off);
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
	if (s->headlen < FP && s->off > s->headlen)
		head_fill(s);
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
			if (s->pid > 0) {
				stream_done(f, s);
				s->idle_until = now;	/* nothing more will come */
			}
			return 0;
		}
		s->at_eof = 0;
		s->idle_until = now + f->o.rotate_wait_ms;
		p = s->buf + s->len;
		if (s->pid != 0 && s->off < FP && s->headlen == s->off) {
			size_t k = FP - s->headlen < (size_t)r ? FP - s->headlen : (size_t)r;

			memcpy(s->head + s->headlen, p, k);
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
open_name(struct follow *f, struct finfo *fi)
{
	struct stat ls;
	int fd;

	f->symlink = lstat(f->name, &ls) == 0 && S_ISLNK(ls.st_mode);
	fd = open(f->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (finfo_fd(fd, fi) < 0) {
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
		ssize_t r = pread_full(fd, buf, len, pos - len);
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
	struct finfo fi;
	uint64_t off = 0;
	int fd;

	f->horizon = fs_now_ns();
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

/* A source of an entry's file found open as FD (FI, named PATH). */
static struct follow_src *
entry_src(struct follow *f, int fd, const struct finfo *fi, const char *path,
    const struct tailstate_entry *e)
{
	struct follow_src *s = src_new(f, fd, fi, path, e->off);

	s->lines = e->lines;
	s->lbytes = e->lbytes;
	return s;
}

/* find_by_inode: entry E's file among the candidates, by its inode and
 * birth time, still holding what E knows of it. */
static struct follow_src *
find_by_inode(struct follow *f, struct cand *c, size_t nc,
    const struct tailstate_entry *e, const struct ident *id)
{
	struct follow_src *s = NULL;
	size_t i;
	int fd, missing;

	for (i = 0; i < nc; i++) {
		if (c[i].used || c[i].fi.dev != e->dev || c[i].fi.ino != e->ino ||
		    !same_birth(c[i].fi.btime, e->btime))
			continue;
		if (c[i].rn.unpack != NULL) {
			s = stream_open(f, &c[i], id, &missing);
		} else if ((fd = open_cand(f, &c[i])) >= 0) {
			if (plain_verify(fd, c[i].fi.size, id))
				s = entry_src(f, fd, &c[i].fi, c[i].path, e);
			else
				close(fd);
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
    const struct cand *unreadable)
{
	char what[PATH_MAX + 64];

	if (e->size <= e->off)
		return;		/* read to its end: nothing lost */
	if (unreadable != NULL)
		snprintf(what, sizeof what, "compressed while stopped (%s?) and %s "
		    "is not installed", unreadable->path, unreadable->rn.unpack);
	else
		snprintf(what, sizeof what, "deleted while stopped");
	report_loss(f, e->path, what, e->size - e->off, e->off, e->lines, e->lbytes);
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
	int64_t t0 = fs_now_ns();
	struct finfo nfi;
	struct cand *c;
	size_t nc, i;
	int fd, saved, changed = 0, copied = 0;

	fd = open_name(f, &nfi);
	saved = errno;
	nc = list_rotated(f, &c);
	f->horizon = horizon;
	for (i = 0; i < n; i++) {
		const struct cand *unreadable = NULL;
		struct follow_src *s;
		struct ident id;

		ident_of_entry(&id, &e[i]);
		if (fd >= 0 && f->cur == NULL && !changed && e[i].dev == nfi.dev &&
		    e[i].ino == nfi.ino && same_birth(e[i].btime, nfi.btime)) {
			if (plain_verify(fd, nfi.size, &id)) {
				f->cur = entry_src(f, fd, &nfi, f->name, &e[i]);
				continue;
			}
			/* Truncated, copied away or rewritten while we were stopped. */
			changed = 1;
			s = find_copy(f, c, nc, &id, nfi.dev, nfi.ino, &unreadable);
			if (s == NULL) {
				entry_lost(f, &e[i], unreadable);
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
				s = find_copy(f, c, nc, &id,
				    fd >= 0 ? nfi.dev : 0, fd >= 0 ? nfi.ino : 0,
				    &unreadable);
			if (s == NULL) {
				entry_lost(f, &e[i], unreadable);
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
	find_unseen(f, c, nc, fd >= 0 ? &nfi : NULL, e, n);
	cands_free(c, nc);
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
	f->horizon = t0;
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
	struct finfo fi;
	struct cand *c;
	size_t nc;
	int fd;

	if (finfo_at(AT_FDCWD, f->name, 0, &fi) < 0) {
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
	nc = list_rotated(f, &c);
	find_unseen(f, c, nc, &fi, NULL, 0);
	cands_free(c, nc);
	drain_old(f, now);
	f->cur = src_new(f, fd, &fi, f->name, 0);
	f->changed = 1;
	return 1;
}

int
follow_look(struct follow *f, uint64_t budget, int64_t now)
{
	int64_t t0 = fs_now_ns();
	int found = look(f, now), more;

	/* A file that gets its first bytes may have been copied and
	 * truncated before anyone looked (its checkpoint at offset 0 has no
	 * fingerprint to show it): look for such copies first. */
	if (found && f->cur != NULL && f->cur->off == 0 && f->cur->pid == 0 &&
	    f->cur->fresh) {
		struct finfo fi;

		if (finfo_fd(f->cur->fd, &fi) == 0 && fi.size > 0) {
			struct cand *c;
			size_t nc = list_rotated(f, &c);

			f->cur->fresh = 0;
			find_unseen(f, c, nc, NULL, NULL, 0);
			cands_free(c, nc);
			drain_old(f, now);
		}
	}
	more = follow_read(f, budget, now);
	if (found && t0 > f->horizon)
		f->horizon = t0;
	return more;
}

/*
 * A rotated source is closed once idle past its time, read to its end,
 * and looked at (the horizon past its last write): only then can a
 * compressed copy of it made later never be taken for a new generation.
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
			    (s->pid != 0 || s->mtime < f->horizon)) {
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
	e.fplen = (uint32_t)s->fplen;
	e.fp = tailstate_fingerprint(s->fp, s->fplen);
	e.headlen = (uint32_t)s->headlen;
	e.head = tailstate_fingerprint(s->head, s->headlen);
	e.size = s->size > s->off ? s->size : s->off;
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
