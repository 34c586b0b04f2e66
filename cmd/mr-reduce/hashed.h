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
 * at most MAX_PIECES), which the workers take in turn as each becomes
 * free: a piece is formatted into a ring of PIECE_RING buffers shared by
 * all, and worker 0, which alone writes the output, writes them out in
 * order (a piece it takes when all before it are written, it formats
 * straight into the output).
 * A worker is never tied to a fixed share: on a shared machine, when one
 * is descheduled, the other goes on with the pieces after it, up to the
 * ring's size.  Small buffers used again and again cost no fresh memory
 * (a page fault and the kernel's zeroing per page, which on this kind of
 * machine is dearer than the formatting), where a whole share in memory
 * cost a fifth of a run's memory.
 */
#define PIECE_KEYS 4096
#define MAX_PIECES 8192
#define PIECE_RING 8

struct hasher;

/* A thread of -H: the keys whose hash picks it, in its own table. */
struct __attribute__((aligned(64))) worker {
	struct hasher *h;
	int id;
	struct ctx c;
	struct htab tab;
	struct htab_slot *refs;	/* at the end: its keys, sorted (keysort_table) */
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
	pthread_mutex_t ring_mu;	/* guards what follows */
	pthread_cond_t ring_cv;		/* a piece formatted or written */
	size_t next_piece;	/* the first piece no worker has taken */
	size_t next_write;	/* the first piece not yet written */
	struct buf ring[PIECE_RING];	/* piece P is formatted in P % PIECE_RING */
	int ready[PIECE_RING];	/* ring[k] holds a piece not yet written */
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
