/* hadoop: Streaming task detection and counters on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hadoop.h"
#include "out.h"

int
hadoop_is_task(void)
{
	const char *a = getenv("mapreduce_task_id");
	const char *b = getenv("mapred_task_id");

	return (a != NULL && *a != '\0') || (b != NULL && *b != '\0');
}

void
hadoop_counter(const char *name, uint64_t n)
{
	char safe[256], line[512];
	size_t i;
	int len;

	if (!hadoop_is_task())
		return;
	/* Hadoop splits the line on ','; a name must not add a part. */
	for (i = 0; name[i] != '\0' && i < sizeof safe - 1; i++)
		safe[i] = (name[i] == ',' || name[i] == '\n') ? ' ' : name[i];
	safe[i] = '\0';
	len = snprintf(line, sizeof line, "reporter:counter:%s,%s,%llu\n",
	    HADOOP_COUNTER_GROUP, safe, (unsigned long long)n);
	if (len > 0 && (size_t)len < sizeof line)
		write_all(2, line, (size_t)len);
}

void
hadoop_counter_report(const char *name, uint64_t n, int verbose)
{
	if (hadoop_is_task())
		hadoop_counter(name, n);
	else if (verbose)
		warn("counter %s,%s: %llu", HADOOP_COUNTER_GROUP, name,
		    (unsigned long long)n);
}

char *
hadoop_env_name(char *buf, const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		buf[i] = ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z')) ? c : '_';
	}
	buf[i] = '\0';
	return buf;
}
