/* bigint: signed integers wider than 128 bits (see bigint.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigint.h"

static void
big_overflow(void)
{
	/* The callers' bounds keep every value far inside: this is a bug. */
	fprintf(stderr, "bigint: a result exceeds %d bits\n", 32 * BIG_WORDS);
	abort();
}

static void
trim(struct big *r)
{
	while (r->n > 0 && r->w[r->n - 1] == 0)
		r->n--;
	if (r->n == 0)
		r->neg = 0;
}

void
big_from_u64(struct big *r, uint64_t v)
{
	r->w[0] = (uint32_t)v;
	r->w[1] = (uint32_t)(v >> 32);
	r->n = 2;
	r->neg = 0;
	trim(r);
}

void
big_from_i128(struct big *r, __int128 v)
{
	unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	int i;

	for (i = 0; i < 4; i++, u >>= 32)
		r->w[i] = (uint32_t)u;
	r->n = 4;
	r->neg = v < 0;
	trim(r);
}

int
big_to_i128(const struct big *a, __int128 *v)
{
	unsigned __int128 u = 0;
	int i;

	if (a->n > 4 || (a->n == 4 && (a->w[3] >> 31) &&
	    !(a->neg && a->w[3] == 0x80000000u && a->w[2] == 0 && a->w[1] == 0 &&
	    a->w[0] == 0)))
		return -1;
	for (i = a->n - 1; i >= 0; i--)
		u = u << 32 | a->w[i];
	*v = a->neg ? (__int128)-u : (__int128)u;
	return 0;
}

int
big_cmp_abs(const struct big *a, const struct big *b)
{
	int i;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = a->n - 1; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

int
big_cmp(const struct big *a, const struct big *b)
{
	int sa = big_sign(a), sb = big_sign(b);

	if (sa != sb)
		return sa < sb ? -1 : 1;
	return sa < 0 ? -big_cmp_abs(a, b) : big_cmp_abs(a, b);
}

/* |R| = |A| + |B| (R's sign untouched). */
static void
add_mag(struct big *r, const struct big *a, const struct big *b)
{
	const struct big *x = a->n >= b->n ? a : b, *y = x == a ? b : a;
	uint64_t carry = 0;
	int i, n = x->n, m = y->n;

	for (i = 0; i < n; i++) {
		carry += (uint64_t)x->w[i] + (i < m ? y->w[i] : 0);
		r->w[i] = (uint32_t)carry;
		carry >>= 32;
	}
	if (carry) {
		if (n == BIG_WORDS)
			big_overflow();
		r->w[n++] = (uint32_t)carry;
	}
	r->n = n;
}

/* |R| = |A| - |B|, for |A| >= |B| (R's sign untouched). */
static void
sub_mag(struct big *r, const struct big *a, const struct big *b)
{
	int64_t borrow = 0;
	int i;

	for (i = 0; i < a->n; i++) {
		borrow += (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0);
		r->w[i] = (uint32_t)borrow;
		borrow = borrow < 0 ? -1 : 0;
	}
	r->n = a->n;
}

/* R = A + B when BNEG is B's sign (so that subtraction is addition). */
static void
add_signed(struct big *r, const struct big *a, const struct big *b, int bneg)
{
	int aneg = a->neg, c;

	if (aneg == bneg || big_is_zero(b)) {
		add_mag(r, a, b);
		r->neg = big_is_zero(a) ? bneg : aneg;
	} else if ((c = big_cmp_abs(a, b)) >= 0) {
		sub_mag(r, a, b);
		r->neg = aneg;
	} else {
		sub_mag(r, b, a);
		r->neg = bneg;
	}
	trim(r);
}

void
big_add(struct big *r, const struct big *a, const struct big *b)
{
	add_signed(r, a, b, b->neg);
}

void
big_sub(struct big *r, const struct big *a, const struct big *b)
{
	add_signed(r, a, b, !b->neg && !big_is_zero(b));
}

void
big_neg(struct big *r, const struct big *a)
{
	if (r != a)
		*r = *a;
	r->neg = !a->neg && !big_is_zero(a);
}

void
big_abs(struct big *r, const struct big *a)
{
	if (r != a)
		*r = *a;
	r->neg = 0;
}

void
big_mul_small(struct big *r, const struct big *a, uint32_t m)
{
	uint64_t carry = 0;
	int i, n = a->n;

	for (i = 0; i < n; i++) {
		carry += (uint64_t)a->w[i] * m;
		r->w[i] = (uint32_t)carry;
		carry >>= 32;
	}
	if (carry) {
		if (n == BIG_WORDS)
			big_overflow();
		r->w[n++] = (uint32_t)carry;
	}
	r->n = n;
	r->neg = a->neg;
	trim(r);
}

void
big_mul(struct big *r, const struct big *a, const struct big *b)
{
	uint32_t t[2 * BIG_WORDS];
	uint64_t carry;
	int i, j, n = a->n + b->n;

	memset(t, 0, sizeof(uint32_t) * (size_t)n);
	for (i = 0; i < a->n; i++) {
		carry = 0;
		for (j = 0; j < b->n; j++) {
			carry += (uint64_t)a->w[i] * b->w[j] + t[i + j];
			t[i + j] = (uint32_t)carry;
			carry >>= 32;
		}
		t[i + b->n] = (uint32_t)carry;
	}
	while (n > 0 && t[n - 1] == 0)
		n--;
	if (n > BIG_WORDS)
		big_overflow();
	r->neg = a->neg != b->neg;
	memcpy(r->w, t, sizeof(uint32_t) * (size_t)n);
	r->n = n;
	trim(r);
}

void
big_mul_pow10(struct big *r, const struct big *a, int e)
{
	static const uint32_t p10[] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
		1000000000,
	};

	if (r != a)
		*r = *a;
	for (; e > 0; e -= 9)
		big_mul_small(r, r, p10[e < 9 ? e : 9]);
}

