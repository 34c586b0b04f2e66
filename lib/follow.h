/*
 * follow: follow one file by name, as tail -F does, through any chain of
 * rotations, without losing or repeating a line; name and count what
 * cannot be read.
 *
 * A follow holds the current file of a name and the earlier generations
 * it still reads (rotated files, the copy copytruncate made, a rotated
 * file compressed meanwhile, read through its decompressor).  Each open
 * file is a source with two offsets: `off`, the next byte to read, and
 * `line_off`, just after the last complete line written to the output;
 * the bytes between them are an unterminated line, held until its newline
 * arrives.  line_off, a copy of the bytes just before it (the fingerprint)
 * and of the file's first bytes (the head) are what a checkpoint records,
 * so a saved position is always at a line boundary and can be verified.
 *
 * Between two looks at a log there may be any number of rotations.  A
 * look (follow_look, and follow_resume after a restart) therefore never
 * trusts names: the files it knows are found by device, inode and birth
 * time, or by content (a copy or a compressed copy holding the same bytes
 * before the offset); every other file of the rotation set (rotset.h)
 * born since the follow's horizon -- the time of its last complete look --
 * is a generation it has not seen, read from its start.  Generations are
 * read oldest first, each to its end, then the current file: lines come
 * out in the order they were written.  A generation destroyed before it
 * was read to its end (deleted or truncated while mr-tail was away, a
 * copytruncate that raced a write) is named on stderr with the bytes and
 * about how many lines were lost, and counted.
 *
 * The work is split by concern: follow.c (the look, expiry, checkpoint
 * export), follow_src.[ch] (sources and what identifies them),
 * follow_read.[ch] (reading into whole lines, truncations),
 * follow_scan.[ch] (finding copies and generations not seen, the horizon)
 * and follow_resume.c (a restart from a checkpoint).
 */
#ifndef MR_FOLLOW_H
#define MR_FOLLOW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "fileid.h"
#include "out.h"
#include "rotdir.h"
#include "tailstate.h"

struct follow;
struct follow_marks;

struct follow_src {
	int fd;			/* the file, or its decompressor's output */
	pid_t pid;		/* that decompressor, or 0 for a plain file */
	char *path;		/* the file's name when found (for notices) */
	uint64_t dev, ino;
	int64_t btime;		/* birth time (ns), 0 if unknown */
	int64_t mtime;		/* modification time at the last look (ns) */
	uint64_t size;		/* size at the last look */
	uint64_t off;		/* next byte to read */
	uint64_t line_off;	/* just after the last complete line written */
	struct buf held;	/* bytes [line_off, off): an unterminated line */
	unsigned char fp[TAILSTATE_FP_MAX];	/* the bytes just before line_off */
	size_t fplen;
	unsigned char head[TAILSTATE_FP_MAX];	/* the file's first bytes */
	size_t headlen;
	uint64_t lines, lbytes;	/* lines written from it, bytes they span */
	int at_eof;		/* the last read found no more bytes */
	int skip_nul;		/* after a truncation: skip a hole's NUL bytes */
	int skipping;		/* discarding the rest of a line cut at max_line */
	int fresh;		/* to be read from 0: earlier copies first */
	int64_t fresh_at;	/* file system time when it became so (ns) */
	int64_t since;		/* what it holds began no later (ns), 0: unknown */
	int gone;		/* changed before the bytes its checkpoint entry
				 * knows could be read again: known by them */
	struct fileid_content known;	/* ... as the entry has them */
	int64_t idle_until;	/* rotated source: close once idle past this (ms) */
	int64_t checked_at;	/* file system time before the last check that
				 * found it holding what we read (ns) */
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
	char *const *rotated;	/* extra globs of rotated names (--rotated) */
	size_t nrotated;
	const struct rotdir_exclude *exclude;	/* never generations, or NULL */
	struct follow_marks *marks;	/* what the output stands for, or NULL */
	int64_t rotate_wait_ms;	/* how long an idle rotated file stays open */
	int64_t idle_before_ms;	/* --once: a rotated file last written before
				 * this (ms) is idle: its unterminated last line
				 * comes right after its other lines; 0 (live):
				 * when the file is closed (follow_expire) */
	const struct follow_hooks *hooks;
};

/* What a follow read and lost. */
struct follow_counts {
	uint64_t lines;		/* lines written */
	uint64_t bytes;		/* the bytes they span */
	uint64_t lost_bytes;	/* bytes known lost */
	uint64_t lost_lines;	/* about how many lines they held */
	uint64_t losses;	/* files (or parts) lost */
	uint64_t unknown;	/* places where an unknown amount may be lost */
	uint64_t cut_lines;	/* lines cut at max_line */
	uint64_t cut_bytes;	/* the bytes cut from them */
};

