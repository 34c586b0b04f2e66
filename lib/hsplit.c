/* hsplit: Hadoop split planning and LineRecordReader (see hsplit.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hsplit.h"
#include "msg.h"
#include "xalloc.h"

#define HSPLIT_READ (256 * 1024)
#define NO_NL UINT64_MAX

uint64_t
hsplit_size(uint64_t goal, uint64_t minsize, uint64_t block)
{
	uint64_t s = goal < block ? goal : block;

	if (s < minsize)
		s = minsize;
	return s > 0 ? s : 1;
}

void
hsplit_plan_init(struct hsplit_plan *p, uint64_t size, uint64_t split)
{
	p->size = size;
	p->split = split > 0 ? split : 1;
	p->remaining = size;
	p->done = 0;
}

/*
 * The loop of FileInputFormat.getSplits: full splits while the rest is
 * more than SPLIT_SLOP times the split size (compared in double, as Java
 * does), then the rest as one split.  An empty file gets one empty split.
 */
int
hsplit_plan_next(struct hsplit_plan *p, struct hsplit *s)
{
	if (p->done)
		return 0;
	s->start = p->size - p->remaining;
	if ((double)p->remaining / (double)p->split > HSPLIT_SLOP) {
		s->length = p->split;
		p->remaining -= p->split;
		return 1;
	}
	s->length = p->remaining;
	p->remaining = 0;
	p->done = 1;
	return s->length > 0 || p->size == 0;
}

void
hsplit_reader_init(struct hsplit_reader *r, int fd, const char *name,
    struct hsplit s)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->name = name;
	r->start = s.start;
	r->end = s.start + s.length < s.start ? UINT64_MAX : s.start + s.length;
	r->pos = s.start;
	r->bufpos = s.start;
	/* A split of a few bytes (a test, a tiny file) needs no big buffer;
	 * a long line grows it anyway. */
	r->chunk = s.length < HSPLIT_READ - 4096 ? (size_t)s.length + 4096 : HSPLIT_READ;
	r->cap = 2 * r->chunk;
	r->buf = xmalloc(r->cap);
	r->nl_at = NO_NL;
}

