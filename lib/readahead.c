/* readahead: whole-record chunks read by a thread of their own (see readahead.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "msg.h"
#include "readahead.h"
#include "xalloc.h"

enum { RA_FREE, RA_READY, RA_HELD };

static void
lock(struct readahead *ra)
{
	if ((errno = pthread_mutex_lock(&ra->mu)) != 0)
		die("pthread_mutex_lock:");
}

static void
unlock(struct readahead *ra)
{
	if ((errno = pthread_mutex_unlock(&ra->mu)) != 0)
		die("pthread_mutex_unlock:");
}

/*
 * Room for NEED bytes in B, keeping its bytes.  The first size is what a
 * chunk needs, doubled only for a record longer than that: fresh memory
 * costs its first touch.
 */
static void
reserve(struct readahead_buf *b, size_t need)
{
	size_t cap = b->cap;

	if (cap >= need)
		return;
	if (cap == 0)
		cap = need + READER_BLOCK;	/* room for a carried record */
	while (cap < need)
		cap *= 2;
	/* Huge pages (xalloc_big): the read copies into every page. */
	b->p = xrealloc_big(b->p, b->cap, cap);
	b->cap = cap;
}

/* Read once more into B; 0 at end of input. */
static size_t
read_more(struct readahead *ra, struct readahead_buf *b)
{
	ssize_t n;

	reserve(b, b->len + READER_BLOCK);
	do
		n = read(ra->rd->fd, b->p + b->len, b->cap - b->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s:", ra->rd->name);
	b->len += (size_t)n;
	return (size_t)n;
}

/*
 * The bytes to make room for at first: a chunk and a read, or a small
 * file and a read (huge pages cost their zeroing at the first touch).
 */
static size_t
first_size(const struct readahead *ra)
{
	struct stat st;
	off_t pos;

	if (fstat(ra->rd->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (pos = lseek(ra->rd->fd, 0, SEEK_CUR)) >= 0 && st.st_size >= pos &&
	    (uint64_t)(st.st_size - pos) < ra->min)
		return (size_t)(st.st_size - pos) + READER_BLOCK;
	return ra->min + READER_BLOCK;
}

static void *
reader_main(void *arg)
{
	struct readahead *ra = arg;
	struct reader *rd = ra->rd;
	struct readahead_buf *b, *prev = NULL;
	int k = 0, eof = rd->eof, at_start = rd->at_start;
	char *nl;

	for (;; k ^= 1) {
		b = &ra->b[k];
		lock(ra);
		while (b->state != RA_FREE)
			pthread_cond_wait(&ra->cv, &ra->mu);
		unlock(ra);
		/* The bytes after the last chunk's end come first. */
		b->len = 0;
		if (prev == NULL) {
			reserve(b, rd->end - rd->start + first_size(ra));
			memcpy(b->p, rd->buf + rd->start, rd->end - rd->start);
			b->len = rd->end - rd->start;
		} else {
			reserve(b, prev->len - prev->end + ra->min + READER_BLOCK);
			memcpy(b->p, prev->p + prev->end, prev->len - prev->end);
			b->len = prev->len - prev->end;
		}
		b->start = 0;
		for (;;) {
			while (!eof && (b->len < ra->min ||
			    (at_start && b->len < 3)))
				if (read_more(ra, b) == 0)
					eof = 1;
			if (at_start) {
				if (b->len >= 3 && memcmp(b->p, "\xEF\xBB\xBF", 3) == 0)
					b->start = 3;
				at_start = 0;
			}
			nl = memrchr(b->p + b->start, '\n', b->len - b->start);
			if (nl != NULL || eof)
				break;
			/* A record longer than the chunk: read on. */
			if (read_more(ra, b) == 0)
				eof = 1;
		}
		b->end = nl != NULL && !eof ? (size_t)(nl + 1 - b->p) : b->len;
		lock(ra);
		b->state = RA_READY;
		pthread_cond_broadcast(&ra->cv);
		unlock(ra);
		/* An empty chunk tells the caller the input has ended. */
		if (b->end == b->start)
			return NULL;
		prev = b;
	}
}

void
readahead_start(struct readahead *ra, struct reader *rd, size_t min)
{
	memset(ra, 0, sizeof *ra);
	ra->rd = rd;
	ra->min = min;
	ra->held = -1;
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->cv, NULL);
	if ((errno = pthread_create(&ra->thread, NULL, reader_main, ra)) != 0)
		die("pthread_create:");
}

char *
readahead_next(struct readahead *ra, char **start)
{
	struct readahead_buf *b = &ra->b[ra->next];

	lock(ra);
	if (ra->held >= 0) {
		ra->b[ra->held].state = RA_FREE;
		ra->held = -1;
		pthread_cond_broadcast(&ra->cv);
	}
	while (b->state != RA_READY)
		pthread_cond_wait(&ra->cv, &ra->mu);
	if (b->end == b->start) {
		unlock(ra);
		return NULL;	/* stays READY: the thread has ended */
	}
	b->state = RA_HELD;	/* under the lock: the thread reads it */
	unlock(ra);
	ra->held = ra->next;
	ra->next ^= 1;
	*start = b->p + b->start;
	return b->p + b->end;
}

void
readahead_stop(struct readahead *ra)
{
	if ((errno = pthread_join(ra->thread, NULL)) != 0)
		die("pthread_join:");
	pthread_mutex_destroy(&ra->mu);
	pthread_cond_destroy(&ra->cv);
	xfree_big(ra->b[0].p, ra->b[0].cap);
	xfree_big(ra->b[1].p, ra->b[1].cap);
	memset(ra, 0, sizeof *ra);
}
