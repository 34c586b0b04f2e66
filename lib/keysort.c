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
 * The order of A and B, whose tags were set alike (a digest, or chunks at
 * the same depth): the tags decide, and only equal tags need the keys (a
 * cache miss each).
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
 * The tags of V[0..N), whose keys agree before *NEXT, spent: set them to
 * the chunks at *NEXT, and *NEXT past them.  When the keys have no bytes
 * there, they agree to their ends: distinct keys differ in length,
 * shorter first, and the tags become the lengths (*NEXT is LENGTHS).
 */
static void
next_chunks(const struct htab *h, struct htab_slot *v, size_t n, size_t *next)
{
	size_t i, len;

	if (load_chunks(h, v, n, *next) > *next) {
		*next += 4;
		return;
	}
	for (i = 0; i < n; i++) {
		htab_ref_key(h, v[i].ref, &len);
		v[i].tag = (uint32_t)len;
	}
	*next = LENGTHS;
}

/*
 * An MSD radix sort of V[0..N), whose tags order the keys as far as they
 * go (the keys they tie agree on everything before NEXT, where the next
 * chunks start), by the bits the tags differ in: a pass deals the records
 * by the WIDE_BITS bits from the highest bit that differs (8 on a bucket
 * of fewer than WIDE_MIN records, NARROW_BITS on one of fewer than
 * NARROW_MIN: a pass costs its bins), not by the next byte.  Bits all keys
 * share cost nothing, and keys of digits (four bits of a byte differ) go
 * two digits a pass, not one.  When the tags agree in every bit, the
 * keys' next four bytes are loaded; when a pass deals by the tags' last
 * bits, the next four bytes of all its records are loaded at once, before
 * its buckets are sorted: one long stream of prefetched loads, where
 * bucket by bucket the first loads of each would wait.  Each pass moves
 * the records from one array to the other (V and TMP, at the same
 * offsets; IN_TMP says where they are now; they end in V): a stream,
 * where an in-place permutation waits on a cache miss per move.  The
 * first passes go over all records; those after work on buckets that fit
 * in the CPU's caches, where an LSD sort would make every pass a pass
 * over all of memory.  The buckets are recursed into but the largest,
 * which the loop goes on with: at most log2(N) frames.
 */
#define WIDE_BITS 11
#define WIDE_MIN 4096
#define NARROW_BITS 5
#define NARROW_MIN 256

