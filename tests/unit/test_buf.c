/* Unit tests of lib/buf.c: growable memory. */
#include "unit.h"
#include "buf.h"

static void
appends_grow_and_keep_the_bytes(void)
{
	struct buf b = { 0 };
	char want[100000];
	size_t i, cap_changes = 0, last_cap = 0;

	for (i = 0; i < sizeof want; i++) {
		want[i] = (char)(i * 7);
		buf_append(&b, &want[i], 1);
		if (b.cap != last_cap)
			cap_changes++;
		last_cap = b.cap;
	}
	CHECK(b.len == sizeof want);
	CHECK(memcmp(b.p, want, sizeof want) == 0);
	/* Doubling: a handful of reallocations, not one per append. */
	CHECK(cap_changes < 20);
	buf_append(&b, NULL, 0);
	CHECK(b.len == sizeof want);
	buf_free(&b);
	CHECK(b.p == NULL && b.len == 0 && b.cap == 0);
}

static void
reserve_gives_room_at_the_end(void)
{
	struct buf b = { 0 };
	char *w;

	w = buf_reserve(&b, 5);
	memcpy(w, "hello", 5);
	b.len += 5;
	w = buf_reserve(&b, 1000);
	CHECK(b.cap - b.len >= 1000);
	CHECK(w == b.p + 5);
	CHECK(memcmp(b.p, "hello", 5) == 0);
	buf_free(&b);
}

static void
set_replaces_and_drop_keeps_the_rest(void)
{
	struct buf b = { 0 };

	buf_set(&b, "", 0);
	CHECK(b.len == 0);
	buf_set(&b, "user1", 5);
	CHECK_MEM(b.p, b.len, "user1");
	buf_set(&b, "a-much-longer-key", 17);
	CHECK_MEM(b.p, b.len, "a-much-longer-key");
	buf_set(&b, "k", 1);
	CHECK_MEM(b.p, b.len, "k");
	buf_set(&b, "abcdef", 6);
	buf_drop(&b, 2);
	CHECK_MEM(b.p, b.len, "cdef");
	buf_drop(&b, 9);
	CHECK(b.len == 0);
	buf_free(&b);
}

static void
arrays_grow_by_doubling(void)
{
	struct { int a, b; } *v = NULL;
	size_t cap = 0, i, n = 0, changes = 0, last = 0;

	for (i = 0; i < 10000; i++) {
		ARRAY_RESERVE(v, cap, n + 1);
		v[n].a = (int)i;
		v[n].b = (int)-i;
		n++;
		if (cap != last)
			changes++;
		last = cap;
	}
	CHECK(cap >= 10000 && changes < 15);
	for (i = 0; i < n; i++)
		CHECK(v[i].a == (int)i && v[i].b == -(int)i);
	ARRAY_RESERVE(v, cap, 5);	/* never shrinks */
	CHECK(cap >= 10000 && v[9999].a == 9999);
	free(v);
}

int
main(void)
{
	unit_module = "buf";
	RUN(appends_grow_and_keep_the_bytes);
	RUN(reserve_gives_room_at_the_end);
	RUN(set_replaces_and_drop_keeps_the_rest);
	RUN(arrays_grow_by_doubling);
	return unit_done();
}
