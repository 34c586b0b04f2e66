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
#include <time.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "msg.h"
#include "task.h"
#include "xalloc.h"

struct jobspec *jspec;
struct plan jplan;
unsigned nred;
static pid_t scheduler;		/* this process, not a task forked from it */
static pid_t *running;		/* the tasks' process groups */
static size_t *number;		/* and their task numbers */
static size_t nrunning;
static int made_output, succeeded;
int progress_tty;
static volatile sig_atomic_t got_signal, got_stop;
static sigset_t scheduling_mask, task_mask;
static int guard_fd = -1;	/* to the guardian (below) */

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

static int64_t now_us(void);

/* group_gone: no process is left in process group PG. */
static int
group_gone(pid_t pg)
{
	return kill(-pg, 0) < 0 && errno == ESRCH;
}

/*
 * stop_tasks: stop the running tasks, each a process group: SIGTERM (and
 * SIGCONT, for a stopped job), then SIGKILL to whatever is left of a
 * group after a grace of STOP_GRACE_US (a command that ignores SIGTERM
 * does not outlive the job); the tasks reaped.
 */
#define STOP_GRACE_US 1000000
static void
stop_tasks(void)
{
	int64_t deadline = now_us() + STOP_GRACE_US;
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	size_t i, left;

	for (i = 0; i < nrunning; i++) {
		kill(-running[i], SIGTERM);
		kill(-running[i], SIGCONT);
	}
	do {
		pid_t pid;

		/* The tasks, and their commands left to us (a subreaper). */
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			for (i = 0; i < nrunning; i++)
				if (running[i] == pid)
					running[i] = -pid;	/* its group may live on */
		for (i = 0, left = 0; i < nrunning; i++)
			left += running[i] > 0 || !group_gone(running[i] > 0 ?
			    running[i] : -running[i]);
	} while (left > 0 && now_us() < deadline && nanosleep(&tick, NULL) == 0);
	for (i = 0; i < nrunning; i++) {
		pid_t pg = running[i] > 0 ? running[i] : -running[i];

		if (!group_gone(pg))
			kill(-pg, SIGKILL);
		if (running[i] > 0)
			waitpid(running[i], NULL, 0);
	}
	nrunning = 0;
}

/*
 * The guardian: a process of its own (forked first, in a process group
 * of its own) that outlives the scheduler if it is killed with SIGKILL:
 * the scheduler tells it each task's group ("t PID"), its end ("r PID"),
 * that the output directory is the job's ("o"), the parents made for it
 * ("p LENGTH", each a prefix of its path: a path may hold any byte but
 * NUL, a length is safe in a line), that it is committed
 * ("c"), and last that all is done ("q").  When its pipe ends without
 * "q", the scheduler died with no cleanup: it kills the tasks' groups and
 * removes the scratch directory, the job file and an uncommitted output
 * directory with the parents made for it.  (Each task also gets SIGTERM when the scheduler dies.)
 */
static void
guard_send(char what, long number)
{
	char msg[32];
	int n = number != 0 ? snprintf(msg, sizeof msg, "%c %ld\n", what, number) :
	    snprintf(msg, sizeof msg, "%c\n", what);

	if (guard_fd >= 0)
		(void)write_all(guard_fd, msg, (size_t)n);
}

static void remove_tree(const char *path);
static void remove_job_file(void);

static noreturn void
guard(int fd)
{
	static const int quiet[] = { SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGTSTP,
	    SIGTTIN, SIGTTOU, SIGPIPE };
	pid_t *groups = NULL, pg;
	size_t n = 0, cap = 0, i, *parents = NULL, nparents = 0, pcap = 0;
	int output = 0, done = 0;
	struct reader r;
	struct slice l;
	int64_t deadline;
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	setpgid(0, 0);
	for (i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		signal(quiet[i], SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &task_mask, NULL);
	reader_init_fd(&r, fd, "guardian");
	while (reader_next(&r, &l) && l.len > 0) {
		for (pg = 0, i = 2; i < l.len && l.p[i] >= '0' && l.p[i] <= '9'; i++)
			pg = pg * 10 + (l.p[i] - '0');
		switch (l.p[0]) {
		case 't':
			ARRAY_RESERVE(groups, cap, n + 1);
			groups[n++] = pg;
			break;
		case 'r':
			for (i = 0; i < n && groups[i] != pg; i++)
				;
			if (i < n)
				groups[i] = groups[--n];
			break;
		case 'o':
			output = 1;
			break;
		case 'p':
			if (pg > 0 && (size_t)pg < strlen(jspec->out_abs)) {
				ARRAY_RESERVE(parents, pcap, nparents + 1);
				parents[nparents++] = (size_t)pg;
			}
			break;
		case 'c':
			output = 0;
			break;
		case 'q':
			done = 1;
			break;
		}
	}
	if (done)
		_exit(0);
	for (i = 0; i < n; i++)
		kill(-groups[i], SIGKILL);
	deadline = now_us() + STOP_GRACE_US;
	for (i = 0; i < n; i++)
		while (!group_gone(groups[i]) && now_us() < deadline)
			nanosleep(&tick, NULL);
	remove_tree(jspec->scratch);
	remove_job_file();
	if (output) {
		remove_tree(jspec->out_abs);
		while (nparents > 0) {
			char *d = xstrdup(jspec->out_abs);

			d[parents[--nparents]] = '\0';
			rmdir(d);
			free(d);
		}
	}
	_exit(0);
}

/* start_guardian: fork the guardian, before anything is made. */
static void
start_guardian(void)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		die("pipe:");
	if ((pid = fork()) < 0)
		die("fork:");
	if (pid == 0) {
		close(fds[1]);
		guard(fds[0]);
	}
	close(fds[0]);
	guard_fd = fds[1];
}

