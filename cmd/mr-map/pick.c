/*
 * mr-map's record mappers: each record's key and value picked out of its
 * fields (-d, -K, -V), the groups of a regular expression's match (-e)
 * or the values at JSON paths (-j), and written as one key-value record;
 * a record that has no such part is skipped and counted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "builtin.h"
#include "msg.h"
#include "xalloc.h"

/* ---- output of one key-value record ---------------------------------- */

static void
write_parts(struct out *o, const struct part *ps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			out_byte(o, '\t');
		if (ps[i].jv != NULL)
			json_emit(o, ps[i].jv);
		else
			out_write(o, ps[i].p, ps[i].len);
	}
}

/*
 * "KEY TAB VALUE \n", the parts of each joined by TAB; no value parts
 * means the constant 1.  Room for the whole record is reserved first (a
 * JSON value never grows when decoded), so the key can be lowercased in
 * the buffer.
 */
static void
emit_record(struct mapper *m, size_t nk, size_t nv)
{
	struct out *o = m->out;
	size_t bound = nk + nv + 4, i, start;
	char *b;

	for (i = 0; i < nk; i++)
		bound += m->key.v[i].len;
	for (i = 0; i < nv; i++)
		bound += m->value.v[i].len;
	out_reserve(o, bound);
	start = o->len;
	write_parts(o, m->key.v, nk);
	if (m->opt->lower)
		for (b = o->buf + start; b < o->buf + o->len; b++)
			*b = (char)m->lower[(unsigned char)*b];
	out_byte(o, '\t');
	if (nv == 0)
		out_byte(o, '1');
	else
		write_parts(o, m->value.v, nv);
	out_byte(o, '\n');
	m->n_out++;
}

/*
 * A record that cannot be mapped: an error with --strict, else counted,
 * and the first one remembered for the notice at the end.
 */
static void
skip_record(struct mapper *m, const struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
skip_record(struct mapper *m, const struct reader *r, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	if (m->opt->strict || m->n_skipped == 0) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof why, fmt, ap);
		va_end(ap);
		if (m->opt->strict) {
			out_flush_at_error(m->out);
			die_at(r->name, r->line, "%s", why);
		}
		msg_at(m->first_skip, sizeof m->first_skip, r->name, r->line,
		    "%s", why);
	}
	m->n_skipped++;
}

/* ---- -d/-K/-V: fields ------------------------------------------------ */

/* Split REC into at most LIMIT fields (0: all); the number found. */
static size_t
split_fields(struct mapper *m, struct slice rec, size_t limit)
{
	const char *p = rec.p, *end = rec.p + rec.len, *q;
	int delim = m->opt->delim;
	size_t n = 0;

	for (;;) {
		if (delim < 0) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p == end)
				return n;
			for (q = p; q < end && *q != ' ' && *q != '\t'; q++)
				;
		} else {
			q = memchr(p, delim, (size_t)(end - p));
			if (q == NULL)
				q = end;
		}
		ARRAY_RESERVE(m->fields, m->fields_cap, n + 1);
		m->fields[n].p = (char *)p;
		m->fields[n].len = (size_t)(q - p);
		n++;
		if (q == end || n == limit)
			return n;
		p = q + 1;
	}
}

/* The fields of FL as parts; the number of parts. */
static size_t
field_parts(struct mapper *m, const struct fieldlist *fl, size_t nf,
    struct parts *ps)
{
	size_t i, f, n = 0;

	for (i = 0; i < fl->n; i++) {
		size_t hi = fl->r[i].hi == FIELD_END ? nf : fl->r[i].hi;

		ARRAY_RESERVE(ps->v, ps->cap, n + hi - fl->r[i].lo + 1);
		for (f = fl->r[i].lo; f <= hi; f++) {
			ps->v[n].p = m->fields[f - 1].p;
			ps->v[n].len = m->fields[f - 1].len;
			ps->v[n].jv = NULL;
			n++;
		}
	}
	return n;
}

static void
map_fields(struct mapper *m, struct reader *r)
{
	size_t need = m->kfl.max > m->vfl.max ? m->kfl.max : m->vfl.max;
	size_t limit = (m->kfl.open || m->vfl.open) ? 0 : need, nf, nk, nv = 0;
	struct slice rec;

	while (reader_next(r, &rec)) {
		m->n_in++;
		nf = split_fields(m, rec, limit);
		if (nf < need) {
			skip_record(m, r, "no field %zu (the record has %zu)",
			    need, nf);
			continue;
		}
		nk = field_parts(m, &m->kfl, nf, &m->key);
		if (m->opt->values != NULL)
			nv = field_parts(m, &m->vfl, nf, &m->value);
		emit_record(m, nk, nv);
	}
}

