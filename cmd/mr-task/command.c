/* mr-task: the user's commands: their files, their start and end, and the
 * threads that feed them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "msg.h"
#include "task.h"
#include "tmpfile.h"
#include "xalloc.h"

/* ---- the job and the user's commands ---- */

struct sconf conf;
struct sjob job;
char **task_env;		/* the commands' environment */
int errfd = -1;		/* DIR/err: the commands' stderr */

/*
 * link_files: the -L NAME=PATH files (Streaming's -files) as symbolic
 * links in the working directory, where the commands run.
 */
void
link_files(char **links, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *eq = strchr(links[i], '=');

		*eq = '\0';
		if (symlink(eq + 1, links[i]) < 0 && errno != EEXIST)
			die("%s: cannot link %s:", links[i], eq + 1);
		*eq = '=';
	}
}

/*
 * make_executable: a shipped file NAME in the working directory that is
 * not executable becomes an executable copy, as Streaming makes the
 * program it runs executable (PipeMapRed: chmod a+x) in its own copy of
 * the shipped files; the user's file is left alone.
 */
static void
make_executable(const char *name)
{
	char buf[65536];
	const char *tmp;
	ssize_t n;
	int in, out;

	if ((in = open(name, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	out = tmp_create_beside(name, 0777, &tmp);
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s:", name);
		if (write_all(out, buf, (size_t)n) < 0)
			die("%s: write error:", tmp);
	}
	close(in);
	if (fchmod(out, 0755) < 0 || close(out) < 0)
		die("%s:", tmp);
	tmp_commit(tmp, name);
}

/*
 * resolve_here: as Streaming does, a program named without a '/' is
 * looked for in the working directory first (a script shipped with
 * -files, made executable), then in PATH.
 */
char *
resolve_here(char **argv)
{
	char cwd[PATH_MAX];
	struct stat st;
	char *p;

	if (argv == NULL || strchr(argv[0], '/') != NULL ||
	    stat(argv[0], &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	if (access(argv[0], X_OK) < 0)
		make_executable(argv[0]);
	if (access(argv[0], X_OK) < 0 || getcwd(cwd, sizeof cwd) == NULL)
		return NULL;
	p = xmalloc(strlen(cwd) + strlen(argv[0]) + 2);
	sprintf(p, "%s/%s", cwd, argv[0]);
	argv[0] = p;
	return p;	/* for the caller to free */
}

/*
 * spawn_user: start a command with pipes for its input and output.  The
 * task keeps a read end of the input pipe (*KEEP) as well, so that the
 * feeder never sees a closed pipe: what the command left unread is
 * measured when it has ended (finish_user), whatever the pipe's size.
 */
void
spawn_user(struct proc *p, char **argv, int *keep)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		die("pipe:");
	proc_pipe_grow(fds[1], 1 << 20);
	proc_spawn(p, argv, task_env, fds[0], PROC_PIPE, errfd);
	proc_pipe_grow(p->out, 1 << 20);
	p->in = fds[1];
	*keep = fds[0];
}

/*
 * Hadoop feeds a command through a 128 KiB buffer (PipeMapRed's
 * BufferedOutputStream) into a pipe of 64 KiB, and fails the task when a
 * write fails while it feeds (Broken pipe), but not when the last flush,
 * at the end of the input, does.  So a command that ends with U bytes of
 * its N unread fails the task when U > 64 KiB + L, where L is the part
 * of the input after its last whole 128 KiB, ((N - 1) mod 128 KiB) + 1:
 * those bytes are written only by the last flush.  (Hadoop's buffer is
 * cut at whole records and its writes race with the command, so near the
 * limit Hadoop itself goes either way.)
 */
#define HADOOP_PIPE ((uint64_t)64 << 10)
#define HADOOP_BUFFER ((uint64_t)128 << 10)

/*
 * drain_unread: the bytes of the pipe KEEP (whose command has ended) that
 * nobody read, read up to LIMIT + 1 of them; then KEEP is closed, so that
 * a feeder still writing sees a closed pipe.
 */
static uint64_t
drain_unread(int keep, uint64_t limit)
{
	char buf[65536];
	uint64_t n = 0;
	ssize_t r;

	while (n <= limit) {
		r = read(keep, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (uint64_t)r;
	}
	close(keep);
	return n;
}

/*
 * finish_user: the command P, whose output has ended, and its feeder TH
 * (writing through O; FED, its bytes that bypassed O): wait for both; a
 * failure of the command is the task's in stage S (unless Hadoop's
 * stream.non.zero.exit.is.failure is false), and so is input left unread
 * beyond Hadoop's limit (above), in stage STOPPED.
 */
void
finish_user(struct proc *p, int keep, pthread_t th, const struct out *o,
    const uint64_t *fed, enum sstage s, enum sstage stopped)
{
	int code = status_code(proc_wait(p->pid));
	uint64_t unread = drain_unread(keep, HADOOP_PIPE + HADOOP_BUFFER), n;

	pthread_join(th, NULL);
	if (code != 0 && job.nonzero_fails)
		fail(s, code);
	n = o->bytes + (fed != NULL ? *fed : 0);
	if (n > 0 && unread > HADOOP_PIPE + (n - 1) % HADOOP_BUFFER + 1)
		fail(stopped, 256 + SIGPIPE);
}

void
start_thread(pthread_t *th, void *(*fn)(void *), void *arg)
{
	int e = pthread_create(th, NULL, fn, arg);

	if (e != 0) {
		errno = e;
		die("pthread_create:");
	}
}

/* feed_start: a thread running FN(ARG), which writes the input of a child
 * through O, the write end FD of its pipe (closed with O). */
void
feed_start(struct out *o, int fd, const char *name, pthread_t *th,
    void *(*fn)(void *), void *arg)
{
	out_init_child(o, fd, name);
	o->owns_fd = 1;
	start_thread(th, fn, arg);
}

