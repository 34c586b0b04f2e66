/*
 * tailmodel: a randomized model of log rotation, to prove that mr-tail
 * loses no line through any chain of rotations.
 *
 * usage: tailmodel [-q] [-k] [-W] [-s SEED] [-t SECONDS] [-m inotify|poll|cron] MR-TAIL
 *
 * A writer appends numbered lines to app.log (some in two writes, some
 * long) while the model rotates it by random schedules: rename chains
 * (numbered names shifted as logrotate does, or dated names), with the
 * new file created at once or after a delay, late writes to the rotated
 * file, copytruncate (sometimes racing a write), compression of rotated
 * files (gzip, bzip2, xz, zstd: those installed), bursts of rotations
 * within milliseconds, same-size rewrites (a copytruncate, as many bytes
 * written again, and a rename, at once: see same_size_rewrite; -W leaves
 * them out, giving the schedules of soaks before they were in), and the
 * oldest files deleted past six.  mr-tail
 * runs meanwhile:
 *
 *   inotify  mr-tail -b -s st app.log >>out, killed with -9 at random
 *            (then rotations while it is down), stopped (SIGSTOP) while
 *            rotations happen, stopped cleanly and restarted;
 *   poll     the same with --poll of 10 to 200 ms;
 *   cron     runs of mr-tail --once -s st (some killed with -9 midway)
 *            and exactly-once jobs: --once --no-commit into a batch,
 *            then either the batch appended to out and --commit, or the
 *            job failed (batch dropped, or the run killed).
 *
 * At the end everything is read, and the output is checked against what
 * was written: every line whole (nothing torn), none missing unless its
 * file was destroyed (deleted, or truncated by a racing copytruncate) --
 * and then the bytes mr-tail reports lost are no more than those missing
 * and those a killed run wrote past its last checkpoint from files
 * destroyed before the restart (which the restart cannot know were
 * written), and it reports nothing when neither is -- each run of mr-tail
 * writes every file's lines in order and older files' lines before newer
 * ones (except late writes, and a line written between a copytruncate's
 * copy and its truncation that mr-tail read in between), and a line
 * appears twice only after a kill -9, written by the killed run within
 * its last checkpoint interval (live) or by the killed --once run.  The summary line says what was
 * done; the exit status is 0 when every check passed, 1 otherwise (the
 * directory is then kept for a look).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEEP 20			/* rotated files kept, as logrotate's rotate 20 */
#define WINDOW_MS 3000		/* duplicates only this close to a kill -9 */
#define HEAD 20			/* "%010llu g%06d " + the newline */

enum mode { INOTIFY, POLL, CRON };
enum { LATE = 1, DESTROYED = 2, RACED = 4 };

struct line {
	uint32_t gen;
	uint32_t len;		/* with its newline */
	uint8_t flags;
	long long destroyed_at;	/* DESTROYED: the whole lines of out then */
};

/* A rotated file of the model's directory. */
struct rotated {
	int gen;
	long rank;		/* numbered: N; dated: the date counter */
	char ext[8];		/* ".gz" when compressed */
};

/* A stretch of the output file written by one run of mr-tail (or a batch). */
struct segment {
	long long start;
	int killed;
	int once;		/* a --once run: all of it may come again */
	long long kill_ms;
};

struct sample {
	long long ms;
	long long size;
};

static const char *bin;
static unsigned long long seed;
static enum mode mode;
static int quiet, keep_dir;
static char dir[4096] = "/tmp/tailmodel.XXXXXX";	/* or under $TMPDIR */
static unsigned long long rng;
static int dated;		/* this run's rotated names: dated, else numbered */
static int copytruncate;	/* this run's rotation: copytruncate, else rename */
static int poll_ms;
static int rewrites = 1;	/* same-size rewrites among the schedules (-W: none) */

static struct line *lines;
static size_t nlines, linecap;	/* lines[1..nlines] */
static int ngen;		/* generations made so far */
static int name_gen = -1;	/* the generation at app.log, -1: missing */
static int writer_gen;
static int wfd = -1;
static long long partial_seq;	/* a line written halfway, or 0 */
static uint32_t partial_done;
static int late_left;		/* lines still to write to the rotated file */
static int create_in = -1;	/* steps until app.log is created, -1: none */
static struct rotated rot[64];
static int nrot;
static long next_rank = 1;
static const char *tools[4][3] = {
	{ "gzip", ".gz", "-q" }, { "bzip2", ".bz2", "-q" },
	{ "xz", ".xz", "-q" }, { "zstd", ".zst", "-q --rm" },
};
static int have_tool[4];

static pid_t tail_pid;		/* the live mr-tail, 0 when down */
static int tail_stopped;	/* SIGSTOPped */
static struct segment *segs;
static size_t nsegs;
static struct sample *samples;
static size_t nsamples;

static struct {
	long rotations, kills, terms, stops, once_runs, batches, failed_batches,
	    compressions, deletions, races, truncations, late, long_lines, split,
	    rewrites;
} did;

static void note(const char *fmt, ...);

