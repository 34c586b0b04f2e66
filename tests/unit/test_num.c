/* Unit tests of lib/num: exact decimal parsing and shortest formatting. */
#include <math.h>

#include "unit.h"
#include "num.h"

static struct num
parse_ok(const char *s)
{
	struct num n;

	memset(&n, 0, sizeof n);
	if (num_parse(s, strlen(s), &n) != 0) {
		fprintf(stderr, "#   '%s' did not parse\n", s);
		unit_fail(__FILE__, __LINE__, s);
	}
	return n;
}

/* The exact value of S printed back by num_format. */
static const char *
roundtrip(const char *s)
{
	static char buf[NUM_FMT_MAX];
	struct num n = parse_ok(s);

	if (!n.exact)
		return "(inexact)";
	num_format(buf, n.mant, n.scale);
	return buf;
}

static int
rejects(const char *s)
{
	struct num n;

	return num_parse(s, strlen(s), &n) < 0;
}

static void
integers_at_the_edges(void)
{
	/* 19 digits: past int64 at the top, still exact. */
	CHECK_STR(roundtrip("9223372036854775807"), "9223372036854775807");
	CHECK_STR(roundtrip("9223372036854775808"), "9223372036854775808");
	CHECK_STR(roundtrip("9999999999999999999"), "9999999999999999999");
	CHECK_STR(roundtrip("-9999999999999999999"), "-9999999999999999999");
	CHECK_STR(roundtrip("10000000000000000000"), "10000000000000000000");
	/* 38 digits: the exact limit. */
	CHECK_STR(roundtrip("99999999999999999999999999999999999999"),
	    "99999999999999999999999999999999999999");
	CHECK_STR(roundtrip("-12345678901234567890123456789012345678"),
	    "-12345678901234567890123456789012345678");
	/* 39 digits: a double. */
	CHECK(!parse_ok("123456789012345678901234567890123456789").exact);
	CHECK(parse_ok("9007199254740993").mant == (int128)9007199254740993LL);
}

static void
decimals_keep_every_place(void)
{
	struct num n = parse_ok("0.1");

	CHECK(n.exact && n.mant == 1 && n.scale == 1);
	CHECK_STR(roundtrip("0.00000000000000000000000000000000000001"),
	    "0.00000000000000000000000000000000000001");
	CHECK_STR(roundtrip("1.2345678901234567890123456789012345678"),
	    "1.2345678901234567890123456789012345678");
	CHECK_STR(roundtrip("1.50"), "1.5");
	CHECK_STR(roundtrip("100.000"), "100");
	CHECK_STR(roundtrip("000123.4500"), "123.45");
	CHECK_STR(roundtrip("+3."), "3");
	CHECK_STR(roundtrip(".5"), "0.5");
	CHECK_STR(roundtrip("-.5"), "-0.5");
	CHECK_STR(roundtrip("-0"), "0");
	CHECK_STR(roundtrip("-0.000"), "0");
	/* Leading zeros do not count as digits. */
	CHECK_STR(roundtrip("0000000000000000000000000000000000000000001"), "1");
	/* 39 places after the point: a double. */
	CHECK(!parse_ok("0.000000000000000000000000000000000000001").exact);
}

static void
blanks_signs_and_garbage(void)
{
	CHECK_STR(roundtrip("  42 "), "42");
	CHECK_STR(roundtrip("\t-7\t"), "-7");
	CHECK(rejects(""));
	CHECK(rejects("   "));
	CHECK(rejects("-"));
	CHECK(rejects("+"));
	CHECK(rejects("."));
	CHECK(rejects("x1"));
	CHECK(rejects("1x"));
	CHECK(rejects("1 2"));
	CHECK(rejects("--1"));
	CHECK(rejects("1.2.3"));
	CHECK(rejects("0x10"));
	CHECK(rejects("1e"));
	CHECK(rejects("1,5"));
}

static void
exponents_inf_nan_are_doubles(void)
{
	struct num n = parse_ok("1e6");

	CHECK(!n.exact && n.d == 1e6);
	n = parse_ok("-2.5E-3");
	CHECK(!n.exact && n.d == -2.5e-3);
	n = parse_ok("inf");
	CHECK(!n.exact && isinf(n.d) && n.d > 0);
	n = parse_ok("-Infinity");
	CHECK(!n.exact && isinf(n.d) && n.d < 0);
	n = parse_ok("nan");
	CHECK(!n.exact && isnan(n.d));
}

