/*
 * keysort: sort references to keys into key order (kv.h key_cmp: unsigned
 * bytes, a prefix first), for programs that print the keys of a hash table.
 */
#ifndef MR_KEYSORT_H
#define MR_KEYSORT_H

#include <stddef.h>
#include <stdint.h>

struct keyref {
	uint64_t chunk;		/* scratch for the sort */
	const char *p;		/* the key */
	size_t len;
	void *data;		/* the caller's */
};

/*
 * keysort: sort V[0..N) by key.  An MSD radix sort on 8-byte chunks, each
 * level an LSD byte-radix pass over the chunks that skips byte positions
 * all keys share, so long common prefixes ("user0001234") cost little.
 */
void keysort(struct keyref *v, size_t n);

#endif
