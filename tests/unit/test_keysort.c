/* Unit tests of lib/keysort against qsort with key_cmp. */
#include "unit.h"
#include "keysort.h"
#include "kv.h"

static int
by_key(const void *a, const void *b)
{
	return htab_slot_cmp(a, b);
}

/* An entry as htab lays it out (a uint32 length, the bytes, padding). */
static char *
new_entry(const char *key, size_t len)
{
	char *e = calloc(1, htab_head(len));
	uint32_t n = (uint32_t)len;

	memcpy(e, &n, sizeof n);
	memcpy(e + HTAB_KEY_AT, key, len);
	return e;
}

/* Sort N random keys over ALPHABET of lengths up to MAXLEN both ways. */
static int
agrees_with_qsort(size_t n, const char *alphabet, size_t na, size_t maxlen,
    const char *prefix)
{
	size_t i, j, len, plen = strlen(prefix);
	char *k = malloc(maxlen + plen);
	struct htab_slot *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b);
	int ok = 1;

	memcpy(k, prefix, plen);
	for (i = 0; i < n; i++) {
		len = plen + unit_rand((unsigned)maxlen + 1);
		for (j = plen; j < len; j++)
			k[j] = alphabet[unit_rand((unsigned)na)];
		a[i].ent = new_entry(k, len);
		b[i] = a[i];
	}
	if (n % 2 == 0) {
		keysort(a, n);
	} else {
		/*
		 * Odd sizes sort with scratch memory of the caller: all they
		 * need, or a third (a pass in place first, or a new array).
		 */
		struct htab_slot *scratch = calloc(n, sizeof *scratch);

		keysort_in(a, n, scratch, n % 4 == 1 ? n : n / 3);
		free(scratch);
	}
	qsort(b, n, sizeof *b, by_key);
	for (i = 0; i < n; i++)
		if (htab_slot_cmp(&a[i], &b[i]) != 0)
			ok = 0;
	for (i = 0; i < n; i++)
		free((char *)a[i].ent);
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
	/* Large enough for 16-bit digits. */
	CHECK(agrees_with_qsort(300000, "0123456789abcdef", 16, 10, "u"));
	CHECK(agrees_with_qsort(300001, "0123456789abcdef", 16, 10, "u"));
	/* NUL and 0xff bytes, and keys that are prefixes of others. */
	CHECK(agrees_with_qsort(5000, "\0\377a", 3, 20, ""));
	CHECK(agrees_with_qsort(3000, "\0a", 2, 40,
	    "a long shared prefix of many bytes "));
}

static void
duplicates_and_empty_keys(void)
{
	struct htab_slot v[100];
	const char *key;
	size_t len;
	int i;

	for (i = 0; i < 100; i++) {
		key = i % 3 == 0 ? "" : i % 3 == 1 ? "b" : "a";
		v[i].ent = new_entry(key, strlen(key));
	}
	keysort(v, 100);
	CHECK(htab_slot_key(&v[0], &len) != NULL && len == 0);
	CHECK(htab_slot_key(&v[33], &len) != NULL && len == 0);
	CHECK(htab_slot_key(&v[34], &len)[0] == 'a' && len == 1);
	CHECK(htab_slot_key(&v[66], &len)[0] == 'a');
	CHECK(htab_slot_key(&v[67], &len)[0] == 'b');
	keysort(v, 0);
	keysort(v, 1);
	for (i = 0; i < 100; i++)
		free((char *)v[i].ent);
}

int
main(void)
{
	unit_module = "keysort";
	RUN(random_keys_sort_like_key_cmp);
	RUN(duplicates_and_empty_keys);
	return unit_done();
}
