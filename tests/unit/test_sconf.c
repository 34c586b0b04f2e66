/* Unit tests of lib/sconf: job properties under Hadoop's names, typed values. */
#include "unit.h"
#include "sconf.h"

static void
deprecated_names_are_stored_under_their_new_names(void)
{
	static const struct {
		const char *name, *canonical;
	} t[] = {
		{ "mapred.reduce.tasks", "mapreduce.job.reduces" },
		{ "mapred.map.tasks", "mapreduce.job.maps" },
		{ "map.output.key.field.separator", "mapreduce.map.output.key.field.separator" },
		{ "mapred.output.key.comparator.class", "mapreduce.job.output.key.comparator.class" },
		{ "mapred.text.key.comparator.options", "mapreduce.partition.keycomparator.options" },
		{ "mapred.text.key.partitioner.options", "mapreduce.partition.keypartitioner.options" },
		{ "mapred.output.compress", "mapreduce.output.fileoutputformat.compress" },
		{ "mapred.textoutputformat.separator", "mapreduce.output.textoutputformat.separator" },
		{ "dfs.block.size", "dfs.blocksize" },
		{ "mapred.partitioner.class", "mapred.partitioner.class" },	/* the mapred API's own */
		{ "stream.map.output.field.separator", "stream.map.output.field.separator" },
		{ "my.own", "my.own" },
	};
	struct sconf c;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK_STR(sconf_canonical(t[i].name), t[i].canonical);
	/* Either name sets the property; the later setting wins. */
	sconf_init(&c);
	sconf_set(&c, "mapreduce.job.reduces", "3");
	sconf_set(&c, "mapred.reduce.tasks", "5");
	CHECK(c.n == 1);
	CHECK_STR(sconf_get(&c, "mapreduce.job.reduces"), "5");
	CHECK_STR(sconf_get(&c, "mapred.reduce.tasks"), "5");
	CHECK(sconf_set_arg(&c, "a=b=c") == 0);
	CHECK_STR(sconf_get(&c, "a"), "b=c");
	CHECK(sconf_set_arg(&c, "=x") == -1);
	CHECK(sconf_set_arg(&c, "novalue") == -1);
	sconf_free(&c);
}

static void
typed_values_are_read_as_hadoops_configuration_reads_them(void)
{
	struct sconf c;
	int64_t v;
	char err[256];

	sconf_init(&c);
	sconf_set(&c, "n", " 42 ");
	sconf_set(&c, "hex", "0x1F");
	sconf_set(&c, "big", "3000000000");
	sconf_set(&c, "size", "64m");
	sconf_set(&c, "zero", "0");
	sconf_set(&c, "yes", " TRUE");
	sconf_set(&c, "maybe", "yes");
	CHECK(sconf_get_long(&c, "n", 7, 0, 100, &v, err, sizeof err) == 0 && v == 42);
	CHECK(sconf_get_long(&c, "unset", 7, 0, 100, &v, err, sizeof err) == 0 && v == 7);
	CHECK(sconf_get_long(&c, "hex", 0, 0, 100, &v, err, sizeof err) == 0 && v == 31);
	CHECK(sconf_get_long(&c, "big", 0, 0, INT32_MAX, &v, err, sizeof err) == -1);
	CHECK_STR(err, "big: '3000000000' is not a number from 0 to 2147483647");
	CHECK(sconf_get_bytes(&c, "size", 1, &v, err, sizeof err) == 0 && v == 64 << 20);
	CHECK(sconf_get_bytes(&c, "zero", 1, &v, err, sizeof err) == -1);
	CHECK_STR(err, "zero: '0' is not a size in bytes");
	CHECK(sconf_get_bool(&c, "yes", 0) == 1);
	CHECK(sconf_get_bool(&c, "maybe", 0) == 0);
	CHECK(sconf_get_bool(&c, "unset", 1) == 1);
	sconf_free(&c);
}

int
main(void)
{
	unit_module = "sconf";
	RUN(deprecated_names_are_stored_under_their_new_names);
	RUN(typed_values_are_read_as_hadoops_configuration_reads_them);
	return unit_done();
}
