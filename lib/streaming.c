/* streaming: Hadoop Streaming's rules (see streaming.h). */
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
#include "streaming.h"
#include "streaming_keys.h"
#include "xalloc.h"

/* ---- job properties ---- */

void
sconf_init(struct sconf *c)
{
	memset(c, 0, sizeof *c);
}

void
sconf_free(struct sconf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->name[i]);
		free(c->value[i]);
	}
	free(c->name);
	free(c->value);
	memset(c, 0, sizeof *c);
}

/* Deprecated names that Hadoop's HDFS client knows, beyond the table. */
static const struct {
	const char *old, *name;
} extra_deprecated[] = {
	{ "dfs.block.size", "dfs.blocksize" },
};

const char *
sconf_canonical(const char *name)
{
	size_t lo = 0, hi = sizeof streaming_deprecated /
	    sizeof streaming_deprecated[0], mid, i;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, streaming_deprecated[mid].old);
		if (c == 0)
			return streaming_deprecated[mid].name;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (i = 0; i < sizeof extra_deprecated / sizeof extra_deprecated[0]; i++)
		if (strcmp(name, extra_deprecated[i].old) == 0)
			return extra_deprecated[i].name;
	return name;
}

static long
find(const struct sconf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return (long)i;
	return -1;
}

void
sconf_set(struct sconf *c, const char *name, const char *value)
{
	long i;

	name = sconf_canonical(name);
	if ((i = find(c, name)) >= 0) {
		free(c->value[i]);
		c->value[i] = xstrdup(value);
		return;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->name = xreallocarray(c->name, c->cap, sizeof *c->name);
		c->value = xreallocarray(c->value, c->cap, sizeof *c->value);
	}
	c->name[c->n] = xstrdup(name);
	c->value[c->n] = xstrdup(value);
	c->n++;
}

int
sconf_set_arg(struct sconf *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;

	if (eq == NULL || eq == arg)
		return -1;
	name = xmemdup(arg, (size_t)(eq - arg) + 1);
	name[eq - arg] = '\0';
	sconf_set(c, name, eq + 1);
	free(name);
	return 0;
}

