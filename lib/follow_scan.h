/*
 * follow_scan: finding a follow's generations in its directory (for
 * lib/follow*.c only).
 *
 * Names are never trusted.  A listing of the rotation set (rotdir.h) is
 * compared with what the follow knows: a copy of a file's content (the
 * one copytruncate made, or a compressed one) is found by its bytes,
 * among files born since that content began; every other file born since
 * the horizon -- the time of the last complete look -- that is neither a
 * source nor a copy of known content is a generation not seen, opened
 * from its start and put among the earlier generations by age.
 */
#ifndef MR_FOLLOW_SCAN_H
#define MR_FOLLOW_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "fileid.h"
#include "follow.h"
#include "rotdir.h"
#include "tailstate.h"

/*
 * follow_find_copy: the file of listing C (NC files) that continues ID's
 * content in another inode than DEV/INO -- a plain copy holding the bytes
 * before id->off and more (with HEAD, the head's bytes themselves: a copy
 * shorter than the head that holds its first bytes, made by a copytruncate
 * that raced a write), or a compressed copy -- opened at id->off and
 * marked used; NULL if none.  *UNREADABLE (may be NULL) is a compressed
 * candidate without its decompressor, for naming the loss.
 */
struct follow_src *follow_find_copy(struct follow *f, struct rotdir_file *c, size_t nc,
    const struct fileid_content *id, const unsigned char *head, uint64_t dev,
    uint64_t ino, struct rotdir_file **unreadable);

/* follow_keep_read_copies: the plain copies of ID's content holding
 * nothing past id->off, kept as sources at their end (known from now on,
 * never taken for generations not seen). */
void follow_keep_read_copies(struct follow *f, struct rotdir_file *c, size_t nc,
    const struct fileid_content *id, const unsigned char *head, uint64_t dev,
    uint64_t ino);

/*
 * follow_find_unseen: the generations of listing *CP (*NCP files; listed
 * again when one moves away before it is opened) not seen: not NAME's
 * file NAMEFI (may be NULL), not a source nor a copy of a source's or of
 * checkpoint entry E[0..N)'s content; with BEFORE (the current file,
 * truncated), only those older than it.  Opened from their start and
 * added to the earlier generations, oldest first, with a notice each.
 */
void follow_find_unseen(struct follow *f, struct rotdir_file **cp, size_t *ncp,
    const struct fileid_stat *namefi, const struct tailstate_entry *e, size_t n,
    const struct follow_src *before);

/* follow_sort_old: the earlier generations from index FIRST on, oldest first. */
void follow_sort_old(struct follow *f, size_t first);

/* follow_carry_marks: the marks of listing C (changed; with USED, used)
 * on the same files in a later listing AGAIN. */
void follow_carry_marks(const struct rotdir_file *c, size_t nc, struct rotdir_file *again,
    size_t m, int used);

/* follow_end_look: a look that began at T0 is over; when COMPLETE (NAME
 * found) the horizon moves to T0, unless a young empty file or a file that
 * moved before it was opened holds it back. */
void follow_end_look(struct follow *f, int64_t t0, int complete);

#endif
