/* Unit tests of lib/tailstate.c: the checkpoint file format and its atomic save. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "unit.h"
#include "msg.h"
#include "tailstate.h"

static char dir[] = "/tmp/mr-unit-tailstate.XXXXXX";

static void
add(struct tailstate *st, const char *name, uint64_t ino, uint64_t off, int pending)
{
	struct tailstate_entry e;

	memset(&e, 0, sizeof e);
	e.kind = TAILSTATE_FILE;
	e.name = (char *)name;
	e.path = (char *)name;
	e.dev = 42;
	e.ino = ino;
	e.btime = 1764800000123456789;
	e.off = off;
	e.fplen = off < TAILSTATE_FP_MAX ? (uint32_t)off : TAILSTATE_FP_MAX;
	e.fp = 0x0123456789abcdefULL;
	e.headlen = 3;
	e.head = 0xfedcba9876543210ULL;
	e.size = off + 7;
	e.mtime = -5;
	e.lines = 12;
	e.lbytes = 340;
	e.pending = pending;
	tailstate_add(st, &e);
}

static void
add_name(struct tailstate *st, const char *name, int64_t horizon, int pending)
{
	struct tailstate_entry e;

	memset(&e, 0, sizeof e);
	e.kind = TAILSTATE_NAME;
	e.name = (char *)name;
	e.horizon = horizon;
	e.pending = pending;
	tailstate_add(st, &e);
}

static int
parse(const char *text, struct tailstate *st, uint64_t *line, const char **why)
{
	tailstate_init(st);
	return tailstate_parse(st, text, strlen(text), line, why);
}

static void
format_then_parse_round_trips(void)
{
	struct tailstate a, b;
	uint64_t line;
	const char *why;
	size_t len, i;
	char *text;

	tailstate_init(&a);
	add_name(&a, "log", 1764800000999999999, 0);
	add(&a, "log", 7, 0, 0);
	add(&a, "dir/with space/a\tb\\c\nd", 8, 1000, 0);
	free(a.e[2].path);
	a.e[2].path = strdup("dir/with space/a\tb\\c\nd.1\r");
	add(&a, "log", 9, 300, 1);
	add_name(&a, "log", INT64_MIN, 1);
	text = tailstate_format(&a, &len);
	CHECK(strncmp(text, "mr-tail-state 2\nN C 1764800000999999999 log\n"
	    "F C 42 7 1764800000123456789 0 0 0123456789abcdef 3 fedcba9876543210 "
	    "7 -5 12 340 log\tlog\n", 129) == 0);
	CHECK(strstr(text, "dir/with space/a\\tb\\\\c\\nd\tdir/with space/a\\tb\\\\c\\nd.1\\r\n") != NULL);
	CHECK(strstr(text, "N P -9223372036854775808 log\n") != NULL);
	tailstate_init(&b);
	CHECK(tailstate_parse(&b, text, len, &line, &why) == 0);
	CHECK(b.n == 5 && b.version == 2);
	for (i = 0; i < a.n && i < b.n; i++)
		CHECK(tailstate_entry_equal(&a.e[i], &b.e[i]));
	CHECK_STR(b.e[2].name, "dir/with space/a\tb\\c\nd");
	CHECK_STR(b.e[2].path, "dir/with space/a\tb\\c\nd.1\r");
	CHECK(b.e[2].off == 1000 && b.e[2].fplen == TAILSTATE_FP_MAX && b.e[2].ino == 8);
	CHECK(b.e[3].pending && !b.e[1].pending && b.e[3].fp == 0x0123456789abcdefULL);
	CHECK(b.e[4].kind == TAILSTATE_NAME && b.e[4].horizon == INT64_MIN);
	free(text);
	tailstate_free(&a);
	tailstate_free(&b);
}

/* The output's record: written after the entries, counted, read back. */
static void
output_record_round_trips(void)
{
	struct tailstate a, b;
	uint64_t line;
	const char *why;
	size_t len;
	char *text;

	tailstate_init(&a);
	add(&a, "log", 7, 10, 0);
	a.out_known = 1;
	a.out_writing = 1;
	a.out_dev = 2049;
	a.out_ino = 77;
	a.out_size = 123456789012;
	text = tailstate_format(&a, &len);
	CHECK(strstr(text, "log\tlog\nO W 2049 77 123456789012\nend 2 ") != NULL);
	tailstate_init(&b);
	CHECK(tailstate_parse(&b, text, len, &line, &why) == 0);
	CHECK(b.n == 1 && b.out_known && b.out_writing && b.out_dev == 2049 &&
	    b.out_ino == 77 && b.out_size == 123456789012);
	tailstate_free(&b);
	free(text);
	a.out_writing = 0;
	text = tailstate_format(&a, &len);
	CHECK(strstr(text, "\nO D 2049 77 123456789012\n") != NULL);
	CHECK(tailstate_parse(&b, text, len, &line, &why) == 0 && !b.out_writing);
	tailstate_free(&b);
	free(text);
	tailstate_free(&a);
	CHECK(parse("mr-tail-state 2\nO W 1 2\nend 1 0000000000000000\n", &b,
	    &line, &why) < 0);
	tailstate_free(&b);
}

