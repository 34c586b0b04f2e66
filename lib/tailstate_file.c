/* tailstate_file: mr-tail's checkpoint file (see tailstate_file.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"
#include "msg.h"
#include "out.h"
#include "tailstate_file.h"
#include "tailstate_text.h"
#include "tmpfile.h"
#include "xalloc.h"

/* A version 1 file's names get the file's time as their horizon. */
static void
add_horizons(struct tailstate *st, int64_t horizon)
{
	size_t i, j, n = st->n;

	for (i = 0; i < n; i++) {
		struct tailstate_entry e;
		int seen = 0;

		for (j = 0; j < i && !seen; j++)
			seen = st->e[j].pending == st->e[i].pending &&
			    strcmp(st->e[j].name, st->e[i].name) == 0;
		if (seen)
			continue;
		memset(&e, 0, sizeof e);
		e.kind = TAILSTATE_NAME;
		e.name = st->e[i].name;
		e.pending = st->e[i].pending;
		e.horizon = horizon;
		tailstate_add(st, &e);
	}
}

int
tailstate_load(struct tailstate *st, const char *path)
{
	struct buf text = { NULL, 0, 0 };
	struct stat sb;
	uint64_t line;
	const char *why;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		die("%s:", path);
	}
	if (fstat(fd, &sb) < 0)
		die("%s:", path);
	if (S_ISDIR(sb.st_mode))
		errno = EISDIR;	/* said as every program says it */
	if (!S_ISREG(sb.st_mode))
		die(S_ISDIR(sb.st_mode) ? "%s:" : "%s: not a regular file", path);
	if (file_read_all(fd, &text) < 0)
		die("%s:", path);
	close(fd);
	if (tailstate_parse(st, text.p, text.len, &line, &why) < 0) {
		buf_free(&text);	/* why is a literal: nothing else to keep */
		tailstate_free(st);
		die_at(path, line, "corrupt state file: %s", why);
	}
	buf_free(&text);
	if (st->version == 1)
		add_horizons(st, (int64_t)sb.st_mtim.tv_sec * 1000000000 +
		    sb.st_mtim.tv_nsec);
	return 0;
}

/* The directory of PATH, so that the rename itself is made durable. */
static void
sync_dir(const char *path)
{
	char *dir = path_dir(path);
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL))
		die("%s:", dir);
	close(fd);
	free(dir);
}

/* The state file this process holds (tailstate_lock), or -1. */
static int lock_fd = -1;
static char *lock_path;

/* A failed save: the temporary file removed, the error said. */
static void
save_failed(const char *tmp, const char *path)
{
	int saved = errno;

	tmp_remove(tmp);
	errno = saved;
	die("%s: write error:", path);
}

/*
 * write_temp: ST's text in a new temporary file beside PATH, written and
 * fsynced -- the first half of every save, and the whole of the check
 * that PATH can be saved.  Its descriptor (open), *TMP its name.  Dies as
 * a failed save does, leaving no temporary.
 */
static int
write_temp(const struct tailstate *st, const char *path, const char **tmp)
{
	size_t len;
	char *buf = tailstate_format(st, &len);
	int fd = tmp_create_beside(path, 0666, tmp);
	int failed = write_all(fd, buf, len) < 0 || fsync(fd) < 0;

	free(buf);
	if (failed)
		save_failed(*tmp, path);
	return fd;
}

/* create_locked: PATH made, an empty state, locked; 0, or -1 (errno
 * EEXIST) when another process made it first. */
static int
create_locked(const char *path)
{
	struct tailstate empty;
	const char *tmp;
	int fd, saved;

	tailstate_init(&empty);
	fd = write_temp(&empty, path, &tmp);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || link(tmp, path) < 0) {
		saved = errno;
		close(fd);
		tmp_remove(tmp);
		/* EEXIST: another run made PATH first.  ENOENT, EWOULDBLOCK:
		 * a run holding PATH took this file for a killed run's
		 * temporary (remove_stale_temporaries); either way, try again. */
		if (saved == EEXIST || saved == ENOENT || saved == EWOULDBLOCK)
			return -1;
		errno = saved;
		die("%s:", path);
	}
	tmp_remove(tmp);	/* the file stays, as PATH */
	sync_dir(path);
	lock_fd = fd;
	return 0;
}

/*
 * remove_stale_temporaries: a run killed by kill -9 while saving leaves
 * its temporary beside PATH.  Once PATH is held, no other run saves it,
 * so a temporary no one has locked is such a leftover and goes.  (The one
 * exception, a first run making PATH in create_locked, is told apart by
 * its lock, or retries when its file goes before it locked it.)
 */
static void
remove_stale_temporaries(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	char *dir = path_dir(path);
	struct dirent *d;
	struct stat sb;
	DIR *dp;
	int fd;

	if ((dp = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((d = readdir(dp)) != NULL) {
		if (!tmp_is_beside(d->d_name, base))
			continue;
		fd = openat(dirfd(dp), d->d_name,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlinkat(dirfd(dp), d->d_name, 0);
		close(fd);
	}
	closedir(dp);
	free(dir);
}

/*
 * A run that just ended may hold the lock a little longer: a child it was
 * starting (by vfork, before its exec closed the descriptor) when it was
 * killed.  So a held lock is tried again for a second (10 ms apart).
 */
#define LOCK_TRIES 100

int
tailstate_lock(const char *path, int create)
{
	struct stat held, now;
	int fd, tries = 0;

	for (;;) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			if (errno != ENOENT)
				die("%s:", path);
			if (!create)
				return 0;
			if (create_locked(path) == 0)
				break;
			continue;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int saved = errno;

			close(fd);
			if (saved == EWOULDBLOCK && tries++ < LOCK_TRIES) {
				nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
				continue;
			}
			if (saved == EWOULDBLOCK)
				return -1;
			errno = saved;
			die("%s:", path);
		}
		/* Locked, but PATH may have been replaced meanwhile. */
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 &&
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
			lock_fd = fd;
			break;
		}
		close(fd);
	}
	lock_path = xstrdup(path);
	remove_stale_temporaries(path);
	return 0;
}

void
tailstate_save(const struct tailstate *st, const char *path)
{
	const char *tmp;
	int fd = write_temp(st, path, &tmp);
	int held = lock_fd >= 0 && strcmp(path, lock_path) == 0;

	/* A held state: the new file is locked before it is PATH, the old one
	 * let go after. */
	if (held ? flock(fd, LOCK_EX | LOCK_NB) < 0 : close(fd) < 0)
		save_failed(tmp, path);
	tmp_commit(tmp, path);
	if (held) {
		close(lock_fd);
		lock_fd = fd;
	}
	sync_dir(path);
}

void
tailstate_check_writable(const struct tailstate *st, const char *path)
{
	const char *tmp;
	int fd = write_temp(st, path, &tmp);

	close(fd);
	tmp_remove(tmp);
}
