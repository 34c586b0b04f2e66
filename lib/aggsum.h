/*
 * aggsum: the exact sum of one field in a state block of lib/agg, for the
 * operations sum and mean.
 *
 * A sum is an int64 scaled integer while it fits (the common case): 8
 * bytes at the field's sum_off, and a tag byte at its sum_tag_off holding
 * the scale (0..NUM_MAX_DIGITS).  The tags of a block's sums sit together
 * after the count, so a block with two sums is 32 bytes.  When a value
 * brings a second scale that 64 bits cannot hold, or the sum outgrows 64
 * bits, or inf or nan is added, the sum widens: the 8 bytes then point to
 * a state allocated for the key (128 bits, then a struct big once those
 * are too few: at most 38 + 38 digits per value, at one scale, times 2^64
 * records, 317 bits; and which of inf, -inf and nan were added), and the
 * tag is AGGSUM_WIDE.  A zero-filled sum is 0 at scale 0.
 */
#ifndef MR_AGGSUM_H
#define MR_AGGSUM_H

#include <stdint.h>

#include "agg.h"
#include "num.h"

struct aggsum_wide;

union aggsum {
	int64_t mant;		/* tag: the scale */
	struct aggsum_wide *w;	/* tag: AGGSUM_WIDE */
};

#define AGGSUM_WIDE 255

/* aggsum_at, aggsum_tag: the sum of field AF in block B, and its tag. */
static inline union aggsum *
aggsum_at(char *b, const struct agg_field *af)
{
	return (union aggsum *)(b + af->sum_off);
}

static inline unsigned char *
aggsum_tag(char *b, const struct agg_field *af)
{
	return (unsigned char *)b + af->sum_tag_off;
}

/* aggsum_add_slow: aggsum_add's path for anything but a plain add. */
void aggsum_add_slow(union aggsum *s, unsigned char *tag, const struct num *x);

/* aggsum_add: add X to the sum of field AF in block B (never overflows). */
static inline void
aggsum_add(char *b, const struct agg_field *af, const struct num *x)
{
	union aggsum *s = aggsum_at(b, af);
	unsigned char *tag = aggsum_tag(b, af);
	int64_t r;

	if (x->exact && x->scale == *tag &&
	    x->mant >= INT64_MIN && x->mant <= INT64_MAX &&
	    !__builtin_add_overflow(s->mant, (int64_t)x->mant, &r)) {
		s->mant = r;
		return;
	}
	aggsum_add_slow(s, tag, x);
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
