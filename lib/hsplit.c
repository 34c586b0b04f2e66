/* hsplit: Hadoop split planning and LineRecordReader (see hsplit.h). */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
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

static int
longer_task_first(const void *a, const void *b)
{
	const struct hsplit_task *x = a, *y = b;

	if (x->s.length != y->s.length)
		return x->s.length < y->s.length ? 1 : -1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void
hsplit_tasks_order(struct hsplit_task *t, size_t n)
{
	if (n > 1)
		qsort(t, n, sizeof *t, longer_task_first);
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
	memset(&r->b, 0, sizeof r->b);
	buf_reserve(&r->b, 2 * r->chunk);
	r->nl_at = NO_NL;
}

void
hsplit_reader_free(struct hsplit_reader *r)
{
	buf_free(&r->b);
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

/* The offset just past the first '\n' at or after OFF in the mapped file
 * MAP of SIZE bytes, or SIZE. */
static uint64_t
after_newline(const char *map, uint64_t off, uint64_t size)
{
	const char *nl;

	if (off >= size)
		return size;
	nl = memchr(map + off, '\n', (size_t)(size - off));
	return nl != NULL ? (uint64_t)(nl - map) + 1 : size;
}

int64_t
hsplit_reader_splice(struct hsplit_reader *r, int to, int *stopped)
{
	struct stat st;
	uint64_t size, first, last, end = r->end, n = 0;
	const char *map, *p, *q, *stop;
	loff_t off;
	ssize_t k;

	*stopped = 0;
	if (r->started || fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size == 0)
		return -1;
	size = (uint64_t)st.st_size;
	if (r->start >= size)
		return -1;
	map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, r->fd, 0);
	if (map == MAP_FAILED)
		return -1;
	/* The records: from the start (after the line that belongs to the
	 * previous split) to the end of the line that crosses the end. */
	first = r->start == 0 ? 0 : after_newline(map, r->start, size);
	last = end >= size ? size : after_newline(map, end, size);
	if ((r->start == 0 && size >= 3 && memcmp(map, "\xEF\xBB\xBF", 3) == 0) ||
	    memchr(map + r->start, '\r', (size_t)(last - r->start)) != NULL) {
		munmap((void *)map, (size_t)size);
		return -1;
	}
	for (p = map + first, stop = map + last; p < stop; p = q + 1, n++)
		if ((q = memchr(p, '\n', (size_t)(stop - p))) == NULL)
			break;
	munmap((void *)map, (size_t)size);
	r->started = r->finished = 1;
	off = (loff_t)first;
	while ((uint64_t)off < last) {
		k = splice(r->fd, &off, to, NULL, (size_t)(last - (uint64_t)off) <
		    (1 << 20) ? (size_t)(last - (uint64_t)off) : 1 << 20, SPLICE_F_MOVE);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EPIPE) {
			*stopped = 1;
			return (int64_t)n;
		}
		if (k < 0)
			die("%s:", r->name);
		if (k == 0)
			die("%s: shorter than it was", r->name);
		r->spliced += (uint64_t)k;
	}
	if (p < stop) {		/* a last line without '\n' */
		n++;
		if (write_all(to, "\n", 1) < 0) {
			if (errno != EPIPE)
				die("%s: write error:", r->name);
			*stopped = 1;
		} else {
			r->spliced++;
		}
	}
	r->records = n;
	return (int64_t)n;
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

	if (r->head > 0 && r->b.cap - r->b.len < r->chunk) {
		memmove(r->b.p, r->b.p + r->head, r->b.len - r->head);
		r->bufpos += r->head;
		r->b.len -= r->head;
		r->head = 0;
	}
	buf_reserve(&r->b, r->chunk);
	do
		n = pread(r->fd, r->b.p + r->b.len, r->b.cap - r->b.len,
		    (off_t)(r->bufpos + r->b.len));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s:", r->name);
	if (n == 0)
		r->eof = 1;
	r->b.len += (size_t)n;
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
	uint64_t off = r->bufpos + from, to = r->bufpos + r->b.len;
	size_t nl;
	char *q, *c;

	if (r->nl_at != NO_NL && r->nl_at >= off) {
		nl = (size_t)(r->nl_at - r->bufpos);
	} else {
		uint64_t scan = off;

		if (r->nl_at == NO_NL && r->nl_to > off && r->nl_from <= off)
			scan = r->nl_to;
		q = memchr(r->b.p + (scan - r->bufpos), '\n', (size_t)(to - scan));
		r->nl_from = off;
		if (q != NULL) {
			r->nl_at = r->bufpos + (uint64_t)(q - r->b.p);
			nl = (size_t)(q - r->b.p);
		} else {
			r->nl_at = NO_NL;
			r->nl_to = to;
			nl = r->b.len;
		}
	}
	c = memchr(r->b.p + from, '\r', nl - from);
	if (c != NULL)
		return (size_t)(c - r->b.p);
	return nl < r->b.len ? nl : (size_t)-1;
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
		if (r->head + scanned < r->b.len) {
			eol = find_eol(r, r->head + scanned);
			if (eol != (size_t)-1) {
				if (r->b.p[eol] == '\n') {
					term = 1;
				} else if (eol + 1 < r->b.len) {
					term = r->b.p[eol + 1] == '\n' ? 2 : 1;
				} else if (r->eof) {
					term = 1;
				} else {
					/* A '\r' at the end of the data: is '\n' next? */
					scanned = eol - r->head;
					goto more;
				}
				break;
			}
			scanned = r->b.len - r->head;
		}
		if (r->eof) {
			eol = r->b.len;
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
	rec->p = r->b.p + r->head;
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

/* ---- listing the input ---- */

static void
add_file(struct hsplit_inputs *in, const char *path)
{
	ARRAY_RESERVE(in->files, in->cap, in->n + 1);
	in->files[in->n++] = xstrdup(path);
}

/* PATH made absolute, without "." parts, repeated or trailing slashes
 * (".." is kept, as Hadoop's Path keeps it). */
static char *
absolute(const char *path)
{
	char cwd[PATH_MAX], *a, *o, *comp, *save;
	char *copy;

	if (path[0] == '/') {
		copy = xstrdup(path);
	} else {
		if (getcwd(cwd, sizeof cwd) == NULL)
			die("getcwd:");
		copy = xmalloc(strlen(cwd) + strlen(path) + 2);
		sprintf(copy, "%s/%s", cwd, path);
	}
	a = o = xmalloc(strlen(copy) + 2);
	for (comp = strtok_r(copy, "/", &save); comp != NULL;
	    comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		*o++ = '/';
		strcpy(o, comp);
		o += strlen(comp);
	}
	if (o == a)
		*o++ = '/';
	*o = '\0';
	free(copy);
	return a;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The files of directory DIR (absolute), in name order, hidden ones left out. */
static void
add_dir(struct hsplit_inputs *in, const char *dir, int recursive)
{
	struct dirent **names;
	struct stat st;
	char *path;
	int n, i;

	if ((n = scandir(dir, &names, NULL, by_name)) < 0)
		die("input: file:%s:", dir);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if (name[0] == '_' || name[0] == '.') {
			free(names[i]);
			continue;
		}
		path = xmalloc(strlen(dir) + strlen(name) + 2);
		sprintf(path, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
		if (stat(path, &st) < 0)
			die("input: file:%s:", path);
		if (S_ISDIR(st.st_mode)) {
			if (!recursive)
				die("input: not a file: file:%s", path);
			add_dir(in, path, recursive);
		} else {
			add_file(in, path);
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

/* One path (not a glob): a file, or a directory's files. */
static void
add_path(struct hsplit_inputs *in, const char *abs, int recursive)
{
	struct stat st;

	if (stat(abs, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			die("input path does not exist: file:%s", abs);
		die("input: file:%s:", abs);
	}
	if (S_ISDIR(st.st_mode)) {
		add_dir(in, abs, recursive);
		return;
	}
	if (access(abs, R_OK) < 0)
		die("input: file:%s:", abs);
	add_file(in, abs);
}

void
hsplit_list(struct hsplit_inputs *in, char *const specs[], size_t nspecs,
    int recursive)
{
	struct buf dirs = { 0 };
	size_t i;
	char *list, *save, *p, *a;

	memset(in, 0, sizeof *in);
	for (i = 0; i < nspecs; i++) {
		list = xstrdup(specs[i]);
		for (p = strtok_r(list, ",", &save); p != NULL;
		    p = strtok_r(NULL, ",", &save)) {
			if (strncmp(p, "file://", 7) == 0)
				p += 7;
			else if (strncmp(p, "file:", 5) == 0)
				p += 5;
			if (*p == '\0')
				continue;
			a = absolute(p);
			dirs.len += (size_t)sprintf(buf_reserve(&dirs,
			    strlen(a) + 7), "%sfile:%s", dirs.len > 0 ? "," : "",
			    a);
			if (strpbrk(p, "*?[") != NULL) {
				glob_t g;
				size_t k;

				if (glob(p, 0, NULL, &g) != 0 || g.gl_pathc == 0)
					die("input pattern file:%s matches 0 files", a);
				for (k = 0; k < g.gl_pathc; k++) {
					char *m = absolute(g.gl_pathv[k]);

					add_path(in, m, recursive);
					free(m);
				}
				globfree(&g);
			} else {
				add_path(in, a, recursive);
			}
			free(a);
		}
		free(list);
	}
	*buf_reserve(&dirs, 1) = '\0';
	in->dirs = dirs.p;
}

void
hsplit_inputs_free(struct hsplit_inputs *in)
{
	size_t i;

	for (i = 0; i < in->n; i++)
		free(in->files[i]);
	free(in->files);
	free(in->dirs);
	memset(in, 0, sizeof *in);
}
