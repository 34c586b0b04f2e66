/*
 * mr-reduce: a table's keys written in key order, or ranked by their first
 * result (--top), and tables emptied.
 */
#include <stdlib.h>

#include "agg.h"
#include "htab.h"
#include "keysort.h"
#include "num.h"
#include "reduce.h"
#include "xalloc.h"

/* --top: the first result as text scanned as a number, for ranking. */
struct ranked {
	struct num_text v;
	char *ent;
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
	return htab_ent_cmp(x->ent, y->ent);
}

/*
 * --top: order the entries ENTS by first result and keep the top_n best;
 * the count.  The results are ranked exactly as printed, whatever their
 * length.
 */
size_t
rank_top(const struct reduce *r, char **ents, size_t n)
{
	struct ranked *rk = xreallocarray(NULL, n ? n : 1, sizeof *rk);
	size_t *off = xreallocarray(NULL, n + 1, sizeof *off), i;
	struct buf text = { 0 };
	char *at;

	for (i = 0; i < n; i++) {
		off[i] = text.len;
		at = buf_reserve(&text, NUM_FMT_MAX);
		text.len += agg_format_num(&r->agg, htab_state(ents[i]), 0, at);
	}
	off[n] = text.len;
	for (i = 0; i < n; i++) {
		num_scan(text.p + off[i], off[i + 1] - off[i], &rk[i].v);
		rk[i].ent = ents[i];
	}
	qsort(rk, n, sizeof *rk, cmp_ranked);
	if (n > r->top_n)
		n = (size_t)r->top_n;
	for (i = 0; i < n; i++)
		ents[i] = rk[i].ent;
	free(rk);
	free(off);
	buf_free(&text);
	return n;
}

/* The line of the key of entry ENT, led by LABEL and a separator if not NULL. */
void
write_ent(const struct reduce *r, struct out *o, char *ent, const char *label)
{
	const char *key;
	size_t len;

	if (label != NULL) {
		out_str(o, label);
		out_byte(o, r->spec.sep);
	}
	key = htab_key(ent, &len);
	write_results(r, o, key, len, htab_state(ent));
}

/*
 * Write every key of TAB (or the top_n best) in key order, each line led
 * by LABEL and a separator when LABEL is not NULL.  Unless KEEP the table
 * is packed for the sort and takes no more keys until cleared.
 */
void
write_table(struct reduce *r, struct htab *tab, const char *label, int keep)
{
	struct htab_slot *refs, *copy = NULL;
	char **ents;
	size_t n = tab->count, i, touched = 0;

	if (keep) {
		/* The table goes on: sort copies of its references. */
		copy = xreallocarray(NULL, n ? n : 1, sizeof *copy);
		htab_refs(tab, copy, NULL, NULL);
		refs = copy;
		if (r->top_n == 0)
			keysort(tab, refs, n);
	} else {
		refs = r->top_n == 0 ? keysort_table(tab) :
		    htab_pack(tab, NULL, NULL);
	}
	if (r->top_n > 0) {
		ents = xreallocarray(NULL, n ? n : 1, sizeof *ents);
		for (i = 0; i < n; i++)
			ents[i] = htab_ent(tab, refs[i].ref);
		n = rank_top(r, ents, n);
		for (i = 0; i < n; i++)
			write_ent(r, &r->out, ents[i], label);
		free(ents);
	} else {
		for (i = 0; i < n; i++) {
			touch_ahead(r, tab, refs, i, n, &touched);
			write_ent(r, &r->out, htab_ent(tab, refs[i].ref), label);
		}
	}
	free(copy);
}

/* Release the states of TAB and empty it. */
void
clear_table(const struct reduce *r, struct htab *tab)
{
	char **ents;
	size_t i;

	if (agg_owns_memory(&r->agg)) {
		ents = htab_entries(tab);
		for (i = 0; i < tab->count; i++)
			agg_free(&r->agg, htab_state(ents[i]));
		free(ents);
	}
	htab_clear(tab);
}
