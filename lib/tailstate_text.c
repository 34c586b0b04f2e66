/* tailstate_text: mr-tail's checkpoint as text (see tailstate_text.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "tailstate_text.h"
#include "xalloc.h"

#define MAGIC1 "mr-tail-state 1\n"
#define MAGIC2 "mr-tail-state 2\n"
#define MAGIC_LEN (sizeof MAGIC2 - 1)

/* parse_u64: a decimal number ending at a space; advances *P past the space. */
static int
parse_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	if (s >= end || *s != ' ')
		return -1;
	*p = s + 1;
	*v = x;
	return 0;
}

/* parse_u64_end: a decimal number that is all of [P, END). */
static int
parse_u64_end(const char *p, const char *end, uint64_t *v)
{
	char tmp[24];
	const char *q = tmp;
	size_t n = (size_t)(end - p);

	if (n == 0 || n >= sizeof tmp - 1)
		return -1;
	memcpy(tmp, p, n);
	tmp[n] = ' ';
	return parse_u64(&q, tmp + n + 1, v) < 0 || q != tmp + n + 1 ? -1 : 0;
}

/* parse_i64: parse_u64 with an optional '-', within int64_t. */
static int
parse_i64(const char **p, const char *end, int64_t *v)
{
	const char *s = *p;
	int neg = s < end && *s == '-';
	uint64_t x;

	s += neg;
	if (parse_u64(&s, end, &x) < 0 || x > (uint64_t)INT64_MAX + neg)
		return -1;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	*p = s;
	return 0;
}

