/* Unit tests of lib/agg: parsing operations, adding values, results. */
#include "unit.h"
#include "agg.h"

struct run {
	struct agg_op ops[8];
	struct agg_spec spec;
	struct agg_input in;
	void *state;
};

/* Set up OPS (space-separated) and add each line of VALUES (TAB fields). */
static int
run_ops(struct run *r, const char *ops, const char *values)
{
	char buf[256], *tok, *save = NULL, *p;
	int n = 0, bad;

	snprintf(buf, sizeof buf, "%s", ops);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (agg_parse_op(tok, &r->ops[n++]) < 0)
			return -1;
	agg_spec_init(&r->spec, r->ops, n);
	agg_input_init(&r->spec, &r->in);
	r->state = calloc(1, r->spec.size);
	snprintf(buf, sizeof buf, "%s", values);
	for (tok = strtok_r(buf, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		struct slice v = { tok, strlen(tok) };

		for (p = tok; *p; p++)
			if (*p == ',')
				*p = '\t';
		if ((bad = agg_read(&r->spec, v, '\t', &r->in, &bad)) != AGG_OK)
			return -bad;
		agg_add(&r->spec, r->state, &r->in);
	}
	return 0;
}

static void
done(struct run *r)
{
	agg_free(&r->spec, r->state);
	free(r->state);
	agg_input_free(&r->in);
	free(r->spec.fields);
}

static const char *
result(struct run *r, int op)
{
	static char buf[NUM_FMT_MAX];

	agg_format_num(&r->spec, r->state, op, buf);
	return buf;
}

static void
parses_operation_names(void)
{
	struct agg_op op;

	CHECK(agg_parse_op("sum", &op) == 0 && op.kind == AGG_SUM && op.field == 1);
	CHECK(agg_parse_op("mean:3", &op) == 0 && op.kind == AGG_MEAN && op.field == 3);
	CHECK(agg_parse_op("p99:2", &op) == 0 && op.kind == AGG_PCT && op.pct == 99);
	CHECK(agg_parse_op("p0", &op) == 0 && op.pct == 0);
	CHECK(agg_parse_op("p100", &op) == 0 && op.pct == 100);
	CHECK(agg_parse_op("p101", &op) < 0);
	CHECK(agg_parse_op("p", &op) < 0);
	CHECK(agg_parse_op("sum:0", &op) < 0);
	CHECK(agg_parse_op("sum:", &op) < 0);
	CHECK(agg_parse_op("sum:x", &op) < 0);
	CHECK(agg_parse_op("summ", &op) < 0);
	CHECK(agg_parse_op("countunique", &op) == 0 && op.kind == AGG_COUNTUNIQUE);
}

static void
shared_fields_share_state(void)
{
	struct run r;

	CHECK(run_ops(&r, "sum mean min:2 max:2 count", "1,5\n2,-5\n4,0") == 0);
	CHECK(r.spec.nfields == 2);
	CHECK_STR(result(&r, 0), "7");
	CHECK_STR(result(&r, 1), "2.3333333333333333");
	CHECK_STR(result(&r, 2), "-5");
	CHECK_STR(result(&r, 3), "5");
	CHECK_STR(result(&r, 4), "3");
	done(&r);
}

static void
quantiles_interpolate_exactly(void)
{
	struct run r;

	CHECK(run_ops(&r, "median q1 q3 iqr p99 p0 p100", "4\n1\n3\n2") == 0);
	CHECK_STR(result(&r, 0), "2.5");
	CHECK_STR(result(&r, 1), "1.75");
	CHECK_STR(result(&r, 2), "3.25");
	CHECK_STR(result(&r, 3), "1.5");
	CHECK_STR(result(&r, 4), "3.97");
	CHECK_STR(result(&r, 5), "1");
	CHECK_STR(result(&r, 6), "4");
	done(&r);
	/* 0.1 and 0.2 interpolate without binary rounding. */
	CHECK(run_ops(&r, "median", "0.1\n0.2") == 0);
	CHECK_STR(result(&r, 0), "0.15");
	done(&r);
}

static void
variance_and_mode(void)
{
	struct run r;

	CHECK(run_ops(&r, "pvar svar pstdev sstdev mode", "1\n2\n2\n3\n3\n4") == 0);
	CHECK_STR(result(&r, 0), "0.91666666666666667");
	CHECK_STR(result(&r, 1), "1.1");
	/* sqrt(1.1) = 1.04880884817015154699...: correctly rounded, not
	 * the double's 1.0488088481701516. */
	CHECK_STR(result(&r, 3), "1.0488088481701515");
	CHECK_STR(result(&r, 4), "2");
	done(&r);
	CHECK(run_ops(&r, "sstdev pstdev", "7") == 0);
	CHECK_STR(result(&r, 0), "nan");
	CHECK_STR(result(&r, 1), "0");
	done(&r);
}

static void
bad_and_missing_fields(void)
{
	struct run r;

	CHECK(run_ops(&r, "sum", "1\nx") == -AGG_NOT_A_NUMBER);
	done(&r);
	CHECK(run_ops(&r, "sum:3", "1,2") == -AGG_MISSING);
	done(&r);
	CHECK(run_ops(&r, "max", "1\n1e400") == -AGG_TOO_LONG);
	done(&r);
	CHECK_STR(agg_bad_value(AGG_TOO_LONG), "needs more than 38 digits");
	CHECK_STR(agg_bad_value(AGG_NOT_A_NUMBER), "is not a number");
	/* count reads no field, so nothing can be missing. */
	CHECK(run_ops(&r, "count:5", "1\n2") == 0);
	CHECK_STR(result(&r, 0), "2");
	done(&r);
}

/* The examples of issue 15, each once wrong, and sums past 128 bits. */
static void
sums_cross_64_and_128_bits_exactly(void)
{
	struct run r;

	CHECK(run_ops(&r, "sum", "4611686018427387904\n4611686018427387904") == 0);
	CHECK_STR(result(&r, 0), "9223372036854775808");
	done(&r);
	CHECK(run_ops(&r, "sum mean", "9223372036854775807\n1") == 0);
	CHECK_STR(result(&r, 0), "9223372036854775808");
	CHECK_STR(result(&r, 1), "4611686018427387904");
	done(&r);
	CHECK(run_ops(&r, "sum", "9223372036854775807\n898\n999999999999999997\n"
	    "-4611686018427387901\n-244") == 0);
	CHECK_STR(result(&r, 0), "5611686018427388557");
	done(&r);
	CHECK(run_ops(&r, "sum", "0.9223372036854775807\n0.0000000000000000001") == 0);
	CHECK_STR(result(&r, 0), "0.9223372036854775808");
	done(&r);
	CHECK(run_ops(&r, "mean", "9223372036854775806\n9223372036854775807") == 0);
	CHECK_STR(result(&r, 0), "9223372036854775806.5");
	done(&r);
	CHECK(run_ops(&r, "svar", "9223372036854775808\n9223372036854775809") == 0);
	CHECK_STR(result(&r, 0), "0.5");
	done(&r);
	CHECK(run_ops(&r, "svar", "92233720368547758.08\n92233720368547758.09") == 0);
	CHECK_STR(result(&r, 0), "0.00005");
	done(&r);
	/* Two 38-digit numbers, and scales 0 and 38 in one sum. */
	CHECK(run_ops(&r, "sum mean range", "99999999999999999999999999999999999999\n"
	    "99999999999999999999999999999999999999\n-1e37") == 0);
	CHECK_STR(result(&r, 0), "189999999999999999999999999999999999998");
	CHECK_STR(result(&r, 1), "6.3333333333333333e+37");
	CHECK_STR(result(&r, 2), "109999999999999999999999999999999999999");
	done(&r);
	CHECK(run_ops(&r, "sum median", "10000000000000000000000000000000000000\n"
	    "0.00000000000000000000000000000000000001") == 0);
	CHECK_STR(result(&r, 0),
	    "10000000000000000000000000000000000000.00000000000000000000000000000000000001");
	CHECK_STR(result(&r, 1),
	    "5000000000000000000000000000000000000.000000000000000000000000000000000000005");
	done(&r);
	/* Up past 2^127 and back down: exact all the way. */
	CHECK(run_ops(&r, "sum", "90000000000000000000000000000000000000\n"
	    "90000000000000000000000000000000000000\n"
	    "-90000000000000000000000000000000000000\n"
	    "-90000000000000000000000000000000000000\n1.5") == 0);
	CHECK_STR(result(&r, 0), "1.5");
	done(&r);
}

static void
inf_and_nan_follow_ieee(void)
{
	struct run r;

	CHECK(run_ops(&r, "sum mean min max range median", "1\ninf\n2") == 0);
	CHECK_STR(result(&r, 0), "inf");
	CHECK_STR(result(&r, 1), "inf");
	CHECK_STR(result(&r, 2), "1");
	CHECK_STR(result(&r, 3), "inf");
	CHECK_STR(result(&r, 4), "inf");
	CHECK_STR(result(&r, 5), "2");
	done(&r);
	CHECK(run_ops(&r, "sum min max range q1 svar pvar", "-inf\n5\ninf") == 0);
	CHECK_STR(result(&r, 0), "nan");
	CHECK_STR(result(&r, 1), "-inf");
	CHECK_STR(result(&r, 2), "inf");
	CHECK_STR(result(&r, 3), "inf");
	CHECK_STR(result(&r, 4), "-inf");
	CHECK_STR(result(&r, 5), "nan");
	CHECK_STR(result(&r, 6), "nan");
	done(&r);
	/* nan sorts after every number: it is the max, not the min. */
	CHECK(run_ops(&r, "min max mode median", "nan\n3\nnan\n-1") == 0);
	CHECK_STR(result(&r, 0), "-1");
	CHECK_STR(result(&r, 1), "nan");
	CHECK_STR(result(&r, 2), "nan");
	CHECK_STR(result(&r, 3), "nan");
	done(&r);
}

static void
reset_keeps_nothing_of_the_last_key(void)
{
	struct run r;

	CHECK(run_ops(&r, "sum median collapse:1 first last", "5\n6") == 0);
	agg_reset(&r.spec, r.state);
	CHECK(agg_count(r.state) == 0);
	{
		struct slice v = { "1.5", 3 };
		int bad;

		CHECK(agg_read(&r.spec, v, '\t', &r.in, &bad) == AGG_OK);
		agg_add(&r.spec, r.state, &r.in);
	}
	CHECK_STR(result(&r, 0), "1.5");
	CHECK_STR(result(&r, 1), "1.5");
	done(&r);
}

/* A random field: mostly plain numbers of a few scales, sometimes not. */
static int
random_field(char *p)
{
	switch (unit_rand(50)) {
	case 0:
		return sprintf(p, "1e%u", unit_rand(5));	/* an exponent */
	case 1:
		return sprintf(p, "9223372036854775807");	/* 19 digits */
	case 2:
		return sprintf(p, "x%u", unit_rand(9));	/* not a number */
	case 3:
		return 0;				/* empty */
	case 4:
		return sprintf(p, "999999999999999999");	/* past 64 bits soon */
	case 5:		/* past 128 bits soon, at one scale or two */
		return sprintf(p, "%s99999999999999999999999999999999999.9%s",
		    unit_rand(2) ? "-" : "", unit_rand(2) ? "9" : "");
	case 6:
		return sprintf(p, "%s", unit_rand(3) ? "inf" : "nan");
	case 7:
		return sprintf(p, "1e400");		/* too long */
	default:
		return sprintf(p, "%s%u.%0*u", unit_rand(4) ? "" : "-", unit_rand(100000),
		    1 + (int)unit_rand(3) / 2, unit_rand(10));
	}
}

/*
 * The sums-only fast path (agg_parse_sums, agg_add_sums, falling back to
 * agg_read and agg_add as mr-reduce does) ends with the results of the
 * general path alone, over random values: new scales, exponents, sums
 * past 64 and 128 bits, inf and nan, bad and missing fields, skipped
 * fields.
 */
static void
fast_sums_equal_the_general_path(void)
{
	struct agg_op ops[4];
	struct agg_spec spec;
	struct agg_input in;
	struct agg_fast fast;
	char rec[256], a[NUM_FMT_MAX], b[NUM_FMT_MAX];
	void *fs, *gs;
	int i, k, n, bad, same = 1, used = 0, op;

	unit_rng = 11;
	agg_parse_op("count", &ops[0]);
	agg_parse_op("sum:1", &ops[1]);
	agg_parse_op("mean:3", &ops[2]);
	agg_parse_op("sum:3", &ops[3]);
	agg_spec_init(&spec, ops, 4);
	CHECK(spec.sums_only);
	agg_input_init(&spec, &in);
	fs = calloc(1, spec.size);
	gs = calloc(1, spec.size);
	for (i = 0; i < 20000; i++) {
		n = 0;
		for (k = 0; k < 3 - (unit_rand(50) == 0); k++) {
			if (k > 0)
				rec[n++] = '\t';
			n += random_field(rec + n);
		}
		struct slice v = { rec, (size_t)n };

		if (agg_parse_sums(&spec, v, '\t', &fast)) {
			used++;
			if (!agg_add_sums(&spec, fs, &fast) &&
			    agg_read(&spec, v, '\t', &in, &bad) == AGG_OK)
				agg_add(&spec, fs, &in);
		} else if (agg_read(&spec, v, '\t', &in, &bad) == AGG_OK) {
			agg_add(&spec, fs, &in);
		}
		if (agg_read(&spec, v, '\t', &in, &bad) == AGG_OK)
			agg_add(&spec, gs, &in);
		if (agg_count(fs) != agg_count(gs))
			same = 0;
		for (op = 0; agg_count(gs) > 0 && op < 4; op++) {
			agg_format_num(&spec, fs, op, a);
			agg_format_num(&spec, gs, op, b);
			if (strcmp(a, b) != 0)
				same = 0;
		}
		if (i % 500 == 0) {	/* a new key now and then */
			agg_reset(&spec, fs);
			agg_reset(&spec, gs);
		}
	}
	CHECK(same);
	CHECK(used > 10000);
	agg_free(&spec, fs);
	agg_free(&spec, gs);
	free(fs);
	free(gs);
	agg_input_free(&in);
	free(spec.fields);
}

/*
 * agg_format_results against agg_format_num op by op, over values that
 * keep a sum in its word, widen it past 64 bits, make it inf, and leave a
 * mean of one value, of several, exact and rounded.
 */
static void
results_line_equals_each_result(void)
{
	static const char *const values[] = {
		"7", "2.5", "-0.125", "1\n2", "1\n2\n4", "0.1\n0.2\n0.4",
		"17014118346046923173168730371588410572\n1", "9223372036854775807\n1",
		"inf\n1", "-3.000\n1.5\n2", "0",
	};
	char line[8 * AGG_RESULT_MAX], want[8 * AGG_RESULT_MAX];
	size_t i, n, len;
	struct run r;
	int op;

	for (i = 0; i < sizeof values / sizeof values[0]; i++) {
		memset(&r, 0, sizeof r);
		CHECK(run_ops(&r, "sum mean count sum mean:1 pvar", values[i]) == 0);
		CHECK(r.spec.all_numeric);
		len = agg_format_results(&r.spec, r.state, ',', line);
		for (op = 0, n = 0; op < r.spec.nops; op++) {
			want[n++] = ',';
			n += agg_format_num(&r.spec, r.state, op, want + n);
		}
		CHECK(len == n && memcmp(line, want, n) == 0);
		done(&r);
	}
	memset(&r, 0, sizeof r);
	CHECK(run_ops(&r, "sum first", "1") == 0);
	CHECK(!r.spec.all_numeric);
	done(&r);
}

int
main(void)
{
	unit_module = "agg";
	RUN(parses_operation_names);
	RUN(shared_fields_share_state);
	RUN(quantiles_interpolate_exactly);
	RUN(variance_and_mode);
	RUN(bad_and_missing_fields);
	RUN(sums_cross_64_and_128_bits_exactly);
	RUN(inf_and_nan_follow_ieee);
	RUN(reset_keeps_nothing_of_the_last_key);
	RUN(fast_sums_equal_the_general_path);
	RUN(results_line_equals_each_result);
	return unit_done();
}
