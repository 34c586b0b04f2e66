/* mr-task: the user's commands: their files, their start and end, and the
 * threads that feed them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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

void
spawn_user(struct proc *p, char **argv)
{
	proc_spawn(p, argv, task_env, PROC_PIPE, PROC_PIPE, errfd);
	proc_pipe_grow(p->in, 1 << 20);
	proc_pipe_grow(p->out, 1 << 20);
}

/* Wait for a command; its failure is the task's (unless Hadoop's
 * stream.non.zero.exit.is.failure is false). */
void
wait_user(pid_t pid, enum sstage s)
{
	int code = status_code(proc_wait(pid));

	if (code != 0 && job.nonzero_fails)
		fail(s, code);
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

