/* Unit tests of lib/aggstats: quantiles, mode and variance, exactly. */
#include "unit.h"
#include "aggstats.h"

/* The values of LIST (space-separated) in V. */
static void
vals(struct agg_vals *v, const char *list)
{
	char buf[256], *tok, *save = NULL;
	struct num x;

	aggstats_free(v);
	snprintf(buf, sizeof buf, "%s", list);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if (num_parse(tok, strlen(tok), &x) != NUM_OK)
			abort();
		aggstats_add(v, &x);
	}
}

static char out[NUM_FMT_MAX];

static void
quantiles_interpolate_as_datamash(void)
{
	struct agg_vals v = { 0 };

	vals(&v, "4 1 3 2");
	aggstats_quantile(out, &v, 50);
	CHECK_STR(out, "2.5");
	aggstats_quantile(out, &v, 25);
	CHECK_STR(out, "1.75");
	aggstats_quantile(out, &v, 0);
	CHECK_STR(out, "1");
	aggstats_quantile(out, &v, 100);
	CHECK_STR(out, "4");
	aggstats_iqr(out, &v);
	CHECK_STR(out, "1.5");
	/* Scales mixed, and beyond 64 bits. */
	vals(&v, "0.1 99999999999999999999 0.25");
	aggstats_quantile(out, &v, 50);
	CHECK_STR(out, "0.25");
	aggstats_quantile(out, &v, 75);
	CHECK_STR(out, "49999999999999999999.625");
	aggstats_free(&v);
}

static void
mode_is_the_smallest_of_the_most_frequent(void)
{
	struct agg_vals v = { 0 };

	vals(&v, "3 1 3 1 2");
	aggstats_mode(out, &v);
	CHECK_STR(out, "1");
	vals(&v, "1.0 1 2");
	aggstats_mode(out, &v);
	CHECK_STR(out, "1");
	aggstats_free(&v);
}

static void
variance_and_deviation_are_exact(void)
{
	struct agg_vals v = { 0 };

	vals(&v, "1 2 3 4");
	aggstats_var(out, &v, 1, 0);
	CHECK_STR(out, "1.6666666666666667");
	aggstats_var(out, &v, 0, 0);
	CHECK_STR(out, "1.25");
	aggstats_var(out, &v, 0, 1);
	CHECK_STR(out, "1.1180339887498948");
	vals(&v, "2 4 4 4 5 5 7 9");
	aggstats_var(out, &v, 0, 1);
	CHECK_STR(out, "2");
	/* A sample of one, and a special, give nan. */
	vals(&v, "5");
	aggstats_var(out, &v, 1, 1);
	CHECK_STR(out, "nan");
	aggstats_var(out, &v, 0, 0);
	CHECK_STR(out, "0");
	vals(&v, "1 inf");
	aggstats_var(out, &v, 0, 0);
	CHECK_STR(out, "nan");
	aggstats_quantile(out, &v, 50);
	CHECK_STR(out, "inf");
	aggstats_free(&v);
}

int
main(void)
{
	unit_module = "aggstats";
	RUN(quantiles_interpolate_as_datamash);
	RUN(mode_is_the_smallest_of_the_most_frequent);
	RUN(variance_and_deviation_are_exact);
	return unit_done();
}
