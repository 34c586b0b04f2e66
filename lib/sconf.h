/*
 * sconf: the properties of a Streaming job (-D, -jobconf, the job file),
 * stored under Hadoop 3.1.3's current names: a deprecated name sets the
 * property that replaces it, the later setting wins, values are kept as
 * typed (see streaming.h for the rules).
 */
#ifndef MR_SCONF_H
#define MR_SCONF_H

#include <stddef.h>
#include <stdint.h>


struct sconf {
	char **name, **value;	/* in the order first set */
	size_t n, cap;
};

void sconf_init(struct sconf *c);
void sconf_free(struct sconf *c);

/* sconf_canonical: the name that NAME stands for (itself, unless deprecated). */
const char *sconf_canonical(const char *name);

/* sconf_set: set property NAME (or the property it is a deprecated name of). */
void sconf_set(struct sconf *c, const char *name, const char *value);

/*
 * sconf_set_arg: a "NAME=VALUE" argument (-D, -jobconf).  Returns 0, or -1
 * when ARG has no '=' or an empty name.
 */
int sconf_set_arg(struct sconf *c, const char *arg);

/*
 * sconf_load: add the properties of a job file: NAME=VALUE entries, each
 * ended by a NUL byte (as mr-job writes them).  Fatal on a read error.
 */
void sconf_load(struct sconf *c, const char *path);

/* sconf_get: the value of NAME (by any of its names), or NULL. */
const char *sconf_get(const struct sconf *c, const char *name);

/*
 * Typed values, as Hadoop's Configuration reads them; NAME unset gives DEF.
 * sconf_get_long (getInt/getLong): a decimal (or 0x hexadecimal) number in
 * [MIN, MAX]; sconf_get_bytes (getLongBytes): a number of at least 1 with
 * an optional k, m, g, t, p or e (binary); each returns 0, or -1 with a
 * message naming NAME in ERR.  sconf_get_bool (getBoolean): "true" or
 * "false" in any case, anything else DEF.  sconf_trimmed: the value with
 * Java's trim (bytes <= ' ' at both ends) as an xmalloc'd string, or NULL.
 */
char *sconf_trimmed(const struct sconf *c, const char *name);
int sconf_get_long(const struct sconf *c, const char *name, int64_t def,
    int64_t min, int64_t max, int64_t *out, char *err, size_t errlen);
int sconf_get_bytes(const struct sconf *c, const char *name, int64_t def,
    int64_t *out, char *err, size_t errlen);
int sconf_get_bool(const struct sconf *c, const char *name, int def);

#endif
