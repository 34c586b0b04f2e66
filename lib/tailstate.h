/*
 * tailstate: mr-tail's checkpoint, in memory.
 *
 * For each followed name the state holds a NAME entry, the horizon of its
 * last look (files created before it were all accounted for then), and a
 * FILE entry per file of that name not yet read to its end (rotated files
 * oldest first, the current file last).  A FILE entry records the file's
 * identity -- device, inode, birth time, and two content fingerprints:
 * tailstate_fingerprint of up to TAILSTATE_FP_MAX bytes just before the
 * offset, and of the file's first bytes (its head) -- the offset just
 * after the last line written to standard output, and what is needed to
 * name a loss: the file's path and size when last seen, its modification
 * time, and how many lines (spanning how many bytes) were read from it.
 * Entries are "committed" (where to resume) or "pending" (recorded by
 * --once --no-commit, promoted by --commit).  The state also records the
 * file standard output was (the output record, out_*), so that a later
 * run can tell a line a killed run tore from another program's data.
 *
 * The three modules of the checkpoint:
 *	tailstate.h       this model: entries added, dropped, committed
 *	tailstate_text.h  its text: the file format, parsed and written
 *	tailstate_file.h  its file: loaded, locked, replaced atomically
 */
#ifndef MR_TAILSTATE_H
#define MR_TAILSTATE_H

#include <stddef.h>
#include <stdint.h>

#define TAILSTATE_FP_MAX 256

enum tailstate_kind { TAILSTATE_NAME, TAILSTATE_FILE };

struct tailstate_entry {
	char *name;		/* the followed name, as given */
	char *path;		/* FILE: the file's path when last seen; else NULL */
	int kind;		/* TAILSTATE_NAME or TAILSTATE_FILE */
	int pending;
	int64_t horizon;	/* NAME: files born before it were looked at */
	uint64_t dev;
	uint64_t ino;
	int64_t btime;		/* birth time (ns), 0 if unknown */
	uint64_t off;
	uint32_t fplen;		/* bytes hashed, min(off, TAILSTATE_FP_MAX) */
	uint64_t fp;		/* fingerprint of the fplen bytes before off */
	uint32_t headlen;	/* the file's first bytes hashed, <= TAILSTATE_FP_MAX */
	uint64_t head;		/* fingerprint of them */
	uint64_t size;		/* the file's size when last seen */
	int64_t mtime;		/* its modification time then (ns) */
	uint64_t lines;		/* lines read from it ... */
	uint64_t lbytes;	/* ... and the bytes they span */
	/* Not in the file: what the pending entry of the same file (an
	 * uncommitted batch) knew of it, set by the caller for a committed
	 * entry: its size then, and the PEND_LINES lines read up to PEND_OFF. */
	uint64_t pend_size, pend_off, pend_lines;
};

struct tailstate {
	struct tailstate_entry *e;
	size_t n;
	size_t cap;
	int version;		/* of the file parsed (tailstate_parse) */
	int out_known;		/* the output record: standard output's file ... */
	int out_writing;	/* ... a run was writing to it (W) */
	uint64_t out_dev, out_ino;
	uint64_t out_size;	/* its size when the state was written */
};

/* tailstate_init: an empty state (version 2, no output record). */
void tailstate_init(struct tailstate *st);

/* tailstate_free: release the entries; ST is empty and usable again. */
void tailstate_free(struct tailstate *st);

/* tailstate_add: append a copy of E (its name and path are copied too). */
void tailstate_add(struct tailstate *st, const struct tailstate_entry *e);

/* tailstate_remove_name: drop the entries of NAME that are pending (or
 * committed when PENDING is 0). */
void tailstate_remove_name(struct tailstate *st, const char *name, int pending);

/* tailstate_commit: for every name with pending entries, they replace its
 * committed ones.  Returns the number of entries promoted. */
size_t tailstate_commit(struct tailstate *st);

/* tailstate_entry_equal: whether A and B hold the same values (those the
 * file keeps: the pend_* fields are not compared). */
int tailstate_entry_equal(const struct tailstate_entry *a,
    const struct tailstate_entry *b);

/* tailstate_fingerprint: the fingerprint of N bytes (hash64). */
uint64_t tailstate_fingerprint(const void *p, size_t n);

#endif
