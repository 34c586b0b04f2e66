/* follow: follow one file by name without losing or repeating a line (see follow.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "follow.h"
#include "msg.h"
#include "xalloc.h"

#define BUF_INIT (128 * 1024)

int64_t
follow_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
mtime_ms(const struct stat *sb)
{
	return (int64_t)sb->st_mtim.tv_sec * 1000 + sb->st_mtim.tv_nsec / 1000000;
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

/* Make a source of the open file FD at line start OFF. */
static struct follow_src *
src_new(struct follow *f, int fd, const struct stat *sb, uint64_t off)
{
	struct follow_src *s = xmalloc(sizeof *s);
	ssize_t r;

	memset(s, 0, sizeof *s);
	s->fd = fd;
	s->dev = (uint64_t)sb->st_dev;
	s->ino = (uint64_t)sb->st_ino;
	s->off = s->line_off = off;
	s->cap = BUF_INIT;
	s->buf = xmalloc(s->cap);
	s->wd = -1;
	s->fplen = off < TAILSTATE_FP_MAX ? (size_t)off : TAILSTATE_FP_MAX;
	r = pread_full(fd, s->fp, s->fplen, off - s->fplen);
	if (r != (ssize_t)s->fplen)	/* shrank meanwhile: found as truncated */
		s->fplen = r > 0 ? (size_t)r : 0;
	if (f->o.hooks != NULL && f->o.hooks->opened != NULL)
		f->o.hooks->opened(f->o.hooks->ctx, f, s);
	return s;
}

static void
src_free(struct follow *f, struct follow_src *s)
{
	if (s == NULL)
		return;
	if (f->o.hooks != NULL && f->o.hooks->closing != NULL)
		f->o.hooks->closing(f->o.hooks->ctx, f, s);
	close(s->fd);
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
	size_t i;

	while (f->nold > 0) {
		struct follow_src *s = f->old[--f->nold];

		src_free(f, s);
	}
	src_free(f, f->cur);
	f->cur = NULL;
	for (i = 0; i < f->nrenamed; i++)
		free(f->renamed[i]);
	free(f->renamed);
	free(f->old);
	free(f->name);
	free(f->dir);
	free(f->base);
}

static void cut_warning(struct follow *f);

/* Write N bytes of complete lines, each prefixed by the name with -H and
 * cut to max_line bytes when that is set. */
static void
emit(struct follow *f, const char *p, size_t n)
{
	struct out *o = f->o.out;
	const char *nl;
	size_t namelen;

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

	if (n >= TAILSTATE_FP_MAX) {
		memcpy(s->fp, p + n - TAILSTATE_FP_MAX, TAILSTATE_FP_MAX);
		s->fplen = TAILSTATE_FP_MAX;
		return;
	}
	keep = s->fplen < TAILSTATE_FP_MAX - n ? s->fplen : TAILSTATE_FP_MAX - n;
	memmove(s->fp, s->fp + s->fplen - keep, keep);
	memcpy(s->fp + keep, p, n);
	s->fplen = keep + n;
}

/* Whether the LEN bytes before OFF in FD are FP (all of them readable). */
static int
bytes_match(int fd, uint64_t off, const void *fp, size_t len)
{
	unsigned char tmp[TAILSTATE_FP_MAX];

	if (len == 0)
		return 1;
	return pread_full(fd, tmp, len, off - len) == (ssize_t)len &&
	    memcmp(tmp, fp, len) == 0;
}

/* Whether an entry's fingerprint matches FD; the bytes go to FP if so. */
static int
entry_matches(int fd, const struct stat *sb, const struct tailstate_entry *e)
{
	unsigned char tmp[TAILSTATE_FP_MAX];

	if ((uint64_t)sb->st_size < e->off)
		return 0;
	if (pread_full(fd, tmp, e->fplen, e->off - e->fplen) != (ssize_t)e->fplen)
		return 0;
	return tailstate_fingerprint(tmp, e->fplen) == e->fp;
}

