/* agg: aggregate operations over the values of one key (see agg.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "kv.h"
#include "xalloc.h"

/* An int128 kept as two words, so state blocks need only 8-byte alignment. */
static inline int128
get128(const uint64_t m[2])
{
	int128 v;

	memcpy(&v, m, sizeof v);
	return v;
}

static inline void
put128(uint64_t m[2], int128 v)
{
	memcpy(m, &v, sizeof v);
}

/*
 * A sum: an int64 scaled integer while it fits (the common case, 8 bytes
 * per key and a byte of tag, its scale, among the block's tags), else a
 * wide state allocated for the key, whose pointer then takes the
 * integer's place and whose tag is SUM_WIDE: 128 bits, then a struct big
 * once those are too few (at most 38 + 38 digits per value, at one scale,
 * times 2^64 records: 317 bits), and which of inf, -inf and nan were
 * added.  The tags sit together after the count: a key's block with two
 * sums is 32 bytes, not 40.
 */
struct agg_wide {
	int128 mant;		/* the exact sum at scale, while big is NULL */
	struct big *big;	/* the exact sum at scale */
	int scale;
	int specials;		/* SPECIAL_ bits */
};

enum { SPECIAL_INF = 1, SPECIAL_NEG_INF = 2, SPECIAL_NAN = 4 };

/*
 * Whether a wide state was ever allocated, for agg_owns_memory: set by
 * any thread that widens a sum (hence atomic), read after they are done.
 */
static int wide_sums;

union agg_sum {
	int64_t mant;		/* tag: the scale, 0..NUM_MAX_DIGITS */
	struct agg_wide *w;	/* tag: SUM_WIDE */
};

#define SUM_WIDE 255

/* The sum of field AF in block B, and its tag. */
static inline union agg_sum *
sum_at(char *b, const struct agg_field *af)
{
	return (union agg_sum *)(b + af->sum_off);
}

static inline unsigned char *
tag_at(char *b, const struct agg_field *af)
{
	return (unsigned char *)b + af->sum_tag_off;
}

/* A struct num without the 16-byte alignment. */
struct pnum {
	uint64_t mant[2];
	double d;
	int32_t scale;
	int32_t exact;
};

struct agg_minmax {
	struct pnum min, max;
};

struct agg_vals {
	struct num *v;
	size_t n, cap;
};

/* Every value's text: a uint32 length then the bytes, one after another. */
struct agg_strs {
	char *buf;
	size_t len, cap, n;
};

struct agg_str {
	char *p;
	size_t len, cap;
};

static const struct {
	const char *name;
	enum agg_kind kind;
} op_names[] = {
	{ "count", AGG_COUNT }, { "sum", AGG_SUM }, { "min", AGG_MIN },
	{ "max", AGG_MAX }, { "range", AGG_RANGE }, { "mean", AGG_MEAN },
	{ "median", AGG_MEDIAN }, { "q1", AGG_Q1 }, { "q3", AGG_Q3 },
	{ "iqr", AGG_IQR }, { "mode", AGG_MODE }, { "first", AGG_FIRST },
	{ "last", AGG_LAST }, { "unique", AGG_UNIQUE },
	{ "countunique", AGG_COUNTUNIQUE }, { "collapse", AGG_COLLAPSE },
	{ "sstdev", AGG_SSTDEV }, { "pstdev", AGG_PSTDEV },
	{ "svar", AGG_SVAR }, { "pvar", AGG_PVAR },
};

static int
parse_small(const char *s, size_t len, int max)
{
	int v = 0;
	size_t i;

	if (len == 0 || len > 9)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v > max ? -1 : v;
}

int
agg_parse_op(const char *arg, struct agg_op *op)
{
	const char *colon = strchr(arg, ':');
	size_t nlen = colon ? (size_t)(colon - arg) : strlen(arg), i;

	memset(op, 0, sizeof *op);
	op->field = 1;
	if (colon != NULL) {
		op->field = parse_small(colon + 1, strlen(colon + 1), 1000000);
		if (op->field < 1)
			return -1;
	}
	for (i = 0; i < sizeof op_names / sizeof op_names[0]; i++) {
		if (strlen(op_names[i].name) == nlen &&
		    memcmp(op_names[i].name, arg, nlen) == 0) {
			op->kind = op_names[i].kind;
			return 0;
		}
	}
	/* pNN: a percentile, 0 to 100. */
	if (nlen >= 2 && arg[0] == 'p' &&
	    (op->pct = parse_small(arg + 1, nlen - 1, 100)) >= 0) {
		op->kind = AGG_PCT;
		return 0;
	}
	return -1;
}

