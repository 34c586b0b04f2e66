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
	size_t i;

	for (i = 0; i < n; i++)
		h = 31 * h + (uint32_t)(int32_t)(int8_t)s[i];
	return (int32_t)h;
}

/* hadoop_partition: HashPartitioner: (hash & 0x7fffffff) % reducers. */
static inline unsigned
hadoop_partition(const void *p, size_t n, unsigned reducers)
{
	return ((uint32_t)hadoop_hash(p, n) & 0x7fffffffu) % reducers;
}

#endif