void
sconf_load(struct sconf *c, const char *path)
{
	size_t len = 0, cap = 65536, i, start;
	char *buf = xmalloc(cap);
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		die("%s:", path);
	for (;;) {
		if (len == cap)
			buf = xrealloc(buf, cap *= 2);
		do
			n = read(fd, buf + len, cap - len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			die("%s:", path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	for (i = start = 0; i < len; i++) {
		if (buf[i] != '\0')
			continue;
		if (sconf_set_arg(c, buf + start) < 0)
			die("%s: not a NAME=VALUE entry: %s", path, buf + start);
		start = i + 1;
	}
	if (start < len)
		die("%s: the last entry is not ended by a NUL byte", path);
	free(buf);
}

const char *
sconf_get(const struct sconf *c, const char *name)
{
	long i = find(c, sconf_canonical(name));

	return i < 0 ? NULL : c->value[i];
}

/* ---- typed values, as Hadoop's Configuration reads them ---- */

/* The value of NAME with blanks (Java's trim: bytes <= ' ') cut off. */
static char *
trimmed(const struct sconf *c, const char *name)
{
	const char *v = sconf_get(c, name);
	char *s;
	size_t n;

	if (v == NULL)
		return NULL;
	while (*v != '\0' && (unsigned char)*v <= ' ')
		v++;
	n = strlen(v);
	while (n > 0 && (unsigned char)v[n - 1] <= ' ')
		n--;
	s = xmalloc(n + 1);
	memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

/* getInt/getLong: a decimal (or 0x hexadecimal) number within [MIN, MAX]. */
static int
get_long(const struct sconf *c, const char *name, int64_t def, int64_t min,
    int64_t max, int64_t *out, char *err, size_t errlen)
{
	char *v = trimmed(c, name);
	int64_t x;
	int ok;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	ok = java_parse_long(v, strlen(v), &x) == 0;
	if (!ok && (strncmp(v, "0x", 2) == 0 || strncmp(v, "0X", 2) == 0)) {
		char *end;

		errno = 0;
		x = (int64_t)strtoll(v + 2, &end, 16);
		ok = *end == '\0' && end != v + 2 && errno == 0;
	}
	if (!ok || x < min || x > max) {
		snprintf(err, errlen, "%s: '%s' is not a number from %lld to %lld",
		    name, sconf_get(c, name), (long long)min, (long long)max);
		free(v);
		return -1;
	}
	free(v);
	*out = x;
	return 0;
}

/* getLongBytes: a number with an optional k, m, g, t, p or e (binary). */
static int
get_bytes(const struct sconf *c, const char *name, int64_t def, int64_t *out,
    char *err, size_t errlen)
{
	static const char units[] = "kmgtpe";
	char *v = trimmed(c, name), *u;
	size_t n;
	int64_t x;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	n = strlen(v);
	if (n > 1 && (u = strchr(units, v[n - 1] | 0x20)) != NULL) {
		int shift = 10 * (int)(u - units + 1);

		v[n - 1] = '\0';
		if (java_parse_long(v, n - 1, &x) == 0 && x >= 1 &&
		    x <= INT64_MAX >> shift) {
			*out = x << shift;
			free(v);
			return 0;
		}
	} else if (java_parse_long(v, n, &x) == 0 && x >= 1) {
		*out = x;
		free(v);
		return 0;
	}
	free(v);
	snprintf(err, errlen, "%s: '%s' is not a size in bytes", name,
	    sconf_get(c, name));
	return -1;
}

/* getBoolean: "true" or "false" in any case; anything else is DEF. */
static int
get_bool(const struct sconf *c, const char *name, int def)
{
	char *v = trimmed(c, name);
	int b = def;

	if (v != NULL && strcasecmp(v, "true") == 0)
		b = 1;
	else if (v != NULL && strcasecmp(v, "false") == 0)
		b = 0;
	free(v);
	return b;
}

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
			    !get_bool(c, "mapreduce.output.fileoutputformat.compress", 0))
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

int
sjob_init(struct sjob *j, const struct sconf *c, char *err, size_t errlen)
{
	const char *v;
	int64_t x;

	memset(j, 0, sizeof *j);
	if (get_long(c, "mapreduce.job.reduces", 1, 0, 99999, &x, err, errlen) < 0)
		return -1;
	j->reduces = (unsigned)x;
	if (check_refused(c, j->reduces, err, errlen) < 0)
		return -1;
	if (get_long(c, "mapreduce.job.maps", 2, 0, INT_MAX, &x, err, errlen) < 0)
		return -1;
	j->maps = x > 0 ? (uint64_t)x : 1;
	/* A cluster's block size (HDFS: dfs.blocksize); a local file
	 * system's is fs.local.block.size. */
	if (sconf_get(c, "dfs.blocksize") != NULL || sconf_get(c, "fs.local.block.size") == NULL) {
		if (get_bytes(c, "dfs.blocksize", 128LL << 20, &x, err, errlen) < 0)
			return -1;
	} else if (get_long(c, "fs.local.block.size", 0, 1, INT64_MAX, &x, err,
	    errlen) < 0) {
		return -1;
	}
	j->block = (uint64_t)x;
	if (get_long(c, "mapreduce.input.fileinputformat.split.minsize", 1,
	    INT64_MIN, INT64_MAX, &x, err, errlen) < 0)
		return -1;
	j->minsplit = x > 1 ? (uint64_t)x : 1;
	j->recursive = get_bool(c, "mapreduce.input.fileinputformat.input.dir.recursive", 0);

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
	if (get_long(c, "stream.num.map.output.key.fields", 1, INT_MIN, INT_MAX, &x,
	    err, errlen) < 0)
		return -1;
	j->map_keys = x > 1 ? (int)x : 1;
	if (get_long(c, "stream.num.reduce.output.key.fields", 1, INT_MIN, INT_MAX, &x,
	    err, errlen) < 0)
		return -1;
	j->red_keys = x > 1 ? (int)x : 1;
	j->ignore_key = get_bool(c, "stream.map.input.ignoreKey", 1);

	/* The sort: KeyFieldBasedComparator only when it is the class. */
	keyfield_init(&j->sort, "\t", 1);
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
	keyfield_init(&j->part, "\t", 1);
	v = sconf_get(c, "mapred.partitioner.class");
	if (v != NULL && strcmp(class_base(v), "KeyFieldBasedPartitioner") == 0) {
		j->keyfield_partitioner = 1;
		if (sconf_get(c, "num.key.fields.for.partition") != NULL) {
			/* This old property wins over the options. */
			if (get_long(c, "num.key.fields.for.partition", 0, INT_MIN,
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

	if (get_bool(c, "mapreduce.output.fileoutputformat.compress", 0)) {
		v = sconf_get(c, "mapreduce.output.fileoutputformat.compress.codec");
		if (v == NULL || strcmp(class_base(v), "DefaultCodec") == 0)
			j->codec = SCODEC_DEFLATE;
		else if (strcmp(class_base(v), "GzipCodec") == 0)
			j->codec = SCODEC_GZIP;
		else
			j->codec = SCODEC_BZIP2;
	}
	j->nonzero_fails = get_bool(c, "stream.non.zero.exit.is.failure", 1);
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
	j->mark_success = get_bool(c, "mapreduce.fileoutputcommitter.marksuccessfuljobs", 1);
	if (get_long(c, "aggregate.max.num.unique.values", INT64_MAX, INT64_MIN,
	    INT64_MAX, &x, err, errlen) < 0)
		return -1;
	j->uniq_max = x > 0 ? (uint64_t)x : (uint64_t)INT64_MAX;
	if (get_long(c, "stream.jobconf.truncate.limit", -1, INT_MIN, INT_MAX, &x,
	    err, errlen) < 0)
		return -1;
	j->truncate = x;
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

/* ---- the task environment ---- */

char *
streaming_env_name(char *buf, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name), i = 0, o = 0, k;
	uint32_t cp;

	while (i < n) {
		if ((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= 'a' && p[i] <= 'z')) {
			buf[o++] = (char)p[i++];
			continue;
		}
		k = java_utf8_next(p + i, n - i, &cp);
		buf[o++] = '_';
		if (cp >= 0x10000)	/* two UTF-16 units */
			buf[o++] = '_';
		i += k;
	}
	buf[o] = '\0';
	return buf;
}

struct envb {
	char **v;
	size_t n, cap;
};

/* Set NAME (LEN bytes) to VALUE: replace an earlier setting, or add. */
static void
env_put(struct envb *e, const char *name, size_t len, const char *value,
    size_t vlen)
{
	char *s = xmalloc(len + vlen + 2);
	size_t i;

	memcpy(s, name, len);
	s[len] = '=';
	memcpy(s + len + 1, value, vlen);
	s[len + 1 + vlen] = '\0';
	for (i = 0; i < e->n; i++)
		if (strncmp(e->v[i], s, len + 1) == 0) {
			free(e->v[i]);
			e->v[i] = s;
			return;
		}
	if (e->n + 1 >= e->cap) {
		e->cap = e->cap ? 2 * e->cap : 256;
		e->v = xreallocarray(e->v, e->cap, sizeof *e->v);
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
}

/* A job property into the environment, named and cut as Hadoop does. */
static void
env_prop(struct envb *e, const char *name, const char *value, long limit)
{
	char *n = xmalloc(2 * strlen(name) + 1);
	size_t vlen = strlen(value);

	streaming_env_name(n, name);
	if (limit >= 0 && java_utf16_length(value, vlen) > (size_t)limit) {
		/* value.substring(0, limit): whole characters, in UTF-16 units. */
		size_t i = 0, units = 0, k;
		uint32_t cp;

		while (i < vlen) {
			k = java_utf8_next((const unsigned char *)value + i, vlen - i, &cp);
			if (units + (cp >= 0x10000 ? 2 : 1) > (size_t)limit)
				break;
			units += cp >= 0x10000 ? 2 : 1;
			i += k;
		}
		vlen = i;
	}
	env_put(e, n, strlen(n), value, vlen);
	free(n);
}

static void
env_prop_u64(struct envb *e, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
	env_prop(e, name, buf, -1);
}

char **
streaming_task_env(char **base, const struct sconf *c, const struct sjob *j,
    const struct stask *t)
{
	struct envb e = { NULL, 0, 0 };
	const char *tmpdir = NULL, *ismap = t->kind == 'm' ? "true" : "false";
	const char *core = strncmp(t->job_id, "job_", 4) == 0 ? t->job_id + 4 :
	    t->job_id;
	long limit = j != NULL ? j->truncate : -1;
	char tid[160], aid[160], *w, *s;
	size_t i;

	for (i = 0; base != NULL && base[i] != NULL; i++) {
		const char *eq = strchr(base[i], '=');

		if (eq == NULL)
			continue;
		if (strncmp(base[i], "TMPDIR=", 7) == 0)
			tmpdir = eq + 1;
		env_put(&e, base[i], (size_t)(eq - base[i]), eq + 1, strlen(eq + 1));
	}
	for (i = 0; c != NULL && i < c->n; i++)
		env_prop(&e, c->name[i], c->value[i], limit);
	snprintf(tid, sizeof tid, "task_%s_%c_%06u", core, t->kind, t->number);
	snprintf(aid, sizeof aid, "attempt_%s_%c_%06u_0", core, t->kind, t->number);
	env_prop(&e, "mapreduce.job.id", t->job_id, limit);
	env_prop(&e, "mapred.job.id", t->job_id, limit);
	env_prop(&e, "mapreduce.task.id", tid, limit);
	env_prop(&e, "mapred.tip.id", tid, limit);
	env_prop(&e, "mapreduce.task.attempt.id", aid, limit);
	env_prop(&e, "mapred.task.id", aid, limit);
	env_prop_u64(&e, "mapreduce.task.partition", t->number);
	env_prop_u64(&e, "mapred.task.partition", t->number);
	env_prop(&e, "mapreduce.task.ismap", ismap, limit);
	env_prop(&e, "mapred.task.is.map", ismap, limit);
	if (t->kind == 'm' && t->input != NULL) {
		char *uri = xmalloc(strlen(t->input) + 6);

		sprintf(uri, "file:%s", t->input);
		env_prop(&e, "mapreduce.map.input.file", uri, limit);
		env_prop(&e, "map.input.file", uri, limit);
		env_prop_u64(&e, "mapreduce.map.input.start", t->start);
		env_prop_u64(&e, "map.input.start", t->start);
		env_prop_u64(&e, "mapreduce.map.input.length", t->length);
		env_prop_u64(&e, "map.input.length", t->length);
		free(uri);
	}
	/* -cmdenv, as PipeMapRed.addEnvironment splits them. */
	if (c != NULL && (s = (char *)sconf_get(c, "stream.addenvironment")) != NULL) {
		char *copy = xstrdup(s), *save = NULL;

		for (w = strtok_r(copy, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(w, '=');

			if (eq != NULL)
				env_put(&e, w, (size_t)(eq - w), eq + 1, strlen(eq + 1));
		}
		free(copy);
	}
	if (tmpdir != NULL)
		env_put(&e, "TMPDIR", 6, tmpdir, strlen(tmpdir));
	if (e.v == NULL) {
		e.v = xcalloc(1, sizeof *e.v);
	}
	return e.v;
}

void
streaming_env_free(char **env)
{
	size_t i;

	for (i = 0; env != NULL && env[i] != NULL; i++)
		free(env[i]);
	free(env);
}

/* ---- LineReader over a pipe ---- */

#define NO_CR SIZE_MAX

void
slines_init(struct slines *l, int fd, const char *name)
{
	memset(l, 0, sizeof *l);
	l->fd = fd;
	l->name = name;
	l->cap = 1 << 20;
	l->buf = xmalloc(l->cap);
	l->cr = NO_CR;
}

void
slines_free(struct slines *l)
{
	free(l->buf);
	l->buf = NULL;
}

static size_t
slines_cr(struct slines *l)
{
	size_t from;
	char *q;

	if (l->cr != NO_CR)
		return l->cr;
	from = l->crdone > l->start ? l->crdone : l->start;
	if (from >= l->end)
		return NO_CR;
	q = memchr(l->buf + from, '\r', l->end - from);
	if (q == NULL) {
		l->crdone = l->end;
		return NO_CR;
	}
	l->cr = (size_t)(q - l->buf);
	l->crdone = l->cr + 1;
	return l->cr;
}

static void
slines_fill(struct slines *l)
{
	ssize_t n;

	if (l->start > 0) {	/* keep only the partial line */
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		if (l->cr != NO_CR)
			l->cr -= l->start;
		l->crdone = l->crdone > l->start ? l->crdone - l->start : 0;
		l->nldone = l->nldone > l->start ? l->nldone - l->start : 0;
		l->end -= l->start;
		l->start = 0;
	}
	if (l->end == l->cap) {
		l->cap *= 2;
		l->buf = xrealloc(l->buf, l->cap);
	}
	do
		n = read(l->fd, l->buf + l->end, l->cap - l->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s: read error:", l->name);
	if (n == 0)
		l->eof = 1;
	else
		l->end += (size_t)n;
}

int
slines_next(struct slines *l, struct slice *line)
{
	for (;;) {
		char *p = l->buf + l->start;
		size_t avail = l->end - l->start;
		size_t from = l->nldone > l->start ? l->nldone : l->start;
		char *nl = from < l->end ? memchr(l->buf + from, '\n', l->end - from) : NULL;
		size_t stop = nl != NULL ? (size_t)(nl - l->buf) : l->end;
		size_t cr = slines_cr(l);

		if (cr != NO_CR && cr < stop) {
			/* A '\r' ends the line, with the '\n' right after it
			 * if there is one: wait for the next byte to know. */
			if (cr + 1 < l->end || l->eof) {
				line->p = p;
				line->len = cr - l->start;
				l->start = cr + 1;
				if (l->start < l->end && l->buf[l->start] == '\n')
					l->start++;
				l->cr = NO_CR;
				l->n++;
				return 1;
			}
		} else if (nl != NULL) {
			line->p = p;
			line->len = stop - l->start;
			l->start = stop + 1;
			l->n++;
			return 1;
		} else if (l->eof) {
			if (avail == 0)
				return 0;
			line->p = p;
			line->len = avail;
			l->start = l->end;
			l->n++;
			return 1;
		}
		l->nldone = stop;
		slines_fill(l);
	}
}

/* ---- key and value ---- */

void
scollect_init(struct scollect *c, const char *sep, int keys)
{
	c->sep = sep;
	c->seplen = strlen(sep);
	c->keys = keys > 1 ? keys : 1;
}

size_t
scollect_keylen(const struct scollect *c, const char *p, size_t len)
{
	size_t off = 0;
	int k = c->keys;

	for (;;) {
		const char *q = c->seplen == 1 ?
		    memchr(p + off, c->sep[0], len - off) :
		    memmem(p + off, len - off, c->sep, c->seplen);

		if (q == NULL)
			return len;
		if (--k == 0)
			return (size_t)(q - p);
		off = (size_t)(q - p) + c->seplen;
	}
}

/* ---- stages and counters ---- */

static const struct {
	const char *name, *command;
} stages[] = {
	[SSTAGE_SETUP] = { "setup", "" },
	[SSTAGE_SPLIT] = { "split", "" },
	[SSTAGE_MAPPER] = { "mapper", "mapper" },
	[SSTAGE_MAPPER_STOPPED] = { "stopped", "mapper" },
	[SSTAGE_SORT] = { "sort", "" },
	[SSTAGE_COMBINER] = { "combiner", "combiner" },
	[SSTAGE_COMBINER_STOPPED] = { "cstopped", "combiner" },
	[SSTAGE_PARTITION] = { "partition", "" },
	[SSTAGE_MERGE] = { "merge", "" },
	[SSTAGE_REDUCER] = { "reducer", "reducer" },
	[SSTAGE_REDUCER_STOPPED] = { "rstopped", "reducer" },
	[SSTAGE_AGGREGATE] = { "aggregate", "reducer" },
	[SSTAGE_OUTPUT] = { "output", "" },
};

const char *
streaming_stage_name(enum sstage s)
{
	return stages[s].name;
}

const char *
streaming_stage_command(enum sstage s)
{
	return stages[s].command;
}

/* "exit status 3", or "killed by signal 9 (SIGKILL)". */
static void
describe_code(int code, char *buf, size_t size)
{
	if (code > 256 && code < 256 + NSIG) {
		const char *abbrev = sigabbrev_np(code - 256);

		if (abbrev != NULL)
			snprintf(buf, size, "killed by signal %d (SIG%s)", code - 256,
			    abbrev);
		else
			snprintf(buf, size, "killed by signal %d", code - 256);
	} else {
		snprintf(buf, size, "exit status %d", code);
	}
}

void
streaming_describe(enum sstage s, int code, char *buf, size_t size)
{
	char how[64];

	describe_code(code, how, sizeof how);
	switch (s) {
	case SSTAGE_MAPPER:
	case SSTAGE_COMBINER:
	case SSTAGE_REDUCER:
		snprintf(buf, size, "%s %s", stages[s].command, how);
		break;
	case SSTAGE_MAPPER_STOPPED:
	case SSTAGE_COMBINER_STOPPED:
	case SSTAGE_REDUCER_STOPPED:
		snprintf(buf, size, "%s stopped reading its input (Broken pipe)",
		    stages[s].command);
		break;
	case SSTAGE_MERGE:
		snprintf(buf, size, "merging the map outputs failed: %s", how);
		break;
	case SSTAGE_AGGREGATE:
		snprintf(buf, size, "the aggregate reducer failed");
		break;
	default:
		snprintf(buf, size, "%s failed: %s", stages[s].name, how);
		break;
	}
}

static const struct {
	const char *group, *name;
} counters[SC_COUNT] = {
	[SC_MAP_IN] = { "Map-Reduce Framework", "Map input records" },
	[SC_MAP_OUT] = { "Map-Reduce Framework", "Map output records" },
	[SC_COMBINE_IN] = { "Map-Reduce Framework", "Combine input records" },
	[SC_COMBINE_OUT] = { "Map-Reduce Framework", "Combine output records" },
	[SC_REDUCE_GROUPS] = { "Map-Reduce Framework", "Reduce input groups" },
	[SC_REDUCE_IN] = { "Map-Reduce Framework", "Reduce input records" },
	[SC_REDUCE_OUT] = { "Map-Reduce Framework", "Reduce output records" },
	[SC_BYTES_READ] = { "File Input Format Counters", "Bytes Read" },
	[SC_BYTES_WRITTEN] = { "File Output Format Counters", "Bytes Written" },
};

const char *
streaming_counter_group(enum scounter c)
{
	return counters[c].group;
}

const char *
streaming_counter_name(enum scounter c)
{
	return counters[c].name;
}
