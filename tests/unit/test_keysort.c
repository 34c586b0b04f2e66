/* Unit tests of lib/keysort against qsort with key_cmp. */
#include "unit.h"
#include "keysort.h"
#include "kv.h"

static int
by_key(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;

	return key_cmp(x->p, x->len, y->p, y->len);
}

static uint64_t rng = 42;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng >> 33) % n;
}

/* Sort N random keys over ALPHABET of lengths up to MAXLEN both ways. */
static int
agrees_with_qsort(size_t n, const char *alphabet, size_t na, size_t maxlen,
    const char *prefix)
{
	size_t i, j, plen = strlen(prefix);
	char *pool = malloc(n * (maxlen + plen));
	struct keyref *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b);
	int ok = 1;

	for (i = 0; i < n; i++) {
		char *k = pool + i * (maxlen + plen);

		memcpy(k, prefix, plen);
		a[i].len = plen + rnd((unsigned)maxlen + 1);
		for (j = plen; j < a[i].len; j++)
			k[j] = alphabet[rnd((unsigned)na)];
		a[i].p = k;
		a[i].data = (void *)i;
		b[i] = a[i];
	}
	keysort(a, n);
	qsort(b, n, sizeof *b, by_key);
	for (i = 0; i < n; i++)
		if (a[i].len != b[i].len || memcmp(a[i].p, b[i].p, a[i].len) != 0)
			ok = 0;
	free(pool);
	free(a);
	free(b);
	return ok;
}

static void
random_keys_sort_like_key_cmp(void)
{
	CHECK(agrees_with_qsort(10, "ab", 2, 3, ""));
	CHECK(agrees_with_qsort(5000, "abc", 3, 12, ""));
	CHECK(agrees_with_qsort(20000, "0123456789", 10, 7, "user"));
	/* Large enough for 16-bit digits. */
	CHECK(agrees_with_qsort(300000, "0123456789abcdef", 16, 10, "u"));
	/* NUL and 0xff bytes, and keys that are prefixes of others. */
	CHECK(agrees_with_qsort(5000, "\0\377a", 3, 20, ""));
	CHECK(agrees_with_qsort(3000, "\0a", 2, 40,
	    "a long shared prefix of many bytes "));
}

static void
duplicates_and_empty_keys(void)
{
	struct keyref v[100];
	int i;

	for (i = 0; i < 100; i++) {
		v[i].p = i % 3 == 0 ? "" : i % 3 == 1 ? "b" : "a";
		v[i].len = strlen(v[i].p);
	}
	keysort(v, 100);
	CHECK(v[0].len == 0 && v[33].len == 0);
	CHECK(v[34].p[0] == 'a' && v[66].p[0] == 'a' && v[67].p[0] == 'b');
	keysort(v, 0);
	keysort(v, 1);
}

int
main(void)
{
	unit_module = "keysort";
	RUN(random_keys_sort_like_key_cmp);
	RUN(duplicates_and_empty_keys);
	return unit_done();
}
