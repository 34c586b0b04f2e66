/*
 * mr-tail's watching with inotify: a watch on each followed name's
 * directory and on each open file (through /proc, so it is that very
 * inode), the events turned into the names to look at, and the fall back
 * to polling when inotify is missing or its watches run out.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"

#include "tail.h"

int ifd = -1;		/* inotify, -1 when polling */
int poll_ms = 1000;
long watch_limit = -1;	/* MR_TAIL_MAX_WATCHES */
long nwatches;

#define FILE_EVENTS (IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
#define DIR_EVENTS (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | \
    IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* Stop using inotify: every name is looked at on the poll timer instead. */
static void
fall_back_to_polling(const char *why)
{
	size_t i, j;

	if (ifd < 0)
		return;
	warn("inotify %s; polling every %d ms", why, poll_ms);
	close(ifd);
	ifd = -1;
	for (i = 0; i < ndirs; i++)
		dirs[i].wd = -1;
	for (i = 0; i < nfiles; i++) {
		struct follow *f = &files[i].f;

		if (f->cur != NULL)
			f->cur->wd = -1;
		for (j = 0; j < f->nold; j++)
			f->old[j]->wd = -1;
	}
}

/* add_watch: an inotify watch on PATH, or -1 (falling back to polling
 * when the watches ran out). */
static int
add_watch(const char *path, uint32_t mask)
{
	int wd;

	if (ifd < 0)
		return -1;
	if (watch_limit >= 0 && nwatches >= watch_limit) {
		fall_back_to_polling("watches exhausted");
		return -1;
	}
	wd = inotify_add_watch(ifd, path, mask);
	if (wd < 0) {
		if (errno == ENOSPC)
			fall_back_to_polling("watches exhausted");
		else if (errno == ENOMEM)
			fall_back_to_polling("out of memory");
		return -1;
	}
	nwatches++;
	return wd;
}

/* Whether watch WD is still used by a directory or source other than EXCEPT. */
static int
wd_in_use(int wd, const struct follow_src *except)
{
	size_t i, j;

	for (i = 0; i < ndirs; i++)
		if (dirs[i].wd == wd)
			return 1;
	for (i = 0; i < nfiles; i++) {
		struct follow *f = &files[i].f;

		if (f->cur != NULL && f->cur != except && f->cur->wd == wd)
			return 1;
		for (j = 0; j < f->nold; j++)
			if (f->old[j] != except && f->old[j]->wd == wd)
				return 1;
	}
	return 0;
}

