/*
 * fieldlist: lists of field numbers as cut(1) and awk users write them:
 * "1,7", "2-4", "3-", "9,1-2".  The order is kept as written (so "7,1"
 * puts field 7 first) and a number may repeat.
 */
#ifndef MR_FIELDLIST_H
#define MR_FIELDLIST_H

#include <stddef.h>

/* The last field number of an open range "N-": up to the record's end. */
#define FIELD_END ((size_t)-1)

struct field_range {
	size_t lo;		/* first field */
	size_t hi;		/* last field, or FIELD_END */
};

struct fieldlist {
	struct field_range *r;
	size_t n;
	size_t max;		/* highest field named (the lo of an open range counts) */
	int open;		/* some range runs to the record's end */
};

/*
 * fieldlist_parse: parse ARG into *FL, with field numbers >= MIN (1 for
 * fields, 0 where field 0 means something, as a regex's whole match).
 * Returns 0, or -1 if ARG is not such a list (empty items, "4-2", junk).
 */
int fieldlist_parse(const char *arg, size_t min, struct fieldlist *fl);

/* fieldlist_free: release what fieldlist_parse allocated. */
void fieldlist_free(struct fieldlist *fl);

#endif
