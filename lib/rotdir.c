/* rotdir: the files of a log's rotation set (see rotdir.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"
#include "rotdir.h"
#include "tmpfile.h"
#include "xalloc.h"

char *
rotdir_path(const struct rotdir *rd, const char *ent)
{
	size_t dl = strlen(rd->prefix), el = strlen(ent);
	char *p = xmalloc(dl + el + 1);

	memcpy(p, rd->prefix, dl);
	memcpy(p + dl, ent, el + 1);
	return p;
}

void
rotdir_exclude_init(struct rotdir_exclude *ex, const char *state, int out_fd)
{
	struct fileid_stat fi;
	const char *slash;

	memset(ex, 0, sizeof *ex);
	if (state != NULL) {
		char *dir = path_dir(state);

		slash = strrchr(state, '/');
		ex->has_state = fileid_stat_at(AT_FDCWD, dir, 0, &fi) == 0;
		free(dir);
		ex->dir_dev = fi.dev;
		ex->dir_ino = fi.ino;
		ex->name = slash != NULL ? slash + 1 : state;
	}
	if (out_fd >= 0 && fileid_stat_fd(out_fd, &fi) == 0 && fi.regular) {
		ex->has_out = 1;
		ex->out_dev = fi.dev;
		ex->out_ino = fi.ino;
	}
}

/* list_once: the regular files of RD's rotation set, listed once; their count. */
static size_t
list_once(const struct rotdir *rd, struct rotdir_file **out)
{
	struct rotdir_file *c = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int state_dir = 0;	/* the state file's directory */

	*out = NULL;
	if ((d = opendir(rd->dir)) == NULL)
		return 0;
	if (rd->ex != NULL && rd->ex->has_state) {
		struct fileid_stat dfi;

		state_dir = fileid_stat_fd(dirfd(d), &dfi) == 0 &&
		    dfi.dev == rd->ex->dir_dev && dfi.ino == rd->ex->dir_ino;
	}
	while ((de = readdir(d)) != NULL) {
		struct rot_name rn;
		struct fileid_stat fi;

		if (!rotset_match(rd->base, de->d_name, rd->globs, rd->nglobs, &rn))
			continue;
		if (state_dir && (strcmp(de->d_name, rd->ex->name) == 0 ||
		    tmp_is_beside(de->d_name, rd->ex->name)))
			continue;
		if (fileid_stat_at(dirfd(d), de->d_name, 0, &fi) < 0 || !fi.regular)
			continue;
		if (rd->ex != NULL && rd->ex->has_out && fi.dev == rd->ex->out_dev &&
		    fi.ino == rd->ex->out_ino)
			continue;
		ARRAY_RESERVE(c, cap, n + 1);
		c[n].ent = xstrdup(de->d_name);
		c[n].path = rotdir_path(rd, de->d_name);
		c[n].fi = fi;
		c[n].rn = rn;
		c[n].used = 0;
		c[n].changed = 0;
		n++;
	}
	closedir(d);
	*out = c;
	return n;
}

/* Whether two listings name the same files the same way. */
static int
same_listing(const struct rotdir_file *a, size_t na, const struct rotdir_file *b,
    size_t nb)
{
	size_t i, j;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (a[i].fi.ino == b[j].fi.ino && a[i].fi.dev == b[j].fi.dev &&
			    strcmp(a[i].ent, b[j].ent) == 0)
				break;
		if (j == nb)
			return 0;
	}
	return 1;
}

size_t
rotdir_list(const struct rotdir *rd, struct rotdir_file **out)
{
	struct rotdir_file *c, *again;
	size_t n = list_once(rd, &c), m;
	int tries;

	for (tries = 0; tries < 64; tries++) {
		/* A burst of rotations (a logrotate run renames every
		 * generation) is let pass: a listing during it may miss a
		 * file a known source is, and take it for gone. */
		if (tries > 0 && tries % 8 == 0) {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
		}
		m = list_once(rd, &again);
		if (same_listing(c, n, again, m)) {
			rotdir_free(again, m);
			break;
		}
		rotdir_free(c, n);
		c = again;
		n = m;
	}
	*out = c;
	return n;
}

void
rotdir_free(struct rotdir_file *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].ent);
		free(c[i].path);
	}
	free(c);
}

int
rotdir_open(const struct rotdir *rd, struct rotdir_file *c)
{
	int tries;

	for (tries = 0; tries < 4; tries++) {
		struct fileid_stat fi;
		struct dirent *de;
		DIR *d;
		int fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

		if (fd >= 0 && fileid_stat_fd(fd, &fi) == 0 && fi.dev == c->fi.dev &&
		    fi.ino == c->fi.ino && fileid_same_birth(fi.btime, c->fi.btime))
			return fd;
		if (fd >= 0)
			close(fd);
		if ((d = opendir(rd->dir)) == NULL)
			return -1;
		while ((de = readdir(d)) != NULL && (de->d_ino != c->fi.ino ||
		    strcmp(de->d_name, rd->base) == 0))
			;
		/* Not found: gone, or missed -- a name taken by a rename
		 * while the directory was read may not be seen (the name it
		 * had gone, the one it has passed).  Looked for again. */
		if (de != NULL) {
			free(c->path);
			c->path = rotdir_path(rd, de->d_name);
		}
		closedir(d);
	}
	return -1;
}

int
rotdir_being_compressed(const struct rotdir_file *c, size_t nc,
    const struct rotdir_file *z)
{
	size_t i, extlen, n = strlen(z->ent);

	rotset_unpacker(z->ent, &extlen);
	for (i = 0; i < nc; i++)
		if (c[i].rn.unpack == NULL && strlen(c[i].ent) == n - extlen &&
		    strncmp(c[i].ent, z->ent, n - extlen) == 0)
			return 1;
	return 0;
}

int
rotdir_born_since(const struct rotdir_file *c, int64_t horizon)
{
	if (c->rn.unpack != NULL) {
		if (c->fi.mtime % FILEID_NS == 0)	/* kept to the second only */
			horizon -= ((horizon % FILEID_NS) + FILEID_NS) % FILEID_NS;
		return c->fi.mtime >= horizon;
	}
	return (c->fi.btime != 0 ? c->fi.btime : c->fi.mtime) >= horizon;
}

int
rotdir_older(const struct rotdir_file *a, const struct rotdir_file *b)
{
	int r;

	if ((r = rotset_age_cmp(&a->rn, &b->rn)) != 0)
		return r < 0;
	if (a->rn.unpack == NULL && b->rn.unpack == NULL && !a->changed &&
	    !b->changed && a->fi.btime != 0 && b->fi.btime != 0 &&
	    a->fi.btime != b->fi.btime)
		return a->fi.btime < b->fi.btime;
	if (a->fi.mtime != b->fi.mtime)
		return a->fi.mtime < b->fi.mtime;
	return strcmp(a->ent, b->ent) < 0;
}

uint64_t
rotdir_gzip_size(const struct rotdir *rd, struct rotdir_file *c)
{
	unsigned char t[4];
	int fd;

	if (c->rn.unpack == NULL || strcmp(c->rn.unpack, "gzip") != 0 ||
	    c->fi.size < 18 || (fd = rotdir_open(rd, c)) < 0)
		return 0;
	if (fileid_pread(fd, t, 4, c->fi.size - 4) != 4) {
		close(fd);
		return 0;
	}
	close(fd);
	return (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 |
	    (uint64_t)t[3] << 24;
}
