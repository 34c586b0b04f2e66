/* mr-task: a map task: its split into the mapper, the mapper's lines
 * sorted and dealt to the partitions, each through the combiner. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extsort.h"
#include "hash.h"
#include "keyfield.h"
#include "msg.h"
#include "partout.h"
#include "task.h"
#include "tmpfile.h"
#include "valueagg.h"
#include "xalloc.h"

/* The order of map output records and their groups (task.h). */
struct sortorder sort_order = { .kv = { 1, '\r' } };
const struct sortorder group_order = { .kv = { 1, '\r' } };

/* The records of a split into the mapper. */
struct split_feed {
	pthread_t th;
	struct hsplit_reader r;	/* an uncompressed file */
	int zfd;		/* or the output of its decompressor, or -1 */
	const char *name;
	struct out o;
	uint64_t records;
};

/* A compressed file, read whole (LineRecordReader over a codec stream). */
static uint64_t
copy_decompressed(struct split_feed *sf)
{
	struct slines l;
	struct slice line;
	uint64_t n = 0;

	slines_init(&l, sf->zfd, sf->name);
	while (!sf->o.closed && slines_next(&l, &line)) {
		if (n == 0 && line.len >= 3 && memcmp(line.p, "\xEF\xBB\xBF", 3) == 0) {
			line.p += 3;
			line.len -= 3;
		}
		out_write(&sf->o, line.p, line.len);
		out_byte(&sf->o, '\n');
		n++;
	}
	slines_free(&l);
	return n;
}

/* stream.map.input.ignoreKey=false: "offset SEP line". */
static uint64_t
copy_keyed(struct split_feed *sf)
{
	struct slice rec;
	uint64_t off, n = 0;

	while (!sf->o.closed && hsplit_reader_next(&sf->r, &rec, &off)) {
		out_u64(&sf->o, off);
		out_str(&sf->o, job.map_in_sep);
		out_write(&sf->o, rec.p, rec.len);
		out_byte(&sf->o, '\n');
		n++;
	}
	return n;
}

static void *
feed_split(void *arg)
{
	struct split_feed *sf = arg;
	int64_t spliced;
	int stopped = 0;

	stage = SSTAGE_SPLIT;
	if (sf->zfd >= 0)
		sf->records = copy_decompressed(sf);
	else if (!job.ignore_key)
		sf->records = copy_keyed(sf);
	else if ((spliced = hsplit_reader_splice(&sf->r, sf->o.fd, &stopped)) >= 0)
		sf->records = (uint64_t)spliced;	/* file to pipe, no copy */
	else
		sf->records = hsplit_reader_copy(&sf->r, &sf->o);
	out_close(&sf->o);	/* a last flush may find the pipe closed */
	(void)stopped;	/* what the mapper left unread is measured after it */
	if (sf->zfd < 0)
		hsplit_reader_free(&sf->r);
	return NULL;
}

/* Map output between tasks: "key \r value" (see lib/streaming). */
static inline void
emit_intermediate(struct out *o, const struct scollect *c, struct slice line)
{
	struct slice v;
	size_t k = split_line(c, line, &v);
	char *dst;

	if (k < line.len && c->seplen == 1) {
		dst = out_reserve(o, line.len + 1);
		memcpy(dst, line.p, line.len);
		dst[k] = '\r';
		dst[line.len] = '\n';
		o->len += line.len + 1;
		return;
	}
	out_write(o, line.p, k);
	out_byte(o, '\r');
	out_write(o, v.p, v.len);
	out_byte(o, '\n');
}

/*
 * cut_key: make the line at P (LEN bytes, a '\n' after it) a "key \r value"
 * record in place: the K-th separator becomes '\r' (a separator of several

 * length.  A line with fewer separators stays as it is: all key.
 */
