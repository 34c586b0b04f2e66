/* Unit tests of lib/keysort against qsort with key_cmp. */
#include "unit.h"
#include "hash.h"
#include "keysort.h"
#include "kv.h"

/* qsort has no argument for the table its references point into. */
static const struct htab *sorted_table;

static int
by_key(const void *a, const void *b)
{
	return htab_slot_cmp(sorted_table, a, b);
}

static void
add(struct htab *h, const char *key, size_t len)
{
	int added;

	htab_get(h, key, len, hash64(key, len), &added);
}

/*
 * Sort the distinct keys of N random keys over ALPHABET of lengths up to
 * MAXLEN after PREFIX both ways.
 */
static int
agrees_with_qsort(size_t n, const char *alphabet, size_t na, size_t maxlen,
    const char *prefix)
{
	size_t i, j, len, plen = strlen(prefix);
	char *k = malloc(maxlen + plen);
	struct htab h;
	struct htab_slot *a, *b;
	int ok = 1;

	htab_init(&h, 8);
	memcpy(k, prefix, plen);
	for (i = 0; i < n; i++) {
		len = plen + unit_rand((unsigned)maxlen + 1);
		for (j = plen; j < len; j++)
			k[j] = alphabet[unit_rand((unsigned)na)];
		add(&h, k, len);
	}
	n = h.count;
	a = calloc(n, sizeof *a);
	b = calloc(n, sizeof *b);
	htab_refs(&h, a, NULL, NULL);
	memcpy(b, a, n * sizeof *a);
	if (n % 2 == 0) {
		keysort(&h, a, n);
	} else {
		/*
		 * Odd sizes sort with scratch memory of the caller: all they
		 * need, or a third (a pass in place first, or a new array).
		 */
		struct htab_slot *scratch = calloc(n, sizeof *scratch);

		keysort_in(&h, a, n, scratch, n % 4 == 1 ? n : n / 3);
		free(scratch);
	}
	sorted_table = &h;
	qsort(b, n, sizeof *b, by_key);
	for (i = 0; i < n; i++)
		if (a[i].ref != b[i].ref)
			ok = 0;
	htab_free(&h);
	free(k);
	free(a);
	free(b);
	return ok;
}

static void
random_keys_sort_like_key_cmp(void)
{
	CHECK(agrees_with_qsort(10, "ab", 2, 3, ""));
	CHECK(agrees_with_qsort(5000, "abc", 3, 12, ""));
	CHECK(agrees_with_qsort(5001, "abc", 3, 12, ""));
	CHECK(agrees_with_qsort(5003, "abcdef", 6, 12, "k"));
	CHECK(agrees_with_qsort(5003, "ab", 2, 12, "k"));
	CHECK(agrees_with_qsort(20000, "0123456789", 10, 7, "user"));
	/* Large enough for 11-bit digits, and passes that spend a chunk. */
	CHECK(agrees_with_qsort(300000, "0123456789abcdef", 16, 10, "u"));
	CHECK(agrees_with_qsort(300001, "0123456789abcdef", 16, 10, "u"));
	CHECK(agrees_with_qsort(200000, "01", 2, 24, ""));
	/* NUL and 0xff bytes, and keys that are prefixes of others. */
	CHECK(agrees_with_qsort(5000, "\0\377a", 3, 20, ""));
	CHECK(agrees_with_qsort(3000, "\0a", 2, 40,
	    "a long shared prefix of many bytes "));
	/* Keys that are NULs only: they differ in their lengths alone. */
	CHECK(agrees_with_qsort(2000, "\0", 1, 600, ""));
	CHECK(agrees_with_qsort(2001, "\0", 1, 600, "x"));
}

/*
 * Keys of one length whose differing bits fit one tag (as mr-reduce's
 * benchmark keys, "user" and seven digits: 25 bits), and of two lengths.
 */
static void
keys_whose_differing_bits_fit_a_tag(void)
{
	struct htab h;
	struct htab_slot *v, *b;
	char key[32];
	size_t i;
	int n, same = 1;

	htab_init(&h, 8);
	for (i = 0; i < 200000; i++) {
		n = snprintf(key, sizeof key, "user%07u",
		    (unsigned)((i * 7919) % 2000000));
		add(&h, key, (size_t)n);
	}
	/* A shorter key that is another's prefix, and one past 16 bytes. */
	add(&h, "user001", 7);
	add(&h, "user0015838000000000", 20);
	b = calloc(h.count, sizeof *b);
	htab_refs(&h, b, NULL, NULL);
	sorted_table = &h;
	qsort(b, h.count, sizeof *b, by_key);
	v = keysort_table(&h);
	for (i = 0; i < h.count; i++)
		if (v[i].ref != b[i].ref)
			same = 0;
	CHECK(same && h.count == 200002);
	free(b);
	htab_free(&h);
}

/* References more than once, and the empty key: all in key order. */
static void
repeated_references_and_the_empty_key(void)
{
	struct htab h;
	struct htab_slot keys[3], v[100];
	const char *key;
	size_t len;
	int i;

	htab_init(&h, 8);
	add(&h, "b", 1);
	add(&h, "", 0);
	add(&h, "a", 1);
	htab_refs(&h, keys, NULL, NULL);
	for (i = 0; i < 100; i++)
		v[i] = keys[i % 3];
	keysort(&h, v, 100);
	CHECK(htab_ref_key(&h, v[0].ref, &len) != NULL && len == 0);
	CHECK(htab_ref_key(&h, v[32].ref, &len) != NULL && len == 0);
	key = htab_ref_key(&h, v[33].ref, &len);
	CHECK(key[0] == 'a' && len == 1);
	CHECK(htab_ref_key(&h, v[65].ref, &len)[0] == 'a');
	key = htab_ref_key(&h, v[66].ref, &len);
	CHECK(key[0] == 'b' && len == 1);
	CHECK(htab_ref_key(&h, v[99].ref, &len)[0] == 'b');
	keysort(&h, v, 0);
	keysort(&h, v, 1);
	htab_free(&h);
}

int
main(void)
{
	unit_module = "keysort";
	RUN(random_keys_sort_like_key_cmp);
	RUN(keys_whose_differing_bits_fit_a_tag);
	RUN(repeated_references_and_the_empty_key);
	return unit_done();
}
