/* Unit tests of lib/args.c: the shared command line and option values. */
#include "unit.h"
#include "args.h"
#include "keyfield.h"

static void
sizes(void)
{
	uint64_t v;

	CHECK(parse_size("4096", &v) == 0 && v == 4096);
	CHECK(parse_size("64K", &v) == 0 && v == 65536);
	CHECK(parse_size("16M", &v) == 0 && v == 16u << 20);
	CHECK(parse_size("2G", &v) == 0 && v == 2ull << 30);
	CHECK(parse_size("1T", &v) == 0 && v == 1ull << 40);
	CHECK(parse_size("16MiB", &v) == 0 && v == 16u << 20);
	CHECK(parse_size("512b", &v) == 0 && v == 512);
	CHECK(parse_size("", &v) == -1);
	CHECK(parse_size("M", &v) == -1);
	CHECK(parse_size("-1", &v) == -1);
	CHECK(parse_size("12Q", &v) == -1);
	CHECK(parse_size("99999999999999999999", &v) == -1);
	CHECK(parse_size("99999999999T", &v) == -1);
}

static void
counts(void)
{
	uint64_t v;

	CHECK(parse_uint("8", 1, 8, &v) == 0 && v == 8);
	CHECK(parse_uint("0", 1, 8, &v) == -1);
	CHECK(parse_uint("9", 1, 8, &v) == -1);
	CHECK(parse_uint("+3", 0, 8, &v) == -1);
	CHECK(parse_uint("3x", 0, 8, &v) == -1);
	CHECK(online_cpus() >= 1);
}

/* ---- args_next ---- */

enum { OPT_STRICT = ARGS_LONG };