static inline size_t
cut_key(const struct scollect *c, char *p, size_t *len)
{
	size_t k = scollect_keylen(c, p, *len);

	if (k == *len)
		return k;
	p[k] = '\r';
	if (c->seplen > 1) {
		memmove(p + k + 1, p + k + c->seplen, *len - k - c->seplen);
		*len -= c->seplen - 1;
		p[*len] = '\n';
	}
	return k;
}

/*
 * load_map_output: the mapper's lines (FD) into the sort, read straight
 * into its buffer and cut there: a line end of Hadoop's LineReader ("\n",
 * "\r\n", a lone "\r") is left as one '\n' after the record, the key's
 * separator becomes '\r' (cut_key); records only shrink, so this works in
 * place.  Returns the number of lines.
 */
static uint64_t
load_map_output(struct extsort *es, int fd, const struct scollect *c)
{
	uint64_t n = 0;
	size_t pos, end, len, next, want, clean = 0;
	int eof = 0, has_cr;
	ssize_t r;
	char *base, *p, *nl, *cr;

	for (;;) {
		base = es->data;
		pos = es->parsed;
		end = es->len;
		/* [pos, pos + CLEAN) holds no line end: a long line is not
		 * scanned again after each read. */
		has_cr = pos + clean < end &&
		    memchr(base + pos + clean, '\r', end - pos - clean) != NULL;
		while (pos < end) {
			p = base + pos;
			nl = memchr(p + clean, '\n', end - pos - clean);
			cr = has_cr ? memchr(p + clean, '\r',
			    (size_t)((nl ? nl : base + end) - p) - clean) : NULL;
			if (cr != NULL) {
				if (cr + 1 == base + end && !eof) {
					clean = (size_t)(cr - p);
					break;	/* is a '\n' next? */
				}
				len = (size_t)(cr - p);
				next = (size_t)(cr - base) + 1;
				if (next < end && base[next] == '\n')
					next++;
				*cr = '\n';
			} else if (nl != NULL) {
				len = (size_t)(nl - p);
				next = (size_t)(nl - base) + 1;
			} else if (eof) {
				len = end - pos;	/* a last line without its end */
				base[end] = '\n';
				next = end;
			} else {
				clean = end - pos;
				break;
			}
			extsort_mark(es, pos, len, cut_key(c, p, &len), next);
			n++;
			pos = next;
			clean = 0;
		}
		if (eof)
			return n;
		p = extsort_space(es, &want);
		do
			r = read(fd, p, want);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			die("mapper output:");
		if (r == 0)
			eof = 1;
		else
			extsort_filled(es, (size_t)r);
	}
}



/* The partitioner of the job over a record's key. */
struct partitioner {
	struct hadoop_partitioner hash;
	struct buf scratch;	/* keyfield_partition's, 3 bytes a key byte */
};

static inline unsigned
partition_of(struct partitioner *p, const char *key, size_t len)
{
	if (!job.keyfield_partitioner)
		return hadoop_partitioner_apply(&p->hash, key, len);
	return keyfield_partition(&job.part, key, len, job.reduces,
	    buf_reserve(&p->scratch, 3 * len));
}

/* The sorted map output into the partition files PREFIX00000... */
static void
partition_sorted(struct extsort *es, const char *prefix)
{
	struct partitioner pt = { .scratch = { 0 } };
	struct partout po;
	struct slice rec, v;

	hadoop_partitioner_init(&pt.hash, job.reduces);
	partout_open_files(&po, job.reduces, prefix);
	if (job.reduces == 1) {
		while (extsort_next(es, &rec))
			partout_record(&po, 0, rec.p, rec.len);
	}
	while (extsort_next(es, &rec)) {
		size_t k = record_key(rec, &v);

		partout_record(&po, partition_of(&pt, rec.p, k), rec.p, rec.len);
	}
	buf_free(&pt.scratch);
	stage = SSTAGE_PARTITION;
	if (partout_close(&po) != 0)
		fail(SSTAGE_PARTITION, 1);
}

/* Hadoop's combiner output collector: lines into the partition file. */
struct combine_out {
	struct out o;
	uint64_t lines;
	const char *key;	/* aggregate: the group's key */
	size_t keylen;
};

