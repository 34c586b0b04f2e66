/*
 * mr-task: run one task of a Hadoop Streaming job; the engine of mr-job.
 *
 * The job is its properties (-c FILE, -D NAME=VALUE), read by lib/streaming
 * with Hadoop's names and defaults; so is the environment the commands get.
 *
 * A map task reads its input split as Hadoop's LineRecordReader does (a
 * .gz or .bz2 file whole, through gzip or bzip2) and feeds the records to
 * the mapper.  The mapper's lines become key and value by Streaming's rules
 * (lib/streaming).  A map-only task writes them as final output.  Otherwise
 * they are sorted in the job's key order (lib/extsort: in memory, spilling
 * to the task directory beyond its budget), dealt to one file per reducer
 * by the job's partitioner, and the combiner (if any) runs on each
 * partition's sorted records, once per partition as Hadoop runs it; its
 * lines stay in that partition.  A reduce task merges its partition of
 * every map task's output and feeds it to the reducer (or the identity or
 * aggregate reducer); the reducer's lines are the final output.
 *
 * Everything between the user's commands happens here, in one process:
 * only the commands and the codecs are children.  The task's counters go to DIR/counts and its fate to
 * DIR/status, which mr-job reads; the commands' stderr goes to DIR/err,
 * mr-task's own to its stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "buf.h"
#include "codec.h"
#include "extsort.h"
#include "hash.h"
#include "hsplit.h"
#include "keyfield.h"
#include "kv.h"
#include "merge.h"
#include "msg.h"
#include "out.h"
#include "partout.h"
#include "proc.h"
#include "record.h"
#include "reporter.h"
#include "sortrec.h"
#include "streaming.h"
#include "tmpfile.h"
#include "valueagg.h"
#include "xalloc.h"

extern char **environ;

static const char usage_text[] =
    "mr-task -d DIR [-c FILE] [-D NAME=VALUE]... -M FILE [-x OFFSET:LENGTH]\n"
    "               [-i N] [-C WORDS] [-P N] [-S SIZE] [-L NAME=PATH]... [-o FILE]\n"
    "               -- MAPPER [ARG...] [COMBINER [ARG...]]\n"
    "       mr-task -d DIR [-c FILE] [-D NAME=VALUE]... -R [-I FILE]... [-i N]\n"
    "               [-L NAME=PATH]... [-o FILE] [-- REDUCER [ARG...]]\n"
    "       mr-task --plan [-c FILE] [-D NAME=VALUE]... [--output DIR --scratch DIR]\n"
    "               [INPUT...]";

static const char help_text[] =
    "Run one map or reduce task of a Hadoop Streaming job (mr-job's engine).\n"
    "\n"
    "  -d DIR            the task directory: status, counts, err, partitions\n"
    "  -c FILE           the job's properties, NAME=VALUE entries ended by NUL\n"
    "  -D NAME=VALUE     a job property, after those of -c (repeatable)\n"
    "  -M FILE           a map task over FILE\n"
    "  -x OFFSET:LENGTH  the split of FILE (default: all of it)\n"
    "  -i N              the task's number (default 0)\n"
    "  -C WORDS          the last WORDS command words are the combiner\n"
    "  -R                a reduce task over the sorted files given with -I\n"
    "  -I FILE           a sorted input of the reduce task (repeatable)\n"
    "  -P N              threads of the map output's sort\n"
    "  -S SIZE           memory of the map output's sort (default: half the\n"
    "                    memory, at most 4G, shared by the CPUs)\n"
    "  -L NAME=PATH      link PATH as NAME in the working directory (repeatable)\n"
    "  -o FILE           the final output (default: standard output); a codec\n"
    "                    adds its extension\n"
    "      --plan        check the job's properties, list the INPUTs (-input\n"
    "                    specs), print their splits and what mr-job needs\n"
    "      --output DIR  with --plan: make the output directory (not one that\n"
    "                    exists)\n"
    "      --scratch DIR  with --plan: make the scratch directory and the\n"
    "                    tasks' directories in it\n"
    "  -h, --help        print this help and exit\n"
    "      --version     print the version and exit\n";

enum { OPT_PLAN = ARGS_LONG, OPT_OUTPUT, OPT_SCRATCH };

static const struct option longopts[] = {
	{ "plan", no_argument, NULL, OPT_PLAN },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "scratch", required_argument, NULL, OPT_SCRATCH },
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* ---- the task's fate: DIR/status ---- */

static const char *taskdir;
static int finished;
/* What the thread is doing, for the status a die() leaves behind. */
static _Thread_local enum sstage stage = SSTAGE_SETUP;
/* A failure's own words, when the code alone does not say it. */
static char fail_text[512];

static char *
task_path(const char *name)
{
	char *p = xmalloc(strlen(taskdir) + strlen(name) + 2);

	sprintf(p, "%s/%s", taskdir, name);
	return p;
}

/*
 * DIR/status: "ok", or three lines: the stage and its status code, what
 * happened in words (lib/streaming), and the command to blame.
 */
static void
write_status(int ok, enum sstage s, int code)
{
	char *path = task_path("status"), text[1024], what[600];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int n;

	if (ok) {
		n = snprintf(text, sizeof text, "ok\n");
	} else {
		if (fail_text[0] != '\0')
			snprintf(what, sizeof what, "%s", fail_text);
		else
			streaming_describe(s, code, what, sizeof what);
		n = snprintf(text, sizeof text, "%s %d\n%s\n%s\n",
		    streaming_stage_name(s), code, what, streaming_stage_command(s));
	}
	if (fd < 0 || write_all(fd, text, (size_t)n) < 0 || close(fd) < 0)
		warn("%s: cannot write:", path);
	free(path);
}

/* An exit without a verdict (die, in whichever thread) names its stage. */
static void
status_at_exit(int status, void *arg)
{
	(void)arg;
	if (finished || taskdir == NULL)
		return;
	finished = 1;
	write_status(status == 0, stage, status);
}

/* fail: the task failed in stage S with CODE (an exit status, 256+signal). */
static noreturn void
fail(enum sstage s, int code)
{
	write_status(0, s, code);
	finished = 1;
	exit(EXIT_BAD);
}