/* Whether directory entry NAME may be a rotated copy of F's file. */
static int
is_candidate(struct follow *f, const char *name)
{
	if (strcmp(name, f->base) == 0 || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return 0;
	if (f->o.rotated_glob != NULL)
		return fnmatch(f->o.rotated_glob, name, 0) == 0;
	return strncmp(name, f->base, strlen(f->base)) == 0;
}

/*
 * find_rotated: look in F's directory for the file a checkpoint entry
 * describes after NAME moved on.  BY_INODE: the same device and inode with
 * a matching fingerprint (rename rotation).  Otherwise a regular file of a
 * different inode whose bytes before the offset match (copytruncate made
 * it).  Returns an open descriptor with *PATH and *SB, or -1.
 */
static int
find_rotated(struct follow *f, const struct tailstate_entry *e, int by_inode,
    char **path, struct stat *sb)
{
	DIR *d;
	struct dirent *de;
	int fd = -1;

	if (!by_inode && e->off == 0)
		return -1;
	if ((d = opendir(f->dir)) == NULL)
		return -1;
	while (fd < 0 && (de = readdir(d)) != NULL) {
		struct stat ls;
		int cfd;

		if (!is_candidate(f, de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &ls, 0) < 0 || !S_ISREG(ls.st_mode))
			continue;
		if (by_inode != ((uint64_t)ls.st_dev == e->dev &&
		    (uint64_t)ls.st_ino == e->ino))
			continue;
		if (!by_inode && (uint64_t)ls.st_size < e->off)
			continue;
		cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC);
		if (cfd < 0)
			continue;
		if (fstat(cfd, sb) == 0 && entry_matches(cfd, sb, e)) {
			fd = cfd;
			/* The name as the user would write it: NAME's directory part. */
			size_t dl = strlen(f->name) - strlen(f->base);

			*path = xmalloc(dl + strlen(de->d_name) + 1);
			memcpy(*path, f->name, dl);
			strcpy(*path + dl, de->d_name);
		} else {
			close(cfd);
		}
	}
	closedir(d);
	return fd;
}

static int read_src(struct follow *f, struct follow_src *s, uint64_t *budget,
    int64_t now);

/* Read a rotated source to its end now, so its lines come before the next file's. */
static void
drain(struct follow *f, struct follow_src *s, int64_t now)
{
	uint64_t unlimited = UINT64_MAX;

	read_src(f, s, &unlimited, now);
}

/*
 * The current file shrank or its bytes before the read offset changed:
 * truncation, copytruncate, or a rewrite.  If a file in the directory holds
 * the old content up to our line offset (the copy logrotate made before
 * truncating), read its unread rest first; then read the file from 0.
 */
static void
truncated(struct follow *f, struct follow_src *s, int64_t now)
{
	struct tailstate_entry e;
	struct stat sb;
	char *path = NULL;
	int fd = -1;

	if (s == f->cur && s->line_off > 0) {
		memset(&e, 0, sizeof e);
		e.off = s->line_off;
		e.fplen = (uint32_t)s->fplen;
		e.fp = tailstate_fingerprint(s->fp, s->fplen);
		fd = find_rotated(f, &e, 0, &path, &sb);
	}
	if (fd >= 0) {
		struct follow_src *copy = src_new(f, fd, &sb, e.off);

		warn("%s: truncated; reading the rest of %s first", f->name, path);
		drain(f, copy, now);
		copy->idle_until = now;
		add_old(f, copy);
		free(path);
	} else {
		warn("%s: truncated; reading from the start", f->name);
	}
	s->off = s->line_off = 0;
	s->len = 0;
	s->fplen = 0;
	s->skip_nul = 1;
	s->skipping = 0;
	s->at_eof = 0;
	f->changed = 1;
}

