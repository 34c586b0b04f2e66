/*
 * mr-map: turn raw input (text, logs, JSON lines) into key-value records,
 * with built-in mappers in C, or by running N copies of a Hadoop Streaming
 * mapper command in parallel.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "fieldlist.h"
#include "hadoop.h"
#include "json.h"
#include "kv.h"
#include "msg.h"
#include "out.h"
#include "proc.h"
#include "record.h"
#include "reporter.h"
#include "tmpfile.h"
#include "xalloc.h"

static const char usage_line[] =
    "mr-map -w|-a|-d DELIM|-K LIST|-e REGEX|-j [-V LIST] [-g] [-l] [-v] [--strict] [FILE...]\n"
    "       mr-map [-P N] [-b SIZE] [-o] [-i FILE] [--] COMMAND [ARG...]";

enum mode { M_NONE, M_WORDS, M_ALNUM, M_FIELDS, M_REGEX, M_JSON };

static struct {
	enum mode mode;
	int lower;		/* -l */
	int verbose;		/* -v */
	int strict;		/* --strict */
	int every;		/* -g */
	int delim;		/* -d; -1: runs of blanks */
	const char *keys, *values;	/* -K, -V as given */
	const char *regex;
	uint64_t copies;	/* -P */
	uint64_t block;		/* -b */
	int ordered;		/* -o */
	const char *input;	/* -i */
} opt = { .delim = -1, .block = 1 << 20 };

static struct out out;
static uint64_t n_in, n_out, n_skipped;

static unsigned char lower_table[256];

static void
usage(void)
{
	printf("usage: %s\n", usage_line);
	exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_BAD);
}

/* ---- output of one key-value record ---------------------------------- */

/* A piece of a key or value: raw bytes, or a JSON value to decode. */
struct part {
	const char *p;
	size_t len;
	const struct json_value *jv;
};

static struct part *kparts, *vparts;
static size_t kcap, vcap;

static void
parts_reserve(struct part **ps, size_t *cap, size_t n)
{
	if (n > *cap) {
		*cap = n * 2;
		*ps = xreallocarray(*ps, *cap, sizeof **ps);
	}
}

static void
write_parts(const struct part *ps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			out_byte(&out, '\t');
		if (ps[i].jv != NULL)
			json_emit(&out, ps[i].jv);
		else
			out_write(&out, ps[i].p, ps[i].len);
	}
}

/*
 * "KEY TAB VALUE \n", the parts of each joined by TAB; no value parts
 * means the constant 1.  Room for the whole record is reserved first (a
 * JSON value never grows when decoded), so the key can be lowercased in
 * the buffer.
 */
static void
emit_record(size_t nk, size_t nv)
{
	size_t bound = nk + nv + 4, i, start;
	char *b;

	for (i = 0; i < nk; i++)
		bound += kparts[i].len;
	for (i = 0; i < nv; i++)
		bound += vparts[i].len;
	out_reserve(&out, bound);
	start = out.len;
	write_parts(kparts, nk);
	if (opt.lower)
		for (b = out.buf + start; b < out.buf + out.len; b++)
			*b = (char)lower_table[(unsigned char)*b];
	out_byte(&out, '\t');
	if (nv == 0)
		out_byte(&out, '1');
	else
		write_parts(vparts, nv);
	out_byte(&out, '\n');
	n_out++;
}

/* A record that cannot be mapped: an error with --strict, else counted. */
static void
skip_record(const struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
skip_record(const struct reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (opt.strict) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		out_flush(&out);
		die_at(r->name, r->line, "%s", msg);
	}
	n_skipped++;
}

/* ---- -w and -a: tokens ----------------------------------------------- */

/*
 * The token mappers work on whole buffers, not records: a token never
 * spans a separator and '\n' is one, so each buffer is cut after its last
 * separator and the rest waits for the next read.  One table lookup per
 * byte; tokens are copied out with "\t1\n" in one reserved run.
 */
static void
map_tokens(struct reader *r, const unsigned char *sep)
{
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
				char *o = out_reserve(&out, n + 3);

				if (opt.lower)
					for (size_t i = 0; i < n; i++)
						o[i] = (char)lower_table[p[i]];
				else
					memcpy(o, p, n);
				memcpy(o + n, "\t1\n", 3);
				out.len += n + 3;
				n_out++;
			}
			p = q;
		}
		last = limit[-1];
		reader_consume(r, (size_t)(limit - b));
	}
	/* A last line without '\n' is a record too. */
	n_in += lines + (last != '\n');
}

/* ---- -d/-K/-V: fields ------------------------------------------------ */

static struct fieldlist kfl, vfl;
static struct slice *fields;
static size_t fields_cap;

/* Split REC into at most LIMIT fields (0: all); the number found. */
static size_t
split_fields(struct slice rec, size_t limit)
{
	const char *p = rec.p, *end = rec.p + rec.len, *q;
	size_t n = 0;

	for (;;) {
		if (opt.delim < 0) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p == end)
				return n;
			for (q = p; q < end && *q != ' ' && *q != '\t'; q++)
				;
		} else {
			q = memchr(p, opt.delim, (size_t)(end - p));
			if (q == NULL)
				q = end;
		}
		if (n == fields_cap) {
			fields_cap = fields_cap ? 2 * fields_cap : 16;
			fields = xreallocarray(fields, fields_cap, sizeof *fields);
		}
		fields[n].p = (char *)p;
		fields[n].len = (size_t)(q - p);
		n++;
		if (q == end || n == limit)
			return n;
		p = q + 1;
	}
}

/* The fields of FL as parts; the number of parts. */
static size_t
field_parts(const struct fieldlist *fl, size_t nf, struct part **ps,
    size_t *cap)
{
	size_t i, f, n = 0;

	for (i = 0; i < fl->n; i++) {
		size_t hi = fl->r[i].hi == FIELD_END ? nf : fl->r[i].hi;

		parts_reserve(ps, cap, n + hi - fl->r[i].lo + 1);
		for (f = fl->r[i].lo; f <= hi; f++) {
			(*ps)[n].p = fields[f - 1].p;
			(*ps)[n].len = fields[f - 1].len;
			(*ps)[n].jv = NULL;
			n++;
		}
	}
	return n;
}

static void
map_fields(struct reader *r)
{
	size_t need = kfl.max > vfl.max ? kfl.max : vfl.max;
	size_t limit = (kfl.open || vfl.open) ? 0 : need, nf, nk, nv = 0;
	struct slice rec;

	while (reader_next(r, &rec)) {
		n_in++;
		nf = split_fields(rec, limit);
		if (nf < need) {
			skip_record(r, "no field %zu (the record has %zu)", need, nf);
			continue;
		}
		nk = field_parts(&kfl, nf, &kparts, &kcap);
		if (opt.values != NULL)
			nv = field_parts(&vfl, nf, &vparts, &vcap);
		emit_record(nk, nv);
	}
}

/* ---- -e: regular expression ------------------------------------------ */

static regex_t re;
static regmatch_t *pm;

/* The groups of FL in the match PM as parts; -1 if one did not take part. */
static long
group_parts(const struct fieldlist *fl, const char *base, struct part **ps,
    size_t *cap, size_t *missing)
{
	size_t i, g, n = 0;

	for (i = 0; i < fl->n; i++) {
		size_t hi = fl->r[i].hi == FIELD_END ? re.re_nsub : fl->r[i].hi;

		parts_reserve(ps, cap, n + hi - fl->r[i].lo + 1);
		for (g = fl->r[i].lo; g <= hi; g++) {
			if (pm[g].rm_so < 0) {
				*missing = g;
				return -1;
			}
			(*ps)[n].p = base + pm[g].rm_so;
			(*ps)[n].len = (size_t)(pm[g].rm_eo - pm[g].rm_so);
			(*ps)[n].jv = NULL;
			n++;
		}
	}
	return (long)n;
}