static void
msd_sort(const struct htab *h, struct htab_slot *v, struct htab_slot *tmp,
    size_t n, size_t next, int in_tmp)
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
			if (next == LENGTHS)
				return;		/* one key, more than once */
			in_tmp = 0;
			/* The tags are spent: the keys' next four bytes. */
			next_chunks(h, v, n, &next);
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
		if (shift == 0 && next != LENGTHS) {
			/* Each bucket's tags are spent: load the next. */
			next_chunks(h, dst, n, &next);
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
				msd_sort(h, v + start, tmp + start, c, next,
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
 * Sort V[0..N), whose tags are set for msd_sort (NEXT), with ROOM slots
 * of scratch at SCRATCH.  Where the room is short, one pass in place (an
 * American flag sort's, McIlroy, Bostic and McIlroy 1993) on the first
 * byte the tags differ in deals them to buckets that fit it, before a new
 * array is taken: fresh memory is dear (a page fault and the kernel's
 * zeroing per page), and a table's free slots are usually room enough for
 * the largest bucket.
 */
static void
sort_tags(const struct htab *h, struct htab_slot *v, size_t n, size_t next,
    struct htab_slot *scratch, size_t room)
{
	size_t count[256], fill[256], end[256], i, k, off;
	struct htab_slot *tmp, x, y;
	unsigned shift = 24, d;

	if (n <= room) {
		msd_sort(h, v, scratch, n, next, 0);
		return;
	}
	for (;;) {
		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[(v[i].tag >> shift) & 255]++;
		if (count[(v[0].tag >> shift) & 255] < n || shift == 0)
			break;
		shift -= 8;	/* a byte all tags share */
	}
	for (k = 1, d = 0; k < 256; k++)
		if (count[k] > count[d])
			d = (unsigned)k;
	if (count[d] == n || count[d] > room) {
		/* No byte that deals them small enough: a new array. */
		tmp = xalloc_big(n * sizeof *tmp);
		msd_sort(h, v, tmp, n, next, 0);
		xfree_big(tmp, n * sizeof *tmp);
		return;
	}
	for (k = 0, i = 0; k < 256; k++) {
		fill[k] = i;
		i += count[k];
		end[k] = i;
	}
	for (k = 0; k < 256; k++) {
		while (fill[k] < end[k]) {
			x = v[fill[k]];
			d = (x.tag >> shift) & 255;
			while (d != k) {
				y = v[fill[d]];
				v[fill[d]++] = x;
				x = y;
				d = (x.tag >> shift) & 255;
			}
			v[fill[k]++] = x;
		}
	}
	for (k = 0, off = 0; k < 256; off += count[k++])
		if (count[k] > 1)
			msd_sort(h, v + off, scratch, count[k], next, 0);
}

/*
 * The first tag of a key: the bits in which the keys of a table differ
 * within their first DIGEST_BYTES bytes (htab's vary), up to 32 of them
 * in their order, gathered byte by byte through tables.  Bits all keys
 * share order nothing: keys of "user" and seven digits differ in 25 bits
 * of their 11 bytes, which one tag holds, where four bytes of them would
 * leave a load of the next four for every key (a cache miss each).
 */
#define DIGEST_BYTES 16

struct digest {
	int n;			/* bytes gathered */
	unsigned char pos[DIGEST_BYTES];	/* their offsets in the key */
	unsigned char shift[DIGEST_BYTES];	/* bits dropped of the last */
	unsigned char bits[DIGEST_BYTES];	/* bits each gives */
	unsigned char gather[DIGEST_BYTES][256];	/* byte -> its bits */
	size_t next;		/* where the chunks after the tag start */
	size_t prefix;		/* no bits differ: a chunk from here */
};

/* Lay out the digest of the keys of H (see struct digest). */
static void
digest_init(struct digest *dg, const struct htab *h)
{
	unsigned j, b, i, c, total = 0, m, out;

	dg->n = 0;
	dg->next = DIGEST_BYTES;
	for (j = 0; j < DIGEST_BYTES; j++) {
		m = (unsigned)(h->vary[j / 8] >> (56 - 8 * (j % 8))) & 255;
		if (m == 0)
			continue;
		c = (unsigned)__builtin_popcount(m);
		dg->pos[dg->n] = (unsigned char)j;
		dg->shift[dg->n] = 0;
		if (total + c > 32) {
			/* The rest of this byte and on: the next chunks. */
			dg->shift[dg->n] = (unsigned char)(total + c - 32);
			c = 32 - total;
			dg->next = j;
		}
		dg->bits[dg->n] = (unsigned char)c;
		for (b = 0; b < 256; b++) {
			for (i = 8, out = 0; i-- > 0;)
				if (m >> i & 1)
					out = out << 1 | (b >> i & 1);
			dg->gather[dg->n][b] = (unsigned char)out;
		}
		dg->n++;
		total += c;
		if (dg->next != DIGEST_BYTES)
			break;
	}
	/* Keys that agree on their first bytes: chunks past them. */
	dg->prefix = h->prefix > DIGEST_BYTES ? h->prefix : DIGEST_BYTES;
	if (dg->n == 0)
		dg->next = dg->prefix + 4;
}

static uint32_t
digest_tag(const char *key, size_t len, const void *arg)
{
	const struct digest *dg = arg;
	uint32_t t = 0;
	unsigned char b;
	int i;

	if (dg->n == 0)
		return key_chunk32(key, len, dg->prefix);
	for (i = 0; i < dg->n; i++) {
		b = dg->pos[i] < len ? (unsigned char)key[dg->pos[i]] : 0;
		t = t << dg->bits[i] | (uint32_t)(dg->gather[i][b] >>
		    dg->shift[i]);
	}
	return t;
}

void
keysort_in(const struct htab *h, struct htab_slot *v, size_t n,
    struct htab_slot *scratch, size_t room)
{
	struct digest dg;
	size_t i, len;
	const char *key;

	if (n < 2)
		return;
	digest_init(&dg, h);
	for (i = 0; i < n; i++) {
		key = htab_ref_key(h, v[i].ref, &len);
		v[i].tag = digest_tag(key, len, &dg);
	}
	sort_tags(h, v, n, dg.next, scratch, room);
}

void
keysort(const struct htab *h, struct htab_slot *v, size_t n)
{
	keysort_in(h, v, n, NULL, 0);
}

struct htab_slot *
keysort_table(struct htab *h)
{
	struct digest dg;
	struct htab_slot *v;

	if (h->packed) {
		v = h->slots;
		keysort_in(h, v, h->count, v + h->count,
		    h->mask + 1 - h->count);
		return v;
	}
	digest_init(&dg, h);
	v = htab_pack(h, digest_tag, &dg);
	if (h->count > 1)
		sort_tags(h, v, h->count, dg.next, v + h->count,
		    h->mask + 1 - h->count);
	return v;
}
