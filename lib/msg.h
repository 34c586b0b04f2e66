/* msg: one-line diagnostics on stderr and the exit-status conventions. */
#ifndef MR_MSG_H
#define MR_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* Exit statuses shared by every program. */
enum { EXIT_OK = 0, EXIT_BAD = 1, EXIT_USAGE = 2 };

/* The program name used as the prefix of every message (set by msg_init). */
extern const char *progname;

/* msg_init: remember argv[0]'s base name as progname. */
void msg_init(const char *argv0);

/*
 * warn/die print "progname: message\n" on stderr.  A format ending in ':'
 * has ": strerror(errno)" appended, as sbase's eprintf does.  die exits
 * with status 1 (temporary files are removed by the tmpfile atexit hook);
 * of threads dying at once, the first says why and the others wait.
 */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* warn_at/die_at: a data message, "progname: FILE:LINE: message". */
void warn_at(const char *file, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
noreturn void die_at(const char *file, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * die_at_record: "progname: FILE:LINE: WHAT: " and then the record's bytes
 * P[0..LEN) as they are (a NUL, a long line: all of it), as sort -c shows
 * its disorder; status 1.
 */
noreturn void die_at_record(const char *file, uint64_t line, const char *what,
    const char *p, size_t len);

/*
 * msg_at: "FILE:LINE: message" (FMT and its arguments) in DST of SIZE
 * bytes, cut to fit; the text warn_at and die_at print after the program
 * name, for a message said later (the first record skipped).  Returns DST.
 */
char *msg_at(char *dst, size_t size, const char *file, uint64_t line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * warn_skipped: the notice of a program that skipped N records (N > 0)
 * instead of stopping: "progname: 1 record skipped: FIRST", or
 * "progname: N records skipped; the first: FIRST", where FIRST is
 * "FILE:LINE: why" of the first one, as the error would have said it.
 */
void warn_skipped(uint64_t n, const char *first);

/*
 * msg_quote: the bytes P[0..LEN) of a record as text fit for a one-line
 * message, in DST of SIZE bytes (at least 8), NUL-terminated, returned.
 * Bytes that would hide or break the line or the terminal (below 0x20,
 * 0x7f, bytes that are not UTF-8, C1 controls) and the backslash are
 * escaped as in C (\t \r \n \0 \\ \xHH), so a NUL or a CR in a field
 * shows where it is instead of cutting the message; what does not fit ends
 * in "...".  Printable ASCII and UTF-8 characters are kept.
 */
#define MSG_QUOTE_MAX 256
char *msg_quote(char *dst, size_t size, const char *p, size_t len);

/* die_usage: "progname: message" then the usage line; exit status 2. */
noreturn void die_usage(const char *usage_line, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