static void
map_regex(struct reader *r)
{
	struct slice rec;
	long nk, nv;
	size_t missing = 0, matches;
	regoff_t pos;

	while (reader_next(r, &rec)) {
		n_in++;
		matches = 0;
		missing = 0;
		pos = 0;
		while ((size_t)pos <= rec.len) {
			pm[0].rm_so = pos;
			pm[0].rm_eo = (regoff_t)rec.len;
			if (regexec(&re, rec.p, re.re_nsub + 1, pm,
			    REG_STARTEND | (pos > 0 ? REG_NOTBOL : 0)) != 0)
				break;
			pos = pm[0].rm_eo > pm[0].rm_so ? pm[0].rm_eo : pm[0].rm_eo + 1;
			nk = group_parts(&kfl, rec.p, &kparts, &kcap, &missing);
			nv = opt.values == NULL ? 0 :
			    group_parts(&vfl, rec.p, &vparts, &vcap, &missing);
			if (nk >= 0 && nv >= 0) {
				emit_record((size_t)nk, (size_t)nv);
				matches++;
			} else if (opt.strict) {
				skip_record(r, "group %zu did not match", missing);
			}
			if (!opt.every)
				break;
		}
		if (matches == 0) {
			if (missing)
				skip_record(r, "group %zu did not match", missing);
			else
				skip_record(r, "no match");
		}
	}
}

/* ---- -j: JSON lines -------------------------------------------------- */

static struct json_query jq;
static struct json_value *jvals;
static size_t jkeys;		/* paths 0..jkeys-1 form the key */

static void
map_json(struct reader *r)
{
	struct slice rec;
	const char *err;
	size_t errpos, i;

	parts_reserve(&kparts, &kcap, jkeys);
	parts_reserve(&vparts, &vcap, jq.npaths - jkeys);
	while (reader_next(r, &rec)) {
		n_in++;
		if (json_extract(&jq, rec.p, rec.len, jvals, &err, &errpos) < 0) {
			skip_record(r, "invalid JSON at byte %zu: %s", errpos + 1, err);
			continue;
		}
		for (i = 0; i < jq.npaths; i++)
			if (jvals[i].type == JSON_NONE)
				break;
		if (i < jq.npaths) {
			const struct json_path *p = &jq.paths[i];
			char name[256];
			size_t k, len = 0;

			for (k = 0; k < p->ncomp && len < sizeof name - 1; k++)
				len += (size_t)snprintf(name + len, sizeof name - len,
				    "%s%s", k ? "." : "", p->comp[k]);
			skip_record(r, "no field %s", name);
			continue;
		}
		for (i = 0; i < jq.npaths; i++) {
			struct part *pt = i < jkeys ? &kparts[i] : &vparts[i - jkeys];

			pt->p = jvals[i].p;
			pt->len = jvals[i].len;
			pt->jv = &jvals[i];
		}
		emit_record(jkeys, jq.npaths - jkeys);
	}
}

/* ---- built-in mappers: set-up and the loop over files ---------------- */

static void
setup_builtin(void)
{
	int rc;

	switch (opt.mode) {
	case M_FIELDS:
		if (fieldlist_parse(opt.keys ? opt.keys : "1", 1, &kfl) < 0)
			die_usage(usage_line, "bad field list: -K %s", opt.keys);
		if (opt.values && fieldlist_parse(opt.values, 1, &vfl) < 0)
			die_usage(usage_line, "bad field list: -V %s", opt.values);
		break;
	case M_REGEX:
		if ((rc = regcomp(&re, opt.regex, REG_EXTENDED)) != 0) {
			char msg[256];

			regerror(rc, &re, msg, sizeof msg);
			die_usage(usage_line, "bad regular expression '%s': %s",
			    opt.regex, msg);
		}
		pm = xcalloc(re.re_nsub + 1, sizeof *pm);
		if (fieldlist_parse(opt.keys ? opt.keys : re.re_nsub ? "1" : "0",
		    0, &kfl) < 0)
			die_usage(usage_line, "bad group list: -K %s", opt.keys);
		if (opt.values && fieldlist_parse(opt.values, 0, &vfl) < 0)
			die_usage(usage_line, "bad group list: -V %s", opt.values);
		if (kfl.max > re.re_nsub || (opt.values && vfl.max > re.re_nsub))
			die_usage(usage_line, "the regular expression has %zu group%s",
			    re.re_nsub, re.re_nsub == 1 ? "" : "s");
		break;
	case M_JSON:
		if (opt.keys == NULL)
			die_usage(usage_line, "-j needs -K PATHS");
		if (json_query_add(&jq, opt.keys) < 0)
			die_usage(usage_line, "bad path list: -K %s", opt.keys);
		jkeys = jq.npaths;
		if (opt.values && json_query_add(&jq, opt.values) < 0)
			die_usage(usage_line, "bad path list: -V %s", opt.values);
		jvals = xcalloc(jq.npaths, sizeof *jvals);
		break;
	default:
		if (opt.keys || opt.values)
			die_usage(usage_line, "-K and -V need -d, -e or -j, not -w or -a");
		break;
	}
}

