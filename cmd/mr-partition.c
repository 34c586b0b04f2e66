/*
 * mr-partition: route key-value records to N partitions the way Hadoop
 * routes map output to N reducers (HashPartitioner), or by sampled split
 * points for a total order (TotalOrderPartitioner).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "buf.h"
#include "hash.h"
#include "keyfield.h"
#include "kv.h"
#include "msg.h"
#include "out.h"
#include "partout.h"
#include "record.h"
#include "xalloc.h"

static const char usage_text[] =
    "mr-partition -n N [-k K] [-t SEP] [-K POS1[,POS2]]... [-F SEP]\n"
    "                    [-p PREFIX] [--print | --exec CMD]\n"
    "                    [--range FILE | --sample COUNT] [FILE...]";

static const char help_text[] =
    "Write each record to partition PREFIX00000 ... (default part-) chosen by\n"
    "Hadoop's HashPartitioner over its key, as a job with N reducers would.\n"
    "\n"
    "  -n, --partitions N   the number of partitions (reducers)\n"
    "  -k, --key-fields K   the key is the first K fields (default 1)\n"
    "  -t, --separator SEP  the field separator: one byte, \\t or \\0 (default TAB)\n"
    "  -K, --key POS1[,POS2]  partition by these key fields (repeatable)\n"
    "  -F, --key-field-separator SEP  the fields of -K (default TAB)\n"
    "  -p, --prefix PREFIX  partition file names (default part-)\n"
    "  -P, --print          write PARTITION TAB RECORD to stdout instead\n"
    "  -e, --exec CMD       pipe each partition into its own /bin/sh -c CMD\n"
    "  -r, --range FILE     partition by the N-1 sorted split points in FILE\n"
    "  -s, --sample COUNT   print N-1 split points from a sample of COUNT keys\n"
    "  -h, --help           print this help and exit\n"
    "      --version        print the version and exit\n";

static const struct option longopts[] = {
	{ "partitions", required_argument, NULL, 'n' },
	{ "key-fields", required_argument, NULL, 'k' },
	{ "separator", required_argument, NULL, 't' },
	{ "key", required_argument, NULL, 'K' },
	{ "key-field-separator", required_argument, NULL, 'F' },
	{ "prefix", required_argument, NULL, 'p' },
	{ "print", no_argument, NULL, 'P' },
	{ "exec", required_argument, NULL, 'e' },
	{ "range", required_argument, NULL, 'r' },
	{ "sample", required_argument, NULL, 's' },
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* The split points of a total order: partition = number of points <= key. */
struct points {
	struct slice *p;
	size_t n;
};

static struct kvspec spec = KVSPEC_DEFAULT;
static unsigned nparts;
static struct hadoop_partitioner hashpart;
static struct points range;
static int use_range;
static struct keyfield keyspecs;	/* -K: KeyFieldBasedPartitioner */
static char *scratch;			/* its UTF-8 repair */
static size_t scratch_cap;

/* TotalOrderPartitioner's rule: a key equal to a split point goes to the
 * partition after it. */
