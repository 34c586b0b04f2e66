/* mr-task: the final output: -o FILE (written beside, renamed) or stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "msg.h"
#include "task.h"
#include "tmpfile.h"
#include "xalloc.h"

/* ---- the final output: -o FILE (written beside, renamed) or stdout ---- */

const char *out_file;

void
final_open(struct final *f)
{
	int fd;

	memset(f, 0, sizeof *f);
	if (out_file == NULL) {
		out_init(&f->o, 1, "standard output");
		return;
	}
	f->path = xmalloc(strlen(out_file) + 16);
	sprintf(f->path, "%s%s", out_file, sjob_codec_ext(job.codec));
	f->fd = tmp_create_beside(f->path, 0666, &f->tmp);
	if (job.codec != SCODEC_NONE) {
		fd = codec_out_start(&f->codec, job.codec, f->fd, f->path);
		out_init_child(&f->o, fd, f->path);
	} else {
		out_init(&f->o, f->fd, f->path);
	}
}

/* A final line: "key SEP value\n" from a command's LINE split by C. */
void
final_line(struct final *f, const struct scollect *c, struct slice line)
{
	struct slice v;
	size_t k;

	if (f->discard)
		return;
	k = split_line(c, line, &v);
	f->lines++;
	if (k < line.len && c->seplen == 1 && job.out_sep[0] == c->sep[0] &&
	    job.out_sep[1] == '\0') {
		out_write(&f->o, line.p, line.len);
	} else {
		out_write(&f->o, line.p, k);
		out_str(&f->o, job.out_sep);
		out_write(&f->o, v.p, v.len);
	}
	out_byte(&f->o, '\n');
}

/* final_close: complete the output; with -lazyOutput, none without lines. */
void
final_close(struct final *f)
{
	f->bytes = f->o.bytes + f->o.len;
	if (f->path == NULL) {
		out_close(&f->o);
		return;
	}
	stage = SSTAGE_OUTPUT;
	if (job.codec != SCODEC_NONE) {
		out_close(&f->o);
		if (f->o.closed)
			die("%s: the compressor stopped early", f->path);
		close(f->codec.p.in);
		if (codec_out_finish(&f->codec) < 0)
			fail(SSTAGE_OUTPUT, 1);
	} else {
		out_flush(&f->o);
		free(f->o.buf);
	}
	if (close(f->fd) < 0)
		die("%s: write error:", f->path);
	if (job.lazy && f->lines == 0)
		tmp_remove(f->tmp);
	else
		tmp_commit(f->tmp, f->path);
	free(f->path);
}

/*
 * copy_output: every line a command writes on FD (NAME for messages),
 * split by C, as final output; the line count.
 */
uint64_t
copy_output(int fd, const char *name, const struct scollect *c, struct final *f)
{
	struct slines l;
	struct slice line;
	uint64_t n;

	slines_init(&l, fd, name);
	while (slines_next(&l, &line))
		final_line(f, c, line);
	n = l.n;
	slines_free(&l);
	close(fd);
	return n;
}