/* A version 1 file (no horizons, no heads) is still read. */
static void
version_1_is_read(void)
{
	struct tailstate st;
	uint64_t line;
	const char *why;
	char text[256];
	size_t n;

	n = (size_t)snprintf(text, sizeof text,
	    "mr-tail-state 1\nC 42 7 120 120 0123456789abcdef app.log\n"
	    "P 42 8 3 3 0000000000000001 b\\tc\n");
	n += (size_t)snprintf(text + n, sizeof text - n, "end 2 %016llx\n",
	    (unsigned long long)tailstate_fingerprint(text, n));
	tailstate_init(&st);
	CHECK(tailstate_parse(&st, text, n, &line, &why) == 0);
	CHECK(st.version == 1 && st.n == 2);
	CHECK(st.e[0].kind == TAILSTATE_FILE && st.e[0].off == 120 &&
	    st.e[0].size == 120 && st.e[0].btime == 0 && st.e[0].headlen == 0);
	CHECK_STR(st.e[0].path, "app.log");
	CHECK(st.e[1].pending);
	CHECK_STR(st.e[1].name, "b\tc");
	tailstate_free(&st);
}

static void
every_damage_is_detected(void)
{
	struct tailstate a, b;
	uint64_t line;
	const char *why;
	size_t len, cut, i;
	char *text;

	tailstate_init(&a);
	add(&a, "log", 7, 120, 0);
	add(&a, "log", 8, 30, 0);
	text = tailstate_format(&a, &len);
	/* Every proper prefix is rejected (a truncated write). */
	for (cut = 0; cut < len; cut++) {
		tailstate_init(&b);
		CHECK(tailstate_parse(&b, text, cut, &line, &why) < 0);
		tailstate_free(&b);
	}
	/* Every single changed byte is rejected. */
	for (i = 0; i < len; i++) {
		text[i] ^= 0x01;
		tailstate_init(&b);
		CHECK(tailstate_parse(&b, text, len, &line, &why) < 0);
		tailstate_free(&b);
		text[i] ^= 0x01;
	}
	tailstate_init(&b);
	CHECK(tailstate_parse(&b, text, len, &line, &why) == 0);
	tailstate_free(&b);
	free(text);
	tailstate_free(&a);
}

/* bad_entry: why a version 2 file of the one entry LINE is rejected, or
 * "" when it is not (the end line is made right). */
