/* mr-sort: sort key-value records in Hadoop's key order, in memory or by
 * external merge. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "buf.h"
#include "kv.h"
#include "merge.h"
#include "msg.h"
#include "out.h"
#include "record.h"
#include "sortrec.h"
#include "tmpfile.h"
#include "xalloc.h"

static const char usage_text[] =
    "mr-sort [-cmnrsuV] [-k K] [-t SEP] [-S SIZE] [-T DIR] [-P N] "
    "[-o FILE] [FILE...]";

static const char help_text[] =
    "Sort key-value records in Hadoop's key order (LC_ALL=C sort -t TAB -k1,1 -s),\n"
    "in memory or by external merge.\n"
    "\n"
    "  -c, --check                  check that FILE is sorted; show the first disorder\n"
    "  -k, --key-fields K           the key is the first K fields (default 1)\n"
    "  -m, --merge                  merge FILEs that are already sorted\n"
    "  -n, --numeric                order keys by numeric value\n"
    "  -o, --output FILE            write FILE (replaced at the end) instead of stdout\n"
    "  -P, --parallel N             sort with N threads (default: one per CPU, at most 8)\n"
    "  -r, --reverse                reverse the order\n"
    "  -S, --buffer-size SIZE       memory for records (K, M, G suffixes; default: RAM/2)\n"
    "  -s, --stable                 accepted; the sort is always stable\n"
    "  -T, --temporary-directory DIR  temporary runs in DIR (default: $TMPDIR, /tmp)\n"
    "  -t, --separator SEP          the field separator: one byte, \\t or \\0 (default TAB)\n"
    "  -u, --unique                 only the first record of each key\n"
    "  -V, --by-value               order records of equal keys by their values\n"
    "  -h, --help                   print this help and exit\n"
    "      --version                print the version and exit\n";

#define MAX_THREADS 8
#define DEFAULT_BUDGET_CAP ((uint64_t)4 << 30)
#define MIN_BUDGET ((uint64_t)64 << 10)
#define READ_MAX ((size_t)4 << 20)
#define READ_MIN ((size_t)64 << 10)
/* Memory of one merge input: the reader's buffer and a little more. */
#define MERGE_INPUT_COST (2 * READER_BLOCK + 4096)

static struct sortorder order = { .kv = { 1, '\t' } };
static int unique;
static int threads;
static uint64_t budget;
static const char *tmpdir;

/*
 * The load buffer: records in input order, each ending in '\n' (a "\r\n"
 * has its '\r' turned into '\n', so a record ends at its first '\n'), and
 * one sortent per complete record.  When the data and the entries reach
 * the memory budget they are sorted and written out as a run.
 */
struct load {
	char *data;
	size_t cap, len;
	size_t parsed;		/* start of the first incomplete record */
	size_t scanned;		/* [parsed, scanned) holds no '\n': a long
				 * line is not scanned again after each read */
	size_t file_start;	/* where the current input began (BOM check) */
	int bom_checked;
	struct sortent *ents;
	size_t n, ecap;
	const char **runs;	/* paths of the spilled runs, in input order */
	size_t nruns, runcap;
};

static void *region_grow(void *p, size_t oldsize, size_t newsize);
static void region_free(void *p, size_t size);

/* Half of physical memory, at most 4 GiB: most inputs sort in one piece,
 * and a machine shared with other tasks keeps room. */
static uint64_t
default_budget(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	uint64_t b = DEFAULT_BUDGET_CAP;

	if (pages > 0 && size > 0 && (uint64_t)pages * (uint64_t)size / 2 < b)
		b = (uint64_t)pages * (uint64_t)size / 2;
	return b < ((uint64_t)16 << 20) ? (uint64_t)16 << 20 : b;
}

/* Write the records of the sorted entries E[0..N) (first of each key with -u). */
static void
write_entries(struct out *o, const struct sortent *e, size_t n, const char *base)
{
	const char *pk = NULL;
	size_t pklen = 0, i;

	for (i = 0; i < n; i++) {
		const char *p = sortent_ptr(&e[i], base);
		size_t len = sortent_len(&e[i], base);
		char *dst;

		if (i + 16 < n)
			__builtin_prefetch(sortent_ptr(&e[i + 16], base));
		if (unique) {
			size_t kl = kv_keylen(&order.kv, p, len);

			if (pk != NULL && sortorder_key_cmp(&order, pk, pklen, p, kl) == 0)
				continue;
			pk = p;
			pklen = kl;
		}
		dst = out_reserve(o, len + 1);
		memcpy(dst, p, len);
		dst[len] = '\n';
		o->len += len + 1;
	}
}

