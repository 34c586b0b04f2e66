/*
 * rotdir: the files of a log's rotation set (rotset.h) in its directory:
 * listed as at one instant, opened as the files listed (not whatever holds
 * their names by then), ordered by age.
 */
#ifndef MR_ROTDIR_H
#define MR_ROTDIR_H

#include <stddef.h>
#include <stdint.h>

#include "fileid.h"
#include "rotset.h"

/*
 * Files that are never a log's generation, whatever their names: the
 * state file (NAME in the directory DIR_DEV, DIR_INO), the temporaries
 * that replace it (.NAME.XXXXXX beside it), and the file standard output
 * writes to (OUT_DEV, OUT_INO when HAS_OUT).
 */
struct rotdir_exclude {
	int has_state;
	uint64_t dir_dev, dir_ino;
	const char *name;
	int has_out;
	uint64_t out_dev, out_ino;
};

/* Which log: its directory, its name there, how paths are written. */
struct rotdir {
	const char *dir;	/* "." for a bare name */
	const char *base;	/* the log's name in DIR */
	const char *prefix;	/* DIR as the user wrote it, with its '/', or "" */
	char *const *globs;	/* extra names (--rotated) */
	size_t nglobs;
	const struct rotdir_exclude *ex;	/* or NULL */
};

/* A file of the rotation set. */
struct rotdir_file {
	char *ent;		/* its directory entry in the listing */
	char *path;		/* prefix and entry (where rotdir_open found it) */
	struct fileid_stat fi;
	struct rot_name rn;
	int used;		/* the caller's: found as a known file, or read */
	int changed;		/* the caller's: a known inode with new content */
};

/*
 * rotdir_list: the regular files of RD's rotation set, as at one instant:
 * readdir is no snapshot, and a rotation during it can show a file twice,
 * or one under its name before and another under its name after, which
 * would mislead what names say about age, or miss a file.  So the
 * directory is listed until two listings agree (a burst of renames waited
 * out, some milliseconds at most).  Their count; *OUT to be freed with
 * rotdir_free.
 */
size_t rotdir_list(const struct rotdir *rd, struct rotdir_file **out);

/* rotdir_exclude_init: EX names the state file STATE (or NULL) and the
 * file descriptor OUT_FD writes to (when a regular file). */
void rotdir_exclude_init(struct rotdir_exclude *ex, const char *state, int out_fd);

void rotdir_free(struct rotdir_file *c, size_t n);

/* rotdir_path: ENT as RD's prefix writes it (malloc'd). */
char *rotdir_path(const struct rotdir *rd, const char *ent);

/*
 * rotdir_open: open C -- the file listed, not whatever holds its name by
 * now (a rotation may have moved it meanwhile: it is then looked for by
 * its inode and birth time, and C's path updated; its entry, and what it
 * says of its age, stay the listing's, comparable with the others').  -1
 * when it is gone (not found in a few looks: one may miss a file renamed
 * meanwhile).
 */
int rotdir_open(const struct rotdir *rd, struct rotdir_file *c);

/*
 * rotdir_older: whether generation A is older than B: by what their names
 * say (numbered, dated), else by birth (plain files not truncated since:
 * copytruncate keeps an old inode with new content), else by when they
 * were last written (what a compressor keeps), else by name.
 */
int rotdir_older(const struct rotdir_file *a, const struct rotdir_file *b);

/*
 * rotdir_born_since: whether C was born at or after HORIZON.  A plain file
 * has a birth time (else its modification time stands in).  A compressed
 * one was made from a file whose modification time the compressor kept
 * (bzip2 to the second only): a generation born since the horizon was
 * written since.
 */
int rotdir_born_since(const struct rotdir_file *c, int64_t horizon);

/* rotdir_being_compressed: whether compressed Z (of the NC files C) has its
 * original beside it: a compressor still writing it. */
int rotdir_being_compressed(const struct rotdir_file *c, size_t nc,
    const struct rotdir_file *z);

/* rotdir_gzip_size: what gzip file C decompresses to (its trailer: modulo
 * 2^32, right for what logs are), 0 when not gzip or unknown. */
uint64_t rotdir_gzip_size(const struct rotdir *rd, struct rotdir_file *c);

#endif
