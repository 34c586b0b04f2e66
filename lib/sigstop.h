/*
 * sigstop: SIGINT and SIGTERM as a request to stop, for programs that owe
 * a last word when they are stopped (the notice of skipped records).
 *
 * The handler only notes the signal (and interrupts the reading thread):
 * the program's own loop, in lib/record's reader, sees the note before each
 * read and after a read interrupted by it, runs the program's report and
 * then dies by the signal (temporary files removed), so its status is the
 * signal's, as without the handler.  A second signal while the first is
 * being handled ends the program at once.
 */
#ifndef MR_SIGSTOP_H
#define MR_SIGSTOP_H

#include <poll.h>
#include <signal.h>
#include <stdnoreturn.h>

/* The signal that asked to stop, or 0. */
extern volatile _Atomic sig_atomic_t sigstop_signal;

/*
 * sigstop_install: handle SIGINT and SIGTERM so (unless they are ignored,
 * as under nohup); REPORT(ARG), if not NULL, is run before the end.  The
 * calling thread is the one whose reads the signals interrupt.
 */
void sigstop_install(void (*report)(void *), void *arg);

/*
 * sigstop_poll: poll(2) that a stop cannot slip past: SIGINT and SIGTERM
 * are blocked from the check of sigstop_signal until ppoll(2) unblocks
 * them, so one that comes in between interrupts the wait (-1, EINTR)
 * instead of being noted while the wait goes on for good.  Returns -1 with
 * errno EINTR at once if a stop is already asked.
 */
int sigstop_poll(struct pollfd *fds, nfds_t n, int timeout_ms);

/* sigstop_finish: the stop itself: the report, then death by the signal. */
noreturn void sigstop_finish(void);

#endif
