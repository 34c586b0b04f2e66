/*
 * Unit tests of lib/follow_marks.c: which source bytes each piece of
 * output came from, and each source moved back to the first line the
 * output did not accept (a short write, a reader gone), whatever the
 * output adds to a line (-H) or takes from it (-m).
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "unit.h"
#include "unitdir.h"
#include "follow.h"
#include "follow_marks.h"
#include "msg.h"

static char outpath[300];
static struct out out;
static struct follow_opts opts;
static struct follow_marks marks;

/* Output into a file afresh, the marks empty; -H when HEADER, -m MAX_LINE. */
static void
capture(int header, uint64_t max_line)
{
	int fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0666);

	out_init(&out, fd, "test output");
	out.owns_fd = 1;
	follow_marks_free(&marks);
	memset(&opts, 0, sizeof opts);
	opts.out = &out;
	opts.marks = &marks;
	opts.header = header;
	opts.max_line = max_line;
}

static void
begin(struct follow *f, const char *name)
{
	follow_init(f, path(name), &opts);
	CHECK(follow_start(f, FOLLOW_BEGIN, 0) == 0);
}

/*
 * Two follows writing to one output, in turns, as mr-tail's loop has
 * them: each read is a piece (or, for a line cut by -m that came without
 * its newline, a piece of that one line).  The lines in the order they
 * reach the output, as (file, its offset, its bytes):
 *   a 0 "a1"  a 3 "abcdefgh"  a 12 "c"  b 0 "p" x 300  a 14 "a333"
 *   b 301 "b22"  a 19 "xxxxxxxyy" (came in two reads)  a 29 "q"
 * b's first line is longer than a fingerprint: a fingerprint of the end
 * differs from one of the start of b22.
 */
static const struct line {
	int a;
	uint64_t off, len;	/* the line's bytes, its newline included */
} lines[] = {
	{ 1, 0, 3 }, { 1, 3, 9 }, { 1, 12, 2 }, { 0, 0, 301 }, { 1, 14, 5 },
	{ 0, 301, 4 }, { 1, 19, 10 }, { 1, 29, 2 },
};
#define NLINES (sizeof lines / sizeof lines[0])

/* Standard error away while lines are cut (a notice each time), or back. */
static void
quiet(int on)
{
	static int saved = -1;
	int fd;

	fflush(stderr);
	if (on && (fd = open("/dev/null", O_WRONLY)) >= 0) {
		saved = dup(2);
		dup2(fd, 2);
		close(fd);
	} else if (!on && saved >= 0) {
		dup2(saved, 2);
		close(saved);
		saved = -1;
	}
}

static void
scenario(struct follow *fa, struct follow *fb)
{
	char p[302];

	memset(p, 'p', 300);
	strcpy(p + 300, "\n");
	quiet(1);
	unit_put("a", "w", "a1\nabcdefgh\nc\n");	/* -m 4: cut, a line after it */
	unit_put("b", "w", p);
	begin(fa, "a");
	begin(fb, "b");
	follow_read(fa, UINT64_MAX, 0);
	follow_read(fb, UINT64_MAX, 0);
	unit_put("a", "a", "a333\n");
	follow_read(fa, UINT64_MAX, 0);
	unit_put("b", "a", "b22\n");
	follow_read(fb, UINT64_MAX, 0);
	unit_put("a", "a", "xxxxxxx");	/* -m 4: cut, its newline to come */
	follow_read(fa, UINT64_MAX, 0);
	unit_put("a", "a", "yy\nq\n");
	follow_read(fa, UINT64_MAX, 0);
	quiet(0);
	fa->changed = fb->changed = 0;
}

/* What line L takes in the output of F. */
static uint64_t
out_len(const struct follow *f, const struct line *l)
{
	uint64_t n = l->len;

	if (opts.max_line && l->len - 1 > opts.max_line)
		n = opts.max_line + 1;
	return n + (opts.header ? strlen(f->name) + 1 : 0);
}

static void
pieces_name_their_source_bytes(void)
{
	struct follow fa, fb;
	const struct follow_mark *m;

	capture(0, 0);
	scenario(&fa, &fb);
	m = marks.m + marks.first;
	CHECK(marks.n - marks.first == 5);	/* nothing accepted yet */
	CHECK(m[0].f == &fa && m[0].s == fa.cur && !m[0].whole);
	CHECK(m[0].out_start == 0 && m[0].out_end == 14);
	CHECK(m[0].src_start == 0 && m[0].src_end == 14);
	CHECK(m[0].lines == 0 && m[0].lbytes == 0 && m[0].fplen == 0);
	CHECK(m[1].f == &fb && m[1].s == fb.cur);
	CHECK(m[1].out_start == 14 && m[1].out_end == 315);
	CHECK(m[1].src_start == 0 && m[1].src_end == 301);
	CHECK(m[2].f == &fa && m[2].out_start == 315 && m[2].out_end == 320);
	CHECK(m[2].src_start == 14 && m[2].src_end == 19);
	CHECK(m[2].lines == 3 && m[2].lbytes == 14);
	CHECK(m[2].fplen == 14 && memcmp(m[2].fp, "a1\nabcdefgh\nc\n", 14) == 0);
	CHECK(m[3].f == &fb && m[3].src_start == 301 && m[3].lines == 1);
	CHECK(m[3].fplen == 256 && m[3].fp[255] == '\n' && m[3].fp[0] == 'p');
	CHECK(m[4].f == &fa && m[4].out_start == 324 && m[4].out_end == 336);
	CHECK(m[4].src_start == 19 && m[4].src_end == 31 && m[4].lines == 4);
	follow_free(&fa);
	follow_free(&fb);
	out_close(&out);
}

