/*
 * mr-map -P: the input cut into blocks of whole lines for the copies.
 *
 * A regular file is cut in place: each block is a range of the file that
 * goes into a copy's pipe by splice(2) from the page cache, without passing
 * through mr-map's memory.  Other input (a pipe, a terminal) is read into a
 * buffer and dealt out as it comes.  With -o the file is cut into one range
 * per copy instead, like Hadoop's splits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "map.h"
#include "msg.h"
#include "out.h"
#include "tmpfile.h"
#include "xalloc.h"

#define BOM "\xEF\xBB\xBF"

/*
 * A "\r\n" this far into a block, or farther, is taken as rare: the bytes
 * before its '\r' go by splice and the line's end is written.  Nearer the
 * start, a block of this size is read, stripped of the '\r' of each
 * "\r\n" and written: a file of CRLF lines goes that way throughout.
 */
#define CRLF_RARE (64 * 1024)

/* The smallest block dealt near the end of a file. */
#define TAIL_BLOCK (64 * 1024)

/* Bytes moved into a copy's pipe per splice(2). */
#define SPLICE_CHUNK (256 << 10)

/* Does FD start with a UTF-8 byte-order mark? */
static int
starts_with_bom(int fd)
{
	char bom[3];

	return pread(fd, bom, 3, 0) == 3 && memcmp(bom, BOM, 3) == 0;
}

/* -o from a pipe: the whole input in a temporary file, which is the input. */
static void
spool_input(struct input *in)
{
	const char *path;
	int fd = tmp_create(tmp_dir(NULL), "mr-map", &path);
	char tmp[65536];
	ssize_t n;

	while ((n = read(in->fd, tmp, sizeof tmp)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s:", in->name);
		if (write_all(fd, tmp, (size_t)n) < 0)
			die("%s: write error:", path);
	}
	in->fd = fd;
}

/*
 * Open the input (stdin, or -i FILE) and learn what it is: a regular file
 * from its current offset (cut in place), or a stream; with -o, always a
 * file (a stream is spooled first), cut into ranges later.
 */
void
input_open(struct pool *pl)
{
	struct input *in = &pl->in;
	const char *file = pl->opt->input;
	struct stat st;
	off_t pos;

	in->fd = 0;
	in->name = "-";
	in->at_start = 1;
	if (file != NULL && strcmp(file, "-") != 0) {
		in->fd = open(file, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0)
			die("%s:", file);
		in->name = file;
		in->path = realpath(file, NULL);
	}
	in->regular = fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode);
	pos = in->regular ? lseek(in->fd, 0, SEEK_CUR) : -1;
	if (pl->opt->ordered) {
		/* A file of /proc says it is empty but is not: read it too. */
		if (pos < 0 || st.st_size == 0) {
			spool_input(in);
			pos = 0;
		}
		in->first = (uint64_t)pos;
		if (fstat(in->fd, &st) < 0)
			die("%s:", in->name);
		in->total = (uint64_t)st.st_size;
		if (in->first == 0 && in->total >= 3 && starts_with_bom(in->fd))
			in->first = 3;
	} else if (in->regular) {
		in->total = (uint64_t)st.st_size;
		if (pos >= 0 && (uint64_t)pos < in->total) {
			in->pos = (uint64_t)pos;
			in->first = in->pos;
			in->size = in->total;
		}
	}
	/* A regular file is cut into blocks in place and spliced on. */
	if ((pl->opt->ordered || in->size > 0) && in->total > 0) {
		in->file = 1;
		if (!pl->opt->ordered && in->pos == 0 && starts_with_bom(in->fd))
			in->pos = 3;
		posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
}

/*
 * -o: one range of whole lines per copy, nearly equal: range i starts
 * just past the first line end at or after first + span * i / N.
 */
void
input_plan_ranges(struct pool *pl)
{
	struct input *in = &pl->in;
	uint64_t span = in->total > in->first ? in->total - in->first : 0, at;
	size_t i, n = pl->ncopies;

	for (i = 0; i < n; i++) {
		struct copy *c = &pl->copies[i];

		if (i == 0) {
			c->rpos = in->first;
		} else {
			at = in->first + span / n * i;
			c->rpos = at == 0 ? 0 : file_newline(in->fd, in->name,
			    at - 1, in->total);
			if (c->rpos < in->total)
				c->rpos++;	/* past the '\n' */
			if (c->rpos < pl->copies[i - 1].rpos)
				c->rpos = pl->copies[i - 1].rpos;
			pl->copies[i - 1].rend = c->rpos;
		}
		c->rend = in->total;
	}
}

int
has_block(const struct copy *c)
{
	return c->slen > 0 || c->blk.len > 0;
}

/* Remove the '\r' of every "\r\n" in B (Hadoop ends a line at either). */
void
strip_crlf(struct buf *b)
{
	char *p = memchr(b->p, '\r', b->len), *w, *end = b->p + b->len;

	if (p == NULL)
		return;
	for (w = p; p < end; p++)
		if (!(*p == '\r' && p + 1 < end && p[1] == '\n'))
			*w++ = *p;
	b->len = (size_t)(w - b->p);
}

/* ---- input that is not a regular file: read, then dealt -------------- */

static int
input_ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

/*
 * Read from the input once (poll said it would not block).  Returns 1 when
 * a block of whole lines is ready in in->fill: the block size is reached,
 * the input is at its end, or nothing more has arrived (live input).
 */
int
input_read(struct pool *pl)
{
	struct input *in = &pl->in;
	size_t block = pl->opt->block;
	size_t from;		/* the bytes new in fill start here */
	ssize_t n;

	buf_reserve(&in->fill, block > in->fill.len ? block - in->fill.len :
	    65536);
	n = read(in->fd, in->fill.p + in->fill.len, in->fill.cap - in->fill.len);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		die("%s:", in->name);
	}
	if (n == 0) {
		in->eof = 1;
		if (in->fill.len > 0 && in->fill.p[in->fill.len - 1] != '\n')
			buf_append(&in->fill, "\n", 1);
		return in->fill.len > 0;
	}
	in->fill.len += (size_t)n;
	from = in->fill.len - (size_t)n;
	if (in->at_start) {
		if (in->fill.len < 3 && memcmp(in->fill.p, BOM,
		    in->fill.len) == 0)
			return 0;
		in->at_start = 0;
		if (memcmp(in->fill.p, BOM, 3) == 0) {
			buf_drop(&in->fill, 3);
			from = 0;
		}
	}
	/* The carried rest of the last block has no '\n': look at new bytes. */
	if (!in->has_nl && memchr(in->fill.p + from, '\n',
	    in->fill.len - from) != NULL)
		in->has_nl = 1;
	if (!in->has_nl)
		return 0;
	return in->fill.len >= block || !input_ready(in->fd);
}

