/* reporter: Hadoop Streaming reporter lines and counter sums. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "reporter.h"
#include "xalloc.h"

#define PREFIX "reporter:"
#define COUNTER "reporter:counter:"
#define STATUS "reporter:status:"

static int
starts(struct slice s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && memcmp(s.p, lit, n) == 0;
}

/* Java's String.trim: every char at or below ' ' (NUL, controls, space). */
static void
java_trim(const char **p, const char **end)
{
	while (*p < *end && (unsigned char)**p <= ' ')
		(*p)++;
	while (*end > *p && (unsigned char)(*end)[-1] <= ' ')
		(*end)--;
}

/* Java's Long.parseLong over ASCII: a sign, then one or more digits (any
 * number of leading zeros), within the range of a long. */
static int
java_parse_long(const char *p, const char *end, int64_t *amount)
{
	uint64_t v = 0, limit;
	int neg = 0;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (p == end)
		return 0;
	limit = (uint64_t)INT64_MAX + (uint64_t)neg;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		if (v > (limit - (uint64_t)(*p - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*amount = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 1;
}

/*
 * Hadoop's PipeMapRed takes the text after "counter:", trims it as Java
 * does, splits it on ',' with String.split (which drops trailing empty
 * parts, so "g,n,5,," is a counter) and wants exactly three parts.
 */
enum reporter_kind
reporter_parse(struct slice line, struct slice *group, struct slice *name,
    int64_t *amount)
{
	const char *p, *end = line.p + line.len, *c1, *c2;

	if (!starts(line, PREFIX))
		return REPORTER_NONE;
	if (starts(line, STATUS))
		return REPORTER_STATUS;
	if (!starts(line, COUNTER))
		return REPORTER_BAD;
	p = line.p + strlen(COUNTER);
	java_trim(&p, &end);
	while (end > p && end[-1] == ',')
		end--;
	c1 = memchr(p, ',', (size_t)(end - p));
	if (c1 == NULL)
		return REPORTER_BAD;
	c2 = memchr(c1 + 1, ',', (size_t)(end - c1 - 1));
	if (c2 == NULL || memchr(c2 + 1, ',', (size_t)(end - c2 - 1)) != NULL)
		return REPORTER_BAD;
	/* Names are kept and printed as C strings: a NUL would cut them. */
	if (memchr(p, '\0', (size_t)(c2 - p)) != NULL)
		return REPORTER_BAD;
	if (!java_parse_long(c2 + 1, end, amount))
		return REPORTER_BAD;
	group->p = (char *)p;
	group->len = (size_t)(c1 - p);
	name->p = (char *)c1 + 1;
	name->len = (size_t)(c2 - c1 - 1);
	return REPORTER_COUNTER;
}

static char *
dupslice(struct slice s)
{
	char *p = xmalloc(s.len + 1);

	memcpy(p, s.p, s.len);
	p[s.len] = '\0';
	return p;
}

void
counters_add(struct counters *t, struct slice group, struct slice name,
    int64_t amount)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct counter *c = &t->c[i];

		if (strlen(c->group) == group.len && strlen(c->name) == name.len &&
		    memcmp(c->group, group.p, group.len) == 0 &&
		    memcmp(c->name, name.p, name.len) == 0) {
			c->sum = (int64_t)((uint64_t)c->sum + (uint64_t)amount);
			return;
		}
	}
	ARRAY_RESERVE(t->c, t->cap, t->n + 1);
	t->c[t->n].group = dupslice(group);
	t->c[t->n].name = dupslice(name);
	t->c[t->n].sum = amount;
	t->n++;
}

void
counters_free(struct counters *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->c[i].group);
		free(t->c[i].name);
	}
	free(t->c);
	t->c = NULL;
	t->n = t->cap = 0;
}
