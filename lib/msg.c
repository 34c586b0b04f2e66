/* msg: one-line diagnostics on stderr. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

const char *progname = "mr";

void
msg_init(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

/* The form of byte B in a quoted field, in ESC; its length. */
static size_t
quoted_byte(unsigned char b, char esc[4])
{
	static const char hex[] = "0123456789abcdef";

	if (b == '\\' || b == '\t' || b == '\r' || b == '\n' || b == 0) {
		esc[0] = '\\';
		esc[1] = b == '\t' ? 't' : b == '\r' ? 'r' : b == '\n' ? 'n' :
		    b == 0 ? '0' : '\\';
		return 2;
	}
	if (b < 0x20 || b == 0x7f) {
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
	char esc[4];
	size_t i, n = 0, k, whole = 0, room;

	for (i = 0; i < len && whole < size; i++)
		whole += quoted_byte((unsigned char)p[i], esc);
	/* Keep room for "..." only when the whole does not fit. */
	room = whole < size ? size - 1 : size - 4;
	for (i = 0; i < len; i++) {
		k = quoted_byte((unsigned char)p[i], esc);
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

	va_start(ap, fmt);
	vmessage(file, line, fmt, ap);
	va_end(ap);
	exit(EXIT_BAD);
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
