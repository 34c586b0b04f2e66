/*
 * mr-map's private header: the options, the built-in mappers' entry
 * point, and the pool of command mapper copies, shared by
 *
 *	main.c      options and main
 *	builtin.c   the built-in mappers: -w, -a, the loop (builtin.h)
 *	pick.c      the built-in mappers -d/-K/-V, -e, -j (builtin.h)
 *	pool.c      the copies of a command mapper and the poll loop over them
 *	feed.c      the input cut into blocks of whole lines for the copies
 *	output.c    the copies' output: spliced, copied, or held for -o
 *	taskenv.c   the environment of a Hadoop map task
 */
#ifndef MR_MAP_H
#define MR_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "out.h"
#include "proc.h"
#include "reporter.h"

enum mode { M_NONE, M_WORDS, M_ALNUM, M_FIELDS, M_REGEX, M_JSON };

struct options {
	enum mode mode;
	int mode_opt;		/* the option that chose the mode (-w, -K, ...) */
	int builtin_opt;	/* the first of -l, -g, -q, -v, --strict given */
	int command_opt;	/* the first of -P, -b, -o given */
	int lower;		/* -l */
	int verbose;		/* -v */
	int quiet;		/* -q */
	int strict;		/* --strict */
	int every;		/* -g */
	int delim;		/* -d; -1: runs of blanks */
	const char *keys, *values;	/* -K, -V as given */
	const char *regex;	/* -e */
	uint64_t copies;	/* -P; 0: one per CPU */
	uint64_t block;		/* -b */
	int ordered;		/* -o */
	const char *input;	/* -i */
};

/* builtin.c: map FILES (none: stdin) with the built-in mapper of OPT. */
void builtin_run(const struct options *opt, char **files, int nfiles,
    struct out *out);

/* pool.c: run copies of the command ARGV over the input of OPT. */
void pool_run(const struct options *opt, char **argv, struct out *out);

/* ---- the pool's parts (pool.c, feed.c, output.c) --------------------- */

/* One copy of the command and the state of its three pipes. */
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

/* The input: stdin or -i FILE, cut into blocks. */
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
	uint64_t first;		/* where the data starts (past a BOM) */
	uint64_t total;		/* the file's size (0 for a pipe) */
	int regular;		/* a regular file: a batch job */
	char *path;		/* its absolute path, for the task environment */
};

/* Splicing the copies' output to stdout (output.c). */
struct splicer {
	int on;			/* stdout takes splice(2) */
	int scratch[2];		/* a pipe that tee(2) duplicates into */
	int devnull;
};

struct pool {
	const struct options *opt;
	struct out *out;
	struct copy *copies;
	size_t ncopies;
	struct input in;
	char *cmd_text;		/* the command, for messages */
	struct counters counters;	/* the copies' own, summed */
	int under_hadoop;
	int moved;		/* batch: this round moved bytes or ended a copy */
	size_t head;		/* -o: the copy whose output is written now */
	struct splicer sp;
};

/* Output held in memory per copy (-o) before it goes to a temporary file. */
#define SPOOL_MEM (16u << 20)

/* pool.c */
void pool_fail_copy(struct pool *pl, struct copy *c, const char *why);
int copy_index(const struct pool *pl, const struct copy *c);

/* feed.c */
void input_open(struct pool *pl);
void input_plan_ranges(struct pool *pl);
int has_block(const struct copy *c);
int input_read(struct pool *pl);
void deal_block(struct pool *pl, struct copy *c);
int file_next_block(struct pool *pl, struct copy *c);
int feed_copy(struct pool *pl, struct copy *c);
void strip_crlf(struct buf *b);

/* output.c */
void splice_setup(struct splicer *sp);
void splice_teardown(struct splicer *sp);
int read_stdout(struct pool *pl, struct copy *c, short ev);
int read_stderr(struct pool *pl, struct copy *c);
void release_output(struct pool *pl, struct copy *c);

/* taskenv.c */
char **task_env(size_t i, const char *file, uint64_t start, uint64_t length);
void task_env_free(char **env);

#endif