/* A line cut by -m that came without its newline is a piece of its own,
 * written whole or not at all; its output is the kept head and a newline. */
static void
a_cut_line_is_a_whole_piece(void)
{
	struct follow fa, fb;
	const struct follow_mark *m;
	size_t i;

	capture(0, 4);
	scenario(&fa, &fb);
	m = marks.m + marks.first;
	for (i = marks.first; i < marks.n && m->src_start != 19; i++, m++)
		;
	CHECK(i < marks.n && m->whole && m->src_end == 29);
	CHECK(m->out_end - m->out_start == 5);
	CHECK(i + 1 < marks.n && !m[1].whole && m[1].src_start == 29);
	follow_free(&fa);
	follow_free(&fb);
	out_close(&out);
}

/*
 * Where the source of A's (else B's) file must be after the output
 * accepted ACCEPTED bytes: at the first of its lines not wholly accepted,
 * *NLINES lines before it; where it is when all were (*MOVED 0).
 */
static uint64_t
model_offset(const struct follow *fa, const struct follow *fb, int a,
    uint64_t accepted, uint64_t *nlines, int *moved)
{
	const struct follow *f = a ? fa : fb;
	uint64_t end = 0;
	size_t i;

	*nlines = 0;
	*moved = 1;
	for (i = 0; i < NLINES; i++) {
		end += out_len(lines[i].a ? fa : fb, &lines[i]);
		if (lines[i].a != a)
			continue;
		if (end > accepted)
			return lines[i].off;
		++*nlines;
	}
	*moved = 0;
	return f->cur->line_off;
}

/* Whether S's fingerprint is the file's bytes before its line_off. */
static int
fp_is_file_bytes(const struct follow_src *s, const char *name)
{
	unsigned char want[TAILSTATE_FP_MAX];
	size_t n = s->line_off < sizeof want ? (size_t)s->line_off : sizeof want;
	int fd = open(path(name), O_RDONLY), ok;

	ok = pread(fd, want, n, (off_t)(s->line_off - n)) == (ssize_t)n &&
	    s->fplen == n && memcmp(s->fp, want, n) == 0;
	close(fd);
	return ok;
}

/*
 * A's (else B's) source at the place, line count and fingerprint of its
 * first line not accepted; marked changed only when moved.  The bytes its
 * lines span (lbytes) are the offset, read from the start, but with -m:
 * follow_read counts only the kept head of a line cut before its newline
 * came (a count lib/follow_read keeps, not the marks).
 */
static void
check_rewound(const struct follow *fa, const struct follow *fb, int a,
    uint64_t accepted)
{
	const struct follow *f = a ? fa : fb;
	const struct follow_src *s = f->cur;
	uint64_t nlines;
	int moved;
	uint64_t want = model_offset(fa, fb, a, accepted, &nlines, &moved);

	if (s->line_off != want || s->lines != nlines ||
	    (opts.max_line == 0 && s->lbytes != want) ||
	    !fp_is_file_bytes(s, a ? "a" : "b") || f->changed != moved) {
		fprintf(stderr, "#   %s, -H %d -m %d, %llu accepted: at %llu "
		    "(%llu lines, %llu bytes, changed %d), want %llu (%llu)\n",
		    a ? "a" : "b", opts.header, (int)opts.max_line,
		    (unsigned long long)accepted, (unsigned long long)s->line_off,
		    (unsigned long long)s->lines, (unsigned long long)s->lbytes,
		    f->changed, (unsigned long long)want,
		    (unsigned long long)nlines);
		unit_fail(__FILE__, __LINE__, "rewound as the model says");
	}
}

/*
 * For every number of bytes the output may have accepted (a write cut
 * short anywhere, a reader gone between any two writes), with and without
 * -H and -m: each source goes back to its first line not accepted whole.
 */
static void
rewind_goes_back_to_the_first_line_not_accepted(void)
{
	static const struct { int header; uint64_t max_line; } configs[] = {
		{ 0, 0 }, { 1, 0 }, { 0, 4 }, { 1, 4 },
	};
	struct follow fa, fb;
	size_t c;

	for (c = 0; c < sizeof configs / sizeof configs[0]; c++) {
		uint64_t accepted, total;

		capture(configs[c].header, configs[c].max_line);
		scenario(&fa, &fb);
		total = out.bytes + out.len;
		follow_free(&fa);
		follow_free(&fb);
		out_close(&out);
		for (accepted = 0; accepted <= total; accepted++) {
			capture(configs[c].header, configs[c].max_line);
			scenario(&fa, &fb);
			follow_marks_rewind(&marks, accepted);
			check_rewound(&fa, &fb, 1, accepted);
			check_rewound(&fa, &fb, 0, accepted);
			CHECK(marks.n == 0);
			out.len = 0;	/* the reader is gone: nothing more */
			follow_free(&fa);
			follow_free(&fb);
			out_close(&out);
		}
	}
}

