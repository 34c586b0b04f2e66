/*
 * tailstate: mr-tail's checkpoint file.
 *
 * For each followed name the state holds one entry per open file of that
 * name (rotated files still being drained first, the current file last):
 * the file's identity (device, inode, and a fingerprint: hash64 of up to
 * TAILSTATE_FP_MAX bytes just before the offset) and the offset just after
 * the last line written to standard output.  Entries are "committed" (where
 * to resume) or "pending" (recorded by --once --no-commit, promoted by
 * --commit).
 *
 * The file is text, one entry a line, and ends with a line that counts the
 * entries and hashes every byte before it, so a truncated or damaged file
 * is always detected:
 *
 *	mr-tail-state 1
 *	C DEV INO OFFSET FPLEN FPHASH NAME
 *	P DEV INO OFFSET FPLEN FPHASH NAME
 *	end COUNT HASH
 *
 * Numbers are decimal except the hashes (16 hex digits); NAME is the rest
 * of the line with backslash, newline, tab and CR escaped as \\ \n \t \r.
 * tailstate_save writes a temporary file beside the state, fsyncs it,
 * renames it over the state and fsyncs the directory: a crash at any point
 * leaves either the old state or the new one.
 */
#ifndef MR_TAILSTATE_H
#define MR_TAILSTATE_H

#include <stddef.h>
#include <stdint.h>

#define TAILSTATE_FP_MAX 256

struct tailstate_entry {
	char *name;
	uint64_t dev;
	uint64_t ino;
	uint64_t off;
	uint32_t fplen;		/* bytes hashed, min(off, TAILSTATE_FP_MAX) */
	uint64_t fp;		/* hash64 of the fplen bytes before off */
	int pending;
};

struct tailstate {
	struct tailstate_entry *e;
	size_t n;
	size_t cap;
};

void tailstate_init(struct tailstate *st);
void tailstate_free(struct tailstate *st);

/* tailstate_add: append a copy of E (its name is copied too). */
void tailstate_add(struct tailstate *st, const struct tailstate_entry *e);

/* tailstate_remove_name: drop the entries of NAME that are pending (or
 * committed when PENDING is 0). */
void tailstate_remove_name(struct tailstate *st, const char *name, int pending);

/* tailstate_commit: for every name with pending entries, they replace its
 * committed ones.  Returns the number of entries promoted. */
size_t tailstate_commit(struct tailstate *st);

/*
 * tailstate_parse: read LEN bytes of a state file into ST (which must be
 * empty).  Returns 0, or -1 with *LINE (1-based) and *WHY describing the
 * first problem.
 */
int tailstate_parse(struct tailstate *st, const char *buf, size_t len,
    uint64_t *line, const char **why);

/* tailstate_format: the file's bytes (malloc'd, *LEN bytes). */
char *tailstate_format(const struct tailstate *st, size_t *len);

/* tailstate_load: read PATH into ST.  Returns 0, or -1 when PATH does not
 * exist.  Dies (status 1) on a read error or a corrupt or truncated file. */
int tailstate_load(struct tailstate *st, const char *path);

/* tailstate_save: replace PATH with ST atomically and durably; dies on error. */
void tailstate_save(const struct tailstate *st, const char *path);

/* tailstate_fingerprint: the fingerprint of N bytes (hash64). */
uint64_t tailstate_fingerprint(const void *p, size_t n);

#endif