/* Hand the whole lines of in->fill to copy C (whose block is empty). */
void
deal_block(struct pool *pl, struct copy *c)
{
	struct input *in = &pl->in;
	char *nl = memrchr(in->fill.p, '\n', in->fill.len);
	size_t cut = (size_t)(nl - in->fill.p) + 1, rest = in->fill.len - cut;
	size_t block = pl->opt->block;
	struct buf t;

	/* Swap buffers: the copy takes the filled one, the rest moves. */
	t = c->blk;
	c->blk = in->fill;
	c->blk.len = cut;
	c->boff = 0;
	in->fill = t;
	in->fill.len = 0;
	buf_reserve(&in->fill, rest > block ? rest : block);
	buf_append(&in->fill, c->blk.p + cut, rest);
	in->has_nl = 0;
	strip_crlf(&c->blk);
}

/* ---- a regular file: blocks cut in place ----------------------------- */

/*
 * Read up to WANT bytes at POS in chunks small enough to stay in the CPU
 * cache, looking for the first "\r\n" (a lone '\r' is data).  *CRLF gets
 * the offset of its '\r' (SIZE_MAX if there is none), *END the offset just
 * past the last '\n' before it (or before the end), *LASTC the last byte
 * read.  ROOM is how far the caller's range goes (a '\r' at the end of
 * the bytes read is looked past, within it).  Returns the number of bytes
 * read: WANT, or fewer at the end of the file or after a "\r\n".
 */
