/*
 * htab: a hash table from keys (byte strings) to fixed-size state blocks.
 *
 * Open addressing with linear probing over a power-of-two array of 8-byte
 * slots: the top 32 bits of the key's hash (its tag) and a 32-bit
 * reference to its entry (htab_ent), so a cache line holds 8 slots and a
 * probe compares key bytes only when the tags agree.  A key's first slot
 * is given by the top bits of its tag (htab_home): a key lies at or just
 * past its home, so the slots hold keys roughly in the order of their
 * hashes, doubling the array moves the key of slot i to about 2i (a
 * stream through memory, where homes by the low bits would scatter the
 * keys at random), and growing needs no key's bytes.  The tag's bits
 * below the home's tell keys of one neighbourhood apart (12 bits at a
 * million slots: a false match, which costs a look at the key, once in
 * thousands of probes).  The low bits of the hash are left for the
 * caller (mr-reduce deals keys to threads by them).
 *
 * Entries (a header, the key bytes, then the state block) are carved from
 * a bump arena: chunks from 512 KiB doubling to 128 MiB, none per key, at
 * most HTAB_MAX_CHUNKS of them (about 32 GiB of entries per table).  A
 * reference is the entry's chunk (8 bits) and its offset in 8-byte units
 * (24 bits); 0 is no entry (an offset is past the chunk's header).  A new
 * entry's state block is zero-filled.
 *
 * Memory per key: 8 bytes of slot at a load factor between 0.375 and 0.75
 * (11..21 bytes per key on average), plus the entry, 4 + key bytes
 * rounded up to 8, + state.
 */
#ifndef MR_HTAB_H
#define MR_HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "kv.h"

/* A slot of the table; in a sorted array (keysort), the tag is scratch. */
struct htab_slot {
	uint32_t tag;		/* the top 32 bits of the key's hash */
	uint32_t ref;		/* the entry (htab_ent); 0: an empty slot */
};

#define HTAB_OFF_BITS 24
#define HTAB_MAX_CHUNKS 256	/* 2^(32 - HTAB_OFF_BITS) */

struct htab {
	struct htab_slot *slots;
	size_t mask;		/* slot count - 1 */
	unsigned shift;		/* 32 - log2(slot count): htab_home */
	size_t count;		/* keys held */
	size_t state_size;	/* bytes of state per key, a multiple of 8 */
	char *chunk[HTAB_MAX_CHUNKS];	/* the arena's chunks, oldest first */
	unsigned nchunks;
	size_t used, cap;	/* bytes used and usable in the last chunk */
	int fresh;		/* the last chunk is new memory, not a spare */
	char *first;		/* the first entry */
	uint64_t head[2];	/* its key's first 16 bytes (key_chunk) */
	uint64_t vary[2];	/* the bits of those in which other keys differ */
	char *spare;		/* old slot arrays, for the arena (htab.c) */
	size_t chunk_min;	/* the first arena chunk's size (htab_reserve) */
	size_t prefix;		/* the length of the prefix all keys share */
	int packed;		/* htab_pack ran: no more lookups */
};

/* htab_init: an empty table whose keys carry STATE_SIZE bytes of state. */
void htab_init(struct htab *h, size_t state_size);
/* htab_free: release everything. */
void htab_free(struct htab *h);
/* htab_clear: drop every key, keep the slot array for reuse. */
void htab_clear(struct htab *h);
/*
 * htab_reserve: room for KEYS keys in an empty table (slots, and the first
 * arena chunk), for a caller that expects many: a table that starts small
 * grows through arrays too small for huge pages (xalloc_big), each page of
 * which costs a page fault.
 */
void htab_reserve(struct htab *h, size_t keys);

/* htab_tag: the tag of a key of hash HASH. */
static inline uint32_t
htab_tag(uint64_t hash)
{
	return (uint32_t)(hash >> 32);
}

/* htab_home: the first slot a key of tag TAG probes. */
static inline size_t
htab_home(const struct htab *h, uint32_t tag)
{
	return (size_t)(tag >> h->shift);
}

/* htab_ent: the entry of reference REF (not 0). */
static inline char *
htab_ent(const struct htab *h, uint32_t ref)
{
	return h->chunk[ref >> HTAB_OFF_BITS] +
	    ((size_t)(ref & ((1u << HTAB_OFF_BITS) - 1)) << 3);
}

/*
 * An entry: uint32 key length, the key bytes, padding to 8, then the
 * state: a lookup reads the key and the state updates that follow touch
 * the adjacent bytes.  htab_head: the bytes before the state.
 */
#define HTAB_KEY_AT 4

static inline size_t
htab_head(size_t len)
{
	return (HTAB_KEY_AT + len + 7) & ~(size_t)7;
}

