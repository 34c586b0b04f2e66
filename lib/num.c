/* num: exact number parsing and shortest formatting (see num.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

int128
pow10_i128(int e)
{
	static int128 table[NUM_MAX_DIGITS + 1];
	int i;

	if (table[0] == 0) {
		table[0] = 1;
		for (i = 1; i <= NUM_MAX_DIGITS; i++)
			table[i] = table[i - 1] * 10;
	}
	return table[e];
}

int
num_rescale(int128 mant, int from, int to, int128 *out)
{
	if (to - from > NUM_MAX_DIGITS)
		return mant == 0 ? (*out = 0, 0) : -1;
	return i128_mul_overflow(mant, pow10_i128(to - from), out) ? -1 : 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The slow path: a number strtod accepts whole, in decimal syntax only (no
 * hex floats, which strtod would also take).
 */
static int
parse_double(const char *s, size_t len, struct num *n)
{
	char small[128], *buf = small, *end;
	size_t i;
	int ok;

	for (i = 0; i < len; i++)
		if (s[i] == 'x' || s[i] == 'X')
			return -1;
	if (len >= sizeof small && (buf = malloc(len + 1)) == NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	n->d = strtod(buf, &end);
	ok = end != buf && *end == '\0';
	if (buf != small)
		free(buf);
	if (!ok)
		return -1;
	n->exact = 0;
	n->mant = 0;
	n->scale = 0;
	return 0;
}

int
num_parse(const char *s, size_t len, struct num *n)
{
	const char *p, *end;
	uint64_t lo = 0;
	int128 m;
	int neg = 0, digits = 0, sig = 0, scale = 0, seen_point = 0;
	unsigned c;

	while (len > 0 && is_blank(s[len - 1]))
		len--;
	while (len > 0 && is_blank(*s))
		s++, len--;
	p = s;
	end = s + len;
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	/*
	 * Up to 19 significant digits accumulate in a uint64_t, the rest in
	 * an int128; past 38 the value is no longer exact here.
	 */
	for (; p < end; p++) {
		c = (unsigned char)*p - '0';
		if (c <= 9) {
			digits++;
			if (sig == 0 && c == 0) {
				if (seen_point)
					scale++;
				continue;
			}
			if (sig == 19)
				break;
			sig++;
			lo = lo * 10 + c;
			scale += seen_point;
		} else if (*p == '.' && !seen_point) {
			seen_point = 1;
		} else {
			break;
		}
	}
	m = lo;
	for (; p < end; p++) {
		c = (unsigned char)*p - '0';
		if (c <= 9) {
			if (++sig > NUM_MAX_DIGITS)
				return parse_double(s, len, n);
			m = m * 10 + c;
			scale += seen_point;
		} else if (*p == '.' && !seen_point) {
			seen_point = 1;
		} else {
			break;
		}
	}
	if (p != end || digits == 0)
		return parse_double(s, len, n);
	if (scale > NUM_MAX_DIGITS)
		return parse_double(s, len, n);
	n->mant = neg ? -m : m;
	n->scale = scale;
	n->exact = 1;
	n->d = 0;
	return 0;
}

double
num_to_double(const struct num *n)
{
	static const double exact_pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
		1e22,
	};
	char buf[NUM_FMT_MAX];
	int128 a;

	if (!n->exact)
		return n->d;
	a = n->mant < 0 ? -n->mant : n->mant;
	/* Both operands exact doubles: one division, correctly rounded. */
	if (a <= ((int128)1 << 53) && n->scale <= 22)
		return (double)n->mant / exact_pow10[n->scale];
	num_format(buf, n->mant, n->scale);
	return strtod(buf, NULL);
}

size_t
num_format(char *buf, int128 mant, int scale)
{
	char digits[48], *e = digits + sizeof digits, *s = e;
	unsigned __int128 u = mant < 0 ? -(unsigned __int128)mant :
	    (unsigned __int128)mant;
	size_t n = 0, nd;
	int i;

	do
		*--s = (char)('0' + (int)(u % 10));
	while ((u /= 10) != 0);
	/* Drop trailing fraction zeros: they do not change the value. */
	while (scale > 0 && e - s > 1 && e[-1] == '0') {
		e--;
		scale--;
	}
	if (scale > 0 && e - s == 1 && *s == '0')
		scale = 0;
	nd = (size_t)(e - s);
	if (mant < 0 && !(nd == 1 && *s == '0'))
		buf[n++] = '-';
	if (scale == 0) {
		memcpy(buf + n, s, nd);
		n += nd;
	} else if ((size_t)scale >= nd) {
		buf[n++] = '0';
		buf[n++] = '.';
		for (i = 0; i < scale - (int)nd; i++)
			buf[n++] = '0';
		memcpy(buf + n, s, nd);
		n += nd;
	} else {
		memcpy(buf + n, s, nd - (size_t)scale);
		n += nd - (size_t)scale;
		buf[n++] = '.';
		memcpy(buf + n, s + nd - (size_t)scale, (size_t)scale);
		n += (size_t)scale;
	}
	buf[n] = '\0';
	return n;
}

size_t
num_format_double(char *buf, double d)
{
	char sci[40], digits[24];
	int prec, exp10, nd = 0, i, n = 0;
	char *p;

	if (isnan(d))
		return (size_t)sprintf(buf, "nan");
	if (isinf(d))
		return (size_t)sprintf(buf, d < 0 ? "-inf" : "inf");
	/* The fewest significant digits that read back as the same double. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(sci, sizeof sci, "%.*e", prec - 1, d);
		if (strtod(sci, NULL) == d)
			break;
	}
	p = sci;
	if (*p == '-')
		buf[n++] = *p++;
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	exp10 = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (exp10 < -7 || exp10 > 20) {
		buf[n++] = digits[0];
		if (nd > 1) {
			buf[n++] = '.';
			memcpy(buf + n, digits + 1, (size_t)nd - 1);
			n += nd - 1;
		}
		n += sprintf(buf + n, "e%c%02d", exp10 < 0 ? '-' : '+',
		    exp10 < 0 ? -exp10 : exp10);
		return (size_t)n;
	}
	if (exp10 < 0) {
		buf[n++] = '0';
		buf[n++] = '.';
		for (i = 0; i < -exp10 - 1; i++)
			buf[n++] = '0';
		memcpy(buf + n, digits, (size_t)nd);
		n += nd;
	} else {
		for (i = 0; i <= exp10; i++)
			buf[n++] = i < nd ? digits[i] : '0';
		if (nd > exp10 + 1) {
			buf[n++] = '.';
			memcpy(buf + n, digits + exp10 + 1,
			    (size_t)(nd - exp10 - 1));
			n += nd - exp10 - 1;
		}
	}
	buf[n] = '\0';
	return (size_t)n;
}
