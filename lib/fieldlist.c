/* fieldlist: "1,7", "2-4", "3-" field lists (see fieldlist.h). */
#include <errno.h>
#include <stdlib.h>

#include "buf.h"
#include "fieldlist.h"
#include "xalloc.h"

/* A field number at *P (advanced past it); -1 if there is none. */
static int
parse_num(const char **p, size_t min, size_t *out)
{
	unsigned long long v;
	char *end;

	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	v = strtoull(*p, &end, 10);
	if (errno != 0 || v < min || v >= (unsigned long long)FIELD_END / 2)
		return -1;
	*p = end;
	*out = (size_t)v;
	return 0;
}

int
fieldlist_parse(const char *arg, size_t min, struct fieldlist *fl)
{
	const char *p = arg;
	struct field_range r;
	size_t cap = 0;

	fl->r = NULL;
	fl->n = 0;
	fl->max = 0;
	fl->open = 0;
	for (;;) {
		if (parse_num(&p, min, &r.lo) < 0)
			goto bad;
		r.hi = r.lo;
		if (*p == '-') {
			p++;
			if (*p == ',' || *p == '\0')
				r.hi = FIELD_END;
			else if (parse_num(&p, min, &r.hi) < 0 || r.hi < r.lo)
				goto bad;
		}
		ARRAY_RESERVE(fl->r, cap, fl->n + 1);
		fl->r[fl->n++] = r;
		if (r.hi == FIELD_END)
			fl->open = 1;
		if ((r.hi == FIELD_END ? r.lo : r.hi) > fl->max)
			fl->max = r.hi == FIELD_END ? r.lo : r.hi;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			goto bad;
	}
bad:
	fieldlist_free(fl);
	return -1;
}

void
fieldlist_free(struct fieldlist *fl)
{
	free(fl->r);
	fl->r = NULL;
	fl->n = 0;
}
