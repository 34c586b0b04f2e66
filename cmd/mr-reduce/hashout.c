/*
 * mr-reduce -H at the end of input: each worker sorts its table's keys
 * (lib/keysort), and the output is their merge in key order, cut into
 * pieces the workers format in parallel (or, with --top, the best keys of
 * all tables, ranked).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "agg.h"
#include "buf.h"
#include "hashed.h"
#include "htab.h"
#include "keysort.h"
#include "msg.h"
#include "reduce.h"
#include "xalloc.h"

/* The end of a worker's part: its keys in key order (unless --top). */
static void
finish_worker(struct worker *w)
{
	w->refs = w->h->r->top_n == 0 ? keysort_table(&w->tab) :
	    htab_pack(&w->tab, NULL, NULL);
}

static void write_piece(struct hasher *h, size_t p, struct out *o);

/*
 * Format piece P into its ring buffer through O, a writer into memory
 * kept for every piece (its buffer is the one allocation).  Called with
 * ring_mu held, which it drops while it works.
 */
static void
format_in_ring(struct hasher *h, size_t p, struct out *o)
{
	struct buf *b = &h->ring[p % PIECE_RING];

	pthread_mutex_unlock(&h->ring_mu);
	b->len = 0;
	o->mem = b;
	write_piece(h, p, o);
	out_flush(o);
	pthread_mutex_lock(&h->ring_mu);
	h->ready[p % PIECE_RING] = 1;
	pthread_cond_broadcast(&h->ring_cv);
}

/*
 * A worker but the first: take the next piece while there is one and
 * room in the ring for it (the piece PIECE_RING before it written), and
 * format it there.
 */
static void
format_pieces(struct worker *w)
{
	struct hasher *h = w->h;
	struct out o;

	out_init_mem(&o, &h->ring[0], "memory");
	pthread_mutex_lock(&h->ring_mu);
	while (h->next_piece < h->npieces) {
		if (h->next_piece >= h->next_write + PIECE_RING) {
			pthread_cond_wait(&h->ring_cv, &h->ring_mu);
			continue;
		}
		format_in_ring(h, h->next_piece++, &o);
	}
	pthread_mutex_unlock(&h->ring_mu);
	out_close(&o);
}

/*
 * The first worker: write the formatted pieces in order; between them
 * take pieces too, the next one to write straight into the output, a
 * later one into the ring; wait when neither can be done.
 */
static void
write_pieces(struct hasher *h, struct out *out)
{
	struct out o;
	size_t p;
	int k;

	out_init_mem(&o, &h->ring[0], "memory");
	pthread_mutex_lock(&h->ring_mu);
	while (h->next_write < h->npieces) {
		k = (int)(h->next_write % PIECE_RING);
		p = h->next_piece;
		if (h->ready[k]) {
			pthread_mutex_unlock(&h->ring_mu);
			out_write(out, h->ring[k].p, h->ring[k].len);
			pthread_mutex_lock(&h->ring_mu);
			h->ready[k] = 0;
		} else if (p == h->next_write) {
			h->next_piece++;
			pthread_mutex_unlock(&h->ring_mu);
			write_piece(h, p, out);
			pthread_mutex_lock(&h->ring_mu);
		} else if (p < h->npieces && p < h->next_write + PIECE_RING) {
			format_in_ring(h, h->next_piece++, &o);
			continue;
		} else {
			pthread_cond_wait(&h->ring_cv, &h->ring_mu);
			continue;
		}
		h->next_write++;
		pthread_cond_broadcast(&h->ring_cv);
	}
	pthread_mutex_unlock(&h->ring_mu);
	out_close(&o);
}

/* A worker thread at the end of input: its keys, then its pieces. */
void
worker_finish(struct worker *w)
{
	finish_worker(w);
	if (w->h->shared_output) {
		pthread_barrier_wait(&w->h->sorted);
		format_pieces(w);
	}
}

/* --top: the best keys of all workers, ranked. */
static void
write_ranked(struct hasher *h)
{
	char **all;
	size_t n = 0, i, k;
	int w;

	for (w = 0; w < h->n; w++)
		n += h->w[w].tab.count;
	all = xreallocarray(NULL, n ? n : 1, sizeof *all);
	for (w = 0, k = 0; w < h->n; w++)
		for (i = 0; i < h->w[w].tab.count; i++)
			all[k++] = htab_ent(&h->w[w].tab, h->w[w].refs[i].ref);
	n = rank_top(h->r, all, n);
	for (i = 0; i < n; i++)
		write_ent(h->r, &h->r->out, all[i], NULL);
	free(all);
}

/*
 * The first position of V[0..N), references into TAB, whose key is not
 * below that of the entry P.
 */
static size_t
lower_bound(const struct htab *tab, const struct htab_slot *v, size_t n,
    const char *p)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (htab_ent_cmp(htab_ent(tab, v[mid].ref), p) < 0)
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
	const struct htab *bt;
	char *best, *ent;
	int w, bw;

	for (w = 1; w < h->n; w++)
		if (h->w[w].tab.count > h->w[big].tab.count)
			big = (size_t)w;
	bt = &h->w[big].tab;
	nb = bt->count;
	for (w = 0; w < h->n; w++) {
		n = h->w[w].tab.count;
		pos[w] = p == 0 ? 0 : lower_bound(&h->w[w].tab, h->w[w].refs, n,
		    htab_ent(bt, h->w[big].refs[nb * p / np].ref));
		end[w] = p == np - 1 ? n : lower_bound(&h->w[w].tab,
		    h->w[w].refs, n,
		    htab_ent(bt, h->w[big].refs[nb * (p + 1) / np].ref));
		touched[w] = pos[w];
	}
	for (;;) {
		best = NULL;
		bw = -1;
		for (w = 0; w < h->n; w++) {
			if (pos[w] == end[w])
				continue;
			touch_ahead(r, &h->w[w].tab, h->w[w].refs, pos[w],
			    end[w], &touched[w]);
			ent = htab_ent(&h->w[w].tab, h->w[w].refs[pos[w]].ref);
			if (best == NULL || htab_ent_cmp(ent, best) < 0) {
				best = ent;
				bw = w;
			}
		}
		if (best == NULL)
			break;
		write_ent(r, o, best, NULL);
		pos[bw]++;
	}
}

/*
 * The end of input: the workers sort their keys, and write the output,
 * ranked, or in key order, in pieces formatted by all of them when there
 * are several (write_pieces).
 */
void
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
		for (k = 0; k < PIECE_RING; k++)
			buf_free(&h->ring[k]);
		pthread_barrier_destroy(&h->sorted);
		pthread_mutex_destroy(&h->ring_mu);
		pthread_cond_destroy(&h->ring_cv);
	}
}

