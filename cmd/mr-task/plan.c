/* mr-task --plan: the job's input cut into Hadoop's splits, and the
 * directories of the job's tasks. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec.h"
#include "msg.h"
#include "task.h"
#include "xalloc.h"

/* The directories --plan made, removed again (empty) if it fails; and
 * the parents of the output directory among them, outermost first. */
static char **made;
static size_t nmade, madecap;
static int plan_done;
static char **parents;
static size_t nparents, parentcap;

static void
unmake_dirs(void)
{
	while (!plan_done && nmade > 0)
		rmdir(made[--nmade]);
}

/* make_dir: mkdir PATH (a printf format) with MODE; dies on failure. */
static void
make_dir(mode_t mode, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
make_dir(mode_t mode, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	if (mkdir(path, mode) < 0)
		die("%s: cannot create directory:", path);
	ARRAY_RESERVE(made, madecap, nmade + 1);
	made[nmade++] = xstrdup(path);
}

/*
 * setup_dirs: the output directory OUTPUT, refused if it exists (its
 * parents made as needed), and the scratch directory SCRATCH (private),
 * with every task's directory, its working directory and a tmp directory
 * there.
 */
static void
setup_dirs(const char *output, const char *scratch, size_t nmaps)
{
	char parent[PATH_MAX], *slash;
	size_t i, k, n = strlen(output);
	struct stat st;

	if (lstat(output, &st) == 0 || errno != ENOENT)
		die("output directory file:%s already exists", output);
	if (n >= sizeof parent)
		die("%s: name too long", output);
	atexit(unmake_dirs);
	/* The missing parents, outermost first. */
	memcpy(parent, output, n + 1);
	for (slash = parent + 1; (slash = strchr(slash, '/')) != NULL; slash++) {
		*slash = '\0';
		if (stat(parent, &st) < 0) {
			make_dir(0777, "%s", parent);
			ARRAY_RESERVE(parents, parentcap, nparents + 1);
			parents[nparents++] = xstrdup(parent);
		}
		*slash = '/';
	}
	if (mkdir(output, 0777) < 0) {
		if (errno == EEXIST)
			die("output directory file:%s already exists", output);
		die("%s: cannot create directory:", output);
	}
	ARRAY_RESERVE(made, madecap, nmade + 1);
	made[nmade++] = xstrdup(output);
	make_dir(0700, "%s", scratch);
	for (k = 0; k < nmaps + job.reduces; k++) {
		char kind = k < nmaps ? 'm' : 'r';

		i = k < nmaps ? k : k - nmaps;
		make_dir(0777, "%s/%c%zu", scratch, kind, i);
		make_dir(0777, "%s/%c%zu/work", scratch, kind, i);
		make_dir(0777, "%s/%c%zu/work/tmp", scratch, kind, i);
	}
}

/* Append NAME=VALUE and a NUL to the job file, and set it in conf. */
static void
put_prop(struct out *o, const char *name, const char *value)
{
	out_str(o, name);
	out_byte(o, '=');
	out_str(o, value);
	out_byte(o, '\0');
	sconf_set(&conf, name, value);
}

/*
 * plan_make: list the input of the -input SPECS and cut it into the splits
 * of FileInputFormat (a compressed file is one split), in map task order
 * (largest first, as Hadoop's job submitter orders them); append what that
 * decides to the job file CONF_FILE, as Hadoop's JobSubmitter completes
 * job.xml (mapreduce.job.maps, the input directories and file count).
 */
void
plan_make(struct plan *p, char **specs, int nspecs, const char *conf_file,
    const char *output, const char *scratch)
{
	struct hsplit_task *refs = NULL;
	uint64_t *sizes, total = 0, size;
	size_t n = 0, cap = 0, k, i;
	struct hsplit_plan hp;
	struct hsplit s;
	struct out o;
	char num[24];

	if (output != NULL && access(output, F_OK) == 0)
		die("output directory file:%s already exists", output);
	hsplit_list(&p->in, specs, (size_t)nspecs, job.recursive);
	sizes = xcalloc(p->in.n + 1, sizeof *sizes);
	for (i = 0; i < p->in.n; i++) {
		struct stat st;
		const char *ext = codec_refused_input(p->in.files[i]);

		if (ext != NULL)
			die("input: file:%s: %s input is not supported by mr-tools",
			    p->in.files[i], ext);
		if (stat(p->in.files[i], &st) < 0)
			die("input: file:%s:", p->in.files[i]);
		sizes[i] = (uint64_t)st.st_size;
		total += sizes[i];
	}
	size = hsplit_size(total / job.maps, job.minsplit, job.block);
	for (i = 0; i < p->in.n; i++) {
		int whole = codec_by_path(p->in.files[i]) != SCODEC_NONE && sizes[i] > 0;

		hsplit_plan_init(&hp, sizes[i], whole ? sizes[i] : size);
		while (hsplit_plan_next(&hp, &s)) {
			ARRAY_RESERVE(refs, cap, n + 1);
			refs[n] = (struct hsplit_task){ i, s, n };
			n++;
		}
	}
	hsplit_tasks_order(refs, n);
	if (output != NULL && scratch != NULL)
		setup_dirs(output, scratch, n);
	if (conf_file != NULL) {
		int fd = open(conf_file, O_WRONLY | O_APPEND | O_CLOEXEC);

		if (fd < 0)
			die("%s:", conf_file);
		out_init(&o, fd, conf_file);
		o.owns_fd = 1;
		snprintf(num, sizeof num, "%zu", n);
		put_prop(&o, "mapreduce.job.maps", num);
		put_prop(&o, "mapreduce.input.fileinputformat.inputdir", p->in.dirs);
		snprintf(num, sizeof num, "%zu", p->in.n);
		put_prop(&o, "mapreduce.input.fileinputformat.numinputfiles", num);
		out_close(&o);
	}
	p->splits = xcalloc(n + 1, sizeof *p->splits);
	p->n = n;
	for (k = 0; k < n; k++)
		p->splits[k] = (struct plan_split){ p->in.files[refs[k].file],
		    refs[k].s.start, refs[k].s.length };
	plan_done = 1;
	free(refs);
	free(sizes);
	for (k = 0; k < nmade; k++)
		free(made[k]);
	free(made);
	made = NULL;
	nmade = 0;
}

/*
 * plan_print: the job's settings as shell assignments, then one "split TAB
 * FILE TAB START TAB LENGTH" line per map task, in map task order.
 */
void
plan_print(const struct plan *p)
{
	struct out o;
	size_t k;

	out_init(&o, 1, "standard output");
	out_str(&o, "reduces=");
	out_u64(&o, job.reduces);
	out_str(&o, "\nmark_success=");
	out_u64(&o, (uint64_t)job.mark_success);
	out_byte(&o, '\n');
	for (k = 0; k < p->n; k++) {
		out_str(&o, "split\t");
		out_str(&o, p->splits[k].file);
		out_byte(&o, '\t');
		out_u64(&o, p->splits[k].start);
		out_byte(&o, '\t');
		out_u64(&o, p->splits[k].length);
		out_byte(&o, '\n');
	}
	out_close(&o);
}

void
plan_unmake_parents(void)
{
	while (nparents > 0) {
		rmdir(parents[--nparents]);
		free(parents[nparents]);
	}
	free(parents);
	parents = NULL;
}

size_t
plan_parent_length(size_t i)
{
	return i < nparents ? strlen(parents[i]) : 0;
}

void
plan_forget_parents(void)
{
	while (nparents > 0)
		free(parents[--nparents]);
	free(parents);
	parents = NULL;
}

void
plan_free(struct plan *p)
{
	free(p->splits);
	hsplit_inputs_free(&p->in);
}
