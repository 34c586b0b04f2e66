/*
 * senv: the environment of a Streaming task's commands, as Hadoop's
 * PipeMapRed builds it: the job's properties with mangled names, the
 * task's own, -cmdenv, TMPDIR (see streaming.h for the rules).
 */
#ifndef MR_SENV_H
#define MR_SENV_H

#include <stddef.h>
#include <stdint.h>

#include "sconf.h"
#include "sjob.h"


/*
 * streaming_env_name: NAME as Hadoop exports it: each UTF-16 unit outside
 * [0-9A-Za-z] replaced by '_'.  BUF holds strlen(NAME) + 1 bytes.
 */
char *streaming_env_name(char *buf, const char *name);

struct stask {
	const char *job_id;	/* "job_local_0001" */
	char kind;		/* 'm' or 'r' */
	unsigned number;
	const char *input;	/* map: the input file (absolute path), or NULL */
	uint64_t start, length;	/* map: the split */
};

/*
 * streaming_task_env: the environment of a task's commands: BASE (the
 * NULL-terminated environment mr-task got), the job's properties C (may be
 * NULL), the task's own properties T, stream.addenvironment, and TMPDIR
 * from BASE last.  A variable set twice keeps its last value.  The result
 * is NULL-terminated and xmalloc'd; free it with streaming_env_free.
 */
char **streaming_task_env(char **base, const struct sconf *c,
    const struct sjob *j, const struct stask *t);

void streaming_env_free(char **env);

#endif
