/*
 * Unit tests of lib/keyfield: KeyFieldBasedComparator and
 * KeyFieldBasedPartitioner.  The expected results are Hadoop 3.1.3's own,
 * computed by its classes (tests/hadoop/Oracle.java) for these keys; make
 * hadoop-check compares the two on many generated keys and options.
 */
#include "unit.h"
#include "keyfield.h"

static void
setup(struct keyfield *kf, const char *opts)
{
	char err[256];

	CHECK(keyfield_init(kf, "\t", 1) == 0);
	if (opts != NULL)
		CHECK(keyfield_parse(kf, opts, err, sizeof err) == 0);
}

static int
sign(int c)
{
	return (c > 0) - (c < 0);
}

static void
comparisons_are_hadoops(void)
{
	static const struct {
		const char *opts, *a, *b;
		int want;
	} t[] = {
		{ "-k2,2nr", "a\t10", "a\t9", -1 },
		{ "-k2,2nr", "a\t-1", "a\t-0", 1 },
		{ "-k2,2nr", "a\t1.50", "a\t1.5", 0 },
		{ "-k2,2nr", "b", "a\tx", 1 },		/* no field 2: first, reversed */
		{ "-k2,2nr", "a\tx", "a", -1 },
		{ "-k2,2nr", "x\t0.0", "x\t-0.0", 0 },
		{ "-k2,2nr", "x\t-5", "x\t-10", -1 },
		{ "-k2,2nr", "x\t.5", "x\t0.4", -1 },
		{ "-k2,2nr", "x\t5a", "x\t5b", 1 },	/* the digits decide: equal, "5a" - "5b" */
		{ "-k1,1 -k2,2nr", "a\t10", "a\t9", -1 },
		{ "-k1,1 -k2,2nr", "b", "a\tx", 1 },
		{ "-n", "a\t10", "a\t9", 0 },		/* numbers end at the first non-digit */
		{ "-n", "b", "a\tx", 1 },
		{ "-k2.2,2.3", "a\t10", "a\t9", 1 },	/* "0" against nothing */
		{ "-k2.2,2.3", "x\t-5", "x\t-10", 1 },	/* "5" against "10" */
		{ "-nr -k1,1", "a\t10", "a\t9", 0 },	/* the global flags reach -k1,1 */
		{ "-nr -k1,1", "b", "a\tx", -1 },
		{ NULL, "ab", "a", 1 },			/* no options: bytes */
		{ "-t x -s", "b", "a", 1 },		/* unknown words are ignored */
		/* Specifications that end before they start: negative lengths. */
		{ "-k4,1.1r -k4,3", ".\t\tZ1e3\t", "5.", 1 },
		{ "-k3r,2", "b\tZ", "+1\t", 1 },
		{ "-k4.2,2r", "\t\tb ", "\t-0.0", 1 },
		{ "-k5,2.0", "a1.5\t1.50Z\t5.10\t", "b\t\t 123456789\t", -1 },
		{ "-k 5.3,2.3", "\t1x", "\t1", -1 },
		{ "-k5,4", "a--1\t\t", "\t1e3\t\t\t123456789", -1 },
	};
	struct keyfield kf;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		setup(&kf, t[i].opts);
		if (sign(keyfield_cmp(&kf, t[i].a, strlen(t[i].a), t[i].b,
		    strlen(t[i].b))) != t[i].want) {
			fprintf(stderr, "#   case %zu: '%s' '%s' '%s'\n", i,
			    t[i].opts ? t[i].opts : "(none)", t[i].a, t[i].b);
			CHECK(0);
		}
		keyfield_free(&kf);
	}
}

static void
partitions_are_hadoops(void)
{
	static const struct {
		const char *opts;	/* NULL: none; "fields:K" */
		const char *key;
		unsigned want;		/* of 7 */
	} t[] = {
		{ NULL, "a\tb\tc", 1 },			/* String.hashCode */
		{ NULL, "hello", 0 },
		{ NULL, "\xc3\xa9\tz", 6 },
		{ NULL, "\xff\tq", 5 },			/* decoded as U+FFFD */
		{ "fields:2", "a\tb\tc", 4 },
		{ "fields:2", "x\ty", 3 },
		{ "fields:2", "", 0 },
		{ "-k2,2", "a\tb\tc", 0 },
		{ "-k2,2", "x\ty", 2 },
		{ "-k2,2", "\xff\tq", 1 },		/* hashed as EF BF BD 09 71 */
		{ "-k2,2", "hello", 0 },		/* no field 2: hash 0 */
		{ "-k1,1 -k3.2", "a\tb\tc", 6 },
		{ "-k1,1 -k3.2", "a\tbcd\tefg", 1 },
		{ "-k2.2,2.3", "a\tbcd\tefg", 5 },
		/* Parts that end before they start hash nothing. */
		{ "-k3 -k 5,1 -k2", "\t10\t--1+1\t\t0.000019", 5 },
		{ "-k4.2 -k4.2r,2n -k5.4,3r", "b\t\t.5123456789\t0\t", 2 },
		{ "-k1.1n,1n -k 5nr,1.2r", "007", 1 },
	};
	static char scratch[256];
	struct keyfield kf;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (t[i].opts != NULL && strncmp(t[i].opts, "fields:", 7) == 0) {
			setup(&kf, NULL);
			keyfield_add_fields(&kf, atoi(t[i].opts + 7));
		} else {
			setup(&kf, t[i].opts);
		}
		if (keyfield_partition(&kf, t[i].key, strlen(t[i].key), 7,
		    scratch) != t[i].want) {
			fprintf(stderr, "#   case %zu\n", i);
			CHECK(0);
		}
		keyfield_free(&kf);
	}
}

static void
a_separator_of_two_bytes_counts_fields_as_hadoop_does(void)
{
	struct keyfield kf;
	char err[256];

	/* Field 2 of "a::b" starts one byte after the first ':' and is ":b";
	 * -k2,2 selects from 'b' (after the separator's length) to its end. */
	CHECK(keyfield_init(&kf, "::", 2) == 0);
	CHECK(keyfield_parse(&kf, "-k2,2", err, sizeof err) == 0);
	CHECK(keyfield_cmp(&kf, "a::b", 4, "z::b", 4) == 0);
	CHECK(keyfield_cmp(&kf, "a::b", 4, "a::c", 4) < 0);
	keyfield_free(&kf);
}

int
main(void)
{
	unit_module = "keyfield";
	RUN(comparisons_are_hadoops);
	RUN(partitions_are_hadoops);
	RUN(a_separator_of_two_bytes_counts_fields_as_hadoop_does);
	return unit_done();
}
