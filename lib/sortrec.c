/* sortrec: record order and the in-memory entry sort (see sortrec.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "msg.h"
#include "num.h"
#include "sortrec.h"
#include "xalloc.h"

/*
 * A key as a number for -n, scanned (num.h): 1, or 0 when it is not a
 * number (nan included), so that such keys sort before every number.
 */
static int
scan_number(const char *s, size_t len, struct num_text *t)
{
	return num_scan(s, len, t) == 0 && t->kind != NUM_NAN;
}

/* The sort word of a numeric key: its value's order, 0 for non-numbers. */
static uint64_t
number_word(const char *s, size_t len)
{
	struct num_text t;

	return scan_number(s, len, &t) ? num_text_word(&t) : 0;
}

/* Numeric key order without -r: non-numbers first, in byte order. */
static int
numeric_key_cmp(const char *ka, size_t kalen, const char *kb, size_t kblen)
{
	struct num_text x, y;
	int okx = scan_number(ka, kalen, &x), oky = scan_number(kb, kblen, &y);

	if (okx && oky)
		return num_text_cmp(&x, &y);
	if (okx != oky)
		return okx ? 1 : -1;
	return key_cmp(ka, kalen, kb, kblen);
}

int
sortorder_key_cmp(const struct sortorder *o, const char *ka, size_t kalen,
    const char *kb, size_t kblen)
{
	int c;

	if (sortorder_keyfield(o))
		return keyfield_cmp(o->kf, ka, kalen, kb, kblen);
	c = o->numeric ? numeric_key_cmp(ka, kalen, kb, kblen) :
	    key_cmp(ka, kalen, kb, kblen);
	return o->reverse ? -c : c;
}

int
sortorder_rec_cmp(const struct sortorder *o, const char *a, size_t alen,
    const char *b, size_t blen)
{
	struct slice ka, va, kb, vb;
	int c;

	kv_split(&o->kv, (struct slice){ (char *)a, alen }, &ka, &va);
	kv_split(&o->kv, (struct slice){ (char *)b, blen }, &kb, &vb);
	if (sortorder_keyfield(o)) {
		c = keyfield_cmp(o->kf, ka.p, ka.len, kb.p, kb.len);
		return c == 0 && o->byvalue ? key_cmp(va.p, va.len, vb.p, vb.len) : c;
	}
	c = o->numeric ? numeric_key_cmp(ka.p, ka.len, kb.p, kb.len) :
	    key_cmp(ka.p, ka.len, kb.p, kb.len);
	if (c == 0 && o->byvalue)
		c = key_cmp(va.p, va.len, vb.p, vb.len);
	return o->reverse ? -c : c;
}

uint64_t
sortorder_word(const struct sortorder *o, const char *key, size_t keylen)
{
	uint64_t w = 0;
	size_t i;

	if (sortorder_keyfield(o))
		return 0;	/* no order-preserving word: compare records */
	if (o->numeric) {
		w = number_word(key, keylen);
	} else if (keylen >= 8) {
		w = load_be64(key);
	} else {
		for (i = 0; i < keylen; i++)
			w |= (uint64_t)(unsigned char)key[i] << (56 - 8 * i);
	}
	return o->reverse ? ~w : w;
}

/*
 * The radix word of a string at DEPTH: its bytes DEPTH..DEPTH+6 big-endian
 * in the top 56 bits (zero-padded), and in the low byte how many of them
 * exist, at most 7.  Equal words with a low byte below 7 mean equal strings;
 * with 7, the strings agree so far and continue at DEPTH + 7.  Unsigned
 * order of words is the byte order of the strings, a prefix first.
 */
static inline uint64_t
string_word(const char *s, size_t len, size_t depth)
{
	size_t rem = len - depth, i;
	uint64_t w = 0;

	if (rem >= 8)
		return (load_be64(s + depth) & ~(uint64_t)0xff) | 7;
	for (i = 0; i < rem && i < 7; i++)
		w |= (uint64_t)(unsigned char)s[depth + i] << (56 - 8 * i);
	return w | (rem < 7 ? rem : 7);
}

void
sortent_init_key(struct sortent *e, const struct sortorder *o, const char *base,
    uint64_t off, size_t len, size_t kl)
{
	const char *p = base + off;
	uint64_t w;

	e->ref = off << 24 | (len < SORTENT_LONG ? len : SORTENT_LONG);
	if (sortorder_keyfield(o)) {
		e->word = 0;
		return;
	}
	w = o->numeric ? number_word(p, kl) : string_word(p, kl, 0);
	e->word = o->reverse ? ~w : w;
}

