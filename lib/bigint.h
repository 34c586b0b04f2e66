/*
 * bigint: signed integers wider than 128 bits, for the exact slow paths of
 * lib/num and lib/agg (a sum of 38-digit numbers at mixed scales, a
 * variance's n*S2 - S1^2, a square root rounded to 17 digits).
 *
 * A struct big is a magnitude in 32-bit words, least significant first,
 * and a sign, on the stack: no allocation.  Its capacity, BIG_WORDS words,
 * is far above what those callers can produce (each states its bound); an
 * operation whose result would not fit is a bug and aborts.  Every result
 * may be one of the operands (r == a is allowed) unless said otherwise.
 */
#ifndef MR_BIGINT_H
#define MR_BIGINT_H

#include <stddef.h>
#include <stdint.h>

#define BIG_WORDS 48		/* 1536 bits */
#define BIG_DIGITS_MAX 463	/* decimal digits of the largest magnitude */

struct big {
	uint32_t w[BIG_WORDS];	/* magnitude, least significant word first */
	int n;			/* words in use: w[n - 1] != 0; 0 for zero */
	int neg;		/* 1 for a negative value (never for zero) */
};

void big_from_i128(struct big *r, __int128 v);
void big_from_u64(struct big *r, uint64_t v);
/* big_to_i128: 0 and *V when A fits an __int128, else -1. */
int big_to_i128(const struct big *a, __int128 *v);

static inline int
big_is_zero(const struct big *a)
{
	return a->n == 0;
}

/* big_sign: -1, 0 or 1. */
static inline int
big_sign(const struct big *a)
{
	return a->n == 0 ? 0 : a->neg ? -1 : 1;
}

/* big_cmp, big_cmp_abs: the order of A and B (of |A| and |B|): <0, 0, >0. */
int big_cmp(const struct big *a, const struct big *b);
int big_cmp_abs(const struct big *a, const struct big *b);

void big_add(struct big *r, const struct big *a, const struct big *b);
void big_sub(struct big *r, const struct big *a, const struct big *b);
void big_mul(struct big *r, const struct big *a, const struct big *b);
void big_mul_small(struct big *r, const struct big *a, uint32_t m);
/* big_mul_pow10: A * 10^E, E >= 0. */
void big_mul_pow10(struct big *r, const struct big *a, int e);
void big_neg(struct big *r, const struct big *a);
void big_abs(struct big *r, const struct big *a);

/*
 * big_divmod: A = Q*B + R with |R| < |B|, Q truncated toward zero, R with
 * A's sign (C's / and %).  B != 0.  Q or R may be NULL; neither may be A or
 * B.
 */
void big_divmod(struct big *q, struct big *r, const struct big *a,
    const struct big *b);
/* big_divmod_small: Q = |A| / D (A's sign), returns |A| % D.  Q may be A. */
uint32_t big_divmod_small(struct big *q, const struct big *a, uint32_t d);

/* big_isqrt: floor(sqrt(A)) for A >= 0. */
void big_isqrt(struct big *r, const struct big *a);

/* big_gcd: the greatest common divisor of |A| and |B| (0 when both are). */
void big_gcd(struct big *r, const struct big *a, const struct big *b);

/*
 * big_digits: the decimal digits of |A| into BUF (BIG_DIGITS_MAX bytes at
 * least), most significant first, without a NUL; returns how many ("0"
 * for zero: 1).
 */
size_t big_digits(char *buf, const struct big *a);

/* big_ndigits: the number of decimal digits of |A| (1 for zero). */
int big_ndigits(const struct big *a);

#endif
