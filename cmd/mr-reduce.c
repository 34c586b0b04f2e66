/*
 * mr-reduce: group key-value records by key and aggregate their values
 * exactly, from sorted input (streaming, one group at a time), in a hash
 * table (-H, any order), or over time windows of a live stream.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agg.h"
#include "args.h"
#include "hadoop.h"
#include "hash.h"
#include "htab.h"
#include "keysort.h"
#include "kv.h"
#include "msg.h"
#include "num.h"
#include "out.h"
#include "readahead.h"
#include "record.h"
#include "timefmt.h"
#include "xalloc.h"

static const char usage_line[] =
    "mr-reduce [-Hb] [-j N] [-k K] [-t SEP] [-n N] [-w SECONDS | -e SECONDS]\n"
    "                 [-f F [-l SECONDS]] OP[:FIELD]...";

static struct kvspec spec = KVSPEC_DEFAULT;
static struct agg_spec agg;
static struct reader rd;
static struct out out;
static int skip_bad;
static uint64_t top_n;		/* 0: every key */
static int64_t window_ns, every_ns, lateness_ns;
static int time_field;		/* 0: arrival time */
static uint64_t late_records;

/*
 * A thread's view of the records it adds: their parsed fields, the count of
 * records skipped, and (in worker threads, where dying at once would make
 * the reported line depend on timing) the first error, kept for the main
 * thread to report.
 */
struct ctx {
	struct agg_input in;
	uint64_t bad_records;
	int deferred;		/* keep errors instead of dying */
	uint64_t err_line;	/* 0: no error */
	char err[320];
};

static struct ctx main_ctx;

/* A time window (or the running totals of --every) and its keys. */
struct window {
	int64_t start;
	struct htab tab;
};

/* The open windows, by start; more than one only with --time-field. */
static struct window *wins;
static size_t nwins, capwins;
static int64_t watermark = INT64_MIN;	/* latest event time seen */
static int64_t next_snapshot;		/* --every: end of the interval */
static int snapshot_dirty;		/* --every: records since the last one */

static void
usage(int status)
{
	if (status != EXIT_OK)
		die_usage(usage_line, "missing operation");
	printf("usage: %s\n", usage_line);
	printf("Group records by key and aggregate values; see mr-reduce(1).\n"
	    "OP: count sum min max range mean median q1 q3 iqr pNN mode\n"
	    "    first last unique countunique collapse sstdev pstdev svar pvar\n");
	exit(EXIT_OK);
}

/* floor(T / W) * W, also for times before the epoch. */
static int64_t
align_down(int64_t t, int64_t w)
{
	int64_t r = t % w;

	return t - (r < 0 ? r + w : r);
}

/* A data error at LINE: fatal now, or kept in C. */
static int
data_error(struct ctx *c, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	if (!c->deferred)
		die_at(rd.name, line, "%s", c->err);
	c->err_line = line;
	return -1;
}

/*
 * A record whose fields do not fit the operations: an error, or with
 * --skip-bad skipped and counted (0).  WHAT is NULL for a missing field.
 */
static int
bad_record(struct ctx *c, uint64_t line, int field, struct slice text,
    const char *what)
{
	char q[MSG_QUOTE_MAX];

	if (skip_bad) {
		c->bad_records++;
		return 0;
	}
	if (what == NULL)
		return data_error(c, line, "field %d is missing", field);
	return data_error(c, line, "field %d: '%s' %s", field,
	    msg_quote(q, sizeof q, text.p, text.len), what);
}

/*
 * Read the fields of VALUE into c->in: 1, or 0 when the record is to be
 * skipped, -1 after a deferred error.
 */
static int
read_value(struct ctx *c, uint64_t line, struct slice value)
{
	int bad, r = agg_read(&agg, value, spec.sep, &c->in, &bad);

	if (r == AGG_OK)
		return 1;
	return bad_record(c, line, agg.fields[bad].field, c->in.text[bad],
	    r == AGG_MISSING ? NULL : agg_bad_value(r));
}

static void
write_results(struct out *o, const char *key, size_t keylen, void *state)
{
	int i;

	out_write(o, key, keylen);
	for (i = 0; i < agg.nops; i++) {
		out_byte(o, spec.sep);
		agg_write(&agg, state, i, o);
	}
	out_byte(o, '\n');
}

/* --top: the first result as text scanned as a number, for ranking. */
struct ranked {
	struct num_text v;
	struct htab_slot k;
};

static int
cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int xn = x->v.kind == NUM_NAN, yn = y->v.kind == NUM_NAN;
	int c;

	/* Largest first, NaN last, equal values in key order. */
	if (xn != yn)
		return xn - yn;
	if ((c = num_text_cmp(&y->v, &x->v)) != 0)
		return c;
	return htab_slot_cmp(&x->k, &y->k);
}

/* References to every key of TAB, in a new array of tab->count. */
static struct htab_slot *
table_refs(struct htab *tab)
{
	struct htab_slot *refs = xreallocarray(NULL, tab->count ? tab->count : 1,
	    sizeof *refs);
	size_t i, n = 0;
	char *ent;

	for (i = 0; i <= tab->mask; i++) {
		if (i + 16 <= tab->mask && tab->slots[i + 16].ent != NULL)
			__builtin_prefetch(tab->slots[i + 16].ent);
		if ((ent = tab->slots[i].ent) == NULL)
			continue;
		refs[n++].ent = ent;
	}
	return refs;
}

