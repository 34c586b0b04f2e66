/* Unit tests of lib/hadoop.c: Streaming task counters and names. */
#include "unit.h"
#include "hadoop.h"

static void
counters(void *arg)
{
	(void)arg;
	msg_init("/usr/bin/mr-x");	/* the group is the program's name */
	hadoop_counter("records in", 5);	/* not a task: nothing */
	setenv("mapreduce_task_id", "attempt_local_0001_m_000000_0", 1);
	hadoop_counter("records in", 5);
	hadoop_counter("a,b", 1);
	exit(0);
}

static void
counters_only_under_hadoop(void)
{
	char buf[512];

	unsetenv("mapreduce_task_id");
	unsetenv("mapred_task_id");
	CHECK(!hadoop_is_task());
	unit_capture_stderr(counters, buf, sizeof buf);
	CHECK_STR(buf, "reporter:counter:mr-x,records in,5\n"
	    "reporter:counter:mr-x,a b,1\n");
}

static void
reports_verbose(void *arg)
{
	(void)arg;
	msg_init("/usr/bin/mr-x");
	hadoop_counter_report("input records", 7, 0);	/* quiet */
	hadoop_counter_report("input records", 7, 1);
	exit(0);
}

static void
reports_in_a_task(void *arg)
{
	(void)arg;
	msg_init("/usr/bin/mr-x");
	setenv("mapreduce_task_id", "attempt_local_0001_r_000000_0", 1);
	hadoop_counter_report("output records", 3, 1);	/* to Hadoop only */
	hadoop_counter_report("skipped records", 0, 0);
	exit(0);
}

static void
counters_reported_to_hadoop_or_with_verbose(void)
{
	char buf[512];

	unsetenv("mapreduce_task_id");
	unsetenv("mapred_task_id");
	unit_capture_stderr(reports_verbose, buf, sizeof buf);
	CHECK_STR(buf, "mr-x: counter mr-x,input records: 7\n");
	unit_capture_stderr(reports_in_a_task, buf, sizeof buf);
	CHECK_STR(buf, "reporter:counter:mr-x,output records,3\n"
	    "reporter:counter:mr-x,skipped records,0\n");
}

static void
env_names(void)
{
	char buf[64];

	CHECK_STR(hadoop_env_name(buf, "mapreduce.task.id"), "mapreduce_task_id");
	CHECK_STR(hadoop_env_name(buf, "stream.map-output/x9"), "stream_map_output_x9");
}

int
main(void)
{
	unit_module = "hadoop";
	RUN(counters_only_under_hadoop);
	RUN(counters_reported_to_hadoop_or_with_verbose);
	RUN(env_names);
	return unit_done();
}
