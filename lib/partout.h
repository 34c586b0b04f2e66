/*
 * partout: N partition outputs fed record by record.
 *
 * Either N files PREFIX00000, PREFIX00001, ... (Hadoop's part-NNNNN names)
 * written atomically, or N commands "/bin/sh -c CMD", one per partition,
 * each reading its partition on stdin.  Every partition has its own buffer,
 * written in large blocks; records keep their order within a partition.
 *
 * Files are written under temporary names beside their final ones and all
 * renamed into place only after every one of them has been written and
 * closed without error; any error before that (a write failure, a full
 * disk, a signal) removes them all, so no partial part file ever looks
 * complete.  Empty partitions still get their (empty) file, as Hadoop
 * writes one for a reducer with no input.
 *
 * Commands are all started at once, with MR_PARTITION and
 * mapreduce_task_partition set to their partition number, and get their
 * input through a pipe; a command that stops reading (closes the pipe)
 * simply gets no more records: its exit status decides.  partout_close
 * waits for every command and reports each failure as
 * "progname: partition N: command failed: exit status S".
 */
#ifndef MR_PARTOUT_H
#define MR_PARTOUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

struct partout_part {
	char *buf;
	size_t len;
	int fd;
	int closed;		/* the command closed its stdin: drop data */
	const char *tmp;	/* files: the temporary path */
	char *name;		/* files: the final path; commands: NULL */
	pid_t pid;		/* commands: the shell's pid */
};

struct partout {
	unsigned n;
	int exec;		/* commands instead of files */
	const char *cmd;	/* the command, for messages */
	size_t cap;		/* buffer bytes per partition */
	struct partout_part *part;
};

/* partout_open_files: N files PREFIX%05u, under temporary names for now. */
void partout_open_files(struct partout *po, unsigned n, const char *prefix);

/* partout_open_exec: start N commands "/bin/sh -c CMD". */
void partout_open_exec(struct partout *po, unsigned n, const char *cmd);

/* partout_name: PREFIX followed by I in at least 5 digits (xmalloc'd). */
char *partout_name(const char *prefix, unsigned i);

/* partout_flush: write out partition I's buffer. */
void partout_flush(struct partout *po, unsigned i);

/* partout_record_slow: partout_record when the buffer is full. */
void partout_record_slow(struct partout *po, unsigned i, const char *p,
    size_t len);

/* partout_record: append the record P[0..LEN) and a '\n' to partition I. */
static inline void
partout_record(struct partout *po, unsigned i, const char *p, size_t len)
{
	struct partout_part *pp = &po->part[i];

	if (len < po->cap - pp->len) {
		memcpy(pp->buf + pp->len, p, len);
		pp->buf[pp->len + len] = '\n';
		pp->len += len + 1;
	} else {
		partout_record_slow(po, i, p, len);
	}
}

/*
 * partout_close: flush everything; files: close them and rename them all
 * into place; commands: close their pipes and wait for them all.  Returns
 * 0, or 1 when a command failed (each failure already reported).  Write
 * errors on files are fatal (and leave no part file behind).
 */
int partout_close(struct partout *po);

#endif
