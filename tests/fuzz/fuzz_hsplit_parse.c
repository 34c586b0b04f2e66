/*
 * fuzz_hsplit_parse: hsplit_parse over any argument, against a model: two
 * runs of one or more decimal digits around one ':', each worth at most
 * 2^64 - 1 (leading zeros allowed), and nothing else.
 */
#include <string.h>

#include "fuzz.h"
#include "hsplit.h"

/* The digits of [P, END) as a number; 0 if not digits or too big. */
static int
model_count(const char *p, const char *end, uint64_t *v)
{
	unsigned __int128 x = 0;

	if (p == end)
		return 0;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		x = x * 10 + (unsigned)(*p - '0');
		if (x > UINT64_MAX)
			return 0;
	}
	*v = (uint64_t)x;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *arg = malloc(size + 1), *colon;
	struct hsplit s = { 12345, 67890 };
	uint64_t start, length;
	int ok;

	memcpy(arg, data, size);
	arg[size] = '\0';	/* an argument ends at its first NUL */
	colon = strchr(arg, ':');
	ok = colon != NULL && model_count(arg, colon, &start) &&
	    model_count(colon + 1, colon + 1 + strlen(colon + 1), &length);
	if (hsplit_parse(arg, &s) == 0) {
		FUZZ_CHECK(ok);
		FUZZ_CHECK(s.start == start && s.length == length);
	} else {
		FUZZ_CHECK(!ok);
	}
	free(arg);
	return 0;
}
