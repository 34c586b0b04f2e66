/* msg: one-line diagnostics on stderr. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

const char *progname = "mr";

/*
 * The first thread to die says why and ends the program; another thread
 * that dies meanwhile waits here for the end: one error is one message,
 * and exit(3) is not for two threads at once.  Recursive, so that the
 * dying thread may still die in an exit handler.
 */
static pthread_mutex_t dying = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

void
msg_init(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

/*
 * Build the whole line first and write it with one call, so that messages
 * of parallel tasks sharing a stderr never interleave inside a line.
 */
static void
vmessage(const char *file, uint64_t line, const char *fmt, va_list ap)
{
	char buf[4096];
	int saved = errno;
	size_t n, len;

	if (file != NULL)
		n = (size_t)snprintf(buf, sizeof buf, "%s: %s:%llu: ", progname,
		    file, (unsigned long long)line);
	else
		n = (size_t)snprintf(buf, sizeof buf, "%s: ", progname);
	if (n < sizeof buf)
		n += (size_t)vsnprintf(buf + n, sizeof buf - n, fmt, ap);
	len = strlen(fmt);
	if (len > 0 && fmt[len - 1] == ':' && n < sizeof buf)
		n += (size_t)snprintf(buf + n, sizeof buf - n, " %s",
		    strerror(saved));
	if (n >= sizeof buf - 1)
		n = sizeof buf - 2;
	buf[n++] = '\n';
	fflush(stdout);
	fwrite(buf, 1, n, stderr);
	errno = saved;
}

void
warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(NULL, 0, fmt, ap);
	va_end(ap);
}

void
die(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&dying);
	va_start(ap, fmt);
	vmessage(NULL, 0, fmt, ap);
	va_end(ap);
	exit(EXIT_BAD);
}

void
warn_at(const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(file, line, fmt, ap);
	va_end(ap);
}

void
die_at(const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&dying);
	va_start(ap, fmt);
	vmessage(file, line, fmt, ap);
	va_end(ap);
	exit(EXIT_BAD);
}

void
warn_skipped(uint64_t n, const char *first)
{
	if (n == 1)
		warn("1 record skipped: %s", first);
	else
		warn("%llu records skipped; the first: %s",
		    (unsigned long long)n, first);
}

void
die_usage(const char *usage_line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(NULL, 0, fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: %s\n", usage_line);
	exit(EXIT_USAGE);
}