/*
 * --top: order REFS by first result and keep the top_n best; the count.
 * The results are ranked exactly as printed, whatever their length.
 */
static size_t
rank_top(struct htab_slot *refs, size_t n)
{
	struct ranked *rk = xreallocarray(NULL, n ? n : 1, sizeof *rk);
	size_t *off = xreallocarray(NULL, n + 1, sizeof *off), i, len = 0,
	    cap = 0;
	char *text = NULL;

	for (i = 0; i < n; i++) {
		if (cap - len < NUM_FMT_MAX) {
			cap = cap * 2 + NUM_FMT_MAX;
			text = xrealloc(text, cap);
		}
		off[i] = len;
		len += agg_format_num(&agg, htab_state((char *)refs[i].ent), 0,
		    text + len);
	}
	off[n] = len;
	for (i = 0; i < n; i++) {
		num_scan(text + off[i], off[i + 1] - off[i], &rk[i].v);
		rk[i].k = refs[i];
	}
	qsort(rk, n, sizeof *rk, cmp_ranked);
	if (n > top_n)
		n = (size_t)top_n;
	for (i = 0; i < n; i++)
		refs[i] = rk[i].k;
	free(rk);
	free(off);
	free(text);
	return n;
}

/*
 * Keys in key order are scattered over the arena: writing them is a cache
 * miss per key (its bytes, then its state) unless asked for ahead.
 * always_inline: see htab_prefetch_entry.
 */
#define WRITE_AHEAD 12

static inline __attribute__((always_inline)) void
prefetch_ref(const struct htab_slot *r)
{
	__builtin_prefetch(r->ent);
	if (((uintptr_t)r->ent & 63) + 16 + agg.size > 64)
		__builtin_prefetch(r->ent + 64);
}

static void
write_ref(const struct htab_slot *r, const char *label)
{
	if (label != NULL) {
		out_str(&out, label);
		out_byte(&out, spec.sep);
	}
	size_t len;
	const char *key = htab_slot_key(r, &len);

	write_results(&out, key, len, htab_state((char *)r->ent));
}

/*
 * Write every key of TAB (or the top_n best) in key order, each line led by
 * LABEL and a separator when LABEL is not NULL.
 */
static void
write_table(struct htab *tab, const char *label)
{
	struct htab_slot *refs = table_refs(tab);
	size_t n = tab->count, i;

	if (top_n > 0)
		n = rank_top(refs, n);
	else
		keysort(refs, n);
	for (i = 0; i < n; i++) {
		if (i + WRITE_AHEAD < n)
			prefetch_ref(&refs[i + WRITE_AHEAD]);
		write_ref(&refs[i], label);
	}
	free(refs);
}

/* Release the states of TAB and empty it. */
static void
clear_table(struct htab *tab)
{
	char **ents;
	size_t i;

	if (agg_owns_memory(&agg)) {
		ents = htab_entries(tab);
		for (i = 0; i < tab->count; i++)
			agg_free(&agg, htab_state(ents[i]));
		free(ents);
	}
	htab_clear(tab);
}

static void *
table_state(struct htab *tab, struct slice key)
{
	int added;

	return htab_get(tab, key.p, key.len, hash64(key.p, key.len), &added);
}

#define MAX_WORKERS 4
#define CHUNK_MIN (2 * 1024 * 1024)

/* Threads of the parallel modes, and their chunk-by-chunk rendezvous. */
static int nworkers = 1;
static int max_threads;		/* -j; 0: one per CPU, up to MAX_WORKERS */
static pthread_barrier_t chunk_start, chunk_end;
static int chunk_eof;

/*
 * The default mode's state machine: the open group of sorted input, and
 * the key order seen so far.  Keys must keep one direction (ascending as
 * sort and Hadoop deliver them, or descending): a key that comes back
 * after another breaks it, so this check costs no memory.
 */
struct grouper {
	struct ctx *c;
	struct out *o;
	void *state;
	char *cur;		/* key of the last group */
	size_t curlen, curcap;
	int have;		/* cur is set */
	int open;		/* state holds cur's group, not yet written */
	int dir;		/* 1 ascending, -1 descending, 0 not known yet */
	uint64_t dir_line;	/* the line that set dir */
};

static void
grouper_init(struct grouper *g, struct ctx *c, struct out *o)
{
	memset(g, 0, sizeof *g);
	g->c = c;
	g->o = o;
	g->state = xcalloc_line(agg.size);
}

static void
grouper_free(struct grouper *g)
{
	agg_free(&agg, g->state);
	free(g->state);
	free(g->cur);
}

static void
grouper_set_key(struct grouper *g, struct slice key)
{
	if (key.len > g->curcap) {
		g->curcap = key.len * 2;
		g->cur = xrealloc(g->cur, g->curcap);
	}
	if (key.len > 0)	/* an empty first key: cur may still be NULL */
		memcpy(g->cur, key.p, key.len);
	g->curlen = key.len;
	g->have = 1;
}

/* Write the open group, if any. */
static void
grouper_close(struct grouper *g)
{
	if (g->open) {
		write_results(g->o, g->cur, g->curlen, g->state);
		agg_reset(&agg, g->state);
		g->open = 0;
	}
}

