/* mr-tail: what its files share -- main.c (the run's phases), options.c
 * (the command line), files.c (the followed names, opened), run.c (the
 * event loop and --once), state.c (the state file, standard output),
 * watch.c (inotify) and report.c (the counters at the end). */
#ifndef MR_TAIL_H
#define MR_TAIL_H

#include <stddef.h>
#include <stdint.h>

#include "follow.h"
#include "follow_marks.h"
#include "out.h"
#include "tailstate.h"

/* One followed name and whether the event loop must look at it. */
struct tracked {
	struct follow f;
	size_t dir;		/* index in dirs */
	int need_look;
	int64_t expiry;		/* when a rotated file may be done (ms), or -1 */
};

/* A watched directory (shared by the names in it). */
struct dirwatch {
	char *path;
	int wd;			/* -1: not watched (missing; retried) */
	uint64_t dev, ino;	/* the directory the watch is on */
};

/* What the command line asks for (the globals below aside). */
struct options {
	struct follow_opts fo;
	char **rotated;		/* --rotated globs */
	size_t nrotated, rotatedcap;
	enum follow_start how;
	uint64_t lines;		/* -n */
	int once, commit, retry, polling;
};

/* The followed names and their directories (files.c). */
extern struct tracked *files;
extern size_t nfiles;
extern struct dirwatch *dirs;
extern size_t ndirs;

/* Watching (watch.c). */
extern int ifd;			/* inotify, -1 when polling */
extern int poll_ms;
extern long watch_limit;	/* MR_TAIL_MAX_WATCHES, -1: none */
extern long nwatches;

/* The run's state and output (state.c). */
extern struct out out;		/* standard output, in whole lines */
extern const char *state_path;	/* -s, or NULL */
extern struct tailstate loaded;	/* STATE as this run found it */
extern struct tailstate start;	/* --no-commit: where names new to STATE began */
extern int no_commit;
extern struct follow_marks marks;	/* what the output's bytes stand for */

extern int verbose;		/* -v (report.c) */

/* options.c: the options into *O and the globals; usage errors end the
 * program (status 2).  The index of the first file. */
int parse_options(int argc, char *argv[], struct options *o);

/* files.c */
size_t open_files(char **names, int n, enum follow_start how, uint64_t lines,
    int retry, int once, const struct follow_opts *fo);	/* how many the
				 * state did not know */
int losses_reported(void);	/* opening the files found some lost */

/* run.c */
void catch_signals(void);	/* SIGINT, SIGTERM, SIGHUP: checkpoint, die */
void follow_loop(void);		/* follow until a signal or a closed output */
int read_once(void);		/* --once; the exit status */

/* state.c */
void save_state(int writing);	/* checkpoint; WRITING until the run ends */
void save_start_state(int must_save);	/* before any line is read */
void lock_state(int create);	/* or die: one run at a time per state */
int commit_state(void);		/* --commit */
void open_output(void);		/* standard output; a killed run's torn line cut */
void output_closed(struct out *o);	/* the reader went away: checkpoint
				 * what it accepted */
void pending_knowledge(struct tailstate_entry *e);	/* an uncommitted
				 * batch's knowledge of E's file */

/* watch.c */
extern const struct follow_hooks watch_hooks;	/* watch each opened file */
void start_inotify(void);	/* or poll, said on stderr */
int watch_dir(struct dirwatch *d);	/* 1: newly watched (look at its
				 * names: nothing was seen meanwhile) */
void read_events(void);		/* mark the names the events concern */

/* report.c */
void report_counts(void);	/* the counters, at the end */

#endif
