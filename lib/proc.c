/* proc: spawning and reaping child processes. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
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

/*
 * In the child: never return; only async-signal-safe calls and _exit, so
 * the parent's atexit handlers (temporary files) never run here.  The child
 * comes from vfork: it shares the parent's memory until exec, so it writes
 * only its own stack.  PATH is the program found by the parent, or NULL.
 */
static void
exec_child(const char *path, char *const argv[], char *const envp[], int in,
    int out, int err)
{
	static const int sigs[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD,
	    SIGXFSZ };
	struct sigaction dfl;
	sigset_t none;
	size_t i;
	char msg[512];
	int n;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((in >= 0 && dup2(in, 0) < 0) || (out >= 0 && dup2(out, 1) < 0) ||
	    (err >= 0 && dup2(err, 2) < 0))
		_exit(127);
	if (path != NULL)
		execve(path, argv, envp);
	/* Not found by the parent, or not an executable binary (a script
	 * without "#!" runs under /bin/sh this way): as execvp does. */
	execvpe(argv[0], argv, envp);
	n = snprintf(msg, sizeof msg, "%s: %s: %s\n", progname, argv[0],
	    strerror(errno));
	if (n > 0)
		write_all(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg);
	_exit(127);
}

/*
 * find_program: the file execvp would run for NAME (searched in PATH when
 * it has no '/'), in BUF; NULL when there is none (the child then says so).
 * Looked up once in the parent rather than by trying each PATH directory
 * in the child, where every failed exec is a system call.
 */
static const char *
find_program(const char *name, char *buf, size_t size)
{
	const char *dirs = getenv("PATH"), *d, *e;
	struct stat st;
	size_t dl, nl = strlen(name);

	if (strchr(name, '/') != NULL)
		return name;
	if (dirs == NULL)
		dirs = "/bin:/usr/bin";
	for (d = dirs;; d = e + 1) {
		e = strchr(d, ':');
		dl = e != NULL ? (size_t)(e - d) : strlen(d);
		if (dl + nl + 2 <= size) {
			if (dl == 0) {	/* an empty entry: the current directory */
				buf[0] = '.';
				dl = 1;
			} else {
				memcpy(buf, d, dl);
			}
			buf[dl] = '/';
			memcpy(buf + dl + 1, name, nl + 1);
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
			    access(buf, X_OK) == 0)
				return buf;
		}
		if (e == NULL)
			return NULL;
	}
}

const char *
proc_find(const char *name, char *buf, size_t size)
{
	return find_program(name, buf, size);
}

/*
 * start_child: the child process, by vfork: no copy of our page tables,
 * which on some virtual machines costs milliseconds.  Every signal is
 * blocked until the child has put back the default handlers, so that none
 * of ours runs in it.  (A function of its own, so that nothing the parent
 * uses afterwards lives across the vfork.)
 */
static pid_t __attribute__((noinline))
start_child(const char *path, char *const argv[], char *const envp[], int in,
    int out, int err)
{
	sigset_t all, old;
	pid_t pid;
	int e;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = vfork();
	if (pid == 0)
		exec_child(path, argv, envp, in, out, err);
	e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		errno = e;
		die("fork:");
	}
	return pid;
}

void
proc_spawn(struct proc *p, char *const argv[], char *const env[], int in,
    int out, int err)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int cin = in, cout = out, cerr = err;
	char **envp, pathbuf[PATH_MAX];

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
	p->pid = start_child(find_program(argv[0], pathbuf, sizeof pathbuf),
	    argv, envp, cin, cout, cerr);
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
proc_describe_signal(int sig, char *buf, size_t size)
{
	const char *name = sigabbrev_np(sig);

	if (name != NULL)
		snprintf(buf, size, "killed by signal %d (SIG%s)", sig, name);
	else
		snprintf(buf, size, "killed by signal %d", sig);
	return buf;
}

char *
proc_describe(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		proc_describe_signal(WTERMSIG(status), buf, size);
	else
		snprintf(buf, size, "wait status %#x", status);
	return buf;
}

/* Can WORD be given to the shell bare?  (The set Python's shlex.quote uses.) */
static int
word_is_bare(const char *word)
{
	const char *p;

	if (*word == '\0')
		return 0;
	for (p = word; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("@%+=:,./_-", *p) != NULL))
			return 0;
	return 1;
}

char *
proc_command_text(char *const argv[])
{
	struct buf b = { 0 };
	const char *p;
	size_t i;

	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			buf_append(&b, " ", 1);
		if (word_is_bare(argv[i])) {
			buf_append(&b, argv[i], strlen(argv[i]));
			continue;
		}
		buf_append(&b, "'", 1);
		for (p = argv[i]; *p != '\0'; p++)
			if (*p == '\'')
				buf_append(&b, "'\\''", 4);
			else
				buf_append(&b, p, 1);
		buf_append(&b, "'", 1);
	}
	buf_append(&b, "", 1);
	return b.p;
}
