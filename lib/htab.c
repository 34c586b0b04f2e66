/* htab: open-addressing hash table with arena-held entries (see htab.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "htab.h"
#include "msg.h"
#include "xalloc.h"

#define HTAB_MIN_SLOTS 1024
#define HTAB_MIN_SHIFT 22	/* 32 - log2(HTAB_MIN_SLOTS) */
/* The first chunk below xalloc_big's huge pages: a small table stays small. */
#define ARENA_CHUNK (512 * 1024)
/* The most a reference's offset reaches (HTAB_OFF_BITS of 8-byte units). */
#define ARENA_CHUNK_MAX ((size_t)8 << HTAB_OFF_BITS)
#define CACHE_LINE 64
/* The huge page of xalloc_big: memory is paid for a page at a time. */
#define ARENA_PAGE (2 * 1024 * 1024)
/*
 * A chunk starts with its size and the bytes used in it (set when the next
 * chunk starts), padded to a cache line: no entry's offset is 0.
 */
#define CHUNK_HEAD CACHE_LINE
#define CHUNK_USED sizeof(size_t)
/* Smaller old slot arrays are freed, not kept for the arena. */
#define SPARE_MIN (64 * 1024)


void
htab_init(struct htab *h, size_t state_size)
{
	memset(h, 0, sizeof *h);
	h->state_size = (state_size + 7) & ~(size_t)7;
	h->slots = xalloc_big(HTAB_MIN_SLOTS * sizeof *h->slots);
	h->mask = HTAB_MIN_SLOTS - 1;
	h->shift = HTAB_MIN_SHIFT;
}

void
htab_reserve(struct htab *h, size_t keys)
{
	size_t n = h->mask + 1;
	unsigned shift = h->shift;

	if (h->count != 0 || h->nchunks != 0)
		return;
	/* Below three quarters full, as htab_insert keeps it. */
	while (n / 4 * 3 <= keys && shift > 1) {
		n *= 2;
		shift--;
	}
	if (n != h->mask + 1) {
		xfree_big(h->slots, (h->mask + 1) * sizeof *h->slots);
		h->slots = xalloc_big(n * sizeof *h->slots);
		h->mask = n - 1;
		h->shift = shift;
	}
	h->chunk_min = keys * (htab_head(8) + h->state_size);
	if (h->chunk_min > ARENA_CHUNK_MAX)
		h->chunk_min = ARENA_CHUNK_MAX;
}

static void
arena_free(struct htab *h)
{
	size_t size;
	unsigned k;

	for (k = 0; k < h->nchunks; k++) {
		memcpy(&size, h->chunk[k], sizeof size);
		xfree_big(h->chunk[k], size);
		h->chunk[k] = NULL;
	}
	h->nchunks = 0;
	h->used = h->cap = 0;
	h->fresh = 0;
	h->first = NULL;
	h->prefix = 0;
	h->vary[0] = h->vary[1] = 0;
}

void
htab_free(struct htab *h)
{
	char *next;
	size_t size;

	arena_free(h);
	/* Spares start with a link to the next and their size. */
	for (; h->spare != NULL; h->spare = next) {
		memcpy(&next, h->spare, sizeof next);
		memcpy(&size, h->spare + sizeof next, sizeof size);
		xfree_big(h->spare, size);
	}
	xfree_big(h->slots, (h->mask + 1) * sizeof *h->slots);
	h->slots = NULL;
	h->count = 0;
}

void
htab_clear(struct htab *h)
{
	arena_free(h);
	memset(h->slots, 0, (h->mask + 1) * sizeof *h->slots);
	h->count = 0;
	h->packed = 0;
}

/*
 * Memory that held a slot array before it grew: the next arena chunks.
 * Fresh memory costs a page fault and the kernel's zeroing per page, which
 * on a virtual machine is dear; this memory has been paid for.  Each block
 * starts with a link to the next and its size.
 */
