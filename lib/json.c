/* json: validating JSON-lines parser and path extractor (see json.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "xalloc.h"

struct ctx {
	const char *p, *start, *end;
	const struct json_query *q;
	struct json_value *vals;
	const char *err;
};

static int
fail(struct ctx *c, const char *msg)
{
	if (c->err == NULL)
		c->err = msg;
	return -1;
}

static void
skip_ws(struct ctx *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Four hex digits at P (which has at least 4 bytes); -1 if not. */
static long
hex4(const char *p)
{
	long v = 0;
	int i, h;

	for (i = 0; i < 4; i++) {
		if ((h = hexval((unsigned char)p[i])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * The length of the well-formed UTF-8 sequence at P (before END): no
 * overlong forms, no surrogates, nothing above U+10FFFF.  0 if invalid.
 */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2, cp = p[0] & 0x1F;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		n = 3, cp = p[0] & 0x0F;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/* Validate a string at c->p (the opening quote); its contents in *S. */
static int
parse_string(struct ctx *c, const char **s, size_t *slen)
{
	const unsigned char *p = (const unsigned char *)c->p + 1;
	const unsigned char *end = (const unsigned char *)c->end;
	size_t n;

	*s = (const char *)p;
	while (p < end) {
		if (*p == '"') {
			*slen = (size_t)(p - (const unsigned char *)*s);
			c->p = (const char *)p + 1;
			return 0;
		}
		if (*p == '\\') {
			if (end - p < 2)
				break;
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				continue;
			case 'u':
				if (end - p < 6 || hex4((const char *)p + 2) < 0) {
					c->p = (const char *)p;
					return fail(c, "bad \\u escape");
				}
				p += 6;
				continue;
			}
			c->p = (const char *)p;
			return fail(c, "bad escape in string");
		}
		if (*p < 0x20) {
			c->p = (const char *)p;
			return fail(c, "control character in string");
		}
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((n = utf8_len(p, end)) == 0) {
			c->p = (const char *)p;
			return fail(c, "invalid UTF-8 in string");
		}
		p += n;
	}
	c->p = (const char *)end;
	return fail(c, "unterminated string");
}

static int
parse_number(struct ctx *c)
{
	const char *p = c->p, *end = c->end;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0') {
		p++;
	} else if (p < end && *p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else {
		c->p = p;
		return fail(c, "bad number");
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9') {
			c->p = p;
			return fail(c, "bad number");
		}
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9') {
			c->p = p;
			return fail(c, "bad number");
		}
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	c->p = p;
	return 0;
}

/* Decode the escape or UTF-8 sequence at *P into OUT (up to 4 bytes);
 * the number of bytes; *P advanced.  The string is already validated. */
static size_t
decode_char(const char **pp, char out[4])
{
	const char *p = *pp;
	long cp, lo;

	if (*p != '\\') {
		out[0] = *p;
		*pp = p + 1;
		return 1;
	}
	switch (p[1]) {
	case 'b': out[0] = '\b'; break;
	case 'f': out[0] = '\f'; break;
	case 'n': out[0] = '\n'; break;
	case 'r': out[0] = '\r'; break;
	case 't': out[0] = '\t'; break;
	case 'u':
		cp = hex4(p + 2);
		p += 6;
		if (cp >= 0xD800 && cp <= 0xDBFF && p[0] == '\\' && p[1] == 'u' &&
		    (lo = hex4(p + 2)) >= 0xDC00 && lo <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD;	/* a lone surrogate, as jq does */
		}
		*pp = p;
		if (cp < 0x80) {
			out[0] = (char)cp;
			return 1;
		}
		if (cp < 0x800) {
			out[0] = (char)(0xC0 | cp >> 6);
			out[1] = (char)(0x80 | (cp & 0x3F));
			return 2;
		}
		if (cp < 0x10000) {
			out[0] = (char)(0xE0 | cp >> 12);
			out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
			out[2] = (char)(0x80 | (cp & 0x3F));
			return 3;
		}
		out[0] = (char)(0xF0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	default: out[0] = p[1]; break;	/* '"', '\\', '/' */
	}
	*pp = p + 2;
	return 1;
}

/* Does the (validated, escaped) member name S equal WANT? */
static int
name_equals(const char *s, size_t slen, const char *want, size_t wlen)
{
	const char *p = s, *end = s + slen;
	char buf[4];
	size_t n, off = 0;

	if (memchr(s, '\\', slen) == NULL)
		return slen == wlen && memcmp(s, want, wlen) == 0;
	while (p < end) {
		n = decode_char(&p, buf);
		if (off + n > wlen || memcmp(want + off, buf, n) != 0)
			return 0;
		off += n;
	}
	return off == wlen;
}

static int parse_value(struct ctx *c, int depth, uint64_t mask);

/* Which paths of MASK continue below this member (name S) or element? */
static uint64_t
child_mask(const struct ctx *c, int depth, uint64_t mask, const char *s,
    size_t slen, long index)
{
	uint64_t child = 0;
	size_t i;

	for (i = 0; mask != 0; i++, mask >>= 1) {
		const struct json_path *jp = &c->q->paths[i];

		if (!(mask & 1) || jp->ncomp <= (size_t)depth)
			continue;
		if (s != NULL ? name_equals(s, slen, jp->comp[depth],
		    jp->complen[depth]) : jp->index[depth] == index)
			child |= (uint64_t)1 << i;
	}
	return child;
}

/*
 * Forget the values found for the paths of MASK: a member that repeats
 * replaces the earlier one, and with it whatever was found inside it
 * ({"a":{"b":1},"a":2} has no a.b).
 */
static void
forget(struct ctx *c, uint64_t mask)
{
	size_t i;

	for (i = 0; mask != 0; i++, mask >>= 1)
		if (mask & 1)
			c->vals[i] = (struct json_value){ JSON_NONE, NULL, 0 };
}

static int
parse_object(struct ctx *c, int depth, uint64_t mask)
{
	const char *s;
	size_t slen;
	uint64_t child;

	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		skip_ws(c);
		if (c->p >= c->end || *c->p != '"')
			return fail(c, "expected a member name");
		if (parse_string(c, &s, &slen) < 0)
			return -1;
		skip_ws(c);
		if (c->p >= c->end || *c->p != ':')
			return fail(c, "expected ':'");
		c->p++;
		child = mask ? child_mask(c, depth, mask, s, slen, -1) : 0;
		forget(c, child);
		if (parse_value(c, depth + 1, child) < 0)
			return -1;
		skip_ws(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			return 0;
		}
		return fail(c, "expected ',' or '}'");
	}
}

static int
parse_array(struct ctx *c, int depth, uint64_t mask)
{
	long index = 0;

	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == ']') {
		c->p++;
		return 0;
	}
	for (;;) {
		if (parse_value(c, depth + 1, mask ? child_mask(c, depth, mask,
		    NULL, 0, index) : 0) < 0)
			return -1;
		index++;
		skip_ws(c);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return 0;
		}
		return fail(c, "expected ',' or ']'");
	}
}

