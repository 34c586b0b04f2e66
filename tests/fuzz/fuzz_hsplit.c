/*
 * fuzz_hsplit: Hadoop's split planning and LineRecordReader (lib/hsplit)
 * over any file, split at any size and read in small chunks, against a
 * model written here:
 *
 * - the plan is FileInputFormat's loop: splits of SPLIT bytes while more
 *   than 1.1 x SPLIT bytes are left, then the rest; together they cover
 *   the file once, in order;
 * - the file's lines end at "\n", "\r\n" or a lone "\r" (or the file's
 *   end), each line starting where the one before ended; a BOM at offset 0
 *   is dropped from the first line, and a file of only a BOM has no line;
 * - the split [s, s + l) reads exactly the lines starting in (s, s + l],
 *   or [0, l] for the first split: so every line is read once, by one
 *   split.
 *
 * Input: two bytes of split size (1 to the file's size + 1), a byte of
 * read chunk size (1 to 64), then the file.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "hsplit.h"
#include "xalloc.h"

struct line {
	size_t start, len;	/* len: without the BOM and the terminator */
	size_t content;		/* offset of the first byte of its content */
};

/* The file's lines by the rule above; the number of lines. */
static size_t
model_lines(const uint8_t *f, size_t size, struct line *lines)
{
	size_t pos = 0, n = 0, end, next;

	while (pos < size) {
		for (end = pos; end < size && f[end] != '\n' && f[end] != '\r'; end++)
			;
		next = end;
		if (end < size)
			next += f[end] == '\r' && end + 1 < size && f[end + 1] == '\n' ? 2 : 1;
		lines[n].start = pos;
		lines[n].content = pos;
		lines[n].len = end - pos;
		if (pos == 0 && end >= 3 && memcmp(f, "\xEF\xBB\xBF", 3) == 0) {
			lines[n].content += 3;
			lines[n].len -= 3;
			if (lines[n].len == 0 && next == end)
				break;	/* only a BOM, unterminated: nothing read */
		}
		n++;
		pos = next;
	}
	return n;
}

static int
bytes_fd(const uint8_t *data, size_t len)
{
	int fd = memfd_create("fuzz-hsplit", MFD_CLOEXEC);

	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(len == 0 || write(fd, data, len) == (ssize_t)len);
	return fd;
}

/* Read split S with reads of CHUNK bytes; mark each line read in SEEN. */
static void
read_split(int fd, const uint8_t *f, size_t size, struct hsplit s,
    size_t chunk, const struct line *lines, size_t nlines, uint8_t *seen)
{
	struct hsplit_reader r;
	struct slice rec;
	uint64_t off;
	size_t i;

	hsplit_reader_init(&r, fd, "fuzz", s);
	buf_free(&r.b);
	r.chunk = chunk;
	buf_reserve(&r.b, 2 * chunk);
	/* The first line the split reads (the model's rule). */
	for (i = 0; i < nlines && s.start != 0 && lines[i].start <= s.start; i++)
		;
	while (hsplit_reader_next(&r, &rec, &off)) {
		FUZZ_CHECK(i < nlines);
		FUZZ_CHECK(off == lines[i].start);
		FUZZ_CHECK(off <= s.start + s.length);
		FUZZ_CHECK(rec.len == lines[i].len);
		FUZZ_CHECK(rec.len == 0 ||
		    memcmp(rec.p, f + lines[i].content, rec.len) == 0);
		FUZZ_CHECK(!seen[i]);
		seen[i] = 1;
		i++;
	}
	/* It stopped at the first line past its end, or at the file's end. */
	FUZZ_CHECK(i == nlines || lines[i].start > s.start + s.length);
	FUZZ_CHECK(!hsplit_reader_next(&r, &rec, &off));
	FUZZ_CHECK(r.records <= nlines);
	(void)size;
	hsplit_reader_free(&r);
}

/* hsplit_reader_copy of split S: its lines, each with '\n' after it. */
static void
copy_split(int fd, const uint8_t *f, struct hsplit s, const struct line *lines,
    size_t nlines)
{
	int outfd = memfd_create("fuzz-hsplit-out", MFD_CLOEXEC);
	struct hsplit_reader r;
	struct out o;
	uint64_t n;
	size_t i, want = 0, got = 0;
	char *text;

	FUZZ_CHECK(outfd >= 0);
	hsplit_reader_init(&r, fd, "fuzz", s);
	out_init(&o, outfd, "fuzz-out");
	/* A small buffer: flushes come often, and no 256 KiB allocation per
	 * input (which costs the fuzzer most of its time). */
	free(o.buf);
	o.cap = 61;
	o.buf = xmalloc(o.cap);
	n = hsplit_reader_copy(&r, &o);
	out_flush(&o);
	text = xmalloc(o.bytes + 1);
	FUZZ_CHECK(pread(outfd, text, o.bytes + 1, 0) == (ssize_t)o.bytes);
	for (i = 0; i < nlines; i++) {
		if ((s.start != 0 && lines[i].start <= s.start) ||
		    lines[i].start > s.start + s.length)
			continue;
		FUZZ_CHECK(got + lines[i].len < o.bytes);
		FUZZ_CHECK(memcmp(text + got, f + lines[i].content, lines[i].len) == 0);
		got += lines[i].len;
		FUZZ_CHECK(text[got++] == '\n');
		want++;
	}
	FUZZ_CHECK(got == o.bytes);
	FUZZ_CHECK(n == want);
	free(text);
	out_close(&o);
	close(outfd);
	hsplit_reader_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	const uint8_t *f = in + 3;
	size_t fsize, nlines, i, chunk, covered = 0, nsplits = 0;
	uint64_t split;
	struct line *lines;
	struct hsplit_plan plan;
	struct hsplit s;
	uint8_t *seen;
	int fd;

	if (size < 3)
		return 0;
	fsize = size - 3;
	split = 1 + ((size_t)in[0] << 8 | in[1]) % (fsize + 1);
	chunk = 1 + in[2] % 64;
	lines = xmalloc((fsize + 1) * sizeof *lines);
	seen = calloc(fsize + 1, 1);
	nlines = model_lines(f, fsize, lines);
	fd = bytes_fd(f, fsize);

	hsplit_plan_init(&plan, fsize, split);
	while (hsplit_plan_next(&plan, &s)) {
		FUZZ_CHECK(s.start == covered);
		FUZZ_CHECK(s.length > 0 || fsize == 0);
		/* Full splits while more than 1.1 x split is left. */
		if (s.start + s.length < fsize)
			FUZZ_CHECK(s.length == split &&
			    (double)(fsize - s.start) / (double)split > HSPLIT_SLOP);
		else
			FUZZ_CHECK((double)s.length / (double)split <= HSPLIT_SLOP);
		covered += s.length;
		nsplits++;
		read_split(fd, f, fsize, s, chunk, lines, nlines, seen);
		if (nsplits == 1 + (size_t)in[2] % 4)
			copy_split(fd, f, s, lines, nlines);
	}
	FUZZ_CHECK(covered == fsize);
	FUZZ_CHECK(nsplits >= 1);
	for (i = 0; i < nlines; i++)
		FUZZ_CHECK(seen[i]);

	/* A split that does not start on a plan's boundary reads its lines
	 * too: from a start in the middle of the file to its end. */
	if (fsize > 1) {
		struct hsplit mid = { in[1] % fsize, fsize };

		memset(seen, 0, fsize + 1);
		read_split(fd, f, fsize, mid, chunk, lines, nlines, seen);
	}
	close(fd);
	free(seen);
	free(lines);
	return 0;
}