/* ---- -e: regular expression ------------------------------------------ */

/*
 * The groups of FL in the match m->pm as parts; -1 if one did not take
 * part (its number in *MISSING).
 */
static long
group_parts(struct mapper *m, const struct fieldlist *fl, const char *base,
    struct parts *ps, size_t *missing)
{
	size_t i, g, n = 0;

	for (i = 0; i < fl->n; i++) {
		size_t hi = fl->r[i].hi == FIELD_END ? m->re.re_nsub :
		    fl->r[i].hi;

		ARRAY_RESERVE(ps->v, ps->cap, n + hi - fl->r[i].lo + 1);
		for (g = fl->r[i].lo; g <= hi; g++) {
			if (m->pm[g].rm_so < 0) {
				*missing = g;
				return -1;
			}
			ps->v[n].p = base + m->pm[g].rm_so;
			ps->v[n].len = (size_t)(m->pm[g].rm_eo - m->pm[g].rm_so);
			ps->v[n].jv = NULL;
			n++;
		}
	}
	return (long)n;
}

/*
 * REC made a C string for regexec: with REG_STARTEND it needs none, but
 * some regexec wrappers (AddressSanitizer's) read up to a NUL anyway.  The
 * byte after a record in the reader's buffer is its '\n', or free room;
 * only a last record that fills the buffer is copied.  Returns the byte
 * to put back with end_cstring.
 */
static int
as_cstring(struct mapper *m, const struct reader *r, struct slice *rec)
{
	int saved;

	if (rec->p + rec->len >= r->buf + r->cap) {
		buf_set(&m->copy, rec->p, rec->len);
		buf_append(&m->copy, "", 1);
		rec->p = m->copy.p;
		return -1;
	}
	saved = (unsigned char)rec->p[rec->len];
	rec->p[rec->len] = '\0';
	return saved;
}

static void
end_cstring(struct slice rec, int saved)
{
	if (saved >= 0)
		rec.p[rec.len] = (char)saved;
}

static void
map_regex(struct mapper *m, struct reader *r)
{
	const struct options *opt = m->opt;
	struct slice rec;
	long nk, nv;
	size_t missing = 0, matches;
	regoff_t pos;
	int saved;

	while (reader_next(r, &rec)) {
		m->n_in++;
		saved = as_cstring(m, r, &rec);
		matches = 0;
		missing = 0;
		pos = 0;
		while ((size_t)pos <= rec.len) {
			m->pm[0].rm_so = pos;
			m->pm[0].rm_eo = (regoff_t)rec.len;
			if (regexec(&m->re, rec.p, m->re.re_nsub + 1, m->pm,
			    REG_STARTEND | (pos > 0 ? REG_NOTBOL : 0)) != 0)
				break;
			pos = m->pm[0].rm_eo > m->pm[0].rm_so ? m->pm[0].rm_eo :
			    m->pm[0].rm_eo + 1;
			nk = group_parts(m, &m->kfl, rec.p, &m->key, &missing);
			nv = opt->values == NULL ? 0 :
			    group_parts(m, &m->vfl, rec.p, &m->value, &missing);
			if (nk >= 0 && nv >= 0) {
				emit_record(m, (size_t)nk, (size_t)nv);
				matches++;
			} else if (opt->strict) {
				skip_record(m, r, "group %zu did not match",
				    missing);
			}
			if (!opt->every)
				break;
		}
		end_cstring(rec, saved);
		if (matches == 0) {
			if (missing)
				skip_record(m, r, "group %zu did not match",
				    missing);
			else
				skip_record(m, r, "no match");
		}
	}
}

/* ---- -j: JSON lines -------------------------------------------------- */

/* "a.b.c": the dotted name of path P, in NAME of SIZE bytes. */
static void
path_name(const struct json_path *p, char *name, size_t size)
{
	size_t k, len = 0;

	name[0] = '\0';
	for (k = 0; k < p->ncomp && len < size - 1; k++)
		len += (size_t)snprintf(name + len, size - len, "%s%s",
		    k ? "." : "", p->comp[k]);
}

