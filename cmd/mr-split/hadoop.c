/*
 * mr-split -i and -r: Hadoop's input splits of files (FileInputFormat's
 * plan) and the records its LineRecordReader reads from one split.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "buf.h"
#include "hsplit.h"
#include "msg.h"
#include "out.h"
#include "split.h"
#include "xalloc.h"

/*
 * print_index: the splits of FILES, in file order, or with LARGEST_FIRST in
 * the order of Hadoop's JobSubmitter, which numbers map tasks by split
 * length, longest first.
 */
void
print_index(struct out *out, char **files, int nfiles, uint64_t maps, uint64_t block,
    int largest_first)
{
	uint64_t *sizes = xcalloc((size_t)nfiles, sizeof *sizes), sum = 0, split;
	struct hsplit_task *refs = NULL;
	size_t n = 0, cap = 0, k;
	struct hsplit_plan plan;
	struct hsplit s;
	int i;

	for (i = 0; i < nfiles; i++) {
		struct stat st;

		if (stat(files[i], &st) < 0)
			die("%s:", files[i]);
		if (S_ISDIR(st.st_mode))
			errno = EISDIR;	/* said as every program says it */
		if (!S_ISREG(st.st_mode))
			die(S_ISDIR(st.st_mode) ? "%s:" : "%s: not a regular file",
			    files[i]);
		sizes[i] = (uint64_t)st.st_size;
		sum += sizes[i];
	}
	split = hsplit_size(maps ? sum / maps : UINT64_MAX, 1, block);
	for (i = 0; i < nfiles; i++) {
		hsplit_plan_init(&plan, sizes[i], split);
		while (hsplit_plan_next(&plan, &s)) {
			ARRAY_RESERVE(refs, cap, n + 1);
			refs[n].file = (size_t)i;
			refs[n].s = s;
			refs[n].seq = n;
			n++;
		}
	}
	if (largest_first)
		hsplit_tasks_order(refs, n);
	for (k = 0; k < n; k++) {
		out_str(out, files[refs[k].file]);
		out_byte(out, '\t');
		out_u64(out, refs[k].s.start);
		out_byte(out, '\t');
		out_u64(out, refs[k].s.length);
		out_byte(out, '\n');
	}
	free(refs);
	free(sizes);
}

void
read_split(struct out *out, const char *range, const char *file)
{
	struct hsplit_reader hr;
	struct hsplit s;
	int fd;

	if (hsplit_parse(range, &s) < 0)
		usage_error("-r: '%s' is not a split OFFSET:LENGTH", range);
	if (strcmp(file, "-") == 0)
		fd = 0;
	else if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		die("%s:", file);
	hsplit_reader_init(&hr, fd, file, s);
	hsplit_reader_copy(&hr, out);
	hsplit_reader_free(&hr);
	if (fd != 0)
		close(fd);
}
