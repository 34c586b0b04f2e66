/*
 * mr-reduce -H (and --top): every key in a hash table, in any order of
 * input, written in key order at the end (hashout.c).  Up to MAX_WORKERS
 * threads each own the keys of a share of the hash values.  The input
 * goes through in chunks of complete records read ahead by a thread of
 * their own (lib/readahead): each worker splits and hashes the records of
 * one part of the chunk, then adds the records of every part whose keys
 * it owns.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "hash.h"
#include "hashed.h"
#include "htab.h"
#include "kv.h"
#include "msg.h"
#include "readahead.h"
#include "reduce.h"
#include "xalloc.h"

/*
 * Keys belong to workers by hash bucket.  A few keys can hold most of the
 * records (a Zipf law: the top key of ten thousand has a tenth), so the
 * buckets are dealt out by the records they hold in a sample of the first
 * chunk (balance_owners), not round-robin.
 */
#define SAMPLE_RECORDS 65536

/*
 * With many keys each lookup is two cache misses (the slot, then the
 * entry it points to): the slot of record k + SLOT_AHEAD and the entry of
 * record k + ENTRY_AHEAD are asked for while record k is added.
 */
#define SLOT_AHEAD 16
#define ENTRY_AHEAD 8

/*
 * Memory is taken in 2 MiB huge pages (xalloc_big), and each page's first
 * touch costs its zeroing: a chunk of -H is small enough that a readahead
 * buffer (the chunk, two reads and a record carried over of up to 64 KiB)
 * fits one page, and the scan lists of all parts start in one shared
 * block of up to SCAN_BLOCK bytes, about what a chunk's records take (a
 * list that needs more moves out to its own), or less for a small input.
 */
#define HASH_CHUNK (2 * 1024 * 1024 - 2 * READER_BLOCK - 64 * 1024)
#define SCAN_BLOCK (4 * 1024 * 1024)

/*
 * The tables of a big input (a regular file of BIG_INPUT bytes or more)
 * with many keys (most of the first KEY_SAMPLE records' keys distinct)
 * start with room for RESERVE_KEYS keys each (htab_reserve): 2 MiB of
 * slots, a huge page, where growing from a few slots would take a page
 * fault per 4 KiB up to 1 MiB (1,300 faults, 5% of a run of 2 M lines).
 * With few keys a small table is the cheaper.
 */
#define BIG_INPUT (16 * 1024 * 1024)
#define KEY_SAMPLE 4096
#define RESERVE_KEYS (180 * 1024)

/*
 * The bucket of hash H: its low bits (a table finds a key's slot by the
 * top bits, htab_home), and the worker that owns its keys.
 */
static inline unsigned
bucket(uint64_t hash)
{
	return (unsigned)(hash % OWNER_BUCKETS);
}

static inline int
owner(const struct hasher *h, uint64_t hash)
{
	return h->bucket_owner[bucket(hash)];
}

/*
 * Deal the buckets to the workers, heaviest first, each to the worker
 * with the fewest sampled records so far, from the records of [P, LAST).
 */
static void
balance_owners(struct hasher *h, char *p, char *last)
{
	uint64_t weight[OWNER_BUCKETS] = { 0 }, load[MAX_WORKERS] = { 0 };
	int order[OWNER_BUCKETS], i, j, t, w, best;
	struct slice rec;
	size_t n;

	for (n = 0; n < SAMPLE_RECORDS && next_record(&p, last, &rec); n++)
		weight[bucket(hash64(rec.p, kv_keylen(&h->r->spec, rec.p,
		    rec.len)))]++;
	for (i = 0; i < OWNER_BUCKETS; i++)
		order[i] = i;
	/* Insertion sort by weight, heaviest first; ties by bucket. */
	for (i = 1; i < OWNER_BUCKETS; i++)
		for (j = i; j > 0 && weight[order[j - 1]] < weight[order[j]]; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < OWNER_BUCKETS; i++) {
		for (best = 0, w = 1; w < h->n; w++)
			if (load[w] < load[best])
				best = w;
		h->bucket_owner[order[i]] = (unsigned char)best;
		load[best] += weight[order[i]] + 1;
	}
}

