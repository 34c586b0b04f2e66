/*
 * num: exact parsing, comparison and formatting of decimal numbers.
 *
 * The syntax (num_scan): optional blanks (space, tab), an optional sign,
 * then digits with an optional decimal point (at least one digit: "5",
 * "5.", ".5"), optionally followed by an exponent ("e" or "E", an optional
 * sign, digits), then optional blanks; or "inf", "infinity" or "nan" in any
 * case, with an optional sign.  Nothing else: no hex, no "nan(...)", no
 * byte after the number, a NUL included.
 *
 * A number parses (num_parse) into an exact scaled integer, mant / 10^scale
 * with |mant| < 10^38 and 0 <= scale <= 38: any number whose digits from
 * its first to its last nonzero one are at most 38 and fall between the
 * 38th place before the point and the 38th after it (1e37, 0.125, 1.5e-30,
 * 12345678901234567890.123456789012345678).  Other numbers need more
 * digits than that (1e38, 1e-39, forty-digit integers) and are reported
 * as such, never rounded; inf and nan are kept as doubles.
 *
 * Text that is a number of any length also compares exactly without being
 * converted (num_text_cmp), which mr-sort -n and mr-reduce --top use.
 *
 * num.c parses and compares; numfmt.c writes numbers out (num_format*).
 */
#ifndef MR_NUM_H
#define MR_NUM_H

#include <stddef.h>
#include <stdint.h>

#include "bigint.h"

typedef __int128 int128;

#define NUM_MAX_DIGITS 38	/* every 38-digit integer fits in an int128 */

/*
 * Room for any num_format* output and a NUL.  The longest: a variance
 * that ends, |value| < 10^77 with up to 2*38 + 128 places (its
 * denominator is n(n-1) 10^(2*scale) with n < 2^64), and a sign and a
 * point: 1 + 77 + 1 + 204 < 320.
 */
#define NUM_FMT_MAX 320

struct num {
	int128 mant;		/* exact: the value times 10^scale */
	int scale;		/* exact: digits after the decimal point */
	int exact;		/* 1: mant/scale hold the value; 0: d does */
	double d;		/* inexact: inf, -inf or nan */
};

/* num_parse's results. */
enum { NUM_OK = 0, NUM_NOT_A_NUMBER = -1, NUM_TOO_LONG = -2 };

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

/*
 * num_parse: parse S[0..LEN) into *N.  Returns NUM_OK, NUM_NOT_A_NUMBER,
 * or NUM_TOO_LONG for a number outside the exact range (see the top).
 * The scale is the one written ("1.50" has 2, "1.50e1" 1) unless trailing
 * zeros have to go for the number to fit.
 */
int num_parse(const char *s, size_t len, struct num *n);

/*
 * A number's text scanned, not converted: the value is
 * 0.D * 10^exp10, D the significant digits FIRST..LAST (both nonzero
 * digits; between them a '.' may occur, which is skipped).  Zero has
 * FIRST NULL.  Exponents beyond +-10^17 count as +-10^17.
 */
enum { NUM_FINITE, NUM_INF, NUM_NAN };

struct num_text {
	int kind;		/* NUM_FINITE, NUM_INF or NUM_NAN */
	int neg;		/* a '-' sign (also on zero and nan) */
	const char *first, *last;
	int64_t ndigits;	/* digits FIRST..LAST, the point not counted */
	int64_t exp10;
	int64_t places;		/* the scale as written: digits after the
				 * point minus the exponent */
};

/* num_scan: S[0..LEN) as a number's text: 0, or -1 if it is not one. */
int num_scan(const char *s, size_t len, struct num_text *t);

/*
 * num_text_cmp: the order of two scanned numbers, exact at any length:
 * -inf < every finite number < inf < nan (nan equal to nan, -0 to 0).
 */
int num_text_cmp(const struct num_text *a, const struct num_text *b);

/*
 * num_text_word: a 64-bit word whose unsigned order agrees with
 * num_text_cmp as far as it goes, for a number other than nan (1 for
 * -inf, UINT64_MAX for inf; 0 is left for what is not a number).  Equal
 * words mean "compare the numbers", unless the lowest bit is clear: then
 * equal words are equal numbers (up to 12 significant digits, exponents
 * within +-2^21).
 */