static void
map_json(struct mapper *m, struct reader *r)
{
	struct json_query *jq = &m->jq;
	struct slice rec;
	const char *err;
	size_t errpos, i;
	char name[256];

	ARRAY_RESERVE(m->key.v, m->key.cap, m->jkeys);
	ARRAY_RESERVE(m->value.v, m->value.cap, jq->npaths - m->jkeys);
	while (reader_next(r, &rec)) {
		m->n_in++;
		if (json_extract(jq, rec.p, rec.len, m->jvals, &err,
		    &errpos) < 0) {
			skip_record(m, r, "invalid JSON at byte %zu: %s",
			    errpos + 1, err);
			continue;
		}
		for (i = 0; i < jq->npaths; i++)
			if (m->jvals[i].type == JSON_NONE)
				break;
		if (i < jq->npaths) {
			path_name(&jq->paths[i], name, sizeof name);
			skip_record(m, r, "no field %s", name);
			continue;
		}
		for (i = 0; i < jq->npaths; i++) {
			struct part *pt = i < m->jkeys ? &m->key.v[i] :
			    &m->value.v[i - m->jkeys];

			pt->p = m->jvals[i].p;
			pt->len = m->jvals[i].len;
			pt->jv = &m->jvals[i];
		}
		emit_record(m, m->jkeys, jq->npaths - m->jkeys);
	}
}

/* ---- set-up and the end ---------------------------------------------- */

static void
setup_fields(struct mapper *m)
{
	const struct options *opt = m->opt;

	if (fieldlist_parse(opt->keys ? opt->keys : "1", 1, &m->kfl) < 0)
		usage_error("-K: '%s' is not a field list", opt->keys);
	if (opt->values && fieldlist_parse(opt->values, 1, &m->vfl) < 0)
		usage_error("-V: '%s' is not a field list", opt->values);
}

static void
setup_regex(struct mapper *m)
{
	const struct options *opt = m->opt;
	size_t groups;
	char msg[256];
	int rc;

	if ((rc = regcomp(&m->re, opt->regex, REG_EXTENDED)) != 0) {
		regerror(rc, &m->re, msg, sizeof msg);
		usage_error("-e: '%s' is not a regular expression: %s",
		    opt->regex, msg);
	}
	groups = m->re.re_nsub;
	m->pm = xcalloc(groups + 1, sizeof *m->pm);
	if (fieldlist_parse(opt->keys ? opt->keys : groups ? "1" : "0", 0,
	    &m->kfl) < 0)
		usage_error("-K: '%s' is not a group list", opt->keys);
	if (opt->values && fieldlist_parse(opt->values, 0, &m->vfl) < 0)
		usage_error("-V: '%s' is not a group list", opt->values);
	if (m->kfl.max > groups)
		usage_error("%s: group %zu, but the regular expression has %zu "
		    "group%s", args_typed('K'), m->kfl.max, groups,
		    groups == 1 ? "" : "s");
	if (opt->values && m->vfl.max > groups)
		usage_error("%s: group %zu, but the regular expression has %zu "
		    "group%s", args_typed('V'), m->vfl.max, groups,
		    groups == 1 ? "" : "s");
}

static void
setup_json(struct mapper *m)
{
	const struct options *opt = m->opt;

	if (opt->keys == NULL)
		args_needs('j', "-K PATHS");
	if (json_query_add(&m->jq, opt->keys) < 0)
		usage_error("-K: '%s' is not a path list", opt->keys);
	m->jkeys = m->jq.npaths;
	if (opt->values && json_query_add(&m->jq, opt->values) < 0)
		usage_error("-V: '%s' is not a path list", opt->values);
	m->jvals = xcalloc(m->jq.npaths, sizeof *m->jvals);
}

void
pick_setup(struct mapper *m)
{
	switch (m->opt->mode) {
	case M_FIELDS:
		setup_fields(m);
		break;
	case M_REGEX:
		setup_regex(m);
		break;
	case M_JSON:
		setup_json(m);
		break;
	default:
		break;
	}
}

void
pick_run(struct mapper *m, struct reader *r)
{
	switch (m->opt->mode) {
	case M_FIELDS:
		map_fields(m, r);
		break;
	case M_REGEX:
		map_regex(m, r);
		break;
	case M_JSON:
		map_json(m, r);
		break;
	default:
		break;
	}
}

void
pick_free(struct mapper *m)
{
	if (m->opt->mode == M_REGEX) {
		regfree(&m->re);
		free(m->pm);
	}
	json_query_free(&m->jq);
	fieldlist_free(&m->kfl);
	fieldlist_free(&m->vfl);
	free(m->jvals);
	free(m->fields);
	free(m->key.v);
	free(m->value.v);
	buf_free(&m->copy);
}
