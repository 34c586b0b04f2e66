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
		k = htab_key(&h, ents[i], &len);
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
	v = htab_pack(&h);
	CHECK(h.packed);
	/* Packing twice is harmless; htab_entries still sees each key once. */
	CHECK(htab_pack(&h) == v);
	ents = htab_entries(&h);
	for (i = 0; i < h.count; i++)
		CHECK(ents[i] == v[i].ent);
	free(ents);
	CHECK(h.mask + 1 - h.count >= h.count);	/* the tail is the scratch */
	keysort_in(v, h.count, v + h.count, h.mask + 1 - h.count);
	for (i = 0; i < h.count; i++) {
		k = htab_slot_key(&v[i], &len);
		if (prev != NULL && key_cmp(prev, prevlen, k, len) >= 0)
			ordered = 0;
		if ((uintptr_t)v[i].ent % 8 != 0)
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

int
main(void)
{
	unit_module = "htab";
	RUN(new_keys_get_zeroed_state);
	RUN(many_keys_survive_growth);
	RUN(keys_with_nul_bytes_and_long_keys);
	RUN(packed_table_sorts_in_place);
	return unit_done();
}
