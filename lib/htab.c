/* htab: open-addressing hash table with arena-held entries (see htab.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "htab.h"
#include "msg.h"
#include "xalloc.h"

#define HTAB_MIN_SLOTS 1024
#define ARENA_CHUNK (1024 * 1024)
#define ARENA_CHUNK_MAX (64 * 1024 * 1024)
#define HUGE_PAGE (2 * 1024 * 1024)
#define CACHE_LINE 64
/* A chunk starts with a link to the previous one and its size, padded to a
 * cache line. */
#define CHUNK_HEAD CACHE_LINE

/*
 * Zeroed memory for the slot array and the arena.  Large blocks come from
 * mmap, aligned to 2 MiB and marked for transparent huge pages: a lookup
 * in a table of millions of keys is a cache miss anyway, and with 4 KiB
 * pages it is a TLB miss as well (very costly under virtualization).
 */
static void *
big_alloc(size_t n)
{
	char *p, *a, *raw;
	size_t head;

	if (n < 2 * HUGE_PAGE) {
		/*
		 * calloc leaves large blocks untouched until used (zero pages
		 * from mmap, or fresh heap), and leak checkers see into it.
		 * Aligned to a cache line, so that 64-byte entries sit in one
		 * line; the block calloc gave sits just before.
		 */
		raw = xcalloc(1, n + CACHE_LINE + sizeof raw);
		a = (char *)(((uintptr_t)raw + sizeof raw + CACHE_LINE - 1) &
		    ~(uintptr_t)(CACHE_LINE - 1));
		memcpy(a - sizeof raw, &raw, sizeof raw);
		return a;
	}
	p = mmap(NULL, n + HUGE_PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("out of memory (%zu bytes):", n);
	a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	head = (size_t)(a - p);
	if (head > 0)
		munmap(p, head);
	if (HUGE_PAGE - head > 0)
		munmap(a + n, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
	madvise(a, n, MADV_HUGEPAGE);
#endif
	return a;
}

static void
big_free(void *p, size_t n)
{
	char *raw;

	if (p == NULL)
		return;
	if (n < 2 * HUGE_PAGE) {
		memcpy(&raw, (char *)p - sizeof raw, sizeof raw);
		free(raw);
	} else {
		munmap(p, n);
	}
}

void
htab_init(struct htab *h, size_t state_size)
{
	memset(h, 0, sizeof *h);
	h->state_size = (state_size + 7) & ~(size_t)7;
	h->slots = big_alloc(HTAB_MIN_SLOTS * sizeof *h->slots);
	h->mask = HTAB_MIN_SLOTS - 1;
}

/* Each chunk starts with a link to the previous chunk and its own size. */
static void
arena_free(struct htab *h)
{
	char *c, *prev;
	size_t size;

	for (c = h->chunk; c != NULL; c = prev) {
		memcpy(&prev, c, sizeof prev);
		memcpy(&size, c + sizeof prev, sizeof size);
		big_free(c, size);
	}
	h->chunk = NULL;
	h->used = h->cap = 0;
}

void
htab_free(struct htab *h)
{
	arena_free(h);
	big_free(h->slots, (h->mask + 1) * sizeof *h->slots);
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

static char *
arena_alloc(struct htab *h, size_t n)
{
	char *c;
	size_t size;

	if (h->cap - h->used < n) {
		/* Chunks double up to 64 MiB: small tables stay small. */
		size = h->cap == 0 ? ARENA_CHUNK : h->cap < ARENA_CHUNK_MAX ?
		    h->cap * 2 : ARENA_CHUNK_MAX;
		if (size < n + CHUNK_HEAD)
			size = n + CHUNK_HEAD;
		c = big_alloc(size);
		memcpy(c, &h->chunk, sizeof h->chunk);
		memcpy(c + sizeof h->chunk, &size, sizeof size);
		h->chunk = c;
		h->used = CHUNK_HEAD;
		h->cap = size;
	}
	c = h->chunk + h->used;
	h->used += n;
	return c;
}

/* Double the slot array; stored hashes make this a pass without rehashing. */
static void
grow(struct htab *h)
{
	size_t n = (h->mask + 1) * 2, i, j;
	struct htab_slot *s = big_alloc(n * sizeof *s);

	for (i = 0; i <= h->mask; i++) {
		if (h->slots[i].ent == NULL)
			continue;
		for (j = h->slots[i].hash & (n - 1); s[j].ent != NULL;
		    j = (j + 1) & (n - 1))
			;
		s[j] = h->slots[i];
	}
	big_free(h->slots, (h->mask + 1) * sizeof *h->slots);
	h->slots = s;
	h->mask = n - 1;
}

void *
htab_insert(struct htab *h, struct htab_slot *s, const char *key, size_t len,
    uint64_t hash)
{
	size_t need;
	char *ent;

	if (h->packed)
		die("internal error: htab_get on a packed table");
	if (len > UINT32_MAX)
		die("a key of %zu bytes is too long", len);
	need = 8 + htab_keyspace(len) + h->state_size;
	ent = arena_alloc(h, need);
	*(uint32_t *)ent = (uint32_t)len;
	memcpy(ent + 8, key, len);
	s->hash = hash;
	s->ent = ent;
	h->count++;
	if (h->count * 4 > (h->mask + 1) * 3)
		grow(h);
	return ent + 8 + htab_keyspace(len);
}

char **
htab_entries(const struct htab *h)
{
	char **v = xreallocarray(NULL, h->count ? h->count : 1, sizeof *v);
	size_t i, n = 0;

	if (h->packed) {
		for (i = 0; i < h->count; i++)
			v[i] = h->slots[i].ent;
		return v;
	}
	for (i = 0; i <= h->mask; i++)
		if (h->slots[i].ent != NULL)
			v[n++] = h->slots[i].ent;
	return v;
}

struct htab_slot *
htab_pack(struct htab *h)
{
	size_t i, n = 0;

	if (!h->packed)
		for (i = 0; i <= h->mask; i++)
			if (h->slots[i].ent != NULL)
				h->slots[n++] = h->slots[i];
	h->packed = 1;
	return h->slots;
}
