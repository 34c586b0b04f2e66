/* Unit tests of lib/htab: keys to zeroed state blocks, growth, clearing. */
#include "unit.h"
#include "hash.h"
#include "htab.h"
#include "keysort.h"

static uint64_t *
get(struct htab *h, const char *key, size_t len, int *added)
{
	return htab_get(h, key, len, hash64(key, len), added);
}

static void
new_keys_get_zeroed_state(void)
{
	struct htab h;
	uint64_t *s;
	int added;

	htab_init(&h, 12);
	CHECK(h.state_size == 16);
	s = get(&h, "apple", 5, &added);
	CHECK(added && s[0] == 0 && s[1] == 0);
	s[0] = 7;
	s = get(&h, "apple", 5, &added);
	CHECK(!added && s[0] == 7);
	/* A prefix and the empty key are different keys. */
	s = get(&h, "app", 3, &added);
	CHECK(added && s[0] == 0);
	s = get(&h, "", 0, &added);
	CHECK(added);
	CHECK(h.count == 3);
	htab_free(&h);
}

static void
many_keys_survive_growth(void)
{
	struct htab h;
	char key[32], **ents;
	uint64_t *s, sum = 0;
	const char *k;
	size_t i, len;
	int added, n;

	htab_init(&h, 8);
	for (i = 0; i < 100000; i++) {
		n = snprintf(key, sizeof key, "key%zu", i % 50000);
		s = get(&h, key, (size_t)n, &added);
		CHECK(added == (i < 50000));
		*s += i;
	}
	CHECK(h.count == 50000);
	ents = htab_entries(&h);
	for (i = 0; i < h.count; i++) {
		k = htab_key(ents[i], &len);
		CHECK(len >= 4 && memcmp(k, "key", 3) == 0);
		sum += *(uint64_t *)htab_state(ents[i]);
	}
	CHECK(sum == (uint64_t)99999 * 100000 / 2);
	free(ents);
	htab_clear(&h);
	CHECK(h.count == 0);
	s = get(&h, "key1", 4, &added);
	CHECK(added && *s == 0);
	htab_free(&h);
}

static void
keys_with_nul_bytes_and_long_keys(void)
{
	struct htab h;
	char big[5000];
	int added;

	memset(big, 'x', sizeof big);
	htab_init(&h, 8);
	get(&h, "a\0b", 3, &added);
	CHECK(added);
	get(&h, "a\0c", 3, &added);
	CHECK(added);
	get(&h, "a\0b", 3, &added);
	CHECK(!added);
	get(&h, big, sizeof big, &added);
	CHECK(added);
	get(&h, big, sizeof big, &added);
	CHECK(!added);
	htab_free(&h);
}

/* htab_pack, then keysort_in in the free tail, gives every key in order. */
static void
packed_table_sorts_in_place(void)
{
	struct htab h;
	struct htab_slot *v;
	char key[32], **ents;
	const char *k;
	size_t i, len, prevlen = 0;
	const char *prev = NULL;
	int added, n, ordered = 1, aligned = 1;

	htab_init(&h, 8);
	for (i = 0; i < 3000; i++) {
		n = snprintf(key, sizeof key, "k%zu", (i * 7919) % 2000);
		*(uint64_t *)get(&h, key, (size_t)n, &added) += 1;
	}
	CHECK(h.count == 2000);
	v = htab_pack(&h, NULL, NULL);
	CHECK(h.packed);
	/* Packing twice is harmless; htab_entries still sees each key once. */
	CHECK(htab_pack(&h, NULL, NULL) == v);
	ents = htab_entries(&h);
	for (i = 0; i < h.count; i++)
		CHECK(ents[i] == htab_ent(&h, v[i].ref));
	free(ents);
	CHECK(h.mask + 1 - h.count >= h.count);	/* the tail is the scratch */
	keysort_in(&h, v, h.count, v + h.count, h.mask + 1 - h.count);
	for (i = 0; i < h.count; i++) {
		k = htab_ref_key(&h, v[i].ref, &len);
		if (prev != NULL && key_cmp(prev, prevlen, k, len) >= 0)
			ordered = 0;
		if ((uintptr_t)htab_ent(&h, v[i].ref) % 8 != 0)
			aligned = 0;
		prev = k;
		prevlen = len;
	}
	CHECK(ordered);
	CHECK(aligned);
	/* A cleared table takes lookups again. */
	htab_clear(&h);
	CHECK(!h.packed && h.count == 0);
	get(&h, "k1", 2, &added);
	CHECK(added);
	htab_free(&h);
}

