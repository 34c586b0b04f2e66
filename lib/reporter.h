/*
 * reporter: the "reporter:" lines a Hadoop Streaming task writes on stderr,
 * and a table that sums counters as Hadoop does at the end of a job.
 *
 *   reporter:counter:GROUP,COUNTER,AMOUNT   adds AMOUNT (a whole number)
 *   reporter:status:MESSAGE                 sets the task's status
 */
#ifndef MR_REPORTER_H
#define MR_REPORTER_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

enum reporter_kind {
	REPORTER_NONE,		/* an ordinary stderr line */
	REPORTER_COUNTER,
	REPORTER_STATUS,
	REPORTER_BAD,		/* starts with "reporter:" but does not parse */
};

/*
 * reporter_parse: classify LINE (without its newline) as Hadoop Streaming
 * does.  For a counter the group, name and amount are set: the text after
 * "counter:" is trimmed of bytes <= ' ' at both ends, trailing commas are
 * dropped, and the rest must split on ',' into exactly three parts, the last
 * a decimal long (a sign allowed, leading zeros allowed).  One difference
 * from Hadoop: a group or name holding a NUL byte is REPORTER_BAD, since
 * the counter table keeps C strings.
 */
enum reporter_kind reporter_parse(struct slice line, struct slice *group,
    struct slice *name, int64_t *amount);

struct counter {
	char *group;
	char *name;
	int64_t sum;
};

/* A small table of counters, in order of first appearance. */
struct counters {
	struct counter *c;
	size_t n, cap;
};

/* counters_add: COUNTERS[GROUP,NAME] += AMOUNT (wrapping like Java's long). */
void counters_add(struct counters *t, struct slice group, struct slice name,
    int64_t amount);
void counters_free(struct counters *t);

#endif
