/* args: the command line every program shares, and option values. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "args.h"
#include "buf.h"
#include "keyfield.h"
#include "kv.h"
#include "xalloc.h"
#include "msg.h"

static const char *usage_text = "";
static const char *help_text = "";
static char typed[128];		/* the current option as typed */

/* How each option given was typed, for messages naming two of them. */
static struct {
	int c;
	char text[32];
} typed_as[32];
static size_t ntyped;

/* Remember TYPED as the spelling of option C. */
static void
note_typed(int c)
{
	size_t i;

	for (i = 0; i < ntyped && typed_as[i].c != c; i++)
		;
	if (i == ntyped) {
		if (ntyped == sizeof typed_as / sizeof typed_as[0])
			return;
		ntyped++;
	}
	typed_as[i].c = c;
	snprintf(typed_as[i].text, sizeof typed_as[i].text, "%.31s", typed);
}

const char *
args_typed(int c)
{
	static char shortname[4];
	size_t i;

	for (i = 0; i < ntyped; i++)
		if (typed_as[i].c == c)
			return typed_as[i].text;
	snprintf(shortname, sizeof shortname, "-%c", c > 0 && c < 0x80 ? c : '?');
	return shortname;
}

void
args_conflict(int a, int b)
{
	char second[32];

	snprintf(second, sizeof second, "%s", args_typed(b));
	args_excludes(a, second);
}

void
args_excludes(int a, const char *what)
{
	usage_error("%s and %s exclude each other", args_typed(a), what);
}

void
args_needs(int a, const char *what)
{
	usage_error("%s needs %s", args_typed(a), what);
}

void
args_missing(const char *what)
{
	usage_error("missing %s", what);
}

void
args_init(const char *argv0, const char *usage, const char *help)
{
	msg_init(argv0);
	ntyped = 0;
	usage_text = usage;
	help_text = help;
}

/*
 * The end of --help and --version: status 0, or a write error said.  A
 * reader that went away (`mr-sort --help | head -1`) is a quiet end, as on
 * the data path: SIGPIPE is ignored so that the write says EPIPE.
 */
static noreturn void
exit_after_text(void)
{
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			_exit(EXIT_OK);
		if (errno == 0)
			errno = EIO;
		die("standard output: write error:");
	}
	exit(EXIT_OK);
}

void
print_help(void)
{
	printf("usage: %s\n\n%s", usage_text, help_text);
	exit_after_text();
}

void
print_version(void)
{
	printf("%s (mr-tools) %s\n", progname, MR_VERSION);
	exit_after_text();
}

static noreturn void
vusage_error(const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	die_usage(usage_text, "%s", msg);
}

void
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vusage_error(fmt, ap);
}

void
optarg_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	usage_error("%s: '%s' %s", typed, optarg ? optarg : "", msg);
}

const char *
args_option(void)
{
	return typed;
}

/* TYPED: the long option of the command-line word ARG ("--name=value"). */
static void
set_typed_long(const char *arg)
{
	size_t n = strcspn(arg, "=");

	snprintf(typed, sizeof typed, "%.*s", (int)n, arg);
}

static void
set_typed_short(int c)
{
	snprintf(typed, sizeof typed, "-%c", c);
}

/* Is C an option of SHORTOPTS or the value of a long option? */
static int
known_option(int c, const char *shortopts, const struct option *longopts)
{
	const struct option *o;

	if (c != ':' && c != '+' && c > 0 && c < 0x100 && strchr(shortopts, c))
		return 1;
	for (o = longopts; o->name != NULL; o++)
		if (o->flag == NULL && o->val == c)
			return 1;
	return 0;
}

/* How many long options does NAME (without "--", up to '=') begin? */
static int
long_matches(const char *name, size_t len, const struct option *longopts)
{
	const struct option *o;
	int n = 0;

	for (o = longopts; o->name != NULL; o++) {
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return 1;	/* exact */
		if (strncmp(o->name, name, len) == 0)
			n++;
	}
	return n;
}

/*
 * getopt_long with opterr off and ':' in front of the option letters, so
 * that each mistake comes back here and is said once, in one wording.
 */
