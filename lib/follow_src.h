/*
 * follow_src: the files a follow reads (for lib/follow*.c only).
 *
 * A source is one open file of a follow -- NAME's current file, or an
 * earlier generation in f->old (oldest first) -- or a decompressor's
 * output reading a compressed one (a child process).  What a source
 * holds is known by a struct fileid_content: its head, the bytes before
 * its line offset, and when that content began (its copies are born
 * since).  This module opens and frees sources, keeps the list of
 * earlier generations, tells whether a listed file is one the follow
 * reads, and names a loss.
 */
#ifndef MR_FOLLOW_SRC_H
#define MR_FOLLOW_SRC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fileid.h"
#include "follow.h"
#include "rotdir.h"
#include "tailstate.h"

#define FP TAILSTATE_FP_MAX	/* bytes of a head or fingerprint */
#define NS 1000000000LL		/* nanoseconds a second */
#define BUF_INIT (128 * 1024)	/* a source's line buffer to begin with */

/* The first bytes of a compressed file as it was when decompressed. */
struct follow_zhead {
	uint64_t dev, ino, size;
	int64_t btime, mtime;
	unsigned char head[FP];
	size_t headlen;
};

/* follow_open_name: open NAME for reading; what it is in *FI.  -1 with
 * errno (EISDIR for a directory). */
int follow_open_name(struct follow *f, struct fileid_stat *fi);

/* follow_src_new: a source of plain file FD (FI, named PATH) at line
 * start OFF; the caller's hook is told it opened. */
struct follow_src *follow_src_new(struct follow *f, int fd, const struct fileid_stat *fi,
    const char *path, uint64_t off);

/* follow_src_drop: free S (its decompressor ended); its file is closed
 * unless KEEP_FD.  follow_src_free: the same, closing it. */
void follow_src_drop(struct follow *f, struct follow_src *s, int keep_fd);
void follow_src_free(struct follow *f, struct follow_src *s);

/* follow_add_old: S is the newest earlier generation.  follow_drop_old:
 * close those from index FIRST on (found by a look made again). */
void follow_add_old(struct follow *f, struct follow_src *s);
void follow_drop_old(struct follow *f, size_t first);

/*
 * follow_stream_open: start reading compressed file C at ID's offset,
 * checking ID's head and fingerprint (ID NULL: from 0, unchecked).  The
 * source, or NULL (*MISSING when C's decompressor is not installed).
 */
struct follow_src *follow_stream_open(struct follow *f, struct rotdir_file *c,
    const struct fileid_content *id, int *missing);

/* follow_stream_head: the first bytes of compressed C in HEAD (*HEADLEN
 * of them); -1 if they cannot be had.  Kept for the file as it is (its
 * identity, size and time): a look that lists the directory again does
 * not start its decompressor again. */
int follow_stream_head(struct follow *f, struct rotdir_file *c, unsigned char *head,
    size_t *headlen);

/* follow_zheads_free: forget the first bytes kept of compressed files. */
void follow_zheads_free(struct follow *f);

/*
 * follow_head_known: whether S's first bytes tell its content from
 * another's: a whole line of them, or all a head holds.  A line caught
 * halfway written ("00", "2026-") starts many files alike: such a head is
 * no identity (follow_ident_of_src and a checkpoint leave it out).
 */
int follow_head_known(const struct follow_src *s);

/* What checkpoint entry E, or source S, knows of its content, in *ID. */
void follow_ident_of_entry(struct fileid_content *id, const struct tailstate_entry *e);
void follow_ident_of_src(struct fileid_content *id, const struct follow_src *s);

/* follow_known: whether F reads the file FI already.  follow_cand_is:
 * whether listed file C is source S. */
int follow_known(const struct follow *f, const struct fileid_stat *fi);
int follow_cand_is(const struct rotdir_file *c, const struct follow_src *s);

/* follow_as_file: what rotdir needs of source S to tell its age. */
void follow_as_file(const struct follow *f, const struct follow_src *s,
    struct rotdir_file *r);

/*
 * follow_report_loss: name BYTES at OFF in PATH that can no longer be
 * read (WHAT happened), count them, and say about how many lines they
 * held (from LINES in LBYTES read of that file, else from all read).
 */
void follow_report_loss(struct follow *f, const char *path, const char *what,
    uint64_t bytes, uint64_t off, uint64_t lines, uint64_t lbytes);
/* follow_report_loss_counted: follow_report_loss when the lines are known:
 * exactly LINES, or at least LINES (AT_LEAST), or not at all (LINES 0). */
void follow_report_loss_counted(struct follow *f, const char *path,
    const char *what, uint64_t bytes, uint64_t off, uint64_t lines, int at_least);

#endif