/*
 * Double the room of L, out of the shared block if it is there (see
 * SCAN_BLOCK).  Huge pages (xalloc_big): a page fault per 4 KiB cost more
 * than the scan.
 */
static void
scanlist_grow(struct scanlist *l)
{
	size_t cap = l->cap * 2;
	struct scanned *v;

	if (l->shared) {
		v = xalloc_big(cap * sizeof *v);
		memcpy(v, l->v, l->n * sizeof *v);
		l->v = v;
		l->shared = 0;
	} else {
		l->v = xrealloc_big(l->v, l->cap * sizeof *l->v,
		    cap * sizeof *l->v);
	}
	l->cap = cap;
}

/*
 * The scan lists, sharing one block sized for a first chunk of BYTES
 * bytes: 16 bytes of list per 16 of input (a record of -H's benchmark
 * has 23), SCAN_BLOCK at most.
 */
static void
scan_lists_init(struct hasher *h, size_t bytes)
{
	size_t size = bytes < SCAN_BLOCK ? bytes : SCAN_BLOCK, per;
	int i;

	per = size / sizeof *h->scan_block / (size_t)(h->n * h->n);
	if (per < 64)
		per = 64;
	h->scan_block_size = per * sizeof *h->scan_block * (size_t)(h->n * h->n);
	h->scan_block = xalloc_big(h->scan_block_size);
	for (i = 0; i < h->n * h->n; i++) {
		struct scanlist *l = &h->scans[i / h->n][i % h->n];

		l->cap = per;
		l->v = h->scan_block + per * (size_t)i;
		l->shared = 1;
	}
}

/* Split and hash the records of part I of the chunk. */
static void
scan_part(struct hasher *h, int i)
{
	char *p = h->part_p[i], *last = h->part_p[i + 1];
	struct slice rec;
	struct scanlist *l;
	struct scanned *sc;
	uint64_t n = 0, hash;
	size_t keylen;
	int o;

	for (o = 0; o < h->n; o++)
		h->scans[i][o].n = 0;
	while (next_record(&p, last, &rec)) {
		if ((size_t)(rec.p + rec.len - h->part_p[0]) > UINT32_MAX)
			die("a line of %zu bytes is too long for -H (the most "
			    "is 4 GiB)", rec.len);
		keylen = kv_keylen(&h->r->spec, rec.p, rec.len);
		hash = hash64(rec.p, keylen);
		l = &h->scans[i][owner(h, hash)];
		if (l->n == l->cap)
			scanlist_grow(l);
		sc = &l->v[l->n++];
		sc->tag = htab_tag(hash);
		sc->off = (uint32_t)(rec.p - h->part_p[0]);
		sc->len = (uint32_t)rec.len;
		sc->keylen = (uint32_t)keylen;
		n++;
	}
	h->part_records[i] = n;
}

/* The hash of scanned record SC, as far as a table needs it. */
static inline uint64_t
scanned_hash(const struct scanned *sc)
{
	return (uint64_t)sc->tag << 32;
}

/* The key and value of scanned record SC of the chunk at CHUNK. */
static inline void
scanned_kv(char *chunk, const struct scanned *sc, struct slice *key,
    struct slice *value)
{
	key->p = chunk + sc->off;
	key->len = sc->keylen;
	if (sc->keylen < sc->len) {
		value->p = key->p + sc->keylen + 1;
		value->len = sc->len - sc->keylen - 1;
	} else {
		value->p = key->p + sc->len;
		value->len = 0;
	}
}

/*
 * The line within part J of record K of the part's records that worker O
 * owns: one more than the records of the part before it, in every list
 * (each in input order).  Only errors need it.
 */