int
agg_numeric(enum agg_kind kind)
{
	return kind != AGG_FIRST && kind != AGG_LAST && kind != AGG_UNIQUE &&
	    kind != AGG_COLLAPSE;
}

/* The AGGF_ bits an operation needs of its field. */
static int
op_flags(enum agg_kind k)
{
	switch (k) {
	case AGG_COUNT:
		return 0;
	case AGG_SUM:
	case AGG_MEAN:
		return AGGF_NUM | AGGF_SUM;
	case AGG_MIN:
	case AGG_MAX:
	case AGG_RANGE:
		return AGGF_NUM | AGGF_MINMAX;
	case AGG_FIRST:
		return AGGF_FIRST;
	case AGG_LAST:
		return AGGF_LAST;
	case AGG_UNIQUE:
	case AGG_COUNTUNIQUE:
	case AGG_COLLAPSE:
		return AGGF_STRS;
	default:
		return AGGF_NUM | AGGF_VALS;
	}
}

static size_t
take(size_t *size, size_t n)
{
	size_t off = *size;

	*size += (n + 7) & ~(size_t)7;
	return off;
}

void
agg_spec_init(struct agg_spec *s, struct agg_op *ops, int n)
{
	int i, j, f;
	size_t ntags = 0;
	struct agg_field *af, t;

	memset(s, 0, sizeof *s);
	s->ops = ops;
	s->nops = n;
	s->fields = xreallocarray(NULL, (size_t)n + 1, sizeof *s->fields);
	for (i = 0; i < n; i++) {
		f = op_flags(ops[i].kind);
		if (f == 0)
			continue;
		for (j = 0; j < s->nfields; j++)
			if (s->fields[j].field == ops[i].field)
				break;
		if (j == s->nfields) {
			memset(&s->fields[j], 0, sizeof s->fields[j]);
			s->fields[j].field = ops[i].field;
			s->nfields++;
		}
		s->fields[j].flags |= f;
	}
	/* Ascending field numbers: agg_read walks the value once. */
	for (i = 1; i < s->nfields; i++)
		for (j = i; j > 0 && s->fields[j - 1].field > s->fields[j].field; j--) {
			t = s->fields[j];
			s->fields[j] = s->fields[j - 1];
			s->fields[j - 1] = t;
		}
	s->size = sizeof(uint64_t);
	/* The sums' tags, a byte each, after the count. */
	for (j = 0; j < s->nfields; j++)
		if (s->fields[j].flags & AGGF_SUM)
			s->fields[j].sum_tag_off = s->size + ntags++;
	take(&s->size, ntags);
	for (j = 0; j < s->nfields; j++) {
		af = &s->fields[j];
		if (af->flags & AGGF_SUM)
			af->sum_off = take(&s->size, sizeof(union agg_sum));
		if (af->flags & AGGF_MINMAX)
			af->minmax_off = take(&s->size, sizeof(struct agg_minmax));
		if (af->flags & AGGF_VALS)
			af->vals_off = take(&s->size, sizeof(struct agg_vals));
		if (af->flags & AGGF_STRS)
			af->strs_off = take(&s->size, sizeof(struct agg_strs));
		if (af->flags & AGGF_FIRST)
			af->first_off = take(&s->size, sizeof(struct agg_str));
		if (af->flags & AGGF_LAST)
			af->last_off = take(&s->size, sizeof(struct agg_str));
		if (af->flags & (AGGF_VALS | AGGF_STRS | AGGF_FIRST | AGGF_LAST))
			s->has_lists = 1;
	}
	s->sums_only = 1;
	for (j = 0; j < s->nfields; j++)
		if (s->fields[j].flags != (AGGF_NUM | AGGF_SUM))
			s->sums_only = 0;
	for (i = 0; i < n; i++) {
		ops[i].fi = -1;
		for (j = 0; j < s->nfields; j++)
			if (s->fields[j].field == ops[i].field)
				ops[i].fi = j;
	}
}

