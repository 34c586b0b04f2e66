/*
 * mr-reduce's default engine: input grouped by key (sorted, as mr-sort,
 * `LC_ALL=C sort` and Hadoop deliver it), one group at a time in O(1)
 * memory, each written as soon as the next key begins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "kv.h"
#include "msg.h"
#include "out.h"
#include "reduce.h"
#include "xalloc.h"

/*
 * The grouper is a state machine: the open group, and the orders of keys
 * (reduce.h) the input keeps so far.  A key that comes back after another
 * breaks every order, so this check costs no memory.
 */
void
grouper_init(struct grouper *g, const struct reduce *r, struct ctx *c,
    struct out *o)
{
	memset(g, 0, sizeof *g);
	g->r = r;
	g->c = c;
	g->o = o;
	g->state = xcalloc_line(r->agg.size);
	g->orders = ORDER_ALL;
}

void
grouper_free(struct grouper *g)
{
	agg_free(&g->r->agg, g->state);
	free(g->state);
	buf_free(&g->cur);
}

void
grouper_set_key(struct grouper *g, struct slice key)
{
	buf_set(&g->cur, key.p, key.len);
	g->have = 1;
}

/* Write the open group, if any. */
void
grouper_close(struct grouper *g)
{
	if (g->open) {
		write_results(g->r, g->o, g->cur.p, g->cur.len, g->state);
		agg_reset(&g->r->agg, g->state);
		g->open = 0;
	}
}

void
not_grouped_msg(char *dst, size_t size, struct slice key, struct slice prev)
{
	char q1[80], q2[80];

	snprintf(dst, size, "input not grouped by key ('%s' after '%s'); "
	    "sort it with mr-sort or use -H",
	    msg_quote(q1, sizeof q1, key.p, key.len),
	    msg_quote(q2, sizeof q2, prev.p, prev.len));
}

/*
 * The change from the open group's key to KEY at LINE broke the orders
 * BROKEN: 0, or -1 when none is left.  A deferred grouper (a part of the
 * input) notes where each broke, for check_parts to find the line where
 * the input as a whole keeps none.
 */
static int
orders_broken(struct grouper *g, unsigned broken, struct slice key,
    uint64_t line)
{
	struct slice cur = { g->cur.p, g->cur.len };
	char msg[sizeof g->broke[0].msg];
	int i;

	g->orders &= ~broken;
	not_grouped_msg(msg, sizeof msg, key, cur);
	for (i = 0; g->c->deferred && i < ORDERS; i++)
		if (broken & 1u << i) {
			g->broke[i].line = line;
			memcpy(g->broke[i].msg, msg, sizeof msg);
		}
	return g->orders == 0 ? data_error(g->c, line, "%s", msg) : 0;
}

/* Add the record parsed into g->c->in, of KEY at LINE: 0, or -1. */
int
grouper_feed(struct grouper *g, struct slice key, uint64_t line)
{
	struct slice cur = { g->cur.p, g->cur.len };
	unsigned broken;

	if (!g->have || key.len != cur.len || !bytes_equal(key.p, cur.p,
	    cur.len)) {
		if (g->have) {
			broken = g->orders & order_breaks(g->r, key, cur);
			if (broken != 0 && orders_broken(g, broken, key, line) < 0)
				return -1;
			grouper_close(g);
		}
		grouper_set_key(g, key);
	}
	g->open = 1;
	agg_add(&g->r->agg, g->state, &g->c->in);
	return 0;
}

/* Default mode, one record at a time: live input (pipes) and one CPU. */
void
run_grouped(struct reduce *r)
{
	struct grouper g;
	struct slice rec, key, value;

	grouper_init(&g, r, &r->ctx, &r->out);
	reader_set_idle(&r->rd, out_flush_cb, &r->out);
	while (reader_next(&r->rd, &rec)) {
		kv_split(&r->spec, rec, &key, &value);
		if (read_value(&r->ctx, r->rd.line, value) <= 0)
			continue;
		grouper_feed(&g, key, r->rd.line);
	}
	grouper_close(&g);
	grouper_free(&g);
}