static void
emit_combined(void *arg, const char *v, size_t len)
{
	struct combine_out *c = arg;

	out_write(&c->o, c->key, c->keylen);
	out_byte(&c->o, '\r');
	out_write(&c->o, v, len);
	out_byte(&c->o, '\n');
	c->lines++;
}

/*
 * The aggregate package's combiner over one partition: values grouped
 * by the sort order, each group's partial result.
 */
static void
aggregate_combine(struct reader *r, struct combine_out *c, uint64_t *in)
{
	struct valueagg a;
	struct slice rec, v;
	struct buf key = { 0 };
	char err[512];
	size_t k;
	int have = 0;
	const char *id;
	size_t idlen;

	valueagg_init(&a, UINT64_MAX);
	while (reader_next(r, &rec)) {
		(*in)++;
		k = record_key(rec, &v);
		if (!have || sortorder_key_cmp(&group_order, c->key, c->keylen, rec.p, k) != 0) {
			if (have)
				valueagg_combine(&a, emit_combined, c);
			buf_set(&key, rec.p, k);
			c->key = key.p != NULL ? key.p : "";
			c->keylen = k;
			have = 1;
			if (valueagg_start(&a, c->key, k, &id, &idlen, err, sizeof err) < 0)
				fail_with(SSTAGE_COMBINER, err);
		}
		if (valueagg_add(&a, v.p, v.len, err, sizeof err) < 0)
			fail_with(SSTAGE_COMBINER, err);
	}
	if (have)
		valueagg_combine(&a, emit_combined, c);
	valueagg_free(&a);
	buf_free(&key);
}

/*
 * combine: the combiner over the sorted records of one partition, SRC,
 * into the partition file DST; a partition without records stays empty
 * (Hadoop starts no combiner for it).
 */
static void
combine(const struct task *t, const char *src, const char *dst,
    uint64_t *in, uint64_t *outn)
{
	struct combine_out c = { .lines = 0 };
	const char *tmp;
	struct reader r;
	struct stat st;
	int fd = tmp_create_beside(dst, 0666, &tmp);

	out_init(&c.o, fd, dst);
	if (stat(src, &st) == 0 && st.st_size > 0) {
		reader_open(&r, src);
		r.keep_cr = 1;
		if (job.aggregate_combiner) {
			aggregate_combine(&r, &c, in);
		} else {
			struct record_feed f = { .r = &r, .group = &group_order,
			    .stage = SSTAGE_COMBINER };
			struct scollect rc;
			struct slines l;
			struct slice line;
			struct proc p;

			scollect_init(&rc, job.red_sep, job.red_keys);
			int keep;

			spawn_user(&p, t->combiner, &keep);
			feed_start(&f.o, p.in, "combiner input", &f.th, feed_records, &f);
			slines_init(&l, p.out, "combiner output");
			while (slines_next(&l, &line))
				emit_intermediate(&c.o, &rc, line);
			c.lines += l.n;
			slines_free(&l);
			close(p.out);
			finish_user(&p, keep, f.th, &f.o, NULL, SSTAGE_COMBINER,
			    SSTAGE_COMBINER_STOPPED);
			*in += f.records;
			buf_free(&f.last);
		}
		reader_close(&r);
	}
	*outn += c.lines;
	out_flush(&c.o);
	free(c.o.buf);
	if (close(fd) < 0)
		die("%s: write error:", dst);
	tmp_commit(tmp, dst);
}

/*
 * open_split: the input of map task T into SF: its split of an
 * uncompressed file (the descriptor returned, to close after the mapper),
 * or a compressed file whole through its decompressor ZPROC (-1).
 */
static int
open_split(struct task *t, struct split_feed *sf, struct proc *zproc,
    enum scodec zc)
{
	struct stat st;
	int fd;