static const struct option longopts[] = {
	{ "words", no_argument, NULL, 'w' },
	{ "key-fields", required_argument, NULL, 'k' },
	{ "keep", no_argument, NULL, 'K' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

#define MAXARGS 8
static char *test_argv[MAXARGS + 1];
static int test_argc;

/* Parse the words of ARGS (NULL-terminated) from the start. */
static void
set_args(const char *const *args)
{
	test_argc = 0;
	while (args[test_argc] != NULL && test_argc < MAXARGS) {
		test_argv[test_argc] = (char *)args[test_argc];
		test_argc++;
	}
	test_argv[test_argc] = NULL;
	optind = 0;	/* glibc: start over */
	args_init("/usr/bin/mr-test", "mr-test [-wK] [-k K] [FILE...]",
	    "Test the shared command line.\n\n  -w, --words  words\n");
}

static int
next(void)
{
	return args_next(test_argc, test_argv, "wk:Kh", longopts);
}

static void
options_are_named_as_typed(void)
{
	static const char *const a[] = { "mr-test", "-wk3", "--key-fields=4",
	    "--key-f", "5", "--str", "-K", "file", NULL };

	set_args(a);
	CHECK(next() == 'w');
	CHECK_STR(args_option(), "-w");
	CHECK(next() == 'k');
	CHECK_STR(args_option(), "-k");
	CHECK_STR(optarg, "3");
	CHECK(next() == 'k');
	CHECK_STR(args_option(), "--key-fields");
	CHECK_STR(optarg, "4");
	CHECK(next() == 'k');
	CHECK_STR(args_option(), "--key-fields");	/* abbreviated */
	CHECK_STR(optarg, "5");
	CHECK(next() == OPT_STRICT);
	CHECK_STR(args_option(), "--strict");
	CHECK(next() == 'K');
	CHECK(next() == -1);
	CHECK(optind == 7);
	CHECK_STR(test_argv[optind], "file");
}

static const char *const *child_args;

static void
parse_all(void *arg)
{
	(void)arg;
	set_args(child_args);
	while (next() != -1)
		;
	if (optind < test_argc)
		optarg_error("is not what the test wants");
}

static void
bad_key(void *arg)
{
	(void)arg;
	set_args(child_args);
	while (next() != -1)
		optarg_keyfields();
}

static const char *value_kind;

/* The argument of each option as a value of the kind value_kind. */
static void
parse_values(void *arg)
{
	const char *kind = value_kind;

	(void)arg;
	set_args(child_args);
	while (next() != -1) {
		if (strcmp(kind, "separator") == 0)
			optarg_separator();
		else if (strcmp(kind, "threads") == 0)
			optarg_threads(64);
		else
			optarg_size((uint64_t)1 << 30);
	}
}

/* The stderr and status of parsing ARGS in a child with FN. */
static int
parse_in_child(void (*fn)(void *), const char *const *args, char *err,
    size_t size)
{
	int status;

	child_args = args;
	status = unit_capture_stderr(fn, err, size);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define USAGE "usage: mr-test [-wK] [-k K] [FILE...]\n"

static void
mistakes_are_one_message_and_the_usage(void)
{
	static const char *const unknown_short[] = { "mr-test", "-wx", NULL };
	static const char *const unknown_mid[] = { "mr-test", "--words", "-xw", NULL };
	static const char *const unknown_long[] = { "mr-test", "--nope=1", NULL };
	static const char *const ambiguous[] = { "mr-test", "--ke", NULL };
	static const char *const no_arg_short[] = { "mr-test", "-k", NULL };
	static const char *const no_arg_long[] = { "mr-test", "--key-fields", NULL };
	static const char *const extra_arg[] = { "mr-test", "--words=2", NULL };
	static const char *const bad_value[] = { "mr-test", "--key-fields", "5x", NULL };
	char err[1024];

	CHECK(parse_in_child(parse_all, unknown_short, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: -x: unknown option\n" USAGE);
	CHECK(parse_in_child(parse_all, unknown_mid, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: -x: unknown option\n" USAGE);
	CHECK(parse_in_child(parse_all, unknown_long, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: --nope: unknown option\n" USAGE);
	CHECK(parse_in_child(parse_all, ambiguous, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: --ke: ambiguous option\n" USAGE);
	CHECK(parse_in_child(parse_all, no_arg_short, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: -k: missing argument\n" USAGE);
	CHECK(parse_in_child(parse_all, no_arg_long, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: --key-fields: missing argument\n" USAGE);
	CHECK(parse_in_child(parse_all, extra_arg, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: --words: takes no argument\n" USAGE);
	CHECK(parse_in_child(bad_key, bad_value, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: --key-fields: '5x' is not a key field count "
	    "(the key is the first K fields)\n" USAGE);
}

static int conflict_kind;

/* Parse the options, then say the usage error of kind conflict_kind about
 * -w and -k, named as typed. */
static void
say_conflict(void *arg)
{
	(void)arg;
	set_args(child_args);
	while (next() != -1)
		;
	switch (conflict_kind) {
	case 0: args_conflict('w', 'k');
	case 1: args_excludes('k', "FILE operands");
	case 2: args_needs('k', "-w");
	default: args_missing("FILE");
	}
}

static void
conflicts_and_missing_things_have_one_wording(void)
{
	static const char *const typed[] = { "mr-test", "--wor", "-k", "3", NULL };
	static const char *const longk[] = { "mr-test", "--key-fields=3", NULL };
	static const char *const none[] = { "mr-test", NULL };
	char err[1024];

	conflict_kind = 0;
	CHECK(parse_in_child(say_conflict, typed, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: --words and -k exclude each other\n" USAGE);
	conflict_kind = 1;
	CHECK(parse_in_child(say_conflict, longk, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: --key-fields and FILE operands exclude each "
	    "other\n" USAGE);
	conflict_kind = 2;
	CHECK(parse_in_child(say_conflict, longk, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: --key-fields needs -w\n" USAGE);
	/* An option not given is named by its letter. */
	conflict_kind = 0;
	CHECK(parse_in_child(say_conflict, none, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: -w and -k exclude each other\n" USAGE);
	conflict_kind = 3;
	CHECK(parse_in_child(say_conflict, none, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: missing FILE\n" USAGE);
}

/* Run parse_values for KIND over ARGS in a child; its stderr in ERR. */
static int
values_in_child(const char *kind, const char *const *args, char *err,
    size_t size)
{
	int status;

	child_args = args;
	value_kind = kind;
	status = unit_capture_stderr(parse_values, err, size);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
option_values_have_one_wording(void)
{
	static const char *const good[] = { "mr-test", "-k", "\\t", "-k", "1G",
	    "-k", "64", NULL };
	static const char *const two_bytes[] = { "mr-test", "-k", "ab", NULL };
	static const char *const threads[] = { "mr-test", "-k", "65", NULL };
	static const char *const size[] = { "mr-test", "-k", "1X", NULL };
	static const char *const big[] = { "mr-test", "-k", "2G", NULL };
	char err[1024];

	CHECK(values_in_child("separator", good, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: -k: '1G' is not a single byte\n" USAGE);
	CHECK(values_in_child("separator", two_bytes, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: -k: 'ab' is not a single byte\n" USAGE);
	CHECK(values_in_child("threads", threads, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: -k: '65' is not a number from 1 to 64\n"
	    USAGE);
	CHECK(values_in_child("size", size, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: -k: '1X' is not a size (such as 4096, 64K, "
	    "16M or 2G)\n" USAGE);
	CHECK(values_in_child("size", big, err, sizeof err) == 2);
	CHECK_STR(err, "mr-test: -k: '2G' is over the largest size, 1G\n" USAGE);
}

/* Run the parser in a child with stdout in a file; its text in OUT. */
static int
stdout_of(const char *const *args, char *out, size_t size)
{
	char path[] = "/tmp/mr-unit-args.XXXXXX";
	int fd = mkstemp(path), status, saved;
	ssize_t n;

	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	child_args = args;
	status = unit_child_status(parse_all, NULL, NULL);
	dup2(saved, 1);
	close(saved);
	n = pread(fd, out, size - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
help_and_version_go_to_stdout(void)
{
	static const char *const help[] = { "mr-test", "-w", "--help", "-x", NULL };
	static const char *const h[] = { "mr-test", "-h", NULL };
	static const char *const version[] = { "mr-test", "--version", NULL };
	char out[1024];

	CHECK(stdout_of(help, out, sizeof out) == 0);
	CHECK_STR(out, USAGE "\nTest the shared command line.\n\n"
	    "  -w, --words  words\n");
	CHECK(stdout_of(h, out, sizeof out) == 0);
	CHECK(strncmp(out, USAGE, strlen(USAGE)) == 0);
	CHECK(stdout_of(version, out, sizeof out) == 0);
	CHECK_STR(out, "mr-test (mr-tools) " MR_VERSION "\n");
}

/* ---- -K and -F: key field specifications (mr-sort, mr-partition) ---- */

/* The -K and -F options of ARGS (as after "mr-test") into KF. */
static size_t
keyfield_options(const char *const *args, struct keyfield *kf, int numeric)
{
	struct keyfield_opts o = { 0 };
	int c;

	set_args(args);
	while ((c = args_next(test_argc, test_argv, "K:F:", longopts)) != -1)
		optarg_keyfield(&o, c);
	return keyfield_opts_make(&o, kf, numeric, 0);
}

static void
keyfield_options_make_one_specification(void)
{
	static const char *const none[] = { "mr-test", NULL };
	static const char *const two[] = { "mr-test", "-K", "2,2n", "-K", "1,1",
	    NULL };
	static const char *const sep[] = { "mr-test", "-F", ".", "-K", "2n", NULL };
	static const char *const tab[] = { "mr-test", "-F", "\\t", "-K", "2,2", NULL };
	struct keyfield kf;

	CHECK(keyfield_options(none, &kf, 0) == 0);
	CHECK(!keyfield_active(&kf));
	keyfield_free(&kf);
	/* Field 2 as a number first (10 after 9), then field 1. */
	CHECK(keyfield_options(two, &kf, 0) == 2);
	CHECK(keyfield_cmp(&kf, "b\t9", 3, "a\t10", 4) < 0);
	CHECK(keyfield_cmp(&kf, "a\t9", 3, "b\t9", 3) < 0);
	keyfield_free(&kf);
	/* -F: fields split at '.'; -n is the global flag of a bare -K. */
	CHECK(keyfield_options(sep, &kf, 0) == 1);
	CHECK(keyfield_cmp(&kf, "x.9", 3, "x.10", 4) < 0);
	keyfield_free(&kf);
	CHECK(keyfield_options(tab, &kf, 0) == 1);
	CHECK(keyfield_cmp(&kf, "z\tb", 3, "a\tc", 3) < 0);
	keyfield_free(&kf);
}

static const char *const *kf_child_args;

static void
keyfield_options_in_child(void *arg)
{
	struct keyfield kf;

	(void)arg;
	keyfield_options(kf_child_args, &kf, 0);
}

static void
bad_keyfield_options_are_usage_errors(void)
{
	static const char *const long_sep[] = { "mr-test", "-F",
	    "0123456789abcdef", NULL };
	static const char *const bad_spec[] = { "mr-test", "-K", "0,1", NULL };
	char err[1024];
	int status;

	kf_child_args = long_sep;
	status = unit_capture_stderr(keyfield_options_in_child, err, sizeof err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	CHECK_STR(err, "mr-test: -F: '0123456789abcdef' is not a key field "
	    "separator (1 to 15 bytes, or \\t)\n" USAGE);
	kf_child_args = bad_spec;
	status = unit_capture_stderr(keyfield_options_in_child, err, sizeof err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	CHECK_STR(err, "mr-test: -K: '0,1' is not a key specification (0 must "
	    "be 1 or more)\n" USAGE);
}

int
main(void)
{
	unit_module = "args";
	RUN(sizes);
	RUN(counts);
	RUN(options_are_named_as_typed);
	RUN(mistakes_are_one_message_and_the_usage);
	RUN(conflicts_and_missing_things_have_one_wording);
	RUN(option_values_have_one_wording);
	RUN(help_and_version_go_to_stdout);
	RUN(keyfield_options_make_one_specification);
	RUN(bad_keyfield_options_are_usage_errors);
	return unit_done();
}
