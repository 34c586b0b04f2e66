/*
 * mr-task --job: a whole Streaming job, the scheduler of mr-job.
 *
 * mr-job (a shell script) reads the command line and writes the job file;
 * this plans the job (plan.c), runs its map tasks and then its reduce
 * tasks, at most -P at a time, each a child process (a fork of this one,
 * in a process group of its own, in its working directory) that runs the
 * task as mr-task would (task_run), and commits: the part files are in
 * place (each renamed there by its task when whole), the scratch files go,
 * then _SUCCESS; last the job's counters, summed, in Hadoop's layout.
 *
 * Each task leaves its fate in DIR/status ("ok", or the stage with its
 * code, what happened in words, and the command to blame), its counters in
 * DIR/counts, the commands' stderr in DIR/err and its own in
 * DIR/frame.err.  The first failure stops the other tasks at once and
 * ends the job: no part file, no output directory, no scratch file is
 * left, nor after SIGINT, SIGTERM or SIGHUP.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "extsort.h"
#include "msg.h"
#include "partout.h"
#include "task.h"
#include "xalloc.h"

static struct jobspec *spec;
static struct plan plan;
static unsigned nred;
static pid_t scheduler;		/* this process, not a task forked from it */
static pid_t *running;		/* the tasks' process groups */
static size_t nrunning;
static int made_output, succeeded, progress_tty;
static volatile sig_atomic_t got_signal;
static sigset_t scheduling_mask, task_mask;

/* ---- leaving nothing behind ---- */

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
		warn("%s: cannot remove:", path);
	return 0;
}

/* remove_tree: rm -rf PATH. */
static void
remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* stop_tasks: stop the running tasks (each a process group) and reap them. */
static void
stop_tasks(void)
{
	size_t i;

	for (i = 0; i < nrunning; i++)
		kill(-running[i], SIGTERM);
	for (i = 0; i < nrunning; i++)
		waitpid(running[i], NULL, 0);
	nrunning = 0;
}

/* At exit: stop the running tasks, remove the scratch files, and after a
 * failure the output directory. */
static void
cleanup(void)
{
	if (getpid() != scheduler)
		return;		/* a task's exit */
	stop_tasks();
	if (made_output) {
		remove_tree(spec->scratch);
		if (!succeeded)
			remove_tree(spec->out_abs);
	}
	unlink(spec->conf_file);
}

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
on_child(int sig)
{
	(void)sig;	/* only ends sigsuspend */
}

/* A signal that ends the job: cleanup, status 128 + N as the shell has it. */
static void
check_signal(void)
{
	if (got_signal != 0)
		exit(128 + got_signal);
}

static void
install_signals(void)
{
	struct sigaction sa;
	int sigs[] = { SIGINT, SIGTERM, SIGHUP }, i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&scheduling_mask);
	for (i = 0; i < 3; i++)
		sigaddset(&scheduling_mask, sigs[i]);
	sigaddset(&scheduling_mask, SIGCHLD);
}

/* ---- archives ---- */

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * unpack_archives: each -A NAME=PATH unpacked once into scratch/archives/
 * NAME, as Hadoop unpacks .jar, .zip, .tar, .tgz and .tar.gz (any other
 * file is linked as it is); each becomes a link of every task.
 */
static void
unpack_archives(void)
{
	size_t i;
	char *dir;

	if (spec->narchives == 0)
		return;
	dir = xmalloc(strlen(spec->scratch) + 16);
	sprintf(dir, "%s/archives", spec->scratch);
	if (mkdir(dir, 0777) < 0)
		die("%s: cannot create a directory", spec->scratch);
	for (i = 0; i < spec->narchives; i++) {
		char *name = spec->archives[i], *eq = strchr(name, '=');
		const char *path = eq + 1;
		char *d = xmalloc(strlen(dir) + strlen(name) + 2), *link;
		char *zip[] = { "unzip", "-q", "-d", d, (char *)path, NULL };
		char *tar[] = { "tar", "-xf", (char *)path, "-C", d, NULL };
		char **argv = NULL;
		struct proc p;

		sprintf(d, "%s/%.*s", dir, (int)(eq - name), name);
		if (has_suffix(path, ".jar") || has_suffix(path, ".zip") ||
		    has_suffix(path, ".JAR") || has_suffix(path, ".ZIP"))
			argv = zip;
		else if (has_suffix(path, ".tar") || has_suffix(path, ".tgz") ||
		    has_suffix(path, ".tar.gz"))
			argv = tar;
		if (argv != NULL) {
			if (mkdir(d, 0777) < 0)
				die("-archives: %s: cannot unpack", path);
			proc_spawn(&p, argv, NULL, -1, -1, -1);
			if (proc_failed(proc_wait(p.pid)))
				die("-archives: %s: cannot unpack", path);
			check_signal();
		}
		link = xmalloc(strlen(name) + strlen(d) + 2);
		sprintf(link, "%.*s=%s", (int)(eq - name), name, argv ? d : path);
		spec->links = xreallocarray(spec->links, spec->nlinks + 1,
		    sizeof *spec->links);
		spec->links[spec->nlinks++] = link;
		free(d);
	}
	free(dir);
}