static void
run_builtin(char **files, int nfiles)
{
	static unsigned char sep[256];
	static char *stdin_only[] = { "-" };
	struct reader r;
	int i, c;

	if (opt.mode == M_WORDS) {
		sep[' '] = sep['\t'] = sep['\n'] = sep['\v'] = sep['\f'] =
		    sep['\r'] = 1;
	} else if (opt.mode == M_ALNUM) {
		for (c = 0; c < 0x80; c++)
			sep[c] = !((c >= '0' && c <= '9') ||
			    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
	}
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	for (i = 0; i < nfiles; i++) {
		reader_open(&r, files[i]);
		reader_set_idle(&r, out_flush_cb, &out);
		switch (opt.mode) {
		case M_WORDS:
		case M_ALNUM:
			map_tokens(&r, sep);
			break;
		case M_FIELDS:
			map_fields(&r);
			break;
		case M_REGEX:
			map_regex(&r);
			break;
		case M_JSON:
			map_json(&r);
			break;
		default:
			break;
		}
		reader_close(&r);
	}
	out_flush(&out);
	hadoop_counter("records in", n_in);
	hadoop_counter("records out", n_out);
	hadoop_counter("records skipped", n_skipped);
	if (opt.verbose)
		fprintf(stderr, "%s: records in %llu, out %llu, skipped %llu\n",
		    progname, (unsigned long long)n_in,
		    (unsigned long long)n_out, (unsigned long long)n_skipped);
}

/* ---- command mappers ------------------------------------------------- */

/*
 * N copies of COMMAND run at once.  One thread drives them with poll(2):
 * it reads the input, cuts it into blocks of whole lines, writes each
 * block to a copy whose previous block is done (non-blocking pipes), and
 * reads every copy's stdout and stderr as they fill.  A single loop
 * instead of a thread per pipe: there is no lock and no hand-off between
 * threads, output lines are merged in one place (so they are never torn),
 * and no pipe can fill up while the loop waits elsewhere, because the loop
 * only ever waits in poll on all of them.  mr-map's own work is copying;
 * the CPU-heavy work is in the copies.
 *
 * With -o the input (a regular file, or stdin spooled to a temporary
 * file) is cut into N contiguous ranges of whole lines, one per copy, like
 * Hadoop's splits; copy 0's output is written as it comes and the others'
 * is held (in memory, then in a temporary file) until every copy before
 * it has finished, so the output is in input order.
 */

#define SPOOL_MEM (16u << 20)

struct buf {
	char *p;
	size_t len, cap;
};

static void
buf_room(struct buf *b, size_t n)
{
	if (b->cap - b->len < n) {
		b->cap = b->len + n > 2 * b->cap ? b->len + n : 2 * b->cap;
		b->p = xrealloc(b->p, b->cap);
	}
}

struct copy {
	struct proc p;
	int in_reader;		/* our copy of the read end of its stdin */
	char **env;
	uint64_t soff, slen;	/* a range of the input file to splice to it */
	struct buf blk;		/* then the bytes to write to it */
	size_t boff;		/* bytes of blk already written */
	struct buf obuf;	/* stdout not yet written: a partial line, or held (-o) */
	struct buf ebuf;	/* stderr: a partial line */
	int in_open, out_open, err_open, reaped;
	int broken;		/* it closed its stdin before the end */
	int full;		/* its stdin pipe was full at the last write */
	size_t pipe_cap;	/* the size of its stdin pipe */
	int in_idx, out_idx, err_idx;	/* its entries in the poll set, or -1 */
	int status;
	uint64_t rpos, rend;	/* -o: the copy's range of the input file */
	int spool_fd;		/* -o: held output beyond SPOOL_MEM, or -1 */
	const char *spool_path;
	uint64_t spooled;
};

static struct copy *copies;
static int moved;		/* batch: this round moved bytes or ended a copy */
static int src_fd = -1;		/* the input, when it is a mapped regular file */
static const char *src_name;
static size_t ncopies;
static char *cmd_text;
static struct counters counters;
static int under_hadoop;

/* Kill copies still running when mr-map ends early (die, closed stdout). */
static void
kill_copies(void)
{
	size_t i;

	for (i = 0; i < ncopies; i++)
		if (copies[i].p.pid > 0 && !copies[i].reaped)
			kill(copies[i].p.pid, SIGTERM);
}

static void
fail_copy(struct copy *c, const char *why)
{
	size_t i;

	out_flush(&out);
	for (i = 0; i < ncopies; i++)
		if (&copies[i] != c && !copies[i].reaped) {
			kill(copies[i].p.pid, SIGTERM);
			proc_wait(copies[i].p.pid);
			copies[i].reaped = 1;
		}
	die("%s: copy %zu: %s", cmd_text, (size_t)(c - copies), why);
}

/* "NAME=VALUE" in fresh memory. */
static char *
env_pair(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *
env_pair(const char *name, const char *fmt, ...)
{
	char val[4096], *s;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(val, sizeof val, fmt, ap);
	va_end(ap);
	n = strlen(name) + strlen(val) + 2;
	s = xmalloc(n);
	snprintf(s, n, "%s=%s", name, val);
	return s;
}

/*
 * The environment of a Hadoop map task, as Streaming exports it: the job
 * id of an enclosing job if there is one, else a local one in Hadoop's
 * LocalJobRunner form; task and attempt ids from it; the partition; and
 * the input split when the input is a named file.
 */
static char **
task_env(size_t i, const char *file, uint64_t start, uint64_t length)
{
	static char job[128];
	char **env = xcalloc(24, sizeof *env);
	const char *core;
	size_t n = 0;

	if (job[0] == '\0') {
		const char *j = getenv("mapreduce_job_id");

		if (j != NULL && strncmp(j, "job_", 4) == 0 && strlen(j) < 100)
			snprintf(job, sizeof job, "%s", j);
		else
			snprintf(job, sizeof job, "job_local%ld_0001", (long)getpid());
	}
	core = job + 4;
	env[n++] = env_pair("mapreduce_job_id", "%s", job);
	env[n++] = env_pair("mapred_job_id", "%s", job);
	env[n++] = env_pair("mapreduce_task_id", "task_%s_m_%06zu", core, i);
	env[n++] = env_pair("mapred_tip_id", "task_%s_m_%06zu", core, i);
	env[n++] = env_pair("mapreduce_task_attempt_id", "attempt_%s_m_%06zu_0",
	    core, i);
	env[n++] = env_pair("mapred_task_id", "attempt_%s_m_%06zu_0", core, i);
	env[n++] = env_pair("mapreduce_task_partition", "%zu", i);
	env[n++] = env_pair("mapred_task_partition", "%zu", i);
	env[n++] = env_pair("mapreduce_task_ismap", "true");
	env[n++] = env_pair("mapred_task_is_map", "true");
	if (file != NULL) {
		env[n++] = env_pair("mapreduce_map_input_file", "file:%s", file);
		env[n++] = env_pair("map_input_file", "file:%s", file);
		env[n++] = env_pair("mapreduce_map_input_start", "%llu",
		    (unsigned long long)start);
		env[n++] = env_pair("map_input_start", "%llu",
		    (unsigned long long)start);
		env[n++] = env_pair("mapreduce_map_input_length", "%llu",
		    (unsigned long long)length);
		env[n++] = env_pair("map_input_length", "%llu",
		    (unsigned long long)length);
	}
	env[n] = NULL;
	return env;
}

static void
start_copy(size_t i, char **argv)
{
	struct copy *c = &copies[i];
	int fds[2];

	/*
	 * The stdin pipe is made here so that we keep its read end: after
	 * the copy ends, the bytes still in the pipe are input it never read.
	 */
	if (pipe2(fds, O_CLOEXEC) < 0)
		die("pipe:");
	proc_spawn(&c->p, argv, c->env, fds[0], PROC_PIPE, PROC_PIPE);
	c->p.in = fds[1];
	c->in_reader = fds[0];
	proc_nonblock(c->p.in);
	proc_nonblock(c->p.out);
	proc_nonblock(c->p.err);
	proc_pipe_grow(c->p.in, 1 << 20);
	proc_pipe_grow(c->p.out, 1 << 20);
	{
		int cap = fcntl(c->p.in, F_GETPIPE_SZ);

		c->pipe_cap = cap > 0 ? (size_t)cap : 65536;
	}
	c->in_open = c->out_open = c->err_open = 1;
	c->spool_fd = -1;
}

/* Remove the '\r' of every "\r\n" in B (Hadoop ends a line at either). */
static void
strip_crlf(struct buf *b)
{
	char *p = memchr(b->p, '\r', b->len), *w, *end = b->p + b->len;

	if (p == NULL)
		return;
	for (w = p; p < end; p++)
		if (!(*p == '\r' && p + 1 < end && p[1] == '\n'))
			*w++ = *p;
	b->len = (size_t)(w - b->p);
}

/* Pass one stderr line of a copy on, or take its counter. */
static void
copy_stderr_line(struct slice line)
{
	struct slice g, n;
	int64_t amount;

	switch (reporter_parse(line, &g, &n, &amount)) {
	case REPORTER_COUNTER:
		if (!under_hadoop) {
			counters_add(&counters, g, n, amount);
			return;
		}
		break;
	case REPORTER_STATUS:
		if (!under_hadoop)
			return;
		break;
	default:
		break;
	}
	line.p[line.len] = '\n';	/* the buffer has room: see read_stderr */
	write_all(2, line.p, line.len + 1);
}

/* Read what copy C wrote on stderr; 1 when it read bytes (there may be more). */
static int
read_stderr(struct copy *c)
{
	struct buf *b = &c->ebuf;
	size_t start = 0;
	ssize_t n;
	char *nl;

	buf_room(b, 65536);
	n = read(c->p.err, b->p + b->len, b->cap - b->len - 1);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	moved = 1;
	if (n <= 0) {
		if (b->len > 0)
			copy_stderr_line((struct slice){ b->p, b->len });
		b->len = 0;
		close(c->p.err);
		c->err_open = 0;
		return 0;
	}
	b->len += (size_t)n;
	while ((nl = memchr(b->p + start, '\n', b->len - start)) != NULL) {
		copy_stderr_line((struct slice){ b->p + start,
		    (size_t)(nl - b->p - start) });
		start = (size_t)(nl - b->p) + 1;
	}
	memmove(b->p, b->p + start, b->len - start);
	b->len -= start;
	return 1;
}

/*
 * A batch round (input from a regular file) every millisecond: a copy's
 * pipes (1 MiB each) hold several milliseconds of its input and output,
 * so no copy waits, and a round moves hundreds of kilobytes.  Rounds that
 * move nothing (slow copies, thinking) come ever less often, down to one
 * every BATCH_IDLE_NS.
 */
#define BATCH_ROUND_NS 1000000
#define BATCH_IDLE_NS 32000000

/* Bytes of a copy's output taken per read(2): a pipe's worth. */
#define READ_CHUNK (128 << 10)
#define SPLICE_CHUNK (256 << 10)

/* Hold LEN bytes of output of copy C (-o, not yet its turn). */
static void
hold_output(struct copy *c, const char *p, size_t len)
{
	if (c->spool_fd < 0 && c->obuf.len + len > SPOOL_MEM)
		c->spool_fd = tmp_create(tmp_dir(NULL), "mr-map", &c->spool_path);
	if (c->spool_fd >= 0) {
		if (write_all(c->spool_fd, p, len) < 0)
			die("%s: write error:", c->spool_path);
		c->spooled += len;
		return;
	}
	buf_room(&c->obuf, len);
	memcpy(c->obuf.p + c->obuf.len, p, len);
	c->obuf.len += len;
}

static size_t head;		/* -o: the copy whose output is written now */

/* Whole lines of output from copy C: to stdout, or held until its turn. */
static void
emit_output(struct copy *c, const char *p, size_t len)
{
	if (opt.ordered && (size_t)(c - copies) != head)
		hold_output(c, p, len);
	else
		out_write(&out, p, len);
}

/*
 * Output lines go from a copy's pipe to stdout by splice(2), not through
 * mr-map's memory, when stdout takes it: tee(2) duplicates what the pipe
 * holds into the scratch pipe, whose last SPLICE_TAIL bytes alone are
 * read to find the last '\n' (the rest of the duplicate is dropped in
 * /dev/null), and the lines up to it move on.  The copy's partial last
 * line stays in its pipe until the rest of it comes.
 */
#define SPLICE_TAIL 8192

static int splice_out;		/* stdout takes splice(2) */
static int scratch[2] = { -1, -1 };
static int devnull = -1;

static void
splice_setup(void)
{
	if (pipe2(scratch, O_CLOEXEC) < 0)
		return;
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0) {
		close(scratch[0]);
		close(scratch[1]);
		return;
	}
	/* tee(2) takes no more than the scratch pipe holds. */
	proc_pipe_grow(scratch[1], 1 << 20);
	splice_out = 1;
}

static void
splice_teardown(void)
{
	if (devnull >= 0) {
		close(scratch[0]);
		close(scratch[1]);
		close(devnull);
	}
}

/*
 * Whole lines of copy C's stdout to stdout by splice.  Returns 1 when
 * lines moved, 0 when there is nothing to move yet (an empty pipe, or a
 * short partial line), -1 when the copying path must take the pipe: a
 * line longer than SPLICE_TAIL, the end of the output, or a stdout that
 * takes no splice.
 */
static int
splice_stdout(struct copy *c)
{
	char tail[SPLICE_TAIL], *nl;
	size_t held, k, got = 0;
	ssize_t n;

	n = tee(c->p.out, scratch[1], 1 << 30, SPLICE_F_NONBLOCK);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;	/* an empty pipe */
	if (n <= 0) {
		if (n < 0)
			splice_out = 0;
		return -1;	/* the end: read_stdout sees it */
	}
	held = (size_t)n;
	k = held < SPLICE_TAIL ? held : SPLICE_TAIL;
	/* The duplicate is emptied whatever comes next: all but its tail is
	 * dropped, the tail read. */
	while (got < held - k) {
		n = splice(scratch[0], NULL, devnull, NULL, held - k - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("splice to /dev/null:");
		got += (size_t)n;
	}
	for (got = 0; got < k;) {
		n = read(scratch[0], tail + got, k - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("read from a pipe:");
		got += (size_t)n;
	}
	if ((nl = memrchr(tail, '\n', k)) == NULL)
		return held > k ? -1 : 0;
	if (out_splice(&out, c->p.out, held - k + (size_t)(nl - tail) + 1) < 0) {
		splice_out = 0;
		return -1;
	}
	moved = 1;
	return 1;
}

/*
 * Read what copy C wrote on stdout (EV: its poll events).  Complete lines
 * go on at once; a partial line waits in obuf (which, for a held copy,
 * holds only that).  Returns 1 when it read bytes (there may be more).
 */
static int
read_stdout(struct copy *c, short ev)
{
	struct buf *b = &c->obuf;
	size_t keep = 0;
	ssize_t n;
	char *nl;

	/* Lines that go on now, with no partial one of the copy's held here. */
	if (splice_out && b->len == 0 && !(ev & POLLHUP) &&
	    !(opt.ordered && (size_t)(c - copies) != head) && splice_stdout(c) >= 0)
		return 0;	/* what is left is a partial line */
	if (opt.ordered && (size_t)(c - copies) != head && c->spool_fd < 0) {
		/* Held in obuf itself: read straight onto its end. */
		buf_room(b, READ_CHUNK);
		n = read(c->p.out, b->p + b->len, b->cap - b->len);
		if (n > 0) {
			moved = 1;
			b->len += (size_t)n;
			if (b->len > SPOOL_MEM) {
				nl = memrchr(b->p, '\n', b->len);
				keep = nl ? (size_t)(b->p + b->len - nl - 1) : b->len;
				c->spool_fd = tmp_create(tmp_dir(NULL), "mr-map",
				    &c->spool_path);
				if (write_all(c->spool_fd, b->p, b->len - keep) < 0)
					die("%s: write error:", c->spool_path);
				c->spooled += b->len - keep;
				memmove(b->p, b->p + b->len - keep, keep);
				b->len = keep;
			}
			return 1;
		}
	} else {
		buf_room(b, READ_CHUNK);
		n = read(c->p.out, b->p + b->len, b->cap - b->len);
		if (n > 0) {
			size_t old = b->len;

			moved = 1;
			b->len += (size_t)n;
			nl = memrchr(b->p + old, '\n', (size_t)n);
			if (nl == NULL)
				return 1;
			keep = (size_t)(b->p + b->len - nl - 1);
			emit_output(c, b->p, b->len - keep);
			memmove(b->p, nl + 1, keep);
			b->len = keep;
			return 1;
		}
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0)
		die("%s: copy %zu: read error:", cmd_text, (size_t)(c - copies));
	/* End of output: a last line without '\n' gets one. */
	if (b->len > 0 && b->p[b->len - 1] != '\n') {
		buf_room(b, 1);
		b->p[b->len++] = '\n';
	}
	if (!(opt.ordered && (size_t)(c - copies) != head)) {
		if (b->len > 0)
			out_write(&out, b->p, b->len);
		b->len = 0;
	}
	close(c->p.out);
	c->out_open = 0;
	return 0;
}

/* -o: write the held output of copy C, now that it is its turn. */
static void
release_output(struct copy *c)
{
	char tmp[65536];
	ssize_t n;
	off_t off = 0;

	if (c->spool_fd >= 0) {
		while ((n = pread(c->spool_fd, tmp, sizeof tmp, off)) > 0) {
			out_write(&out, tmp, (size_t)n);
			off += n;
		}
		if (n < 0)
			die("%s:", c->spool_path);
		close(c->spool_fd);
		tmp_remove(c->spool_path);
		c->spool_fd = -1;
	}
	/* What remains in obuf: whole lines, then perhaps a partial one. */
	{
		char *nl = c->obuf.len ? memrchr(c->obuf.p, '\n', c->obuf.len) : NULL;
		size_t whole = nl ? (size_t)(nl - c->obuf.p) + 1 : 0;

		if (!c->out_open)
			whole = c->obuf.len;
		if (whole == 0)
			return;
		out_write(&out, c->obuf.p, whole);
		memmove(c->obuf.p, c->obuf.p + whole, c->obuf.len - whole);
		c->obuf.len -= whole;
	}
}

/*
 * Copy C closed its stdin with input pending: drop the input and judge the
 * copy when it ends (its status says more).  Returns 1, as for a block done.
 */
static int
copy_stopped_reading(struct copy *c)
{
	c->broken = 1;
	c->blk.len = c->boff = 0;
	c->slen = 0;
	close(c->p.in);
	c->in_open = 0;
	return 1;
}

/* Write what is pending of C's block; 1 when the block is done. */
static int
feed_copy(struct copy *c)
{
	ssize_t n;

	/*
	 * A range of a regular file moves into the pipe by splice(2): the
	 * page-cache pages are passed on, not copied through mr-map.
	 */
	while (c->slen > 0) {
		loff_t off = (loff_t)c->soff;

		n = splice(src_fd, &off, c->p.in, NULL,
		    c->slen < SPLICE_CHUNK ? c->slen : SPLICE_CHUNK,
		    SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				c->full = 1;
				return 0;
			}
			if (errno == EPIPE)
				return copy_stopped_reading(c);
			if (errno == EINVAL || errno == ENOSYS) {
				/* No splice for this file: write the bytes. */
				struct buf t = { 0 };

				buf_room(&t, c->slen + c->blk.len - c->boff);
				if (pread(src_fd, t.p, c->slen, (off_t)c->soff) !=
				    (ssize_t)c->slen)
					die("%s:", src_name);
				memcpy(t.p + c->slen, c->blk.p + c->boff,
				    c->blk.len - c->boff);
				t.len = c->slen + c->blk.len - c->boff;
				free(c->blk.p);
				c->blk = t;
				c->boff = 0;
				c->slen = 0;
				break;
			}
			die("%s:", src_name);
		}
		if (n == 0)
			die("%s: file shrank while being read", src_name);
		c->soff += (uint64_t)n;
		c->slen -= (uint64_t)n;
		moved = 1;
		/*
		 * Less than asked for: the pipe is full.  Trying again at
		 * once would only chase the copy's reads a few pages at a
		 * time, a system call for each.
		 */
		if (c->slen > 0 && (size_t)n < SPLICE_CHUNK) {
			c->full = 1;
			return 0;
		}
	}
	while (c->boff < c->blk.len) {
		n = write(c->p.in, c->blk.p + c->boff, c->blk.len - c->boff);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				c->full = 1;
				return 0;
			}
			if (errno == EPIPE)
				return copy_stopped_reading(c);
			die("%s: copy %zu: write error:", cmd_text,
			    (size_t)(c - copies));
		}
		c->boff += (size_t)n;
		moved = 1;
	}
	c->blk.len = c->boff = 0;
	return 1;
}

