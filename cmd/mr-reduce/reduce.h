/*
 * mr-reduce's private header: the options and state every engine shares,
 * a thread's record context, and the engines, one file each:
 *
 *	main.c      options, the choice of engine, the end (notices, counters)
 *	record.c    a record's value read, its errors and skips; result lines
 *	grouped.c   sorted input, one group at a time (the default)
 *	parallel.c  the same on a regular file, in chunks cut among threads
 *	hashed.c    any order, in hash tables (-H, --top), the input
 *	hashout.c   the same, the end: keys sorted, merged and written
 *	windows.c   time windows and running totals (-w, -e)
 *	rank.c      a table's keys in key order, or ranked (--top)
 */
#ifndef MR_REDUCE_H
#define MR_REDUCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <string.h>

#include "agg.h"
#include "buf.h"
#include "htab.h"
#include "kv.h"
#include "out.h"
#include "record.h"

/* Threads of the batch engines, at most. */
#define MAX_WORKERS 4
/* Bytes of input a chunk of the batch engines holds, at least. */
#define CHUNK_MIN (2 * 1024 * 1024)

/*
 * A thread's view of the records it adds: their parsed fields, the records
 * skipped (-b) and the first of them, and (in worker threads, where dying
 * at once would make the reported line depend on timing) the first error,
 * kept for the main thread to report.
 */
struct ctx {
	struct reduce *r;	/* not const: an error ends its output (stop_at) */
	struct agg_input in;
	uint64_t skipped;
	uint64_t skip_line;	/* the first skipped record's line; 0: none */
	char skip_why[320];	/* and what was wrong with it */
	int deferred;		/* keep errors instead of dying */
	uint64_t err_line;	/* 0: no error */
	char err[320];
};

/* The options, the input and output, and what the main thread counts. */
struct reduce {
	struct kvspec spec;	/* -k, -t */
	struct agg_spec agg;	/* the operations */
	int skip_bad;		/* -b */
	int quiet;		/* -q */
	int verbose;		/* -v */
	int hash;		/* -H */
	uint64_t top_n;		/* -n; 0: every key */
	int64_t window_ns;	/* -w */
	int64_t every_ns;	/* -e */
	int64_t lateness_ns;	/* -l */
	int time_field;		/* -f; 0: arrival time */
	int threads;		/* -j, or one per CPU up to MAX_WORKERS */
	struct reader rd;
	struct out out;
	struct ctx ctx;		/* the main thread's */
	uint64_t late;		/* records too late for their window */
	/* Result lines written, counted (by write_results, in any thread)
	 * only when they are reported: -v or a Hadoop task. */
	uint64_t *results;
};

