/*
 * mr-split's chunks: the input cut at record boundaries into chunk files
 * (-n, -b, -l), each written under a temporary name and named on standard
 * output once complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "fileio.h"
#include "msg.h"
#include "out.h"
#include "partout.h"
#include "record.h"
#include "split.h"
#include "tmpfile.h"
#include "xalloc.h"

/* Records are dealt round-robin in blocks of about this many bytes. */
#define DEAL_BLOCK (64 * 1024)
/* The copy buffer where copy_file_range(2) cannot be used. */
#define COPY_BUF (1024 * 1024)

/*
 * The listing of the chunks on standard output, which are the real
 * output: the listing is a convenience, so a reader that goes away
 * (| head -1) stops the listing, not the chunks (out_init_child).
 */
static struct out *listing;
static const char *prefix;

/* A chunk file under construction: a temporary name until complete. */
struct chunk {
	int fd;			/* -1 when not open */
	const char *tmp;
	char *name;
	uint64_t bytes;
	uint64_t lines;
	int midline;		/* the data so far ends inside a line */
};

static void
chunk_open(struct chunk *c, unsigned k)
{
	c->name = partout_name(prefix, k);
	c->fd = tmp_create_beside(c->name, 0666, &c->tmp);
	c->bytes = 0;
	c->lines = 0;
	c->midline = 0;
}

static void
chunk_write(struct chunk *c, const char *p, size_t n)
{
	if (write_all(c->fd, p, n) < 0)
		die("%s: write error:", c->name);
	c->bytes += n;
}

static void
chunk_close(struct chunk *c)
{
	if (close(c->fd) < 0)
		die("%s: write error:", c->name);
	c->fd = -1;
}

/* Give a closed chunk its name and tell the reader of stdout at once. */
static void
chunk_publish(struct chunk *c)
{
	tmp_commit(c->tmp, c->name);
	out_str(listing, c->name);
	out_byte(listing, '\n');
	out_flush(listing);
	free(c->name);
	c->name = NULL;
}

static void
chunk_finish(struct chunk *c)
{
	chunk_close(c);
	chunk_publish(c);
}

/* ---- regular files: cut points found by seeking, ranges copied ---- */

/* The inputs as one byte sequence, as cat would give them. */
struct input {
	int fd;
	const char *name;
	uint64_t base;		/* file offset where this input starts */
	uint64_t size;		/* bytes from base to the end */
	uint64_t at;		/* offset of its first byte in the sequence */
};

static struct input *inputs;
static int ninputs;
static uint64_t total;

/* Open every input; returns 1 if all are regular files (seekable). */
static int
open_inputs(char **files, int nfiles)
{
	int i, regular = 1;

	inputs = xcalloc((size_t)nfiles, sizeof *inputs);
	ninputs = nfiles;
	for (i = 0; i < nfiles; i++) {
		struct input *in = &inputs[i];
		struct stat st;
		off_t cur;

		in->name = files[i];
		if (strcmp(files[i], "-") == 0) {
			in->fd = 0;
		} else if ((in->fd = open(files[i], O_RDONLY | O_CLOEXEC)) < 0) {
			die("%s:", files[i]);
		}
		if (fstat(in->fd, &st) < 0)
			die("%s:", files[i]);
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			die("%s:", files[i]);
		}
		/*
		 * stdin may be a file that someone has read part of.  A
		 * regular file of size 0 may still hold bytes (procfs and
		 * sysfs say 0): read through like a pipe.
		 */
		if (!S_ISREG(st.st_mode) || st.st_size == 0 ||
		    (cur = lseek(in->fd, 0, SEEK_CUR)) < 0) {
			regular = 0;
			continue;
		}
		in->base = (uint64_t)cur;
		in->size = (uint64_t)st.st_size > in->base ? (uint64_t)st.st_size - in->base : 0;
		in->at = total;
		total += in->size;
	}
	return regular;
}

/* The position just after the first '\n' at or after POS, or total. */
static uint64_t
after_newline(uint64_t pos)
{
	uint64_t end, nl;
	int i;

	for (i = 0; i < ninputs; i++) {
		struct input *in = &inputs[i];

		if (pos >= in->at + in->size)
			continue;
		end = in->base + in->size;
		nl = file_newline(in->fd, in->name, in->base + pos - in->at, end);
		if (nl < end)
			return in->at + (nl - in->base) + 1;
		pos = in->at + in->size;	/* none here: on with the next */
	}
	return total;
}

/* Copy LEN bytes at OFF of IN to the chunk with read and write. */
static void
copy_rw(struct chunk *c, struct input *in, uint64_t off, uint64_t len, char *buf)
{
	while (len > 0) {
		size_t want = len < COPY_BUF ? (size_t)len : COPY_BUF;
		size_t got = pread_full(in->fd, in->name, buf, want,
		    in->base + off);

		if (got == 0)
			die("%s: file shrank while being read", in->name);
		chunk_write(c, buf, got);
		off += got;
		len -= got;
	}
}