/* Watch the open file itself (through /proc, so it is this very inode). */
static void
src_opened(void *ctx, struct follow *f, struct follow_src *s)
{
	char path[64];
	int wd;

	if (ifd < 0 || s->pid != 0)	/* a decompressor's output: read at once */
		return;
	if (watch_limit >= 0 && nwatches >= watch_limit) {
		fall_back_to_polling("watches exhausted");
		return;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", s->fd);
	wd = inotify_add_watch(ifd, path, FILE_EVENTS);
	if (wd < 0 && errno == ENOENT)	/* no /proc: by name (tiny race) */
		wd = add_watch(f->name, FILE_EVENTS);
	else if (wd < 0)
		wd = add_watch(path, FILE_EVENTS);	/* reports ENOSPC */
	else if (!wd_in_use(wd, s))
		nwatches++;
	s->wd = wd;
}

static void
src_closing(void *ctx, struct follow *f, struct follow_src *s)
{
	if (ifd >= 0 && s->wd >= 0 && !wd_in_use(s->wd, s)) {
		inotify_rm_watch(ifd, s->wd);
		nwatches--;
	}
	s->wd = -1;
}

const struct follow_hooks watch_hooks = { src_opened, src_closing, NULL };

/* The directory at PATH now, or 0 when there is none. */
static int
dir_id(const char *path, uint64_t *dev, uint64_t *ino)
{
	struct stat sb;

	if (stat(path, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return 0;
	*dev = (uint64_t)sb.st_dev;
	*ino = (uint64_t)sb.st_ino;
	return 1;
}

/*
 * watch_dir: make D's watch be on the directory its path names now.  A
 * watch can outlive its directory unnoticed: a directory removed while
 * mr-tail holds a file of it open reports its IN_DELETE_SELF only when
 * that file is closed, and meanwhile a new directory under the same path
 * is not watched at all (its files created, renamed, the directory
 * itself renamed away: no event ever comes).  So the watch is checked
 * against the path's directory at each check, dropped when it is another
 * (the names are then looked at every check, as when polling, until the
 * path's directory is watched again), and is taken as watched only when
 * the path named the same directory before and after the watch was
 * added.  Returns 1 when the watch is new: what happened in the
 * directory while it was not watched was not seen, and its names must be
 * looked at.
 */
int
watch_dir(struct dirwatch *d)
{
	uint64_t dev, ino, dev2, ino2;

	if (ifd < 0)
		return 0;
	if (d->wd >= 0) {
		if (dir_id(d->path, &dev, &ino) && dev == d->dev && ino == d->ino)
			return 0;
		inotify_rm_watch(ifd, d->wd);	/* a stale watch */
		d->wd = -1;
		nwatches--;
	}
	if (!dir_id(d->path, &dev, &ino))
		return 0;
	d->wd = add_watch(d->path, DIR_EVENTS);
	if (d->wd < 0)
		return 0;
	if (!dir_id(d->path, &dev2, &ino2) || dev2 != dev || ino2 != ino) {
		/* Replaced meanwhile: which one is watched is not known. */
		inotify_rm_watch(ifd, d->wd);
		d->wd = -1;
		nwatches--;
		return 0;
	}
	d->dev = dev;
	d->ino = ino;
	return 1;
}

/* Mark the names an inotify event concerns. */
static void
handle_event(const struct inotify_event *ev)
{
	size_t i, j;

	if (ev->mask & IN_Q_OVERFLOW) {
		for (i = 0; i < nfiles; i++)
			files[i].need_look = 1;
		return;
	}
	for (i = 0; i < ndirs; i++) {
		if (dirs[i].wd != ev->wd)
			continue;
		if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
			/* The directory went away or moved: watch the path again later. */
			if (!(ev->mask & IN_IGNORED))
				inotify_rm_watch(ifd, dirs[i].wd);
			dirs[i].wd = -1;
			nwatches--;
		}
		/* Only NAME's own entry matters: what else moved is found by
		 * looking (names recorded at rename time may hold newer files
		 * by the time they are opened). */
		for (j = 0; j < nfiles; j++) {
			struct tracked *t = &files[j];

			if (t->dir == i &&
			    (ev->len == 0 || strcmp(ev->name, t->f.base) == 0))
				t->need_look = 1;
		}
		return;
	}
	for (i = 0; i < nfiles; i++) {
		struct follow *f = &files[i].f;
		int hit = f->cur != NULL && f->cur->wd == ev->wd;

		for (j = 0; j < f->nold; j++)
			hit |= f->old[j]->wd == ev->wd;
		if (!hit)
			continue;
		files[i].need_look = 1;
		if (ev->mask & IN_IGNORED) {
			if (f->cur != NULL && f->cur->wd == ev->wd)
				f->cur->wd = -1;
			for (j = 0; j < f->nold; j++)
				if (f->old[j]->wd == ev->wd)
					f->old[j]->wd = -1;
		}
	}
}

void
read_events(void)
{
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	char *p;

	for (;;) {
		n = read(ifd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				fall_back_to_polling("read failed");
			return;
		}
		for (p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const void *)p;

			handle_event(ev);
			p += sizeof *ev + ev->len;
		}
	}
}

void
start_inotify(void)
{
	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ifd < 0)
		warn("inotify unavailable (%s); polling every %d ms", strerror(errno),
		    poll_ms);
}
