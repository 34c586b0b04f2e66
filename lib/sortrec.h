/*
 * sortrec: the sort order of key-value records, and the in-memory sort of
 * an array of record entries.
 *
 * Order: the key (lib/kv.h) as unsigned bytes, a prefix first (Hadoop's
 * Text order), or by numeric value with -n, or by Hadoop's
 * KeyFieldBasedComparator (lib/keyfield); optionally the value bytes next
 * (-V); reversed with -r.  Records that still compare equal keep their
 * input order: the sort is stable.
 *
 * The in-memory sort works on 16-byte entries, one per record: a 64-bit
 * sort word (the next key bytes, big-endian) and a reference (the record's
 * offset in one buffer and its length).  Records live in that buffer, each
 * followed by '\n', in input order, so the offset is also the sequence
 * number that makes the sort stable.
 */
#ifndef MR_SORTREC_H
#define MR_SORTREC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "keyfield.h"
#include "kv.h"

struct sortorder {
	struct kvspec kv;
	int numeric;		/* -n: keys by numeric value */
	int reverse;		/* -r: descending (still stable) */
	int byvalue;		/* -V: equal keys ordered by value bytes */
	/* Hadoop's KeyFieldBasedComparator instead of numeric and reverse
	 * (its global flags are in its specifications); NULL or inactive:
	 * none.  Sorted by comparisons, not by radix. */
	const struct keyfield *kf;
};

/* sortorder_keyfield: whether O orders keys by a KeyFieldBasedComparator. */
static inline int
sortorder_keyfield(const struct sortorder *o)
{
	return o->kf != NULL && keyfield_active(o->kf);
}

/*
 * sortorder_key_cmp: the order of the keys KA and KB alone (numeric with
 * -n, reversed with -r).  0 means "the same key" (for -u and grouping).
 */
int sortorder_key_cmp(const struct sortorder *o, const char *ka, size_t kalen,
    const char *kb, size_t kblen);

/*
 * sortorder_rec_cmp: the order of two whole records, without input order:
 * keys, then values with -V.  Negative, 0 or positive.
 */
int sortorder_rec_cmp(const struct sortorder *o, const char *a, size_t alen,
    const char *b, size_t blen);

/*
 * sortorder_word: a 64-bit number whose unsigned order agrees with the key
 * order as far as it goes: the first 8 key bytes big-endian (zero-padded),
 * or with -n an order-preserving encoding of the key's value (0 for keys
 * that are not numbers); complemented with -r.  Equal words mean "compare
 * the keys".  Used by merges to skip most full comparisons.
 */
uint64_t sortorder_word(const struct sortorder *o, const char *key, size_t keylen);

/* An entry of the in-memory sort; see the comment at the top. */
struct sortent {
	uint64_t word;
	uint64_t ref;		/* offset << 24 | length (SORTENT_LONG: longer) */
};

#define SORTENT_LONG 0xFFFFFFu
#define SORTENT_MAX_OFFSET ((uint64_t)1 << 40)

/*
 * sortent_init: the entry of the record at BASE + OFF, LEN bytes long (not
 * counting its '\n'; the record holds no '\n').
 */
void sortent_init(struct sortent *e, const struct sortorder *o, const char *base,
    uint64_t off, size_t len);

/* sortent_init_key: sortent_init of a record whose key is known to be its
 * first KEYLEN bytes. */
void sortent_init_key(struct sortent *e, const struct sortorder *o,
    const char *base, uint64_t off, size_t len, size_t keylen);

static inline const char *
sortent_ptr(const struct sortent *e, const char *base)
{
	return base + (e->ref >> 24);
}

/* sortent_len: the record's length (it ends at the first '\n'). */
static inline size_t
sortent_len(const struct sortent *e, const char *base)
{
	size_t len = (size_t)(e->ref & SORTENT_LONG);
	const char *p, *nl;

	if (len < SORTENT_LONG)
		return len;
	p = sortent_ptr(e, base);
	nl = rawmemchr(p + len, '\n');
	return (size_t)(nl - p);
}

/*
 * sortent_sort: sort the N entries at E (made by sortent_init over BASE) in
 * the order O, stably, using up to THREADS threads (the caller's included).
 */
void sortent_sort(struct sortent *e, size_t n, const char *base,
    const struct sortorder *o, int threads);

#endif