/* parse_u32: parse_u64 within uint32_t. */
static int
parse_u32(const char **p, const char *end, uint32_t *v)
{
	uint64_t x;

	if (parse_u64(p, end, &x) < 0 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* parse_hex: exactly 16 hex digits followed by a space or the end. */
static int
parse_hex(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int i;

	if (end - s < 16)
		return -1;
	for (i = 0; i < 16; i++, s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (s < end) {
		if (*s != ' ')
			return -1;
		s++;
	}
	*p = s;
	*v = x;
	return 0;
}

/* unescape: the name at [P, END) into a new string, or NULL if malformed
 * (empty, a NUL byte, an unknown escape). */
static char *
unescape(const char *p, const char *end)
{
	char *name = xmalloc((size_t)(end - p) + 1), *d = name;

	for (; p < end; p++) {
		if (*p == '\0')
			goto bad;
		if (*p != '\\') {
			*d++ = *p;
			continue;
		}
		if (++p == end)
			goto bad;
		switch (*p) {
		case '\\': *d++ = '\\'; break;
		case 'n': *d++ = '\n'; break;
		case 't': *d++ = '\t'; break;
		case 'r': *d++ = '\r'; break;
		default: goto bad;
		}
	}
	*d = '\0';
	if (d == name)
		goto bad;
	return name;
bad:
	free(name);
	return NULL;
}

/* parse_v1: "C|P DEV INO OFF FPLEN FP NAME" (the line [P, NL) after "C "). */
static const char *
parse_v1(struct tailstate_entry *e, const char *q, const char *nl)
{
	if (parse_u64(&q, nl, &e->dev) < 0 || parse_u64(&q, nl, &e->ino) < 0 ||
	    parse_u64(&q, nl, &e->off) < 0 || parse_u32(&q, nl, &e->fplen) < 0 ||
	    parse_hex(&q, nl, &e->fp) < 0 || q >= nl)
		return "malformed entry";
	if ((e->name = unescape(q, nl)) == NULL)
		return "malformed file name";
	e->kind = TAILSTATE_FILE;
	e->path = xstrdup(e->name);
	e->size = e->off;
	return NULL;
}

/* parse_file: the fields of an "F" line after "F C ". */
static const char *
parse_file(struct tailstate_entry *e, const char *q, const char *nl)
{
	const char *tab;

	if (parse_u64(&q, nl, &e->dev) < 0 || parse_u64(&q, nl, &e->ino) < 0 ||
	    parse_i64(&q, nl, &e->btime) < 0 || parse_u64(&q, nl, &e->off) < 0 ||
	    parse_u32(&q, nl, &e->fplen) < 0 || parse_hex(&q, nl, &e->fp) < 0 ||
	    parse_u32(&q, nl, &e->headlen) < 0 || parse_hex(&q, nl, &e->head) < 0 ||
	    parse_u64(&q, nl, &e->size) < 0 || parse_i64(&q, nl, &e->mtime) < 0 ||
	    parse_u64(&q, nl, &e->lines) < 0 || parse_u64(&q, nl, &e->lbytes) < 0 ||
	    q >= nl)
		return "malformed entry";
	if (e->headlen > TAILSTATE_FP_MAX)
		return "head length out of range";
	if ((tab = memchr(q, '\t', (size_t)(nl - q))) == NULL)
		return "malformed file name";
	e->kind = TAILSTATE_FILE;
	if ((e->name = unescape(q, tab)) == NULL ||
	    (e->path = unescape(tab + 1, nl)) == NULL)
		return "malformed file name";
	return NULL;
}

/* parse_output: the output record "O W|D DEV INO SIZE" [P, NL) into ST. */
static const char *
parse_output(struct tailstate *st, const char *p, const char *nl)
{
	const char *q = p + 4;

	if (st->out_known)
		return "a second output line";
	st->out_writing = p[2] == 'W';
	if (parse_u64(&q, nl, &st->out_dev) < 0 ||
	    parse_u64(&q, nl, &st->out_ino) < 0 || q >= nl ||
	    parse_u64_end(q, nl, &st->out_size) < 0)
		return "malformed output line";
	st->out_known = 1;
	return NULL;
}

/* parse_entry: one line [P, NL) of a version V file into ST. */
static const char *
parse_entry(struct tailstate *st, int v, const char *p, const char *nl)
{
	struct tailstate_entry e;
	const char *why;

	memset(&e, 0, sizeof e);
	if (v == 2 && nl - p >= 4 && p[0] == 'O' && p[1] == ' ' &&
	    (p[2] == 'W' || p[2] == 'D') && p[3] == ' ')
		return parse_output(st, p, nl);
	if (v == 1) {
		if (nl - p < 2 || (p[0] != 'C' && p[0] != 'P') || p[1] != ' ')
			return "malformed entry";
		e.pending = p[0] == 'P';
		why = parse_v1(&e, p + 2, nl);
	} else {
		if (nl - p < 4 || (p[0] != 'N' && p[0] != 'F') || p[1] != ' ' ||
		    (p[2] != 'C' && p[2] != 'P') || p[3] != ' ')
			return "malformed entry";
		e.pending = p[2] == 'P';
		if (p[0] == 'F') {
			why = parse_file(&e, p + 4, nl);
		} else {
			const char *q = p + 4;

			e.kind = TAILSTATE_NAME;
			why = parse_i64(&q, nl, &e.horizon) < 0 || q >= nl ?
			    "malformed entry" : (e.name = unescape(q, nl)) == NULL ?
			    "malformed file name" : NULL;
		}
	}
	if (why == NULL && e.kind == TAILSTATE_FILE &&
	    (e.fplen > TAILSTATE_FP_MAX || e.fplen > e.off))
		why = "fingerprint length out of range";
	if (why == NULL)
		tailstate_add(st, &e);
	free(e.name);
	free(e.path);
	return why;
}

/*
 * The end line is checked first: a file cut short has none ("truncated"),
 * and any changed byte before it fails the checksum, whatever it hit.
 */
int
tailstate_parse(struct tailstate *st, const char *buf, size_t len,
    uint64_t *line, const char **why)
{
	const char *p, *end = buf + len, *last, *nl, *q;
	uint64_t count, sum, h, lines = 0;

	*line = 1;
	if (len >= MAGIC_LEN && memcmp(buf, MAGIC1, MAGIC_LEN) == 0)
		st->version = 1;
	else if (len >= MAGIC_LEN && memcmp(buf, MAGIC2, MAGIC_LEN) == 0)
		st->version = 2;
	else {
		*why = len == 0 ? "empty file" : "not an mr-tail state file";
		return -1;
	}
	for (p = buf; p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL;
	    p = nl + 1)
		lines++;
	/* The last line, complete or not. */
	last = end;
	if (last > buf && last[-1] == '\n')
		last--;
	while (last > buf && last[-1] != '\n')
		last--;
	*line = lines;
	if (end[-1] != '\n' || end - last < 5 || memcmp(last, "end ", 4) != 0 ||
	    last == buf) {
		*line = lines + 1;
		*why = "truncated file (no end line)";
		return -1;
	}
	q = last + 4;
	if (parse_u64(&q, end - 1, &count) < 0 || parse_hex(&q, end - 1, &h) < 0 ||
	    q != end - 1) {
		*why = "malformed end line";
		return -1;
	}
	sum = hash64(buf, (size_t)(last - buf));
	if (h != sum) {
		*why = "checksum mismatch";
		return -1;
	}
	*line = 1;
	for (p = buf + MAGIC_LEN; p < last; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(last - p));
		++*line;
		if ((*why = parse_entry(st, st->version, p, nl)) != NULL)
			return -1;
	}
	if (count != st->n + (st->out_known != 0)) {
		++*line;
		*why = "entry count does not match the end line";
		return -1;
	}
	return 0;
}

static void
add_escaped(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\': buf_append(b, "\\\\", 2); break;
		case '\n': buf_append(b, "\\n", 2); break;
		case '\t': buf_append(b, "\\t", 2); break;
		case '\r': buf_append(b, "\\r", 2); break;
		default: buf_append(b, s, 1); break;
		}
	}
}

