/* mr-tail: the counters at the end -- of lines read and of losses -- and
 * the notice of lines cut by -m. */
#include <stdint.h>

#include "follow.h"
#include "hadoop.h"
#include "msg.h"

#include "tail.h"

int verbose;

/*
 * What was read and lost, as counters: on stderr with -v, in the form of
 * mr-map's and mr-reduce's ("mr-tail: counter mr-tail,known losses: 0"),
 * and to Hadoop in a Streaming task.  Lines cut by -m are said whatever
 * -v says: the output differs from the log.
 */
void
report_counts(void)
{
	struct follow_counts n = { 0 };
	char a[32], b[32];
	size_t i;

	for (i = 0; i < nfiles; i++) {
		n.lines += files[i].f.n.lines;
		n.lost_bytes += files[i].f.n.lost_bytes;
		n.lost_lines += files[i].f.n.lost_lines;
		n.losses += files[i].f.n.losses;
		n.unknown += files[i].f.n.unknown;
		n.cut_lines += files[i].f.n.cut_lines;
		n.cut_bytes += files[i].f.n.cut_bytes;
	}
	/* -m changed lines: how many, and how much of them went. */
	if (n.cut_lines > 0)
		warn("%s line%s cut at %llu bytes (-m): %s bytes dropped",
		    follow_format_count(n.cut_lines, a, sizeof a),
		    n.cut_lines == 1 ? "" : "s",
		    (unsigned long long)files[0].f.o.max_line,
		    follow_format_count(n.cut_bytes, b, sizeof b));
	hadoop_counter_report("input lines", n.lines, verbose);
	hadoop_counter_report("lost bytes", n.lost_bytes, verbose);
	hadoop_counter_report("estimated lost lines", n.lost_lines, verbose);
	hadoop_counter_report("known losses", n.losses, verbose);
	hadoop_counter_report("unknown losses", n.unknown, verbose);
}