static void
fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tailmodel: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (tail_pid > 0)
		kill(tail_pid, SIGKILL);
	exit(1);
}

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (unsigned)(rng % n) : 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pause_us(unsigned us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static long long
file_size(const char *name)
{
	struct stat sb;

	return stat(name, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* The name of rotated file R: app.log.N, or dated in either form
 * (app.log-20260007, app.log.2026-00-08), the date growing with the rank. */
static void
name_of(const struct rotated *r, char *buf, size_t size)
{
	long d = 20260000 + r->rank;

	if (!dated)
		snprintf(buf, size, "app.log.%ld%s", r->rank, r->ext);
	else if (r->rank & 1)
		snprintf(buf, size, "app.log-%08ld%s", d, r->ext);
	else
		snprintf(buf, size, "app.log.%04ld-%02ld-%02ld%s", d / 10000,
		    d / 100 % 100, d % 100, r->ext);
}

/* The text of line SEQ. */
static size_t
line_text(long long seq, char *buf)
{
	const struct line *l = &lines[seq];
	int n = sprintf(buf, "%010lld g%06u ", seq, l->gen);

	memset(buf + n, 'a' + (int)(seq % 26), l->len - HEAD);
	buf[l->len - 1] = '\n';
	return l->len;
}

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			fail("write: %s", strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
}

static char *linebuf;

/* Finish the line written halfway. */
static void
finish_partial(void)
{
	size_t n;

	if (partial_seq == 0)
		return;
	n = line_text(partial_seq, linebuf);
	write_all(wfd, linebuf + partial_done, n - partial_done);
	partial_seq = 0;
}

/* The writer reopens app.log (which must exist) after a rotation. */
static void
reopen(void)
{
	finish_partial();
	close(wfd);
	wfd = open("app.log", O_WRONLY | O_APPEND);
	if (wfd < 0)
		fail("open app.log: %s", strerror(errno));
	writer_gen = name_gen;
	late_left = 0;
}

/* Write the next line, LEN bytes long (0: a random length). */
static void
write_line_len(uint32_t len)
{
	long long seq;
	size_t n;

	finish_partial();
	if (nlines + 1 >= linecap) {
		linecap = linecap ? 2 * linecap : 65536;
		lines = realloc(lines, linecap * sizeof *lines);
	}
	seq = (long long)++nlines;
	if (len == 0) {
		len = HEAD + rnd(80);
		if (rnd(100) < 2) {
			len = HEAD + 3000 + rnd(20000);
			did.long_lines++;
		} else if (rnd(1000) < 3) {
			len = HEAD + 60000 + rnd(90000);
			did.long_lines++;
		}
	}
	lines[seq].gen = (uint32_t)writer_gen;
	lines[seq].len = len;
	lines[seq].flags = writer_gen < ngen - 1 && writer_gen != name_gen ? LATE : 0;
	lines[seq].destroyed_at = 0;
	did.late += lines[seq].flags & LATE;
	n = line_text(seq, linebuf);
	if (rnd(10) == 0) {	/* in two writes, the second one later */
		partial_seq = seq;
		partial_done = 1 + rnd((unsigned)n - 1);
		write_all(wfd, linebuf, partial_done);
		did.split++;
	} else {
		write_all(wfd, linebuf, n);
	}
	if (late_left > 0 && --late_left == 0)
		reopen();
}

static void
write_line(void)
{
	write_line_len(0);
}

/* A new generation at app.log, as logrotate's "create" (or the writer) makes it. */
static void
create_log(void)
{
	int fd = open("app.log", O_WRONLY | O_CREAT | O_EXCL, 0644);

	if (fd < 0)
		fail("create app.log: %s", strerror(errno));
	close(fd);
	name_gen = ngen++;
	create_in = -1;
	note("create: app.log is generation %d", name_gen);
}

static long long torn_tail(void);

/* The whole lines of out now: what mr-tail has printed. */
static long long
printed_now(void)
{
	return file_size("out") - torn_tail();
}

/*
 * Line SEQ is gone from the disk; mr-tail had printed AT bytes before
 * (printed_now, taken before the unlink or truncation: what it prints
 * after can be no later line it went on to while this one could still
 * be read).  Had it printed a later line of the same or a newer file by
 * then, it went past this one while it could still be read (a loss, not
 * excused).
 */
static void
destroy_line(size_t seq, long long at)
{
	if (lines[seq].flags & DESTROYED)
		return;
	lines[seq].flags |= DESTROYED;
	lines[seq].destroyed_at = at;
}

static void
destroy_gen(int gen, long long at)
{
	size_t i;

	for (i = 1; i <= nlines; i++)
		if (lines[i].gen == (uint32_t)gen)
			destroy_line(i, at);
}

/* Delete the oldest rotated file past KEEP (logrotate's "rotate"). */
static void
expire_oldest(void)
{
	char name[128];
	int i, oldest = 0;
	long long at;

	if (nrot < KEEP)
		return;
	for (i = 1; i < nrot; i++)
		if ((rot[i].rank > rot[oldest].rank) == !dated)
			oldest = i;
	name_of(&rot[oldest], name, sizeof name);
	at = printed_now();
	if (unlink(name) < 0)
		fail("unlink %s: %s", name, strerror(errno));
	destroy_gen(rot[oldest].gen, at);
	note("delete %s (generation %d)", name, rot[oldest].gen);
	did.deletions++;
	rot[oldest] = rot[--nrot];
}

/* Numbered names move one up, oldest first, as logrotate does. */
static void
shift_numbered(void)
{
	char from[128], to[128];
	long r;
	int j;

	for (r = 64; r >= 1; r--) {
		for (j = 0; j < nrot; j++) {
			if (rot[j].rank != r)
				continue;
			name_of(&rot[j], from, sizeof from);
			rot[j].rank++;
			name_of(&rot[j], to, sizeof to);
			if (rename(from, to) < 0)
				fail("rename %s: %s", from, strerror(errno));
		}
	}
}

/* A new rotated file's slot: numbered .1 (after the shift) or the next date. */
static struct rotated *
new_rotated(int gen)
{
	struct rotated *r;

	if (!dated)
		shift_numbered();
	r = &rot[nrot++];
	r->gen = gen;
	r->ext[0] = '\0';
	r->rank = dated ? next_rank++ : 1;
	return r;
}

static void
copy_file(const char *from, const char *to)
{
	static char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ssize_t r;

	if (in < 0 || out < 0)
		fail("copy %s: %s", from, strerror(errno));
	while ((r = read(in, buf, sizeof buf)) > 0)
		write_all(out, buf, (size_t)r);
	close(in);
	close(out);
}

static void
rotate(void)
{
	char name[128];
	struct rotated *r;

	if (name_gen < 0 || create_in >= 0)
		return;		/* app.log is missing: nothing to rotate */
	did.rotations++;
	expire_oldest();
	if (copytruncate) {
		if (writer_gen != name_gen)
			reopen();
		finish_partial();
		r = new_rotated(name_gen);
		name_of(r, name, sizeof name);
		copy_file("app.log", name);
		{
			struct stat sb;
			char hb[24] = "";
			int fd = open(name, O_RDONLY);

			if (fd >= 0 && read(fd, hb, 18) < 0)
				hb[0] = '\0';
			if (fd >= 0)
				close(fd);
			stat(name, &sb);
			note("copytruncate: generation %d copied to %s (inode %llu, %lld bytes, "
			    "%.18s), app.log is %d", name_gen, name,
			    (unsigned long long)sb.st_ino, (long long)sb.st_size, hb, ngen);
		}
		if (rnd(4) == 0) {	/* a write between the copy and the truncate */
			write_line();
			finish_partial();
			destroy_line(nlines, printed_now());
			lines[nlines].flags |= RACED;
			did.races++;
		}
		if (truncate("app.log", 0) < 0)
			fail("truncate: %s", strerror(errno));
		name_gen = ngen++;
		writer_gen = name_gen;
		return;
	}
	if (writer_gen != name_gen)	/* a writer reopens one file late at most */
		reopen();
	r = new_rotated(name_gen);
	name_of(r, name, sizeof name);
	if (rename("app.log", name) < 0)
		fail("rename app.log: %s", strerror(errno));
	{
		struct stat sb;

		stat(name, &sb);
		note("rename: generation %d (inode %llu) to %s", name_gen,
		    (unsigned long long)sb.st_ino, name);
	}
	name_gen = -1;
	if (rnd(3) == 0) {
		create_in = 1 + (int)rnd(5);	/* the writer creates it later */
	} else {
		create_log();
		late_left = (int)rnd(4);	/* late writes to the rotated file */
		if (late_left == 0)
			reopen();
	}
}

/*
 * A copytruncate, then as many bytes written again as the copy holds
 * (where a reader that had read it all stands), then a rename rotation,
 * all at once: a size equal to the offset read tells nothing, the bytes
 * before it do.
 */
static void
same_size_rewrite(void)
{
	char name[128];
	long long left;
	int was = copytruncate;

	if (name_gen < 0 || create_in >= 0)
		return;
	copytruncate = 1;
	rotate();
	copytruncate = was;
	name_of(&rot[nrot - 1], name, sizeof name);
	left = file_size(name);
	note("same-size rewrite: %lld bytes again", left);
	while (left >= HEAD) {
		uint32_t len = left < 2 * HEAD + 80 ? (uint32_t)left : HEAD + rnd(80);

		if (left - len > 0 && left - len < HEAD)
			len = (uint32_t)left;
		write_line_len(len);
		left -= len;
	}
	finish_partial();
	copytruncate = 0;
	rotate();
	copytruncate = was;
	if (create_in >= 0) {
		create_log();
		reopen();
	}
	did.rewrites++;
}

/* Compress a rotated file the writer no longer writes to. */
static void
compress_one(void)
{
	char name[128], cmd[512];
	int i, t, tries;

	if (nrot == 0)
		return;
	i = (int)rnd((unsigned)nrot);
	if (rot[i].ext[0] != '\0' || rot[i].gen == writer_gen)
		return;
	for (tries = 0, t = (int)rnd(4); tries < 4 && !have_tool[t]; tries++)
		t = (t + 1) % 4;
	if (!have_tool[t])
		return;
	name_of(&rot[i], name, sizeof name);
	snprintf(cmd, sizeof cmd, "%s %s %s", tools[t][0], tools[t][2], name);
	if (system(cmd) != 0)
		fail("%s failed", cmd);
	strcpy(rot[i].ext, tools[t][1]);
	note("%s", cmd);
	did.compressions++;
}

/* A file truncated (not copied) while mr-tail may be away: its lines are gone. */
static void
truncate_log(void)
{
	long long at;

	if (name_gen < 0 || create_in >= 0)
		return;
	if (writer_gen != name_gen)
		reopen();
	finish_partial();
	at = printed_now();
	if (truncate("app.log", 0) < 0)
		fail("truncate: %s", strerror(errno));
	destroy_gen(name_gen, at);
	note("truncate: generation %d destroyed, app.log is %d", name_gen, ngen);
	name_gen = ngen++;
	writer_gen = name_gen;
	did.truncations++;
}

/* Bytes at the end of OUT after its last newline (a line a killed run left). */
static long long
torn_tail(void)
{
	char buf[65536];
	long long size = file_size("out"), pos = size;
	int fd = open("out", O_RDONLY);

	while (fd >= 0 && pos > 0) {
		size_t len = pos < (long long)sizeof buf ? (size_t)pos : sizeof buf;
		char *nl;

		if (pread(fd, buf, len, pos - (long long)len) != (ssize_t)len)
			break;
		if ((nl = memrchr(buf, '\n', len)) != NULL) {
			pos = pos - (long long)len + (nl - buf) + 1;
			break;
		}
		pos -= (long long)len;
	}
	if (fd >= 0)
		close(fd);
	return size - pos;
}

static void
new_segment(int once)
{
	segs = realloc(segs, (nsegs + 1) * sizeof *segs);
	segs[nsegs].start = file_size("out") - torn_tail();
	segs[nsegs].killed = 0;
	segs[nsegs].once = once;
	segs[nsegs].kill_ms = 0;
	nsegs++;
}

/* What the model does, in the file trace (kept with the directory when a
 * check fails, or with -k), each step with the wall clock's time: what
 * mr-tail did meanwhile can be matched with it (an strace -tt, say). */
static void
note(const char *fmt, ...)
{
	struct timespec ts;
	FILE *fp;
	va_list ap;

	if ((fp = fopen("trace", "a")) == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(fp, "%lld.%09ld -- line %zu: ", (long long)ts.tv_sec, ts.tv_nsec, nlines);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fprintf(fp, "\n");
	fclose(fp);
}

/* Before a run of mr-tail: where its output begins, the directory (inode,
 * size, birth and modification times) and the state. */
static void
trace(char **argv)
{
	char name[128], buf[4096];
	struct dirent *de;
	struct statx sx;
	FILE *fp, *st;
	DIR *d;
	int i;
	size_t n;

	if ((fp = fopen("trace", "a")) == NULL)
		return;
	fprintf(fp, "== run at out byte %lld, line %zu, app.log generation %d:",
	    file_size("out"), nlines, name_gen);
	for (i = 0; argv[i] != NULL; i++)
		fprintf(fp, " %s", argv[i]);
	fprintf(fp, "\n");
	for (i = 0; i < nrot; i++) {
		name_of(&rot[i], name, sizeof name);
		fprintf(fp, "%s holds generation %d\n", name, rot[i].gen);
	}
	if ((d = opendir(".")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strncmp(de->d_name, "app.log", 7) != 0 ||
			    statx(AT_FDCWD, de->d_name, 0, STATX_BASIC_STATS | STATX_BTIME,
			    &sx) < 0)
				continue;
			fprintf(fp, "%s %llu %llu %lld.%09u %lld.%09u\n", de->d_name,
			    (unsigned long long)sx.stx_ino,
			    (unsigned long long)sx.stx_size,
			    (long long)sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec,
			    (long long)sx.stx_mtime.tv_sec, sx.stx_mtime.tv_nsec);
		}
		closedir(d);
	}
	if ((st = fopen("st", "r")) != NULL) {
		while ((n = fread(buf, 1, sizeof buf, st)) > 0)
			fwrite(buf, 1, n, fp);
		fclose(st);
	}
	fclose(fp);
}

/* Run mr-tail with ARGV, its output appended to OUTFILE (or truncating it). */
static pid_t
spawn(char **argv, const char *outfile, int append)
{
	pid_t pid;

	pid = fork();

	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		int o = open(outfile, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
		int e = open("err", O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(bin, argv);
		_exit(127);
	}
	trace(argv);
	note("pid %d", (int)pid);
	return pid;
}

static void
check_status(int status, int expect_sig)
{
	if (expect_sig ? !(WIFSIGNALED(status) && WTERMSIG(status) == expect_sig) :
	    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		fail("mr-tail ended with status %#x (see %s/err)", status, dir);
}

/* A --once run of mr-tail (ARGV) into out, to its end. */
static void
once_run(char **argv)
{
	int status;

	new_segment(1);
	waitpid(spawn(argv, "out", 1), &status, 0);
	check_status(status, 0);
}

static void
tail_start(void)
{
	char pollarg[16];
	char *argv[] = { (char *)bin, "-b", "--retry", "-s", "st", "app.log",
	    NULL, NULL, NULL };

	if (mode == POLL) {
		snprintf(pollarg, sizeof pollarg, "%d", poll_ms);
		argv[6] = "--poll";
		argv[7] = pollarg;
	}
	new_segment(0);
	tail_pid = spawn(argv, "out", 1);
	tail_stopped = 0;
}

static void
tail_end(int sig)
{
	int status;

	if (tail_pid <= 0)
		return;
	if (tail_stopped)
		kill(tail_pid, SIGCONT);
	kill(tail_pid, sig);
	if (sig == SIGTERM && tail_stopped)
		kill(tail_pid, SIGCONT);
	waitpid(tail_pid, &status, 0);
	check_status(status, sig);
	note("mr-tail %s", sig == SIGKILL ? "killed" : "stopped (SIGTERM)");
	if (sig == SIGKILL) {
		segs[nsegs - 1].killed = 1;
		segs[nsegs - 1].kill_ms = now_ms();
		did.kills++;
	} else {
		did.terms++;
	}
	tail_pid = 0;
	tail_stopped = 0;
}

/* A cron job: mr-tail --once (maybe killed midway), or an exactly-once
 * job (--no-commit into a batch; then appended and committed, or dropped). */
static void
cron_run(void)
{
	char *once[] = { (char *)bin, "-b", "--once", "--retry", "-s", "st",
	    "app.log", NULL };
	char *nocommit[] = { (char *)bin, "-b", "--once", "--no-commit", "--retry",
	    "-s", "st", "app.log", NULL };
	char *commit[] = { (char *)bin, "--commit", "-s", "st", NULL };
	int batch = rnd(3) == 0, killed = rnd(6) == 0, status;
	pid_t pid;

	if (!batch)
		new_segment(1);
	pid = spawn(batch ? nocommit : once, batch ? "batch" : "out", !batch);
	if (killed) {
		pause_us(rnd(4000));
		kill(pid, SIGKILL);
	}
	waitpid(pid, &status, 0);
	killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	if (!killed)
		check_status(status, 0);
	if (!batch) {
		did.once_runs++;
		if (killed) {
			segs[nsegs - 1].killed = 1;
			did.kills++;
		}
		return;
	}
	did.batches++;
	if (killed || rnd(4) == 0) {	/* the job failed: nothing committed */
		did.failed_batches++;
		did.kills += killed;
		return;
	}
	{
		char buf[65536];
		int in = open("batch", O_RDONLY), out;
		ssize_t r;

		/* A killed --once run may have left half a line: the job
		 * appends after the last whole line, as mr-tail would. */
		if (file_size("out") > 0 &&
		    truncate("out", file_size("out") - torn_tail()) < 0)
			fail("truncate out: %s", strerror(errno));
		new_segment(0);
		out = open("out", O_WRONLY | O_APPEND | O_CREAT, 0644);
		while ((r = read(in, buf, sizeof buf)) > 0)
			write_all(out, buf, (size_t)r);
		close(in);
		close(out);
	}
	pid = spawn(commit, "/dev/null", 1);
	waitpid(pid, &status, 0);
	check_status(status, 0);
}

static void
sample(void)
{
	if (nsamples % 4096 == 0)
		samples = realloc(samples, (nsamples + 4096) * sizeof *samples);
	samples[nsamples].ms = now_ms();
	samples[nsamples].size = file_size("out");
	nsamples++;
}

/* One step of the model: the writer, the rotator, mr-tail's fate. */
static void
step(void)
{
	unsigned r = rnd(1000), i, n;

	if (create_in >= 0 && --create_in < 0) {
		create_log();
		reopen();
	}
	if (r < 595) {
		for (i = 0, n = 1 + rnd(20); i < n; i++)
			write_line();
	} else if (r < 600) {
		if (rewrites)
			same_size_rewrite();
		else
			for (i = 0, n = 1 + rnd(20); i < n; i++)
				write_line();
	} else if (r < 660) {
		rotate();
	} else if (r < 680) {	/* a burst of rotations within milliseconds */
		for (i = 0, n = 2 + rnd(4); i < n; i++) {
			if (rnd(2))
				write_line();
			rotate();
			if (create_in >= 0) {
				create_log();
				reopen();
			}
		}
	} else if (r < 700) {
		/* Compressed or truncated while stopped (a compressor racing a
		 * live reader is the late-write case of a rotated file). */
		if (mode == CRON || tail_pid == 0)
			compress_one();
	} else if (r < 703) {
		if (mode == CRON || tail_pid == 0)
			truncate_log();
	} else if (mode == CRON) {
		if (r < 800)
			cron_run();
	} else if (tail_pid == 0) {
		if (r < 800)	/* down for a while, rotations meanwhile */
			tail_start();
	} else if (tail_stopped) {
		if (r < 800) {
			kill(tail_pid, SIGCONT);
			note("mr-tail SIGCONT");
			tail_stopped = 0;
		}
	} else if (r < 720) {
		tail_end(SIGKILL);
	} else if (r < 725) {
		tail_end(SIGTERM);
	} else if (r < 735) {
		kill(tail_pid, SIGSTOP);	/* a blocked reader */
		note("mr-tail SIGSTOP");
		tail_stopped = 1;
		did.stops++;
	}
	sample();
	pause_us(rnd(3000));
}

/* Wait until the live mr-tail has written line SEQ (or give up). */
static int
out_has_line(long long seq)
{
	char want[16];
	static char buf[256 * 1024];	/* more than the longest line */
	int fd = open("out", O_RDONLY);
	long long size = file_size("out"), pos = size > (long long)sizeof buf ?
	    size - (long long)sizeof buf : 0;
	ssize_t r;
	int found = 0;

	snprintf(want, sizeof want, "%010lld g", seq);
	if (fd < 0)
		return 0;
	r = pread(fd, buf, sizeof buf - 1, pos);
	close(fd);
	if (r > 0) {
		buf[r] = '\0';
		found = memmem(buf, (size_t)r, want, strlen(want)) != NULL;
	}
	return found;
}

static void
finish(void)
{
	long long deadline;

	if (create_in >= 0) {
		create_log();
		reopen();
	}
	if (writer_gen != name_gen)
		reopen();
	write_line();
	finish_partial();
	close(wfd);
	if (mode == CRON) {
		cron_run();	/* may be a batch, or killed */
		for (int i = 0; i < 2; i++) {
			char *once[] = { (char *)bin, "--once", "--retry", "-s", "st",
			    "app.log", NULL };

			once_run(once);
		}
		return;
	}
	if (tail_pid == 0)
		tail_start();
	if (tail_stopped) {
		kill(tail_pid, SIGCONT);
		tail_stopped = 0;
	}
	deadline = now_ms() + 60000;
	while (!out_has_line((long long)nlines)) {
		if (now_ms() > deadline)
			fail("mr-tail did not write the last line within 60 s (%s)", dir);
		pause_us(10000);
		sample();
	}
	tail_end(SIGTERM);
}

/* Where output position POS was in the file at time MS (the samples). */
static long long
size_at(long long ms)
{
	size_t lo = 0, hi = nsamples;

	while (lo < hi) {	/* the first sample at or after MS */
		size_t mid = (lo + hi) / 2;

		if (samples[mid].ms < ms)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nsamples ? samples[lo].size : file_size("out");
}

/*
 * Read the notices: the bytes reported lost, and anything unexpected
 * (which fails the run).
 */
static long cut_lines;		/* "ended inside a line" notices: torn ends cut */

static long long
reported_loss(long *notices)
{
	static const char *allowed[] = {
		": rotated; following new file", ": replaced; following new file",
		": rotated before it was read; reading ",
		": rotated while stopped; reading the rest of ",
		": following new file", ": appeared; following new file",
		": truncated; reading", ": truncated while stopped; reading the rest",
		": changed while stopped (truncated or rewritten); reading from the start",
		" were not read", "standard output: ended inside a line",
		": does not exist yet; waiting for it",
	};
	char line[4096];
	long long total = 0;
	FILE *fp = fopen("err", "r");

	*notices = 0;
	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL) {
		size_t i;
		int ok = 0;
		char *p;

		for (i = 0; i < sizeof allowed / sizeof allowed[0] && !ok; i++)
			ok = strstr(line, allowed[i]) != NULL;
		if (!ok || strstr(line, "is not installed") != NULL)
			fail("unexpected notice: %s(in %s/err)", line, dir);
		cut_lines += strstr(line, "standard output: ended inside a line") != NULL;
		if (strstr(line, " were not read") == NULL)
			continue;
		(*notices)++;
		p = strstr(line, "; ");
		if (p != NULL) {
			long long v = 0;

			for (p += 2; (*p >= '0' && *p <= '9') || *p == ','; p++)
				if (*p != ',')
					v = v * 10 + (*p - '0');
			total += v;
		}
	}
	fclose(fp);
	return total;
}

/* Whether output byte POS was written by a run killed before it could
 * checkpoint it: within its last checkpoint interval (live), or anywhere
 * (a killed --once run).  The next run does not know it was written. */
static int
unconfirmed(long long pos)
{
	size_t s;

	for (s = 0; s + 1 < nsegs && segs[s + 1].start <= pos; s++)
		;
	return segs[s].killed &&
	    (segs[s].once || pos >= size_at(segs[s].kill_ms - WINDOW_MS));
}

struct printed {
	long long pos;		/* where it begins in out */
	uint32_t gen;		/* its file */
};

/*
 * Where a run after the one that wrote output byte POS first wrote a line
 * of file GEN or a newer one (OUTL: the N lines of out), or the end: a
 * restart that found file GEN had it open, and read again what the killed
 * run wrote of it.  Destroyed before then, the restart found it gone.
 */
static long long
passed_after(const struct printed *outl, long long n, long long pos, uint32_t gen)
{
	long long lo = 0, hi = n, next;
	size_t s;

	for (s = 0; s + 1 < nsegs && segs[s + 1].start <= pos; s++)
		;
	if (s + 1 >= nsegs)
		return file_size("out");
	next = segs[s + 1].start;
	while (lo < hi) {	/* the first line at or after NEXT */
		long long mid = (lo + hi) / 2;

		if (outl[mid].pos < next)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < n && outl[lo].gen < gen)
		lo++;
	return lo < n ? outl[lo].pos : file_size("out");
}

/*
 * check: read the output back.  Each line must be one the writer wrote,
 * whole.  Per run of mr-tail (segment): each file's lines in order, and
 * lines not written late in the order they were written.  Then the lines
 * never printed must have been destroyed, and those printed twice must
 * come again only after a kill -9.
 */
static void
check(void)
{
	uint32_t *seen = calloc(nlines + 1, sizeof *seen);
	long long *first_pos = calloc(nlines + 1, sizeof *first_pos);
	long long *last_in_gen = calloc((size_t)ngen + 1, sizeof *last_in_gen);
	long long *gen_first = calloc((size_t)ngen + 1, sizeof *gen_first);
	long long *earliest = calloc(nlines + 1, sizeof *earliest);
	struct printed *outl = NULL;	/* each line of out, in order */
	long long size = file_size("out"), pos = 0, missing = 0, missing_bytes = 0,
	    dups = 0, destroyed = 0, printed = 0, reported, unconfirmed_bytes = 0;
	char *want = malloc(1 << 20);
	FILE *fp = fopen("out", "r");
	char *line = NULL;
	size_t cap = 0, seg = 0, i;
	ssize_t n;
	long long last_fresh = 0;
	long notices;

	if (fp == NULL)
		fail("no output");
	while ((n = getline(&line, &cap, fp)) > 0) {
		long long seq = 0;
		const char *p;

		while (seg + 1 < nsegs && pos + n > segs[seg + 1].start) {
			seg++;
			memset(last_in_gen, 0, ((size_t)ngen + 1) * sizeof *last_in_gen);
			last_fresh = 0;
		}
		for (p = line; p < line + 10 && *p >= '0' && *p <= '9'; p++)
			seq = seq * 10 + (*p - '0');
		if (p != line + 10 || seq < 1 || (size_t)seq > nlines ||
		    (size_t)n != lines[seq].len || line_text(seq, want) != (size_t)n ||
		    memcmp(want, line, (size_t)n) != 0)
			fail("torn or unknown line at byte %lld of %s/out: %.60s", pos, dir,
			    line);
		if (seen[seq]++ == 0) {
			first_pos[seq] = pos;
			earliest[seq] = pos;
		} else {
			/* Again: the earlier copy came from a run killed within its
			 * last checkpoint interval (or a killed --once run). */
			if (!unconfirmed(first_pos[seq]))
				fail("line %lld printed twice (bytes %lld and %lld of %s/out)"
				    " not after a kill -9 within a checkpoint interval",
				    seq, first_pos[seq], pos, dir);
			dups++;
			first_pos[seq] = pos;
		}
		if (seq <= last_in_gen[lines[seq].gen])
			fail("line %lld after line %lld of the same file (byte %lld of %s/out)",
			    seq, last_in_gen[lines[seq].gen], pos, dir);
		last_in_gen[lines[seq].gen] = seq;
		/* A line written between a copytruncate's copy and its
		 * truncation, read in that moment, may come after the next
		 * files' first lines: whether the copies made meanwhile came
		 * before or after the read is finer than the file system's
		 * clock tells (the man page says so). */
		if (!(lines[seq].flags & (LATE | RACED))) {
			if (seq <= last_fresh)
				fail("line %lld after line %lld (byte %lld of %s/out): "
				    "a newer file read first", seq, last_fresh, pos, dir);
			last_fresh = seq;
		}
		if (printed % 65536 == 0)
			outl = realloc(outl, ((size_t)printed + 65536) * sizeof *outl);
		outl[printed].pos = pos;
		outl[printed].gen = lines[seq].gen;
		pos += n;
		printed++;
	}
	fclose(fp);
	if (pos != size)
		fail("output not read to its end");
	/* From the last line back: gen_first[g] is where out first holds a
	 * line of file G written after line I.  A line never printed is
	 * excused if its file was destroyed before mr-tail went past it;
	 * a line written late to a file mr-tail had left is excused by its
	 * file's destruction alone. */
	for (i = 0; i <= (size_t)ngen; i++)
		gen_first[i] = -1;
	for (i = nlines; i >= 1; i--) {
		destroyed += (lines[i].flags & DESTROYED) != 0;
		if (!seen[i]) {
			int g;

			if (!(lines[i].flags & DESTROYED))
				fail("line %zu (file %u) lost (%s)", i, lines[i].gen, dir);
			for (g = (int)lines[i].gen; !(lines[i].flags & LATE) && g <= ngen; g++)
				if (gen_first[g] >= 0 && gen_first[g] < lines[i].destroyed_at)
					fail("line %zu (file %u) lost: its file was destroyed when "
					    "mr-tail had already printed a later line of file %d "
					    "(byte %lld of %s/out)", i, lines[i].gen, g,
					    gen_first[g], dir);
			missing++;
			missing_bytes += lines[i].len;
		} else if ((lines[i].flags & DESTROYED) && seen[i] == 1 &&
		    unconfirmed(first_pos[i]) &&
		    lines[i].destroyed_at <= passed_after(outl, printed, first_pos[i],
		    lines[i].gen)) {
			/* Written by a killed run after its last checkpoint,
			 * destroyed before the restart: the restart names it lost. */
			unconfirmed_bytes += lines[i].len;
		}
		if (seen[i] && (gen_first[lines[i].gen] < 0 ||
		    earliest[i] < gen_first[lines[i].gen])) {
			gen_first[lines[i].gen] = earliest[i];
		}
	}
	reported = reported_loss(&notices);
	/* A restart after a kill -9 knows nothing of what the killed run
	 * wrote past its last checkpoint: a file destroyed meanwhile is
	 * named lost from that checkpoint on (the man page says so). */
	if (missing == 0 && unconfirmed_bytes == 0 && notices > 0)
		fail("%ld loss notices though nothing is missing (%s/err)", notices, dir);
	if (reported > missing_bytes + unconfirmed_bytes)
		fail("%lld bytes reported lost, only %lld missing (and %lld written by "
		    "killed runs past their last checkpoint) (%s/err)", reported,
		    missing_bytes, unconfirmed_bytes, dir);
	if (!quiet)
		printf("seed=%llu mode=%s names=%s rotation=%s written=%zu files=%d "
		    "rotations=%ld rewrites=%ld races=%ld truncations=%ld deletions=%ld "
		    "compressions=%ld late=%ld split=%ld long=%ld kills=%ld terms=%ld "
		    "sigstops=%ld once=%ld batches=%ld failed_batches=%ld "
		    "printed=%lld again=%lld lost=%lld destroyed=%lld notices=%ld "
		    "reported_bytes=%lld missing_bytes=%lld unconfirmed_bytes=%lld "
		    "torn_cut=%ld torn=0 ok\n",
		    seed, mode == INOTIFY ? "inotify" : mode == POLL ? "poll" : "cron",
		    dated ? "dated" : "numbered", copytruncate ? "copytruncate" : "rename",
		    nlines, ngen, did.rotations, did.rewrites, did.races, did.truncations,
		    did.deletions, did.compressions, did.late, did.split, did.long_lines,
		    did.kills, did.terms, did.stops, did.once_runs, did.batches,
		    did.failed_batches, printed, dups, missing, destroyed, notices,
		    reported, missing_bytes, unconfirmed_bytes, cut_lines);
	free(seen);
	free(first_pos);
	free(last_in_gen);
	free(gen_first);
	free(earliest);
	free(outl);
	free(want);
	free(line);
}

static void
usage(void)
{
	fprintf(stderr, "usage: tailmodel [-qkW] [-s SEED] [-t SECONDS] "
	    "[-m inotify|poll|cron] MR-TAIL\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	double seconds = 2;
	long long end;
	int c, i;

	seed = (unsigned long long)time(NULL);
	while ((c = getopt(argc, argv, "km:qs:t:W")) != -1) {
		switch (c) {
		case 'k': keep_dir = 1; break;
		case 'm':
			mode = strcmp(optarg, "inotify") == 0 ? INOTIFY :
			    strcmp(optarg, "poll") == 0 ? POLL :
			    strcmp(optarg, "cron") == 0 ? CRON : (usage(), INOTIFY);
			break;
		case 'q': quiet = 1; break;
		case 'W': rewrites = 0; break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 't': seconds = strtod(optarg, NULL); break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	bin = argv[optind];
	if (bin[0] != '/') {
		static char abs[4096];

		if (getcwd(abs, sizeof abs - strlen(bin) - 2) == NULL)
			fail("getcwd");
		strcat(abs, "/");
		strcat(abs, bin);
		bin = abs;
	}
	{
		const char *t = getenv("TMPDIR");
		static char path[4096];

		if (t != NULL && *t != '\0') {
			snprintf(path, sizeof path, "%s/tailmodel.XXXXXX", t);
			if (mkdtemp(path) == NULL || chdir(path) < 0)
				fail("%s: %s", path, strerror(errno));
			strcpy(dir, path);
		} else if (mkdtemp(dir) == NULL || chdir(dir) < 0) {
			fail("%s: %s", dir, strerror(errno));
		}
	}
	rng = seed * 2654435761ULL + 1;
	for (i = 0; i < 4; i++) {
		char cmd[64];

		snprintf(cmd, sizeof cmd, "command -v %s >/dev/null", tools[i][0]);
		have_tool[i] = system(cmd) == 0;
	}
	dated = rnd(3) == 0;
	copytruncate = rnd(3) == 0;
	poll_ms = 10 + (int)rnd(190);
	linebuf = malloc(1 << 20);
	create_log();
	writer_gen = name_gen;
	wfd = open("app.log", O_WRONLY | O_APPEND);
	sample();
	if (mode != CRON) {
		/* mr-tail without a state knows only what it finds when it
		 * first looks: the model goes on once it has (rotations
		 * before then are a race no follower can see). */
		long long deadline = now_ms() + 60000;

		write_line();
		finish_partial();
		tail_start();
		while (!out_has_line(1)) {
			if (now_ms() > deadline)
				fail("mr-tail did not write the first line within 60 s (%s)", dir);
			pause_us(1000);
		}
	} else {	/* the first run of the cron job: everything after it counts */
		char *first[] = { (char *)bin, "-b", "--once", "-s", "st", "app.log", NULL };

		once_run(first);
	}
	end = now_ms() + (long long)(seconds * 1000);
	while (now_ms() < end)
		step();
	finish();
	check();
	if (!keep_dir) {
		DIR *d = opendir(".");
		struct dirent *de;

		while (d != NULL && (de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' || (de->d_name[1] != '\0' &&
			    strcmp(de->d_name, "..") != 0))
				unlink(de->d_name);
		if (d != NULL)
			closedir(d);
		if (chdir("/") == 0)
			rmdir(dir);
	}
	return 0;
}
