/*
 * keyfield: KeyFieldBasedComparator and KeyFieldBasedPartitioner applied
 * to keys (see keyfield.h; their options are read in keyfield_spec.c).
 * The code follows Hadoop's KeyFieldHelper and KeyFieldBasedComparator
 * line by line where their results depend on it: field lengths, offsets,
 * the numeric comparison with Java's signed bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "java.h"
#include "keyfield.h"
#include "xalloc.h"

/* ---- fields: KeyFieldHelper ---- */

/* The lengths of the fields of a key, as getWordLengths counts them:
 * len[0] the number of fields, len[1..] their lengths. */
struct words {
	int *len;
	int cap;
	int local[32];
};

static const char *
find_sep(const struct keyfield *kf, const char *p, const char *end)
{
	if (kf->seplen == 1)
		return memchr(p, kf->sep[0], (size_t)(end - p));
	if ((size_t)(end - p) < kf->seplen)
		return NULL;
	return memmem(p, (size_t)(end - p), kf->sep, kf->seplen);
}

static void
word_lengths(const struct keyfield *kf, const char *key, size_t klen,
    struct words *w)
{
	const char *start = key, *end = key + klen, *pos;
	int idx = 1;

	w->len = w->local;
	w->cap = (int)(sizeof w->local / sizeof w->local[0]);
	if (!kf->spec_seen) {
		w->len[0] = 1;	/* the whole key is one word */
		return;
	}
	while ((pos = find_sep(kf, start, end)) != NULL) {
		if (++idx >= w->cap) {
			int ncap = w->cap * 2;
			int *n = xcalloc((size_t)ncap, sizeof *n);

			memcpy(n, w->len, (size_t)w->cap * sizeof *n);
			if (w->len != w->local)
				free(w->len);
			w->len = n;
			w->cap = ncap;
		}
		w->len[idx - 1] = (int)(pos - start);
		start = pos + 1;	/* Hadoop's: one byte on, whatever the separator */
	}
	w->len[idx] = (int)(end - start);	/* 0: no last field */
	w->len[0] = idx;
}

static void
words_free(struct words *w)
{
	if (w->len != w->local)
		free(w->len);
}

/* getStartOffset: the index of the first selected byte, or -1. */
static long
start_offset(const struct keyfield *kf, size_t klen, const struct words *w,
    const struct keyfield_spec *s)
{
	long position = 0;
	int i;

	if (w->len[0] >= s->begin_field) {
		for (i = 1; i < s->begin_field; i++)
			position += w->len[i] + (long)kf->seplen;
		if (position + s->begin_char <= (long)klen)
			return position + s->begin_char - 1;
	}
	return -1;
}

/* getEndOffset: the index of the last selected byte. */
static long
end_offset(const struct keyfield *kf, size_t klen, const struct words *w,
    const struct keyfield_spec *s)
{
	long position = 0;
	int i;

	if (s->end_field == 0)
		return (long)klen - 1;
	if (w->len[0] >= s->end_field) {
		for (i = 1; i < s->end_field; i++)
			position += w->len[i] + (long)kf->seplen;
		if (s->end_char == 0)
			position += w->len[i];
		if (position + s->end_char <= (long)klen)
			return position + s->end_char - 1;
		return (long)klen - 1;
	}
	return (long)klen - 1;
}

/* ---- comparison: KeyFieldBasedComparator ---- */

/* WritableComparator.compareBytes: unsigned bytes over the shorter length
 * (none if negative), then the difference of the lengths. */
