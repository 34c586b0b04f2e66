/* java: Java's String, Long and Double rules (see java.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "java.h"

static int
cont(unsigned b)
{
	return (b & 0xC0) == 0x80;
}

/*
 * The JDK's UTF-8 decoder (sun.nio.cs.UTF_8.Decoder) on one character:
 * *CP gets the code point, or U+FFFD with *BAD set for a malformed
 * sequence; returns the bytes consumed.  A valid prefix cut off by the
 * end of the input (N bytes left) is one malformed sequence of N bytes,
 * as CharsetDecoder.decode reports it.
 */
static size_t
decode(const unsigned char *p, size_t n, uint32_t *cp, int *bad)
{
	unsigned b1 = p[0], b2, b3, b4;
	uint32_t c;

	*bad = 1;
	*cp = 0xFFFD;
	if (b1 < 0x80) {
		*bad = 0;
		*cp = b1;
		return 1;
	}
	if (b1 >= 0xC2 && b1 <= 0xDF) {
		if (n < 2)
			return n;
		if (!cont(p[1]))
			return 1;
		*bad = 0;
		*cp = (b1 & 0x1F) << 6 | (p[1] & 0x3F);
		return 2;
	}
	if ((b1 & 0xF0) == 0xE0) {
		if (n < 3) {
			if (n > 1 && ((b1 == 0xE0 && (p[1] & 0xE0) == 0x80) ||
			    !cont(p[1])))
				return 1;
			return n;
		}
		b2 = p[1];
		b3 = p[2];
		if ((b1 == 0xE0 && (b2 & 0xE0) == 0x80) || !cont(b2))
			return 1;
		if (!cont(b3))
			return 2;
		c = (b1 & 0x0F) << 12 | (b2 & 0x3F) << 6 | (b3 & 0x3F);
		if (c >= 0xD800 && c <= 0xDFFF)
			return 3;
		*bad = 0;
		*cp = c;
		return 3;
	}
	if ((b1 & 0xF8) == 0xF0) {
		if (n < 4) {
			if (b1 > 0xF4 || (n > 1 && ((b1 == 0xF0 && (p[1] < 0x90 ||
			    p[1] > 0xBF)) || (b1 == 0xF4 && (p[1] & 0xF0) != 0x80) ||
			    !cont(p[1]))))
				return 1;
			if (n > 2 && !cont(p[2]))
				return 2;
			return n;
		}
		b2 = p[1];
		b3 = p[2];
		b4 = p[3];
		c = (b1 & 0x07) << 18 | (b2 & 0x3F) << 12 | (b3 & 0x3F) << 6 |
		    (b4 & 0x3F);
		if (!cont(b2) || !cont(b3) || !cont(b4) || c < 0x10000 ||
		    c > 0x10FFFF) {
			if (b1 > 0xF4 || (b1 == 0xF0 && (b2 < 0x90 || b2 > 0xBF)) ||
			    (b1 == 0xF4 && (b2 & 0xF0) != 0x80) || !cont(b2))
				return 1;
			return cont(b3) ? 3 : 2;
		}
		*bad = 0;
		*cp = c;
		return 4;
	}
	return 1;
}

size_t
java_utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
	int bad;

	return decode(p, n, cp, &bad);
}

size_t
java_text_roundtrip(const char *p, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, o = 0, k, start;
	uint32_t cp;
	int bad;

	while (i < n) {
		for (start = i; i < n && s[i] < 0x80; i++)
			;
		memcpy(out + o, p + start, i - start);
		o += i - start;
		if (i == n)
			break;
		k = decode(s + i, n - i, &cp, &bad);
		if (bad) {
			memcpy(out + o, JAVA_REPLACEMENT, 3);
			o += 3;
		} else {
			memcpy(out + o, p + i, k);
			o += k;
		}
		i += k;
	}
	return o;
}

int
java_utf8_valid(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;
	uint32_t cp;
	int bad;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		i += decode(s + i, n - i, &cp, &bad);
		if (bad)
			return 0;
	}
	return 1;
}

/* A walk over the UTF-16 code units of decoded UTF-8. */
struct units {
	const unsigned char *p;
	size_t n, i;
	uint32_t low;		/* a low surrogate still to come, or 0 */
};