/*
 * Copy the bytes [from, to) of the inputs into the chunk.  copy_file_range
 * lets the kernel move them without passing through this process; where it
 * cannot (another file system, an old kernel) read and write do it.
 */
static void
copy_range(struct chunk *c, uint64_t from, uint64_t to, char *buf)
{
	static int no_cfr;	/* shared by the copying threads */
	int i;

	for (i = 0; i < ninputs && from < to; i++) {
		struct input *in = &inputs[i];
		uint64_t end = in->at + in->size;
		loff_t off;
		uint64_t len;

		if (from >= end)
			continue;
		off = (loff_t)(in->base + from - in->at);
		len = (to < end ? to : end) - from;
		from += len;
		while (len > 0 && !__atomic_load_n(&no_cfr, __ATOMIC_RELAXED)) {
			ssize_t n = copy_file_range(in->fd, &off, c->fd, NULL,
			    len < (1u << 30) ? (size_t)len : (1u << 30), 0);

			if (n > 0) {
				len -= (uint64_t)n;
				c->bytes += (uint64_t)n;
			} else if (n < 0 && errno == EINTR) {
				continue;
			} else if (n < 0 && (errno == ENOSPC || errno == EDQUOT ||
			    errno == EFBIG || errno == EIO)) {
				die("%s: write error:", c->name);
			} else {	/* fall back below */
				__atomic_store_n(&no_cfr, 1, __ATOMIC_RELAXED);
			}
		}
		if (len > 0)
			copy_rw(c, in, (uint64_t)off - in->base, len, buf);
	}
}

/*
 * -n N over regular files: chunk k ends just after the first '\n' at or
 * after byte k*total/N - 1, so chunks are nearly equal and never cut a
 * line (a line longer than a chunk leaves the next chunks empty).  Only a
 * few bytes around each cut are read; the ranges are copied whole.  The
 * cuts are found first; then up to COPY_THREADS threads copy the chunks,
 * each taking the next one to do (the kernel's copies run side by side,
 * where GNU split copies one chunk after another), and the main thread
 * names them, in order, each as soon as it and those before it are done.
 */
#define COPY_THREADS 4

struct splitter {
	uint64_t *cut;		/* chunk k is the bytes [cut[k], cut[k + 1]) */
	struct chunk *chunk;
	unsigned char *done;	/* under mu: chunk k is complete */
	unsigned n, next;	/* under mu: the next chunk to take */
	pthread_mutex_t mu;
	pthread_cond_t cv;	/* a chunk is complete */
};

static void *
copier_main(void *arg)
{
	struct splitter *s = arg;
	char *buf = xmalloc(COPY_BUF);	/* untouched unless read and write copy */
	unsigned k;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		k = s->next++;
		pthread_mutex_unlock(&s->mu);
		if (k >= s->n)
			break;
		chunk_open(&s->chunk[k], k);
		copy_range(&s->chunk[k], s->cut[k], s->cut[k + 1], buf);
		chunk_close(&s->chunk[k]);
		pthread_mutex_lock(&s->mu);
		s->done[k] = 1;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	free(buf);
	return NULL;
}

static void
split_regular(unsigned n)
{
	struct splitter s = { .n = n };
	pthread_t thread[COPY_THREADS];
	unsigned k, nthreads = (unsigned)online_cpus();
	uint64_t goal;

	s.cut = xreallocarray(NULL, (size_t)n + 1, sizeof *s.cut);
	s.chunk = xreallocarray(NULL, n, sizeof *s.chunk);
	s.done = xcalloc(n, 1);
	s.cut[0] = 0;
	for (k = 0; k < n; k++) {
		goal = (uint64_t)(((unsigned __int128)total * (k + 1)) / n);
		if (k + 1 == n)
			s.cut[k + 1] = total;
		else if (goal <= s.cut[k])
			s.cut[k + 1] = s.cut[k];
		else
			s.cut[k + 1] = after_newline(goal - 1);
	}
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	if (nthreads > COPY_THREADS)
		nthreads = COPY_THREADS;
	if (nthreads > n)
		nthreads = n;
	for (k = 0; k < nthreads; k++)
		if ((errno = pthread_create(&thread[k], NULL, copier_main,
		    &s)) != 0)
			die("pthread_create:");
	for (k = 0; k < n; k++) {
		pthread_mutex_lock(&s.mu);
		while (!s.done[k])
			pthread_cond_wait(&s.cv, &s.mu);
		pthread_mutex_unlock(&s.mu);
		chunk_publish(&s.chunk[k]);
	}
	for (k = 0; k < nthreads; k++)
		if ((errno = pthread_join(thread[k], NULL)) != 0)
			die("pthread_join:");
	pthread_mutex_destroy(&s.mu);
	pthread_cond_destroy(&s.cv);
	free(s.cut);
	free(s.chunk);
	free(s.done);
}

/* ---- any input: one pass through a reader ---- */

