/* sconf: a Streaming job's properties, by Hadoop's names (see sconf.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"
#include "java.h"
#include "msg.h"
#include "sconf.h"
#include "streaming_keys.h"
#include "xalloc.h"

/* ---- job properties ---- */

void
sconf_init(struct sconf *c)
{
	memset(c, 0, sizeof *c);
}

void
sconf_free(struct sconf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->name[i]);
		free(c->value[i]);
	}
	free(c->name);
	free(c->value);
	memset(c, 0, sizeof *c);
}

/* Deprecated names that Hadoop's HDFS client knows, beyond the table. */
static const struct {
	const char *old, *name;
} extra_deprecated[] = {
	{ "dfs.block.size", "dfs.blocksize" },
};

const char *
sconf_canonical(const char *name)
{
	size_t lo = 0, hi = sizeof streaming_deprecated /
	    sizeof streaming_deprecated[0], mid, i;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, streaming_deprecated[mid].old);
		if (c == 0)
			return streaming_deprecated[mid].name;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (i = 0; i < sizeof extra_deprecated / sizeof extra_deprecated[0]; i++)
		if (strcmp(name, extra_deprecated[i].old) == 0)
			return extra_deprecated[i].name;
	return name;
}

static long
find(const struct sconf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return (long)i;
	return -1;
}

void
sconf_set(struct sconf *c, const char *name, const char *value)
{
	long i;

	name = sconf_canonical(name);
	if ((i = find(c, name)) >= 0) {
		free(c->value[i]);
		c->value[i] = xstrdup(value);
		return;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap;	/* the two arrays grow in step */

		ARRAY_RESERVE(c->name, c->cap, c->n + 1);
		ARRAY_RESERVE(c->value, cap, c->n + 1);
	}
	c->name[c->n] = xstrdup(name);
	c->value[c->n] = xstrdup(value);
	c->n++;
}

int
sconf_set_arg(struct sconf *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;

	if (eq == NULL || eq == arg)
		return -1;
	name = xmemdup(arg, (size_t)(eq - arg) + 1);
	name[eq - arg] = '\0';
	sconf_set(c, name, eq + 1);
	free(name);
	return 0;
}

void
sconf_load(struct sconf *c, const char *path)
{
	struct buf b = { 0 };
	size_t i, start;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    file_read_all(fd, &b) < 0)
		die("%s:", path);
	close(fd);
	for (i = start = 0; i < b.len; i++) {
		if (b.p[i] != '\0')
			continue;
		if (sconf_set_arg(c, b.p + start) < 0)
			die("%s: not a NAME=VALUE entry: %s", path, b.p + start);
		start = i + 1;
	}
	if (start < b.len)
		die("%s: the last entry is not ended by a NUL byte", path);
	buf_free(&b);
}

const char *
sconf_get(const struct sconf *c, const char *name)
{
	long i = find(c, sconf_canonical(name));

	return i < 0 ? NULL : c->value[i];
}

/* ---- typed values, as Hadoop's Configuration reads them ---- */

/* The value of NAME with blanks (Java's trim: bytes <= ' ') cut off. */
char *
sconf_trimmed(const struct sconf *c, const char *name)
{
	const char *v = sconf_get(c, name);
	char *s;
	size_t n;

	if (v == NULL)
		return NULL;
	while (*v != '\0' && (unsigned char)*v <= ' ')
		v++;
	n = strlen(v);
	while (n > 0 && (unsigned char)v[n - 1] <= ' ')
		n--;
	s = xmalloc(n + 1);
	memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

/* getInt/getLong: a decimal (or 0x hexadecimal) number within [MIN, MAX]. */
int
sconf_get_long(const struct sconf *c, const char *name, int64_t def, int64_t min,
    int64_t max, int64_t *out, char *err, size_t errlen)
{
	char *v = sconf_trimmed(c, name);
	int64_t x;
	int ok;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	ok = java_parse_long(v, strlen(v), &x) == 0;
	if (!ok && (strncmp(v, "0x", 2) == 0 || strncmp(v, "0X", 2) == 0)) {
		char *end;

		errno = 0;
		x = (int64_t)strtoll(v + 2, &end, 16);
		ok = *end == '\0' && end != v + 2 && errno == 0;
	}
	if (!ok || x < min || x > max) {
		snprintf(err, errlen, "%s: '%s' is not a number from %lld to %lld",
		    name, sconf_get(c, name), (long long)min, (long long)max);
		free(v);
		return -1;
	}
	free(v);
	*out = x;
	return 0;
}

/* getLongBytes: a number with an optional k, m, g, t, p or e (binary). */
int
sconf_get_bytes(const struct sconf *c, const char *name, int64_t def, int64_t *out,
    char *err, size_t errlen)
{
	static const char units[] = "kmgtpe";
	char *v = sconf_trimmed(c, name), *u;
	size_t n;
	int64_t x;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	n = strlen(v);
	if (n > 1 && (u = strchr(units, v[n - 1] | 0x20)) != NULL) {
		int shift = 10 * (int)(u - units + 1);

		v[n - 1] = '\0';
		if (java_parse_long(v, n - 1, &x) == 0 && x >= 1 &&
		    x <= INT64_MAX >> shift) {
			*out = x << shift;
			free(v);
			return 0;
		}
	} else if (java_parse_long(v, n, &x) == 0 && x >= 1) {
		*out = x;
		free(v);
		return 0;
	}
	free(v);
	snprintf(err, errlen, "%s: '%s' is not a size in bytes", name,
	    sconf_get(c, name));
	return -1;
}

/* getBoolean: "true" or "false" in any case; anything else is DEF. */
int
sconf_get_bool(const struct sconf *c, const char *name, int def)
{
	char *v = sconf_trimmed(c, name);
	int b = def;

	if (v != NULL && strcasecmp(v, "true") == 0)
		b = 1;
	else if (v != NULL && strcasecmp(v, "false") == 0)
		b = 0;
	free(v);
	return b;
}