static int
not_grouped(struct ctx *c, uint64_t line, struct slice key, const char *prev,
    size_t prevlen)
{
	char q1[80], q2[80];

	return data_error(c, line, "input not grouped by key ('%s' after "
	    "'%s'); sort it with mr-sort or use -H",
	    msg_quote(q1, sizeof q1, key.p, key.len),
	    msg_quote(q2, sizeof q2, prev, prevlen));
}

/* Add the record parsed into g->c->in, of KEY at LINE: 0, or -1. */
static int
grouper_feed(struct grouper *g, struct slice key, uint64_t line)
{
	int c;

	if (!g->have || key.len != g->curlen || !bytes_equal(key.p, g->cur,
	    g->curlen)) {
		if (g->have) {
			c = key_cmp(key.p, key.len, g->cur, g->curlen) > 0 ? 1 : -1;
			if (g->dir == 0) {
				g->dir = c;
				g->dir_line = line;
			} else if (c != g->dir) {
				return not_grouped(g->c, line, key, g->cur,
				    g->curlen);
			}
			grouper_close(g);
		}
		grouper_set_key(g, key);
	}
	g->open = 1;
	agg_add(&agg, g->state, &g->c->in);
	return 0;
}

/* The next record of [*P, LAST) in *REC (CR stripped); 0 at LAST. */
static inline int
next_record(char **p, char *last, struct slice *rec)
{
	char *nl;

	if (*p >= last)
		return 0;
	nl = memchr(*p, '\n', (size_t)(last - *p));
	rec->p = *p;
	rec->len = (size_t)((nl ? nl : last) - *p);
	*p = nl ? nl + 1 : last;
	if (rec->len > 0 && rec->p[rec->len - 1] == '\r')
		rec->len--;
	return 1;
}

/* Default mode, one record at a time: live input (pipes) and one CPU. */
static void
run_grouped(void)
{
	struct grouper g;
	struct slice rec, key, value;

	grouper_init(&g, &main_ctx, &out);
	reader_set_idle(&rd, out_flush_cb, &out);
	while (reader_next(&rd, &rec)) {
		kv_split(&spec, rec, &key, &value);
		if (read_value(&main_ctx, rd.line, value) <= 0)
			continue;
		grouper_feed(&g, key, rd.line);
	}
	grouper_close(&g);
	grouper_free(&g);
}

/*
 * A thread of the parallel default mode: a part of a chunk that starts
 * and ends at group boundaries, its groups written to a memory file.
 * Each worker's fields are written for every record: aligned to cache
 * lines, neighbours in the array never share one.
 */
struct __attribute__((aligned(64))) gworker {
	struct ctx c;
	struct grouper g;
	struct out o;		/* onto memfd */
	int memfd;
	char *p, *last;		/* the part */
	uint64_t lines;		/* records in the part */
	struct slice first;	/* its first key (NULL p: no record) */
	uint64_t first_line;	/* local line of that record */
	pthread_t thread;
};

static struct gworker gworkers[MAX_WORKERS];

/* Run grouper W over its part; lines are counted from 1 in the part. */
static void
group_part(struct gworker *w)
{
	struct slice rec, key, value;
	char *p = w->p;
	int r;

	w->lines = 0;
	w->first.p = NULL;
	w->g.have = w->g.open = w->g.dir = 0;
	w->g.dir_line = 0;
	w->c.err_line = 0;
	while (next_record(&p, w->last, &rec)) {
		w->lines++;
		if (w->c.err_line != 0)
			continue;
		kv_split(&spec, rec, &key, &value);
		if ((r = read_value(&w->c, w->lines, value)) <= 0)
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
		pthread_barrier_wait(&chunk_start);
		if (chunk_eof)
			break;
		group_part(w);
		pthread_barrier_wait(&chunk_end);
	}
	return NULL;
}

/* The start of the record after the one that holds P (or LAST). */
/*
 * next_chunk: the next block of whole records of RD, at least CHUNK_MIN
 * bytes unless the input ends first: from *START to the returned end, just
 * past its last '\n' (or the end of input).  A record longer than the block
 * makes it grow.  NULL at the end of input.  The caller consumes the bytes.
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

static char *
record_after(char *p, char *last)
{
	char *nl = memchr(p, '\n', (size_t)(last - p));

	return nl ? nl + 1 : last;
}

/* The start of the record that ends just before P (P > FIRST). */
static char *
record_before(char *first, char *p)
{
	char *nl = p - 1 > first ? memrchr(first, '\n', (size_t)(p - 1 - first)) :
	    NULL;

	return nl ? nl + 1 : first;
}

static struct slice
key_at(char *p, char *last)
{
	struct slice rec = { p, 0 }, key, value;

	next_record(&p, last, &rec);
	kv_split(&spec, rec, &key, &value);
	return key;
}

/* The first group boundary at or after P in [P, LAST) (LAST if none). */
static char *
group_boundary(char *p, char *last)
{
	struct slice k;
	char *q;

	if (p >= last)
		return last;
	k = key_at(p, last);
	for (q = record_after(p, last); q < last; q = record_after(q, last))
		if (!slice_eq(key_at(q, last), k))
			return q;
	return last;
}

/*
 * Check the key order across parts and report the first error in the
 * chunk.  BASE is the line number before the chunk's parts.
 */