uint32_t
big_divmod_small(struct big *q, const struct big *a, uint32_t d)
{
	uint64_t rem = 0;
	int i;

	if (q != a)
		*q = *a;
	for (i = a->n - 1; i >= 0; i--) {
		rem = rem << 32 | a->w[i];
		q->w[i] = (uint32_t)(rem / d);
		rem %= d;
	}
	trim(q);
	return (uint32_t)rem;
}

/*
 * Long division of magnitudes, Knuth's algorithm D (TAOCP 4.3.1) with
 * 32-bit digits: U (M words) by V (N >= 2 words, M >= N) into Q (M - N + 1
 * words) and R (N words).  Both are normalised first so that V's top word
 * has its high bit set, which makes each estimated quotient digit at most
 * two too large.
 */
static void
divmod_knuth(uint32_t *q, uint32_t *r, const uint32_t *u, int m,
    const uint32_t *v, int n)
{
	const uint64_t b = (uint64_t)1 << 32;
	uint32_t un[BIG_WORDS + 1], vn[BIG_WORDS];
	uint64_t qhat, rhat, p;
	int64_t t, k;
	int s, i, j;

	s = __builtin_clz(v[n - 1]);
	for (i = n - 1; i > 0; i--)
		vn[i] = (v[i] << s) | (uint32_t)((uint64_t)v[i - 1] >> (32 - s));
	vn[0] = v[0] << s;
	un[m] = (uint32_t)((uint64_t)u[m - 1] >> (32 - s));
	for (i = m - 1; i > 0; i--)
		un[i] = (u[i] << s) | (uint32_t)((uint64_t)u[i - 1] >> (32 - s));
	un[0] = u[0] << s;
	for (j = m - n; j >= 0; j--) {
		uint64_t top = (uint64_t)un[j + n] * b + un[j + n - 1];

		qhat = top / vn[n - 1];
		rhat = top - qhat * vn[n - 1];
		while (qhat >= b ||
		    qhat * vn[n - 2] > b * rhat + un[j + n - 2]) {
			qhat--;
			rhat += vn[n - 1];
			if (rhat >= b)
				break;
		}
		/* Multiply and subtract. */
		k = 0;
		for (i = 0; i < n; i++) {
			p = qhat * vn[i];
			t = (int64_t)un[i + j] - k - (int64_t)(p & 0xffffffffu);
			un[i + j] = (uint32_t)t;
			k = (int64_t)(p >> 32) - (t >> 32);
		}
		t = (int64_t)un[j + n] - k;
		un[j + n] = (uint32_t)t;
		q[j] = (uint32_t)qhat;
		if (t < 0) {
			/* Rare: the estimate was one too large; add back. */
			q[j]--;
			k = 0;
			for (i = 0; i < n; i++) {
				t = (int64_t)un[i + j] + vn[i] + k;
				un[i + j] = (uint32_t)t;
				k = t >> 32;
			}
			un[j + n] += (uint32_t)k;
		}
	}
	for (i = 0; i < n - 1; i++)
		r[i] = (un[i] >> s) | (uint32_t)((uint64_t)un[i + 1] << (32 - s));
	r[n - 1] = un[n - 1] >> s;
}

