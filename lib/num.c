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

	if (len <= 19 && num_parse_plain(s, s + len, -1, n) != NULL)
		return 0;

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

	/* 128-bit division is a library call: use 64 bits when they do. */
	if (u <= UINT64_MAX) {
		uint64_t v = (uint64_t)u;

		do
			*--s = (char)('0' + (int)(v % 10));
		while ((v /= 10) != 0);
	} else {
		do
			*--s = (char)('0' + (int)(u % 10));
		while ((u /= 10) != 0);
	}
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
	/*
	 * The fewest significant digits that read back as the same double.
	 * A double whose shortest form has k <= 15 digits prints to 15
	 * digits as exactly that form padded with zeros (half a unit in the
	 * 15th digit is wider than half an ulp), which are dropped below;
	 * so 15, 16 and 17 are the only precisions to try.
	 */
	for (prec = 15; prec <= 17; prec++) {
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

int
num_cmp(const struct num *a, const struct num *b)
{
	int128 x, y;
	double da, db;

	if (a->exact && b->exact) {
		x = a->mant;
		y = b->mant;
		/*
		 * Raise the smaller scale.  If that overflows, the raised
		 * number is larger in magnitude than any value the other can
		 * hold at its scale, so its sign decides.
		 */
		if (a->scale < b->scale &&
		    num_rescale(x, a->scale, b->scale, &x) < 0)
			return a->mant < 0 ? -1 : 1;	/* x is wrapped: use a's sign */
		if (b->scale < a->scale &&
		    num_rescale(y, b->scale, a->scale, &y) < 0)
			return b->mant < 0 ? 1 : -1;
		return (x > y) - (x < y);
	}
	da = num_to_double(a);
	db = num_to_double(b);
	if (isnan(da) || isnan(db))
		return isnan(da) - isnan(db);
	return (da > db) - (da < db);
}

static unsigned __int128
u128_gcd(unsigned __int128 a, unsigned __int128 b)
{
	unsigned __int128 t;
	uint64_t x, y, z;

	if (a <= UINT64_MAX && b <= UINT64_MAX) {
		x = (uint64_t)a;
		y = (uint64_t)b;
		while (y != 0) {
			z = x % y;
			x = y;
			y = z;
		}
		return x;
	}
	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * The double nearest to |NUM|/DEN by long division to 40 significant
 * digits, then strtod: the quotient does not terminate (or is too long to
 * be exact), so 40 digits sit far from any rounding boundary of a double.
 */
double
num_frac_to_double(int128 num, int128 den)
{
	char buf[128];
	unsigned __int128 u = num < 0 ? -(unsigned __int128)num :
	    (unsigned __int128)num, d = (unsigned __int128)den, q, r;
	size_t n = 0;
	int sig = 0, i;
	char *s;

	if (d >= ((unsigned __int128)1 << 123))
		return (double)((long double)num / (long double)den);
	if (num < 0)
		buf[n++] = '-';
	q = u / d;
	r = u % d;
	s = buf + n;
	n += num_format(s, (int128)q, 0);
	if (q != 0)
		sig = (int)(n - (size_t)(s - buf));
	buf[n++] = '.';
	for (i = 0; sig < 40 && i < 60 && r != 0; i++) {
		r *= 10;
		buf[n++] = (char)('0' + (int)(r / d));
		if (sig > 0 || r / d != 0)
			sig++;
		r %= d;
	}
	buf[n] = '\0';
	return strtod(buf, NULL);
}

/* The number of decimal digits of U (1 for 0). */
static int
u128_digits(unsigned __int128 u)
{
	int n = 1;

	while (n <= NUM_MAX_DIGITS && u >= (unsigned __int128)pow10_i128(n))
		n++;
	return n;
}

/*
 * T / D.  When D fits 64 bits and the quotient surely does (below 10^18
 * here), one divq instead of the library's 128-bit division.
 */
static inline unsigned __int128
div_small(unsigned __int128 t, unsigned __int128 d)
{
#if defined(__x86_64__)
	uint64_t hi = (uint64_t)(t >> 64), lo = (uint64_t)t, q, r;

	if (d <= UINT64_MAX && hi < (uint64_t)d) {
		__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi),
		    "rm"((uint64_t)d));
		return q;
	}
#endif
	return t / d;
}

