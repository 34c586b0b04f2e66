/*
 * mr-task: run one task of a Hadoop Streaming job; the engine of mr-job.
 *
 * A map task reads its input split as Hadoop's LineRecordReader does and
 * feeds the records to the mapper.  The mapper's output lines become
 * "key TAB value" records by Streaming's rules (a line ends at "\n", "\r\n"
 * or a lone "\r"; the key is everything before the K-th separator); mr-sort
 * sorts them, the combiner (if any) reads them sorted, and the result is
 * dealt to one file per reducer by Hadoop's HashPartitioner.  A map-only
 * task writes the mapper's lines as final output instead.  A reduce task
 * merges its partition of every map task's output, feeds it to the reducer
 * and writes the reducer's lines as final output.
 *
 * Everything between the user's commands happens here, in one process:
 * only the commands (and mr-sort, which may spill to disk) are children.
 * The task's counters go to DIR/counts and its fate to DIR/status ("ok",
 * or the failed stage and its status), which mr-job reads; the commands'
 * stderr goes to DIR/err, mr-task's own to its stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "hash.h"
#include "hsplit.h"
#include "kv.h"
#include "merge.h"
#include "msg.h"
#include "out.h"
#include "partout.h"
#include "proc.h"
#include "record.h"
#include "reporter.h"
#include "sortrec.h"
#include "tmpfile.h"
#include "xalloc.h"

static const char usage_text[] =
    "mr-task -d DIR -M FILE [-x OFFSET:LENGTH] [-n REDUCERS] [-C WORDS]\n"
    "               [-t SEP] [-k K] [-O SEP] [-K K] [-P N] [-e NAME=VALUE]...\n"
    "               [-L NAME=PATH]... [-o FILE] -- MAPPER [ARG...] [COMBINER [ARG...]]\n"
    "       mr-task -d DIR -R [-I FILE]... [-t SEP] [-k K] [-O SEP] [-K K]\n"
    "               [-e NAME=VALUE]... [-L NAME=PATH]... [-o FILE] [-- REDUCER [ARG...]]";

static const char help_text[] =
    "Run one map or reduce task of a Hadoop Streaming job (mr-job's engine).\n"
    "\n"
    "  -d DIR            the task directory: status, counts, err, partitions\n"
    "  -M FILE           a map task over FILE\n"
    "  -x OFFSET:LENGTH  the split of FILE (default: all of it)\n"
    "  -n REDUCERS       partitions of the map output (0: map-only; default 1)\n"
    "  -C WORDS          the last WORDS command words are the combiner\n"
    "  -R                a reduce task over the sorted files given with -I\n"
    "  -I FILE           a sorted input of the reduce task (repeatable)\n"
    "  -t SEP            the separator in the command's output (default TAB)\n"
    "  -k K              the key is the first K fields of that output (default 1)\n"
    "  -O SEP            written between key and value (default TAB)\n"
    "  -K K              key fields of the intermediate records (default 1)\n"
    "  -P N              threads of the sort\n"
    "  -e NAME=VALUE     environment of the user's commands (repeatable)\n"
    "  -L NAME=PATH      link PATH as NAME in the working directory (repeatable)\n"
    "  -o FILE           the final output (default: standard output)\n"
    "  -h, --help        print this help and exit\n"
    "      --version     print the version and exit\n";

static const struct option longopts[] = {
	ARGS_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* ---- the task's fate: DIR/status ---- */

static const char *taskdir;
static int finished;
/* What the thread is doing, for the status a die() leaves behind. */
static _Thread_local const char *stage = "setup";

static char *
task_path(const char *name)
{
	char *p = xmalloc(strlen(taskdir) + strlen(name) + 2);

	sprintf(p, "%s/%s", taskdir, name);
	return p;
}

static void
write_status(const char *what, int code)
{
	char *path = task_path("status"), line[128];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int n = code < 0 ? snprintf(line, sizeof line, "%s\n", what) :
	    snprintf(line, sizeof line, "%s %d\n", what, code);

	if (fd < 0 || write_all(fd, line, (size_t)n) < 0 || close(fd) < 0)
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
	if (status == 0)
		write_status("ok", -1);
	else
		write_status(stage, status);
}

