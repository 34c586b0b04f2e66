/*
 * mr-map -P: N copies of a Hadoop Streaming mapper command at once.
 *
 * One thread drives them with poll(2): it reads the input, cuts it into
 * blocks of whole lines, writes each block to a copy whose previous block
 * is done (non-blocking pipes), and reads every copy's stdout and stderr
 * as they fill.  A single loop instead of a thread per pipe: there is no
 * lock and no hand-off between threads, output lines are merged in one
 * place (so they are never torn), and no pipe can fill up while the loop
 * waits elsewhere, because the loop only ever waits in poll on all of
 * them.  mr-map's own work is copying; the CPU-heavy work is in the copies.
 *
 * With -o the input (a regular file, or stdin spooled to a temporary
 * file) is cut into N contiguous ranges of whole lines, one per copy, like
 * Hadoop's splits; copy 0's output is written as it comes and the others'
 * is held (in memory, then in a temporary file) until every copy before
 * it has finished, so the output is in input order.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "hadoop.h"
#include "map.h"
#include "msg.h"
#include "out.h"
#include "proc.h"
#include "reporter.h"
#include "xalloc.h"

/*
 * A batch round (input from a regular file) every millisecond: a copy's
 * pipes (1 MiB each) hold several milliseconds of its input and output,
 * so no copy waits, and a round moves hundreds of kilobytes.  Rounds that
 * move nothing (slow copies, thinking) come ever less often, down to one
 * every BATCH_IDLE_NS.
 */
#define BATCH_ROUND_NS 1000000
#define BATCH_IDLE_NS 32000000

/* The pool atexit must find: copies to stop when mr-map ends early. */
static struct pool *running;

int
copy_index(const struct pool *pl, const struct copy *c)
{
	return (int)(c - pl->copies);
}

/* Kill copies still running when mr-map ends early (die, closed stdout). */
static void
kill_copies(void)
{
	size_t i;

	for (i = 0; running != NULL && i < running->ncopies; i++)
		if (running->copies[i].p.pid > 0 && !running->copies[i].reaped)
			kill(running->copies[i].p.pid, SIGTERM);
}

/* Copy C failed: stop the others and say why, status 1. */
void
pool_fail_copy(struct pool *pl, struct copy *c, const char *why)
{
	size_t i;

	out_flush(pl->out);
	for (i = 0; i < pl->ncopies; i++) {
		struct copy *o = &pl->copies[i];

		if (o != c && !o->reaped) {
			kill(o->p.pid, SIGTERM);
			proc_wait(o->p.pid);
			o->reaped = 1;
		}
	}
	die("%s: copy %d: %s", pl->cmd_text, copy_index(pl, c), why);
}

static void
start_copy(struct pool *pl, size_t i, char **argv)
{
	struct copy *c = &pl->copies[i];
	int fds[2], cap;

	/*
	 * The stdin pipe is made here so that we keep its read end: after
	 * the copy ends, the bytes still in the pipe are input it never read.
	 */
	if (pipe2(fds, O_CLOEXEC) < 0)
		die("pipe:");
	proc_spawn(&c->p, argv, c->env, fds[0], PROC_PIPE, PROC_PIPE);
	c->p.in = fds[1];
	c->in_reader = fds[0];
	proc_nonblock(c->p.in);
	proc_nonblock(c->p.out);
	proc_nonblock(c->p.err);
	proc_pipe_grow(c->p.in, 1 << 20);
	proc_pipe_grow(c->p.out, 1 << 20);
	cap = fcntl(c->p.in, F_GETPIPE_SZ);
	c->pipe_cap = cap > 0 ? (size_t)cap : 65536;
	c->in_open = c->out_open = c->err_open = 1;
	c->spool_fd = -1;
}

static void
close_input(struct copy *c)
{
	if (c->in_open) {
		close(c->p.in);
		c->in_open = 0;
	}
}

/*
 * A copy has closed stdout and stderr: reap it and judge its end.  It
 * failed if it left input unread: a block not yet written, bytes in its
 * pipe, or (-o) the rest of its range.  A copy that ends before the input
 * does, with nothing of its own unread, loses nothing: the other copies
 * take the rest (and if none is left, pool_run says so).
 */
static void
reap_copy(struct pool *pl, struct copy *c)
{
	char why[128];

	c->status = proc_wait(c->p.pid);
	c->reaped = 1;
	if (proc_failed(c->status))
		pool_fail_copy(pl, c, proc_describe(c->status, why, sizeof why));
	if (c->broken || c->blk.len > c->boff || c->slen > 0 ||
	    (pl->opt->ordered && c->rpos < c->rend) ||
	    proc_unread(c->in_reader) > 0)
		pool_fail_copy(pl, c, "stopped reading its input");
	close_input(c);
	close(c->in_reader);
}