/* ---- one task ---- */

/* The task directory of task KIND N, for the caller to free. */
static char *
task_dir(char kind, size_t n)
{
	char *p = xmalloc(strlen(spec->scratch) + 32);

	sprintf(p, "%s/%c%zu", spec->scratch, kind, n);
	return p;
}

/* The part file of task N (of a reduce task, or a map task of a map-only
 * job), for the caller to free. */
static char *
part_name(size_t n)
{
	char *p = xmalloc(strlen(spec->out_abs) + 32);

	sprintf(p, "%s/part-%05zu", spec->out_abs, n);
	return p;
}

/* The task struct of map task N or reduce task N. */
static void
task_setup(struct task *t, char kind, size_t n, int sort_threads)
{
	memset(t, 0, sizeof *t);
	t->number = (unsigned)n;
	t->links = spec->links;
	t->nlinks = spec->nlinks;
	t->sort_budget = extsort_default_budget() / (uint64_t)online_cpus();
	t->sort_threads = sort_threads;
	if (kind == 'm') {
		t->input = plan.splits[n].file;
		t->split = (struct hsplit){ plan.splits[n].start,
		    plan.splits[n].length };
		t->have_split = 1;
		t->cmd = spec->map_words;
		if (nred > 0 && spec->comb_words[0] != NULL &&
		    !job.aggregate_combiner)
			t->combiner = spec->comb_words;
		if (nred == 0)
			out_file = part_name(n);
	} else {
		size_t i;

		for (i = 0; i < plan.n; i++) {
			char *pre = task_dir('m', i), *f;
			struct stat st;

			pre = xrealloc(pre, strlen(pre) + 4);
			strcat(pre, "/p-");
			f = partout_name(pre, (unsigned)n);
			free(pre);
			if (stat(f, &st) == 0 && st.st_size > 0) {
				t->inputs = xreallocarray(t->inputs,
				    t->ninputs + 1, sizeof *t->inputs);
				t->inputs[t->ninputs++] = f;
			} else {
				free(f);
			}
		}
		t->cmd = spec->red_words[0] != NULL ? spec->red_words : NULL;
		out_file = part_name(n);
	}
}

/*
 * start_task: fork task KIND N: in a process group of its own (the
 * scheduler stops it with its group), in its working directory, with
 * TMPDIR there and its own stderr in DIR/frame.err.
 */
static pid_t
start_task(char kind, size_t n, int sort_threads)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork:");
	if (pid > 0) {
		setpgid(pid, pid);
		return pid;
	}
	{
		struct task t;
		char *dir = task_dir(kind, n), *p;
		int fd, sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD }, i;

		setpgid(0, 0);
		for (i = 0; i < 4; i++)
			signal(sigs[i], SIG_DFL);
		sigprocmask(SIG_SETMASK, &task_mask, NULL);
		p = xmalloc(strlen(dir) + 32);
		sprintf(p, "%s/frame.err", dir);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(126);
		close(fd);
		sprintf(p, "%s/work", dir);
		if (chdir(p) < 0)
			_exit(126);
		sprintf(p, "%s/work/tmp", dir);
		setenv("TMPDIR", p, 1);
		taskdir = dir;
		task_setup(&t, kind, n, sort_threads);
		exit(task_run(&t, kind == 'r'));
	}
}

/* ---- what a task left: DIR/status, DIR/err ---- */

