/*
 * hash: a fast 64-bit hash for hash tables, and Hadoop's partition hash.
 */
#ifndef MR_HASH_H
#define MR_HASH_H

#include <stddef.h>
#include <stdint.h>

/* hash64: a 64-bit hash of N bytes, 8 bytes per step (not for security). */
uint64_t hash64(const void *p, size_t n);

/*
 * hadoop_hash: Java's Text.hashCode over the key bytes: h = 1, then
 * h = 31*h + b for each byte b taken as a signed 8-bit value, in 32 bits.
 */
static inline int32_t
hadoop_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = 1;
	size_t i = 0;

	/* Four bytes per step with the powers of 31 (31^4 = 923521), the same
	 * value with a quarter of the serial multiply chain. */
	for (; i + 4 <= n; i += 4)
		h = 923521 * h +
		    29791 * (uint32_t)(int32_t)(int8_t)s[i] +
		    961 * (uint32_t)(int32_t)(int8_t)s[i + 1] +
		    31 * (uint32_t)(int32_t)(int8_t)s[i + 2] +
		    (uint32_t)(int32_t)(int8_t)s[i + 3];
	for (; i < n; i++)
		h = 31 * h + (uint32_t)(int32_t)(int8_t)s[i];
	return (int32_t)h;
}

/* hadoop_partition: HashPartitioner: (hash & 0x7fffffff) % reducers. */
static inline unsigned
hadoop_partition(const void *p, size_t n, unsigned reducers)
{
	return ((uint32_t)hadoop_hash(p, n) & 0x7fffffffu) % reducers;
}

/*
 * A HashPartitioner for a fixed reducer count that avoids the division
 * per key (Lemire's fastmod: exact for every 32-bit dividend).
 */
struct hadoop_partitioner {
	uint32_t reducers;
	uint64_t m;		/* ceil(2^64 / reducers) */
};

/* hadoop_partitioner_init: prepare for REDUCERS >= 1 reducers. */
static inline void
hadoop_partitioner_init(struct hadoop_partitioner *hp, uint32_t reducers)
{
	hp->reducers = reducers;
	hp->m = UINT64_MAX / reducers + 1;
}

/* hadoop_partitioner_apply: hadoop_partition(P, N, hp->reducers). */
static inline unsigned
hadoop_partitioner_apply(const struct hadoop_partitioner *hp, const void *p,
    size_t n)
{
	uint32_t h = (uint32_t)hadoop_hash(p, n) & 0x7fffffffu;

	if (hp->reducers == 1)
		return 0;
	return (unsigned)(((unsigned __int128)(hp->m * h) * hp->reducers) >> 64);
}

#endif