void
agg_input_init(const struct agg_spec *s, struct agg_input *in)
{
	size_t n = s->nfields ? (size_t)s->nfields : 1;

	/* Written for every record, by each thread its own: own lines. */
	in->text = xcalloc_line(n * sizeof *in->text);
	in->num = xcalloc_line(n * sizeof *in->num);
}

void
agg_input_free(struct agg_input *in)
{
	free(in->text);
	free(in->num);
}

/*
 * The first SEP in [P, END), or NULL.  Fields are short: a plain loop
 * beats a call to memchr for the first bytes.
 */
static inline char *
find_sep(char *p, char *end, char sep)
{
	char *stop = end - p > 32 ? p + 32 : end;

	for (; p < stop; p++)
		if (*p == sep)
			return p;
	return p < end ? memchr(p, sep, (size_t)(end - p)) : NULL;
}

/* Whether SEP can occur inside a plain number (and so splits one). */
static inline int
sep_in_numbers(char sep)
{
	return (unsigned)(sep - '0') <= 9 || sep == '-' || sep == '.';
}

int
agg_read(const struct agg_spec *s, struct slice value, char sep,
    struct agg_input *in, int *bad)
{
	char *p = value.p, *end = value.p + value.len, *q;
	int fi, idx = 1, r;
	int fuse = !sep_in_numbers(sep);

	for (fi = 0; fi < s->nfields; fi++) {
		const struct agg_field *af = &s->fields[fi];

		while (idx < af->field) {
			q = find_sep(p, end, sep);
			if (q == NULL) {
				in->text[fi].p = end;
				in->text[fi].len = 0;
				*bad = fi;
				return AGG_MISSING;
			}
			p = q + 1;
			idx++;
		}
		if ((af->flags & AGGF_NUM) && fuse &&
		    (q = (char *)num_parse_plain(p, end, (unsigned char)sep,
		    &in->num[fi])) != NULL) {
			in->text[fi].p = p;
			in->text[fi].len = (size_t)(q - p);
		} else {
			q = find_sep(p, end, sep);
			if (q == NULL)
				q = end;
			in->text[fi].p = p;
			in->text[fi].len = (size_t)(q - p);
			if ((af->flags & AGGF_NUM) && (r = num_parse(p,
			    in->text[fi].len, &in->num[fi])) != NUM_OK) {
				*bad = fi;
				return r == NUM_TOO_LONG ? AGG_TOO_LONG :
				    AGG_NOT_A_NUMBER;
			}
		}
		if (q == end) {
			/* The last field: any later one is missing. */
			if (fi + 1 < s->nfields) {
				in->text[fi + 1].p = end;
				in->text[fi + 1].len = 0;
				*bad = fi + 1;
				return AGG_MISSING;
			}
			break;
		}
		p = q + 1;
		idx++;
	}
	return AGG_OK;
}

const char *
agg_bad_value(int result)
{
	return result == AGG_TOO_LONG ? "needs more than 38 digits" :
	    "is not a number";
}

static int
special_bit(const struct num *x)
{
	return isnan(x->d) ? SPECIAL_NAN : x->d < 0 ? SPECIAL_NEG_INF : SPECIAL_INF;
}

static void
wide_add(struct agg_wide *w, const struct num *x)
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

/* The slow path of sum_add: a new scale, inf or nan, or 64 bits too few. */
static void
sum_add_slow(union agg_sum *s, unsigned char *tag, const struct num *x)
{
	int128 m = s->mant, v = x->mant;
	int sc = *tag;
	struct agg_wide *w;

	if (*tag != SUM_WIDE && x->exact) {
		if (x->scale > sc) {
			if (num_rescale(m, sc, x->scale, &m) < 0)
				goto widen;
			sc = x->scale;
		} else if (num_rescale(v, x->scale, sc, &v) < 0) {
			goto widen;
		}
		if (!i128_add_overflow(m, v, &m) && m >= INT64_MIN &&
		    m <= INT64_MAX) {
			s->mant = (int64_t)m;
			*tag = (unsigned char)sc;
			return;
		}
	}
widen:
	if (*tag != SUM_WIDE) {
		w = xcalloc(1, sizeof *w);
		if (!__atomic_load_n(&wide_sums, __ATOMIC_RELAXED))
			__atomic_store_n(&wide_sums, 1, __ATOMIC_RELAXED);
		w->mant = s->mant;
		w->scale = *tag;
		s->w = w;
		*tag = SUM_WIDE;
	}
	wide_add(s->w, x);
}