/* read_small: the whole of file PATH into B (empty if it cannot be read). */
static void
read_small(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	b->len = 0;
	if (fd < 0)
		return;
	for (;;) {
		buf_reserve(b, 65536);
		r = read(fd, b->p + b->len, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		b->len += (size_t)r;
	}
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

/* pass_stderr: a task's stderr (DIR/err) as local Hadoop shows it, less
 * the reporter: lines it consumes. */
static void
pass_stderr(const char *dir)
{
	struct buf b = { 0 }, o = { 0 };
	struct slice l;
	size_t at = 0;
	char *p = xmalloc(strlen(dir) + 8);

	sprintf(p, "%s/err", dir);
	read_small(p, &b);
	while (next_line(&b, &at, &l))
		if (!is_reporter(l)) {
			buf_append(&o, l.p, l.len);
			buf_append(&o, "\n", 1);
		}
	if (o.len > 0)
		write_all(2, o.p, o.len);
	buf_free(&b);
	buf_free(&o);
	free(p);
}

/*
 * print_tail: the last 10 lines of file PATH (without reporter: lines if
 * FILTER), indented, less the empty lines at the end; 0 if none.
 */
static int
print_tail(const char *path, int filter)
{
	struct buf b = { 0 };
	struct slice l, last[10];
	size_t at = 0, n = 0, i, k;

	read_small(path, &b);
	while (next_line(&b, &at, &l))
		if (!filter || !is_reporter(l))
			last[n++ % 10] = l;
	k = n < 10 ? n : 10;
	while (k > 0 && last[(n - 1) % 10].len == 0) {
		n--;
		k--;
	}
	if (k > 0) {
		fprintf(stderr, "%s:   last lines of its stderr:\n", progname);
		for (i = n - k; i < n; i++)
			fprintf(stderr, "    %.*s\n", (int)last[i % 10].len,
			    last[i % 10].p);
	}
	buf_free(&b);
	return k > 0;
}

/*
 * report_failure: what failed in task KIND N (its status, in mr-task's
 * words), the command to blame, the split of a map task and the last
 * lines of its stderr.
 */
static void
report_failure(char kind, size_t n, const char *dir)
{
	struct buf b = { 0 };
	struct slice code = { "", 0 }, what = { "failed", 6 }, role = { "", 0 };
	size_t at = 0;
	const char *cmd;
	char *p = xmalloc(strlen(dir) + 16);

	sprintf(p, "%s/status", dir);
	read_small(p, &b);
	next_line(&b, &at, &code);
	next_line(&b, &at, &what);
	next_line(&b, &at, &role);
	if (progress_tty)
		fputc('\n', stderr);
	if (role.len == 6 && memcmp(role.p, "mapper", 6) == 0)
		cmd = spec->mapper;
	else if (role.len == 8 && memcmp(role.p, "combiner", 8) == 0)
		cmd = spec->combiner;
	else if (role.len == 7 && memcmp(role.p, "reducer", 7) == 0)
		cmd = spec->reducer;
	else
		cmd = kind == 'm' ? spec->mapper : spec->reducer;
	if (kind == 'r' && strcmp(spec->reducer_kind, "command") != 0 &&
	    role.len == 0)
		cmd = "";
	fprintf(stderr, "%s: task attempt_local_0001_%c_%06zu_0 failed: %.*s",
	    progname, kind, n, (int)what.len, what.p);
	if (code.len >= 6 && memcmp(code.p, "merge ", 6) == 0 &&
	    *spec->combiner != '\0')
		fprintf(stderr, " (the combiner '%s' must keep the order of its input's keys)",
		    spec->combiner);
	fputc('\n', stderr);
	if (*cmd != '\0')
		fprintf(stderr, "%s:   command: %s\n", progname, cmd);
	else
		fprintf(stderr, "%s:   command: (%s reducer)\n", progname,
		    spec->reducer_kind);
	if (kind == 'm')
		fprintf(stderr, "%s:   input split: file:%s:%" PRIu64 "+%" PRIu64 "\n",
		    progname, plan.splits[n].file, plan.splits[n].start,
		    plan.splits[n].length);
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

/* ---- the scheduler ---- */

static size_t maps_done, reds_done;

static void
progress(void)
{
	if (!progress_tty)
		return;
	fprintf(stderr, "\r map %zu%% reduce %zu%%",
	    plan.n > 0 ? maps_done * 100 / plan.n : 100,
	    nred > 0 ? reds_done * 100 / nred : 0);
}

/*
 * task_ended: task KIND N (process PID) has ended: a failure ends the job
 * (status 1), a success passes its stderr on.
 */
static void
task_ended(char kind, size_t n)
{
	char *dir = task_dir(kind, n), *p = xmalloc(strlen(dir) + 16);
	struct buf b = { 0 };

	sprintf(p, "%s/status", dir);
	read_small(p, &b);
	if (!(b.len >= 3 && memcmp(b.p, "ok\n", 3) == 0)) {
		if (b.len == 0 || b.p[0] == '\n') {
			int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

			if (fd >= 0) {
				write_all(fd, "setup 1\nthe task could not start\n\n", 35);
				close(fd);
			}
		}
		stop_tasks();	/* the others stop before the report */
		report_failure(kind, n, dir);
		exit(EXIT_BAD);
	}
	pass_stderr(dir);
	if (kind == 'm')
		maps_done++;
	else
		reds_done++;
	progress();
	buf_free(&b);
	free(p);
	free(dir);
}

/* run_tasks: the COUNT tasks of one phase (KIND), -P at a time. */
static void
run_tasks(char kind, size_t count, int sort_threads)
{
	size_t next = 0, i, *number = xcalloc((size_t)spec->parallel + 1,
	    sizeof *number);
	pid_t pid;
	int st;

	running = xcalloc((size_t)spec->parallel + 1, sizeof *running);
	nrunning = 0;
	while (next < count || nrunning > 0) {
		while (next < count && nrunning < (size_t)spec->parallel) {
			running[nrunning] = start_task(kind, next, sort_threads);
			number[nrunning++] = next++;
		}
		pid = waitpid(-1, &st, WNOHANG);
		if (pid == 0 || (pid < 0 && errno == EINTR)) {
			sigsuspend(&task_mask);
			check_signal();
			continue;
		}
		if (pid < 0)
			die("wait:");
		for (i = 0; i < nrunning && running[i] != pid; i++)
			;
		if (i == nrunning)
			continue;	/* not a task */
		{
			size_t n = number[i];

			running[i] = running[nrunning - 1];
			number[i] = number[nrunning - 1];
			nrunning--;
			task_ended(kind, n);
		}
		check_signal();
	}
	free(number);
	free(running);
	running = NULL;
}

/* ---- counters ---- */

struct counter {
	char *key;		/* "GROUP TAB NAME" */
	int64_t sum;
	int framework;
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
			ctrs[nctrs++] = (struct counter){ key_copy(tab + 1, klen),
			    0, l.len >= 10 && memcmp(l.p, "framework\t", 10) == 0 };
		}
		ctrs[i].sum = (int64_t)((uint64_t)ctrs[i].sum + (uint64_t)v);
	}
	buf_free(&b);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct counter *)a)->key,
	    ((const struct counter *)b)->key);
}

