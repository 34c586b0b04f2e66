/* rotset: the names of a log's rotated generations (see rotset.h). */
#include <fnmatch.h>
#include <string.h>

#include "rotset.h"

static const struct {
	const char *ext;
	const char *prog;
} unpackers[] = {
	{ ".gz", "gzip" },
	{ ".bz2", "bzip2" },
	{ ".xz", "xz" },
	{ ".zst", "zstd" },
};

const char *
rotset_unpacker(const char *name, size_t *extlen)
{
	size_t n = strlen(name), i;

	for (i = 0; i < sizeof unpackers / sizeof unpackers[0]; i++) {
		size_t el = strlen(unpackers[i].ext);

		if (n > el && strcmp(name + n - el, unpackers[i].ext) == 0) {
			*extlen = el;
			return unpackers[i].prog;
		}
	}
	*extlen = 0;
	return NULL;
}

/* classify: the suffix S (LEN bytes) after BASE, without a compression
 * ending, as a numbered or dated rotation; ROT_NONE if neither. */
static void
classify(const char *s, size_t len, struct rot_name *rn)
{
	size_t i, digits = 0, nd = 0;
	int only_digits = 1;

	rn->kind = ROT_NONE;
	if (len < 2 || (s[0] != '.' && s[0] != '-' && s[0] != '_') ||
	    s[1] < '0' || s[1] > '9')
		return;
	for (i = 1; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			digits++;
			if (nd < ROT_DATE_MAX - 1)
				rn->date[nd++] = s[i];
		} else if (strchr("-_.:T", s[i]) != NULL) {
			only_digits = 0;
		} else {
			return;
		}
	}
	rn->date[nd] = '\0';
	if (s[0] == '.' && only_digits && digits <= 5) {
		rn->kind = ROT_NUMBERED;
		rn->num = 0;
		for (i = 1; i < len; i++)
			rn->num = rn->num * 10 + (uint64_t)(s[i] - '0');
	} else if (digits >= 6 && nd < ROT_DATE_MAX - 1) {
		rn->kind = ROT_DATED;
	}
}

int
rotset_match(const char *base, const char *entry, char *const *globs,
    size_t nglobs, struct rot_name *rn)
{
	size_t bl = strlen(base), el = strlen(entry), extlen, i;

	memset(rn, 0, sizeof *rn);
	rn->unpack = rotset_unpacker(entry, &extlen);
	if (strcmp(entry, base) == 0)
		return 0;
	if (el > bl && strncmp(entry, base, bl) == 0)
		classify(entry + bl, el - extlen - bl, rn);
	if (rn->kind == ROT_NONE) {
		for (i = 0; i < nglobs; i++) {
			if (fnmatch(globs[i], entry, FNM_PERIOD) == 0) {
				rn->kind = ROT_GLOB;
				break;
			}
		}
	}
	return rn->kind != ROT_NONE;
}

/* Digit strings without leading zeros compare by length, then bytes. */
static int
digits_cmp(const char *a, const char *b)
{
	size_t la, lb;

	while (*a == '0' && a[1] != '\0')
		a++;
	while (*b == '0' && b[1] != '\0')
		b++;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
}

int
rotset_age_cmp(const struct rot_name *a, const struct rot_name *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == ROT_NUMBERED)
		return a->num > b->num ? -1 : a->num < b->num;
	if (a->kind == ROT_DATED)
		return digits_cmp(a->date, b->date);
	return 0;
}
