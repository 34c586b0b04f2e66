/*
 * merge: k-way merge of sorted record streams with a loser tree.
 *
 * Each input is read in large blocks (lib/record.h, reader_fill) and split
 * into records in place; the loser tree finds the next record in about
 * log2(k) comparisons, most of them decided by a cached 64-bit key word
 * (sortorder_word) without touching the records.  Equal records come out
 * in input order: the one from the earlier input first, so merging runs of
 * a stable sort keeps it stable.
 */
#ifndef MR_MERGE_H
#define MR_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "out.h"
#include "record.h"
#include "sortrec.h"

/* What merge_next checks about each input's own order. */
enum {
	MERGE_TRUST,		/* nothing: the inputs are known sorted */
	MERGE_CHECK,		/* die "FILE:LINE: disorder" on a decrease */
	MERGE_CHECK_STRICT	/* also on a repeated key (sort -c -u) */
};

struct merge_src {
	struct reader r;
	char *p, *end;		/* unsplit bytes of the reader's buffer */
	struct slice rec;	/* the current record */
	size_t keylen;
	uint64_t word;		/* sortorder_word of the key; UINT64_MAX at the end */
	uint64_t word2;		/* key bytes 8..15 (zero-padded, complemented with -r) */
	uint64_t line;
	int live;
	struct buf save;	/* the previous record, kept across a refill */
};

struct merge {
	const struct sortorder *o;
	size_t k;
	struct merge_src *src;
	size_t *tree;		/* tree[0]: winner; tree[1..k-1]: losers */
	int check;
	int keep_cr;
	int started;
	uint64_t flip;		/* complements the words with -r */
	/*
	 * The output the merged records go to, or NULL: before stopping on
	 * a disorder, what it holds is written (out_flush_at_error), so
	 * that every record merge_next gave is output, as far as GNU sort
	 * -m would have come by then.
	 */
	struct out *out;
};

/*
 * merge_open: merge K inputs.  NAMES are paths ("-" is stdin) opened here,
 * or, when FDS is not NULL, the names (for messages) of the open fds FDS,
 * read from their current offset and closed by merge_close.  KEEP_CR keeps
 * a '\r' before '\n' in the records (for inputs written by mr-sort itself).
 * Set m->out after it to have a disorder write what the output holds.
 */
void merge_open(struct merge *m, const struct sortorder *o, size_t k,
    const char *const *names, const int *fds, int check, int keep_cr);

/*
 * merge_next: the next record of the merge in *REC (valid until the next
 * call); 0 at the end of every input.
 */
int merge_next(struct merge *m, struct slice *rec);

/* merge_keylen: the length of the key of the record merge_next gave last. */
static inline size_t
merge_keylen(const struct merge *m)
{
	return m->src[m->tree[0]].keylen;
}

/* merge_close: close the inputs and free everything. */
void merge_close(struct merge *m);

#endif
