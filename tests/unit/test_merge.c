/* Unit tests of lib/merge.c: the loser-tree k-way merge. */
#include <sys/mman.h>

#include "unit.h"
#include "merge.h"
#include "xalloc.h"

/* Merge the NUL-terminated inputs IN[0..K) into one string (records
 * joined by '\n'); the caller frees it. */
static char *
merge_strings(const struct sortorder *o, const char **in, size_t k, int check,
    int keep_cr)
{
	struct merge m;
	struct slice rec;
	const char *names[16];
	int fds[16];
	char *res = xmalloc(64);
	size_t len = 0, cap = 64, i;

	for (i = 0; i < k; i++) {
		fds[i] = unit_bytes_fd(in[i], strlen(in[i]));
		names[i] = "in";
	}
	merge_open(&m, o, k, names, fds, check, keep_cr);
	while (merge_next(&m, &rec)) {
		while (cap < len + rec.len + 2) {
			cap *= 2;
			res = xrealloc(res, cap);
		}
		memcpy(res + len, rec.p, rec.len);
		len += rec.len;
		res[len++] = '\n';
	}
	res[len] = '\0';
	merge_close(&m);
	return res;
}

static void
equal_keys_come_from_earlier_inputs_first(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT };
	const char *in[] = { "a\t1\nb\t1\n", "a\t2\nb\t2\nc\t2\n", "a\t3\n" };
	char *r = merge_strings(&o, in, 3, MERGE_CHECK, 0);

	CHECK_STR(r, "a\t1\na\t2\na\t3\nb\t1\nb\t2\nc\t2\n");
	free(r);
}

static void
empty_inputs_and_single_input(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT };
	const char *in[] = { "", "x\ny", "" };
	char *r = merge_strings(&o, in, 3, MERGE_CHECK, 0);

	CHECK_STR(r, "x\ny\n");
	free(r);
	r = merge_strings(&o, in + 1, 1, MERGE_CHECK, 0);
	CHECK_STR(r, "x\ny\n");
	free(r);
	r = merge_strings(&o, in, 0, MERGE_CHECK, 0);
	CHECK_STR(r, "");
	free(r);
}

static void
reverse_and_numeric_orders(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT, .reverse = 1 };
	const char *in[] = { "c\na\n", "b\n" };
	const char *num[] = { "x\n2\n10\n", "-1\n3\n" };
	char *r = merge_strings(&o, in, 2, MERGE_CHECK, 0);

	CHECK_STR(r, "c\nb\na\n");
	free(r);
	o.reverse = 0;
	o.numeric = 1;
	r = merge_strings(&o, num, 2, MERGE_CHECK, 0);
	CHECK_STR(r, "x\n-1\n2\n3\n10\n");
	free(r);
}

static void
crlf_is_stripped_unless_kept(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT };
	const char *in[] = { "a\r\nb\r\r\n" };
	char *r = merge_strings(&o, in, 1, MERGE_CHECK, 0);

	CHECK_STR(r, "a\nb\r\n");
	free(r);
	r = merge_strings(&o, in, 1, MERGE_TRUST, 1);
	CHECK_STR(r, "a\r\nb\r\r\n");
	free(r);
}

/* Many inputs with many records: the result is sorted and complete. */
static void
many_inputs_merge_completely(void)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT };
	const char *in[13];
	char *bufs[13], *r, *p;
	size_t i, j, lines = 0;

	for (i = 0; i < 13; i++) {
		bufs[i] = xmalloc(20000 * 12);
		p = bufs[i];
		for (j = 0; j < 20000; j++)
			p += sprintf(p, "%07zu\t%zu\n", j * 13 + i, i);
		in[i] = bufs[i];
	}
	r = merge_strings(&o, in, 13, MERGE_CHECK, 0);
	for (p = r, j = 0; *p; j++) {
		char want[32];
		int n = sprintf(want, "%07zu\t%zu\n", j, j % 13);

		if (strncmp(p, want, (size_t)n) != 0)
			break;
		p += n;
		lines++;
	}
	CHECK(lines == 13 * 20000);
	free(r);
	for (i = 0; i < 13; i++)
		free(bufs[i]);
}

static void
merge_disorder(void *arg)
{
	struct sortorder o = { .kv = KVSPEC_DEFAULT, .byvalue = 0 };
	const char *in[] = { "a\nc\n", arg };
	char *r;

	r = merge_strings(&o, in, 2, *(const char *)arg == 'u' ? MERGE_CHECK_STRICT :
	    MERGE_CHECK, 0);
	free(r);
}

static void
out_of_order_input_is_fatal(void)
{
	char err[64];
	FILE *f;
	int st;

	strcpy(err, "/tmp/test_merge.XXXXXX");
	close(mkstemp(err));
	st = unit_child_status(merge_disorder, "a\nb\nb\nab\n", err);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	f = fopen(err, "r");
	if (f != NULL) {
		char line[256] = "";

		if (fgets(line, sizeof line, f) == NULL)
			line[0] = '\0';
		CHECK(strstr(line, "in:4: disorder") != NULL);
		fclose(f);
	}
	/* Repeated keys are fine, except in the strict check. */
	st = unit_child_status(merge_disorder, "a\nb\nb\n", NULL);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = unit_child_status(merge_disorder, "u\nv\nv\n", "/dev/null");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	unlink(err);
}

int
main(void)
{
	unit_module = "merge";
	RUN(equal_keys_come_from_earlier_inputs_first);
	RUN(empty_inputs_and_single_input);
	RUN(reverse_and_numeric_orders);
	RUN(crlf_is_stripped_unless_kept);
	RUN(many_inputs_merge_completely);
	RUN(out_of_order_input_is_fatal);
	return unit_done();
}
