/* mr-tail: follow growing and rotating logs into pipelines, no line lost or
 * repeated: options and the event loop; the state file and standard
 * output in state.c, watching in watch.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "fileio.h"
#include "follow.h"
#include "follow_marks.h"
#include "hadoop.h"
#include "msg.h"
#include "out.h"
#include "rotdir.h"
#include "tailstate_file.h"
#include "tmpfile.h"
#include "xalloc.h"

#include "tail.h"

static const char usage_text[] =
    "mr-tail [-bHv] [-n N] [-s STATE] [--once [--no-commit]] [--poll MS]\n"
    "               [--retry] [--rotated GLOB]... [--rotate-wait MS]\n"
    "               [--max-line SIZE] FILE...\n"
    "       mr-tail --commit -s STATE";

static const char help_text[] =
    "Follow growing and rotating logs by name, as tail -F does, and write\n"
    "their new complete lines, none lost or repeated across rotations.\n"
    "\n"
    "  -b, --begin            start at the beginning of files the state does not know\n"
    "  -n, --lines N          start N lines before the end of such files (default: the end)\n"
    "  -H, --with-name        prefix each line with its file name and a TAB\n"
    "  -s, --state STATE      resume from, and record positions in, the file STATE\n"
    "  -o, --once             write what is new now, update the state, and exit\n"
    "  -N, --no-commit        with --once: record the new positions as pending\n"
    "  -c, --commit           make the pending positions in STATE the committed ones\n"
    "  -p, --poll MS          look at every file each MS milliseconds, without inotify\n"
    "  -r, --retry            wait for files that do not exist yet\n"
    "  -g, --rotated GLOB     names in a file's directory matching GLOB are its rotations\n"
    "  -w, --rotate-wait MS   read a rotated file until idle MS milliseconds (5000)\n"
    "  -m, --max-line SIZE    cut lines longer than SIZE bytes, with a notice\n"
    "  -v, --verbose          at the end, the lines read and what was lost\n"
    "  -h, --help             print this help and exit\n"
    "      --version          print the version and exit\n";

#define READ_BUDGET (4u << 20)	/* bytes per file per round: fairness, and
				 * a checkpoint between rounds when backed up */
#define ROTATE_WAIT_MS 5000	/* default: a rotated file idle this long is done */
#define CHECK_MS 1000		/* re-look at missing files, symlinks, lost dirs */
#define SAVE_MS 1000		/* checkpoint at most this often while following */
struct tracked *files;
size_t nfiles;
struct dirwatch *dirs;
size_t ndirs;
struct out out;
int ifd = -1;		/* inotify, -1 when polling */
int poll_ms = 1000;
long watch_limit = -1;	/* MR_TAIL_MAX_WATCHES */
long nwatches;
const char *state_path;
struct tailstate loaded;
struct tailstate start;	/* --no-commit: where names new to STATE began */
int no_commit;
static int verbose;
static volatile sig_atomic_t stop_signal;
static struct follow_marks marks;	/* what the output's bytes stand for */

/* What was read and lost: -v says it, a Hadoop task reports counters.
 * "nothing lost" only when nothing may have been. */