/* Start the copies, each with its task environment (and -o range). */
static void
pool_start(struct pool *pl, char **argv)
{
	const char *file = pl->in.path;
	size_t i;

	if (file == NULL && pl->opt->input != NULL &&
	    strcmp(pl->opt->input, "-") != 0)
		file = pl->opt->input;	/* realpath failed */
	pl->copies = xcalloc(pl->ncopies, sizeof *pl->copies);
	running = pl;
	atexit(kill_copies);
	if (pl->opt->ordered)
		input_plan_ranges(pl);
	for (i = 0; i < pl->ncopies; i++) {
		struct copy *c = &pl->copies[i];

		if (pl->opt->ordered)
			c->env = task_env(i, file, c->rpos, c->rend - c->rpos);
		else
			c->env = task_env(i, file, 0, pl->in.total);
		start_copy(pl, i, argv);
	}
}

/*
 * Give a block to each copy that is ready for one.  Returns the copy that
 * waits for input read from a stream, or ncopies if none does.
 */
static size_t
deal_blocks(struct pool *pl)
{
	struct input *in = &pl->in;
	size_t i, k, free_copy = pl->ncopies;

	for (i = 0; i < pl->ncopies; i++) {
		struct copy *c;

		k = (in->next + i) % pl->ncopies;
		c = &pl->copies[k];
		if (!c->in_open || has_block(c))
			continue;
		if (file_next_block(pl, c)) {
			continue;
		} else if (pl->opt->ordered) {
			close_input(c);
		} else if (in->file) {
			/* Read on past the mapped size: the file may grow. */
			if (lseek(in->fd, (off_t)in->pos, SEEK_SET) < 0)
				die("%s:", in->name);
			in->file = 0;
			in->at_start = 0;
			i--;	/* this copy again, on the read path */
		} else if (in->eof) {
			close_input(c);
		} else if (free_copy == pl->ncopies) {
			free_copy = k;
		}
	}
	return free_copy;
}

/*
 * The poll set of a round: the input if WANT_INPUT, then each copy's
 * stdin (when it has a block to take), stdout and stderr.  Returns the
 * number of entries; *THROTTLED when a full stdin pipe is left alone.
 */
static size_t
build_pollset(struct pool *pl, struct pollfd *pfd, int want_input, int batch,
    int *throttled)
{
	size_t i, np = 0;

	if (want_input) {
		pfd[np].fd = pl->in.fd;
		pfd[np++].events = POLLIN;
	}
	*throttled = 0;
	for (i = 0; i < pl->ncopies; i++) {
		struct copy *c = &pl->copies[i];

		c->in_idx = c->out_idx = c->err_idx = -1;
		/*
		 * A pipe that was full is refilled only once the copy has
		 * read half of it: waking for every page it reads would cost
		 * a context switch and a splice per 4 KiB.
		 */
		if (!batch && c->in_open && has_block(c) && c->full &&
		    proc_unread(c->p.in) > c->pipe_cap / 2)
			*throttled = 1;
		else if (c->in_open && has_block(c)) {
			c->full = 0;
			c->in_idx = (int)np;
			pfd[np].fd = c->p.in;
			pfd[np++].events = POLLOUT;
		}
		if (c->out_open) {
			c->out_idx = (int)np;
			pfd[np].fd = c->p.out;
			pfd[np++].events = POLLIN;
		}
		if (c->err_open) {
			c->err_idx = (int)np;
			pfd[np].fd = c->p.err;
			pfd[np++].events = POLLIN;
		}
	}
	return np;
}

/*
 * Between batch rounds: sleep *PAUSE_NS (longer after rounds that moved
 * nothing), ending early when a copy ends: its stderr pipe hangs up (no
 * events asked: its writes wake no one).  The last round need not wait
 * out its time.
 */
static void
batch_pause(struct pool *pl, struct pollfd *errs, long *pause_ns)
{
	struct timespec round;
	size_t i, nerr = 0;

	*pause_ns = pl->moved ? BATCH_ROUND_NS : *pause_ns * 2 > BATCH_IDLE_NS ?
	    BATCH_IDLE_NS : *pause_ns * 2;
	pl->moved = 0;
	round.tv_sec = 0;
	round.tv_nsec = *pause_ns;
	for (i = 0; i < pl->ncopies; i++)
		if (pl->copies[i].err_open) {
			errs[nerr].fd = pl->copies[i].p.err;
			errs[nerr++].events = 0;
		}
	if (ppoll(errs, nerr, &round, NULL) < 0 && errno != EINTR)
		die("poll:");
}

/*
 * Move what the poll events of PFD allow for each copy; reap the copies
 * that have ended.  Returns the number reaped; *LAST is the last of them.
 */
static size_t
serve_copies(struct pool *pl, const struct pollfd *pfd, int batch,
    struct copy **last)
{
	size_t i, reaped = 0;
	short ev;

