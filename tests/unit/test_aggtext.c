/* Unit tests of lib/aggtext: the texts of a field's values. */
#include "unit.h"
#include "aggtext.h"

static void
add(struct agg_strs *s, const char *t)
{
	struct slice v = { (char *)t, strlen(t) };

	aggtext_add(s, v);
}

/* What aggtext_write writes, as a string. */
static const char *
written(const struct agg_strs *s, int unique)
{
	static char text[256];
	struct buf mem = { 0 };
	struct out o;

	out_init_mem(&o, &mem, "memory");
	aggtext_write(&o, s, unique);
	out_close(&o);
	snprintf(text, sizeof text, "%.*s", (int)mem.len, mem.len ? mem.p : "");
	buf_free(&mem);
	return text;
}

static void
collapse_keeps_input_order_unique_sorts_by_bytes(void)
{
	struct agg_strs s = { 0 };

	CHECK_STR(written(&s, 0), "");
	CHECK(aggtext_count_unique(&s) == 0);
	add(&s, "b");
	add(&s, "a");
	add(&s, "");
	add(&s, "b");
	add(&s, "B");
	CHECK_STR(written(&s, 0), "b,a,,b,B");
	CHECK_STR(written(&s, 1), ",B,a,b");
	CHECK(aggtext_count_unique(&s) == 4);
	/* Writing sorted nothing in place: input order again. */
	CHECK_STR(written(&s, 0), "b,a,,b,B");
	buf_free(&s.b);
}

static void
texts_with_any_bytes_and_lengths(void)
{
	struct agg_strs s = { 0 };
	char big[3000];
	int i;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	for (i = 0; i < 100; i++)
		add(&s, i % 2 ? big : "a,b");
	CHECK(s.n == 100);
	CHECK(aggtext_count_unique(&s) == 2);
	buf_free(&s.b);
}

int
main(void)
{
	unit_module = "aggtext";
	RUN(collapse_keeps_input_order_unique_sorts_by_bytes);
	RUN(texts_with_any_bytes_and_lengths);
	return unit_done();
}
