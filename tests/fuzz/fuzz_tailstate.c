/*
 * fuzz_tailstate: tailstate_parse (mr-tail's checkpoint file, versions 1
 * and 2) over any bytes.  Whatever it accepts must come back equal through
 * the writer -- parse(format(st)) == st, format of that byte for byte the
 * same -- and stay so after tailstate_commit.  A state file's last line
 * is a checksum of everything before it, which random bytes never hit: so
 * the input is also tried as the body of a file, its end line made right,
 * for the entries to be parsed too.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "hash.h"
#include "tailstate_text.h"

static int
same_state(const struct tailstate *a, const struct tailstate *b)
{
	size_t i;

	if (a->n != b->n || a->out_known != b->out_known ||
	    (a->out_known && (!a->out_writing != !b->out_writing ||
	    a->out_dev != b->out_dev || a->out_ino != b->out_ino ||
	    a->out_size != b->out_size)))
		return 0;
	for (i = 0; i < a->n; i++)
		if (!tailstate_entry_equal(&a->e[i], &b->e[i]))
			return 0;
	return 1;
}

/* The properties of a state ST that parse accepted. */
static void
round_trip(struct tailstate *st)
{
	struct tailstate back;
	uint64_t line;
	const char *why;
	size_t len, len2, i, pending = 0;
	char *text, *text2;

	for (i = 0; i < st->n; i++) {
		const struct tailstate_entry *e = &st->e[i];

		FUZZ_CHECK(e->name != NULL && e->name[0] != '\0');
		FUZZ_CHECK(e->kind == TAILSTATE_NAME || (e->path != NULL &&
		    e->path[0] != '\0' && e->fplen <= TAILSTATE_FP_MAX &&
		    e->fplen <= e->off && e->headlen <= TAILSTATE_FP_MAX));
		pending += e->pending != 0;
	}
	text = tailstate_format(st, &len);
	tailstate_init(&back);
	FUZZ_CHECK(tailstate_parse(&back, text, len, &line, &why) == 0);
	FUZZ_CHECK(back.version == 2);
	FUZZ_CHECK(same_state(st, &back));
	text2 = tailstate_format(&back, &len2);
	FUZZ_CHECK(len2 == len && memcmp(text, text2, len) == 0);
	free(text2);
	/* Committed: no entry pending, as many or fewer, and still written
	 * and read back the same. */
	FUZZ_CHECK(tailstate_commit(&back) == pending);
	for (i = 0; i < back.n; i++)
		FUZZ_CHECK(!back.e[i].pending);
	FUZZ_CHECK(back.n <= st->n);
	free(text);
	text = tailstate_format(&back, &len);
	tailstate_free(st);
	tailstate_init(st);
	FUZZ_CHECK(tailstate_parse(st, text, len, &line, &why) == 0);
	FUZZ_CHECK(same_state(st, &back));
	free(text);
	tailstate_free(&back);
}

/* Parse LEN bytes; on success check the round trip. */
static void
try_parse(const char *buf, size_t len)
{
	struct tailstate st;
	uint64_t line = 0;
	const char *why = NULL;

	tailstate_init(&st);
	if (tailstate_parse(&st, buf, len, &line, &why) == 0) {
		round_trip(&st);
	} else {
		FUZZ_CHECK(why != NULL && why[0] != '\0');
		FUZZ_CHECK(line >= 1);
	}
	tailstate_free(&st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t body, lines = 0, i;
	char end[64], *buf;
	int n;

	try_parse(p, size);

	/* The input as a body, a right end line after it (its last line
	 * dropped when it is an end line already). */
	body = size;
	if (body > 0 && p[body - 1] == '\n') {
		size_t last = body - 1;

		while (last > 0 && p[last - 1] != '\n')
			last--;
		if (body - last > 4 && memcmp(p + last, "end ", 4) == 0)
			body = last;
	}
	buf = malloc(body + 1 + sizeof end);
	if (buf == NULL)
		return 0;
	memcpy(buf, p, body);
	if (body > 0 && buf[body - 1] != '\n')
		buf[body++] = '\n';
	for (i = 0; i < body; i++)
		lines += buf[i] == '\n';
	n = snprintf(end, sizeof end, "end %zu %016" PRIx64 "\n",
	    lines > 0 ? lines - 1 : 0, hash64(buf, body));
	memcpy(buf + body, end, (size_t)n);
	try_parse(buf, body + (size_t)n);
	free(buf);
	return 0;
}
