/*
 * mr-reduce -H: the state its two files share.  hashed.c reads the input
 * into the workers' tables; hashout.c sorts each table's keys and writes
 * them, merged into key order (or ranked, --top).
 */
#ifndef MR_REDUCE_HASHED_H
#define MR_REDUCE_HASHED_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "htab.h"
#include "reduce.h"

/* Keys belong to workers by the low bits of their hash (hashed.c). */
#define OWNER_BUCKETS 256

/*
 * The output in key order is cut into pieces (about PIECE_KEYS keys each,
 * at most MAX_PIECES), dealt to the workers in turn: worker 0 writes its
 * pieces to the output, the others format theirs into a ring of PIECE_RING
 * buffers that worker 0 writes out in turn.  Small buffers used again and
 * again cost no fresh memory (a page fault and the kernel's zeroing per
 * page, which on this kind of machine is dearer than the formatting), where
 * a whole share in memory cost a fifth of a run's memory.
 */
#define PIECE_KEYS 8192
#define MAX_PIECES 4096
#define PIECE_RING 4

struct hasher;

/* A thread of -H: the keys whose hash picks it, in its own table. */
struct __attribute__((aligned(64))) worker {
	struct hasher *h;
	int id;
	struct ctx c;
	struct htab tab;
	struct htab_slot *refs;	/* at the end: its keys, sorted (keysort_table) */
	struct buf piece[PIECE_RING];	/* its pieces of the output (write_piece) */
	int ready[PIECE_RING];	/* piece[k] is formatted, not yet written */
	pthread_t thread;
};

/*
 * A record of the current chunk, split and hashed: 16 bytes, so that the
 * scan lists of a chunk fit one huge page (scan_lists_init).  Of its hash
 * only the tag is kept (htab_tag: the table needs no more, the list says
 * the owner); its line is found only for an error (part_line).
 */
struct scanned {
	uint32_t off;		/* from the start of the chunk */
	uint32_t len, keylen;
	uint32_t tag;
};

/*
 * Scanning: the chunk cut into one part per worker; the records of part I
 * whose keys worker O owns are scans[I][O], in input order.  Handing each
 * worker only its own records keeps the add phase from walking the whole
 * chunk once per worker.
 */
struct scanlist {
	struct scanned *v;
	size_t n, cap;
	int shared;		/* v is in the hasher's scan_block */
};

/* The engine's state: the workers, the chunk's parts, the rendezvous. */
struct hasher {
	struct reduce *r;
	struct worker w[MAX_WORKERS];
	int n;
	char *part_p[MAX_WORKERS + 1];
	uint64_t part_records[MAX_WORKERS];
	struct scanlist scans[MAX_WORKERS][MAX_WORKERS];
	uint64_t chunk_line;	/* line number before the chunk */
	unsigned char bucket_owner[OWNER_BUCKETS];
	pthread_barrier_t start, mid, end, sorted;
	int eof;
	int shared_output;	/* every worker formats pieces of the output */
	size_t npieces;
	pthread_mutex_t ring_mu;	/* guards the workers' ready flags */
	pthread_cond_t ring_cv;
	struct scanned *scan_block;	/* where the scan lists start */
	size_t scan_block_size;
};

/*
 * hashout.c: worker_finish ends a worker thread's part (its keys sorted,
 * then its pieces of the output formatted); hasher_finish, in the main
 * thread at the end of input, sorts worker 0's keys and writes the output.
 */
void worker_finish(struct worker *w);
void hasher_finish(struct hasher *h);

#endif
