/* mr-map: the environment of a Hadoop map task, for each command copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "map.h"
#include "streaming.h"

/*
 * The environment of a Hadoop map task, as Streaming exports it
 * (lib/streaming): the job id of an enclosing job if there is one, else a
 * local one in Hadoop's LocalJobRunner form; task and attempt ids from
 * it; the partition; and the input split when the input is a named file.
 * Only these variables: proc_spawn puts them into our environment.
 */
char **
task_env(size_t i, const char *file, uint64_t start, uint64_t length)
{
	static char job[128];
	struct stask t;

	if (job[0] == '\0') {
		const char *j = getenv("mapreduce_job_id");

		if (j != NULL && strncmp(j, "job_", 4) == 0 && strlen(j) < 100)
			snprintf(job, sizeof job, "%s", j);
		else
			snprintf(job, sizeof job, "job_local%ld_0001", (long)getpid());
	}
	t.job_id = job;
	t.kind = 'm';
	t.number = (unsigned)i;
	t.input = file;
	t.start = start;
	t.length = length;
	return streaming_task_env(NULL, NULL, NULL, &t);
}

void
task_env_free(char **env)
{
	streaming_env_free(env);
}
