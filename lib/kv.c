/* kv: key/value split helpers that are not on the hot path. */
#include <limits.h>
#include <stdlib.h>

#include "kv.h"

int
kv_parse_sep(const char *arg)
{
	if (arg[0] != '\0' && arg[1] == '\0')
		return (unsigned char)arg[0];
	if (strcmp(arg, "\\t") == 0)
		return '\t';
	if (strcmp(arg, "\\0") == 0)
		return '\0';
	return -1;
}

int
kv_parse_keyfields(const char *arg)
{
	char *end;
	long k;

	if (arg[0] < '0' || arg[0] > '9')
		return -1;
	k = strtol(arg, &end, 10);
	if (*end != '\0' || k < 1 || k > INT_MAX)
		return -1;
	return (int)k;
}

int
kv_field(struct slice s, char sep, int n, struct slice *field)
{
	const char *p = s.p, *end = s.p + s.len, *q;

	for (;;) {
		q = memchr(p, sep, (size_t)(end - p));
		if (--n == 0) {
			field->p = (char *)p;
			field->len = (size_t)((q ? q : end) - p);
			return 1;
		}
		if (q == NULL)
			return 0;
		p = q + 1;
	}
}
