/* senv: the environment of a Streaming task's commands (see senv.h). */
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
#include "java.h"
#include "msg.h"
#include "senv.h"
#include "xalloc.h"

/* ---- the task environment ---- */

char *
streaming_env_name(char *buf, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name), i = 0, o = 0, k;
	uint32_t cp;

	while (i < n) {
		if ((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= 'a' && p[i] <= 'z')) {
			buf[o++] = (char)p[i++];
			continue;
		}
		k = java_utf8_next(p + i, n - i, &cp);
		buf[o++] = '_';
		if (cp >= 0x10000)	/* two UTF-16 units */
			buf[o++] = '_';
		i += k;
	}
	buf[o] = '\0';
	return buf;
}

struct envb {
	char **v;
	size_t n, cap;
};

/* Set NAME (LEN bytes) to VALUE: replace an earlier setting, or add. */
static void
env_put(struct envb *e, const char *name, size_t len, const char *value,
    size_t vlen)
{
	char *s = xmalloc(len + vlen + 2);
	size_t i;

	memcpy(s, name, len);
	s[len] = '=';
	memcpy(s + len + 1, value, vlen);
	s[len + 1 + vlen] = '\0';
	for (i = 0; i < e->n; i++)
		if (strncmp(e->v[i], s, len + 1) == 0) {
			free(e->v[i]);
			e->v[i] = s;
			return;
		}
	ARRAY_RESERVE(e->v, e->cap, e->n + 2);	/* and the NULL */
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
}

/* A job property into the environment, named and cut as Hadoop does. */
static void
env_prop(struct envb *e, const char *name, const char *value, long limit)
{
	char *n = xmalloc(2 * strlen(name) + 1);
	size_t vlen = strlen(value);

	streaming_env_name(n, name);
	if (limit >= 0 && java_utf16_length(value, vlen) > (size_t)limit) {
		/* value.substring(0, limit): whole characters, in UTF-16 units. */
		size_t i = 0, units = 0, k;
		uint32_t cp;

		while (i < vlen) {
			k = java_utf8_next((const unsigned char *)value + i, vlen - i, &cp);
			if (units + (cp >= 0x10000 ? 2 : 1) > (size_t)limit)
				break;
			units += cp >= 0x10000 ? 2 : 1;
			i += k;
		}
		vlen = i;
	}
	env_put(e, n, strlen(n), value, vlen);
	free(n);
}

static void
env_prop_u64(struct envb *e, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
	env_prop(e, name, buf, -1);
}

char **
streaming_task_env(char **base, const struct sconf *c, const struct sjob *j,
    const struct stask *t)
{
	struct envb e = { NULL, 0, 0 };
	const char *tmpdir = NULL, *ismap = t->kind == 'm' ? "true" : "false";
	const char *core = strncmp(t->job_id, "job_", 4) == 0 ? t->job_id + 4 :
	    t->job_id;
	long limit = j != NULL ? j->truncate : -1;
	char tid[160], aid[160], *w, *s;
	size_t i;

	for (i = 0; base != NULL && base[i] != NULL; i++) {
		const char *eq = strchr(base[i], '=');

		if (eq == NULL)
			continue;
		if (strncmp(base[i], "TMPDIR=", 7) == 0)
			tmpdir = eq + 1;
		env_put(&e, base[i], (size_t)(eq - base[i]), eq + 1, strlen(eq + 1));
	}
	for (i = 0; c != NULL && i < c->n; i++)
		env_prop(&e, c->name[i], c->value[i], limit);
	snprintf(tid, sizeof tid, "task_%s_%c_%06u", core, t->kind, t->number);
	snprintf(aid, sizeof aid, "attempt_%s_%c_%06u_0", core, t->kind, t->number);
	env_prop(&e, "mapreduce.job.id", t->job_id, limit);
	env_prop(&e, "mapred.job.id", t->job_id, limit);
	env_prop(&e, "mapreduce.task.id", tid, limit);
	env_prop(&e, "mapred.tip.id", tid, limit);
	env_prop(&e, "mapreduce.task.attempt.id", aid, limit);
	env_prop(&e, "mapred.task.id", aid, limit);
	env_prop_u64(&e, "mapreduce.task.partition", t->number);
	env_prop_u64(&e, "mapred.task.partition", t->number);
	env_prop(&e, "mapreduce.task.ismap", ismap, limit);
	env_prop(&e, "mapred.task.is.map", ismap, limit);
	if (t->kind == 'm' && t->input != NULL) {
		char *uri = xmalloc(strlen(t->input) + 6);

		sprintf(uri, "file:%s", t->input);
		env_prop(&e, "mapreduce.map.input.file", uri, limit);
		env_prop(&e, "map.input.file", uri, limit);
		env_prop_u64(&e, "mapreduce.map.input.start", t->start);
		env_prop_u64(&e, "map.input.start", t->start);
		env_prop_u64(&e, "mapreduce.map.input.length", t->length);
		env_prop_u64(&e, "map.input.length", t->length);
		free(uri);
	}
	/* -cmdenv, as PipeMapRed.addEnvironment splits them. */
	if (c != NULL && (s = (char *)sconf_get(c, "stream.addenvironment")) != NULL) {
		char *copy = xstrdup(s), *save = NULL;

		for (w = strtok_r(copy, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(w, '=');

			if (eq != NULL)
				env_put(&e, w, (size_t)(eq - w), eq + 1, strlen(eq + 1));
		}
		free(copy);
	}
	if (tmpdir != NULL)
		env_put(&e, "TMPDIR", 6, tmpdir, strlen(tmpdir));
	if (e.v == NULL) {
		e.v = xcalloc(1, sizeof *e.v);
	}
	return e.v;
}

void
streaming_env_free(char **env)
{
	size_t i;

	for (i = 0; env != NULL && env[i] != NULL; i++)
		free(env[i]);
	free(env);
}
