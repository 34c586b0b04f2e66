/*
 * aggtext: the text of every value of one field of one key, for the
 * operations of lib/agg that list them: unique, countunique and collapse.
 * (first and last keep one value each in a struct buf of lib/buf.)
 */
#ifndef MR_AGGTEXT_H
#define MR_AGGTEXT_H

#include <stddef.h>

#include "buf.h"
#include "kv.h"
#include "out.h"

/* The texts: a uint32 length then the bytes, one after another. */
struct agg_strs {
	struct buf b;
	size_t n;
};

/* aggtext_add: keep the text T (of fewer than 2^32 bytes). */
void aggtext_add(struct agg_strs *s, struct slice t);
/*
 * aggtext_write: the texts joined by ',' onto O, in input order
 * (collapse), or with UNIQUE sorted by bytes and without repeats.
 */
void aggtext_write(struct out *o, const struct agg_strs *s, int unique);
/* aggtext_count_unique: how many distinct texts there are. */
size_t aggtext_count_unique(const struct agg_strs *s);

#endif
