/* mr-map: the environment of a Hadoop map task, for each command copy. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "map.h"
#include "xalloc.h"

/* "NAME=VALUE" in fresh memory. */
static char *
env_pair(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *
env_pair(const char *name, const char *fmt, ...)
{
	char val[4096], *s;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(val, sizeof val, fmt, ap);
	va_end(ap);
	n = strlen(name) + strlen(val) + 2;
	s = xmalloc(n);
	snprintf(s, n, "%s=%s", name, val);
	return s;
}

/*
 * The environment of a Hadoop map task, as Streaming exports it: the job
 * id of an enclosing job if there is one, else a local one in Hadoop's
 * LocalJobRunner form; task and attempt ids from it; the partition; and
 * the input split when the input is a named file.
 */
char **
task_env(size_t i, const char *file, uint64_t start, uint64_t length)
{
	static char job[128];
	char **env = xcalloc(24, sizeof *env);
	const char *core;
	size_t n = 0;

	if (job[0] == '\0') {
		const char *j = getenv("mapreduce_job_id");

		if (j != NULL && strncmp(j, "job_", 4) == 0 && strlen(j) < 100)
			snprintf(job, sizeof job, "%s", j);
		else
			snprintf(job, sizeof job, "job_local%ld_0001", (long)getpid());
	}
	core = job + 4;
	env[n++] = env_pair("mapreduce_job_id", "%s", job);
	env[n++] = env_pair("mapred_job_id", "%s", job);
	env[n++] = env_pair("mapreduce_task_id", "task_%s_m_%06zu", core, i);
	env[n++] = env_pair("mapred_tip_id", "task_%s_m_%06zu", core, i);
	env[n++] = env_pair("mapreduce_task_attempt_id", "attempt_%s_m_%06zu_0",
	    core, i);
	env[n++] = env_pair("mapred_task_id", "attempt_%s_m_%06zu_0", core, i);
	env[n++] = env_pair("mapreduce_task_partition", "%zu", i);
	env[n++] = env_pair("mapred_task_partition", "%zu", i);
	env[n++] = env_pair("mapreduce_task_ismap", "true");
	env[n++] = env_pair("mapred_task_is_map", "true");
	if (file != NULL) {
		env[n++] = env_pair("mapreduce_map_input_file", "file:%s", file);
		env[n++] = env_pair("map_input_file", "file:%s", file);
		env[n++] = env_pair("mapreduce_map_input_start", "%llu",
		    (unsigned long long)start);
		env[n++] = env_pair("map_input_start", "%llu",
		    (unsigned long long)start);
		env[n++] = env_pair("mapreduce_map_input_length", "%llu",
		    (unsigned long long)length);
		env[n++] = env_pair("map_input_length", "%llu",
		    (unsigned long long)length);
	}
	env[n] = NULL;
	return env;
}

void
task_env_free(char **env)
{
	char **e;

	if (env == NULL)
		return;
	for (e = env; *e != NULL; e++)
		free(*e);
	free(env);
}
