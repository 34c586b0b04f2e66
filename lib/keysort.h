/*
 * keysort: sort the slots of a hash table (lib/htab) into key order (kv.h key_cmp: unsigned bytes, a prefix first), for programs that
 * print them.
 */
#ifndef MR_KEYSORT_H
#define MR_KEYSORT_H

#include <stddef.h>
#include <stdint.h>

#include "htab.h"
#include "kv.h"

/* htab_slot_cmp: the order of the keys of slots A and B (kv.h key_cmp). */
static inline int
htab_slot_cmp(const struct htab_slot *a, const struct htab_slot *b)
{
	size_t alen, blen;
	const char *akey = htab_slot_key(a, &alen);
	const char *bkey = htab_slot_key(b, &blen);

	return key_cmp(akey, alen, bkey, blen);
}

/*
 * keysort: sort the slots V[0..N) (htab_pack, or copies of slots) by the
 * keys of their entries; their hash fields are scratch for the sort.  An
 * MSD radix sort, a byte at a time, on the keys' 8-byte chunks held in the
 * hash fields: bytes all keys share cost one counting pass, buckets of a
 * few keys are sorted by insertion on the chunks, and a key is read again
 * only when a chunk is spent.  It needs a scratch copy of V.
 */
void keysort(struct htab_slot *v, size_t n);

/*
 * keysort_in: keysort with ROOM slots at SCRATCH to use as the scratch
 * copy when they are enough (the free tail of a packed table's slot
 * array: memory a big table already holds, where a new array would cost
 * as much again).
 */
void keysort_in(struct htab_slot *v, size_t n, struct htab_slot *scratch,
    size_t room);

/*
 * keysort_table: every key of table H in key order, in the front of its
 * slot array (h->count slots), which is returned: htab_pack, then keysort
 * in the free tail, starting past the prefix all keys share.  The table
 * takes no more lookups until htab_clear.
 */
struct htab_slot *keysort_table(struct htab *h);

#endif
