/*
 * unit_tailstate.h: entries for the unit tests of the tailstate modules
 * (tailstate, tailstate_text, tailstate_file), every field set, so that
 * what is written and read back is all compared.
 */
#ifndef UNIT_TAILSTATE_H
#define UNIT_TAILSTATE_H

#include <string.h>

#include "tailstate.h"

/* add: a FILE entry of NAME (its path too) at OFF of inode INO. */
static void __attribute__((unused))
add(struct tailstate *st, const char *name, uint64_t ino, uint64_t off, int pending)
{
	struct tailstate_entry e;

	memset(&e, 0, sizeof e);
	e.kind = TAILSTATE_FILE;
	e.name = (char *)name;
	e.path = (char *)name;
	e.dev = 42;
	e.ino = ino;
	e.btime = 1764800000123456789;
	e.off = off;
	e.fplen = off < TAILSTATE_FP_MAX ? (uint32_t)off : TAILSTATE_FP_MAX;
	e.fp = 0x0123456789abcdefULL;
	e.headlen = 3;
	e.head = 0xfedcba9876543210ULL;
	e.size = off + 7;
	e.mtime = -5;
	e.lines = 12;
	e.lbytes = 340;
	e.pending = pending;
	tailstate_add(st, &e);
}

/* add_name: a NAME entry of NAME with HORIZON. */
static void __attribute__((unused))
add_name(struct tailstate *st, const char *name, int64_t horizon, int pending)
{
	struct tailstate_entry e;

	memset(&e, 0, sizeof e);
	e.kind = TAILSTATE_NAME;
	e.name = (char *)name;
	e.horizon = horizon;
	e.pending = pending;
	tailstate_add(st, &e);
}

#endif
