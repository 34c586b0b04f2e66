/* valueagg: Hadoop's aggregate reducer and combiner (see valueagg.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hash.h"
#include "java.h"
#include "valueagg.h"
#include "xalloc.h"

static const char *const type_names[] = {
	[VAGG_LONG_SUM] = "LongValueSum", [VAGG_LONG_MAX] = "LongValueMax",
	[VAGG_LONG_MIN] = "LongValueMin", [VAGG_DOUBLE_SUM] = "DoubleValueSum",
	[VAGG_STRING_MAX] = "StringValueMax", [VAGG_STRING_MIN] = "StringValueMin",
	[VAGG_UNIQ] = "UniqValueCount", [VAGG_HISTOGRAM] = "ValueHistogram",
};

void
valueagg_init(struct valueagg *a, uint64_t uniq_max)
{
	memset(a, 0, sizeof *a);
	a->uniq_max = uniq_max;
}

void
valueagg_free(struct valueagg *a)
{
	buf_free(&a->s);
	buf_free(&a->id);
	buf_free(&a->scratch);
	buf_free(&a->text);
	free(a->item);
	free(a->slot);
	memset(a, 0, sizeof *a);
}

/* P[0..N) as Java's String turns it back into bytes (valid UTF-8): P
 * itself, or a repaired copy in the scratch buffer. */
static const char *
as_string(struct valueagg *a, const char *p, size_t n, size_t *len)
{
	if (java_utf8_valid(p, n)) {
		*len = n;
		return p;
	}
	a->scratch.len = 0;
	*len = java_text_roundtrip(p, n, buf_reserve(&a->scratch, 3 * n + 1));
	return a->scratch.p;
}

int
valueagg_start(struct valueagg *a, const char *key, size_t len,
    const char **id, size_t *idlen, char *err, size_t errlen)
{
	const char *k = as_string(a, key, len, &len), *colon;
	size_t t, tlen;

	if ((colon = memchr(k, ':', len)) == NULL) {
		snprintf(err, errlen, "aggregate: key '%.*s' has no type "
		    "(LongValueSum:, ValueHistogram:, ...)", (int)(len < 200 ? len : 200), k);
		return -1;
	}
	tlen = (size_t)(colon - k);
	for (t = 0; t < sizeof type_names / sizeof type_names[0]; t++)
		if (strlen(type_names[t]) == tlen &&
		    strncasecmp(k, type_names[t], tlen) == 0)
			break;
	if (t == sizeof type_names / sizeof type_names[0]) {
		snprintf(err, errlen, "aggregate: key '%.*s': unknown type '%.*s'",
		    (int)(len < 200 ? len : 200), k, (int)(tlen < 100 ? tlen : 100), k);
		return -1;
	}
	a->type = (enum valueagg_type)t;
	a->have = 0;
	a->l = t == VAGG_LONG_MAX ? INT64_MIN : t == VAGG_LONG_MIN ? INT64_MAX : 0;
	a->d = 0;
	a->s.len = 0;
	a->nitems = 0;
	a->text.len = 0;
	if (a->slot != NULL)
		memset(a->slot, 0, a->nslots * sizeof *a->slot);
	/* K may be the scratch buffer, never the ID's. */
	a->id.len = 0;
	memcpy(buf_reserve(&a->id, len - tlen), colon + 1, len - tlen - 1);
	a->id.len = len - tlen - 1;
	*id = a->id.p;
	*idlen = a->id.len;
	return 0;
}

/* The item of value P[0..N), added with count 0 when new. */
static struct valueagg_item *
item(struct valueagg *a, const char *p, size_t n)
{
	uint64_t h = hash64(p, n);
	size_t i, mask;

	if (2 * (a->nitems + 1) > a->nslots) {
		size_t k, ns = a->nslots ? 2 * a->nslots : 64;

		free(a->slot);
		a->slot = xcalloc(ns, sizeof *a->slot);
		a->nslots = ns;
		for (k = 0; k < a->nitems; k++) {
			for (i = a->item[k].hash & (ns - 1); a->slot[i] != 0;
			    i = (i + 1) & (ns - 1))
				;
			a->slot[i] = (uint32_t)k + 1;
		}
	}
	mask = a->nslots - 1;
	for (i = h & mask; a->slot[i] != 0; i = (i + 1) & mask) {
		struct valueagg_item *it = &a->item[a->slot[i] - 1];

		if (it->hash == h && it->len == n &&
		    memcmp(a->text.p + it->off, p, n) == 0)
			return it;
	}
	ARRAY_RESERVE(a->item, a->itemcap, a->nitems + 1);
	a->item[a->nitems] = (struct valueagg_item){ h, a->text.len, n, 0 };
	buf_append(&a->text, p, n);
	a->slot[i] = (uint32_t)++a->nitems;
	return &a->item[a->nitems - 1];
}

static int
bad_number(const char *what, const char *p, size_t n, char *err, size_t errlen)
{
	snprintf(err, errlen, "aggregate: '%.*s' is not %s", (int)(n < 200 ? n : 200),
	    p, what);
	return -1;
}

