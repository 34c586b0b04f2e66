/*
 * mr-map: turn raw input (text, logs, JSON lines) into key-value records,
 * with built-in mappers in C (builtin.c), or by running N copies of a
 * Hadoop Streaming mapper command in parallel (pool.c).
 */
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "map.h"
#include "msg.h"
#include "out.h"

static const char usage_text[] =
    "mr-map -w|-a [-lqv] [--strict] [FILE...]\n"
    "       mr-map [-d DELIM] [-K LIST] [-V LIST] [-lqv] [--strict] [FILE...]\n"
    "       mr-map -e REGEX [-g] [-K LIST] [-V LIST] [-lqv] [--strict] [FILE...]\n"
    "       mr-map -j -K PATHS [-V PATHS] [-lqv] [--strict] [FILE...]\n"
    "       mr-map [-P N] [-b SIZE] [-o] [-i FILE] [--] COMMAND [ARG...]";

static const char help_text[] =
    "Turn text, logs and JSON lines into key-value records (KEY TAB VALUE),\n"
    "or run N copies of a Hadoop Streaming mapper command.\n"
    "\n"
    "Built-in mappers:\n"
    "  -w, --words            every token between blanks: TOKEN TAB 1\n"
    "  -a, --alnum            every run of ASCII letters, digits and UTF-8 bytes\n"
    "  -d, --delimiter DELIM  fields end at the byte DELIM (default: runs of blanks)\n"
    "  -K, --key LIST         the key: fields (1,3-5), groups of -e, paths of -j\n"
    "  -V, --value LIST       the value, likewise (default: the constant 1)\n"
    "  -e, --regex REGEX      match a POSIX extended regular expression\n"
    "  -g, --global           with -e, every match of a record, not only the first\n"
    "  -j, --json             JSON lines; -K and -V name dotted paths (user.id)\n"
    "  -l, --lower            lowercase ASCII letters of the key\n"
    "  -v, --verbose          the input, output and skipped record counters\n"
    "  -q, --quiet            no notice of skipped records at the end\n"
    "      --strict           a record that cannot be mapped is an error\n"
    "Command mappers:\n"
    "  -P, --parallel N       run N copies (default: one per CPU)\n"
    "  -b, --block-size SIZE  deal the input in blocks of about SIZE bytes (1M)\n"
    "  -o, --ordered          output in input order (one range of input per copy)\n"
    "  -i, --input FILE       read FILE, and name it to the copies as Hadoop does\n"
    "  -h, --help             print this help and exit\n"
    "      --version          print the version and exit\n";

enum { OPT_STRICT = ARGS_LONG };

static const struct option longopts[] = {
	{ "words", no_argument, NULL, 'w' },
	{ "alnum", no_argument, NULL, 'a' },
	{ "delimiter", required_argument, NULL, 'd' },
	{ "key", required_argument, NULL, 'K' },
	{ "value", required_argument, NULL, 'V' },
	{ "regex", required_argument, NULL, 'e' },
	{ "global", no_argument, NULL, 'g' },
	{ "json", no_argument, NULL, 'j' },
	{ "lower", no_argument, NULL, 'l' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "parallel", required_argument, NULL, 'P' },
	{ "block-size", required_argument, NULL, 'b' },
	{ "ordered", no_argument, NULL, 'o' },
	{ "input", required_argument, NULL, 'i' },
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* Option C chooses the mapper M. */
static void
set_mode(struct options *opt, enum mode m, int c)
{
	if (opt->mode != M_NONE && opt->mode != m)
		args_conflict(opt->mode_opt, c);
	opt->mode = m;
	opt->mode_opt = c;
}

/* Remember C as the first option of its kind (*FIRST) given. */
static void
note_first(int *first, int c)
{
	if (*first == 0)
		*first = c;
}

/* Options end at the first operand ('+'), so that a command's own options
 * stay its own. */
static void
parse_options(int argc, char *argv[], struct options *opt)
{
	int ch;

	while ((ch = args_next(argc, argv, "+wad:K:V:e:gjlvqP:b:oi:h",
	    longopts)) != -1) {
		switch (ch) {
		case 'w': set_mode(opt, M_WORDS, ch); break;
		case 'a': set_mode(opt, M_ALNUM, ch); break;
		case 'd':
			set_mode(opt, M_FIELDS, ch);
			opt->delim = (unsigned char)optarg_separator();
			break;
		case 'K': opt->keys = optarg; break;
		case 'V': opt->values = optarg; break;
		case 'e': set_mode(opt, M_REGEX, ch); opt->regex = optarg; break;
		case 'g': opt->every = 1; break;
		case 'j': set_mode(opt, M_JSON, ch); break;
		case 'l': opt->lower = 1; break;
		case 'v': opt->verbose = 1; break;
		case 'q': opt->quiet = 1; break;
		case OPT_STRICT: opt->strict = 1; break;
		case 'P': opt->copies = optarg_number(1, 1024); break;
		case 'b': opt->block = optarg_size((uint64_t)1 << 40); break;
		case 'o': opt->ordered = 1; break;
		case 'i': opt->input = optarg; break;
		}
		if (strchr("lgqv", ch) != NULL || ch == OPT_STRICT)
			note_first(&opt->builtin_opt, ch);
		if (strchr("Pbo", ch) != NULL)
			note_first(&opt->command_opt, ch);
	}
}

int
main(int argc, char *argv[])
{
	struct options opt = { .delim = -1, .block = 1 << 20 };
	struct out out;

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	parse_options(argc, argv, &opt);
	argc -= optind;
	argv += optind;
	if (opt.mode == M_NONE && (opt.keys || opt.values))
		set_mode(&opt, M_FIELDS, opt.keys ? 'K' : 'V');
	out_init(&out, 1, "standard output");
	if (opt.mode == M_NONE) {
		if (argc == 0)
			args_missing("mapper (-w, -a, -d, -K, -e, -j or COMMAND)");
		if (opt.builtin_opt != 0)
			args_excludes(opt.builtin_opt, "COMMAND");
		pool_run(&opt, argv, &out);
	} else {
		if (opt.command_opt != 0)
			args_conflict(opt.command_opt, opt.mode_opt);
		if (opt.every && opt.mode != M_REGEX)
			args_needs('g', "-e");
		if (opt.input != NULL) {
			if (argc > 0)
				args_excludes('i', "FILE operands");
			argv = (char **)&opt.input;
			argc = 1;
		}
		builtin_run(&opt, argv, argc, &out);
	}
	out_close(&out);
	return EXIT_OK;
}
