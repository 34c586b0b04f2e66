/*
 * sstage: a Streaming task's fate: the stage it was in, what happened in
 * words, the command to blame; and Hadoop's names of its counters.
 */
#ifndef MR_SSTAGE_H
#define MR_SSTAGE_H

#include <stddef.h>


enum sstage {
	SSTAGE_SETUP, SSTAGE_SPLIT, SSTAGE_MAPPER, SSTAGE_MAPPER_STOPPED,
	SSTAGE_SORT, SSTAGE_COMBINER, SSTAGE_COMBINER_STOPPED, SSTAGE_PARTITION,
	SSTAGE_MERGE, SSTAGE_REDUCER, SSTAGE_REDUCER_STOPPED, SSTAGE_AGGREGATE,
	SSTAGE_OUTPUT
};

/* streaming_stage_name: the stage's word in a task's status file. */
const char *streaming_stage_name(enum sstage s);

/*
 * streaming_stage_command: the command a failure of the stage is blamed
 * on: "mapper", "combiner", "reducer", or "" (the framework's own work).
 */
const char *streaming_stage_command(enum sstage s);

/*
 * streaming_describe: what happened, in the words mr-job prints after
 * "COMMAND: ROLE of task ATTEMPT: " (a command's stage: "exit status 3",
 * "killed by signal 9 (SIGKILL)", "stopped reading its input (Broken
 * pipe)") or after "task ATTEMPT: " (the framework's: "merging the map
 * outputs failed: exit status 1", ...).  CODE is the stage's exit status,
 * or 256 + N for signal N (the shell's 128 + N would read an exit status
 * of 130 as SIGINT).
 */
void streaming_describe(enum sstage s, int code, char *buf, size_t size);

enum scounter {
	SC_MAP_IN, SC_MAP_OUT, SC_COMBINE_IN, SC_COMBINE_OUT, SC_REDUCE_GROUPS,
	SC_REDUCE_IN, SC_REDUCE_OUT, SC_BYTES_READ, SC_BYTES_WRITTEN, SC_COUNT
};

/* streaming_counter_group / _name: Hadoop's group and name of a counter. */
const char *streaming_counter_group(enum scounter c);
const char *streaming_counter_name(enum scounter c);

#endif
