/*
 * mr-reduce's default engine on a regular file with several CPUs: chunks
 * of the input are cut at group boundaries into one part per thread; each
 * thread aggregates its groups into its own memory, and the parts are
 * written in order.  The last group of a chunk waits for the next chunk
 * (it may continue there); a chunk that holds a single group goes through
 * the main grouper alone, so a group of any size still takes O(1) memory.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "kv.h"
#include "msg.h"
#include "out.h"
#include "reduce.h"

struct gpool;

/*
 * A thread's part of a chunk, which starts and ends at group boundaries,
 * and its groups written to memory.  Each worker's fields are
 * written for every record: aligned to cache lines, neighbours in the
 * array never share one.
 */
struct __attribute__((aligned(64))) gworker {
	struct gpool *pool;
	struct ctx c;
	struct grouper g;
	struct out o;		/* onto mem */
	struct buf mem;		/* its groups of the chunk */
	char *p, *last;		/* the part */
	uint64_t lines;		/* records in the part */
	struct slice first;	/* its first key (NULL p: no record) */
	uint64_t first_line;	/* local line of that record */
	pthread_t thread;
};

/* The threads and their chunk-by-chunk rendezvous. */
struct gpool {
	struct reduce *r;
	struct gworker w[MAX_WORKERS];
	int n;
	pthread_barrier_t start, end;
	int eof;
};

/* Run grouper W over its part; lines are counted from 1 in the part. */
static void
group_part(struct gworker *w)
{
	const struct reduce *r = w->pool->r;
	struct slice rec, key, value;
	char *p = w->p;

	w->lines = 0;
	w->first.p = NULL;
	w->g.have = w->g.open = 0;
	w->g.orders = ORDER_ALL;
	w->c.err_line = 0;
	while (next_record(&p, w->last, &rec)) {
		w->lines++;
		if (w->c.err_line != 0)
			continue;
		kv_split(&r->spec, rec, &key, &value);
		if (read_value(&w->c, w->lines, value) <= 0)
			continue;
		if (w->first.p == NULL) {
			w->first = key;
			w->first_line = w->lines;
		}
		grouper_feed(&w->g, key, w->lines);
	}
	if (w->c.err_line == 0)
		grouper_close(&w->g);
	out_flush(&w->o);
}

static void *
gworker_main(void *arg)
{
	struct gworker *w = arg;

	for (;;) {
		pthread_barrier_wait(&w->pool->start);
		if (w->pool->eof)
			break;
		group_part(w);
		pthread_barrier_wait(&w->pool->end);
	}
	return NULL;
}

/*
 * The next block of whole records of RD, at least CHUNK_MIN bytes unless
 * the input ends first: from *START to the returned end, just past its
 * last '\n' (or the end of input).  A record longer than the block makes
 * it grow.  NULL at the end of input.  The caller consumes the bytes.
 */
static char *
next_chunk(struct reader *rd, char **start)
{
	size_t avail;
	char *p, *last;

	for (;;) {
		avail = reader_fill(rd);
		while (!rd->eof && avail < CHUNK_MIN)
			avail = reader_fill(rd);
		if (avail == 0)
			return NULL;
		p = rd->buf + rd->start;
		last = memrchr(p, '\n', avail);
		if (last != NULL || rd->eof)
			break;
	}
	*start = p;
	return last == NULL || rd->eof ? p + avail : last + 1;
}

/* The first group boundary at or after P in [P, LAST) (LAST if none). */
static char *
group_boundary(const struct reduce *r, char *p, char *last)
{
	struct slice k;
	char *q;

	if (p >= last)
		return last;
	k = key_at(r, p, last);
	for (q = record_after(p, last); q < last; q = record_after(q, last))
		if (!slice_eq(key_at(r, q, last), k))
			return q;
	return last;
}

/* A first error at LINE (of the input) with MSG, if earlier than *ERR. */
static void
keep_first(uint64_t *err, const char **msg, uint64_t line, const char *m)
{
	if (*err == 0 || line < *err) {
		*err = line;
		*msg = m;
	}
}

/*
 * The orders of keys (reduce.h) that the parts of the chunk keep, after
 * those the main grouper G kept before it, and the first error in the
 * chunk.  BASE is the line number before the chunk's parts.  An order is
 * broken by a change of key, inside a part (its grouper noted where) or
 * between two (the last key of one, the first of the next); the input is
 * not grouped where the last order kept breaks, as in one thread.
 */
static void
check_parts(struct gpool *gp, struct grouper *g, uint64_t base)
{
	struct slice prev = { g->cur.p, g->cur.len };
	uint64_t line = base, err = 0;
	const char *msg = NULL;
	char between[sizeof g->broke[0].msg];
	unsigned orders = g->orders, broken;
	int i, b, last, have = g->have;

	for (i = 0; i < gp->n; i++) {
		struct gworker *w = &gp->w[i];

		if (w->c.err_line != 0)
			keep_first(&err, &msg, line + w->c.err_line, w->c.err);
		if (w->first.p != NULL && orders != 0) {
			broken = have ? orders & order_breaks(gp->r, w->first,
			    prev) : 0;
			if (broken != 0 && (orders &= ~broken) == 0) {
				not_grouped_msg(between, sizeof between, w->first,
				    prev);
				keep_first(&err, &msg, line + w->first_line,
				    between);
			}
			broken = orders & ~w->g.orders;
			if (broken != 0 && broken == orders) {
				/* Every order left breaks here: the error is
				 * where the last of them does. */
				for (last = -1, b = 0; b < ORDERS; b++)
					if ((broken & 1u << b) && (last < 0 ||
					    w->g.broke[b].line > w->g.broke[last].line))
						last = b;
				keep_first(&err, &msg, line + w->g.broke[last].line,
				    w->g.broke[last].msg);
			}
			orders &= ~broken;
			prev.p = w->g.cur.p;
			prev.len = w->g.cur.len;
			have = 1;
		}
		line += w->lines;
	}
	if (err != 0)
		stop_at(gp->r, err, msg);
	g->orders = orders;
}

