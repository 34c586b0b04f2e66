/* extsort: external sort in a memory budget (see extsort.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "extsort.h"
#include "msg.h"
#include "tmpfile.h"
#include "xalloc.h"

#define DEFAULT_BUDGET_CAP ((uint64_t)4 << 30)
#define READ_MAX ((size_t)4 << 20)
#define READ_MIN ((size_t)64 << 10)
/* Memory of one merge input: the reader's buffer and a little more. */
#define MERGE_INPUT_COST (2 * READER_BLOCK + 4096)

/* Half of physical memory, at most 4 GiB: most inputs sort in one piece,
 * and a machine shared with other tasks keeps room. */
uint64_t
extsort_default_budget(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	uint64_t b = DEFAULT_BUDGET_CAP;

	if (pages > 0 && size > 0 && (uint64_t)pages * (uint64_t)size / 2 < b)
		b = (uint64_t)pages * (uint64_t)size / 2;
	return b < ((uint64_t)16 << 20) ? (uint64_t)16 << 20 : b;
}

void
extsort_init(struct extsort *s, const struct sortorder *o, uint64_t budget,
    int threads, const char *tmpdir, int unique)
{
	memset(s, 0, sizeof *s);
	s->o = o;
	s->budget = budget;
	s->threads = threads;
	s->tmpdir = tmpdir;
	s->unique = unique;
}

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

/* Write the records of the sorted entries E[0..N) (first of each key
 * with unique). */
