/* num: exact parsing and comparison of numbers (see num.h; formatting is numfmt.c). */
#include <math.h>
#include <string.h>

#include "num.h"

#define EXP10_MAX 100000000000000000LL	/* 10^17: see struct num_text */

int
num_rescale(int128 mant, int from, int to, int128 *out)
{
	int128 r;

	if (to - from > NUM_MAX_DIGITS)
		return mant == 0 ? (*out = 0, 0) : -1;
	if (i128_mul_overflow(mant, pow10_i128(to - from), &r))
		return -1;
	*out = r;
	return 0;
}

void
num_to_big(struct big *r, const struct num *n, int scale)
{
	big_from_i128(r, n->mant);
	big_mul_pow10(r, r, scale - n->scale);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether [P, END) is WORD in any case. */
static int
is_word(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word), i;

	if ((size_t)(end - p) != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((p[i] | 0x20) != word[i])
			return 0;
	return 1;
}

/*
 * One pass over the text.  Digit positions count every digit, zeros
 * included, from the first: the first nonzero one at position FI has the
 * place value 10^(intdigits - 1 - FI), so the value is 0.D * 10^exp10 with
 * exp10 = intdigits - FI, plus the written exponent.
 */
int
num_scan(const char *s, size_t len, struct num_text *t)
{
	const char *p = s, *end = s + len, *first = NULL, *last = NULL;
	int64_t pos = 0, fi = 0, li = 0, intdigits = -1, e = 0;
	int eneg = 0;
	unsigned c;

	while (end > p && is_blank(end[-1]))
		end--;
	while (p < end && is_blank(*p))
		p++;
	t->neg = 0;
	if (p < end && (*p == '-' || *p == '+'))
		t->neg = *p++ == '-';
	t->kind = NUM_FINITE;
	if (p < end && ((*p | 0x20) == 'i' || (*p | 0x20) == 'n')) {
		if (is_word(p, end, "inf") || is_word(p, end, "infinity"))
			t->kind = NUM_INF;
		else if (is_word(p, end, "nan"))
			t->kind = NUM_NAN;
		else
			return -1;
		return 0;
	}
	/* Leading zeros, and a point among them, are no digits of D. */
	for (; p < end; p++) {
		if (*p == '0')
			pos++;
		else if (*p == '.' && intdigits < 0)
			intdigits = pos;
		else
			break;
	}
	if (p < end && (unsigned)(*p - '1') <= 8) {
		fi = pos;
		first = p;
		for (; p < end; p++) {
			if ((c = (unsigned)(*p - '0')) <= 9) {
				if (c != 0) {
					li = pos;
					last = p;
				}
				pos++;
			} else if (*p == '.' && intdigits < 0) {
				intdigits = pos;
			} else {
				break;
			}
		}
	}
	if (pos == 0)
		return -1;
	if (intdigits < 0)
		intdigits = pos;
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		if (p == end)
			return -1;
		for (; p < end && (unsigned)(*p - '0') <= 9; p++)
			if ((e = e * 10 + (*p - '0')) > EXP10_MAX)
				e = EXP10_MAX;
	}
	if (p != end)
		return -1;
	if (eneg)
		e = -e;
	t->first = first;
	t->last = last;
	t->places = pos - intdigits - e;
	t->ndigits = first ? li - fi + 1 : 0;
	t->exp10 = first ? intdigits - fi + e : 0;
	return 0;
}

/*
 * The exact value of a scanned finite number: its significant digits D
 * (at most 38) as an integer, times 10^(exp10 - ndigits), at the written
 * scale when that fits (as num_parse_plain keeps it), else at the
 * smallest: 0 for an integer, else 38 at most, and below 10^38 either way.
 */
static int
text_to_num(const struct num_text *t, struct num *n)
{
	const char *p;
	int128 m = 0;
	int64_t e = t->exp10 - t->ndigits, s = e < 0 ? -e : 0;

	n->exact = 1;
	n->d = 0;
	if (t->first == NULL) {
		n->mant = 0;
		n->scale = t->places < 0 ? 0 : t->places > NUM_MAX_DIGITS ?
		    NUM_MAX_DIGITS : (int)t->places;
		return NUM_OK;
	}
	if (t->ndigits > NUM_MAX_DIGITS || s > NUM_MAX_DIGITS ||
	    t->exp10 + s > NUM_MAX_DIGITS)
		return NUM_TOO_LONG;
	if (t->places > s && t->places <= NUM_MAX_DIGITS &&
	    t->exp10 + t->places <= NUM_MAX_DIGITS)
		s = t->places;
	for (p = t->first; p <= t->last; p++)
		if (*p != '.')
			m = m * 10 + (*p - '0');
	m *= pow10_i128((int)(e + s));
	n->mant = t->neg ? -m : m;
	n->scale = (int)s;
	return NUM_OK;
}

