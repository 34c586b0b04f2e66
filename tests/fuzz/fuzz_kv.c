/*
 * fuzz_kv: the key/value split (lib/kv) over any record, any separator
 * and key field count, against a byte-by-byte model; key_cmp, bytes_equal
 * and load_be64 against memcmp; key_cmp_lines against the keys with the
 * separator appended; kv_parse_sep and kv_parse_keyfields over
 * the same bytes as an argument.
 *
 * Input: a byte of key fields (1 to 8), a separator byte, then the record.
 */
#include <limits.h>
#include <string.h>

#include "fuzz.h"
#include "kv.h"

/* The offset of the K-th SEP of REC, or LEN when there are fewer. */
static size_t
model_keylen(const uint8_t *rec, size_t len, uint8_t sep, int k)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (rec[i] == sep && --k == 0)
			return i;
	return len;
}

/* memcmp order with a prefix first, one byte at a time. */
static int
model_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t i;

	for (i = 0; i < alen && i < blen; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen;
}

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

static void
check_split(const uint8_t *rec, size_t len, uint8_t sep, int k)
{
	struct kvspec spec = { .keyfields = k, .sep = (char)sep };
	struct slice r = { (char *)rec, len }, key, value, field;
	size_t want = model_keylen(rec, len, sep, k), start, end;
	int n;

	FUZZ_CHECK(kv_keylen(&spec, r.p, len) == want);
	kv_split(&spec, r, &key, &value);
	FUZZ_CHECK(key.p == r.p && key.len == want);
	if (want < len)
		FUZZ_CHECK(value.p == r.p + want + 1 && value.len == len - want - 1);
	else
		FUZZ_CHECK(value.len == 0);
	/* Field N runs from after the (N-1)-th separator to the N-th. */
	for (n = 1; n <= k + 2; n++) {
		start = n == 1 ? 0 : model_keylen(rec, len, sep, n - 1) + 1;
		end = model_keylen(rec, len, sep, n);
		if (start > len) {
			FUZZ_CHECK(kv_field(r, (char)sep, n, &field) == 0);
			continue;
		}
		FUZZ_CHECK(kv_field(r, (char)sep, n, &field) == 1);
		FUZZ_CHECK(field.p == r.p + start && field.len == end - start);
	}
}

/* A and B as lines: the order of A+SEP and B+SEP. */
static int
model_line_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    uint8_t sep)
{
	uint8_t *la = malloc(alen + 1), *lb = malloc(blen + 1);
	int c;

	memcpy(la, a, alen);
	la[alen] = sep;
	memcpy(lb, b, blen);
	lb[blen] = sep;
	c = model_cmp(la, alen + 1, lb, blen + 1);
	free(la);
	free(lb);
	return c;
}

/* The record's two halves as keys: their order and equality. */
static void
check_order(const uint8_t *rec, size_t len, uint8_t sep)
{
	size_t half = len / 2, alen = half, blen = len - half, n;
	const uint8_t *a = rec, *b = rec + half;
	struct slice sa = { (char *)a, alen }, sb = { (char *)b, blen };
	int want = model_cmp(a, alen, b, blen), line;

	FUZZ_CHECK(sign(key_cmp((const char *)a, alen, (const char *)b, blen)) == want);
	FUZZ_CHECK(sign(slice_cmp(sa, sb)) == want);
	FUZZ_CHECK(slice_eq(sa, sb) == (want == 0));
	FUZZ_CHECK(sign(key_cmp_lines((const char *)a, alen, (const char *)b,
	    blen, (char)sep, &line)) == want);
	FUZZ_CHECK(sign(line) == model_line_cmp(a, alen, b, blen, sep));
	n = alen < blen ? alen : blen;
	FUZZ_CHECK(bytes_equal((const char *)a, (const char *)b, n) ==
	    (model_cmp(a, n, b, n) == 0));
	if (n >= 8) {
		uint64_t x = load_be64((const char *)a), y = load_be64((const char *)b);

		FUZZ_CHECK((x > y) - (x < y) == model_cmp(a, 8, b, 8));
	}
}

/* The record as a command-line argument (up to its first NUL). */
static void
check_args(const uint8_t *rec, size_t len)
{
	char *arg = malloc(len + 1), *p;
	int sep, keys;
	long long v = 0;

	memcpy(arg, rec, len);
	arg[len] = '\0';
	sep = kv_parse_sep(arg);
	if (strlen(arg) == 1)
		FUZZ_CHECK(sep == (unsigned char)arg[0]);
	else if (strcmp(arg, "\\t") == 0)
		FUZZ_CHECK(sep == '\t');
	else if (strcmp(arg, "\\0") == 0)
		FUZZ_CHECK(sep == 0);
	else
		FUZZ_CHECK(sep == -1);

	keys = kv_parse_keyfields(arg);
	for (p = arg; *p >= '0' && *p <= '9' && v <= INT_MAX; p++)
		v = v * 10 + (*p - '0');
	if (p > arg && *p == '\0' && v >= 1 && v <= INT_MAX)
		FUZZ_CHECK(keys == (int)v);
	else
		FUZZ_CHECK(keys == -1);
	free(arg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	check_split(data + 2, size - 2, data[1], 1 + data[0] % 8);
	check_order(data + 2, size - 2, data[1]);
	check_args(data + 2, size - 2);
	return 0;
}