/* The next code unit, or -1 at the end. */
static int32_t
units_next(struct units *u)
{
	uint32_t cp;
	int bad;

	if (u->low != 0) {
		cp = u->low;
		u->low = 0;
		return (int32_t)cp;
	}
	if (u->i >= u->n)
		return -1;
	if (u->p[u->i] < 0x80)
		return u->p[u->i++];
	u->i += decode(u->p + u->i, u->n - u->i, &cp, &bad);
	if (cp >= 0x10000) {
		u->low = 0xDC00 + ((cp - 0x10000) & 0x3FF);
		return (int32_t)(0xD800 + ((cp - 0x10000) >> 10));
	}
	return (int32_t)cp;
}

int32_t
java_string_hash(const char *p, size_t n)
{
	struct units u = { (const unsigned char *)p, n, 0, 0 };
	uint32_t h = 0;
	int32_t c;

	while ((c = units_next(&u)) >= 0)
		h = 31 * h + (uint32_t)c;
	return (int32_t)h;
}

int
java_string_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct units x = { (const unsigned char *)a, alen, 0, 0 };
	struct units y = { (const unsigned char *)b, blen, 0, 0 };
	int32_t c, d;

	for (;;) {
		c = units_next(&x);
		d = units_next(&y);
		if (c != d)
			return c < d ? -1 : 1;	/* the end (-1) sorts first */
		if (c < 0)
			return 0;
	}
}

size_t
java_utf16_length(const char *p, size_t n)
{
	struct units u = { (const unsigned char *)p, n, 0, 0 };
	size_t len = 0;

	while (units_next(&u) >= 0)
		len++;
	return len;
}

