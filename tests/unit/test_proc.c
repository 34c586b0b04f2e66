/* Unit tests of lib/proc.c: spawning, environments, statuses. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "unit.h"
#include "msg.h"
#include "proc.h"

/* Everything readable on FD until end of file, in a static buffer. */
static const char *
slurp(int fd)
{
	static char buf[4096];
	size_t len = 0;
	ssize_t n;

	while ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
	return buf;
}

static void
spawn_with_pipes(void)
{
	char *argv[] = { "tr", "a-z", "A-Z", NULL };
	struct proc p;
	int status;

	proc_spawn(&p, argv, NULL, PROC_PIPE, PROC_PIPE, PROC_INHERIT);
	CHECK(p.in >= 0 && p.out >= 0 && p.err == -1);
	CHECK(write(p.in, "hello\n", 6) == 6);
	close(p.in);
	CHECK_STR(slurp(p.out), "HELLO\n");
	status = proc_wait(p.pid);
	CHECK(!proc_failed(status));
}

static void
environment_additions_replace(void)
{
	char *env[] = { "MR_PROC_A=one", "HOME=/nowhere", NULL };
	struct proc p;

	proc_spawn_sh(&p, "echo \"$MR_PROC_A $HOME\"", env, PROC_INHERIT,
	    PROC_PIPE, PROC_INHERIT);
	CHECK_STR(slurp(p.out), "one /nowhere\n");
	CHECK(!proc_failed(proc_wait(p.pid)));
}

static void
statuses_are_described(void)
{
	char buf[64];
	struct proc p;
	int status;

	proc_spawn_sh(&p, "exit 3", NULL, PROC_INHERIT, PROC_INHERIT, PROC_INHERIT);
	status = proc_wait(p.pid);
	CHECK(proc_failed(status));
	CHECK_STR(proc_describe(status, buf, sizeof buf), "exit status 3");
	proc_spawn_sh(&p, "kill -9 $$", NULL, PROC_INHERIT, PROC_INHERIT,
	    PROC_INHERIT);
	status = proc_wait(p.pid);
	CHECK(proc_failed(status));
	CHECK_STR(proc_describe(status, buf, sizeof buf),
	    "killed by signal 9 (SIGKILL)");
	CHECK_STR(proc_describe_signal(SIGPIPE, buf, sizeof buf),
	    "killed by signal 13 (SIGPIPE)");
}

static void
exec_failure_is_127_with_message(void)
{
	char *argv[] = { "/nonexistent/mr-proc-test", NULL };
	struct proc p;
	int status;

	msg_init("test_proc");
	proc_spawn(&p, argv, NULL, PROC_INHERIT, PROC_INHERIT, PROC_PIPE);
	CHECK_STR(slurp(p.err),
	    "test_proc: /nonexistent/mr-proc-test: No such file or directory\n");
	status = proc_wait(p.pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 127);
}

/*
 * A program is found in PATH as execvp finds it: the first executable
 * file, skipping a directory entry of that name and a file without the
 * execute bit; a script without "#!" runs under /bin/sh; a name found
 * nowhere is exit status 127 with a message.
 */
