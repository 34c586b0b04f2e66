/*
 * mr-task: run one task of a Hadoop Streaming job; the engine of mr-job.
 *
 * The job is its properties (-c FILE, -D NAME=VALUE), read by lib/streaming
 * with Hadoop's names and defaults; so is the environment the commands get.
 *
 * A map task reads its input split as Hadoop's LineRecordReader does (a
 * .gz or .bz2 file whole, through gzip or bzip2) and feeds the records to
 * the mapper.  The mapper's lines become key and value by Streaming's rules
 * (lib/streaming).  A map-only task writes them as final output.  Otherwise
 * they are sorted in the job's key order (lib/extsort: in memory, spilling
 * to the task directory beyond its budget), dealt to one file per reducer
 * by the job's partitioner, and the combiner (if any) runs on each
 * partition's sorted records, once per partition as Hadoop runs it; its
 * lines stay in that partition.  A reduce task merges its partition of
 * every map task's output and feeds it to the reducer (or the identity or
 * aggregate reducer); the reducer's lines are the final output.
 *
 * Everything between the user's commands happens here, in one process:
 * only the commands and the codecs are children.  The task's counters go to DIR/counts and its fate to
 * DIR/status, which mr-job reads; the commands' stderr goes to DIR/err,
 * mr-task's own to its stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "buf.h"
#include "extsort.h"
#include "keyfield.h"
#include "msg.h"
#include "task.h"
#include "tmpfile.h"
#include "xalloc.h"

extern char **environ;

static const char usage_text[] =
    "mr-task -d DIR [-c FILE] [-D NAME=VALUE]... -M FILE [-x OFFSET:LENGTH]\n"
    "               [-i N] [-C WORDS] [-P N] [-S SIZE] [-L NAME=PATH]... [-o FILE]\n"
    "               -- MAPPER [ARG...] [COMBINER [ARG...]]\n"
    "       mr-task -d DIR [-c FILE] [-D NAME=VALUE]... -R [-I FILE]... [-i N]\n"
    "               [-L NAME=PATH]... [-o FILE] [-- REDUCER [ARG...]]\n"
    "       mr-task --plan [-c FILE] [-D NAME=VALUE]... [--output DIR --scratch DIR]\n"
    "               [INPUT...]\n"
    "       mr-task --job -c FILE --output DIR --scratch DIR [-P N] [--verbose]\n"
    "               [-L NAME=PATH]... [-A NAME=PATH]... [--shown-output DIR]\n"
    "               [--mapper CMD] [--combiner CMD] [--reducer CMD]\n"
    "               [--reducer-kind KIND] -W M,C,R -- WORDS... INPUT...";

static const char help_text[] =
    "Run one map or reduce task of a Hadoop Streaming job, or a whole job\n"
    "(mr-job's engine).\n"
    "\n"
    "  -d DIR            the task directory: status, counts, err, partitions\n"
    "  -c FILE           the job's properties, NAME=VALUE entries ended by NUL\n"
    "  -D NAME=VALUE     a job property, after those of -c (repeatable)\n"
    "  -M FILE           a map task over FILE\n"
    "  -x OFFSET:LENGTH  the split of FILE (default: all of it)\n"
    "  -i N              the task's number (default 0)\n"
    "  -C WORDS          the last WORDS command words are the combiner\n"
    "  -R                a reduce task over the sorted files given with -I\n"
    "  -I FILE           a sorted input of the reduce task (repeatable)\n"
    "  -P N              threads of the map output's sort (--job: tasks at a time)\n"
    "  -S SIZE           sort memory of the map output (default: min(RAM/2, 4G)/CPUs)\n"
    "  -L NAME=PATH      link PATH as NAME in the working directory (repeatable)\n"
    "  -o FILE           the final output, plus a codec's extension (default: stdout)\n"
    "      --plan        check the job, print the splits of the INPUTs for mr-job\n"
    "      --output DIR  with --plan or --job: make the output directory, a new one\n"
    "      --scratch DIR  with --plan or --job: make the scratch and task directories\n"
    "      --job         plan the job, run its tasks, commit, print its counters\n"
    "  -W M,C,R          --job: mapper, combiner, reducer words; then the INPUTs\n"
    "  -A NAME=PATH      --job: an archive, unpacked once, linked as NAME\n"
    "      --verbose     --job: print the splits and the number of tasks first\n"
    "      --shown-output DIR, --mapper CMD, --combiner CMD, --reducer CMD,\n"
    "      --reducer-kind KIND  --job: the job as the user wrote it, for messages\n"
    "  -h, --help        print this help and exit\n"
    "      --version     print the version and exit\n";

enum {
	OPT_PLAN = ARGS_LONG, OPT_OUTPUT, OPT_SCRATCH, OPT_JOB, OPT_VERBOSE,
	OPT_SHOWN, OPT_MAPPER, OPT_COMBINER, OPT_REDUCER, OPT_REDUCER_KIND
};

static const struct option longopts[] = {
	{ "plan", no_argument, NULL, OPT_PLAN },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "scratch", required_argument, NULL, OPT_SCRATCH },
	{ "job", no_argument, NULL, OPT_JOB },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "shown-output", required_argument, NULL, OPT_SHOWN },
	{ "mapper", required_argument, NULL, OPT_MAPPER },
	{ "combiner", required_argument, NULL, OPT_COMBINER },
	{ "reducer", required_argument, NULL, OPT_REDUCER },
	{ "reducer-kind", required_argument, NULL, OPT_REDUCER_KIND },
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* Append ARG to the array *V of *N entries and room for *CAP. */
static void
push(char ***v, size_t *n, size_t *cap, char *arg)
{
	ARRAY_RESERVE(*v, *cap, *n + 1);
	(*v)[(*n)++] = arg;
}

