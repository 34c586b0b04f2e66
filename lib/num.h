/*
 * num: exact parsing and shortest formatting of numbers.
 *
 * Integers and plain decimals ("-12", "0.125", "+3.") parse into an exact
 * scaled integer, mant / 10^scale, with up to 38 significant digits, without
 * strtod.  Anything else that is a number to strtod in C's own syntax
 * (exponent forms, "inf", "nan", more than 38 digits) parses as a double and
 * is marked inexact.  Leading and trailing blanks are allowed.
 */
#ifndef MR_NUM_H
#define MR_NUM_H

#include <stddef.h>
#include <stdint.h>

typedef __int128 int128;

#define NUM_MAX_DIGITS 38	/* every 38-digit integer fits in an int128 */
#define NUM_FMT_MAX 64		/* room for any num_format* output and a NUL */

struct num {
	int128 mant;		/* exact: the value times 10^scale */
	int scale;		/* exact: digits after the decimal point */
	int exact;		/* 1: mant/scale hold the value; 0: d does */
	double d;		/* inexact: the value */
};

/*
 * num_parse_plain: the common case in one pass: an optional '-', digits,
 * an optional point and digits, 1 to 18 digits, from P up to END or to
 * the first byte STOP (-1: none).  Returns where the number ended, or NULL
 * when the text is anything else (num_parse then looks at it).  Gives
 * exactly what num_parse gives for the same text.
 */
static inline const char *
num_parse_plain(const char *p, const char *end, int stop, struct num *n)
{
	const char *f;
	uint64_t v = 0;
	int64_t x;
	int neg = 0, nd, scale = 0;
	unsigned c;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	f = p;
	while (p < end && (c = (unsigned char)*p - '0') <= 9) {
		v = v * 10 + c;
		p++;
	}
	nd = (int)(p - f);
	if (p < end && *p == '.') {
		f = ++p;
		while (p < end && (c = (unsigned char)*p - '0') <= 9) {
			v = v * 10 + c;
			p++;
		}
		scale = (int)(p - f);
		nd += scale;
	}
	if ((p != end && (unsigned char)*p != stop) || nd == 0 || nd > 18)
		return NULL;
	/*
	 * At most 18 digits fit an int64: widening a signed 64-bit value
	 * compiles to two plain stores, where negating a 128-bit one could
	 * go through the stack and stall the next load of it.
	 */
	x = (int64_t)v;
	n->mant = neg ? -x : x;
	n->scale = scale;
	n->exact = 1;
	n->d = 0;
	return p;
}

/* num_parse: parse S[0..LEN).  Returns 0, or -1 if it is not a number. */
int num_parse(const char *s, size_t len, struct num *n);

/* num_to_double: the nearest double (correctly rounded for exact values). */
double num_to_double(const struct num *n);

/* pow10_i128: 10^E for 0 <= E <= 38. */
int128 pow10_i128(int e);

/*
 * num_rescale: MANT (at scale FROM) expressed at scale TO >= FROM.
 * Returns 0, or -1 when that overflows an int128.
 */
int num_rescale(int128 mant, int from, int to, int128 *out);

/*
 * num_format: MANT/10^SCALE in its shortest exact decimal form: no exponent,
 * no trailing zeros after the point, no point for integers, "-" for negative
 * values.  BUF holds NUM_FMT_MAX bytes; returns the length (NUL-terminated).
 */
size_t num_format(char *buf, int128 mant, int scale);

/*
 * num_format_double: the shortest decimal that reads back as D, written
 * without an exponent when the exponent is between -7 and 20 ("1000000",
 * "0.1"), with one otherwise ("1e+25"); "nan", "inf", "-inf".
 */
size_t num_format_double(char *buf, double d);

/*
 * num_cmp: the order of A and B: negative, 0 or positive.  Exact when both
 * are exact; otherwise by their doubles, with NaN after every number.
 */
int num_cmp(const struct num *a, const struct num *b);

/*
 * num_format_frac: the fraction NUM/DEN (DEN > 0) in num_format's form when
 * its decimal expansion ends within 38 places and fits an int128 (1/8 is
 * "0.125").  A fraction that does not end is rounded half-even to 17
 * significant digits, enough to read back as the nearest double (1/3 is
 * "0.33333333333333333", 2/3 "0.66666666666666667"); one with more than 17
 * integer digits prints as num_format_double of the nearest double.
 */
size_t num_format_frac(char *buf, int128 num, int128 den);

/* num_frac_to_double: the double nearest to NUM/DEN (DEN > 0). */
double num_frac_to_double(int128 num, int128 den);

/* i128_mul_overflow, i128_add_overflow: checked arithmetic, 1 on overflow. */
static inline int
i128_add_overflow(int128 a, int128 b, int128 *r)
{
	return __builtin_add_overflow(a, b, r);
}

static inline int
i128_mul_overflow(int128 a, int128 b, int128 *r)
{
	return __builtin_mul_overflow(a, b, r);
}

#endif