struct follow {
	char *name;		/* as given on the command line */
	char *key;		/* what the state knows it by (follow_export),
				 * set by the caller; NULL: name */
	char *dir;		/* its directory ("." for a bare name) */
	char *base;		/* its last component */
	char *prefix;		/* NAME up to its last component */
	char *setpath;		/* the file NAME refers to (links resolved) */
	char *setdir, *setbase, *setprefix;	/* the same split: where its
				 * rotation set is */
	struct rotdir rd;	/* its rotation set */
	struct follow_opts o;
	struct follow_src *cur;	/* the file NAME refers to, or NULL */
	struct follow_src **old;	/* earlier generations still read, oldest first */
	size_t nold, oldcap;
	int64_t horizon;	/* files born before it were looked at (ns) */
	int hold_horizon;	/* a look missed a file that moved: keep it */
	int64_t pin;		/* a young empty file: the horizon stays before it */
	int64_t pin_next;	/* the same, as found by the scans of this look */
	int scanned;		/* this look listed the rotation set */
	int cur_unread;		/* a scan for what comes before cur's unread
				 * bytes: its copies mark their end */
	int missing;		/* NAME did not exist at the last look */
	int symlink;		/* NAME is a symbolic link */
	int open_errno;		/* last open error reported, to say it once */
	int cut_warned;
	int changed;		/* a position moved since follow_export */
	struct follow_counts n;
	uint64_t past_lines, past_bytes;	/* read before a restart: averages */
	struct follow_zhead *zheads;	/* compressed files' first bytes, known */
	size_t nzheads, zheadcap;
};

enum follow_start { FOLLOW_END, FOLLOW_BEGIN, FOLLOW_LAST };

/* follow_init: F follows NAME; nothing is opened yet. */
void follow_init(struct follow *f, const char *name, const struct follow_opts *o);

/*
 * follow_locate_set: find F's rotation set beside the file NAME refers to
 * now: NAME itself, or the end of its chain of symbolic links (each
 * relative target taken from its link's directory).  Called at each look:
 * a link retargeted takes the set with it.
 */
void follow_locate_set(struct follow *f);

/* follow_free: close every source (and decompressor) and free F. */
void follow_free(struct follow *f);

/* follow_start: open NAME at its end, its beginning, or before its last N
 * lines (always at a line start); the horizon is now.  Returns 0, or -1
 * with errno set. */
int follow_start(struct follow *f, enum follow_start how, uint64_t n);

/*
 * follow_resume: continue from the checkpoint of this name: HORIZON and
 * its FILE entries E[0..N) (oldest first).  Each entry is found -- as NAME,
 * as a rotated file, a copy, or a compressed copy -- and read from its
 * offset, or its unread bytes are reported lost; then every generation
 * born since HORIZON (from its start), then NAME (from its start when no
 * entry describes it).  Notices say what was found.  Returns 0, or -1 with
 * errno set when NAME does not exist (the other files found are opened).
 */
int follow_resume(struct follow *f, int64_t horizon,
    const struct tailstate_entry *e, size_t n);

/* follow_holds_entry: whether open file FD (FI) is checkpoint entry E's
 * file: its device, inode and birth time, still holding what E knows of
 * its content (with nothing known, a birth time must tell). */
int follow_holds_entry(int fd, const struct fileid_stat *fi,
    const struct tailstate_entry *e);

/*
 * follow_look: look at what NAME refers to now (a rotation, a truncation,
 * a file that appears), find the generations born since the last look,
 * and read every source to its end (oldest first), writing complete
 * lines; at most about BUDGET bytes.  Returns 1 when input remains (the
 * budget ran out), else 0.
 */
int follow_look(struct follow *f, uint64_t budget, int64_t now);

/* follow_read: follow_look without looking at NAME: read the sources. */
int follow_read(struct follow *f, uint64_t budget, int64_t now);

/* follow_expire: close rotated sources idle since before NOW (printing an
 * unterminated last line with a newline) and read to their end before the
 * horizon.  Returns the earliest time a remaining one expires, or -1. */
int64_t follow_expire(struct follow *f, int64_t now);

/* follow_settle: for --once, whose runs are apart: the rotated sources
 * whose file was last written --rotate-wait ago or more, and decompressed
 * streams that ended, are idle now (follow_expire then prints an
 * unterminated last line with a newline, as a live follow does once the
 * file has been idle that long). */
void follow_settle(struct follow *f);

/* follow_export: append F's horizon and positions to ST as pending or
 * committed entries. */
void follow_export(struct follow *f, struct tailstate *st, int pending);

/* follow_now_ms: the wall clock in milliseconds (comparable with mtimes). */
int64_t follow_now_ms(void);

/* follow_format_count: N with a comma every three digits, in BUF. */
char *follow_format_count(uint64_t n, char *buf, size_t size);

#endif