/* -L NAME=PATH and -A NAME=PATH: a NAME without '/'. */
static void
check_link(const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg || memchr(arg, '/', (size_t)(eq - arg)) != NULL)
		optarg_error("is not NAME=PATH");
}

/* The words of -W M,C,R from ARGV (ARGC of them): three NULL-terminated
 * arrays, then the inputs. */
static void
job_words(struct jobspec *s, const char *spec, char **argv, int argc)
{
	unsigned long n[3];
	char ***dst[3] = { &s->map_words, &s->comb_words, &s->red_words };
	int i, at = 0;

	if (spec == NULL || sscanf(spec, "%lu,%lu,%lu", &n[0], &n[1], &n[2]) != 3)
		args_needs(OPT_JOB, "-W M,C,R");
	for (i = 0; i < 3; i++) {
		if (n[i] > (unsigned long)(argc - at))
			usage_error("-W: more words than arguments");
		*dst[i] = xcalloc(n[i] + 1, sizeof **dst[i]);
		memcpy(*dst[i], argv + at, n[i] * sizeof **dst[i]);
		at += (int)n[i];
	}
	s->inputs = argv + at;
	s->ninputs = argc - at;
}

/*
 * task_run: everything a task does after its options, from the commands'
 * environment to DIR/status (also the task of a --job child).
 */
