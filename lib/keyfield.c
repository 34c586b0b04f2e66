/*
 * keyfield: KeyFieldBasedComparator and KeyFieldBasedPartitioner (see
 * keyfield.h).  The code follows Hadoop's KeyFieldHelper and
 * KeyFieldBasedComparator line by line where their results depend on it:
 * field lengths, offsets, the numeric comparison with Java's signed bytes.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "java.h"
#include "keyfield.h"
#include "xalloc.h"

int
keyfield_init(struct keyfield *kf, const char *sep, size_t seplen)
{
	memset(kf, 0, sizeof *kf);
	if (seplen == 0 || seplen >= sizeof kf->sep)
		return -1;
	memcpy(kf->sep, sep, seplen);
	kf->seplen = seplen;
	return 0;
}

const char *
keyfield_sep_arg(const char *arg)
{
	if (strcmp(arg, "\\t") == 0)
		return "\t";
	if (*arg == '\0' || strlen(arg) > 15)
		return NULL;
	return arg;
}

void
keyfield_free(struct keyfield *kf)
{
	free(kf->spec);
	kf->spec = NULL;
	kf->n = 0;
}

static void
add_spec(struct keyfield *kf, const struct keyfield_spec *s)
{
	kf->spec = xreallocarray(kf->spec, kf->n + 1, sizeof *kf->spec);
	kf->spec[kf->n++] = *s;
}

void
keyfield_add_fields(struct keyfield *kf, int k)
{
	struct keyfield_spec s = { 1, 1, k, 0, 0, 0 };

	if (k >= 1) {
		add_spec(kf, &s);
		kf->spec_seen = 1;
	}
}

/* ---- parsing ---- */

/* A token of Java's StringTokenizer(spec, "nr.,", true): a delimiter
 * character, or a run of other characters. */
struct tokens {
	const char *p;
};

static int
next_token(struct tokens *t, char *tok, size_t size)
{
	size_t n = 0;

	if (*t->p == '\0')
		return 0;
	if (strchr("nr.,", *t->p) != NULL) {
		tok[0] = *t->p++;
		tok[1] = '\0';
		return 1;
	}
	while (*t->p != '\0' && strchr("nr.,", *t->p) == NULL) {
		if (n + 1 < size)
			tok[n++] = *t->p;
		t->p++;
	}
	tok[n] = '\0';
	return 1;
}

/* Integer.parseInt of TOK, at least MIN; -1 with a message otherwise. */
static int
parse_number(const char *tok, int min, int *v, const char *spec, char *err,
    size_t errlen)
{
	int64_t x;

	if (java_parse_long(tok, strlen(tok), &x) < 0 || x > INT_MAX ||
	    x < INT_MIN) {
		snprintf(err, errlen, "bad key specification '%s': '%s' is not a number",
		    spec, tok);
		return -1;
	}
	if (x < min) {
		snprintf(err, errlen, "bad key specification '%s': %s must be %d or more",
		    spec, tok, min);
		return -1;
	}
	*v = (int)x;
	return 0;
}

/* The flags n and r from the token in TOK on: returns 1 at the end of the
 * specification, 0 with TOK the first token that is not a flag. */
static int
flags(struct tokens *t, char *tok, size_t size, struct keyfield_spec *s)
{
	for (;;) {
		if (strcmp(tok, "n") == 0)
			s->numeric = 1;
		else if (strcmp(tok, "r") == 0)
			s->reverse = 1;
		else
			return 0;
		if (!next_token(t, tok, size))
			return 1;
	}
}

/* Whether S ends before it starts ("-k3,1", "-k2.5,2.3"). */
static int
ends_before_start(const struct keyfield_spec *s)
{
	return s->end_field != 0 && (s->end_field < s->begin_field ||
	    (s->end_field == s->begin_field && s->end_char != 0 &&
	    s->end_char < s->begin_char));
}