static void
report_counts(void)
{
	struct follow_counts n = { 0 };
	char a[32], b[32], c[32], lost[160], unknown[160] = "";
	size_t i;

	for (i = 0; i < nfiles; i++) {
		n.lines += files[i].f.n.lines;
		n.lost_bytes += files[i].f.n.lost_bytes;
		n.lost_lines += files[i].f.n.lost_lines;
		n.losses += files[i].f.n.losses;
		n.unknown += files[i].f.n.unknown;
		n.cut_lines += files[i].f.n.cut_lines;
		n.cut_bytes += files[i].f.n.cut_bytes;
	}
	/* -m changed lines: how many, and how much of them went. */
	if (n.cut_lines > 0)
		warn("%s line%s cut at %llu bytes (-m): %s bytes dropped",
		    follow_format_count(n.cut_lines, a, sizeof a),
		    n.cut_lines == 1 ? "" : "s",
		    (unsigned long long)files[0].f.o.max_line,
		    follow_format_count(n.cut_bytes, b, sizeof b));
	hadoop_counter("input lines", n.lines);
	hadoop_counter("lost bytes", n.lost_bytes);
	hadoop_counter("estimated lost lines", n.lost_lines);
	hadoop_counter("known losses", n.losses);
	hadoop_counter("unknown losses", n.unknown);
	if (!verbose)
		return;
	follow_format_count(n.lines, a, sizeof a);
	follow_format_count(n.lost_bytes, b, sizeof b);
	if (n.losses == 0 && n.unknown == 0 && n.cut_bytes > 0)
		snprintf(lost, sizeof lost, "no line lost, %s bytes cut (-m)",
		    follow_format_count(n.cut_bytes, c, sizeof c));
	else if (n.losses == 0)
		snprintf(lost, sizeof lost, n.unknown == 0 ? "nothing lost" : "");
	else if (n.lost_lines > 0)
		snprintf(lost, sizeof lost, "%s bytes (about %s lines) lost in %llu "
		    "place%s", b, follow_format_count(n.lost_lines, c, sizeof c),
		    (unsigned long long)n.losses, n.losses == 1 ? "" : "s");
	else
		snprintf(lost, sizeof lost, "%s bytes lost in %llu place%s", b,
		    (unsigned long long)n.losses, n.losses == 1 ? "" : "s");
	if (n.unknown > 0)
		snprintf(unknown, sizeof unknown, "%san unknown amount may be lost "
		    "in %llu place%s", n.losses > 0 ? "; " : "",
		    (unsigned long long)n.unknown, n.unknown == 1 ? "" : "s");
	warn("%s line%s read; %s%s", a, n.lines == 1 ? "" : "s", lost, unknown);
}

/*
 * The reader went away (a closed pipe): the state covers exactly the
 * whole lines the output accepted, whatever was still pending; lines a
 * reader accepted and dropped unread are not read again.
 */
static void
output_closed(struct out *o)
{
	if (state_path == NULL)
		return;
	follow_marks_rewind(&marks, o->bytes);
	save_state(0);
}

/* Whether looking for the files of the state found some lost. */
static int
losses_reported(void)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		if (files[i].f.n.losses > 0)
			return 1;
	return 0;
}

static int
state_changed(void)
{
	size_t i;

	for (i = 0; i < nfiles; i++)
		if (files[i].f.changed)
			return 1;
	return 0;
}

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/*
 * SIGINT, SIGTERM and SIGHUP are blocked except inside ppoll, so one that
 * comes while lines are being read waits there instead of slipping in
 * between the check of stop_signal and a poll that would then sleep on.
 */
static sigset_t poll_mask;

static void
catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	sigset_t block;
	size_t i;

	tmp_install_signals();	/* first, so that ours replace its handlers */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &block, &poll_mask);
}

/* Stopped by a signal: write what was read, checkpoint it, and die by the signal. */
static void
finish_on_signal(void)
{
	int sig = stop_signal;

	out_flush(&out);
	if (state_path != NULL)
		save_state(0);
	report_counts();
	verbose = 0;	/* said once */
	tmp_remove_all();
	signal(sig, SIG_DFL);
	raise(sig);	/* pending until unblocked */
	sigprocmask(SIG_SETMASK, &poll_mask, NULL);
	exit(EXIT_BAD);
}

