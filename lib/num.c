/* num: exact number parsing, comparison and formatting (see num.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

#define EXP10_MAX 100000000000000000LL	/* 10^17: see struct num_text */

/* 10^19 and up as 10^19 * 10^k: constant expressions, no lazy setup. */
#define P19(k) ((int128)10000000000000000000ULL * k##ULL)

int128
pow10_i128(int e)
{
	static const int128 table[NUM_MAX_DIGITS + 1] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
		1000000000, 10000000000, 100000000000, 1000000000000,
		10000000000000, 100000000000000, 1000000000000000,
		10000000000000000, 100000000000000000, 1000000000000000000,
		P19(1), P19(10), P19(100), P19(1000), P19(10000), P19(100000),
		P19(1000000), P19(10000000), P19(100000000), P19(1000000000),
		P19(10000000000), P19(100000000000), P19(1000000000000),
		P19(10000000000000), P19(100000000000000), P19(1000000000000000),
		P19(10000000000000000), P19(100000000000000000),
		P19(1000000000000000000), P19(10000000000000000000),
	};

	return table[e];
}

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

/*
 * Lay out the decimal digits D[0..ND) of a magnitude at SCALE: the point
 * before the last SCALE digits, no trailing fraction zeros, "-" when NEG
 * and the value is not zero.
 */
static inline __attribute__((always_inline)) size_t
layout(char *buf, int neg, const char *d, size_t nd, int scale)
{
	size_t n = 0;
	int i;

	while (scale > 0 && nd > 1 && d[nd - 1] == '0') {
		nd--;
		scale--;
	}
	if (nd == 1 && d[0] == '0')
		scale = 0, neg = 0;
	if (nd + (size_t)scale + 3 > NUM_FMT_MAX)
		abort();	/* the callers' bounds exclude it */
	if (neg)
		buf[n++] = '-';
	if (scale == 0) {
		memcpy(buf + n, d, nd);
		n += nd;
	} else if ((size_t)scale >= nd) {
		buf[n++] = '0';
		buf[n++] = '.';
		for (i = 0; i < scale - (int)nd; i++)
			buf[n++] = '0';
		memcpy(buf + n, d, nd);
		n += nd;
	} else {
		memcpy(buf + n, d, nd - (size_t)scale);
		n += nd - (size_t)scale;
		buf[n++] = '.';
		memcpy(buf + n, d + nd - (size_t)scale, (size_t)scale);
		n += (size_t)scale;
	}
	buf[n] = '\0';
	return n;
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t
num_format(char *buf, int128 mant, int scale)
{
	char digits[48], *e = digits + sizeof digits, *s = e;
	unsigned __int128 u = mant < 0 ? -(unsigned __int128)mant :
	    (unsigned __int128)mant;

	/* 128-bit division is a library call: use 64 bits when they do. */
	if (u <= UINT64_MAX) {
		uint64_t v = (uint64_t)u;

		/* Two digits a division: half the dependent multiplies. */
		for (; v >= 100; v /= 100) {
			s -= 2;
			memcpy(s, digit_pairs + 2 * (v % 100), 2);
		}
		if (v >= 10) {
			s -= 2;
			memcpy(s, digit_pairs + 2 * v, 2);
		} else {
			*--s = (char)('0' + (int)v);
		}
	} else {
		do
			*--s = (char)('0' + (int)(u % 10));
		while ((u /= 10) != 0);
	}
	return layout(buf, mant < 0, s, (size_t)(e - s), scale);
}

size_t
num_format_big(char *buf, const struct big *mant, int scale)
{
	char digits[BIG_DIGITS_MAX];
	size_t nd = big_digits(digits, mant);

	return layout(buf, mant->neg, digits, nd, scale);
}

size_t
num_format_special(char *buf, double d)
{
	struct num n = { .exact = 0, .d = d };

	return num_format_value(buf, &n);
}

size_t
num_format_value(char *buf, const struct num *n)
{
	if (n->exact)
		return num_format(buf, n->mant, n->scale);
	if (isnan(n->d))
		return (size_t)sprintf(buf, "nan");
	return (size_t)sprintf(buf, n->d < 0 ? "-inf" : "inf");
}

/*
 * A rounded value Q * 10^(E - 16), Q of 17 digits, as "%.17g" writes it:
 * without an exponent for -4 <= E <= 16, else d.ddd e+-XX; no trailing
 * zeros.
 */
static size_t
format_sig17(char *buf, int neg, uint64_t q, int e)
{
	char d[17];
	int i, nd = 17;
	size_t n;

	d[16] = (char)('0' + (int)(q % 10));
	q /= 10;
	for (i = 14; i >= 0; i -= 2, q /= 100)
		memcpy(d + i, digit_pairs + 2 * (q % 100), 2);
	if (e >= -4 && e <= 16)
		return layout(buf, neg, d, 17, 16 - e);
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	n = 0;
	if (neg)
		buf[n++] = '-';
	buf[n++] = d[0];
	if (nd > 1) {
		buf[n++] = '.';
		memcpy(buf + n, d + 1, (size_t)nd - 1);
		n += (size_t)nd - 1;
	}
	n += (size_t)sprintf(buf + n, "e%c%02d", e < 0 ? '-' : '+',
	    e < 0 ? -e : e);
	return n;
}

/* The number of decimal digits of U (1 for 0). */
static int
u128_digits(unsigned __int128 u)
{
	int n = 1;

	if (u <= UINT64_MAX) {
		/* A mean's sum and count: 64-bit compares. */
		uint64_t v = (uint64_t)u, p = 10;

		for (; n < 20 && v >= p; p *= 10)
			n++;
		return n;
	}
	while (n <= NUM_MAX_DIGITS && u >= (unsigned __int128)pow10_i128(n))
		n++;
	return n;
}

/*
 * T / D.  When D fits 64 bits and the quotient surely does (below 10^18
 * here), one divq instead of the library's 128-bit division.
 */
static inline unsigned __int128
div_small(unsigned __int128 t, unsigned __int128 d)
{
#if defined(__x86_64__)
	uint64_t hi = (uint64_t)(t >> 64), lo = (uint64_t)t, q, r;

	if (d <= UINT64_MAX && hi < (uint64_t)d) {
		__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi),
		    "rm"((uint64_t)d));
		return q;
	}