/* Add X to the sum of field AF in block B. */
static inline void
sum_add(char *b, const struct agg_field *af, const struct num *x)
{
	union agg_sum *s = sum_at(b, af);
	unsigned char *tag = tag_at(b, af);
	int64_t r;

	if (x->exact && x->scale == *tag &&
	    x->mant >= INT64_MIN && x->mant <= INT64_MAX &&
	    !__builtin_add_overflow(s->mant, (int64_t)x->mant, &r)) {
		s->mant = r;
		return;
	}
	sum_add_slow(s, tag, x);
}

static void
pnum_put(struct pnum *p, const struct num *n)
{
	put128(p->mant, n->mant);
	p->d = n->d;
	p->scale = n->scale;
	p->exact = n->exact;
}

static struct num
pnum_get(const struct pnum *p)
{
	struct num n;

	n.mant = get128(p->mant);
	n.d = p->d;
	n.scale = p->scale;
	n.exact = p->exact;
	return n;
}

static void
str_set(struct agg_str *s, struct slice t)
{
	if (s->cap < t.len) {
		s->cap = t.len < 16 ? 16 : t.len;
		s->p = xrealloc(s->p, s->cap);
	}
	if (t.len > 0)		/* s->p is still NULL for an empty first value */
		memcpy(s->p, t.p, t.len);
	s->len = t.len;
}

static void
strs_add(struct agg_strs *s, struct slice t)
{
	uint32_t len = (uint32_t)t.len;

	if (s->cap - s->len < t.len + 4) {
		s->cap = s->cap * 2 > s->len + t.len + 4 ? s->cap * 2 :
		    s->len + t.len + 64;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, &len, 4);
	memcpy(s->buf + s->len + 4, t.p, t.len);
	s->len += t.len + 4;
	s->n++;
}

int
agg_parse_sums(const struct agg_spec *s, struct slice value, char sep,
    struct agg_fast *f)
{
	char *p = value.p, *end = value.p + value.len, *q;
	int fi, idx = 1;
	struct num x;

	if (!s->sums_only || s->nfields > AGG_FAST_FIELDS || sep_in_numbers(sep))
		return 0;
	for (fi = 0; fi < s->nfields; fi++) {
		while (idx < s->fields[fi].field) {
			if ((q = find_sep(p, end, sep)) == NULL)
				return 0;
			p = q + 1;
			idx++;
		}
		q = (char *)num_parse_plain(p, end, (unsigned char)sep, &x);
		if (q == NULL || (q == end && fi + 1 < s->nfields))
			return 0;
		/* num_parse_plain takes at most 18 digits: the low word is it. */
		f->mant[fi] = (int64_t)x.mant;
		f->scale[fi] = x.scale;
		p = q + 1;
		idx++;
	}
	return 1;
}

int
agg_add_sums(const struct agg_spec *s, void *state, const struct agg_fast *f)
{
	char *b = state;
	int64_t sum[AGG_FAST_FIELDS];
	const struct agg_field *af;
	int fi;

	if (*(uint64_t *)state == 0) {
		/* A new key (most of them, with many keys): the first values
		 * are the sums, at their own scales. */
		for (fi = 0; fi < s->nfields; fi++)
			if (*tag_at(b, &s->fields[fi]) == SUM_WIDE)
				return 0;
		for (fi = 0; fi < s->nfields; fi++) {
			af = &s->fields[fi];
			sum_at(b, af)->mant = f->mant[fi];
			*tag_at(b, af) = (unsigned char)f->scale[fi];
		}
		*(uint64_t *)state = 1;
		return 1;
	}
	for (fi = 0; fi < s->nfields; fi++) {
		af = &s->fields[fi];
		/* A wide sum's tag is no scale (SUM_WIDE > NUM_MAX_DIGITS). */
		if (*tag_at(b, af) != f->scale[fi] ||
		    __builtin_add_overflow(sum_at(b, af)->mant, f->mant[fi],
		    &sum[fi]))
			return 0;
	}
	for (fi = 0; fi < s->nfields; fi++)
		sum_at(b, &s->fields[fi])->mant = sum[fi];
	(*(uint64_t *)state)++;
	return 1;
}

