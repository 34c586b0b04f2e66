/*
 * follow_marks: which source positions the bytes written to the output
 * stand for, so that a closed output (a reader that went away) leaves the
 * state covering exactly the whole lines the output accepted.
 *
 * Each piece of output a follow writes (the complete lines of one read,
 * a cut line) is marked with its source, its place in the output (bytes
 * handed to the output so far, buffered ones included) and the source
 * bytes it stands for.  Marks of bytes the output accepted (write(2)
 * succeeded) are dropped as more come.  follow_marks_rewind moves each
 * source back to the first line the output did not accept.  The marks
 * are shared by the follows writing to one output.
 */
#ifndef MR_FOLLOW_MARKS_H
#define MR_FOLLOW_MARKS_H

#include <stddef.h>
#include <stdint.h>

#include "tailstate.h"

struct follow;
struct follow_src;

struct follow_mark {
	struct follow *f;
	struct follow_src *s;
	uint64_t out_start, out_end;	/* its place in the output */
	uint64_t src_start, src_end;	/* the source's bytes (whole lines) */
	uint64_t lines, lbytes;		/* the source's counts before it */
	unsigned char fp[TAILSTATE_FP_MAX];	/* the source's fingerprint at src_start */
	size_t fplen;
	int whole;		/* one line: written whole or not at all */
};

struct follow_marks {
	struct follow_mark *m;
	size_t first, n, cap;	/* the marks not yet accepted: m[first..n) */
	uint64_t out_start;	/* the output's place where the emission began */
	uint64_t lines, lbytes;	/* ... and its source's counts then */
};

/* follow_mark_begin: an emission of S's lines begins (follow_emit). */
void follow_mark_begin(struct follow *f, struct follow_src *s);

/* follow_mark: it ended: the source bytes from S's line_off, N of them,
 * whole lines (WHOLE: one line, cut). */
void follow_mark(struct follow *f, struct follow_src *s, uint64_t n, int whole);

/* follow_marks_forget: S is to be freed or reset: what it wrote is
 * flushed first (a closed output then finds it still there). */
void follow_marks_forget(struct follow *f, struct follow_src *s);

/*
 * follow_marks_rewind: the output accepted its first ACCEPTED bytes and no
 * more: each source with lines past them is moved back to the first line
 * not accepted (its offset, fingerprint and counts), so that a checkpoint
 * covers exactly what was accepted.  (A decompressor's output cannot be
 * read again: its source goes back to the start of the piece the output
 * took only part of.)
 */
void follow_marks_rewind(struct follow_marks *fm, uint64_t accepted);

void follow_marks_free(struct follow_marks *fm);

#endif