char *
tailstate_format(const struct tailstate *st, size_t *len)
{
	struct buf b = { NULL, 0, 0 };
	char tmp[512];
	size_t i;
	int n;

	buf_append(&b, MAGIC2, MAGIC_LEN);
	for (i = 0; i < st->n; i++) {
		const struct tailstate_entry *e = &st->e[i];
		char c = e->pending ? 'P' : 'C';

		if (e->kind == TAILSTATE_NAME) {
			n = snprintf(tmp, sizeof tmp, "N %c %" PRId64 " ", c,
			    e->horizon);
			buf_append(&b, tmp, (size_t)n);
			add_escaped(&b, e->name);
		} else {
			n = snprintf(tmp, sizeof tmp, "F %c %" PRIu64 " %" PRIu64
			    " %" PRId64 " %" PRIu64 " %" PRIu32 " %016" PRIx64
			    " %" PRIu32 " %016" PRIx64 " %" PRIu64 " %" PRId64
			    " %" PRIu64 " %" PRIu64 " ", c, e->dev, e->ino,
			    e->btime, e->off, e->fplen, e->fp, e->headlen, e->head,
			    e->size, e->mtime, e->lines, e->lbytes);
			buf_append(&b, tmp, (size_t)n);
			add_escaped(&b, e->name);
			buf_append(&b, "\t", 1);
			add_escaped(&b, e->path != NULL ? e->path : e->name);
		}
		buf_append(&b, "\n", 1);
	}
	if (st->out_known) {
		n = snprintf(tmp, sizeof tmp, "O %c %" PRIu64 " %" PRIu64 " %"
		    PRIu64 "\n", st->out_writing ? 'W' : 'D', st->out_dev,
		    st->out_ino, st->out_size);
		buf_append(&b, tmp, (size_t)n);
	}
	n = snprintf(tmp, sizeof tmp, "end %zu %016" PRIx64 "\n",
	    st->n + (st->out_known != 0), hash64(b.p, b.len));
	buf_append(&b, tmp, (size_t)n);
	*len = b.len;
	return b.p;
}

