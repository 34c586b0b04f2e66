/*
 * slines: a command's output as Streaming reads it: Hadoop's LineReader
 * over a pipe, and the key and value of each line (TextOutputReader).
 */
#ifndef MR_SLINES_H
#define MR_SLINES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "record.h"

/* ---- Hadoop's LineReader over a pipe ---- */

/*
 * Lines end at "\n", "\r\n" or a lone "\r".  Lines are slices into the
 * buffer, valid until the next call.  The next '\r' is looked for once per
 * stretch of the buffer, so output without one costs a memchr per line.
 */
struct slines {
	int fd;
	const char *name;	/* for messages */
	struct buf b;		/* b.len: the end of the bytes read */
	size_t start;		/* the first byte not returned */
	size_t cr;		/* the first '\r' at or after start, or SIZE_MAX */
	size_t crdone;		/* [start, crdone) holds no '\r' but cr */
	size_t nldone;		/* [start, nldone) holds no '\n': a long line
				 * is not scanned again after each read */
	int eof;
	uint64_t n;		/* lines returned */
};

void slines_init(struct slines *l, int fd, const char *name);
void slines_free(struct slines *l);

/* slines_next: the next line in *LINE; 0 at the end.  Fatal on a read error. */
int slines_next(struct slines *l, struct slice *line);

/* ---- key and value of a command's output line ---- */

struct scollect {
	const char *sep;
	size_t seplen;
	int keys;
};

void scollect_init(struct scollect *c, const char *sep, int keys);

/*
 * scollect_keylen: the length of the key of the line P[0..LEN).  The value
 * starts at key + seplen when the key is shorter than the line, else it is
 * empty.
 */
size_t scollect_keylen(const struct scollect *c, const char *p, size_t len);

#endif
