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
 * keys of their entries; their hash fields are scratch for the sort.  An MSD radix sort on 8-byte chunks, each
 * level an LSD byte-radix pass over the chunks that skips byte positions
 * all keys share, so long common prefixes ("user0001234") cost little.
 * It needs a scratch copy of V.
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

#endif