/* fail: the task failed in STAGE with CODE (an exit status, 256+signal). */
static noreturn void
fail(const char *what, int code)
{
	write_status(what, code);
	finished = 1;
	exit(EXIT_BAD);
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

/* ---- the user's commands ---- */

static char **cmdenv;		/* -e NAME=VALUE..., NULL-terminated */
static size_t ncmdenv;
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
 * resolve_here: as Streaming does, a program named without a '/' is
 * looked for in the working directory first (a script shipped with
 * -files), then in PATH.
 */
static char *
resolve_here(char **argv)
{
	char cwd[PATH_MAX];
	struct stat st;
	char *p;

	if (argv == NULL || strchr(argv[0], '/') != NULL ||
	    stat(argv[0], &st) < 0 || !S_ISREG(st.st_mode) ||
	    access(argv[0], X_OK) < 0 || getcwd(cwd, sizeof cwd) == NULL)
		return NULL;
	p = xmalloc(strlen(cwd) + strlen(argv[0]) + 2);
	sprintf(p, "%s/%s", cwd, argv[0]);
	argv[0] = p;
	return p;	/* for the caller to free */
}

static void
spawn_user(struct proc *p, char **argv)
{
	proc_spawn(p, argv, cmdenv, PROC_PIPE, PROC_PIPE, errfd);
	proc_pipe_grow(p->in, 1 << 20);
	proc_pipe_grow(p->out, 1 << 20);
}

/* ---- a command's output, read as Hadoop's LineReader reads it ---- */

#define NONE SIZE_MAX

/*
 * Lines end at "\n", "\r\n" or a lone "\r".  The next '\r' is looked for
 * once per stretch of the buffer, not once per line, so output without
 * any '\r' costs one memchr per line.  Lines are slices into the buffer,
 * valid until the next call.
 */
struct lines {
	int fd;
	const char *name;
	char *buf;
	size_t cap, start, end;
	size_t cr;		/* the first '\r' at or after start, or NONE */
	size_t crdone;		/* [start, crdone) holds no '\r' but cr */
	size_t nldone;		/* [start, nldone) holds no '\n': a long line
				 * is not scanned again after each read */
	int eof;
	uint64_t n;		/* lines returned */
};

static void
lines_init(struct lines *l, int fd, const char *name)
{
	memset(l, 0, sizeof *l);
	l->fd = fd;
	l->name = name;
	l->cap = 1 << 20;
	l->buf = xmalloc(l->cap);
	l->cr = NONE;
}

static void
lines_free(struct lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

static size_t
lines_cr(struct lines *l)
{
	size_t from;
	char *q;

	if (l->cr != NONE)
		return l->cr;
	from = l->crdone > l->start ? l->crdone : l->start;
	if (from >= l->end)
		return NONE;
	q = memchr(l->buf + from, '\r', l->end - from);
	if (q == NULL) {
		l->crdone = l->end;
		return NONE;
	}
	l->cr = (size_t)(q - l->buf);
	l->crdone = l->cr + 1;
	return l->cr;
}

static void
lines_fill(struct lines *l)
{
	ssize_t n;

	if (l->start > 0) {	/* keep only the partial line */
		memmove(l->buf, l->buf + l->start, l->end - l->start);
		if (l->cr != NONE)
			l->cr -= l->start;
		l->crdone = l->crdone > l->start ? l->crdone - l->start : 0;
		l->nldone = l->nldone > l->start ? l->nldone - l->start : 0;
		l->end -= l->start;
		l->start = 0;
	}
	if (l->end == l->cap) {
		l->cap *= 2;
		l->buf = xrealloc(l->buf, l->cap);
	}
	do
		n = read(l->fd, l->buf + l->end, l->cap - l->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("%s: read error:", l->name);
	if (n == 0)
		l->eof = 1;
	else
		l->end += (size_t)n;
}

static int
lines_next(struct lines *l, struct slice *line)
{
	for (;;) {
		char *p = l->buf + l->start;
		size_t avail = l->end - l->start;
		size_t from = l->nldone > l->start ? l->nldone : l->start;
		char *nl = from < l->end ? memchr(l->buf + from, '\n', l->end - from) : NULL;
		size_t stop = nl != NULL ? (size_t)(nl - l->buf) : l->end;
		size_t cr = lines_cr(l);

		if (cr != NONE && cr < stop) {
			/* A '\r' ends the line, with the '\n' right after it
			 * if there is one: wait for the next byte to know. */
			if (cr + 1 < l->end || l->eof) {
				line->p = p;
				line->len = cr - l->start;
				l->start = cr + 1;
				if (l->start < l->end && l->buf[l->start] == '\n')
					l->start++;
				l->cr = NONE;
				l->n++;
				return 1;
			}
		} else if (nl != NULL) {
			line->p = p;
			line->len = stop - l->start;
			l->start = stop + 1;
			l->n++;
			return 1;
		} else if (l->eof) {
			if (avail == 0)
				return 0;
			line->p = p;
			line->len = avail;
			l->start = l->end;
			l->n++;
			return 1;
		}
		l->nldone = stop;
		lines_fill(l);
	}
}

/* ---- key and value: Streaming's output collector ---- */

struct kvfmt {
	const char *sep;	/* separator in the command's output */
	size_t seplen;
	int keys;		/* the key is the first KEYS fields */
	const char *osep;	/* written between key and value */
	size_t oseplen;
	int same;		/* sep and osep are the same bytes */
	char *buf;		/* scratch for a rewritten line */
	size_t cap;
};

static void
kvfmt_init(struct kvfmt *f, const char *sep, int keys, const char *osep)
{
	memset(f, 0, sizeof *f);
	f->sep = sep;
	f->seplen = strlen(sep);
	f->keys = keys;
	f->osep = osep;
	f->oseplen = strlen(osep);
	f->same = strcmp(sep, osep) == 0;
}

/* The key's length: the bytes before the K-th separator, or all of them. */
static size_t
kvfmt_keylen(const struct kvfmt *f, const char *p, size_t len)
{
	size_t off = 0;
	int k = f->keys;

	for (;;) {
		const char *q = f->seplen == 1 ?
		    memchr(p + off, f->sep[0], len - off) :
		    memmem(p + off, len - off, f->sep, f->seplen);

		if (q == NULL)
			return len;
		if (--k == 0)
			return (size_t)(q - p);
		off = (size_t)(q - p) + f->seplen;
	}
}

/*
 * kvfmt_apply: LINE as "key OSEP value": the line itself when it already
 * is so, else a copy in the scratch buffer (valid until the next call).  A
 * line with fewer than K separators is all key: it gets a trailing OSEP.
 */
static struct slice
kvfmt_apply(struct kvfmt *f, struct slice line)
{
	size_t k = kvfmt_keylen(f, line.p, line.len);
	size_t vlen = k < line.len ? line.len - k - f->seplen : 0;
	size_t need = k + f->oseplen + vlen;
	struct slice r;

	if (k < line.len && f->same)
		return line;
	if (need > f->cap) {
		f->cap = need + 256;
		free(f->buf);
		f->buf = xmalloc(f->cap);
	}
	memcpy(f->buf, line.p, k);
	memcpy(f->buf + k, f->osep, f->oseplen);
	if (vlen > 0)
		memcpy(f->buf + k + f->oseplen, line.p + k + f->seplen, vlen);
	r.p = f->buf;
	r.len = need;
	return r;
}

/*
 * copy_output: every line a command writes on FD (NAME for messages) as
 * "key OSEP value" into O, until the command closes it; the line count.
 */
static uint64_t
copy_output(int fd, const char *name, struct kvfmt *f, struct out *o)
{
	struct lines l;
	struct slice line, kv;
	uint64_t n;

	lines_init(&l, fd, name);
	while (lines_next(&l, &line)) {
		kv = kvfmt_apply(f, line);
		out_write(o, kv.p, kv.len);
		out_byte(o, '\n');
	}
	n = l.n;
	lines_free(&l);
	close(fd);
	return n;
}

/* ---- the final output: -o FILE (written beside, renamed) or stdout ---- */

static const char *out_file;
static const char *out_tmp;

static void
final_open(struct out *o)
{
	int fd;

	if (out_file == NULL) {
		out_init(o, 1, "standard output");
		return;
	}
	fd = tmp_create_beside(out_file, 0666, &out_tmp);
	out_init(o, fd, out_file);
	o->owns_fd = 1;
}

static void
final_close(struct out *o)
{
	out_close(o);
	if (out_tmp != NULL)
		tmp_commit(out_tmp, out_file);
}

/* ---- threads that feed a child ---- */

/* The records of a split into the mapper, one line each. */
struct split_feed {
	pthread_t th;
	struct hsplit_reader r;
	struct out o;
	uint64_t records;
	int stopped;		/* the mapper closed its input early */
};

static void *
feed_split(void *arg)
{
	struct split_feed *sf = arg;

	stage = "split";
	sf->records = hsplit_reader_copy(&sf->r, &sf->o);
	out_close(&sf->o);	/* a last flush may find the pipe closed */
	sf->stopped = sf->o.closed;
	hsplit_reader_free(&sf->r);
	return NULL;
}

/* A pipe's bytes into a child's input, as they are (sorted map output into
 * the combiner): splice(2) moves them, pipe to pipe, without a copy. */
struct pipe_feed {
	pthread_t th;
	int from, to;
	int stopped;
};

static void *
feed_pipe(void *arg)
{
	struct pipe_feed *pf = arg;
	ssize_t n;

	stage = "sort";
	while ((n = splice(pf->from, NULL, pf->to, NULL, 1 << 20,
	    SPLICE_F_MOVE)) != 0) {
		if (n > 0 || errno == EINTR)
			continue;
		if (errno != EPIPE)
			die("splice:");
		pf->stopped = 1;
		break;
	}
	close(pf->to);
	return NULL;
}

/* The merged sorted records into the reducer, counted and grouped. */
struct merge_feed {
	pthread_t th;
	struct merge m;
	size_t ninputs;
	struct kvspec spec;	/* the intermediate key */
	struct out o;		/* the reducer's input (not the identity reducer's) */
	uint64_t records, groups;
	int stopped;
	char *last;		/* the key of the current group */
	size_t lastlen, lastcap;
};

/* merge_count: the next merged record, counting records and groups. */
static int
merge_count(struct merge_feed *mf, struct slice *rec)
{
	size_t k;

	if (mf->ninputs == 0 || !merge_next(&mf->m, rec))
		return 0;
	mf->records++;
	k = kv_keylen(&mf->spec, rec->p, rec->len);
	if (mf->groups == 0 || k != mf->lastlen ||
	    !bytes_equal(rec->p, mf->last, k)) {
		mf->groups++;
		if (k > mf->lastcap) {
			mf->lastcap = k + 64;
			free(mf->last);
			mf->last = xmalloc(mf->lastcap);
		}
		memcpy(mf->last, rec->p, k);
		mf->lastlen = k;
	}
	return 1;
}

static void *
feed_merge(void *arg)
{
	struct merge_feed *mf = arg;
	struct slice rec;

	stage = "merge";
	while (!mf->o.closed && merge_count(mf, &rec)) {
		out_write(&mf->o, rec.p, rec.len);
		out_byte(&mf->o, '\n');
	}
	out_close(&mf->o);	/* a last flush may find the pipe closed */
	mf->stopped = mf->o.closed;
	return NULL;
}

static void
start_thread(pthread_t *th, void *(*fn)(void *), void *arg)
{
	int e = pthread_create(th, NULL, fn, arg);

	if (e != 0) {
		errno = e;
		die("pthread_create:");
	}
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

/* ---- the tasks ---- */

struct task {
	const char *input;	/* map: the input file */
	struct hsplit split;
	int have_split;
	unsigned reducers;
	char **cmd;		/* mapper or reducer words, NULL-terminated */
	char **combiner;	/* NULL, or its words */
	const char **inputs;	/* reduce: the sorted partitions */
	size_t ninputs;
	struct kvfmt fmt;	/* the command's output lines */
	int sort_keys;		/* key fields of the intermediate records */
	int sort_threads;
	const char *self_dir;	/* where mr-sort is looked for first */
};

/*
 * add_counters: the commands' own counters, "reporter:counter:GROUP,NAME,N"
 * lines on their stderr (DIR/err), summed as Hadoop sums them
 * (lib/reporter), appended to the counts as "counter TAB GROUP TAB NAME
 * TAB N" lines in order of first appearance.  A group or name holding a
 * TAB could not be told apart there: such a line is not a counter.
 */
static void
add_counters(struct out *o)
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
		out_str(o, "counter\t");
		out_str(o, table.c[i].group);
		out_byte(o, '\t');
		out_str(o, table.c[i].name);
		out_byte(o, '\t');
		if (table.c[i].sum < 0) {
			out_byte(o, '-');
			out_u64(o, -(uint64_t)table.c[i].sum);
		} else {
			out_u64(o, (uint64_t)table.c[i].sum);
		}
		out_byte(o, '\n');
	}
	counters_free(&table);
	free(path);
}

/* write_counts: DIR/counts: TEXT (the built-in counters), then the
 * commands' own. */
static void
write_counts(const char *text)
{
	char *path = task_path("counts");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	struct out o;

	if (fd < 0)
		die("%s:", path);
	out_init(&o, fd, path);
	o.owns_fd = 1;
	out_str(&o, text);
	add_counters(&o);
	out_close(&o);
	free(path);
}

/* The mr-sort of this build (beside mr-task), else the one in PATH. */
static void
spawn_sort(struct proc *p, const struct task *t)
{
	char threads[16], keys[16], *path = NULL;
	char *argv[12];
	int i = 0;

	if (t->self_dir != NULL) {
		path = xmalloc(strlen(t->self_dir) + sizeof "/mr-sort");
		sprintf(path, "%s/mr-sort", t->self_dir);
		if (access(path, X_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	snprintf(threads, sizeof threads, "%d", t->sort_threads);
	snprintf(keys, sizeof keys, "%d", t->sort_keys);
	argv[i++] = path != NULL ? path : "mr-sort";
	argv[i++] = "-T";
	argv[i++] = (char *)taskdir;
	argv[i++] = "-P";
	argv[i++] = threads;
	argv[i++] = "-k";
	argv[i++] = keys;
	argv[i] = NULL;
	/* Its messages go to mr-task's stderr: they are the framework's. */
	proc_spawn(p, argv, NULL, PROC_PIPE, PROC_PIPE, PROC_INHERIT);
	proc_pipe_grow(p->in, 1 << 20);
	proc_pipe_grow(p->out, 1 << 20);
	free(path);
}

/* partition_lines: the records of L (already "key TAB value") into PO. */
static void
partition_lines(struct lines *l, struct kvfmt *f, const struct kvspec *spec,
    struct partout *po)
{
	struct hadoop_partitioner hp;
	struct slice line, kv;

	hadoop_partitioner_init(&hp, po->n);
	while (lines_next(l, &line)) {
		kv = f != NULL ? kvfmt_apply(f, line) : line;
		partout_record(po, hadoop_partitioner_apply(&hp, kv.p,
		    kv_keylen(spec, kv.p, kv.len)), kv.p, kv.len);
	}
}

static void
run_map(struct task *t)
{
	struct proc mapper, sorter, comb;
	struct split_feed sf;
	struct lines l;
	struct out o;
	struct stat st;
	uint64_t mapout, combout = 0;
	char counts[256];
	int fd, code;

	stage = "split";
	if ((fd = open(t->input, O_RDONLY | O_CLOEXEC)) < 0)
		die("%s:", t->input);
	if (!t->have_split) {
		if (fstat(fd, &st) < 0)
			die("%s:", t->input);
		t->split.start = 0;
		t->split.length = (uint64_t)st.st_size;
	}
	memset(&sf, 0, sizeof sf);
	hsplit_reader_init(&sf.r, fd, t->input, t->split);

	/* Every child at once: their start-up overlaps the mapper's work. */
	stage = "setup";
	spawn_user(&mapper, t->cmd);
	if (t->reducers > 0)
		spawn_sort(&sorter, t);
	if (t->combiner != NULL)
		spawn_user(&comb, t->combiner);

	feed_start(&sf.o, mapper.in, "mapper input", &sf.th, feed_split, &sf);

	stage = "normalize";
	if (t->reducers == 0) {
		final_open(&o);
	} else {
		/* Into mr-sort; if it dies, its exit status says so below. */
		out_init_child(&o, sorter.in, "sort input");
		o.owns_fd = 1;
	}
	mapout = copy_output(mapper.out, "mapper output", &t->fmt, &o);
	pthread_join(sf.th, NULL);
	close(fd);
	if ((code = status_code(proc_wait(mapper.pid))) != 0)
		fail("mapper", code);
	if (sf.stopped)
		fail("stopped", 256 + SIGPIPE);

	if (t->reducers == 0) {
		final_close(&o);
		snprintf(counts, sizeof counts,
		    "in %llu\nmapout %llu\nout %llu\nbytes %llu\n",
		    (unsigned long long)sf.records, (unsigned long long)mapout,
		    (unsigned long long)mapout, (unsigned long long)o.bytes);
		write_counts(counts);
		return;
	}
	out_close(&o);

	/* The sorted map output, through the combiner, into the partitions. */
	{
		struct partout po;
		struct kvspec spec = { t->sort_keys, '\t' };
		char *prefix = task_path("p-");

		partout_open_files(&po, t->reducers, prefix);
		free(prefix);
		if (t->combiner != NULL) {
			struct pipe_feed pf = { .from = sorter.out, .to = comb.in };
			struct kvfmt cf;

			/* The combiner's lines become "key TAB value" as the
			 * mapper's did. */
			kvfmt_init(&cf, t->fmt.sep, t->fmt.keys, "\t");
			start_thread(&pf.th, feed_pipe, &pf);
			stage = "normalize";
			lines_init(&l, comb.out, "combiner output");
			partition_lines(&l, &cf, &spec, &po);
			combout = l.n;
			lines_free(&l);
			free(cf.buf);
			close(comb.out);
			pthread_join(pf.th, NULL);
			if ((code = status_code(proc_wait(comb.pid))) != 0)
				fail("combiner", code);
			if (pf.stopped)
				fail("cstopped", 256 + SIGPIPE);
		} else {
			stage = "partition";
			lines_init(&l, sorter.out, "sorted map output");
			partition_lines(&l, NULL, &spec, &po);
			lines_free(&l);
		}
		close(sorter.out);
		if ((code = status_code(proc_wait(sorter.pid))) != 0)
			fail("sort", code);
		stage = "partition";
		if (partout_close(&po) != 0)
			fail("partition", 1);
	}
	if (t->combiner != NULL)
		snprintf(counts, sizeof counts,
		    "in %llu\nmapout %llu\ncombin %llu\ncombout %llu\n",
		    (unsigned long long)sf.records, (unsigned long long)mapout,
		    (unsigned long long)mapout, (unsigned long long)combout);
	else
		snprintf(counts, sizeof counts, "in %llu\nmapout %llu\n",
		    (unsigned long long)sf.records, (unsigned long long)mapout);
	write_counts(counts);
}

static void
run_reduce(struct task *t)
{
	struct sortorder order = { .kv = { t->sort_keys, '\t' } };
	struct merge_feed mf;
	struct out o;
	uint64_t out_lines;
	char counts[256];
	int code;

	memset(&mf, 0, sizeof mf);
	mf.spec = order.kv;
	mf.lastcap = 64;
	mf.last = xmalloc(mf.lastcap);
	mf.ninputs = t->ninputs;
	stage = "merge";
	if (t->ninputs > 0)
		merge_open(&mf.m, &order, t->ninputs, t->inputs, NULL,
		    MERGE_CHECK, 1);
	final_open(&o);
	if (t->cmd != NULL) {
		struct proc reducer;

		stage = "setup";
		spawn_user(&reducer, t->cmd);
		feed_start(&mf.o, reducer.in, "reducer input", &mf.th,
		    feed_merge, &mf);
		stage = "normalize";
		out_lines = copy_output(reducer.out, "reducer output", &t->fmt,
		    &o);
		pthread_join(mf.th, NULL);
		if ((code = status_code(proc_wait(reducer.pid))) != 0)
			fail("reducer", code);
		if (mf.stopped)
			fail("stopped", 256 + SIGPIPE);
	} else {
		/* The identity reducer: the merged records are its output. */
		struct slice rec, kv;

		while (merge_count(&mf, &rec)) {
			stage = "normalize";
			kv = kvfmt_apply(&t->fmt, rec);
			out_write(&o, kv.p, kv.len);
			out_byte(&o, '\n');
			stage = "merge";
		}
		out_lines = mf.records;
	}
	stage = "normalize";
	final_close(&o);
	if (t->ninputs > 0)
		merge_close(&mf.m);
	free(mf.last);
	snprintf(counts, sizeof counts,
	    "redin %llu\ngroups %llu\nout %llu\nbytes %llu\n",
	    (unsigned long long)mf.records, (unsigned long long)mf.groups,
	    (unsigned long long)out_lines, (unsigned long long)o.bytes);
	write_counts(counts);
}

/* ---- options ---- */

/* The directory of this program, for its sibling mr-sort. */
static char *
self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return NULL;
	*slash = '\0';
	return xstrdup(buf);
}

int
main(int argc, char *argv[])
{
	struct task t;
	const char *sep = "\t", *osep = "\t";
	uint64_t v, combiner_words = 0;
	int c, keys = 1, reduce = 0, nwords;
	char *errpath, **links = NULL, *cmd_path, *comb_path;
	size_t nlinks = 0;

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	signal(SIGXFSZ, SIG_IGN);
	memset(&t, 0, sizeof t);
	t.reducers = 1;
	t.sort_keys = 1;
	t.sort_threads = 1;
	/* "+": the command's own options are not ours. */
	while ((c = args_next(argc, argv, "+d:M:x:n:C:RI:t:k:O:K:P:e:L:o:h",
	    longopts)) != -1) {
		switch (c) {
		case 'd':
			taskdir = optarg;
			break;
		case 'M':
			t.input = optarg;
			break;
		case 'x':
			if (hsplit_parse(optarg, &t.split) < 0)
				optarg_error("is not a split OFFSET:LENGTH");
			t.have_split = 1;
			break;
		case 'n':
			if (parse_uint(optarg, 0, 1000000, &v) < 0)
				optarg_error("is not a reducer count");
			t.reducers = (unsigned)v;
			break;
		case 'C':
			if (parse_uint(optarg, 1, INT_MAX, &combiner_words) < 0)
				optarg_error("is not a word count");
			break;
		case 'R':
			reduce = 1;
			break;
		case 'I':
			t.inputs = xrealloc(t.inputs, (t.ninputs + 1) *
			    sizeof *t.inputs);
			t.inputs[t.ninputs++] = optarg;
			break;
		case 't':
			if (*optarg == '\0')
				optarg_error("is not a separator (it is empty)");
			sep = optarg;
			break;
		case 'k':
			keys = optarg_keyfields();
			break;
		case 'O':
			osep = optarg;
			break;
		case 'K':
			t.sort_keys = optarg_keyfields();
			break;
		case 'P':
			t.sort_threads = optarg_threads(1024);
			break;
		case 'e':
			if (strchr(optarg, '=') == NULL || *optarg == '=')
				optarg_error("is not NAME=VALUE");
			cmdenv = xrealloc(cmdenv, (ncmdenv + 2) * sizeof *cmdenv);
			cmdenv[ncmdenv++] = optarg;
			cmdenv[ncmdenv] = NULL;
			break;
		case 'L':
			if (strchr(optarg, '=') == NULL || *optarg == '=' ||
			    memchr(optarg, '/', (size_t)(strchr(optarg, '=') -
			    optarg)) != NULL)
				optarg_error("is not NAME=PATH");
			links = xrealloc(links, (nlinks + 1) * sizeof *links);
			links[nlinks++] = optarg;
			break;
		case 'o':
			out_file = optarg;
			break;
		}
	}
	argc -= optind;
	argv += optind;
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
	if (combiner_words > 0)
		t.combiner = argv + nwords;	/* argv ends in NULL */
	if (!reduce && t.reducers == 0)
		t.combiner = NULL;
	/* Between the map and reduce sides every record is key TAB value. */
	kvfmt_init(&t.fmt, sep, keys,
	    !reduce && t.reducers > 0 ? "\t" : osep);
	t.self_dir = self_dir();

	if (on_exit(status_at_exit, NULL) != 0)
		die("on_exit:");
	tmp_install_signals();
	link_files(links, nlinks);
	free(links);
	cmd_path = resolve_here(t.cmd);
	comb_path = resolve_here(t.combiner);
	errpath = task_path("err");
	if ((errfd = open(errpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0666)) < 0)
		die("%s:", errpath);
	free(errpath);
	if (reduce)
		run_reduce(&t);
	else
		run_map(&t);
	write_status("ok", -1);
	finished = 1;
	close(errfd);
	free(t.cmd);
	free(cmd_path);
	free(comb_path);
	free(t.fmt.buf);
	free(t.inputs);
	free(cmdenv);
	free((char *)t.self_dir);
	return EXIT_OK;
}
