/* msg: one-line diagnostics on stderr. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "java.h"
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
 * The form in a quoted field of the character at P (of at most LEN bytes),
 * in ESC; its length.  *USED is the count of bytes of P it stands for.
 */
static size_t
quoted_char(const unsigned char *p, size_t len, char esc[4], size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b = p[0];
	uint32_t cp;
	size_t n;

	*used = 1;
	if (b == '\\' || b == '\t' || b == '\r' || b == '\n' || b == 0) {
		esc[0] = '\\';
		esc[1] = b == '\t' ? 't' : b == '\r' ? 'r' : b == '\n' ? 'n' :
		    b == 0 ? '0' : '\\';
		return 2;
	}
	/* A UTF-8 character is kept, but a C1 control (U+0080-U+009F, which
	 * some terminals obey as ESC sequences); a malformed one (U+FFFD
	 * from bytes other than its own) is escaped byte by byte. */
	if (b >= 0x80) {
		n = java_utf8_next(p, len, &cp);
		if (n > 1 && !(cp >= 0x80 && cp <= 0x9f) && (cp != 0xfffd ||
		    (n == 3 && memcmp(p, JAVA_REPLACEMENT, 3) == 0))) {
			memcpy(esc, p, n);
			*used = n;
			return n;
		}
	}
	if (b < 0x20 || b >= 0x7f) {
		esc[0] = '\\';
		esc[1] = 'x';
		esc[2] = hex[b >> 4];
		esc[3] = hex[b & 15];
		return 4;
	}
	esc[0] = (char)b;
	return 1;
}

char *
msg_quote(char *dst, size_t size, const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;
	char esc[4];
	size_t i, n = 0, k, used, whole = 0, room;

	for (i = 0; i < len && whole < size; i += used)
		whole += quoted_char(u + i, len - i, esc, &used);
	/* Keep room for "..." only when the whole does not fit. */
	room = whole < size ? size - 1 : size - 4;
	for (i = 0; i < len; i += used) {
		k = quoted_char(u + i, len - i, esc, &used);
		if (n + k > room) {
			memcpy(dst + n, "...", 3);
			n += 3;
			break;
		}
		memcpy(dst + n, esc, k);
		n += k;
	}
	dst[n] = '\0';
	return dst;
}

/*
 * Build the whole line first and write it with one call, so that messages
 * of parallel tasks sharing a stderr never interleave inside a line.
 */
/* "FILE:LINE: " into BUF of SIZE bytes; the length it would have. */
static size_t
place(char *buf, size_t size, const char *file, uint64_t line)
{
	return (size_t)snprintf(buf, size, "%s:%llu: ", file,
	    (unsigned long long)line);
}

char *
msg_at(char *dst, size_t size, const char *file, uint64_t line,
    const char *fmt, ...)
{
	size_t n = place(dst, size, file, line);
	va_list ap;

	if (n < size) {
		va_start(ap, fmt);
		vsnprintf(dst + n, size - n, fmt, ap);
		va_end(ap);
	}
	return dst;
}

static void
vmessage(const char *file, uint64_t line, const char *fmt, va_list ap)
{
	char buf[4096];
	int saved = errno;
	size_t n, len;

	n = (size_t)snprintf(buf, sizeof buf, "%s: ", progname);
	if (file != NULL && n < sizeof buf)
		n += place(buf + n, sizeof buf - n, file, line);
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
die_at_record(const char *file, uint64_t line, const char *what,
    const char *p, size_t len)
{
	char head[4096], *whole;
	int n;

	pthread_mutex_lock(&dying);
	n = snprintf(head, sizeof head, "%s: %s:%llu: %s: ", progname, file,
	    (unsigned long long)line, what);
	if (n < 0 || (size_t)n >= sizeof head)
		n = (int)sizeof head - 1;
	fflush(stdout);
	/* One write for the line, as vmessage does, if memory allows. */
	if ((whole = malloc((size_t)n + len + 1)) != NULL) {
		memcpy(whole, head, (size_t)n);
		memcpy(whole + n, p, len);
		whole[(size_t)n + len] = '\n';
		fwrite(whole, 1, (size_t)n + len + 1, stderr);
	} else {
		fwrite(head, 1, (size_t)n, stderr);
		fwrite(p, 1, len, stderr);
		fputc('\n', stderr);
	}
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
