/*
 * readahead: an input in chunks of whole records, read by a thread of its
 * own while the caller works on the chunk before.
 *
 * A program that reads a big file and keeps both CPUs busy with each chunk
 * would otherwise leave them idle while read(2) copies the next one (a
 * tenth of the run for a hash aggregation of a file in the page cache).
 * Two buffers take turns: the thread fills one while the caller holds the
 * other.  A chunk is at least MIN bytes read, cut just past the last '\n'
 * among them (the final chunk may end without one); the bytes after the
 * cut go to the front of the next chunk.  A UTF-8 byte-order mark at the start is dropped, as
 * lib/record does.
 */
#ifndef MR_READAHEAD_H
#define MR_READAHEAD_H

#include <pthread.h>
#include <stddef.h>

#include "record.h"

struct readahead_buf {
	char *p;
	size_t cap;
	size_t start, end;	/* the chunk; bytes from end to len carry over */
	size_t len;
	int state;		/* RA_FREE, RA_READY, RA_HELD */
};

struct readahead {
	struct reader *rd;	/* its fd, name and buffered bytes */
	size_t min;		/* bytes per chunk, unless the input ends */
	struct readahead_buf b[2];
	int next;		/* the buffer the caller takes next */
	int held;		/* the buffer the caller holds, or -1 */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/*
 * readahead_start: go on reading RD in chunks of at least MIN bytes in a
 * new thread, starting with the bytes RD holds.  RD is not to be read
 * from until readahead_stop (its line counter is the caller's to keep).
 * A read error is fatal ("progname: NAME: reason").
 */
void readahead_start(struct readahead *ra, struct reader *rd, size_t min);

/*
 * readahead_next: the next chunk, from *START to the returned end, and
 * the chunk before it handed back.  NULL at the end of input.
 */
char *readahead_next(struct readahead *ra, char **start);

/* readahead_stop: after readahead_next returned NULL, free everything. */
void readahead_stop(struct readahead *ra);

#endif
