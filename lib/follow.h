/*
 * follow: follow one file by name, as tail -F does, without losing or
 * repeating a line.
 *
 * A follow holds the current file of a name and the rotated files it still
 * drains.  Each open file is a source with two offsets: `off`, the next
 * byte to read, and `line_off`, just after the last complete line written
 * to the output; the bytes between them are an unterminated line, held
 * until its newline arrives.  line_off and a copy of the bytes just before
 * it (the fingerprint) are what a checkpoint records, so a saved position
 * is always at a line boundary and can be verified on restart.
 *
 * Events are found by looking, not by trusting notifications: follow_read
 * checks each source for truncation (size below the read offset, or the
 * bytes before it changed) and reads to the end; follow_check compares the
 * file the name now refers to with the current source (rotation, deletion
 * and recreation, a retargeted symlink, a file that appears).  inotify or a
 * timer only decides when to look.  Files are read with pread(2), never
 * treating end of file as the end of a line.
 */
#ifndef MR_FOLLOW_H
#define MR_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "out.h"
#include "tailstate.h"

struct follow;

struct follow_src {
	int fd;
	uint64_t dev, ino;
	uint64_t off;		/* next byte to read */
	uint64_t line_off;	/* just after the last complete line written */
	char *buf;		/* bytes [line_off, off): an unterminated line */
	size_t len, cap;
	unsigned char fp[TAILSTATE_FP_MAX];	/* the bytes just before line_off */
	size_t fplen;
	int at_eof;		/* the last read found no more bytes */
	int skip_nul;		/* after a truncation: skip a hole's NUL bytes */
	int skipping;		/* discarding the rest of a line cut at max_line */
	int64_t idle_until;	/* rotated source: close once idle past this (ms) */
	int wd;			/* the caller's inotify watch, -1 if none */
};

/* Hooks telling the caller (the event loop) about sources opened and closed. */
struct follow_hooks {
	void (*opened)(void *ctx, struct follow *f, struct follow_src *s);
	void (*closing)(void *ctx, struct follow *f, struct follow_src *s);
	void *ctx;
};

struct follow_opts {
	struct out *out;
	int header;		/* -H: prefix each line with NAME and a TAB */
	uint64_t max_line;	/* 0, or cut longer lines to this many bytes */
	const char *rotated_glob;	/* names of rotated files; NULL: NAME* */
	int64_t rotate_wait_ms;	/* how long an idle rotated file stays open */
	const struct follow_hooks *hooks;
};

struct follow {
	char *name;		/* as given on the command line */
	char *dir;		/* its directory ("." for a bare name) */
	char *base;		/* its last component */
	struct follow_opts o;
	struct follow_src *cur;	/* the file NAME refers to, or NULL */
	struct follow_src **old;	/* rotated files still drained, oldest first */
	size_t nold, oldcap;
	int missing;		/* NAME did not exist at the last look */
	int symlink;		/* NAME is a symbolic link */
	int open_errno;		/* last open error reported, to say it once */
	int cut_warned;
	int changed;		/* a position moved since follow_export */
	char **renamed;		/* names NAME was renamed to (follow_renamed) */
	size_t nrenamed;
};

enum follow_start { FOLLOW_END, FOLLOW_BEGIN, FOLLOW_LAST };

/* follow_init: F follows NAME; nothing is opened yet. */
void follow_init(struct follow *f, const char *name, const struct follow_opts *o);

/* follow_free: close every source and free F. */
void follow_free(struct follow *f);

/* follow_start: open NAME at its end, its beginning, or before its last N
 * lines (always at a line start).  Returns 0, or -1 with errno set. */
int follow_start(struct follow *f, enum follow_start how, uint64_t n);

/*
 * follow_resume: continue from the checkpoint entries E[0..N) of this name
 * (oldest first): each is found as NAME itself or, when NAME is a new file,
 * as a rotated file in the same directory (same device and inode, else a
 * copy with the same fingerprint), and read from its offset; a current file
 * that no entry describes is read from byte 0.  Notices say what was found.
 * Returns 0, or -1 with errno set when NAME does not exist (the rotated
 * files found are still opened).
 */
int follow_resume(struct follow *f, const struct tailstate_entry *e, size_t n,
    int64_t now);

/* follow_read: read every source to its end (rotated ones first), writing
 * complete lines; at most about BUDGET bytes.  Returns 1 when input
 * remains (the budget ran out), else 0. */
int follow_read(struct follow *f, uint64_t budget, int64_t now);

/* follow_check: look at what NAME refers to now and switch to a new file
 * (draining the old one first) when it changed. */
void follow_check(struct follow *f, int64_t now);

/*
 * follow_renamed: inotify saw NAME renamed to TO in its directory.  A file
 * created and rotated away between two looks would be missed; follow_check
 * reads such a file (one it never opened) from its start, in rename order,
 * before switching to the new file.
 */
void follow_renamed(struct follow *f, const char *to);

/* follow_expire: close rotated sources idle since before NOW (printing an
 * unterminated last line with a newline).  Returns the earliest time a
 * remaining one expires, or -1 when none remain. */
int64_t follow_expire(struct follow *f, int64_t now);

/* follow_export: append F's positions to ST as pending or committed entries. */
void follow_export(struct follow *f, struct tailstate *st, int pending);

/* follow_now_ms: the wall clock in milliseconds (comparable with mtimes). */
int64_t follow_now_ms(void);

#endif