void
sortent_init(struct sortent *e, const struct sortorder *o, const char *base,
    uint64_t off, size_t len)
{
	sortent_init_key(e, o, base, off, len, kv_keylen(&o->kv, base + off, len));
}

/*
 * The sort: MSD radix sort on the entries' words, one byte at a time, with
 * in-place distribution (American flag sort), so it needs no second array.
 * A group whose words are all equal moves to the next level: the next 7
 * key bytes (the words are reloaded from the records), then with -V the
 * value bytes, and finally the record offset, which is unique and in input
 * order; that last level is what makes the unstable distribution stable.
 * With -n the first level is the number's encoding; numbers whose doubles
 * tie are compared exactly.  Small groups go to insertion sort with a full
 * comparison.  Large groups become tasks that idle threads pick up.
 */
enum { M_KEY, M_VALUE, M_NUM, M_REF };

#define INSERTION_MAX 24
#define TASK_MIN 16384

struct task {
	struct sortent *e;
	size_t n;
	size_t depth;
	int mode;
	int b;
};

struct sorter {
	const struct sortorder *o;
	const char *base;
	uint64_t flip;		/* ~0 with -r: words are complemented */
	int threads;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct task *q;
	size_t qn, qcap;
	int active;
};

static inline void
ent_record(const struct sorter *s, const struct sortent *e, struct slice *key,
    struct slice *value)
{
	struct slice r = { (char *)sortent_ptr(e, s->base), sortent_len(e, s->base) };

	kv_split(&s->o->kv, r, key, value);
}

static void
refresh(const struct sorter *s, struct sortent *e, size_t n, int mode,
    size_t depth)
{
	struct slice k, v;
	size_t i;

	for (i = 0; i < n; i++) {
		if (mode == M_REF) {
			e[i].word = e[i].ref >> 24;
			continue;
		}
		if (i + 8 < n)
			__builtin_prefetch(sortent_ptr(&e[i + 8], s->base));
		ent_record(s, &e[i], &k, &v);
		if (mode == M_KEY)
			e[i].word = string_word(k.p, k.len, depth) ^ s->flip;
		else
			e[i].word = string_word(v.p, v.len, depth) ^ s->flip;
	}
}

/* The level after a group of equal words at (MODE, DEPTH) with word W. */
static void
next_level(const struct sorter *s, uint64_t w, int *mode, size_t *depth)
{
	if ((*mode == M_KEY || *mode == M_VALUE) && ((w ^ s->flip) & 0xff) == 7) {
		*depth += 7;
		return;
	}
	*mode = *mode == M_KEY && s->o->byvalue ? M_VALUE : M_REF;
	*depth = 0;
}

/* Compare A and B, known equal before (MODE, DEPTH), from there on. */
static int
cmp_from(const struct sorter *s, const struct sortent *a, const struct sortent *b,
    int mode, size_t depth)
{
	struct slice ka, va, kb, vb;
	int c, rev = s->o->reverse;

	if (mode == M_REF)
		goto ref;
	ent_record(s, a, &ka, &va);
	ent_record(s, b, &kb, &vb);
	if (mode == M_NUM) {
		c = numeric_key_cmp(ka.p, ka.len, kb.p, kb.len);
		if (c != 0)
			return rev ? -c : c;
		depth = 0;
	} else if (mode == M_KEY) {
		c = key_cmp(ka.p + depth, ka.len - depth, kb.p + depth, kb.len - depth);
		if (c != 0)
			return rev ? -c : c;
		depth = 0;
	}
	if (s->o->byvalue) {
		c = key_cmp(va.p + depth, va.len - depth, vb.p + depth, vb.len - depth);
		if (c != 0)
			return rev ? -c : c;
	}
ref:
	return (a->ref > b->ref) - (a->ref < b->ref);
}

/* Compare two entries of a group whose words are valid at (MODE, DEPTH). */
static inline int
ent_cmp(const struct sorter *s, const struct sortent *a, const struct sortent *b,
    int mode, size_t depth)
{
	if (a->word != b->word)
		return a->word < b->word ? -1 : 1;
	if (mode == M_REF)
		return 0;
	if (mode != M_NUM)
		next_level(s, a->word, &mode, &depth);
	return cmp_from(s, a, b, mode, depth);
}

static void
insertion_sort(const struct sorter *s, struct sortent *e, size_t n, int mode,
    size_t depth)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct sortent t = e[i];

		for (j = i; j > 0 && ent_cmp(s, &t, &e[j - 1], mode, depth) < 0; j--)
			e[j] = e[j - 1];
		e[j] = t;
	}
}