static void
close_input(struct copy *c)
{
	if (c->in_open) {
		close(c->p.in);
		c->in_open = 0;
	}
}

/*
 * A copy has closed stdout and stderr: reap it and judge its end.  It
 * failed if it left input unread: a block not yet written, bytes in its
 * pipe, or (-o) the rest of its range.  A copy that ends before the input
 * does, with nothing of its own unread, loses nothing: the other copies
 * take the rest (and if none is left, run_command says so).
 */
static void
reap_copy(struct copy *c)
{
	char why[128];

	c->status = proc_wait(c->p.pid);
	c->reaped = 1;
	if (proc_failed(c->status))
		fail_copy(c, proc_describe(c->status, why, sizeof why));
	if (c->broken || c->blk.len > c->boff || c->slen > 0 ||
	    (opt.ordered && c->rpos < c->rend) || proc_unread(c->in_reader) > 0)
		fail_copy(c, "stopped reading its input");
	close_input(c);
	close(c->in_reader);
}

/* The input of the dealing mode: stdin or -i FILE, cut into blocks. */
struct input {
	int fd;
	const char *name;
	struct buf fill;	/* bytes read, not yet dealt */
	int eof;
	int has_nl;		/* fill holds a '\n' */
	int at_start;		/* a byte-order mark may come */
	size_t next;		/* round-robin start for the next block */
	int file;		/* a regular file, cut into blocks in place */
	uint64_t pos, size;	/* the next block of it starts at pos */
};