/* Keys of many lengths, NULs and a shared prefix: keysort_table sorts them
 * as key_cmp does, and htab_entries gives them in the order they came. */
static void
table_sort_agrees_with_key_cmp(void)
{
	static const char *const prefixes[] = { "", "user", "a long shared prefix " };
	struct came { char k[64]; size_t len; } *came;
	struct htab h;
	struct htab_slot *v;
	char key[64], **ents;
	const char *k, *prev;
	size_t i, j, p, len, plen, prevlen, n;
	int added, ordered, in_order;

	for (p = 0; p < 3; p++) {
		/* "user": enough keys for 16-bit radix digits. */
		size_t tries = p == 1 ? 300000 : 20000;

		htab_init(&h, 24);
		came = calloc(tries, sizeof *came);
		plen = strlen(prefixes[p]);
		memcpy(key, prefixes[p], plen);
		for (i = n = 0; i < tries; i++) {
			len = plen + unit_rand(p == 1 ? 16 : 12);
			for (j = plen; j < len; j++)
				key[j] = "\0ab\377"[unit_rand(4)];
			get(&h, key, len, &added);
			if (added) {
				memcpy(came[n].k, key, len);
				came[n++].len = len;
			}
		}
		CHECK(h.prefix >= plen);
		ents = htab_entries(&h);
		for (i = 0, in_order = 1; i < h.count; i++) {
			k = htab_key(ents[i], &len);
			if (len != came[i].len || memcmp(k, came[i].k, len) != 0)
				in_order = 0;
		}
		CHECK(in_order);
		v = keysort_table(&h);
		CHECK(h.packed && h.count == n);
		ordered = 1;
		prev = NULL;
		prevlen = 0;
		for (i = 0; i < h.count; i++) {
			k = htab_ref_key(&h, v[i].ref, &len);
			if (prev != NULL && key_cmp(prev, prevlen, k, len) >= 0)
				ordered = 0;
			prev = k;
			prevlen = len;
		}
		CHECK(ordered);
		free(ents);
		free(came);
		htab_free(&h);
	}
}

/* The prefix all keys share, as keys come. */
static void
the_shared_prefix_shrinks_as_keys_come(void)
{
	struct htab h;
	int added;

	htab_init(&h, 8);
	CHECK(h.prefix == 0 && h.first == NULL);
	get(&h, "user123", 7, &added);
	CHECK(h.prefix == 7);
	get(&h, "user124", 7, &added);
	CHECK(h.prefix == 6);
	get(&h, "use", 3, &added);
	CHECK(h.prefix == 3);
	get(&h, "user9", 5, &added);
	CHECK(h.prefix == 3);
	get(&h, "x", 1, &added);
	CHECK(h.prefix == 0);
	htab_clear(&h);
	get(&h, "abc", 3, &added);
	CHECK(h.prefix == 3);
	htab_free(&h);
}

/*
 * htab_reserve sizes an empty table for the keys to come (no growth up to
 * them, growth past them, every key kept), and does nothing to a table
 * that holds keys.  A key lies at its home (htab_home) or past it with no
 * empty slot between, unless its probe wrapped around the end.
 */
static void
a_reserved_table_holds_its_keys_and_grows_past_them(void)
{
	struct htab h;
	char key[32];
	uint64_t *s;
	size_t i, j, mask, home, len;
	const char *k;
	int added, n, wrapped;

	htab_init(&h, 8);
	htab_reserve(&h, 5000);
	mask = h.mask;
	CHECK((mask + 1) / 4 * 3 > 5000 && mask + 1 <= 16384);
	for (i = 0; i < 20000; i++) {
		n = snprintf(key, sizeof key, "k%zu", i);
		s = get(&h, key, (size_t)n, &added);
		CHECK(added);
		*s = i;
		if (i == 4999)
			CHECK(h.mask == mask);
	}
	CHECK(h.mask > mask && h.count == 20000);
	for (i = 0; i < 20000; i++) {
		n = snprintf(key, sizeof key, "k%zu", i);
		s = get(&h, key, (size_t)n, &added);
		CHECK(!added && *s == i);
	}
	for (i = 0, wrapped = 1; i <= h.mask; i++) {
		if (h.slots[i].ref == 0) {
			wrapped = 0;
			continue;
		}
		home = htab_home(&h, h.slots[i].tag);
		CHECK(home <= i || wrapped);
		for (j = home; j < i; j++)
			CHECK(h.slots[j].ref != 0);
		/* The tag is the key's: the top bits of its hash. */
		k = htab_ref_key(&h, h.slots[i].ref, &len);
		CHECK(h.slots[i].tag == htab_tag(hash64(k, len)));
	}
	mask = h.mask;
	htab_reserve(&h, 1000000);
	CHECK(h.mask == mask);
	htab_free(&h);
}

