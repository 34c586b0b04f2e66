/*
 * Unit tests of lib/java: Java's UTF-8 decoding, String hash and order,
 * Long.parseLong, Double.parseDouble and Double.toString.  The expected
 * values are what Java 17 (the JVM of the Hadoop 3.1.3 that make
 * hadoop-check runs) gives for them (tests/hadoop/Oracle.java).
 */
#include <math.h>

#include "unit.h"
#include "java.h"

static void
malformed_sequences_become_one_replacement_each(void)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "abc", "abc" },
		{ "\xc3\xa9", "\xc3\xa9" },
		{ "\xff", "\xef\xbf\xbd" },
		{ "a\x80" "b", "a\xef\xbf\xbd" "b" },
		{ "\xc0\x80", "\xef\xbf\xbd\xef\xbf\xbd" },		/* overlong: C0 is no lead */
		{ "\xe2\x82", "\xef\xbf\xbd" },			/* cut off: one */
		{ "\xe2\x82x", "\xef\xbf\xbdx" },			/* broken: one */
		{ "\xe0\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd" },			/* a surrogate: one of 3 */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "\xf0\x9f\x98", "\xef\xbf\xbd" },
		{ "\xf0\x9f\x98x", "\xef\xbf\xbdx" },
		{ "\xf5\x80", "\xef\xbf\xbd\xef\xbf\xbd" },
	};
	char out[64];
	size_t i, n;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		n = java_text_roundtrip(t[i].in, strlen(t[i].in), out);
		out[n] = '\0';
		CHECK_STR(out, t[i].out);
		CHECK(java_utf8_valid(t[i].in, strlen(t[i].in)) ==
		    (strcmp(t[i].in, t[i].out) == 0));
	}
}

static void
string_hash_and_order_are_over_utf16_units(void)
{
	CHECK(java_string_hash("", 0) == 0);
	CHECK(java_string_hash("hello", 5) == 99162322);
	CHECK(java_string_hash("\xc3\xa9", 2) == 233);
	CHECK(java_string_hash("\xf0\x9f\x98\x80", 4) == 1772899);	/* a surrogate pair */
	CHECK(java_utf16_length("\xf0\x9f\x98\x80" "a", 5) == 3);
	/* U+1F600 is D83D DE00 in UTF-16: below U+FFFD (EF BF BD) there,
	 * above it in UTF-8 bytes. */
	CHECK(java_string_cmp("\xf0\x9f\x98\x80", 4, "\xef\xbf\xbd", 3) < 0);
	CHECK(java_string_cmp("a", 1, "ab", 2) < 0);
	CHECK(java_string_cmp("b", 1, "ab", 2) > 0);
	CHECK(java_string_cmp("\xff", 1, "\xfe", 1) == 0);	/* both U+FFFD */
}

static void
parse_long_is_javas(void)
{
	static const struct {
		const char *in;
		int ok;
		int64_t v;
	} t[] = {
		{ "12", 1, 12 }, { "-12", 1, -12 }, { "+7", 1, 7 }, { "007", 1, 7 },
		{ "9223372036854775807", 1, INT64_MAX },
		{ "-9223372036854775808", 1, INT64_MIN },
		{ "9223372036854775808", 0, 0 }, { "", 0, 0 }, { "-", 0, 0 },
		{ " 1", 0, 0 }, { "1 ", 0, 0 }, { "1.0", 0, 0 }, { "1e3", 0, 0 },
	};
	size_t i;
	int64_t v;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int r = java_parse_long(t[i].in, strlen(t[i].in), &v);

		CHECK(r == (t[i].ok ? 0 : -1));
		if (t[i].ok)
			CHECK(v == t[i].v);
	}
}

static void
parse_double_is_javas(void)
{
	static const struct {
		const char *in;
		int ok;
		double v;
	} t[] = {
		{ "1.5", 1, 1.5 }, { " 2 ", 1, 2 }, { "\t7\n", 1, 7 }, { "1e5", 1, 1e5 },
		{ "1.5d", 1, 1.5 }, { "2F", 1, 2 }, { "1.", 1, 1 }, { ".5", 1, .5 },
		{ "0x1p3", 1, 8 }, { "0x.8p1", 1, 1 }, { "-Infinity", 1, -INFINITY },
		{ "0x1", 0, 0 }, { ".", 0, 0 }, { "", 0, 0 }, { "1e", 0, 0 },
		{ "1e+", 0, 0 }, { "inf", 0, 0 }, { "1_000", 0, 0 }, { "1.5.2", 0, 0 },
		{ "nan", 0, 0 }, { "1.5dd", 0, 0 },
	};
	size_t i;
	double v;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int r = java_parse_double(t[i].in, strlen(t[i].in), &v);

		if (r != (t[i].ok ? 0 : -1)) {
			fprintf(stderr, "#   '%s'\n", t[i].in);
			CHECK(0);
		}
		if (t[i].ok)
			CHECK(v == t[i].v);
	}
	CHECK(java_parse_double("NaN", 3, &v) == 0 && isnan(v));
}

static void
double_to_string_is_javas(void)
{
	static const struct {
		double v;
		const char *s;
	} t[] = {
		{ 0.0, "0.0" }, { -0.0, "-0.0" }, { 1.0, "1.0" }, { 100.0, "100.0" },
		{ 0.1 + 0.2, "0.30000000000000004" }, { 0.001, "0.001" },
		{ 0.0001, "1.0E-4" }, { 1e7, "1.0E7" }, { 9999999.0, "9999999.0" },
		{ 1234567.125, "1234567.125" }, { 12345678.5, "1.23456785E7" },
		{ -2.5e-10, "-2.5E-10" }, { 1e21, "1.0E21" }, { 1e-323, "1.0E-323" },
		{ 1.7976931348623157e308, "1.7976931348623157E308" },
		/* Whole numbers below 2^63 print every digit, as the JDK does. */
		{ 118325192925115184.0, "1.18325192925115184E17" },
		{ 8758763191744508928.0, "8.7587631917445089E18" },
		{ INFINITY, "Infinity" }, { -INFINITY, "-Infinity" }, { NAN, "NaN" },
	};
	char buf[JAVA_DOUBLE_MAX];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		java_double_to_string(t[i].v, buf);
		CHECK_STR(buf, t[i].s);
	}
}

int
main(void)
{
	unit_module = "java";
	RUN(malformed_sequences_become_one_replacement_each);
	RUN(string_hash_and_order_are_over_utf16_units);
	RUN(parse_long_is_javas);
	RUN(parse_double_is_javas);
	RUN(double_to_string_is_javas);
	return unit_done();
}
