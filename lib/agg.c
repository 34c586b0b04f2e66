/* agg: aggregate operations over the values of one key (see agg.h). */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "aggstats.h"
#include "aggsum.h"
#include "aggtext.h"
#include "buf.h"
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
	for (j = 0; j < s->nfields; j++) {
		af = &s->fields[j];
		if (af->flags & AGGF_SUM)
			af->sum_off = take(&s->size, sizeof(int64_t));
		if (af->flags & AGGF_MINMAX)
			af->minmax_off = take(&s->size, sizeof(struct agg_minmax));
		if (af->flags & AGGF_VALS)
			af->vals_off = take(&s->size, sizeof(struct agg_vals));
		if (af->flags & AGGF_STRS)
			af->strs_off = take(&s->size, sizeof(struct agg_strs));
		if (af->flags & AGGF_FIRST)
			af->first_off = take(&s->size, sizeof(struct buf));
		if (af->flags & AGGF_LAST)
			af->last_off = take(&s->size, sizeof(struct buf));
		if (af->flags & (AGGF_VALS | AGGF_STRS | AGGF_FIRST | AGGF_LAST))
			s->has_lists = 1;
	}
	s->sums_only = 1;
	for (j = 0; j < s->nfields; j++)
		if (s->fields[j].flags != (AGGF_NUM | AGGF_SUM))
			s->sums_only = 0;
	s->all_numeric = 1;
	for (i = 0; i < n; i++) {
		if (!agg_numeric(ops[i].kind))
			s->all_numeric = 0;
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
	int fi;

	if (*(uint64_t *)state == 0) {
		/* A new key (most of them, with many keys): the first values
		 * are the sums, at their own scales. */
		for (fi = 0; fi < s->nfields; fi++)
			if (aggsum_scale(*aggsum_at(b, &s->fields[fi])) ==
			    AGGSUM_WIDE ||
			    !aggsum_word(f->mant[fi], f->scale[fi], &sum[fi]))
				return 0;
	} else {
		/* A wide sum's scale is none (AGGSUM_WIDE > NUM_MAX_DIGITS). */
		for (fi = 0; fi < s->nfields; fi++) {
			sum[fi] = *aggsum_at(b, &s->fields[fi]);
			if (!aggsum_add_int(&sum[fi], f->mant[fi], f->scale[fi]))
				return 0;
		}
	}
	for (fi = 0; fi < s->nfields; fi++)
		*aggsum_at(b, &s->fields[fi]) = sum[fi];
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
			aggsum_add(b, &s->fields[fi], &in->num[fi]);
		(*count)++;
		return;
	}
	for (fi = 0; fi < s->nfields; fi++) {
		const struct agg_field *af = &s->fields[fi];
		const struct num *x = &in->num[fi];

		if (af->flags & AGGF_SUM)
			aggsum_add(b, af, x);
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
		if (af->flags & AGGF_VALS)
			aggstats_add((struct agg_vals *)(b + af->vals_off), x);
		if (af->flags & AGGF_STRS)
			aggtext_add((struct agg_strs *)(b + af->strs_off), in->text[fi]);
		if ((af->flags & AGGF_FIRST) && *count == 0)
			buf_set((struct buf *)(b + af->first_off), in->text[fi].p,
			    in->text[fi].len);
		if (af->flags & AGGF_LAST)
			buf_set((struct buf *)(b + af->last_off), in->text[fi].p,
			    in->text[fi].len);
	}
	(*count)++;
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

	switch (o->kind) {
	case AGG_COUNT:
		return num_format(buf, (int128)count, 0);
	case AGG_SUM:
		return aggsum_format(buf, b, af);
	case AGG_MEAN:
		return aggsum_format_mean(buf, b, af, count);
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
		return num_format_special(buf, (hi.exact ? 0 : hi.d) -
		    (lo.exact ? 0 : lo.d));
	case AGG_COUNTUNIQUE:
		return num_format(buf, (int128)aggtext_count_unique(
		    (struct agg_strs *)(b + af->strs_off)), 0);
	default:
		break;
	}
	v = (struct agg_vals *)(b + af->vals_off);
	switch (o->kind) {
	case AGG_MEDIAN:
		return aggstats_quantile(buf, v, 50);
	case AGG_Q1:
		return aggstats_quantile(buf, v, 25);
	case AGG_Q3:
		return aggstats_quantile(buf, v, 75);
	case AGG_PCT:
		return aggstats_quantile(buf, v, o->pct);
	case AGG_IQR:
		return aggstats_iqr(buf, v);
	case AGG_MODE:
		return aggstats_mode(buf, v);
	case AGG_SSTDEV:
		return aggstats_var(buf, v, 1, 1);
	case AGG_PSTDEV:
		return aggstats_var(buf, v, 0, 1);
	case AGG_SVAR:
		return aggstats_var(buf, v, 1, 0);
	case AGG_PVAR:
		return aggstats_var(buf, v, 0, 0);
	default:
		buf[0] = '\0';
		return 0;
	}
}

