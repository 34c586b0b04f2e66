/*
 * mr-task's private header: the task, its job and the state its parts
 * share, for
 *
 *	main.c      options, and one task run from start to end (task_run)
 *	status.c    the task's fate (DIR/status) and counters (DIR/counts)
 *	command.c   the user's commands: shipped files, start, end, feeding
 *	output.c    the final output: a part file (or stdout)
 *	map.c       a map task: split -> mapper -> sort -> partitions [-> combiner]
 *	reduce.c    a reduce task: merge -> reducer (or identity, aggregate)
 *	plan.c      --plan: the job's checks, its directories and its splits
 *	job.c       --job: plan, run every task, commit (mr-job's engine)
 *	jobstop.c   --job: the tasks stopped, signals, the guardian, cleanup
 *	jobreport.c --job: a failed task's report, stderr passed on, counters
 */
#ifndef MR_TASK_H
#define MR_TASK_H

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "buf.h"
#include "codec.h"
#include "hsplit.h"
#include "merge.h"
#include "out.h"
#include "proc.h"
#include "record.h"
#include "sortrec.h"
#include "streaming.h"

/* ---- the job and the task ---- */

extern struct sconf conf;
extern struct sjob job;
extern char **task_env;		/* the commands' environment */
extern int errfd;		/* DIR/err: the commands' stderr */
extern const char *out_file;	/* -o FILE, or NULL: stdout */

struct task {
	const char *input;	/* map: the input file */
	struct hsplit split;
	int have_split;
	unsigned number;
	char **cmd;		/* mapper or reducer words, NULL-terminated */
	char **combiner;	/* NULL, or its words */
	const char **inputs;	/* reduce: the sorted partitions */
	size_t ninputs, inputcap;
	int sort_threads;
	uint64_t sort_budget;	/* memory of the map output's sort */
	char **links;		/* -L NAME=PATH */
	size_t nlinks, linkcap;
	int sorted_inputs;	/* reduce: the inputs are known sorted */
};

/*
 * task_run: run task T (a reduce task if REDUCE) of the job of the
 * globals conf and job, in the task directory taskdir; returns the exit
 * status.  Its fate is in DIR/status whatever happens.
 */
int task_run(struct task *t, int reduce);

/* The order of map output records: their key (before '\r'), by the job's
 * comparator; and their groups: keys of equal bytes (lib/streaming). */
extern struct sortorder sort_order;
extern const struct sortorder group_order;

void run_map(struct task *t);
void run_reduce(struct task *t);

/* ---- status.c ---- */

extern const char *taskdir;
extern int finished;
/* What the thread is doing, for the status a die() leaves behind. */
extern _Thread_local enum sstage stage;

char *task_path(const char *name);	/* DIR/NAME, for the caller to free */
void write_status(int ok, enum sstage s, int code);
void status_at_exit(int status, void *arg);
noreturn void fail(enum sstage s, int code);
noreturn void fail_with(enum sstage s, const char *text);
int status_code(int status);
void counts_open(void);
void count(enum scounter c, uint64_t n);
void counts_close(void);

/* ---- command.c ---- */

void link_files(char **links, size_t n);
char *resolve_here(char **argv);
void spawn_user(struct proc *p, char **argv, int *keep);
void finish_user(struct proc *p, int keep, pthread_t th, const struct out *o,
    const uint64_t *fed, enum sstage s, enum sstage stopped);
void start_thread(pthread_t *th, void *(*fn)(void *), void *arg);
void feed_start(struct out *o, int fd, const char *name, pthread_t *th,
    void *(*fn)(void *), void *arg);

/* ---- records between the commands ---- */

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

/* ---- output.c ---- */

struct final {
	struct out o;
	char *path;		/* -o FILE with the codec's extension */
	const char *tmp;
	int fd;
	struct codec_out codec;
	uint64_t lines, bytes;
	int discard;		/* a reducer without input: Hadoop drops its lines */
};

void final_open(struct final *f);
void final_line(struct final *f, const struct scollect *c, struct slice line);
void final_close(struct final *f);
uint64_t copy_output(int fd, const char *name, const struct scollect *c,
    struct final *f);

/* ---- reduce.c: sorted records into a reducer or combiner ---- */