static size_t
scan_block(int fd, const char *name, uint64_t pos, size_t want, uint64_t room,
    size_t *end, size_t *crlf, int *lastc)
{
	static char chunk[128 * 1024];
	size_t off = 0, n, got;
	char *nl, *cr, *from, next;

	*end = 0;
	*crlf = SIZE_MAX;
	while (off < want) {
		n = want - off < sizeof chunk ? want - off : sizeof chunk;
		got = pread_full(fd, name, chunk, n, pos + off);
		for (from = chunk; (cr = memchr(from, '\r',
		    got - (size_t)(from - chunk))) != NULL; from = cr + 1) {
			if (cr + 1 < chunk + got)
				next = cr[1];
			else if (off + got >= room || pread_full(fd, name, &next, 1,
			    pos + off + got) != 1)
				break;
			if (next != '\n')
				continue;
			*crlf = off + (size_t)(cr - chunk);
			if ((nl = memrchr(chunk, '\n', (size_t)(cr - chunk))) != NULL)
				*end = off + (size_t)(nl - chunk) + 1;
			return off + got;
		}
		if ((nl = memrchr(chunk, '\n', got)) != NULL)
			*end = off + (size_t)(nl - chunk) + 1;
		if (got > 0)
			*lastc = (unsigned char)chunk[got - 1];
		off += got;
		if (got < n)
			break;
	}
	return off;
}

/*
 * A block of CRLF lines (or of lines without '\r\n' but after a failed
 * quick path) read into c->blk: whole lines from *POS, up to WANT bytes
 * unless a line is longer, not past LIMIT.  A range of plain lines goes by
 * splice after all; a last line without '\n' gets one.
 */
static void
read_block(struct pool *pl, struct copy *c, uint64_t *pos, uint64_t limit,
    size_t want)
{
	struct input *in = &pl->in;
	size_t got, end, n;
	char *nl;
	int last;

	c->blk.len = 0;
	buf_reserve(&c->blk, want + 1);
	got = pread_full(in->fd, in->name, c->blk.p, want, *pos);
	if (got == 0)
		die("%s: file shrank while being read", in->name);
	last = got < want || *pos + got == limit;
	end = got;
	if (!last && (nl = memrchr(c->blk.p, '\n', got)) != NULL) {
		end = (size_t)(nl - c->blk.p) + 1;
	} else if (!last) {
		/* A line longer than the block: read on to its end. */
		for (;;) {
			want = limit - *pos - got < pl->opt->block ?
			    (size_t)(limit - *pos - got) : pl->opt->block;
			c->blk.len = got;
			buf_reserve(&c->blk, want + 1);
			n = pread_full(in->fd, in->name, c->blk.p + got, want,
			    *pos + got);
			nl = memchr(c->blk.p + got, '\n', n);
			got += n;
			if (nl != NULL) {
				end = (size_t)(nl - c->blk.p) + 1;
				break;
			}
			if (n < want || *pos + got == limit) {
				end = got;
				last = 1;
				break;
			}
		}
	}
	c->boff = 0;
	c->blk.len = end;
	if (memchr(c->blk.p, '\r', end) == NULL) {
		c->soff = *pos;
		c->slen = end;
		c->blk.len = 0;
	}
	*pos += end;
	if (last && c->blk.p[end - 1] != '\n') {
		if (c->slen > 0)
			c->blk.p[0] = '\n', c->blk.len = 1;
		else
			c->blk.p[c->blk.len++] = '\n';
	}
	if (c->slen == 0)
		strip_crlf(&c->blk);
}

/*
 * The next block of the input file for copy C: whole lines from *POS up
 * to about the block size, not past LIMIT.  The bytes are read (pread) to
 * find the last '\n' and any "\r\n"; lines without one then go to the
 * copy by splice(2) from the page cache, and the bytes read are dropped:
 * the copy's reads come from the page cache pages themselves.  A last line
 * without '\n' gets one.  (Mapping the file instead costs more than the
 * read on virtual machines, where page table updates are slow.)
 */
static void
file_block(struct pool *pl, uint64_t *pos, uint64_t limit, struct copy *c)
{
	struct input *in = &pl->in;
	size_t want = pl->opt->block, got, end, crlf;
	int last, lastc = '\n';

	/*
	 * Near the end of a dealt file, blocks shrink with what is left (down
	 * to TAIL_BLOCK), so that the copies run out of input together
	 * instead of one working through a whole last block alone.
	 */
	if (!pl->opt->ordered) {
		uint64_t share = (limit - *pos) / (4 * pl->ncopies);

		if (share < TAIL_BLOCK)
			share = TAIL_BLOCK;
		if (share < want)
			want = (size_t)share;
	}
	if (want > limit - *pos)
		want = (size_t)(limit - *pos);
	/* The common case: no CRLF, and a '\n' in the block (or its end). */
	last = *pos + want == limit;
	got = scan_block(in->fd, in->name, *pos, want, limit - *pos, &end, &crlf,
	    &lastc);
	c->boff = 0;
	if (crlf == SIZE_MAX && got == want && (last || end > 0)) {
		if (last)
			end = want;
		c->soff = *pos;
		c->slen = end;
		c->blk.len = 0;
		if (last && lastc != '\n') {
			if (lastc == '\r')	/* ends the line, as "\r\n" would */
				c->slen--;
			buf_append(&c->blk, "\n", 1);
		}
		*pos += end;
		return;
	}
	if (crlf != SIZE_MAX && crlf >= CRLF_RARE) {
		c->soff = *pos;
		c->slen = crlf;
		buf_set(&c->blk, "\n", 1);
		*pos += crlf + 2;
		return;
	}
	/* CRLF lines near: a small block of them, read and stripped. */
	if (crlf != SIZE_MAX && want > CRLF_RARE)
		want = CRLF_RARE;
	read_block(pl, c, pos, limit, want);
}