/* remove_job_file: the job file, unless mr-job handed it over open
 * (/dev/fd/N), already removed. */
static void
remove_job_file(void)
{
	if (strncmp(jspec->conf_file, "/dev/fd/", 8) != 0)
		unlink(jspec->conf_file);
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
		remove_tree(jspec->scratch);
		if (!succeeded) {
			remove_tree(jspec->out_abs);
			plan_unmake_parents();
		}
	}
	remove_job_file();
	if (got_signal != 0)
		fprintf(stderr, "%s: job %s stopped by SIG%s; no output written\n",
		    progname, sconf_get(&conf, "mapreduce.job.id"),
		    sigabbrev_np(got_signal));
	guard_send('q', 0);
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

static void
on_stop(int sig)
{
	got_stop = sig;
}

/*
 * stop_job: SIGTSTP (Ctrl-Z), SIGTTIN or SIGTTOU stops the job as a
 * whole: its tasks' groups, then the scheduler; when the scheduler is
 * continued (fg, bg), so are they.
 */
static void
stop_job(void)
{
	size_t i;

	got_stop = 0;
	for (i = 0; i < nrunning; i++)
		kill(-running[i], SIGSTOP);
	kill(getpid(), SIGSTOP);
	for (i = 0; i < nrunning; i++)
		kill(-running[i], SIGCONT);
}

/* A signal that ends the job: cleanup, status 128 + N as the shell has
 * it; or one that stops it. */
void
check_signal(void)
{
	if (got_signal != 0)
		exit(128 + got_signal);
	if (got_stop != 0)
		stop_job();
}

/* The signals that end the job, SIGCHLD, and those that stop it; what
 * they were before. */
static const int job_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD,
    SIGTSTP, SIGTTIN, SIGTTOU };
#define NJOB_SIGNALS (sizeof job_signals / sizeof job_signals[0])
static struct sigaction inherited[NJOB_SIGNALS];

/*
 * install_signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT end the job, and
 * SIGTSTP, SIGTTIN and SIGTTOU stop it (unless ignored from the start, as
 * the shell leaves them in a background job: then they stay ignored, as a
 * shell script cannot trap them); SIGCHLD wakes the scheduler.
 */
static void
install_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NJOB_SIGNALS; i++) {
		int sig = job_signals[i];

		sigaction(sig, NULL, &inherited[i]);
		if (sig != SIGCHLD && inherited[i].sa_handler == SIG_IGN)
			continue;
		sa.sa_handler = sig == SIGCHLD ? on_child :
		    sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU ? on_stop :
		    on_signal;
		sigaction(sig, &sa, NULL);
	}
	sigemptyset(&scheduling_mask);
	for (i = 0; i < NJOB_SIGNALS; i++)
		sigaddset(&scheduling_mask, job_signals[i]);
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
		guard_send('t', pid);
		return pid;
	}
	{
		/* Static, as all the task holds: reachable to the end (a
		 * leak checker at exit sees the scheduler's memory too). */
		static struct task t;
		char *dir = task_dir(kind, n), *p;
		int fd, i;

		setpgid(0, 0);
		/* The task ends with the scheduler, however it ends. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != scheduler)
			_exit(126);
		close(guard_fd);
		guard_fd = -1;
		progname = "mr-task";	/* the task's own messages, as before */
		for (i = 0; i < (int)NJOB_SIGNALS; i++)
			sigaction(job_signals[i], &inherited[i], NULL);
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
	snprintf(text, size, "task %d\nthe task ended without a report: %s%s%s%s\ntask\n",
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
	char *dir = task_dir(kind, n), *p = xmalloc(strlen(dir) + 16);
	struct buf b = { 0 };

	sprintf(p, "%s/status", dir);
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

	jspec = s;
	if (strncmp(jspec->conf_file, "/dev/fd/", 8) == 0)
		(void)fcntl(atoi(jspec->conf_file + 8), F_SETFD, FD_CLOEXEC);
	if (jspec->output == NULL)
		jspec->output = jspec->out_abs;
	if (jspec->mapper == NULL)
		jspec->mapper = "";
	if (jspec->combiner == NULL)
		jspec->combiner = "";
	if (jspec->reducer == NULL)
		jspec->reducer = "";
	if (jspec->reducer_kind == NULL)
		jspec->reducer_kind = "command";
	if (jspec->parallel < 1)
		jspec->parallel = 1;
	scheduler = getpid();
	/* The commands of a task that ends are reaped here, so that a task's
	 * group is seen to end (stop_tasks). */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	atexit(cleanup);
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
	if (jspec->verbose) {
		fprintf(stderr, "%s: %zu map tasks, %u reduce tasks, %d at a time\n",
		    progname, jplan.n, nred, jspec->parallel);
		for (i = 0; i < jplan.n; i++)
			fprintf(stderr, "%s:   split %s %" PRIu64 " %" PRIu64 "\n",
			    progname, jplan.splits[i].file, jplan.splits[i].start,
			    jplan.splits[i].length);
	}

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

	/* Commit: the part files are in place; the scratch files go, then
	 * _SUCCESS. */
	remove_tree(jspec->scratch);
	remove_job_file();
	made_output = 0;
	if (job.mark_success) {
		int fd;

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
	print_summary(now_us() - start);
	plan_free(&jplan);
	return EXIT_OK;
}
