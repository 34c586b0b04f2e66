/*
 * fuzz_opspec: mr-reduce's operation list, as main() reads its arguments:
 * agg_parse_op on each word (the input's first line, words split at
 * spaces), against a model of the names and the ":FIELD" suffix written
 * here; then agg_spec_init's layout of what the accepted operations keep,
 * checked for its invariants; then the rest of the input's lines as the
 * records of one key (agg_read, agg_add, the fast sums path), and every
 * result printed, each numeric one a number num_scan reads.
 */
#include <string.h>

#include "agg.h"
#include "fuzz.h"

#define MAX_OPS 16

static const char *const names[] = {
	"count", "sum", "min", "max", "range", "mean", "median", "q1", "q3",
	"iqr", "mode", "first", "last", "unique", "countunique", "collapse",
	"sstdev", "pstdev", "svar", "pvar",
};

/* Digits only, 1 to 9 of them, as a number no larger than MAX; else -1. */
static long
model_number(const char *s, size_t n, long max)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/*
 * The model of an operation word: NAME or NAME:FIELD, NAME one of the
 * table or pNN (0 to 100), FIELD 1 to 1000000.  *FIELD and *PCT as read.
 */
static int
model(const char *w, long *field, long *pct, const char **name)
{
	const char *colon = strchr(w, ':');
	size_t n = colon ? (size_t)(colon - w) : strlen(w), i;

	*field = 1;
	*pct = -1;
	*name = NULL;
	if (colon != NULL &&
	    (*field = model_number(colon + 1, strlen(colon + 1), 1000000)) < 1)
		return 0;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == n && strncmp(w, names[i], n) == 0) {
			*name = names[i];
			return 1;
		}
	if (n >= 2 && w[0] == 'p' && (*pct = model_number(w + 1, n - 1, 100)) >= 0)
		return 1;
	return 0;
}

static int
numeric(const char *name)
{
	return name == NULL || (strcmp(name, "first") != 0 &&
	    strcmp(name, "last") != 0 && strcmp(name, "unique") != 0 &&
	    strcmp(name, "collapse") != 0);
}

/* The layout: fields ascending and distinct, blocks inside, apart. */
static void
check_spec(const struct agg_spec *s)
{
	size_t offs[6 * MAX_OPS], n = 0, i, j;
	int f, k;

	FUZZ_CHECK(s->size % 8 == 0 && s->size >= 8);
	for (f = 0; f < s->nfields; f++) {
		const struct agg_field *af = &s->fields[f];

		FUZZ_CHECK(f == 0 || s->fields[f - 1].field < af->field);
		FUZZ_CHECK(af->flags != 0);
		if (af->flags & AGGF_SUM)
			offs[n++] = af->sum_off;
		if (af->flags & AGGF_MINMAX)
			offs[n++] = af->minmax_off;
		if (af->flags & AGGF_VALS)
			offs[n++] = af->vals_off;
		if (af->flags & AGGF_STRS)
			offs[n++] = af->strs_off;
		if (af->flags & AGGF_FIRST)
			offs[n++] = af->first_off;
		if (af->flags & AGGF_LAST)
			offs[n++] = af->last_off;
	}
	/* Distinct offsets past the count, each block at least 8 bytes. */
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(offs[i] >= 8 && offs[i] + 8 <= s->size && offs[i] % 8 == 0);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(offs[i] != offs[j]);
	}
	for (k = 0; k < s->nops; k++) {
		const struct agg_op *op = &s->ops[k];

		/* count reads no field: it may point at one or at none. */
		if (op->kind == AGG_COUNT && op->fi == -1)
			continue;
		FUZZ_CHECK(op->fi >= 0 && op->fi < s->nfields);
		FUZZ_CHECK(s->fields[op->fi].field == op->field);
	}
	k = 1;
	for (f = 0; f < s->nfields; f++)
		if (s->fields[f].flags != (AGGF_NUM | AGGF_SUM))
			k = 0;
	FUZZ_CHECK(s->sums_only == k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[512], *save = NULL, *w, buf[NUM_FMT_MAX];
	const char *p = (const char *)data, *end = p + size, *nl, *name;
	struct agg_op ops[MAX_OPS];
	struct agg_spec spec;
	struct agg_input in;
	struct agg_fast fast;
	struct num_text t;
	long field, pct;
	size_t n;
	int nops = 0, bad, i, want;
	void *state;

	nl = memchr(p, '\n', size);
	n = (size_t)((nl ? nl : end) - p);
	if (n >= sizeof line || memchr(p, '\0', n) != NULL)
		return 0;
	memcpy(line, p, n);
	line[n] = '\0';
	for (w = strtok_r(line, " ", &save); w != NULL && nops < MAX_OPS;
	    w = strtok_r(NULL, " ", &save)) {
		want = model(w, &field, &pct, &name);
		FUZZ_CHECK((agg_parse_op(w, &ops[nops]) == 0) == want);
		if (!want)
			continue;
		FUZZ_CHECK(ops[nops].field == field);
		if (pct >= 0)
			FUZZ_CHECK(ops[nops].kind == AGG_PCT && ops[nops].pct == pct);
		FUZZ_CHECK(agg_numeric(ops[nops].kind) == numeric(name));
		nops++;
	}
	if (nops == 0)
		return 0;
	agg_spec_init(&spec, ops, nops);
	check_spec(&spec);
	agg_input_init(&spec, &in);
	state = calloc(1, spec.size);
	/* The remaining lines: the values of one key's records. */
	for (p = nl ? nl + 1 : end; p < end; p = nl ? nl + 1 : end) {
		struct slice v;

		nl = memchr(p, '\n', (size_t)(end - p));
		v.p = (char *)p;
		v.len = (size_t)((nl ? nl : end) - p);
		if (agg_parse_sums(&spec, v, '\t', &fast) &&
		    agg_add_sums(&spec, state, &fast))
			continue;
		if (agg_read(&spec, v, '\t', &in, &bad) == AGG_OK)
			agg_add(&spec, state, &in);
		else
			FUZZ_CHECK(bad >= 0 && bad < spec.nfields);
	}
	for (i = 0; agg_count(state) > 0 && i < nops; i++) {
		if (!agg_numeric(ops[i].kind))
			continue;
		n = agg_format_num(&spec, state, i, buf);
		FUZZ_CHECK(n == strlen(buf) && n < NUM_FMT_MAX);
		FUZZ_CHECK(num_scan(buf, n, &t) == 0);
	}
	agg_free(&spec, state);
	free(state);
	agg_input_free(&in);
	free(spec.fields);
	return 0;
}
