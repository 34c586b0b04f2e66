/* mr-tail: reading -- the live event loop (looks, checkpoints while
 * backed up, a stop by a signal) and --once. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "follow.h"
#include "msg.h"
#include "out.h"
#include "tmpfile.h"

#include "tail.h"

#define READ_BUDGET (4u << 20)	/* bytes per file per round: fairness, and
				 * a checkpoint between rounds when backed up */
#define CHECK_MS 1000		/* re-look at missing files, symlinks, lost dirs */
#define SAVE_MS 1000		/* checkpoint at most this often while following */
static volatile sig_atomic_t stop_signal;

static int
state_changed(void)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		if (files[i].f.changed)
			return 1;
	return 0;
}

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/*
 * SIGINT, SIGTERM and SIGHUP are blocked except inside ppoll, so one that
 * comes while lines are being read waits there instead of slipping in
 * between the check of stop_signal and a poll that would then sleep on.
 */
static sigset_t poll_mask;

void
catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	sigset_t block;
	size_t i;

	tmp_install_signals();	/* first, so that ours replace its handlers */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &poll_mask);
}

/* Stopped by a signal: write what was read, checkpoint it, and die by the signal. */
static void
finish_on_signal(void)
{
	int sig = stop_signal;

	out_flush(&out);
	if (state_path != NULL)
		save_state(0);
	report_counts();
	verbose = 0;	/* said once */
	tmp_remove_all();
	signal(sig, SIG_DFL);
	raise(sig);	/* pending until unblocked */
	sigprocmask(SIG_SETMASK, &poll_mask, NULL);
	exit(EXIT_BAD);
}

static int64_t
earlier(int64_t a, int64_t b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/*
 * While input remains and the output is backed up (a slow reader), the
 * loop reads a bounded piece of each file per round: between pieces of
 * a current file (no rotated generation being read), everything read is
 * flushed and the state written once SAVE_MS passed,
 * so that it never lags what reached the output by more than that and a
 * piece, and kill -9 repeats no more.  Returns when it was last written.
 */
static int64_t
checkpoint_if_due(int64_t last_save)
{
	int64_t now = follow_now_ms();
	size_t i;

	if (state_path == NULL || now - last_save < SAVE_MS)
		return last_save;
	/* Not amid rotated generations: they are checkpointed once read. */
	for (i = 0; i < nfiles; i++)
		if (files[i].f.nold > 0)
			return last_save;
	out_flush(&out);
	if (state_changed())
		save_state(1);
	return follow_now_ms();
}

/* The names looked at on the timer: those inotify says nothing of (all of
 * them when polling, else the missing ones, symbolic links, and names in a
 * directory not watched). */
static void
mark_unwatched_names(void)
{
	size_t i;

	/* A watch new (or renewed) since: its names are looked at. */
	for (i = 0; i < ndirs; i++)
		if (watch_dir(&dirs[i]))
			for (size_t j = 0; j < nfiles; j++)
				if (files[j].dir == i)
					files[j].need_look = 1;
	for (i = 0; i < nfiles; i++) {
		struct tracked *t = &files[i];

		if (ifd < 0 || t->f.missing || t->f.symlink ||
		    dirs[t->dir].wd < 0)
			t->need_look = 1;
	}
}

/*
 * Wait for inotify, the output or TIMER (ms, -1: none; no wait when MORE
 * input remains), with the stop signals let in; then mark the names the
 * events concern, or end if the reader went away.
 */
static void
wait_for_events(int more, int64_t timer)
{
	int64_t wait = more ? 0 : timer < 0 ? -1 : timer - follow_now_ms();
	struct timespec ts, *tsp = NULL;
	struct pollfd pfd[2];

	pfd[0].fd = ifd;
	pfd[0].events = POLLIN;
	pfd[1].fd = 1;
	pfd[1].events = 0;
	if (wait < 0 && timer >= 0)
		wait = 0;
	if (wait >= 0) {
		ts.tv_sec = wait / 1000;
		ts.tv_nsec = wait % 1000 * 1000000;
		tsp = &ts;
	}
	if (ppoll(pfd, 2, tsp, &poll_mask) < 0 && errno != EINTR)
		die("poll:");
	if (pfd[1].revents & (POLLERR | POLLHUP)) {
		/* The reader is gone: what it accepted is checkpointed. */
		output_closed(&out);
		exit(EXIT_OK);
	}
	if (ifd >= 0 && (pfd[0].revents & POLLIN))
		read_events();
}

/*
 * The event loop.  inotify (or the poll timer) only says which names to
 * look at; looking is follow_look.  Output is flushed
 * when no input remains, then the state is written (at most every
 * SAVE_MS), so the checkpoint never runs ahead of standard output.  The
 * output descriptor is polled too: a reader that went away (POLLERR)
 * ends mr-tail even when no line comes.
 */
void
follow_loop(void)
{
	int64_t now, next_look = 0, last_save = 0, timer;
	size_t i;

	for (;;) {
		int more = 0;
		int degraded = 0;

		if (stop_signal)
			finish_on_signal();
		now = follow_now_ms();
		if (now >= next_look) {
			mark_unwatched_names();
			next_look = now + (ifd < 0 ? poll_ms : CHECK_MS);
		}
		timer = -1;
		for (i = 0; i < nfiles; i++) {
			struct tracked *t = &files[i];

			/* A rotated file is closed after a look (see follow_expire). */
			if (t->f.nold > 0 && t->expiry >= 0 && now >= t->expiry)
				t->need_look = 1;
			if (t->need_look) {
				t->need_look = follow_look(&t->f, READ_BUDGET, now);
				more |= t->need_look;
				if (t->need_look)
					last_save = checkpoint_if_due(last_save);
			}
			t->expiry = t->f.nold > 0 ? follow_expire(&t->f, now) : -1;
			timer = earlier(timer, t->expiry);
			degraded |= ifd < 0 || t->f.missing || t->f.symlink ||
			    dirs[t->dir].wd < 0;
		}
		if (degraded)
			timer = earlier(timer, next_look);
		if (!more) {
			out_flush(&out);
			if (state_path != NULL && state_changed()) {
				if (now - last_save >= SAVE_MS) {
					save_state(1);
					last_save = now;
				} else {
					timer = earlier(timer, last_save + SAVE_MS);
				}
			}
		}
		wait_for_events(more, timer);
	}
}

/* --once: what is there now, then checkpoint and exit; the exit status,
 * 1 when a file could not be read (the error was said). */
int
read_once(void)
{
	int64_t now = follow_now_ms();
	int status = EXIT_OK;
	size_t i;

	for (i = 0; i < nfiles; i++) {
		follow_look(&files[i].f, UINT64_MAX, now);
		follow_settle(&files[i].f);
		follow_expire(&files[i].f, now);
		if (files[i].f.open_errno != 0)
			status = EXIT_BAD;
	}
	out_flush(&out);
	if (state_path != NULL)
		save_state(0);
	return status;
}
