/* sjob: the job a Streaming job's properties define (see sjob.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "java.h"
#include "msg.h"
#include "sjob.h"
#include "xalloc.h"

/* ---- the job ---- */

/*
 * Properties that change what a job computes and that mr-tools do not
 * implement.  The value NULL means any value; otherwise the property is
 * refused unless its value is one of ALLOWED (class names given with or
 * without their package are compared by their last part).
 */
static const struct {
	const char *name;
	const char *why;
	const char *allowed[5];
} refused[] = {
	{ "textinputformat.record.delimiter", "it changes where records end", { NULL } },
	{ "mapreduce.input.linerecordreader.line.maxlength", "it drops long lines", { NULL } },
	{ "mapreduce.input.pathFilter.class", "it filters the input files", { NULL } },
	{ "io.compression.codecs", "it changes which inputs are compressed", { NULL } },
	{ "stream.recordreader.class", "it changes how input is read (-inputreader)", { NULL } },
	{ "stream.stderr.reporter.prefix", "it changes which stderr lines are counters", { "reporter:" } },
	{ "mapred.input.format.class", "only TextInputFormat is implemented",
	    { "org.apache.hadoop.mapred.TextInputFormat" } },
	{ "mapred.output.format.class", "only TextOutputFormat is implemented",
	    { "org.apache.hadoop.mapred.TextOutputFormat",
	      "org.apache.hadoop.mapred.lib.LazyOutputFormat" } },
	{ "mapreduce.output.lazyoutputformat.outputformat", "only TextOutputFormat is implemented",
	    { "org.apache.hadoop.mapred.TextOutputFormat" } },
	{ "mapred.mapper.class", "a mapper is a command (-mapper)",
	    { "org.apache.hadoop.streaming.PipeMapper" } },
	{ "mapred.map.runner.class", "a mapper is a command (-mapper)",
	    { "org.apache.hadoop.streaming.PipeMapRunner" } },
	{ "mapred.reducer.class", "a reducer is a command, aggregate or the identity",
	    { "org.apache.hadoop.streaming.PipeReducer",
	      "org.apache.hadoop.mapred.lib.IdentityReducer",
	      "org.apache.hadoop.mapred.lib.aggregate.ValueAggregatorReducer" } },
	{ "mapred.combiner.class", "a combiner is a command or aggregate's",
	    { "org.apache.hadoop.streaming.PipeCombiner",
	      "org.apache.hadoop.mapred.lib.aggregate.ValueAggregatorCombiner" } },
	{ "mapreduce.job.output.key.comparator.class", "only KeyFieldBasedComparator is implemented",
	    { "org.apache.hadoop.mapred.lib.KeyFieldBasedComparator",
	      "org.apache.hadoop.mapreduce.lib.partition.KeyFieldBasedComparator",
	      "org.apache.hadoop.io.Text$Comparator" } },
	{ "mapreduce.job.output.group.comparator.class", "only KeyFieldBasedComparator is implemented",
	    { "org.apache.hadoop.mapred.lib.KeyFieldBasedComparator",
	      "org.apache.hadoop.mapreduce.lib.partition.KeyFieldBasedComparator",
	      "org.apache.hadoop.io.Text$Comparator" } },
	{ "mapred.partitioner.class", "only the mapred API's HashPartitioner and KeyFieldBasedPartitioner are implemented",
	    { "org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner",
	      "org.apache.hadoop.mapred.lib.HashPartitioner" } },
	{ "stream.map.input", "only the text format is implemented (-io)", { "text" } },
	{ "stream.map.output", "only the text format is implemented (-io)", { "text" } },
	{ "stream.reduce.input", "only the text format is implemented (-io)", { "text" } },
	{ "stream.reduce.output", "only the text format is implemented (-io)", { "text" } },
	{ "stream.map.input.writer.class", "only the text format is implemented",
	    { "org.apache.hadoop.streaming.io.TextInputWriter" } },
	{ "stream.reduce.input.writer.class", "only the text format is implemented",
	    { "org.apache.hadoop.streaming.io.TextInputWriter" } },
	{ "stream.map.output.reader.class", "only the text format is implemented",
	    { "org.apache.hadoop.streaming.io.TextOutputReader" } },
	{ "stream.reduce.output.reader.class", "only the text format is implemented",
	    { "org.apache.hadoop.streaming.io.TextOutputReader" } },
	{ "mapreduce.output.fileoutputformat.compress.codec", "only DefaultCodec, GzipCodec and BZip2Codec are implemented",
	    { "org.apache.hadoop.io.compress.DefaultCodec",
	      "org.apache.hadoop.io.compress.GzipCodec",
	      "org.apache.hadoop.io.compress.BZip2Codec" } },
};

