/* mr-task: a reduce task: the merge of its partitions into the reducer
 * (or the identity or aggregate reducer); and the feed of sorted records
 * that a combiner shares. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "task.h"
#include "valueagg.h"
#include "xalloc.h"

/* The next record and its key's length, counting records and groups
 * (keys of equal bytes: lib/streaming). */
int
feed_next(struct record_feed *f, struct slice *rec, size_t *keylen)
{
	struct slice v;
	size_t k;

	if (f->m != NULL) {
		if (!merge_next(f->m, rec))
			return 0;
		k = merge_keylen(f->m);
	} else {
		if (f->r == NULL || !reader_next(f->r, rec))
			return 0;
		k = record_key(*rec, &v);
	}
	*keylen = k;
	f->records++;
	if (f->records == 1 || k != f->last.len ||
	    !bytes_equal(f->last.p, rec->p, k)) {
		f->groups++;
		buf_set(&f->last, rec->p, k);
	}
	return 1;
}

void *
feed_records(void *arg)
{
	struct record_feed *f = arg;
	size_t seplen = strlen(job.red_in_sep), k;
	struct slice rec;
	char *dst;

	stage = f->stage;
	while (!f->o.closed && feed_next(f, &rec, &k)) {
		/* "key SEP value\n": the record with its '\r' replaced. */
		if (seplen == 1) {
			dst = out_reserve(&f->o, rec.len + 2);
			memcpy(dst, rec.p, rec.len);
			dst[k] = job.red_in_sep[0];
			if (k == rec.len)
				dst[rec.len++] = job.red_in_sep[0];
			dst[rec.len] = '\n';
			f->o.len += rec.len + 1;
		} else {
			out_write(&f->o, rec.p, k);
			out_write(&f->o, job.red_in_sep, seplen);
			if (k < rec.len)
				out_write(&f->o, rec.p + k + 1, rec.len - k - 1);
			out_byte(&f->o, '\n');
		}
	}
	out_close(&f->o);	/* a last flush may find the pipe closed */
	return NULL;
}

/* A group's line of the aggregate reducer: "ID SEP REPORT". */
static void
aggregate_line(struct final *out, struct valueagg *a, const char *id,
    size_t idlen)
{
	out_write(&out->o, id, idlen);
	out_str(&out->o, job.out_sep);
	valueagg_report(a, &out->o);
	out_byte(&out->o, '\n');
	out->lines++;
}

/* The aggregate reducer: each group's report (ValueAggregatorReducer). */
static uint64_t
aggregate_reduce(struct record_feed *f, struct final *out)
{
	struct valueagg a;
	struct slice rec, v;
	uint64_t groups = 0;
	size_t k;
	const char *id = NULL;
	size_t idlen = 0;
	char err[512];

	valueagg_init(&a, job.uniq_max);
	while (feed_next(f, &rec, &k)) {
		v.p = rec.p + (k < rec.len ? k + 1 : k);
		v.len = k < rec.len ? rec.len - k - 1 : 0;
		if (f->groups != groups) {
			if (groups > 0)
				aggregate_line(out, &a, id, idlen);
			groups = f->groups;
			if (valueagg_start(&a, rec.p, k, &id, &idlen, err, sizeof err) < 0)
				fail_with(SSTAGE_AGGREGATE, err);
		}
		if (valueagg_add(&a, v.p, v.len, err, sizeof err) < 0)
			fail_with(SSTAGE_AGGREGATE, err);
	}
	if (groups > 0)
		aggregate_line(out, &a, id, idlen);
	valueagg_free(&a);
	return out->lines;
}

void
run_reduce(struct task *t)
{
	struct record_feed f;
	struct merge m;
	struct scollect rc;
	struct final out;
	uint64_t out_lines = 0;

	memset(&f, 0, sizeof f);
	f.group = &group_order;
	stage = SSTAGE_MERGE;
	/* The merge checks the order of its inputs (a combiner may have
	 * broken it), except when they are known sorted (a job's map
	 * outputs without a combiner) and with a KeyFieldBasedComparator:
	 * Hadoop's is not always consistent (a key missing a selected field
	 * sorts before every key, another such key included), so no order
	 * can pass. */
	if (t->ninputs > 0) {
		merge_open(&m, &sort_order, t->ninputs, t->inputs, NULL,
		    sortorder_keyfield(&sort_order) || t->sorted_inputs ?
		    MERGE_TRUST : MERGE_CHECK, 1);
		f.m = &m;
	}
	scollect_init(&rc, job.red_sep, job.red_keys);
	final_open(&out);
	if (job.reducer == SRED_AGGREGATE) {
		stage = SSTAGE_AGGREGATE;
		out_lines = aggregate_reduce(&f, &out);
	} else if (t->cmd != NULL && job.reducer == SRED_COMMAND) {
		struct proc reducer;
		int keep;

		/* A reducer without input runs, but its lines are dropped. */
		out.discard = t->ninputs == 0;
		stage = SSTAGE_SETUP;
		spawn_user(&reducer, t->cmd, &keep);
		f.stage = SSTAGE_MERGE;
		feed_start(&f.o, reducer.in, "reducer input", &f.th, feed_records, &f);
		stage = SSTAGE_REDUCER;
		copy_output(reducer.out, "reducer output", &rc, &out);
		out_lines = out.lines;
		finish_user(&reducer, keep, f.th, &f.o, NULL, SSTAGE_REDUCER,
		    SSTAGE_REDUCER_STOPPED);
	} else {
		/* The identity reducer: the merged records are its output. */
		struct scollect cr;
		struct slice rec;
		size_t k;

		scollect_init(&cr, "\r", 1);
		while (feed_next(&f, &rec, &k))
			final_line(&out, &cr, rec);
		out_lines = out.lines;
	}
	final_close(&out);
	if (f.m != NULL)
		merge_close(&m);
	buf_free(&f.last);
	count(SC_REDUCE_GROUPS, f.groups);
	count(SC_REDUCE_IN, f.records);
	count(SC_REDUCE_OUT, out_lines);
	count(SC_BYTES_WRITTEN, out.bytes);
}

