/* Unit tests of lib/json.c: validation, paths, emission. */
#include "unit.h"
#include "json.h"

static struct json_value vals[JSON_MAX_PATHS];
static const char *err;
static size_t errpos;

static int
extract(struct json_query *q, const char *rec)
{
	return json_extract(q, rec, strlen(rec), vals, &err, &errpos);
}

/* The emitted form of value I, in a static buffer. */
static const char *
emitted(size_t i)
{
	static char buf[256];
	struct out o;
	int fds[2];
	ssize_t n;

	if (pipe(fds) < 0)
		abort();
	out_init(&o, fds[1], "pipe");
	json_emit(&o, &vals[i]);
	out_flush(&o);
	free(o.buf);
	close(fds[1]);
	n = read(fds[0], buf, sizeof buf - 1);
	close(fds[0]);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void
top_level_and_nested_paths(void)
{
	struct json_query q = { 0 };

	CHECK(json_query_add(&q, "user.id,bytes") == 0);
	CHECK(json_query_add(&q, "tags.1") == 2);
	CHECK(extract(&q, "{\"user\": {\"id\": \"u7\", \"n\": 1}, \"bytes\": 512,"
	    " \"tags\": [\"a\", {\"b\": 2}]}") == 0);
	CHECK(vals[0].type == JSON_STRING);
	CHECK_STR(emitted(0), "u7");
	CHECK(vals[1].type == JSON_NUMBER);
	CHECK_STR(emitted(1), "512");
	CHECK(vals[2].type == JSON_OBJECT);
	CHECK_STR(emitted(2), "{\"b\": 2}");
	json_query_free(&q);
}

static void
missing_paths_are_none(void)
{
	struct json_query q = { 0 };

	CHECK(json_query_add(&q, "a.b,c,a.b.c") == 0);
	CHECK(extract(&q, "{\"a\": 5, \"c\": null}") == 0);
	CHECK(vals[0].type == JSON_NONE);
	CHECK(vals[1].type == JSON_LITERAL);
	CHECK_STR(emitted(1), "null");
	CHECK(vals[2].type == JSON_NONE);
	CHECK(extract(&q, "[1,2]") == 0);
	CHECK(vals[0].type == JSON_NONE && vals[1].type == JSON_NONE);
	json_query_free(&q);
}

static void
last_duplicate_wins(void)
{
	struct json_query q = { 0 };

	CHECK(json_query_add(&q, "k") == 0);
	CHECK(extract(&q, "{\"k\":1,\"k\":\"two\"}") == 0);
	CHECK_STR(emitted(0), "two");
	json_query_free(&q);
}

/* A repeated member replaces what was found inside the earlier one too
 * (found by fuzz_json: a.b came from the first "a"). */
static void
last_duplicate_replaces_what_was_inside(void)
{
	struct json_query q = { 0 };

	CHECK(json_query_add(&q, "a.b,a.c,a") == 0);
	CHECK(extract(&q, "{\"a\":{\"b\":1,\"c\":2},\"a\":{\"c\":3}}") == 0);
	CHECK(vals[0].type == JSON_NONE);
	CHECK_STR(emitted(1), "3");
	CHECK(extract(&q, "{\"a\":{\"b\":1},\"a\":5}") == 0);
	CHECK(vals[0].type == JSON_NONE && vals[1].type == JSON_NONE);
	CHECK_STR(emitted(2), "5");
	json_query_free(&q);
}

static void
escaped_member_names_match(void)
{
	struct json_query q = { 0 };

	CHECK(json_query_add(&q, "caf\xc3\xa9") == 0);
	CHECK(extract(&q, "{\"caf\\u00e9\": true}") == 0);
	CHECK(vals[0].type == JSON_LITERAL);
	CHECK_STR(emitted(0), "true");
	json_query_free(&q);
}

static void
strings_are_decoded_and_escaped(void)
{
	struct json_query q = { 0 };

	CHECK(json_query_add(&q, "s") == 0);
	CHECK(extract(&q, "{\"s\": \"a\\tb\\nc\\rd\\\\e\\\"f\\/g\\u0041\\u00e9\\ud83d\\ude00\\u0000\"}") == 0);
	CHECK_STR(emitted(0), "a\\tb\\nc\\rd\\\\e\"f/gA\xc3\xa9\xf0\x9f\x98\x80\\0");
	CHECK(extract(&q, "{\"s\": \"\\ud800x\"}") == 0);
	CHECK_STR(emitted(0), "\xef\xbf\xbdx");
	CHECK(extract(&q, "{\"s\": \"\"}") == 0);
	CHECK(vals[0].type == JSON_STRING);
	CHECK_STR(emitted(0), "");
	json_query_free(&q);
}

static void
tabs_in_objects_become_spaces(void)
{
	struct json_query q = { 0 };

	CHECK(json_query_add(&q, "o") == 0);
	CHECK(extract(&q, "{\"o\":\t{\"x\":\t[1,\r2]}}") == 0);
	CHECK_STR(emitted(0), "{\"x\": [1, 2]}");
	json_query_free(&q);
}

static void
invalid_json_is_rejected(void)
{
	static const char *bad[] = {
		"", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]",
		"[1 2]", "{a:1}", "\"abc", "\"a\tb\"", "\"\\x\"", "\"\\u12g4\"",
		"01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "truex",
		"{} {}", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"", "{\"a\":1}x", "\x00",
	};
	struct json_query q = { 0 };
	size_t i;

	CHECK(json_query_add(&q, "a") == 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t len = i == sizeof bad / sizeof bad[0] - 1 ? 1 : strlen(bad[i]);

		if (json_extract(&q, bad[i], len, vals, &err, &errpos) != -1) {
			fprintf(stderr, "#   accepted '%s'\n", bad[i]);
			CHECK(0);
		} else {
			CHECK(err != NULL && errpos <= len);
		}
	}
	CHECK(extract(&q, "{\"a\" 1}") == -1);
	CHECK_STR(err, "expected ':'");
	CHECK(errpos == 5);
	json_query_free(&q);
}

