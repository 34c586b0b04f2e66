/*
 * mr-task --job: how a job ends, whatever ends it.  The tasks are stopped
 * as process groups (SIGTERM, then SIGKILL after a grace); a signal ends
 * the job (SIGINT, SIGTERM, SIGHUP, SIGQUIT) or stops it with its tasks
 * (SIGTSTP, SIGTTIN, SIGTTOU); at exit the scratch files, the job file and
 * an output directory not committed are removed; and the guardian does
 * the same if the scheduler is killed with SIGKILL.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "task.h"
#include "xalloc.h"

pid_t scheduler;
pid_t *running;
size_t nrunning;
int made_output, succeeded;
sigset_t scheduling_mask, task_mask;
static volatile sig_atomic_t got_signal, got_stop;
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
void
remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

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
void
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
 * NUL, a length is safe in a line), that it is committed ("c"), and last
 * that all is done ("q").  When its pipe ends without "q", the scheduler
 * died with no cleanup: it kills the tasks' groups and removes the
 * scratch directory, the job file and an uncommitted output directory
 * with the parents made for it.  (Each task also gets SIGTERM when the
 * scheduler dies.)
 */
void
guard_send(char what, long number)
{
	char msg[32];
	int n = number != 0 ? snprintf(msg, sizeof msg, "%c %ld\n", what, number) :
	    snprintf(msg, sizeof msg, "%c\n", what);

	if (guard_fd >= 0)
		(void)write_all(guard_fd, msg, (size_t)n);
}

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
void
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
void
remove_job_file(void)
{
	if (strncmp(jspec->conf_file, "/dev/fd/", 8) != 0)
		unlink(jspec->conf_file);
}

/* At exit: stop the running tasks, remove the scratch files, and after a
 * failure the output directory. */
void
job_cleanup(void)
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
void
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

int64_t
now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/*
 * task_detach: in a task just forked: the guardian is the scheduler's, and
 * the signals are as the scheduler found them, none blocked.
 */
void
task_detach(void)
{
	size_t i;

	close(guard_fd);
	guard_fd = -1;
	for (i = 0; i < NJOB_SIGNALS; i++)
		sigaction(job_signals[i], &inherited[i], NULL);
	sigprocmask(SIG_SETMASK, &task_mask, NULL);
}
