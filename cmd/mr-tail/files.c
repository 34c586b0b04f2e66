/* mr-tail: the followed names -- what the state knows each by, its
 * entries matched to it, and each opened where the state or the options
 * say. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fileid.h"
#include "fileio.h"
#include "follow.h"
#include "msg.h"
#include "xalloc.h"

#include "tail.h"

struct tracked *files;
size_t nfiles;
struct dirwatch *dirs;
size_t ndirs;
static size_t dircap;

static size_t
dir_index(const char *path)
{
	size_t i;

	for (i = 0; i < ndirs; i++)
		if (strcmp(dirs[i].path, path) == 0)
			return i;
	ARRAY_RESERVE(dirs, dircap, ndirs + 1);
	dirs[ndirs].path = xstrdup(path);
	dirs[ndirs].wd = -1;
	return ndirs++;
}

/*
 * state_key: what the state knows NAME by, however it is spelled
 * (app.log, ./app.log, /var/log/app.log): its directory resolved by
 * realpath(3), then its last component, not resolved (a symbolic link is
 * followed as a link).  A directory that cannot be resolved (missing,
 * with --retry): NAME made absolute.
 */
static char *
state_key(const char *name)
{
	const char *slash = strrchr(name, '/');
	char dir[PATH_MAX], *key, *d = path_dir(name);
	const char *base = slash != NULL ? slash + 1 : name;
	size_t dl;

	if (realpath(d, dir) == NULL) {
		base = name;
		if (name[0] == '/' || getcwd(dir, sizeof dir) == NULL)
			dir[0] = '\0';
	}
	free(d);
	dl = strlen(dir);
	key = xmalloc(dl + strlen(base) + 2);
	sprintf(key, "%s%s%s", dir, dl > 0 && dir[dl - 1] != '/' ? "/" : "", base);
	return key;
}

/*
 * adopt_spelling: with no entry under F's key, the entries of another
 * name (one no name of this run has) are F's when that name is spelled
 * otherwise for the same place, or when one of them is F's current file
 * by identity (device, inode, birth time, the content it knew): a state
 * written by a version that kept names as typed, or a log moved into a
 * directory reached another way.  They are renamed to F's key in LOADED,
 * so that they are resumed and written under it.
 */
static void
adopt_spelling(struct follow *f)
{
	struct fileid_stat fi;
	char *was = NULL;
	size_t i, k;
	int fd;

	for (i = 0; i < loaded.n; i++)
		if (strcmp(loaded.e[i].name, f->key) == 0)
			return;
	fd = open(f->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 && fileid_stat_fd(fd, &fi) < 0) {
		close(fd);
		fd = -1;
	}
	for (i = 0; i < loaded.n && was == NULL; i++) {
		const struct tailstate_entry *e = &loaded.e[i];
		char *key;
		int claimed = 0, same;

		for (k = 0; k < nfiles && !claimed; k++)
			claimed = strcmp(files[k].f.key, e->name) == 0;
		if (claimed)
			continue;
		key = state_key(e->name);
		same = strcmp(key, f->key) == 0 ||
		    (fd >= 0 && follow_holds_entry(fd, &fi, e));
		free(key);
		if (same)
			was = xstrdup(e->name);
	}
	if (fd >= 0)
		close(fd);
	if (was == NULL)
		return;
	if (strcmp(was, f->name) != 0)
		warn("%s: known to the state as %s: continued from there", f->name, was);
	for (i = 0; i < loaded.n; i++) {
		if (strcmp(loaded.e[i].name, was) == 0) {
			free(loaded.e[i].name);
			loaded.e[i].name = xstrdup(f->key);
		}
	}
	free(was);
}

/* Open the files to follow (at the state's places, or as HOW says for
 * files the state does not know); how many the state did not know. */
size_t
open_files(char **names, int n, enum follow_start how, uint64_t lines,
    int retry, int once, const struct follow_opts *fo)
{
	size_t nnew = 0;
	int i;

	files = xreallocarray(NULL, (size_t)n, sizeof *files);
	for (i = 0; i < n; i++) {
		char *key = state_key(names[i]);
		size_t k;

		for (k = 0; k < nfiles && strcmp(files[k].f.key, key) != 0; k++)
			;
		if (k < nfiles) {	/* the same log named twice */
			warn("%s: the same file as %s; followed once", names[i],
			    files[k].f.name);
			free(key);
			continue;
		}
		memset(&files[nfiles], 0, sizeof files[nfiles]);
		follow_init(&files[nfiles].f, names[i], fo);
		files[nfiles].f.key = key;
		files[nfiles].dir = dir_index(files[nfiles].f.dir);
		files[nfiles].need_look = 1;
		files[nfiles].expiry = -1;
		nfiles++;
	}
	/* Watch before the first read: what is appended meanwhile is seen. */
	for (size_t d = 0; d < ndirs; d++)
		watch_dir(&dirs[d]);
	for (size_t k = 0; k < nfiles; k++) {
		struct follow *f = &files[k].f;
		struct tailstate_entry *mine = NULL;
		size_t nmine = 0, minecap = 0, j;
		int64_t horizon = 0;
		int known = 0, r;

		adopt_spelling(f);
		for (j = 0; j < loaded.n; j++) {
			const struct tailstate_entry *e = &loaded.e[j];

			if (e->pending || strcmp(e->name, f->key) != 0)
				continue;
			known = 1;
			if (e->kind == TAILSTATE_NAME) {
				horizon = e->horizon;
			} else {
				ARRAY_RESERVE(mine, minecap, nmine + 1);
				mine[nmine++] = *e;
				pending_knowledge(&mine[nmine - 1]);
			}
		}
		r = known ? follow_resume(f, horizon, mine, nmine) :
		    follow_start(f, how, lines);
		free(mine);
		nnew += !known;
		if (!known && no_commit)	/* a retry starts here again */
			follow_export(f, &start, 0);
		if (r < 0) {
			/* Caught between a rotation's rename and its create:
			 * the state knows NAME and its rest was found, to be
			 * read; NAME's next file is awaited as with --retry. */
			int between = errno == ENOENT && !retry && known && f->nold > 0;

			if (errno != ENOENT || !(retry || between))
				die("%s:", f->name);
			if (between && (verbose || !once))
				warn("%s: does not exist (rotated, not created again yet); "
				    "reading the rest of its rotated file", f->name);
			else if (!once)	/* with --once, a file yet to come is empty */
				warn("%s: does not exist yet; waiting for it", f->name);
		}
	}
	return nnew;
}

/* Whether looking for the files of the state found some lost. */
int
losses_reported(void)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		if (files[i].f.n.losses > 0)
			return 1;
	return 0;
}
