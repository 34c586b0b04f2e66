/*
 * fuzz_fieldlist: fieldlist_parse over any argument, against a model of
 * cut(1)-style lists written here: items "N", "N-M" (M >= N) and "N-",
 * separated by single commas, numbers of decimal digits from MIN up to
 * (but not including) FIELD_END / 2, nothing else; the ranges kept in
 * order, max the highest number named, open when some range is "N-".
 *
 * Input: a byte whose low bit is MIN (0 or 1), then the argument.
 */
#include <string.h>

#include "fieldlist.h"
#include "fuzz.h"

/* A number at *P: 1 and *P advanced, or 0. */
static int
model_num(const char **p, size_t min, size_t *v)
{
	unsigned __int128 x = 0;
	const char *q = *p;

	if (*q < '0' || *q > '9')
		return 0;
	for (; *q >= '0' && *q <= '9'; q++) {
		x = x * 10 + (unsigned)(*q - '0');
		if (x >= FIELD_END / 2)
			return 0;
	}
	if (x < min)
		return 0;
	*v = (size_t)x;
	*p = q;
	return 1;
}

/* The model's list: the number of ranges, or -1 when ARG is not a list. */
static long
model(const char *arg, size_t min, struct field_range *r, size_t *max,
    int *open)
{
	const char *p = arg;
	long n = 0;

	*max = 0;
	*open = 0;
	for (;;) {
		if (!model_num(&p, min, &r[n].lo))
			return -1;
		r[n].hi = r[n].lo;
		if (*p == '-') {
			p++;
			if (*p == ',' || *p == '\0') {
				r[n].hi = FIELD_END;
				*open = 1;
			} else if (!model_num(&p, min, &r[n].hi) || r[n].hi < r[n].lo) {
				return -1;
			}
		}
		if (r[n].lo > *max)
			*max = r[n].lo;
		if (r[n].hi != FIELD_END && r[n].hi > *max)
			*max = r[n].hi;
		n++;
		if (*p == '\0')
			return n;
		if (*p++ != ',')
			return -1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field_range *want;
	struct fieldlist fl;
	size_t min, max, i;
	char *arg;
	long n;
	int open;

	if (size < 1)
		return 0;
	min = data[0] & 1;
	arg = malloc(size);
	memcpy(arg, data + 1, size - 1);
	arg[size - 1] = '\0';
	want = malloc(size * sizeof *want);
	n = model(arg, min, want, &max, &open);
	if (fieldlist_parse(arg, min, &fl) == 0) {
		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(fl.n == (size_t)n);
		FUZZ_CHECK(fl.max == max);
		FUZZ_CHECK(fl.open == open);
		for (i = 0; i < fl.n; i++)
			FUZZ_CHECK(fl.r[i].lo == want[i].lo && fl.r[i].hi == want[i].hi);
		fieldlist_free(&fl);
	} else {
		FUZZ_CHECK(n < 0);
		FUZZ_CHECK(fl.r == NULL);
	}
	free(want);
	free(arg);
	return 0;
}
