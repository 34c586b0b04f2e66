/* Unit tests of lib/rotset.c: which names are rotated files of a log, and their ages. */
#include "unit.h"
#include "rotset.h"

static int
kind(const char *entry)
{
	struct rot_name rn;

	rotset_match("app.log", entry, NULL, 0, &rn);
	return rn.kind;
}

static void
numbered_and_dated_names_are_in_the_set(void)
{
	struct rot_name rn;

	CHECK(kind("app.log.1") == ROT_NUMBERED);
	CHECK(kind("app.log.12345") == ROT_NUMBERED);
	CHECK(kind("app.log.0") == ROT_NUMBERED);
	CHECK(kind("app.log.3.gz") == ROT_NUMBERED);
	CHECK(kind("app.log-20261204") == ROT_DATED);
	CHECK(kind("app.log.2026-12-04") == ROT_DATED);
	CHECK(kind("app.log_2026-12-04T17:33:00") == ROT_DATED);
	CHECK(kind("app.log-20261204-1733300000.zst") == ROT_DATED);
	CHECK(kind("app.log.20261204") == ROT_DATED);	/* too long for a number */
	CHECK(rotset_match("app.log", "app.log.2.bz2", NULL, 0, &rn) && rn.num == 2);
	CHECK_STR(rn.unpack, "bzip2");
}

static void
other_names_are_not(void)
{
	CHECK(kind("app.log") == ROT_NONE);	/* the log itself */
	CHECK(kind("app.log.swp") == ROT_NONE);
	CHECK(kind("app.log.1.tmp") == ROT_NONE);
	CHECK(kind("app.log-1") == ROT_NONE);
	CHECK(kind("app.log.2026") == ROT_NUMBERED);	/* a number, 4 digits */
	CHECK(kind("app.log-2026") == ROT_NONE);	/* too few digits for a date */
	CHECK(kind("app.logx.1") == ROT_NONE);
	CHECK(kind(".app.log.1") == ROT_NONE);
	CHECK(kind("app.log.") == ROT_NONE);
	CHECK(kind("app.log.gz") == ROT_NONE);
}

static void
globs_widen_the_set(void)
{
	char *globs[] = { "old-*", "*.bak" };
	struct rot_name rn;

	CHECK(rotset_match("app.log", "old-app", globs, 2, &rn) && rn.kind == ROT_GLOB);
	CHECK(rotset_match("app.log", "x.bak", globs, 2, &rn));
	CHECK(rotset_match("app.log", "old-app.gz", globs, 2, &rn) &&
	    strcmp(rn.unpack, "gzip") == 0);
	CHECK(!rotset_match("app.log", ".old-hidden", globs, 2, &rn));
	CHECK(!rotset_match("app.log", "new-app", globs, 2, &rn));
	CHECK(rotset_match("app.log", "app.log.4", globs, 2, &rn) &&
	    rn.kind == ROT_NUMBERED);
}

static void
names_order_by_age(void)
{
	struct rot_name a, b;

	rotset_match("l", "l.1", NULL, 0, &a);
	rotset_match("l", "l.10.gz", NULL, 0, &b);
	CHECK(rotset_age_cmp(&b, &a) < 0 && rotset_age_cmp(&a, &b) > 0);
	rotset_match("l", "l-20261204", NULL, 0, &a);
	rotset_match("l", "l.2026-12-05", NULL, 0, &b);
	CHECK(rotset_age_cmp(&a, &b) < 0);
	rotset_match("l", "l-20261204", NULL, 0, &b);
	CHECK(rotset_age_cmp(&a, &b) == 0);
	rotset_match("l", "l.3", NULL, 0, &b);
	CHECK(rotset_age_cmp(&a, &b) == 0);	/* different schemes: unknown */
}

static void
unpackers_by_ending(void)
{
	size_t n;

	CHECK_STR(rotset_unpacker("a.gz", &n), "gzip");
	CHECK(n == 3);
	CHECK_STR(rotset_unpacker("a.xz", &n), "xz");
	CHECK_STR(rotset_unpacker("a.zst", &n), "zstd");
	CHECK(rotset_unpacker("a.tgz", &n) == NULL && n == 0);
	CHECK(rotset_unpacker(".gz", &n) == NULL);
}

int
main(void)
{
	unit_module = "rotset";
	RUN(numbered_and_dated_names_are_in_the_set);
	RUN(other_names_are_not);
	RUN(globs_widen_the_set);
	RUN(names_order_by_age);
	RUN(unpackers_by_ending);
	return unit_done();
}
