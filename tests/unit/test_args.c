/* Unit tests of lib/args.c: option values. */
#include "unit.h"
#include "args.h"

static void
sizes(void)
{
	uint64_t v;

	CHECK(parse_size("4096", &v) == 0 && v == 4096);
	CHECK(parse_size("64K", &v) == 0 && v == 65536);
	CHECK(parse_size("16M", &v) == 0 && v == 16u << 20);
	CHECK(parse_size("2G", &v) == 0 && v == 2ull << 30);
	CHECK(parse_size("1T", &v) == 0 && v == 1ull << 40);
	CHECK(parse_size("16MiB", &v) == 0 && v == 16u << 20);
	CHECK(parse_size("512b", &v) == 0 && v == 512);
	CHECK(parse_size("", &v) == -1);
	CHECK(parse_size("M", &v) == -1);
	CHECK(parse_size("-1", &v) == -1);
	CHECK(parse_size("12Q", &v) == -1);
	CHECK(parse_size("99999999999999999999", &v) == -1);
	CHECK(parse_size("99999999999T", &v) == -1);
}

static void
counts(void)
{
	uint64_t v;

	CHECK(parse_uint("8", 1, 8, &v) == 0 && v == 8);
	CHECK(parse_uint("0", 1, 8, &v) == -1);
	CHECK(parse_uint("9", 1, 8, &v) == -1);
	CHECK(parse_uint("+3", 0, 8, &v) == -1);
	CHECK(parse_uint("3x", 0, 8, &v) == -1);
	CHECK(online_cpus() >= 1);
}

int
main(void)
{
	unit_module = "args";
	RUN(sizes);
	RUN(counts);
	return unit_done();
}