static int
parse_literal(struct ctx *c, const char *word, size_t n)
{
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return fail(c, "unexpected character");
	c->p += n;
	return 0;
}

/*
 * Parse one value at c->p.  MASK holds the paths whose first DEPTH
 * components led here; those with exactly DEPTH components take it.
 */
static int
parse_value(struct ctx *c, int depth, uint64_t mask)
{
	struct json_value v;
	const char *s;
	size_t slen, i;
	int rc;

	if (depth > JSON_MAX_DEPTH)
		return fail(c, "nested too deeply");
	skip_ws(c);
	if (c->p >= c->end)
		return fail(c, "unexpected end of record");
	v.p = c->p;
	switch (*c->p) {
	case '{':
		v.type = JSON_OBJECT;
		rc = parse_object(c, depth, mask);
		break;
	case '[':
		v.type = JSON_ARRAY;
		rc = parse_array(c, depth, mask);
		break;
	case '"':
		v.type = JSON_STRING;
		rc = parse_string(c, &s, &slen);
		v.p = s;
		break;
	case 't':
		v.type = JSON_LITERAL;
		rc = parse_literal(c, "true", 4);
		break;
	case 'f':
		v.type = JSON_LITERAL;
		rc = parse_literal(c, "false", 5);
		break;
	case 'n':
		v.type = JSON_LITERAL;
		rc = parse_literal(c, "null", 4);
		break;
	default:
		if (*c->p != '-' && (*c->p < '0' || *c->p > '9'))
			return fail(c, "unexpected character");
		v.type = JSON_NUMBER;
		rc = parse_number(c);
		break;
	}
	if (rc < 0)
		return -1;
	v.len = v.type == JSON_STRING ? slen : (size_t)(c->p - v.p);
	for (i = 0; mask != 0; i++, mask >>= 1)
		if ((mask & 1) && c->q->paths[i].ncomp == (size_t)depth)
			c->vals[i] = v;
	return 0;
}

