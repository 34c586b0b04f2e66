/*
 * mr-map's built-in mappers, in C with no process per record: the token
 * mappers, words (-w) and alphanumeric tokens (-a), here; the mappers of
 * fields (-d, -K, -V), a regular expression (-e) and JSON lines (-j) in
 * pick.c; the loop over the files and the counters at the end here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "builtin.h"
#include "hadoop.h"
#include "msg.h"
#include "sigstop.h"

/* ---- -w and -a: tokens ----------------------------------------------- */

/*
 * The token mappers work on whole buffers, not records: a token never
 * spans a separator and '\n' is one, so each buffer is cut after its last
 * separator and the rest waits for the next read.  One table lookup per
 * byte; tokens are copied out with "\t1\n" in one reserved run.
 */
static void
map_tokens(struct mapper *m, struct reader *r, const unsigned char *sep)
{
	struct out *o = m->out;
	size_t avail, lines = 0, plain = 0;	/* plain: bytes known to hold no separator */
	int last = '\n';	/* the last byte consumed */

	while ((avail = reader_fill(r)) > 0) {
		const unsigned char *b = (unsigned char *)r->buf + r->start;
		const unsigned char *e = b + avail, *p, *q, *limit = e;

		if (!r->eof) {
			while (limit > b + plain && !sep[limit[-1]])
				limit--;
			if (limit == b + plain) {
				plain = avail;
				continue;	/* one token so far: read more */
			}
		}
		plain = 0;
		p = b;
		while (p < limit) {
			while (p < limit && sep[*p])
				lines += *p++ == '\n';
			if (p == limit)
				break;
			q = p;
			while (q < limit && !sep[*q])
				q++;
			{
				size_t n = (size_t)(q - p);
				char *w = out_reserve(o, n + 3);

				if (m->opt->lower)
					for (size_t i = 0; i < n; i++)
						w[i] = (char)m->lower[p[i]];
				else
					memcpy(w, p, n);
				memcpy(w + n, "\t1\n", 3);
				o->len += n + 3;
				m->n_out++;
			}
			p = q;
		}
		last = limit[-1];
		reader_consume(r, (size_t)(limit - b));
	}
	/* A last line without '\n' is a record too. */
	m->n_in += lines + (last != '\n');
}

/* ---- set-up, the loop over files, the end ---------------------------- */

/* Whether MODE is one of pick.c's mappers (else a token mapper). */
static int
picks(enum mode mode)
{
	return mode == M_FIELDS || mode == M_REGEX || mode == M_JSON;
}

static void
mapper_init(struct mapper *m, const struct options *opt, struct out *out)
{
	int c;

	memset(m, 0, sizeof *m);
	m->opt = opt;
	m->out = out;
	for (c = 0; c < 256; c++)
		m->lower[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	if (picks(opt->mode))
		pick_setup(m);
	else if (opt->keys || opt->values)
		args_conflict(opt->keys ? 'K' : 'V', opt->mode_opt);
}

/* The separators of the token mappers. */
static void
token_separators(enum mode mode, unsigned char sep[256])
{
	int c;

	memset(sep, 0, 256);
	if (mode == M_WORDS) {
		sep[' '] = sep['\t'] = sep['\n'] = sep['\v'] = sep['\f'] =
		    sep['\r'] = 1;
	} else if (mode == M_ALNUM) {
		for (c = 0; c < 0x80; c++)
			sep[c] = !((c >= '0' && c <= '9') ||
			    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
	}
}

/*
 * The end: the counters (to Hadoop in a task, with -v on stderr), and a
 * notice of skipped records, which are never passed over in silence (as
 * Hadoop shows a counter and datamash stops): their number, and where the
 * first is and why, as --strict would have said it.
 */
static void
report(const struct mapper *m)
{
	static const char *const names[] = { "input records", "output records",
	    "skipped records" };
	uint64_t v[] = { m->n_in, m->n_out, m->n_skipped };
	size_t i;

	for (i = 0; i < 3; i++)
		hadoop_counter_report(names[i], v[i], m->opt->verbose);
	if (m->n_skipped > 0 && !m->opt->quiet)
		warn_skipped(m->n_skipped, m->first_skip);
}

/* The report of a mapper stopped by SIGINT or SIGTERM (lib/sigstop). */
static void
report_stopped(void *m)
{
	report(m);
}

void
builtin_run(const struct options *opt, char **files, int nfiles,
    struct out *out)
{
	static char *stdin_only[] = { "-" };
	unsigned char sep[256];
	struct mapper m;
	struct reader r;
	int i;

	mapper_init(&m, opt, out);
	sigstop_install(report_stopped, &m);
	token_separators(opt->mode, sep);
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	for (i = 0; i < nfiles; i++) {
		reader_open(&r, files[i]);
		reader_set_idle(&r, out_flush_cb, out);
		if (picks(opt->mode))
			pick_run(&m, &r);
		else
			map_tokens(&m, &r, sep);
		reader_close(&r);
	}
	out_flush(out);
	report(&m);
	pick_free(&m);
}
