/* Unit tests of lib/hash.h: Hadoop's partition hash and the table hash. */
#include "unit.h"
#include "hash.h"

struct vector {
	const char *key;
	int32_t hash;
	unsigned r2, r3, r10;
};

/* The test vectors of shared/HADOOP.md. */
static const struct vector vectors[] = {
	{ "", 1, 1, 1, 1 },
	{ "a", 128, 0, 2, 8 },
	{ "the", 144592, 0, 1, 2 },
	{ "hello", 127791473, 1, 2, 3 },
	{ "\xC3\xA9", -1017, 1, 2, 1 },
	{ "apple", 121658361, 1, 0, 1 },
	{ "banana", -508851546, 0, 2, 2 },
};

static void
hadoop_vectors(void)
{
	size_t i;

	for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		const struct vector *v = &vectors[i];
		size_t n = strlen(v->key);

		CHECK(hadoop_hash(v->key, n) == v->hash);
		CHECK(hadoop_partition(v->key, n, 2) == v->r2);
		CHECK(hadoop_partition(v->key, n, 3) == v->r3);
		CHECK(hadoop_partition(v->key, n, 10) == v->r10);
	}
}

/* The division-free partitioner agrees with hadoop_partition. */
static void
hadoop_partitioner_matches_modulo(void)
{
	static const uint32_t counts[] = { 1, 2, 3, 7, 8, 10, 1000, 65537, 2147483647u };
	struct hadoop_partitioner hp;
	char key[16];
	uint64_t x = 88172645463325252ULL;
	size_t i, j, bad = 0;

	for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		hadoop_partitioner_init(&hp, counts[i]);
		for (j = 0; j < 20000; j++) {
			size_t n = (size_t)(x % sizeof key);

			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			memcpy(key, &x, 8);
			memcpy(key + 8, &j, sizeof j < 8 ? sizeof j : 8);
			if (hadoop_partitioner_apply(&hp, key, n) !=
			    hadoop_partition(key, n, counts[i]))
				bad++;
		}
	}
	CHECK(bad == 0);
}

static void
hadoop_hash_wraps_at_32_bits(void)
{
	char key[200];
	uint32_t h = 1;
	size_t i;

	for (i = 0; i < sizeof key; i++) {
		key[i] = (char)(i * 37 + 200);
		h = h * 31 + (uint32_t)(int32_t)(int8_t)key[i];
	}
	CHECK(hadoop_hash(key, sizeof key) == (int32_t)h);
	CHECK(hadoop_partition(key, sizeof key, 1) == 0);
}

static void
hash64_depends_on_every_byte_and_length(void)
{
	char a[64], b[64];
	size_t i, n, same = 0;

	memset(a, 'x', sizeof a);
	for (n = 0; n <= sizeof a; n++) {
		for (i = 0; i < n; i++) {
			memcpy(b, a, sizeof a);
			b[i] ^= 1;
			same += hash64(a, n) == hash64(b, n);
		}
		if (n > 0)
			same += hash64(a, n) == hash64(a, n - 1);
	}
	CHECK(same == 0);
	CHECK(hash64("a\0", 2) != hash64("a", 1));
	CHECK(hash64("key", 3) == hash64("key", 3));
}

static void
hash64_spreads_sequential_keys(void)
{
	enum { N = 1 << 16, BUCKETS = 1 << 10 };
	static unsigned count[BUCKETS];
	char key[32];
	unsigned i, max = 0;

	for (i = 0; i < N; i++) {
		int len = sprintf(key, "user%07u", i);

		count[hash64(key, (size_t)len) & (BUCKETS - 1)]++;
	}
	for (i = 0; i < BUCKETS; i++)
		if (count[i] > max)
			max = count[i];
	/* 64 per bucket on average; a fair hash stays well under 2x. */
	CHECK(max < 110);
}

int
main(void)
{
	unit_module = "hash";
	RUN(hadoop_vectors);
	RUN(hadoop_hash_wraps_at_32_bits);
	RUN(hadoop_partitioner_matches_modulo);
	RUN(hash64_depends_on_every_byte_and_length);
	RUN(hash64_spreads_sequential_keys);
	return unit_done();
}
