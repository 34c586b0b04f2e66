/* sigstop: SIGINT and SIGTERM as a request to stop (see sigstop.h). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sigstop.h"
#include "tmpfile.h"

volatile _Atomic sig_atomic_t sigstop_signal;	/* atomic: set in a handler on any thread */
static volatile _Atomic sig_atomic_t forwarded;	/* a signal passed on to main */
static pthread_t reading_thread;
static void (*report_fn)(void *);
static void *report_arg;

/*
 * Async-signal-safe only: notes, pthread_kill (to interrupt the reading
 * thread's read(2) when another thread got the signal), unlink.
 */
static void
on_stop(int sig)
{
	if (!pthread_equal(pthread_self(), reading_thread)) {
		if (sigstop_signal == 0)
			sigstop_signal = sig;
		forwarded = 1;
		pthread_kill(reading_thread, sig);
		return;
	}
	if (forwarded) {
		forwarded = 0;
		return;
	}
	if (sigstop_signal != 0) {
		/* The second: no more waiting for the loop. */
		tmp_remove_all();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	sigstop_signal = sig;
}

void
sigstop_install(void (*report)(void *), void *arg)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	struct sigaction sa, old;
	size_t i;

	tmp_install_signals();	/* the others still remove temporary files */
	reading_thread = pthread_self();
	report_fn = report;
	report_arg = arg;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;	/* no SA_RESTART: a read returns EINTR */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

int
sigstop_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct timespec ts, *tp = NULL;
	sigset_t stops, old;
	int r;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stops, &old);
	if (sigstop_signal != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		errno = EINTR;
		return -1;
	}
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
		tp = &ts;
	}
	r = ppoll(fds, n, tp, &old);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

void
sigstop_finish(void)
{
	int sig = sigstop_signal;
	sigset_t set;

	if (report_fn != NULL)
		report_fn(report_arg);
	tmp_remove_all();
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);	/* not reached */
}