/* Write the merge M to O, first of each key with -u. */
static void
write_merge(struct out *o, struct merge *m)
{
	struct buf last = { 0 };	/* the key of the last record written */
	struct slice rec;
	char *dst;
	int have = 0;

	while (merge_next(m, &rec)) {
		if (unique) {
			size_t kl = kv_keylen(&order.kv, rec.p, rec.len);

			if (have && sortorder_key_cmp(&order, last.p, last.len,
			    rec.p, kl) == 0)
				continue;
			buf_set(&last, rec.p, kl);
			have = 1;
		}
		dst = out_reserve(o, rec.len + 1);
		memcpy(dst, rec.p, rec.len);
		dst[rec.len] = '\n';
		o->len += rec.len + 1;
	}
	buf_free(&last);
}

/* Sort the loaded records and write them to a new run file. */
static void
spill(struct load *L)
{
	struct out w;
	const char *path;
	int fd;

	sortent_sort(L->ents, L->n, L->data, &order, threads);
	fd = tmp_create(tmpdir, "mr-sort", &path);
	out_init(&w, fd, tmpdir);
	write_entries(&w, L->ents, L->n, L->data);
	out_flush(&w);
	free(w.buf);
	if (close(fd) < 0)
		die("%s: write error:", tmpdir);
	ARRAY_RESERVE(L->runs, L->runcap, L->nruns + 1);
	L->runs[L->nruns++] = path;
	L->n = 0;
	/* Keep the incomplete record that follows. */
	memmove(L->data, L->data + L->parsed, L->len - L->parsed);
	L->len -= L->parsed;
	L->file_start = L->file_start > L->parsed ? L->file_start - L->parsed : 0;
	L->scanned -= L->parsed;
	L->parsed = 0;
}

static uint64_t
load_used(const struct load *L)
{
	return (uint64_t)L->len + (uint64_t)L->n * sizeof(struct sortent);
}

/* Make entries for the complete records after L->parsed. */
static void
split_records(struct load *L)
{
	char *p = L->data + L->parsed, *end = L->data + L->len, *nl;
	char *from = L->data + (L->scanned > L->parsed ? L->scanned : L->parsed);

	if (L->len >= SORTENT_MAX_OFFSET)
		die("more than 1 TiB in one run: use a smaller -S");
	while ((nl = memchr(from, '\n', (size_t)(end - from))) != NULL) {
		size_t len = (size_t)(nl - p);

		if (len > 0 && p[len - 1] == '\r')
			p[--len] = '\n';
		if (L->n == L->ecap) {
			size_t ecap = L->ecap ? 2 * L->ecap : (size_t)1 << 20;

			L->ents = region_grow(L->ents, L->ecap * sizeof *L->ents,
			    ecap * sizeof *L->ents);
			L->ecap = ecap;
		}
		sortent_init(&L->ents[L->n++], &order, L->data,
		    (uint64_t)(p - L->data), len);
		p = from = nl + 1;
	}
	L->parsed = (size_t)(p - L->data);
	L->scanned = L->len;
}

/*
 * The load buffers come straight from mmap, grow by mremap (pages move
 * without copying) and ask for transparent huge pages: a fault per 4 KiB
 * page costs more than the sort itself on some virtual machines.
 */