static void
path_search_is_execvp_s(void)
{
	char dir[] = "/tmp/mr-unit-proc.XXXXXX", path[1024], a[64], b[64], c[64];
	char *oldpath = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	char *argv[] = { "mr-proc-hello", NULL }, *none[] = { "mr-proc-none", NULL };
	struct proc p;
	int fd, status;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	snprintf(c, sizeof c, "%s/c", dir);
	CHECK(mkdir(a, 0700) == 0 && mkdir(b, 0700) == 0 && mkdir(c, 0700) == 0);
	/* a/: a directory of the name; c/: a file without the execute bit */
	snprintf(path, sizeof path, "%s/a/mr-proc-hello", dir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof path, "%s/c/mr-proc-hello", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0 && write(fd, "echo wrong\n", 11) == 11);
	close(fd);
	/* b/: the script, without "#!" */
	snprintf(path, sizeof path, "%s/b/mr-proc-hello", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0700);
	CHECK(fd >= 0 && write(fd, "echo hello from b\n", 18) == 18);
	close(fd);
	snprintf(path, sizeof path, "%s:%s:%s:/bin:/usr/bin", a, c, b);
	setenv("PATH", path, 1);
	proc_spawn(&p, argv, NULL, PROC_INHERIT, PROC_PIPE, PROC_INHERIT);
	CHECK_STR(slurp(p.out), "hello from b\n");
	CHECK(!proc_failed(proc_wait(p.pid)));
	msg_init("test_proc");
	proc_spawn(&p, none, NULL, PROC_INHERIT, PROC_INHERIT, PROC_PIPE);
	CHECK_STR(slurp(p.err), "test_proc: mr-proc-none: No such file or directory\n");
	status = proc_wait(p.pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 127);
	if (oldpath != NULL)
		setenv("PATH", oldpath, 1);
	free(oldpath);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	CHECK(system(path) == 0);
}

static void
sigpipe_is_default_in_children(void)
{
	struct proc p;
	int status;

	signal(SIGPIPE, SIG_IGN);
	proc_spawn_sh(&p, "while :; do echo y; done", NULL, PROC_INHERIT,
	    PROC_PIPE, PROC_INHERIT);
	close(p.out);
	status = proc_wait(p.pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
}

static void
try_wait_and_nonblock(void)
{
	struct proc p;
	char c;
	int status = -1;

	proc_spawn_sh(&p, "read x; echo \"$x\"", NULL, PROC_PIPE, PROC_PIPE,
	    PROC_INHERIT);
	proc_nonblock(p.out);
	proc_pipe_grow(p.in, 1 << 20);
	CHECK(read(p.out, &c, 1) == -1 && errno == EAGAIN);
	CHECK(proc_try_wait(p.pid, &status) == 0);
	CHECK(write(p.in, "x\n", 2) == 2);
	close(p.in);
	while (!proc_try_wait(p.pid, &status))
		usleep(1000);
	CHECK(!proc_failed(status));
	CHECK(read(p.out, &c, 1) == 1 && c == 'x');
	close(p.out);
}

static void
unread_input_is_counted(void)
{
	struct proc p;
	int fds[2];

	CHECK(pipe(fds) == 0);
	proc_spawn_sh(&p, "exit 0", NULL, fds[0], PROC_INHERIT, PROC_INHERIT);
	CHECK(write(fds[1], "abcdef", 6) == 6);
	CHECK(!proc_failed(proc_wait(p.pid)));
	CHECK(proc_unread(fds[1]) == 6);
	CHECK(proc_unread(fds[0]) == 6);
	close(fds[0]);
	close(fds[1]);
}

/* The text of a command is a shell line that runs the same words. */
static void
command_text_is_quoted_as_the_shell_reads_it(void)
{
	char *const plain[] = { "mr-reduce", "-k2", "sum:1", "a/b.txt", NULL };
	char *const quoted[] = { "sh", "-c", "exit 3", "it's", "", "$HOME", NULL };
	char *const none[] = { NULL };
	char *t;

	t = proc_command_text(plain);
	CHECK_STR(t, "mr-reduce -k2 sum:1 a/b.txt");
	free(t);
	t = proc_command_text(quoted);
	CHECK_STR(t, "sh -c 'exit 3' 'it'\\''s' '' '$HOME'");
	free(t);
	t = proc_command_text(none);
	CHECK_STR(t, "");
	free(t);
}

int
main(void)
{
	unit_module = "proc";
	RUN(spawn_with_pipes);
	RUN(environment_additions_replace);
	RUN(statuses_are_described);
	RUN(exec_failure_is_127_with_message);
	RUN(path_search_is_execvp_s);
	RUN(sigpipe_is_default_in_children);
	RUN(try_wait_and_nonblock);
	RUN(unread_input_is_counted);
	RUN(command_text_is_quoted_as_the_shell_reads_it);
	return unit_done();
}
