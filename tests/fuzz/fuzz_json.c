/*
 * fuzz_json: the JSON-lines parser and path extractor (lib/json) over any
 * record and any path list.  Whether a record is valid JSON is checked
 * against Python's json module by tests/json.bats (a process per record
 * is too slow here); this harness checks the properties that hold
 * whatever the answer:
 *
 * - a refusal has a message and an offset inside the record, and finds
 *   no value;
 * - a value found lies inside the record and has the shape of its type
 *   (a string between quotes, a number of JSON's grammar, a literal, an
 *   object or array between its brackets), and is itself valid JSON: as
 *   the only element of an array it is found again, the same bytes;
 * - a path a.b.c finds inside the value of a.b what c finds there;
 * - a valid record stays valid between blanks, inside an array and as a
 *   member of an object (unless that nests it too deeply), and a valid
 *   object, array, string or literal cut short by one byte is not valid;
 * - json_emit writes a string decoded (as a decoder written here decodes
 *   it, a lone surrogate as U+FFFD) with backslash, TAB, CR, LF and NUL
 *   escaped, and an object or array as its text with TAB and CR as spaces.
 *
 * Input: the path list, a '\n', then the record; without a '\n', all of
 * it is the record and a fixed path list is used.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "json.h"
#include "xalloc.h"

static const char default_paths[] = "a,a.b,0,0.0,1,b.0.c,a.b.c.d,x";

/* Parse LEN bytes of REC for Q: json_extract's result, checked. */
static int
extract(const struct json_query *q, const char *rec, size_t len,
    struct json_value *vals)
{
	const char *err = NULL;
	size_t errpos = (size_t)-1, i;
	int rc = json_extract(q, rec, len, vals, &err, &errpos);

	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc < 0) {
		FUZZ_CHECK(err != NULL && *err != '\0');
		FUZZ_CHECK(errpos <= len);
	}
	for (i = 0; i < q->npaths; i++) {
		const struct json_value *v = &vals[i];

		if (rc < 0 || v->type == JSON_NONE) {
			FUZZ_CHECK(v->type == JSON_NONE);
			continue;
		}
		FUZZ_CHECK(v->p >= rec && v->p + v->len <= rec + len);
	}
	return rc;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* JSON's number grammar over all of [P, P + LEN). */
static int
is_number(const char *p, size_t len)
{
	const char *end = p + len;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && is_digit(*p))
			p++;
	else
		return 0;
	if (p < end && *p == '.') {
		if (++p == end || !is_digit(*p))
			return 0;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || !is_digit(*p))
			return 0;
		while (p < end && is_digit(*p))
			p++;
	}
	return p == end;
}

/* The value's bytes have the shape of its type. */
static void
check_shape(const struct json_value *v)
{
	switch (v->type) {
	case JSON_STRING:
		FUZZ_CHECK(v->p[-1] == '"' && v->p[v->len] == '"');
		for (size_t i = 0; i < v->len; i++)
			FUZZ_CHECK((unsigned char)v->p[i] >= 0x20);
		break;
	case JSON_NUMBER:
		FUZZ_CHECK(is_number(v->p, v->len));
		break;
	case JSON_LITERAL:
		FUZZ_CHECK((v->len == 4 && memcmp(v->p, "true", 4) == 0) ||
		    (v->len == 5 && memcmp(v->p, "false", 5) == 0) ||
		    (v->len == 4 && memcmp(v->p, "null", 4) == 0));
		break;
	case JSON_OBJECT:
		FUZZ_CHECK(v->len >= 2 && v->p[0] == '{' && v->p[v->len - 1] == '}');
		break;
	case JSON_ARRAY:
		FUZZ_CHECK(v->len >= 2 && v->p[0] == '[' && v->p[v->len - 1] == ']');
		break;
	case JSON_NONE:
		break;
	}
}

/* The whole text of V (a string with its quotes). */
static void
text_of(const struct json_value *v, const char **p, size_t *len)
{
	*p = v->p - (v->type == JSON_STRING);
	*len = v->len + 2 * (v->type == JSON_STRING);
}

/* "[" BEFORE "]" parsed for PATHS: the values it finds. */
static int
extract_wrapped(const char *before, size_t blen, const char *paths,
    struct json_value *vals, char **buf)
{
	struct json_query q = { 0 };
	int rc;

	*buf = xmalloc(blen + 2);
	(*buf)[0] = '[';
	memcpy(*buf + 1, before, blen);
	(*buf)[blen + 1] = ']';
	FUZZ_CHECK(json_query_add(&q, paths) == 0);
	rc = extract(&q, *buf, blen + 2, vals);
	json_query_free(&q);
	return rc;
}

