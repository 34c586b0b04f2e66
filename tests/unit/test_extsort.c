/* Unit tests of lib/extsort: sorted in memory or through spilled runs, the
 * same stable order either way. */
#include "unit.h"
#include "extsort.h"
#include "tmpfile.h"

/* N records "kKEY TAB i", keys from a small range (many equal). */
static void
fill(struct extsort *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *dst = extsort_room(s, 32);
		int len = sprintf(dst, "k%u\t%zu", unit_rand(500), i);
		size_t k = (size_t)(strchr(dst, '\t') - dst);

		extsort_push(s, (size_t)len, k);
	}
}

static void
a_tiny_budget_spills_and_gives_the_same_stable_order(void)
{
	static const struct sortorder o = { .kv = { 1, '\t' } };
	struct extsort mem, disk;
	struct slice a, b;
	char *last = NULL;
	size_t n = 0, lastlen = 0;

	unit_rng = 7;
	extsort_init(&mem, &o, (uint64_t)1 << 30, 1, tmp_dir(NULL), 0);
	fill(&mem, 50000);
	unit_rng = 7;
	extsort_init(&disk, &o, 64 << 10, 2, tmp_dir(NULL), 0);
	fill(&disk, 50000);
	CHECK(disk.nruns > 10);
	while (extsort_next(&mem, &a)) {
		CHECK(extsort_next(&disk, &b));
		CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
		/* Keys in order; equal keys in input order (the numbers). */
		if (last != NULL) {
			size_t ka = (size_t)((char *)memchr(a.p, '\t', a.len) - a.p);
			size_t kp = (size_t)((char *)memchr(last, '\t', lastlen) - last);
			int c = key_cmp(last, kp, a.p, ka);

			CHECK(c < 0 || (c == 0 && atol(last + kp + 1) < atol(a.p + ka + 1)));
		}
		free(last);
		last = memcpy(malloc(a.len + 1), a.p, a.len);
		last[a.len] = '\0';
		lastlen = a.len;
		n++;
	}
	CHECK(!extsort_next(&disk, &b));
	CHECK(n == 50000);
	free(last);
	extsort_free(&mem);
	extsort_free(&disk);
}

static void
load_reads_lines_as_mr_sort_does(void)
{
	static const struct sortorder o = { .kv = { 1, '\t' } };
	const char *in = "\xEF\xBB\xBF" "b\t1\r\na\t2\nc";
	int fd = unit_bytes_fd(in, strlen(in));
	struct extsort s;
	struct slice r;
	char got[64] = "";

	extsort_init(&s, &o, (uint64_t)1 << 20, 1, tmp_dir(NULL), 0);
	extsort_load(&s, fd, "test");
	while (extsort_next(&s, &r)) {
		strncat(got, r.p, r.len);
		strcat(got, "|");
	}
	CHECK_STR(got, "a\t2|b\t1|c|");
	extsort_free(&s);
	close(fd);
}

int
main(void)
{
	unit_module = "extsort";
	RUN(a_tiny_budget_spills_and_gives_the_same_stable_order);
	RUN(load_reads_lines_as_mr_sort_does);
	return unit_done();
}
