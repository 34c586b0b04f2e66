/*
 * agg: the aggregate operations of mr-reduce, over the values of one key.
 *
 * An agg_spec lists the operations (count, sum:2, p99:1, ...) and lays out
 * one state block per key: a record count, then the state each operation
 * needs, shared between operations on the same field (sum:2 and mean:2 keep
 * one exact sum).  A zero-filled block is an empty state, so blocks can
 * live in a hash table's arena.  Per record: agg_read splits the value into
 * the fields the operations read and parses the numeric ones (once per
 * field), then agg_add updates a state.
 *
 * The state of each kind lives in a module of its own: lib/aggsum (sums
 * and means), lib/aggstats (every value: quantiles, mode, variance),
 * lib/aggtext (texts: unique, collapse); min, max, first and last are
 * kept here.
 *
 * Every result is exact: numbers parse exactly (lib/num: up to 38 digits,
 * exponent forms included), sums add in 64-bit scaled integers, then 128
 * bits, then bigs (lib/bigint), so they never overflow; quantiles
 * interpolate exactly; a mean, a variance or a deviation is an exact
 * fraction (or its root) printed exactly when its decimal expansion ends,
 * else correctly rounded to 17 digits (num_format_ratio).  inf and nan
 * follow IEEE arithmetic: a sum of inf and -inf is nan, min and max order
 * -inf < numbers < inf < nan.
 */
#ifndef MR_AGG_H
#define MR_AGG_H

#include <stddef.h>
#include <stdint.h>

#include "num.h"
#include "out.h"
#include "record.h"

enum agg_kind {
	AGG_COUNT, AGG_SUM, AGG_MIN, AGG_MAX, AGG_RANGE, AGG_MEAN,
	AGG_MEDIAN, AGG_Q1, AGG_Q3, AGG_IQR, AGG_PCT, AGG_MODE,
	AGG_FIRST, AGG_LAST, AGG_UNIQUE, AGG_COUNTUNIQUE, AGG_COLLAPSE,
	AGG_SSTDEV, AGG_PSTDEV, AGG_SVAR, AGG_PVAR
};

struct agg_op {
	enum agg_kind kind;
	int field;		/* 1-based field of the value */
	int pct;		/* AGG_PCT: 0..100 */
	int fi;			/* index into the spec's distinct fields */
	size_t off;		/* offset of its state in a block */
};

/* What one distinct field keeps: a set of AGGF_ bits. */
enum {
	AGGF_NUM = 1,		/* parsed as a number */
	AGGF_SUM = 2,
	AGGF_MINMAX = 4,
	AGGF_VALS = 8,		/* every value, for quantiles and variance */
	AGGF_STRS = 16,		/* every value as text */
	AGGF_FIRST = 32,
	AGGF_LAST = 64,
};

struct agg_field {
	int field;		/* 1-based field number */
	int flags;
	size_t sum_off, minmax_off, vals_off, strs_off, first_off, last_off;
};

struct agg_spec {
	struct agg_op *ops;
	int nops;
	struct agg_field *fields;	/* ascending field numbers */
	int nfields;
	size_t size;		/* bytes of one state block (a multiple of 8) */
	int has_lists;		/* states keep lists of values */
	int sums_only;		/* every field keeps only a sum: agg_add's fast path */
	int all_numeric;	/* every result is a number: agg_format_results */
};

/* One record's fields, indexed like spec->fields. */
struct agg_input {
	struct slice *text;
	struct num *num;
};

/*
 * agg_parse_op: "sum", "sum:2", "p99:3", ... into *op.  Returns 0, or -1
 * for an unknown operation or a bad field.
 */
int agg_parse_op(const char *arg, struct agg_op *op);

/* agg_numeric: 1 when the operation's result is a number. */
int agg_numeric(enum agg_kind kind);

/* agg_spec_init: lay out the state of OPS[0..N) (kept, not copied). */
void agg_spec_init(struct agg_spec *s, struct agg_op *ops, int n);
void agg_input_init(const struct agg_spec *s, struct agg_input *in);
void agg_input_free(struct agg_input *in);

enum { AGG_OK = 0, AGG_MISSING = 1, AGG_NOT_A_NUMBER = 2, AGG_TOO_LONG = 3 };

/*
 * agg_read: split VALUE at SEP into the fields the operations read and
 * parse the numeric ones into IN.  Returns AGG_OK, or AGG_MISSING,
 * AGG_NOT_A_NUMBER or AGG_TOO_LONG (a number beyond the 38 digits of
 * lib/num) with the field's index in *bad (IN->text[*bad] is the bad
 * text).
 */
int agg_read(const struct agg_spec *s, struct slice value, char sep,
    struct agg_input *in, int *bad);

/* agg_bad_value: what is wrong with a value agg_read rejected, as words. */
const char *agg_bad_value(int result);

/* agg_add: add one record's fields to STATE (nothing can overflow). */
void agg_add(const struct agg_spec *s, void *state, const struct agg_input *in);

/*
 * The fast path of specs that only sum (count, sum, mean on up to
 * AGG_FAST_FIELDS fields, sums_only): agg_parse_sums reads the fields of
 * VALUE as plain numbers (num_parse_plain) into F, agg_add_sums adds F to
 * STATE when every sum is a 64-bit integer at the value's scale and none
 * overflows.  Each returns 1, or 0 with nothing done when anything is
 * unusual; the caller then takes agg_read and agg_add, which give the same
 * result (or the error).  A third of the work of agg_read and agg_add.
 */
#define AGG_FAST_FIELDS 8

struct agg_fast {
	int64_t mant[AGG_FAST_FIELDS];
	int scale[AGG_FAST_FIELDS];
};

int agg_parse_sums(const struct agg_spec *s, struct slice value, char sep,
    struct agg_fast *f);
int agg_add_sums(const struct agg_spec *s, void *state,
    const struct agg_fast *f);

/* agg_count: the records added to STATE. */
static inline uint64_t
agg_count(const void *state)
{
	return *(const uint64_t *)state;
}

/*
 * agg_write: the result of operation OP over STATE, onto O.  May reorder
 * the values STATE keeps (it sorts them), never changes the result.
 */
void agg_write(const struct agg_spec *s, void *state, int op, struct out *o);

/*
 * agg_format_num: the result of a numeric operation (agg_numeric) into BUF
 * of NUM_FMT_MAX bytes; returns its length.
 */
size_t agg_format_num(const struct agg_spec *s, void *state, int op,
    char *buf);

/*
 * agg_format_results: for a spec whose every result is a number
 * (all_numeric), every result over STATE, each led by SEP, into BUF of
 * s->nops * AGG_RESULT_MAX bytes; returns the length.  What agg_write
 * writes, op after op, in one call: a line of output costs no call per
 * result.
 */
#define AGG_RESULT_MAX (NUM_FMT_MAX + 1)
size_t agg_format_results(const struct agg_spec *s, void *state, char sep,
    char *buf);

/* agg_reset: empty STATE, keeping its buffers for the next key. */
void agg_reset(const struct agg_spec *s, void *state);
/*
 * agg_owns_memory: whether any state may own memory, so that agg_free is
 * needed (value lists; a sum that outgrew 64 bits).  Call it when no
 * thread adds to states any more.
 */
int agg_owns_memory(const struct agg_spec *s);
/* agg_free: release what STATE owns (it is then empty). */
void agg_free(const struct agg_spec *s, void *state);

#endif
