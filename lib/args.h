/*
 * args: the command line every program shares, and option values.
 *
 * The habits: -h and --help print "usage: SYNOPSIS", a blank line and the
 * help (a line saying what the program does, then every option, one line
 * each, in the order of the man page) on standard output, status 0;
 * --version prints "PROG (mr-tools) VERSION", status 0.  A mistake on the
 * command line is one line on standard error, "PROG: PROBLEM", then the
 * usage, status 2.  A problem with an option names the option as it was
 * typed, then the problem:
 *
 *	mr-sort: -x: unknown option
 *	mr-sort: --key-fields: missing argument
 *	mr-sort: -k: '2,2n' is not a key field count (the key is the first K fields)
 */
#ifndef MR_ARGS_H
#define MR_ARGS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#define MR_VERSION "0.1.0"

/*
 * The getopt_long value of --version.  Long options without a short letter
 * take values from ARGS_LONG up.
 */
enum { ARGS_VERSION = 0x100, ARGS_LONG = 0x101 };

/* The entries every long option table ends with (before the NULL one). */
#define ARGS_COMMON_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, ARGS_VERSION }

/*
 * args_init: start a program: its name for messages (msg_init), its usage
 * (the synopsis lines, without "usage: ") and its help text.
 */
void args_init(const char *argv0, const char *usage, const char *help);

/*
 * args_next: the next option, as getopt_long(3) returns it (SHORTOPTS may
 * start with '+'; -1 after the last option), with the shared habits: -h,
 * --help and --version are answered here, and an unknown option, a missing
 * argument or an argument to an option that takes none is a usage error.
 * LONGOPTS ends with ARGS_COMMON_LONGOPTS and a NULL entry.
 */
int args_next(int argc, char *argv[], const char *shortopts,
    const struct option *longopts);

/* args_option: the option args_next returned last, as typed ("-k", "--key"). */
const char *args_option(void);

/*
 * args_typed: how option C (a value args_next returned) was last typed
 * ("-P" or "--print"); "-C" if it was not given.
 */
const char *args_typed(int c);

/*
 * The usage errors of options that do not go together, and of what is
 * missing, in one wording for every program.  A (and B) are option values
 * args_next returned, named as the user typed them; WHAT is text:
 *
 *	args_conflict	"PROG: A and B exclude each other"
 *	args_excludes	"PROG: A and WHAT exclude each other"
 *			("--input and FILE operands exclude each other")
 *	args_needs	"PROG: A needs WHAT" ("--time-field needs --window")
 *	args_missing	"PROG: missing WHAT" ("missing -n N", "missing FILE"),
 *			for a required option or operand not given
 */
noreturn void args_conflict(int a, int b);
noreturn void args_excludes(int a, const char *what);
noreturn void args_needs(int a, const char *what);
noreturn void args_missing(const char *what);

/* usage_error: "PROG: MESSAGE", then the usage, on stderr; status 2. */
noreturn void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * optarg_error: the argument of the current option is wrong: "PROG: OPT:
 * 'ARG' MESSAGE" ("is not a key field count"), then the usage; status 2.
 */
noreturn void optarg_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * The option values several programs take, parsed from optarg; a bad one
 * is an optarg_error in one wording for all programs:
 *
 *	optarg_keyfields: -k K, "is not a key field count (the key is the
 *	    first K fields)"
 *	optarg_separator: -t SEP, one byte, \t or \0: "is not a single byte"
 *	optarg_number: a whole number from MIN to MAX, "is not a number
 *	    from MIN to MAX" (or "from MIN up" when MAX is UINT64_MAX); every
 *	    count, index and number of threads is one
 *	optarg_threads: optarg_number from 1 to MAX
 *	optarg_size: a parse_size size from 1 to MAX, "is not a size (such as
 *	    4096, 64K, 16M or 2G)", or "is over the largest size, MAX"
 */
int optarg_keyfields(void);
char optarg_separator(void);
uint64_t optarg_number(uint64_t min, uint64_t max);
int optarg_threads(int max);
uint64_t optarg_size(uint64_t max);

/*
 * The -K POS1[,POS2] and -F SEP options of mr-sort and mr-partition:
 * Hadoop's key field specifications (lib/keyfield) and their separator,
 * collected while the options are parsed, made one keyfield after them.
 * optarg_keyfield takes the current option C ('K' or 'F'); an -F that is
 * not a separator (1 to 15 bytes, or \t as typed) is an optarg_error.
 * keyfield_opts_make builds KF with the global flags NUMERIC and REVERSE
 * for specifications without their own; a bad specification is a usage
 * error "-K: 'SPEC' is not a key specification (WHY)", -K named as typed.
 * It returns the number of -K options given.
 */
struct keyfield;
struct keyfield_opts {
	const char *sep;	/* -F; NULL: TAB */
	const char **specs;	/* each -K argument */
	size_t n, cap;
};

void optarg_keyfield(struct keyfield_opts *o, int c);
size_t keyfield_opts_make(struct keyfield_opts *o, struct keyfield *kf,
    int numeric, int reverse);

/* print_help: the usage and the help on stdout, then exit 0. */
noreturn void print_help(void);

/* print_version: "PROG (mr-tools) VERSION" on stdout, then exit 0. */
noreturn void print_version(void);

/*
 * parse_size: "4096", "64K", "16M", "2G", "1T" (powers of 1024; a trailing
 * "B" or "iB" allowed).  Returns 0, or -1 if ARG is not such a size.
 */
int parse_size(const char *arg, uint64_t *out);

/* parse_uint: a decimal integer in [MIN, MAX].  Returns 0, or -1. */
int parse_uint(const char *arg, uint64_t min, uint64_t max, uint64_t *out);

/* online_cpus: the number of online CPUs, at least 1. */
int online_cpus(void);

#endif
