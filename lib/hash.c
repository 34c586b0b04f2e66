/* hash: a fast 64-bit hash for hash tables. */
#include <string.h>

#include "hash.h"

static inline uint64_t
load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* 128-bit multiply folded to 64 bits: the mixing step of wyhash-like hashes. */
static inline uint64_t
mix(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

#define K0 0xa0761d6478bd642fULL
#define K1 0xe7037ed1a0b428dbULL
#define K2 0x8ebc6af09c88c6e3ULL

/*
 * Eight bytes at a time through a multiply-fold; the tail (0..7 bytes) is
 * read with overlapping loads so that no byte loop remains.  The length is
 * mixed in so that keys differing only by trailing NULs hash apart.
 */
uint64_t
hash64(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = K0 ^ (uint64_t)n, a, b;

	while (n > 16) {
		h = mix(load64(p) ^ K1, load64(p + 8) ^ h);
		p += 16;
		n -= 16;
	}
	if (n > 8) {
		a = load64(p);
		b = load64(p + n - 8);
	} else if (n >= 4) {
		uint32_t x, y;

		memcpy(&x, p, 4);
		memcpy(&y, p + n - 4, 4);
		a = x;
		b = y;
	} else if (n > 0) {
		a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
		b = 0;
	} else {
		a = b = 0;
	}
	return mix(mix(a ^ K1, b ^ h) ^ K2, (uint64_t)n ^ K0);
}
