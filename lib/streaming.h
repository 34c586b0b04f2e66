/*
 * streaming: the rules of Hadoop Streaming (hadoop-streaming 3.1.3), in one
 * place for mr-task, mr-job, mr-map and mr-partition.  Each rule below is
 * Hadoop's; where mr-tools differ, it says so.
 *
 * Job properties.  A job is configured by NAME=VALUE properties (-D,
 * -jobconf).  A deprecated name (mapred.reduce.tasks) is stored under the
 * name that replaces it (mapreduce.job.reduces), as Hadoop's Configuration
 * stores it, so either name sets the same property and the later setting
 * wins.  Values are taken as typed: "\t" is a backslash and a t, not a TAB.
 * Numbers are Java's (Integer.parseInt after trimming blanks); a boolean
 * is "true" or "false" in any case, anything else is the default.
 *
 * Never silent.  A property that changes what the job computes is either
 * implemented or refused with an error that names it (another input or
 * output format, a record delimiter, a Java mapper class, ...).  Any other
 * property, a user's own included, changes nothing here and is passed on
 * to the tasks' environment.
 *
 * The task environment (PipeMapRed.addJobConfToEnvironment).  Every job
 * property is exported with each UTF-16 unit of its name outside
 * [0-9A-Za-z] turned into '_' (mapreduce.task.id -> mapreduce_task_id),
 * values cut to stream.jobconf.truncate.limit characters when that is set.
 * The task's own properties follow: mapreduce.task.id and
 * mapreduce.task.attempt.id, mapreduce.task.partition,
 * mapreduce.task.ismap, for a map task mapreduce.map.input.file (a file:
 * URI), .start and .length, each also under its old name (mapred.tip.id,
 * mapred.task.id, mapred.task.partition, mapred.task.is.map,
 * map.input.file, ...), as Hadoop sets them.  Last come the -cmdenv
 * variables, from stream.addenvironment: words split at spaces, each
 * NAME=VALUE at its first '=' (so a value cannot hold a space, as in
 * Hadoop), and TMPDIR.  Hadoop also exports the hundreds of defaults of
 * its configuration; mr-tools export only what the job sets.
 *
 * Reading a command's output (LineReader): a line ends at "\n", "\r\n" or
 * a lone "\r"; the end of the output ends a last line without one.
 *
 * Key and value (TextOutputReader): the key is everything before the K-th
 * separator, the value everything after it; a line with fewer separators
 * is all key with an empty value.  The separator may be several bytes.
 * Mapper lines use stream.map.output.field.separator and
 * stream.num.map.output.key.fields; reducer and combiner lines (a combiner
 * is a reducer to Streaming) stream.reduce.output.field.separator and
 * stream.num.reduce.output.key.fields.  Defaults TAB and 1.
 *
 * Writing to a command (TextInputWriter): a mapper gets each input line
 * and "\n" (with stream.map.input.ignoreKey=false, the line's byte offset
 * and stream.map.input.field.separator first); a reducer or combiner gets
 * "key SEP value\n" with SEP stream.reduce.input.field.separator (TAB).
 *
 * Final output (TextOutputFormat): "key SEP value\n" with SEP
 * mapreduce.output.textoutputformat.separator (TAB), the separator also
 * when the value is empty.  A reducer with no input is still started, but
 * what it writes is discarded (PipeMapRed.waitOutputThreads).  With
 * LazyOutputFormat (-lazyOutput) a task that writes no line makes no part
 * file.
 *
 * Between the tasks (mr-tools' own format): a map output record is
 * "key \r value"; a '\r' cannot occur in a key or a value, which come from
 * lines, so any separator and any key field count survive the sort and
 * the merge unchanged.
 *
 * Groups: a reducer's (and a combiner's) values are grouped by keys of
 * equal bytes, whatever the comparator: the mapred API groups with the
 * comparator's compare(Object, Object), which KeyFieldBasedComparator
 * leaves to Text.compareTo (Task.ValuesIterator).  This counts "Reduce
 * input groups" and the groups of the aggregate package.
 *
 * Counters: a task reports Hadoop's built-in counters under their names
 * (group "Map-Reduce Framework" and the file counters) and the commands'
 * own reporter:counter lines (lib/reporter).
 */
