/*
 * mr-split: cut input into chunks at record boundaries for parallel
 * mappers, or plan and read Hadoop input splits (FileSplit and
 * LineRecordReader rules).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "hsplit.h"
#include "msg.h"
#include "out.h"
#include "partout.h"
#include "record.h"
#include "tmpfile.h"
#include "xalloc.h"

static const char usage_line[] =
    "mr-split [-n N | -b SIZE | -l LINES] [-p PREFIX] [FILE...]\n"
    "       mr-split -i [-S] [-n MAPS] [-b BLOCKSIZE] FILE...\n"
    "       mr-split -r OFFSET:LENGTH FILE";

static const char help_text[] =
    "Cut input into chunk files PREFIX00000 ... (default split-) at record\n"
    "boundaries; print each path as soon as its chunk is complete.\n"
    "\n"
    "  -n, --number N       N chunks of nearly equal size (default: CPUs)\n"
    "  -b, --bytes SIZE     chunks of at most SIZE bytes (K, M, G suffixes)\n"
    "  -l, --lines LINES    chunks of LINES records\n"
    "  -p, --prefix PREFIX  chunk file names (default split-)\n"
    "  -i, --index          print Hadoop splits FILE TAB OFFSET TAB LENGTH;\n"
    "                       -n MAPS requested maps, -b block size (128M)\n"
    "  -S, --largest-first  with -i: in map task order, largest split first\n"
    "  -r, --read OFF:LEN   print the records Hadoop's LineRecordReader reads\n"
    "                       for that split of FILE\n"
    "  -h, --help           this help\n"
    "      --version        version\n";

enum { OPT_VERSION = 256 };

static const struct option longopts[] = {
	{ "number", required_argument, NULL, 'n' },
	{ "bytes", required_argument, NULL, 'b' },
	{ "lines", required_argument, NULL, 'l' },
	{ "prefix", required_argument, NULL, 'p' },
	{ "index", no_argument, NULL, 'i' },
	{ "largest-first", no_argument, NULL, 'S' },
	{ "read", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* Records are dealt round-robin in blocks of about this many bytes. */
#define DEAL_BLOCK (64 * 1024)
/* Reads when searching a regular file for a line end, and copy buffer. */
#define PROBE (64 * 1024)
#define COPY_BUF (1024 * 1024)

static struct out out;		/* standard output: chunk paths, records */
static const char *prefix = "split-";

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
	out_str(&out, c->name);
	out_byte(&out, '\n');
	out_flush(&out);
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

/* pread that dies on errors and returns 0 only at the end of the file. */
static size_t
read_at(struct input *in, char *buf, size_t n, uint64_t off)
{
	ssize_t r;

	do
		r = pread(in->fd, buf, n, (off_t)(in->base + off));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		die("%s:", in->name);
	return (size_t)r;
}

/* The position just after the first '\n' at or after POS, or total. */
static uint64_t
after_newline(uint64_t pos, char *buf)
{
	int i;

	for (i = 0; i < ninputs; i++) {
		struct input *in = &inputs[i];
		uint64_t off;

		if (pos >= in->at + in->size)
			continue;
		for (off = pos - in->at; off < in->size;) {
			size_t want = in->size - off < PROBE ? (size_t)(in->size - off) : PROBE;
			size_t got = read_at(in, buf, want, off);
			char *q;

			if (got == 0)
				break;	/* the file shrank: go on with the next */
			if ((q = memchr(buf, '\n', got)) != NULL)
				return in->at + off + (uint64_t)(q - buf) + 1;
			off += got;
		}
		pos = in->at + in->size;
	}
	return total;
}

