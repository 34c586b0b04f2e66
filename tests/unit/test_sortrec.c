/* Unit tests of lib/sortrec.c: record order and the in-memory entry sort. */
#include "unit.h"
#include "sortrec.h"
#include "xalloc.h"

static uint64_t rng = 12345;

static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
kcmp(const struct sortorder *o, const char *a, const char *b)
{
	return sortorder_key_cmp(o, a, strlen(a), b, strlen(b));
}

static void
keys_compare_as_unsigned_bytes_prefix_first(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT };

	CHECK(kcmp(&o, "a", "b") < 0);
	CHECK(kcmp(&o, "a", "ab") < 0);
	CHECK(kcmp(&o, "", "a") < 0);
	CHECK(kcmp(&o, "z", "\xc3\xa9") < 0);	/* 0xC3 > 'z' */
	CHECK(kcmp(&o, "abc", "abc") == 0);
	CHECK(sortorder_key_cmp(&o, "a", 1, "a\0", 2) < 0);
	o.reverse = 1;
	CHECK(kcmp(&o, "a", "ab") > 0);
}

static void
numeric_order_puts_non_numbers_first(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT, .numeric = 1 };

	CHECK(kcmp(&o, "9", "10") < 0);
	CHECK(kcmp(&o, "-1", "0") < 0);
	CHECK(kcmp(&o, "1", "1.0") == 0);
	CHECK(kcmp(&o, "-0", "0") == 0);
	CHECK(kcmp(&o, "0.1", "0.10000000000000000001") < 0);
	CHECK(kcmp(&o, "abc", "-1000") < 0);
	CHECK(kcmp(&o, "", "0") < 0);
	CHECK(kcmp(&o, "abc", "abd") < 0);
	CHECK(kcmp(&o, "nan", "-1e300") < 0);
	CHECK(sortorder_word(&o, "2", 1) > sortorder_word(&o, "1.5", 3));
	CHECK(sortorder_word(&o, "x", 1) == 0);
}

static void
record_order_uses_value_only_with_byvalue(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT };
	const char *a = "k\t2", *b = "k\t10";

	CHECK(sortorder_rec_cmp(&o, a, 3, b, 4) == 0);
	o.byvalue = 1;
	CHECK(sortorder_rec_cmp(&o, a, 3, b, 4) > 0);
	o.kv.keyfields = 2;
	CHECK(sortorder_rec_cmp(&o, a, 3, b, 4) > 0);
}

/* A buffer of N random records, '\n'-terminated, with their entries. */
struct sample {
	char *buf;
	size_t len;
	struct sortent *e;
	size_t n;
};

static void
random_key(char *p, size_t *len, int kind)
{
	size_t i, n;

	switch (kind) {
	case 0:		/* few distinct short keys: many ties */
		*len = (size_t)sprintf(p, "k%d", (int)(rnd() % 7));
		return;
	case 1:		/* a long common prefix, then varying bytes */
		n = 20 + rnd() % 4;
		memset(p, 'p', 20);
		for (i = 20; i < n; i++)
			p[i] = (char)("ab\x01\xff"[rnd() % 4]);
		*len = n;
		return;
	case 2:		/* numbers */
		*len = (size_t)sprintf(p, "%s%d.%d", rnd() % 2 ? "-" : "",
		    (int)(rnd() % 50), (int)(rnd() % 10));
		return;
	default:	/* any bytes but TAB and '\n', possibly empty */
		n = rnd() % 12;
		for (i = 0; i < n; i++) {
			char c = (char)(1 + rnd() % 255);

			p[i] = c == '\t' || c == '\n' ? 'x' : c;
		}
		*len = n;
	}
}

static void
make_sample(struct sample *s, size_t n, const struct sortorder *o, int kind)
{
	size_t i, off = 0;

	s->buf = xmalloc(n * 64 + 1);
	s->e = xmalloc((n + 1) * sizeof *s->e);
	for (i = 0; i < n; i++) {
		char *p = s->buf + off;
		size_t kl, len;

		random_key(p, &kl, kind == 4 ? (int)(rnd() % 4) : kind);
		len = kl;
		if (rnd() % 8 != 0)
			len += (size_t)sprintf(p + kl, "\t%d", (int)(rnd() % 5));
		p[len] = '\n';
		sortent_init(&s->e[i], o, s->buf, off, len);
		off += len + 1;
	}
	s->len = off;
	s->n = n;
}