static void
format_shortest(void)
{
	char buf[NUM_FMT_MAX];

	num_format(buf, 1000000, 0);
	CHECK_STR(buf, "1000000");
	num_format(buf, -5, 3);
	CHECK_STR(buf, "-0.005");
	num_format(buf, 12300, 2);
	CHECK_STR(buf, "123");
	num_format(buf, 0, 5);
	CHECK_STR(buf, "0");
	num_format_double(buf, 1e6);
	CHECK_STR(buf, "1000000");
	num_format_double(buf, 0.1);
	CHECK_STR(buf, "0.1");
	num_format_double(buf, 0.1 + 0.2);
	CHECK_STR(buf, "0.30000000000000004");
	num_format_double(buf, 1e25);
	CHECK_STR(buf, "1e+25");
	num_format_double(buf, -1.5e-9);
	CHECK_STR(buf, "-1.5e-09");
	num_format_double(buf, NAN);
	CHECK_STR(buf, "nan");
	num_format_double(buf, -INFINITY);
	CHECK_STR(buf, "-inf");
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
	/* Fractions that do not end: 17 significant digits, half-even. */
	num_format_frac(buf, 1, 3);
	CHECK_STR(buf, "0.33333333333333333");
	num_format_frac(buf, 2, 3);
	CHECK_STR(buf, "0.66666666666666667");
	num_format_frac(buf, -10, 6);
	CHECK_STR(buf, "-1.6666666666666667");
	num_format_frac(buf, 1, 7000);
	CHECK_STR(buf, "0.00014285714285714286");
	num_format_frac(buf, 100000000000000000LL, 3);
	CHECK_STR(buf, "33333333333333333");
	num_format_frac(buf, 200000000000000000LL, 3);
	CHECK_STR(buf, "66666666666666667");
	/* 10^18/3 has 18 integer digits: the nearest double. */
	num_format_frac(buf, 1000000000000000000LL, 3);
	CHECK_STR(buf, "333333333333333300");
	num_format_frac(buf, 99999999999999999LL, 7);
	CHECK_STR(buf, "14285714285714286");
	CHECK(strcmp(buf, "x") != 0);
	/* 2^-40 ends after 40 places: more than 38, so the nearest double. */
	num_format_frac(buf, 1, (int128)1 << 40);
	CHECK_STR(buf, "9.094947017729282e-13");
	CHECK(num_frac_to_double(1, 10) == 0.1);
	CHECK(num_frac_to_double(-7, 3) == -7.0 / 3);
}

static void
compare_exactly(void)
{
	struct num a = parse_ok("9007199254740993"), b = parse_ok("9007199254740992");
	struct num c = parse_ok("0.10"), d = parse_ok("0.1"), e = parse_ok("1e0");
	struct num big = parse_ok("99999999999999999999999999999999999999");
	struct num tiny = parse_ok("0.00000000000000000000000000000000000001");
	struct num nan = parse_ok("nan");

	CHECK(num_cmp(&a, &b) > 0 && num_cmp(&b, &a) < 0);
	CHECK(num_cmp(&c, &d) == 0);
	CHECK(num_cmp(&e, &d) > 0);
	/* Rescaling BIG to scale 38 overflows: the sign still decides. */
	CHECK(num_cmp(&big, &tiny) > 0 && num_cmp(&tiny, &big) < 0);
	/* A rescale that wraps must not lend the wrapped sign. */
	struct num k23 = parse_ok("99999999999999999999999");
	struct num small = parse_ok("0.0000000000000000001");
	struct num negk23 = parse_ok("-99999999999999999999999");
	CHECK(num_cmp(&k23, &small) > 0 && num_cmp(&small, &k23) < 0);
	CHECK(num_cmp(&negk23, &small) < 0 && num_cmp(&small, &negk23) > 0);
	CHECK(num_cmp(&nan, &big) > 0 && num_cmp(&big, &nan) < 0);
}

int
main(void)
{
	unit_module = "num";
	RUN(integers_at_the_edges);
	RUN(decimals_keep_every_place);
	RUN(blanks_signs_and_garbage);
	RUN(exponents_inf_nan_are_doubles);
	RUN(format_shortest);
	RUN(fractions_exact_when_they_end);
	RUN(compare_exactly);
	return unit_done();
}
