/*
 * mr-reduce: a record's value read into the operations' fields, the
 * errors of bad data (FILE:LINE), the records skipped instead (-b), and the
 * result lines every engine writes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "msg.h"
#include "reduce.h"

void
ctx_init(struct ctx *c, struct reduce *r, int deferred)
{
	memset(c, 0, sizeof *c);
	c->r = r;
	c->deferred = deferred;
	agg_input_init(&r->agg, &c->in);
}

void
ctx_free(struct ctx *c)
{
	agg_input_free(&c->in);
}

/*
 * Stop on a data error: what the output buffered goes out first, so that
 * the output ends at a whole record (a full buffer is written as it is,
 * and may have ended inside one), then FILE:LINE: MSG, status 1.  How far
 * the output got depends on the engine and -j: it is incomplete, and the
 * status says so.
 */
void
stop_at(struct reduce *r, uint64_t line, const char *msg)
{
	out_flush_at_error(&r->out);
	die_at(r->rd.name, line, "%s", msg);
}

/* A data error at LINE: fatal now, or kept in C. */
int
data_error(struct ctx *c, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	if (!c->deferred)
		stop_at(c->r, line, c->err);
	c->err_line = line;
	return -1;
}

/* The number of fields of VALUE (an empty value is one empty field). */
static size_t
value_fields(struct slice value, char sep)
{
	const char *p = value.p, *end = value.p + value.len;
	size_t n = 1;

	if (value.len == 0)
		return 1;
	while ((p = memchr(p, sep, (size_t)(end - p))) != NULL) {
		p++;
		n++;
	}
	return n;
}

/*
 * A record whose fields do not fit the operations: an error, or with
 * --skip-bad skipped and counted (0), the first one kept to be named at
 * the end.  WHAT is NULL for a missing field, and TEXT then the whole value
 * (whose fields are counted for the message).
 */
int
bad_record(struct ctx *c, uint64_t line, int field, struct slice text,
    const char *what)
{
	char why[sizeof c->skip_why], q[MSG_QUOTE_MAX];

	if (c->r->skip_bad && c->skipped++ > 0)
		return 0;	/* only the first is named */
	if (what == NULL)
		snprintf(why, sizeof why, "no field %d (the value has %zu)",
		    field, value_fields(text, c->r->spec.sep));
	else
		snprintf(why, sizeof why, "field %d: '%s' %s", field,
		    msg_quote(q, sizeof q, text.p, text.len), what);
	if (!c->r->skip_bad)
		return data_error(c, line, "%s", why);
	c->skip_line = line;
	memcpy(c->skip_why, why, sizeof why);
	return 0;
}

/*
 * Read the fields of VALUE into c->in: 1, or 0 when the record is to be
 * skipped, -1 after a deferred error.
 */
int
read_value(struct ctx *c, uint64_t line, struct slice value)
{
	const struct agg_spec *agg = &c->r->agg;
	int bad, res = agg_read(agg, value, c->r->spec.sep, &c->in, &bad);

	if (res == AGG_OK)
		return 1;
	return bad_record(c, line, agg->fields[bad].field,
	    res == AGG_MISSING ? value : c->in.text[bad],
	    res == AGG_MISSING ? NULL : agg_bad_value(res));
}

/*
 * Add FROM's skipped records to TO's; FROM's lines are LINE_OFFSET short of
 * the input's.  The first skipped record is the one of the smallest line.
 */
void
ctx_take_skips(struct ctx *to, struct ctx *from, uint64_t line_offset)
{
	if (from->skipped == 0)
		return;
	if (to->skip_line == 0 || from->skip_line + line_offset < to->skip_line) {
		to->skip_line = from->skip_line + line_offset;
		memcpy(to->skip_why, from->skip_why, sizeof to->skip_why);
	}
	to->skipped += from->skipped;
	from->skipped = 0;
	from->skip_line = 0;
}

void
write_results(const struct reduce *r, struct out *o, const char *key,
    size_t keylen, void *state)
{
	size_t room = keylen + (size_t)r->agg.nops * AGG_RESULT_MAX + 1;
	char *p;
	int i;

	if (r->results != NULL)
		__atomic_fetch_add(r->results, 1, __ATOMIC_RELAXED);
	if (r->agg.all_numeric && room <= OUT_BUFSIZE / 4) {
		/* Numbers only: the line formatted in place, in one call. */
		p = out_reserve(o, room);
		if (keylen > 0)	/* an empty key may be NULL */
			memcpy(p, key, keylen);
		p += keylen;
		p += agg_format_results(&r->agg, state, r->spec.sep, p);
		*p++ = '\n';
		o->len = (size_t)(p - o->buf);
		return;
	}
	out_write(o, key, keylen);
	for (i = 0; i < r->agg.nops; i++) {
		out_byte(o, r->spec.sep);
		agg_write(&r->agg, state, i, o);
	}
	out_byte(o, '\n');
}

/* The start of the record after the one that holds P (or LAST). */
char *
record_after(char *p, char *last)
{
	char *nl = memchr(p, '\n', (size_t)(last - p));

	return nl ? nl + 1 : last;
}

/* The start of the record that ends just before P (P > FIRST). */
char *
record_before(char *first, char *p)
{
	char *nl = p - 1 > first ? memrchr(first, '\n', (size_t)(p - 1 - first)) :
	    NULL;

	return nl ? nl + 1 : first;
}

/* The key of the record at P. */
struct slice
key_at(const struct reduce *r, char *p, char *last)
{
	struct slice rec = { p, 0 }, key, value;

	next_record(&p, last, &rec);
	kv_split(&r->spec, rec, &key, &value);
	return key;
}