static int
has_block(const struct copy *c)
{
	return c->slen > 0 || c->blk.len > 0;
}

static int
input_ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

/*
 * Read from the input once (poll said it would not block).  Returns 1 when
 * a block of whole lines is ready in in->fill: the block size is reached,
 * the input is at its end, or nothing more has arrived (live input).
 */
static int
input_read(struct input *in)
{
	size_t from;		/* the bytes new in fill start here */
	ssize_t n;

	buf_room(&in->fill, opt.block > in->fill.len ? opt.block - in->fill.len : 65536);
	n = read(in->fd, in->fill.p + in->fill.len, in->fill.cap - in->fill.len);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		die("%s:", in->name);
	}
	if (n == 0) {
		in->eof = 1;
		if (in->fill.len > 0 && in->fill.p[in->fill.len - 1] != '\n') {
			buf_room(&in->fill, 1);
			in->fill.p[in->fill.len++] = '\n';
		}
		return in->fill.len > 0;
	}
	in->fill.len += (size_t)n;
	from = in->fill.len - (size_t)n;
	if (in->at_start) {
		if (in->fill.len < 3 && memcmp(in->fill.p, "\xEF\xBB\xBF",
		    in->fill.len) == 0)
			return 0;
		in->at_start = 0;
		if (memcmp(in->fill.p, "\xEF\xBB\xBF", 3) == 0) {
			memmove(in->fill.p, in->fill.p + 3, in->fill.len - 3);
			in->fill.len -= 3;
			from = 0;
		}
	}
	/* The carried rest of the last block has no '\n': look at new bytes. */
	if (!in->has_nl && memchr(in->fill.p + from, '\n',
	    in->fill.len - from) != NULL)
		in->has_nl = 1;
	if (!in->has_nl)
		return 0;
	return in->fill.len >= opt.block || !input_ready(in->fd);
}