/* A reader over input I that keeps every byte (no BOM dropped). */
static void
open_stream(struct reader *r, int i)
{
	reader_init_fd(r, inputs[i].fd, inputs[i].name);
	r->at_start = 0;
}

/*
 * -b SIZE: each chunk takes whole lines while they fit in SIZE bytes; a
 * line longer than SIZE is a chunk of its own.  Bytes after the last '\n'
 * stay in the reader until their line ends or the chunk is full.
 */
static unsigned
take_bytes(struct reader *r, struct chunk *c, unsigned k, uint64_t size)
{
	size_t n, w, look;
	uint64_t room;
	char *p, *q;
	int full;

	while ((n = reader_fill(r)) > 0) {
		p = r->buf + r->start;
		full = 0;
		if (c->fd < 0)
			chunk_open(c, k++);
		if (c->midline) {
			q = memchr(p, '\n', n);
			w = q ? (size_t)(q - p) + 1 : n;
			c->midline = q == NULL;
		} else {
			room = size - c->bytes;
			look = n < room ? n : (size_t)room;
			if (n <= room && r->eof) {
				w = n;	/* all that is left fits */
				c->midline = p[n - 1] != '\n';
			} else if ((q = memrchr(p, '\n', look)) != NULL) {
				w = (size_t)(q - p) + 1;
				full = n > room;	/* the next line cannot fit */
			} else if (c->bytes == 0) {
				c->midline = 1;	/* it fits, or is a chunk alone */
				continue;
			} else if (n > room) {
				chunk_finish(c);
				continue;
			} else {
				continue;	/* read until the line ends */
			}
		}
		chunk_write(c, p, w);
		reader_consume(r, w);
		if (!c->midline && (full || c->bytes >= size))
			chunk_finish(c);
	}
	return k;
}

/* -l LINES: LINES records per chunk, counted by '\n'. */
static unsigned
take_lines(struct reader *r, struct chunk *c, unsigned k, uint64_t lines)
{
	size_t n, w;
	char *p, *q, *end;

	while ((n = reader_fill(r)) > 0) {
		p = r->buf + r->start;
		end = p + n;
		if (c->fd < 0)
			chunk_open(c, k++);
		for (q = p; c->lines < lines; c->lines++) {
			q = memchr(q, '\n', (size_t)(end - q));
			if (q == NULL)
				break;
			q++;
		}
		w = c->lines == lines ? (size_t)(q - p) : n;
		chunk_write(c, p, w);
		reader_consume(r, w);
		if (c->lines == lines)
			chunk_finish(c);
	}
	return k;
}

/*
 * -n N from a pipe: the size is unknown, so blocks of whole records are
 * dealt to N files in turn; every file is complete only at the end.
 */
static void
deal_round_robin(unsigned n)
{
	struct chunk *c = xcalloc(n, sizeof *c);
	struct reader r;
	unsigned k, cur = 0;
	size_t len, w;
	char *p, *q;
	int i;

	for (k = 0; k < n; k++)
		chunk_open(&c[k], k);
	for (i = 0; i < ninputs; i++) {
		open_stream(&r, i);
		while ((len = reader_fill(&r)) > 0) {
			p = r.buf + r.start;
			if (c[cur].midline) {
				q = memchr(p, '\n', len);
				w = q ? (size_t)(q - p) + 1 : len;
				c[cur].midline = q == NULL;
			} else if (len < DEAL_BLOCK && !r.eof) {
				continue;	/* gather a whole block first */
			} else if ((q = memrchr(p, '\n', len < DEAL_BLOCK ? len : DEAL_BLOCK)) != NULL) {
				w = (size_t)(q - p) + 1;
			} else {
				c[cur].midline = 1;	/* a line longer than a block */
				continue;
			}
			chunk_write(&c[cur], p, w);
			reader_consume(&r, w);
			if (!c[cur].midline)
				cur = (cur + 1) % n;
		}
		reader_close(&r);
	}
	for (k = 0; k < n; k++)
		chunk_close(&c[k]);
	for (k = 0; k < n; k++)
		chunk_publish(&c[k]);
	free(c);
}

static void
split_stream(uint64_t bytes, uint64_t lines)
{
	struct chunk c = { .fd = -1 };
	struct reader r;
	unsigned k = 0;
	int i;

	for (i = 0; i < ninputs; i++) {
		open_stream(&r, i);
		if (bytes)
			k = take_bytes(&r, &c, k, bytes);
		else
			k = take_lines(&r, &c, k, lines);
		reader_close(&r);
	}
	if (c.fd >= 0)
		chunk_finish(&c);
}

void
split_chunks(struct out *o, const char *pfx, char **files, int nfiles,
    uint64_t number, uint64_t bytes, uint64_t lines)
{
	listing = o;
	prefix = pfx;
	if (number && open_inputs(files, nfiles))
		split_regular((unsigned)number);
	else if (number)
		deal_round_robin((unsigned)number);
	else {
		open_inputs(files, nfiles);
		split_stream(bytes, lines);
	}
}