void
agg_write(const struct agg_spec *s, void *state, int op, struct out *o)
{
	const struct agg_op *ap = &s->ops[op];
	const struct agg_field *af = ap->fi >= 0 ? &s->fields[ap->fi] : NULL;
	char *b = state, *p;
	const struct buf *str;

	switch (ap->kind) {
	case AGG_FIRST:
	case AGG_LAST:
		str = (const struct buf *)(b + (ap->kind == AGG_FIRST ?
		    af->first_off : af->last_off));
		if (str->len > 0)	/* str->p is NULL if every value was empty */
			out_write(o, str->p, str->len);
		return;
	case AGG_UNIQUE:
	case AGG_COLLAPSE:
		aggtext_write(o, (struct agg_strs *)(b + af->strs_off),
		    ap->kind == AGG_UNIQUE);
		return;
	default:
		p = out_reserve(o, NUM_FMT_MAX);
		o->len += agg_format_num(s, state, op, p);
		return;
	}
}

size_t
agg_format_results(const struct agg_spec *s, void *state, char sep, char *buf)
{
	const struct agg_op *o;
	char *p = buf;
	int64_t word;
	int i;

	for (i = 0; i < s->nops; i++) {
		o = &s->ops[i];
		*p++ = sep;
		/* A sum, or the mean of one value, that fits its word: the
		 * mantissa at its scale (most keys, with many keys). */
		if (o->kind == AGG_SUM || (o->kind == AGG_MEAN &&
		    agg_count(state) == 1)) {
			word = *aggsum_at(state, &s->fields[o->fi]);
			if (aggsum_scale(word) != AGGSUM_WIDE) {
				p += num_format(p, aggsum_mant(word),
				    aggsum_scale(word));
				continue;
			}
		}
		p += agg_format_num(s, state, i, p);
	}
	return (size_t)(p - buf);
}

int
agg_owns_memory(const struct agg_spec *s)
{
	return s->has_lists || aggsum_widened();
}

void
agg_reset(const struct agg_spec *s, void *state)
{
	char *b = state;
	int fi;

	*(uint64_t *)state = 0;
	for (fi = 0; fi < s->nfields; fi++) {
		const struct agg_field *af = &s->fields[fi];

		if (af->flags & AGGF_SUM)
			aggsum_reset(b, af);
		if (af->flags & AGGF_VALS)
			((struct agg_vals *)(b + af->vals_off))->n = 0;
		if (af->flags & AGGF_STRS) {
			((struct agg_strs *)(b + af->strs_off))->n = 0;
			((struct agg_strs *)(b + af->strs_off))->b.len = 0;
		}
		if (af->flags & AGGF_FIRST)
			((struct buf *)(b + af->first_off))->len = 0;
		if (af->flags & AGGF_LAST)
			((struct buf *)(b + af->last_off))->len = 0;
	}
}

void
agg_free(const struct agg_spec *s, void *state)
{
	char *b = state;
	int fi;

	for (fi = 0; fi < s->nfields; fi++) {
		const struct agg_field *af = &s->fields[fi];

		if (af->flags & AGGF_SUM)
			aggsum_free(b, af);
		if (af->flags & AGGF_VALS)
			aggstats_free((struct agg_vals *)(b + af->vals_off));
		if (af->flags & AGGF_STRS)
			buf_free(&((struct agg_strs *)(b + af->strs_off))->b);
		if (af->flags & AGGF_FIRST)
			buf_free((struct buf *)(b + af->first_off));
		if (af->flags & AGGF_LAST)
			buf_free((struct buf *)(b + af->last_off));
	}
	memset(state, 0, s->size);
}