/* Hand the whole lines of in->fill to copy C (whose block is empty). */
static void
deal_block(struct input *in, struct copy *c)
{
	char *nl = memrchr(in->fill.p, '\n', in->fill.len);
	size_t cut = (size_t)(nl - in->fill.p) + 1, rest = in->fill.len - cut;
	struct buf t;

	/* Swap buffers: the copy takes the filled one, the rest moves. */
	t = c->blk;
	c->blk = in->fill;
	c->blk.len = cut;
	c->boff = 0;
	in->fill = t;
	in->fill.len = 0;
	buf_room(&in->fill, rest > opt.block ? rest : opt.block);
	memcpy(in->fill.p, c->blk.p + cut, rest);
	in->fill.len = rest;
	in->has_nl = 0;
	strip_crlf(&c->blk);
}

/* Read up to N bytes at OFF, as many as there are; the number read. */
static size_t
pread_full(int fd, const char *name, char *p, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, p + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("%s:", name);
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return got;
}

/*
 * Read up to WANT bytes at POS in chunks small enough to stay in the CPU
 * cache, looking for the first "\r\n" (a lone '\r' is data).  *CRLF gets
 * the offset of its '\r' (SIZE_MAX if there is none), *END the offset just
 * past the last '\n' before it (or before the end), *LASTC the last byte
 * read.  ROOM is how far the caller's range goes (a '\r' at the end of
 * the bytes read is looked past, within it).  Returns the number of bytes
 * read: WANT, or fewer at the end of the file or after a "\r\n".
 */
static size_t
scan_block(int fd, const char *name, uint64_t pos, size_t want, uint64_t room,
    size_t *end, size_t *crlf, int *lastc)
{
	static char chunk[128 * 1024];
	size_t off = 0, n, got;
	char *nl, *cr, *from, next;

	*end = 0;
	*crlf = SIZE_MAX;
	while (off < want) {
		n = want - off < sizeof chunk ? want - off : sizeof chunk;
		got = pread_full(fd, name, chunk, n, pos + off);
		for (from = chunk; (cr = memchr(from, '\r',
		    got - (size_t)(from - chunk))) != NULL; from = cr + 1) {
			if (cr + 1 < chunk + got)
				next = cr[1];
			else if (off + got >= room || pread_full(fd, name, &next, 1,
			    pos + off + got) != 1)
				break;
			if (next != '\n')
				continue;
			*crlf = off + (size_t)(cr - chunk);
			if ((nl = memrchr(chunk, '\n', (size_t)(cr - chunk))) != NULL)
				*end = off + (size_t)(nl - chunk) + 1;
			return off + got;
		}
		if ((nl = memrchr(chunk, '\n', got)) != NULL)
			*end = off + (size_t)(nl - chunk) + 1;
		if (got > 0)
			*lastc = (unsigned char)chunk[got - 1];
		off += got;
		if (got < n)
			break;
	}
	return off;
}

/*
 * A "\r\n" this far into a block, or farther, is taken as rare: the bytes
 * before its '\r' go by splice and the line's end is written.  Nearer the
 * start, a block of this size is read, stripped of the '\r' of each
 * "\r\n" and written: a file of CRLF lines goes that way throughout.
 */
#define CRLF_RARE (64 * 1024)

/* The smallest block dealt near the end of a file. */
#define TAIL_BLOCK (64 * 1024)

/*
 * The next block of the regular file FD for copy C: whole lines from *POS
 * up to about the block size, not past LIMIT.  The bytes are read (pread)
 * to find the last '\n' and any "\r\n"; lines without one then go to the
 * copy by splice(2) from the page cache, and the bytes read are dropped:
 * the copy's reads come from the page cache pages themselves.  A last line
 * without '\n' gets one.  (Mapping the file instead costs more than the
 * read on virtual machines, where page table updates are slow.)
 */
static void
file_block(int fd, const char *name, uint64_t *pos, uint64_t limit,
    struct copy *c)
{
	size_t want = opt.block, got, end, crlf, n;
	char *nl;
	int last, lastc = '\n';

	/*
	 * Near the end of a dealt file, blocks shrink with what is left (down
	 * to TAIL_BLOCK), so that the copies run out of input together
	 * instead of one working through a whole last block alone.
	 */
	if (!opt.ordered) {
		uint64_t share = (limit - *pos) / (4 * ncopies);

		if (share < TAIL_BLOCK)
			share = TAIL_BLOCK;
		if (share < want)
			want = (size_t)share;
	}
	if (want > limit - *pos)
		want = (size_t)(limit - *pos);
	/* The common case: no CRLF, and a '\n' in the block (or its end). */
	last = *pos + want == limit;
	got = scan_block(fd, name, *pos, want, limit - *pos, &end, &crlf, &lastc);
	if (crlf == SIZE_MAX && got == want && (last || end > 0)) {
		if (last)
			end = want;
		c->soff = *pos;
		c->slen = end;
		c->boff = 0;
		c->blk.len = 0;
		if (last && lastc != '\n') {
			if (lastc == '\r')	/* ends the line, as "\r\n" would */
				c->slen--;
			buf_room(&c->blk, 1);
			c->blk.p[c->blk.len++] = '\n';
		}
		*pos += end;
		return;
	}
	if (crlf != SIZE_MAX && crlf >= CRLF_RARE) {
		c->soff = *pos;
		c->slen = crlf;
		c->boff = 0;
		buf_room(&c->blk, 1);
		c->blk.p[0] = '\n';
		c->blk.len = 1;
		*pos += crlf + 2;
		return;
	}
	/* CRLF lines near: a small block of them, read and stripped. */
	if (crlf != SIZE_MAX && want > CRLF_RARE)
		want = CRLF_RARE;
	c->blk.len = 0;
	buf_room(&c->blk, want + 1);
	got = pread_full(fd, name, c->blk.p, want, *pos);
	if (got == 0)
		die("%s: file shrank while being read", name);
	last = got < want || *pos + got == limit;
	end = got;
	if (!last && (nl = memrchr(c->blk.p, '\n', got)) != NULL) {
		end = (size_t)(nl - c->blk.p) + 1;
	} else if (!last) {
		/* A line longer than the block: read on to its end. */
		for (;;) {
			want = limit - *pos - got < opt.block ?
			    (size_t)(limit - *pos - got) : opt.block;
			c->blk.len = got;
			buf_room(&c->blk, want + 1);
			n = pread_full(fd, name, c->blk.p + got, want, *pos + got);
			nl = memchr(c->blk.p + got, '\n', n);
			got += n;
			if (nl != NULL) {
				end = (size_t)(nl - c->blk.p) + 1;
				break;
			}
			if (n < want || *pos + got == limit) {
				end = got;
				last = 1;
				break;
			}
		}
	}
	c->boff = 0;
	c->blk.len = end;
	if (memchr(c->blk.p, '\r', end) == NULL) {
		c->soff = *pos;
		c->slen = end;
		c->blk.len = 0;
	}
	*pos += end;
	if (last && c->blk.p[end - 1] != '\n') {
		if (c->slen > 0)
			c->blk.p[0] = '\n', c->blk.len = 1;
		else
			c->blk.p[c->blk.len++] = '\n';
	}
	if (c->slen == 0)
		strip_crlf(&c->blk);
}

