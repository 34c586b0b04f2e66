/*
 * mr-task --job: what the tasks leave behind, read back: a failed task's
 * report (its status in words, the command to blame, its split, the last
 * lines of its stderr), a task's stderr passed on, and the job's counters
 * summed over every task and printed in Hadoop's layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "out.h"
#include "record.h"
#include "msg.h"
#include "task.h"
#include "xalloc.h"

/* ---- what a task left: DIR/status, DIR/err ---- */

/* read_small: the whole of file PATH into B (empty if it cannot be read). */
void
read_small(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	b->len = 0;
	if (fd < 0)
		return;
	(void)file_read_all(fd, b);	/* what could be read */
	close(fd);
}

/* The next line of B from *AT (without its '\n'); 0 at the end. */
static int
next_line(const struct buf *b, size_t *at, struct slice *line)
{
	const char *nl;

	if (*at >= b->len)
		return 0;
	line->p = b->p + *at;
	nl = memchr(line->p, '\n', b->len - *at);
	line->len = nl != NULL ? (size_t)(nl - line->p) : b->len - *at;
	*at += line->len + 1;
	return 1;
}

static int
is_reporter(struct slice l)
{
	return l.len >= 9 && memcmp(l.p, "reporter:", 9) == 0;
}

/* open_lines: a line reader of file PATH (keeping each '\r'); 0 if it
 * cannot be opened. */
static int
open_lines(struct reader *r, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	reader_init_fd(r, fd, path);
	r->owns_fd = 1;
	r->keep_cr = 1;
	return 1;
}

/* pass_stderr: a task's stderr (DIR/err) as local Hadoop shows it, less
 * the reporter: lines it consumes; read a line at a time, whatever its
 * size. */
void
pass_stderr(const char *dir)
{
	struct reader r;
	struct slice l;
	struct buf o = { 0 };
	char *p = xmalloc(strlen(dir) + 8);

	sprintf(p, "%s/err", dir);
	if (open_lines(&r, p)) {
		/* A write error on stderr is not the job's: as the shell's
		 * printf, it is let pass. */
		while (reader_next(&r, &l)) {
			if (is_reporter(l))
				continue;
			buf_append(&o, l.p, l.len);
			buf_append(&o, "\n", 1);
			if (o.len >= 65536) {
				(void)write_all(2, o.p, o.len);
				o.len = 0;
			}
		}
		(void)write_all(2, o.p, o.len);
		reader_close(&r);
	}
	buf_free(&o);
	free(p);
}

/* A line of a failed task's stderr is shown up to this many bytes. */
#define TAIL_LINE_MAX 1000

/*
 * print_tail: the last 10 lines of file PATH (without reporter: lines if
 * FILTER), indented, less the empty lines at the end, each cut after
 * TAIL_LINE_MAX bytes (saying how many more it had); 0 if none.
 */
static int
print_tail(const char *path, int filter)
{
	struct reader r;
	struct buf last[10];
	size_t full[10];
	struct slice l;
	size_t n = 0, i, k;

	memset(last, 0, sizeof last);
	if (open_lines(&r, path)) {
		while (reader_next(&r, &l))
			if (!filter || !is_reporter(l)) {
				full[n % 10] = l.len;
				buf_set(&last[n++ % 10], l.p,
				    l.len < TAIL_LINE_MAX ? l.len : TAIL_LINE_MAX);
			}
		reader_close(&r);
	}
	k = n < 10 ? n : 10;
	while (k > 0 && last[(n - 1) % 10].len == 0) {
		n--;
		k--;
	}
	if (k > 0) {
		fprintf(stderr, "%s:   last lines of its stderr:\n", progname);
		for (i = n - k; i < n; i++) {
			fprintf(stderr, "    %.*s", (int)last[i % 10].len,
			    last[i % 10].p);
			if (full[i % 10] > last[i % 10].len)
				fprintf(stderr, " [... %zu more bytes]",
				    full[i % 10] - last[i % 10].len);
			fputc('\n', stderr);
		}
	}
	for (i = 0; i < 10; i++)
		buf_free(&last[i]);
	return k > 0;
}

/*
 * report_failure: what failed in task KIND N, in the one form of a failed
 * command (mr-map's "CMD: copy 0: exit status 3"): "COMMAND: ROLE of task
 * ATTEMPT: HOW", or "task ATTEMPT: WHAT" for the framework's own work;
 * then the split of a map task and the last lines of its stderr.
 */
const char *task_status_text;