/* V, alone in an array, is valid and found again; with the last component
 * of PATH (when it has more than one), the value inside it is found as
 * FULL was found in the record. */
static void
check_value_alone(const struct json_value *v, const struct json_path *path,
    size_t depth, const struct json_value *full)
{
	struct json_value got[1];
	const char *p;
	size_t len;
	char *buf, *sub;

	text_of(v, &p, &len);
	FUZZ_CHECK(extract_wrapped(p, len, "0", got, &buf) == 0);
	FUZZ_CHECK(got[0].type == v->type && got[0].len == v->len);
	FUZZ_CHECK(got[0].p - buf == v->p - p + 1);
	free(buf);
	if (full == NULL)
		return;
	sub = xmalloc(strlen(path->comp[depth]) + 3);
	strcpy(sub, "0.");
	strcat(sub, path->comp[depth]);
	FUZZ_CHECK(extract_wrapped(p, len, sub, got, &buf) == 0);
	FUZZ_CHECK(got[0].type == full->type && got[0].len == full->len);
	if (full->type != JSON_NONE)
		FUZZ_CHECK(got[0].p - buf - 1 == full->p - p);
	free(buf);
	free(sub);
}

/* The deepest nesting of a valid text (brackets outside strings). */
static size_t
depth_of(const char *p, size_t len)
{
	size_t d = 0, max = 0, i;
	int in_string = 0;

	for (i = 0; i < len; i++) {
		if (in_string) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				in_string = 0;
		} else if (p[i] == '"') {
			in_string = 1;
		} else if (p[i] == '[' || p[i] == '{') {
			if (++d > max)
				max = d;
		} else if (p[i] == ']' || p[i] == '}') {
			d--;
		}
	}
	return max;
}

static int
valid(const char *p, size_t len)
{
	static const struct json_query none;
	struct json_value v[1];

	return extract(&none, p, len, v) == 0;
}

/* A valid record in other surroundings. */
static void
check_surroundings(const char *rec, size_t len)
{
	char *buf = xmalloc(len + 16);
	size_t end = len;

	memcpy(buf, " \t\r", 3);
	memcpy(buf + 3, rec, len);
	memcpy(buf + 3 + len, "\n ", 2);
	FUZZ_CHECK(valid(buf, len + 5));
	if (depth_of(rec, len) < JSON_MAX_DEPTH - 2) {
		buf[0] = '[';
		memcpy(buf + 1, rec, len);
		buf[len + 1] = ']';
		FUZZ_CHECK(valid(buf, len + 2));
		memcpy(buf, "{\"k\":", 5);
		memcpy(buf + 5, rec, len);
		buf[len + 5] = '}';
		FUZZ_CHECK(valid(buf, len + 6));
	}
	while (end > 0 && strchr(" \t\r\n", rec[end - 1]) != NULL && rec[end - 1])
		end--;
	for (size_t i = 0; i < end; i++) {
		if (strchr(" \t\r\n", rec[i]) != NULL && rec[i])
			continue;
		if (strchr("{[\"tfn", rec[i]) != NULL && rec[i])
			FUZZ_CHECK(!valid(rec, end - 1));
		break;
	}
	free(buf);
}

/* The UTF-8 of code point CP in OUT (RFC 3629's table: N bytes hold
 * 7, 11, 16 or 21 bits; the lead byte marks N); the number of bytes. */
static size_t
put_utf8(char *out, long cp)
{
	static const unsigned char lead[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, i;

	for (i = n - 1; i > 0; i--, cp >>= 6)
		out[i] = (char)(0x80 | (cp & 0x3F));
	out[0] = (char)(lead[n] | cp);
	return n;
}

static long
hex4(const char *p)
{
	char h[5] = { p[0], p[1], p[2], p[3], 0 };

	return strtol(h, NULL, 16);
}

/* What json_emit must write for the (valid) string V: decoded, then the
 * five bytes escaped. */
static size_t
model_emit_string(const struct json_value *v, char *out)
{
	const char *p = v->p, *end = v->p + v->len;
	char dec[4];
	size_t n = 0, k, i;
	long cp, lo;

	while (p < end) {
		if (*p != '\\') {
			dec[0] = *p++;
			k = 1;
		} else if (p[1] != 'u') {
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";

			dec[0] = to[strchr(from, p[1]) - from];
			k = 1;
			p += 2;
		} else {
			cp = hex4(p + 2);
			p += 6;
			if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' &&
			    p[1] == 'u' && (lo = hex4(p + 2)) >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			} else if (cp >= 0xD800 && cp < 0xE000) {
				cp = 0xFFFD;
			}
			k = put_utf8(dec, cp);
		}
		for (i = 0; i < k; i++) {
			const char *esc = memchr("\\\t\r\n", dec[i], 5);

			if (esc != NULL) {
				out[n++] = '\\';
				out[n++] = "\\trn0"[esc - "\\\t\r\n"];
			} else {
				out[n++] = dec[i];
			}
		}
	}
	return n;
}

