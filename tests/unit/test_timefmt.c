/* Unit tests of lib/timefmt: ISO 8601 UTC out and in. */
#include "unit.h"
#include "timefmt.h"

static const char *
iso(int64_t t)
{
	static char buf[TIMEFMT_MAX];

	timefmt_iso(buf, t);
	return buf;
}

static int64_t
parse(const char *s)
{
	int64_t t = -1;

	if (timefmt_parse(s, strlen(s), &t) < 0)
		return -123456789;
	return t;
}

static void
formats_utc(void)
{
	CHECK_STR(iso(0), "1970-01-01T00:00:00Z");
	CHECK_STR(iso(1795428900LL * NS_PER_SEC), "2026-11-23T10:15:00Z");
	CHECK_STR(iso(951782400LL * NS_PER_SEC), "2000-02-29T00:00:00Z");
	CHECK_STR(iso(1795428900LL * NS_PER_SEC + 250000000), "2026-11-23T10:15:00.25Z");
	CHECK_STR(iso(-1 * NS_PER_SEC), "1969-12-31T23:59:59Z");
}

static void
parses_epoch_and_iso(void)
{
	CHECK(parse("1795428900") == 1795428900LL * NS_PER_SEC);
	CHECK(parse(" 1795428900.5 ") == 1795428900LL * NS_PER_SEC + 500000000);
	CHECK(parse("2026-11-23T10:15:00Z") == 1795428900LL * NS_PER_SEC);
	CHECK(parse("2026-11-23 10:15:00") == 1795428900LL * NS_PER_SEC);
	CHECK(parse("2026-11-23T11:15:00+01:00") == 1795428900LL * NS_PER_SEC);
	CHECK(parse("2026-11-23T05:15:00-0500") == 1795428900LL * NS_PER_SEC);
	CHECK(parse("2026-11-23T10:15:00.125Z") == 1795428900LL * NS_PER_SEC + 125000000);
	CHECK(parse("2000-02-29T00:00:00Z") == 951782400LL * NS_PER_SEC);
	CHECK(parse("x") == -123456789);
	CHECK(parse("") == -123456789);
	CHECK(parse("2026-13-01T00:00:00Z") == -123456789);
	CHECK(parse("2026-11-23T10:15") == -123456789);
	CHECK(parse("2026-11-23T10:15:00Zjunk") == -123456789);
	CHECK(parse("1e9") == -123456789);
}

/* Epoch seconds: a decimal, fraction digits past the ninth dropped, as
 * in the ISO form (found by fuzz_timefmt: more than 38 digits were
 * refused). */
static void
epoch_seconds_forms(void)
{
	int64_t t;

	CHECK(timefmt_parse("1\0", 2, &t) < 0);
	CHECK(parse("00455552.50001179545555555555528900742890001") ==
	    455552500011795LL);
	CHECK(parse(".5") == NS_PER_SEC / 2);
	CHECK(parse("5.") == 5 * NS_PER_SEC);
	CHECK(parse("+5") == 5 * NS_PER_SEC);
	CHECK(parse("-.5") == -NS_PER_SEC / 2);
	CHECK(parse("9223372036.854775807") == INT64_MAX);
	CHECK(parse("9223372036.854775808") == -123456789);
	CHECK(parse("-9223372036.854775808") == INT64_MIN);
	CHECK(parse("99999999999999999999999999999") == -123456789);
	CHECK(parse(".") == -123456789);
	CHECK(parse("-") == -123456789);
	CHECK(parse("inf") == -123456789);
	CHECK(parse("1 2") == -123456789);
}

/* Only real dates, and only times int64 nanoseconds hold (before the
 * fix, Feb 31 was read as Mar 3, and year 9999 overflowed). */
static void
dates_and_range_are_checked(void)
{
	CHECK(parse("2024-02-29T00:00:00Z") == 1709164800LL * NS_PER_SEC);
	CHECK(parse("2026-02-29T00:00:00Z") == -123456789);
	CHECK(parse("1900-02-29T00:00:00Z") == -123456789);
	CHECK(parse("2026-04-31T00:00:00Z") == -123456789);
	CHECK(parse("2026-02-31T00:00:00Z") == -123456789);
	CHECK(parse("2262-04-11T23:47:16.854775807Z") == INT64_MAX);
	CHECK(parse("2262-04-11T23:47:16.854775808Z") == -123456789);
	CHECK(parse("1677-09-21T00:12:43.145224192Z") == INT64_MIN);
	CHECK(parse("1677-09-21T00:12:43.145224191Z") == -123456789);
	CHECK(parse("9999-12-31T23:59:59Z") == -123456789);
	CHECK(parse("0000-01-01T00:00:00Z") == -123456789);
	CHECK(parse("2262-04-12T00:47:16+01:00") == 9223372036LL * NS_PER_SEC);
}

static void
durations(void)
{
	int64_t ns;

	CHECK(timefmt_seconds("60", &ns) == 0 && ns == 60 * NS_PER_SEC);
	CHECK(timefmt_seconds("0.5", &ns) == 0 && ns == NS_PER_SEC / 2);
	CHECK(timefmt_seconds("0", &ns) < 0);
	CHECK(timefmt_seconds("-1", &ns) < 0);
	CHECK(timefmt_seconds("1m", &ns) < 0);
	CHECK(timefmt_seconds("", &ns) < 0);
	CHECK(timefmt_seconds("0.0000000001", &ns) < 0);	/* 0 ns */
	CHECK(timefmt_seconds("0.0000000019", &ns) == 0 && ns == 1);
}

int
main(void)
{
	unit_module = "timefmt";
	RUN(formats_utc);
	RUN(parses_epoch_and_iso);
	RUN(epoch_seconds_forms);
	RUN(dates_and_range_are_checked);
	RUN(durations);
	return unit_done();
}