/*
 * What a flush wrote is accepted: its marks go as the next piece comes,
 * and a rewind at what the output took leaves those lines alone, moving
 * back only what is still buffered.
 */
static void
flushed_lines_stay_accepted(void)
{
	struct follow fa;

	capture(0, 0);
	unit_put("a", "w", "1\n22\n");
	begin(&fa, "a");
	follow_read(&fa, UINT64_MAX, 0);
	out_flush(&out);
	unit_put("a", "a", "333\n4444\n");
	follow_read(&fa, UINT64_MAX, 0);
	CHECK(marks.n - marks.first == 1 && marks.m[marks.first].src_start == 5);
	follow_marks_rewind(&marks, out.bytes);
	CHECK(fa.cur->line_off == 5 && fa.cur->lines == 2 && fa.changed);
	CHECK(fp_is_file_bytes(fa.cur, "a"));
	out.len = 0;
	follow_free(&fa);
	out_close(&out);
}

/* A source about to be freed has what it wrote flushed first (a closed
 * output then finds it still there); one with nothing pending does not. */
static void
forget_flushes_a_source_with_pending_lines(void)
{
	struct follow fa, fb;

	capture(0, 0);
	unit_put("a", "w", "1\n22\n");
	unit_put("b", "w", "b\n");
	begin(&fa, "a");
	begin(&fb, "b");
	follow_read(&fa, UINT64_MAX, 0);
	CHECK(out.bytes == 0);
	follow_marks_forget(&fa, fa.cur);
	CHECK(out.bytes == 5 && out.len == 0 && marks.n == marks.first);
	follow_read(&fb, UINT64_MAX, 0);
	follow_marks_forget(&fa, fa.cur);
	CHECK(out.bytes == 5 && out.len == 2);
	follow_free(&fa);
	follow_free(&fb);
	out_close(&out);
}

/*
 * A decompressor's output cannot be read back: a rotated file compressed
 * while stopped, read through gzip, goes back to the start of the piece
 * the output took only part of (its lines come again), not to a line in
 * it as a plain file would.
 */
static void
a_decompressed_piece_goes_back_whole(void)
{
	struct follow f;
	struct follow_src *z;
	struct tailstate st;
	char cmd[400];
	uint64_t start = 0, lines = 0, out_start = 0;
	size_t i;
	FILE *fp;

	if (system("command -v gzip >/dev/null") != 0)
		return;
	capture(0, 0);
	unit_put("z", "w", "first\n");
	begin(&f, "z");
	follow_read(&f, UINT64_MAX, 0);
	tailstate_init(&st);
	follow_export(&f, &st, 0);
	follow_free(&f);
	fp = fopen(path("z"), "a");
	for (i = 0; i < 30000; i++)	/* 330,000 bytes: several pieces */
		fprintf(fp, "line %05zu\n", i);
	fclose(fp);
	rename(path("z"), path("z.1"));
	unit_put("z", "w", "new\n");
	snprintf(cmd, sizeof cmd, "gzip %s", path("z.1"));
	CHECK(system(cmd) == 0);
	follow_init(&f, path("z"), &opts);
	quiet(1);	/* "rotated while stopped" */
	CHECK(follow_resume(&f, st.e[0].horizon, st.e + 1, st.n - 1) == 0);
	follow_read(&f, 1, 0);	/* a piece of it */
	quiet(0);
	for (i = marks.first, z = NULL; i < marks.n && z == NULL; i++)
		if (marks.m[i].s->pid > 0) {
			z = marks.m[i].s;
			start = marks.m[i].src_start;
			lines = marks.m[i].lines;
			out_start = marks.m[i].out_start;
			CHECK(marks.m[i].src_end - start > 22);
		}
	CHECK(z != NULL && start == 6 && lines == 1);
	if (z != NULL) {
		follow_marks_rewind(&marks, out_start + 22);	/* 2 lines of it */
		CHECK(z->line_off == start && z->lines == lines && f.changed);
	}
	out.len = 0;
	follow_free(&f);
	out_close(&out);
	tailstate_free(&st);
	unlink(path("z.1.gz"));
}

int
main(void)
{
	unit_module = "follow_marks";
	msg_init("mr-tail");
	if (unit_dir_make("follow_marks") < 0)
		return 1;
	snprintf(outpath, sizeof outpath, "%s/out", dir);
	RUN(pieces_name_their_source_bytes);
	RUN(a_cut_line_is_a_whole_piece);
	RUN(rewind_goes_back_to_the_first_line_not_accepted);
	RUN(flushed_lines_stay_accepted);
	RUN(forget_flushes_a_source_with_pending_lines);
	RUN(a_decompressed_piece_goes_back_whole);
	follow_marks_free(&marks);
	return unit_dir_remove() < 0 ? 1 : unit_done();
}