/* fail_with: the task failed in stage S, for the reason TEXT. */
static noreturn void
fail_with(enum sstage s, const char *text)
{
	warn("%s", text);
	snprintf(fail_text, sizeof fail_text, "%s", text);
	fail(s, 1);
}

/*
 * The code of a wait status in DIR/status: the exit status, or 256 + the
 * signal (the shell's 128 + N would read an exit status of 130 as SIGINT).
 */
static int
status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 256 + WTERMSIG(status);
	return 255;
}

/* ---- the job and the user's commands ---- */

static struct sconf conf;
static struct sjob job;
static char **task_env;		/* the commands' environment */
static int errfd = -1;		/* DIR/err: the commands' stderr */

/*
 * link_files: the -L NAME=PATH files (Streaming's -files) as symbolic
 * links in the working directory, where the commands run.
 */
static void
link_files(char **links, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *eq = strchr(links[i], '=');

		*eq = '\0';
		if (symlink(eq + 1, links[i]) < 0 && errno != EEXIST)
			die("%s: cannot link %s:", links[i], eq + 1);
		*eq = '=';
	}
}

/*
 * make_executable: a shipped file NAME in the working directory that is
 * not executable becomes an executable copy, as Streaming makes the
 * program it runs executable (PipeMapRed: chmod a+x) in its own copy of
 * the shipped files; the user's file is left alone.
 */
