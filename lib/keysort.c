/* keysort: radix sort of key references (see keysort.h). */
#include <stdlib.h>
#include <string.h>

#include "keysort.h"
#include "kv.h"
#include "xalloc.h"

#define SMALL_RUN 24
/* The depth of tags that hold key lengths: the keys' bytes are spent. */
#define LENGTHS SIZE_MAX

/*
 * The order of A and B, whose tags hold their chunks at the same depth
 * and whose keys agree before it: the chunks decide, and only equal
 * chunks need the keys (a cache miss each).
 */
static inline int
slot_cmp(const struct htab *h, const struct htab_slot *a,
    const struct htab_slot *b)
{
	if (a->tag != b->tag)
		return a->tag < b->tag ? -1 : 1;
	return htab_slot_cmp(h, a, b);
}

static void
insertion_sort(const struct htab *h, struct htab_slot *v, size_t n)
{
	size_t i, j;
	struct htab_slot t;

	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && slot_cmp(h, &v[j - 1], &t) > 0; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/*
 * Set the tags of V[0..N) to the chunks of their keys at DEPTH; the
 * length of the longest key.
 */
static size_t
load_chunks(const struct htab *h, struct htab_slot *v, size_t n, size_t depth)
{
	size_t i, len, maxlen = 0;
	const char *key;

	for (i = 0; i < n; i++) {
		/* Keys are scattered in memory: ask for them early. */
		if (i + 16 < n)
			__builtin_prefetch(htab_ent(h, v[i + 16].ref) +
			    HTAB_KEY_AT + depth);
		key = htab_ref_key(h, v[i].ref, &len);
		v[i].tag = key_chunk32(key, len, depth);
		if (len > maxlen)
			maxlen = len;
	}
	return maxlen;
}

/*
 * Keys whose bytes agree to their ends, which are all at or before the
 * depth reached: distinct keys differ in length, shorter first.  Their
 * tags become the lengths (LENGTHS), which the sort goes on with.
 */
static void
load_lengths(const struct htab *h, struct htab_slot *v, size_t n)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		htab_ref_key(h, v[i].ref, &len);
		v[i].tag = (uint32_t)len;
	}
}

/*
 * An MSD radix sort of V[0..N), whose tags hold the key chunks at DEPTH
 * (the keys agree on everything before), by the bits the chunks differ
 * in: a pass deals the records by the WIDE_BITS bits from the highest bit
 * that differs (8 on a bucket of fewer than WIDE_MIN records, NARROW_BITS
 * on one of fewer than NARROW_MIN: a pass costs its bins), not by the
 * next byte.  Bits all keys share cost nothing, and keys of digits (four
 * bits of a byte differ) go two digits a pass, not one.  When the chunks
 * agree in every bit, the keys' next four bytes are loaded; when a pass
 * deals by the chunks' last bits, the next four bytes of all its records
 * are loaded at once, before its buckets are sorted: one long stream of
 * prefetched loads, where bucket by bucket the first loads of each would
 * wait.  Each pass moves the records from one array to the other (V and
 * TMP, at the same offsets; IN_TMP says where they are now; they end in
 * V): a stream, where an in-place permutation waits on a cache miss per
 * move.  The first passes go over all records; those after work on
 * buckets that fit in the CPU's caches, where an LSD sort would make every
 * pass a pass over all of memory.  The buckets are recursed into but the
 * largest, which the loop goes on with: at most log2(N) frames.
 */
#define WIDE_BITS 11
#define WIDE_MIN 4096
#define NARROW_BITS 5
#define NARROW_MIN 256

