/* mr-tail: what main.c (options, the event loop, the state) and watch.c
 * (inotify) share. */
#ifndef MR_TAIL_H
#define MR_TAIL_H

#include <stddef.h>
#include <stdint.h>

#include "follow.h"

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
};

/* The followed names and their directories (main.c). */
extern struct tracked *files;
extern size_t nfiles;
extern struct dirwatch *dirs;
extern size_t ndirs;
extern int ifd;			/* inotify, -1 when polling */
extern int poll_ms;
extern long watch_limit;	/* MR_TAIL_MAX_WATCHES, -1: none */
extern long nwatches;

/* watch.c */
extern const struct follow_hooks watch_hooks;	/* watch each opened file */
void start_inotify(void);	/* or poll, said on stderr */
void watch_dir(struct dirwatch *d);	/* unless watched or polling */
void read_events(void);		/* mark the names the events concern */

#endif
