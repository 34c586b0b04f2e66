/*
 * keysort: sort references to the keys of a hash table (lib/htab) into key
 * order (kv.h key_cmp: unsigned bytes, a prefix first), for programs that
 * print them.
 */
#ifndef MR_KEYSORT_H
#define MR_KEYSORT_H

#include <stddef.h>
#include <stdint.h>

#include "htab.h"
#include "kv.h"

struct keyref {
	uint64_t chunk;		/* scratch for the sort */
	const char *ent;	/* an htab entry (htab.h): its key is sorted */
};

/* keyref_key: the key bytes of R and their count. */
static inline const char *
keyref_key(const struct keyref *r, size_t *len)
{
	return htab_key(NULL, r->ent, len);
}

/* keyref_cmp: the order of the keys of A and B (kv.h key_cmp). */
static inline int
keyref_cmp(const struct keyref *a, const struct keyref *b)
{
	size_t alen, blen;
	const char *akey = keyref_key(a, &alen), *bkey = keyref_key(b, &blen);

	return key_cmp(akey, alen, bkey, blen);
}

/*
 * keysort: sort V[0..N) by key.  An MSD radix sort on 8-byte chunks, each
 * level an LSD byte-radix pass over the chunks that skips byte positions
 * all keys share, so long common prefixes ("user0001234") cost little.
 * A reference is 16 bytes: sorting two million keys takes 64 MiB with its
 * scratch copy.
 */
void keysort(struct keyref *v, size_t n);

#endif