/* record.c */
void ctx_init(struct ctx *c, struct reduce *r, int deferred);
void ctx_free(struct ctx *c);
noreturn void stop_at(struct reduce *r, uint64_t line, const char *msg);
int data_error(struct ctx *c, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int bad_record(struct ctx *c, uint64_t line, int field, struct slice text,
    const char *what);
int read_value(struct ctx *c, uint64_t line, struct slice value);
void ctx_take_skips(struct ctx *to, struct ctx *from, uint64_t line_offset);
void write_results(const struct reduce *r, struct out *o, const char *key,
    size_t keylen, void *state);
char *record_after(char *p, char *last);
char *record_before(char *first, char *p);
struct slice key_at(const struct reduce *r, char *p, char *last);

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

/*
 * grouped.c.  Sorted input comes in one of four orders of its keys: up or
 * down, in key order (key_cmp: mr-sort, `sort -t SEP -k1,1`, Hadoop) or in
 * whole-line order (each key followed by the separator: `LC_ALL=C sort`
 * of whole lines, `sort -r`).  Each keeps equal keys together; the input
 * is taken while its keys keep at least one of them.  A change of key
 * breaks two: one of each kind, by its direction.
 */
enum {
	ORDER_KEY_UP = 1, ORDER_KEY_DOWN = 2,
	ORDER_LINE_UP = 4, ORDER_LINE_DOWN = 8,
	ORDER_ALL = 15, ORDERS = 4
};

/* The orders that the change of key from PREV to KEY breaks. */
static inline unsigned
order_breaks(const struct reduce *r, struct slice key, struct slice prev)
{
	int line, c = key_cmp_lines(key.p, key.len, prev.p, prev.len,
	    r->spec.sep, &line);

	return (c > 0 ? ORDER_KEY_DOWN : ORDER_KEY_UP) |
	    (line > 0 ? ORDER_LINE_DOWN : ORDER_LINE_UP);
}

/* Where an order broke in a part of the input, and the error it makes. */
struct order_break {
	uint64_t line;
	char msg[320];
};

/* The open group of sorted input, and the orders its keys keep so far. */
struct grouper {
	const struct reduce *r;
	struct ctx *c;
	struct out *o;
	void *state;
	struct buf cur;		/* the key of the last group */
	int have;		/* cur is set */
	int open;		/* state holds cur's group, not yet written */
	unsigned orders;	/* ORDER_* still kept */
	struct order_break broke[ORDERS];	/* deferred: by bit number */
};

void grouper_init(struct grouper *g, const struct reduce *r, struct ctx *c,
    struct out *o);
void grouper_free(struct grouper *g);
void grouper_set_key(struct grouper *g, struct slice key);
void grouper_close(struct grouper *g);
int grouper_feed(struct grouper *g, struct slice key, uint64_t line);
void not_grouped_msg(char *dst, size_t size, struct slice key,
    struct slice prev);
void run_grouped(struct reduce *r);

/* parallel.c */
void run_grouped_parallel(struct reduce *r);

/* hashed.c */
void run_hashed(struct reduce *r);

/* windows.c */
void run_timed(struct reduce *r);

/* rank.c */
size_t rank_top(const struct reduce *r, char **ents, size_t n);
void write_ent(const struct reduce *r, struct out *o, char *ent,
    const char *label);
void write_table(struct reduce *r, struct htab *tab, const char *label,
    int keep);
void clear_table(const struct reduce *r, struct htab *tab);

/*
 * Keys in key order are scattered over the arena: writing them is a cache
 * miss per key (its bytes, then its state).  Prefetching one key a few
 * keys ahead hid little of it here (the write of 1.26 M keys took the same
 * 0.3-0.4 s with 4, 12, 32 or 64 keys ahead); reading the first byte of
 * the next TOUCH_BLOCK keys in a loop of independent loads, before they
 * are written, keeps many misses in flight at once and halves it.
 */
#define TOUCH_BLOCK 64

/*
 * Load the entries of V[0..N) (N <= TOUCH_BLOCK), references into TAB;
 * their second cache line, where the state may reach into it, is
 * prefetched.  always_inline: see htab_prefetch_entry.
 */
static inline __attribute__((always_inline)) void
touch_refs(const struct reduce *r, const struct htab *tab,
    const struct htab_slot *v, size_t n)
{
	const char *ent;
	size_t i;

	for (i = 0; i < n; i++) {
		ent = htab_ent(tab, v[i].ref);
		(void)*(volatile const char *)ent;
		if (((uintptr_t)ent & 63) + 16 + r->agg.size > 64)
			__builtin_prefetch(ent + 64);
	}
}

/*
 * Before writing V[POS], make sure the entries from it on are touched:
 * *TOUCHED is the end of those touched so far, END that of V.
 */
static inline __attribute__((always_inline)) void
touch_ahead(const struct reduce *r, const struct htab *tab,
    const struct htab_slot *v, size_t pos, size_t end, size_t *touched)
{
	size_t n;

	if (pos < *touched)
		return;
	n = end - pos < TOUCH_BLOCK ? end - pos : TOUCH_BLOCK;
	touch_refs(r, tab, v + pos, n);
	*touched = pos + n;
}

#endif
