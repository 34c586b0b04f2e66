/*
 * fuzz_java: Java's decoding of UTF-8 and its number syntax over any bytes.
 * Properties: the repaired bytes are valid UTF-8, repair them again and
 * they stay as they are, valid input comes back unchanged, a character's
 * worth of input grows to at most three bytes; the String hash, length and
 * order depend only on the decoded String; an accepted long prints back as
 * the input less its '+' and leading zeros; an accepted double prints
 * (Double.toString) to text that parses back to the same double.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "java.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	char *fixed = malloc(3 * size + 1), *again = malloc(9 * size + 1);
	char buf[JAVA_DOUBLE_MAX], want[32];
	size_t n = java_text_roundtrip(p, size, fixed), m, i;
	int64_t v;
	double d, back;

	FUZZ_CHECK(n <= 3 * size);
	FUZZ_CHECK(java_utf8_valid(fixed, n));
	m = java_text_roundtrip(fixed, n, again);
	FUZZ_CHECK(m == n && memcmp(fixed, again, n) == 0);
	if (java_utf8_valid(p, size))
		FUZZ_CHECK(n == size && memcmp(p, fixed, size) == 0);
	FUZZ_CHECK(java_string_hash(p, size) == java_string_hash(fixed, n));
	FUZZ_CHECK(java_utf16_length(p, size) == java_utf16_length(fixed, n));
	FUZZ_CHECK(java_string_cmp(p, size, fixed, n) == 0);
	if (size > 1) {
		size_t half = size / 2;
		int c = java_string_cmp(p, half, p + half, size - half);

		FUZZ_CHECK(java_string_cmp(p + half, size - half, p, half) == -c);
	}
	if (java_parse_long(p, size, &v) == 0) {
		size_t k = 0, z;

		if (size > 0 && (p[0] == '+' || p[0] == '-'))
			k = 1;
		for (z = k; z + 1 < size && p[z] == '0'; z++)
			;
		m = 0;
		if (p[0] == '-' && !(size - z == 1 && p[z] == '0'))
			want[m++] = '-';
		for (i = z; i < size && m < sizeof want - 1; i++)
			want[m++] = p[i];
		want[m] = '\0';
		snprintf(buf, sizeof buf, "%lld", (long long)v);
		FUZZ_CHECK(strcmp(buf, want) == 0);
	}
	if (java_parse_double(p, size, &d) == 0 && !isnan(d)) {
		n = java_double_to_string(d, buf);
		FUZZ_CHECK(java_parse_double(buf, n, &back) == 0);
		FUZZ_CHECK(back == d && signbit(back) == signbit(d));
	}
	free(fixed);
	free(again);
	return 0;
}