static int
by_task_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * sum_counters: every task's DIR/counts, map tasks first, each phase in
 * the order of their directories' names (m0, m1, m10, ...); then in
 * Hadoop's layout: the built-in counters by group, each group where it
 * first appears, then the commands' own in byte order of group and name.
 */
static void
sum_counters(void)
{
	char **names = xcalloc(plan.n + nred + 1, sizeof *names);
	struct counter *sorted = xcalloc(nctrs + 1, sizeof *sorted);
	size_t i, k, n = 0, nm;

	for (i = 0; i < plan.n; i++)
		names[n++] = task_dir('m', i);
	nm = n;
	for (i = 0; i < nred; i++)
		names[n++] = task_dir('r', i);
	qsort(names, nm, sizeof *names, by_task_name);
	qsort(names + nm, n - nm, sizeof *names, by_task_name);
	for (i = 0; i < n; i++) {
		names[i] = xrealloc(names[i], strlen(names[i]) + 8);
		strcat(names[i], "/counts");
		add_counts(names[i]);
		free(names[i]);
	}
	free(names);
	sorted = xreallocarray(sorted, nctrs + 1, sizeof *sorted);
	/* The framework's, by group in order of first appearance. */
	n = 0;
	for (i = 0; i < nctrs; i++) {
		size_t glen = strcspn(ctrs[i].key, "\t");
		int seen = 0;

		if (!ctrs[i].framework)
			continue;
		for (k = 0; k < n && !seen; k++)
			seen = strncmp(sorted[k].key, ctrs[i].key, glen) == 0 &&
			    sorted[k].key[glen] == '\t';
		if (seen)
			continue;
		for (k = i; k < nctrs; k++)
			if (ctrs[k].framework &&
			    strncmp(ctrs[k].key, ctrs[i].key, glen) == 0 &&
			    ctrs[k].key[glen] == '\t')
				sorted[n++] = ctrs[k];
	}
	k = n;
	for (i = 0; i < nctrs; i++)
		if (!ctrs[i].framework)
			sorted[n++] = ctrs[i];
	qsort(sorted + k, n - k, sizeof *sorted, by_name);
	free(ctrs);
	ctrs = sorted;
}

