/*
 * mr-reduce: group key-value records by key and aggregate their values
 * exactly, from sorted input (streaming, one group at a time), in a hash
 * table (-H, any order), or over time windows of a live stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "args.h"
#include "hadoop.h"
#include "kv.h"
#include "msg.h"
#include "out.h"
#include "reduce.h"
#include "sigstop.h"
#include "timefmt.h"
#include "xalloc.h"

static const char usage_text[] =
    "mr-reduce [-Hbqv] [-j N] [-k K] [-t SEP] [-n N] [-w SECONDS | -e SECONDS]\n"
    "                 [-f F [-l SECONDS]] OP[:FIELD]...";

static const char help_text[] =
    "Group key-value records by key and aggregate their values exactly:\n"
    "sorted input one group at a time, any order in a hash table (-H), or a\n"
    "live stream over time windows.\n"
    "\n"
    "  -H, --hash               accept input in any order\n"
    "  -b, --skip-bad           skip and count records with a bad or missing value\n"
    "  -q, --quiet              no notice of skipped or late records at the end\n"
    "  -v, --verbose            the input, output, skipped and late record counters\n"
    "  -j, --threads N          threads for batch work, 1 to 4 (default: one per CPU)\n"
    "  -k, --key-fields K       the key is the first K fields (default 1)\n"
    "  -t, --separator SEP      the field separator: a byte, \\t or \\0 (default TAB)\n"
    "  -n, --top N              only the N keys of the largest first result\n"
    "  -w, --window SECONDS     aggregate over tumbling windows of SECONDS\n"
    "  -e, --every SECONDS      write the running totals every SECONDS\n"
    "  -f, --time-field F       with -w: the event time is value field F\n"
    "  -l, --lateness SECONDS   with -f: keep windows open SECONDS past their end\n"
    "  -h, --help               print this help and exit\n"
    "      --version            print the version and exit\n"
    "\n"
    "OP: count sum min max range mean median q1 q3 iqr pNN mode first last\n"
    "    unique countunique collapse sstdev pstdev svar pvar; FIELD: the\n"
    "    value field it reads (default 1)\n";

static const struct option longopts[] = {
	{ "hash", no_argument, NULL, 'H' },
	{ "skip-bad", no_argument, NULL, 'b' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "threads", required_argument, NULL, 'j' },
	{ "key-fields", required_argument, NULL, 'k' },
	{ "separator", required_argument, NULL, 't' },
	{ "top", required_argument, NULL, 'n' },
	{ "window", required_argument, NULL, 'w' },
	{ "every", required_argument, NULL, 'e' },
	{ "time-field", required_argument, NULL, 'f' },
	{ "lateness", required_argument, NULL, 'l' },
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* A number of seconds, for the option being parsed. */
static int64_t
seconds_arg(void)
{
	int64_t ns;

	if (timefmt_seconds(optarg, &ns) < 0)
		optarg_error("is not a positive number of seconds");
	return ns;
}

static void
parse_options(int argc, char *argv[], struct reduce *r)
{
	int c, lateness_set = 0;
	uint64_t u;

	while ((c = args_next(argc, argv, "Hbqvj:k:t:n:w:e:f:l:h",
	    longopts)) != -1) {
		switch (c) {
		case 'H':
			r->hash = 1;
			break;
		case 'b':
			r->skip_bad = 1;
			break;
		case 'q':
			r->quiet = 1;
			break;
		case 'v':
			r->verbose = 1;
			break;
		case 'j':
			u = (uint64_t)optarg_threads(MAX_WORKERS);
			r->threads = (int)u;
			break;
		case 'k':
			r->spec.keyfields = optarg_keyfields();
			break;
		case 't':
			r->spec.sep = optarg_separator();
			break;
		case 'n':
			r->top_n = optarg_number(1, UINT64_MAX);
			break;
		case 'w':
			r->window_ns = seconds_arg();
			break;
		case 'e':
			r->every_ns = seconds_arg();
			break;
		case 'f':
			u = optarg_number(1, 1000000);
			r->time_field = (int)u;
			break;
		case 'l':
			r->lateness_ns = strcmp(optarg, "0") == 0 ? 0 :
			    seconds_arg();
			lateness_set = 1;
			break;
		}
	}
	if (r->window_ns > 0 && r->every_ns > 0)
		args_conflict('w', 'e');
	if (r->time_field > 0 && r->window_ns == 0)
		args_needs('f', "--window");
	if (lateness_set && r->time_field == 0)
		args_needs('l', "--time-field");
}