/*
 * The new API's classes, which a Streaming job (an old, mapred API job)
 * refuses as Hadoop's JobSubmitter does ("incompatible with map
 * compatibility mode"): those of the reduce side only with reducers.
 */
static const struct {
	const char *name;
	int with_reducers;
} new_api[] = {
	{ "mapreduce.job.inputformat.class", 0 },
	{ "mapreduce.job.map.class", 0 },
	{ "mapreduce.job.outputformat.class", 0 },
	{ "mapreduce.job.partitioner.class", 1 },
	{ "mapreduce.job.reduce.class", 1 },
};

/* VALUE is one of the NULL-terminated LIST. */
static int
allowed(const char *value, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(value, *list) == 0)
			return 1;
	return 0;
}

/* The last dotted part of a class name, or the name. */
static const char *
class_base(const char *v)
{
	const char *dot = strrchr(v, '.');

	return dot != NULL ? dot + 1 : v;
}

static int
check_refused(const struct sconf *c, int reduces, char *err, size_t errlen)
{
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		const char *name = c->name[i], *v = c->value[i];

		if (strncmp(name, "stream.recordreader.", 20) == 0) {
			snprintf(err, errlen, "%s: not supported by mr-tools "
			    "(it changes how input is read)", name);
			return -1;
		}
		for (k = 0; k < sizeof new_api / sizeof new_api[0]; k++)
			if (strcmp(name, new_api[k].name) == 0 &&
			    (!new_api[k].with_reducers || reduces > 0)) {
				snprintf(err, errlen, "%s is incompatible with map "
				    "compatibility mode (a Streaming job uses the mapred "
				    "API, as in Hadoop)", name);
				return -1;
			}
		for (k = 0; k < sizeof refused / sizeof refused[0]; k++) {
			if (strcmp(name, refused[k].name) != 0)
				continue;
			if (refused[k].allowed[0] != NULL &&
			    allowed(v, refused[k].allowed))
				break;
			if (strcmp(name, "mapreduce.output.fileoutputformat.compress.codec") == 0 &&
			    !sconf_get_bool(c, "mapreduce.output.fileoutputformat.compress", 0))
				break;	/* a codec without compression: no effect */
			snprintf(err, errlen, "%s=%s: not supported by mr-tools (%s)",
			    name, v, refused[k].why);
			return -1;
		}
	}
	return 0;
}

/* A separator property: any bytes but none, as typed (a copy). */
static int
get_sep(const struct sconf *c, const char *name, const char **out,
    char *err, size_t errlen)
{
	const char *v = sconf_get(c, name);

	*out = xstrdup(v != NULL ? v : "\t");
	if (**out == '\0') {
		snprintf(err, errlen, "%s: an empty separator is not supported", name);
		return -1;
	}
	if (strchr(*out, '\n') != NULL || strchr(*out, '\r') != NULL) {
		snprintf(err, errlen, "%s: a separator cannot hold a line end", name);
		return -1;
	}
	return 0;
}