	for (i = 0; i < pl->ncopies; i++) {
		struct copy *c = &pl->copies[i];

		/* A batch round fills the pipe, block after block. */
		if (c->in_idx >= 0 && pfd[c->in_idx].revents != 0 && c->in_open)
			while (feed_copy(pl, c) && batch && c->in_open &&
			    file_next_block(pl, c))
				;
		/* A batch round takes all there is: the copy may have
		 * filled its pipe since the last round. */
		if (c->out_idx >= 0 && (ev = pfd[c->out_idx].revents) != 0)
			while (read_stdout(pl, c, ev) && batch)
				;
		if (c->err_idx >= 0 && pfd[c->err_idx].revents != 0)
			while (read_stderr(pl, c) && batch)
				;
		if (!c->out_open && !c->err_open && !c->reaped) {
			pl->moved = 1;
			reap_copy(pl, c);
			reaped++;
			*last = c;
		}
	}
	return reaped;
}

/*
 * The loop: each round deals blocks, polls (or, for a batch job, sleeps
 * between rounds: see below), and moves what is ready.
 */
static struct copy *
pool_loop(struct pool *pl)
{
	struct input *in = &pl->in;
	struct pollfd *pfd = xcalloc(2 + 3 * pl->ncopies, sizeof *pfd);
	struct pollfd *errs = xcalloc(pl->ncopies, sizeof *errs);
	struct copy *last = NULL;	/* the copy that ended last */
	size_t live = pl->ncopies, rounds = 0, np, free_copy;
	long pause_ns = BATCH_ROUND_NS;
	int n, want_input, throttled;
	/*
	 * Input from a regular file is a batch job: no record is waited for.
	 * Then the loop sleeps between rounds instead of waiting in poll(2),
	 * so that the copies' pipe reads and writes wake no one and each
	 * round moves what a millisecond brought.  On virtual machines a
	 * wake-up costs more than copying the bytes it announces.
	 */
	int batch = in->regular;

	while (live > 0) {
		free_copy = deal_blocks(pl);
		want_input = !pl->opt->ordered && !in->eof &&
		    free_copy < pl->ncopies;
		np = build_pollset(pl, pfd, want_input, batch, &throttled);
		if (batch && rounds++ > 0)
			batch_pause(pl, errs, &pause_ns);
		/* Flush our output only when there is nothing to do at once. */
		n = poll(pfd, np, 0);
		if (n == 0 && batch) {
			out_flush(pl->out);
			continue;
		}
		if (n == 0) {
			out_flush(pl->out);
			n = poll(pfd, np, throttled ? 1 : -1);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("poll:");
		}
		if (want_input && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    input_read(pl)) {
			deal_block(pl, &pl->copies[free_copy]);
			in->next = free_copy + 1;
		}
		live -= serve_copies(pl, pfd, batch, &last);
		/* -o: pass the turn on past every copy that has finished. */
		while (pl->opt->ordered && pl->head < pl->ncopies &&
		    pl->copies[pl->head].reaped && !pl->copies[pl->head].out_open) {
			pl->head++;
			if (pl->head < pl->ncopies)
				release_output(pl, &pl->copies[pl->head]);
		}
	}
	free(pfd);
	free(errs);
	return last;
}

/* Every copy ended early: input that is left has no reader. */
static void
check_input_left(struct pool *pl, struct copy *last)
{
	struct input *in = &pl->in;
	char b;

	if (pl->opt->ordered || in->eof || last == NULL)
		return;
	if (in->fill.len > 0 || (in->file && in->pos < in->size) ||
	    (!in->file && read(in->fd, &b, 1) > 0))
		pool_fail_copy(pl, last, "stopped reading its input");
}

/* Outside Hadoop, the copies' own counters, summed, on stderr. */
static void
report_counters(struct pool *pl)
{
	size_t i;

	if (pl->under_hadoop)
		return;
	for (i = 0; i < pl->counters.n; i++)
		warn("counter %s,%s: %lld", pl->counters.c[i].group,
		    pl->counters.c[i].name, (long long)pl->counters.c[i].sum);
}

static void
pool_free(struct pool *pl)
{
	size_t i;

	running = NULL;
	for (i = 0; i < pl->ncopies; i++) {
		task_env_free(pl->copies[i].env);
		buf_free(&pl->copies[i].blk);
		buf_free(&pl->copies[i].obuf);
		buf_free(&pl->copies[i].ebuf);
	}
	free(pl->copies);
	counters_free(&pl->counters);
	splice_teardown(&pl->sp);
	buf_free(&pl->in.fill);
	free(pl->cmd_text);
	free(pl->in.path);
}

void
pool_run(const struct options *opt, char **argv, struct out *out)
{
	struct pool pl;

	memset(&pl, 0, sizeof pl);
	pl.opt = opt;
	pl.out = out;
	pl.sp.devnull = -1;
	pl.under_hadoop = hadoop_is_task();
	pl.ncopies = opt->copies ? opt->copies : (uint64_t)online_cpus();
	pl.cmd_text = proc_command_text(argv);
	input_open(&pl);
	pool_start(&pl, argv);
	/*
	 * Splice output in batch rounds only: a partial line left in a pipe
	 * keeps it readable, which paced rounds wait out but poll(2) would
	 * report again at once.
	 */
	if (pl.in.regular)
		splice_setup(&pl.sp);
	check_input_left(&pl, pool_loop(&pl));
	out_flush(out);
	report_counters(&pl);
	pool_free(&pl);
}