static void
valid_json_is_accepted(void)
{
	static const char *good[] = {
		"{}", "[]", " {} ", "0", "-0.5e+10", "1E5", "true", "null",
		"\"\"", "[[],{},\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]",
		"{\"a\":{\"b\":[1,2,{\"c\":null}]}}",
	};
	struct json_query q = { 0 };
	size_t i;

	CHECK(json_query_add(&q, "a") == 0);
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (extract(&q, good[i]) != 0) {
			fprintf(stderr, "#   rejected '%s': %s\n", good[i], err);
			CHECK(0);
		}
	}
	json_query_free(&q);
}

static void
deep_nesting_is_rejected_not_recursed(void)
{
	struct json_query q = { 0 };
	size_t n = 1000000, i;
	char *s = malloc(2 * n);

	for (i = 0; i < n; i++) {
		s[i] = '[';
		s[n + i] = ']';
	}
	CHECK(json_query_add(&q, "a") == 0);
	CHECK(json_extract(&q, s, 2 * n, vals, &err, &errpos) == -1);
	CHECK_STR(err, "nested too deeply");
	CHECK(json_extract(&q, s + n - 100, 200, vals, &err, &errpos) == 0);
	free(s);
	json_query_free(&q);
}

static void
bad_paths(void)
{
	struct json_query q = { 0 };

	CHECK(json_query_add(&q, "") == -1);
	json_query_free(&q);
	CHECK(json_query_add(&q, "a..b") == -1);
	json_query_free(&q);
	CHECK(json_query_add(&q, "a,") == -1);
	json_query_free(&q);
	CHECK(json_query_add(&q, ".a") == -1);
	json_query_free(&q);
}

static void
array_index_paths(void)
{
	struct json_query q = { 0 };

	CHECK(json_query_add(&q, "0,2.x,01") == 0);
	CHECK(extract(&q, "[\"first\", 1, {\"x\": -3}]") == 0);
	CHECK_STR(emitted(0), "first");
	CHECK_STR(emitted(1), "-3");
	CHECK(vals[2].type == JSON_NONE);
	CHECK(extract(&q, "{\"0\": 7, \"01\": 8}") == 0);
	CHECK_STR(emitted(0), "7");
	CHECK_STR(emitted(2), "8");
	json_query_free(&q);
}

int
main(void)
{
	unit_module = "json";
	RUN(top_level_and_nested_paths);
	RUN(missing_paths_are_none);
	RUN(last_duplicate_wins);
	RUN(last_duplicate_replaces_what_was_inside);
	RUN(escaped_member_names_match);
	RUN(strings_are_decoded_and_escaped);
	RUN(tabs_in_objects_become_spaces);
	RUN(invalid_json_is_rejected);
	RUN(valid_json_is_accepted);
	RUN(deep_nesting_is_rejected_not_recursed);
	RUN(bad_paths);
	RUN(array_index_paths);
	return unit_done();
}