/* Feed the record REC (the input's next line) to the main grouper G. */
static void
feed_main(struct reduce *r, struct grouper *g, struct slice rec)
{
	struct slice key, value;

	r->rd.line++;
	kv_split(&r->spec, rec, &key, &value);
	if (read_value(&r->ctx, r->rd.line, value) > 0)
		grouper_feed(g, key, r->rd.line);
}

/*
 * Where the chunk [P, LAST) is cut: before its last group, which may go on
 * in the next chunk (at the end of input: LAST).
 */
static char *
chunk_cut(struct reduce *r, char *p, char *last)
{
	struct slice key;
	char *cut;

	if (r->rd.eof || p >= last)
		return last;
	cut = record_before(p, last);
	key = key_at(r, cut, last);
	while (cut > p && slice_eq(key_at(r, record_before(p, cut), last), key))
		cut = record_before(p, cut);
	return cut;
}

/* [P, CUT): one part per worker, each ending at a group boundary. */
static void
deal_parts(struct gpool *gp, char *p, char *cut)
{
	char *q;
	int i;

	for (i = 0; i < gp->n; i++) {
		gp->w[i].p = p;
		q = i == gp->n - 1 ? cut : group_boundary(gp->r, record_after(p +
		    (size_t)(cut - p) / (size_t)(gp->n - i), cut), cut);
		if (q < p)
			q = p;
		gp->w[i].last = q;
		p = q;
	}
}

/* After the workers ran over a chunk: errors, skips, output, in order. */
static void
collect_parts(struct gpool *gp, struct grouper *g)
{
	struct reduce *r = gp->r;
	int i;

	check_parts(gp, g, r->rd.line);
	grouper_close(g);
	for (i = 0; i < gp->n; i++) {
		struct gworker *w = &gp->w[i];

		ctx_take_skips(&r->ctx, &w->c, r->rd.line);
		r->rd.line += w->lines;
		if (w->first.p != NULL)
			grouper_set_key(g, (struct slice){ w->g.cur.p,
			    w->g.cur.len });
		out_write(&r->out, w->mem.p, w->mem.len);
		w->mem.len = 0;
	}
}

static void
gpool_start(struct gpool *gp, struct reduce *r)
{
	int i;

	memset(gp, 0, sizeof *gp);
	gp->r = r;
	gp->n = r->threads;
	for (i = 0; i < gp->n; i++) {
		struct gworker *w = &gp->w[i];

		w->pool = gp;
		ctx_init(&w->c, r, 1);
		out_init_mem(&w->o, &w->mem, "memory");
		grouper_init(&w->g, r, &w->c, &w->o);
	}
	pthread_barrier_init(&gp->start, NULL, (unsigned)gp->n);
	pthread_barrier_init(&gp->end, NULL, (unsigned)gp->n);
	for (i = 1; i < gp->n; i++)
		if ((errno = pthread_create(&gp->w[i].thread, NULL,
		    gworker_main, &gp->w[i])) != 0)
			die("pthread_create:");
}

static void
gpool_stop(struct gpool *gp)
{
	int i;

	gp->eof = 1;
	pthread_barrier_wait(&gp->start);
	for (i = 1; i < gp->n; i++)
		if ((errno = pthread_join(gp->w[i].thread, NULL)) != 0)
			die("pthread_join:");
	for (i = 0; i < gp->n; i++) {
		struct gworker *w = &gp->w[i];

		grouper_free(&w->g);
		out_close(&w->o);
		buf_free(&w->mem);
		ctx_free(&w->c);
	}
	pthread_barrier_destroy(&gp->start);
	pthread_barrier_destroy(&gp->end);
}

void
run_grouped_parallel(struct reduce *r)
{
	struct gpool gp;
	struct grouper g;
	struct slice rec, key, value;
	char *start, *p, *last, *cut, *q;

	grouper_init(&g, r, &r->ctx, &r->out);
	gpool_start(&gp, r);
	while ((last = next_chunk(&r->rd, &p)) != NULL) {
		start = p;
		/* Records that continue the main grouper's open group. */
		while (g.open && p < last) {
			q = p;
			next_record(&q, last, &rec);
			kv_split(&r->spec, rec, &key, &value);
			if (key.len != g.cur.len || !bytes_equal(key.p, g.cur.p,
			    g.cur.len))
				break;
			feed_main(r, &g, rec);
			p = q;
		}
		cut = chunk_cut(r, p, last);
		if (cut == p) {
			/* One group: the main grouper takes it. */
			while (next_record(&p, last, &rec))
				feed_main(r, &g, rec);
			reader_consume(&r->rd, (size_t)(last - start));
			continue;
		}
		deal_parts(&gp, p, cut);
		pthread_barrier_wait(&gp.start);
		group_part(&gp.w[0]);
		pthread_barrier_wait(&gp.end);
		collect_parts(&gp, &g);
		reader_consume(&r->rd, (size_t)(cut - start));
	}
	gpool_stop(&gp);
	grouper_close(&g);
	grouper_free(&g);
}
