/* keysort: radix sort of key references (see keysort.h). */
#include <stdlib.h>
#include <string.h>

#include "keysort.h"
#include "kv.h"
#include "xalloc.h"

#define SMALL_RUN 24

/* Bytes DEPTH..DEPTH+7 of the key, big-endian, zero past its end. */
static uint64_t
chunk_at(const struct htab_slot *r, size_t depth)
{
	unsigned char b[8] = { 0 };
	size_t n, len;
	const char *key = htab_slot_key(r, &len);
	uint64_t c = 0;
	int i;

	if (len >= depth + 8)
		return load_be64(key + depth);
	if (len > depth) {
		n = len - depth < 8 ? len - depth : 8;
		memcpy(b, key + depth, n);
	}
	for (i = 0; i < 8; i++)
		c = c << 8 | b[i];
	return c;
}

static void
insertion_sort(struct htab_slot *v, size_t n)
{
	size_t i, j, tlen, len;
	const char *tkey, *key;
	struct htab_slot t;

	for (i = 1; i < n; i++) {
		t = v[i];
		tkey = htab_slot_key(&t, &tlen);
		for (j = i; j > 0; j--) {
			key = htab_slot_key(&v[j - 1], &len);
			if (key_cmp(key, len, tkey, tlen) <= 0)
				break;
			v[j] = v[j - 1];
		}
		v[j] = t;
	}
}

static int
by_len(const void *a, const void *b)
{
	size_t xlen, ylen;

	htab_slot_key(a, &xlen);
	htab_slot_key(b, &ylen);
	return (xlen > ylen) - (xlen < ylen);
}

/*
 * Sort V by chunk, least significant digit first, skipping digits all keys
 * share.  Digits are bytes, or 16 bits for large arrays (half the passes
 * over memory, and a 512 KiB histogram per digit is then cheap).
 */
static void
radix_chunks(struct htab_slot *v, struct htab_slot *tmp, size_t n)
{
	int bits = n >= (1 << 18) ? 16 : 8, digits = 64 / bits, b;
	size_t radix = (size_t)1 << bits, mask = radix - 1, i, k, sum;
	size_t *count = xcalloc((size_t)digits * radix, sizeof *count), *c;
	struct htab_slot *src = v, *dst = tmp, *t;

	for (i = 0; i < n; i++)
		for (b = 0; b < digits; b++)
			count[(size_t)b * radix + ((v[i].hash >> (bits * b)) & mask)]++;
	for (b = 0; b < digits; b++) {
		c = count + (size_t)b * radix;
		if (c[(v[0].hash >> (bits * b)) & mask] == n)
			continue;	/* every key has the same digit here */
		for (sum = 0, k = 0; k < radix; k++) {
			size_t cnt = c[k];

			c[k] = sum;
			sum += cnt;
		}
		for (i = 0; i < n; i++)
			dst[c[(src[i].hash >> (bits * b)) & mask]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(count);
}

static void
sort_at(struct htab_slot *v, struct htab_slot *tmp, size_t n, size_t depth)
{
	size_t i, j, maxlen, len;

	/* A chunk all keys share moves on to the next without recursing. */
	for (;; depth += 8) {
		if (n <= SMALL_RUN) {
			insertion_sort(v, n);
			return;
		}
		maxlen = 0;
		for (i = 0; i < n; i++) {
			/* Keys are scattered in memory: ask for them early. */
			if (i + 16 < n)
				__builtin_prefetch(v[i + 16].ent + 8 + depth);
			v[i].hash = chunk_at(&v[i], depth);
			htab_slot_key(&v[i], &len);
			if (len > maxlen)
				maxlen = len;
		}
		if (maxlen <= depth) {
			/* All bytes equal so far and none left: shorter first. */
			qsort(v, n, sizeof *v, by_len);
			return;
		}
		for (i = 1; i < n && v[i].hash == v[0].hash; i++)
			;
		if (i < n)
			break;
	}
	radix_chunks(v, tmp, n);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j].hash == v[i].hash; j++)
			;
		if (j - i > 1)
			sort_at(v + i, tmp, j - i, depth + 8);
	}
}

void
keysort_in(struct htab_slot *v, size_t n, struct htab_slot *scratch,
    size_t room)
{
	struct htab_slot *tmp = scratch;

	if (n < 2)
		return;
	if (room < n)
		tmp = xreallocarray(NULL, n, sizeof *tmp);
	sort_at(v, tmp, n, 0);
	if (tmp != scratch)
		free(tmp);
}

void
keysort(struct htab_slot *v, size_t n)
{
	keysort_in(v, n, NULL, 0);
}