/* Copy LEN bytes at OFF of IN to the chunk with read and write. */
static void
copy_rw(struct chunk *c, struct input *in, uint64_t off, uint64_t len, char *buf)
{
	while (len > 0) {
		size_t want = len < COPY_BUF ? (size_t)len : COPY_BUF;
		size_t got = read_at(in, buf, want, off);

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
	static int no_cfr;
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
		while (len > 0 && !no_cfr) {
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
			} else {
				no_cfr = 1;	/* fall back below */
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
 * few bytes around each cut are read; the ranges are copied whole.
 */
static void
split_regular(unsigned n)
{
	char *buf = xmalloc(COPY_BUF);
	uint64_t from = 0, to, goal;
	unsigned k;
	struct chunk c;

	for (k = 0; k < n; k++) {
		goal = (uint64_t)(((unsigned __int128)total * (k + 1)) / n);
		if (k + 1 == n)
			to = total;
		else if (goal <= from)
			to = from;
		else
			to = after_newline(goal - 1, buf);
		chunk_open(&c, k);
		copy_range(&c, from, to, buf);
		chunk_finish(&c);
		from = to;
	}
	free(buf);
}

/* ---- any input: one pass through a reader ---- */

enum mode { BY_NUMBER, BY_BYTES, BY_LINES };

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
split_stream(enum mode mode, uint64_t arg)
{
	struct chunk c = { .fd = -1 };
	struct reader r;
	unsigned k = 0;
	int i;

	for (i = 0; i < ninputs; i++) {
		open_stream(&r, i);
		if (mode == BY_BYTES)
			k = take_bytes(&r, &c, k, arg);
		else
			k = take_lines(&r, &c, k, arg);
		reader_close(&r);
	}
	if (c.fd >= 0)
		chunk_finish(&c);
}

/* ---- -i and -r: Hadoop splits ---- */

struct split_ref {
	int file;
	struct hsplit s;
	size_t seq;
};

/* Longer first; equal lengths in file order (a stable sort, as Hadoop's). */
static int
larger_split_first(const void *a, const void *b)
{
	const struct split_ref *x = a, *y = b;

	if (x->s.length != y->s.length)
		return x->s.length < y->s.length ? 1 : -1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * print_index: the splits of FILES, in file order, or with LARGEST_FIRST in
 * the order of Hadoop's JobSubmitter, which numbers map tasks by split
 * length, longest first.
 */
static void
print_index(char **files, int nfiles, uint64_t maps, uint64_t block,
    int largest_first)
{
	uint64_t *sizes = xcalloc((size_t)nfiles, sizeof *sizes), sum = 0, split;
	struct split_ref *refs = NULL;
	size_t n = 0, cap = 0, k;
	struct hsplit_plan plan;
	struct hsplit s;
	int i;

	for (i = 0; i < nfiles; i++) {
		struct stat st;

		if (stat(files[i], &st) < 0)
			die("%s:", files[i]);
		if (!S_ISREG(st.st_mode))
			die("%s: not a regular file", files[i]);
		sizes[i] = (uint64_t)st.st_size;
		sum += sizes[i];
	}
	split = hsplit_size(maps ? sum / maps : UINT64_MAX, 1, block);
	for (i = 0; i < nfiles; i++) {
		hsplit_plan_init(&plan, sizes[i], split);
		while (hsplit_plan_next(&plan, &s)) {
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				refs = xrealloc(refs, cap * sizeof *refs);
			}
			refs[n].file = i;
			refs[n].s = s;
			refs[n].seq = n;
			n++;
		}
	}
	if (largest_first && n > 1)
		qsort(refs, n, sizeof *refs, larger_split_first);
	for (k = 0; k < n; k++) {
		out_str(&out, files[refs[k].file]);
		out_byte(&out, '\t');
		out_u64(&out, refs[k].s.start);
		out_byte(&out, '\t');
		out_u64(&out, refs[k].s.length);
		out_byte(&out, '\n');
	}
	free(refs);
	free(sizes);
}

static void
read_split(const char *range, const char *file)
{
	struct hsplit_reader hr;
	struct hsplit s;
	int fd;

	if (hsplit_parse(range, &s) < 0)
		die_usage(usage_line, "bad split (want OFFSET:LENGTH): %s", range);
	if (strcmp(file, "-") == 0)
		fd = 0;
	else if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		die("%s:", file);
	hsplit_reader_init(&hr, fd, file, s);
	hsplit_reader_copy(&hr, &out);
	hsplit_reader_free(&hr);
	if (fd != 0)
		close(fd);
}

int
main(int argc, char *argv[])
{
	static char *stdin_only[] = { "-", NULL };
	uint64_t number = 0, bytes = 0, lines = 0;
	const char *range = NULL;
	int c, index = 0, modes = 0, largest_first = 0;

	msg_init(argv[0]);
	out_ignore_sigpipe();
	while ((c = getopt_long(argc, argv, "n:b:l:p:iSr:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_uint(optarg, 1, 1000000, &number) < 0)
				die_usage(usage_line, "bad number of chunks: %s", optarg);
			modes++;
			break;
		case 'b':
			if (parse_size(optarg, &bytes) < 0 || bytes == 0)
				die_usage(usage_line, "bad size: %s", optarg);
			modes++;
			break;
		case 'l':
			if (parse_uint(optarg, 1, UINT64_MAX, &lines) < 0)
				die_usage(usage_line, "bad number of lines: %s", optarg);
			modes++;
			break;
		case 'p':
			prefix = optarg;
			break;
		case 'i':
			index = 1;
			break;
		case 'S':
			largest_first = 1;
			break;
		case 'r':
			range = optarg;
			break;
		case 'h':
			printf("usage: %s\n\n%s", usage_line, help_text);
			return fflush(stdout) == 0 ? EXIT_OK : EXIT_BAD;
		case OPT_VERSION:
			print_version();
			break;
		default:	/* getopt has said what is wrong */
			fprintf(stderr, "usage: %s\n", usage_line);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	out_init(&out, 1, "standard output");

	if (range != NULL) {
		if (index || modes || largest_first)
			die_usage(usage_line, "-r takes no other option");
		if (argc != 1)
			die_usage(usage_line, "-r reads one FILE");
		read_split(range, argv[0]);
	} else if (index) {
		if (lines)
			die_usage(usage_line, "-i takes -n and -b, not -l");
		if (argc == 0)
			die_usage(usage_line, "-i needs FILE arguments");
		print_index(argv, argc, number, bytes ? bytes : HSPLIT_BLOCK_DEFAULT,
		    largest_first);
	} else {
		if (modes > 1)
			die_usage(usage_line, "-n, -b and -l exclude each other");
		if (largest_first)
			die_usage(usage_line, "-S orders the splits of -i");
		if (argc == 0) {
			argv = stdin_only;
			argc = 1;
		}
		if (modes == 0)
			number = (uint64_t)online_cpus();
		if (number && open_inputs(argv, argc))
			split_regular((unsigned)number);
		else if (number)
			deal_round_robin((unsigned)number);
		else {
			open_inputs(argv, argc);
			split_stream(bytes ? BY_BYTES : BY_LINES, bytes ? bytes : lines);
		}
	}
	out_close(&out);
	return EXIT_OK;
}