/* Whether S's file was truncated or rewritten since we read up to s->off. */
static int
was_truncated(struct follow_src *s)
{
	unsigned char want[TAILSTATE_FP_MAX];
	size_t n, fromfp;
	struct stat sb;

	if (fstat(s->fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return 0;
	if ((uint64_t)sb.st_size < s->off)
		return 1;
	if (!s->at_eof || (uint64_t)sb.st_size == s->off || s->skipping)
		return 0;
	/* New bytes after a pause: are the bytes before them still ours? */
	n = s->fplen + s->len;
	if (n > TAILSTATE_FP_MAX)
		n = TAILSTATE_FP_MAX;
	fromfp = n > s->len ? n - s->len : 0;
	memcpy(want, s->fp + s->fplen - fromfp, fromfp);
	memcpy(want + fromfp, s->buf + s->len - (n - fromfp), n - fromfp);
	return !bytes_match(s->fd, s->off, want, n);
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
	emit(f, s->buf, (size_t)f->o.max_line);
	out_byte(f->o.out, '\n');
	cut_warning(f);
	s->len = 0;
	s->skipping = 1;
}

/* While skipping a cut line: drop bytes up to its newline, which becomes
 * the new line start (its fingerprint read back from the file). */
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
	s->fplen = s->line_off < TAILSTATE_FP_MAX ? (size_t)s->line_off :
	    TAILSTATE_FP_MAX;
	if (pread_full(s->fd, s->fp, s->fplen, s->line_off - s->fplen) !=
	    (ssize_t)s->fplen)
		s->fplen = 0;
	memmove(s->buf, s->buf + k, s->len - k);
	s->len -= k;
	s->skipping = 0;
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
		r = pread(s->fd, s->buf + s->len, s->cap - s->len, (off_t)s->off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (f->open_errno != errno) {
				f->open_errno = errno;
				warn("%s: read error:", f->name);
			}
			return 0;
		}
		if (r == 0) {
			s->at_eof = 1;
			return 0;
		}
		s->at_eof = 0;
		s->idle_until = now + f->o.rotate_wait_ms;
		p = s->buf + s->len;
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

			emit(f, s->buf, k);
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

/* open_name: open NAME for reading; its status in *SB.  -1 with errno. */
static int
open_name(struct follow *f, struct stat *sb)
{
	struct stat ls;
	int fd;

	f->symlink = lstat(f->name, &ls) == 0 && S_ISLNK(ls.st_mode);
	fd = open(f->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, sb) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	if (S_ISDIR(sb->st_mode)) {
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
	struct stat sb;
	uint64_t off = 0;
	int fd = open_name(f, &sb);

	if (fd < 0) {
		f->missing = 1;
		return -1;
	}
	if (how == FOLLOW_END)
		off = start_offset(fd, (uint64_t)sb.st_size, 0);
	else if (how == FOLLOW_LAST)
		off = start_offset(fd, (uint64_t)sb.st_size, n);
	f->cur = src_new(f, fd, &sb, off);
	f->missing = 0;
	f->changed = 1;
	return 0;
}

int
follow_resume(struct follow *f, const struct tailstate_entry *e, size_t n,
    int64_t now)
{
	struct stat sb, rsb;
	int fd, matched = 0, saved;
	size_t i;

	fd = open_name(f, &sb);
	saved = errno;
	for (i = 0; i < n; i++) {
		struct follow_src *s;
		char *path = NULL;
		int rfd;

		if (fd >= 0 && !matched && e[i].dev == (uint64_t)sb.st_dev &&
		    e[i].ino == (uint64_t)sb.st_ino) {
			matched = 1;
			if (entry_matches(fd, &sb, &e[i])) {
				f->cur = src_new(f, fd, &sb, e[i].off);
				continue;
			}
			/* Truncated, copied away or rewritten while we were stopped. */
			rfd = find_rotated(f, &e[i], 0, &path, &rsb);
			if (rfd >= 0) {
				warn("%s: truncated while stopped; reading the rest of %s first",
				    f->name, path);
			} else {
				warn("%s: changed while stopped (truncated or rewritten); "
				    "reading from the start", f->name);
				continue;
			}
		} else {
			rfd = find_rotated(f, &e[i], 1, &path, &rsb);
			if (rfd < 0)
				rfd = find_rotated(f, &e[i], 0, &path, &rsb);
			if (rfd < 0) {
				warn("%s: earlier file (inode %llu) not found; "
				    "continuing with the current file", f->name,
				    (unsigned long long)e[i].ino);
				continue;
			}
			if ((uint64_t)rsb.st_size > e[i].off)
				warn("%s: rotated while stopped; reading the rest of %s first",
				    f->name, path);
		}
		s = src_new(f, rfd, &rsb, e[i].off);
		s->idle_until = mtime_ms(&rsb) + f->o.rotate_wait_ms;
		if ((uint64_t)rsb.st_size == e[i].off && now >= s->idle_until)
			src_free(f, s);	/* read to its end long ago: done */
		else
			add_old(f, s);
		free(path);
	}
	f->changed = 1;
	if (fd < 0) {
		f->missing = 1;
		errno = saved;
		return -1;
	}
	if (f->cur == NULL) {
		if (n > 0 && matched == 0)
			warn("%s: following new file", f->name);
		f->cur = src_new(f, fd, &sb, 0);
	}
	return 0;
}

void
follow_renamed(struct follow *f, const char *to)
{
	f->renamed = xreallocarray(f->renamed, f->nrenamed + 1, sizeof *f->renamed);
	f->renamed[f->nrenamed++] = xstrdup(to);
}

/* Whether the file DEV/INO is one F reads or read. */
static int
known(struct follow *f, const struct stat *sb)
{
	size_t i;

	if (f->cur != NULL && f->cur->dev == (uint64_t)sb->st_dev &&
	    f->cur->ino == (uint64_t)sb->st_ino)
		return 1;
	for (i = 0; i < f->nold; i++)
		if (f->old[i]->dev == (uint64_t)sb->st_dev &&
		    f->old[i]->ino == (uint64_t)sb->st_ino)
			return 1;
	return 0;
}

/* Read the files NAME was renamed to that F never saw (see follow_renamed),
 * in rename order; NEWSB is the file NAME now is. */
static void
read_renamed(struct follow *f, const struct stat *newsb, int64_t now)
{
	size_t i, dl = strlen(f->name) - strlen(f->base);

	for (i = 0; i < f->nrenamed; i++) {
		char *path = xmalloc(dl + strlen(f->renamed[i]) + 1);
		struct stat sb;
		int fd;

		memcpy(path, f->name, dl);
		strcpy(path + dl, f->renamed[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    !known(f, &sb) && (newsb == NULL || sb.st_dev != newsb->st_dev ||
		    sb.st_ino != newsb->st_ino)) {
			struct follow_src *s = src_new(f, fd, &sb, 0);

			warn("%s: rotated before it was read; reading %s", f->name, path);
			drain(f, s, now);
			s->idle_until = now + f->o.rotate_wait_ms;
			add_old(f, s);
		} else if (fd >= 0) {
			close(fd);
		}
		free(path);
		free(f->renamed[i]);
	}
	f->nrenamed = 0;
}

static void
forget_renamed(struct follow *f)
{
	size_t i;

	for (i = 0; i < f->nrenamed; i++)
		free(f->renamed[i]);
	f->nrenamed = 0;
}

void
follow_check(struct follow *f, int64_t now)
{
	struct stat sb;
	int fd;

	if (stat(f->name, &sb) < 0) {
		f->missing = 1;
		f->symlink = 0;
		return;
	}
	if (f->cur != NULL && (uint64_t)sb.st_dev == f->cur->dev &&
	    (uint64_t)sb.st_ino == f->cur->ino) {
		f->missing = 0;
		forget_renamed(f);
		return;
	}
	if ((fd = open_name(f, &sb)) < 0) {
		if (errno != ENOENT && errno != f->open_errno) {
			f->open_errno = errno;
			warn("%s:", f->name);
		}
		f->missing = errno == ENOENT;
		return;
	}
	f->open_errno = 0;
	f->missing = 0;
	if (f->cur != NULL && (uint64_t)sb.st_dev == f->cur->dev &&
	    (uint64_t)sb.st_ino == f->cur->ino) {
		close(fd);
		forget_renamed(f);
		return;
	}
	if (f->cur != NULL) {
		struct stat osb;
		int linked;

		drain(f, f->cur, now);
		linked = fstat(f->cur->fd, &osb) == 0 && osb.st_nlink > 0;
		warn("%s: %s; following new file", f->name,
		    linked ? "rotated" : "replaced");
		f->cur->idle_until = now + f->o.rotate_wait_ms;
		add_old(f, f->cur);
		f->cur = NULL;
		read_renamed(f, &sb, now);
	} else {
		warn("%s: appeared; following new file", f->name);
	}
	f->cur = src_new(f, fd, &sb, 0);
	f->changed = 1;
}

int64_t
follow_expire(struct follow *f, int64_t now)
{
	int64_t next = -1;
	size_t i = 0;

	while (i < f->nold) {
		struct follow_src *s = f->old[i];

		if (now >= s->idle_until) {
			drain(f, s, now);
			if (s->at_eof && now >= s->idle_until) {
				/* Nobody will finish this line now: print it whole. */
				if (s->len > 0 && !s->skipping) {
					emit(f, s->buf, s->len);
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

	e.name = f->name;
	e.dev = s->dev;
	e.ino = s->ino;
	e.off = s->line_off;
	e.fplen = (uint32_t)s->fplen;
	e.fp = tailstate_fingerprint(s->fp, s->fplen);
	e.pending = pending;
	tailstate_add(st, &e);
}

void
follow_export(struct follow *f, struct tailstate *st, int pending)
{
	size_t i;

	for (i = 0; i < f->nold; i++)
		export_src(f, f->old[i], st, pending);
	if (f->cur != NULL)
		export_src(f, f->cur, st, pending);
	f->changed = 0;
}
