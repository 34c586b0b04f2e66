/* Unit tests of lib/kv.h: the Hadoop key/value split and key order. */
#include "unit.h"
#include "kv.h"

static struct slice
lit(const char *s)
{
	return (struct slice){ (char *)s, strlen(s) };
}

static void
default_split_is_first_tab(void)
{
	struct kvspec spec = KVSPEC_DEFAULT;
	struct slice k, v;

	kv_split(&spec, lit("key\tv1\tv2"), &k, &v);
	CHECK_MEM(k.p, k.len, "key");
	CHECK_MEM(v.p, v.len, "v1\tv2");
}

static void
record_without_separator_is_all_key(void)
{
	struct kvspec spec = KVSPEC_DEFAULT;
	struct slice k, v;

	kv_split(&spec, lit("lonely"), &k, &v);
	CHECK_MEM(k.p, k.len, "lonely");
	CHECK(v.len == 0);
	kv_split(&spec, lit(""), &k, &v);
	CHECK(k.len == 0 && v.len == 0);
	/* A trailing separator: the value is present but empty. */
	kv_split(&spec, lit("k\t"), &k, &v);
	CHECK_MEM(k.p, k.len, "k");
	CHECK(v.len == 0);
	kv_split(&spec, lit("\tv"), &k, &v);
	CHECK(k.len == 0);
	CHECK_MEM(v.p, v.len, "v");
}

static void
two_key_fields(void)
{
	struct kvspec spec = { .keyfields = 2, .sep = '\t' };
	struct slice k, v;

	kv_split(&spec, lit("a\tb\tc\td"), &k, &v);
	CHECK_MEM(k.p, k.len, "a\tb");
	CHECK_MEM(v.p, v.len, "c\td");
	/* Fewer than K separators: all key. */
	kv_split(&spec, lit("a\tb"), &k, &v);
	CHECK_MEM(k.p, k.len, "a\tb");
	CHECK(v.len == 0);
}

static void
comma_separator(void)
{
	struct kvspec spec = { .keyfields = 1, .sep = ',' };
	struct slice k, v;

	kv_split(&spec, lit("x,1\t2,3"), &k, &v);
	CHECK_MEM(k.p, k.len, "x");
	CHECK_MEM(v.p, v.len, "1\t2,3");
}

static void
nul_bytes_in_keys(void)
{
	struct kvspec spec = KVSPEC_DEFAULT;
	struct slice k, v, rec = { "a\0b\tc", 5 };

	kv_split(&spec, rec, &k, &v);
	CHECK_MEM(k.p, k.len, "a\0b");
	CHECK_MEM(v.p, v.len, "c");
}

static void
key_order_is_unsigned_bytes_prefix_first(void)
{
	CHECK(key_cmp("a", 1, "b", 1) < 0);
	CHECK(key_cmp("ab", 2, "a", 1) > 0);
	CHECK(key_cmp("a", 1, "ab", 2) < 0);
	CHECK(key_cmp("", 0, "\x01", 1) < 0);
	CHECK(key_cmp("\x7f", 1, "\x80", 1) < 0);
	CHECK(key_cmp("\xff", 1, "z", 1) > 0);
	CHECK(key_cmp("same", 4, "same", 4) == 0);
	CHECK(key_cmp(NULL, 0, "a", 1) < 0 && key_cmp("a", 1, NULL, 0) > 0);
	CHECK(key_cmp(NULL, 0, NULL, 0) == 0);
	CHECK(key_cmp("a\0", 2, "a", 1) > 0);
	CHECK(slice_eq(lit("x"), lit("x")) && !slice_eq(lit("x"), lit("xy")));
	/* Eight-byte prefixes compare as the bytes do. */
	CHECK(load_be64("abcdefgh") < load_be64("abcdefgi"));
	CHECK(load_be64("\x7f\xff\xff\xff\xff\xff\xff\xff") < load_be64("\x80\0\0\0\0\0\0\0"));
	CHECK(load_be64("a\0\0\0\0\0\0\0") < load_be64("b\0\0\0\0\0\0\0"));
}

static int
sign(int c)
{
	return (c > 0) - (c < 0);
}