static int
compare_bytes(const char *a, long alen, const char *b, long blen)
{
	long n = alen < blen ? alen : blen;
	int c;

	if (n > 0 && (c = memcmp(a, b, (size_t)n)) != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
is_digit(signed char c)
{
	return c >= '0' && c <= '9';
}

static int
decimal_compare1(const signed char *a, long i, long end)
{
	while (i <= end) {
		if (a[i] == '0') {
			i++;
			continue;
		}
		return is_digit(a[i]) ? 1 : 0;
	}
	return 0;
}

static int
decimal_compare(const signed char *a, long i, long end1, const signed char *b,
    long j, long end2)
{
	if (i > end1)
		return -decimal_compare1(b, ++j, end2);
	if (j > end2)
		return decimal_compare1(a, ++i, end1);
	if (a[i] == '.' && b[j] == '.') {
		while (i <= end1 && j <= end2) {
			if (a[i] != b[j]) {
				if (is_digit(a[i]) && is_digit(b[j]))
					return a[i] - b[j];
				if (is_digit(a[i]))
					return 1;
				if (is_digit(b[j]))
					return -1;
				return 0;
			}
			i++;
			j++;
		}
		if (i > end1 && j > end2)
			return 0;
		if (i > end1)
			return -decimal_compare1(b, j, end2);
		if (j > end2)
			return decimal_compare1(a, i, end1);
	} else if (a[i] == '.') {
		return decimal_compare1(a, ++i, end1);
	} else if (b[j] == '.') {
		return -decimal_compare1(b, ++j, end2);
	}
	return 0;
}

/* isZero; LIM (the key's length) bounds a read that Hadoop would make
 * past the key when the part is empty. */
static int
is_zero(const signed char *a, long start, long end, long lim)
{
	long i = start;

	while (i <= end) {
		if (a[i] != '0') {
			if (a[i] != '.' && is_digit(a[i]))
				return 0;
			break;
		}
		i++;
	}
	if (i != end + 1 && i < lim && a[i++] == '.') {
		while (i <= end) {
			if (a[i] != '0') {
				if (is_digit(a[i]))
					return 0;
				break;
			}
			i++;
		}
	}
	return 1;
}

static int
one_negative_compare(const signed char *a, long start1, long end1, long alen,
    const signed char *b, long start2, long end2, long blen)
{
	if (!is_zero(a, start1, end1, alen))
		return -1;
	if (!is_zero(b, start2, end2, blen))
		return -1;
	return 0;
}

/* KeyFieldBasedComparator.numericalCompare, on Java's signed bytes. */
static int
numerical_compare(const signed char *a, long start1, long end1, long alen,
    const signed char *b, long start2, long end2, long blen)
{
	long i = start1, j = start2;
	int mul = 1, first_result, ret, rem_a = 0, rem_b = 0;
	signed char first_a = a[i], first_b = b[j];

	if (first_a == '-') {
		if (first_b != '-')
			return one_negative_compare(a, start1 + 1, end1, alen, b,
			    start2, end2, blen);
		i++;
	}
	if (first_b == '-') {
		if (first_a != '-')
			return -one_negative_compare(b, start2 + 1, end2, blen, a,
			    start1, end1, alen);
		j++;
	}
	if (first_b == '-' && first_a == '-')
		mul = -1;
	while (i <= end1 && a[i] == '0')
		i++;
	while (j <= end2 && b[j] == '0')
		j++;
	while (i <= end1 && j <= end2) {
		if (!is_digit(a[i]) || a[i] != b[j])
			break;
		i++;
		j++;
	}
	if (i <= end1)
		first_a = a[i];
	if (j <= end2)
		first_b = b[j];
	first_result = first_a - first_b;
	if ((first_a == '.' && (!is_digit(first_b) || j > end2)) ||
	    (first_b == '.' && (!is_digit(first_a) || i > end1))) {
		int d = decimal_compare(a, i, end1, b, j, end2);

		return mul < 0 ? -d : d;
	}
	while (i <= end1) {
		if (is_digit(a[i++]))
			rem_a++;
		else
			break;
	}
	while (j <= end2) {
		if (is_digit(b[j++]))
			rem_b++;
		else
			break;
	}
	ret = rem_a - rem_b;
	if (ret == 0)
		return mul < 0 ? -first_result : first_result;
	return mul < 0 ? -ret : ret;
}

static int
compare_part(const char *a, long start1, long end1, long alen, const char *b,
    long start2, long end2, long blen, const struct keyfield_spec *s)
{
	int c;

	if (start1 == -1)
		return s->reverse ? 1 : -1;
	if (start2 == -1)
		return s->reverse ? -1 : 1;
	if (s->numeric)
		c = numerical_compare((const signed char *)a, start1, end1, alen,
		    (const signed char *)b, start2, end2, blen);
	else
		c = compare_bytes(a + start1, end1 - start1 + 1, b + start2,
		    end2 - start2 + 1);
	return s->reverse ? -c : c;
}

int
keyfield_cmp(const struct keyfield *kf, const char *a, size_t alen,
    const char *b, size_t blen)
{
	struct words wa, wb;
	size_t i;
	int c = 0;

	if (kf->n == 0)
		return compare_bytes(a, (long)alen, b, (long)blen);
	word_lengths(kf, a, alen, &wa);
	word_lengths(kf, b, blen, &wb);
	for (i = 0; i < kf->n && c == 0; i++) {
		const struct keyfield_spec *s = &kf->spec[i];

		c = compare_part(a, start_offset(kf, alen, &wa, s),
		    end_offset(kf, alen, &wa, s), (long)alen, b,
		    start_offset(kf, blen, &wb, s), end_offset(kf, blen, &wb, s),
		    (long)blen, s);
	}
	words_free(&wa);
	words_free(&wb);
	return c;
}

/* ---- partitioning: KeyFieldBasedPartitioner ---- */

unsigned
keyfield_partition(const struct keyfield *kf, const char *key, size_t len,
    unsigned n, char *scratch)
{
	struct words w;
	uint32_t h = 0;
	size_t i;

	if (kf->n == 0)
		return (unsigned)(((uint32_t)java_string_hash(key, len) &
		    0x7fffffffu) % n);
	if (scratch != NULL && !java_utf8_valid(key, len)) {
		len = java_text_roundtrip(key, len, scratch);
		key = scratch;
	}
	if (len == 0)
		return 0;
	word_lengths(kf, key, len, &w);
	for (i = 0; i < kf->n; i++) {
		long start = start_offset(kf, len, &w, &kf->spec[i]), end, j;

		if (start < 0)
			continue;
		end = end_offset(kf, len, &w, &kf->spec[i]);
		for (j = start; j <= end; j++)
			h = 31 * h + (uint32_t)(int32_t)(signed char)key[j];
	}
	words_free(&w);
	return (unsigned)((h & 0x7fffffffu) % n);
}
