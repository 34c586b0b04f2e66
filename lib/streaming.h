/*
 * streaming: the rules of Hadoop Streaming (hadoop-streaming 3.1.3), in one
 * place for mr-task, mr-job, mr-map and mr-partition.  The modules:
 * sconf (job properties), sjob (the job they define), senv (the task
 * environment), slines (command output lines, key and value), sstage
 * (stages, failures in words, counters).  Each rule below is
 * Hadoop's; where mr-tools differ, it says so.
 *
 * Job properties.  A job is configured by NAME=VALUE properties (-D,
 * -jobconf).  A deprecated name (mapred.reduce.tasks) is stored under the
 * name that replaces it (mapreduce.job.reduces), as Hadoop's Configuration
 * stores it, so either name sets the same property and the later setting
 * wins.  Values are taken as typed: "\t" is a backslash and a t, not a TAB.
 * Numbers are Java's (Integer.parseInt after trimming blanks); a boolean
 * is "true" or "false" in any case, anything else is the default.
 *
 * Never silent.  A property that changes what the job computes is either
 * implemented or refused with an error that names it (another input or
 * output format, a record delimiter, a Java mapper class, ...).  Any other
 * property, a user's own included, changes nothing here and is passed on
 * to the tasks' environment.
 *
 * The task environment (PipeMapRed.addJobConfToEnvironment).  Every job
 * property is exported with each UTF-16 unit of its name outside
 * [0-9A-Za-z] turned into '_' (mapreduce.task.id -> mapreduce_task_id),
 * values cut to stream.jobconf.truncate.limit characters when that is set.
 * The task's own properties follow: mapreduce.task.id and
 * mapreduce.task.attempt.id, mapreduce.task.partition,
 * mapreduce.task.ismap, for a map task mapreduce.map.input.file (a file:
 * URI), .start and .length, each also under its old name (mapred.tip.id,
 * mapred.task.id, mapred.task.partition, mapred.task.is.map,
 * map.input.file, ...), as Hadoop sets them.  Last come the -cmdenv
 * variables, from stream.addenvironment: words split at spaces, each
 * NAME=VALUE at its first '=' (so a value cannot hold a space, as in
 * Hadoop), and TMPDIR.  Hadoop also exports the hundreds of defaults of
 * its configuration; mr-tools export only what the job sets.
 *
 * Reading a command's output (LineReader): a line ends at "\n", "\r\n" or
 * a lone "\r"; the end of the output ends a last line without one.
 *
 * Key and value (TextOutputReader): the key is everything before the K-th
 * separator, the value everything after it; a line with fewer separators
 * is all key with an empty value.  The separator may be several bytes.
 * Mapper lines use stream.map.output.field.separator and
 * stream.num.map.output.key.fields; reducer and combiner lines (a combiner
 * is a reducer to Streaming) stream.reduce.output.field.separator and
 * stream.num.reduce.output.key.fields.  Defaults TAB and 1.
 *
 * Writing to a command (TextInputWriter): a mapper gets each input line
 * and "\n" (with stream.map.input.ignoreKey=false, the line's byte offset
 * and stream.map.input.field.separator first); a reducer or combiner gets
 * "key SEP value\n" with SEP stream.reduce.input.field.separator (TAB).
 *
 * Final output (TextOutputFormat): "key SEP value\n" with SEP
 * mapreduce.output.textoutputformat.separator (TAB), the separator also
 * when the value is empty.  A reducer with no input is still started, but
 * what it writes is discarded (PipeMapRed.waitOutputThreads).  With
 * LazyOutputFormat (-lazyOutput) a task that writes no line makes no part
 * file.
 *
 * Between the tasks (mr-tools' own format): a map output record is
 * "key \r value"; a '\r' cannot occur in a key or a value, which come from
 * lines, so any separator and any key field count survive the sort and
 * the merge unchanged.
 *
 * Groups: a reducer's (and a combiner's) values are grouped by keys of
 * equal bytes, whatever the comparator: the mapred API groups with the
 * comparator's compare(Object, Object), which KeyFieldBasedComparator
 * leaves to Text.compareTo (Task.ValuesIterator).  This counts "Reduce
 * input groups" and the groups of the aggregate package.
 *
 * Counters: a task reports Hadoop's built-in counters under their names
 * (group "Map-Reduce Framework" and the file counters) and the commands'
 * own reporter:counter lines (lib/reporter).
 */
#ifndef MR_STREAMING_H
#define MR_STREAMING_H

#include "sconf.h"
#include "senv.h"
#include "sjob.h"
#include "slines.h"
#include "sstage.h"

#endif
