/* proc: spawning and reaping child processes. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "out.h"
#include "proc.h"
#include "xalloc.h"

extern char **environ;

/*
 * The child's environment: ours with the NAME=VALUE strings of ADD put in
 * (replacing variables of the same name).  Built before fork, so the child
 * allocates nothing.
 */
static char **
build_env(char *const add[])
{
	size_t n = 0, k = 0, i, j, len;
	char **envp;

	while (environ[n] != NULL)
		n++;
	while (add != NULL && add[k] != NULL)
		k++;
	envp = xmalloc((n + k + 1) * sizeof *envp);
	for (i = 0, j = 0; i < n; i++) {
		size_t m;

		len = strcspn(environ[i], "=");
		for (m = 0; m < k; m++)
			if (strncmp(add[m], environ[i], len) == 0 &&
			    add[m][len] == '=')
				break;
		if (m == k)
			envp[j++] = environ[i];
	}
	for (i = 0; i < k; i++)
		envp[j++] = add[i];
	envp[j] = NULL;
	return envp;
}

static void
make_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		die("pipe:");
}

/* In the child: never return; only async-signal-safe calls and _exit, so
 * the parent's atexit handlers (temporary files) never run here. */
static void
exec_child(char *const argv[], char *const envp[], int in, int out, int err)
{
	static const int sigs[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD,
	    SIGXFSZ };
	sigset_t none;
	size_t i;
	char msg[512];
	int n;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0) ||
	    (err >= 0 && dup2(err, 2) < 0))
		_exit(127);
	execvpe(argv[0], argv, envp);
	n = snprintf(msg, sizeof msg, "%s: %s: %s\n", progname, argv[0],
	    strerror(errno));
	if (n > 0)
		write_all(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg);
	_exit(127);
}

void
proc_spawn(struct proc *p, char *const argv[], char *const env[], int in,
    int out, int err)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int cin = in, cout = out, cerr = err;
	char **envp;

	if (in == PROC_PIPE) {
		make_pipe(pin);
		cin = pin[0];
	}
	if (out == PROC_PIPE) {
		make_pipe(pout);
		cout = pout[1];
	}
	if (err == PROC_PIPE) {
		make_pipe(perr);
		cerr = perr[1];
	}
	envp = build_env(env);
	p->pid = fork();
	if (p->pid < 0)
		die("fork:");
	if (p->pid == 0)
		exec_child(argv, envp, cin, cout, cerr);
	free(envp);
	p->in = pin[1];
	p->out = pout[0];
	p->err = perr[0];
	if (pin[0] >= 0)
		close(pin[0]);
	if (pout[1] >= 0)
		close(pout[1]);
	if (perr[1] >= 0)
		close(perr[1]);
}

void
proc_spawn_sh(struct proc *p, const char *cmd, char *const env[], int in,
    int out, int err)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };

	proc_spawn(p, argv, env, in, out, err);
}

int
proc_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("wait:");
	return status;
}

int
proc_try_wait(pid_t pid, int *status)
{
	pid_t r;

	while ((r = waitpid(pid, status, WNOHANG)) < 0)
		if (errno != EINTR)
			die("wait:");
	return r == pid;
}

void
proc_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die("fcntl:");
}

void
proc_pipe_grow(int fd, size_t size)
{
#ifdef F_SETPIPE_SZ
	(void)fcntl(fd, F_SETPIPE_SZ, (int)size);
#else
	(void)fd;
	(void)size;
#endif
}

size_t
proc_unread(int fd)
{
	int n = 0;

	if (ioctl(fd, FIONREAD, &n) < 0 || n < 0)
		return 0;
	return (size_t)n;
}

int
proc_failed(int status)
{
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

char *
proc_describe(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "wait status %#x", status);
	return buf;
}
