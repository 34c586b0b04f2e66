/*
 * mr-task --job: a whole Streaming job, the scheduler of mr-job.
 *
 * mr-job (a shell script) reads the command line and writes the job file;
 * this plans the job (plan.c), unpacks its archives and sets up each task
 * (jobsetup.c), runs its map tasks and then its reduce
 * tasks, at most -P at a time, each a child process (a fork of this one,
 * in a process group of its own, in its working directory) that runs the
 * task as mr-task would (task_run), and commits: the part files are in
 * place (each renamed there by its task when whole), the scratch files go,
 * then _SUCCESS; last the job's counters, summed, in Hadoop's layout.
 * How it ends otherwise (signals, a failure, SIGKILL) is jobstop.c's.
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
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "msg.h"
#include "task.h"
#include "xalloc.h"

struct jobspec *jspec;
struct plan jplan;
unsigned nred;
static size_t *number;		/* the running tasks' numbers */
int progress_tty;

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
		guard_send('t', pid);
		return pid;
	}
	{
		/* Static, as all the task holds: reachable to the end (a
		 * leak checker at exit sees the scheduler's memory too). */
		static struct task t;
		char *dir = task_dir(kind, n), *p;
		int fd;

		setpgid(0, 0);
		/* The task ends with the scheduler, however it ends. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != scheduler)
			_exit(126);
		task_detach();
		progname = "mr-task";	/* the task's own messages, as before */
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
		free(p);
		taskdir = dir;
		task_setup(&t, kind, n, sort_threads);
		exit(task_run(&t, kind == 'r'));
	}
}

/* ---- the scheduler ---- */

static size_t maps_done, reds_done;

static void
progress(void)
{
	if (!progress_tty)
		return;
	fprintf(stderr, "\r map %zu%% reduce %zu%%",
	    jplan.n > 0 ? maps_done * 100 / jplan.n : 100,
	    nred > 0 ? reds_done * 100 / nred : 0);
}

/*
 * unreported: the status of a task that ended without writing one (killed,
 * or unable to write in its directory), in DIR/status's form: what
 * happened to the task itself, no command to blame.  ERR is the errno of
 * writing it here, or 0.
 */
static void
unreported(char *text, size_t size, int st, int err)
{
	char how[128];

	proc_describe(st, how, sizeof how);
	snprintf(text, size, "task %d\nended without a report: %s%s%s%s\ntask\n",
	    status_code(st), WIFSIGNALED(st) ? "" : "it exited with ", how,
	    err != 0 ? "; its directory cannot be written: " : "",
	    err != 0 ? strerror(err) : "");
}

/*
 * task_ended: task KIND N (wait status ST) has ended: a failure ends the
 * job (status 1), a success passes its stderr on.
 */
static void
task_ended(char kind, size_t n, int st)
{
	char *dir = task_dir(kind, n), *p = task_file(kind, n, "status");
	struct buf b = { 0 };

	read_small(p, &b);
	if (!(b.len >= 3 && memcmp(b.p, "ok\n", 3) == 0)) {
		if (b.len == 0 || b.p[0] == '\n') {
			/* Killed, or its status could not be written: say
			 * what we know, and why it could not write if the
			 * same write fails here. */
			static char text[1024];
			int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
			int err = 0;

			unreported(text, sizeof text, st, 0);
			if (fd < 0 || write_all(fd, text, strlen(text)) < 0)
				err = errno;
			if (fd >= 0 && close(fd) < 0 && err == 0)
				err = errno;
			if (err != 0) {
				unreported(text, sizeof text, st, err);
				task_status_text = text;
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
	size_t next = 0, i;
	pid_t pid;
	int st;

	running = xcalloc((size_t)jspec->parallel + 1, sizeof *running);
	number = xcalloc((size_t)jspec->parallel + 1, sizeof *number);
	nrunning = 0;
	while (next < count || nrunning > 0) {
		while (next < count && nrunning < (size_t)jspec->parallel) {
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
			guard_send('r', pid);
			task_ended(kind, n, st);
		}
		check_signal();
	}
	free(number);
	free(running);
	number = NULL;
	running = NULL;
}

/* The defaults of what mr-job leaves out. */
static void
spec_defaults(struct jobspec *s)
{
	if (s->output == NULL)
		s->output = s->out_abs;
	if (s->mapper == NULL)
		s->mapper = "";
	if (s->combiner == NULL)
		s->combiner = "";
	if (s->reducer == NULL)
		s->reducer = "";
	if (s->reducer_kind == NULL)
		s->reducer_kind = "command";
	if (s->parallel < 1)
		s->parallel = 1;
}

/* -v: the tasks and the splits. */
static void
print_plan(void)
{
	size_t i;

	fprintf(stderr, "%s: %zu map tasks, %u reduce tasks, %d at a time\n",
	    progname, jplan.n, nred, jspec->parallel);
	for (i = 0; i < jplan.n; i++)
		fprintf(stderr, "%s:   split %s %" PRIu64 " %" PRIu64 "\n",
		    progname, jplan.splits[i].file, jplan.splits[i].start,
		    jplan.splits[i].length);
}

/* Commit: the part files are in place; the scratch files go, then
 * _SUCCESS. */
static void
commit(void)
{
	char *success;
	int fd;

	remove_tree(jspec->scratch);
	remove_job_file();
	made_output = 0;
	if (job.mark_success) {
		success = xmalloc(strlen(jspec->out_abs) + 16);
		sprintf(success, "%s/_SUCCESS", jspec->out_abs);
		fd = open(success, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0 || close(fd) < 0) {
			made_output = 1;
			die("%s/_SUCCESS: cannot create", jspec->output);
		}
		free(success);
	}
	succeeded = 1;
	guard_send('c', 0);
	plan_forget_parents();
}

int
job_run(struct jobspec *s)
{
	size_t ntasks, i;
	int sort_threads;
	int64_t start;

	jspec = s;
	if (strncmp(jspec->conf_file, "/dev/fd/", 8) == 0)
		(void)fcntl(atoi(jspec->conf_file + 8), F_SETFD, FD_CLOEXEC);
	spec_defaults(jspec);
	scheduler = getpid();
	/* The commands of a task that ends are reaped here, so that a task's
	 * group is seen to end (stop_tasks). */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	atexit(job_cleanup);
	install_signals();
	start_guardian();
	progress_tty = isatty(2);

	plan_make(&jplan, jspec->inputs, jspec->ninputs, jspec->conf_file,
	    jspec->out_abs, jspec->scratch);
	made_output = 1;
	guard_send('o', 0);
	for (i = 0; plan_parent_length(i) > 0; i++)
		guard_send('p', (long)plan_parent_length(i));
	check_signal();
	nred = strcmp(jspec->reducer_kind, "none") == 0 ? 0 : job.reduces;
	unpack_archives();

	ntasks = jplan.n > nred ? jplan.n : nred;
	if (ntasks < 1)
		ntasks = 1;
	sort_threads = jspec->parallel /
	    (int)(ntasks < (size_t)jspec->parallel ? ntasks : (size_t)jspec->parallel);
	if (jspec->verbose)
		print_plan();

	/* From here on the signals that end the job are taken only while
	 * waiting (sigsuspend), so none is lost between two checks. */
	sigprocmask(SIG_BLOCK, &scheduling_mask, &task_mask);
	start = now_us();
	progress();
	run_tasks('m', jplan.n, sort_threads);
	if (nred > 0)
		run_tasks('r', nred, sort_threads);
	if (progress_tty)
		fputc('\n', stderr);
	sum_counters();
	commit();
	print_summary(now_us() - start);
	plan_free(&jplan);
	return EXIT_OK;
}
