/*
 * Unit tests of lib/valueagg: Hadoop's aggregate reducer and combiner.
 * The reports are those Hadoop 3.1.3's classes give for these values (the
 * same as tests/mr-task.bats checks end to end).
 */
#include "unit.h"
#include "valueagg.h"

/* "ID=REPORT" of KEY over the VALUES (NULL-ended), into GOT. */
static void
report(const char *key, const char *const *values, char *got, size_t size)
{
	struct valueagg a;
	struct out o;
	const char *id;
	size_t idlen;
	char err[256];
	int fd = unit_bytes_fd("", 0);
	ssize_t n;

	valueagg_init(&a, UINT64_MAX);
	CHECK(valueagg_start(&a, key, strlen(key), &id, &idlen, err, sizeof err) == 0);
	for (; *values != NULL; values++)
		CHECK(valueagg_add(&a, *values, strlen(*values), err, sizeof err) == 0);
	out_init(&o, fd, "test");
	out_write(&o, id, idlen);
	out_byte(&o, '=');
	valueagg_report(&a, &o);
	out_flush(&o);
	free(o.buf);
	n = pread(fd, got, size - 1, 0);
	got[n > 0 ? n : 0] = '\0';
	close(fd);
	valueagg_free(&a);
}

static void
emit_joined(void *arg, const char *v, size_t len)
{
	char *s = arg;

	if (*s != '\0')
		strcat(s, "|");
	strncat(s, v, len);
}

static void
reports_are_hadoops(void)
{
	static const struct {
		const char *key;
		const char *values[6];
		const char *report;
	} t[] = {
		{ "LongValueSum:a", { "3", "-5", NULL }, "a=-2" },
		{ "LongValueMax:a", { "3", "-5", NULL }, "a=3" },
		{ "longvaluemin:a", { "3", "-5", NULL }, "a=-5" },
		{ "DoubleValueSum:d", { "0.5", "1e3", "2.25", NULL }, "d=1002.75" },
		{ "DoubleValueSum:d", { "0.1", "0.2", NULL }, "d=0.30000000000000004" },
		{ "StringValueMax:s", { "apple", "pear", "\xf0\x9f\x98\x80", "\xef\xbf\xbd", NULL }, "s=\xef\xbf\xbd" },
		{ "StringValueMin:s", { "apple", "Banana", NULL }, "s=Banana" },
		{ "StringValueMax:s", { "\xff", NULL }, "s=\xef\xbf\xbd" },
		{ "UniqValueCount:u", { "x", "y", "x", NULL }, "u=2" },
		{ "UniqValueCount:u", { "\xff", "\xfe", NULL }, "u=1" },	/* both U+FFFD */
		{ "ValueHistogram:h", { "x", "y\t3", "x", "z\t10", NULL }, "h=3\t2\t3\t10\t5.0\t3.559026084010437" },
		{ "ValueHistogram:h2", { "q", NULL }, "h2=1\t1\t1\t1\t1.0\t0.0" },
		{ "LongValueSum:a:b", { "1", NULL }, "a:b=1" },
		{ "LongValueSum:\xff", { "1", NULL }, "\xef\xbf\xbd=1" },
	};
	char got[256];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		report(t[i].key, t[i].values, got, sizeof got);
		CHECK_STR(got, t[i].report);
	}
}

static void
the_combiner_writes_partial_results(void)
{
	static const struct {
		const char *key;
		const char *values[6];
		const char *combined;
	} t[] = {
		{ "LongValueSum:a", { "3", "-5", NULL }, "-2" },
		{ "DoubleValueSum:d", { "0.5", "1e3", NULL }, "1000.5" },
		{ "UniqValueCount:u", { "y", "x", "y", NULL }, "x|y" },
		{ "ValueHistogram:h", { "b", "a\t2", "b", NULL }, "a\t2|b\t2" },
		{ "StringValueMin:s", { "b", "a", NULL }, "a" },
	};
	struct valueagg a;
	const char *id;
	size_t idlen, i, k;
	char err[256], comb[256];

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		valueagg_init(&a, UINT64_MAX);
		CHECK(valueagg_start(&a, t[i].key, strlen(t[i].key), &id, &idlen, err,
		    sizeof err) == 0);
		for (k = 0; t[i].values[k] != NULL; k++)
			CHECK(valueagg_add(&a, t[i].values[k], strlen(t[i].values[k]),
			    err, sizeof err) == 0);
		comb[0] = '\0';
		valueagg_combine(&a, emit_joined, comb);
		CHECK_STR(comb, t[i].combined);
		valueagg_free(&a);
	}
}

static void
bad_keys_and_values_are_errors(void)
{
	struct valueagg a;
	const char *id;
	size_t idlen;
	char err[256];

	valueagg_init(&a, UINT64_MAX);
	CHECK(valueagg_start(&a, "nokey", 5, &id, &idlen, err, sizeof err) == -1);
	CHECK_STR(err, "aggregate: key 'nokey' has no type (LongValueSum:, ValueHistogram:, ...)");
	CHECK(valueagg_start(&a, "Sum:k", 5, &id, &idlen, err, sizeof err) == -1);
	CHECK_STR(err, "aggregate: key 'Sum:k': unknown type 'Sum'");
	CHECK(valueagg_start(&a, "LongValueSum:k", 14, &id, &idlen, err, sizeof err) == 0);
	CHECK(valueagg_add(&a, "1.5", 3, err, sizeof err) == -1);
	CHECK_STR(err, "aggregate: '1.5' is not a long");
	CHECK(valueagg_start(&a, "ValueHistogram:k", 16, &id, &idlen, err, sizeof err) == 0);
	CHECK(valueagg_add(&a, "v\tx", 3, err, sizeof err) == -1);
	CHECK_STR(err, "aggregate: 'x' is not a count");
	valueagg_free(&a);
	/* UniqValueCount keeps at most aggregate.max.num.unique.values + 1. */
	valueagg_init(&a, 2);
	CHECK(valueagg_start(&a, "UniqValueCount:k", 16, &id, &idlen, err, sizeof err) == 0);
	CHECK(valueagg_add(&a, "a", 1, err, sizeof err) == 0);
	CHECK(valueagg_add(&a, "b", 1, err, sizeof err) == 0);
	CHECK(valueagg_add(&a, "c", 1, err, sizeof err) == 0);
	CHECK(valueagg_add(&a, "d", 1, err, sizeof err) == 0);
	CHECK(a.nitems == 3);
	valueagg_free(&a);
}

int
main(void)
{
	unit_module = "valueagg";
	RUN(reports_are_hadoops);
	RUN(the_combiner_writes_partial_results);
	RUN(bad_keys_and_values_are_errors);
	return unit_done();
}