uint64_t num_text_word(const struct num_text *t);

/* pow10_i128: 10^E for 0 <= E <= 38 (inline: the formatting's and the
 * sums' loops use it; 10^19 and up as 10^19 * 10^k, constant expressions). */
#define NUM_P19(k) ((int128)10000000000000000000ULL * k##ULL)

static inline int128
pow10_i128(int e)
{
	static const int128 table[NUM_MAX_DIGITS + 1] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
		1000000000, 10000000000, 100000000000, 1000000000000,
		10000000000000, 100000000000000, 1000000000000000,
		10000000000000000, 100000000000000000, 1000000000000000000,
		NUM_P19(1), NUM_P19(10), NUM_P19(100), NUM_P19(1000),
		NUM_P19(10000), NUM_P19(100000), NUM_P19(1000000),
		NUM_P19(10000000), NUM_P19(100000000), NUM_P19(1000000000),
		NUM_P19(10000000000), NUM_P19(100000000000),
		NUM_P19(1000000000000), NUM_P19(10000000000000),
		NUM_P19(100000000000000), NUM_P19(1000000000000000),
		NUM_P19(10000000000000000), NUM_P19(100000000000000000),
		NUM_P19(1000000000000000000), NUM_P19(10000000000000000000),
	};

	return table[e];
}

/*
 * num_rescale: MANT (at scale FROM) expressed at scale TO >= FROM.
 * Returns 0, or -1 (*OUT untouched) when that overflows an int128.
 */
int num_rescale(int128 mant, int from, int to, int128 *out);

/* num_to_big: N's value as an integer at scale SCALE >= N's scale. */
void num_to_big(struct big *r, const struct num *n, int scale);

/*
 * num_cmp: the order of A and B: negative, 0 or positive, exact: -inf <
 * every exact number < inf < nan, nan equal to nan.
 */
int num_cmp(const struct num *a, const struct num *b);

/* ---- numfmt.c: writing numbers out ---- */

/*
 * num_format: MANT/10^SCALE in its shortest exact decimal form: no exponent,
 * no trailing zeros after the point, no point for integers, "-" for negative
 * values.  BUF holds NUM_FMT_MAX bytes; returns the length (NUL-terminated).
 * num_format_big: the same for a wider MANT (its digits and SCALE within
 * NUM_FMT_MAX - 3 characters).
 */
size_t num_format(char *buf, int128 mant, int scale);
size_t num_format_big(char *buf, const struct big *mant, int scale);

/* num_format_value: N as num_format writes it, or "inf", "-inf", "nan". */
size_t num_format_value(char *buf, const struct num *n);
/* num_format_special: D, which is inf, -inf or nan, as num_format_value. */
size_t num_format_special(char *buf, double d);

/*
 * num_format_frac, num_format_ratio: the fraction NUM/DEN (DEN > 0) in
 * num_format's form when its decimal expansion ends (1/8 is "0.125").  A
 * fraction that does not end is rounded half to even to 17 significant
 * digits and written as C's "%.17g" writes that rounded value: without an
 * exponent when the exponent is from -4 to 16 (1/3 is
 * "0.33333333333333333", 2/3 "0.66666666666666667"), with one otherwise
 * (10^20/3 is "3.3333333333333333e+19", 1/30000 "3.3333333333333333e-05").
 * An exponent thus always marks a rounded result.  num_format_frac is the
 * fast path of fractions of int128s.
 */
size_t num_format_frac(char *buf, int128 num, int128 den);
size_t num_format_ratio(char *buf, const struct big *num, const struct big *den);

/*
 * num_format_sqrt: the square root of NUM/DEN (NUM >= 0, DEN > 0): exact
 * when it is a fraction that ends, else as num_format_ratio rounds (the
 * root correctly rounded to 17 significant digits).
 */
size_t num_format_sqrt(char *buf, const struct big *num, const struct big *den);

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
