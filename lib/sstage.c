/* sstage: a Streaming task's stages, its fate in words, its counters
 * (see sstage.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "msg.h"
#include "proc.h"
#include "sstage.h"

/* ---- stages and counters ---- */

static const struct {
	const char *name, *command;
} stages[] = {
	[SSTAGE_SETUP] = { "setup", "" },
	[SSTAGE_SPLIT] = { "split", "" },
	[SSTAGE_MAPPER] = { "mapper", "mapper" },
	[SSTAGE_MAPPER_STOPPED] = { "stopped", "mapper" },
	[SSTAGE_SORT] = { "sort", "" },
	[SSTAGE_COMBINER] = { "combiner", "combiner" },
	[SSTAGE_COMBINER_STOPPED] = { "cstopped", "combiner" },
	[SSTAGE_PARTITION] = { "partition", "" },
	[SSTAGE_MERGE] = { "merge", "" },
	[SSTAGE_REDUCER] = { "reducer", "reducer" },
	[SSTAGE_REDUCER_STOPPED] = { "rstopped", "reducer" },
	[SSTAGE_AGGREGATE] = { "aggregate", "reducer" },
	[SSTAGE_OUTPUT] = { "output", "" },
};

const char *
streaming_stage_name(enum sstage s)
{
	return stages[s].name;
}

const char *
streaming_stage_command(enum sstage s)
{
	return stages[s].command;
}

/* "exit status 3", or "killed by signal 9 (SIGKILL)" (lib/proc's words). */
static void
describe_code(int code, char *buf, size_t size)
{
	if (code > 256 && code < 256 + NSIG)
		proc_describe_signal(code - 256, buf, size);
	else
		snprintf(buf, size, "exit status %d", code);
}

void
streaming_describe(enum sstage s, int code, char *buf, size_t size)
{
	char how[64];

	describe_code(code, how, sizeof how);
	switch (s) {
	case SSTAGE_MAPPER:
	case SSTAGE_COMBINER:
	case SSTAGE_REDUCER:
		snprintf(buf, size, "%s", how);
		break;
	case SSTAGE_MAPPER_STOPPED:
	case SSTAGE_COMBINER_STOPPED:
	case SSTAGE_REDUCER_STOPPED:
		snprintf(buf, size, "stopped reading its input (Broken pipe)");
		break;
	case SSTAGE_MERGE:
		snprintf(buf, size, "merging the map outputs failed: %s", how);
		break;
	case SSTAGE_AGGREGATE:
		snprintf(buf, size, "the aggregate reducer failed");
		break;
	default:
		snprintf(buf, size, "%s failed: %s", stages[s].name, how);
		break;
	}
}

static const struct {
	const char *group, *name;
} counters[SC_COUNT] = {
	[SC_MAP_IN] = { "Map-Reduce Framework", "Map input records" },
	[SC_MAP_OUT] = { "Map-Reduce Framework", "Map output records" },
	[SC_COMBINE_IN] = { "Map-Reduce Framework", "Combine input records" },
	[SC_COMBINE_OUT] = { "Map-Reduce Framework", "Combine output records" },
	[SC_REDUCE_GROUPS] = { "Map-Reduce Framework", "Reduce input groups" },
	[SC_REDUCE_IN] = { "Map-Reduce Framework", "Reduce input records" },
	[SC_REDUCE_OUT] = { "Map-Reduce Framework", "Reduce output records" },
	/* Hadoop's display names (FileInputFormatCounter.properties...)
	 * end in a space. */
	[SC_BYTES_READ] = { "File Input Format Counters ", "Bytes Read" },
	[SC_BYTES_WRITTEN] = { "File Output Format Counters ", "Bytes Written" },
};

const char *
streaming_counter_group(enum scounter c)
{
	return counters[c].group;
}

const char *
streaming_counter_name(enum scounter c)
{
	return counters[c].name;
}
