/*
 * htab: a hash table from keys (byte strings) to fixed-size state blocks.
 *
 * Open addressing with linear probing over a power-of-two array of slots;
 * each slot stores the key's full 64-bit hash, so a probe compares key
 * bytes only when the hashes agree, and growing never rehashes a key.
 * A key's first slot is given by the top bits of its hash (htab_home): a
 * key lies at or just past its home, so the slots hold keys roughly in
 * the order of their hashes, and doubling the array moves the key of slot
 * i to about 2i: a stream through memory, where homes by the low bits
 * would scatter the keys at random.
 * The low bits are left for the caller (mr-reduce deals keys to threads
 * by them).
 * Entries (a header, the key bytes, then the state block) are carved from
 * a bump arena: chunks from 512 KiB doubling to 64 MiB, none per key.  A
 * new entry's state block is zero-filled.
 *
 * Memory per key: 16 bytes of slot at a load factor between 0.375 and 0.75
 * (21..43 bytes per key on average), plus the entry, 4 + key bytes rounded
 * up to 8, + state.
 */
#ifndef MR_HTAB_H
#define MR_HTAB_H

#include <stddef.h>
#include <stdint.h>

#include "kv.h"

struct htab_slot {
	uint64_t hash;
	char *ent;		/* NULL: empty slot */
};

struct htab {
	struct htab_slot *slots;
	size_t mask;		/* slot count - 1 */
	unsigned shift;		/* 64 - log2(slot count): htab_home */
	size_t count;		/* keys held */
	size_t state_size;	/* bytes of state per key, a multiple of 8 */
	char *chunk;		/* current arena chunk; its first word links the previous */
	size_t used, cap;	/* bytes used and held in the current chunk */
	char *first;		/* the first entry */
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

/* htab_home: the first slot a key of hash HASH probes. */
static inline size_t
htab_home(const struct htab *h, uint64_t hash)
{
	return (size_t)(hash >> h->shift);
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
htab_key(const struct htab *h, const char *ent, size_t *len)
{
	(void)h;
	*len = *(const uint32_t *)ent;
	return ent + HTAB_KEY_AT;
}

/* htab_insert: add KEY at the empty slot S (htab_get's slow path). */
void *htab_insert(struct htab *h, struct htab_slot *s, const char *key,
    size_t len, uint64_t hash);

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

	for (i = htab_home(h, hash);; i = (i + 1) & mask) {
		s = &slots[i];
		if (s->ent == NULL)
			break;
		if (s->hash == hash && *(const uint32_t *)s->ent == len &&
		    bytes_equal(s->ent + HTAB_KEY_AT, key, len)) {
			*added = 0;
			return s->ent + htab_head(len);
		}
	}
	*added = 1;
	return htab_insert(h, s, key, len, hash);
}

/* htab_prefetch: start loading the slot HASH probes first. */
static inline __attribute__((always_inline)) void
htab_prefetch(const struct htab *h, uint64_t hash)
{
	__builtin_prefetch(&h->slots[htab_home(h, hash)]);
}

/*
 * htab_prefetch_entry: start loading the entry HASH most likely finds (call
 * after htab_prefetch has had time to bring in the slot).
 */
static inline __attribute__((always_inline)) void
htab_prefetch_entry(const struct htab *h, uint64_t hash)
{
	size_t i = htab_home(h, hash), k;

	/*
	 * Linear probing leaves many keys a slot or two past their home:
	 * follow the probe a few slots (mostly the same cache line).
	 * always_inline: GCC 12 otherwise judges this function free of
	 * effects (a prefetch is only a hint) and deletes every call.
	 */
	for (k = 0; k < 4; k++, i = (i + 1) & h->mask) {
		const struct htab_slot *s = &h->slots[i];

		if (s->ent == NULL)
			return;
		if (s->hash == hash) {
			/* The second line only when the entry (with a key of
			 * up to 12 bytes) may reach into it. */
			__builtin_prefetch(s->ent);
			if (((uintptr_t)s->ent & 63) + 16 + h->state_size > 64)
				__builtin_prefetch(s->ent + 64);
			return;
		}
	}
}


/* htab_slot_key: the key of the entry of slot S and its length. */
static inline const char *
htab_slot_key(const struct htab_slot *s, size_t *len)
{
	return htab_key(NULL, s->ent, len);
}

/*
 * htab_entries: every entry pointer, in the order the keys came, in a new
 * array of h->count pointers (the caller frees it).
 */
char **htab_entries(const struct htab *h);

/*
 * htab_pack: references to every entry, in the order the keys came, in
 * the front of the slot array, which is returned: h->count slots, for
 * keysort (sorting a big table's keys then needs no second array).  The
 * entries are read in the order they lie in memory, not the slots' order,
 * and each slot's hash field gets the key's chunk (key_chunk) after the
 * h->prefix bytes all keys share: the first digit of keysort_packed.
 * The table takes no more lookups (htab_get) until htab_clear; the array
 * stays the table's to free.
 */
struct htab_slot *htab_pack(struct htab *h);


#endif
