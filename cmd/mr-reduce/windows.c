/*
 * mr-reduce --window and --every: aggregate a live stream over time.
 * Tumbling windows by arrival time close on the clock, even when no
 * record comes (the reader's idle hook waits no longer than the next
 * window's end); by event time (--time-field) they close when the latest
 * event time passes their end plus the allowed lateness, and records for
 * a closed window are counted and dropped.  --every writes the running
 * totals since the start at each interval's end.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "hash.h"
#include "kv.h"
#include "msg.h"
#include "out.h"
#include "reduce.h"
#include "sigstop.h"
#include "timefmt.h"
#include "xalloc.h"

/* A time window (or the running totals of --every) and its keys. */
struct window {
	int64_t start;
	struct htab tab;
};

/* The open windows, by start; more than one only with --time-field. */
struct windows {
	struct reduce *r;
	struct window *v;
	size_t n, cap;
	int64_t watermark;	/* latest event time seen */
	int64_t next_snapshot;	/* --every: end of the interval */
	int dirty;		/* --every: records since the last snapshot */
};

/* floor(T / W) * W, also for times before the epoch. */
static int64_t
align_down(int64_t t, int64_t w)
{
	int64_t rem = t % w;

	return t - (rem < 0 ? rem + w : rem);
}

static struct window *
window_at(struct windows *ws, int64_t start)
{
	size_t i;

	for (i = 0; i < ws->n && ws->v[i].start < start; i++)
		;
	if (i < ws->n && ws->v[i].start == start)
		return &ws->v[i];
	ARRAY_RESERVE(ws->v, ws->cap, ws->n + 1);
	memmove(&ws->v[i + 1], &ws->v[i], (ws->n - i) * sizeof *ws->v);
	ws->n++;
	ws->v[i].start = start;
	htab_init(&ws->v[i].tab, ws->r->agg.size);
	return &ws->v[i];
}

static void *
table_state(struct htab *tab, struct slice key)
{
	int added;

	return htab_get(tab, key.p, key.len, hash64(key.p, key.len), &added);
}

static void
drop_first_window(struct windows *ws)
{
	clear_table(ws->r, &ws->v[0].tab);
	htab_free(&ws->v[0].tab);
	ws->n--;
	memmove(&ws->v[0], &ws->v[1], ws->n * sizeof *ws->v);
}

/*
 * Write the first open window labelled with LABEL_TIME, and drop it
 * unless KEEP (--every's running totals).
 */
static void
close_first_window(struct windows *ws, int64_t label_time, int keep)
{
	char label[TIMEFMT_MAX];

	timefmt_iso(label, label_time);
	write_table(ws->r, &ws->v[0].tab, label, keep);
	out_flush(&ws->r->out);
	if (!keep)
		drop_first_window(ws);
}

/* The time by which the timer must act, or INT64_MAX for none. */
static int64_t
deadline(const struct windows *ws)
{
	const struct reduce *r = ws->r;

	if (r->every_ns > 0)
		return ws->n > 0 ? ws->next_snapshot : INT64_MAX;
	if (r->time_field == 0 && ws->n > 0)
		return ws->v[0].start + r->window_ns;
	return INT64_MAX;
}

/* Act on the clock: close an arrival-time window, or write a snapshot. */
static void
tick(struct windows *ws, int64_t now)
{
	const struct reduce *r = ws->r;

	if (r->every_ns > 0) {
		if (now >= ws->next_snapshot) {
			if (ws->n > 0)
				close_first_window(ws, ws->next_snapshot, 1);
			ws->dirty = 0;
			ws->next_snapshot = align_down(now, r->every_ns) +
			    r->every_ns;
		}
	} else if (r->time_field == 0 && ws->n > 0 &&
	    now >= ws->v[0].start + r->window_ns) {
		close_first_window(ws, ws->v[0].start, 0);
	}
}

/*
 * The reader's idle hook: flush, then wait for input with poll(2) no
 * longer than the next window end, so windows close on time even when no
 * record arrives.
 */
static void
wait_for_input(void *arg)
{
	struct windows *ws = arg;
	struct pollfd p = { .fd = ws->r->rd.fd, .events = POLLIN };
	int64_t dl, now;
	int ms, n;

	out_flush(&ws->r->out);
	for (;;) {
		dl = deadline(ws);
		now = timefmt_now();
		if (dl != INT64_MAX && now >= dl) {
			tick(ws, now);
			continue;
		}
		ms = dl == INT64_MAX ? -1 : (int)((dl - now + 999999) / 1000000);
		n = sigstop_poll(&p, 1, ms);
		if (n > 0 || sigstop_signal != 0)
			return;	/* the reader reads, or stops */
		if (n < 0 && errno != EINTR)
			die("poll:");
	}
}

/* A record by arrival time (--window, or --every). */
static void
add_arrived(struct windows *ws, struct slice key)
{
	struct reduce *r = ws->r;
	int64_t t = timefmt_now();
	struct window *w;

	tick(ws, t);
	w = window_at(ws, r->every_ns > 0 ? 0 : align_down(t, r->window_ns));
	agg_add(&r->agg, table_state(&w->tab, key), &r->ctx.in);
	ws->dirty = 1;
}

/* A record by the event time in its value (--time-field). */
static void
add_event(struct windows *ws, struct slice key, struct slice value)
{
	struct reduce *r = ws->r;
	int64_t t, start, width = r->window_ns;
	struct slice tf;

	if (!kv_field(value, r->spec.sep, r->time_field, &tf)) {
		bad_record(&r->ctx, r->rd.line, r->time_field, value, NULL);
		return;
	}
	if (timefmt_parse(tf.p, tf.len, &t) < 0) {
		bad_record(&r->ctx, r->rd.line, r->time_field, tf,
		    "is not a time");
		return;
	}
	start = align_down(t, width);
	if (ws->watermark != INT64_MIN &&
	    start + width + r->lateness_ns <= ws->watermark) {
		r->late++;
		return;
	}
	agg_add(&r->agg, table_state(&window_at(ws, start)->tab, key),
	    &r->ctx.in);
	if (t > ws->watermark) {
		ws->watermark = t;
		while (ws->n > 0 &&
		    ws->v[0].start + width + r->lateness_ns <= ws->watermark)
			close_first_window(ws, ws->v[0].start, 0);
	}
}

void
run_timed(struct reduce *r)
{
	struct windows ws = { .r = r, .watermark = INT64_MIN };
	struct slice rec, key, value;

	reader_set_idle(&r->rd, wait_for_input, &ws);
	if (r->every_ns > 0)
		ws.next_snapshot = align_down(timefmt_now(), r->every_ns) +
		    r->every_ns;
	while (reader_next(&r->rd, &rec)) {
		kv_split(&r->spec, rec, &key, &value);
		if (read_value(&r->ctx, r->rd.line, value) <= 0)
			continue;
		if (r->time_field == 0)
			add_arrived(&ws, key);
		else
			add_event(&ws, key, value);
	}
	if (r->every_ns > 0) {
		if (ws.n > 0 && ws.dirty)
			close_first_window(&ws, ws.next_snapshot, 1);
		if (ws.n > 0)
			drop_first_window(&ws);
	} else {
		while (ws.n > 0)
			close_first_window(&ws, ws.v[0].start, 0);
	}
	free(ws.v);
}
