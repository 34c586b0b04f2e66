/*
 * mr-reduce -H (and --top): every key in a hash table, in any order of
 * input, written in key order at the end.  Up to MAX_WORKERS threads each
 * own the keys of a share of the hash values.  The input goes through in
 * chunks of complete records read ahead by a thread of their own
 * (lib/readahead): each worker splits and hashes the records of one part
 * of the chunk, then adds the records of every part whose keys it owns.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "buf.h"
#include "hash.h"
#include "htab.h"
#include "keysort.h"
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
#define OWNER_BUCKETS 256
#define SAMPLE_RECORDS 65536

/*
 * With many keys each lookup is two cache misses (the slot, then the
 * entry it points to): the slot of record k + SLOT_AHEAD and the entry of
 * record k + ENTRY_AHEAD are asked for while record k is added.
 */
#define SLOT_AHEAD 16
#define ENTRY_AHEAD 8

/*
 * The output in key order is cut into pieces (about PIECE_KEYS keys each,
 * at most MAX_PIECES), dealt to the workers in turn: worker 0 writes its
 * pieces to the output, the others format theirs into a ring of PIECE_RING
 * buffers that worker 0 writes out in turn.  Small buffers used again and
 * again cost no fresh memory (a page fault and the kernel's zeroing per
 * page, which on this kind of machine is dearer than the formatting), where
 * a whole share in memory cost a fifth of a run's memory.
 */
#define PIECE_KEYS 8192
#define MAX_PIECES 4096
#define PIECE_RING 4

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
#define RESERVE_KEYS (90 * 1024)

struct hasher;

/* A thread of -H: the keys whose hash picks it, in its own table. */
struct __attribute__((aligned(64))) worker {
	struct hasher *h;
	int id;
	struct ctx c;
	struct htab tab;
	struct htab_slot *refs;	/* at the end: its keys, sorted (keysort_table) */
	struct buf piece[PIECE_RING];	/* its pieces of the output (write_piece) */
	int ready[PIECE_RING];	/* piece[k] is formatted, not yet written */
	pthread_t thread;
};

/* A record of the current chunk, split and hashed. */
struct scanned {
	char *p;
	size_t len, keylen;
	uint64_t hash;
	uint64_t index;		/* its line within the part, from 1 */
};

/*
 * Scanning: the chunk cut into one part per worker; the records of part I
 * whose keys worker O owns are scans[I][O], in input order.  Handing each
 * worker only its own records keeps the add phase from walking the whole
 * chunk once per worker.
 */
struct scanlist {
	struct scanned *v;
	size_t n, cap;
	int shared;		/* v is in the hasher's scan_block */
};

/* The engine's state: the workers, the chunk's parts, the rendezvous. */
struct hasher {
	struct reduce *r;
	struct worker w[MAX_WORKERS];
	int n;
	char *part_p[MAX_WORKERS + 1];
	uint64_t part_records[MAX_WORKERS];
	struct scanlist scans[MAX_WORKERS][MAX_WORKERS];
	uint64_t chunk_line;	/* line number before the chunk */
	unsigned char bucket_owner[OWNER_BUCKETS];
	pthread_barrier_t start, mid, end, sorted;
	int eof;
	int shared_output;	/* every worker formats pieces of the output */
	size_t npieces;
	pthread_mutex_t ring_mu;	/* guards the workers' ready flags */
	pthread_cond_t ring_cv;
	struct scanned *scan_block;	/* where the scan lists start */
	size_t scan_block_size;
};

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
 * bytes: 40 bytes of list per 20 of input (a record of -H's benchmark
 * has 23), SCAN_BLOCK at most.
 */
static void
scan_lists_init(struct hasher *h, size_t bytes)
{
	size_t size = bytes < SCAN_BLOCK / 2 ? 2 * bytes : SCAN_BLOCK, per;
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
		keylen = kv_keylen(&h->r->spec, rec.p, rec.len);
		hash = hash64(rec.p, keylen);
		l = &h->scans[i][owner(h, hash)];
		if (l->n == l->cap)
			scanlist_grow(l);
		sc = &l->v[l->n++];
		sc->hash = hash;
		sc->p = rec.p;
		sc->len = rec.len;
		sc->keylen = keylen;
		sc->index = ++n;
	}
	h->part_records[i] = n;
}

