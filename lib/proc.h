/*
 * proc: child processes for command mappers and per-partition commands.
 */
#ifndef MR_PROC_H
#define MR_PROC_H

#include <stddef.h>
#include <sys/types.h>

#define PROC_INHERIT (-1)	/* the child shares the parent's descriptor */
#define PROC_PIPE (-2)		/* a new pipe; the parent's end is returned */

struct proc {
	pid_t pid;
	int in;		/* parent's write end of the child's stdin, or -1 */
	int out;	/* parent's read end of the child's stdout, or -1 */
	int err;	/* parent's read end of the child's stderr, or -1 */
};

/*
 * proc_spawn: run ARGV (argv[0] searched in PATH) with the "NAME=VALUE"
 * strings of ENV (NULL-terminated, may be NULL) added to its environment.
 * IN, OUT, ERR are each a descriptor to give the child, PROC_INHERIT or
 * PROC_PIPE.  The child gets default signal dispositions (SIGPIPE too).
 * If exec fails the child says why on stderr and exits with status 127.
 * Dies if the fork or a pipe fails.
 */
void proc_spawn(struct proc *p, char *const argv[], char *const env[],
    int in, int out, int err);

/*
 * proc_find: the file proc_spawn would run for NAME (searched in PATH when
 * it has no '/'), in BUF of SIZE bytes; NULL when there is none.
 */
const char *proc_find(const char *name, char *buf, size_t size);

/* proc_spawn_sh: proc_spawn of "/bin/sh -c CMD". */
void proc_spawn_sh(struct proc *p, const char *cmd, char *const env[],
    int in, int out, int err);

/* proc_wait: wait for PID (retrying on EINTR); its wait status. */
int proc_wait(pid_t pid);

/* proc_failed: 1 if wait status STATUS is not a clean exit 0. */
int proc_failed(int status);

/*
 * proc_try_wait: reap PID if it has ended, without blocking.  Returns 1
 * with its wait status in *STATUS, or 0 if it still runs.
 */
int proc_try_wait(pid_t pid, int *status);

/* proc_nonblock: set O_NONBLOCK on FD (one end of a pipe we made); dies on failure. */
void proc_nonblock(int fd);

/*
 * proc_pipe_grow: ask for a pipe buffer of SIZE bytes on FD (Linux
 * F_SETPIPE_SZ), for fewer context switches when streaming data through
 * a child.  Best effort: the limit for unprivileged users may refuse it.
 */
void proc_pipe_grow(int fd, size_t size);

/*
 * proc_unread: the number of bytes waiting in the pipe FD (either end):
 * input a child has not read.  0 if FD is not a pipe.
 */
size_t proc_unread(int fd);

/*
 * proc_describe: STATUS in words: "exit status 3", "killed by signal 9
 * (SIGKILL)" (the name kill -l gives, in every program's messages).
 * Returns BUF.
 */
char *proc_describe(int status, char *buf, size_t size);

/* proc_describe_signal: "killed by signal SIG (SIGNAME)".  Returns BUF. */
char *proc_describe_signal(int sig, char *buf, size_t size);

/*
 * proc_command_text: the words of ARGV (NULL-terminated) as a shell
 * command line that runs them, for messages about a command ("sh -c
 * 'exit 3': copy 0: exit status 3"): words of letters, digits and
 * @%+=:,./_- as they are, others in single quotes, a quote as '\''.
 * A new NUL-terminated string the caller frees.
 */
char *proc_command_text(char *const argv[]);

#endif
