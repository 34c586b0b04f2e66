/* merge: loser-tree k-way merge of sorted record streams (see merge.h). */
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "msg.h"
#include "xalloc.h"

/*
 * Order of the current records of two live sources.  Two words hold the
 * first 16 key bytes; keys no longer than that whose words tie differ only
 * in length (the shorter is a prefix of the longer), so most comparisons
 * never touch the records.
 */
static inline int
src_cmp(const struct sortorder *o, const struct merge_src *a,
    const struct merge_src *b)
{
	int c;

	if (a->word != b->word)
		return a->word < b->word ? -1 : 1;
	if (o->numeric || sortorder_keyfield(o))
		return sortorder_rec_cmp(o, a->rec.p, a->rec.len, b->rec.p, b->rec.len);
	if (a->word2 != b->word2)
		return a->word2 < b->word2 ? -1 : 1;
	if (a->keylen <= 16 && b->keylen <= 16)
		c = (a->keylen > b->keylen) - (a->keylen < b->keylen);
	else
		c = key_cmp(a->rec.p, a->keylen, b->rec.p, b->keylen);
	if (c == 0 && o->byvalue)
		return sortorder_rec_cmp(o, a->rec.p, a->rec.len, b->rec.p, b->rec.len);
	return o->reverse ? -c : c;
}

/* Does source A come before source B?  An exhausted source has the
 * largest word, so the flags are looked at only when words tie. */
static inline __attribute__((always_inline)) int
src_before(const struct merge *m, size_t a, size_t b)
{
	const struct merge_src *sa = &m->src[a], *sb = &m->src[b];
	int c;

	if (sa->word != sb->word)
		return sa->word < sb->word;
	if (!sa->live)
		return 0;
	if (!sb->live)
		return 1;
	c = src_cmp(m->o, sa, sb);
	return c != 0 ? c < 0 : a < b;
}

/* kv_keylen, with a short key found without a call to memchr. */
static inline size_t
key_length(const struct kvspec *kv, const char *p, size_t len)
{
	size_t i, n = len < 24 ? len : 24;

	if (kv->keyfields != 1)
		return kv_keylen(kv, p, len);
	for (i = 0; i < n; i++)
		if (p[i] == kv->sep)
			return i;
	return n == len ? len : kv_keylen(kv, p, len);
}

/* Keep a copy of S's current record: its bytes are about to move. */
static void
save_record(struct merge_src *s)
{
	if (s->rec.p == s->save.p)
		return;
	s->save.len = 0;	/* room for one more byte: never NULL, even for "" */
	memcpy(buf_reserve(&s->save, s->rec.len + 1), s->rec.p, s->rec.len);
	s->save.len = s->rec.len;
	s->rec.p = s->save.p;
}

/* S's new record against the one before it, PREV (with its words). */
static void
check_order(const struct merge *m, const struct merge_src *s, struct slice prev,
    uint64_t pw, uint64_t pw2)
{
	int c;

	if (s->word != pw && m->check != MERGE_CHECK_STRICT)
		c = pw < s->word ? -1 : 1;
	else if (s->word == pw && !m->o->numeric && !sortorder_keyfield(m->o) &&
	    s->word2 != pw2 &&
	    m->check != MERGE_CHECK_STRICT)
		c = pw2 < s->word2 ? -1 : 1;
	else if (s->word == pw && s->word2 == pw2 && !m->o->numeric &&
	    !sortorder_keyfield(m->o) && !m->o->byvalue && s->keylen <= 16 &&
	    kv_keylen(&m->o->kv, prev.p, prev.len) == s->keylen)
		c = 0;	/* equal words of keys of up to 16 bytes: equal keys */
	else
		c = sortorder_rec_cmp(m->o, prev.p, prev.len, s->rec.p, s->rec.len);
	if (c < 0 && m->check == MERGE_CHECK_STRICT) {
		size_t pk = kv_keylen(&m->o->kv, prev.p, prev.len);

		if (sortorder_key_cmp(m->o, prev.p, pk, s->rec.p, s->keylen) == 0)
			c = 0;
	}
	if (c > 0 || (c == 0 && m->check == MERGE_CHECK_STRICT)) {
		if (m->out != NULL)
			out_flush_at_error(m->out);
		die_at_record(s->r.name, s->line, "disorder", s->rec.p,
		    s->rec.len);
	}
}

