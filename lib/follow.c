/* follow: follow one file by name through any chain of rotations (see follow.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "follow.h"
#include "follow_marks.h"
#include "follow_read.h"
#include "follow_scan.h"
#include "follow_src.h"
#include "msg.h"
#include "xalloc.h"

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

/* split_path: PATH's directory ("." for a bare name), last component, and
 * PATH up to that component (malloc'd). */
static void
split_path(const char *path, char **dir, char **base, char **prefix)
{
	const char *slash = strrchr(path, '/');

	*dir = path_dir(path);
	*base = xstrdup(slash != NULL ? slash + 1 : path);
	*prefix = xstrdup(path);
	(*prefix)[strlen(path) - strlen(*base)] = '\0';
}

void
follow_init(struct follow *f, const char *name, const struct follow_opts *o)
{
	memset(f, 0, sizeof *f);
	f->name = xstrdup(name);
	f->o = *o;
	split_path(name, &f->dir, &f->base, &f->prefix);
	f->rd.globs = o->rotated;
	f->rd.nglobs = o->nrotated;
	f->rd.ex = o->exclude;
	follow_locate_set(f);
}

void
follow_locate_set(struct follow *f)
{
	char *path = xstrdup(f->name), target[PATH_MAX];
	int hops;

	for (hops = 0; hops < 40; hops++) {
		ssize_t r = readlink(path, target, sizeof target - 1);
		const char *slash = strrchr(path, '/');
		char *next;

		if (r <= 0)
			break;	/* not a link (or gone): the set is beside it */
		target[r] = '\0';
		if (target[0] == '/' || slash == NULL) {
			next = xstrdup(target);
		} else {
			size_t n = (size_t)(slash - path) + 1;

			next = xmalloc(n + (size_t)r + 1);
			memcpy(next, path, n);
			memcpy(next + n, target, (size_t)r + 1);
		}
		free(path);
		path = next;
	}
	if (f->setpath != NULL && strcmp(path, f->setpath) == 0) {
		free(path);
		return;
	}
	free(f->setpath);
	free(f->setdir);
	free(f->setbase);
	free(f->setprefix);
	f->setpath = path;
	split_path(path, &f->setdir, &f->setbase, &f->setprefix);
	f->rd.dir = f->setdir;
	f->rd.base = f->setbase;
	f->rd.prefix = f->setprefix;
}

void
follow_free(struct follow *f)
{
	while (f->nold > 0) {
		struct follow_src *s = f->old[--f->nold];

		follow_src_free(f, s);
	}
	follow_src_free(f, f->cur);
	f->cur = NULL;
	free(f->old);
	free(f->name);
	free(f->key);
	free(f->dir);
	free(f->base);
	free(f->prefix);
	free(f->setpath);
	free(f->setdir);
	free(f->setbase);
	free(f->setprefix);
	follow_zheads_free(f);
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
	if ((fd = follow_open_name(f, &fi)) < 0) {
		f->missing = 1;
		return -1;
	}
	if (how == FOLLOW_END)
		off = start_offset(fd, fi.size, 0);
	else if (how == FOLLOW_LAST)
		off = start_offset(fd, fi.size, n);
	f->cur = follow_src_new(f, fd, &fi, f->setpath, off);
	f->missing = 0;
	return 0;
}

/*
 * Out of descriptors (EMFILE, ENFILE): the rotated files already read to
 * their end are closed now rather than after --rotate-wait, so that the
 * new file can be opened and read; a line written to one of them later is
 * then not read.  How many were closed.
 */
static size_t
close_read_old(struct follow *f, int64_t now)
{
	size_t i = 0, n = 0;

	follow_drain_old(f, now);
	while (i < f->nold) {
		struct follow_src *s = f->old[i];

		if (s->at_eof && s->held.len == 0 && s->pid == 0) {
			/* Its lines written first: a closed output finds it listed. */
			follow_marks_forget(f, s);
			memmove(&f->old[i], &f->old[i + 1],
			    (f->nold - i - 1) * sizeof *f->old);
			f->nold--;
			follow_src_free(f, s);
			f->changed = 1;
			n++;
			continue;
		}
		i++;
	}
	return n;
}
/* NAME, another file than the current one, opened (a descriptor of a
 * rotated file read to its end closed if none is left): its descriptor,
 * or -1 (missing, or an error told once). */
static int
open_new_name(struct follow *f, int64_t now, struct fileid_stat *fi)
{
	int fd;

	if ((fd = follow_open_name(f, fi)) < 0 &&
	    (errno == EMFILE || errno == ENFILE) && close_read_old(f, now) > 0)
		fd = follow_open_name(f, fi);
	if (fd < 0) {
		if (errno != ENOENT && errno != f->open_errno) {
			f->open_errno = errno;
			warn("%s:", f->name);
		}
		f->missing = errno == ENOENT;
		return -1;
	}
	return fd;
}

/* NAME is another file: the current one read to its end and kept as a
 * rotated generation. */
static void
retire_cur(struct follow *f, int64_t now)
{
	if (f->cur != NULL) {
		struct stat osb;
		int linked;

		follow_drain_old(f, now);
		follow_drain(f, f->cur, now);
		linked = fstat(f->cur->fd, &osb) == 0 && osb.st_nlink > 0;
		warn("%s: %s; following new file", f->name,
		    linked ? "rotated" : "replaced");
		f->cur->idle_until = now + f->o.rotate_wait_ms;
		follow_add_old(f, f->cur);
		f->cur = NULL;
	} else {
		warn("%s: appeared; following new file", f->name);
	}
}

