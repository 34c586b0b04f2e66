/*
 * extsort: an external sort of records in a memory budget (mr-sort's, and
 * the map side of mr-task's).
 *
 * Records are loaded into one buffer in input order, each ending in '\n',
 * with one sortent (lib/sortrec) per record.  When the records and their
 * entries reach the budget they are sorted and written out as a run in a
 * temporary file; at the end the runs are merged (lib/merge), in several
 * passes when there are more runs than the budget has read buffers for,
 * consecutive runs first, which keeps the sort stable.  Input that fits is
 * sorted in memory and never touches the disk.
 *
 * The buffers come straight from mmap, grow by mremap (pages move without
 * copying) and ask for transparent huge pages: a fault per 4 KiB page
 * costs more than the sort itself on some virtual machines.
 */
#ifndef MR_EXTSORT_H
#define MR_EXTSORT_H

#include <stddef.h>
#include <stdint.h>

#include "merge.h"
#include "out.h"
#include "record.h"
#include "sortrec.h"

struct extsort {
	const struct sortorder *o;
	uint64_t budget;
	int threads;
	const char *tmpdir;
	int unique;		/* writes keep the first record of each key */
	char *data;		/* records in input order, each ending in '\n' */
	size_t cap, len;
	size_t parsed;		/* start of the first incomplete record */
	size_t scanned;		/* [parsed, scanned) holds no '\n': a long
				 * line is not scanned again after each read */
	size_t file_start;	/* where the current input began (BOM check) */
	int bom_checked;
	struct sortent *ents;
	size_t n, ecap;
	const char **runs;	/* paths of the spilled runs, in input order */
	size_t nruns, runcap;
	int reading;		/* extsort_next: 1 in memory, 2 merging */
	size_t next;
	struct merge m;
};

/* extsort_default_budget: half of physical memory, at most 4 GiB. */
uint64_t extsort_default_budget(void);

/*
 * extsort_init: sort by O (which stays the caller's) in about BUDGET bytes,
 * with THREADS threads, runs in TMPDIR; UNIQUE: writes keep the first
 * record of each key.
 */
void extsort_init(struct extsort *s, const struct sortorder *o, uint64_t budget,
    int threads, const char *tmpdir, int unique);

/*
 * extsort_load: the records of the open file FD (NAME for messages): a
 * "\r\n" ends a record like "\n", a last line without '\n' is a record, a
 * UTF-8 BOM at the start is dropped.
 */
void extsort_load(struct extsort *s, int fd, const char *name);

/*
 * For callers that cut records in the buffer themselves: extsort_space
 * gives room at s->data + s->len to read *N more bytes into (one byte more
 * is there for a last '\n'), after spilling the complete records when the
 * budget is reached (which moves what follows s->parsed to the front);
 * extsort_filled adds the N bytes read; extsort_mark adds the record at
 * OFF, LEN bytes followed by a '\n', whose key is its first KEYLEN bytes,
 * and takes NEXT as the start of what is not yet cut into records.
 */
char *extsort_space(struct extsort *s, size_t *n);
void extsort_filled(struct extsort *s, size_t n);
void extsort_mark(struct extsort *s, size_t off, size_t len, size_t keylen,
    size_t next);

/* extsort_room: room for a record of up to N bytes, to be written there and
 * then added by extsort_push. */
char *extsort_room(struct extsort *s, size_t n);

/* extsort_push: add the record of LEN bytes written at extsort_room, whose
 * key (by the order's kv) is its first KEYLEN bytes. */
void extsort_push(struct extsort *s, size_t len, size_t keylen);

/* extsort_write: every record, sorted, each and a '\n' into O. */
void extsort_write(struct extsort *s, struct out *o);

/* extsort_write_merge: the records of the merge M into O, each and a
 * '\n'; with UNIQUE only the first of each key. */
void extsort_write_merge(struct merge *m, struct out *o, int unique);

/* extsort_next: the next record in sorted order (all records: no -u), valid
 * until the next call; 0 at the end. */
int extsort_next(struct extsort *s, struct slice *rec);

/* extsort_free: release memory and remove the runs. */
void extsort_free(struct extsort *s);

#endif
