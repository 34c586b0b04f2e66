/*
 * fuzz_num: num_parse over any bytes, against a model of what a number is
 * and what its value prints as, written here with string operations only;
 * the round trip parse(format(x)) == x with format's output the shortest
 * form; num_parse_plain against num_parse; and, for the two numbers the
 * input holds when it is cut at its first newline, num_text_cmp against
 * num_cmp and the sort word, num_format_frac (128 bits) against
 * num_format_ratio (bigs) with its exact or rounded result checked back.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "num.h"

enum { M_BAD, M_LONG, M_EXACT, M_INF, M_NEG_INF, M_NAN };

#define EXP_CAP 1000000000L

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Whether S[0..N) spells WORD (lower case) in any case. */
static int
spells(const char *s, size_t n, const char *word)
{
	size_t i;

	if (n != strlen(word))
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];

		if (c != word[i])
			return 0;
	}
	return 1;
}

/*
 * The model: the grammar of num.h read left to right; the value as the
 * digit string D (leading and trailing zeros dropped) with the point POINT
 * digits after D's start (negative: zeros between the point and D); exact
 * when D has at most 38 digits and neither side of the point more than 38;
 * then CANON is the value as num_format must print it.
 */
static int
model(const char *s, size_t n, char *canon)
{
	char d[4096];
	size_t i = 0, end = n, nd = 0, k;
	long point = -1, expo = 0, lead = 0, p;
	int neg = 0, eneg = 0, any = 0;

	while (end > 0 && blank(s[end - 1]))
		end--;
	while (i < end && blank(s[i]))
		i++;
	if (i < end && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (spells(s + i, end - i, "inf") || spells(s + i, end - i, "infinity"))
		return neg ? M_NEG_INF : M_INF;
	if (spells(s + i, end - i, "nan"))
		return M_NAN;
	for (; i < end; i++) {
		if (digit(s[i])) {
			any = 1;
			if (nd == 0 && s[i] == '0') {
				lead++;		/* a leading zero: no digit of D */
				continue;
			}
			if (nd == sizeof d)
				return M_BAD;	/* inputs are shorter */
			d[nd++] = s[i];
		} else if (s[i] == '.' && point < 0) {
			point = (long)nd + lead;
		} else {
			break;
		}
	}
	if (!any)
		return M_BAD;
	if (point < 0)
		point = (long)nd + lead;
	point -= lead;		/* now relative to D's first digit */
	if (i < end && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < end && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		if (i == end || !digit(s[i]))
			return M_BAD;
		for (; i < end && digit(s[i]); i++)
			if ((expo = expo * 10 + (s[i] - '0')) > EXP_CAP)
				expo = EXP_CAP;
	}
	if (i != end)
		return M_BAD;
	while (nd > 0 && d[nd - 1] == '0')
		nd--;
	if (nd == 0) {
		strcpy(canon, "0");
		return M_EXACT;
	}
	point += eneg ? -expo : expo;
	if (nd > 38 || point > 38 || (long)nd - point > 38)
		return M_LONG;
	k = 0;
	if (neg)
		canon[k++] = '-';
	if (point <= 0) {
		canon[k++] = '0';
		canon[k++] = '.';
		for (p = point; p < 0; p++)
			canon[k++] = '0';
		memcpy(canon + k, d, nd);
		k += nd;
	} else {
		for (p = 0; p < point; p++)
			canon[k++] = (size_t)p < nd ? d[p] : '0';
		if ((long)nd > point) {
			canon[k++] = '.';
			memcpy(canon + k, d + point, nd - (size_t)point);
			k += nd - (size_t)point;
		}
	}
	canon[k] = '\0';
	return M_EXACT;
}

/* The shortest form: no '+', no leading zero but "0.", no trailing fraction zero, no "-0". */
static int
shortest(const char *t)
{
	const char *p = t + (*t == '-'), *dot = strchr(t, '.');
	size_t n = strlen(t);

	if (*p == '\0' || !digit(*p) || (p[0] == '0' && p[1] != '\0' && p[1] != '.'))
		return 0;
	if (strcmp(t, "-0") == 0 || strchr(t, 'e') != NULL)
		return 0;
	if (dot != NULL && (t[n - 1] == '0' || t[n - 1] == '.'))
		return 0;
	return 1;
}

static void
check_one(const char *s, size_t n)
{
	char canon[160], buf[NUM_FMT_MAX], again[NUM_FMT_MAX];
	struct num x, y;
	int r = num_parse(s, n, &x), m = model(s, n, canon);
	const char *plain;

	switch (m) {
	case M_BAD:
		FUZZ_CHECK(r == NUM_NOT_A_NUMBER);
		return;
	case M_LONG:
		FUZZ_CHECK(r == NUM_TOO_LONG);
		return;
	case M_INF:
	case M_NEG_INF:
		FUZZ_CHECK(r == NUM_OK && !x.exact && isinf(x.d));
		FUZZ_CHECK((x.d < 0) == (m == M_NEG_INF));
		return;
	case M_NAN:
		FUZZ_CHECK(r == NUM_OK && !x.exact && isnan(x.d));
		return;
	}
	FUZZ_CHECK(r == NUM_OK && x.exact);
	FUZZ_CHECK(x.scale >= 0 && x.scale <= NUM_MAX_DIGITS);
	num_format(buf, x.mant, x.scale);
	FUZZ_CHECK(strcmp(buf, canon) == 0);
	FUZZ_CHECK(shortest(buf));
	/* The round trip: the printed form reads back as the same value. */
	FUZZ_CHECK(num_parse(buf, strlen(buf), &y) == NUM_OK && y.exact);
	FUZZ_CHECK(num_cmp(&x, &y) == 0);
	num_format(again, y.mant, y.scale);
	FUZZ_CHECK(strcmp(again, buf) == 0);
	/* The fast path, where it takes the text, gives the same. */
	plain = num_parse_plain(s, s + n, -1, &y);
	if (plain != NULL)
		FUZZ_CHECK(num_cmp(&x, &y) == 0 && y.scale == x.scale);
}

/* A and B as scanned texts, against their values when both are exact. */
static void
check_pair(const char *a, size_t alen, const char *b, size_t blen)
{
	struct num_text ta, tb;
	struct num x, y;
	int c;

	if (num_scan(a, alen, &ta) < 0 || num_scan(b, blen, &tb) < 0)
		return;
	c = num_text_cmp(&ta, &tb);
	FUZZ_CHECK(c == -num_text_cmp(&tb, &ta));
	if (ta.kind != NUM_NAN && tb.kind != NUM_NAN) {
		if (c < 0)
			FUZZ_CHECK(num_text_word(&ta) <= num_text_word(&tb));
		if (c == 0)
			FUZZ_CHECK(num_text_word(&ta) == num_text_word(&tb));
		/* A word with bit 0 clear determines its number. */
		if (num_text_word(&ta) == num_text_word(&tb) &&
		    (num_text_word(&ta) & 1) == 0)
			FUZZ_CHECK(c == 0);
	}
	if (num_parse(a, alen, &x) == NUM_OK && num_parse(b, blen, &y) == NUM_OK)
		FUZZ_CHECK((num_cmp(&x, &y) > 0) - (num_cmp(&x, &y) < 0) == c);
}

static unsigned __int128
gcd(unsigned __int128 a, unsigned __int128 b)
{
	while (b != 0) {
		unsigned __int128 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * X.mant / |Y.mant|: the 128-bit and the big paths print the same text.
 * When the fraction ends (its reduced divisor is 2^a 5^b), the text is
 * exact: read back, times the divisor, it is the dividend.  Otherwise it
 * has at most 17 digits and lies within half a unit of the 17th of the
 * fraction: |r - n/d| <= 10^(E - 16) / 2 for r's leading digit at 10^E.
 */
static void
check_fraction(const struct num *x, const struct num *y)
{
	char fast[NUM_FMT_MAX], slow[NUM_FMT_MAX];
	struct big n, d, lhs, rhs, t;
	struct num_text v;
	struct num r;
	unsigned __int128 un, rest;
	int128 den = y->mant < 0 ? -y->mant : y->mant;
	int k;

	if (den == 0)
		return;
	num_format_frac(fast, x->mant, den);
	big_from_i128(&n, x->mant);
	big_from_i128(&d, den);
	num_format_ratio(slow, &n, &d);
	FUZZ_CHECK(strcmp(fast, slow) == 0);
	FUZZ_CHECK(num_scan(fast, strlen(fast), &v) == 0 && v.kind == NUM_FINITE);
	un = x->mant < 0 ? -(unsigned __int128)x->mant : (unsigned __int128)x->mant;
	rest = (unsigned __int128)den / gcd(un, (unsigned __int128)den);
	while (rest % 2 == 0)
		rest /= 2;
	while (rest % 5 == 0)
		rest /= 5;
	if (rest == 1)
		FUZZ_CHECK(strchr(fast, 'e') == NULL);
	else
		FUZZ_CHECK(v.ndigits <= 17);
	if (num_parse(fast, strlen(fast), &r) != NUM_OK)
		return;		/* too long to read back: a long exact fraction */
	big_from_i128(&lhs, r.mant);
	big_mul(&lhs, &lhs, &d);
	big_mul_pow10(&t, &n, r.scale);
	if (rest == 1) {
		FUZZ_CHECK(big_cmp(&lhs, &t) == 0);
		return;
	}
	/* |2 (r.mant d - n 10^s)| <= d 10^(s + E - 16), E = exp10 - 1. */
	big_sub(&lhs, &lhs, &t);
	big_abs(&lhs, &lhs);
	big_mul_small(&lhs, &lhs, 2);
	rhs = d;
	k = r.scale + (int)v.exp10 - 17;
	if (k >= 0)
		big_mul_pow10(&rhs, &rhs, k);
	else
		big_mul_pow10(&lhs, &lhs, -k);
	FUZZ_CHECK(big_cmp(&lhs, &rhs) <= 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl;
	struct num x, y;

	if (size > 4000)
		return 0;
	check_one(s, size);
	nl = memchr(s, '\n', size);
	if (nl == NULL)
		return 0;
	check_one(s, (size_t)(nl - s));
	check_one(nl + 1, size - (size_t)(nl - s) - 1);
	check_pair(s, (size_t)(nl - s), nl + 1, size - (size_t)(nl - s) - 1);
	if (num_parse(s, (size_t)(nl - s), &x) == NUM_OK && x.exact &&
	    num_parse(nl + 1, size - (size_t)(nl - s) - 1, &y) == NUM_OK && y.exact)
		check_fraction(&x, &y);
	return 0;
}
