/* Unit tests of lib/sjob: the job its properties define, and what is refused. */
#include "unit.h"
#include "sjob.h"

/* The job of the properties "name=value" in PROPS (NULL-ended). */
static int
job_of(const char *const *props, struct sjob *j, char *err, size_t errlen)
{
	struct sconf c;
	int r;

	sconf_init(&c);
	for (; *props != NULL; props++)
		CHECK(sconf_set_arg(&c, *props) == 0);
	r = sjob_init(j, &c, err, errlen);
	sconf_free(&c);	/* the job keeps what it needs */
	if (r < 0)
		sjob_free(j);
	return r;
}

static void
the_job_follows_its_properties(void)
{
	static const char *const none[] = { NULL };
	static const char *const some[] = {
		"mapred.reduce.tasks=3", "mapreduce.job.maps= 7 ", "dfs.blocksize=64m",
		"stream.map.output.field.separator=\\t", "stream.num.map.output.key.fields=0",
		"stream.reduce.input.field.separator=::", "stream.non.zero.exit.is.failure=FALSE",
		"mapred.output.compress=true", "mapred.output.format.class=org.apache.hadoop.mapred.lib.LazyOutputFormat",
		"mapreduce.fileoutputcommitter.marksuccessfuljobs=no",
		"mapred.reducer.class=org.apache.hadoop.mapred.lib.aggregate.ValueAggregatorReducer",
		"mapred.partitioner.class=org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner",
		"num.key.fields.for.partition=2", "mapreduce.partition.keypartitioner.options=-k3",
		NULL,
	};
	struct sjob j;
	char err[256];

	CHECK(job_of(none, &j, err, sizeof err) == 0);
	CHECK(j.reduces == 1 && j.maps == 2 && j.block == 128ULL << 20 && j.minsplit == 1);
	CHECK_STR(j.map_sep, "\t");
	CHECK(j.map_keys == 1 && j.nonzero_fails && j.mark_success && !j.lazy);
	CHECK(j.codec == SCODEC_NONE && j.reducer == SRED_COMMAND && j.truncate == -1);
	CHECK(!keyfield_active(&j.sort) && !j.keyfield_partitioner);
	sjob_free(&j);

	CHECK(job_of(some, &j, err, sizeof err) == 0);
	CHECK(j.reduces == 3 && j.maps == 7 && j.block == 64ULL << 20);
	CHECK_STR(j.map_sep, "\\t");		/* as typed */
	CHECK(j.map_keys == 1);			/* 0 counts as 1, as in Hadoop */
	CHECK_STR(j.red_in_sep, "::");
	CHECK(!j.nonzero_fails && j.lazy);
	CHECK(j.mark_success);			/* "no" is no boolean: the default */
	CHECK(j.codec == SCODEC_DEFLATE);
	CHECK(j.reducer == SRED_AGGREGATE);
	/* num.key.fields.for.partition wins over the options: -k1,2. */
	CHECK(j.keyfield_partitioner && j.part.n == 1 && j.part.spec[0].end_field == 2);
	sjob_free(&j);
}

static void
refused_properties_are_named(void)
{
	static const struct {
		const char *prop, *err;
	} t[] = {
		{ "textinputformat.record.delimiter=;",
		    "textinputformat.record.delimiter=;: not supported by mr-tools (it changes where records end)" },
		{ "mapred.input.format.class=org.apache.hadoop.mapred.KeyValueTextInputFormat",
		    "mapred.input.format.class=org.apache.hadoop.mapred.KeyValueTextInputFormat: not supported by mr-tools (only TextInputFormat is implemented)" },
		{ "mapreduce.job.map.class=x",
		    "mapreduce.job.map.class is incompatible with map compatibility mode (a Streaming job uses the mapred API, as in Hadoop)" },
		{ "mapred.output.compression.codec=org.apache.hadoop.io.compress.SnappyCodec", NULL },
		{ "mapred.reduce.tasks=-1",
		    "mapreduce.job.reduces: '-1' is not a number from 0 to 99999" },
		{ "stream.map.output.field.separator=",
		    "stream.map.output.field.separator: an empty separator is not supported" },
		{ "dfs.blocksize=lots", "dfs.blocksize: 'lots' is not a size in bytes" },
		{ "stream.recordreader.begin=<x>",
		    "stream.recordreader.begin: not supported by mr-tools (it changes how input is read)" },
		{ "mapred.output.key.comparator.class=org.apache.hadoop.mapred.lib.KeyFieldBasedComparator", NULL },
		{ "mapred.partitioner.class=org.apache.hadoop.mapreduce.lib.partition.KeyFieldBasedPartitioner",
		    "mapred.partitioner.class=org.apache.hadoop.mapreduce.lib.partition.KeyFieldBasedPartitioner: not supported by mr-tools (only the mapred API's HashPartitioner and KeyFieldBasedPartitioner are implemented)" },
		{ "mapreduce.job.partitioner.class=x", NULL },	/* with reducers: below */
	};
	struct sjob j;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *props[] = { t[i].prop, "mapreduce.job.reduces=0", NULL };

		if (strncmp(t[i].prop, "mapred.reduce.tasks", 19) == 0)
			props[1] = NULL;
		err[0] = '\0';
		if (t[i].err == NULL) {
			/* a codec is refused only when compressing; the
			 * comparator and the new API's partitioner are fine here */
			CHECK(job_of(props, &j, err, sizeof err) == 0);
			sjob_free(&j);
			continue;
		}
		CHECK(job_of(props, &j, err, sizeof err) == -1);
		CHECK_STR(err, t[i].err);
	}
	{
		const char *props[] = { "mapreduce.job.partitioner.class=x", NULL };

		CHECK(job_of(props, &j, err, sizeof err) == -1);
	}
	{
		const char *props[] = { "mapred.output.compress=true",
		    "mapred.output.compression.codec=org.apache.hadoop.io.compress.SnappyCodec", NULL };

		CHECK(job_of(props, &j, err, sizeof err) == -1);
	}
}

int
main(void)
{
	unit_module = "sjob";
	RUN(the_job_follows_its_properties);
	RUN(refused_properties_are_named);
	return unit_done();
}
