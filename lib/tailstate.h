/*
 * tailstate: mr-tail's checkpoint file.
 *
 * For each followed name the state holds a NAME entry, the horizon of its
 * last look (files created before it were all accounted for then), and a
 * FILE entry per file of that name not yet read to its end (rotated files
 * oldest first, the current file last).  A FILE entry records the file's
 * identity -- device, inode, birth time, and two content fingerprints:
 * hash64 of up to TAILSTATE_FP_MAX bytes just before the offset, and of
 * the file's first bytes (its head) -- the offset just after the last line
 * written to standard output, and what is needed to name a loss: the
 * file's path and size when last seen, its modification time, and how
 * many lines (spanning how many bytes) were read from it.  Entries are
 * "committed" (where to resume) or "pending" (recorded by --once
 * --no-commit, promoted by --commit).
 *
 * The file is text, one entry a line, and ends with a line that counts the
 * entries and hashes every byte before it, so a truncated or damaged file
 * is always detected:
 *
 *	mr-tail-state 2
 *	N C|P HORIZON NAME
 *	F C|P DEV INO BTIME OFF FPLEN FP HEADLEN HEAD SIZE MTIME LINES LBYTES NAME<TAB>PATH
 *	O W|D DEV INO SIZE
 *	end COUNT HASH
 *
 * The optional O line is the file standard output was (device, inode) and
 * its size when the state was written, W while a run was writing to it
 * (a run killed then may have left part of a line past SIZE), D when the
 * run ended: mr-tail cuts a torn line at the end of its output only when
 * it lies past SIZE of a W record of that same file.
 * Numbers are decimal (times in nanoseconds since the epoch, possibly
 * negative; BTIME 0 when the file system keeps no birth time) except the
 * hashes (16 hex digits); NAME and PATH have backslash, newline, tab and CR
 * escaped as \\ \n \t \r.  Version 1 files ("C|P DEV INO OFF FPLEN FP
 * NAME" lines, no NAME entries) are still read: their FILE entries get the
 * name as path, no birth time, no head, size OFF.
 *
 * tailstate_save writes a temporary file beside the state, fsyncs it,
 * renames it over the state and fsyncs the directory: a crash at any point
 * leaves either the old state or the new one.
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
	uint64_t fp;		/* hash64 of the fplen bytes before off */
	uint32_t headlen;	/* the file's first bytes hashed, <= TAILSTATE_FP_MAX */
	uint64_t head;		/* hash64 of them */
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
	int out_known;		/* the O line: standard output's file ... */
	int out_writing;	/* ... a run was writing to it (W) */
	uint64_t out_dev, out_ino;
	uint64_t out_size;	/* its size when the state was written */
};

void tailstate_init(struct tailstate *st);
void tailstate_free(struct tailstate *st);

/* tailstate_add: append a copy of E (its name and path are copied too). */
void tailstate_add(struct tailstate *st, const struct tailstate_entry *e);

/* tailstate_remove_name: drop the entries of NAME that are pending (or
 * committed when PENDING is 0). */
void tailstate_remove_name(struct tailstate *st, const char *name, int pending);

/* tailstate_commit: for every name with pending entries, they replace its
 * committed ones.  Returns the number of entries promoted. */
size_t tailstate_commit(struct tailstate *st);

/* tailstate_entry_equal: whether A and B hold the same values. */
int tailstate_entry_equal(const struct tailstate_entry *a,
    const struct tailstate_entry *b);

/*
 * tailstate_parse: read LEN bytes of a state file (version 1 or 2) into ST
 * (which must be empty).  Returns 0, or -1 with *LINE (1-based) and *WHY
 * describing the first problem (ST is then to be freed by the caller).
 */
int tailstate_parse(struct tailstate *st, const char *buf, size_t len,
    uint64_t *line, const char **why);

/* tailstate_format: the file's bytes, always version 2 (malloc'd, *LEN bytes). */
char *tailstate_format(const struct tailstate *st, size_t *len);

/*
 * tailstate_load: read PATH into ST.  Returns 0, or -1 when PATH does not
 * exist.  Dies (status 1) on a read error or a corrupt or truncated file.
 * A version 1 file has no horizons: each of its names gets a NAME entry
 * whose horizon is the file's modification time (when it was written).
 */
int tailstate_load(struct tailstate *st, const char *path);

/*
 * tailstate_lock: hold PATH for this process alone (flock(2) on the state
 * file itself, so that the lock dies with the process and leaves nothing
 * behind).  A missing PATH is first made, an empty state (with CREATE),
 * so that two first runs cannot both start; without CREATE a missing PATH
 * is left missing.  Returns 0, or -1 when another process holds it (for a
 * second: a killed run's child may hold it until its exec).  Dies
 * on other errors (a directory it cannot write).
 */
int tailstate_lock(const char *path, int create);

/* tailstate_save: replace PATH with ST atomically and durably; dies on
 * error.  A PATH held by tailstate_lock stays held: the new file is locked
 * before it replaces the old one. */
void tailstate_save(const struct tailstate *st, const char *path);

/* tailstate_fingerprint: the fingerprint of N bytes (hash64). */
uint64_t tailstate_fingerprint(const void *p, size_t n);

#endif
