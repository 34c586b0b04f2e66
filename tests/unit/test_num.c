/* Unit tests of lib/num: exact parsing and comparison (formatting: test_numfmt.c). */
#include <math.h>

#include "unit.h"
#include "num.h"

static int
parse(const char *s, struct num *n)
{
	memset(n, 0, sizeof *n);
	return num_parse(s, strlen(s), n);
}

static struct num
parse_ok(const char *s)
{
	struct num n;

	if (parse(s, &n) != NUM_OK) {
		fprintf(stderr, "#   '%s' did not parse\n", s);
		unit_fail(__FILE__, __LINE__, s);
	}
	return n;
}

/* The value of S printed back: exact, or "inf", "-inf", "nan". */
static const char *
roundtrip(const char *s)
{
	static char buf[NUM_FMT_MAX];
	struct num n = parse_ok(s);

	num_format_value(buf, &n);
	return buf;
}

static int
result_of(const char *s)
{
	struct num n;

	return parse(s, &n);
}

static void
integers_at_the_edges(void)
{
	/* 19 digits: past int64 at the top, still exact. */
	CHECK_STR(roundtrip("9223372036854775807"), "9223372036854775807");
	CHECK_STR(roundtrip("9223372036854775808"), "9223372036854775808");
	CHECK_STR(roundtrip("-9223372036854775809"), "-9223372036854775809");
	CHECK_STR(roundtrip("18446744073709551616"), "18446744073709551616");
	/* 38 digits: the exact limit. */
	CHECK_STR(roundtrip("99999999999999999999999999999999999999"),
	    "99999999999999999999999999999999999999");
	CHECK_STR(roundtrip("-12345678901234567890123456789012345678"),
	    "-12345678901234567890123456789012345678");
	/* 39 digits, 2^127 among them: more than an exact number holds. */
	CHECK(result_of("123456789012345678901234567890123456789") == NUM_TOO_LONG);
	CHECK(result_of("170141183460469231731687303715884105728") == NUM_TOO_LONG);
	CHECK(result_of("-100000000000000000000000000000000000000") == NUM_TOO_LONG);
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
	CHECK_STR(roundtrip("12345678901234567890.123456789012345678"),
	    "12345678901234567890.123456789012345678");
	CHECK_STR(roundtrip("1.50"), "1.5");
	CHECK_STR(roundtrip("100.000"), "100");
	CHECK_STR(roundtrip("000123.4500"), "123.45");
	CHECK_STR(roundtrip("+3."), "3");
	CHECK_STR(roundtrip(".5"), "0.5");
	CHECK_STR(roundtrip("-.5"), "-0.5");
	CHECK_STR(roundtrip("-0"), "0");
	CHECK_STR(roundtrip("-0.000"), "0");
	/* Leading zeros and trailing fraction zeros are not digits. */
	CHECK_STR(roundtrip("0000000000000000000000000000000000000000001"), "1");
	CHECK_STR(roundtrip("1.000000000000000000000000000000000000000000000"), "1");
	CHECK_STR(roundtrip("0.000000000000000000000000000000000000000000000"), "0");
	/* 39 places, or 39 digits from the first to the last nonzero one. */
	CHECK(result_of("0.000000000000000000000000000000000000001") == NUM_TOO_LONG);
	CHECK(result_of("1.00000000000000000000000000000000000001") == NUM_TOO_LONG);
}

static void
exponent_forms_are_exact(void)
{
	CHECK_STR(roundtrip("1e6"), "1000000");
	CHECK_STR(roundtrip("-2.5E-3"), "-0.0025");
	CHECK_STR(roundtrip("1.5e+1"), "15");
	CHECK_STR(roundtrip("150e-2"), "1.5");
	CHECK_STR(roundtrip("5.e1"), "50");
	CHECK_STR(roundtrip(".5E1"), "5");
	CHECK_STR(roundtrip("1e37"), "10000000000000000000000000000000000000");
	CHECK_STR(roundtrip("1e-38"), "0.00000000000000000000000000000000000001");
	CHECK_STR(roundtrip("12345678901234567890123456789012345678e-38"),
	    "0.12345678901234567890123456789012345678");
	CHECK_STR(roundtrip("0.0000000000000000000000000000000000000000000001e46"), "1");
	CHECK_STR(roundtrip("0e99999999999999999999999"), "0");
	CHECK_STR(roundtrip("-0e-5"), "0");
	/* Beyond 38 digits either way: 1e38, 1e-39, and the famous ones. */
	CHECK(result_of("1e38") == NUM_TOO_LONG);
	CHECK(result_of("1e-39") == NUM_TOO_LONG);
	CHECK(result_of("1.5e-38") == NUM_TOO_LONG);
	CHECK(result_of("1e308") == NUM_TOO_LONG);
	CHECK(result_of("1e400") == NUM_TOO_LONG);
	CHECK(result_of("1e-400") == NUM_TOO_LONG);
	CHECK(result_of("1e99999999999999999999999") == NUM_TOO_LONG);
}