/* json_emit of V, compared with what it must write. */
static void
check_emit(const struct json_value *v)
{
	int fd = memfd_create("fuzz-json", MFD_CLOEXEC);
	char *got, *want = xmalloc(4 * v->len + 1);
	size_t wlen, i;
	struct out o;

	FUZZ_CHECK(fd >= 0);
	out_init(&o, fd, "fuzz");
	/* A small buffer: flushes come often, and no 256 KiB allocation per
	 * input (which costs the fuzzer most of its time). */
	free(o.buf);
	o.cap = 61;
	o.buf = xmalloc(o.cap);
	json_emit(&o, v);
	out_flush(&o);
	got = xmalloc(o.bytes + 1);
	FUZZ_CHECK(pread(fd, got, o.bytes + 1, 0) == (ssize_t)o.bytes);
	if (v->type == JSON_STRING) {
		wlen = model_emit_string(v, want);
	} else {
		wlen = v->len;
		for (i = 0; i < v->len; i++)
			want[i] = v->type >= JSON_OBJECT &&
			    (v->p[i] == '\t' || v->p[i] == '\r') ? ' ' : v->p[i];
	}
	FUZZ_CHECK(o.bytes == wlen && memcmp(got, want, wlen) == 0);
	out_close(&o);
	close(fd);
	free(got);
	free(want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	struct json_query q = { 0 };
	struct json_value vals[JSON_MAX_PATHS];
	const char *rec = (const char *)data;
	size_t len = size, i, k;
	char *paths = NULL;
	int rc;

	if (nl != NULL) {
		paths = xmalloc((size_t)(nl - data) + 1);
		memcpy(paths, data, (size_t)(nl - data));
		paths[nl - data] = '\0';
		rec = (const char *)nl + 1;
		len = size - (size_t)(nl - data) - 1;
		if (strlen(paths) != (size_t)(nl - data) || json_query_add(&q, paths) < 0) {
			json_query_free(&q);
			free(paths);
			paths = NULL;
		}
	}
	if (paths == NULL)
		FUZZ_CHECK(json_query_add(&q, default_paths) == 0);
	/* Each path as added: its components, split at '.'. */
	for (i = 0; i < q.npaths; i++)
		for (k = 0; k < q.paths[i].ncomp; k++) {
			FUZZ_CHECK(q.paths[i].complen[k] > 0);
			FUZZ_CHECK(strlen(q.paths[i].comp[k]) == q.paths[i].complen[k]);
			FUZZ_CHECK(strpbrk(q.paths[i].comp[k], ".,") == NULL);
		}

	rc = extract(&q, rec, len, vals);
	if (rc == 0) {
		check_surroundings(rec, len);
		for (i = 0; i < q.npaths; i++) {
			const struct json_path *jp = &q.paths[i];
			struct json_value prefix = { JSON_NONE, NULL, 0 };
			struct json_query pq = { 0 };
			char *pp;

			if (vals[i].type == JSON_NONE)
				continue;
			check_shape(&vals[i]);
			check_emit(&vals[i]);
			check_value_alone(&vals[i], jp, 0, NULL);
			if (jp->ncomp < 2)
				continue;
			/* The path less its last component finds a container
			 * that holds the value. */
			pp = xmalloc(strlen(paths ? paths : default_paths) + 1);
			pp[0] = '\0';
			for (k = 0; k + 1 < jp->ncomp; k++) {
				strcat(pp, k ? "." : "");
				strcat(pp, jp->comp[k]);
			}
			FUZZ_CHECK(json_query_add(&pq, pp) == 0);
			FUZZ_CHECK(extract(&pq, rec, len, &prefix) == 0);
			FUZZ_CHECK(prefix.type == JSON_OBJECT || prefix.type == JSON_ARRAY);
			check_value_alone(&prefix, jp, jp->ncomp - 1, &vals[i]);
			json_query_free(&pq);
			free(pp);
		}
	}
	json_query_free(&q);
	free(paths);
	return 0;
}
