/*
 * kv: the Hadoop Streaming key/value split, and key order.
 *
 * The key is everything before the K-th separator, the value everything
 * after it; a record with fewer than K separators is all key, with an empty
 * value.  Keys compare as unsigned bytes, a prefix first (memcmp order, as
 * Hadoop's Text and LC_ALL=C sort).
 */
#ifndef MR_KV_H
#define MR_KV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "record.h"

struct kvspec {
	int keyfields;		/* K >= 1 */
	char sep;		/* field separator, default TAB */
};

#define KVSPEC_DEFAULT ((struct kvspec){ .keyfields = 1, .sep = '\t' })

/*
 * kv_keylen: the length of the key of REC.  The value starts at
 * rec + keylen + 1 when keylen < len, and is empty otherwise.
 */
static inline size_t
kv_keylen(const struct kvspec *s, const char *rec, size_t len)
{
	const char *p = rec, *end = rec + len, *q;
	int k = s->keyfields;

	for (;;) {
		q = memchr(p, s->sep, (size_t)(end - p));
		if (q == NULL)
			return len;
		if (--k == 0)
			return (size_t)(q - rec);
		p = q + 1;
	}
}

/* kv_split: REC as key and value slices (no copies). */
static inline void
kv_split(const struct kvspec *s, struct slice rec, struct slice *key,
    struct slice *value)
{
	size_t k = kv_keylen(s, rec.p, rec.len);

	key->p = rec.p;
	key->len = k;
	if (k < rec.len) {
		value->p = rec.p + k + 1;
		value->len = rec.len - k - 1;
	} else {
		value->p = rec.p + rec.len;
		value->len = 0;
	}
}

/* key_cmp: unsigned byte order, a prefix first. */
static inline int
key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n > 0 ? memcmp(a, b, n) : 0;	/* an empty key may be NULL */

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/*
 * key_cmp_lines: the order of keys A and B both as keys (key_cmp,
 * returned) and as the starts of whole lines, A+SEP against B+SEP (in
 * *LINE), which is how `LC_ALL=C sort` of whole lines orders records of
 * different keys.  The two differ only where one key is a prefix of the
 * other and the longer goes on with a byte below SEP ("San" before
 * "San Jose" as keys, after it as lines "San,..." and "San Jose,...").
 * One comparison of the bytes gives both.
 */
static inline int
key_cmp_lines(const char *a, size_t alen, const char *b, size_t blen,
    char sep, int *line)
{
	size_t n = alen < blen ? alen : blen;
	int c = n > 0 ? memcmp(a, b, n) : 0;

	if (c != 0 || alen == blen) {
		*line = c;
		return c;
	}
	/* A prefix of the other: it is first as a key; as a line, first
	 * unless the longer goes on with a byte below SEP. */
	if (alen < blen) {
		*line = (unsigned char)b[n] < (unsigned char)sep ? 1 : -1;
		return -1;
	}
	*line = (unsigned char)a[n] < (unsigned char)sep ? -1 : 1;
	return 1;
}

/*
 * load_be64: the 8 bytes at P as a big-endian integer.  Comparing two such
 * words compares their bytes in key order, eight at a time (sort prefixes).
 */
static inline uint64_t
load_be64(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/*
 * key_chunk: bytes DEPTH..DEPTH+7 of the LEN-byte KEY as a big-endian
 * integer, zero past the key's end (as key_chunk32, eight bytes).
 */
static inline uint64_t
key_chunk(const char *key, size_t len, size_t depth)
{
	char b[8] = { 0 };

	if (len >= depth + 8)
		return load_be64(key + depth);
	if (len > depth)
		memcpy(b, key + depth, len - depth);
	return load_be64(b);
}

/*
 * key_chunk32: bytes DEPTH..DEPTH+3 of the LEN-byte KEY as a big-endian
 * integer, zero past the key's end: comparing chunks compares keys four
 * bytes at a time (a key that ends sorts before one that goes on with 0
 * bytes only by its length, which the caller breaks ties with).
 */
static inline uint32_t
key_chunk32(const char *key, size_t len, size_t depth)
{
	char b[4] = { 0 };
	uint32_t w;

	if (len >= depth + 4) {
		memcpy(&w, key + depth, 4);
	} else {
		if (len > depth)
			memcpy(b, key + depth, len - depth);
		memcpy(&w, b, 4);
	}
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = __builtin_bswap32(w);
#endif
	return w;
}

/*
 * bytes_equal: whether the N bytes at A and B are equal.  Keys are mostly
 * short: two overlapping word loads beat a call to memcmp.
 */
static inline int
bytes_equal(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;
	uint32_t x4, y4, u4, v4;

	if (n >= 8 && n <= 16) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		return ((x ^ y) | (u ^ v)) == 0;
	}
	if (n >= 4 && n < 8) {
		memcpy(&x4, a, 4);
		memcpy(&y4, b, 4);
		memcpy(&u4, a + n - 4, 4);
		memcpy(&v4, b + n - 4, 4);
		return ((x4 ^ y4) | (u4 ^ v4)) == 0;
	}
	return n == 0 || memcmp(a, b, n) == 0;
}

/* slice_cmp: key_cmp of two slices. */
static inline int
slice_cmp(struct slice a, struct slice b)
{
	return key_cmp(a.p, a.len, b.p, b.len);
}

/* slice_eq: equal bytes. */
static inline int
slice_eq(struct slice a, struct slice b)
{
	return a.len == b.len && bytes_equal(a.p, b.p, a.len);
}

/*
 * kv_parse_sep: the separator named by ARG: one byte, or the escapes "\t"
 * and "\0" that users type for TAB and NUL.  Returns -1 for anything else.
 */
int kv_parse_sep(const char *arg);

/* kv_parse_keyfields: a key field count >= 1, or -1. */
int kv_parse_keyfields(const char *arg);

/*
 * kv_field: field N (1-based) of S split at SEP, in *field.  Returns 0 if S
 * has fewer than N fields.
 */
int kv_field(struct slice s, char sep, int n, struct slice *field);

#endif
