/* aggstats: every value of a field, and the statistics of them (see aggstats.h). */
#include <math.h>
#include <stdlib.h>

#include "aggstats.h"
#include "bigint.h"
#include "buf.h"

void
aggstats_add(struct agg_vals *v, const struct num *x)
{
	if (v->n == v->cap)
		ARRAY_RESERVE(v->v, v->cap, v->n + 1);
	v->v[v->n++] = *x;
}

void
aggstats_free(struct agg_vals *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/*
 * A value of the slow paths of results, exact as M / 10^SCALE in a big,
 * or (not EXACT) inf, -inf or nan in D.
 */
struct xval {
	struct big m;
	int scale;
	int exact;
	double d;
};

static void
xval_of(struct xval *x, const struct num *n)
{
	x->exact = n->exact;
	x->d = n->d;
	x->scale = n->scale;
	if (n->exact)
		big_from_i128(&x->m, n->mant);
}

/* Raise the exact X and Y to the larger of their scales. */
static void
xval_align(struct xval *x, struct xval *y)
{
	if (x->scale < y->scale)
		big_mul_pow10(&x->m, &x->m, y->scale - x->scale);
	else
		big_mul_pow10(&y->m, &y->m, x->scale - y->scale);
	x->scale = y->scale = x->scale > y->scale ? x->scale : y->scale;
}

/*
 * X's double where X is a special, 0 where it is exact: arithmetic on
 * these gives the IEEE result of the specials (an infinity plus or minus
 * any finite value is that infinity), which is all that is asked of them.
 */
static double
special_or_zero(const struct xval *x)
{
	return x->exact ? 0 : x->d;
}

static size_t
fmt_xval(char *buf, const struct xval *x)
{
	return x->exact ? num_format_big(buf, &x->m, x->scale) :
	    num_format_special(buf, x->d);
}

static int
cmp_num(const void *a, const void *b)
{
	return num_cmp(a, b);
}

static int
cmp_mant(const void *a, const void *b)
{
	const struct num *x = a, *y = b;

	return (x->mant > y->mant) - (x->mant < y->mant);
}

/*
 * Sort the values.  Returns 1 when all are exact and now share one scale
 * (*scale), so they compare and interpolate as integers; 0 otherwise
 * (some may have been raised to the common scale: the same values).
 */
static int
vals_prepare(struct agg_vals *v, int *scale)
{
	size_t i;
	int s = 0, exact = 1;

	for (i = 0; i < v->n; i++) {
		if (!v->v[i].exact)
			exact = 0;
		else if (v->v[i].scale > s)
			s = v->v[i].scale;
	}
	for (i = 0; exact && i < v->n; i++) {
		if (v->v[i].scale != s) {
			if (num_rescale(v->v[i].mant, v->v[i].scale, s,
			    &v->v[i].mant) < 0)
				exact = 0;
			else
				v->v[i].scale = s;
		}
	}
	qsort(v->v, v->n, sizeof *v->v, exact ? cmp_mant : cmp_num);
	*scale = s;
	return exact;
}

/*
 * Quantile PCT/100 of sorted values as datamash (and R's type 7) define it:
 * h = (n-1)p, the value at floor(h) plus the fraction of h times the step
 * to the next.  The index floor(h), and the fraction in hundredths in *F.
 */
static size_t
quantile_pos(const struct agg_vals *v, int pct, int *f)
{
	uint64_t pos = (uint64_t)(v->n - 1) * (uint64_t)pct;

	*f = (int)(pos % 100);
	return (size_t)(pos / 100);
}

/*
 * The fast path, for values at one scale (vals_prepare): *q is the
 * quantile at scale + 2.  Returns -1 when that overflows 128 bits.
 */
static int
quantile_exact(const struct agg_vals *v, int pct, int128 *q)
{
	int f;
	size_t lo = quantile_pos(v, pct, &f);
	int128 a = v->v[lo].mant, step;

	if (i128_mul_overflow(a, 100, q))
		return -1;
	if (f == 0)
		return 0;
	if (__builtin_sub_overflow(v->v[lo + 1].mant, a, &step) ||
	    i128_mul_overflow(step, f, &step) || i128_add_overflow(*q, step, q))
		return -1;
	return 0;
}

/*
 * Any quantile: (1 - f)a + fb for the values a and b around h, exactly as
 * 100a + f(b - a) at two more places, or with IEEE arithmetic when one is
 * a special (so -inf and a number give -inf, -inf and inf nan).
 */
static void
quantile_xval(const struct agg_vals *v, int pct, struct xval *q)
{
	struct xval b;
	int f;
	size_t lo = quantile_pos(v, pct, &f);

	xval_of(q, &v->v[lo]);
	if (f == 0)
		return;
	xval_of(&b, &v->v[lo + 1]);
	if (!q->exact || !b.exact) {
		q->d = (1 - f / 100.0) * special_or_zero(q) +
		    f / 100.0 * special_or_zero(&b);
		q->exact = 0;
		return;
	}
	xval_align(q, &b);
	big_sub(&b.m, &b.m, &q->m);
	big_mul_small(&b.m, &b.m, (uint32_t)f);
	big_mul_small(&q->m, &q->m, 100);
	big_add(&q->m, &q->m, &b.m);
	q->scale += 2;
}

size_t
aggstats_quantile(char *buf, struct agg_vals *v, int pct)
{
	struct xval q;
	int scale;
	int128 m;

	if (vals_prepare(v, &scale) && quantile_exact(v, pct, &m) == 0)
		return num_format(buf, m, scale + 2);
	quantile_xval(v, pct, &q);
	return fmt_xval(buf, &q);
}

size_t
aggstats_iqr(char *buf, struct agg_vals *v)
{
	struct xval q1, q3;
	int scale;
	int128 a, b, d;

	if (vals_prepare(v, &scale) && quantile_exact(v, 25, &a) == 0 &&
	    quantile_exact(v, 75, &b) == 0 && !__builtin_sub_overflow(b, a, &d))
		return num_format(buf, d, scale + 2);
	quantile_xval(v, 25, &q1);
	quantile_xval(v, 75, &q3);
	if (!q1.exact || !q3.exact)
		return num_format_special(buf, special_or_zero(&q3) -
		    special_or_zero(&q1));
	xval_align(&q1, &q3);
	big_sub(&q3.m, &q3.m, &q1.m);
	return fmt_xval(buf, &q3);
}

/* The most frequent value; the smallest of equally frequent ones. */
size_t
aggstats_mode(char *buf, struct agg_vals *v)
{
	size_t i, j, best = 0, bestn = 0;
	int scale;

	vals_prepare(v, &scale);
	for (i = 0; i < v->n; i = j) {
		for (j = i + 1; j < v->n && num_cmp(&v->v[i], &v->v[j]) == 0; j++)
			;
		if (j - i > bestn) {
			bestn = j - i;
			best = i;
		}
	}
	return num_format_value(buf, &v->v[best]);
}

/*
 * The variance as the fraction (n*S2 - S1^2) / (n(n-1) * 10^(2*scale)) (or
 * n^2 for the population) of the sums of the values and of their squares
 * at one scale, in bigs: with values below 10^76 at scale 38, S2 < 2^570
 * and n*S2 < 2^634.
 */
static void
var_big(const struct agg_vals *v, int sample, struct big *num, struct big *den)
{
	struct big s1, s2, x, t;
	size_t i;
	int s = 0;

	for (i = 0; i < v->n; i++)
		if (v->v[i].scale > s)
			s = v->v[i].scale;
	big_from_u64(&s1, 0);
	big_from_u64(&s2, 0);
	for (i = 0; i < v->n; i++) {
		num_to_big(&x, &v->v[i], s);
		big_add(&s1, &s1, &x);
		big_mul(&t, &x, &x);
		big_add(&s2, &s2, &t);
	}
	big_from_u64(&t, v->n);
	big_mul(num, &t, &s2);
	big_mul(&s1, &s1, &s1);
	big_sub(num, num, &s1);
	big_from_u64(den, sample ? v->n - 1 : v->n);
	big_mul(den, den, &t);
	big_mul_pow10(den, den, 2 * s);
}

/*
 * Variance and standard deviation, exact: the fraction in 128 bits when
 * it fits (the common case), else in bigs; the deviation is its square
 * root, exact when that ends, else correctly rounded.  A special among
 * the values makes both nan (as the two-pass formula does in IEEE
 * arithmetic); so does a sample of one, as datamash prints it.
 */
size_t
aggstats_var(char *buf, struct agg_vals *v, int sample, int root)
{
	int128 s1 = 0, s2 = 0, sq, num, den, n = (int128)v->n;
	struct big bnum, bden;
	size_t i;
	int scale, exact;

	for (i = 0; i < v->n; i++)
		if (!v->v[i].exact)
			return num_format_special(buf, NAN);
	if (v->n < 2)
		return sample ? num_format_special(buf, NAN) : num_format(buf, 0, 0);
	exact = vals_prepare(v, &scale) && 2 * scale <= NUM_MAX_DIGITS;
	for (i = 0; exact && i < v->n; i++)
		if (i128_add_overflow(s1, v->v[i].mant, &s1) ||
		    i128_mul_overflow(v->v[i].mant, v->v[i].mant, &sq) ||
		    i128_add_overflow(s2, sq, &s2))
			exact = 0;
	if (exact && !i128_mul_overflow(n, s2, &num) &&
	    !i128_mul_overflow(s1, s1, &sq) && !__builtin_sub_overflow(num, sq, &num) &&
	    !i128_mul_overflow(n, sample ? n - 1 : n, &den) &&
	    !i128_mul_overflow(den, pow10_i128(2 * scale), &den)) {
		if (!root)
			return num_format_frac(buf, num, den);
		big_from_i128(&bnum, num);
		big_from_i128(&bden, den);
	} else {
		var_big(v, sample, &bnum, &bden);
		if (!root)
			return num_format_ratio(buf, &bnum, &bden);
	}
	return num_format_sqrt(buf, &bnum, &bden);
}
