/*
 * follow_read: reading a follow's sources into whole lines (for
 * lib/follow*.c only).
 *
 * A source is read from its offset to its end; complete lines are
 * written (with -H, each prefixed by NAME; with --max-line, cut), an
 * unterminated one held until its newline comes.  Before each read and
 * after it, the file is checked for a truncation or a rewrite (its head
 * and the bytes before the offset): then the copy copytruncate made is
 * read first, then the generations born since, then the file from its
 * start.  A file read from its start has the copies of what came before
 * it read first, once a whole line of it is at hand.
 */
#ifndef MR_FOLLOW_READ_H
#define MR_FOLLOW_READ_H

#include <stddef.h>
#include <stdint.h>

#include "follow.h"

/* follow_emit: write N bytes of complete lines P of S (prefixed, cut as
 * the options say), and count them. */
void follow_emit(struct follow *f, struct follow_src *s, const char *p, size_t n);
/* follow_emit_cut: write the head of S's cut line, which is held while its
 * rest is skipped, and end it. */
void follow_emit_cut(struct follow *f, struct follow_src *s);

/* follow_drain: read S to its end now, so its lines come before the next
 * file's.  follow_drain_old: the earlier generations, oldest first. */
void follow_drain(struct follow *f, struct follow_src *s, int64_t now);
void follow_drain_old(struct follow *f, int64_t now);

/* follow_end_held: S's unterminated last line (or the head of its cut
 * line), which nobody will finish, written now with a newline. */
void follow_end_held(struct follow *f, struct follow_src *s);

/* follow_was_truncated: whether S's file was truncated or rewritten since
 * it was read up to s->off.  follow_truncated: then its copy (if any) is
 * read first, the generations born since next, what is lost is named, and
 * S is read again from its start (follow_trunc.c). */
int follow_was_truncated(struct follow_src *s);
void follow_truncated(struct follow *f, struct follow_src *s, int64_t now);

#endif