static void
make_executable(const char *name)
{
	char buf[65536];
	const char *tmp;
	ssize_t n;
	int in, out;

	if ((in = open(name, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	out = tmp_create_beside(name, 0777, &tmp);
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s:", name);
		if (write_all(out, buf, (size_t)n) < 0)
			die("%s: write error:", tmp);
	}
	close(in);
	if (fchmod(out, 0755) < 0 || close(out) < 0)
		die("%s:", tmp);
	tmp_commit(tmp, name);
}

/*
 * resolve_here: as Streaming does, a program named without a '/' is
 * looked for in the working directory first (a script shipped with
 * -files, made executable), then in PATH.
 */
static char *
resolve_here(char **argv)
{
	char cwd[PATH_MAX];
	struct stat st;
	char *p;

	if (argv == NULL || strchr(argv[0], '/') != NULL ||
	    stat(argv[0], &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	if (access(argv[0], X_OK) < 0)
		make_executable(argv[0]);
	if (access(argv[0], X_OK) < 0 || getcwd(cwd, sizeof cwd) == NULL)
		return NULL;
	p = xmalloc(strlen(cwd) + strlen(argv[0]) + 2);
	sprintf(p, "%s/%s", cwd, argv[0]);
	argv[0] = p;
	return p;	/* for the caller to free */
}

static void
spawn_user(struct proc *p, char **argv)
{
	proc_spawn(p, argv, task_env, PROC_PIPE, PROC_PIPE, errfd);
	proc_pipe_grow(p->in, 1 << 20);
	proc_pipe_grow(p->out, 1 << 20);
}

/* Wait for a command; its failure is the task's (unless Hadoop's
 * stream.non.zero.exit.is.failure is false). */
static void
wait_user(pid_t pid, enum sstage s)
{
	int code = status_code(proc_wait(pid));

	if (code != 0 && job.nonzero_fails)
		fail(s, code);
}

/* ---- records: what a command wrote, as key and value ---- */

/* The key length of LINE by C, and its value. */
static inline size_t
split_line(const struct scollect *c, struct slice line, struct slice *value)
{
	size_t k = scollect_keylen(c, line.p, line.len);

	if (k < line.len) {
		value->p = line.p + k + c->seplen;
		value->len = line.len - k - c->seplen;
	} else {
		value->p = line.p + line.len;
		value->len = 0;
	}
	return k;
}

/* Map output between tasks: "key \r value" (see lib/streaming). */
static inline void
emit_intermediate(struct out *o, const struct scollect *c, struct slice line)
{
	struct slice v;
	size_t k = split_line(c, line, &v);
	char *dst;

	if (k < line.len && c->seplen == 1) {
		dst = out_reserve(o, line.len + 1);
		memcpy(dst, line.p, line.len);
		dst[k] = '\r';
		dst[line.len] = '\n';
		o->len += line.len + 1;
		return;
	}
	out_write(o, line.p, k);
	out_byte(o, '\r');
	out_write(o, v.p, v.len);
	out_byte(o, '\n');
}

/*
 * cut_key: make the line at P (LEN bytes, a '\n' after it) a "key \r value"
 * record in place: the K-th separator becomes '\r' (a separator of several
 * bytes one '\r', the rest of the line moved left); returns the key's
 * length.  A line with fewer separators stays as it is: all key.
 */
static inline size_t
cut_key(const struct scollect *c, char *p, size_t *len)
{
	size_t k = scollect_keylen(c, p, *len);

	if (k == *len)
		return k;
	p[k] = '\r';
	if (c->seplen > 1) {
		memmove(p + k + 1, p + k + c->seplen, *len - k - c->seplen);
		*len -= c->seplen - 1;
		p[*len] = '\n';
	}
	return k;
}

/*
 * load_map_output: the mapper's lines (FD) into the sort, read straight
 * into its buffer and cut there: a line end of Hadoop's LineReader ("\n",
 * "\r\n", a lone "\r") is left as one '\n' after the record, the key's
 * separator becomes '\r' (cut_key); records only shrink, so this works in
 * place.  Returns the number of lines.
 */
static uint64_t
load_map_output(struct extsort *es, int fd, const struct scollect *c)
{
	uint64_t n = 0;
	size_t pos, end, len, next, want, clean = 0;
	int eof = 0, has_cr;
	ssize_t r;
	char *base, *p, *nl, *cr;

	for (;;) {
		base = es->data;
		pos = es->parsed;
		end = es->len;
		/* [pos, pos + CLEAN) holds no line end: a long line is not
		 * scanned again after each read. */
		has_cr = pos + clean < end &&
		    memchr(base + pos + clean, '\r', end - pos - clean) != NULL;
		while (pos < end) {
			p = base + pos;
			nl = memchr(p + clean, '\n', end - pos - clean);
			cr = has_cr ? memchr(p + clean, '\r',
			    (size_t)((nl ? nl : base + end) - p) - clean) : NULL;
			if (cr != NULL) {
				if (cr + 1 == base + end && !eof) {
					clean = (size_t)(cr - p);
					break;	/* is a '\n' next? */
				}
				len = (size_t)(cr - p);
				next = (size_t)(cr - base) + 1;
				if (next < end && base[next] == '\n')
					next++;
				*cr = '\n';
			} else if (nl != NULL) {
				len = (size_t)(nl - p);
				next = (size_t)(nl - base) + 1;
			} else if (eof) {
				len = end - pos;	/* a last line without its end */
				base[end] = '\n';
				next = end;
			} else {
				clean = end - pos;
				break;
			}
			extsort_mark(es, pos, len, cut_key(c, p, &len), next);
			n++;
			pos = next;
			clean = 0;
		}
		if (eof)
			return n;
		p = extsort_space(es, &want);
		do
			r = read(fd, p, want);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			die("mapper output: read error:");
		if (r == 0)
			eof = 1;
		else
			extsort_filled(es, (size_t)r);
	}
}

/* The key of an intermediate record (before its '\r') and its value. */
static inline size_t
record_key(struct slice rec, struct slice *value)
{
	const char *cr = memchr(rec.p, '\r', rec.len);
	size_t k = cr != NULL ? (size_t)(cr - rec.p) : rec.len;

	value->p = rec.p + (k < rec.len ? k + 1 : rec.len);
	value->len = k < rec.len ? rec.len - k - 1 : 0;
	return k;
}

/* ---- the final output: -o FILE (written beside, renamed) or stdout ---- */

struct final {
	struct out o;
	char *path;		/* -o FILE with the codec's extension */
	const char *tmp;
	int fd;
	struct codec_out codec;
	uint64_t lines, bytes;
	int discard;		/* a reducer without input: Hadoop drops its lines */
};

static const char *out_file;

static void
final_open(struct final *f)
{
	int fd;

	memset(f, 0, sizeof *f);
	if (out_file == NULL) {
		out_init(&f->o, 1, "standard output");
		return;
	}
	f->path = xmalloc(strlen(out_file) + 16);
	sprintf(f->path, "%s%s", out_file, sjob_codec_ext(job.codec));
	f->fd = tmp_create_beside(f->path, 0666, &f->tmp);
	if (job.codec != SCODEC_NONE) {
		fd = codec_out_start(&f->codec, job.codec, f->fd, f->path);
		out_init_child(&f->o, fd, f->path);
	} else {
		out_init(&f->o, f->fd, f->path);
	}
}

/* A final line: "key SEP value\n" from a command's LINE split by C. */
static inline void
final_line(struct final *f, const struct scollect *c, struct slice line)
{
	struct slice v;
	size_t k;

	if (f->discard)
		return;
	k = split_line(c, line, &v);
	f->lines++;
	if (k < line.len && c->seplen == 1 && job.out_sep[0] == c->sep[0] &&
	    job.out_sep[1] == '\0') {
		out_write(&f->o, line.p, line.len);
	} else {
		out_write(&f->o, line.p, k);
		out_str(&f->o, job.out_sep);
		out_write(&f->o, v.p, v.len);
	}
	out_byte(&f->o, '\n');
}

/* final_close: complete the output; with -lazyOutput, none without lines. */
static void
final_close(struct final *f)
{
	f->bytes = f->o.bytes + f->o.len;
	if (f->path == NULL) {
		out_close(&f->o);
		return;
	}
	stage = SSTAGE_OUTPUT;
	if (job.codec != SCODEC_NONE) {
		out_close(&f->o);
		if (f->o.closed)
			die("%s: the compressor stopped early", f->path);
		close(f->codec.p.in);
		if (codec_out_finish(&f->codec) < 0)
			fail(SSTAGE_OUTPUT, 1);
	} else {
		out_flush(&f->o);
		free(f->o.buf);
	}
	if (close(f->fd) < 0)
		die("%s: write error:", f->path);
	if (job.lazy && f->lines == 0)
		tmp_remove(f->tmp);
	else
		tmp_commit(f->tmp, f->path);
	free(f->path);
}

/*
 * copy_output: every line a command writes on FD (NAME for messages),
 * split by C, as final output; the line count.
 */
static uint64_t
copy_output(int fd, const char *name, const struct scollect *c, struct final *f)
{
	struct slines l;
	struct slice line;
	uint64_t n;

	slines_init(&l, fd, name);
	while (slines_next(&l, &line))
		final_line(f, c, line);
	n = l.n;
	slines_free(&l);
	close(fd);
	return n;
}

/* ---- threads that feed a child ---- */

static void
start_thread(pthread_t *th, void *(*fn)(void *), void *arg)
{
	int e = pthread_create(th, NULL, fn, arg);

	if (e != 0) {
		errno = e;
		die("pthread_create:");
	}
}

/* The records of a split into the mapper. */
struct split_feed {
	pthread_t th;
	struct hsplit_reader r;	/* an uncompressed file */
	int zfd;		/* or the output of its decompressor, or -1 */
	const char *name;
	struct out o;
	uint64_t records;
	int stopped;		/* the mapper closed its input early */
};

/* A compressed file, read whole (LineRecordReader over a codec stream). */
static uint64_t
copy_decompressed(struct split_feed *sf)
{
	struct slines l;
	struct slice line;
	uint64_t n = 0;

	slines_init(&l, sf->zfd, sf->name);
	while (!sf->o.closed && slines_next(&l, &line)) {
		if (n == 0 && line.len >= 3 && memcmp(line.p, "\xEF\xBB\xBF", 3) == 0) {
			line.p += 3;
			line.len -= 3;
		}
		out_write(&sf->o, line.p, line.len);
		out_byte(&sf->o, '\n');
		n++;
	}
	slines_free(&l);
	return n;
}

/* stream.map.input.ignoreKey=false: "offset SEP line". */
static uint64_t
copy_keyed(struct split_feed *sf)
{
	struct slice rec;
	uint64_t off, n = 0;

	while (!sf->o.closed && hsplit_reader_next(&sf->r, &rec, &off)) {
		out_u64(&sf->o, off);
		out_str(&sf->o, job.map_in_sep);
		out_write(&sf->o, rec.p, rec.len);
		out_byte(&sf->o, '\n');
		n++;
	}
	return n;
}

static void *
feed_split(void *arg)
{
	struct split_feed *sf = arg;
	int64_t spliced;
	int stopped = 0;

	stage = SSTAGE_SPLIT;
	if (sf->zfd >= 0)
		sf->records = copy_decompressed(sf);
	else if (!job.ignore_key)
		sf->records = copy_keyed(sf);
	else if ((spliced = hsplit_reader_splice(&sf->r, sf->o.fd, &stopped)) >= 0)
		sf->records = (uint64_t)spliced;	/* file to pipe, no copy */
	else
		sf->records = hsplit_reader_copy(&sf->r, &sf->o);
	out_close(&sf->o);	/* a last flush may find the pipe closed */
	sf->stopped = sf->o.closed || stopped;
	if (sf->zfd < 0)
		hsplit_reader_free(&sf->r);
	return NULL;
}

/* Sorted records into a reducer or combiner as "key SEP value" lines:
 * from a merge of sorted files, or from one file. */
struct record_feed {
	pthread_t th;
	struct merge *m;	/* or */
	struct reader *r;
	const struct sortorder *group;	/* counts groups by this order */
	struct out o;
	uint64_t records, groups;
	int stopped;
	struct buf last;	/* the key of the current group */
	enum sstage stage;
};

/* The next record and its key's length, counting records and groups
 * (keys of equal bytes: lib/streaming). */
static int
feed_next(struct record_feed *f, struct slice *rec, size_t *keylen)
{
	struct slice v;
	size_t k;

	if (f->m != NULL) {
		if (!merge_next(f->m, rec))
			return 0;
		k = merge_keylen(f->m);
	} else {
		if (f->r == NULL || !reader_next(f->r, rec))
			return 0;
		k = record_key(*rec, &v);
	}
	*keylen = k;
	f->records++;
	if (f->records == 1 || k != f->last.len ||
	    !bytes_equal(f->last.p, rec->p, k)) {
		f->groups++;
		buf_set(&f->last, rec->p, k);
	}
	return 1;
}

static void *
feed_records(void *arg)
{
	struct record_feed *f = arg;
	size_t seplen = strlen(job.red_in_sep), k;
	struct slice rec;
	char *dst;

	stage = f->stage;
	while (!f->o.closed && feed_next(f, &rec, &k)) {
		/* "key SEP value\n": the record with its '\r' replaced. */
		if (seplen == 1) {
			dst = out_reserve(&f->o, rec.len + 2);
			memcpy(dst, rec.p, rec.len);
			dst[k] = job.red_in_sep[0];
			if (k == rec.len)
				dst[rec.len++] = job.red_in_sep[0];
			dst[rec.len] = '\n';
			f->o.len += rec.len + 1;
		} else {
			out_write(&f->o, rec.p, k);
			out_write(&f->o, job.red_in_sep, seplen);
			if (k < rec.len)
				out_write(&f->o, rec.p + k + 1, rec.len - k - 1);
			out_byte(&f->o, '\n');
		}
	}
	out_close(&f->o);	/* a last flush may find the pipe closed */
	f->stopped = f->o.closed;
	return NULL;
}

/* feed_start: a thread running FN(ARG), which writes the input of a child
 * through O, the write end FD of its pipe (closed with O). */
static void
feed_start(struct out *o, int fd, const char *name, pthread_t *th,
    void *(*fn)(void *), void *arg)
{
	out_init_child(o, fd, name);
	o->owns_fd = 1;
	start_thread(th, fn, arg);
}

/* ---- counters: DIR/counts ---- */

static struct out counts_out;

static void
counts_open(void)
{
	char *path = task_path("counts");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0)
		die("%s:", path);
	out_init(&counts_out, fd, "counts");
	counts_out.owns_fd = 1;
	free(path);
}

/* A built-in counter: "framework TAB GROUP TAB NAME TAB N". */
static void
count(enum scounter c, uint64_t n)
{
	out_str(&counts_out, "framework\t");
	out_str(&counts_out, streaming_counter_group(c));
	out_byte(&counts_out, '\t');
	out_str(&counts_out, streaming_counter_name(c));
	out_byte(&counts_out, '\t');
	out_u64(&counts_out, n);
	out_byte(&counts_out, '\n');
}

/*
 * counts_close: the commands' own counters, "reporter:counter:GROUP,NAME,N"
 * lines on their stderr (DIR/err), summed as Hadoop sums them
 * (lib/reporter), as "user TAB GROUP TAB NAME TAB N" lines in order of
 * first appearance.  A group or name holding a TAB could not be told
 * apart there: such a line is not a counter.
 */
static void
counts_close(void)
{
	char *path = task_path("err");
	struct counters table = { 0 };
	struct reader r;
	struct slice line, group, name;
	int64_t amount;
	size_t i;

	reader_open(&r, path);
	while (reader_next(&r, &line))
		if (reporter_parse(line, &group, &name, &amount) ==
		    REPORTER_COUNTER && memchr(group.p, '\t', group.len) == NULL &&
		    memchr(name.p, '\t', name.len) == NULL)
			counters_add(&table, group, name, amount);
	reader_close(&r);
	for (i = 0; i < table.n; i++) {
		out_str(&counts_out, "user\t");
		out_str(&counts_out, table.c[i].group);
		out_byte(&counts_out, '\t');
		out_str(&counts_out, table.c[i].name);
		out_byte(&counts_out, '\t');
		if (table.c[i].sum < 0) {
			out_byte(&counts_out, '-');
			out_u64(&counts_out, -(uint64_t)table.c[i].sum);
		} else {
			out_u64(&counts_out, (uint64_t)table.c[i].sum);
		}
		out_byte(&counts_out, '\n');
	}
	counters_free(&table);
	free(path);
	out_close(&counts_out);
}

/* ---- the tasks ---- */

struct task {
	const char *input;	/* map: the input file */
	struct hsplit split;
	int have_split;
	unsigned number;
	char **cmd;		/* mapper or reducer words, NULL-terminated */
	char **combiner;	/* NULL, or its words */
	const char **inputs;	/* reduce: the sorted partitions */
	size_t ninputs;
	int sort_threads;
	uint64_t sort_budget;	/* memory of the map output's sort */
};

/* The order of map output records: their key (before '\r'), by the job's
 * comparator; and their groups: keys of equal bytes (lib/streaming). */
static struct sortorder sort_order = { .kv = { 1, '\r' } };
static const struct sortorder group_order = { .kv = { 1, '\r' } };

/* The partitioner of the job over a record's key. */
struct partitioner {
	struct hadoop_partitioner hash;
	char *scratch;
	size_t cap;
};

static inline unsigned
partition_of(struct partitioner *p, const char *key, size_t len)
{
	if (!job.keyfield_partitioner)
		return hadoop_partitioner_apply(&p->hash, key, len);
	if (3 * len > p->cap) {
		p->cap = 3 * len + 256;
		free(p->scratch);
		p->scratch = xmalloc(p->cap);
	}
	return keyfield_partition(&job.part, key, len, job.reduces, p->scratch);
}

/* The sorted map output into the partition files PREFIX00000... */
static void
partition_sorted(struct extsort *es, const char *prefix)
{
	struct partitioner pt = { .scratch = NULL };
	struct partout po;
	struct slice rec, v;

	hadoop_partitioner_init(&pt.hash, job.reduces);
	partout_open_files(&po, job.reduces, prefix);
	if (job.reduces == 1) {
		while (extsort_next(es, &rec))
			partout_record(&po, 0, rec.p, rec.len);
	}
	while (extsort_next(es, &rec)) {
		size_t k = record_key(rec, &v);

		partout_record(&po, partition_of(&pt, rec.p, k), rec.p, rec.len);
	}
	free(pt.scratch);
	stage = SSTAGE_PARTITION;
	if (partout_close(&po) != 0)
		fail(SSTAGE_PARTITION, 1);
}

/* Hadoop's combiner output collector: lines into the partition file. */
struct combine_out {
	struct out o;
	uint64_t lines;
	const char *key;	/* aggregate: the group's key */
	size_t keylen;
};

static void
emit_combined(void *arg, const char *v, size_t len)
{
	struct combine_out *c = arg;

	out_write(&c->o, c->key, c->keylen);
	out_byte(&c->o, '\r');
	out_write(&c->o, v, len);
	out_byte(&c->o, '\n');
	c->lines++;
}

/*
 * The aggregate package's combiner over one partition: values grouped
 * by the sort order, each group's partial result.
 */
static void
aggregate_combine(struct reader *r, struct combine_out *c, uint64_t *in)
{
	struct valueagg a;
	struct slice rec, v;
	char *key = NULL, err[512];
	size_t k, cap = 0;
	int have = 0;
	const char *id;
	size_t idlen;

	valueagg_init(&a, UINT64_MAX);
	while (reader_next(r, &rec)) {
		(*in)++;
		k = record_key(rec, &v);
		if (!have || sortorder_key_cmp(&group_order, key, c->keylen, rec.p, k) != 0) {
			if (have)
				valueagg_combine(&a, emit_combined, c);
			if (k + 1 > cap) {
				cap = k + 64;
				free(key);
				key = xmalloc(cap);
			}
			memcpy(key, rec.p, k);
			c->key = key;
			c->keylen = k;
			have = 1;
			if (valueagg_start(&a, key, k, &id, &idlen, err, sizeof err) < 0)
				fail_with(SSTAGE_COMBINER, err);
		}
		if (valueagg_add(&a, v.p, v.len, err, sizeof err) < 0)
			fail_with(SSTAGE_COMBINER, err);
	}
	if (have)
		valueagg_combine(&a, emit_combined, c);
	valueagg_free(&a);
	free(key);
}

/*
 * combine: the combiner over the sorted records of one partition, SRC,
 * into the partition file DST; a partition without records stays empty
 * (Hadoop starts no combiner for it).
 */
static void
combine(const struct task *t, const char *src, const char *dst,
    uint64_t *in, uint64_t *outn)
{
	struct combine_out c = { .lines = 0 };
	const char *tmp;
	struct reader r;
	struct stat st;
	int fd = tmp_create_beside(dst, 0666, &tmp);

	out_init(&c.o, fd, dst);
	if (stat(src, &st) == 0 && st.st_size > 0) {
		reader_open(&r, src);
		r.keep_cr = 1;
		if (job.aggregate_combiner) {
			aggregate_combine(&r, &c, in);
		} else {
			struct record_feed f = { .r = &r, .group = &group_order,
			    .stage = SSTAGE_COMBINER };
			struct scollect rc;
			struct slines l;
			struct slice line;
			struct proc p;

			scollect_init(&rc, job.red_sep, job.red_keys);
			spawn_user(&p, t->combiner);
			feed_start(&f.o, p.in, "combiner input", &f.th, feed_records, &f);
			slines_init(&l, p.out, "combiner output");
			while (slines_next(&l, &line))
				emit_intermediate(&c.o, &rc, line);
			c.lines += l.n;
			slines_free(&l);
			close(p.out);
			pthread_join(f.th, NULL);
			wait_user(p.pid, SSTAGE_COMBINER);
			if (f.stopped)
				fail(SSTAGE_COMBINER_STOPPED, 256 + SIGPIPE);
			*in += f.records;
			buf_free(&f.last);
		}
		reader_close(&r);
	}
	*outn += c.lines;
	out_flush(&c.o);
	free(c.o.buf);
	if (close(fd) < 0)
		die("%s: write error:", dst);
	tmp_commit(tmp, dst);
}

static void
run_map(struct task *t)
{
	struct proc mapper, zproc;
	struct split_feed sf;
	struct scollect mc;
	struct slines l;
	struct slice line;
	struct extsort es;
	struct final f;
	struct stat st;
	enum scodec zc = codec_by_path(t->input);
	uint64_t mapout;
	int fd = -1;

	stage = SSTAGE_SPLIT;
	memset(&sf, 0, sizeof sf);
	sf.zfd = -1;
	sf.name = t->input;
	if (zc != SCODEC_NONE) {
		if (!job.ignore_key)
			fail_with(SSTAGE_SPLIT, "stream.map.input.ignoreKey=false: "
			    "not supported by mr-tools for compressed input");
		if (access(t->input, R_OK) < 0)
			die("%s:", t->input);
		sf.zfd = codec_in_open(&zproc, zc, t->input);
	} else {
		if ((fd = open(t->input, O_RDONLY | O_CLOEXEC)) < 0)
			die("%s:", t->input);
		if (!t->have_split) {
			if (fstat(fd, &st) < 0)
				die("%s:", t->input);
			t->split.start = 0;
			t->split.length = (uint64_t)st.st_size;
		}
		hsplit_reader_init(&sf.r, fd, t->input, t->split);
	}
	scollect_init(&mc, job.map_sep, job.map_keys);

	stage = SSTAGE_SETUP;
	spawn_user(&mapper, t->cmd);
	feed_start(&sf.o, mapper.in, "mapper input", &sf.th, feed_split, &sf);

	/* The mapper's lines: final output, or into the sort in memory
	 * (spilling runs to the task directory beyond the budget). */
	stage = SSTAGE_MAPPER;
	if (job.reduces == 0) {
		final_open(&f);
		slines_init(&l, mapper.out, "mapper output");
		while (slines_next(&l, &line))
			final_line(&f, &mc, line);
		mapout = l.n;
		slines_free(&l);
	} else {
		extsort_init(&es, &sort_order, t->sort_budget, t->sort_threads,
		    taskdir, 0);
		mapout = load_map_output(&es, mapper.out, &mc);
	}
	close(mapper.out);
	pthread_join(sf.th, NULL);
	if (fd >= 0)
		close(fd);
	wait_user(mapper.pid, SSTAGE_MAPPER);
	if (sf.stopped)
		fail(SSTAGE_MAPPER_STOPPED, 256 + SIGPIPE);
	if (sf.zfd >= 0) {
		close(sf.zfd);
		stage = SSTAGE_SPLIT;
		if (codec_in_finish(&zproc, zc, t->input) < 0)
			fail(SSTAGE_SPLIT, 1);
	}
	count(SC_MAP_IN, sf.records);
	count(SC_MAP_OUT, mapout);

	if (job.reduces == 0) {
		final_close(&f);
		count(SC_BYTES_READ, t->split.length);
		count(SC_BYTES_WRITTEN, f.bytes);
		return;
	}

	/* The sorted map output into the partitions, through the combiner. */
	{
		int combining = t->combiner != NULL || job.aggregate_combiner;
		char *prefix = task_path(combining ? "c-" : "p-");
		uint64_t cin = 0, cout = 0;

		stage = SSTAGE_SORT;
		partition_sorted(&es, prefix);
		extsort_free(&es);
		if (combining) {
			unsigned i;

			stage = SSTAGE_COMBINER;
			for (i = 0; i < job.reduces; i++) {
				char *src = partout_name(prefix, i);
				char *pp = task_path("p-"), *dst = partout_name(pp, i);

				combine(t, src, dst, &cin, &cout);
				unlink(src);
				free(src);
				free(pp);
				free(dst);
			}
		}
		count(SC_COMBINE_IN, cin);
		count(SC_COMBINE_OUT, cout);
		free(prefix);
	}
	count(SC_BYTES_READ, t->split.length);
}

/* A group's line of the aggregate reducer: "ID SEP REPORT". */
static void
aggregate_line(struct final *out, struct valueagg *a, const char *id,
    size_t idlen)
{
	out_write(&out->o, id, idlen);
	out_str(&out->o, job.out_sep);
	valueagg_report(a, &out->o);
	out_byte(&out->o, '\n');
	out->lines++;
}

/* The aggregate reducer: each group's report (ValueAggregatorReducer). */
static uint64_t
aggregate_reduce(struct record_feed *f, struct final *out)
{
	struct valueagg a;
	struct slice rec, v;
	uint64_t groups = 0;
	size_t k;
	const char *id = NULL;
	size_t idlen = 0;
	char err[512];

	valueagg_init(&a, job.uniq_max);
	while (feed_next(f, &rec, &k)) {
		v.p = rec.p + (k < rec.len ? k + 1 : k);
		v.len = k < rec.len ? rec.len - k - 1 : 0;
		if (f->groups != groups) {
			if (groups > 0)
				aggregate_line(out, &a, id, idlen);
			groups = f->groups;
			if (valueagg_start(&a, rec.p, k, &id, &idlen, err, sizeof err) < 0)
				fail_with(SSTAGE_AGGREGATE, err);
		}
		if (valueagg_add(&a, v.p, v.len, err, sizeof err) < 0)
			fail_with(SSTAGE_AGGREGATE, err);
	}
	if (groups > 0)
		aggregate_line(out, &a, id, idlen);
	valueagg_free(&a);
	return out->lines;
}

static void
run_reduce(struct task *t)
{
	struct record_feed f;
	struct merge m;
	struct scollect rc;
	struct final out;
	uint64_t out_lines = 0;

	memset(&f, 0, sizeof f);
	f.group = &group_order;
	stage = SSTAGE_MERGE;
	/* The merge checks the order of its inputs (a combiner may have
	 * broken it), except with a KeyFieldBasedComparator: Hadoop's is not
	 * always consistent (a key missing a selected field sorts before
	 * every key, another such key included), so no order can pass. */
	if (t->ninputs > 0) {
		merge_open(&m, &sort_order, t->ninputs, t->inputs, NULL,
		    sortorder_keyfield(&sort_order) ? MERGE_TRUST : MERGE_CHECK, 1);
		f.m = &m;
	}
	scollect_init(&rc, job.red_sep, job.red_keys);
	final_open(&out);
	if (job.reducer == SRED_AGGREGATE) {
		stage = SSTAGE_AGGREGATE;
		out_lines = aggregate_reduce(&f, &out);
	} else if (t->cmd != NULL && job.reducer == SRED_COMMAND) {
		struct proc reducer;

		/* A reducer without input runs, but its lines are dropped. */
		out.discard = t->ninputs == 0;
		stage = SSTAGE_SETUP;
		spawn_user(&reducer, t->cmd);
		f.stage = SSTAGE_MERGE;
		feed_start(&f.o, reducer.in, "reducer input", &f.th, feed_records, &f);
		stage = SSTAGE_REDUCER;
		copy_output(reducer.out, "reducer output", &rc, &out);
		out_lines = out.lines;
		pthread_join(f.th, NULL);
		wait_user(reducer.pid, SSTAGE_REDUCER);
		if (f.stopped)
			fail(SSTAGE_REDUCER_STOPPED, 256 + SIGPIPE);
	} else {
		/* The identity reducer: the merged records are its output. */
		struct scollect cr;
		struct slice rec;
		size_t k;

		scollect_init(&cr, "\r", 1);
		while (feed_next(&f, &rec, &k))
			final_line(&out, &cr, rec);
		out_lines = out.lines;
	}
	final_close(&out);
	if (f.m != NULL)
		merge_close(&m);
	buf_free(&f.last);
	count(SC_REDUCE_GROUPS, f.groups);
	count(SC_REDUCE_IN, f.records);
	count(SC_REDUCE_OUT, out_lines);
	count(SC_BYTES_WRITTEN, out.bytes);
}

/* ---- --plan: what mr-job needs to know, and the splits ---- */

/* The directories --plan made, removed again (empty) if it fails. */
static char **made;
static size_t nmade;
static int plan_done;

static void
unmake_dirs(void)
{
	while (!plan_done && nmade > 0)
		rmdir(made[--nmade]);
}

/* make_dir: mkdir PATH (a printf format) with MODE; dies on failure. */
static void
make_dir(mode_t mode, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
make_dir(mode_t mode, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	if (mkdir(path, mode) < 0)
		die("%s: cannot create directory:", path);
	made = xreallocarray(made, nmade + 1, sizeof *made);
	made[nmade++] = xstrdup(path);
}

/*
 * setup_dirs: the output directory OUTPUT, refused if it exists (its
 * parents made as needed), and the scratch directory SCRATCH (private),
 * with every task's directory, its working directory and a tmp directory
 * there.
 */
static void
setup_dirs(const char *output, const char *scratch, size_t nmaps)
{
	char parent[PATH_MAX], *slash;
	size_t i, k, n = strlen(output);
	struct stat st;

	if (lstat(output, &st) == 0 || errno != ENOENT)
		die("output directory file:%s already exists", output);
	if (n >= sizeof parent)
		die("%s: name too long", output);
	atexit(unmake_dirs);
	/* The missing parents, outermost first. */
	memcpy(parent, output, n + 1);
	for (slash = parent + 1; (slash = strchr(slash, '/')) != NULL; slash++) {
		*slash = '\0';
		if (stat(parent, &st) < 0)
			make_dir(0777, "%s", parent);
		*slash = '/';
	}
	if (mkdir(output, 0777) < 0) {
		if (errno == EEXIST)
			die("output directory file:%s already exists", output);
		die("%s: cannot create directory:", output);
	}
	made = xreallocarray(made, nmade + 1, sizeof *made);
	made[nmade++] = xstrdup(output);
	make_dir(0700, "%s", scratch);
	for (k = 0; k < nmaps + job.reduces; k++) {
		char kind = k < nmaps ? 'm' : 'r';

		i = k < nmaps ? k : k - nmaps;
		make_dir(0777, "%s/%c%zu", scratch, kind, i);
		make_dir(0777, "%s/%c%zu/work", scratch, kind, i);
		make_dir(0777, "%s/%c%zu/work/tmp", scratch, kind, i);
	}
}

/* Append NAME=VALUE and a NUL to the job file FD. */
static void
put_prop(struct out *o, const char *name, const char *value)
{
	out_str(o, name);
	out_byte(o, '=');
	out_str(o, value);
	out_byte(o, '\0');
}

/*
 * plan: list the input of the -input SPECS and cut it into the splits of
 * FileInputFormat (a compressed file is one split); append what that
 * decides to the job file CONF_FILE, as Hadoop's JobSubmitter completes
 * job.xml (mapreduce.job.maps, the input directories and file count); and
 * print the job's settings as shell assignments, then one "split TAB FILE
 * TAB START TAB LENGTH" line per map task, in map task order.
 */
static void
plan(char **specs, int nspecs, const char *conf_file, const char *output,
    const char *scratch)
{
	struct hsplit_inputs in;
	struct hsplit_task *refs = NULL;
	uint64_t *sizes, total = 0, size;
	size_t n = 0, cap = 0, k, i;
	struct hsplit_plan hp;
	struct hsplit s;
	struct out o;
	char num[24];

	if (output != NULL && access(output, F_OK) == 0)
		die("output directory file:%s already exists", output);
	hsplit_list(&in, specs, (size_t)nspecs, job.recursive);
	sizes = xcalloc(in.n + 1, sizeof *sizes);
	for (i = 0; i < in.n; i++) {
		struct stat st;
		const char *ext = codec_refused_input(in.files[i]);

		if (ext != NULL)
			die("input: file:%s: %s input is not supported by mr-tools",
			    in.files[i], ext);
		if (stat(in.files[i], &st) < 0)
			die("input: file:%s:", in.files[i]);
		sizes[i] = (uint64_t)st.st_size;
		total += sizes[i];
	}
	size = hsplit_size(total / job.maps, job.minsplit, job.block);
	for (i = 0; i < in.n; i++) {
		int whole = codec_by_path(in.files[i]) != SCODEC_NONE && sizes[i] > 0;

		hsplit_plan_init(&hp, sizes[i], whole ? sizes[i] : size);
		while (hsplit_plan_next(&hp, &s)) {
			ARRAY_RESERVE(refs, cap, n + 1);
			refs[n] = (struct hsplit_task){ i, s, n };
			n++;
		}
	}
	hsplit_tasks_order(refs, n);
	if (output != NULL && scratch != NULL)
		setup_dirs(output, scratch, n);
	if (conf_file != NULL) {
		int fd = open(conf_file, O_WRONLY | O_APPEND | O_CLOEXEC);

		if (fd < 0)
			die("%s:", conf_file);
		out_init(&o, fd, conf_file);
		o.owns_fd = 1;
		snprintf(num, sizeof num, "%zu", n);
		put_prop(&o, "mapreduce.job.maps", num);
		put_prop(&o, "mapreduce.input.fileinputformat.inputdir", in.dirs);
		snprintf(num, sizeof num, "%zu", in.n);
		put_prop(&o, "mapreduce.input.fileinputformat.numinputfiles", num);
		out_close(&o);
	}
	out_init(&o, 1, "standard output");
	out_str(&o, "reduces=");
	out_u64(&o, job.reduces);
	out_str(&o, "\nmark_success=");
	out_u64(&o, (uint64_t)job.mark_success);
	out_byte(&o, '\n');
	for (k = 0; k < n; k++) {
		out_str(&o, "split\t");
		out_str(&o, in.files[refs[k].file]);
		out_byte(&o, '\t');
		out_u64(&o, refs[k].s.start);
		out_byte(&o, '\t');
		out_u64(&o, refs[k].s.length);
		out_byte(&o, '\n');
	}
	out_close(&o);
	plan_done = 1;
	free(refs);
	free(sizes);
	hsplit_inputs_free(&in);
	for (k = 0; k < nmade; k++)
		free(made[k]);
	free(made);
}

/* ---- options ---- */

int
main(int argc, char *argv[])
{
	struct task t;
	struct stask st;
	uint64_t v, combiner_words = 0;
	int c, reduce = 0, nwords, planning = 0;
	char *errpath, **links = NULL, *cmd_path, *comb_path, err[1024];
	const char **props = NULL, *conf_file = NULL;
	const char *plan_output = NULL, *plan_scratch = NULL;
	size_t nlinks = 0, nprops = 0, i;

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	memset(&t, 0, sizeof t);
	t.sort_threads = 1;
	t.sort_budget = extsort_default_budget() / (uint64_t)online_cpus();
	/* "+": the command's own options are not ours. */
	while ((c = args_next(argc, argv, "+d:c:D:M:x:i:C:RI:P:S:L:o:h",
	    longopts)) != -1) {
		switch (c) {
		case 'd':
			taskdir = optarg;
			break;
		case 'c':
			conf_file = optarg;
			break;
		case 'D':
			if (strchr(optarg, '=') == NULL || *optarg == '=')
				optarg_error("is not NAME=VALUE");
			props = xreallocarray(props, nprops + 1, sizeof *props);
			props[nprops++] = optarg;
			break;
		case 'M':
			t.input = optarg;
			break;
		case 'x':
			if (hsplit_parse(optarg, &t.split) < 0)
				optarg_error("is not a split OFFSET:LENGTH");
			t.have_split = 1;
			break;
		case 'i':
			if (parse_uint(optarg, 0, 999999, &v) < 0)
				optarg_error("is not a task number from 0 to 999999");
			t.number = (unsigned)v;
			break;
		case 'C':
			if (parse_uint(optarg, 1, INT_MAX, &combiner_words) < 0)
				optarg_error("is not a word count");
			break;
		case 'R':
			reduce = 1;
			break;
		case 'I':
			t.inputs = xreallocarray(t.inputs, t.ninputs + 1,
			    sizeof *t.inputs);
			t.inputs[t.ninputs++] = optarg;
			break;
		case 'P':
			t.sort_threads = optarg_threads(1024);
			break;
		case 'S':
			v = optarg_size(UINT64_MAX);
			t.sort_budget = v < (64 << 10) ? 64 << 10 : v;
			break;
		case 'L':
			if (strchr(optarg, '=') == NULL || *optarg == '=' ||
			    memchr(optarg, '/', (size_t)(strchr(optarg, '=') -
			    optarg)) != NULL)
				optarg_error("is not NAME=PATH");
			links = xreallocarray(links, nlinks + 1, sizeof *links);
			links[nlinks++] = optarg;
			break;
		case 'o':
			out_file = optarg;
			break;
		case OPT_PLAN:
			planning = 1;
			break;
		case OPT_OUTPUT:
			plan_output = optarg;
			break;
		case OPT_SCRATCH:
			plan_scratch = optarg;
			break;
		}
	}
	argc -= optind;
	argv += optind;

	sconf_init(&conf);
	if (conf_file != NULL)
		sconf_load(&conf, conf_file);
	for (i = 0; i < nprops; i++)
		sconf_set_arg(&conf, props[i]);
	free(props);
	if (sjob_init(&job, &conf, err, sizeof err) < 0) {
		warn("%s", err);
		return EXIT_USAGE;
	}
	if (planning) {
		plan(argv, argc, conf_file, plan_output, plan_scratch);
		return EXIT_OK;
	}
	if (taskdir == NULL)
		usage_error("-d DIR is required");
	if (reduce == (t.input != NULL))
		usage_error("give one of -M FILE (map) and -R (reduce)");
	if (!reduce && argc == 0)
		usage_error("no mapper given");
	if (combiner_words > 0 && (reduce || combiner_words >= (uint64_t)argc))
		usage_error("-C: the combiner needs words after the mapper");
	nwords = argc - (int)combiner_words;
	if (nwords > 0) {
		t.cmd = xcalloc((size_t)nwords + 1, sizeof *t.cmd);
		memcpy(t.cmd, argv, (size_t)nwords * sizeof *t.cmd);
	}
	if (combiner_words > 0 && !job.aggregate_combiner)
		t.combiner = argv + nwords;	/* argv ends in NULL */
	if (job.reduces == 0)
		t.combiner = NULL;
	if (keyfield_active(&job.sort))
		sort_order.kf = &job.sort;

	st = (struct stask){ .job_id = sconf_get(&conf, "mapreduce.job.id"),
	    .kind = reduce ? 'r' : 'm', .number = t.number };
	if (st.job_id == NULL)
		st.job_id = "job_local_0001";
	if (!reduce) {
		char *abs = realpath(t.input, NULL);

		st.input = abs != NULL ? abs : t.input;
		st.start = t.have_split ? t.split.start : 0;
		if (t.have_split) {
			st.length = t.split.length;
		} else {
			struct stat sb;

			st.length = stat(t.input, &sb) == 0 ? (uint64_t)sb.st_size : 0;
		}
		if (!t.have_split) {
			t.split.start = 0;
			t.split.length = st.length;
		}
	}
	task_env = streaming_task_env(environ, &conf, &job, &st);

	if (on_exit(status_at_exit, NULL) != 0)
		die("on_exit:");
	tmp_install_signals();
	link_files(links, nlinks);
	free(links);
	cmd_path = resolve_here(t.cmd);
	comb_path = resolve_here(t.combiner);
	errpath = task_path("err");
	if ((errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
	    O_CLOEXEC, 0666)) < 0)
		die("%s:", errpath);
	free(errpath);
	counts_open();
	if (reduce)
		run_reduce(&t);
	else
		run_map(&t);
	counts_close();
	write_status(1, stage, 0);
	finished = 1;
	close(errfd);
	free(t.cmd);
	free(cmd_path);
	free(comb_path);
	free(t.inputs);
	if (st.input != t.input)
		free((char *)st.input);
	streaming_env_free(task_env);
	sjob_free(&job);
	sconf_free(&conf);
	return EXIT_OK;
}
