/*
 * mr-map's built-in mappers, shared by
 *
 *	builtin.c   the mapper's state, the token mappers (-w, -a), the loop
 *	            over the files and the counters at the end
 *	pick.c      the mappers that pick a key and a value out of each
 *	            record: fields (-d/-K/-V), groups (-e), JSON paths (-j)
 */
#ifndef MR_MAP_BUILTIN_H
#define MR_MAP_BUILTIN_H

#include <regex.h>
#include <stdint.h>

#include "buf.h"
#include "fieldlist.h"
#include "json.h"
#include "kv.h"
#include "map.h"
#include "out.h"
#include "record.h"

/* A piece of a key or value: raw bytes, or a JSON value to decode. */
struct part {
	const char *p;
	size_t len;
	const struct json_value *jv;
};

/* The parts of a key or a value, reused from record to record. */
struct parts {
	struct part *v;
	size_t cap;
};

struct mapper {
	const struct options *opt;
	struct out *out;
	uint64_t n_in, n_out, n_skipped;
	char first_skip[600];	/* "FILE:LINE: why" of the first skipped record */
	unsigned char lower[256];
	struct parts key, value;
	/* -d: the fields of the record */
	struct fieldlist kfl, vfl;
	struct slice *fields;
	size_t fields_cap;
	/* -e */
	regex_t re;
	regmatch_t *pm;
	struct buf copy;	/* a record that needs room for its NUL */
	/* -j: paths 0..jkeys-1 form the key */
	struct json_query jq;
	struct json_value *jvals;
	size_t jkeys;
};

/* pick.c: set up the mapper of m->opt->mode (-d, -e or -j; a usage error
 * for a bad -K, -V or -e), map the records of R with it, free its state. */
void pick_setup(struct mapper *m);
void pick_run(struct mapper *m, struct reader *r);
void pick_free(struct mapper *m);

#endif