/* Quicksort by cmp_from at (MODE, DEPTH); every pair differs (offsets). */
static void
quick_sort(const struct sorter *s, struct sortent *e, size_t n, int mode,
    size_t depth)
{
	while (n > 16) {
		size_t mid = n / 2, i, j;
		struct sortent t, pivot;

		/* Median of three to the front as the pivot. */
		if (cmp_from(s, &e[mid], &e[0], mode, depth) < 0)
			t = e[mid], e[mid] = e[0], e[0] = t;
		if (cmp_from(s, &e[n - 1], &e[mid], mode, depth) < 0) {
			t = e[n - 1], e[n - 1] = e[mid], e[mid] = t;
			if (cmp_from(s, &e[mid], &e[0], mode, depth) < 0)
				t = e[mid], e[mid] = e[0], e[0] = t;
		}
		t = e[mid], e[mid] = e[0], e[0] = t;
		pivot = e[0];
		i = 0;
		j = n;
		for (;;) {
			do
				i++;
			while (i < n && cmp_from(s, &e[i], &pivot, mode, depth) < 0);
			do
				j--;
			while (cmp_from(s, &pivot, &e[j], mode, depth) < 0);
			if (i >= j)
				break;
			t = e[i], e[i] = e[j], e[j] = t;
		}
		e[0] = e[j];
		e[j] = pivot;
		if (j < n - j - 1) {
			quick_sort(s, e, j, mode, depth);
			e += j + 1;
			n -= j + 1;
		} else {
			quick_sort(s, e + j + 1, n - j - 1, mode, depth);
			n = j;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct sortent t = e[i];
		size_t j;

		for (j = i; j > 0 && cmp_from(s, &t, &e[j - 1], mode, depth) < 0; j--)
			e[j] = e[j - 1];
		e[j] = t;
	}
}

static void sort_group(struct sorter *s, struct sortent *e, size_t n, int mode,
    size_t depth, int b);

/* The length of the common prefix of A and B, at most N bytes. */
static size_t
common_prefix(const char *a, const char *b, size_t n)
{
	size_t j = 0;
	uint64_t x, y;

	for (; j + 8 <= n; j += 8) {
		memcpy(&x, a + j, 8);
		memcpy(&y, b + j, 8);
		if (x != y)
			break;
	}
	while (j < n && a[j] == b[j])
		j++;
	return j;
}

/*
 * A group whose strings (keys or values, by MODE) agree on a whole word
 * without splitting may share a long prefix (URLs, paths, padded ids): find
 * how far all of them agree past DEPTH in one pass, instead of one radix
 * level per 7 bytes.
 */
static size_t
skip_common_prefix(const struct sorter *s, const struct sortent *e, size_t n,
    int mode, size_t depth)
{
	struct slice k, v, first;
	size_t lcp, i, m;

	ent_record(s, &e[0], &k, &v);
	first = mode == M_KEY ? k : v;
	lcp = first.len - depth;
	for (i = 1; i < n && lcp > 0; i++) {
		struct slice *str = mode == M_KEY ? &k : &v;

		if (i + 8 < n)
			__builtin_prefetch(sortent_ptr(&e[i + 8], s->base));
		ent_record(s, &e[i], &k, &v);
		m = str->len - depth < lcp ? str->len - depth : lcp;
		lcp = common_prefix(first.p + depth, str->p + depth, m);
	}
	return depth + lcp;
}

/* A group of numbers with equal encodings, or of non-numbers. */
static void
number_group(struct sorter *s, struct sortent *e, size_t n)
{
	struct slice k, v, k0;
	struct num_text first, x;
	size_t i;
	int mode;

	if ((e[0].word ^ s->flip) == 0) {
		refresh(s, e, n, M_KEY, 0);
		sort_group(s, e, n, M_KEY, 0, 0);
		return;
	}
	/* A word with its lowest bit clear is its number: all are equal. */
	if ((e[0].word ^ s->flip) & 1) {
		ent_record(s, &e[0], &k0, &v);
		scan_number(k0.p, k0.len, &first);
		for (i = 1; i < n; i++) {
			ent_record(s, &e[i], &k, &v);
			scan_number(k.p, k.len, &x);
			if (num_text_cmp(&first, &x) != 0) {
				quick_sort(s, e, n, M_NUM, 0);
				return;
			}
		}
	}
	mode = s->o->byvalue ? M_VALUE : M_REF;
	refresh(s, e, n, mode, 0);
	sort_group(s, e, n, mode, 0, mode == M_REF ? 3 : 0);
}

static void
push_task(struct sorter *s, struct sortent *e, size_t n, int mode, size_t depth,
    int b)
{
	pthread_mutex_lock(&s->mu);
	ARRAY_RESERVE(s->q, s->qcap, s->qn + 1);
	s->q[s->qn++] = (struct task){ e, n, depth, mode, b };
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static void
sort_group(struct sorter *s, struct sortent *e, size_t n, int mode, size_t depth,
    int b)
{
	size_t cnt[256], head[256], tail[256];
	int split = b != 0;	/* has the group split since its words were made? */

	for (;;) {
		size_t i, big = 0, sum;
		unsigned shift, k;

		if (n <= 1)
			return;
		if (n <= INSERTION_MAX) {
			insertion_sort(s, e, n, mode, depth);
			return;
		}
		if (b == 8) {
			if (mode == M_REF)
				return;
			if (mode == M_NUM) {
				number_group(s, e, n);
				return;
			}
			next_level(s, e[0].word, &mode, &depth);
			if (!split && depth > 0 && (mode == M_KEY || mode == M_VALUE))
				depth = skip_common_prefix(s, e, n, mode, depth);
			refresh(s, e, n, mode, depth);
			b = mode == M_REF ? 3 : 0;
			split = 0;
			continue;
		}
		shift = 56 - 8 * (unsigned)b;
		memset(cnt, 0, sizeof cnt);
		for (i = 0; i < n; i++)
			cnt[(e[i].word >> shift) & 0xff]++;
		if (cnt[(e[0].word >> shift) & 0xff] == n) {
			b++;
			continue;
		}
		for (k = 0, sum = 0; k < 256; k++) {
			head[k] = sum;
			sum += cnt[k];
			tail[k] = sum;
			if (cnt[k] > cnt[big])
				big = k;
		}
		for (k = 0; k < 256; k++) {
			while (head[k] < tail[k]) {
				struct sortent v = e[head[k]];
				unsigned d = (v.word >> shift) & 0xff;

				while (d != k) {
					struct sortent t = e[head[d]];

					e[head[d]++] = v;
					v = t;
					d = (v.word >> shift) & 0xff;
				}
				e[head[k]++] = v;
			}
		}
		/* Recurse into the smaller buckets, loop on the largest: the
		 * stack then stays O(log n) deep. */
		for (k = 0, sum = 0; k < 256; sum += cnt[k], k++) {
			if (k == big || cnt[k] <= 1)
				continue;
			if (s->threads > 1 && cnt[k] >= TASK_MIN)
				push_task(s, e + sum, cnt[k], mode, depth, b + 1);
			else
				sort_group(s, e + sum, cnt[k], mode, depth, b + 1);
		}
		for (k = 0, sum = 0; k < big; k++)
			sum += cnt[k];
		e += sum;
		n = cnt[big];
		b++;
		split = 1;
	}
}

static void *
worker(void *arg)
{
	struct sorter *s = arg;
	struct task t;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->qn == 0 && s->active > 0)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->qn == 0)
			break;
		t = s->q[--s->qn];
		s->active++;
		pthread_mutex_unlock(&s->mu);
		sort_group(s, t.e, t.n, t.mode, t.depth, t.b);
		pthread_mutex_lock(&s->mu);
		if (--s->active == 0 && s->qn == 0)
			pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/*
 * With a KeyFieldBasedComparator there is no word that orders keys: a
 * comparison sort (glibc's qsort_r, a merge sort) on the whole order,
 * input order (the record offset) last, which makes it stable.
 */
static int
keyfield_ent_cmp(const void *x, const void *y, void *arg)
{
	const struct sorter *s = arg;
	const struct sortent *a = x, *b = y;
	int c = sortorder_rec_cmp(s->o, sortent_ptr(a, s->base),
	    sortent_len(a, s->base), sortent_ptr(b, s->base),
	    sortent_len(b, s->base));

	if (c != 0)
		return c;
	return (a->ref > b->ref) - (a->ref < b->ref);
}

void
sortent_sort(struct sortent *e, size_t n, const char *base,
    const struct sortorder *o, int threads)
{
	struct sorter s = {
		.o = o, .base = base, .flip = o->reverse ? ~(uint64_t)0 : 0,
		.threads = threads,
	};
	int mode = o->numeric ? M_NUM : M_KEY;
	pthread_t tid[64];
	int i, started = 0;

	if (sortorder_keyfield(o)) {
		qsort_r(e, n, sizeof *e, keyfield_ent_cmp, &s);
		return;
	}
	if (threads <= 1 || n < 2 * TASK_MIN) {
		s.threads = 1;
		sort_group(&s, e, n, mode, 0, 0);
		return;
	}
	if (threads > 64)
		threads = 64;
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	push_task(&s, e, n, mode, 0, 0);
	for (i = 1; i < threads; i++) {
		if (pthread_create(&tid[started], NULL, worker, &s) != 0)
			break;
		started++;
	}
	worker(&s);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&s.mu);
	pthread_cond_destroy(&s.cv);
	free(s.q);
}