/* The next block of a regular file input for copy C; 0 at its end. */
int
file_next_block(struct pool *pl, struct copy *c)
{
	struct input *in = &pl->in;

	if (pl->opt->ordered && c->rpos < c->rend) {
		file_block(pl, &c->rpos, c->rend, c);
		return 1;
	}
	if (!pl->opt->ordered && in->file && in->pos < in->size) {
		file_block(pl, &in->pos, in->size, c);
		return 1;
	}
	return 0;
}

/* ---- into the copy's pipe -------------------------------------------- */

/*
 * Copy C closed its stdin with input pending: drop the input and judge the
 * copy when it ends (its status says more).  Returns 1, as for a block done.
 */
static int
copy_stopped_reading(struct copy *c)
{
	c->broken = 1;
	c->blk.len = c->boff = 0;
	c->slen = 0;
	close(c->p.in);
	c->in_open = 0;
	return 1;
}

/* No splice for the input file: the range becomes bytes in the block. */
static void
range_to_bytes(struct pool *pl, struct copy *c)
{
	struct buf t = { 0 };

	buf_reserve(&t, c->slen + c->blk.len - c->boff);
	if (pread_full(pl->in.fd, pl->in.name, t.p, c->slen, c->soff) != c->slen)
		die("%s: file shrank while being read", pl->in.name);
	t.len = c->slen;
	buf_append(&t, c->blk.p + c->boff, c->blk.len - c->boff);
	buf_free(&c->blk);
	c->blk = t;
	c->boff = 0;
	c->slen = 0;
}

/*
 * Splice what is pending of C's range of the input file into its pipe:
 * the page-cache pages are passed on, not copied through mr-map.  Returns
 * 1 when the range is done, 0 when the pipe is full, -1 when the copy
 * stopped reading.
 */
static int
splice_range(struct pool *pl, struct copy *c)
{
	ssize_t n;

	while (c->slen > 0) {
		loff_t off = (loff_t)c->soff;

		n = splice(pl->in.fd, &off, c->p.in, NULL,
		    c->slen < SPLICE_CHUNK ? c->slen : SPLICE_CHUNK,
		    SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				c->full = 1;
				return 0;
			}
			if (errno == EPIPE)
				return -1;
			if (errno == EINVAL || errno == ENOSYS) {
				range_to_bytes(pl, c);
				return 1;
			}
			die("%s:", pl->in.name);
		}
		if (n == 0)
			die("%s: file shrank while being read", pl->in.name);
		c->soff += (uint64_t)n;
		c->slen -= (uint64_t)n;
		pl->moved = 1;
		/*
		 * Less than asked for: the pipe is full.  Trying again at
		 * once would only chase the copy's reads a few pages at a
		 * time, a system call for each.
		 */
		if (c->slen > 0 && (size_t)n < SPLICE_CHUNK) {
			c->full = 1;
			return 0;
		}
	}
	return 1;
}

/* Write what is pending of C's block; 1 when the block is done. */
int
feed_copy(struct pool *pl, struct copy *c)
{
	ssize_t n;
	int r;

	if ((r = splice_range(pl, c)) <= 0)
		return r < 0 ? copy_stopped_reading(c) : 0;
	while (c->boff < c->blk.len) {
		n = write(c->p.in, c->blk.p + c->boff, c->blk.len - c->boff);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				c->full = 1;
				return 0;
			}
			if (errno == EPIPE)
				return copy_stopped_reading(c);
			die("%s: copy %d: write error:", pl->cmd_text,
			    copy_index(pl, c));
		}
		c->boff += (size_t)n;
		pl->moved = 1;
	}
	c->blk.len = c->boff = 0;
	return 1;
}