/* print_summary: the job's end, its counters and its output directory. */
static void
print_summary(int64_t elapsed_us)
{
	struct buf o = { 0 };
	char line[256];
	const char *group = NULL;
	size_t i, glen = 0;

	snprintf(line, sizeof line,
	    "%s: job %s completed successfully: %zu map tasks, %u reduce tasks, %d.%02d s\n",
	    progname, sconf_get(&conf, "mapreduce.job.id"), plan.n, nred,
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
	buf_append(&o, spec->output, strlen(spec->output));
	buf_append(&o, "\n", 1);
	write_all(2, o.p, o.len);
	buf_free(&o);
	for (i = 0; i < nctrs; i++)
		free(ctrs[i].key);
	free(ctrs);
}

static int64_t
now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

int
job_run(struct jobspec *s)
{
	size_t ntasks, i;
	int sort_threads;
	int64_t start;
	char *success;

	spec = s;
	if (spec->output == NULL)
		spec->output = spec->out_abs;
	if (spec->mapper == NULL)
		spec->mapper = "";
	if (spec->combiner == NULL)
		spec->combiner = "";
	if (spec->reducer == NULL)
		spec->reducer = "";
	if (spec->reducer_kind == NULL)
		spec->reducer_kind = "command";
	if (spec->parallel < 1)
		spec->parallel = 1;
	scheduler = getpid();
	atexit(cleanup);
	install_signals();
	progress_tty = isatty(2);

	plan_make(&plan, spec->inputs, spec->ninputs, spec->conf_file,
	    spec->out_abs, spec->scratch);
	made_output = 1;
	check_signal();
	nred = strcmp(spec->reducer_kind, "none") == 0 ? 0 : job.reduces;
	unpack_archives();

	ntasks = plan.n > nred ? plan.n : nred;
	if (ntasks < 1)
		ntasks = 1;
	sort_threads = spec->parallel /
	    (int)(ntasks < (size_t)spec->parallel ? ntasks : (size_t)spec->parallel);
	if (spec->verbose) {
		fprintf(stderr, "%s: %zu map tasks, %u reduce tasks, %d at a time\n",
		    progname, plan.n, nred, spec->parallel);
		for (i = 0; i < plan.n; i++)
			fprintf(stderr, "%s:   split %s %" PRIu64 " %" PRIu64 "\n",
			    progname, plan.splits[i].file, plan.splits[i].start,
			    plan.splits[i].length);
	}

	/* From here on the signals that end the job are taken only while
	 * waiting (sigsuspend), so none is lost between two checks. */
	sigprocmask(SIG_BLOCK, &scheduling_mask, &task_mask);
	start = now_us();
	progress();
	run_tasks('m', plan.n, sort_threads);
	if (nred > 0)
		run_tasks('r', nred, sort_threads);
	if (progress_tty)
		fputc('\n', stderr);
	sum_counters();

	/* Commit: the part files are in place; the scratch files go, then
	 * _SUCCESS. */
	remove_tree(spec->scratch);
	unlink(spec->conf_file);
	made_output = 0;
	if (job.mark_success) {
		int fd;

		success = xmalloc(strlen(spec->out_abs) + 16);
		sprintf(success, "%s/_SUCCESS", spec->out_abs);
		fd = open(success, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0 || close(fd) < 0) {
			made_output = 1;
			die("%s/_SUCCESS: cannot create", spec->output);
		}
		free(success);
	}
	succeeded = 1;
	print_summary(now_us() - start);
	plan_free(&plan);
	return EXIT_OK;
}
