/* Unit tests of lib/bigint: against __int128 where it fits, by identities beyond. */
#include "unit.h"
#include "bigint.h"

static __int128
random_i128(int bits)
{
	unsigned __int128 u = 0;
	int i;

	for (i = 0; i < 4; i++)
		u = u << 32 | (uint32_t)(unit_rand(1u << 16) << 16 | unit_rand(1u << 16));
	if (bits < 128)
		u &= ((unsigned __int128)1 << bits) - 1;
	return unit_rand(2) ? -(__int128)(u >> 1) : (__int128)(u >> 1);
}

/*
 * A random big of up to WORDS words, either sign, most words at the edges
 * of a word (0, 1, 2^31, 2^32 - 1, ...), where long division's rare
 * corrections happen (these inputs take its add-back step thousands of
 * times).
 */
static void
random_big(struct big *r, int words)
{
	static const uint32_t edges[] = {
		0, 1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff,
	};
	int i, n = 1 + (int)unit_rand((unsigned)words);

	for (i = 0; i < n; i++)
		r->w[i] = unit_rand(4) ? edges[unit_rand(8)] :
		    (uint32_t)(unit_rand(1u << 16) << 16 | unit_rand(1u << 16));
	r->n = n;
	r->neg = (int)unit_rand(2);
	while (r->n > 0 && r->w[r->n - 1] == 0)
		r->n--;
	if (r->n == 0)
		r->neg = 0;
}

static int
equals_i128(const struct big *b, __int128 v)
{
	__int128 got;

	return big_to_i128(b, &got) == 0 && got == v;
}

static void
small_values_agree_with_int128(void)
{
	struct big a, b, r, q;
	__int128 x, y;
	int i, ok = 1;

	unit_rng = 3;
	for (i = 0; i < 20000; i++) {
		x = random_i128(1 + (int)unit_rand(126));
		y = random_i128(1 + (int)unit_rand(62));
		big_from_i128(&a, x);
		big_from_i128(&b, y);
		big_add(&r, &a, &b);
		ok &= equals_i128(&r, x + y);
		big_sub(&r, &a, &b);
		ok &= equals_i128(&r, x - y);
		big_sub(&r, &b, &a);
		ok &= equals_i128(&r, y - x);
		ok &= big_cmp(&a, &b) == (x > y) - (x < y);
		if (y != 0) {
			big_divmod(&q, &r, &a, &b);
			ok &= equals_i128(&q, x / y) && equals_i128(&r, x % y);
		}
		y = random_i128(1 + (int)unit_rand(62));
		x = random_i128(1 + (int)unit_rand(62));
		big_from_i128(&a, x);
		big_from_i128(&b, y);
		big_mul(&r, &a, &b);
		ok &= equals_i128(&r, x * y);
	}
	CHECK(ok);
	/* The edges of __int128. */
	big_from_i128(&a, -((__int128)1 << 126) * 2);
	CHECK(equals_i128(&a, -((__int128)1 << 126) * 2));
	big_from_u64(&b, 1);
	big_sub(&a, &a, &b);
	CHECK(big_to_i128(&a, &x) < 0);
}

/* (A * B + R) / B = A remainder R, for |R| < |B| with the sign of A * B. */
static void
division_inverts_multiplication(void)
{
	struct big a, b, r, p, q, rr, t;
	int i, ok = 1;

	unit_rng = 4;
	for (i = 0; i < 50000; i++) {
		random_big(&a, 8);
		random_big(&b, 8);
		if (big_is_zero(&b))
			continue;
		random_big(&t, b.n);
		big_divmod(NULL, &r, &t, &b);
		big_abs(&r, &r);
		big_mul(&p, &a, &b);
		if (big_is_zero(&p))
			continue;
		r.neg = p.neg && !big_is_zero(&r);
		big_add(&p, &p, &r);
		big_divmod(&q, &rr, &p, &b);
		ok &= big_cmp(&q, &a) == 0 && big_cmp(&rr, &r) == 0;
	}
	CHECK(ok);
}

static void
square_roots_and_gcd(void)
{
	struct big a, r, t, u, one, g;
	int i, ok = 1;

	unit_rng = 5;
	big_from_u64(&one, 1);
	for (i = 0; i < 2000; i++) {
		random_big(&a, 30);
		big_abs(&a, &a);
		big_isqrt(&r, &a);
		big_mul(&t, &r, &r);
		big_add(&u, &r, &one);
		big_mul(&u, &u, &u);
		ok &= big_cmp(&t, &a) <= 0 && big_cmp(&u, &a) > 0;
	}
	CHECK(ok);
	/* gcd(6k, 10k) = 2k for a big k. */
	big_from_u64(&a, 123456789);
	big_mul_pow10(&a, &a, 50);
	big_mul_small(&t, &a, 6);
	big_mul_small(&u, &a, 10);
	big_gcd(&g, &t, &u);
	big_mul_small(&a, &a, 2);
	CHECK(big_cmp(&g, &a) == 0);
}

static void
decimal_digits(void)
{
	char buf[BIG_DIGITS_MAX];
	struct big a;
	size_t n;
	int i;

	big_from_u64(&a, 1);
	for (i = 0; i < 200; i++)
		big_mul_small(&a, &a, 2);
	n = big_digits(buf, &a);
	CHECK(n == 61 && memcmp(buf, "1606938044258990275541962092341162602522202993"
	    "782792835301376", n) == 0);
	CHECK(big_ndigits(&a) == 61);
	big_from_u64(&a, 0);
	CHECK(big_digits(buf, &a) == 1 && buf[0] == '0');
	big_from_u64(&a, 1000000000);
	CHECK(big_digits(buf, &a) == 10 && memcmp(buf, "1000000000", 10) == 0);
	/* 10^400 and back. */
	big_from_u64(&a, 1);
	big_mul_pow10(&a, &a, 400);
	CHECK(big_ndigits(&a) == 401);
}

int
main(void)
{
	unit_module = "bigint";
	RUN(small_values_agree_with_int128);
	RUN(division_inverts_multiplication);
	RUN(square_roots_and_gcd);
	RUN(decimal_digits);
	return unit_done();
}
