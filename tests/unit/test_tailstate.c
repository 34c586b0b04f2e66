/* Unit tests of lib/tailstate.c: the checkpoint in memory (entries added,
 * dropped, committed, compared; the fingerprint). */
#include "unit.h"
#include "hash.h"
#include "tailstate.h"
#include "unit_tailstate.h"

static void
init_and_free_give_an_empty_state(void)
{
	struct tailstate st;

	tailstate_init(&st);
	CHECK(st.n == 0 && st.e == NULL && st.version == 2 && !st.out_known &&
	    !st.out_writing);
	add(&st, "log", 7, 10, 0);
	st.out_known = st.out_writing = 1;
	st.out_size = 5;
	tailstate_free(&st);
	CHECK(st.n == 0 && st.e == NULL && !st.out_known && st.out_size == 0);
	add(&st, "log", 8, 10, 0);	/* usable again */
	CHECK(st.n == 1 && st.e[0].ino == 8);
	tailstate_free(&st);
}

/* The entry's strings are copied: the caller's may change or go. */
static void
add_copies_the_strings(void)
{
	struct tailstate st;
	struct tailstate_entry e;
	char name[] = "app.log", path[] = "app.log.1";
	size_t i;

	tailstate_init(&st);
	memset(&e, 0, sizeof e);
	e.kind = TAILSTATE_FILE;
	e.name = name;
	e.path = path;
	e.off = 99;
	e.pend_off = 5;
	tailstate_add(&st, &e);
	name[0] = path[0] = 'X';
	CHECK_STR(st.e[0].name, "app.log");
	CHECK_STR(st.e[0].path, "app.log.1");
	CHECK(st.e[0].name != name && st.e[0].off == 99 && st.e[0].pend_off == 5);
	add_name(&st, "app.log", 3, 0);
	CHECK(st.e[1].path == NULL);
	for (i = 0; i < 100; i++)	/* grown past its first room */
		add(&st, "b", i, i, 0);
	CHECK(st.n == 102 && st.e[101].ino == 99);
	CHECK_STR(st.e[0].name, "app.log");
	tailstate_free(&st);
}

static void
remove_name_drops_one_kind_of_one_name(void)
{
	struct tailstate st;

	tailstate_init(&st);
	add(&st, "a", 1, 10, 0);
	add(&st, "a", 2, 10, 1);
	add(&st, "b", 3, 7, 0);
	add_name(&st, "a", 77, 1);
	add(&st, "ab", 4, 7, 1);
	tailstate_remove_name(&st, "a", 1);
	CHECK(st.n == 3);
	CHECK(st.e[0].ino == 1 && st.e[1].ino == 3 && st.e[2].ino == 4);
	tailstate_remove_name(&st, "a", 0);
	CHECK(st.n == 2 && st.e[0].ino == 3 && st.e[1].ino == 4);
	tailstate_remove_name(&st, "nothing", 0);
	CHECK(st.n == 2);
	tailstate_remove_name(&st, "b", 0);
	CHECK(st.n == 1);
	CHECK_STR(st.e[0].name, "ab");
	tailstate_free(&st);
}

static void
commit_promotes_pending_entries_per_name(void)
{
	struct tailstate st;

	tailstate_init(&st);
	add(&st, "a", 1, 10, 0);
	add(&st, "a", 2, 5, 0);
	add(&st, "b", 3, 7, 0);
	add(&st, "a", 2, 50, 1);
	add_name(&st, "a", 77, 1);
	CHECK(tailstate_commit(&st) == 2);
	CHECK(st.n == 3);
	CHECK_STR(st.e[0].name, "b");
	CHECK(st.e[1].off == 50 && !st.e[1].pending);
	CHECK(st.e[2].kind == TAILSTATE_NAME && st.e[2].horizon == 77 && !st.e[2].pending);
	CHECK(tailstate_commit(&st) == 0);
	CHECK(st.n == 3);
	tailstate_free(&st);
}

/* Every field the file keeps counts; what it does not keep does not. */
static void
entry_equal_compares_what_the_file_keeps(void)
{
	struct tailstate st;
	struct tailstate_entry b;
	size_t i, nfields;

	tailstate_init(&st);
	add(&st, "log", 7, 300, 0);
	add_name(&st, "log", 5, 0);
	CHECK(tailstate_entry_equal(&st.e[0], &st.e[0]));
	CHECK(!tailstate_entry_equal(&st.e[0], &st.e[1]));
	for (i = 0, nfields = 15; i < nfields; i++) {
		b = st.e[0];
		switch (i) {
		case 0: b.name = "log2"; break;
		case 1: b.path = "log.1"; break;
		case 2: b.pending = 1; break;
		case 3: b.dev++; break;
		case 4: b.ino++; break;
		case 5: b.btime++; break;
		case 6: b.off++; break;
		case 7: b.fplen--; break;
		case 8: b.fp++; break;
		case 9: b.headlen++; break;
		case 10: b.head++; break;
		case 11: b.size++; break;
		case 12: b.mtime++; break;
		case 13: b.lines++; break;
		case 14: b.lbytes++; break;
		}
		if (tailstate_entry_equal(&st.e[0], &b))
			fprintf(stderr, "#   field %zu not compared\n", i);
		CHECK(!tailstate_entry_equal(&st.e[0], &b));
	}
	b = st.e[0];
	b.pend_size = b.pend_off = b.pend_lines = 9;
	b.horizon = 4;
	CHECK(tailstate_entry_equal(&st.e[0], &b));
	/* A NAME entry is its name, state and horizon. */
	b = st.e[1];
	b.ino = 99;
	CHECK(tailstate_entry_equal(&st.e[1], &b));
	b.horizon++;
	CHECK(!tailstate_entry_equal(&st.e[1], &b));
	tailstate_free(&st);
}

static void
fingerprint_is_hash64_of_the_bytes(void)
{
	char a[TAILSTATE_FP_MAX];

	memset(a, 'x', sizeof a);
	CHECK(tailstate_fingerprint(a, sizeof a) == hash64(a, sizeof a));
	CHECK(tailstate_fingerprint(a, 0) == hash64("", 0));
	CHECK(tailstate_fingerprint(a, 10) != tailstate_fingerprint(a, 11));
	a[5] = 'y';
	CHECK(tailstate_fingerprint(a, 10) != hash64("xxxxxxxxxx", 10));
}

int
main(void)
{
	unit_module = "tailstate";
	RUN(init_and_free_give_an_empty_state);
	RUN(add_copies_the_strings);
	RUN(remove_name_drops_one_kind_of_one_name);
	RUN(commit_promotes_pending_entries_per_name);
	RUN(entry_equal_compares_what_the_file_keeps);
	RUN(fingerprint_is_hash64_of_the_bytes);
	return unit_done();
}