static unsigned
range_partition(const char *key, size_t len)
{
	size_t lo = 0, hi = range.n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (key_cmp(range.p[mid].p, range.p[mid].len, key, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (unsigned)lo;
}

static inline unsigned
partition_of(struct slice rec)
{
	size_t k = kv_keylen(&spec, rec.p, rec.len);

	if (use_range)
		return range_partition(rec.p, k);
	if (keyfield_active(&keyspecs)) {
		if (3 * k > scratch_cap) {
			scratch_cap = 3 * k + 256;
			free(scratch);
			scratch = xmalloc(scratch_cap);
		}
		return keyfield_partition(&keyspecs, rec.p, k, nparts, scratch);
	}
	return hadoop_partitioner_apply(&hashpart, rec.p, k);
}

/* Load N-1 split points, one key per line, in non-decreasing order. */
static void
load_range(const char *path)
{
	struct reader r;
	struct slice s;
	size_t cap = 0;

	reader_open(&r, path);
	while (reader_next(&r, &s)) {
		ARRAY_RESERVE(range.p, cap, range.n + 1);
		if (range.n > 0 && slice_cmp(range.p[range.n - 1], s) > 0)
			die_at(path, r.line, "split points out of order");
		range.p[range.n].p = xmemdup(s.p, s.len ? s.len : 1);
		range.p[range.n].len = s.len;
		range.n++;
	}
	reader_close(&r);
	if (range.n != nparts - 1)
		die("%s: %zu split points for %u partitions (need %u)", path,
		    range.n, nparts, nparts - 1);
}

/* splitmix64 with a fixed seed: the same sample on every run. */
static uint64_t
rand64(void)
{
	static uint64_t state = 0x6d722d7061727469ULL;
	uint64_t z = (state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
cmp_slices(const void *a, const void *b)
{
	return slice_cmp(*(const struct slice *)a, *(const struct slice *)b);
}

/*
 * --sample: a uniform reservoir sample (Algorithm R) of COUNT keys, sorted;
 * then the split points of Hadoop's InputSampler.writePartitionFile: key
 * number round(i * COUNT / N) for i = 1 .. N-1.  Where Hadoop would repeat
 * a point (many equal keys), the point moves on to the next greater key,
 * so points differ while the sample has enough distinct keys.
 */
static void
run_sample(char **files, int nfiles, uint64_t count, struct out *o)
{
	struct slice *sample = xcalloc(count, sizeof *sample), rec;
	uint64_t seen = 0, j, have;
	struct reader r;
	int f;

	for (f = 0; f < nfiles; f++) {
		reader_open(&r, files[f]);
		while (reader_next(&r, &rec)) {
			size_t k = kv_keylen(&spec, rec.p, rec.len);

			if (seen < count) {
				j = seen;
			} else {
				j = (uint64_t)(((unsigned __int128)rand64() * (seen + 1)) >> 64);
				if (j >= count) {
					seen++;
					continue;
				}
				free(sample[j].p);
			}
			sample[j].p = xmemdup(rec.p, k ? k : 1);
			sample[j].len = k;
			seen++;
		}
		reader_close(&r);
	}
	have = seen < count ? seen : count;
	if (have == 0)
		die("no keys to sample");
	qsort(sample, have, sizeof *sample, cmp_slices);
	{
		double step = (double)have / nparts;
		int64_t last = -1, k;
		unsigned i;

		for (i = 1; i < nparts; i++) {
			k = (int64_t)(step * i + 0.5);
			while (last >= 0 && k < (int64_t)have &&
			    slice_eq(sample[last], sample[k]))
				k++;
			if (k >= (int64_t)have)
				k = (int64_t)have - 1;
			out_write(o, sample[k].p, sample[k].len);
			out_byte(o, '\n');
			last = k;
		}
	}
	for (j = 0; j < have; j++)
		free(sample[j].p);
	free(sample);
}

/* --print: "PARTITION TAB RECORD" lines, flushed whenever input pauses. */
static void
run_print(char **files, int nfiles, struct out *o)
{
	struct reader r;
	struct slice rec;
	int f;

	for (f = 0; f < nfiles; f++) {
		reader_open(&r, files[f]);
		reader_set_idle(&r, out_flush_cb, o);
		while (reader_next(&r, &rec)) {
			out_u64(o, partition_of(rec));
			out_byte(o, '\t');
			out_write(o, rec.p, rec.len);
			out_byte(o, '\n');
		}
		reader_close(&r);
	}
}

/* The hot path: one pass, each record appended to its partition's buffer. */
static void
run_parts(char **files, int nfiles, struct partout *po)
{
	struct reader r;
	struct slice rec;
	int f;

	for (f = 0; f < nfiles; f++) {
		reader_open(&r, files[f]);
		while (reader_next(&r, &rec))
			partout_record(po, partition_of(rec), rec.p, rec.len);
		reader_close(&r);
	}
}

/* --sample or --print: what goes to stdout. */
static void
run_stdout(char **files, int nfiles, uint64_t sample)
{
	struct out o;

	out_init(&o, 1, "standard output");
	if (sample != 0)
		run_sample(files, nfiles, sample, &o);
	else
		run_print(files, nfiles, &o);
	out_close(&o);
}

/* The partitions: files PREFIX0.., or the commands of --exec. */
static int
run_partitions(char **files, int nfiles, const char *prefix,
    const char *exec_cmd)
{
	struct partout po;

	if (exec_cmd != NULL)
		partout_open_exec(&po, nparts, exec_cmd);
	else
		partout_open_files(&po, nparts, prefix);
	run_parts(files, nfiles, &po);
	return partout_close(&po);
}

int
main(int argc, char *argv[])
{
	static char *stdin_only[] = { "-", NULL };
	const char *prefix = "part-", *exec_cmd = NULL, *range_file = NULL;
	struct keyfield_opts ko = { 0 };
	uint64_t sample = 0;
	size_t nspecs;
	int c, print = 0;

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	while ((c = args_next(argc, argv, "n:k:t:K:F:p:Pe:r:s:h", longopts)) != -1) {
		switch (c) {
		case 'n':
			nparts = (unsigned)optarg_number(1, 1000000);
			break;
		case 'k':
			spec.keyfields = optarg_keyfields();
			break;
		case 't':
			spec.sep = optarg_separator();
			break;
		case 'F':
		case 'K':
			optarg_keyfield(&ko, c);
			break;
		case 'p':
			prefix = optarg;
			break;
		case 'P':
			print = 1;
			break;
		case 'e':
			exec_cmd = optarg;
			break;
		case 'r':
			range_file = optarg;
			break;
		case 's':
			sample = optarg_number(1, 1000000000);
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (nparts == 0)
		args_missing("-n N");
	if (print && exec_cmd != NULL)
		args_conflict('P', 'e');
	if (range_file != NULL && sample != 0)
		args_conflict('r', 's');
	if (sample != 0 && (print || exec_cmd != NULL))
		args_conflict('s', print ? 'P' : 'e');
	if (argc == 0) {
		argv = stdin_only;
		argc = 1;
	}
	hadoop_partitioner_init(&hashpart, nparts);
	nspecs = keyfield_opts_make(&ko, &keyspecs, 0, 0);
	if (nspecs > 0 && (range_file != NULL || sample != 0))
		args_conflict('K', range_file != NULL ? 'r' : 's');
	if (range_file != NULL) {
		load_range(range_file);
		use_range = 1;
	}

	if (sample != 0 || print) {
		run_stdout(argv, argc, sample);
		return 0;
	}
	return run_partitions(argv, argc, prefix, exec_cmd);
}
