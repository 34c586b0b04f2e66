/*
 * hadoop: running as a Hadoop Streaming task.
 *
 * A program is a Streaming task when mapreduce_task_id (or the old
 * mapred_task_id) is set.  Then it reports its counters at exit on stderr as
 * "reporter:counter:PROGRAM,NAME,N" lines, which Hadoop (and mr-job) sum.
 * The group is the program's name: the counters of the mapper (mr-map) and
 * of the reducer (mr-reduce) of one job never add up under one name, and a
 * Hadoop user reads them as the group of the component that counted.
 * Names are lowercase words and spaces, the unit counted last: "input
 * records", "skipped records", "lost bytes", "estimated lost lines".
 */
#ifndef MR_HADOOP_H
#define MR_HADOOP_H

#include <stdint.h>

#include "msg.h"

#define HADOOP_COUNTER_GROUP progname

/* hadoop_is_task: 1 when running as a Streaming task. */
int hadoop_is_task(void);

/*
 * hadoop_counter: report NAME += N to Hadoop, if running as a task.  Names
 * may not contain ',' (Hadoop splits on it); any ',' is replaced by ' '.
 */
void hadoop_counter(const char *name, uint64_t n);

/*
 * hadoop_counter_report: a program's counter at its end: NAME += N to
 * Hadoop in a task (hadoop_counter); elsewhere, if VERBOSE (-v), the line
 * "progname: counter GROUP,NAME: N" on stderr, the form in which mr-map
 * also shows its commands' counters.
 */
void hadoop_counter_report(const char *name, uint64_t n, int verbose);

/*
 * hadoop_env_name: a job property name as Hadoop exports it to a task's
 * environment: every byte outside [0-9A-Za-z] replaced by '_'
 * ("mapreduce.task.id" -> "mapreduce_task_id").  BUF holds strlen(NAME)+1.
 */
char *hadoop_env_name(char *buf, const char *name);

#endif