void
report_failure(char kind, size_t n, const char *dir)
{
	struct buf b = { 0 };
	struct slice code = { "", 0 }, what = { "failed", 6 }, role = { "", 0 };
	size_t at = 0;
	const char *cmd = "";
	char *p = xmalloc(strlen(dir) + 16);

	sprintf(p, "%s/status", dir);
	if (task_status_text != NULL)
		buf_set(&b, task_status_text, strlen(task_status_text));
	else
		read_small(p, &b);
	next_line(&b, &at, &code);
	next_line(&b, &at, &what);
	next_line(&b, &at, &role);
	if (progress_tty)
		fputc('\n', stderr);
	if (role.len == 6 && memcmp(role.p, "mapper", 6) == 0)
		cmd = jspec->mapper;
	else if (role.len == 8 && memcmp(role.p, "combiner", 8) == 0)
		cmd = jspec->combiner;
	else if (role.len == 7 && memcmp(role.p, "reducer", 7) == 0)
		/* -reducer aggregate: the name typed, for the command */
		cmd = strcmp(jspec->reducer_kind, "command") == 0 ?
		    jspec->reducer : jspec->reducer_kind;
	if (*cmd != '\0')
		fprintf(stderr, "%s: %s: %.*s of task attempt_local_0001_%c_%06zu_0: %.*s",
		    progname, cmd, (int)role.len, role.p, kind, n,
		    (int)what.len, what.p);
	else
		fprintf(stderr, "%s: task attempt_local_0001_%c_%06zu_0: %.*s",
		    progname, kind, n, (int)what.len, what.p);
	if (code.len >= 6 && memcmp(code.p, "merge ", 6) == 0 &&
	    *jspec->combiner != '\0')
		fprintf(stderr, " (the combiner '%s' must keep the order of its input's keys)",
		    jspec->combiner);
	fputc('\n', stderr);
	if (kind == 'm')
		fprintf(stderr, "%s:   input split: file:%s:%" PRIu64 "+%" PRIu64 "\n",
		    progname, jplan.splits[n].file, jplan.splits[n].start,
		    jplan.splits[n].length);
	sprintf(p, "%s/err", dir);
	if (!print_tail(p, 1)) {
		sprintf(p, "%s/frame.err", dir);
		print_tail(p, 0);
	}
	fprintf(stderr, "%s: job %s failed; no output written\n", progname,
	    sconf_get(&conf, "mapreduce.job.id"));
	buf_free(&b);
	free(p);
}

/* ---- counters ---- */

struct counter {
	char *key;		/* "GROUP TAB NAME" */
	int64_t sum;
	int framework;
	size_t seq;		/* order of first appearance */
};

static struct counter *ctrs;
static size_t nctrs, ctrcap;

static char *
key_copy(const char *p, size_t n)
{
	char *k = xmalloc(n + 1);

	memcpy(k, p, n);
	k[n] = '\0';
	return k;
}

/* add_counts: the lines "KIND TAB GROUP TAB NAME TAB VALUE" of file PATH
 * into the sums, each counter where it first appears. */
static void
add_counts(const char *path)
{
	struct buf b = { 0 };
	struct slice l;
	size_t at = 0, i;

	read_small(path, &b);
	while (next_line(&b, &at, &l)) {
		const char *tab = memchr(l.p, '\t', l.len), *last;
		size_t klen;
		int64_t v;

		if (tab == NULL)
			continue;
		for (last = l.p + l.len; last > tab && last[-1] != '\t'; last--)
			;
		if (last <= tab + 1)
			continue;
		klen = (size_t)(last - 1 - (tab + 1));
		v = strtoll(last, NULL, 10);
		for (i = 0; i < nctrs; i++)
			if (strlen(ctrs[i].key) == klen &&
			    memcmp(ctrs[i].key, tab + 1, klen) == 0)
				break;
		if (i == nctrs) {
			ARRAY_RESERVE(ctrs, ctrcap, nctrs + 1);
			ctrs[nctrs] = (struct counter){ key_copy(tab + 1, klen),
			    0, l.len >= 10 && memcmp(l.p, "framework\t", 10) == 0,
			    nctrs };
			nctrs++;
		}
		ctrs[i].sum = (int64_t)((uint64_t)ctrs[i].sum + (uint64_t)v);
	}
	buf_free(&b);
}

/*
 * Hadoop's order of counter groups (AbstractCounters): first the groups of
 * its framework classes, then every other group, each set sorted by the
 * group's key (a String map): the class name of a built-in group
 * (TaskCounter for Map-Reduce Framework, FileInputFormatCounter...), the
 * name of any other.  Within a built-in group the counters keep their
 * order, within a command's group they are sorted by name.
 */