/* The key and value of scanned record SC. */
static inline void
scanned_kv(const struct scanned *sc, struct slice *key, struct slice *value)
{
	key->p = sc->p;
	key->len = sc->keylen;
	if (sc->keylen < sc->len) {
		value->p = sc->p + sc->keylen + 1;
		value->len = sc->len - sc->keylen - 1;
	} else {
		value->p = sc->p + sc->len;
		value->len = 0;
	}
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
	uint64_t base = h->chunk_line, line;
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
				htab_prefetch(&w->tab, sc[SLOT_AHEAD].hash);
			if (k + ENTRY_AHEAD < l->n)
				htab_prefetch_entry(&w->tab, sc[ENTRY_AHEAD].hash);
			scanned_kv(sc, &key, &value);
			line = base + sc->index;
			/* Sums-only specs try the fast path first (agg.h). */
			fast = agg_parse_sums(&r->agg, value, r->spec.sep, &sums);
			if (!fast && (res = read_value(&w->c, line, value)) <= 0) {
				if (res < 0)
					return;
				continue;	/* skipped (--skip-bad) */
			}
			state = htab_get(&w->tab, key.p, key.len, sc->hash,
			    &added);
			if (fast && agg_add_sums(&r->agg, state, &sums))
				continue;
			/* A new scale or a wide sum: the general add. */
			if (fast && read_value(&w->c, line, value) < 0)
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

/* The end of a worker's part: its keys in key order (unless --top). */
static void
finish_worker(struct worker *w)
{
	w->refs = w->h->r->top_n == 0 ? keysort_table(&w->tab) :
	    htab_pack(&w->tab);
}

static void write_piece(struct hasher *h, size_t p, struct out *o);

/* Wait until ring buffer K of W is READY (1) or written out (0). */
static void
wait_ring(struct worker *w, int k, int ready)
{
	pthread_mutex_lock(&w->h->ring_mu);
	while (w->ready[k] != ready)
		pthread_cond_wait(&w->h->ring_cv, &w->h->ring_mu);
	pthread_mutex_unlock(&w->h->ring_mu);
}

static void
set_ring(struct worker *w, int k, int ready)
{
	pthread_mutex_lock(&w->h->ring_mu);
	w->ready[k] = ready;
	pthread_cond_broadcast(&w->h->ring_cv);
	pthread_mutex_unlock(&w->h->ring_mu);
}

/* A worker but the first: format its pieces into its ring. */
static void
format_pieces(struct worker *w)
{
	struct out o[PIECE_RING];
	size_t p, j;
	int k;

	for (k = 0; k < PIECE_RING; k++)
		out_init_mem(&o[k], &w->piece[k], "memory");
	for (p = (size_t)w->id, j = 0; p < w->h->npieces; p += (size_t)w->h->n, j++) {
		k = (int)(j % PIECE_RING);
		wait_ring(w, k, 0);
		w->piece[k].len = 0;
		write_piece(w->h, p, &o[k]);
		out_flush(&o[k]);
		set_ring(w, k, 1);
	}
	for (k = 0; k < PIECE_RING; k++)
		out_close(&o[k]);
}

/*
 * The first worker: every piece to the output in turn, its own formatted
 * at once, the others' written from their rings.
 */
static void
write_pieces(struct hasher *h, struct out *o)
{
	struct worker *w;
	size_t p, j;
	int k;

	for (p = 0; p < h->npieces; p++) {
		w = &h->w[p % (size_t)h->n];
		if (w->id == 0) {
			write_piece(h, p, o);
			continue;
		}
		j = p / (size_t)h->n;
		k = (int)(j % PIECE_RING);
		wait_ring(w, k, 1);
		out_write(o, w->piece[k].p, w->piece[k].len);
		set_ring(w, k, 0);
	}
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
	finish_worker(w);
	if (w->h->shared_output) {
		pthread_barrier_wait(&w->h->sorted);
		format_pieces(w);
	}
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

/* --top: the best keys of all workers, ranked. */
static void
write_ranked(struct hasher *h)
{
	struct htab_slot *all;
	size_t n = 0, i, k;
	int w;

	for (w = 0; w < h->n; w++)
		n += h->w[w].tab.count;
	all = xreallocarray(NULL, n ? n : 1, sizeof *all);
	for (w = 0, k = 0; w < h->n; w++)
		for (i = 0; i < h->w[w].tab.count; i++)
			all[k++] = h->w[w].refs[i];
	n = rank_top(h->r, all, n);
	for (i = 0; i < n; i++)
		write_ref(h->r, &h->r->out, &all[i], NULL);
	free(all);
}

/* The first position of V[0..N) whose key is not below that of P. */
static size_t
lower_bound(const struct htab_slot *v, size_t n, const struct htab_slot *p)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (htab_slot_cmp(&v[mid], p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The keys of every worker merged in key order, piece P of h->npieces:
 * the keys from the P-th to the P+1-th of npieces equal steps of the
 * largest worker's keys (the workers hold disjoint keys spread alike by
 * hash).  Each key is a cache miss, which the workers take in parallel,
 * and each worker's keys are touched a block ahead (touch_ahead).
 */
static void
write_piece(struct hasher *h, size_t p, struct out *o)
{
	const struct reduce *r = h->r;
	size_t pos[MAX_WORKERS], end[MAX_WORKERS], touched[MAX_WORKERS];
	size_t big = 0, nb, n, np = h->npieces;
	struct htab_slot *best, *ref;
	int w, bw;

	for (w = 1; w < h->n; w++)
		if (h->w[w].tab.count > h->w[big].tab.count)
			big = (size_t)w;
	nb = h->w[big].tab.count;
	for (w = 0; w < h->n; w++) {
		n = h->w[w].tab.count;
		pos[w] = p == 0 ? 0 : lower_bound(h->w[w].refs, n,
		    &h->w[big].refs[nb * p / np]);
		end[w] = p == np - 1 ? n : lower_bound(h->w[w].refs, n,
		    &h->w[big].refs[nb * (p + 1) / np]);
		touched[w] = pos[w];
	}
	for (;;) {
		best = NULL;
		bw = -1;
		for (w = 0; w < h->n; w++) {
			if (pos[w] == end[w])
				continue;
			touch_ahead(r, h->w[w].refs, pos[w], end[w], &touched[w]);
			ref = &h->w[w].refs[pos[w]];
			if (best == NULL || htab_slot_cmp(ref, best) < 0) {
				best = ref;
				bw = w;
			}
		}
		if (best == NULL)
			break;
		write_ref(r, o, best, NULL);
		pos[bw]++;
	}
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

/*
 * The end of input: the workers sort their keys, and write the output,
 * ranked, or in key order, in pieces formatted by all of them when there
 * are several (write_pieces).
 */
static void
hasher_finish(struct hasher *h)
{
	struct reduce *r = h->r;
	size_t keys = 0;
	int i, k;

	for (i = 0; i < h->n; i++)
		keys += h->w[i].tab.count;
	h->npieces = keys / PIECE_KEYS;
	if (h->npieces > MAX_PIECES)
		h->npieces = MAX_PIECES;
	if (h->npieces < (size_t)h->n)
		h->npieces = (size_t)h->n;
	h->shared_output = h->n > 1 && r->top_n == 0;
	if (h->shared_output) {
		pthread_barrier_init(&h->sorted, NULL, (unsigned)h->n);
		pthread_mutex_init(&h->ring_mu, NULL);
		pthread_cond_init(&h->ring_cv, NULL);
	}
	h->eof = 1;
	if (h->n > 1)
		pthread_barrier_wait(&h->start);
	finish_worker(&h->w[0]);
	if (h->shared_output) {
		pthread_barrier_wait(&h->sorted);
		write_pieces(h, &r->out);
	} else if (r->top_n == 0) {
		h->npieces = 1;
		write_piece(h, 0, &r->out);
	}
	for (i = 1; i < h->n; i++)
		if ((errno = pthread_join(h->w[i].thread, NULL)) != 0)
			die("pthread_join:");
	if (r->top_n > 0)
		write_ranked(h);
	if (h->shared_output) {
		for (i = 1; i < h->n; i++)
			for (k = 0; k < PIECE_RING; k++)
				buf_free(&h->w[i].piece[k]);
		pthread_barrier_destroy(&h->sorted);
		pthread_mutex_destroy(&h->ring_mu);
		pthread_cond_destroy(&h->ring_cv);
	}
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
