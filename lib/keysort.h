/*
 * keysort: sort references to the entries of a hash table (lib/htab) into
 * key order (kv.h key_cmp: unsigned bytes, a prefix first), for programs
 * that print them.
 */
#ifndef MR_KEYSORT_H
#define MR_KEYSORT_H

#include <stddef.h>
#include <stdint.h>

#include "htab.h"
#include "kv.h"

/* htab_slot_cmp: the order of the keys of references A and B of table H. */
static inline int
htab_slot_cmp(const struct htab *h, const struct htab_slot *a,
    const struct htab_slot *b)
{
	return htab_ent_cmp(htab_ent(h, a->ref), htab_ent(h, b->ref));
}

/*
 * keysort: sort V[0..N), references to entries of H (htab_refs, or
 * copies), by the keys of their entries; their tags are scratch for the
 * sort.  An MSD radix sort on the keys' 4-byte chunks held in the tags:
 * bytes all keys share cost one counting pass, buckets of a few keys are
 * sorted by insertion on the chunks, and a key is read again only when a
 * chunk is spent.  It needs a scratch copy of V.
 */
void keysort(const struct htab *h, struct htab_slot *v, size_t n);

/*
 * keysort_in: keysort with ROOM slots at SCRATCH to use as the scratch
 * copy when they are enough (the free tail of a packed table's slot
 * array: memory a big table already holds, where a new array would cost
 * as much again).
 */
void keysort_in(const struct htab *h, struct htab_slot *v, size_t n,
    struct htab_slot *scratch, size_t room);

/*
 * keysort_table: every key of table H in key order, in the front of its
 * slot array (h->count slots), which is returned: htab_pack, then keysort
 * in the free tail, starting past the prefix all keys share.  The table
 * takes no more lookups until htab_clear.
 */
struct htab_slot *keysort_table(struct htab *h);

#endif