static const struct {
	const char *display, *key;
	int framework_class;
} builtin_groups[] = {
	{ "Map-Reduce Framework", "org.apache.hadoop.mapreduce.TaskCounter", 1 },
	{ "File Input Format Counters ",
	    "org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter", 0 },
	{ "File Output Format Counters ",
	    "org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter", 0 },
};

/* The group key of counter C ("GROUP TAB NAME"), and whether its group
 * is one of a framework class. */
static const char *
group_key(const struct counter *c, size_t *len, int *fclass)
{
	size_t glen = strcspn(c->key, "\t"), i;

	*fclass = 0;
	if (c->framework)
		for (i = 0; i < sizeof builtin_groups / sizeof builtin_groups[0]; i++)
			if (strlen(builtin_groups[i].display) == glen &&
			    memcmp(builtin_groups[i].display, c->key, glen) == 0) {
				*fclass = builtin_groups[i].framework_class;
				*len = strlen(builtin_groups[i].key);
				return builtin_groups[i].key;
			}
	*len = glen;
	return c->key;
}

static int
by_hadoop_order(const void *pa, const void *pb)
{
	const struct counter *a = pa, *b = pb;
	size_t la, lb;
	int fa, fb, d;
	const char *ka = group_key(a, &la, &fa), *kb = group_key(b, &lb, &fb);

	if (fa != fb)
		return fb - fa;
	d = memcmp(ka, kb, la < lb ? la : lb);
	if (d != 0 || la != lb)
		return d != 0 ? d : la < lb ? -1 : 1;
	if (a->framework != b->framework)
		return b->framework - a->framework;
	if (a->framework)
		return a->seq < b->seq ? -1 : a->seq > b->seq;
	return strcmp(a->key, b->key);
}

static int
by_task_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * sum_counters: every task's DIR/counts, map tasks first, each phase in
 * the order of their directories' names (m0, m1, m10, ...); then in
 * Hadoop's order (by_hadoop_order).
 */
void
sum_counters(void)
{
	char **names = xcalloc(jplan.n + nred + 1, sizeof *names);
	size_t i, n = 0, nm;

	for (i = 0; i < jplan.n; i++)
		names[n++] = task_file('m', i, "counts");
	nm = n;
	for (i = 0; i < nred; i++)
		names[n++] = task_file('r', i, "counts");
	/* "m1/counts" before "m10/counts" as "m1" before "m10": '/' sorts
	 * below the digits. */
	qsort(names, nm, sizeof *names, by_task_name);
	qsort(names + nm, n - nm, sizeof *names, by_task_name);
	for (i = 0; i < n; i++) {
		add_counts(names[i]);
		free(names[i]);
	}
	free(names);
	qsort(ctrs, nctrs, sizeof *ctrs, by_hadoop_order);
}

/* print_summary: the job's end, its counters and its output directory. */
void
print_summary(int64_t elapsed_us)
{
	struct buf o = { 0 };
	char line[256];
	const char *group = NULL;
	size_t i, glen = 0;

	snprintf(line, sizeof line,
	    "%s: job %s completed successfully: %zu map tasks, %u reduce tasks, %d.%02d s\n",
	    progname, sconf_get(&conf, "mapreduce.job.id"), jplan.n, nred,
	    (int)(elapsed_us / 1000000), (int)(elapsed_us / 10000 % 100));
	buf_append(&o, line, strlen(line));
	snprintf(line, sizeof line, "%s: Counters: %zu\n", progname, nctrs);
	buf_append(&o, line, strlen(line));
	for (i = 0; i < nctrs; i++) {
		const char *key = ctrs[i].key;
		size_t kl = strcspn(key, "\t");

		if (group == NULL || kl != glen || memcmp(key, group, kl) != 0) {
			group = key;
			glen = kl;
			buf_append(&o, "\t", 1);
			buf_append(&o, key, kl);
			buf_append(&o, "\n", 1);
		}
		buf_append(&o, "\t\t", 2);
		buf_append(&o, key + kl + (key[kl] != '\0'),
		    strlen(key + kl + (key[kl] != '\0')));
		snprintf(line, sizeof line, "=%" PRId64 "\n", ctrs[i].sum);
		buf_append(&o, line, strlen(line));
	}
	buf_append(&o, progname, strlen(progname));
	buf_append(&o, ": output directory: ", 20);
	buf_append(&o, jspec->output, strlen(jspec->output));
	buf_append(&o, "\n", 1);
	write_all(2, o.p, o.len);
	buf_free(&o);
	for (i = 0; i < nctrs; i++)
		free(ctrs[i].key);
	free(ctrs);
}