static void
inf_and_nan(void)
{
	struct num n = parse_ok("inf");

	CHECK(!n.exact && isinf(n.d) && n.d > 0);
	n = parse_ok("-Infinity");
	CHECK(!n.exact && isinf(n.d) && n.d < 0);
	n = parse_ok("+INF");
	CHECK(!n.exact && isinf(n.d) && n.d > 0);
	n = parse_ok("nan");
	CHECK(!n.exact && isnan(n.d));
	n = parse_ok("-NaN");
	CHECK(!n.exact && isnan(n.d));
	CHECK_STR(roundtrip(" -inf "), "-inf");
	CHECK(result_of("infinit") == NUM_NOT_A_NUMBER);
	CHECK(result_of("nan(1)") == NUM_NOT_A_NUMBER);
	CHECK(result_of("nana") == NUM_NOT_A_NUMBER);
}

static void
blanks_signs_and_garbage(void)
{
	CHECK_STR(roundtrip("  42 "), "42");
	CHECK_STR(roundtrip("\t-7\t"), "-7");
	CHECK_STR(roundtrip("+00012345678901234567890"), "12345678901234567890");
	CHECK(result_of("") == NUM_NOT_A_NUMBER);
	CHECK(result_of("   ") == NUM_NOT_A_NUMBER);
	CHECK(result_of("-") == NUM_NOT_A_NUMBER);
	CHECK(result_of("+") == NUM_NOT_A_NUMBER);
	CHECK(result_of(".") == NUM_NOT_A_NUMBER);
	CHECK(result_of("x1") == NUM_NOT_A_NUMBER);
	CHECK(result_of("1x") == NUM_NOT_A_NUMBER);
	CHECK(result_of("1 2") == NUM_NOT_A_NUMBER);
	CHECK(result_of("- 1") == NUM_NOT_A_NUMBER);
	CHECK(result_of("--1") == NUM_NOT_A_NUMBER);
	CHECK(result_of("1.2.3") == NUM_NOT_A_NUMBER);
	CHECK(result_of("0x10") == NUM_NOT_A_NUMBER);
	CHECK(result_of("1e") == NUM_NOT_A_NUMBER);
	CHECK(result_of("1e+") == NUM_NOT_A_NUMBER);
	CHECK(result_of("e5") == NUM_NOT_A_NUMBER);
	CHECK(result_of(".e5") == NUM_NOT_A_NUMBER);
	CHECK(result_of("1e5.5") == NUM_NOT_A_NUMBER);
	CHECK(result_of("1,5") == NUM_NOT_A_NUMBER);
	CHECK(result_of("1\n") == NUM_NOT_A_NUMBER);
	CHECK(result_of("\v1") == NUM_NOT_A_NUMBER);
	/* A number is the whole field: a NUL ends nothing. */
	{
		struct num n;

		CHECK(num_parse("1\0garbage", 9, &n) == NUM_NOT_A_NUMBER);
		CHECK(num_parse("1\0", 2, &n) == NUM_NOT_A_NUMBER);
		CHECK(num_parse("12345678901234567890\0", 21, &n) == NUM_NOT_A_NUMBER);
		CHECK(num_parse("1e5\0", 4, &n) == NUM_NOT_A_NUMBER);
		CHECK(num_parse("inf\0", 4, &n) == NUM_NOT_A_NUMBER);
		CHECK(num_parse("1", 1, &n) == NUM_OK && n.mant == 1);
	}
}