static void
spare_push(struct htab *h, void *p, size_t size)
{
	if (size < SPARE_MIN) {
		xfree_big(p, size);
		return;
	}
	memcpy(p, &h->spare, sizeof h->spare);
	memcpy((char *)p + sizeof h->spare, &size, sizeof size);
	h->spare = p;
}

/* A spare block of at least N bytes (*SIZE: its size), or NULL. */
static char *
spare_pop(struct htab *h, size_t n, size_t *size)
{
	char *p = h->spare;

	if (p == NULL)
		return NULL;
	memcpy(size, p + sizeof p, sizeof *size);
	if (*size < n)
		return NULL;
	memcpy(&h->spare, p, sizeof h->spare);
	return p;
}


/*
 * Whether N more bytes in the current chunk would touch a huge page of
 * fresh memory while a spare of room enough lies idle: the spare is then
 * the better place (its pages are paid for, and the fresh chunk's pages
 * past the ones touched cost nothing).
 */
static int
spare_first(const struct htab *h, size_t n)
{
	size_t size;

	if (!h->fresh || h->spare == NULL ||
	    (h->used + n - 1) / ARENA_PAGE == (h->used - 1) / ARENA_PAGE)
		return 0;
	memcpy(&size, h->spare + sizeof h->spare, sizeof size);
	return size >= n + CHUNK_HEAD;
}

static char *
arena_alloc(struct htab *h, size_t n)
{
	char *c;
	size_t size;

	if (h->cap - h->used < n || spare_first(h, n)) {
		/* Chunks double up to ARENA_CHUNK_MAX: small tables stay small. */
		size = h->cap == 0 ? (h->chunk_min > ARENA_CHUNK ?
		    h->chunk_min : ARENA_CHUNK) : h->cap < ARENA_CHUNK_MAX / 2 ?
		    h->cap * 2 : ARENA_CHUNK_MAX;
		if (size < n + CHUNK_HEAD)
			size = n + CHUNK_HEAD;
		if (h->nchunks == HTAB_MAX_CHUNKS)
			die("out of memory: a hash table's keys take more than "
			    "%u chunks of up to %zu MiB", HTAB_MAX_CHUNKS,
			    ARENA_CHUNK_MAX >> 20);
		h->fresh = 0;
		if ((c = spare_pop(h, n + CHUNK_HEAD, &size)) == NULL) {
			c = xalloc_big(size);
			h->fresh = 1;
		}
		if (h->nchunks > 0)
			memcpy(h->chunk[h->nchunks - 1] + CHUNK_USED, &h->used,
			    sizeof h->used);
		memcpy(c, &size, sizeof size);
		h->chunk[h->nchunks++] = c;
		h->used = CHUNK_HEAD;
		/* A spare may be larger than a reference reaches. */
		h->cap = size < ARENA_CHUNK_MAX ? size : ARENA_CHUNK_MAX;
	}
	c = h->chunk[h->nchunks - 1] + h->used;
	h->used += n;
	return c;
}

/*
 * Double the slot array; the tags make this a pass without rehashing, and
 * homes by the top bits (htab_home) make it a stream.
 */
static void
grow(struct htab *h)
{
	size_t n = (h->mask + 1) * 2, i, j;
	struct htab_slot *s;
	unsigned shift = h->shift - 1;

	if (h->shift == 0)
		die("out of memory: a hash table of %zu slots", n);
	s = xalloc_big(n * sizeof *s);
	for (i = 0; i <= h->mask; i++) {
		if (h->slots[i].ref == 0)
			continue;
		for (j = (size_t)(h->slots[i].tag >> shift); s[j].ref != 0;
		    j = (j + 1) & (n - 1))
			;
		s[j] = h->slots[i];
	}
	spare_push(h, h->slots, (h->mask + 1) * sizeof *h->slots);
	h->slots = s;
	h->mask = n - 1;
	h->shift = shift;
}