/*
 * Keys whose hashes share the top 32 bits share a tag: only their bytes
 * tell them apart, through growth too (HASH is the caller's, so it can be
 * made to collide).
 */
static void
keys_of_one_tag_stay_apart(void)
{
	struct htab h;
	char key[32];
	uint64_t *s, hash;
	size_t i;
	int added, n, ok = 1;

	htab_init(&h, 8);
	for (i = 0; i < 3000; i++) {
		n = snprintf(key, sizeof key, "t%zu", i);
		/* One tag; the low bits differ for half of them. */
		hash = (uint64_t)0xdeadbeef << 32 | (i % 2 ? i : 0);
		s = htab_get(&h, key, (size_t)n, hash, &added);
		if (!added)
			ok = 0;
		*s = i;
	}
	CHECK(ok && h.count == 3000);
	for (i = 0; i < 3000; i++) {
		n = snprintf(key, sizeof key, "t%zu", i);
		hash = (uint64_t)0xdeadbeef << 32 | (i % 2 ? i : 0);
		s = htab_get(&h, key, (size_t)n, hash, &added);
		if (added || *s != i)
			ok = 0;
	}
	CHECK(ok && h.count == 3000);
	htab_free(&h);
}

/*
 * Entries over many arena chunks (long keys): every reference, in the
 * slots and from htab_refs, leads to its own key, in the order keys came.
 */
static void
references_reach_across_arena_chunks(void)
{
	struct htab h;
	struct htab_slot *v;
	char key[400];
	const char *k;
	uint64_t *s;
	size_t i, len, found = 0;
	int added, ok = 1;

	htab_init(&h, 16);
	memset(key, 'k', sizeof key);
	for (i = 0; i < 40000; i++) {
		snprintf(key, sizeof key, "%zu", i);
		key[strlen(key)] = 'k';
		s = htab_get(&h, key, 100 + i % 300, hash64(key, 100 + i % 300),
		    &added);
		s[0] = i;
	}
	CHECK(h.count == 40000 && h.nchunks > 3);
	for (i = 0; i <= h.mask; i++) {
		if (h.slots[i].ref == 0)
			continue;
		found++;
		k = htab_ref_key(&h, h.slots[i].ref, &len);
		if (h.slots[i].tag != htab_tag(hash64(k, len)))
			ok = 0;
	}
	CHECK(ok && found == 40000);
	v = calloc(h.count, sizeof *v);
	htab_refs(&h, v, NULL, NULL);
	for (i = 0; i < h.count; i++) {
		k = htab_ref_key(&h, v[i].ref, &len);
		s = htab_state(htab_ent(&h, v[i].ref));
		if (len != 100 + i % 300 || strtoul(k, NULL, 10) != i || s[0] != i)
			ok = 0;
	}
	CHECK(ok);
	free(v);
	htab_free(&h);
}

/*
 * The slot arrays a table outgrows hold its next entries before a fresh
 * chunk's next huge page is touched: none lies idle at the end.
 */
static void
outgrown_slot_arrays_hold_entries_first(void)
{
	struct htab h;
	char key[32];
	uint64_t *s;
	size_t i;
	int added, n, ok = 1;

	/* As a thread of mr-reduce -H on its benchmark (hashed.c). */
	htab_init(&h, 24);
	htab_reserve(&h, 180 * 1024);
	for (i = 0; i < 632000; i++) {
		n = snprintf(key, sizeof key, "s%zu", i);
		s = get(&h, key, (size_t)n, &added);
		*s = i;
	}
	CHECK(h.spare == NULL && h.nchunks > 2);
	for (i = 0; i < 632000; i += 7) {
		n = snprintf(key, sizeof key, "s%zu", i);
		s = get(&h, key, (size_t)n, &added);
		if (added || *s != i)
			ok = 0;
	}
	CHECK(ok);
	htab_free(&h);
}

int
main(void)
{
	unit_module = "htab";
	RUN(new_keys_get_zeroed_state);
	RUN(many_keys_survive_growth);
	RUN(keys_with_nul_bytes_and_long_keys);
	RUN(packed_table_sorts_in_place);
	RUN(table_sort_agrees_with_key_cmp);
	RUN(the_shared_prefix_shrinks_as_keys_come);
	RUN(a_reserved_table_holds_its_keys_and_grows_past_them);
	RUN(keys_of_one_tag_stay_apart);
	RUN(references_reach_across_arena_chunks);
	RUN(outgrown_slot_arrays_hold_entries_first);
	return unit_done();
}
