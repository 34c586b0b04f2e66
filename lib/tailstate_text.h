/*
 * tailstate_text: mr-tail's checkpoint as text (the state file's bytes).
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
 * N and F lines are the entries of tailstate.h, in order; C or P says
 * committed or pending.  The optional O line is the file standard output
 * was (device, inode) and its size when the state was written, W while a
 * run was writing to it (a run killed then may have left part of a line
 * past SIZE), D when the run ended: mr-tail cuts a torn line at the end of
 * its output only when it lies past SIZE of a W record of that same file.
 * Numbers are decimal (times in nanoseconds since the epoch, possibly
 * negative; BTIME 0 when the file system keeps no birth time) except the
 * hashes (16 hex digits); NAME and PATH have backslash, newline, tab and CR
 * escaped as \\ \n \t \r.  Version 1 files ("C|P DEV INO OFF FPLEN FP
 * NAME" lines, no NAME entries) are still read: their FILE entries get the
 * name as path, no birth time, no head, size OFF.
 */
#ifndef MR_TAILSTATE_TEXT_H
#define MR_TAILSTATE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "tailstate.h"

/*
 * tailstate_parse: read LEN bytes of a state file (version 1 or 2) into ST
 * (which must be empty).  Returns 0, or -1 with *LINE (1-based) and *WHY
 * (a literal) describing the first problem (ST is then to be freed by the
 * caller).  ST->version says which version was read.
 */
int tailstate_parse(struct tailstate *st, const char *buf, size_t len,
    uint64_t *line, const char **why);

/* tailstate_format: the file's bytes, always version 2 (malloc'd, *LEN
 * bytes, not NUL-terminated). */
char *tailstate_format(const struct tailstate *st, size_t *len);

#endif
