/*
 * buf: growable memory, the one way programs and lib/ grow a buffer.
 *
 * A struct buf is bytes (p, len, cap) that grow by at least doubling, so
 * appending N bytes one piece at a time costs O(N) copying in all.  An
 * all-zero struct buf is an empty buffer; p may be NULL until the first
 * byte is added.  ARRAY_RESERVE grows an array of any element type the
 * same way, for the (pointer, capacity) pairs that are not bytes.
 */
#ifndef MR_BUF_H
#define MR_BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, cap;
};

/* buf_grow: buf_reserve's slow path. */
void buf_grow(struct buf *b, size_t n);

/*
 * buf_reserve: room for N more bytes after b->len; returns b->p + b->len
 * (the caller adds to b->len what it writes there).
 */
static inline char *
buf_reserve(struct buf *b, size_t n)
{
	if (b->cap - b->len < n)
		buf_grow(b, n);
	return b->p + b->len;
}

/* buf_append: add N bytes at P (P may be NULL when N is 0). */
static inline void
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n > 0) {
		memcpy(buf_reserve(b, n), p, n);
		b->len += n;
	}
}

/* buf_set: make the buffer hold exactly the N bytes at P (a copy of the
 * last key, say); P must not point into the buffer. */
static inline void
buf_set(struct buf *b, const void *p, size_t n)
{
	b->len = 0;
	buf_append(b, p, n);
}

/* buf_drop: remove the first N bytes (N <= len), keeping the rest. */
void buf_drop(struct buf *b, size_t n);

/* buf_free: release the memory; the buffer is empty and usable again. */
void buf_free(struct buf *b);

/*
 * array_reserve: the array V of *CAP elements of SIZE bytes, grown (at
 * least doubled, to no fewer than 16) to hold N elements if it does not;
 * *CAP is updated.  ARRAY_RESERVE(v, cap, n) assigns the result to V.
 */
void *array_reserve(void *v, size_t *cap, size_t n, size_t size);

#define ARRAY_RESERVE(v, cap, n) \
	((v) = array_reserve((v), &(cap), (n), sizeof *(v)))

#endif