int
num_parse(const char *s, size_t len, struct num *n)
{
	struct num_text t;

	if (len <= 19 && num_parse_plain(s, s + len, -1, n) != NULL)
		return NUM_OK;
	if (num_scan(s, len, &t) < 0)
		return NUM_NOT_A_NUMBER;
	if (t.kind == NUM_FINITE)
		return text_to_num(&t, n);
	n->exact = 0;
	n->mant = 0;
	n->scale = 0;
	n->d = t.kind == NUM_NAN ? NAN : t.neg ? -INFINITY : INFINITY;
	return NUM_OK;
}

/* -2 for -inf, -1 negative, 0 zero, 1 positive, 2 inf, 3 nan. */
static int
text_rank(const struct num_text *t)
{
	if (t->kind == NUM_NAN)
		return 3;
	if (t->kind == NUM_INF)
		return t->neg ? -2 : 2;
	if (t->first == NULL)
		return 0;
	return t->neg ? -1 : 1;
}

/* The order of the magnitudes of two nonzero finite numbers. */
static int
text_cmp_abs(const struct num_text *a, const struct num_text *b)
{
	const char *p = a->first, *q = b->first;

	if (a->exp10 != b->exp10)
		return a->exp10 < b->exp10 ? -1 : 1;
	for (;;) {
		if (p <= a->last && *p == '.')
			p++;
		if (q <= b->last && *q == '.')
			q++;
		if (p > a->last || q > b->last)
			break;
		if (*p != *q)
			return *p < *q ? -1 : 1;
		p++;
		q++;
	}
	/* One ran out: the other still has a nonzero digit (its last). */
	return (p <= a->last) - (q <= b->last);
}

int
num_text_cmp(const struct num_text *a, const struct num_text *b)
{
	int ra = text_rank(a), rb = text_rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 1)
		return text_cmp_abs(a, b);
	if (ra == -1)
		return text_cmp_abs(b, a);
	return 0;
}

/*
 * The word of a positive number: its exponent (biased to at least 1) in
 * bits 41-62, its first 12 digits in bits 1-40 (10^12 < 2^40), and in bit
 * 0 whether it has more digits: so a word with bit 0 clear determines its
 * number.  Exponents beyond the 22 bits share one word below or above all
 * others (digits would break the order there).  A negative number's word
 * mirrors it below 2^63, zero's is 2^63.
 */
uint64_t
num_text_word(const struct num_text *t)
{
	const int64_t bias = (int64_t)1 << 21;
	const char *p;
	uint64_t digits = 0, pos;
	int64_t e;
	int i = 0;

	if (t->kind == NUM_INF)
		return t->neg ? 1 : UINT64_MAX;
	if (t->first == NULL)
		return (uint64_t)1 << 63;
	e = t->exp10 + bias;
	if (e < 1) {
		pos = 1;
	} else if (e > 2 * bias - 2) {
		pos = (uint64_t)(2 * bias - 1) << 41 | 1;
	} else {
		for (p = t->first; p <= t->last && i < 12; p++)
			if (*p != '.') {
				digits = digits * 10 + (uint64_t)(*p - '0');
				i++;
			}
		digits *= (uint64_t)pow10_i128(12 - i);
		pos = (uint64_t)e << 41 | digits << 1 | (p <= t->last);
	}
	return t->neg ? ((uint64_t)1 << 63) - pos : ((uint64_t)1 << 63) + pos;
}

/* -1 for -inf, 0 for an exact number, 1 for inf, 2 for nan. */
static int
special_rank(const struct num *n)
{
	if (n->exact)
		return 0;
	if (isnan(n->d))
		return 2;
	return n->d < 0 ? -1 : 1;
}

int
num_cmp(const struct num *a, const struct num *b)
{
	int128 x, y;
	int ra, rb;

	if (a->exact && b->exact) {
		x = a->mant;
		y = b->mant;
		/*
		 * Raise the smaller scale.  If that overflows, the raised
		 * number is larger in magnitude than any value the other can
		 * hold at its scale (below 10^38 < 2^127), so its sign decides.
		 */
		if (a->scale < b->scale &&
		    num_rescale(x, a->scale, b->scale, &x) < 0)
			return a->mant < 0 ? -1 : 1;
		if (b->scale < a->scale &&
		    num_rescale(y, b->scale, a->scale, &y) < 0)
			return b->mant < 0 ? 1 : -1;
		return (x > y) - (x < y);
	}
	ra = special_rank(a);
	rb = special_rank(b);
	return (ra > rb) - (ra < rb);
}