#endif
	return t / d;
}

/*
 * The end of every rounding to 17 digits: Q (17 digits, truncated) goes
 * up when C, the rest compared with half a unit, is positive, or zero
 * with Q odd (half to even); 10^17 carries into the exponent E.
 */
static void
round17_finish(uint64_t q, int c, int e, uint64_t *qp, int *ep)
{
	if (c > 0 || (c == 0 && (q & 1)))
		q++;
	if (q == (uint64_t)pow10_i128(17)) {
		q = (uint64_t)pow10_i128(16);
		e++;
	}
	*qp = q;
	*ep = e;
}

/*
 * U/D (D > 0) rounded half-even to 17 significant digits, as Q * 10^(E -
 * 16), in 128 bits.  Returns -1 when they do not suffice (E > 16, or a
 * scaled numerator that overflows).
 */
static int
frac_round17(unsigned __int128 u, unsigned __int128 d, uint64_t *qp, int *ep)
{
	const unsigned __int128 lo = (unsigned __int128)pow10_i128(16),
	    hi = (unsigned __int128)pow10_i128(17);
	unsigned __int128 r, t, q;
	int e, k;

	/*
	 * u/d lies in [10^e, 10^(e+2)) for e = digits(u) - digits(d) - 1:
	 * from that e up, the first quotient below 10^17 has 17 digits.
	 */
	e = u128_digits(u) - u128_digits(d) - 1;
	for (k = 16 - e;; k--) {
		if (k < 0 || k > NUM_MAX_DIGITS ||
		    u > ~(unsigned __int128)0 / (unsigned __int128)pow10_i128(k))
			return -1;
		t = u * (unsigned __int128)pow10_i128(k);
		q = div_small(t, d);
		if (q < hi)
			break;
	}
	if (q < lo)
		return -1;
	r = t - q * d;
	round17_finish((uint64_t)q, (r > d - r) - (r < d - r), 16 - k, qp, ep);
	return 0;
}

