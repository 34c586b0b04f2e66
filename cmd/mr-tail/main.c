/*
 * mr-tail: follow growing and rotating logs into pipelines, no line lost or
 * repeated.  main.c runs the phases: the command line (options.c), the
 * state and standard output (state.c), the followed names (files.c),
 * watching (watch.c), reading live or --once (run.c), and the counters at
 * the end (report.c); the rotation handling itself is lib/follow.
 */
#include <stdlib.h>

#include "args.h"
#include "follow.h"
#include "msg.h"
#include "out.h"
#include "rotdir.h"
#include "tailstate_file.h"

#include "tail.h"

int
main(int argc, char *argv[])
{
	static struct rotdir_exclude exclude;
	struct options o;
	size_t nnew;
	int first, status = EXIT_OK;

	out_ignore_sigpipe();
	first = parse_options(argc, argv, &o);
	tailstate_init(&loaded);
	tailstate_init(&start);
	if (o.commit)
		return commit_state();
	if (state_path != NULL) {
		lock_state(1);
		tailstate_load(&loaded, state_path);
	}
	if (!o.once)
		catch_signals();
	open_output();
	o.fo.out = &out;
	if (o.once)	/* a rotated file last written -w ago is idle now */
		o.fo.idle_before_ms = follow_now_ms() - o.fo.rotate_wait_ms;
	o.fo.marks = &marks;
	/* The state file, its temporaries and the output file are never
	 * taken for rotated logs (a glob such as 'app.log*' matches them). */
	rotdir_exclude_init(&exclude, state_path, 1);
	o.fo.exclude = &exclude;
	if (!o.once && !o.polling)
		start_inotify();
	/*
	 * A file new to the state is checkpointed where this run begins,
	 * before its first line is written: a run killed within its first
	 * checkpoint interval is resumed from there by identity (its lines
	 * come again), not started afresh at a name that may by then hold a
	 * newer file (the older one's lines lost).  A loss a restart
	 * reported is checkpointed at once too, before anything is read: a
	 * run killed before its first checkpoint would report it again.
	 * So is a run writing to a regular file: the state says which file
	 * and from where (see cut_torn_line in state.c).  Any other run
	 * checks that the state can be written: one that cannot stops before its first
	 * line (the next run would repeat them).
	 */
	nnew = open_files(argv + first, argc - first, o.how, o.lines, o.retry,
	    o.once, &o.fo);
	if (state_path != NULL)
		save_start_state(nnew > 0 || losses_reported());
	atexit(report_counts);
	if (o.once)
		status = read_once();
	else
		follow_loop();
	out_close(&out);
	return status;
}