/* The key field separator and the options of a KeyFieldBased class. */
static int
keyfield_setup(struct keyfield *kf, const struct sconf *c, const char *opts_name,
    char *err, size_t errlen)
{
	const char *sep = sconf_get(c, "mapreduce.map.output.key.field.separator");
	const char *opts = sconf_get(c, opts_name);
	char why[200];

	if (sep == NULL)
		sep = "\t";
	if (keyfield_init(kf, sep, strlen(sep)) < 0) {
		snprintf(err, errlen, "mapreduce.map.output.key.field.separator: "
		    "want 1 to 15 bytes, not '%s'", sep);
		return -1;
	}
	if (opts != NULL && keyfield_parse(kf, opts, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s", opts_name, why);
		keyfield_free(kf);
		return -1;
	}
	return 0;
}

const char *
sjob_codec_ext(enum scodec codec)
{
	switch (codec) {
	case SCODEC_DEFLATE:
		return ".deflate";
	case SCODEC_GZIP:
		return ".gz";
	case SCODEC_BZIP2:
		return ".bz2";
	default:
		return "";
	}
}

/* The number of tasks and the splits: reduces, maps, the block size,
 * the minimum split, recursive input. */
static int
job_tasks(struct sjob *j, const struct sconf *c, char *err, size_t errlen)
{
	int64_t x;

	if (sconf_get_long(c, "mapreduce.job.reduces", 1, 0, 99999, &x, err, errlen) < 0)
		return -1;
	j->reduces = (unsigned)x;
	if (check_refused(c, j->reduces, err, errlen) < 0)
		return -1;
	if (sconf_get_long(c, "mapreduce.job.maps", 2, 0, INT_MAX, &x, err, errlen) < 0)
		return -1;
	j->maps = x > 0 ? (uint64_t)x : 1;
	/* A cluster's block size (HDFS: dfs.blocksize); a local file
	 * system's is fs.local.block.size. */
	if (sconf_get(c, "dfs.blocksize") != NULL || sconf_get(c, "fs.local.block.size") == NULL) {
		if (sconf_get_bytes(c, "dfs.blocksize", 128LL << 20, &x, err, errlen) < 0)
			return -1;
	} else if (sconf_get_long(c, "fs.local.block.size", 0, 1, INT64_MAX, &x, err,
	    errlen) < 0) {
		return -1;
	}
	j->block = (uint64_t)x;
	if (sconf_get_long(c, "mapreduce.input.fileinputformat.split.minsize", 1,
	    INT64_MIN, INT64_MAX, &x, err, errlen) < 0)
		return -1;
	j->minsplit = x > 1 ? (uint64_t)x : 1;
	j->recursive = sconf_get_bool(c, "mapreduce.input.fileinputformat.input.dir.recursive", 0);
	return 0;
}

/* Records: the separators and key field counts of map and reduce
 * output, what a reducer and a mapper read, the final separator. */
static int
job_records(struct sjob *j, const struct sconf *c, char *err, size_t errlen)
{
	const char *v;
	int64_t x;

	if (get_sep(c, "stream.map.output.field.separator", &j->map_sep, err, errlen) < 0 ||
	    get_sep(c, "stream.reduce.output.field.separator", &j->red_sep, err, errlen) < 0 ||
	    get_sep(c, "stream.reduce.input.field.separator", &j->red_in_sep, err, errlen) < 0 ||
	    get_sep(c, "stream.map.input.field.separator", &j->map_in_sep, err, errlen) < 0)
		return -1;
	if ((v = sconf_get(c, "mapreduce.output.textoutputformat.separator")) == NULL)
		v = "\t";
	if (strchr(v, '\n') != NULL || strchr(v, '\r') != NULL) {
		snprintf(err, errlen, "mapreduce.output.textoutputformat.separator: "
		    "a separator cannot hold a line end");
		return -1;
	}
	j->out_sep = xstrdup(v);
	if (sconf_get_long(c, "stream.num.map.output.key.fields", 1, INT_MIN, INT_MAX, &x,
	    err, errlen) < 0)
		return -1;
	j->map_keys = x > 1 ? (int)x : 1;
	if (sconf_get_long(c, "stream.num.reduce.output.key.fields", 1, INT_MIN, INT_MAX, &x,
	    err, errlen) < 0)
		return -1;
	j->red_keys = x > 1 ? (int)x : 1;
	j->ignore_key = sconf_get_bool(c, "stream.map.input.ignoreKey", 1);
	return 0;
}

/* The order: the comparator and the partitioner (KeyFieldBased or
 * by hash). */
static int
job_order(struct sjob *j, const struct sconf *c, char *err, size_t errlen)
{
	const char *v;
	int64_t x;

	/* The sort: KeyFieldBasedComparator only when it is the class. */
	v = sconf_get(c, "mapreduce.job.output.key.comparator.class");
	if (v != NULL && strcmp(class_base(v), "KeyFieldBasedComparator") == 0) {
		if (keyfield_setup(&j->sort, c, "mapreduce.partition.keycomparator.options",
		    err, errlen) < 0)
			return -1;
		if (j->sort.numeric_backwards) {
			snprintf(err, errlen, "mapreduce.partition.keycomparator.options: "
			    "a numeric key specification ends before it starts "
			    "(as -k3,1n): Hadoop's order then depends on the bytes "
			    "after the key");
			return -1;
		}
	} else if (sconf_get(c, "mapreduce.partition.keycomparator.options") != NULL) {
		warn("warning: mapreduce.partition.keycomparator.options does nothing "
		    "without mapreduce.job.output.key.comparator.class="
		    "org.apache.hadoop.mapred.lib.KeyFieldBasedComparator "
		    "(as in Hadoop)");
	}
	v = sconf_get(c, "mapred.partitioner.class");
	if (v != NULL && strcmp(class_base(v), "KeyFieldBasedPartitioner") == 0) {
		j->keyfield_partitioner = 1;
		if (sconf_get(c, "num.key.fields.for.partition") != NULL) {
			/* This old property wins over the options. */
			if (sconf_get_long(c, "num.key.fields.for.partition", 0, INT_MIN,
			    INT_MAX, &x, err, errlen) < 0 ||
			    keyfield_setup(&j->part, c, "num.key.fields.for.partition.none",
			    err, errlen) < 0)
				return -1;
			keyfield_add_fields(&j->part, (int)x);
		} else if (keyfield_setup(&j->part, c,
		    "mapreduce.partition.keypartitioner.options", err, errlen) < 0) {
			return -1;
		}
	} else if (sconf_get(c, "mapreduce.partition.keypartitioner.options") != NULL ||
	    sconf_get(c, "num.key.fields.for.partition") != NULL) {
		warn("warning: %s does nothing without -partitioner "
		    "org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner "
		    "(mapred.partitioner.class), as in Hadoop",
		    sconf_get(c, "num.key.fields.for.partition") != NULL ?
		    "num.key.fields.for.partition" :
		    "mapreduce.partition.keypartitioner.options");
	}
	return 0;
}

/* The output and the reduce side: codec, failures, the identity and
 * aggregate reducers, -lazyOutput, _SUCCESS, the aggregate limit,
 * the truncation of exported values. */
static int
job_output(struct sjob *j, const struct sconf *c, char *err, size_t errlen)
{
	const char *v;
	int64_t x;

	if (sconf_get_bool(c, "mapreduce.output.fileoutputformat.compress", 0)) {
		v = sconf_get(c, "mapreduce.output.fileoutputformat.compress.codec");
		if (v == NULL || strcmp(class_base(v), "DefaultCodec") == 0)
			j->codec = SCODEC_DEFLATE;
		else if (strcmp(class_base(v), "GzipCodec") == 0)
			j->codec = SCODEC_GZIP;
		else
			j->codec = SCODEC_BZIP2;
	}
	j->nonzero_fails = sconf_get_bool(c, "stream.non.zero.exit.is.failure", 1);
	v = sconf_get(c, "mapred.reducer.class");
	if (v != NULL && strcmp(class_base(v), "IdentityReducer") == 0)
		j->reducer = SRED_IDENTITY;
	else if (v != NULL && strcmp(class_base(v), "ValueAggregatorReducer") == 0)
		j->reducer = SRED_AGGREGATE;
	v = sconf_get(c, "mapred.combiner.class");
	j->aggregate_combiner = v != NULL &&
	    strcmp(class_base(v), "ValueAggregatorCombiner") == 0;
	v = sconf_get(c, "mapred.output.format.class");
	j->lazy = v != NULL && strcmp(class_base(v), "LazyOutputFormat") == 0;
	j->mark_success = sconf_get_bool(c, "mapreduce.fileoutputcommitter.marksuccessfuljobs", 1);
	if (sconf_get_long(c, "aggregate.max.num.unique.values", INT64_MAX, INT64_MIN,
	    INT64_MAX, &x, err, errlen) < 0)
		return -1;
	j->uniq_max = x > 0 ? (uint64_t)x : (uint64_t)INT64_MAX;
	if (sconf_get_long(c, "stream.jobconf.truncate.limit", -1, INT_MIN, INT_MAX, &x,
	    err, errlen) < 0)
		return -1;
	j->truncate = x;
	return 0;
}

int
sjob_init(struct sjob *j, const struct sconf *c, char *err, size_t errlen)
{
	memset(j, 0, sizeof *j);
	keyfield_init(&j->sort, "\t", 1);
	keyfield_init(&j->part, "\t", 1);
	if (job_tasks(j, c, err, errlen) < 0 || job_records(j, c, err, errlen) < 0 ||
	    job_order(j, c, err, errlen) < 0 || job_output(j, c, err, errlen) < 0)
		return -1;
	return 0;
}

void
sjob_free(struct sjob *j)
{
	keyfield_free(&j->sort);
	keyfield_free(&j->part);
	free((char *)j->map_sep);
	free((char *)j->red_sep);
	free((char *)j->red_in_sep);
	free((char *)j->map_in_sep);
	free((char *)j->out_sep);
}
