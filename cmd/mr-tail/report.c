/* mr-tail: what was read and lost, said at the end. */
#include <stdio.h>

#include "follow.h"
#include "hadoop.h"
#include "msg.h"

#include "tail.h"

int verbose;

/* What was read and lost: -v says it, a Hadoop task reports counters.
 * "nothing lost" only when nothing may have been. */
void
report_counts(void)
{
	struct follow_counts n = { 0 };
	char a[32], b[32], c[32], lost[160], unknown[160] = "";
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
	hadoop_counter("input lines", n.lines);
	hadoop_counter("lost bytes", n.lost_bytes);
	hadoop_counter("estimated lost lines", n.lost_lines);
	hadoop_counter("known losses", n.losses);
	hadoop_counter("unknown losses", n.unknown);
	if (!verbose)
		return;
	follow_format_count(n.lines, a, sizeof a);
	follow_format_count(n.lost_bytes, b, sizeof b);
	if (n.losses == 0 && n.unknown == 0 && n.cut_bytes > 0)
		snprintf(lost, sizeof lost, "no line lost, %s bytes cut (-m)",
		    follow_format_count(n.cut_bytes, c, sizeof c));
	else if (n.losses == 0)
		snprintf(lost, sizeof lost, n.unknown == 0 ? "nothing lost" : "");
	else if (n.lost_lines > 0)
		snprintf(lost, sizeof lost, "%s bytes (about %s lines) lost in %llu "
		    "place%s", b, follow_format_count(n.lost_lines, c, sizeof c),
		    (unsigned long long)n.losses, n.losses == 1 ? "" : "s");
	else
		snprintf(lost, sizeof lost, "%s bytes lost in %llu place%s", b,
		    (unsigned long long)n.losses, n.losses == 1 ? "" : "s");
	if (n.unknown > 0)
		snprintf(unknown, sizeof unknown, "%san unknown amount may be lost "
		    "in %llu place%s", n.losses > 0 ? "; " : "",
		    (unsigned long long)n.unknown, n.unknown == 1 ? "" : "s");
	warn("%s line%s read; %s%s", a, n.lines == 1 ? "" : "s", lost, unknown);
}