static void
write_entries(const struct extsort *s, struct out *o)
{
	const struct sortent *e = s->ents;
	const char *base = s->data, *pk = NULL;
	size_t pklen = 0, i, n = s->n;

	for (i = 0; i < n; i++) {
		const char *p = sortent_ptr(&e[i], base);
		size_t len = sortent_len(&e[i], base);
		char *dst;

		if (i + 16 < n)
			__builtin_prefetch(sortent_ptr(&e[i + 16], base));
		if (s->unique) {
			size_t kl = kv_keylen(&s->o->kv, p, len);

			if (pk != NULL && sortorder_key_cmp(s->o, pk, pklen, p, kl) == 0)
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

void
extsort_write_merge(struct merge *m, struct out *o, int unique)
{
	struct buf last = { 0 };	/* the key of the last record written */
	struct slice rec;
	char *dst;
	int have = 0;

	while (merge_next(m, &rec)) {
		if (unique) {
			size_t kl = kv_keylen(&m->o->kv, rec.p, rec.len);

			if (have && sortorder_key_cmp(m->o, last.p, last.len,
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
spill(struct extsort *s)
{
	struct out w;
	const char *path;
	int fd;

	sortent_sort(s->ents, s->n, s->data, s->o, s->threads);
	fd = tmp_create(s->tmpdir, "mr-sort", &path);
	out_init(&w, fd, s->tmpdir);
	write_entries(s, &w);
	out_flush(&w);
	free(w.buf);
	if (close(fd) < 0)
		die("%s: write error:", s->tmpdir);
	ARRAY_RESERVE(s->runs, s->runcap, s->nruns + 1);
	s->runs[s->nruns++] = path;
	s->n = 0;
	/* Keep the incomplete record that follows. */
	memmove(s->data, s->data + s->parsed, s->len - s->parsed);
	s->len -= s->parsed;
	s->file_start = s->file_start > s->parsed ? s->file_start - s->parsed : 0;
	s->scanned = s->scanned > s->parsed ? s->scanned - s->parsed : 0;
	s->parsed = 0;
}

static uint64_t
load_used(const struct extsort *s)
{
	return (uint64_t)s->len + (uint64_t)s->n * sizeof(struct sortent);
}

static void
grow_entries(struct extsort *s)
{
	size_t ecap = s->ecap ? 2 * s->ecap : (size_t)1 << 20;

	s->ents = region_grow(s->ents, s->ecap * sizeof *s->ents,
	    ecap * sizeof *s->ents);
	s->ecap = ecap;
}

/* Make entries for the complete records after s->parsed. */
static void
split_records(struct extsort *s)
{
	char *p = s->data + s->parsed, *end = s->data + s->len, *nl;
	char *from = s->data + (s->scanned > s->parsed ? s->scanned : s->parsed);

	if (s->len >= SORTENT_MAX_OFFSET)
		die("more than 1 TiB in one run: use a smaller -S");
	while ((nl = memchr(from, '\n', (size_t)(end - from))) != NULL) {
		size_t len = (size_t)(nl - p);

		if (len > 0 && p[len - 1] == '\r')
			p[--len] = '\n';
		if (s->n == s->ecap)
			grow_entries(s);
		sortent_init(&s->ents[s->n++], s->o, s->data,
		    (uint64_t)(p - s->data), len);
		p = from = nl + 1;
	}
	s->parsed = (size_t)(p - s->data);
	s->scanned = s->len;
}

/* Room for at least WANT more bytes in the data buffer. */
static void
reserve_data(struct extsort *s, size_t want)
{
	size_t cap = s->cap;

	if (cap - s->len >= want)
		return;
	while (cap - s->len < want)
		cap = cap ? 2 * cap : (size_t)32 << 20;
	s->data = region_grow(s->data, s->cap, cap);
	s->cap = cap;
}

/* How much to read next: what the budget leaves, allowing for every byte
 * becoming a record (an empty line costs one entry). */
static size_t
next_read_size(struct extsort *s)
{
	uint64_t used = load_used(s), room;

	room = s->budget > used ? (s->budget - used) / (1 + sizeof(struct sortent)) : 0;
	if (room < READ_MIN && s->n > 0) {
		spill(s);
		used = load_used(s);
		room = s->budget > used ? (s->budget - used) / (1 + sizeof(struct sortent)) : 0;
	}
	if (room < READ_MIN)
		room = READ_MIN;	/* one record longer than the budget */
	return room < READ_MAX ? (size_t)room : READ_MAX;
}

void
extsort_load(struct extsort *s, int fd, const char *name)
{
	ssize_t r;

	s->file_start = s->len;
	s->bom_checked = 0;
	for (;;) {
		size_t want = next_read_size(s);

		reserve_data(s, want + 1);
		while ((r = read(fd, s->data + s->len, want)) < 0) {
			/* procfs and sysfs refuse a read larger than their
			 * kernel buffer with ENOMEM: ask for less. */
			if (errno == ENOMEM && want > 4096)
				want /= 2;
			else if (errno != EINTR)
				die("%s:", name);
		}
		if (r == 0)
			break;
		s->len += (size_t)r;
		if (!s->bom_checked && s->parsed > s->file_start)
			s->bom_checked = 1;	/* a record shorter than a BOM */
		if (!s->bom_checked && s->len - s->file_start >= 3) {
			s->bom_checked = 1;
			if (memcmp(s->data + s->file_start, "\xEF\xBB\xBF", 3) == 0) {
				memmove(s->data + s->file_start, s->data + s->file_start + 3,
				    s->len - s->file_start - 3);
				s->len -= 3;
			}
		}
		split_records(s);
	}
	if (s->parsed < s->len) {
		/* A last line without '\n' (reserve_data left room for it). */
		s->data[s->len++] = '\n';
		split_records(s);
	}
}

char *
extsort_space(struct extsort *s, size_t *n)
{
	*n = next_read_size(s);
	reserve_data(s, *n + 1);
	return s->data + s->len;
}

void
extsort_filled(struct extsort *s, size_t n)
{
	s->len += n;
}

void
extsort_mark(struct extsort *s, size_t off, size_t len, size_t keylen,
    size_t next)
{
	if (off >= SORTENT_MAX_OFFSET)
		die("more than 1 TiB in one run");
	if (s->n == s->ecap)
		grow_entries(s);
	sortent_init_key(&s->ents[s->n++], s->o, s->data, off, len, keylen);
	s->parsed = next;
}

char *
extsort_room(struct extsort *s, size_t n)
{
	if (s->n > 0 && load_used(s) + n + 1 + sizeof(struct sortent) > s->budget)
		spill(s);
	reserve_data(s, n + 1);
	return s->data + s->len;
}

void
extsort_push(struct extsort *s, size_t len, size_t keylen)
{
	if (s->len >= SORTENT_MAX_OFFSET)
		die("more than 1 TiB in one run");
	s->data[s->len + len] = '\n';
	if (s->n == s->ecap)
		grow_entries(s);
	sortent_init_key(&s->ents[s->n++], s->o, s->data, s->len, len, keylen);
	s->len += len + 1;
	s->parsed = s->len;
}

/* Merge the runs R[0..N) into one new run; returns its path. */
static const char *
merge_to_run(struct extsort *s, const char **r, size_t n)
{
	struct merge m;
	struct out w;
	const char *path;
	int fd;
	size_t i;

	fd = tmp_create(s->tmpdir, "mr-sort", &path);
	out_init(&w, fd, s->tmpdir);
	merge_open(&m, s->o, n, r, NULL, MERGE_TRUST, 1);
	extsort_write_merge(&m, &w, s->unique);
	merge_close(&m);
	out_flush(&w);
	free(w.buf);
	if (close(fd) < 0)
		die("%s: write error:", s->tmpdir);
	for (i = 0; i < n; i++)
		tmp_remove(r[i]);
	return path;
}

/*
 * The last run out, memory released, and with more runs than the budget
 * has read buffers for, consecutive groups merged into longer runs first
 * (keeping input order between runs, which keeps the sort stable), pass
 * after pass; then the merge of what is left is open in s->m.
 */
static void
open_runs(struct extsort *s)
{
	uint64_t fan = s->budget > OUT_BUFSIZE ? (s->budget - OUT_BUFSIZE) /
	    MERGE_INPUT_COST : 0;
	size_t i, k;

	if (s->n > 0)
		spill(s);
	region_free(s->data, s->cap);
	region_free(s->ents, s->ecap * sizeof *s->ents);
	s->data = NULL;
	s->ents = NULL;
	s->cap = s->ecap = 0;
	if (fan < 2)
		fan = 2;
	if (fan > 1000)
		fan = 1000;	/* stay below the usual limit of open files */
	while (s->nruns > fan) {
		for (i = 0, k = 0; i < s->nruns; i += fan) {
			size_t n = s->nruns - i < fan ? s->nruns - i : (size_t)fan;

			s->runs[k++] = n == 1 ? s->runs[i] :
			    merge_to_run(s, s->runs + i, n);
		}
		s->nruns = k;
	}
	merge_open(&s->m, s->o, s->nruns, s->runs, NULL, MERGE_TRUST, 1);
}

void
extsort_write(struct extsort *s, struct out *o)
{
	if (s->nruns == 0) {
		sortent_sort(s->ents, s->n, s->data, s->o, s->threads);
		write_entries(s, o);
		return;
	}
	open_runs(s);
	extsort_write_merge(&s->m, o, s->unique);
	s->reading = 2;
}

int
extsort_next(struct extsort *s, struct slice *rec)
{
	if (s->reading == 0) {
		if (s->nruns == 0) {
			sortent_sort(s->ents, s->n, s->data, s->o, s->threads);
			s->reading = 1;
		} else {
			open_runs(s);
			s->reading = 2;
		}
	}
	if (s->reading == 2)
		return merge_next(&s->m, rec);
	if (s->next >= s->n)
		return 0;
	if (s->next + 16 < s->n)
		__builtin_prefetch(sortent_ptr(&s->ents[s->next + 16], s->data));
	rec->p = (char *)sortent_ptr(&s->ents[s->next], s->data);
	rec->len = sortent_len(&s->ents[s->next], s->data);
	s->next++;
	return 1;
}

void
extsort_free(struct extsort *s)
{
	size_t i;

	if (s->reading == 2) {
		merge_close(&s->m);
		for (i = 0; i < s->nruns; i++)
			tmp_remove(s->runs[i]);
	}
	region_free(s->data, s->cap);
	region_free(s->ents, s->ecap * sizeof *s->ents);
	free(s->runs);
	memset(s, 0, sizeof *s);
}
