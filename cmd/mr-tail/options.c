/* mr-tail: the command line -- usage, --help, the options and the
 * combinations that make no sense. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "buf.h"
#include "msg.h"
#include "xalloc.h"

#include "tail.h"

static const char usage_text[] =
    "mr-tail [-bHv] [-n N] [-s STATE] [--once [--no-commit]] [--poll MS]\n"
    "               [--retry] [--rotated GLOB]... [--rotate-wait MS]\n"
    "               [--max-line SIZE] FILE...\n"
    "       mr-tail --commit -s STATE";

static const char help_text[] =
    "Follow growing and rotating logs by name, as tail -F does, and write\n"
    "their new complete lines, none lost or repeated across rotations.\n"
    "\n"
    "  -b, --begin            start at the beginning of files the state does not know\n"
    "  -n, --lines N          start N lines before the end of such files (default 0)\n"
    "  -H, --with-name        prefix each line with its file name and a TAB\n"
    "  -s, --state STATE      resume from, and record positions in, the file STATE\n"
    "  -o, --once             write what is new now, update the state, and exit\n"
    "  -N, --no-commit        with --once: record the new positions as pending\n"
    "  -c, --commit           make the pending positions in STATE the committed ones\n"
    "  -p, --poll MS          look at every file each MS milliseconds, not inotify\n"
    "  -r, --retry            wait for files that do not exist yet\n"
    "  -g, --rotated GLOB     names beside a file matching GLOB are its rotations\n"
    "  -w, --rotate-wait MS   read a rotated file until idle MS milliseconds (5000)\n"
    "  -m, --max-line SIZE    cut lines longer than SIZE bytes, with a notice\n"
    "  -v, --verbose          at the end, the counters of lines read and losses\n"
    "  -h, --help             print this help and exit\n"
    "      --version          print the version and exit\n";

#define ROTATE_WAIT_MS 5000	/* default: a rotated file idle this long is done */

/* check_options: the combinations that make no sense, with NFILES files;
 * and MR_TAIL_MAX_WATCHES. */
static void
check_options(const struct options *o, int nfiles)
{
	const char *env;
	uint64_t v;

	if (no_commit && !o->once)
		usage_error("--no-commit needs --once");
	if (o->commit && (o->once || nfiles > 0 || state_path == NULL))
		usage_error("--commit takes only -s STATE");
	if (no_commit && state_path == NULL)
		usage_error("--no-commit needs -s STATE");
	if (!o->commit && nfiles == 0)
		args_missing("FILE");
	if ((env = getenv("MR_TAIL_MAX_WATCHES")) != NULL && *env != '\0') {
		if (parse_uint(env, 0, LONG_MAX, &v) < 0)
			die("MR_TAIL_MAX_WATCHES: invalid number '%s'", env);
		watch_limit = (long)v;
	}
}

/* parse_options: the options into *O and the globals; usage errors end
 * the program (status 2).  The index of the first file. */
int
parse_options(int argc, char *argv[], struct options *o)
{
	static const struct option longopts[] = {
		{ "begin", no_argument, NULL, 'b' },
		{ "commit", no_argument, NULL, 'c' },
		{ "with-name", no_argument, NULL, 'H' },
		{ "max-line", required_argument, NULL, 'm' },
		{ "lines", required_argument, NULL, 'n' },
		{ "no-commit", no_argument, NULL, 'N' },
		{ "once", no_argument, NULL, 'o' },
		{ "poll", required_argument, NULL, 'p' },
		{ "retry", no_argument, NULL, 'r' },
		{ "rotated", required_argument, NULL, 'g' },
		{ "rotate-wait", required_argument, NULL, 'w' },
		{ "state", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		ARGS_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	args_init(argv[0], usage_text, help_text);
	memset(o, 0, sizeof *o);
	o->how = FOLLOW_END;
	o->fo.rotate_wait_ms = ROTATE_WAIT_MS;
	o->fo.hooks = &watch_hooks;
	while ((c = args_next(argc, argv, "bcg:Hhm:Nn:op:rs:vw:", longopts)) != -1) {
		switch (c) {
		case 'b':
			o->how = FOLLOW_BEGIN;
			break;
		case 'c':
			o->commit = 1;
			break;
		case 'g':
			ARRAY_RESERVE(o->rotated, o->rotatedcap, o->nrotated + 1);
			o->rotated[o->nrotated++] = optarg;
			break;
		case 'H':
			o->fo.header = 1;
			break;
		case 'm':
			o->fo.max_line = optarg_size(UINT64_MAX);
			break;
		case 'N':
			no_commit = 1;
			break;
		case 'n':
			o->lines = optarg_number(0, UINT64_MAX);
			o->how = FOLLOW_LAST;
			break;
		case 'o':
			o->once = 1;
			break;
		case 'p':
			poll_ms = (int)optarg_number(1, 3600000);
			o->polling = 1;
			break;
		case 'r':
			o->retry = 1;
			break;
		case 's':
			state_path = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'w':
			o->fo.rotate_wait_ms = (int64_t)optarg_number(0, INT32_MAX);
			break;
		}
	}
	o->fo.rotated = o->rotated;
	o->fo.nrotated = o->nrotated;
	check_options(o, argc - optind);
	return optind;
}