static void *
region_grow(void *p, size_t oldsize, size_t newsize)
{
	void *q;

	if (p == NULL)
		q = mmap(NULL, newsize, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	else
		q = mremap(p, oldsize, newsize, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		die("cannot allocate %zu bytes:", newsize);
#ifdef MADV_HUGEPAGE
	madvise(q, newsize, MADV_HUGEPAGE);
#endif
	return q;
}

static void
region_free(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, size);
}

/* Room for at least WANT more bytes in the data buffer. */
static void
reserve_data(struct load *L, size_t want)
{
	size_t cap = L->cap;

	if (cap - L->len >= want)
		return;
	while (cap - L->len < want)
		cap = cap ? 2 * cap : (size_t)32 << 20;
	L->data = region_grow(L->data, L->cap, cap);
	L->cap = cap;
}

/* How much to read next: what the budget leaves, allowing for every byte
 * becoming a record (an empty line costs one entry). */
static size_t
next_read_size(struct load *L)
{
	uint64_t used = load_used(L), room;

	room = budget > used ? (budget - used) / (1 + sizeof(struct sortent)) : 0;
	if (room < READ_MIN && L->n > 0) {
		spill(L);
		used = load_used(L);
		room = budget > used ? (budget - used) / (1 + sizeof(struct sortent)) : 0;
	}
	if (room < READ_MIN)
		room = READ_MIN;	/* one record longer than the budget */
	return room < READ_MAX ? (size_t)room : READ_MAX;
}

static void
load_file(struct load *L, const char *name)
{
	int fd = 0;
	ssize_t r;

	if (strcmp(name, "-") != 0 && (fd = open(name, O_RDONLY | O_CLOEXEC)) < 0)
		die("%s:", name);
	L->file_start = L->len;
	L->bom_checked = 0;
	for (;;) {
		size_t want = next_read_size(L);

		reserve_data(L, want + 1);
		do
			r = read(fd, L->data + L->len, want);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			die("%s:", name);
		if (r == 0)
			break;
		L->len += (size_t)r;
		if (!L->bom_checked && L->parsed > L->file_start)
			L->bom_checked = 1;	/* a record shorter than a BOM */
		if (!L->bom_checked && L->len - L->file_start >= 3) {
			L->bom_checked = 1;
			if (memcmp(L->data + L->file_start, "\xEF\xBB\xBF", 3) == 0) {
				memmove(L->data + L->file_start, L->data + L->file_start + 3,
				    L->len - L->file_start - 3);
				L->len -= 3;
			}
		}
		split_records(L);
	}
	if (L->parsed < L->len) {
		/* A last line without '\n' (reserve_data left room for it). */
		L->data[L->len++] = '\n';
		split_records(L);
	}
	if (fd != 0)
		close(fd);
}

/* Merge the runs R[0..N) into one new run; returns its path. */
static const char *
merge_to_run(const char **r, size_t n)
{
	struct merge m;
	struct out w;
	const char *path;
	int fd;
	size_t i;

	fd = tmp_create(tmpdir, "mr-sort", &path);
	out_init(&w, fd, tmpdir);
	merge_open(&m, &order, n, r, NULL, MERGE_TRUST, 1);
	write_merge(&w, &m);
	merge_close(&m);
	out_flush(&w);
	free(w.buf);
	if (close(fd) < 0)
		die("%s: write error:", tmpdir);
	for (i = 0; i < n; i++)
		tmp_remove(r[i]);
	return path;
}

/*
 * Merge the runs to OUT.  With more runs than the budget has read buffers
 * for, consecutive groups are merged into longer runs first (keeping input
 * order between runs, which keeps the sort stable), pass after pass.
 */
static void
merge_runs(struct load *L, struct out *out)
{
	uint64_t fan = budget > OUT_BUFSIZE ? (budget - OUT_BUFSIZE) / MERGE_INPUT_COST : 0;
	struct merge m;
	size_t i, k;

	if (fan < 2)
		fan = 2;
	if (fan > 1000)
		fan = 1000;	/* stay below the usual limit of open files */
	while (L->nruns > fan) {
		for (i = 0, k = 0; i < L->nruns; i += fan) {
			size_t n = L->nruns - i < fan ? L->nruns - i : (size_t)fan;

			L->runs[k++] = n == 1 ? L->runs[i] : merge_to_run(L->runs + i, n);
		}
		L->nruns = k;
	}
	merge_open(&m, &order, L->nruns, L->runs, NULL, MERGE_TRUST, 1);
	write_merge(out, &m);
	merge_close(&m);
	for (i = 0; i < L->nruns; i++)
		tmp_remove(L->runs[i]);
}

static void
sort_files(char **files, int nfiles, struct out *out)
{
	struct load L;
	int i;

	memset(&L, 0, sizeof L);
	for (i = 0; i < nfiles; i++)
		load_file(&L, files[i]);
	if (L.nruns == 0) {
		sortent_sort(L.ents, L.n, L.data, &order, threads);
		write_entries(out, L.ents, L.n, L.data);
	} else {
		if (L.n > 0)
			spill(&L);
		region_free(L.data, L.cap);
		region_free(L.ents, L.ecap * sizeof *L.ents);
		L.data = NULL;
		L.ents = NULL;
		merge_runs(&L, out);
	}
	region_free(L.data, L.cap);
	region_free(L.ents, L.ecap * sizeof *L.ents);
	free(L.runs);
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
	{ "key-fields", required_argument, NULL, 'k' },
	{ "separator", required_argument, NULL, 't' },
	{ "buffer-size", required_argument, NULL, 'S' },
	{ "temporary-directory", required_argument, NULL, 'T' },
	{ "parallel", required_argument, NULL, 'P' },
	{ "output", required_argument, NULL, 'o' },
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char *argv[])
{
	static char *stdin_only[] = { "-" };
	const char *outfile = NULL, *tmp;
	int c, check = 0, merge = 0;
	uint64_t v;
	struct out out;

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	threads = online_cpus() < MAX_THREADS ? online_cpus() : MAX_THREADS;
	budget = default_budget();
	while ((c = args_next(argc, argv, "cmnrsuVk:t:S:T:P:o:h",
	    longopts)) != -1) {
		switch (c) {
		case 'c':
			check = 1;
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
	if (check && merge)
		usage_error("-c and -m exclude each other");
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
	open_output(&out, outfile, &tmp);
	if (merge) {
		struct merge m;

		merge_open(&m, &order, (size_t)argc, (const char *const *)argv, NULL,
		    MERGE_CHECK, 0);
		write_merge(&out, &m);
		merge_close(&m);
	} else {
		sort_files(argv, argc, &out);
	}
	out_close(&out);
	if (tmp != NULL)
		tmp_commit(tmp, outfile);
	return EXIT_OK;
}