size_t
num_format_frac(char *buf, int128 num, int128 den)
{
	unsigned __int128 u = num < 0 ? -(unsigned __int128)num :
	    (unsigned __int128)num, d = (unsigned __int128)den, rest, mult;
	int twos = 0, fives = 0, k, e, divides;
	uint64_t q;
	int128 mant;
	struct big bn, bd;

	/*
	 * U/D ends in decimal exactly when D without its factors 2 and 5
	 * (REST) divides U: one division where reducing the fraction first
	 * would take a gcd.
	 */
	for (rest = d; (rest & 1) == 0; rest >>= 1)
		twos++;
	if (rest <= UINT64_MAX) {
		uint64_t r = (uint64_t)rest;

		for (; r % 5 == 0; r /= 5)
			fives++;
		rest = r;
		divides = u <= UINT64_MAX ? (uint64_t)u % r == 0 : u % r == 0;
	} else {
		for (; rest % 5 == 0; rest /= 5)
			fives++;
		divides = u % rest == 0;
	}
	if (!divides && frac_round17(u, d, &q, &e) == 0)
		return format_sig17(buf, num < 0, q, e);
	if (divides && (k = twos > fives ? twos : fives) <= NUM_MAX_DIGITS) {
		/* U/D = (U/REST) * (10^k / (D/REST)) / 10^k. */
		if (u <= UINT64_MAX && d <= UINT64_MAX && k <= 19) {
			/* A mean of a few values: 64-bit divisions. */
			uint64_t m64, q64 = (uint64_t)u / (uint64_t)rest;

			m64 = (uint64_t)pow10_i128(k) / ((uint64_t)d /
			    (uint64_t)rest);
			if (!__builtin_mul_overflow(q64, m64, &m64))
				return num_format(buf, num < 0 ?
				    -(int128)m64 : (int128)m64, k);
		}
		mult = (unsigned __int128)pow10_i128(k) / (d / rest);
		if (!__builtin_mul_overflow((int128)(u / rest), (int128)mult, &mant))
			return num_format(buf, num < 0 ? -mant : mant, k);
	}
	big_from_i128(&bn, num);
	big_from_i128(&bd, den);
	return num_format_ratio(buf, &bn, &bd);
}

/*
 * |NUM|/DEN rounded half-even to 17 significant digits, as Q * 10^(E -
 * 16).  E starts as an estimate that is right or one too low.
 */
static void
ratio_round17(const struct big *num, const struct big *den, uint64_t *qp,
    int *ep)
{
	struct big n, d, q, r, hi;
	int e = big_ndigits(num) - big_ndigits(den) - 1;
	int128 qq;

	big_from_u64(&hi, 100000000000000000ULL);	/* 10^17 */
	for (;; e++) {
		big_abs(&n, num);
		d = *den;
		if (e <= 16)
			big_mul_pow10(&n, &n, 16 - e);
		else
			big_mul_pow10(&d, &d, e - 16);
		big_divmod(&q, &r, &n, &d);
		if (big_cmp(&q, &hi) < 0)
			break;
	}
	big_to_i128(&q, &qq);
	/* The remainder against half the divisor. */
	big_add(&r, &r, &r);
	round17_finish((uint64_t)qq, big_cmp(&r, &d), e, qp, ep);
}

