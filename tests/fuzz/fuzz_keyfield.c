/*
 * fuzz_keyfield: Hadoop's KeyFieldBased options and comparisons over any
 * bytes.  The input's first line is the options, its second byte picks the
 * key field separator, the rest are keys, one a line.  Properties: the
 * parser accepts only specifications that start at field and character 1
 * or later and do not end before they start; comparing and partitioning
 * any keys stays inside them (the sanitizers of make fuzz watch the
 * reads); a partition is below the count and the same for a key and for
 * its bytes as Java would hand them back (invalid UTF-8 replaced).
 */
#include <string.h>

#include "fuzz.h"
#include "java.h"
#include "keyfield.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const seps[] = { "\t", ".", "::", "\xc3\xa9" };
	const char *p = (const char *)data, *end = p + size, *nl;
	char *opts, err[256], *keys[16], *fixed;
	size_t lens[16], nkeys = 0, i, j;
	struct keyfield kf;
	const char *sep;

	nl = memchr(p, '\n', size);
	if (nl == NULL || nl + 1 >= end)
		return 0;
	opts = malloc((size_t)(nl - p) + 1);
	memcpy(opts, p, (size_t)(nl - p));
	opts[nl - p] = '\0';
	sep = seps[(unsigned char)nl[1] % 4];
	p = nl + 2;
	while (p < end && nkeys < 16) {
		nl = memchr(p, '\n', (size_t)(end - p));
		lens[nkeys] = (size_t)((nl != NULL ? nl : end) - p);
		keys[nkeys] = malloc(lens[nkeys] + 1);	/* exactly the key: reads past it are findings */
		memcpy(keys[nkeys], p, lens[nkeys]);
		nkeys++;
		p = nl != NULL ? nl + 1 : end;
	}
	FUZZ_CHECK(keyfield_init(&kf, sep, strlen(sep)) == 0);
	if (keyfield_parse(&kf, opts, err, sizeof err) == 0) {
		int numeric_backwards = 0;

		for (i = 0; i < kf.n; i++) {
			const struct keyfield_spec *s = &kf.spec[i];

			FUZZ_CHECK(s->begin_field >= 1 && s->begin_char >= 1);
			if (s->numeric && s->end_field != 0 &&
			    (s->end_field < s->begin_field ||
			    (s->end_field == s->begin_field && s->end_char != 0 &&
			    s->end_char < s->begin_char)))
				numeric_backwards = 1;
		}
		/* Specifications that end before they start are compared too
		 * (numeric ones as well: their reads must stay in the key). */
		FUZZ_CHECK(kf.numeric_backwards == numeric_backwards);
		for (i = 0; i < nkeys; i++) {
			char *scratch = malloc(3 * lens[i] + 1);
			unsigned part = keyfield_partition(&kf, keys[i], lens[i], 7, scratch);
			size_t flen;

			FUZZ_CHECK(part < 7);
			fixed = malloc(3 * lens[i] + 1);
			flen = java_text_roundtrip(keys[i], lens[i], fixed);
			FUZZ_CHECK(keyfield_partition(&kf, fixed, flen, 7, scratch) == part);
			free(fixed);
			free(scratch);
			for (j = 0; j < nkeys; j++)
				(void)keyfield_cmp(&kf, keys[i], lens[i], keys[j], lens[j]);
		}
	}
	keyfield_free(&kf);
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(opts);
	return 0;
}