static void
check_parts(struct grouper *g, uint64_t base)
{
	struct slice prev = { g->cur, g->curlen };
	uint64_t line = base, err = 0;
	const char *msg = NULL;
	char buf[320];
	int i, dir = g->dir, c, have = g->have;

	for (i = 0; i < nworkers; i++) {
		struct gworker *w = &gworkers[i];

		if (w->c.err_line != 0 && (err == 0 || line + w->c.err_line < err)) {
			err = line + w->c.err_line;
			msg = w->c.err;
		}
		if (w->first.p != NULL) {
			if (have) {
				c = slice_cmp(w->first, prev) > 0 ? 1 : -1;
				if (dir == 0)
					dir = c;
				else if (c != dir && (err == 0 ||
				    line + w->first_line < err)) {
					struct ctx tmp = { .deferred = 1 };

					not_grouped(&tmp, 0, w->first, prev.p, prev.len);
					snprintf(buf, sizeof buf, "%s", tmp.err);
					err = line + w->first_line;
					msg = buf;
				}
			}
			if (w->g.dir != 0) {
				if (dir == 0) {
					dir = w->g.dir;
				} else if (w->g.dir != dir && (err == 0 ||
				    line + w->g.dir_line < err)) {
					snprintf(buf, sizeof buf, "input not grouped "
					    "by key (the order changes direction); "
					    "sort it with mr-sort or use -H");
					err = line + w->g.dir_line;
					msg = buf;
				}
			}
			prev.p = w->g.cur;
			prev.len = w->g.curlen;
			have = 1;
		}
		line += w->lines;
	}
	if (err != 0)
		die_at(rd.name, err, "%s", msg);
	g->dir = dir;
}

/* Append what worker W wrote to its memory file to the output. */
static void
copy_part(struct gworker *w)
{
	char buf[64 * 1024];
	ssize_t n;

	if (lseek(w->memfd, 0, SEEK_SET) < 0)
		die("memory file:");
	while ((n = read(w->memfd, buf, sizeof buf)) > 0)
		out_write(&out, buf, (size_t)n);
	if (n < 0 || ftruncate(w->memfd, 0) < 0 ||
	    lseek(w->memfd, 0, SEEK_SET) < 0)
		die("memory file:");
}

/*
 * Default mode on a regular file with several CPUs: chunks of the input
 * are cut at group boundaries into one part per thread; each thread
 * aggregates its groups into its own memory file, and the parts are
 * written in order.  The last group of a chunk waits for the next chunk
 * (it may continue there); a chunk that holds a single group goes through
 * the main grouper alone, so a group of any size still takes O(1) memory.
 */
static void
run_grouped_parallel(void)
{
	struct grouper g;
	struct slice rec, key, value;
	char *start, *p, *last, *cut, *q;
	uint64_t base;
	int i;

	nworkers = max_threads;
	grouper_init(&g, &main_ctx, &out);
	for (i = 0; i < nworkers; i++) {
		struct gworker *w = &gworkers[i];

		w->c.deferred = 1;
		agg_input_init(&agg, &w->c.in);
		if ((w->memfd = memfd_create("mr-reduce", 0)) < 0)
			die("memfd_create:");
		out_init(&w->o, w->memfd, "memory file");
		grouper_init(&w->g, &w->c, &w->o);
	}
	pthread_barrier_init(&chunk_start, NULL, (unsigned)nworkers);
	pthread_barrier_init(&chunk_end, NULL, (unsigned)nworkers);
	for (i = 1; i < nworkers; i++)
		if ((errno = pthread_create(&gworkers[i].thread, NULL,
		    gworker_main, &gworkers[i])) != 0)
			die("pthread_create:");
	while ((last = next_chunk(&rd, &p)) != NULL) {
		start = p;
		/* Records that continue the main grouper's open group. */
		while (g.open && p < last) {
			q = p;
			next_record(&q, last, &rec);
			kv_split(&spec, rec, &key, &value);
			if (key.len != g.curlen || !bytes_equal(key.p, g.cur, g.curlen))
				break;
			p = q;
			rd.line++;
			if (read_value(&main_ctx, rd.line, value) > 0)
				grouper_feed(&g, key, rd.line);
		}
		cut = last;
		if (!rd.eof && p < last) {
			/* Leave the last group for the next chunk. */
			cut = record_before(p, last);
			key = key_at(cut, last);
			while (cut > p && slice_eq(key_at(record_before(p, cut),
			    last), key))
				cut = record_before(p, cut);
		}
		if (cut == p) {
			/* One group: the main grouper takes it. */
			while (next_record(&p, last, &rec)) {
				rd.line++;
				kv_split(&spec, rec, &key, &value);
				if (read_value(&main_ctx, rd.line, value) > 0)
					grouper_feed(&g, key, rd.line);
			}
			reader_consume(&rd, (size_t)(last - start));
			continue;
		}
		/* One part per worker, each ending at a group boundary. */
		for (i = 0; i < nworkers; i++) {
			gworkers[i].p = p;
			q = i == nworkers - 1 ? cut : group_boundary(
			    record_after(p + (size_t)(cut - p) / (size_t)(nworkers - i),
			    cut), cut);
			if (q < p)
				q = p;
			gworkers[i].last = q;
			p = q;
		}
		pthread_barrier_wait(&chunk_start);
		group_part(&gworkers[0]);
		pthread_barrier_wait(&chunk_end);
		base = rd.line;
		check_parts(&g, base);
		grouper_close(&g);
		for (i = 0; i < nworkers; i++) {
			struct gworker *w = &gworkers[i];

			rd.line += w->lines;
			main_ctx.bad_records += w->c.bad_records;
			w->c.bad_records = 0;
			if (w->first.p != NULL)
				grouper_set_key(&g, (struct slice){ w->g.cur,
				    w->g.curlen });
			copy_part(w);
		}
		reader_consume(&rd, (size_t)(cut - start));
	}
	chunk_eof = 1;
	pthread_barrier_wait(&chunk_start);
	for (i = 1; i < nworkers; i++)
		if ((errno = pthread_join(gworkers[i].thread, NULL)) != 0)
			die("pthread_join:");
	grouper_close(&g);
	grouper_free(&g);
	for (i = 0; i < nworkers; i++) {
		struct gworker *w = &gworkers[i];

		grouper_free(&w->g);
		out_close(&w->o);
		close(w->memfd);
		agg_input_free(&w->c.in);
	}
	pthread_barrier_destroy(&chunk_start);
	pthread_barrier_destroy(&chunk_end);
}

