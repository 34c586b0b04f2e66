/*
 * mr-split: cut input into chunks at record boundaries for parallel
 * mappers (chunks.c), or plan and read Hadoop input splits (hadoop.c:
 * FileSplit and LineRecordReader rules).
 */
#include <stdint.h>

#include "args.h"
#include "hsplit.h"
#include "msg.h"
#include "out.h"
#include "split.h"

static const char usage_text[] =
    "mr-split [-n N | -b SIZE | -l LINES] [-p PREFIX] [FILE...]\n"
    "       mr-split -i [-S] [-n MAPS] [-b BLOCKSIZE] FILE...\n"
    "       mr-split -r OFFSET:LENGTH FILE";

static const char help_text[] =
    "Cut input into chunk files PREFIX00000 ... (default split-) at record\n"
    "boundaries; print each path as soon as its chunk is complete.\n"
    "\n"
    "  -n, --number N       N chunks of nearly equal size (default: CPUs); -i: maps\n"
    "  -b, --bytes SIZE     chunks of at most SIZE bytes; -i: the block size (128M)\n"
    "  -l, --lines LINES    chunks of LINES records\n"
    "  -p, --prefix PREFIX  chunk file names (default split-)\n"
    "  -i, --index          print Hadoop's splits: FILE TAB OFFSET TAB LENGTH\n"
    "  -S, --largest-first  with -i: in map task order, largest split first\n"
    "  -r, --read OFF:LEN   print the records Hadoop reads for that split of FILE\n"
    "  -h, --help           print this help and exit\n"
    "      --version        print the version and exit\n";

static const struct option longopts[] = {
	{ "number", required_argument, NULL, 'n' },
	{ "bytes", required_argument, NULL, 'b' },
	{ "lines", required_argument, NULL, 'l' },
	{ "prefix", required_argument, NULL, 'p' },
	{ "index", no_argument, NULL, 'i' },
	{ "largest-first", no_argument, NULL, 'S' },
	{ "read", required_argument, NULL, 'r' },
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* Keep the first two different ones of -n, -b and -l, to name a conflict. */
static void
note_mode(int mode_opt[2], int *modes, int c)
{
	if (*modes == 0 || (*modes == 1 && mode_opt[0] != c))
		mode_opt[(*modes)++] = c;
}

int
main(int argc, char *argv[])
{
	static char *stdin_only[] = { "-", NULL };
	uint64_t number = 0, bytes = 0, lines = 0;
	const char *range = NULL, *prefix = "split-";
	struct out out;
	int c, index = 0, modes = 0, largest_first = 0;
	int mode_opt[2] = { 0, 0 };	/* the first two of -n, -b, -l given */

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	while ((c = args_next(argc, argv, "n:b:l:p:iSr:h", longopts)) != -1) {
		switch (c) {
		case 'n':
			number = optarg_number(1, 1000000);
			note_mode(mode_opt, &modes, c);
			break;
		case 'b':
			bytes = optarg_size(UINT64_MAX);
			note_mode(mode_opt, &modes, c);
			break;
		case 'l':
			lines = optarg_number(1, UINT64_MAX);
			note_mode(mode_opt, &modes, c);
			break;
		case 'p':
			prefix = optarg;
			break;
		case 'i':
			index = 1;
			break;
		case 'S':
			largest_first = 1;
			break;
		case 'r':
			range = optarg;
			break;
		}
	}
	argc -= optind;
	argv += optind;

	if (range != NULL) {
		if (index || modes || largest_first)
			args_conflict('r', index ? 'i' : modes ? mode_opt[0] : 'S');
		if (argc != 1)
			args_needs('r', "one FILE");
		out_init(&out, 1, "standard output");
		read_split(&out, range, argv[0]);
	} else if (index) {
		if (lines)
			args_conflict('i', 'l');
		if (argc == 0)
			args_needs('i', "FILE operands");
		out_init(&out, 1, "standard output");
		print_index(&out, argv, argc, number, bytes ? bytes : HSPLIT_BLOCK_DEFAULT,
		    largest_first);
	} else {
		if (modes > 1)
			args_conflict(mode_opt[0], mode_opt[1]);
		if (largest_first)
			args_needs('S', "-i");
		/* A closed stdout drops the listing only (out_init_child). */
		out_init_child(&out, 1, "standard output");
		if (argc == 0) {
			argv = stdin_only;
			argc = 1;
		}
		if (modes == 0)
			number = (uint64_t)online_cpus();
		split_chunks(&out, prefix, argv, argc, number, bytes, lines);
	}
	out_close(&out);
	return EXIT_OK;
}
