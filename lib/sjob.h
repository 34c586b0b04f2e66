/*
 * sjob: the job that a Streaming job's properties define: its reduces,
 * splits, separators, key fields, comparator and partitioner, codec and
 * reducer; a property that would change the result and is not implemented
 * is refused by name (see streaming.h for the rules).
 */
#ifndef MR_SJOB_H
#define MR_SJOB_H

#include <stddef.h>
#include <stdint.h>

#include "keyfield.h"
#include "sconf.h"


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

#endif