	stage = SSTAGE_SPLIT;
	memset(sf, 0, sizeof *sf);
	sf->zfd = -1;
	sf->name = t->input;
	if (zc != SCODEC_NONE) {
		if (!job.ignore_key)
			fail_with(SSTAGE_SPLIT, "stream.map.input.ignoreKey=false: "
			    "not supported by mr-tools for compressed input");
		if (access(t->input, R_OK) < 0)
			die("%s:", t->input);
		sf->zfd = codec_in_open(zproc, zc, t->input);
		return -1;
	}
	if ((fd = open(t->input, O_RDONLY | O_CLOEXEC)) < 0)
		die("%s:", t->input);
	if (!t->have_split) {
		if (fstat(fd, &st) < 0)
			die("%s:", t->input);
		t->split.start = 0;
		t->split.length = (uint64_t)st.st_size;
	}
	hsplit_reader_init(&sf->r, fd, t->input, t->split);
	return fd;
}

/* partition_and_combine: the sorted map output ES into the partitions,
 * each through the combiner of task T if there is one. */
static void
partition_and_combine(const struct task *t, struct extsort *es)
{
	int combining = t->combiner != NULL || job.aggregate_combiner;
	char *prefix = task_path(combining ? "c-" : "p-");
	uint64_t cin = 0, cout = 0;

	partition_sorted(es, prefix);
	extsort_free(es);
	if (combining) {
		unsigned i;

		stage = SSTAGE_COMBINER;
		for (i = 0; i < job.reduces; i++) {
			char *src = partout_name(prefix, i);
			char *pp = task_path("p-"), *dst = partout_name(pp, i);

			combine(t, src, dst, &cin, &cout);
			unlink(src);
			free(src);
			free(pp);
			free(dst);
		}
	}
	count(SC_COMBINE_IN, cin);
	count(SC_COMBINE_OUT, cout);
	free(prefix);
}

void
run_map(struct task *t)
{
	struct proc mapper, zproc;
	struct split_feed sf;
	struct scollect mc;
	struct slines l;
	struct slice line;
	struct extsort es;
	struct final f;
	enum scodec zc = codec_by_path(t->input);
	uint64_t mapout;
	int keep;
	int fd = open_split(t, &sf, &zproc, zc);
	scollect_init(&mc, job.map_sep, job.map_keys);

	stage = SSTAGE_SETUP;
	spawn_user(&mapper, t->cmd, &keep);
	feed_start(&sf.o, mapper.in, "mapper input", &sf.th, feed_split, &sf);

	/* The mapper's lines: final output, or into the sort in memory
	 * (spilling runs to the task directory beyond the budget). */
	stage = SSTAGE_MAPPER;
	if (job.reduces == 0) {
		final_open(&f);
		slines_init(&l, mapper.out, "mapper output");
		while (slines_next(&l, &line))
			final_line(&f, &mc, line);
		mapout = l.n;
		slines_free(&l);
	} else {
		extsort_init(&es, &sort_order, t->sort_budget, t->sort_threads,
		    taskdir, 0);
		mapout = load_map_output(&es, mapper.out, &mc);
	}
	close(mapper.out);
	finish_user(&mapper, keep, sf.th, &sf.o, &sf.r.spliced, SSTAGE_MAPPER,
	    SSTAGE_MAPPER_STOPPED);
	if (fd >= 0)
		close(fd);
	if (sf.zfd >= 0) {
		close(sf.zfd);
		stage = SSTAGE_SPLIT;
		if (codec_in_finish(&zproc, zc, t->input) < 0)
			fail(SSTAGE_SPLIT, 1);
	}
	count(SC_MAP_IN, sf.records);
	count(SC_MAP_OUT, mapout);

	if (job.reduces == 0) {
		final_close(&f);
		count(SC_BYTES_READ, t->split.length);
		count(SC_BYTES_WRITTEN, f.bytes);
		return;
	}

	stage = SSTAGE_SORT;
	partition_and_combine(t, &es);
	count(SC_BYTES_READ, t->split.length);
}