int
args_next(int argc, char *argv[], const char *shortopts,
    const struct option *longopts)
{
	static const char *cached_for;
	static char letters[256];
	const char *word;
	int c, idx = -1;

	if (cached_for != shortopts) {
		const char *s = shortopts;
		size_t n = 0;

		if (*s == '+' || *s == '-')
			letters[n++] = *s++;
		letters[n++] = ':';
		snprintf(letters + n, sizeof letters - n, "%s", s);
		cached_for = shortopts;
	}
	opterr = 0;
	c = getopt_long(argc, argv, letters, longopts, &idx);
	if (c == -1)
		return -1;
	word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (c == ':' || c == '?') {
		/* Long options leave optind past their word; a short one in
		 * the middle of a cluster does not, so optopt decides. */
		int is_long = strncmp(word, "--", 2) == 0 && (optopt == 0 ||
		    c == ':' || known_option(optopt, shortopts, longopts));

		if (is_long)
			set_typed_long(word);
		else
			set_typed_short(optopt);
		if (c == ':')
			usage_error("%s: missing argument", typed);
		if (!is_long)
			usage_error("%s: unknown option", typed);
		if (optopt != 0)
			usage_error("%s: takes no argument", typed);
		if (long_matches(typed + 2, strlen(typed + 2), longopts) > 1)
			usage_error("%s: ambiguous option", typed);
		usage_error("%s: unknown option", typed);
	}
	if (idx >= 0)
		snprintf(typed, sizeof typed, "--%s", longopts[idx].name);
	else
		set_typed_short(c);
	note_typed(c);
	if (c == 'h')
		print_help();
	if (c == ARGS_VERSION)
		print_version();
	return c;
}

int
parse_uint(const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
parse_size(const char *arg, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (shift != 0 && strcasecmp(end, "ib") == 0)
		end += 2;
	else if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int
optarg_keyfields(void)
{
	int k = kv_parse_keyfields(optarg);

	if (k < 0)
		optarg_error("is not a key field count (the key is the first "
		    "K fields)");
	return k;
}

void
optarg_keyfield(struct keyfield_opts *o, int c)
{
	if (c == 'F') {
		if ((o->sep = keyfield_sep_arg(optarg)) == NULL)
			optarg_error("is not a key field separator (1 to 15 "
			    "bytes, or \\t)");
		return;
	}
	ARRAY_RESERVE(o->specs, o->cap, o->n + 1);
	o->specs[o->n++] = optarg;
}

size_t
keyfield_opts_make(struct keyfield_opts *o, struct keyfield *kf, int numeric,
    int reverse)
{
	const char *sep = o->sep != NULL ? o->sep : "\t";
	size_t i, n = o->n;
	char err[256];

	keyfield_init(kf, sep, strlen(sep));
	for (i = 0; i < o->n; i++)
		if (keyfield_parse_spec(kf, o->specs[i], numeric, reverse, err,
		    sizeof err) < 0)
			usage_error("%s: %s", args_typed('K'), err);
	free(o->specs);
	o->specs = NULL;
	o->n = o->cap = 0;
	return n;
}

char
optarg_separator(void)
{
	int c = kv_parse_sep(optarg);

	if (c < 0)
		optarg_error("is not a single byte");
	return (char)c;
}

uint64_t
optarg_number(uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_uint(optarg, min, max, &v) == 0)
		return v;
	if (max == UINT64_MAX)
		optarg_error("is not a number from %llu up", (unsigned long long)min);
	optarg_error("is not a number from %llu to %llu", (unsigned long long)min,
	    (unsigned long long)max);
}

int
optarg_threads(int max)
{
	return (int)optarg_number(1, (uint64_t)max);
}

uint64_t
optarg_size(uint64_t max)
{
	uint64_t v;

	if (parse_size(optarg, &v) < 0 || v == 0)
		optarg_error("is not a size (such as 4096, 64K, 16M or 2G)");
	if (v > max) {
		static const char unit[] = " KMGT";
		int u = 0;

		while (u < 4 && max % 1024 == 0) {
			max /= 1024;
			u++;
		}
		optarg_error("is over the largest size, %llu%.*s",
		    (unsigned long long)max, u > 0, unit + u);
	}
	return v;
}

int
online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n >= 1 ? (int)n : 1;
}
