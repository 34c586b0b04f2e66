/* mr-tail: the state file (saved, checked, locked, committed) and
 * standard output's record in it (a torn line of a killed run cut, the
 * lines a closed output accepted). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "follow.h"
#include "follow_marks.h"
#include "msg.h"
#include "out.h"
#include "tailstate_file.h"

#include "tail.h"

struct out out;
const char *state_path;
struct tailstate loaded;
struct tailstate start;	/* --no-commit: where names new to STATE began */
int no_commit;
struct follow_marks marks;	/* what the output's bytes stand for */
static struct stat out_sb;	/* standard output, when a regular file */
static int out_regular;

/* ST records standard output's file and its size now, when a regular file. */
static void
record_output(struct tailstate *st, int writing)
{
	struct stat sb;

	st->out_known = 0;
	if (out_regular && fstat(1, &sb) == 0) {
		st->out_known = 1;
		st->out_writing = writing;
		st->out_dev = (uint64_t)sb.st_dev;
		st->out_ino = (uint64_t)sb.st_ino;
		st->out_size = (uint64_t)sb.st_size;
	}
}

/*
 * The state to write: other names' entries as loaded, then ours, and
 * standard output's file with its size now (WRITING until the run ends:
 * a torn line past that size is then ours, see cut_torn_line).  With
 * --no-commit our committed entries stay (for a name new to the state:
 * where this run began, so that a retry reads the same lines, whatever
 * was rotated meanwhile) and ours are recorded as pending.
 */
void
save_state(int writing)
{
	struct tailstate st;
	size_t i, j;

	tailstate_init(&st);
	record_output(&st, writing);
	for (i = 0; i < loaded.n; i++) {
		const struct tailstate_entry *e = &loaded.e[i];
		int ours = 0;

		for (j = 0; j < nfiles && !ours; j++)
			ours = strcmp(files[j].f.key, e->name) == 0;
		if (!ours || (no_commit && !e->pending))
			tailstate_add(&st, e);
	}
	for (i = 0; i < start.n; i++)
		tailstate_add(&st, &start.e[i]);
	for (i = 0; i < nfiles; i++)
		follow_export(&files[i].f, &st, no_commit);
	tailstate_save(&st, state_path);
	tailstate_free(&st);
}

/*
 * A run killed while writing to a regular file may have left part of a
 * line at its end (a write(2) to a file is cut short when the writer is
 * killed between pages).  That line was never checkpointed and comes
 * again whole.  The part is cut only when it is provably ours: the state
 * says a run was writing to this very file (device, inode) and had
 * written it up to a size the part lies past.  Anything else that ends
 * inside a line (another program's data, a fresh state) is left as it is,
 * and said.
 */
static void
cut_torn_line(void)
{
	char buf[64 * 1024], n1[32];
	off_t end, pos, from;
	int fd;

	if (!out_regular || out_sb.st_size == 0)
		return;
	/* ">> out" opens it write-only: read it through a descriptor of our own. */
	if ((fd = open("/proc/self/fd/1", O_RDONLY | O_CLOEXEC)) < 0)
		return;
	end = pos = out_sb.st_size;
	if (pread(fd, buf, 1, end - 1) != 1 || buf[0] == '\n') {
		close(fd);
		return;
	}
	from = loaded.out_known && loaded.out_writing &&
	    loaded.out_dev == (uint64_t)out_sb.st_dev &&
	    loaded.out_ino == (uint64_t)out_sb.st_ino &&
	    loaded.out_size < (uint64_t)end ? (off_t)loaded.out_size : end;
	/* Where our writing began, a line began (or the file). */
	if (from > 0 && from < end &&
	    (pread(fd, buf, 1, from - 1) != 1 || buf[0] != '\n'))
		from = end;
	while (pos > from) {
		size_t len = pos - from < (off_t)sizeof buf ? (size_t)(pos - from) :
		    sizeof buf;
		char *nl;

		if (pread(fd, buf, len, pos - (off_t)len) != (ssize_t)len) {
			from = end;
			break;
		}
		nl = memrchr(buf, '\n', len);
		if (nl != NULL) {
			pos = pos - (off_t)len + (nl - buf) + 1;
			break;
		}
		pos -= (off_t)len;
	}
	close(fd);
	if (from == end) {
		warn("standard output: ends inside a line this state's runs did "
		    "not write; left as it is (the first line written goes on "
		    "after it)");
		return;
	}
	if (ftruncate(1, pos) < 0) {
		warn("standard output: ends inside a line; cannot cut it:");
		return;
	}
	warn("standard output: ended inside a line (a run killed while writing "
	    "it); cut its %s bytes, the line comes again whole",
	    follow_format_count((uint64_t)(end - pos), n1, sizeof n1));
}

/*
 * What an uncommitted batch (the pending entry of the same file) read of
 * committed entry E's file: if that file is gone before the retry, its
 * loss is counted as far as the batch saw it, its lines exactly.
 */
void
pending_knowledge(struct tailstate_entry *e)
{
	size_t i;

	for (i = 0; i < loaded.n; i++) {
		const struct tailstate_entry *p = &loaded.e[i];

		if (!p->pending || p->kind != TAILSTATE_FILE ||
		    strcmp(p->name, e->name) != 0 || p->dev != e->dev ||
		    p->ino != e->ino || p->btime != e->btime || p->off < e->off ||
		    p->headlen < e->headlen ||
		    (p->headlen == e->headlen && p->head != e->head))
			continue;	/* (not the content the entry knows) */
		e->pend_size = p->size;
		e->pend_off = p->off;
		e->pend_lines = p->lines >= e->lines ? p->lines - e->lines : 0;
	}
}

/* One run at a time per state: a second fails at once (cron overlapping
 * itself would print a batch twice, two followers everything twice). */
void
lock_state(int create)
{
	if (tailstate_lock(state_path, create) < 0)
		die("%s: in use by another mr-tail run with this state", state_path);
}

/* --commit: the pending positions of STATE become the committed ones. */
int
commit_state(void)
{
	lock_state(0);
	if (tailstate_load(&loaded, state_path) < 0)
		die("%s: No such file or directory", state_path);
	if (tailstate_commit(&loaded) > 0)
		tailstate_save(&loaded, state_path);
	return EXIT_OK;
}

/*
 * The reader went away (a closed pipe): the state covers exactly the
 * whole lines the output accepted, whatever was still pending; lines a
 * reader accepted and dropped unread are not read again.
 */
void
output_closed(struct out *o)
{
	if (state_path == NULL)
		return;
	follow_marks_rewind(&marks, o->bytes);
	save_state(0);
}

/* Standard output in whole lines, a torn end left by a killed run cut. */
void
open_output(void)
{
	out_init(&out, 1, "standard output");
	out_whole_lines(&out);
	out.on_closed = output_closed;
	out_regular = fstat(1, &out_sb) == 0 && S_ISREG(out_sb.st_mode);
	if (state_path != NULL)
		cut_torn_line();
}

/* The checkpoint before anything is read: the whole state when it must
 * be (MUST_SAVE), else the positions as loaded with only the output's
 * record new when that is a regular file, else only a check that the
 * state can be written. */
void
save_start_state(int must_save)
{
	if (must_save) {
		save_state(1);
	} else if (out_regular) {
		record_output(&loaded, 1);
		tailstate_save(&loaded, state_path);
	} else {
		tailstate_check_writable(&loaded, state_path);
	}
}