static uint64_t
part_line(const struct hasher *h, int j, int o, size_t k)
{
	uint32_t off = h->scans[j][o].v[k].off;
	uint64_t line = 1 + k;
	size_t lo, hi, mid;
	int i;

	for (i = 0; i < h->n; i++) {
		const struct scanlist *l = &h->scans[j][i];

		if (i == o)
			continue;
		for (lo = 0, hi = l->n; lo < hi;) {
			mid = lo + (hi - lo) / 2;
			if (l->v[mid].off < off)
				lo = mid + 1;
			else
				hi = mid;
		}
		line += lo;
	}
	return line;
}

/*
 * Read the value of record K of part J's records that W owns (as
 * read_value, which reports a bad one at its line).
 */
static int
read_scanned(struct worker *w, int j, size_t k, uint64_t base,
    struct slice value)
{
	const struct reduce *r = w->h->r;
	int bad;

	if (agg_read(&r->agg, value, r->spec.sep, &w->c.in, &bad) == AGG_OK)
		return 1;
	return read_value(&w->c, base + part_line(w->h, j, w->id, k), value);
}

/*
 * Add the scanned records of the chunk whose keys belong to W.  The
 * hashes of the records ahead are known, so their slots and entries are
 * asked for early (see SLOT_AHEAD).  The tables of the workers are
 * disjoint and need no locks.
 */
static void
hash_part(struct worker *w)
{
	struct hasher *h = w->h;
	const struct reduce *r = h->r;
	struct slice key, value;
	uint64_t base = h->chunk_line;
	const struct scanned *sc;
	struct agg_fast sums;
	void *state;
	size_t k;
	int j, added, fast, res;

	for (j = 0; j < h->n && w->c.err_line == 0; base += h->part_records[j++]) {
		const struct scanlist *l = &h->scans[j][w->id];

		for (k = 0; k < l->n; k++) {
			sc = &l->v[k];
			if (k + SLOT_AHEAD < l->n)
				htab_prefetch(&w->tab, scanned_hash(&sc[SLOT_AHEAD]));
			if (k + ENTRY_AHEAD < l->n)
				htab_prefetch_entry(&w->tab,
				    scanned_hash(&sc[ENTRY_AHEAD]));
			scanned_kv(h->part_p[0], sc, &key, &value);
			/* Sums-only specs try the fast path first (agg.h). */
			fast = agg_parse_sums(&r->agg, value, r->spec.sep, &sums);
			if (!fast && (res = read_scanned(w, j, k, base, value)) <= 0) {
				if (res < 0)
					return;
				continue;	/* skipped (--skip-bad) */
			}
			state = htab_get(&w->tab, key.p, key.len,
			    scanned_hash(sc), &added);
			if (fast && agg_add_sums(&r->agg, state, &sums))
				continue;
			/* A new scale or a wide sum: the general add. */
			if (fast && read_scanned(w, j, k, base, value) < 0)
				return;
			agg_add(&r->agg, state, &w->c.in);
		}
	}
}

/*
 * One chunk in worker W: scan its part, wait until every part is scanned,
 * then add its records from all parts.
 */
static void
hash_chunk(struct worker *w)
{
	scan_part(w->h, w->id);
	if (w->h->n > 1)
		pthread_barrier_wait(&w->h->mid);
	hash_part(w);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		pthread_barrier_wait(&w->h->start);
		if (w->h->eof)
			break;
		hash_chunk(w);
		pthread_barrier_wait(&w->h->end);
	}
	worker_finish(w);
	return NULL;
}

/* Report the first error any worker kept, by line. */
static void
check_workers(struct hasher *h)
{
	struct worker *first = NULL;
	int i;

	for (i = 0; i < h->n; i++)
		if (h->w[i].c.err_line != 0 && (first == NULL ||
		    h->w[i].c.err_line < first->c.err_line))
			first = &h->w[i];
	if (first != NULL)
		die_at(h->r->rd.name, first->c.err_line, "%s", first->c.err);
}

