/*
 * Unit tests of lib/streaming: job properties and the job they define,
 * the task environment, the pipe line reader, key and value, stages and
 * counters.  Each rule in the header has a table here.
 */
#include "unit.h"
#include "streaming.h"

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

static void
env_names_are_mangled_per_utf16_unit(void)
{
	static const struct {
		const char *name, *env;
	} t[] = {
		{ "mapreduce.task.id", "mapreduce_task_id" },
		{ "my.custom-prop", "my_custom_prop" },
		{ "caf\xc3\xa9.x", "caf__x" },
		{ "\xf0\x9f\x98\x80.x", "___x" },	/* a surrogate pair: two units */
		{ "A9z", "A9z" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK_STR(streaming_env_name(buf, t[i].name), t[i].env);
}

static const char *
env_get(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static void
the_task_environment_is_hadoops(void)
{
	char *base[] = { "PATH=/bin", "TMPDIR=/t", "my_prop=old", NULL };
	struct sconf c;
	struct sjob j;
	struct stask t = { "job_local_0007", 'm', 3, "/d/in.txt", 10, 20 };
	char err[128], **env;

	sconf_init(&c);
	sconf_set(&c, "my.prop", "new");
	sconf_set(&c, "long.value", "abcdefgh");
	sconf_set(&c, "stream.addenvironment", "HADOOP_ROOT_LOGGER= A=1 B=two words TMPDIR=/x");
	CHECK(sjob_init(&j, &c, err, sizeof err) == 0);
	env = streaming_task_env(base, &c, &j, &t);
	CHECK_STR(env_get(env, "PATH"), "/bin");
	CHECK_STR(env_get(env, "my_prop"), "new");	/* the job's wins */
	CHECK_STR(env_get(env, "long_value"), "abcdefgh");
	CHECK_STR(env_get(env, "mapreduce_task_id"), "task_local_0007_m_000003");
	CHECK_STR(env_get(env, "mapred_tip_id"), "task_local_0007_m_000003");
	CHECK_STR(env_get(env, "mapreduce_task_attempt_id"), "attempt_local_0007_m_000003_0");
	CHECK_STR(env_get(env, "mapred_task_id"), "attempt_local_0007_m_000003_0");
	CHECK_STR(env_get(env, "mapreduce_task_partition"), "3");
	CHECK_STR(env_get(env, "mapreduce_task_ismap"), "true");
	CHECK_STR(env_get(env, "map_input_file"), "file:/d/in.txt");
	CHECK_STR(env_get(env, "mapreduce_map_input_start"), "10");
	CHECK_STR(env_get(env, "map_input_length"), "20");
	CHECK_STR(env_get(env, "HADOOP_ROOT_LOGGER"), "");
	CHECK_STR(env_get(env, "A"), "1");
	CHECK_STR(env_get(env, "B"), "two");	/* a value ends at a space */
	CHECK(env_get(env, "words") == NULL);
	CHECK_STR(env_get(env, "TMPDIR"), "/t");	/* last, from the base */
	streaming_env_free(env);
	sjob_free(&j);
	/* stream.jobconf.truncate.limit cuts every value, the task's too, in
	 * characters (UTF-16 units). */
	sconf_set(&c, "stream.jobconf.truncate.limit", "5");
	sconf_set(&c, "wide", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	CHECK(sjob_init(&j, &c, err, sizeof err) == 0);
	env = streaming_task_env(base, &c, &j, &t);
	CHECK_STR(env_get(env, "long_value"), "abcde");
	CHECK_STR(env_get(env, "wide"), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	CHECK_STR(env_get(env, "mapreduce_task_id"), "task_");
	streaming_env_free(env);
	t.kind = 'r';
	t.input = NULL;
	env = streaming_task_env(NULL, NULL, NULL, &t);
	CHECK_STR(env_get(env, "mapred_task_is_map"), "false");
	CHECK(env_get(env, "map_input_file") == NULL);
	streaming_env_free(env);
	sjob_free(&j);
	sconf_free(&c);
}

static void
command_lines_end_as_hadoops_line_reader_ends_them(void)
{
	static const struct {
		const char *in, *lines;		/* lines joined by '|' */
		size_t step;
	} t[] = {
		{ "a\nb\n", "a|b", 1 },
		{ "a\r\nb", "a|b", 1 },
		{ "a\rb\r", "a|b", 1 },
		{ "\n\n", "|", 3 },
		{ "a\r\r\nb", "a||b", 1 },
		{ "x\r", "x", 1 },
		{ "long line\r\nend\n", "long line|end", 2 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct unit_trickle tr;
		struct slines l;
		struct slice line;
		char got[64] = "";
		int fds[2];

		CHECK(pipe(fds) == 0);
		unit_trickle_start(&tr, fds[1], t[i].in, strlen(t[i].in), t[i].step);
		slines_init(&l, fds[0], "test");
		while (slines_next(&l, &line)) {
			if (l.n > 1)
				strcat(got, "|");
			strncat(got, line.p, line.len);
		}
		slines_free(&l);
		unit_trickle_join(&tr);
		close(fds[0]);
		CHECK_STR(got, t[i].lines);
	}
}

static void
keys_end_at_the_kth_separator_of_any_length(void)
{
	static const struct {
		const char *sep;
		int keys;
		const char *line;
		size_t keylen;
	} t[] = {
		{ "\t", 1, "a\tb\tc", 1 },
		{ "\t", 2, "a\tb\tc", 3 },
		{ "\t", 3, "a\tb\tc", 5 },	/* fewer separators: all key */
		{ "::", 1, "a::b", 1 },
		{ "::", 2, "a::b::c", 4 },
		{ "::", 1, "a:b", 3 },
		{ ",", 0, "x,y", 1 },		/* 0 counts as 1 */
		{ "\t", 1, "", 0 },
	};
	struct scollect c;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		scollect_init(&c, t[i].sep, t[i].keys);
		CHECK(scollect_keylen(&c, t[i].line, strlen(t[i].line)) == t[i].keylen);
	}
}

static void
stages_are_described_in_words(void)
{
	static const struct {
		enum sstage s;
		int code;
		const char *name, *command, *words;
	} t[] = {
		{ SSTAGE_MAPPER, 3, "mapper", "mapper", "mapper exit status 3" },
		{ SSTAGE_REDUCER, 256 + 9, "reducer", "reducer", "reducer killed by signal 9 (SIGKILL)" },
		{ SSTAGE_MAPPER, 137, "mapper", "mapper", "mapper exit status 137" },
		{ SSTAGE_MAPPER_STOPPED, 256 + 13, "stopped", "mapper", "mapper stopped reading its input (Broken pipe)" },
		{ SSTAGE_COMBINER_STOPPED, 256 + 13, "cstopped", "combiner", "combiner stopped reading its input (Broken pipe)" },
		{ SSTAGE_MERGE, 1, "merge", "", "merging the map outputs failed: exit status 1" },
		{ SSTAGE_SORT, 1, "sort", "", "sort failed: exit status 1" },
	};
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		CHECK_STR(streaming_stage_name(t[i].s), t[i].name);
		CHECK_STR(streaming_stage_command(t[i].s), t[i].command);
		streaming_describe(t[i].s, t[i].code, buf, sizeof buf);
		CHECK_STR(buf, t[i].words);
	}
	CHECK_STR(streaming_counter_name(SC_REDUCE_GROUPS), "Reduce input groups");
	CHECK_STR(streaming_counter_group(SC_BYTES_READ), "File Input Format Counters");
}

int
main(void)
{
	unit_module = "streaming";
	RUN(deprecated_names_are_stored_under_their_new_names);
	RUN(the_job_follows_its_properties);
	RUN(refused_properties_are_named);
	RUN(env_names_are_mangled_per_utf16_unit);
	RUN(the_task_environment_is_hadoops);
	RUN(command_lines_end_as_hadoops_line_reader_ends_them);
	RUN(keys_end_at_the_kth_separator_of_any_length);
	RUN(stages_are_described_in_words);
	return unit_done();
}