/* KeyFieldHelper.parseKey: SPEC ("2.3nr,4.5") into *S. */
static int
parse_key(const char *spec, struct keyfield_spec *s, char *err, size_t errlen)
{
	struct tokens t = { spec };
	char tok[64];

	memset(s, 0, sizeof *s);
	s->begin_field = 1;
	s->begin_char = 1;
	if (!next_token(&t, tok, sizeof tok))
		return 0;
	if (parse_number(tok, 1, &s->begin_field, spec, err, errlen) < 0)
		return -1;
	if (!next_token(&t, tok, sizeof tok))
		return 0;
	if (strcmp(tok, ".") == 0) {
		if (!next_token(&t, tok, sizeof tok))
			goto bad;
		if (parse_number(tok, 1, &s->begin_char, spec, err, errlen) < 0)
			return -1;
		if (!next_token(&t, tok, sizeof tok))
			return 0;
	}
	if (flags(&t, tok, sizeof tok, s))
		return 0;
	if (strcmp(tok, ",") != 0)
		goto bad;
	if (!next_token(&t, tok, sizeof tok))
		goto bad;
	if (parse_number(tok, 0, &s->end_field, spec, err, errlen) < 0)
		return -1;
	if (!next_token(&t, tok, sizeof tok))
		return 0;
	if (strcmp(tok, ".") == 0) {
		if (!next_token(&t, tok, sizeof tok))
			goto bad;
		if (parse_number(tok, 0, &s->end_char, spec, err, errlen) < 0)
			return -1;
		if (!next_token(&t, tok, sizeof tok))
			return 0;
	}
	if (flags(&t, tok, sizeof tok, s))
		return 0;
bad:
	snprintf(err, errlen, "bad key specification '%s' (want POS1[,POS2], "
	    "POS being FIELD[.CHAR][n][r])", spec);
	return -1;
}

/* Set kf->numeric_backwards if a numeric specification ends before it starts. */
static void
note_numeric_backwards(struct keyfield *kf)
{
	size_t i;

	for (i = 0; i < kf->n; i++)
		if (kf->spec[i].numeric && ends_before_start(&kf->spec[i]))
			kf->numeric_backwards = 1;
}

int
keyfield_parse_spec(struct keyfield *kf, const char *spec, int numeric,
    int reverse, char *err, size_t errlen)
{
	struct keyfield_spec s;

	if (*spec == '\0') {
		snprintf(err, errlen, "empty key specification");
		return -1;
	}
	if (parse_key(spec, &s, err, errlen) < 0)
		return -1;
	if (!s.numeric && !s.reverse) {
		s.numeric = numeric;
		s.reverse = reverse;
	}
	add_spec(kf, &s);
	kf->spec_seen = 1;
	note_numeric_backwards(kf);
	return 0;
}

/* The next blank-separated word of *P (StringTokenizer's default). */
static size_t
next_word(const char **p, const char **word)
{
	const char *s = *p;
	size_t n;

	while (*s != '\0' && strchr(" \t\n\r\f", *s) != NULL)
		s++;
	*word = s;
	n = strcspn(s, " \t\n\r\f");
	*p = s + n;
	return n;
}

int
keyfield_parse(struct keyfield *kf, const char *options, char *err,
    size_t errlen)
{
	struct keyfield_spec global = { 1, 1, 0, 0, 0, 0 };
	size_t first = kf->n, i, n;
	const char *p = options, *w;
	char *word;

	while ((n = next_word(&p, &w)) > 0) {
		word = xmemdup(w, n + 1);
		word[n] = '\0';
		if (strcmp(word, "-n") == 0) {
			global.numeric = 1;
		} else if (strcmp(word, "-r") == 0) {
			global.reverse = 1;
		} else if (strcmp(word, "-nr") == 0) {
			global.numeric = global.reverse = 1;
		} else if (strncmp(word, "-k", 2) == 0) {
			const char *arg = word + 2;
			struct keyfield_spec s;

			if (*arg == '\0') {
				/* "-k SPEC": the next word. */
				if ((n = next_word(&p, &w)) == 0) {
					free(word);
					break;
				}
				free(word);
				word = xmemdup(w, n + 1);
				word[n] = '\0';
				arg = word;
			}
			if (parse_key(arg, &s, err, errlen) < 0) {
				free(word);
				return -1;
			}
			add_spec(kf, &s);
			kf->spec_seen = 1;
		}
		free(word);
	}
	for (i = first; i < kf->n; i++)
		if (!kf->spec[i].numeric && !kf->spec[i].reverse) {
			kf->spec[i].numeric = global.numeric;
			kf->spec[i].reverse = global.reverse;
		}
	if (kf->n == first && (global.numeric || global.reverse))
		add_spec(kf, &global);
	note_numeric_backwards(kf);
	return 0;
}

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