static void
hasher_start(struct hasher *h, struct reduce *r)
{
	int i;

	memset(h, 0, sizeof *h);
	h->r = r;
	h->n = r->threads;
	for (i = 0; i < h->n; i++) {
		h->w[i].h = h;
		h->w[i].id = i;
		ctx_init(&h->w[i].c, r, 1);
		htab_init(&h->w[i].tab, r->agg.size);
	}

	if (h->n == 1)
		return;
	pthread_barrier_init(&h->start, NULL, (unsigned)h->n);
	pthread_barrier_init(&h->mid, NULL, (unsigned)h->n);
	pthread_barrier_init(&h->end, NULL, (unsigned)h->n);
	for (i = 1; i < h->n; i++)
		if ((errno = pthread_create(&h->w[i].thread, NULL, worker_main,
		    &h->w[i])) != 0)
			die("pthread_create:");
}

static void
hasher_free(struct hasher *h)
{
	int i, j;

	for (i = 0; i < h->n; i++) {
		struct worker *w = &h->w[i];

		ctx_take_skips(&h->r->ctx, &w->c, 0);
		clear_table(h->r, &w->tab);
		htab_free(&w->tab);
		ctx_free(&w->c);
	}
	for (i = 0; i < h->n; i++)
		for (j = 0; j < h->n; j++)
			if (!h->scans[i][j].shared)
				xfree_big(h->scans[i][j].v, h->scans[i][j].cap *
				    sizeof *h->scans[i][j].v);
	xfree_big(h->scan_block, h->scan_block_size);
	if (h->n > 1) {
		pthread_barrier_destroy(&h->start);
		pthread_barrier_destroy(&h->mid);
		pthread_barrier_destroy(&h->end);
	}
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Whether the input is big and, by the records of its first chunk
 * [P, LAST), has many keys: then the tables start big (RESERVE_KEYS).
 */
static int
expect_many_keys(struct hasher *h, char *p, char *last)
{
	uint64_t hashes[KEY_SAMPLE];
	struct stat st;
	struct slice rec;
	size_t n, i, distinct;

	if (fstat(h->r->rd.fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < BIG_INPUT)
		return 0;
	for (n = 0; n < KEY_SAMPLE && next_record(&p, last, &rec); n++)
		hashes[n] = hash64(rec.p, kv_keylen(&h->r->spec, rec.p,
		    rec.len));
	qsort(hashes, n, sizeof *hashes, cmp_u64);
	for (i = 1, distinct = n > 0; i < n; i++)
		distinct += hashes[i] != hashes[i - 1];
	return distinct * 2 > n;
}

/* One part per worker to scan, cut at record boundaries. */
static void
cut_parts(struct hasher *h, char *p, char *last)
{
	int i;

	h->part_p[0] = p;
	for (i = 1; i < h->n; i++)
		h->part_p[i] = record_after(p + (size_t)(last - p) * (size_t)i /
		    (size_t)h->n, last);
	h->part_p[h->n] = last;
	for (i = 1; i < h->n; i++)
		if (h->part_p[i] < h->part_p[i - 1])
			h->part_p[i] = h->part_p[i - 1];
}

void
run_hashed(struct reduce *r)
{
	struct hasher h;
	struct readahead ra;
	char *p, *last;
	int i, first;

	hasher_start(&h, r);
	readahead_start(&ra, &r->rd, HASH_CHUNK);
	for (first = 1; (last = readahead_next(&ra, &p)) != NULL; first = 0) {
		if (first)
			scan_lists_init(&h, (size_t)(last - p));
		if (first && expect_many_keys(&h, p, last))
			for (i = 0; i < h.n; i++)
				htab_reserve(&h.w[i].tab, RESERVE_KEYS);
		if (first && h.n > 1)
			balance_owners(&h, p, last);
		cut_parts(&h, p, last);
		h.chunk_line = r->rd.line;
		if (h.n > 1)
			pthread_barrier_wait(&h.start);
		hash_chunk(&h.w[0]);
		if (h.n > 1)
			pthread_barrier_wait(&h.end);
		for (i = 0; i < h.n; i++)
			r->rd.line += h.part_records[i];
		check_workers(&h);
	}
	readahead_stop(&ra);
	hasher_finish(&h);
	hasher_free(&h);
}