void
big_divmod(struct big *q, struct big *r, const struct big *a,
    const struct big *b)
{
	struct big qq, rr;
	uint32_t rem;

	if (big_is_zero(b))
		big_overflow();
	if (big_cmp_abs(a, b) < 0) {
		qq.n = 0;
		qq.neg = 0;
		rr = *a;
	} else if (b->n == 1) {
		rem = big_divmod_small(&qq, a, b->w[0]);
		big_from_u64(&rr, rem);
		rr.neg = a->neg && rem != 0;
		qq.neg = a->neg != b->neg && !big_is_zero(&qq);
	} else {
		divmod_knuth(qq.w, rr.w, a->w, a->n, b->w, b->n);
		qq.n = a->n - b->n + 1;
		qq.neg = a->neg != b->neg;
		rr.n = b->n;
		rr.neg = a->neg;
		trim(&qq);
		trim(&rr);
	}
	if (q != NULL)
		*q = qq;
	if (r != NULL)
		*r = rr;
}

static int
bit_length(const struct big *a)
{
	return a->n == 0 ? 0 : 32 * (a->n - 1) + 32 - __builtin_clz(a->w[a->n - 1]);
}

/* Newton's iteration from above: x' = (x + a/x) / 2 falls to floor(sqrt(a)). */
void
big_isqrt(struct big *r, const struct big *a)
{
	struct big x, y, t;
	int k;

	if (big_is_zero(a)) {
		*r = *a;
		return;
	}
	/* 2^ceil(bits/2) >= sqrt(a). */
	k = (bit_length(a) + 1) / 2;
	memset(x.w, 0, sizeof(uint32_t) * (size_t)(k / 32 + 1));
	x.w[k / 32] = (uint32_t)1 << (k % 32);
	x.n = k / 32 + 1;
	x.neg = 0;
	for (;;) {
		big_divmod(&t, NULL, a, &x);
		big_add(&y, &x, &t);
		big_divmod_small(&y, &y, 2);
		if (big_cmp(&y, &x) >= 0)
			break;
		x = y;
	}
	*r = x;
}

void
big_gcd(struct big *r, const struct big *a, const struct big *b)
{
	struct big x, y, t;

	big_abs(&x, a);
	big_abs(&y, b);
	while (!big_is_zero(&y)) {
		big_divmod(NULL, &t, &x, &y);
		x = y;
		y = t;
	}
	*r = x;
}

size_t
big_digits(char *buf, const struct big *a)
{
	char tmp[BIG_DIGITS_MAX + 9], *e = tmp + sizeof tmp, *s = e;
	struct big q = *a;
	uint32_t chunk;
	int i;
	size_t n;

	q.neg = 0;
	do {
		chunk = big_divmod_small(&q, &q, 1000000000);
		for (i = 0; i < 9; i++, chunk /= 10)
			*--s = (char)('0' + chunk % 10);
	} while (!big_is_zero(&q));
	while (e - s > 1 && *s == '0')
		s++;
	n = (size_t)(e - s);
	memcpy(buf, s, n);
	return n;
}

int
big_ndigits(const struct big *a)
{
	char buf[BIG_DIGITS_MAX + 9];

	return (int)big_digits(buf, a);
}