static void
msd_sort(const struct htab *h, struct htab_slot *v, struct htab_slot *tmp,
    size_t n, size_t depth, int in_tmp)
{
	size_t end[1 << WIDE_BITS], i, k, c, nb, start, big, bigstart;
	struct htab_slot *src, *dst;
	uint32_t x, mask;
	unsigned shift, top, bits;

	for (;;) {
		src = in_tmp ? tmp : v;
		if (n <= SMALL_RUN) {
			if (in_tmp)
				memcpy(v, tmp, n * sizeof *v);
			insertion_sort(h, v, n);
			return;
		}
		for (x = 0, i = 1; i < n; i++)
			x |= src[i].tag ^ src[0].tag;
		if (x == 0) {
			if (in_tmp)
				memcpy(v, tmp, n * sizeof *v);
			if (depth == LENGTHS)
				return;		/* one key, more than once */
			in_tmp = 0;
			/* The chunk is spent: the keys' next four bytes. */
			depth += 4;
			if (load_chunks(h, v, n, depth) <= depth) {
				load_lengths(h, v, n);
				depth = LENGTHS;
			}
			continue;
		}
		top = 31 - (unsigned)__builtin_clz(x);
		bits = n >= WIDE_MIN ? WIDE_BITS : n >= NARROW_MIN ? 8 :
		    NARROW_BITS;
		shift = top + 1 > bits ? top + 1 - bits : 0;
		nb = (size_t)1 << bits;
		mask = nb - 1;
		memset(end, 0, nb * sizeof *end);
		for (i = 0; i < n; i++)
			end[(src[i].tag >> shift) & mask]++;
		for (k = 0, start = 0; k < nb; k++) {
			c = end[k];
			end[k] = start;
			start += c;
		}
		dst = in_tmp ? v : tmp;
		for (i = 0; i < n; i++)
			dst[end[(src[i].tag >> shift) & mask]++] = src[i];
		in_tmp = !in_tmp;
		if (shift == 0 && depth != LENGTHS) {
			/* Each bucket's chunks are spent: load the next. */
			depth += 4;
			if (load_chunks(h, dst, n, depth) <= depth) {
				load_lengths(h, dst, n);
				depth = LENGTHS;
			}
		}
		/* end[k] is now where bucket k ends. */
		for (k = 0, start = 0, big = 0, bigstart = 0; k < nb;
		    start = end[k++])
			if (end[k] - start > end[big] - bigstart) {
				big = k;
				bigstart = start;
			}
		for (k = 0, start = 0; k < nb; start = end[k++]) {
			c = end[k] - start;
			if (k == big)
				continue;
			if (c > 1)
				msd_sort(h, v + start, tmp + start, c, depth,
				    in_tmp);
			else if (c == 1 && in_tmp)
				v[start] = tmp[start];
		}
		n = end[big] - bigstart;
		v += bigstart;
		tmp += bigstart;
	}
}

/*
 * Sort V[0..N), whose tags hold the chunks at DEPTH, with ROOM slots of
 * scratch at SCRATCH.  Where the room is short, one pass in place (an
 * American flag sort's, McIlroy, Bostic and McIlroy 1993) on the first
 * byte the keys differ in deals them to buckets that fit it, before a new
 * array is taken: fresh memory is dear (a page fault and the kernel's
 * zeroing per page), and a table's free slots are usually room enough for
 * the largest bucket.
 */
static void
sort_chunks(const struct htab *h, struct htab_slot *v, size_t n, size_t depth,
    struct htab_slot *scratch, size_t room)
{
	size_t count[256], next[256], end[256], i, k, off;
	struct htab_slot *tmp, x, y;
	unsigned shift = 24, d;

	if (n <= room) {
		msd_sort(h, v, scratch, n, depth, 0);
		return;
	}
	for (;;) {
		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[(v[i].tag >> shift) & 255]++;
		if (count[(v[0].tag >> shift) & 255] < n || shift == 0)
			break;
		shift -= 8;	/* a byte all keys share */
	}
	for (k = 1, d = 0; k < 256; k++)
		if (count[k] > count[d])
			d = (unsigned)k;
	if (count[d] == n || count[d] > room) {
		/* No byte that deals them small enough: a new array. */
		tmp = xalloc_big(n * sizeof *tmp);
		msd_sort(h, v, tmp, n, depth, 0);
		xfree_big(tmp, n * sizeof *tmp);
		return;
	}
	for (k = 0, i = 0; k < 256; k++) {
		next[k] = i;
		i += count[k];
		end[k] = i;
	}
	for (k = 0; k < 256; k++) {
		while (next[k] < end[k]) {
			x = v[next[k]];
			d = (x.tag >> shift) & 255;
			while (d != k) {
				y = v[next[d]];
				v[next[d]++] = x;
				x = y;
				d = (x.tag >> shift) & 255;
			}
			v[next[k]++] = x;
		}
	}
	for (k = 0, off = 0; k < 256; off += count[k++])
		if (count[k] > 1)
			msd_sort(h, v + off, scratch, count[k], depth, 0);
}

void
keysort_in(const struct htab *h, struct htab_slot *v, size_t n,
    struct htab_slot *scratch, size_t room)
{
	if (n < 2 || load_chunks(h, v, n, 0) == 0)
		return;		/* at most one key, or only the empty one */
	sort_chunks(h, v, n, 0, scratch, room);
}

void
keysort(const struct htab *h, struct htab_slot *v, size_t n)
{
	keysort_in(h, v, n, NULL, 0);
}

struct htab_slot *
keysort_table(struct htab *h)
{
	struct htab_slot *v = htab_pack(h);

	if (h->count > 1)
		sort_chunks(h, v, h->count, h->prefix, v + h->count,
		    h->mask + 1 - h->count);
	return v;
}
