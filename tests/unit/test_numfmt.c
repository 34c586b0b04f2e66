/* Unit tests of lib/numfmt: numbers written out, exact or rounded to 17 digits. */
#include "unit.h"
#include "num.h"

static void
format_shortest(void)
{
	char buf[NUM_FMT_MAX];
	struct big b;

	num_format(buf, 1000000, 0);
	CHECK_STR(buf, "1000000");
	num_format(buf, -5, 3);
	CHECK_STR(buf, "-0.005");
	num_format(buf, 12300, 2);
	CHECK_STR(buf, "123");
	num_format(buf, 0, 5);
	CHECK_STR(buf, "0");
	big_from_i128(&b, -1);
	big_mul_pow10(&b, &b, 60);
	num_format_big(buf, &b, 20);
	CHECK_STR(buf, "-10000000000000000000000000000000000000000");
	big_from_i128(&b, 123);
	num_format_big(buf, &b, 80);
	CHECK_STR(buf, "0.00000000000000000000000000000000000000000000000000000000000000000000000000000123");
}

static void
fractions_exact_when_they_end(void)
{
	char buf[NUM_FMT_MAX];

	num_format_frac(buf, 1, 8);
	CHECK_STR(buf, "0.125");
	num_format_frac(buf, 1000000, 10);
	CHECK_STR(buf, "100000");
	num_format_frac(buf, -3, 4);
	CHECK_STR(buf, "-0.75");
	/* 2^-40 ends after 40 places: exact all the same. */
	num_format_frac(buf, 1, (int128)1 << 40);
	CHECK_STR(buf, "0.0000000000009094947017729282379150390625");
	/* Fractions that do not end: 17 significant digits, as %.17g. */
	num_format_frac(buf, 1, 3);
	CHECK_STR(buf, "0.33333333333333333");
	num_format_frac(buf, 2, 3);
	CHECK_STR(buf, "0.66666666666666667");
	num_format_frac(buf, -10, 6);
	CHECK_STR(buf, "-1.6666666666666667");
	num_format_frac(buf, 1, 3000);
	CHECK_STR(buf, "0.00033333333333333333");
	num_format_frac(buf, 1, 30000);
	CHECK_STR(buf, "3.3333333333333333e-05");
	num_format_frac(buf, 100000000000000000LL, 3);
	CHECK_STR(buf, "33333333333333333");
	num_format_frac(buf, 99999999999999999LL, 7);
	CHECK_STR(buf, "14285714285714286");
	/* 18 integer digits do not fit 17: the exponent marks the rounding. */
	num_format_frac(buf, 1000000000000000000LL, 3);
	CHECK_STR(buf, "3.3333333333333333e+17");
	/* Rounding up past 9s carries into a new digit. */
	num_format_frac(buf, (int128)300000000000000000LL * 1000 - 1,
	    (int128)300000000000000000LL * 1000);
	CHECK_STR(buf, "1");
}

static void
ratios_of_bigs(void)
{
	char buf[NUM_FMT_MAX];
	struct big n, d;

	/* (10^60 + 1) / 3 and -(10^60 + 1) / 3. */
	big_from_i128(&n, 1);
	big_mul_pow10(&n, &n, 60);
	big_from_i128(&d, 1);
	big_add(&n, &n, &d);
	big_from_i128(&d, 3);
	num_format_ratio(buf, &n, &d);
	CHECK_STR(buf, "3.3333333333333333e+59");
	big_neg(&n, &n);
	num_format_ratio(buf, &n, &d);
	CHECK_STR(buf, "-3.3333333333333333e+59");
	/* (10^60 + 1) / 2^10 ends: every digit. */
	big_neg(&n, &n);
	big_from_i128(&d, 1024);
	num_format_ratio(buf, &n, &d);
	CHECK_STR(buf, "976562500000000000000000000000000000000000000000000000000.0009765625");
}

static void
square_roots(void)
{
	char buf[NUM_FMT_MAX];
	struct big n, d;

	big_from_i128(&n, 2);
	big_from_i128(&d, 1);
	num_format_sqrt(buf, &n, &d);
	CHECK_STR(buf, "1.414213562373095");
	big_from_i128(&n, 9);
	big_from_i128(&d, 4);
	num_format_sqrt(buf, &n, &d);
	CHECK_STR(buf, "1.5");
	big_from_i128(&n, 1);
	big_from_i128(&d, 9);
	num_format_sqrt(buf, &n, &d);
	CHECK_STR(buf, "0.33333333333333333");
	big_from_i128(&n, 2);
	big_from_i128(&d, 10000000000LL);
	num_format_sqrt(buf, &n, &d);
	CHECK_STR(buf, "1.414213562373095e-05");
	big_from_i128(&n, 0);
	num_format_sqrt(buf, &n, &d);
	CHECK_STR(buf, "0");
	/* sqrt(10^40 + 1) = 10^20 + 0.5e-20...: 17 digits are 1e+20. */
	big_from_i128(&n, 1);
	big_mul_pow10(&n, &n, 40);
	big_from_i128(&d, 1);
	big_add(&n, &n, &d);
	num_format_sqrt(buf, &n, &d);
	CHECK_STR(buf, "1e+20");
}

int
main(void)
{
	unit_module = "numfmt";
	RUN(format_shortest);
	RUN(fractions_exact_when_they_end);
	RUN(ratios_of_bigs);
	RUN(square_roots);
	return unit_done();
}