/* Strip the factors 2 and 5 of D into REST; max(twos, fives). */
static int
strip_2_5(struct big *rest, const struct big *d)
{
	struct big t;
	int twos = 0, fives = 0;

	*rest = *d;
	for (;;) {
		t = *rest;
		if (big_divmod_small(&t, &t, 2) != 0)
			break;
		*rest = t;
		twos++;
	}
	for (;;) {
		t = *rest;
		if (big_divmod_small(&t, &t, 5) != 0)
			break;
		*rest = t;
		fives++;
	}
	return twos > fives ? twos : fives;
}

size_t
num_format_ratio(char *buf, const struct big *num, const struct big *den)
{
	struct big rest, q, r, mult, p10;
	uint64_t q17;
	int k, e;

	if (big_is_zero(num))
		return num_format(buf, 0, 0);
	k = strip_2_5(&rest, den);
	big_divmod(&q, &r, num, &rest);
	if (big_is_zero(&r)) {
		/* NUM/DEN = (NUM/REST) * (10^k / (DEN/REST)) / 10^k. */
		big_divmod(&mult, NULL, den, &rest);
		big_from_u64(&p10, 1);
		big_mul_pow10(&p10, &p10, k);
		big_divmod(&r, NULL, &p10, &mult);
		big_mul(&q, &q, &r);
		return num_format_big(buf, &q, k);
	}
	ratio_round17(num, den, &q17, &e);
	return format_sig17(buf, num->neg, q17, e);
}

/*
 * sqrt(N/D) * 10^(16 - e) = sqrt(N * 10^(32 - 2e) / D), whose integer
 * part is the integer square root of the quotient's integer part; E is
 * moved until that has 17 digits.  Then it is rounded up when the root
 * passes the half: 4 * N * 10^(32 - 2e) > (2q + 1)^2 * D.
 */
static void
sqrt_round17(const struct big *num, const struct big *den, uint64_t *qp,
    int *ep)
{
	struct big n, d, t, q, hi, lo, lhs, rhs;
	int e = (big_ndigits(num) - big_ndigits(den)) / 2;
	int128 qq;

	big_from_u64(&hi, 100000000000000000ULL);
	big_from_u64(&lo, 10000000000000000ULL);
	for (;;) {
		n = *num;
		d = *den;
		if (e <= 16)
			big_mul_pow10(&n, &n, 32 - 2 * e);
		else
			big_mul_pow10(&d, &d, 2 * e - 32);
		big_divmod(&t, NULL, &n, &d);
		big_isqrt(&q, &t);
		if (big_cmp(&q, &hi) >= 0)
			e++;
		else if (big_cmp(&q, &lo) < 0)
			e--;
		else
			break;
	}
	big_to_i128(&q, &qq);
	big_add(&rhs, &q, &q);
	big_from_u64(&t, 1);
	big_add(&rhs, &rhs, &t);
	big_mul(&rhs, &rhs, &rhs);
	big_mul(&rhs, &rhs, &d);
	big_mul_small(&lhs, &n, 4);
	round17_finish((uint64_t)qq, big_cmp(&lhs, &rhs), e, qp, ep);
}

size_t
num_format_sqrt(char *buf, const struct big *num, const struct big *den)
{
	struct big g, n, d, rn, rd, t;
	uint64_t q;
	int e;

	if (big_is_zero(num))
		return num_format(buf, 0, 0);
	/* A root that is a fraction: both terms of the reduced one squares. */
	big_gcd(&g, num, den);
	big_divmod(&n, NULL, num, &g);
	big_divmod(&d, NULL, den, &g);
	big_isqrt(&rn, &n);
	big_isqrt(&rd, &d);
	big_mul(&t, &rn, &rn);
	if (big_cmp(&t, &n) == 0) {
		big_mul(&t, &rd, &rd);
		if (big_cmp(&t, &d) == 0)
			return num_format_ratio(buf, &rn, &rd);
	}
	sqrt_round17(&n, &d, &q, &e);
	return format_sig17(buf, 0, q, e);
}
