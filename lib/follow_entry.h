/*
 * follow_entry: a checkpoint entry's file found again after a stop,
 * wherever rotations took it, or its loss named (for lib/follow*.c only;
 * follow_resume puts what these find in order).
 */
#ifndef MR_FOLLOW_ENTRY_H
#define MR_FOLLOW_ENTRY_H

#include <stddef.h>

#include "fileid.h"
#include "follow.h"
#include "rotdir.h"
#include "tailstate.h"

/* A source of entry E's file, found open as FD (FI, named PATH); marked
 * gone, with E's content as what it was, if it no longer holds it. */
struct follow_src *follow_entry_src(struct follow *f, int fd,
    const struct fileid_stat *fi, const char *path,
    const struct tailstate_entry *e);

/* Entry E's file among listing C (NC files), by its inode and birth time,
 * still holding ID, what E knows of it; NULL if none. */
struct follow_src *follow_entry_by_inode(struct follow *f, struct rotdir_file *c,
    size_t nc, const struct tailstate_entry *e, const struct fileid_content *id);

/* Entry E's file where it was (E's path), outside the rotation set: the
 * earlier target of a symbolic link retargeted while stopped; NULL if
 * not there. */
struct follow_src *follow_entry_where_it_was(struct follow *f,
    const struct tailstate_entry *e, const struct fileid_content *id);

/* NAME's file S holds what its entry knows, and so does another file of
 * listing C born since the horizon, with more: S is read on, and that an
 * unknown amount may be lost is said. */
void follow_same_bytes_elsewhere(struct follow *f, struct rotdir_file *c,
    size_t nc, const struct follow_src *s);

/* Entry E's file was not found (or was TRUNCATED): what it held past its
 * offset is named as lost and counted; UNREADABLE is its probable
 * compressed copy without a decompressor, or NULL. */
void follow_entry_lost(struct follow *f, const struct tailstate_entry *e,
    const struct rotdir_file *c, size_t nc, struct rotdir_file *unreadable,
    int truncated);

#endif
