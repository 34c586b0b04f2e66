/* mr-sort: sort key-value records in Hadoop's key order, in memory or by
 * external merge. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "extsort.h"
#include "keyfield.h"
#include "kv.h"
#include "merge.h"
#include "msg.h"
#include "out.h"
#include "record.h"
#include "sortrec.h"
#include "tmpfile.h"
#include "xalloc.h"

static const char usage_text[] =
    "mr-sort [-cmnrsuV] [-k K] [-t SEP] [-K POS1[,POS2]]... [-F SEP] [-S SIZE]\n"
    "               [-T DIR] [-P N] [-o FILE] [FILE...]";

static const char help_text[] =
    "Sort key-value records in Hadoop's key order (LC_ALL=C sort -t TAB -k1,1 -s),\n"
    "in memory or by external merge.\n"
    "\n"
    "  -c, --check                  check that FILE is sorted; show the first disorder\n"
    "  -k, --key-fields K           the key is the first K fields (default 1)\n"
    "  -K, --key POS1[,POS2]        order by these fields of the key, as Hadoop's\n"
    "                               KeyFieldBasedComparator (repeatable)\n"
    "  -F, --key-field-separator SEP  the fields of -K (default TAB)\n"
    "  -m, --merge                  merge FILEs that are already sorted\n"
    "  -n, --numeric                order keys by numeric value\n"
    "  -o, --output FILE            write FILE (replaced at the end) instead of stdout\n"
    "  -P, --parallel N             sort with N threads (default: one per CPU, at most 8)\n"
    "  -r, --reverse                reverse the order\n"
    "  -S, --buffer-size SIZE       memory for records (default: RAM/2, 16M to 4G)\n"
    "  -s, --stable                 accepted; the sort is always stable\n"
    "  -T, --temporary-directory DIR  temporary runs in DIR (default: $TMPDIR, /tmp)\n"
    "  -t, --separator SEP          the field separator: one byte, \\t or \\0 (default TAB)\n"
    "  -u, --unique                 only the first record of each key\n"
    "  -V, --by-value               order records of equal keys by their values\n"
    "  -h, --help                   print this help and exit\n"
    "      --version                print the version and exit\n";

#define MAX_THREADS 8
#define MIN_BUDGET ((uint64_t)64 << 10)

static struct sortorder order = { .kv = { 1, '\t' } };
static struct keyfield keyspecs;	/* -K: Hadoop's KeyFieldBasedComparator */
static int unique;
static int threads;
static uint64_t budget;
static const char *tmpdir;

/* All FILES sorted together into OUT. */
static void
sort_files(char **files, int nfiles, struct out *out)
{
	struct extsort es;
	int i, fd;

	extsort_init(&es, &order, budget, threads, tmpdir, unique);
	for (i = 0; i < nfiles; i++) {
		fd = 0;
		if (strcmp(files[i], "-") != 0 &&
		    (fd = open(files[i], O_RDONLY | O_CLOEXEC)) < 0)
			die("%s:", files[i]);
		extsort_load(&es, fd, files[i]);
		if (fd != 0)
			close(fd);
	}
	extsort_write(&es, out);
	extsort_free(&es);
}

static void
check_file(const char *name)
{
	struct merge m;
	struct slice rec;

	merge_open(&m, &order, 1, &name, NULL,
	    unique ? MERGE_CHECK_STRICT : MERGE_CHECK, 0);
	while (merge_next(&m, &rec))
		;
	merge_close(&m);
}

/* Open the output: FILE via a temporary beside it (FILE may be an input),
 * a device or FIFO directly, or standard output.  *TMP: the temporary. */
static void
open_output(struct out *o, const char *file, const char **tmp)
{
	struct stat st;
	int fd;

	*tmp = NULL;
	if (file == NULL) {
		out_init(o, 1, "standard output");
		return;
	}
	if (stat(file, &st) < 0) {
		fd = tmp_create_beside(file, 0666, tmp);
	} else if (S_ISREG(st.st_mode)) {
		/* The replacement keeps the permissions of the file it replaces. */
		fd = tmp_create_beside(file, (int)(st.st_mode & 07777), tmp);
	} else {
		fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd < 0)
			die("%s:", file);
	}
	out_init(o, fd, file);
	o->owns_fd = 1;
}