int
java_parse_long(const char *p, size_t n, int64_t *v)
{
	uint64_t acc = 0, limit = (uint64_t)INT64_MAX;
	size_t i = 0;
	int neg = 0;

	if (n == 0)
		return -1;
	if (p[0] == '-' || p[0] == '+') {
		if (n == 1)
			return -1;
		neg = p[0] == '-';
		if (neg)
			limit++;
		i = 1;
	}
	for (; i < n; i++) {
		unsigned d = (unsigned char)p[i] - '0';

		if (d > 9 || acc > (limit - d) / 10)
			return -1;
		acc = acc * 10 + d;
	}
	*v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return 0;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Past the exponent's digits from S[I] on (after 'p' or 'e'): an optional
 * sign, then at least one digit; 0 when there is none. */
static size_t
exponent_end(const char *s, size_t n, size_t i)
{
	size_t from;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	for (from = i; i < n && is_digit(s[i]); i++)
		;
	return i > from ? i : 0;
}

/* What is left at S[I] after the number: nothing (N), or one f, F, d or D
 * (I, the length without it); else 0, not a number. */
static size_t
suffix_end(const char *s, size_t n, size_t i)
{
	if (i == n)
		return n;
	if (i == n - 1 && strchr("fFdD", s[i]) != NULL)
		return i;
	return 0;
}

/* Digits of the kind ISDIGIT with at most one point, from S[I]; the index
 * after them, *DIGITS their count. */
static size_t
mantissa_end(const char *s, size_t n, size_t i, int (*isdigit_)(char),
    size_t *digits)
{
	int point = 0;

	for (*digits = 0; i < n && (isdigit_(s[i]) || (s[i] == '.' && !point)); i++) {
		if (s[i] == '.')
			point = 1;
		else
			(*digits)++;
	}
	return i;
}

/* Java's hexadecimal form after the sign: 0x, hex digits with at most one
 * point (at least one digit), p, an optional sign, decimal digits, and an
 * optional suffix.  Returns the length without the suffix, or 0. */
static size_t
hex_form(const char *s, size_t n)
{
	size_t digits, i = mantissa_end(s, n, 2, is_hex, &digits);

	if (digits == 0 || i >= n || (s[i] != 'p' && s[i] != 'P') ||
	    (i = exponent_end(s, n, i + 1)) == 0)
		return 0;
	return suffix_end(s, n, i);
}

/* Java's decimal form after the sign (FloatingDecimal.readJavaFormatString):
 * digits with at most one point (at least one digit), an optional exponent
 * with at least one digit, an optional suffix.  Returns the length without
 * the suffix, or 0. */
static size_t
decimal_form(const char *s, size_t n)
{
	size_t digits, i = mantissa_end(s, n, 0, is_digit, &digits);

	if (digits == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E') &&
	    (i = exponent_end(s, n, i + 1)) == 0)
		return 0;
	return suffix_end(s, n, i);
}

int
java_parse_double(const char *p, size_t n, double *v)
{
	char tmp[512], *buf = tmp, *end;
	size_t i = 0, len;
	int neg = 0;

	while (n > 0 && (unsigned char)p[n - 1] <= ' ')
		n--;
	while (n > 0 && (unsigned char)*p <= ' ')
		p++, n--;
	if (n > 0 && (p[0] == '+' || p[0] == '-')) {
		neg = p[0] == '-';
		i = 1;
	}
	if (i >= n)
		return -1;
	if (n - i == 3 && memcmp(p + i, "NaN", 3) == 0) {
		*v = NAN;
		return 0;
	}
	if (n - i == 8 && memcmp(p + i, "Infinity", 8) == 0) {
		*v = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (n - i > 1 && p[i] == '0' && (p[i + 1] == 'x' || p[i + 1] == 'X'))
		len = hex_form(p + i, n - i);
	else
		len = decimal_form(p + i, n - i);
	if (len == 0)
		return -1;
	len += i;
	if (len >= sizeof tmp)
		buf = malloc(len + 1);
	if (buf == NULL)
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	*v = strtod(buf, &end);
	if (buf != tmp)
		free(buf);
	return 0;
}

/*
 * Double.toString: the shortest digits that read back as V (tried from
 * 1 to 17 significant digits, each correctly rounded), or for a whole
 * number the digits the JDK prints, laid out as
 * FloatingDecimal.getChars does, with the value 0.DIGITS x 10^E.
 */
size_t
java_double_to_string(double v, char *buf)
{
	char e[40], digits[20];
	size_t o = 0, nd = 0, i;
	int prec, exp, de;
	double a;

	if (isnan(v))
		return (size_t)sprintf(buf, "NaN");
	if (isinf(v))
		return (size_t)sprintf(buf, v < 0 ? "-Infinity" : "Infinity");
	if (signbit(v))
		buf[o++] = '-';
	a = fabs(v);
	if (a == 0)
		return o + (size_t)sprintf(buf + o, "0.0");
	frexp(a, &exp);
	if (a == floor(a) && exp - 1 <= 62) {
		/* A whole number below 2^63: FloatingDecimal prints its exact
		 * digits (developLongDigits), rounding off a few low ones
		 * from 2^56 up, which is not always the shortest form. */
		static const int insignificant[] = { 0, 0, 0, 0, 1, 1, 1, 2, 2 };
		uint64_t lv = (uint64_t)a, pow10 = 1;
		int p2 = exp - 1 - 54, drop = p2 > 1 ? insignificant[p2] : 0;

		for (i = 0; i < (size_t)drop; i++)
			pow10 *= 10;
		if (lv % pow10 >= pow10 / 2 && drop > 0)
			lv = lv / pow10 + 1;
		else
			lv /= pow10;
		nd = (size_t)sprintf(digits, "%" PRIu64, lv);
		de = (int)nd + drop;
	} else {
		for (prec = 1; prec <= 17; prec++) {
			snprintf(e, sizeof e, "%.*e", prec - 1, a);
			if (strtod(e, NULL) == a)
				break;
		}
		for (i = 0; e[i] != 'e'; i++)
			if (is_digit(e[i]))
				digits[nd++] = e[i];
		de = atoi(e + i + 1) + 1;
	}
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (de > 0 && de < 8) {
		size_t intlen = (size_t)de;

		for (i = 0; i < intlen; i++)
			buf[o++] = i < nd ? digits[i] : '0';
		buf[o++] = '.';
		if (nd > intlen)
			for (i = intlen; i < nd; i++)
				buf[o++] = digits[i];
		else
			buf[o++] = '0';
	} else if (de <= 0 && de > -3) {
		buf[o++] = '0';
		buf[o++] = '.';
		for (i = 0; i < (size_t)-de; i++)
			buf[o++] = '0';
		for (i = 0; i < nd; i++)
			buf[o++] = digits[i];
	} else {
		buf[o++] = digits[0];
		buf[o++] = '.';
		if (nd > 1)
			for (i = 1; i < nd; i++)
				buf[o++] = digits[i];
		else
			buf[o++] = '0';
		o += (size_t)sprintf(buf + o, "E%d", de - 1);
	}
	buf[o] = '\0';
	return o;
}
