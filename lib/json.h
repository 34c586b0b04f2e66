/*
 * json: a small validating parser of one JSON text per line (JSON lines),
 * extracting the values at dotted paths ("user.id", "items.0.sku").
 *
 * One pass over the record validates it completely (RFC 8259: grammar,
 * escapes, UTF-8) and notes where each requested value lies; nothing is
 * allocated per record.  A path component matches an object member of that
 * name, or, when it is a decimal number, also an array element of that
 * index.  Member names cannot contain '.' or ',' in a path.  If a member
 * repeats, its last occurrence counts (as in JavaScript and jq).
 */
#ifndef MR_JSON_H
#define MR_JSON_H

#include <stddef.h>

#include "out.h"

#define JSON_MAX_PATHS 64	/* paths per query */
#define JSON_MAX_DEPTH 512	/* deeper nesting is rejected, not recursed into */

struct json_path {
	size_t ncomp;
	char **comp;		/* NUL-terminated components */
	size_t *complen;
	long *index;		/* the component as an array index, or -1 */
};

struct json_query {
	size_t npaths, cap;
	struct json_path *paths;
};

enum json_type {
	JSON_NONE,		/* the path is not in the record */
	JSON_STRING,
	JSON_NUMBER,
	JSON_LITERAL,		/* true, false, null */
	JSON_OBJECT,
	JSON_ARRAY,
};

/* A value as it stands in the record; for a string, the bytes between
 * the quotes, still escaped. */
struct json_value {
	enum json_type type;
	const char *p;
	size_t len;
};

/*
 * json_query_add: add the comma-separated dotted paths of LIST to *Q
 * (zero it first).  Returns the index of the first path added, or -1 if
 * LIST has an empty path or component, or Q would exceed JSON_MAX_PATHS.
 */
int json_query_add(struct json_query *q, const char *list);
void json_query_free(struct json_query *q);

/*
 * json_extract: parse the record P[0..LEN) as one JSON text and set
 * VALS[i] to the value at path i of Q (type JSON_NONE when absent).
 * Returns 0, or -1 for invalid JSON with a message in *ERR (a static
 * string) and the byte offset of the fault in *ERRPOS.
 */
int json_extract(const struct json_query *q, const char *p, size_t len,
    struct json_value *vals, const char **err, size_t *errpos);

/*
 * json_emit: V as one tab-separated field: a string decoded, with
 * backslash, TAB, CR, LF and NUL written as \\, \t, \r, \n and \0 so the
 * record stays one line and the escaping can be undone; a number, true,
 * false or null as written; an object or array as its JSON text with TAB
 * and CR (insignificant white space there) turned into spaces.
 */
void json_emit(struct out *o, const struct json_value *v);

#endif