static const char *
bad_entry(const char *line)
{
	struct tailstate st;
	char text[512];
	uint64_t l;
	const char *why = "";
	size_t n;

	n = (size_t)snprintf(text, sizeof text, "mr-tail-state 2\n%s\n", line);
	n += (size_t)snprintf(text + n, sizeof text - n, "end 1 %016llx\n",
	    (unsigned long long)tailstate_fingerprint(text, n));
	tailstate_init(&st);
	if (tailstate_parse(&st, text, n, &l, &why) == 0)
		why = "";
	else if (l != 2)
		why = "wrong line";
	tailstate_free(&st);
	return why;
}

static void
errors_name_the_line_and_reason(void)
{
	struct tailstate st;
	uint64_t line;
	const char *why;

	CHECK(parse("", &st, &line, &why) < 0);
	CHECK_STR(why, "empty file");
	CHECK(parse("hello\n", &st, &line, &why) < 0);
	CHECK_STR(why, "not an mr-tail state file");
	CHECK(line == 1);
	CHECK(parse("mr-tail-state 1\nC 1 2 3 3 0123456789abcdef x\n", &st, &line, &why) < 0);
	CHECK_STR(why, "truncated file (no end line)");
	CHECK(line == 3);
	CHECK(parse("mr-tail-state 2\nend 0 0000000000000000\n", &st, &line, &why) < 0);
	CHECK_STR(why, "checksum mismatch");
	CHECK(line == 2);
	CHECK(parse("mr-tail-state 3\nend 0 0000000000000000\n", &st, &line, &why) < 0);
	CHECK_STR(why, "not an mr-tail state file");
	tailstate_free(&st);
	CHECK_STR(bad_entry("C 1 2 3 3 0123456789abcdef x"), "malformed entry");
	CHECK_STR(bad_entry("F C 1 2 0 3 4 0123456789abcdef 0 0000000000000000 3 0 1 3 x\tx"), "fingerprint length out of range");
	CHECK_STR(bad_entry("F C 1 2 0 3 3 0123456789abcdef 257 0000000000000000 3 0 1 3 x\tx"), "head length out of range");
	CHECK_STR(bad_entry("F C 1 2 0 3 3 0123456789abcdef 0 0000000000000000 3 0 1 3 x"), "malformed file name");
	CHECK_STR(bad_entry("F C 1 2 0 3 3 0123456789abcdef 0 0000000000000000 3 0 1 3 x\t"), "malformed file name");
	CHECK_STR(bad_entry("N C 9223372036854775808 x"), "malformed entry");
	CHECK_STR(bad_entry("N C -9223372036854775809 x"), "malformed entry");
	CHECK_STR(bad_entry("N X 1 x"), "malformed entry");
	CHECK_STR(bad_entry("N C 1 a\\qb"), "malformed file name");
	CHECK_STR(bad_entry("N C 1 "), "malformed entry");
	CHECK_STR(bad_entry("N C 1 x"), "");
	/* The extremes the writer may write are read back. */
	CHECK_STR(bad_entry("F C 18446744073709551615 18446744073709551615 "
	    "-9223372036854775808 18446744073709551615 256 0123456789abcdef 256 "
	    "0000000000000000 18446744073709551615 9223372036854775807 "
	    "18446744073709551615 18446744073709551615 x\tx"), "");
	CHECK_STR(bad_entry("F C 18446744073709551616 1 0 0 0 0123456789abcdef 0 "
	    "0000000000000000 0 0 0 0 x\tx"), "malformed entry");
}

static void
commit_promotes_pending_entries_per_name(void)
{
	struct tailstate st;

	tailstate_init(&st);
	add(&st, "a", 1, 10, 0);
	add(&st, "a", 2, 5, 0);
	add(&st, "b", 3, 7, 0);
	add(&st, "a", 2, 50, 1);
	add_name(&st, "a", 77, 1);
	CHECK(tailstate_commit(&st) == 2);
	CHECK(st.n == 3);
	CHECK_STR(st.e[0].name, "b");
	CHECK(st.e[1].off == 50 && !st.e[1].pending);
	CHECK(st.e[2].kind == TAILSTATE_NAME && st.e[2].horizon == 77 && !st.e[2].pending);
	CHECK(tailstate_commit(&st) == 0);
	tailstate_remove_name(&st, "b", 0);
	CHECK(st.n == 2);
	tailstate_free(&st);
}