#ifndef MR_STREAMING_H
#define MR_STREAMING_H

#include <stddef.h>
#include <stdint.h>

#include "keyfield.h"
#include "record.h"

/* ---- job properties ---- */

struct sconf {
	char **name, **value;	/* in the order first set */
	size_t n, cap;
};

void sconf_init(struct sconf *c);
void sconf_free(struct sconf *c);

/* sconf_canonical: the name that NAME stands for (itself, unless deprecated). */
const char *sconf_canonical(const char *name);

/* sconf_set: set property NAME (or the property it is a deprecated name of). */
void sconf_set(struct sconf *c, const char *name, const char *value);

/*
 * sconf_set_arg: a "NAME=VALUE" argument (-D, -jobconf).  Returns 0, or -1
 * when ARG has no '=' or an empty name.
 */
int sconf_set_arg(struct sconf *c, const char *arg);

/*
 * sconf_load: add the properties of a job file: NAME=VALUE entries, each
 * ended by a NUL byte (as mr-job writes them).  Fatal on a read error.
 */
void sconf_load(struct sconf *c, const char *path);

/* sconf_get: the value of NAME (by any of its names), or NULL. */
const char *sconf_get(const struct sconf *c, const char *name);

/* ---- the job, as its properties define it ---- */

enum scodec { SCODEC_NONE, SCODEC_DEFLATE, SCODEC_GZIP, SCODEC_BZIP2 };
enum sreducer { SRED_COMMAND, SRED_IDENTITY, SRED_AGGREGATE };

struct sjob {
	unsigned reduces;		/* mapreduce.job.reduces (default 1) */
	uint64_t maps;			/* mapreduce.job.maps, the split goal (2) */
	uint64_t block;			/* dfs.blocksize / fs.local.block.size */
	uint64_t minsplit;		/* ...split.minsize */
	int recursive;			/* ...input.dir.recursive */
	const char *map_sep, *red_sep;	/* output field separators */
	int map_keys, red_keys;		/* key field counts */
	const char *red_in_sep;		/* what a reducer reads between key and value */
	const char *map_in_sep;		/* with ignore_key == 0 */
	int ignore_key;			/* stream.map.input.ignoreKey */
	const char *out_sep;		/* textoutputformat.separator */
	struct keyfield sort;		/* the key comparator (inactive: bytes) */
	struct keyfield part;		/* the KeyFieldBasedPartitioner's */
	int keyfield_partitioner;	/* else HashPartitioner */
	enum scodec codec;		/* output compression */
	int nonzero_fails;		/* stream.non.zero.exit.is.failure */
	enum sreducer reducer;		/* the reduce side when it is not a command */
	int aggregate_combiner;		/* ValueAggregatorCombiner */
	int lazy;			/* LazyOutputFormat */
	int mark_success;		/* write _SUCCESS */
	uint64_t uniq_max;		/* aggregate.max.num.unique.values */
	long truncate;			/* stream.jobconf.truncate.limit, -1: none */
};

/*
 * sjob_init: the job of the properties C (it keeps copies of what it needs).
 * Returns 0, or -1 with a message naming the property in ERR: a property
 * that is refused, or a value that Hadoop would reject or mr-tools do not
 * implement.  Free it with sjob_free, also after a failure.
 */
int sjob_init(struct sjob *j, const struct sconf *c, char *err, size_t errlen);

void sjob_free(struct sjob *j);

/* sjob_codec_ext: the part file extension of CODEC ("" for none). */
const char *sjob_codec_ext(enum scodec codec);

/* ---- the task environment ---- */

/*
 * streaming_env_name: NAME as Hadoop exports it: each UTF-16 unit outside
 * [0-9A-Za-z] replaced by '_'.  BUF holds strlen(NAME) + 1 bytes.
 */
char *streaming_env_name(char *buf, const char *name);

