/*
 * Unit tests of lib/keyfield_spec: the key specifications read from
 * Hadoop's option strings as KeyFieldHelper reads them, and the errors
 * for the ones it would reject.
 */
#include "unit.h"
#include "keyfield.h"

/* KF with the specifications of OPTS, which must parse. */
#define PARSE(kf, opts) \
	CHECK(keyfield_init(&(kf), "\t", 1) == 0 && \
	    keyfield_parse(&(kf), (opts), err, sizeof err) == 0)

static void
specifications_parse_as_hadoop_reads_them(void)
{
	struct keyfield kf;
	char err[256];

	PARSE(kf, "-k 2.3nr,4.5 -k1");
	CHECK(kf.n == 2 && kf.spec_seen);
	CHECK(kf.spec[0].begin_field == 2 && kf.spec[0].begin_char == 3);
	CHECK(kf.spec[0].end_field == 4 && kf.spec[0].end_char == 5);
	CHECK(kf.spec[0].numeric && kf.spec[0].reverse);
	CHECK(kf.spec[1].begin_field == 1 && kf.spec[1].end_field == 0);
	keyfield_free(&kf);
	/* Global flags reach the specifications without flags of their own. */
	PARSE(kf, "-k1,1 -r -k2,2n");
	CHECK(kf.spec[0].reverse && !kf.spec[0].numeric);
	CHECK(kf.spec[1].numeric && !kf.spec[1].reverse);
	keyfield_free(&kf);
	/* Global flags alone apply to the whole key, which is not cut. */
	PARSE(kf, "-nr");
	CHECK(kf.n == 1 && !kf.spec_seen && kf.spec[0].numeric && kf.spec[0].reverse);
	keyfield_free(&kf);
	PARSE(kf, "");
	CHECK(kf.n == 0);
	keyfield_free(&kf);
}

static void
bad_specifications_are_errors(void)
{
	static const struct {
		const char *opts, *err;
	} t[] = {
		{ "-kx", "'x' is not a key specification ('x' is not a number)" },
		{ "-k0", "'0' is not a key specification (0 must be 1 or more)" },
		{ "-k1.0", "'1.0' is not a key specification (0 must be 1 or more)" },
		{ "-k1,", "'1,' is not a key specification (POS1[,POS2], POS being FIELD[.CHAR][n][r])" },
		{ "-k1x", "'1x' is not a key specification ('1x' is not a number)" },
		{ "-k1,2q", "'1,2q' is not a key specification ('2q' is not a number)" },
		{ "-k1.2.3", "'1.2.3' is not a key specification (POS1[,POS2], POS being FIELD[.CHAR][n][r])" },
	};
	struct keyfield kf;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		CHECK(keyfield_init(&kf, "\t", 1) == 0);
		CHECK(keyfield_parse(&kf, t[i].opts, err, sizeof err) == -1);
		CHECK_STR(err, t[i].err);
		keyfield_free(&kf);
	}
	/* -k2.5,2 ends at the field's end: fine. */
	CHECK(keyfield_init(&kf, "\t", 1) == 0);
	CHECK(keyfield_parse(&kf, "-k2.5,2", err, sizeof err) == 0);
	CHECK(!kf.numeric_backwards);
	keyfield_free(&kf);
	/* Ending before the start is Hadoop's too, but numerically it has no
	 * order of Hadoop's to follow: flagged for the comparators. */
	CHECK(keyfield_init(&kf, "\t", 1) == 0);
	CHECK(keyfield_parse(&kf, "-k3,1 -k2.5,2.3r", err, sizeof err) == 0);
	CHECK(!kf.numeric_backwards);
	keyfield_free(&kf);
	CHECK(keyfield_init(&kf, "\t", 1) == 0);
	CHECK(keyfield_parse(&kf, "-n -k3,1", err, sizeof err) == 0);
	CHECK(kf.numeric_backwards);
	keyfield_free(&kf);
	CHECK(keyfield_init(&kf, "\t", 1) == 0);
	CHECK(keyfield_parse_spec(&kf, "2.5,2.3n", 0, 0, err, sizeof err) == 0);
	CHECK(kf.numeric_backwards);
	keyfield_free(&kf);
	CHECK(keyfield_init(&kf, "", 0) == -1);
}

/* Many specifications: the array grows by doubling (lib/buf), not by one. */
static void
many_specifications_grow_the_array_by_doubling(void)
{
	struct keyfield kf;
	char err[256];
	size_t i, grows = 0, cap = 0;

	CHECK(keyfield_init(&kf, "\t", 1) == 0);
	for (i = 0; i < 1000; i++) {
		CHECK(keyfield_parse_spec(&kf, "2,3n", 0, 0, err, sizeof err) == 0);
		if (kf.cap != cap) {
			grows++;
			cap = kf.cap;
		}
	}
	CHECK(kf.n == 1000 && kf.cap >= 1000);
	CHECK(grows <= 8);
	CHECK(kf.spec[999].begin_field == 2 && kf.spec[999].numeric);
	keyfield_free(&kf);
	CHECK(kf.n == 0 && kf.cap == 0);
}

int
main(void)
{
	unit_module = "keyfield_spec";
	RUN(specifications_parse_as_hadoop_reads_them);
	RUN(bad_specifications_are_errors);
	RUN(many_specifications_grow_the_array_by_doubling);
	return unit_done();
}
