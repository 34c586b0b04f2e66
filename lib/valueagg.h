/*
 * valueagg: Hadoop's aggregate package (org.apache.hadoop.mapred.lib.
 * aggregate), the reducer and combiner of "-reducer aggregate".
 *
 * A mapper writes "TYPE:ID TAB VALUE"; the reducer gets every value of a
 * key, takes TYPE (before the first ':', compared without case) and writes
 * "ID TAB REPORT".  The types and their reports, as Hadoop computes them:
 *
 *   LongValueSum    the sum of Long.parseLong(value), wrapping at 64 bits
 *   LongValueMax    the largest, LongValueMin the smallest
 *   DoubleValueSum  the sum of Double.parseDouble(value) in input order,
 *                   printed by Double.toString (lib/java)
 *   StringValueMax  the largest value in Java's String order (UTF-16 units),
 *   StringValueMin  the smallest
 *   UniqValueCount  the number of distinct values (at most
 *                   aggregate.max.num.unique.values + 1 are kept)
 *   ValueHistogram  values "V" or "V TAB COUNT" (split at the last TAB):
 *                   the number of distinct V, then TAB-separated the
 *                   smallest, median (counts[n/2] of the sorted counts),
 *                   largest count, their average and standard deviation
 *                   (Double.toString)
 *
 * Values and IDs pass through Java strings: invalid UTF-8 comes out as
 * U+FFFD (lib/java).  A key without ':', an unknown type or a value that
 * does not parse fails the task, as it fails Hadoop's.
 *
 * The combiner (ValueAggregatorCombiner) keeps the key and writes the
 * partial results: one sum, max or min; each distinct value of
 * UniqValueCount; "V TAB COUNT" for each V of ValueHistogram.
 */
#ifndef MR_VALUEAGG_H
#define MR_VALUEAGG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "out.h"

enum valueagg_type {
	VAGG_LONG_SUM, VAGG_LONG_MAX, VAGG_LONG_MIN, VAGG_DOUBLE_SUM,
	VAGG_STRING_MAX, VAGG_STRING_MIN, VAGG_UNIQ, VAGG_HISTOGRAM
};

struct valueagg {
	enum valueagg_type type;
	int64_t l;
	double d;
	struct buf s;		/* String max/min: the value (valid UTF-8) */
	int have;
	/* uniq, histogram: the distinct values (bytes in TEXT) and their
	 * counts, found through an open-addressing table of item indexes. */
	struct valueagg_item {
		uint64_t hash;
		size_t off, len;
		int64_t count;
	} *item;
	size_t nitems, itemcap;
	uint32_t *slot;		/* item index + 1, or 0 */
	size_t nslots;
	struct buf text;
	uint64_t uniq_max;
	struct buf id;		/* the group's ID */
	struct buf scratch;	/* UTF-8 repair, a combiner's "V TAB COUNT" */
};

/* valueagg_init: an aggregator; UNIQ_MAX is aggregate.max.num.unique.values. */
void valueagg_init(struct valueagg *a, uint64_t uniq_max);
void valueagg_free(struct valueagg *a);

/*
 * valueagg_start: split KEY (LEN bytes) into its type and its ID (*ID,
 * *IDLEN, valid until the next group) and start a new group of that
 * type.  Returns 0,
 * or -1 with a message in ERR when the key has no ':' or the type is
 * unknown.
 */
int valueagg_start(struct valueagg *a, const char *key, size_t len,
    const char **id, size_t *idlen, char *err, size_t errlen);

/* valueagg_add: add VALUE; 0, or -1 with a message in ERR (a bad number). */
int valueagg_add(struct valueagg *a, const char *value, size_t len, char *err,
    size_t errlen);

/* valueagg_report: getReport of the group, into O. */
void valueagg_report(struct valueagg *a, struct out *o);

/*
 * valueagg_combine: getCombinerOutput of the group: EMIT(ARG, value, len)
 * for each partial result.
 */
void valueagg_combine(struct valueagg *a, void (*emit)(void *, const char *,
    size_t), void *arg);

#endif