static int64_t
earlier(int64_t a, int64_t b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/*
 * While input remains and the output is backed up (a slow reader), the
 * loop reads a bounded piece of each file per round: between pieces of
 * a current file (no rotated generation being read), everything read is
 * flushed and the state written once SAVE_MS passed,
 * so that it never lags what reached the output by more than that and a
 * piece, and kill -9 repeats no more.  Returns when it was last written.
 */
static int64_t
checkpoint_if_due(int64_t last_save)
{
	int64_t now = follow_now_ms();
	size_t i;

	if (state_path == NULL || now - last_save < SAVE_MS)
		return last_save;
	/* Not amid rotated generations: they are checkpointed once read. */
	for (i = 0; i < nfiles; i++)
		if (files[i].f.nold > 0)
			return last_save;
	out_flush(&out);
	if (state_changed())
		save_state(1);
	return follow_now_ms();
}

/*
 * The event loop.  inotify (or the poll timer) only says which names to
 * look at; looking is follow_look.  Output is flushed
 * when no input remains, then the state is written (at most every
 * SAVE_MS), so the checkpoint never runs ahead of standard output.  The
 * output descriptor is polled too: a reader that went away (POLLERR)
 * ends mr-tail even when no line comes.
 */
static void
follow_loop(void)
{
	int64_t now, next_look = 0, last_save = 0, timer;
	struct pollfd pfd[2];
	size_t i;

	for (;;) {
		int more = 0;
		int degraded = 0;

		if (stop_signal)
			finish_on_signal();
		now = follow_now_ms();
		if (now >= next_look) {
			/* A watch new (or renewed) since: its names are looked at. */
			for (i = 0; i < ndirs; i++)
				if (watch_dir(&dirs[i]))
					for (size_t j = 0; j < nfiles; j++)
						if (files[j].dir == i)
							files[j].need_look = 1;
			for (i = 0; i < nfiles; i++) {
				struct tracked *t = &files[i];

				if (ifd < 0 || t->f.missing || t->f.symlink ||
				    dirs[t->dir].wd < 0)
					t->need_look = 1;
			}
			next_look = now + (ifd < 0 ? poll_ms : CHECK_MS);
		}
		timer = -1;
		for (i = 0; i < nfiles; i++) {
			struct tracked *t = &files[i];

			/* A rotated file is closed after a look (see follow_expire). */
			if (t->f.nold > 0 && t->expiry >= 0 && now >= t->expiry)
				t->need_look = 1;
			if (t->need_look) {
				t->need_look = follow_look(&t->f, READ_BUDGET, now);
				more |= t->need_look;
				if (t->need_look)
					last_save = checkpoint_if_due(last_save);
			}
			t->expiry = t->f.nold > 0 ? follow_expire(&t->f, now) : -1;
			timer = earlier(timer, t->expiry);
			degraded |= ifd < 0 || t->f.missing || t->f.symlink ||
			    dirs[t->dir].wd < 0;
		}
		if (degraded)
			timer = earlier(timer, next_look);
		if (!more) {
			out_flush(&out);
			if (state_path != NULL && state_changed()) {
				if (now - last_save >= SAVE_MS) {
					save_state(1);
					last_save = now;
				} else {
					timer = earlier(timer, last_save + SAVE_MS);
				}
			}
		}
		pfd[0].fd = ifd;
		pfd[0].events = POLLIN;
		pfd[1].fd = 1;
		pfd[1].events = 0;
		{
			int64_t wait = more ? 0 : timer < 0 ? -1 : timer - follow_now_ms();
			struct timespec ts, *tsp = NULL;

			if (wait < 0 && timer >= 0)
				wait = 0;
			if (wait >= 0) {
				ts.tv_sec = wait / 1000;
				ts.tv_nsec = wait % 1000 * 1000000;
				tsp = &ts;
			}
			if (ppoll(pfd, 2, tsp, &poll_mask) < 0 && errno != EINTR)
				die("poll:");
		}
		if (pfd[1].revents & (POLLERR | POLLHUP)) {
			/* The reader is gone: what it accepted is checkpointed. */
			output_closed(&out);
			exit(EXIT_OK);
		}
		if (ifd >= 0 && (pfd[0].revents & POLLIN))
			read_events();
	}
}

/* --once: what is there now, then checkpoint and exit; the exit status,
 * 1 when a file could not be read (the error was said). */
static int
read_once(void)
{
	int64_t now = follow_now_ms();
	int status = EXIT_OK;
	size_t i;

	for (i = 0; i < nfiles; i++) {
		follow_look(&files[i].f, UINT64_MAX, now);
		follow_settle(&files[i].f);
		follow_expire(&files[i].f, now);
		if (files[i].f.open_errno != 0)
			status = EXIT_BAD;
	}
	out_flush(&out);
	if (state_path != NULL)
		save_state(0);
	return status;
}

static size_t
dir_index(const char *path)
{
	size_t i;

	for (i = 0; i < ndirs; i++)
		if (strcmp(dirs[i].path, path) == 0)
			return i;
	dirs = xreallocarray(dirs, ndirs + 1, sizeof *dirs);
	dirs[ndirs].path = xstrdup(path);
	dirs[ndirs].wd = -1;
	return ndirs++;
}

/*
 * state_key: what the state knows NAME by, however it is spelled
 * (app.log, ./app.log, /var/log/app.log): its directory resolved by
 * realpath(3), then its last component, not resolved (a symbolic link is
 * followed as a link).  A directory that cannot be resolved (missing,
 * with --retry): NAME made absolute.
 */
static char *
state_key(const char *name)
{
	const char *slash = strrchr(name, '/');
	char dir[PATH_MAX], *key, *d = path_dir(name);
	const char *base = slash != NULL ? slash + 1 : name;
	size_t dl;

	if (realpath(d, dir) == NULL) {
		base = name;
		if (name[0] == '/' || getcwd(dir, sizeof dir) == NULL)
			dir[0] = '\0';
	}
	free(d);
	dl = strlen(dir);
	key = xmalloc(dl + strlen(base) + 2);
	sprintf(key, "%s%s%s", dir, dl > 0 && dir[dl - 1] != '/' ? "/" : "", base);
	return key;
}

/*
 * adopt_spelling: with no entry under F's key, the entries of another
 * name (one no name of this run has) are F's when that name is spelled
 * otherwise for the same place, or when one of them is F's current file
 * by identity (device, inode, birth time, the content it knew): a state
 * written by a version that kept names as typed, or a log moved into a
 * directory reached another way.  They are renamed to F's key in LOADED,
 * so that they are resumed and written under it.
 */
static void
adopt_spelling(struct follow *f)
{
	struct fileid_stat fi;
	char *was = NULL;
	size_t i, k;
	int fd;

	for (i = 0; i < loaded.n; i++)
		if (strcmp(loaded.e[i].name, f->key) == 0)
			return;
	fd = open(f->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 && fileid_stat_fd(fd, &fi) < 0) {
		close(fd);
		fd = -1;
	}
	for (i = 0; i < loaded.n && was == NULL; i++) {
		const struct tailstate_entry *e = &loaded.e[i];
		char *key;
		int claimed = 0, same;

		for (k = 0; k < nfiles && !claimed; k++)
			claimed = strcmp(files[k].f.key, e->name) == 0;
		if (claimed)
			continue;
		key = state_key(e->name);
		same = strcmp(key, f->key) == 0 ||
		    (fd >= 0 && follow_holds_entry(fd, &fi, e));
		free(key);
		if (same)
			was = xstrdup(e->name);
	}
	if (fd >= 0)
		close(fd);
	if (was == NULL)
		return;
	if (strcmp(was, f->name) != 0)
		warn("%s: known to the state as %s: continued from there", f->name, was);
	for (i = 0; i < loaded.n; i++) {
		if (strcmp(loaded.e[i].name, was) == 0) {
			free(loaded.e[i].name);
			loaded.e[i].name = xstrdup(f->key);
		}
	}
	free(was);
}

/* Open the files to follow (at the state's places, or as HOW says for
 * files the state does not know); how many the state did not know. */
static size_t
open_files(char **names, int n, enum follow_start how, uint64_t lines,
    int retry, int once, const struct follow_opts *fo)
{
	size_t nnew = 0;
	int i;

	files = xreallocarray(NULL, (size_t)n, sizeof *files);
	for (i = 0; i < n; i++) {
		char *key = state_key(names[i]);
		size_t k;

		for (k = 0; k < nfiles && strcmp(files[k].f.key, key) != 0; k++)
			;
		if (k < nfiles) {	/* the same log named twice */
			warn("%s: the same file as %s; followed once", names[i],
			    files[k].f.name);
			free(key);
			continue;
		}
		memset(&files[nfiles], 0, sizeof files[nfiles]);
		follow_init(&files[nfiles].f, names[i], fo);
		files[nfiles].f.key = key;
		files[nfiles].dir = dir_index(files[nfiles].f.dir);
		files[nfiles].need_look = 1;
		files[nfiles].expiry = -1;
		nfiles++;
	}
	/* Watch before the first read: what is appended meanwhile is seen. */
	for (size_t d = 0; d < ndirs; d++)
		watch_dir(&dirs[d]);
	for (size_t k = 0; k < nfiles; k++) {
		struct follow *f = &files[k].f;
		struct tailstate_entry *mine = NULL;
		size_t nmine = 0, j;
		int64_t horizon = 0;
		int known = 0, r;

		adopt_spelling(f);
		for (j = 0; j < loaded.n; j++) {
			const struct tailstate_entry *e = &loaded.e[j];

			if (e->pending || strcmp(e->name, f->key) != 0)
				continue;
			known = 1;
			if (e->kind == TAILSTATE_NAME) {
				horizon = e->horizon;
			} else {
				mine = xreallocarray(mine, nmine + 1, sizeof *mine);
				mine[nmine++] = *e;
				pending_knowledge(&mine[nmine - 1]);
			}
		}
		r = known ? follow_resume(f, horizon, mine, nmine) :
		    follow_start(f, how, lines);
		free(mine);
		nnew += !known;
		if (!known && no_commit)	/* a retry starts here again */
			follow_export(f, &start, 0);
		if (r < 0) {
			/* Caught between a rotation's rename and its create:
			 * the state knows NAME and its rest was found, to be
			 * read; NAME's next file is awaited as with --retry. */
			int between = errno == ENOENT && !retry && known && f->nold > 0;

			if (errno != ENOENT || !(retry || between))
				die("%s:", f->name);
			if (between && (verbose || !once))
				warn("%s: does not exist (rotated, not created again yet); "
				    "reading the rest of its rotated file", f->name);
			else if (!once)	/* with --once, a file yet to come is empty */
				warn("%s: does not exist yet; waiting for it", f->name);
		}
	}
	return nnew;
}

/* What the command line asks for (the globals above aside). */
struct options {
	struct follow_opts fo;
	char **rotated;		/* --rotated globs */
	size_t nrotated;
	enum follow_start how;
	uint64_t lines;		/* -n */
	int once, commit, retry, polling;
};

/* check_options: the combinations that make no sense, with NFILES files;
 * and MR_TAIL_MAX_WATCHES. */
static void
check_options(const struct options *o, int nfiles)
{
	const char *env;
	uint64_t v;

	if (no_commit && !o->once)
		usage_error("--no-commit needs --once");
	if (o->commit && (o->once || nfiles > 0 || state_path == NULL))
		usage_error("--commit takes only -s STATE");
	if (no_commit && state_path == NULL)
		usage_error("--no-commit needs -s STATE");
	if (!o->commit && nfiles == 0)
		usage_error("no file to follow");
	if ((env = getenv("MR_TAIL_MAX_WATCHES")) != NULL && *env != '\0') {
		if (parse_uint(env, 0, LONG_MAX, &v) < 0)
			die("MR_TAIL_MAX_WATCHES: invalid number '%s'", env);
		watch_limit = (long)v;
	}
}

/* parse_options: the options into *O and the globals; usage errors end
 * the program (status 2).  The index of the first file. */
static int
parse_options(int argc, char *argv[], struct options *o)
{
	static const struct option longopts[] = {
		{ "begin", no_argument, NULL, 'b' },
		{ "commit", no_argument, NULL, 'c' },
		{ "with-name", no_argument, NULL, 'H' },
		{ "max-line", required_argument, NULL, 'm' },
		{ "lines", required_argument, NULL, 'n' },
		{ "no-commit", no_argument, NULL, 'N' },
		{ "once", no_argument, NULL, 'o' },
		{ "poll", required_argument, NULL, 'p' },
		{ "retry", no_argument, NULL, 'r' },
		{ "rotated", required_argument, NULL, 'g' },
		{ "rotate-wait", required_argument, NULL, 'w' },
		{ "state", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		ARGS_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	o->how = FOLLOW_END;
	o->fo.rotate_wait_ms = ROTATE_WAIT_MS;
	o->fo.hooks = &watch_hooks;
	while ((c = args_next(argc, argv, "bcg:Hhm:Nn:op:rs:vw:", longopts)) != -1) {
		switch (c) {
		case 'b':
			o->how = FOLLOW_BEGIN;
			break;
		case 'c':
			o->commit = 1;
			break;
		case 'g':
			o->rotated = xreallocarray(o->rotated, o->nrotated + 1,
			    sizeof *o->rotated);
			o->rotated[o->nrotated++] = optarg;
			break;
		case 'H':
			o->fo.header = 1;
			break;
		case 'm':
			o->fo.max_line = optarg_size(UINT64_MAX);
			break;
		case 'N':
			no_commit = 1;
			break;
		case 'n':
			o->lines = optarg_number(0, UINT64_MAX);
			o->how = FOLLOW_LAST;
			break;
		case 'o':
			o->once = 1;
			break;
		case 'p':
			poll_ms = (int)optarg_number(1, 3600000);
			o->polling = 1;
			break;
		case 'r':
			o->retry = 1;
			break;
		case 's':
			state_path = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'w':
			o->fo.rotate_wait_ms = (int64_t)optarg_number(0, INT32_MAX);
			break;
		}
	}
	o->fo.rotated = o->rotated;
	o->fo.nrotated = o->nrotated;
	check_options(o, argc - optind);
	return optind;
}

int
main(int argc, char *argv[])
{
	static struct rotdir_exclude exclude;
	struct options o;
	size_t nnew;
	int first, status = EXIT_OK;

	args_init(argv[0], usage_text, help_text);
	out_ignore_sigpipe();
	first = parse_options(argc, argv, &o);
	tailstate_init(&loaded);
	tailstate_init(&start);
	if (o.commit)
		return commit_state();
	if (state_path != NULL) {
		lock_state(1);
		tailstate_load(&loaded, state_path);
	}
	if (!o.once)
		catch_signals();
	open_output();
	out.on_closed = output_closed;
	o.fo.out = &out;
	if (o.once)	/* a rotated file last written -w ago is idle now */
		o.fo.idle_before_ms = follow_now_ms() - o.fo.rotate_wait_ms;
	o.fo.marks = &marks;
	/* The state file, its temporaries and the output file are never
	 * taken for rotated logs (a glob such as 'app.log*' matches them). */
	rotdir_exclude_init(&exclude, state_path, 1);
	o.fo.exclude = &exclude;
	if (!o.once && !o.polling)
		start_inotify();
	/*
	 * A file new to the state is checkpointed where this run begins,
	 * before its first line is written: a run killed within its first
	 * checkpoint interval is resumed from there by identity (its lines
	 * come again), not started afresh at a name that may by then hold a
	 * newer file (the older one's lines lost).  A loss a restart
	 * reported is checkpointed at once too, before anything is read: a
	 * run killed before its first checkpoint would report it again.
	 * So is a run writing to a regular file: the state says which file
	 * and from where (see cut_torn_line in state.c).  Any other run checks that
	 * the state can be written: one that cannot stops before its first
	 * line (the next run would repeat them).
	 */
	nnew = open_files(argv + first, argc - first, o.how, o.lines, o.retry,
	    o.once, &o.fo);
	if (state_path != NULL)
		save_start_state(nnew > 0 || losses_reported());
	atexit(report_counts);
	if (o.once)
		status = read_once();
	else
		follow_loop();
	out_close(&out);
	return status;
}
