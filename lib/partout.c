/* partout: N partition outputs, files or commands (see partout.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "out.h"
#include "partout.h"
#include "proc.h"
#include "streaming.h"
#include "tmpfile.h"
#include "xalloc.h"

/* Buffer memory for all partitions together, and the per-partition bounds:
 * large writes for a few partitions, bounded memory for thousands. */
#define PARTOUT_TOTAL (64u << 20)
#define PARTOUT_MIN (4u << 10)
#define PARTOUT_MAX (1u << 20)

char *
partout_name(const char *prefix, unsigned i)
{
	size_t n = strlen(prefix) + 16;
	char *s = xmalloc(n);

	snprintf(s, n, "%s%05u", prefix, i);
	return s;
}

/* Room for N descriptors beyond the few every program has open. */
static void
raise_fd_limit(unsigned n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 32) {
		rl.rlim_cur = (rlim_t)n + 32 < rl.rlim_max ? (rlim_t)n + 32 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void
init(struct partout *po, unsigned n, int exec)
{
	unsigned i;
	size_t cap = PARTOUT_TOTAL / n;

	if (cap < PARTOUT_MIN)
		cap = PARTOUT_MIN;
	if (cap > PARTOUT_MAX)
		cap = PARTOUT_MAX;
	po->n = n;
	po->exec = exec;
	po->cap = cap;
	po->part = xcalloc(n, sizeof *po->part);
	for (i = 0; i < n; i++) {
		po->part[i].buf = xmalloc(cap);
		po->part[i].fd = -1;
	}
	raise_fd_limit(exec ? 2 * n : n);
}

void
partout_open_files(struct partout *po, unsigned n, const char *prefix)
{
	unsigned i;

	init(po, n, 0);
	for (i = 0; i < n; i++) {
		struct partout_part *pp = &po->part[i];

		pp->name = partout_name(prefix, i);
		pp->fd = tmp_create_beside(pp->name, 0666, &pp->tmp);
	}
}

void
partout_open_exec(struct partout *po, unsigned n, const char *cmd)
{
	char var1[48], var2[64], name[32];
	char *env[] = { var1, var2, NULL };
	unsigned i;

	init(po, n, 1);
	po->cmd = cmd;
	for (i = 0; i < n; i++) {
		struct proc p;

		snprintf(var1, sizeof var1, "MR_PARTITION=%u", i);
		/* The task's number as Streaming exports it (lib/streaming). */
		snprintf(var2, sizeof var2, "%s=%u",
		    streaming_env_name(name, "mapreduce.task.partition"), i);
		proc_spawn_sh(&p, cmd, env, PROC_PIPE, PROC_INHERIT, PROC_INHERIT);
		po->part[i].pid = p.pid;
		po->part[i].fd = p.in;
		/* A bigger pipe means fewer switches between us and the command;
		 * the system may refuse, which is harmless. */
		fcntl(p.in, F_SETPIPE_SZ, 1 << 20);
	}
}

/* Write N bytes at P to partition I: a file write error is fatal; a command
 * that closed its stdin gets nothing more. */
static void
put(struct partout *po, unsigned i, const char *p, size_t n)
{
	struct partout_part *pp = &po->part[i];

	if (pp->closed || n == 0)
		return;
	if (write_all(pp->fd, p, n) < 0) {
		if (po->exec && errno == EPIPE) {
			pp->closed = 1;
			return;
		}
		if (po->exec)
			die("%s: partition %u: write error:", po->cmd, i);
		die("%s: write error:", pp->name);
	}
}

void
partout_flush(struct partout *po, unsigned i)
{
	struct partout_part *pp = &po->part[i];

	put(po, i, pp->buf, pp->len);
	pp->len = 0;
}

void
partout_record_slow(struct partout *po, unsigned i, const char *p, size_t len)
{
	struct partout_part *pp = &po->part[i];

	partout_flush(po, i);
	if (len < po->cap) {
		memcpy(pp->buf, p, len);
		pp->buf[len] = '\n';
		pp->len = len + 1;
	} else {
		put(po, i, p, len);
		put(po, i, "\n", 1);
	}
}

/*
 * Did a command end by SIGPIPE (killed, or a shell's 128 + 13) because the
 * reader of our standard output, which it writes to, went away?  That is
 * the quiet end of a closed pipe (`| head -1`), not a failure; a SIGPIPE
 * of its own, with our standard output still read, is one.
 */
static int
pipe_closed_ended(int status)
{
	int sigpipe = (WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE) ||
	    (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGPIPE);

	return sigpipe && out_reader_gone(STDOUT_FILENO);
}

static int
close_exec(struct partout *po)
{
	char how[128];
	unsigned i;
	int status, failed = 0;

	for (i = 0; i < po->n; i++) {
		partout_flush(po, i);
		close(po->part[i].fd);
		po->part[i].fd = -1;
	}
	for (i = 0; i < po->n; i++) {
		status = proc_wait(po->part[i].pid);
		if (proc_failed(status) && !pipe_closed_ended(status)) {
			warn("%s: partition %u: %s", po->cmd, i,
			    proc_describe(status, how, sizeof how));
			failed = 1;
		}
	}
	return failed;
}

int
partout_close(struct partout *po)
{
	unsigned i;
	int failed = 0;

	if (po->exec) {
		failed = close_exec(po);
	} else {
		for (i = 0; i < po->n; i++) {
			partout_flush(po, i);
			if (close(po->part[i].fd) < 0)
				die("%s: write error:", po->part[i].name);
			po->part[i].fd = -1;
		}
		/* Only now that every file is whole does any get its name. */
		for (i = 0; i < po->n; i++)
			tmp_commit(po->part[i].tmp, po->part[i].name);
	}
	for (i = 0; i < po->n; i++) {
		free(po->part[i].buf);
		free(po->part[i].name);
	}
	free(po->part);
	po->part = NULL;
	return failed;
}