/* A thread of -H: the keys whose hash picks it, in its own table. */
struct __attribute__((aligned(64))) worker {
	int id;
	struct ctx c;
	struct htab tab;
	struct htab_slot *refs;	/* at the end: its keys, sorted (htab_pack) */
	pthread_t thread;
};

static struct worker workers[MAX_WORKERS];
static uint64_t chunk_line;		/* line number before the chunk */

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
};

static char *part_p[MAX_WORKERS + 1];
static uint64_t part_records[MAX_WORKERS];
static struct scanlist scans[MAX_WORKERS][MAX_WORKERS];
static pthread_barrier_t chunk_mid;

/*
 * Keys belong to workers by hash bucket.  A few keys can hold most of the
 * records (a Zipf law: the top key of ten thousand has a tenth), so the
 * buckets are dealt out by the records they hold in a sample of the first
 * chunk (balance_owners), not round-robin.
 */
#define OWNER_BUCKETS 256
static unsigned char bucket_owner[OWNER_BUCKETS];
#define SAMPLE_RECORDS 65536

/* The worker that owns the keys of hash H. */
static inline int
owner(uint64_t h)
{
	return bucket_owner[(h >> 32) % OWNER_BUCKETS];
}

/*
 * Deal the buckets to the workers, heaviest first, each to the worker
 * with the fewest sampled records so far, from the records of [P, LAST).
 */
static void
balance_owners(char *p, char *last)
{
	uint64_t weight[OWNER_BUCKETS] = { 0 }, load[MAX_WORKERS] = { 0 };
	int order[OWNER_BUCKETS], i, j, t, w, best;
	struct slice rec;
	size_t n;

	for (n = 0; n < SAMPLE_RECORDS && next_record(&p, last, &rec); n++)
		weight[(hash64(rec.p, kv_keylen(&spec, rec.p, rec.len)) >> 32) %
		    OWNER_BUCKETS]++;
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
		for (best = 0, w = 1; w < nworkers; w++)
			if (load[w] < load[best])
				best = w;
		bucket_owner[order[i]] = (unsigned char)best;
		load[best] += weight[order[i]] + 1;
	}
}

/* Split and hash the records of part I of the chunk. */
static void
scan_part(int i)
{
	char *p = part_p[i], *last = part_p[i + 1];
	struct slice rec;
	struct scanlist *l;
	struct scanned *sc;
	uint64_t n = 0, h;
	size_t keylen;
	int o;

	for (o = 0; o < nworkers; o++)
		scans[i][o].n = 0;
	while (next_record(&p, last, &rec)) {
		keylen = kv_keylen(&spec, rec.p, rec.len);
		h = hash64(rec.p, keylen);
		l = &scans[i][owner(h)];
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 65536;
			l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
		}
		sc = &l->v[l->n++];
		sc->hash = h;
		sc->p = rec.p;
		sc->len = rec.len;
		sc->keylen = keylen;
		sc->index = ++n;
	}
	part_records[i] = n;
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
 * Add the scanned records of the chunk whose keys belong to W.
 *
 * With many keys each lookup is two cache misses (the slot, then the
 * entry it points to), and even ten thousand keys live in the L3 cache,
 * not the L1: the hashes of the records ahead are known, so the slot of
 * record k + SLOT_AHEAD and the entry of record k + ENTRY_AHEAD are asked
 * for while record k is added.  The tables of the workers are disjoint
 * and need no locks.
 */
#define SLOT_AHEAD 16
#define ENTRY_AHEAD 8

