/* aggsum: exact sums in a state block (see aggsum.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aggsum.h"
#include "bigint.h"
#include "xalloc.h"

struct aggsum_wide {
	int128 mant;		/* the exact sum at scale, while big is NULL */
	struct big *big;	/* the exact sum at scale */
	int scale;
	int specials;		/* SPECIAL_ bits */
};

enum { SPECIAL_INF = 1, SPECIAL_NEG_INF = 2, SPECIAL_NAN = 4 };

/*
 * Whether a wide state was ever allocated, for aggsum_widened: set by any
 * thread that widens a sum (hence atomic), read after they are done.
 */
static int wide_sums;

static inline struct aggsum_wide *
wide_of(int64_t w)
{
	return (struct aggsum_wide *)(uintptr_t)(w & ~(int64_t)AGGSUM_WIDE);
}

static int
special_bit(const struct num *x)
{
	return isnan(x->d) ? SPECIAL_NAN : x->d < 0 ? SPECIAL_NEG_INF : SPECIAL_INF;
}

static void
wide_add(struct aggsum_wide *w, const struct num *x)
{
	struct big v;
	int128 m, y;
	int sc;

	if (!x->exact) {
		w->specials |= special_bit(x);
		return;
	}
	if (w->big == NULL) {
		sc = w->scale > x->scale ? w->scale : x->scale;
		if (num_rescale(w->mant, w->scale, sc, &m) == 0 &&
		    num_rescale(x->mant, x->scale, sc, &y) == 0 &&
		    !i128_add_overflow(m, y, &m)) {
			w->mant = m;
			w->scale = sc;
			return;
		}
		w->big = xmalloc(sizeof *w->big);
		big_from_i128(w->big, w->mant);
	}
	if (x->scale > w->scale) {
		big_mul_pow10(w->big, w->big, x->scale - w->scale);
		w->scale = x->scale;
	}
	num_to_big(&v, x, w->scale);
	big_add(w->big, w->big, &v);
}

/* A new scale, inf or nan, or 58 bits too few. */
void
aggsum_add_slow(int64_t *word, const struct num *x)
{
	int sc = aggsum_scale(*word);
	int128 m = sc == AGGSUM_WIDE ? 0 : aggsum_mant(*word), v = x->mant;
	struct aggsum_wide *w;

	if (sc != AGGSUM_WIDE && x->exact) {
		if (x->scale > sc) {
			if (num_rescale(m, sc, x->scale, &m) < 0)
				goto widen;
			sc = x->scale;
		} else if (num_rescale(v, x->scale, sc, &v) < 0) {
			goto widen;
		}
		if (!i128_add_overflow(m, v, &m) && m >= INT64_MIN &&
		    m <= INT64_MAX && aggsum_word((int64_t)m, sc, word))
			return;
		sc = aggsum_scale(*word);	/* the sum before X */
	}
widen:
	if (sc != AGGSUM_WIDE) {
		/* Aligned to 64: the word's low bits mark it (aggsum.h). */
		w = xcalloc_line(sizeof *w);
		if (!__atomic_load_n(&wide_sums, __ATOMIC_RELAXED))
			__atomic_store_n(&wide_sums, 1, __ATOMIC_RELAXED);
		w->mant = aggsum_mant(*word);
		w->scale = sc;
		*word = (int64_t)(uintptr_t)w | AGGSUM_WIDE;
	}
	wide_add(wide_of(*word), x);
}

/* The value of a sum that met SPECIALS: nan with nan or both infinities. */
static double
specials_value(int specials)
{
	if ((specials & SPECIAL_NAN) || (specials & SPECIAL_INF &&
	    specials & SPECIAL_NEG_INF))
		return NAN;
	return specials & SPECIAL_INF ? INFINITY : -INFINITY;
}

size_t
aggsum_format(char *buf, char *b, const struct agg_field *af)
{
	int64_t word = *aggsum_at(b, af);
	int sc = aggsum_scale(word);
	const struct aggsum_wide *w = wide_of(word);

	if (sc != AGGSUM_WIDE)
		return num_format(buf, aggsum_mant(word), sc);
	if (w->specials)
		return num_format_special(buf, specials_value(w->specials));
	if (w->big == NULL)
		return num_format(buf, w->mant, w->scale);
	return num_format_big(buf, w->big, w->scale);
}

/* The mean: the fraction sum / (count * 10^scale). */
size_t
aggsum_format_mean(char *buf, char *b, const struct agg_field *af,
    uint64_t count)
{
	int64_t word = *aggsum_at(b, af);
	int tag = aggsum_scale(word);
	const struct aggsum_wide *w = tag == AGGSUM_WIDE ? wide_of(word) : NULL;
	struct big num, den;
	int scale = w ? w->scale : tag;
	int128 d, m = w ? w->mant : aggsum_mant(word);

	if (w && w->specials)
		return num_format_special(buf, specials_value(w->specials));
	/* The mean of one value is the value (most keys, with many keys). */
	if (!w && count == 1)
		return num_format(buf, m, scale);
	if ((!w || !w->big) &&
	    !i128_mul_overflow((int128)count, pow10_i128(scale), &d))
		return num_format_frac(buf, m, d);
	if (w && w->big)
		num = *w->big;
	else
		big_from_i128(&num, m);
	big_from_u64(&den, count);
	big_mul_pow10(&den, &den, scale);
	return num_format_ratio(buf, &num, &den);
}

void
aggsum_reset(char *b, const struct agg_field *af)
{
	int64_t *word = aggsum_at(b, af);
	struct aggsum_wide *w = wide_of(*word);

	if (aggsum_scale(*word) == AGGSUM_WIDE) {
		free(w->big);
		memset(w, 0, sizeof *w);
	} else {
		*word = 0;
	}
}

void
aggsum_free(char *b, const struct agg_field *af)
{
	int64_t word = *aggsum_at(b, af);

	if (aggsum_scale(word) == AGGSUM_WIDE) {
		free(wide_of(word)->big);
		free(wide_of(word));
	}
}

int
aggsum_widened(void)
{
	return __atomic_load_n(&wide_sums, __ATOMIC_RELAXED);
}