/* The directory holds only NAME after a save: the temporary file was renamed. */
static int
only_entry(const char *name)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, found = 0;

	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		found |= strcmp(e->d_name, name) == 0;
	}
	closedir(d);
	return n == 1 && found;
}

static void
save_and_load(void)
{
	struct tailstate a, b;
	char path[256];
	struct stat sb1, sb2;

	snprintf(path, sizeof path, "%s/state", dir);
	tailstate_init(&a);
	tailstate_init(&b);
	CHECK(tailstate_load(&b, path) == -1);	/* no state yet */
	add(&a, "log", 5, 99, 0);
	tailstate_save(&a, path);
	CHECK(only_entry("state"));
	stat(path, &sb1);
	add(&a, "log2", 6, 1, 0);
	tailstate_save(&a, path);
	stat(path, &sb2);
	CHECK(sb1.st_ino != sb2.st_ino);	/* replaced, never rewritten in place */
	CHECK(only_entry("state"));
	CHECK(tailstate_load(&b, path) == 0);
	CHECK(b.n == 2 && b.e[1].ino == 6);
	tailstate_free(&a);
	tailstate_free(&b);
}

/* A version 1 file's names get a horizon: the time the file was written. */
static void
load_gives_version_1_names_a_horizon(void)
{
	struct tailstate st;
	char path[256], text[256];
	struct stat sb;
	size_t n;
	FILE *fp;

	snprintf(path, sizeof path, "%s/state", dir);
	n = (size_t)snprintf(text, sizeof text,
	    "mr-tail-state 1\nC 42 7 120 120 0123456789abcdef app.log\n"
	    "C 42 9 0 0 0000000000000000 app.log\n");
	snprintf(text + n, sizeof text - n, "end 2 %016llx\n",
	    (unsigned long long)tailstate_fingerprint(text, n));
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	stat(path, &sb);
	tailstate_init(&st);
	CHECK(tailstate_load(&st, path) == 0);
	CHECK(st.n == 3 && st.e[2].kind == TAILSTATE_NAME);
	CHECK_STR(st.e[2].name, "app.log");
	CHECK(st.e[2].horizon == (int64_t)sb.st_mtim.tv_sec * 1000000000 +
	    sb.st_mtim.tv_nsec);
	tailstate_free(&st);
}

static void
load_corrupt(void *arg)
{
	struct tailstate st;

	tailstate_init(&st);
	tailstate_load(&st, arg);
}

static void
corrupt_file_dies_with_status_1(void)
{
	char path[256], err[256], msg[512] = "";
	FILE *fp;
	int status;

	snprintf(path, sizeof path, "%s/bad", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	fp = fopen(path, "w");
	fputs("mr-tail-state 2\nF C 1 2", fp);
	fclose(fp);
	status = unit_child_status(load_corrupt, path, err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	fp = fopen(err, "r");
	if (fgets(msg, sizeof msg, fp) == NULL)
		msg[0] = '\0';
	fclose(fp);
	CHECK(strstr(msg, "bad:2: corrupt state file: truncated file (no end line)") != NULL);
	unlink(path);
	unlink(err);
}

int
main(void)
{
	char path[256];

	unit_module = "tailstate";
	msg_init("mr-tail");
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(format_then_parse_round_trips);
	RUN(output_record_round_trips);
	RUN(version_1_is_read);
	RUN(every_damage_is_detected);
	RUN(errors_name_the_line_and_reason);
	RUN(commit_promotes_pending_entries_per_name);
	RUN(save_and_load);
	RUN(load_gives_version_1_names_a_horizon);
	RUN(corrupt_file_dies_with_status_1);
	snprintf(path, sizeof path, "%s/state", dir);
	unlink(path);
	rmdir(dir);
	return unit_done();
}