/*
 * U/D (D > 0, not a terminating decimal) rounded half-even to 17
 * significant digits, as Q / 10^K.  Returns -1 when the quotient has more
 * than 17 integer digits or the scaled numerator overflows.
 */
static int
frac_round17(unsigned __int128 u, unsigned __int128 d, unsigned __int128 *q,
    int *k)
{
	const unsigned __int128 lo = (unsigned __int128)pow10_i128(16),
	    hi = (unsigned __int128)pow10_i128(17);
	unsigned __int128 r, t;
	int e;

	/* u/d lies in [10^e, 10^(e+2)) for e = digits(u) - digits(d) - 1. */
	e = u128_digits(u) - u128_digits(d) - 1;
	for (*k = 16 - e;; (*k)--) {
		if (*k < 0 || *k > NUM_MAX_DIGITS ||
		    u > ~(unsigned __int128)0 / (unsigned __int128)pow10_i128(*k))
			return -1;
		t = u * (unsigned __int128)pow10_i128(*k);
		*q = div_small(t, d);
		if (*q < hi)
			break;
	}
	if (*q < lo)
		return -1;
	r = t - *q * d;
	if (r > d - r || (r == d - r && (*q & 1)))
		(*q)++;
	if (*q == hi) {
		*q = lo;
		if (--*k < 0)
			return -1;
	}
	return 0;
}

size_t
num_format_frac(char *buf, int128 num, int128 den)
{
	unsigned __int128 u = num < 0 ? -(unsigned __int128)num :
	    (unsigned __int128)num, d = (unsigned __int128)den, g, rest, mult, q;
	int twos = 0, fives = 0, k, divides;
	int128 mant;

	/*
	 * U/D ends in decimal exactly when D without its factors 2 and 5
	 * (REST) divides U: one division where reducing the fraction first
	 * would take a gcd.
	 */
	for (rest = d; (rest & 1) == 0; rest >>= 1)
		twos++;
	if (rest <= UINT64_MAX) {
		uint64_t r = (uint64_t)rest;

		for (; r % 5 == 0; r /= 5)
			fives++;
		rest = r;
		divides = u <= UINT64_MAX ? (uint64_t)u % r == 0 : u % r == 0;
	} else {
		for (; rest % 5 == 0; rest /= 5)
			fives++;
		divides = u % rest == 0;
	}
	if (!divides && frac_round17(u, d, &q, &k) == 0)
		return num_format(buf, num < 0 ? -(int128)q : (int128)q, k);
	if (divides) {
		k = twos > fives ? twos : fives;
		if (k <= NUM_MAX_DIGITS) {
			/* U/D = (U/REST) * (10^k / (D/REST)) / 10^k. */
			mult = (unsigned __int128)pow10_i128(k) / (d / rest);
			if (!__builtin_mul_overflow((int128)(u / rest), (int128)mult,
			    &mant))
				return num_format(buf, num < 0 ? -mant : mant, k);
		}
		/* Too many places as it stands: reduce the fraction. */
		g = u128_gcd(u, d);
		u /= g;
		d /= g;
		for (twos = 0, rest = d; (rest & 1) == 0; rest >>= 1)
			twos++;
		for (fives = 0; rest % 5 == 0; rest /= 5)
			fives++;
		k = twos > fives ? twos : fives;
		if (k <= NUM_MAX_DIGITS) {
			mult = (unsigned __int128)pow10_i128(k) / d;
			if (!__builtin_mul_overflow((int128)u, (int128)mult, &mant))
				return num_format(buf, num < 0 ? -mant : mant, k);
		}
	}
	return num_format_double(buf, num_frac_to_double(
	    num < 0 ? -(int128)u : (int128)u, (int128)d));
}
