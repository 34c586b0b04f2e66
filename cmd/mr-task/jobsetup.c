/*
 * mr-task --job: what the job's tasks are given: the archives unpacked
 * once for all of them, and each task's directory, part file and task
 * struct (the scheduler, job.c, forks and runs them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "extsort.h"
#include "msg.h"
#include "partout.h"
#include "proc.h"
#include "task.h"
#include "xalloc.h"

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * unpack_archives: each -A NAME=PATH unpacked once into scratch/archives/
 * NAME, as Hadoop unpacks .jar, .zip, .tar, .tgz and .tar.gz (any other
 * file is linked as it is); each becomes a link of every task.
 */
void
unpack_archives(void)
{
	size_t i;
	char *dir;

	if (jspec->narchives == 0)
		return;
	dir = xmalloc(strlen(jspec->scratch) + 16);
	sprintf(dir, "%s/archives", jspec->scratch);
	if (mkdir(dir, 0777) < 0)
		die("%s: cannot create a directory", jspec->scratch);
	/* Each archive becomes a link of every task. */
	jspec->links = xreallocarray(jspec->links,
	    jspec->nlinks + jspec->narchives, sizeof *jspec->links);
	for (i = 0; i < jspec->narchives; i++) {
		char *name = jspec->archives[i], *eq = strchr(name, '=');
		const char *path = eq + 1;
		char *d = xmalloc(strlen(dir) + strlen(name) + 2), *link;
		char *zip[] = { "unzip", "-q", "-d", d, (char *)path, NULL };
		char *tar[] = { "tar", "-xf", (char *)path, "-C", d, NULL };
		char **argv = NULL;
		struct proc p;

		sprintf(d, "%s/%.*s", dir, (int)(eq - name), name);
		if (has_suffix(path, ".jar") || has_suffix(path, ".zip") ||
		    has_suffix(path, ".JAR") || has_suffix(path, ".ZIP"))
			argv = zip;
		else if (has_suffix(path, ".tar") || has_suffix(path, ".tgz") ||
		    has_suffix(path, ".tar.gz"))
			argv = tar;
		if (argv != NULL) {
			if (mkdir(d, 0777) < 0)
				die("-archives: %s: cannot unpack", path);
			proc_spawn(&p, argv, NULL, PROC_INHERIT, PROC_INHERIT,
			    PROC_INHERIT);
			if (proc_failed(proc_wait(p.pid)))
				die("-archives: %s: cannot unpack", path);
			check_signal();
		}
		link = xmalloc(strlen(name) + strlen(d) + 2);
		sprintf(link, "%.*s=%s", (int)(eq - name), name, argv ? d : path);
		jspec->links[jspec->nlinks++] = link;
		free(d);
	}
	free(dir);
}

/* ---- one task ---- */

/* The task directory of task KIND N, for the caller to free. */
char *
task_dir(char kind, size_t n)
{
	char *p = xmalloc(strlen(jspec->scratch) + 32);

	sprintf(p, "%s/%c%zu", jspec->scratch, kind, n);
	return p;
}

char *
task_file(char kind, size_t n, const char *name)
{
	char *p = xmalloc(strlen(jspec->scratch) + strlen(name) + 32);

	sprintf(p, "%s/%c%zu/%s", jspec->scratch, kind, n, name);
	return p;
}

/* The part file of task N (of a reduce task, or a map task of a map-only
 * job), for the caller to free. */
static char *
part_name(size_t n)
{
	char *p = xmalloc(strlen(jspec->out_abs) + 32);

	sprintf(p, "%s/part-%05zu", jspec->out_abs, n);
	return p;
}

/* The task struct of map task N or reduce task N. */
void
task_setup(struct task *t, char kind, size_t n, int sort_threads)
{
	memset(t, 0, sizeof *t);
	t->number = (unsigned)n;
	t->links = jspec->links;
	t->nlinks = jspec->nlinks;
	t->sort_budget = extsort_default_budget() / (uint64_t)online_cpus();
	t->sort_threads = sort_threads;
	if (kind == 'm') {
		t->input = jplan.splits[n].file;
		t->split = (struct hsplit){ jplan.splits[n].start,
		    jplan.splits[n].length };
		t->have_split = 1;
		t->cmd = jspec->map_words;
		if (nred > 0 && jspec->comb_words[0] != NULL &&
		    !job.aggregate_combiner)
			t->combiner = jspec->comb_words;
		if (nred == 0)
			out_file = part_name(n);
	} else {
		size_t i;

		/* At most one input from each map task. */
		t->inputs = xcalloc(jplan.n + 1, sizeof *t->inputs);
		for (i = 0; i < jplan.n; i++) {
			char *pre = task_file('m', i, "p-"), *f;
			struct stat st;

			f = partout_name(pre, (unsigned)n);
			free(pre);
			if (stat(f, &st) == 0 && st.st_size > 0) {
				t->inputs[t->ninputs++] = f;
			} else {
				free(f);
			}
		}
		t->cmd = jspec->red_words[0] != NULL ? jspec->red_words : NULL;
		/* Only a combiner can break the order of a map task's
		 * output: without one the job's own sort made each input. */
		t->sorted_inputs = jspec->comb_words[0] == NULL &&
		    !job.aggregate_combiner;
		out_file = part_name(n);
	}
}