/*
 * key_cmp_lines against a model, A+SEP and B+SEP built and compared, over
 * every pair of keys of up to 3 bytes from bytes below, at and above each
 * separator (a key may hold SEP: -k 2).
 */
static void
line_order_is_key_and_separator(void)
{
	static const unsigned char seps[] = { '\t', ',', 0, 0xff };
	unsigned char alpha[6], a[4], b[4], la[5], lb[5];
	size_t i, s, na, nb, alen, blen, nkeys = 1 + 6 + 36 + 216;
	int line;

	for (s = 0; s < sizeof seps; s++) {
		unsigned char sep = seps[s];

		alpha[0] = 0;
		alpha[1] = (unsigned char)(sep - 1);
		alpha[2] = sep;
		alpha[3] = (unsigned char)(sep + 1);
		alpha[4] = 'a';
		alpha[5] = 0xff;
		for (na = 0; na < nkeys; na++) {
			for (alen = 0, i = na; i > 0; i = (i - 1) / 6)
				a[alen++] = alpha[(i - 1) % 6];
			memcpy(la, a, alen);
			la[alen] = sep;
			for (nb = 0; nb < nkeys; nb++) {
				size_t n;
				int c, want;

				for (blen = 0, i = nb; i > 0; i = (i - 1) / 6)
					b[blen++] = alpha[(i - 1) % 6];
				memcpy(lb, b, blen);
				lb[blen] = sep;
				n = alen < blen ? alen + 1 : blen + 1;
				want = memcmp(la, lb, n);
				if (want == 0)
					want = (alen > blen) - (alen < blen);
				c = key_cmp_lines((char *)a, alen, (char *)b, blen,
				    (char)sep, &line);
				CHECK(sign(c) == sign(key_cmp((char *)a, alen,
				    (char *)b, blen)));
				CHECK(sign(line) == sign(want));
			}
		}
	}
	/* The attack's keys: "San" after "San Jose" as lines, not as keys. */
	CHECK(key_cmp_lines("San", 3, "San Jose", 8, ',', &line) < 0 && line > 0);
	CHECK(key_cmp_lines("Santa", 5, "San", 3, ',', &line) > 0 && line > 0);
}

static void
separator_arguments(void)
{
	CHECK(kv_parse_sep(",") == ',');
	CHECK(kv_parse_sep("\\t") == '\t');
	CHECK(kv_parse_sep("\t") == '\t');
	CHECK(kv_parse_sep("\\0") == 0);
	CHECK(kv_parse_sep("\xff") == 0xff);
	CHECK(kv_parse_sep("") == -1);
	CHECK(kv_parse_sep("ab") == -1);
	CHECK(kv_parse_keyfields("1") == 1);
	CHECK(kv_parse_keyfields("12") == 12);
	CHECK(kv_parse_keyfields("0") == -1);
	CHECK(kv_parse_keyfields("-1") == -1);
	CHECK(kv_parse_keyfields("2x") == -1);
	CHECK(kv_parse_keyfields("") == -1);
}

static void
nth_field(void)
{
	struct slice f;

	CHECK(kv_field(lit("a\tbb\t\tc"), '\t', 1, &f));
	CHECK_MEM(f.p, f.len, "a");
	CHECK(kv_field(lit("a\tbb\t\tc"), '\t', 2, &f));
	CHECK_MEM(f.p, f.len, "bb");
	CHECK(kv_field(lit("a\tbb\t\tc"), '\t', 3, &f) && f.len == 0);
	CHECK(kv_field(lit("a\tbb\t\tc"), '\t', 4, &f));
	CHECK_MEM(f.p, f.len, "c");
	CHECK(!kv_field(lit("a\tbb\t\tc"), '\t', 5, &f));
	CHECK(kv_field(lit(""), '\t', 1, &f) && f.len == 0);
}

int
main(void)
{
	unit_module = "kv";
	RUN(default_split_is_first_tab);
	RUN(record_without_separator_is_all_key);
	RUN(two_key_fields);
	RUN(comma_separator);
	RUN(nul_bytes_in_keys);
	RUN(key_order_is_unsigned_bytes_prefix_first);
	RUN(line_order_is_key_and_separator);
	RUN(separator_arguments);
	RUN(nth_field);
	return unit_done();
}