void *
htab_insert(struct htab *h, struct htab_slot *s, const char *key, size_t len,
    uint32_t tag)
{
	size_t need;
	char *ent;

	if (h->packed)
		die("internal error: htab_get on a packed table");
	/* An entry fits an arena chunk (and its length, 32 bits). */
	if (len > ARENA_CHUNK_MAX - CHUNK_HEAD - 16 - h->state_size)
		die("a key of %zu bytes is too long (the most is %zu)", len,
		    ARENA_CHUNK_MAX - CHUNK_HEAD - 16 - h->state_size);
	need = htab_head(len) + h->state_size;
	ent = arena_alloc(h, need);
	*(uint32_t *)ent = (uint32_t)len;
	memcpy(ent + HTAB_KEY_AT, key, len);
	/* The arena may be spare memory (spare_pop): zero the state. */
	memset(ent + htab_head(len), 0, h->state_size);
	if (h->first == NULL) {
		h->first = ent;
		h->prefix = len;
		h->head[0] = key_chunk(key, len, 0);
		h->head[1] = key_chunk(key, len, 8);
	} else {
		/* The prefix all keys share shrinks to what this one shares. */
		const char *f = h->first + HTAB_KEY_AT;
		size_t i, n = h->prefix < len ? h->prefix : len;

		for (i = 0; i < n && f[i] == key[i]; i++)
			;
		h->prefix = i;
		/* keysort sorts on the bits in which keys differ (vary). */
		h->vary[0] |= key_chunk(key, len, 0) ^ h->head[0];
		h->vary[1] |= key_chunk(key, len, 8) ^ h->head[1];
	}
	s->tag = tag;
	s->ref = (h->nchunks - 1) << HTAB_OFF_BITS |
	    (uint32_t)((size_t)(ent - h->chunk[h->nchunks - 1]) >> 3);
	h->count++;
	if (h->count * 4 > (h->mask + 1) * 3)
		grow(h);
	return ent + htab_head(len);
}

/*
 * Call FN(ENT, REF, I, ARG) for every entry, I counting from 0 in the order
 * the keys came: chunk by chunk from the oldest, entry after entry in each.
 * Reading the arena in address order is a stream the CPU prefetches; the
 * slots would visit the entries in random order, a cache miss each.
 */
static void
arena_walk(const struct htab *h, void (*fn)(char *, uint32_t, size_t, void *),
    void *arg)
{
	char *c, *p, *end;
	size_t used, i = 0;
	unsigned k;

	for (k = 0; k < h->nchunks; k++) {
		c = h->chunk[k];
		if (k == h->nchunks - 1)
			used = h->used;
		else
			memcpy(&used, c + CHUNK_USED, sizeof used);
		for (p = c + CHUNK_HEAD, end = c + used; p < end;
		    p += htab_head(*(uint32_t *)p) + h->state_size)
			fn(p, k << HTAB_OFF_BITS | (uint32_t)((size_t)(p - c) >> 3),
			    i++, arg);
	}
}

static void
collect_entry(char *ent, uint32_t ref, size_t i, void *arg)
{
	(void)ref;
	((char **)arg)[i] = ent;
}

char **
htab_entries(const struct htab *h)
{
	char **v = xreallocarray(NULL, h->count ? h->count : 1, sizeof *v);

	arena_walk(h, collect_entry, v);
	return v;
}

struct refs {
	struct htab_slot *v;
	htab_tagger *tag;
	const void *arg;
};

static void
ref_entry(char *ent, uint32_t ref, size_t i, void *arg)
{
	struct refs *rf = arg;
	size_t len;
	const char *key = htab_key(ent, &len);

	rf->v[i].ref = ref;
	rf->v[i].tag = rf->tag != NULL ? rf->tag(key, len, rf->arg) : 0;
}

void
htab_refs(const struct htab *h, struct htab_slot *v, htab_tagger *tag,
    const void *arg)
{
	struct refs rf = { v, tag, arg };

	arena_walk(h, ref_entry, &rf);
}

struct htab_slot *
htab_pack(struct htab *h, htab_tagger *tag, const void *arg)
{
	if (!h->packed)
		htab_refs(h, h->slots, tag, arg);
	h->packed = 1;
	return h->slots;
}