static void
hash_part(struct worker *w)
{
	struct slice key, value;
	uint64_t base = chunk_line, line;
	const struct scanned *sc;
	struct agg_fast sums;
	void *state;
	size_t k;
	int j, added, fast, r;

	for (j = 0; j < nworkers && w->c.err_line == 0;
	    base += part_records[j++]) {
		const struct scanlist *l = &scans[j][w->id];

		for (k = 0; k < l->n; k++) {
			sc = &l->v[k];
			if (k + SLOT_AHEAD < l->n)
				htab_prefetch(&w->tab, sc[SLOT_AHEAD].hash);
			if (k + ENTRY_AHEAD < l->n)
				htab_prefetch_entry(&w->tab, sc[ENTRY_AHEAD].hash);
			scanned_kv(sc, &key, &value);
			line = base + sc->index;
			/* Sums-only specs try the fast path first (agg.h). */
			fast = agg_parse_sums(&agg, value, spec.sep, &sums);
			if (!fast && (r = read_value(&w->c, line, value)) <= 0) {
				if (r < 0)
					return;
				continue;	/* skipped (--skip-bad) */
			}
			state = htab_get(&w->tab, key.p, key.len, sc->hash,
			    &added);
			if (fast && agg_add_sums(&agg, state, &sums))
				continue;
			/* A new scale or a wide sum: the general add. */
			if (fast && read_value(&w->c, line, value) < 0)
				return;
			agg_add(&agg, state, &w->c.in);
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
	scan_part(w->id);
	if (nworkers > 1)
		pthread_barrier_wait(&chunk_mid);
	hash_part(w);
}

/* The end of a worker's part: its keys in key order (unless --top). */
static void
finish_worker(struct worker *w)
{
	w->refs = htab_pack(&w->tab);
	if (top_n == 0)
		keysort_in(w->refs, w->tab.count, w->refs + w->tab.count,
		    w->tab.mask + 1 - w->tab.count);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		pthread_barrier_wait(&chunk_start);
		if (chunk_eof)
			break;
		hash_chunk(w);
		pthread_barrier_wait(&chunk_end);
	}
	finish_worker(w);
	return NULL;
}

/* Report the first error any worker kept, by line. */
static void
check_workers(void)
{
	struct worker *first = NULL;
	int i;

	for (i = 0; i < nworkers; i++)
		if (workers[i].c.err_line != 0 && (first == NULL ||
		    workers[i].c.err_line < first->c.err_line))
			first = &workers[i];
	if (first != NULL)
		die_at(rd.name, first->c.err_line, "%s", first->c.err);
}

/* Write the keys of all workers: merged in key order, or ranked. */
static void
write_workers(void)
{
	size_t pos[MAX_WORKERS] = { 0 }, n = 0, i, k;
	struct htab_slot *all, *best;
	int w, bw;

	if (top_n > 0) {
		for (w = 0; w < nworkers; w++)
			n += workers[w].tab.count;
		all = xreallocarray(NULL, n ? n : 1, sizeof *all);
		for (w = 0, k = 0; w < nworkers; w++)
			for (i = 0; i < workers[w].tab.count; i++)
				all[k++] = workers[w].refs[i];
		n = rank_top(all, n);
		for (i = 0; i < n; i++)
			write_ref(&all[i], NULL);
		free(all);
		return;
	}
	for (;;) {
		best = NULL;
		bw = -1;
		for (w = 0; w < nworkers; w++) {
			struct htab_slot *r;

			if (pos[w] == workers[w].tab.count)
				continue;
			r = &workers[w].refs[pos[w]];
			if (pos[w] + WRITE_AHEAD < workers[w].tab.count)
				prefetch_ref(r + WRITE_AHEAD);
			if (best == NULL || htab_slot_cmp(r, best) < 0) {
				best = r;
				bw = w;
			}
		}
		if (best == NULL)
			break;
		write_ref(best, NULL);
		pos[bw]++;
	}
}

/*
 * -H (and --top): every key in a table, written in key order at the end.
 * Up to MAX_WORKERS threads (one per CPU) each own the keys of a share of
 * the hash values.  The input goes through in chunks of complete records
 * read ahead by a thread of their own (lib/readahead): each worker splits
 * and hashes the records of one part of the chunk, then adds the records
 * of every part whose keys it owns.
 */
static void
run_hashed(void)
{
	struct worker *w;
	struct readahead ra;
	char *p, *last;
	int i, j, first;

	nworkers = max_threads;
	for (i = 0; i < nworkers; i++) {
		w = &workers[i];
		w->id = i;
		w->c.deferred = 1;
		htab_init(&w->tab, agg.size);
		agg_input_init(&agg, &w->c.in);
	}
	if (nworkers > 1) {
		pthread_barrier_init(&chunk_start, NULL, (unsigned)nworkers);
		pthread_barrier_init(&chunk_mid, NULL, (unsigned)nworkers);
		pthread_barrier_init(&chunk_end, NULL, (unsigned)nworkers);
		for (i = 1; i < nworkers; i++)
			if ((errno = pthread_create(&workers[i].thread, NULL,
			    worker_main, &workers[i])) != 0)
				die("pthread_create:");
	}
	readahead_start(&ra, &rd, CHUNK_MIN);
	for (first = 1; (last = readahead_next(&ra, &p)) != NULL; first = 0) {
		if (first && nworkers > 1)
			balance_owners(p, last);
		/* One part per worker to scan, cut at record boundaries. */
		part_p[0] = p;
		for (i = 1; i < nworkers; i++)
			part_p[i] = record_after(p + (size_t)(last - p) *
			    (size_t)i / (size_t)nworkers, last);
		part_p[nworkers] = last;
		for (i = 1; i < nworkers; i++)
			if (part_p[i] < part_p[i - 1])
				part_p[i] = part_p[i - 1];
		chunk_line = rd.line;
		if (nworkers > 1)
			pthread_barrier_wait(&chunk_start);
		hash_chunk(&workers[0]);
		if (nworkers > 1)
			pthread_barrier_wait(&chunk_end);
		for (i = 0; i < nworkers; i++)
			rd.line += part_records[i];
		check_workers();
	}
	readahead_stop(&ra);
	chunk_eof = 1;
	if (nworkers > 1)
		pthread_barrier_wait(&chunk_start);
	finish_worker(&workers[0]);
	for (i = 1; i < nworkers; i++)
		if ((errno = pthread_join(workers[i].thread, NULL)) != 0)
			die("pthread_join:");
	write_workers();
	for (i = 0; i < nworkers; i++) {
		w = &workers[i];
		main_ctx.bad_records += w->c.bad_records;
		clear_table(&w->tab);
		htab_free(&w->tab);
		agg_input_free(&w->c.in);
	}
	for (i = 0; i < nworkers; i++) {
		for (j = 0; j < nworkers; j++) {
			free(scans[i][j].v);
			memset(&scans[i][j], 0, sizeof scans[i][j]);
		}
	}
	if (nworkers > 1) {
		pthread_barrier_destroy(&chunk_start);
		pthread_barrier_destroy(&chunk_mid);
		pthread_barrier_destroy(&chunk_end);
	}
}

static struct window *
window_at(int64_t start)
{
	size_t i;

	for (i = 0; i < nwins && wins[i].start < start; i++)
		;
	if (i < nwins && wins[i].start == start)
		return &wins[i];
	if (nwins == capwins) {
		capwins = capwins ? capwins * 2 : 4;
		wins = xreallocarray(wins, capwins, sizeof *wins);
	}
	memmove(&wins[i + 1], &wins[i], (nwins - i) * sizeof *wins);
	nwins++;
	wins[i].start = start;
	htab_init(&wins[i].tab, agg.size);
	return &wins[i];
}

/* Write the first open window labelled with LABEL_TIME and drop it. */
static void
close_first_window(int64_t label_time, int keep)
{
	char label[TIMEFMT_MAX];

	timefmt_iso(label, label_time);
	write_table(&wins[0].tab, label);
	out_flush(&out);
	if (keep) {
		return;
	}
	clear_table(&wins[0].tab);
	htab_free(&wins[0].tab);
	nwins--;
	memmove(&wins[0], &wins[1], nwins * sizeof *wins);
}

/* The time by which the timer must act, or INT64_MAX for none. */
static int64_t
deadline(void)
{
	if (every_ns > 0)
		return nwins > 0 ? next_snapshot : INT64_MAX;
	if (time_field == 0 && nwins > 0)
		return wins[0].start + window_ns;
	return INT64_MAX;
}

/* Act on the clock: close an arrival-time window, or write a snapshot. */
static void
tick(int64_t now)
{
	if (every_ns > 0) {
		if (now >= next_snapshot) {
			if (nwins > 0)
				close_first_window(next_snapshot, 1);
			snapshot_dirty = 0;
			next_snapshot = align_down(now, every_ns) + every_ns;
		}
	} else if (time_field == 0 && nwins > 0 &&
	    now >= wins[0].start + window_ns) {
		close_first_window(wins[0].start, 0);
	}
}

/*
 * The reader's idle hook in the timed modes: flush, then wait for input
 * with poll(2) no longer than the next window end, so windows close on
 * time even when no record arrives.
 */
static void
wait_for_input(void *arg)
{
	struct pollfd p = { .fd = rd.fd, .events = POLLIN };
	int64_t dl, now;
	int ms, n;

	(void)arg;
	out_flush(&out);
	for (;;) {
		dl = deadline();
		now = timefmt_now();
		if (dl != INT64_MAX && now >= dl) {
			tick(now);
			continue;
		}
		ms = dl == INT64_MAX ? -1 :
		    (int)((dl - now + 999999) / 1000000);
		n = poll(&p, 1, ms);
		if (n > 0)
			return;
		if (n < 0 && errno != EINTR)
			die("poll:");
	}
}

/* --window, --every: aggregate over time. */
static void
run_timed(void)
{
	struct slice rec, key, value, tf;
	int64_t t, start, width = every_ns > 0 ? every_ns : window_ns;
	struct window *w;

	reader_set_idle(&rd, wait_for_input, NULL);
	if (every_ns > 0)
		next_snapshot = align_down(timefmt_now(), every_ns) + every_ns;
	while (reader_next(&rd, &rec)) {
		kv_split(&spec, rec, &key, &value);
		if (read_value(&main_ctx, rd.line, value) <= 0)
			continue;
		if (time_field == 0) {
			t = timefmt_now();
			tick(t);
			w = window_at(every_ns > 0 ? 0 : align_down(t, width));
			agg_add(&agg, table_state(&w->tab, key), &main_ctx.in);
			snapshot_dirty = 1;
			continue;
		}
		if (!kv_field(value, spec.sep, time_field, &tf)) {
			bad_record(&main_ctx, rd.line, time_field, tf, NULL);
			continue;
		}
		if (timefmt_parse(tf.p, tf.len, &t) < 0) {
			bad_record(&main_ctx, rd.line, time_field, tf,
			    "is not a time");
			continue;
		}
		start = align_down(t, width);
		if (watermark != INT64_MIN &&
		    start + width + lateness_ns <= watermark) {
			late_records++;
			continue;
		}
		agg_add(&agg, table_state(&window_at(start)->tab, key),
		    &main_ctx.in);
		if (t > watermark) {
			watermark = t;
			while (nwins > 0 &&
			    wins[0].start + width + lateness_ns <= watermark)
				close_first_window(wins[0].start, 0);
		}
	}
	if (every_ns > 0) {
		if (nwins > 0 && snapshot_dirty)
			close_first_window(next_snapshot, 1);
		if (nwins > 0) {
			clear_table(&wins[0].tab);
			htab_free(&wins[0].tab);
			nwins = 0;
		}
		return;
	}
	while (nwins > 0)
		close_first_window(wins[0].start, 0);
}

static int64_t
seconds_arg(const char *opt, const char *arg)
{
	int64_t ns;

	if (timefmt_seconds(arg, &ns) < 0)
		die_usage(usage_line, "%s: '%s' is not a positive number of "
		    "seconds", opt, arg);
	return ns;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "hash", no_argument, NULL, 'H' },
		{ "threads", required_argument, NULL, 'j' },
		{ "key-fields", required_argument, NULL, 'k' },
		{ "separator", required_argument, NULL, 't' },
		{ "skip-bad", no_argument, NULL, 'b' },
		{ "top", required_argument, NULL, 'n' },
		{ "window", required_argument, NULL, 'w' },
		{ "every", required_argument, NULL, 'e' },
		{ "time-field", required_argument, NULL, 'f' },
		{ "lateness", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct agg_op *ops;
	int c, i, hash_mode = 0, sep, lateness_set = 0;
	uint64_t u;

	msg_init(argv[0]);
	out_ignore_sigpipe();
	while ((c = getopt_long(argc, argv, "Hj:k:t:bn:w:e:f:l:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'H':
			hash_mode = 1;
			break;
		case 'j':
			if (parse_uint(optarg, 1, MAX_WORKERS, &u) < 0)
				die_usage(usage_line, "-j: '%s' is not a thread count "
				    "from 1 to %d", optarg, MAX_WORKERS);
			max_threads = (int)u;
			break;
		case 'k':
			if ((spec.keyfields = kv_parse_keyfields(optarg)) < 0)
				die_usage(usage_line, "-k: '%s' is not a key field "
				    "count", optarg);
			break;
		case 't':
			if ((sep = kv_parse_sep(optarg)) < 0)
				die_usage(usage_line, "-t: '%s' is not a single "
				    "byte", optarg);
			spec.sep = (char)sep;
			break;
		case 'b':
			skip_bad = 1;
			break;
		case 'n':
			if (parse_uint(optarg, 1, UINT64_MAX, &top_n) < 0)
				die_usage(usage_line, "--top: '%s' is not a "
				    "positive count", optarg);
			break;
		case 'w':
			window_ns = seconds_arg("--window", optarg);
			break;
		case 'e':
			every_ns = seconds_arg("--every", optarg);
			break;
		case 'f':
			if (parse_uint(optarg, 1, 1000000, &u) < 0)
				die_usage(usage_line, "--time-field: '%s' is not a "
				    "field number", optarg);
			time_field = (int)u;
			break;
		case 'l':
			if (strcmp(optarg, "0") == 0)
				lateness_ns = 0;
			else
				lateness_ns = seconds_arg("--lateness", optarg);
			lateness_set = 1;
			break;
		case 'h':
			usage(EXIT_OK);
			break;
		case 'V':
			print_version();
			break;
		default:
			die_usage(usage_line, "unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage(EXIT_USAGE);
	if (window_ns > 0 && every_ns > 0)
		die_usage(usage_line, "--window and --every exclude each other");
	if (time_field > 0 && window_ns == 0)
		die_usage(usage_line, "--time-field needs --window");
	if (lateness_set && time_field == 0)
		die_usage(usage_line, "--lateness needs --time-field");
	ops = xreallocarray(NULL, (size_t)argc, sizeof *ops);
	for (i = 0; i < argc; i++)
		if (agg_parse_op(argv[i], &ops[i]) < 0)
			die_usage(usage_line, "'%s' is not an operation", argv[i]);
	if (top_n > 0 && !agg_numeric(ops[0].kind))
		die_usage(usage_line, "--top ranks by the first result, and "
		    "'%s' is not a number", argv[0]);
	agg_spec_init(&agg, ops, argc);
	agg_input_init(&agg, &main_ctx.in);

	if (max_threads == 0)
		max_threads = online_cpus() < MAX_WORKERS ? online_cpus() :
		    MAX_WORKERS;
	reader_open(&rd, "-");
	out_init(&out, 1, "standard output");
	if (window_ns > 0 || every_ns > 0)
		run_timed();
	else if (hash_mode || top_n > 0)
		run_hashed();
	else if (!rd.may_block && max_threads > 1)
		run_grouped_parallel();
	else
		run_grouped();
	reader_close(&rd);
	out_close(&out);
	if (main_ctx.bad_records > 0)
		warn("skipped %llu bad record%s",
		    (unsigned long long)main_ctx.bad_records,
		    main_ctx.bad_records == 1 ? "" : "s");
	if (late_records > 0)
		warn("dropped %llu late record%s", (unsigned long long)late_records,
		    late_records == 1 ? "" : "s");
	hadoop_counter("bad_records", main_ctx.bad_records);
	hadoop_counter("late_records", late_records);
	agg_input_free(&main_ctx.in);
	free(ops);
	free(wins);
	return EXIT_OK;
}
