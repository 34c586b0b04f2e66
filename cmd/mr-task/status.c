/* mr-task: the task's fate (DIR/status) and its counters (DIR/counts). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "msg.h"
#include "reporter.h"
#include "task.h"
#include "xalloc.h"

/* ---- the task's fate: DIR/status ---- */

const char *taskdir;
int finished;
/* What the thread is doing, for the status a die() leaves behind. */
_Thread_local enum sstage stage = SSTAGE_SETUP;
/* A failure's own words, when the code alone does not say it. */
static char fail_text[512];

char *
task_path(const char *name)
{
	char *p = xmalloc(strlen(taskdir) + strlen(name) + 2);

	sprintf(p, "%s/%s", taskdir, name);
	return p;
}

/*
 * DIR/status: "ok", or three lines: the stage and its status code, what
 * happened in words (lib/streaming), and the command to blame.
 */
void
write_status(int ok, enum sstage s, int code)
{
	char *path = task_path("status"), text[1024], what[600];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int n;

	if (ok) {
		n = snprintf(text, sizeof text, "ok\n");
	} else {
		if (fail_text[0] != '\0')
			snprintf(what, sizeof what, "%s", fail_text);
		else
			streaming_describe(s, code, what, sizeof what);
		n = snprintf(text, sizeof text, "%s %d\n%s\n%s\n",
		    streaming_stage_name(s), code, what, streaming_stage_command(s));
	}
	if (fd < 0 || write_all(fd, text, (size_t)n) < 0 || close(fd) < 0)
		warn("%s: cannot write:", path);
	free(path);
}

/* An exit without a verdict (die, in whichever thread) names its stage. */
void
status_at_exit(int status, void *arg)
{
	(void)arg;
	if (finished || taskdir == NULL)
		return;
	finished = 1;
	write_status(status == 0, stage, status);
}

/* fail: the task failed in stage S with CODE (an exit status, 256+signal). */
noreturn void
fail(enum sstage s, int code)
{
	write_status(0, s, code);
	finished = 1;
	exit(EXIT_BAD);
}

/* fail_with: the task failed in stage S, for the reason TEXT. */
noreturn void
fail_with(enum sstage s, const char *text)
{
	warn("%s", text);
	snprintf(fail_text, sizeof fail_text, "%s", text);
	fail(s, 1);
}

/*
 * The code of a wait status in DIR/status: the exit status, or 256 + the
 * signal (the shell's 128 + N would read an exit status of 130 as SIGINT).
 */
int
status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 256 + WTERMSIG(status);
	return 255;
}


/* ---- counters: DIR/counts ---- */

static struct out counts_out;

void
counts_open(void)
{
	char *path = task_path("counts");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0)
		die("%s:", path);
	out_init(&counts_out, fd, "counts");
	counts_out.owns_fd = 1;
	free(path);
}

/* A built-in counter: "framework TAB GROUP TAB NAME TAB N". */
void
count(enum scounter c, uint64_t n)
{
	out_str(&counts_out, "framework\t");
	out_str(&counts_out, streaming_counter_group(c));
	out_byte(&counts_out, '\t');
	out_str(&counts_out, streaming_counter_name(c));
	out_byte(&counts_out, '\t');
	out_u64(&counts_out, n);
	out_byte(&counts_out, '\n');
}

/*
 * counts_close: the commands' own counters, "reporter:counter:GROUP,NAME,N"
 * lines on their stderr (DIR/err), summed as Hadoop sums them
 * (lib/reporter), as "user TAB GROUP TAB NAME TAB N" lines in order of
 * first appearance.  A group or name holding a TAB could not be told
 * apart there: such a line is not a counter.
 */
void
counts_close(void)
{
	char *path = task_path("err");
	struct counters table = { 0 };
	struct reader r;
	struct slice line, group, name;
	int64_t amount;
	size_t i;

	reader_open(&r, path);
	while (reader_next(&r, &line))
		if (reporter_parse(line, &group, &name, &amount) ==
		    REPORTER_COUNTER && memchr(group.p, '\t', group.len) == NULL &&
		    memchr(name.p, '\t', name.len) == NULL)
			counters_add(&table, group, name, amount);
	reader_close(&r);
	for (i = 0; i < table.n; i++) {
		out_str(&counts_out, "user\t");
		out_str(&counts_out, table.c[i].group);
		out_byte(&counts_out, '\t');
		out_str(&counts_out, table.c[i].name);
		out_byte(&counts_out, '\t');
		if (table.c[i].sum < 0) {
			out_byte(&counts_out, '-');
			out_u64(&counts_out, -(uint64_t)table.c[i].sum);
		} else {
			out_u64(&counts_out, (uint64_t)table.c[i].sum);
		}
		out_byte(&counts_out, '\n');
	}
	counters_free(&table);
	free(path);
	out_close(&counts_out);
}

