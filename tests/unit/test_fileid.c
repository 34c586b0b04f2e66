/* Unit tests of lib/fileid.c: file identity and content fingerprints. */
#include <fcntl.h>
#include <sys/stat.h>

#include "unit.h"
#include "unitdir.h"
#include "fileid.h"
#include "hash.h"



static int
put(const char *name, const char *text)
{
	int fd = open(path(name), O_RDWR | O_CREAT | O_TRUNC, 0666);

	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	return fd;
}

/* The content known of TEXT read up to OFF. */
static struct fileid_content
known(const char *text, uint64_t off)
{
	struct fileid_content id;
	size_t len = strlen(text);

	memset(&id, 0, sizeof id);
	id.off = off;
	id.fplen = (uint32_t)(off < FILEID_FP_MAX ? off : FILEID_FP_MAX);
	id.fp = hash64(text + off - id.fplen, id.fplen);
	id.headlen = (uint32_t)(len < FILEID_FP_MAX ? len : FILEID_FP_MAX);
	id.head = hash64(text, id.headlen);
	return id;
}

static void
stat_tells_one_file_from_another(void)
{
	struct fileid_stat a, b, c;
	int fd = put("a", "12345");
	int64_t before;

	CHECK(fileid_stat_fd(fd, &a) == 0);
	CHECK(fileid_stat_at(AT_FDCWD, path("a"), 0, &b) == 0);
	CHECK(a.dev == b.dev && a.ino == b.ino && a.size == 5 && a.regular && !a.dir);
	CHECK(a.btime == b.btime && a.mtime == b.mtime);
	CHECK(fileid_stat_at(AT_FDCWD, dir, 0, &c) == 0 && c.dir);
	CHECK(fileid_stat_at(AT_FDCWD, path("nope"), 0, &c) < 0);
	before = fileid_fs_now();
	close(put("b", "x"));
	CHECK(fileid_stat_at(AT_FDCWD, path("b"), 0, &b) == 0);
	/* Born after the clock was read: never stamped before it. */
	CHECK((b.btime != 0 ? b.btime : b.mtime) >= before);
	CHECK(fileid_same_birth(0, 5) && fileid_same_birth(5, 0) &&
	    fileid_same_birth(5, 5) && !fileid_same_birth(5, 6));
	close(fd);
}

static void
verify_and_copies(void)
{
	const char *text = "one\ntwo\nthree\n";
	struct fileid_content id = known(text, 8), empty;
	int fd = put("f", text), cp;

	CHECK(fileid_verify(fd, 14, &id));
	CHECK(!fileid_verify(fd, 7, &id));		/* shorter than the offset */
	close(fd);
	fd = put("f", "ONE\ntwo\nthree\n");	/* same size, other head */
	CHECK(!fileid_verify(fd, 14, &id));
	close(fd);
	cp = put("c", "one\ntwo\nthree\nfour\n");
	CHECK(fileid_copy_of(cp, 19, &id) == FILEID_COPY_CONTINUES);
	close(cp);
	cp = put("c", "one\ntwo\n");	/* a copy of what was read, no more */
	id = known("one\ntwo\n", 8);
	CHECK(fileid_copy_of(cp, 8, &id) == FILEID_COPY_READ);
	close(cp);
	cp = put("c", "uno\ndos\ntres\n");
	CHECK(fileid_copy_of(cp, 13, &id) == FILEID_NOT_COPY);
	memset(&empty, 0, sizeof empty);	/* nothing known: matches nothing */
	CHECK(fileid_copy_of(cp, 13, &empty) == FILEID_NOT_COPY);
	CHECK(fileid_verify(cp, 13, &empty));	/* by inode: nothing to check */
	CHECK(fileid_bytes_match(cp, 8, "dos\n", 4) && !fileid_bytes_match(cp, 8, "two\n", 4));
	close(cp);
}

int
main(void)
{
	unit_module = "fileid";
	if (unit_dir_make("fileid") < 0)
		return 1;
	RUN(stat_tells_one_file_from_another);
	RUN(verify_and_copies);
	return unit_dir_remove() < 0 ? 1 : unit_done();
}
