/* Unit tests of lib/reporter.c: reporter lines and counter sums. */
#include "unit.h"
#include "reporter.h"

static struct slice
S(const char *s)
{
	return (struct slice){ (char *)s, strlen(s) };
}

static void
counter_lines_parse(void)
{
	struct slice g, n;
	int64_t a;

	CHECK(reporter_parse(S("reporter:counter:grp,lines,42"), &g, &n, &a) ==
	    REPORTER_COUNTER);
	CHECK_MEM(g.p, g.len, "grp");
	CHECK_MEM(n.p, n.len, "lines");
	CHECK(a == 42);
	CHECK(reporter_parse(S("reporter:counter:g,n,-7"), &g, &n, &a) ==
	    REPORTER_COUNTER && a == -7);
	CHECK(reporter_parse(S("reporter:counter:g,n,9223372036854775807"), &g,
	    &n, &a) == REPORTER_COUNTER && a == INT64_MAX);
	CHECK(reporter_parse(S("reporter:counter:g,n,-9223372036854775808"), &g,
	    &n, &a) == REPORTER_COUNTER && a == INT64_MIN);
	CHECK(reporter_parse(S("reporter:counter:,,1"), &g, &n, &a) ==
	    REPORTER_COUNTER && g.len == 0 && n.len == 0);
}

/* The rules of Hadoop's PipeMapRed.incrCounter: Java's trim, split's
 * dropped trailing empty parts, Long.parseLong's leading zeros and sign. */
static void
counters_parse_as_hadoop_does(void)
{
	struct slice g, n;
	int64_t a;

	CHECK(reporter_parse(S("reporter:counter: g,n,1 \r"), &g, &n, &a) ==
	    REPORTER_COUNTER && a == 1);
	CHECK_MEM(g.p, g.len, "g");
	CHECK(reporter_parse(S("reporter:counter:g,n,5,,"), &g, &n, &a) ==
	    REPORTER_COUNTER && a == 5);
	CHECK_MEM(n.p, n.len, "n");
	CHECK(reporter_parse(S("reporter:counter:g,n,+0000000000000000000000042"),
	    &g, &n, &a) == REPORTER_COUNTER && a == 42);
	CHECK(reporter_parse(S("reporter:counter:g, n ,7"), &g, &n, &a) ==
	    REPORTER_COUNTER && a == 7);
	CHECK_MEM(n.p, n.len, " n ");
}

static void
other_lines_are_classified(void)
{
	struct slice g, n;
	int64_t a;

	CHECK(reporter_parse(S("warning: x"), &g, &n, &a) == REPORTER_NONE);
	CHECK(reporter_parse(S("reporter"), &g, &n, &a) == REPORTER_NONE);
	CHECK(reporter_parse(S("reporter:status:half done"), &g, &n, &a) ==
	    REPORTER_STATUS);
	CHECK(reporter_parse(S("reporter:other"), &g, &n, &a) == REPORTER_BAD);
	CHECK(reporter_parse(S("reporter:counter:g,n"), &g, &n, &a) == REPORTER_BAD);
	CHECK(reporter_parse(S("reporter:counter:g,n,1,2"), &g, &n, &a) == REPORTER_BAD);
	CHECK(reporter_parse(S("reporter:counter:g,n,x"), &g, &n, &a) == REPORTER_BAD);
	CHECK(reporter_parse(S("reporter:counter:g,n,"), &g, &n, &a) == REPORTER_BAD);
	CHECK(reporter_parse(S("reporter:counter:g,n,9223372036854775808"), &g,
	    &n, &a) == REPORTER_BAD);
	CHECK(reporter_parse(S("reporter:counter:g,n,1 x"), &g, &n, &a) == REPORTER_BAD);
	CHECK(reporter_parse(S("reporter:counter:g,n,+"), &g, &n, &a) == REPORTER_BAD);
	CHECK(reporter_parse(S("reporter:counter:g,n,1,,x"), &g, &n, &a) == REPORTER_BAD);
	CHECK(reporter_parse(S("reporter:counter:g\0h,n,1"), &g, &n, &a) == REPORTER_BAD);
}

static void
counters_sum_by_group_and_name(void)
{
	struct counters t = { 0 };

	counters_add(&t, S("g"), S("a"), 2);
	counters_add(&t, S("g"), S("b"), 5);
	counters_add(&t, S("h"), S("a"), 1);
	counters_add(&t, S("g"), S("a"), 40);
	counters_add(&t, S("g"), S("ab"), 1);
	CHECK(t.n == 4);
	CHECK_STR(t.c[0].group, "g");
	CHECK_STR(t.c[0].name, "a");
	CHECK(t.c[0].sum == 42);
	CHECK(t.c[1].sum == 5 && t.c[2].sum == 1 && t.c[3].sum == 1);
	counters_free(&t);
	CHECK(t.n == 0);
}

int
main(void)
{
	unit_module = "reporter";
	RUN(counter_lines_parse);
	RUN(other_lines_are_classified);
	RUN(counters_parse_as_hadoop_does);
	RUN(counters_sum_by_group_and_name);
	return unit_done();
}