int
task_run(struct task *t, int reduce)
{
	struct stask st;
	struct stat dirst;
	char *errpath, *cmd_path, *comb_path;

	if (keyfield_active(&job.sort))
		sort_order.kf = &job.sort;
	st = (struct stask){ .job_id = sconf_get(&conf, "mapreduce.job.id"),
	    .kind = reduce ? 'r' : 'm', .number = t->number };
	if (st.job_id == NULL)
		st.job_id = "job_local_0001";
	if (!reduce) {
		char *abs = realpath(t->input, NULL);

		st.input = abs != NULL ? abs : t->input;
		st.start = t->have_split ? t->split.start : 0;
		if (t->have_split) {
			st.length = t->split.length;
		} else {
			struct stat sb;

			st.length = stat(t->input, &sb) == 0 ? (uint64_t)sb.st_size : 0;
			t->split.start = 0;
			t->split.length = st.length;
		}
	}
	task_env = streaming_task_env(environ, &conf, &job, &st);

	/* A task directory that is not there is one error, said before any
	 * file in it (the status at exit among them) is tried. */
	if (stat(taskdir, &dirst) < 0)
		die("%s:", taskdir);
	if (!S_ISDIR(dirst.st_mode)) {
		errno = ENOTDIR;
		die("%s:", taskdir);
	}
	if (on_exit(status_at_exit, NULL) != 0)
		die("on_exit:");
	tmp_install_signals();
	link_files(t->links, t->nlinks);
	cmd_path = resolve_here(t->cmd);
	comb_path = resolve_here(t->combiner);
	errpath = task_path("err");
	if ((errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
	    O_CLOEXEC, 0666)) < 0)
		die("%s:", errpath);
	free(errpath);
	counts_open();
	if (reduce)
		run_reduce(t);
	else
		run_map(t);
	counts_close();
	write_status(1, stage, 0);
	finished = 1;
	close(errfd);
	free(cmd_path);
	free(comb_path);
	if (st.input != t->input)
		free((char *)st.input);
	streaming_env_free(task_env);
	return EXIT_OK;
}

/* task_words: the mapper (and combiner) or reducer words of task T from
 * the arguments after the options, checked. */
static void
task_words(struct task *t, int reduce, char **argv, int argc,
    uint64_t combiner_words)
{
	int nwords;

	if (taskdir == NULL)
		args_missing("-d DIR");
	if (reduce && t->input != NULL)
		args_conflict('M', 'R');
	if (!reduce && t->input == NULL)
		args_missing("-M FILE or -R");
	if (!reduce && argc == 0)
		args_missing("MAPPER");
	if (combiner_words > 0 && (reduce || combiner_words >= (uint64_t)argc))
		usage_error("-C: the combiner needs words after the mapper");
	nwords = argc - (int)combiner_words;
	if (nwords > 0) {
		t->cmd = xcalloc((size_t)nwords + 1, sizeof *t->cmd);
		memcpy(t->cmd, argv, (size_t)nwords * sizeof *t->cmd);
	}
	if (combiner_words > 0 && !job.aggregate_combiner)
		t->combiner = argv + nwords;	/* argv ends in NULL */
	if (job.reduces == 0)
		t->combiner = NULL;
}

/* What the command line asks for besides the task and the job. */
struct cmdline {
	struct task *t;
	struct jobspec *js;
	uint64_t combiner_words;	/* -C */
	int reduce, planning, jobbing;	/* -R, --plan, --job */
	char **props;			/* -D NAME=VALUE */
	size_t nprops, propcap;
	const char *conf_file, *words;	/* -c, -W */
	const char *plan_output, *plan_scratch;
};

/* The long options of --plan and --job (C) into CL. */
static void
job_option(int c, struct cmdline *cl)
{
	struct jobspec *js = cl->js;

	switch (c) {
	case OPT_PLAN:
		cl->planning = 1;
		break;
	case OPT_JOB:
		cl->jobbing = 1;
		break;
	case OPT_OUTPUT:
		cl->plan_output = optarg;
		break;
	case OPT_SCRATCH:
		cl->plan_scratch = optarg;
		break;
	case OPT_VERBOSE:
		js->verbose = 1;
		break;
	case OPT_SHOWN:
		js->output = optarg;
		break;
	case OPT_MAPPER:
		js->mapper = optarg;
		break;
	case OPT_COMBINER:
		js->combiner = optarg;
		break;
	case OPT_REDUCER:
		js->reducer = optarg;
		break;
	case OPT_REDUCER_KIND:
		js->reducer_kind = optarg;
		break;
	}
}

/*
 * parse_options: the options into CL, up to optind: the task's letters
 * here, the long options of --plan and --job in job_option.
 */