void
agg_add(const struct agg_spec *s, void *state, const struct agg_input *in)
{
	char *b = state;
	uint64_t *count = state;
	int fi;

	if (s->sums_only) {
		/* sum and mean (and count): no per-flag tests per field. */
		for (fi = 0; fi < s->nfields; fi++)
			sum_add(b, &s->fields[fi], &in->num[fi]);
		(*count)++;
		return;
	}
	for (fi = 0; fi < s->nfields; fi++) {
		const struct agg_field *af = &s->fields[fi];
		const struct num *x = &in->num[fi];

		if (af->flags & AGGF_SUM)
			sum_add(b, af, x);
		if (af->flags & AGGF_MINMAX) {
			struct agg_minmax *mm = (struct agg_minmax *)(b + af->minmax_off);
			struct num cur;

			if (*count == 0) {
				pnum_put(&mm->min, x);
				pnum_put(&mm->max, x);
			} else {
				cur = pnum_get(&mm->min);
				if (num_cmp(x, &cur) < 0)
					pnum_put(&mm->min, x);
				cur = pnum_get(&mm->max);
				if (num_cmp(x, &cur) > 0)
					pnum_put(&mm->max, x);
			}
		}
		if (af->flags & AGGF_VALS) {
			struct agg_vals *v = (struct agg_vals *)(b + af->vals_off);

			if (v->n == v->cap) {
				v->cap = v->cap ? v->cap * 2 : 8;
				v->v = xreallocarray(v->v, v->cap, sizeof *v->v);
			}
			v->v[v->n++] = *x;
		}
		if (af->flags & AGGF_STRS)
			strs_add((struct agg_strs *)(b + af->strs_off), in->text[fi]);
		if ((af->flags & AGGF_FIRST) && *count == 0)
			str_set((struct agg_str *)(b + af->first_off), in->text[fi]);
		if (af->flags & AGGF_LAST)
			str_set((struct agg_str *)(b + af->last_off), in->text[fi]);
	}
	(*count)++;
}

/* ---- results ---- */

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
fmt_special(char *buf, double d)
{
	struct num n = { .exact = 0, .d = d };

	return num_format_value(buf, &n);
}

