/* aggtext: the texts of a field's values (see aggtext.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aggtext.h"
#include "xalloc.h"

void
aggtext_add(struct agg_strs *s, struct slice t)
{
	uint32_t len = (uint32_t)t.len;
	char *p = buf_reserve(&s->b, t.len + 4);

	memcpy(p, &len, 4);
	memcpy(p + 4, t.p, t.len);
	s->b.len += t.len + 4;
	s->n++;
}

/* The texts of S as slices, in input order, in a new array. */
static struct slice *
slices(const struct agg_strs *s)
{
	struct slice *v = xreallocarray(NULL, s->n ? s->n : 1, sizeof *v);
	size_t i, off = 0;
	uint32_t len;

	for (i = 0; i < s->n; i++) {
		memcpy(&len, s->b.p + off, 4);
		v[i].p = s->b.p + off + 4;
		v[i].len = len;
		off += 4 + len;
	}
	return v;
}

static int
cmp_slice(const void *a, const void *b)
{
	return slice_cmp(*(const struct slice *)a, *(const struct slice *)b);
}

/* Sort V and drop repeats; the count left. */
static size_t
distinct(struct slice *v, size_t n)
{
	size_t i, k = 0;

	qsort(v, n, sizeof *v, cmp_slice);
	for (i = 0; i < n; i++)
		if (k == 0 || !slice_eq(v[k - 1], v[i]))
			v[k++] = v[i];
	return k;
}

void
aggtext_write(struct out *o, const struct agg_strs *s, int unique)
{
	struct slice *v = slices(s);
	size_t n = unique ? distinct(v, s->n) : s->n, i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			out_byte(o, ',');
		out_write(o, v[i].p, v[i].len);
	}
	free(v);
}

size_t
aggtext_count_unique(const struct agg_strs *s)
{
	struct slice *v = slices(s);
	size_t n = distinct(v, s->n);

	free(v);
	return n;
}
