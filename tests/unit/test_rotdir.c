/* Unit tests of lib/rotdir.c: the files of a rotation set, listed, opened,
 * ordered, and never mr-tail's own (the state, its temporaries, stdout's). */
#include <fcntl.h>
#include <sys/stat.h>

#include "unit.h"
#include "unitdir.h"
#include "rotdir.h"

static char prefix[300];


static void
put(const char *name, const char *text)
{
	FILE *fp = fopen(path(name), "w");

	fputs(text, fp);
	fclose(fp);
}

static struct rotdir
rd_of(const char *base)
{
	struct rotdir rd = { dir, base, prefix, NULL, 0, NULL };

	return rd;
}

static const struct rotdir_file *
find(const struct rotdir_file *c, size_t n, const char *ent)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(c[i].ent, ent) == 0)
			return &c[i];
	return NULL;
}

static void
lists_the_set_only(void)
{
	struct rotdir rd = rd_of("app.log");
	struct rotdir_file *c;
	size_t n;

	put("app.log", "now\n");
	put("app.log.1", "one\n");
	put("app.log.2.gz", "");
	put("app.log-20261204", "dated\n");
	put("other", "x\n");
	mkdir(path("app.log.3"), 0777);	/* not a regular file */
	n = rotdir_list(&rd, &c);
	CHECK(n == 3);
	CHECK(find(c, n, "app.log.1") != NULL && find(c, n, "app.log.2.gz") != NULL &&
	    find(c, n, "app.log-20261204") != NULL);
	CHECK(strcmp(find(c, n, "app.log.1")->path, path("app.log.1")) == 0);
	CHECK(strcmp(find(c, n, "app.log.2.gz")->rn.unpack, "gzip") == 0);
	rotdir_free(c, n);
	rmdir(path("app.log.3"));
}

static void
opens_the_file_listed_wherever_it_went(void)
{
	struct rotdir rd = rd_of("app.log");
	struct rotdir_file *c, *one;
	struct stat sb;
	size_t n;
	int fd;

	n = rotdir_list(&rd, &c);
	one = (struct rotdir_file *)find(c, n, "app.log.1");
	rename(path("app.log.1"), path("app.log.7"));	/* rotated meanwhile */
	put("app.log.1", "another file\n");
	fd = rotdir_open(&rd, one);
	CHECK(fd >= 0 && fstat(fd, &sb) == 0 && sb.st_ino == one->fi.ino);
	CHECK(strcmp(one->path, path("app.log.7")) == 0);
	/* The listed name stays, comparable with the listing's others. */
	CHECK(strcmp(one->ent, "app.log.1") == 0);
	close(fd);
	unlink(path("app.log.7"));
	CHECK(rotdir_open(&rd, one) == -1);	/* gone */
	rotdir_free(c, n);
}

static void
orders_by_name_then_birth_then_time(void)
{
	struct rotdir_file a, b;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.ent = "l.3";
	b.ent = "l.1";
	rotset_match("l", "l.3", NULL, 0, &a.rn);
	rotset_match("l", "l.1", NULL, 0, &b.rn);
	a.fi.btime = 200;	/* the names win: logrotate's numbers */
	b.fi.btime = 100;
	CHECK(rotdir_older(&a, &b) && !rotdir_older(&b, &a));
	rotset_match("l", "x", (char *[]){ "x", "y" }, 2, &a.rn);
	rotset_match("l", "y", (char *[]){ "x", "y" }, 2, &b.rn);
	a.ent = "x";
	b.ent = "y";
	CHECK(rotdir_older(&b, &a));	/* no names: birth */
	b.changed = 1;			/* truncated since: birth says nothing */
	a.fi.mtime = 5;
	b.fi.mtime = 9;
	CHECK(rotdir_older(&a, &b));
}

static void
born_since_the_horizon(void)
{
	struct rotdir_file c;

	memset(&c, 0, sizeof c);
	c.fi.btime = 10 * FILEID_NS + 5;
	CHECK(rotdir_born_since(&c, 10 * FILEID_NS + 5) &&
	    !rotdir_born_since(&c, 10 * FILEID_NS + 6));
	rotset_match("l", "l.1.bz2", NULL, 0, &c.rn);
	c.fi.mtime = 10 * FILEID_NS;	/* kept to the second by bzip2 */
	CHECK(rotdir_born_since(&c, 10 * FILEID_NS + 400));
	CHECK(!rotdir_born_since(&c, 11 * FILEID_NS));
	c.fi.mtime = 10 * FILEID_NS + 3;	/* kept to the nanosecond */
	CHECK(!rotdir_born_since(&c, 10 * FILEID_NS + 400));
}

static void
compressed_beside_its_original_and_gzip_size(void)
{
	struct rotdir rd = rd_of("g");
	struct rotdir_file *c;
	char cmd[700];
	size_t n;

	put("g.1", "hello\n");
	put("g.1.gz", "");	/* a compressor at work */
	n = rotdir_list(&rd, &c);
	CHECK(rotdir_being_compressed(c, n, find(c, n, "g.1.gz")));
	rotdir_free(c, n);
	if (system("command -v gzip >/dev/null") != 0)
		return;
	unlink(path("g.1.gz"));
	snprintf(cmd, sizeof cmd, "gzip %s", path("g.1"));
	CHECK(system(cmd) == 0);
	n = rotdir_list(&rd, &c);
	CHECK(n == 1 && !rotdir_being_compressed(c, n, &c[0]));
	CHECK(rotdir_gzip_size(&rd, &c[0]) == 6);
	rotdir_free(c, n);
}