/* Advance S to its next record; 0 (and S no longer live) at its end. */
static int
src_next(struct merge *m, struct merge_src *s)
{
	struct slice prev = s->rec;
	uint64_t pw = s->word, pw2 = s->word2;
	char *nl;
	size_t avail;

	for (;;) {
		if (s->p < s->end) {
			nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
			if (nl != NULL) {
				s->rec.p = s->p;
				s->rec.len = (size_t)(nl - s->p);
				s->p = nl + 1;
				break;
			}
			if (s->r.eof) {
				s->rec.p = s->p;
				s->rec.len = (size_t)(s->end - s->p);
				s->p = s->end;
				break;
			}
		} else if (s->r.eof) {
			s->live = 0;
			s->word = UINT64_MAX;
			return 0;
		}
		if (m->check != MERGE_TRUST && s->line > 0) {
			s->rec = prev;
			save_record(s);
			prev = s->rec;
		}
		reader_consume(&s->r, (size_t)(s->p - (s->r.buf + s->r.start)));
		avail = reader_fill(&s->r);
		s->p = s->r.buf + s->r.start;
		s->end = s->p + avail;
	}
	if (!m->keep_cr && s->rec.len > 0 && s->rec.p[s->rec.len - 1] == '\r')
		s->rec.len--;
	s->line++;
	s->keylen = key_length(&m->o->kv, s->rec.p, s->rec.len);
	if (m->o->numeric || sortorder_keyfield(m->o)) {
		s->word = sortorder_word(m->o, s->rec.p, s->keylen);
	} else {
		/* The first 16 key bytes, zero-padded, as two big-endian words. */
		size_t kl = s->keylen;

		if (s->end - s->rec.p >= 16) {
			uint64_t w1 = load_be64(s->rec.p), w2 = load_be64(s->rec.p + 8);

			if (kl < 8)
				w1 = kl ? w1 & ~(UINT64_MAX >> (8 * kl)) : 0;
			if (kl < 16)
				w2 = kl > 8 ? w2 & ~(UINT64_MAX >> (8 * (kl - 8))) : 0;
			s->word = w1 ^ m->flip;
			s->word2 = w2 ^ m->flip;
		} else {
			char b[16] = { 0 };

			memcpy(b, s->rec.p, kl < 16 ? kl : 16);
			s->word = load_be64(b) ^ m->flip;
			s->word2 = load_be64(b + 8) ^ m->flip;
		}
	}
	if (m->check != MERGE_TRUST && s->line > 1)
		check_order(m, s, prev, pw, pw2);
	return 1;
}

/* Build the subtree under NODE; its winner.  Leaves are NODE >= k. */
static size_t
build(struct merge *m, size_t node)
{
	size_t a, b;

	if (node >= m->k)
		return node - m->k;
	a = build(m, 2 * node);
	b = build(m, 2 * node + 1);
	if (src_before(m, a, b)) {
		m->tree[node] = b;
		return a;
	}
	m->tree[node] = a;
	return b;
}

void
merge_open(struct merge *m, const struct sortorder *o, size_t k,
    const char *const *names, const int *fds, int check, int keep_cr)
{
	size_t i;

	memset(m, 0, sizeof *m);
	m->o = o;
	m->k = k;
	m->check = check;
	m->keep_cr = keep_cr;
	m->flip = o->reverse ? UINT64_MAX : 0;
	m->src = xcalloc(k ? k : 1, sizeof *m->src);
	m->tree = xcalloc(k ? k : 1, sizeof *m->tree);
	for (i = 0; i < k; i++) {
		struct merge_src *s = &m->src[i];

		if (fds != NULL) {
			reader_init_fd(&s->r, fds[i], names[i]);
			s->r.owns_fd = 1;
		} else {
			reader_open(&s->r, names[i]);
		}
		s->p = s->end = s->r.buf + s->r.start;
		s->live = 1;
	}
}

int
merge_next(struct merge *m, struct slice *rec)
{
	size_t w, node, t;

	if (m->k == 0)
		return 0;
	if (!m->started) {
		m->started = 1;
		for (w = 0; w < m->k; w++)
			src_next(m, &m->src[w]);
		m->tree[0] = build(m, 1 < m->k ? 1 : m->k);
	} else {
		w = m->tree[0];
		src_next(m, &m->src[w]);
		/* Replay the path from W's leaf to the root. */
		for (node = (w + m->k) / 2; node >= 1; node /= 2) {
			if (src_before(m, m->tree[node], w)) {
				t = m->tree[node];
				m->tree[node] = w;
				w = t;
			}
		}
		m->tree[0] = w;
	}
	w = m->tree[0];
	if (!m->src[w].live)
		return 0;
	*rec = m->src[w].rec;
	return 1;
}

void
merge_close(struct merge *m)
{
	size_t i;

	for (i = 0; i < m->k; i++) {
		reader_close(&m->src[i].r);
		buf_free(&m->src[i].save);
	}
	free(m->src);
	free(m->tree);
	memset(m, 0, sizeof *m);
}
