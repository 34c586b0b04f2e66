/*
 * fuzz_reporter: reporter_parse over any stderr line, against a model of
 * the rule written here with strtoll, and the counter table over whatever
 * it accepts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "reporter.h"

/*
 * The model, Hadoop's PipeMapRed.incrCounter restated: the text after
 * "reporter:counter:" with bytes <= ' ' trimmed at both ends, split on ','
 * with trailing empty parts dropped, must be exactly three parts, the first
 * two without NUL (our one difference), the last Long.parseLong-able: a
 * sign, then digits, in range (checked here with strtoll on a copy with
 * its leading zeros removed).
 */
static int
model_amount(const char *text, size_t len, int64_t *v)
{
	char buf[32], *end;
	size_t i = 0, n = 0;
	int neg = 0;

	if (len > 0 && (text[0] == '+' || text[0] == '-')) {
		neg = text[0] == '-';
		i = 1;
	}
	if (i == len)
		return 0;
	for (size_t j = i; j < len; j++)
		if (text[j] < '0' || text[j] > '9')
			return 0;
	while (i < len - 1 && text[i] == '0')
		i++;
	if (len - i > 20)
		return 0;
	if (neg)
		buf[n++] = '-';
	memcpy(buf + n, text + i, len - i);
	buf[n + len - i] = '\0';
	errno = 0;
	*v = strtoll(buf, &end, 10);
	return errno == 0 && *end == '\0';
}

static int
model(const char *rest, size_t rlen, int64_t *want)
{
	size_t b = 0, e = rlen, commas = 0, last = 0, i;

	while (b < e && (unsigned char)rest[b] <= ' ')
		b++;
	while (e > b && (unsigned char)rest[e - 1] <= ' ')
		e--;
	while (e > b && rest[e - 1] == ',')
		e--;
	for (i = b; i < e; i++)
		if (rest[i] == ',') {
			commas++;
			last = i;
		}
	if (commas != 2 || memchr(rest + b, '\0', last - b) != NULL)
		return 0;
	return model_amount(rest + last + 1, e - last - 1, want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char counter[] = "reporter:counter:";
	struct slice line = { (char *)data, size }, group, name;
	struct counters table = { 0 };
	enum reporter_kind kind;
	int64_t amount = 0, want;

	kind = reporter_parse(line, &group, &name, &amount);
	if (size < 9 || memcmp(data, "reporter:", 9) != 0) {
		FUZZ_CHECK(kind == REPORTER_NONE);
		return 0;
	}
	if (size >= 16 && memcmp(data, "reporter:status:", 16) == 0) {
		FUZZ_CHECK(kind == REPORTER_STATUS);
		return 0;
	}
	if (size < sizeof counter - 1 || memcmp(data, counter, sizeof counter - 1) != 0) {
		FUZZ_CHECK(kind == REPORTER_BAD);
		return 0;
	}
	if (!model((const char *)data + sizeof counter - 1,
	    size - (sizeof counter - 1), &want)) {
		FUZZ_CHECK(kind == REPORTER_BAD);
		return 0;
	}
	FUZZ_CHECK(kind == REPORTER_COUNTER);
	FUZZ_CHECK(amount == want);
	FUZZ_CHECK(group.p >= (char *)data + sizeof counter - 1);
	FUZZ_CHECK(memchr(group.p, ',', group.len) == NULL);
	FUZZ_CHECK(name.p == group.p + group.len + 1);
	FUZZ_CHECK(memchr(name.p, ',', name.len) == NULL);

	/* Summing twice doubles, wrapping as Java's long does. */
	counters_add(&table, group, name, amount);
	counters_add(&table, group, name, amount);
	FUZZ_CHECK(table.n == 1);
	FUZZ_CHECK(table.c[0].sum == (int64_t)((uint64_t)amount * 2));
	FUZZ_CHECK(strlen(table.c[0].group) == group.len);
	counters_free(&table);
	return 0;
}
