/*
 * aggstats: every value of one field of one key, and the operations of
 * lib/agg that need them all: quantiles (median, q1, q3, iqr, pNN, as
 * datamash and R's type 7 define them), mode, variance and standard
 * deviation.  Each result is exact: quantiles interpolate exactly, a
 * variance is an exact fraction and a deviation its square root, printed
 * exactly when the decimal expansion ends, else correctly rounded to 17
 * digits.  inf and nan follow IEEE arithmetic.
 *
 * The formatting functions write into a buffer of NUM_FMT_MAX bytes and
 * return the length; they sort the values (an order of no meaning to the
 * caller), so each may be called any number of times.
 */
#ifndef MR_AGGSTATS_H
#define MR_AGGSTATS_H

#include <stddef.h>

#include "num.h"

/* The values; all zero is none. */
struct agg_vals {
	struct num *v;
	size_t n, cap;
};

/* aggstats_add: keep X. */
void aggstats_add(struct agg_vals *v, const struct num *x);
/* aggstats_free: release the values (V is then empty). */
void aggstats_free(struct agg_vals *v);

/* aggstats_quantile: quantile PCT/100 (0..100) of the N >= 1 values. */
size_t aggstats_quantile(char *buf, struct agg_vals *v, int pct);
/* aggstats_iqr: the third quartile less the first. */
size_t aggstats_iqr(char *buf, struct agg_vals *v);
/* aggstats_mode: the most frequent value, the smallest of equals. */
size_t aggstats_mode(char *buf, struct agg_vals *v);
/*
 * aggstats_var: the variance, of a SAMPLE (n - 1) or of the population
 * (n), or with ROOT its square root, the standard deviation.
 */
size_t aggstats_var(char *buf, struct agg_vals *v, int sample, int root);

#endif