int
valueagg_add(struct valueagg *a, const char *value, size_t len, char *err,
    size_t errlen)
{
	const char *v = as_string(a, value, len, &len), *tab;
	int64_t x;
	double d;

	switch (a->type) {
	case VAGG_LONG_SUM:
	case VAGG_LONG_MAX:
	case VAGG_LONG_MIN:
		if (java_parse_long(v, len, &x) < 0)
			return bad_number("a long", v, len, err, errlen);
		if (a->type == VAGG_LONG_SUM)
			a->l = (int64_t)((uint64_t)a->l + (uint64_t)x);
		else if (a->type == VAGG_LONG_MAX ? a->l < x : a->l > x)
			a->l = x;
		break;
	case VAGG_DOUBLE_SUM:
		if (java_parse_double(v, len, &d) < 0)
			return bad_number("a double", v, len, err, errlen);
		a->d += d;
		break;
	case VAGG_STRING_MAX:
	case VAGG_STRING_MIN: {
		int c = a->have ? java_string_cmp(a->s.p, a->s.len, v, len) : 0;

		if (!a->have || (a->type == VAGG_STRING_MAX ? c < 0 : c > 0)) {
			/* Room for a byte more: never NULL, even for "". */
			a->s.len = 0;
			memcpy(buf_reserve(&a->s, len + 1), v, len);
			a->s.len = len;
		}
		break;
	}
	case VAGG_UNIQ:
		if (a->nitems <= a->uniq_max)
			item(a, v, len);
		break;
	case VAGG_HISTOGRAM: {
		size_t vlen = len;

		x = 1;
		if ((tab = memrchr(v, '\t', len)) != NULL) {
			vlen = (size_t)(tab - v);
			if (java_parse_long(tab + 1, len - vlen - 1, &x) < 0)
				return bad_number("a count", tab + 1, len - vlen - 1,
				    err, errlen);
		}
		{
			struct valueagg_item *it = item(a, v, vlen);

			it->count = (int64_t)((uint64_t)it->count + (uint64_t)x);
		}
		break;
	}
	}
	a->have = 1;
	return 0;
}

static void
out_i64(struct out *o, int64_t v)
{
	if (v < 0) {
		out_byte(o, '-');
		out_u64(o, 0 - (uint64_t)v);
	} else {
		out_u64(o, (uint64_t)v);
	}
}

static void
out_double(struct out *o, double d)
{
	char buf[JAVA_DOUBLE_MAX];

	out_write(o, buf, java_double_to_string(d, buf));
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return (a > b) - (a < b);
}

/* ValueHistogram.getReport. */
static void
histogram_report(struct valueagg *a, struct out *o)
{
	int64_t *counts = xcalloc(a->nitems + 1, sizeof *counts), acc = 0;
	size_t n = a->nitems, i, j;
	double average, sd = 0;

	for (i = 0; i < n; i++)
		counts[i] = a->item[i].count;
	qsort(counts, n, sizeof *counts, cmp_i64);
	out_u64(o, n);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && counts[j] == counts[i]; j++)
			;
		acc = (int64_t)((uint64_t)acc + (uint64_t)counts[i] * (j - i));
	}
	if (n > 0) {
		out_byte(o, '\t');
		out_i64(o, counts[0]);
		out_byte(o, '\t');
		out_i64(o, counts[n / 2]);
		out_byte(o, '\t');
		out_i64(o, counts[n - 1]);
		average = (double)acc * 1.0 / (double)n;
		out_byte(o, '\t');
		out_double(o, average);
		for (i = 0; i < n; i++) {
			double diff = (double)counts[i] - average;

			sd += diff * diff;
		}
		sd = sqrt(sd / (double)n);
		out_byte(o, '\t');
		out_double(o, sd);
	}
	free(counts);
}

void
valueagg_report(struct valueagg *a, struct out *o)
{
	switch (a->type) {
	case VAGG_LONG_SUM:
	case VAGG_LONG_MAX:
	case VAGG_LONG_MIN:
		out_i64(o, a->l);
		break;
	case VAGG_DOUBLE_SUM:
		out_double(o, a->d);
		break;
	case VAGG_STRING_MAX:
	case VAGG_STRING_MIN:
		out_write(o, a->s.p, a->s.len);
		break;
	case VAGG_UNIQ:
		out_u64(o, a->nitems);
		break;
	case VAGG_HISTOGRAM:
		histogram_report(a, o);
		break;
	}
}

/* The items in Java's String order (a TreeMap's). */
static const struct valueagg *sort_agg;

static int
cmp_items(const void *x, const void *y)
{
	const struct valueagg_item *a = x, *b = y;

	return java_string_cmp(sort_agg->text.p + a->off, a->len,
	    sort_agg->text.p + b->off, b->len);
}

void
valueagg_combine(struct valueagg *a, void (*emit)(void *, const char *, size_t),
    void *arg)
{
	char buf[64 + JAVA_DOUBLE_MAX];
	size_t i, n;

	switch (a->type) {
	case VAGG_LONG_SUM:
	case VAGG_LONG_MAX:
	case VAGG_LONG_MIN:
		emit(arg, buf, (size_t)snprintf(buf, sizeof buf, "%lld",
		    (long long)a->l));
		break;
	case VAGG_DOUBLE_SUM:
		emit(arg, buf, java_double_to_string(a->d, buf));
		break;
	case VAGG_STRING_MAX:
	case VAGG_STRING_MIN:
		emit(arg, a->s.p, a->s.len);
		break;
	case VAGG_UNIQ:
	case VAGG_HISTOGRAM:
		sort_agg = a;
		qsort(a->item, a->nitems, sizeof *a->item, cmp_items);
		for (i = 0; i < a->nitems; i++) {
			struct valueagg_item *it = &a->item[i];

			if (a->type == VAGG_UNIQ) {
				emit(arg, a->text.p + it->off, it->len);
				continue;
			}
			n = (size_t)snprintf(buf, sizeof buf, "\t%lld",
			    (long long)it->count);
			buf_set(&a->scratch, a->text.p + it->off, it->len);
			buf_append(&a->scratch, buf, n);
			emit(arg, a->scratch.p, a->scratch.len);
		}
		/* The table no longer matches the items: the group is over. */
		memset(a->slot, 0, a->nslots * sizeof *a->slot);
		a->nitems = 0;
		break;
	}
}