void
hsplit_reader_free(struct hsplit_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

uint64_t
hsplit_reader_copy(struct hsplit_reader *r, struct out *o)
{
	struct slice rec;
	uint64_t n = 0;

	while (!o->closed && hsplit_reader_next(r, &rec, NULL)) {
		out_write(o, rec.p, rec.len);
		out_byte(o, '\n');
		n++;
	}
	return n;
}

/* The decimal number written in [P, END) into *V: -1 if it is empty,
 * holds another byte, or exceeds UINT64_MAX. */
static int
parse_count(const char *p, const char *end, uint64_t *v)
{
	uint64_t d;

	if (p == end)
		return -1;
	for (*v = 0; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		d = (uint64_t)(*p - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	return 0;
}

int
hsplit_parse(const char *arg, struct hsplit *s)
{
	const char *colon = strchr(arg, ':');

	if (colon == NULL || parse_count(arg, colon, &s->start) < 0 ||
	    parse_count(colon + 1, colon + 1 + strlen(colon + 1), &s->length) < 0)
		return -1;
	return 0;
}

/*
 * Read more of the file after the valid data, first dropping what lies
 * before head and growing the buffer when a long line fills it.  Sets eof
 * when the file ends.
 */
static void
fill(struct hsplit_reader *r)
{
	ssize_t n;

	if (r->head > 0 && r->cap - r->tail < r->chunk) {
		memmove(r->buf, r->buf + r->head, r->tail - r->head);
		r->bufpos += r->head;
		r->tail -= r->head;
		r->head = 0;
	}
	if (r->cap - r->tail < r->chunk) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	do
		n = pread(r->fd, r->buf + r->tail, r->cap - r->tail,
		    (off_t)(r->bufpos + r->tail));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s:", r->name);
	if (n == 0)
		r->eof = 1;
	r->tail += (size_t)n;
}

/*
 * The buffer index of the first '\n' or '\r' at or after index FROM, or
 * (size_t)-1 if none is buffered.  The position of the next '\n' is
 * remembered, so a file of lone-'\r' lines is not rescanned for '\n' on
 * every line.
 */
static size_t
find_eol(struct hsplit_reader *r, size_t from)
{
	uint64_t off = r->bufpos + from, to = r->bufpos + r->tail;
	size_t nl;
	char *q, *c;

	if (r->nl_at != NO_NL && r->nl_at >= off) {
		nl = (size_t)(r->nl_at - r->bufpos);
	} else {
		uint64_t scan = off;

		if (r->nl_at == NO_NL && r->nl_to > off && r->nl_from <= off)
			scan = r->nl_to;
		q = memchr(r->buf + (scan - r->bufpos), '\n', (size_t)(to - scan));
		r->nl_from = off;
		if (q != NULL) {
			r->nl_at = r->bufpos + (uint64_t)(q - r->buf);
			nl = (size_t)(q - r->buf);
		} else {
			r->nl_at = NO_NL;
			r->nl_to = to;
			nl = r->tail;
		}
	}
	c = memchr(r->buf + from, '\r', nl - from);
	if (c != NULL)
		return (size_t)(c - r->buf);
	return nl < r->tail ? nl : (size_t)-1;
}

/*
 * Hadoop's LineReader.readLine: the line at pos in *rec, without its
 * terminator.  Returns the bytes consumed (line and terminator); 0 only at
 * the end of the file.  Without HOLD the line is only skipped: what was
 * scanned is dropped before each read, so that a split starting inside a
 * long line does not buffer the rest of it (*rec and the count then cover
 * only the line's last part).
 */
static size_t
read_line(struct hsplit_reader *r, struct slice *rec, int hold)
{
	size_t scanned = 0, eol, term, used;

	for (;;) {
		if (r->head + scanned < r->tail) {
			eol = find_eol(r, r->head + scanned);
			if (eol != (size_t)-1) {
				if (r->buf[eol] == '\n') {
					term = 1;
				} else if (eol + 1 < r->tail) {
					term = r->buf[eol + 1] == '\n' ? 2 : 1;
				} else if (r->eof) {
					term = 1;
				} else {
					/* A '\r' at the end of the data: is '\n' next? */
					scanned = eol - r->head;
					goto more;
				}
				break;
			}
			scanned = r->tail - r->head;
		}
		if (r->eof) {
			eol = r->tail;
			term = 0;
			break;
		}
more:
		if (!hold) {
			r->head += scanned;
			r->pos += scanned;
			scanned = 0;
		}
		fill(r);
	}
	rec->p = r->buf + r->head;
	rec->len = eol - r->head;
	used = rec->len + term;
	r->head += used;
	r->pos += used;
	return used;
}

int
hsplit_reader_next(struct hsplit_reader *r, struct slice *rec,
    uint64_t *offset)
{
	uint64_t at;
	size_t used;

	if (r->finished)
		return 0;
	if (!r->started) {
		r->started = 1;
		/* The line at start belongs to the previous split. */
		if (r->start != 0) {
			struct slice skip;

			read_line(r, &skip, 0);
		}
	}
	if (r->pos > r->end) {
		r->finished = 1;
		return 0;
	}
	at = r->pos;
	used = read_line(r, rec, 1);
	if (at == 0 && rec->len >= 3 && memcmp(rec->p, "\xEF\xBB\xBF", 3) == 0) {
		/* skipUtfByteOrderMark: a line of only the BOM, unterminated,
		 * counts as nothing read, which ends the split. */
		rec->p += 3;
		rec->len -= 3;
		used -= 3;
	}
	if (used == 0) {
		r->finished = 1;
		return 0;
	}
	if (offset != NULL)
		*offset = at;
	r->records++;
	return 1;
}
