/*
 * record: a block reader that hands out records (lines) as slices.
 *
 * read(2) fills a large buffer; memchr finds each '\n'.  A record is a
 * (pointer, length) slice into the buffer, valid until the next call.  There
 * is no line-length limit: the buffer grows to hold the longest record.
 * "\r\n" ends a record like "\n"; a last line without '\n' is a record (a
 * '\r' ending it is dropped too); a UTF-8 byte-order mark at the start of
 * the input is dropped; NUL bytes and a lone '\r' are ordinary bytes (to
 * Hadoop's reader, lib/hsplit, a lone '\r' ends a line).
 */
#ifndef MR_RECORD_H
#define MR_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A byte string that is not NUL-terminated. */
struct slice {
	char *p;
	size_t len;
};

/* The size of one read(2) (at least); the buffer starts at twice this. */
#define READER_BLOCK (256 * 1024)

struct reader {
	int fd;
	int owns_fd;		/* close fd in reader_close */
	const char *name;	/* for messages: a path or "-" */
	char *buf;		/* allocated by the first read */
	size_t cap;
	size_t block;		/* bytes asked of one read(2): READER_BLOCK */
	size_t start;		/* first unconsumed byte */
	size_t end;		/* end of valid data */
	size_t scan;		/* bytes from start already known to hold no '\n' */
	uint64_t line;		/* number of the record last returned (1-based) */
	uint64_t offset;	/* input offset just past the last record returned */
	int eof;
	int at_start;		/* nothing read yet: a BOM may follow */
	int keep_cr;		/* hand out "\r\n" records with their '\r' */
	int may_block;		/* fd is a pipe, socket or terminal */
	void (*idle)(void *);	/* called before a read that would block */
	void *idle_arg;
};

/* reader_open: open PATH ("-" is stdin) for reading; dies on failure. */
void reader_open(struct reader *r, const char *path);
/* reader_init_fd: read from an already open fd; NAME is used in messages. */
void reader_init_fd(struct reader *r, int fd, const char *name);
/* reader_close: free the buffer and close the fd if reader_open opened it. */
void reader_close(struct reader *r);

/*
 * reader_set_idle: call FN(ARG) whenever the next read would block (no input
 * ready on a pipe or terminal).  Programs pass out_flush here: that is the
 * "live" mode, where a record reaches the next program as soon as the input
 * pauses, while batch runs still write in large blocks.
 */
void reader_set_idle(struct reader *r, void (*fn)(void *), void *arg);

/*
 * reader_set_block: read in blocks of BLOCK bytes (>= 1) instead of
 * READER_BLOCK; call it before the first read.  For tests: a small block
 * makes records cross block ends and the buffer move and grow often.
 */
void reader_set_block(struct reader *r, size_t block);

/*
 * reader_next: the next record in *rec (without its terminator).  Returns 1,
 * or 0 at end of input.  A read error is fatal ("progname: NAME: reason").
 */
int reader_next(struct reader *r, struct slice *rec);

/*
 * reader_fill: low-level access for programs that consume whole blocks
 * (a sort loading its input, a splitter copying bytes).  Makes at least one
 * more byte available unless at end of input; returns the number of bytes
 * now buffered from r->buf + r->start.  reader_consume marks N of them used.
 * The BOM rule applies; CR handling and line counting do not.
 */
size_t reader_fill(struct reader *r);
void reader_consume(struct reader *r, size_t n);

#endif
