/* buf: growable memory (see buf.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "msg.h"
#include "xalloc.h"

void
buf_grow(struct buf *b, size_t n)
{
	size_t cap = b->cap < 64 ? 64 : b->cap;

	if (n > SIZE_MAX - b->len)
		die("out of memory: a buffer of %zu + %zu bytes", b->len, n);
	while (cap - b->len < n)
		cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

void
buf_drop(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
}

void
buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void *
array_reserve(void *v, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap < 16 ? 16 : *cap;

	if (n <= *cap && v != NULL)
		return v;
	while (c < n)
		c = c > SIZE_MAX / 2 ? SIZE_MAX : c * 2;
	v = xreallocarray(v, c, size);
	*cap = c;
	return v;
}