int
json_extract(const struct json_query *q, const char *p, size_t len,
    struct json_value *vals, const char **err, size_t *errpos)
{
	struct ctx c = { .p = p, .start = p, .end = p + len, .q = q, .vals = vals };
	uint64_t all = 0;
	size_t i;

	for (i = 0; i < q->npaths; i++) {
		vals[i].type = JSON_NONE;
		vals[i].p = NULL;
		vals[i].len = 0;
		all |= (uint64_t)1 << i;
	}
	if (parse_value(&c, 0, all) == 0) {
		skip_ws(&c);
		if (c.p == c.end)
			return 0;
		fail(&c, "text after the JSON value");
	}
	for (i = 0; i < q->npaths; i++)
		vals[i].type = JSON_NONE;
	*err = c.err;
	*errpos = (size_t)(c.p - c.start);
	return -1;
}

int
json_query_add(struct json_query *q, const char *list)
{
	const char *p = list;
	int first = (int)q->npaths;

	for (;;) {
		size_t n = strcspn(p, ","), i, k;
		struct json_path *jp;
		const char *c;

		if (q->npaths == JSON_MAX_PATHS)
			return -1;
		ARRAY_RESERVE(q->paths, q->cap, q->npaths + 1);
		jp = &q->paths[q->npaths++];
		jp->ncomp = 1;
		for (i = 0; i < n; i++)
			jp->ncomp += p[i] == '.';
		jp->comp = xcalloc(jp->ncomp, sizeof *jp->comp);
		jp->complen = xcalloc(jp->ncomp, sizeof *jp->complen);
		jp->index = xcalloc(jp->ncomp, sizeof *jp->index);
		for (k = 0, c = p; k < jp->ncomp; k++) {
			size_t m = strcspn(c, ".,");
			char *end;

			if (m == 0)
				return -1;
			jp->comp[k] = xmemdup(c, m + 1);
			jp->comp[k][m] = '\0';
			jp->complen[k] = m;
			jp->index[k] = -1;
			if (c[0] >= '0' && c[0] <= '9' && (m == 1 || c[0] != '0') &&
			    m < 10) {
				long v = strtol(jp->comp[k], &end, 10);

				if (*end == '\0')
					jp->index[k] = v;
			}
			c += m + 1;
		}
		p += n;
		if (*p == '\0')
			return first;
		p++;
	}
}

void
json_query_free(struct json_query *q)
{
	size_t i, k;

	for (i = 0; i < q->npaths; i++) {
		for (k = 0; k < q->paths[i].ncomp; k++)
			free(q->paths[i].comp[k]);
		free(q->paths[i].comp);
		free(q->paths[i].complen);
		free(q->paths[i].index);
	}
	free(q->paths);
	q->paths = NULL;
	q->npaths = q->cap = 0;
}

void
json_emit(struct out *o, const struct json_value *v)
{
	const char *p = v->p, *end = v->p + v->len, *q;
	char buf[4];
	size_t n;

	if (v->type == JSON_OBJECT || v->type == JSON_ARRAY) {
		for (; p < end; p++)
			out_byte(o, (*p == '\t' || *p == '\r') ? ' ' : *p);
		return;
	}
	if (v->type != JSON_STRING) {
		out_write(o, p, v->len);
		return;
	}
	while (p < end) {
		q = memchr(p, '\\', (size_t)(end - p));
		if (q == NULL)
			q = end;
		out_write(o, p, (size_t)(q - p));	/* raw bytes need no care */
		p = q;
		if (p == end)
			break;
		n = decode_char(&p, buf);
		if (n == 1) {
			switch (buf[0]) {
			case '\\': out_write(o, "\\\\", 2); continue;
			case '\t': out_write(o, "\\t", 2); continue;
			case '\r': out_write(o, "\\r", 2); continue;
			case '\n': out_write(o, "\\n", 2); continue;
			case '\0': out_write(o, "\\0", 2); continue;
			}
		}
		out_write(o, buf, n);
	}
}