struct stask {
	const char *job_id;	/* "job_local_0001" */
	char kind;		/* 'm' or 'r' */
	unsigned number;
	const char *input;	/* map: the input file (absolute path), or NULL */
	uint64_t start, length;	/* map: the split */
};

/*
 * streaming_task_env: the environment of a task's commands: BASE (the
 * NULL-terminated environment mr-task got), the job's properties C (may be
 * NULL), the task's own properties T, stream.addenvironment, and TMPDIR
 * from BASE last.  A variable set twice keeps its last value.  The result
 * is NULL-terminated and xmalloc'd; free it with streaming_env_free.
 */
char **streaming_task_env(char **base, const struct sconf *c,
    const struct sjob *j, const struct stask *t);

void streaming_env_free(char **env);

/* ---- reading a command's output: Hadoop's LineReader over a pipe ---- */

/*
 * Lines end at "\n", "\r\n" or a lone "\r".  Lines are slices into the
 * buffer, valid until the next call.  The next '\r' is looked for once per
 * stretch of the buffer, so output without one costs a memchr per line.
 */
struct slines {
	int fd;
	const char *name;	/* for messages */
	char *buf;
	size_t cap, start, end;
	size_t cr;		/* the first '\r' at or after start, or SIZE_MAX */
	size_t crdone;		/* [start, crdone) holds no '\r' but cr */
	size_t nldone;		/* [start, nldone) holds no '\n': a long line
				 * is not scanned again after each read */
	int eof;
	uint64_t n;		/* lines returned */
};

void slines_init(struct slines *l, int fd, const char *name);
void slines_free(struct slines *l);

/* slines_next: the next line in *LINE; 0 at the end.  Fatal on a read error. */
int slines_next(struct slines *l, struct slice *line);

/* ---- key and value of a command's output line ---- */

struct scollect {
	const char *sep;
	size_t seplen;
	int keys;
};

void scollect_init(struct scollect *c, const char *sep, int keys);

/*
 * scollect_keylen: the length of the key of the line P[0..LEN).  The value
 * starts at key + seplen when the key is shorter than the line, else it is
 * empty.
 */
size_t scollect_keylen(const struct scollect *c, const char *p, size_t len);

/* ---- a task's fate: stages and counters ---- */

enum sstage {
	SSTAGE_SETUP, SSTAGE_SPLIT, SSTAGE_MAPPER, SSTAGE_MAPPER_STOPPED,
	SSTAGE_SORT, SSTAGE_COMBINER, SSTAGE_COMBINER_STOPPED, SSTAGE_PARTITION,
	SSTAGE_MERGE, SSTAGE_REDUCER, SSTAGE_REDUCER_STOPPED, SSTAGE_AGGREGATE,
	SSTAGE_OUTPUT
};

/* streaming_stage_name: the stage's word in a task's status file. */
const char *streaming_stage_name(enum sstage s);

/*
 * streaming_stage_command: the command a failure of the stage is blamed
 * on: "mapper", "combiner", "reducer", or "" (the framework's own work).
 */
const char *streaming_stage_command(enum sstage s);

/*
 * streaming_describe: what happened, in the words mr-job prints after
 * "task ... failed: ": "mapper exit status 3", "reducer killed by signal
 * 9 (SIGKILL)", "mapper stopped reading its input (Broken pipe)", ...
 * CODE is the stage's exit status, or 256 + N for signal N (the shell's
 * 128 + N would read an exit status of 130 as SIGINT).
 */
void streaming_describe(enum sstage s, int code, char *buf, size_t size);

enum scounter {
	SC_MAP_IN, SC_MAP_OUT, SC_COMBINE_IN, SC_COMBINE_OUT, SC_REDUCE_GROUPS,
	SC_REDUCE_IN, SC_REDUCE_OUT, SC_BYTES_READ, SC_BYTES_WRITTEN, SC_COUNT
};

/* streaming_counter_group / _name: Hadoop's group and name of a counter. */
const char *streaming_counter_group(enum scounter c);
const char *streaming_counter_name(enum scounter c);

#endif