static void
parse_options(int argc, char *argv[], struct cmdline *cl)
{
	struct task *t = cl->t;
	struct jobspec *js = cl->js;
	uint64_t v;
	int c;

	/* "+": the command's own options are not ours. */
	while ((c = args_next(argc, argv, "+d:c:D:M:x:i:C:RI:P:S:L:A:W:o:h",
	    longopts)) != -1) {
		switch (c) {
		case 'A':
			check_link(optarg);
			push(&js->archives, &js->narchives, &js->archivecap,
			    optarg);
			break;
		case 'C':
			cl->combiner_words = optarg_number(1, INT_MAX);
			break;
		case 'D':
			if (strchr(optarg, '=') == NULL || *optarg == '=')
				optarg_error("is not NAME=VALUE");
			push(&cl->props, &cl->nprops, &cl->propcap, optarg);
			break;
		case 'I':
			ARRAY_RESERVE(t->inputs, t->inputcap, t->ninputs + 1);
			t->inputs[t->ninputs++] = optarg;
			break;
		case 'L':
			check_link(optarg);
			push(&t->links, &t->nlinks, &t->linkcap, optarg);
			break;
		case 'M':
			t->input = optarg;
			break;
		case 'P':
			t->sort_threads = optarg_threads(1024);
			break;
		case 'R':
			cl->reduce = 1;
			break;
		case 'S':
			v = optarg_size(UINT64_MAX);
			t->sort_budget = v < (64 << 10) ? 64 << 10 : v;
			break;
		case 'W':
			cl->words = optarg;
			break;
		case 'c':
			cl->conf_file = optarg;
			break;
		case 'd':
			taskdir = optarg;
			break;
		case 'i':
			t->number = (unsigned)optarg_number(0, 999999);
			break;
		case 'o':
			out_file = optarg;
			break;
		case 'x':
			if (hsplit_parse(optarg, &t->split) < 0)
				optarg_error("is not a split OFFSET:LENGTH");
			t->have_split = 1;
			break;
		default:
			job_option(c, cl);
			break;
		}
	}
}

int
main(int argc, char *argv[])
{
	struct task t;
	static struct jobspec js;	/* reachable to the end, in a task too */
	struct cmdline cl;
	int status;
	char err[1024];
	size_t i;

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	memset(&t, 0, sizeof t);
	memset(&js, 0, sizeof js);
	memset(&cl, 0, sizeof cl);
	cl.t = &t;
	cl.js = &js;
	t.sort_threads = 1;
	t.sort_budget = extsort_default_budget() / (uint64_t)online_cpus();
	parse_options(argc, argv, &cl);
	argc -= optind;
	argv += optind;

	sconf_init(&conf);
	if (cl.conf_file != NULL)
		sconf_load(&conf, cl.conf_file);
	for (i = 0; i < cl.nprops; i++)
		sconf_set_arg(&conf, cl.props[i]);
	free(cl.props);
	if (sjob_init(&job, &conf, err, sizeof err) < 0) {
		warn("%s", err);
		if (cl.jobbing && cl.conf_file != NULL &&
		    strncmp(cl.conf_file, "/dev/fd/", 8) != 0)
			unlink(cl.conf_file);	/* mr-job's: nothing is left */
		return EXIT_USAGE;
	}
	if (cl.planning) {
		struct plan p;

		plan_make(&p, argv, argc, cl.conf_file, cl.plan_output,
		    cl.plan_scratch);
		plan_print(&p);
		plan_free(&p);
		return EXIT_OK;
	}
	if (cl.jobbing) {
		if (cl.conf_file == NULL || cl.plan_output == NULL ||
		    cl.plan_scratch == NULL)
			args_needs(OPT_JOB, "-c FILE, --output DIR and --scratch DIR");
		js.conf_file = cl.conf_file;
		js.out_abs = cl.plan_output;
		js.scratch = cl.plan_scratch;
		js.parallel = t.sort_threads;
		js.links = t.links;
		js.nlinks = t.nlinks;
		job_words(&js, cl.words, argv, argc);
		return job_run(&js);
	}
	task_words(&t, cl.reduce, argv, argc, cl.combiner_words);
	status = task_run(&t, cl.reduce);
	free(t.cmd);
	free(t.inputs);
	free(t.links);
	sjob_free(&job);
	sconf_free(&conf);
	return status;
}