static size_t
fmt_xval(char *buf, const struct xval *x)
{
	return x->exact ? num_format_big(buf, &x->m, x->scale) :
	    fmt_special(buf, x->d);
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

static size_t
fmt_sum(char *buf, const union agg_sum *s, int tag)
{
	if (tag != SUM_WIDE)
		return num_format(buf, s->mant, tag);
	if (s->w->specials)
		return fmt_special(buf, specials_value(s->w->specials));
	if (s->w->big == NULL)
		return num_format(buf, s->w->mant, s->w->scale);
	return num_format_big(buf, s->w->big, s->w->scale);
}

/* The mean: the fraction sum / (count * 10^scale). */
static size_t
fmt_mean(char *buf, const union agg_sum *s, int tag, uint64_t count)
{
	const struct agg_wide *w = tag == SUM_WIDE ? s->w : NULL;
	struct big num, den;
	int scale = w ? w->scale : tag;
	int128 d;

	if (w && w->specials)
		return fmt_special(buf, specials_value(w->specials));
	if ((!w || !w->big) &&
	    !i128_mul_overflow((int128)count, pow10_i128(scale), &d))
		return num_format_frac(buf, w ? w->mant : s->mant, d);
	if (w && w->big)
		num = *w->big;
	else
		big_from_i128(&num, w ? w->mant : s->mant);
	big_from_u64(&den, count);
	big_mul_pow10(&den, &den, scale);
	return num_format_ratio(buf, &num, &den);
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

static size_t
fmt_quantile(char *buf, struct agg_vals *v, int pct)
{
	struct xval q;
	int scale;
	int128 m;

	if (vals_prepare(v, &scale) && quantile_exact(v, pct, &m) == 0)
		return num_format(buf, m, scale + 2);
	quantile_xval(v, pct, &q);
	return fmt_xval(buf, &q);
}

static size_t
fmt_iqr(char *buf, struct agg_vals *v)
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
		return fmt_special(buf, special_or_zero(&q3) -
		    special_or_zero(&q1));
	xval_align(&q1, &q3);
	big_sub(&q3.m, &q3.m, &q1.m);
	return fmt_xval(buf, &q3);
}

/* The most frequent value; the smallest of equally frequent ones. */
static size_t
fmt_mode(char *buf, struct agg_vals *v)
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
static size_t
fmt_var(char *buf, struct agg_vals *v, int sample, int root)
{
	int128 s1 = 0, s2 = 0, sq, num, den, n = (int128)v->n;
	struct big bnum, bden;
	size_t i;
	int scale, exact;

	for (i = 0; i < v->n; i++)
		if (!v->v[i].exact)
			return fmt_special(buf, NAN);
	if (v->n < 2)
		return sample ? fmt_special(buf, NAN) : num_format(buf, 0, 0);
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

/* The texts of STRS as slices, in input order, in a new array. */
static struct slice *
strs_slices(const struct agg_strs *s)
{
	struct slice *v = xreallocarray(NULL, s->n ? s->n : 1, sizeof *v);
	size_t i, off = 0;
	uint32_t len;

	for (i = 0; i < s->n; i++) {
		memcpy(&len, s->buf + off, 4);
		v[i].p = s->buf + off + 4;
		v[i].len = len;
		off += 4 + len;
	}
	return v;
}

static int
cmp_slice(const void *a, const void *b)
{
	return slice_cmp(*(const struct slice *)a, *(const struct slice *)b);
}

/* Sort V and drop repeats; the count left. */
static size_t
distinct(struct slice *v, size_t n)
{
	size_t i, k = 0;

	qsort(v, n, sizeof *v, cmp_slice);
	for (i = 0; i < n; i++)
		if (k == 0 || !slice_eq(v[k - 1], v[i]))
			v[k++] = v[i];
	return k;
}

size_t
agg_format_num(const struct agg_spec *s, void *state, int op, char *buf)
{
	const struct agg_op *o = &s->ops[op];
	const struct agg_field *af = o->fi >= 0 ? &s->fields[o->fi] : NULL;
	char *b = state;
	uint64_t count = agg_count(state);
	struct agg_minmax *mm;
	struct agg_vals *v;
	struct num lo, hi;
	int128 a, c;
	size_t n;

	switch (o->kind) {
	case AGG_COUNT:
		return num_format(buf, (int128)count, 0);
	case AGG_SUM:
		return fmt_sum(buf, sum_at(b, af), *tag_at(b, af));
	case AGG_MEAN:
		return fmt_mean(buf, sum_at(b, af), *tag_at(b, af), count);
	case AGG_MIN:
	case AGG_MAX:
		mm = (struct agg_minmax *)(b + af->minmax_off);
		lo = pnum_get(o->kind == AGG_MIN ? &mm->min : &mm->max);
		return num_format_value(buf, &lo);
	case AGG_RANGE:
		mm = (struct agg_minmax *)(b + af->minmax_off);
		lo = pnum_get(&mm->min);
		hi = pnum_get(&mm->max);
		if (lo.exact && hi.exact) {
			int sc = lo.scale > hi.scale ? lo.scale : hi.scale;
			struct big x, y;

			if (num_rescale(lo.mant, lo.scale, sc, &a) == 0 &&
			    num_rescale(hi.mant, hi.scale, sc, &c) == 0 &&
			    !__builtin_sub_overflow(c, a, &c))
				return num_format(buf, c, sc);
			num_to_big(&x, &lo, sc);
			num_to_big(&y, &hi, sc);
			big_sub(&y, &y, &x);
			return num_format_big(buf, &y, sc);
		}
		return fmt_special(buf, (hi.exact ? 0 : hi.d) - (lo.exact ? 0 : lo.d));
	case AGG_COUNTUNIQUE: {
		struct agg_strs *st = (struct agg_strs *)(b + af->strs_off);
		struct slice *sl = strs_slices(st);

		n = distinct(sl, st->n);
		free(sl);
		return num_format(buf, (int128)n, 0);
	}
	default:
		break;
	}
	v = (struct agg_vals *)(b + af->vals_off);
	switch (o->kind) {
	case AGG_MEDIAN:
		return fmt_quantile(buf, v, 50);
	case AGG_Q1:
		return fmt_quantile(buf, v, 25);
	case AGG_Q3:
		return fmt_quantile(buf, v, 75);
	case AGG_PCT:
		return fmt_quantile(buf, v, o->pct);
	case AGG_IQR:
		return fmt_iqr(buf, v);
	case AGG_MODE:
		return fmt_mode(buf, v);
	case AGG_SSTDEV:
		return fmt_var(buf, v, 1, 1);
	case AGG_PSTDEV:
		return fmt_var(buf, v, 0, 1);
	case AGG_SVAR:
		return fmt_var(buf, v, 1, 0);
	case AGG_PVAR:
		return fmt_var(buf, v, 0, 0);
	default:
		buf[0] = '\0';
		return 0;
	}
}

/* Write the slices V[0..N) joined by ','. */
static void
write_joined(struct out *o, const struct slice *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			out_byte(o, ',');
		out_write(o, v[i].p, v[i].len);
	}
}

void
agg_write(const struct agg_spec *s, void *state, int op, struct out *o)
{
	const struct agg_op *ap = &s->ops[op];
	const struct agg_field *af = ap->fi >= 0 ? &s->fields[ap->fi] : NULL;
	char *b = state, *p;
	struct agg_str *str;
	struct agg_strs *st;
	struct slice *sl;
	size_t n;

	switch (ap->kind) {
	case AGG_FIRST:
	case AGG_LAST:
		str = (struct agg_str *)(b + (ap->kind == AGG_FIRST ?
		    af->first_off : af->last_off));
		if (str->len > 0)	/* str->p is NULL if every value was empty */
			out_write(o, str->p, str->len);
		return;
	case AGG_UNIQUE:
	case AGG_COLLAPSE:
		st = (struct agg_strs *)(b + af->strs_off);
		sl = strs_slices(st);
		n = ap->kind == AGG_UNIQUE ? distinct(sl, st->n) : st->n;
		write_joined(o, sl, n);
		free(sl);
		return;
	default:
		p = out_reserve(o, NUM_FMT_MAX);
		o->len += agg_format_num(s, state, op, p);
		return;
	}
}

int
agg_owns_memory(const struct agg_spec *s)
{
	return s->has_lists || __atomic_load_n(&wide_sums, __ATOMIC_RELAXED);
}

void
agg_reset(const struct agg_spec *s, void *state)
{
	char *b = state;
	int fi;

	*(uint64_t *)state = 0;
	for (fi = 0; fi < s->nfields; fi++) {
		const struct agg_field *af = &s->fields[fi];

		if (af->flags & AGGF_SUM) {
			union agg_sum *sum = sum_at(b, af);

			/* A wide sum stays wide, its state kept for reuse. */
			if (*tag_at(b, af) == SUM_WIDE) {
				free(sum->w->big);
				memset(sum->w, 0, sizeof *sum->w);
			} else {
				sum->mant = 0;
				*tag_at(b, af) = 0;
			}
		}
		if (af->flags & AGGF_VALS)
			((struct agg_vals *)(b + af->vals_off))->n = 0;
		if (af->flags & AGGF_STRS) {
			((struct agg_strs *)(b + af->strs_off))->n = 0;
			((struct agg_strs *)(b + af->strs_off))->len = 0;
		}
		if (af->flags & AGGF_FIRST)
			((struct agg_str *)(b + af->first_off))->len = 0;
		if (af->flags & AGGF_LAST)
			((struct agg_str *)(b + af->last_off))->len = 0;
	}
}

void
agg_free(const struct agg_spec *s, void *state)
{
	char *b = state;
	int fi;

	for (fi = 0; fi < s->nfields; fi++) {
		const struct agg_field *af = &s->fields[fi];

		if (af->flags & AGGF_SUM) {
			union agg_sum *sum = sum_at(b, af);

			if (*tag_at(b, af) == SUM_WIDE) {
				free(sum->w->big);
				free(sum->w);
			}
		}
		if (af->flags & AGGF_VALS)
			free(((struct agg_vals *)(b + af->vals_off))->v);
		if (af->flags & AGGF_STRS)
			free(((struct agg_strs *)(b + af->strs_off))->buf);
		if (af->flags & AGGF_FIRST)
			free(((struct agg_str *)(b + af->first_off))->p);
		if (af->flags & AGGF_LAST)
			free(((struct agg_str *)(b + af->last_off))->p);
	}
	memset(state, 0, s->size);
}
