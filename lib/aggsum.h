/*
 * aggsum: the exact sum of one field in a state block of lib/agg, for the
 * operations sum and mean.
 *
 * A sum is one 64-bit word at the field's sum_off.  While it fits (the
 * common case) the word is a scaled integer and its scale: the mantissa
 * times 64 plus the scale (0..NUM_MAX_DIGITS), so a mantissa of 58 bits,
 * |m| < 2^57.  When a value brings a scale that does not fit so, or the
 * sum outgrows 58 bits, or inf or nan is added, the sum widens: the word
 * then points to a state allocated for the key (aligned to 64 bytes, its
 * low six bits AGGSUM_WIDE) that holds 128 bits, then a struct big once
 * those are too few (at most 38 + 38 digits per value, at one scale,
 * times 2^64 records, 317 bits), and which of inf, -inf and nan were
 * added.  A zero word is the sum 0 at scale 0.  A block with a count and
 * two sums is 24 bytes.
 */
#ifndef MR_AGGSUM_H
#define MR_AGGSUM_H

#include <stdint.h>

#include "agg.h"
#include "num.h"

#define AGGSUM_SCALE_BITS 6
#define AGGSUM_WIDE 63		/* the low bits of a wide sum's word */

/* aggsum_at: the word of the sum of field AF in block B. */
static inline int64_t *
aggsum_at(char *b, const struct agg_field *af)
{
	return (int64_t *)(b + af->sum_off);
}

/* aggsum_scale: the scale of word W, or AGGSUM_WIDE. */
static inline int
aggsum_scale(int64_t w)
{
	return (int)(w & AGGSUM_WIDE);
}

/* aggsum_mant: the mantissa of word W (not wide). */
static inline int64_t
aggsum_mant(int64_t w)
{
	return (w - aggsum_scale(w)) / ((int64_t)1 << AGGSUM_SCALE_BITS);
}

/*
 * aggsum_word: *W for the mantissa M at SCALE (not wide); 0, with *W
 * unchanged, when M needs more than 58 bits.
 */
static inline int
aggsum_word(int64_t m, int scale, int64_t *w)
{
	int64_t t;

	if (__builtin_mul_overflow(m, (int64_t)1 << AGGSUM_SCALE_BITS, &t))
		return 0;
	*w = t | scale;
	return 1;
}

/*
 * aggsum_add_int: add M at SCALE to the word *W when it is at that scale
 * and the sum fits; 0 with nothing done otherwise.
 */
static inline int
aggsum_add_int(int64_t *w, int64_t m, int scale)
{
	int64_t t;

	if (aggsum_scale(*w) != scale ||
	    __builtin_mul_overflow(m, (int64_t)1 << AGGSUM_SCALE_BITS, &t) ||
	    __builtin_add_overflow(*w, t, &t))
		return 0;
	*w = t;
	return 1;
}

/* aggsum_add_slow: aggsum_add's path for anything but a plain add. */
void aggsum_add_slow(int64_t *w, const struct num *x);

/* aggsum_add: add X to the sum of field AF in block B (never overflows). */
static inline void
aggsum_add(char *b, const struct agg_field *af, const struct num *x)
{
	int64_t *w = aggsum_at(b, af);

	if (x->exact && x->mant >= INT64_MIN && x->mant <= INT64_MAX &&
	    aggsum_add_int(w, (int64_t)x->mant, x->scale))
		return;
	aggsum_add_slow(w, x);
}

/* aggsum_format: the sum of field AF in block B into BUF (NUM_FMT_MAX). */
size_t aggsum_format(char *buf, char *b, const struct agg_field *af);

/*
 * aggsum_format_mean: the sum over COUNT (> 0) into BUF, exact when its
 * decimal expansion ends, else correctly rounded to 17 digits.
 */
size_t aggsum_format_mean(char *buf, char *b, const struct agg_field *af,
    uint64_t count);

/* aggsum_reset: the sum 0 again; a wide sum keeps its state for reuse. */
void aggsum_reset(char *b, const struct agg_field *af);
/* aggsum_free: release a wide sum's state. */
void aggsum_free(char *b, const struct agg_field *af);

/*
 * aggsum_widened: whether any sum widened (and so owns memory).  Safe to
 * call while other threads add; exact once they are done.
 */
int aggsum_widened(void);

#endif
