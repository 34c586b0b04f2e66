/*
 * mr-reduce's default engine: input grouped by key (sorted, as mr-sort and
 * Hadoop deliver it), one group at a time in O(1) memory, each written as
 * soon as the next key begins.
 */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "kv.h"
#include "msg.h"
#include "out.h"
#include "reduce.h"
#include "xalloc.h"

/*
 * The grouper is a state machine: the open group, and the key order seen
 * so far.  Keys must keep one direction (ascending as sort and Hadoop
 * deliver them, or descending): a key that comes back after another
 * breaks it, so this check costs no memory.
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

int
not_grouped(struct ctx *c, uint64_t line, struct slice key, struct slice prev)
{
	char q1[80], q2[80];

	return data_error(c, line, "input not grouped by key ('%s' after "
	    "'%s'); sort it with mr-sort or use -H",
	    msg_quote(q1, sizeof q1, key.p, key.len),
	    msg_quote(q2, sizeof q2, prev.p, prev.len));
}

/* Add the record parsed into g->c->in, of KEY at LINE: 0, or -1. */
int
grouper_feed(struct grouper *g, struct slice key, uint64_t line)
{
	struct slice cur = { g->cur.p, g->cur.len };
	int c;

	if (!g->have || key.len != cur.len || !bytes_equal(key.p, cur.p,
	    cur.len)) {
		if (g->have) {
			c = key_cmp(key.p, key.len, cur.p, cur.len) > 0 ? 1 : -1;
			if (g->dir == 0) {
				g->dir = c;
				g->dir_line = line;
			} else if (c != g->dir) {
				return not_grouped(g->c, line, key, cur);
			}
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