/*
 * The operations OPS[0..N): an unknown one is named whole, a bad field
 * on its own ("sum:x: 'x' is not a field number").
 */
static struct agg_op *
parse_ops(char **args, int n)
{
	struct agg_op *ops = xreallocarray(NULL, (size_t)n, sizeof *ops);
	const char *colon;
	char name[64];
	int i;

	for (i = 0; i < n; i++) {
		if (agg_parse_op(args[i], &ops[i]) == 0)
			continue;
		colon = strchr(args[i], ':');
		if (colon != NULL && (size_t)(colon - args[i]) < sizeof name) {
			snprintf(name, sizeof name, "%.*s",
			    (int)(colon - args[i]), args[i]);
			if (agg_parse_op(name, &ops[i]) == 0)
				usage_error("%s: '%s' is not a field number",
				    args[i], colon + 1);
		}
		usage_error("'%s' is not an operation", args[i]);
	}
	return ops;
}

/*
 * The end: records skipped (-b) and too late (-l) are said on stderr,
 * unless -q; the counters go to Hadoop in a task, with -v on stderr (the
 * late records only where there are windows).
 */
static void
report(struct reduce *r)
{
	char first[400];
	struct ctx *c = &r->ctx;

	if (c->skipped > 0 && !r->quiet) {
		warn_skipped(c->skipped, msg_at(first, sizeof first, r->rd.name,
		    c->skip_line, "%s", c->skip_why));
	}
	if (r->late > 0 && !r->quiet)
		warn("%llu late record%s dropped", (unsigned long long)r->late,
		    r->late == 1 ? "" : "s");
	hadoop_counter_report("input records", r->rd.line, r->verbose);
	hadoop_counter_report("output records", r->results != NULL ?
	    __atomic_load_n(r->results, __ATOMIC_RELAXED) : 0, r->verbose);
	hadoop_counter_report("skipped records", c->skipped, r->verbose);
	if (r->window_ns > 0 || r->every_ns > 0)
		hadoop_counter_report("late records", r->late, r->verbose);
}

/* The report of a run stopped by SIGINT or SIGTERM (lib/sigstop). */
static void
report_stopped(void *r)
{
	report(r);
}

int
main(int argc, char *argv[])
{
	/* The program's state lives as long as the program: what it holds
	 * (the operations' layout) is the exit's to free. */
	static struct reduce r = { .spec = KVSPEC_DEFAULT };
	static uint64_t results;
	struct agg_op *ops;

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	parse_options(argc, argv, &r);
	argc -= optind;
	argv += optind;
	if (argc == 0)
		args_missing("OP");
	ops = parse_ops(argv, argc);
	if (r.top_n > 0 && !agg_numeric(ops[0].kind))
		usage_error("--top ranks by the first result, and '%s' is not a "
		    "number", argv[0]);
	agg_spec_init(&r.agg, ops, argc);
	ctx_init(&r.ctx, &r, 0);
	if (r.threads == 0)
		r.threads = online_cpus() < MAX_WORKERS ? online_cpus() :
		    MAX_WORKERS;
	if (r.verbose || hadoop_is_task())
		r.results = &results;
	reader_open(&r.rd, "-");
	out_init(&r.out, 1, "standard output");
	sigstop_install(report_stopped, &r);
	if (r.window_ns > 0 || r.every_ns > 0)
		run_timed(&r);
	else if (r.hash || r.top_n > 0)
		run_hashed(&r);
	else if (!r.rd.may_block && r.threads > 1)
		run_grouped_parallel(&r);
	else
		run_grouped(&r);
	reader_close(&r.rd);
	out_close(&r.out);
	report(&r);
	ctx_free(&r.ctx);
	free(ops);
	return EXIT_OK;
}
