/* Unit tests of lib/aggsum: exact sums and means in a state block. */
#include "unit.h"
#include "aggsum.h"

/* A block with a sum, after a count as agg_spec_init lays it out. */
struct block {
	uint64_t count;
	int64_t sum;
};

static const struct agg_field field = {
	.field = 1, .flags = AGGF_NUM | AGGF_SUM, .sum_off = 8,
};

static void
add(struct block *b, const char *text)
{
	struct num x;

	if (num_parse(text, strlen(text), &x) != NUM_OK)
		abort();
	aggsum_add((char *)b, &field, &x);
}

static const char *
sum(struct block *b)
{
	static char buf[NUM_FMT_MAX];

	aggsum_format(buf, (char *)b, &field);
	return buf;
}

static const char *
mean(struct block *b, uint64_t count)
{
	static char buf[NUM_FMT_MAX];

	aggsum_format_mean(buf, (char *)b, &field, count);
	return buf;
}

static void
a_zero_block_is_zero_and_sums_at_the_largest_scale(void)
{
	struct block b = { 0 };

	CHECK_STR(sum(&b), "0");
	add(&b, "1.5");
	add(&b, "2");
	add(&b, "-0.25");
	CHECK_STR(sum(&b), "3.25");
	CHECK(aggsum_scale(b.sum) == 2);
	CHECK_STR(mean(&b, 3), "1.0833333333333333");
	aggsum_free((char *)&b, &field);
}

static void
sums_widen_past_64_and_128_bits_and_stay_exact(void)
{
	struct block b = { 0 };
	int i;

	/* 58 bits of mantissa hold 2^57 - 1, not 2^57. */
	add(&b, "144115188075855871");
	CHECK(aggsum_scale(b.sum) == 0);
	CHECK(!aggsum_widened());
	add(&b, "-144115188075855871");
	add(&b, "-144115188075855872");
	CHECK(aggsum_scale(b.sum) == 0);	/* -2^57 fits */
	add(&b, "-1");
	CHECK(aggsum_scale(b.sum) == AGGSUM_WIDE);
	CHECK(aggsum_widened());
	CHECK_STR(sum(&b), "-144115188075855873");
	aggsum_free((char *)&b, &field);
	b.sum = 0;
	add(&b, "9223372036854775807");
	add(&b, "1");
	CHECK(aggsum_scale(b.sum) == AGGSUM_WIDE);
	CHECK(aggsum_widened());
	CHECK_STR(sum(&b), "9223372036854775808");
	CHECK_STR(mean(&b, 2), "4611686018427387904");
	for (i = 0; i < 4; i++)
		add(&b, "99999999999999999999999999999999999999");
	CHECK_STR(sum(&b), "400000000000000000009223372036854775804");
	/* A reset sum is 0 again, and stays wide for reuse. */
	aggsum_reset((char *)&b, &field);
	CHECK_STR(sum(&b), "0");
	add(&b, "0.1");
	CHECK_STR(sum(&b), "0.1");
	aggsum_free((char *)&b, &field);
}

static void
infinities_and_nan_follow_ieee(void)
{
	struct block b = { 0 };

	add(&b, "5");
	add(&b, "inf");
	CHECK_STR(sum(&b), "inf");
	CHECK_STR(mean(&b, 2), "inf");
	add(&b, "-inf");
	CHECK_STR(sum(&b), "nan");
	aggsum_free((char *)&b, &field);
}

static void
a_mean_that_ends_is_exact_else_rounded_to_17_digits(void)
{
	struct block b = { 0 };

	add(&b, "10");
	CHECK_STR(mean(&b, 4), "2.5");
	CHECK_STR(mean(&b, 3), "3.3333333333333333");	/* not a double */
	CHECK_STR(mean(&b, 7), "1.4285714285714286");
	b.sum = 0;
	add(&b, "-0.001");
	CHECK_STR(mean(&b, 8), "-0.000125");
}

int
main(void)
{
	unit_module = "aggsum";
	RUN(a_zero_block_is_zero_and_sums_at_the_largest_scale);
	RUN(sums_widen_past_64_and_128_bits_and_stay_exact);
	RUN(infinities_and_nan_follow_ieee);
	RUN(a_mean_that_ends_is_exact_else_rounded_to_17_digits);
	return unit_done();
}
