/*
 * hsplit: Hadoop input splits, planned and read exactly as Hadoop does.
 *
 * Planning follows FileInputFormat.getSplits: a file of SIZE bytes is cut
 * into byte ranges of SPLIT bytes, the last one up to 1.1 times as long
 * (SPLIT_SLOP); an empty file still gets one empty split.  The ranges are
 * plain byte ranges, not aligned to lines (a FileSplit).
 *
 * Reading follows LineRecordReader over an uncompressed file: a split that
 * does not start at offset 0 first throws away everything up to and
 * including the first line terminator at or after its start (that line
 * belongs to the previous split, even when the start is exactly a line
 * start); it then returns every record whose first byte lies at or before
 * start + length, so it finishes the line crossing its end and also takes a
 * line that starts exactly at the end.  "\n", "\r\n" and a lone "\r" end a
 * line; the end of the file ends an unterminated last line; a UTF-8 BOM at
 * offset 0 is dropped.  Over all splits of a plan, every record of the file
 * comes out exactly once.  The reader seeks (pread); it never scans the file
 * from the beginning.
 */
#ifndef MR_HSPLIT_H
#define MR_HSPLIT_H

#include <stdint.h>

#include "buf.h"

#include "out.h"
#include "record.h"

/* Hadoop's defaults: HDFS block size (dfs.blocksize) and the slop factor. */
#define HSPLIT_BLOCK_DEFAULT (128ULL * 1024 * 1024)
#define HSPLIT_SLOP 1.1

/* One split of one file: the byte range [start, start + length). */
struct hsplit {
	uint64_t start;
	uint64_t length;
};

/*
 * hsplit_size: FileInputFormat.computeSplitSize, the split size
 * max(MINSIZE, min(GOAL, BLOCK)).  GOAL is total input bytes / requested
 * maps (old mapred API, as Streaming uses), or UINT64_MAX for "no goal"
 * (the new API's default).  A result of 0 is raised to 1.
 */
uint64_t hsplit_size(uint64_t goal, uint64_t minsize, uint64_t block);

/* An iterator over the splits of one file. */
struct hsplit_plan {
	uint64_t size;		/* file size */
	uint64_t split;		/* split size, >= 1 */
	uint64_t remaining;	/* bytes not yet handed out */
	int done;
};

/* hsplit_plan_init: plan the splits of a file of SIZE bytes. */
void hsplit_plan_init(struct hsplit_plan *p, uint64_t size, uint64_t split);

/*
 * hsplit_plan_next: the next split in *s; returns 1, or 0 when there are no
 * more.  The splits come in file order and cover [0, size) exactly once.
 */
int hsplit_plan_next(struct hsplit_plan *p, struct hsplit *s);

/*
 * A map task's split: FILE, the index of its file among the job's inputs,
 * and SEQ, its place in input order.  hsplit_tasks_order sorts N of them
 * as Hadoop's JobSubmitter numbers map tasks: longest first, equal lengths
 * in input order.
 */
struct hsplit_task {
	size_t file;
	struct hsplit s;
	size_t seq;
};

void hsplit_tasks_order(struct hsplit_task *t, size_t n);

/*
 * A LineRecordReader over one split of a seekable file.  Records are
 * slices into an internal buffer (without their terminator), valid until
 * the next call.  The reader uses pread, so it leaves the file offset of FD
 * alone and several readers may share one descriptor.
 */
struct hsplit_reader {
	int fd;
	const char *name;	/* for messages */
	uint64_t end;		/* start + length: the last record start allowed */
	uint64_t pos;		/* file offset of the next record */
	struct buf b;		/* b.len: the end of valid data */
	size_t chunk;		/* bytes per read: small for a small split */
	size_t head;		/* b.p[head] is at file offset pos */
	uint64_t bufpos;	/* file offset of b.p[0] */
	int eof;		/* b.len is the end of the file */
	int started;		/* the first-line rule has been applied */
	int finished;		/* no more records */
	uint64_t start;
	uint64_t spliced;	/* bytes hsplit_reader_splice moved into the pipe */
	uint64_t nl_from;	/* cache: the first '\n' at or after nl_from */
	uint64_t nl_at;		/* is at nl_at, or (UINT64_MAX) not before nl_to */
	uint64_t nl_to;
	uint64_t records;	/* records returned so far */
};

/*
 * hsplit_reader_init: read split S of the file open on FD (NAME for
 * messages).  Nothing is read until the first hsplit_reader_next.
 */
void hsplit_reader_init(struct hsplit_reader *r, int fd, const char *name,
    struct hsplit s);

/*
 * hsplit_reader_next: the next record of the split in *rec; returns 1, or 0
 * when the split has no more.  *offset (if not NULL) gets the record's
 * file offset, the key that Hadoop's TextInputFormat gives a mapper.  A
 * read error is fatal ("progname: NAME: reason").
 */
int hsplit_reader_next(struct hsplit_reader *r, struct slice *rec,
    uint64_t *offset);

/* hsplit_reader_free: release the buffer (FD stays open). */
void hsplit_reader_free(struct hsplit_reader *r);

/*
 * hsplit_reader_copy: every record left in the split, each followed by
 * '\n', into O, as Streaming hands them to a mapper; stops early when O is
 * a child's pipe that the child closed (o->closed).  The number of records
 * written.
 */
uint64_t hsplit_reader_copy(struct hsplit_reader *r, struct out *o);

/*
 * hsplit_reader_splice: the records of a split not yet started, as
 * hsplit_reader_copy writes them, moved from the file to the pipe TO by
 * splice(2) without passing through this process, when the file's bytes
 * already are exactly that: no '\r' among them and no BOM to drop (a last
 * line without '\n' gets one written after).  Returns the number of
 * records, with *STOPPED set when the pipe's reader closed it early; or -1
 * (nothing written) when the split needs hsplit_reader_copy.
 */
int64_t hsplit_reader_splice(struct hsplit_reader *r, int to, int *stopped);

/*
 * hsplit_parse: a split written "OFFSET:LENGTH" (decimal byte counts,
 * digits only, leading zeros allowed; a split running past 2^64 - 1 ends
 * there, at the file's end) into *S.  Returns 0, or -1 when ARG is not
 * such a pair.
 */
int hsplit_parse(const char *arg, struct hsplit *s);

/*
 * The input files of a job, listed as FileInputFormat.listStatus lists
 * them on a cluster's file system.  Each -input SPEC is a comma-separated
 * list of paths, each a file, a directory or a glob (*, ?, [...]), with or
 * without a "file:" prefix.  A directory stands for its files in name
 * order, except those whose names start with '_' or '.'; a subdirectory
 * is an error ("not a file"), or with RECURSIVE
 * (mapreduce.input.fileinputformat.input.dir.recursive) listed in turn.
 * A path that does not exist, a glob that matches nothing and a file that
 * cannot be read are errors that end the program.
 */
struct hsplit_inputs {
	char **files;		/* absolute paths */
	size_t n, cap;
	char *dirs;		/* "file:/a,file:/b": mapreduce.input.fileinputformat.inputdir */
};

void hsplit_list(struct hsplit_inputs *in, char *const specs[], size_t nspecs,
    int recursive);
void hsplit_inputs_free(struct hsplit_inputs *in);

#endif