static const struct option longopts[] = {
	{ "check", no_argument, NULL, 'c' },
	{ "merge", no_argument, NULL, 'm' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "reverse", no_argument, NULL, 'r' },
	{ "stable", no_argument, NULL, 's' },
	{ "unique", no_argument, NULL, 'u' },
	{ "by-value", no_argument, NULL, 'V' },
	{ "key", required_argument, NULL, 'K' },
	{ "key-field-separator", required_argument, NULL, 'F' },
	{ "key-fields", required_argument, NULL, 'k' },
	{ "separator", required_argument, NULL, 't' },
	{ "buffer-size", required_argument, NULL, 'S' },
	{ "temporary-directory", required_argument, NULL, 'T' },
	{ "parallel", required_argument, NULL, 'P' },
	{ "output", required_argument, NULL, 'o' },
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/*
 * key_order: the order that the key options give: -K (Hadoop's
 * specifications, -n and -r their global flags), or -k, -n and -r.
 */
static void
key_order(struct keyfield_opts *ko)
{
	size_t nspecs;

	nspecs = keyfield_opts_make(ko, &keyspecs, order.numeric, order.reverse);
	if (keyspecs.numeric_backwards)
		usage_error("-K: a numeric key specification ends before it "
		    "starts (as 3,1n): Hadoop's order then depends on the bytes "
		    "after the key");
	/* A key of several fields is never a number: -n would silently give
	 * byte order.  -K orders by each field as a number. */
	if (order.numeric && nspecs == 0 && order.kv.keyfields > 1)
		usage_error("-n orders a key of one field; for a key of %d "
		    "fields as numbers use -K (as -K 1,1n -K 2,2n)",
		    order.kv.keyfields);
	if (nspecs > 0) {
		order.kf = &keyspecs;
		order.numeric = order.reverse = 0;
	}
}

/* write_sorted: FILES sorted (or, with MERGE, merged) to OUTFILE or stdout. */
static void
write_sorted(char **files, int nfiles, int merge, const char *outfile)
{
	const char *tmp;
	struct out out;

	open_output(&out, outfile, &tmp);
	if (merge) {
		struct merge m;

		merge_open(&m, &order, (size_t)nfiles, (const char *const *)files,
		    NULL, MERGE_CHECK, 0);
		m.out = &out;	/* a disorder writes what was merged first */
		extsort_write_merge(&m, &out, unique);
		merge_close(&m);
	} else {
		sort_files(files, nfiles, &out);
	}
	out_close(&out);
	if (tmp != NULL)
		tmp_commit(tmp, outfile);
}

int
main(int argc, char *argv[])
{
	static char *stdin_only[] = { "-" };
	const char *outfile = NULL;
	struct keyfield_opts ko = { NULL, NULL, 0 };
	int c, check = 0, merge = 0;
	uint64_t v;

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	threads = online_cpus() < MAX_THREADS ? online_cpus() : MAX_THREADS;
	budget = extsort_default_budget();
	while ((c = args_next(argc, argv, "cmnrsuVk:t:K:F:S:T:P:o:h",
	    longopts)) != -1) {
		switch (c) {
		case 'c':
			check = 1;
			break;
		case 'F':
		case 'K':
			optarg_keyfield(&ko, c);
			break;
		case 'k':
			order.kv.keyfields = optarg_keyfields();
			break;
		case 'm':
			merge = 1;
			break;
		case 'n':
			order.numeric = 1;
			break;
		case 'o':
			outfile = optarg;
			break;
		case 'P':
			threads = optarg_threads(1024);
			if (threads > MAX_THREADS)
				threads = MAX_THREADS;
			break;
		case 'r':
			order.reverse = 1;
			break;
		case 's':
			break;		/* always stable */
		case 'S':
			v = optarg_size(UINT64_MAX);
			budget = v < MIN_BUDGET ? MIN_BUDGET : v;
			break;
		case 't':
			order.kv.sep = optarg_separator();
			break;
		case 'T':
			tmpdir = optarg;
			break;
		case 'u':
			unique = 1;
			break;
		case 'V':
			order.byvalue = 1;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	key_order(&ko);
	if (check && merge)
		args_conflict('c', 'm');
	if (check && argc > 1)
		usage_error("-c checks one FILE");
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	tmpdir = tmp_dir(tmpdir);

	if (check) {
		check_file(argv[0]);
		return EXIT_OK;
	}
	write_sorted(argv, argc, merge, outfile);
	return EXIT_OK;
}