/* The entries of the listing of RD, sorted, space-separated, in BUF. */
static const char *
listed(const struct rotdir *rd, char *buf, size_t size)
{
	struct rotdir_file *c;
	size_t n = rotdir_list(rd, &c), i, j, len = 0;

	for (i = 1; i < n; i++)	/* sorted by name: the listing's order is readdir's */
		for (j = i; j > 0 && strcmp(c[j - 1].ent, c[j].ent) > 0; j--) {
			struct rotdir_file t = c[j];

			c[j] = c[j - 1];
			c[j - 1] = t;
		}
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "",
		    c[i].ent);
	rotdir_free(c, n);
	return buf;
}

/*
 * A glob as wide as 'app.log*' (and '.app.log*') matches the state file,
 * its temporaries and the file standard output writes to: none of them
 * is ever a generation of the log.  The output is known by its inode (a
 * link to it under a numbered name too); a name only like a temporary's
 * is not one.
 */
static void
own_files_are_never_in_the_set(void)
{
	static char *globs[] = { "app.log*", ".app.log*" };
	struct rotdir rd = rd_of("app.log");
	struct rotdir_exclude ex;
	char buf[512], own[sizeof prefix - 1];
	int out, fds[2];

	mkdir(path("own"), 0777);
	snprintf(own, sizeof own, "%s", path("own"));
	rd.dir = own;
	snprintf(prefix, sizeof prefix, "%s/", rd.dir);
	rd.globs = globs;
	rd.nglobs = 2;
	put("own/app.log", "now\n");
	put("own/app.log.1", "one\n");
	put("own/app.log.state", "state\n");
	put("own/.app.log.state.Ab12Cd", "a temporary of it\n");
	put("own/.app.log.state.Ab12Cd9", "not a temporary: 7 characters\n");
	put("own/app.log.out", "standard output\n");
	link(path("own/app.log.out"), path("own/app.log.9"));
	/* Without the exclusion, all of them would be taken. */
	CHECK_STR(listed(&rd, buf, sizeof buf), ".app.log.state.Ab12Cd "
	    ".app.log.state.Ab12Cd9 app.log.1 app.log.9 app.log.out app.log.state");
	out = open(path("own/app.log.out"), O_WRONLY | O_APPEND);
	rotdir_exclude_init(&ex, path("own/app.log.state"), out);
	rd.ex = &ex;
	CHECK_STR(listed(&rd, buf, sizeof buf), ".app.log.state.Ab12Cd9 app.log.1");
	close(out);
	/* An output that is no regular file (a pipe) excludes nothing. */
	if (pipe(fds) == 0) {
		rotdir_exclude_init(&ex, path("own/app.log.state"), fds[1]);
		CHECK(!ex.has_out);
		CHECK_STR(listed(&rd, buf, sizeof buf), ".app.log.state.Ab12Cd9 "
		    "app.log.1 app.log.9 app.log.out");
		close(fds[0]);
		close(fds[1]);
	}
	snprintf(prefix, sizeof prefix, "%s/", dir);
}

/*
 * The state is known by its directory's identity and its name there, not
 * by how its path is spelled: through a symbolic link, a "..", or a bare
 * name in the working directory, it is the same file.  A state of the
 * same name in another directory is another file: the log's stays listed.
 */
static void
state_known_by_its_directory_not_its_spelling(void)
{
	static char *globs[] = { "app.log*" };
	struct rotdir rd = rd_of("app.log");
	struct rotdir_exclude ex;
	char buf[512], spelled[400], cwd[400], own[sizeof prefix - 1];

	snprintf(own, sizeof own, "%s", path("own"));
	rd.dir = own;
	snprintf(prefix, sizeof prefix, "%s/", rd.dir);
	rd.globs = globs;
	rd.nglobs = 1;
	rd.ex = &ex;
	symlink("own", path("link"));
	mkdir(path("elsewhere"), 0777);
	snprintf(spelled, sizeof spelled, "%s/link/app.log.state", dir);
	rotdir_exclude_init(&ex, spelled, -1);
	CHECK_STR(listed(&rd, buf, sizeof buf), "app.log.1 app.log.9 app.log.out");
	snprintf(spelled, sizeof spelled, "%s/elsewhere/../own/app.log.state", dir);
	rotdir_exclude_init(&ex, spelled, -1);
	CHECK_STR(listed(&rd, buf, sizeof buf), "app.log.1 app.log.9 app.log.out");
	if (getcwd(cwd, sizeof cwd) != NULL && chdir(path("own")) == 0) {
		rotdir_exclude_init(&ex, "app.log.state", -1);
		CHECK(chdir(cwd) == 0);
		CHECK_STR(listed(&rd, buf, sizeof buf), "app.log.1 app.log.9 app.log.out");
	}
	rotdir_exclude_init(&ex, path("elsewhere/app.log.state"), -1);
	CHECK_STR(listed(&rd, buf, sizeof buf),
	    "app.log.1 app.log.9 app.log.out app.log.state");
	snprintf(prefix, sizeof prefix, "%s/", dir);
}

int
main(void)
{
	unit_module = "rotdir";
	if (unit_dir_make("rotdir") < 0)
		return 1;
	snprintf(prefix, sizeof prefix, "%s/", dir);
	RUN(lists_the_set_only);
	RUN(opens_the_file_listed_wherever_it_went);
	RUN(orders_by_name_then_birth_then_time);
	RUN(born_since_the_horizon);
	RUN(compressed_beside_its_original_and_gzip_size);
	RUN(own_files_are_never_in_the_set);
	RUN(state_known_by_its_directory_not_its_spelling);
	return unit_dir_remove() < 0 ? 1 : unit_done();
}