/* Sorted records into a reducer or combiner as "key SEP value" lines:
 * from a merge of sorted files, or from one file. */
struct record_feed {
	pthread_t th;
	struct merge *m;	/* or */
	struct reader *r;
	const struct sortorder *group;	/* counts groups by this order */
	struct out o;
	uint64_t records, groups;
	struct buf last;	/* the key of the current group */
	enum sstage stage;
};

int feed_next(struct record_feed *f, struct slice *rec, size_t *keylen);
void *feed_records(void *arg);

/* ---- plan.c and job.c ---- */

/* One map task's split. */
struct plan_split {
	const char *file;
	uint64_t start, length;
};

struct plan {
	struct plan_split *splits;	/* in map task order */
	size_t n;
	struct hsplit_inputs in;	/* owns the file names */
};

/*
 * plan_make: list the input of the -input SPECS and cut it into splits;
 * with OUTPUT and SCRATCH make the output directory and the tasks'
 * directories; append what the plan decides to the job file CONF_FILE
 * (and to conf).  Fatal on an error (directories made are removed).
 */
void plan_make(struct plan *p, char **specs, int nspecs,
    const char *conf_file, const char *output, const char *scratch);
void plan_print(const struct plan *p);
void plan_free(struct plan *p);
/* The parents of the output directory that the plan made: removed after a
 * failure (plan_unmake_parents), or kept (plan_forget_parents). */
void plan_unmake_parents(void);
void plan_forget_parents(void);
/* plan_parent_length: the length of the Ith parent the plan made (a
 * prefix of the output's path, outermost first), or 0 past the last. */
size_t plan_parent_length(size_t i);

/* What mr-job hands to --job besides the job file. */
struct jobspec {
	const char *conf_file;
	const char *output;	/* as the user gave it, for messages */
	const char *out_abs;
	const char *scratch;
	int parallel, verbose;
	char **links;		/* -L NAME=PATH */
	size_t nlinks;
	char **archives;	/* -A NAME=PATH: unpacked once for every task */
	size_t narchives, archivecap;
	const char *mapper, *combiner, *reducer;	/* as given */
	const char *reducer_kind;	/* command, identity, aggregate, none */
	char **map_words, **comb_words, **red_words;	/* NULL-terminated */
	char **inputs;
	int ninputs;
};

/* job_run: the whole job of S (mr-task --job); returns the exit status. */
int job_run(struct jobspec *s);

/* The job being run (job.c), for jobreport.c. */
extern struct jobspec *jspec;
extern struct plan jplan;
extern unsigned nred;		/* reduce tasks */
extern int progress_tty;	/* a progress line on stderr */

/* jobsetup.c */
char *task_dir(char kind, size_t n);	/* scratch/KIND N, to free */
char *task_file(char kind, size_t n, const char *name);	/* its NAME, to free */
void task_setup(struct task *t, char kind, size_t n, int sort_threads);
void unpack_archives(void);

/* jobstop.c: how the job ends, whatever ends it. */
extern pid_t scheduler;		/* this process, not a task forked from it */
extern pid_t *running;		/* the running tasks' process groups */
extern size_t nrunning;
extern int made_output;		/* the output directory is the job's */
extern int succeeded;		/* and it is committed */
/* Blocked while scheduling; the mask a task starts with. */
extern sigset_t scheduling_mask, task_mask;
void install_signals(void);
/* check_signal: a signal that ends the job ends it here (cleanup, 128 +
 * N); one that stops it stops the tasks, then the scheduler. */
void check_signal(void);
void start_guardian(void);
/* guard_send: tell the guardian WHAT ("t PID", "r PID", "o", "p LEN",
 * "c", "q"; NUMBER 0 for none). */
void guard_send(char what, long number);
void task_detach(void);
void stop_tasks(void);
void job_cleanup(void);		/* at exit */
void remove_tree(const char *path);
void remove_job_file(void);
int64_t now_us(void);

/* jobreport.c */
void read_small(const char *path, struct buf *b);
void pass_stderr(const char *dir);
/* The status of the failed task when its file could not be written. */
extern const char *task_status_text;
void report_failure(char kind, size_t n, const char *dir);
void sum_counters(void);
void print_summary(int64_t elapsed_us);

#endif