/* The generations born since the last look found, until NAME is still
 * *FD (FI) after the listing, or 4 tries; *LISTED_AT when the last
 * listing began.  0 when NAME went missing. */
static int
find_born_since(struct follow *f, int64_t now, int *fd, struct fileid_stat *fi,
    int64_t *listed_at)
{
	struct rotdir_file *c;
	size_t nc, first = f->nold;
	int tries;

	for (tries = 0;; tries++) {
		struct fileid_stat again;

		follow_locate_set(f);	/* a link's target may be elsewhere now */
		*listed_at = fileid_fs_now();
		nc = rotdir_list(&f->rd, &c);
		follow_find_unseen(f, &c, &nc, fi, NULL, 0, NULL);
		rotdir_free(c, nc);
		if (fileid_stat_at(AT_FDCWD, f->name, 0, &again) == 0 &&
		    again.dev == fi->dev && again.ino == fi->ino)
			break;
		if (tries == 4) {
			/* NAME moved on at every look: the file opened is a
			 * rotated generation now, put by its age among those
			 * found (some may be newer); those born since the
			 * listing come before the new file's first line
			 * (first_bytes), the horizon held for them. */
			struct follow_src *s = follow_src_new(f, *fd, fi, f->name, 0);

			s->idle_until = now + f->o.rotate_wait_ms;
			follow_add_old(f, s);
			follow_sort_old(f, first);
			f->hold_horizon = 1;
			if ((*fd = follow_open_name(f, fi)) < 0) {
				follow_drain_old(f, now);
				f->missing = 1;
				return 0;
			}
			break;
		}
		/* NAME moved on while we looked: the file opened is a rotated
		 * generation now, for the next listing to find in its place
		 * among the others. */
		follow_drop_old(f, first);
		close(*fd);
		if ((*fd = follow_open_name(f, fi)) < 0) {
			follow_drain_old(f, now);
			f->missing = 1;
			return 0;
		}
	}
	return 1;
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
	int64_t listed_at;
	int fd;

	if (fileid_stat_at(AT_FDCWD, f->name, 0, &fi) < 0) {
		f->missing = 1;
		f->symlink = 0;
		return 0;
	}
	if (f->cur != NULL && fi.dev == f->cur->dev && fi.ino == f->cur->ino) {
		f->missing = 0;
		return 1;
	}
	if ((fd = open_new_name(f, now, &fi)) < 0)
		return 0;
	f->open_errno = 0;
	f->missing = 0;
	if (f->cur != NULL && fi.dev == f->cur->dev && fi.ino == f->cur->ino) {
		close(fd);
		return 1;
	}
	retire_cur(f, now);
	if (!find_born_since(f, now, &fd, &fi, &listed_at))
		return 0;
	follow_drain_old(f, now);
	f->cur = follow_src_new(f, fd, &fi, f->setpath, 0);
	/* Copied and truncated after the listing began, its first content
	 * is in a copy the listing missed: looked for from then on. */
	f->cur->fresh_at = listed_at;
	f->changed = 1;
	return 1;
}

int
follow_look(struct follow *f, uint64_t budget, int64_t now)
{
	int64_t t0 = fileid_fs_now();
	int found = look(f, now), more;

	more = follow_read(f, budget, now);
	follow_end_look(f, t0, found);
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
			follow_drain(f, s, now);
			if (s->at_eof && now >= s->idle_until &&
			    s->mtime < f->horizon - ((f->horizon % NS) + NS) % NS) {
				/* Nobody will finish this line now: print it whole. */
				follow_end_held(f, s);
				/* Written before it goes from the list: a
				 * closed output finds it there. */
				follow_marks_forget(f, s);
				/* Out of the list first: the hook looks at the list. */
				memmove(&f->old[i], &f->old[i + 1],
				    (f->nold - i - 1) * sizeof *f->old);
				f->nold--;
				follow_src_free(f, s);
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

void
follow_settle(struct follow *f)
{
	size_t i;

	for (i = 0; i < f->nold; i++) {
		struct follow_src *s = f->old[i];
		int64_t idle = s->mtime / 1000000 + f->o.rotate_wait_ms;

		if (s->pid == 0 && idle < s->idle_until)
			s->idle_until = idle;
		else if (s->pid < 0)	/* a decompressed stream ended: done */
			s->idle_until = 0;
	}
}

static void
export_src(struct follow *f, struct follow_src *s, struct tailstate *st,
    int pending)
{
	struct tailstate_entry e;

	memset(&e, 0, sizeof e);
	e.kind = TAILSTATE_FILE;
	e.name = f->key != NULL ? f->key : f->name;
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
		/* A head not known yet (no whole line read) is kept too: no
		 * identity (follow_ident_of_entry leaves it out), but what
		 * tells whether a generation read whole held that content. */
		e.headlen = (uint32_t)s->headlen;
		e.head = tailstate_fingerprint(s->head, e.headlen);
	}
	/* Bytes seen, an unterminated last line held included: lost, if the
	 * file goes before it is read again. */
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
	e.name = f->key != NULL ? f->key : f->name;
	e.pending = pending;
	e.horizon = f->horizon;
	tailstate_add(st, &e);
	for (i = 0; i < f->nold; i++)
		export_src(f, f->old[i], st, pending);
	if (f->cur != NULL)
		export_src(f, f->cur, st, pending);
	f->changed = 0;
}
