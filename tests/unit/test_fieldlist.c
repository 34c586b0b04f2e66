/* Unit tests of lib/fieldlist.c: "1,7", "2-4", "3-" lists. */
#include "unit.h"
#include "fieldlist.h"

static void
single_and_list(void)
{
	struct fieldlist fl;

	CHECK(fieldlist_parse("7", 1, &fl) == 0);
	CHECK(fl.n == 1 && fl.r[0].lo == 7 && fl.r[0].hi == 7 && fl.max == 7);
	CHECK(!fl.open);
	fieldlist_free(&fl);
	CHECK(fieldlist_parse("9,1,9", 1, &fl) == 0);
	CHECK(fl.n == 3 && fl.r[0].lo == 9 && fl.r[1].lo == 1 && fl.r[2].hi == 9);
	CHECK(fl.max == 9);
	fieldlist_free(&fl);
}

static void
ranges(void)
{
	struct fieldlist fl;

	CHECK(fieldlist_parse("2-4,6", 1, &fl) == 0);
	CHECK(fl.n == 2 && fl.r[0].lo == 2 && fl.r[0].hi == 4 && fl.max == 6);
	fieldlist_free(&fl);
	CHECK(fieldlist_parse("3-", 1, &fl) == 0);
	CHECK(fl.n == 1 && fl.r[0].lo == 3 && fl.r[0].hi == FIELD_END);
	CHECK(fl.open && fl.max == 3);
	fieldlist_free(&fl);
	CHECK(fieldlist_parse("5-,1", 1, &fl) == 0);
	CHECK(fl.n == 2 && fl.r[0].hi == FIELD_END && fl.r[1].lo == 1);
	fieldlist_free(&fl);
	CHECK(fieldlist_parse("3-3", 1, &fl) == 0);
	CHECK(fl.r[0].lo == 3 && fl.r[0].hi == 3);
	fieldlist_free(&fl);
}

static void
zero_only_when_allowed(void)
{
	struct fieldlist fl;

	CHECK(fieldlist_parse("0", 1, &fl) == -1);
	CHECK(fieldlist_parse("0", 0, &fl) == 0);
	CHECK(fl.n == 1 && fl.r[0].lo == 0);
	fieldlist_free(&fl);
}

static void
malformed_lists(void)
{
	static const char *bad[] = {
		"", ",", "1,", ",1", "1,,2", "a", "1a", "4-2", "-3", "1-2-3",
		"1 ,2", " 1", "+1", "99999999999999999999999", "1-x",
	};
	struct fieldlist fl;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (fieldlist_parse(bad[i], 1, &fl) != -1) {
			fprintf(stderr, "#   accepted '%s'\n", bad[i]);
			CHECK(0);
		}
	}
}

int
main(void)
{
	unit_module = "fieldlist";
	RUN(single_and_list);
	RUN(ranges);
	RUN(zero_only_when_allowed);
	RUN(malformed_lists);
	return unit_done();
}