static void
compare_exactly(void)
{
	struct num a = parse_ok("9007199254740993"), b = parse_ok("9007199254740992");
	struct num c = parse_ok("0.10"), d = parse_ok("0.1"), e = parse_ok("1e0");
	struct num big = parse_ok("99999999999999999999999999999999999999");
	struct num tiny = parse_ok("0.00000000000000000000000000000000000001");
	struct num nan = parse_ok("nan"), inf = parse_ok("inf"), ninf = parse_ok("-inf");

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
	/* -inf < numbers < inf < nan, nan equal to itself. */
	CHECK(num_cmp(&ninf, &negk23) < 0 && num_cmp(&inf, &big) > 0);
	CHECK(num_cmp(&nan, &inf) > 0 && num_cmp(&inf, &nan) < 0);
	CHECK(num_cmp(&nan, &nan) == 0 && num_cmp(&ninf, &ninf) == 0);
}

static int
text_cmp(const char *x, const char *y)
{
	struct num_text a, b;

	if (num_scan(x, strlen(x), &a) < 0 || num_scan(y, strlen(y), &b) < 0)
		return 99;
	return num_text_cmp(&a, &b);
}

static void
text_compares_any_length(void)
{
	CHECK(text_cmp("1234567890123456789012345678901234567890123",
	    "1234567890123456789012345678901234567890124") < 0);
	CHECK(text_cmp("1e400", "9e399") > 0);
	CHECK(text_cmp("1e-400", "0") > 0 && text_cmp("-1e-400", "-0") < 0);
	CHECK(text_cmp("0.5", ".50") == 0 && text_cmp("5e-1", "0.5") == 0);
	CHECK(text_cmp("10", "9.99999999999999999999999999999999999999999") > 0);
	CHECK(text_cmp("-10", "-9.9999999999999999999999999999999999999999") < 0);
	CHECK(text_cmp("1.000000000000000000000000000000000000000001", "1") > 0);
	CHECK(text_cmp("-inf", "-1e99999") < 0 && text_cmp("inf", "1e99999") > 0);
	CHECK(text_cmp("nan", "inf") > 0 && text_cmp("-nan", "nan") == 0);
	CHECK(text_cmp("+0", "-0.000e7") == 0);
	CHECK(text_cmp("x", "1") == 99);
}

/* Words agree with the order, over neighbours that differ late. */
static void
words_keep_the_order(void)
{
	static const char *sorted[] = {
		"-inf", "-1e400", "-123456789012345", "-123456789012344.999",
		"-1", "-1e-400", "0", "9e-33310000", "31e-33310000", "1e-400",
		"0.00001", "1", "1.0000000000001", "1.00000000000011",
		"999999999999", "999999999999.5", "1e12", "1e400", "9e33310000",
		"31e33310000", "1e99999999999999999999", "inf",
	};
	struct num_text a, b;
	size_t i, n = sizeof sorted / sizeof sorted[0];

	for (i = 0; i + 1 < n; i++) {
		num_scan(sorted[i], strlen(sorted[i]), &a);
		num_scan(sorted[i + 1], strlen(sorted[i + 1]), &b);
		CHECK(num_text_cmp(&a, &b) < 0);
		CHECK(num_text_word(&a) <= num_text_word(&b));
		CHECK(num_text_word(&a) > 0);
	}
}

/* Random plain texts: num_parse_plain and the general scan agree. */
static void
plain_and_general_agree(void)
{
	char text[64], plus[66];
	struct num a, b;
	int i, same = 1, nd, point;
	size_t len;

	unit_rng = 5;
	for (i = 0; i < 100000; i++) {
		nd = 1 + (int)unit_rand(18);
		point = (int)unit_rand((unsigned)nd + 2) - 1;
		len = 0;
		if (unit_rand(2))
			text[len++] = '-';
		for (int k = 0; k < nd; k++) {
			if (k == point)
				text[len++] = '.';
			text[len++] = (char)('0' + unit_rand(10));
		}
		text[len] = '\0';
		if (num_parse_plain(text, text + len, -1, &a) == NULL) {
			same = 0;
			continue;
		}
		/* A '+' or a blank sends the same number the general way. */
		len = (size_t)snprintf(plus, sizeof plus, "%s ", text);
		if (num_parse(plus, len, &b) != NUM_OK || num_cmp(&a, &b) != 0)
			same = 0;
	}
	CHECK(same);
}

int
main(void)
{
	unit_module = "num";
	RUN(integers_at_the_edges);
	RUN(decimals_keep_every_place);
	RUN(exponent_forms_are_exact);
	RUN(inf_and_nan);
	RUN(blanks_signs_and_garbage);
	RUN(compare_exactly);
	RUN(text_compares_any_length);
	RUN(words_keep_the_order);
	RUN(plain_and_general_agree);
	return unit_done();
}
