/*
 * numfmt: numbers written out exactly: num_format and its kin (see num.h),
 * and fractions and square roots rounded to 17 significant digits when
 * their decimal expansion does not end.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

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
