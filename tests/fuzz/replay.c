/*
 * replay: run a fuzz harness over every file of its corpus in a child
 * process; when that child fails, each file again in a child of its own,
 * so that a crash is reported with its file name and the rest still run.
 * Prints one TAP line for the harness.
 *
 * usage: fuzz_NAME [CORPUS_DIR]	(default tests/fuzz/corpus/NAME)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the whole file PATH into a fresh buffer of exactly its size. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	uint8_t *buf;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		exit(1);
	}
	/* An exact-size allocation lets ASan catch a read past the input. */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		perror("malloc");
		exit(1);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror(path);
			exit(1);
		}
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;
}

/* Run the harness over FILES[0..N) in a child; its wait status (0: all
 * passed). */
static int
run_files(char **files, size_t n)
{
	int st;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		for (size_t i = 0; i < n; i++) {
			size_t len;
			uint8_t *buf = slurp(files[i], &len);

			LLVMFuzzerTestOneInput(buf, len);
			free(buf);
		}
		exit(0);	/* exit, not _exit: LeakSanitizer checks at exit */
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : st ? st : 1;
}

int
main(int argc, char *argv[])
{
	const char *name;
	char *dir;
	char **files = NULL;
	size_t nfiles = 0, i, failed = 0;
	struct dirent *e;
	DIR *d;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [CORPUS_DIR]\n", argv[0]);
		return 2;
	}
	name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (strncmp(name, "fuzz_", 5) == 0)
		name += 5;
	if (argc == 2)
		dir = strdup(argv[1]);
	else if (asprintf(&dir, "tests/fuzz/corpus/%s", name) < 0)
		dir = NULL;
	if (dir == NULL) {
		perror("malloc");
		return 1;
	}
	if ((d = opendir(dir)) == NULL) {
		printf("not ok 1 - fuzz: %s: %s: %s\n", name, dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		files = realloc(files, (nfiles + 1) * sizeof *files);
		if (files == NULL || asprintf(&files[nfiles], "%s/%s", dir, e->d_name) < 0) {
			perror("malloc");
			return 1;
		}
		nfiles++;
	}
	closedir(d);
	qsort(files, nfiles, sizeof *files, cmp_names);

	setvbuf(stdout, NULL, _IOLBF, 0);	/* nothing buffered when forking */
	if (nfiles > 0 && run_files(files, nfiles) != 0) {
		for (i = 0; i < nfiles; i++) {
			int st = run_files(files + i, 1);

			if (st == 0)
				continue;
			failed++;
			if (WIFSIGNALED(st))
				printf("# %s: signal %d\n", files[i], WTERMSIG(st));
			else
				printf("# %s: status %d\n", files[i], WEXITSTATUS(st));
		}
		if (failed == 0)	/* only together: say so */
			failed = nfiles;
	}
	if (nfiles == 0)
		printf("not ok 1 - fuzz: %s: no corpus in %s\n", name, dir);
	else
		printf("%sok 1 - fuzz: %s: %zu corpus inputs, %zu failed\n",
		    failed ? "not " : "", name, nfiles, failed);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(dir);
	return failed || nfiles == 0;
}
