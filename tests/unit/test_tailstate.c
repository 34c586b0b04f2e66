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
	struct tailstate_entry e = { (char *)name, 42, ino, off,
	    off < TAILSTATE_FP_MAX ? (uint32_t)off : TAILSTATE_FP_MAX,
	    0x0123456789abcdefULL, pending };

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
	size_t len;
	char *text;

	tailstate_init(&a);
	add(&a, "log", 7, 0, 0);
	add(&a, "dir/with space/a\tb\\c\nd", 8, 1000, 0);
	add(&a, "log", 9, 300, 1);
	text = tailstate_format(&a, &len);
	CHECK(strncmp(text, "mr-tail-state 1\nC 42 7 0 0 0123456789abcdef log\n", 47) == 0);
	CHECK(strstr(text, "dir/with space/a\\tb\\\\c\\nd\n") != NULL);
	tailstate_init(&b);
	CHECK(tailstate_parse(&b, text, len, &line, &why) == 0);
	CHECK(b.n == 3);
	CHECK_STR(b.e[1].name, "dir/with space/a\tb\\c\nd");
	CHECK(b.e[1].off == 1000 && b.e[1].fplen == TAILSTATE_FP_MAX && b.e[1].ino == 8);
	CHECK(b.e[2].pending && !b.e[0].pending && b.e[2].fp == 0x0123456789abcdefULL);
	free(text);
	tailstate_free(&a);
	tailstate_free(&b);
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
	CHECK(parse("mr-tail-state 1\nend 0 0000000000000000\n", &st, &line, &why) < 0);
	CHECK_STR(why, "checksum mismatch");
	CHECK(line == 2);
	tailstate_free(&st);
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
	CHECK(tailstate_commit(&st) == 1);
	CHECK(st.n == 2);
	CHECK_STR(st.e[0].name, "b");
	CHECK(st.e[1].off == 50 && !st.e[1].pending);
	CHECK(tailstate_commit(&st) == 0);
	tailstate_remove_name(&st, "b", 0);
	CHECK(st.n == 1);
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
	fputs("mr-tail-state 1\nC 1 2", fp);
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
	RUN(every_damage_is_detected);
	RUN(errors_name_the_line_and_reason);
	RUN(commit_promotes_pending_entries_per_name);
	RUN(save_and_load);
	RUN(corrupt_file_dies_with_status_1);
	snprintf(path, sizeof path, "%s/state", dir);
	unlink(path);
	rmdir(dir);
	return unit_done();
}
