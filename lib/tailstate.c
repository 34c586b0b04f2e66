/* tailstate: mr-tail's checkpoint, in memory (see tailstate.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "tailstate.h"
#include "xalloc.h"

void
tailstate_init(struct tailstate *st)
{
	st->e = NULL;
	st->n = 0;
	st->cap = 0;
	st->version = 2;
	st->out_known = 0;
	st->out_writing = 0;
	st->out_dev = st->out_ino = st->out_size = 0;
}

static void
entry_free(struct tailstate_entry *e)
{
	free(e->name);
	free(e->path);
}

void
tailstate_free(struct tailstate *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		entry_free(&st->e[i]);
	free(st->e);
	tailstate_init(st);
}

void
tailstate_add(struct tailstate *st, const struct tailstate_entry *e)
{
	ARRAY_RESERVE(st->e, st->cap, st->n + 1);
	st->e[st->n] = *e;
	st->e[st->n].name = xstrdup(e->name);
	st->e[st->n].path = e->path != NULL ? xstrdup(e->path) : NULL;
	st->n++;
}

void
tailstate_remove_name(struct tailstate *st, const char *name, int pending)
{
	size_t i, j = 0;

	for (i = 0; i < st->n; i++) {
		if (!st->e[i].pending == !pending &&
		    strcmp(st->e[i].name, name) == 0)
			entry_free(&st->e[i]);
		else
			st->e[j++] = st->e[i];
	}
	st->n = j;
}

/* has_pending: whether NAME has a pending entry. */
static int
has_pending(const struct tailstate *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->e[i].pending && strcmp(st->e[i].name, name) == 0)
			return 1;
	return 0;
}

size_t
tailstate_commit(struct tailstate *st)
{
	size_t i, j = 0, n = 0;

	/* Names with pending entries lose their committed ones. */
	for (i = 0; i < st->n; i++) {
		if (!st->e[i].pending && has_pending(st, st->e[i].name))
			entry_free(&st->e[i]);
		else
			st->e[j++] = st->e[i];
	}
	st->n = j;
	for (i = 0; i < st->n; i++) {
		if (st->e[i].pending) {
			st->e[i].pending = 0;
			n++;
		}
	}
	return n;
}

int
tailstate_entry_equal(const struct tailstate_entry *a,
    const struct tailstate_entry *b)
{
	if (a->kind != b->kind || !a->pending != !b->pending ||
	    strcmp(a->name, b->name) != 0)
		return 0;
	if (a->kind == TAILSTATE_NAME)
		return a->horizon == b->horizon;
	return strcmp(a->path, b->path) == 0 && a->dev == b->dev &&
	    a->ino == b->ino && a->btime == b->btime && a->off == b->off &&
	    a->fplen == b->fplen && a->fp == b->fp &&
	    a->headlen == b->headlen && a->head == b->head &&
	    a->size == b->size && a->mtime == b->mtime &&
	    a->lines == b->lines && a->lbytes == b->lbytes;
}

uint64_t
tailstate_fingerprint(const void *p, size_t n)
{
	return hash64(p, n);
}