static const struct sortorder *ref_order;
static const char *ref_base;

/* The specification: record order, then input order (offset). */
static int
ref_cmp(const void *x, const void *y)
{
	const struct sortent *a = x, *b = y;
	int c = sortorder_rec_cmp(ref_order, sortent_ptr(a, ref_base),
	    sortent_len(a, ref_base), sortent_ptr(b, ref_base),
	    sortent_len(b, ref_base));

	if (c != 0)
		return c;
	return (a->ref > b->ref) - (a->ref < b->ref);
}

static int
sorts_like_reference(struct sortorder *o, size_t n, int kind, int threads)
{
	struct sample s;
	struct sortent *want;
	size_t i;
	int ok = 1;

	make_sample(&s, n, o, kind);
	want = xmemdup(s.e, n * sizeof *s.e + 1);
	ref_order = o;
	ref_base = s.buf;
	qsort(want, n, sizeof *want, ref_cmp);
	sortent_sort(s.e, n, s.buf, o, threads);
	for (i = 0; i < n; i++)
		if (s.e[i].ref != want[i].ref)
			ok = 0;
	free(want);
	free(s.buf);
	free(s.e);
	return ok;
}

static void
sort_matches_stable_reference(void)
{
	static const size_t sizes[] = { 0, 1, 2, 23, 24, 25, 300, 5000 };
	size_t i;
	int kind, flags;

	for (flags = 0; flags < 8; flags++) {
		for (kind = 0; kind < 5; kind++) {
			for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
				struct sortorder o = { .kv = KVSPEC_DEFAULT };

				o.reverse = flags & 1;
				o.byvalue = (flags >> 1) & 1;
				o.numeric = (flags >> 2) & 1;
				CHECK(sorts_like_reference(&o, sizes[i], kind, 1));
			}
		}
	}
}

static void
threaded_sort_matches_reference(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT };

	CHECK(sorts_like_reference(&o, 200000, 4, 4));
	CHECK(sorts_like_reference(&o, 200000, 0, 2));
	o.reverse = 1;
	o.byvalue = 1;
	CHECK(sorts_like_reference(&o, 100000, 1, 3));
	o.numeric = 1;
	CHECK(sorts_like_reference(&o, 100000, 2, 2));
}

static void
all_equal_keys_keep_input_order(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT };
	size_t n = 100000, i;
	char *buf = xmalloc(n * 2);
	struct sortent *e = xmalloc(n * sizeof *e);

	for (i = 0; i < n; i++) {
		buf[2 * i] = 'k';
		buf[2 * i + 1] = '\n';
	}
	for (i = 0; i < n; i++)
		sortent_init(&e[n - 1 - i], &o, buf, 2 * (n - 1 - i), 1);
	/* Shuffle, then sort: the offsets must come back in order. */
	for (i = n - 1; i > 0; i--) {
		size_t j = rnd() % (i + 1);
		struct sortent t = e[i];

		e[i] = e[j];
		e[j] = t;
	}
	sortent_sort(e, n, buf, &o, 2);
	for (i = 0; i < n; i++)
		if ((e[i].ref >> 24) != 2 * i)
			break;
	CHECK(i == n);
	free(buf);
	free(e);
}

static void
long_records_find_their_length(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT };
	size_t len = SORTENT_LONG + 10;
	char *buf = xmalloc(len + 1);
	struct sortent e;

	memset(buf, 'a', len);
	buf[len] = '\n';
	sortent_init(&e, &o, buf, 0, len);
	CHECK(sortent_len(&e, buf) == len);
	free(buf);
}

int
main(void)
{
	unit_module = "sortrec";
	RUN(keys_compare_as_unsigned_bytes_prefix_first);
	RUN(numeric_order_puts_non_numbers_first);
	RUN(record_order_uses_value_only_with_byvalue);
	RUN(sort_matches_stable_reference);
	RUN(threaded_sort_matches_reference);
	RUN(all_equal_keys_keep_input_order);
	RUN(long_records_find_their_length);
	return unit_done();
}