/* -o: the end of the range starting near AT: just past the next '\n'. */
static uint64_t
line_end_after(int fd, const char *name, uint64_t at, uint64_t size)
{
	char tmp[65536];
	ssize_t n;
	char *nl;

	if (at == 0)
		return 0;
	while (at < size) {
		n = pread(fd, tmp, sizeof tmp, (off_t)(at - 1));
		if (n < 0)
			die("%s:", name);
		if (n == 0)
			break;
		if ((nl = memchr(tmp, '\n', (size_t)n)) != NULL)
			return at + (uint64_t)(nl - tmp);
		at += (uint64_t)n;
	}
	return size;
}

/* The next block of a regular file input for copy C; 0 at its end. */
static int
file_next_block(struct input *in, struct copy *c)
{
	if (opt.ordered && c->rpos < c->rend) {
		file_block(in->fd, in->name, &c->rpos, c->rend, c);
		return 1;
	}
	if (!opt.ordered && in->file && in->pos < in->size) {
		file_block(in->fd, in->name, &in->pos, in->size, c);
		return 1;
	}
	return 0;
}

static void
run_command(char **argv)
{
	struct input in = { .fd = 0, .name = "-", .at_start = 1 };
	struct pollfd *pfd, *errs;
	struct stat st;
	const char *file = NULL;
	char *abspath = NULL;
	uint64_t size = 0, first = 0;
	size_t i, nerr, live, len, rounds = 0;
	long pause_ns = BATCH_ROUND_NS;
	struct copy *last;	/* the copy that ended last */
	int regular, batch;

	under_hadoop = hadoop_is_task();
	ncopies = opt.copies ? opt.copies : (uint64_t)online_cpus();
	for (len = 0, i = 0; argv[i] != NULL; i++)
		len += strlen(argv[i]) + 1;
	cmd_text = xmalloc(len + 1);
	cmd_text[0] = '\0';
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			strcat(cmd_text, " ");
		strcat(cmd_text, argv[i]);
	}
	if (opt.input != NULL && strcmp(opt.input, "-") != 0) {
		in.fd = open(opt.input, O_RDONLY | O_CLOEXEC);
		if (in.fd < 0)
			die("%s:", opt.input);
		in.name = opt.input;
		abspath = realpath(opt.input, NULL);
		file = abspath ? abspath : opt.input;
	}
	regular = fstat(in.fd, &st) == 0 && S_ISREG(st.st_mode);
	if (opt.ordered) {
		off_t pos = regular ? lseek(in.fd, 0, SEEK_CUR) : -1;

		/* A file of /proc says it is empty but is not: read it too. */
		if (pos < 0 || st.st_size == 0) {
			/* Not seekable: keep the input in a temporary file. */
			const char *path;
			int fd = tmp_create(tmp_dir(NULL), "mr-map", &path);
			char tmp[65536];
			ssize_t n;

			while ((n = read(in.fd, tmp, sizeof tmp)) != 0) {
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0)
					die("%s:", in.name);
				if (write_all(fd, tmp, (size_t)n) < 0)
					die("%s: write error:", path);
			}
			in.fd = fd;
			pos = 0;
		}
		first = (uint64_t)pos;
		if (fstat(in.fd, &st) < 0)
			die("%s:", in.name);
		size = (uint64_t)st.st_size;
		if (first == 0 && size >= 3) {
			char bom[3];

			if (pread(in.fd, bom, 3, 0) == 3 && memcmp(bom, "\xEF\xBB\xBF", 3) == 0)
				first = 3;
		}
	} else if (regular) {
		off_t pos = lseek(in.fd, 0, SEEK_CUR);

		size = (uint64_t)st.st_size;
		if (pos >= 0 && (uint64_t)pos < size) {
			in.pos = (uint64_t)pos;
			first = in.pos;
			in.size = size;
		}
	}
	/*
	 * Input from a regular file is a batch job: no record is waited for.
	 * Then the loop below sleeps between rounds instead of waiting in
	 * poll(2), so that the copies' pipe reads and writes wake no one and
	 * each round moves what a millisecond brought.  On virtual machines a
	 * wake-up costs more than copying the bytes it announces.
	 */
	batch = regular;
	/* A regular file is cut into blocks in place and spliced on. */
	if ((opt.ordered || in.size > 0) && size > 0) {
		char bom[3];

		in.file = 1;
		src_fd = in.fd;
		src_name = in.name;
		if (!opt.ordered && in.pos == 0 && pread(in.fd, bom, 3, 0) == 3 &&
		    memcmp(bom, "\xEF\xBB\xBF", 3) == 0)
			in.pos = 3;
		posix_fadvise(in.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	copies = xcalloc(ncopies, sizeof *copies);
	atexit(kill_copies);
	for (i = 0; i < ncopies; i++) {
		struct copy *c = &copies[i];

		if (opt.ordered) {
			uint64_t span = size > first ? size - first : 0;

			c->rpos = line_end_after(in.fd, in.name,
			    i == 0 ? 0 : first + span / ncopies * i, size);
			if (i == 0)
				c->rpos = first;
			if (i > 0 && c->rpos < copies[i - 1].rpos)
				c->rpos = copies[i - 1].rpos;
			if (i > 0)
				copies[i - 1].rend = c->rpos;
			c->rend = size;
		}
	}
	for (i = 0; i < ncopies; i++) {
		struct copy *c = &copies[i];

		if (opt.ordered)
			c->env = task_env(i, file, c->rpos, c->rend - c->rpos);
		else
			c->env = task_env(i, file, 0, size);
		start_copy(i, argv);
	}
	/*
	 * Splice output in batch rounds only: a partial line left in a pipe
	 * keeps it readable, which paced rounds wait out but poll(2) would
	 * report again at once.
	 */
	if (batch)
		splice_setup();
	pfd = xcalloc(2 + 3 * ncopies, sizeof *pfd);
	errs = xcalloc(ncopies, sizeof *errs);
	live = ncopies;
	last = NULL;
	while (live > 0) {
		size_t np = 0, free_copy = ncopies;
		int n, want_input, throttled;


		/* Blocks for copies that are ready for one. */
		for (i = 0; i < ncopies; i++) {
			size_t k = (in.next + i) % ncopies;
			struct copy *c = &copies[k];

			if (!c->in_open || has_block(c))
				continue;
			if (file_next_block(&in, c)) {
				continue;
			} else if (opt.ordered) {
				close_input(c);
			} else if (in.file) {
				/* Read on past the mapped size: the file may grow. */
				if (lseek(in.fd, (off_t)in.pos, SEEK_SET) < 0)
					die("%s:", in.name);
				in.file = 0;
				in.at_start = 0;
				i--;	/* this copy again, on the read path */
			} else if (in.eof) {
				close_input(c);
			} else if (free_copy == ncopies) {
				free_copy = k;
			}
		}
		want_input = !opt.ordered && !in.eof && free_copy < ncopies;
		if (want_input) {
			pfd[np].fd = in.fd;
			pfd[np++].events = POLLIN;
		}
		throttled = 0;
		for (i = 0; i < ncopies; i++) {
			struct copy *c = &copies[i];

			c->in_idx = c->out_idx = c->err_idx = -1;
			/*
			 * A pipe that was full is refilled only once the copy
			 * has read half of it: waking for every page it reads
			 * would cost a context switch and a splice per 4 KiB.
			 */
			if (!batch && c->in_open && has_block(c) && c->full &&
			    proc_unread(c->p.in) > c->pipe_cap / 2)
				throttled = 1;
			else if (c->in_open && has_block(c)) {
				c->full = 0;
				c->in_idx = (int)np;
				pfd[np].fd = c->p.in;
				pfd[np++].events = POLLOUT;
			}
			if (c->out_open) {
				c->out_idx = (int)np;
				pfd[np].fd = c->p.out;
				pfd[np++].events = POLLIN;
			}
			if (c->err_open) {
				c->err_idx = (int)np;
				pfd[np].fd = c->p.err;
				pfd[np++].events = POLLIN;
			}
		}
		if (batch && rounds++ > 0) {
			struct timespec round;

			pause_ns = moved ? BATCH_ROUND_NS : pause_ns * 2 > BATCH_IDLE_NS ?
			    BATCH_IDLE_NS : pause_ns * 2;
			moved = 0;
			round.tv_sec = 0;
			round.tv_nsec = pause_ns;
			/*
			 * The pause ends early when a copy ends: its stderr pipe
			 * hangs up (no events asked: its writes wake no one).
			 * The last round need not wait out its time.
			 */
			for (i = 0, nerr = 0; i < ncopies; i++)
				if (copies[i].err_open) {
					errs[nerr].fd = copies[i].p.err;
					errs[nerr++].events = 0;
				}
			if (ppoll(errs, nerr, &round, NULL) < 0 && errno != EINTR)
				die("poll:");
		}
		/* Flush our output only when there is nothing to do at once. */
		n = poll(pfd, np, 0);
		if (n == 0 && batch) {
			out_flush(&out);
			continue;
		}
		if (n == 0) {
			out_flush(&out);
			n = poll(pfd, np, throttled ? 1 : -1);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("poll:");
		}
		np = 0;
		if (want_input) {
			if ((pfd[np++].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    input_read(&in)) {
				deal_block(&in, &copies[free_copy]);
				in.next = free_copy + 1;
			}
		}
		for (i = 0; i < ncopies; i++) {
			struct copy *c = &copies[i];
			short ev;

			/* A batch round fills the pipe, block after block. */
			if (c->in_idx >= 0 && (ev = pfd[c->in_idx].revents) != 0 &&
			    c->in_open)
				while (feed_copy(c) && batch && c->in_open &&
				    file_next_block(&in, c))
					;
			/* A batch round takes all there is: the copy may have
			 * filled its pipe since the last round. */
			if (c->out_idx >= 0 && (ev = pfd[c->out_idx].revents) != 0)
				while (read_stdout(c, ev) && batch)
					;
			if (c->err_idx >= 0 && (ev = pfd[c->err_idx].revents) != 0)
				while (read_stderr(c) && batch)
					;
			if (!c->out_open && !c->err_open && !c->reaped) {
				moved = 1;
				reap_copy(c);
				live--;
				last = c;
			}
		}
		/* -o: pass the turn on past every copy that has finished. */
		while (opt.ordered && head < ncopies && copies[head].reaped &&
		    !copies[head].out_open) {
			head++;
			if (head < ncopies)
				release_output(&copies[head]);
		}
	}
	/* Every copy ended early: input that is left has no reader. */
	if (!opt.ordered && !in.eof && last != NULL) {
		char b;

		if (in.fill.len > 0 || (in.file && in.pos < in.size) ||
		    (!in.file && read(in.fd, &b, 1) > 0))
			fail_copy(last, "stopped reading its input");
	}
	out_flush(&out);
	if (!under_hadoop)
		for (i = 0; i < counters.n; i++)
			fprintf(stderr, "%s: counter %s,%s: %lld\n", progname,
			    counters.c[i].group, counters.c[i].name,
			    (long long)counters.c[i].sum);
	for (i = 0; i < ncopies; i++) {
		char **e;

		for (e = copies[i].env; *e != NULL; e++)
			free(*e);
		free(copies[i].env);
		free(copies[i].blk.p);
		free(copies[i].obuf.p);
		free(copies[i].ebuf.p);
	}
	counters_free(&counters);
	splice_teardown();
	free(in.fill.p);
	free(pfd);
	free(errs);
	free(cmd_text);
	free(abspath);
}

/* ---- main ------------------------------------------------------------ */

static void
set_mode(enum mode m)
{
	if (opt.mode != M_NONE && opt.mode != m)
		die_usage(usage_line, "-w, -a, -d, -e and -j choose different mappers");
	opt.mode = m;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "words", no_argument, NULL, 'w' },
		{ "alnum", no_argument, NULL, 'a' },
		{ "lower", no_argument, NULL, 'l' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "key", required_argument, NULL, 'K' },
		{ "value", required_argument, NULL, 'V' },
		{ "regex", required_argument, NULL, 'e' },
		{ "global", no_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "strict", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "ordered", no_argument, NULL, 'o' },
		{ "input", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, cmd_opts = 0, c;

	msg_init(argv[0]);
	out_ignore_sigpipe();
	/* '+': stop at the first operand, so a command's own options stay its own. */
	while ((ch = getopt_long(argc, argv, "+wald:K:V:e:gjvP:b:oi:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'w': set_mode(M_WORDS); break;
		case 'a': set_mode(M_ALNUM); break;
		case 'l': opt.lower = 1; break;
		case 'd':
			set_mode(M_FIELDS);
			if ((opt.delim = kv_parse_sep(optarg)) < 0)
				die_usage(usage_line, "bad delimiter '%s'", optarg);
			break;
		case 'K': opt.keys = optarg; break;
		case 'V': opt.values = optarg; break;
		case 'e': set_mode(M_REGEX); opt.regex = optarg; break;
		case 'g': opt.every = 1; break;
		case 'j': set_mode(M_JSON); break;
		case 'S': opt.strict = 1; break;
		case 'v': opt.verbose = 1; break;
		case 'P':
			if (parse_uint(optarg, 1, 1024, &opt.copies) < 0)
				die_usage(usage_line, "bad number of copies '%s'", optarg);
			cmd_opts = 1;
			break;
		case 'b':
			if (parse_size(optarg, &opt.block) < 0 || opt.block == 0 ||
			    opt.block > ((uint64_t)1 << 40))
				die_usage(usage_line, "bad block size '%s'", optarg);
			cmd_opts = 1;
			break;
		case 'o': opt.ordered = 1; cmd_opts = 1; break;
		case 'i': opt.input = optarg; break;
		case 'h': usage(); break;
		case 'Z': print_version(); break;
		default: die_usage(usage_line, "unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (opt.mode == M_NONE && (opt.keys || opt.values))
		set_mode(M_FIELDS);
	for (c = 0; c < 256; c++)
		lower_table[c] = (unsigned char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	out_init(&out, 1, "standard output");
	if (opt.mode == M_NONE) {
		if (argc == 0)
			die_usage(usage_line, "no mapper: give -w, -a, -d, -K, -e, -j or a command");
		if (opt.lower || opt.strict || opt.every || opt.verbose)
			die_usage(usage_line, "-l, -g, -v and --strict are for the built-in mappers");
		run_command(argv);
	} else {
		if (cmd_opts)
			die_usage(usage_line, "-P, -b and -o are for command mappers");
		if (opt.every && opt.mode != M_REGEX)
			die_usage(usage_line, "-g needs -e");
		if (opt.input != NULL) {
			if (argc > 0)
				die_usage(usage_line, "give -i FILE or FILE operands, not both");
			argv = (char **)&opt.input;
			argc = 1;
		}
		setup_builtin();
		run_builtin(argv, argc);
	}
	out_close(&out);
	return EXIT_OK;
}