static inline void *
htab_state(char *ent)
{
	return ent + htab_head(*(const uint32_t *)ent);
}

static inline const char *
htab_key(const char *ent, size_t *len)
{
	*len = *(const uint32_t *)ent;
	return ent + HTAB_KEY_AT;
}

/* htab_insert: add KEY at the empty slot S (htab_get's slow path). */
void *htab_insert(struct htab *h, struct htab_slot *s, const char *key,
    size_t len, uint32_t tag);

/*
 * htab_get: the state of KEY (LEN bytes, hash HASH = hash64(KEY, LEN)),
 * adding the key with a zeroed state when it is new (*added = 1).  The key
 * bytes are copied.  The state pointer stays valid until htab_clear/free.
 * The lookup is inline: it runs once per record.
 */
static inline void *
htab_get(struct htab *h, const char *key, size_t len, uint64_t hash,
    int *added)
{
	struct htab_slot *slots = h->slots, *s;
	size_t mask = h->mask, i;
	uint32_t tag = htab_tag(hash);
	char *ent;

	for (i = htab_home(h, tag);; i = (i + 1) & mask) {
		s = &slots[i];
		if (s->ref == 0)
			break;
		if (s->tag != tag)
			continue;
		ent = htab_ent(h, s->ref);
		if (*(const uint32_t *)ent == len &&
		    bytes_equal(ent + HTAB_KEY_AT, key, len)) {
			*added = 0;
			return ent + htab_head(len);
		}
	}
	*added = 1;
	return htab_insert(h, s, key, len, tag);
}

/* htab_prefetch: start loading the slot HASH probes first. */
static inline __attribute__((always_inline)) void
htab_prefetch(const struct htab *h, uint64_t hash)
{
	__builtin_prefetch(&h->slots[htab_home(h, htab_tag(hash))]);
}

/*
 * htab_prefetch_entry: start loading the entry HASH most likely finds (call
 * after htab_prefetch has had time to bring in the slot).
 */
static inline __attribute__((always_inline)) void
htab_prefetch_entry(const struct htab *h, uint64_t hash)
{
	uint32_t tag = htab_tag(hash);
	size_t i = htab_home(h, tag), k;
	const char *ent;

	/*
	 * Linear probing leaves many keys a slot or two past their home:
	 * follow the probe a few slots (mostly the same cache line).
	 * always_inline: GCC 12 otherwise judges this function free of
	 * effects (a prefetch is only a hint) and deletes every call.
	 */
	for (k = 0; k < 4; k++, i = (i + 1) & h->mask) {
		const struct htab_slot *s = &h->slots[i];

		if (s->ref == 0)
			return;
		if (s->tag == tag) {
			/* The second line only when the entry (with a key of
			 * up to 12 bytes) may reach into it. */
			ent = htab_ent(h, s->ref);
			__builtin_prefetch(ent);
			if (((uintptr_t)ent & 63) + 16 + h->state_size > 64)
				__builtin_prefetch(ent + 64);
			return;
		}
	}
}

/* htab_ref_key: the key of the entry of REF and its length. */
static inline const char *
htab_ref_key(const struct htab *h, uint32_t ref, size_t *len)
{
	return htab_key(htab_ent(h, ref), len);
}

/* htab_ent_cmp: the order of the keys of entries A and B (kv.h key_cmp). */
static inline int
htab_ent_cmp(const char *a, const char *b)
{
	size_t alen, blen;
	const char *akey = htab_key(a, &alen);
	const char *bkey = htab_key(b, &blen);

	return key_cmp(akey, alen, bkey, blen);
}

/*
 * htab_entries: every entry pointer, in the order the keys came, in a new
 * array of h->count pointers (the caller frees it).
 */
char **htab_entries(const struct htab *h);

/*
 * A function that gives the tag of a key in an array of references
 * (keysort's first digit), with its argument.
 */
typedef uint32_t htab_tagger(const char *key, size_t len, const void *arg);

/*
 * htab_refs: a reference to every entry, in the order the keys came, into
 * V[0..h->count), each tag set to TAG(key, length, ARG), or 0 when TAG is
 * NULL.  The entries are read in the order they lie in memory (a stream),
 * not the slots' order (a cache miss each).
 */
void htab_refs(const struct htab *h, struct htab_slot *v, htab_tagger *tag,
    const void *arg);

/*
 * htab_pack: htab_refs into the front of the slot array, which is
 * returned: h->count slots, for keysort (sorting a big table's keys then
 * needs no second array).  The table takes no more lookups (htab_get)
 * until htab_clear; the array stays the table's to free.
 */
struct htab_slot *htab_pack(struct htab *h, htab_tagger *tag, const void *arg);


#endif
