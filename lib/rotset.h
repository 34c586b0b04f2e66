/*
 * rotset: the rotation set of a log -- which names in its directory hold
 * its rotated generations, which of them are compressed, and what their
 * names say about their age.
 *
 * For a log named BASE the set is, each name optionally ending in .gz,
 * .bz2, .xz or .zst (compressed):
 *
 *	BASE.N		numbered, N of 1 to 5 digits (logrotate, savelog,
 *			newsyslog, Python's RotatingFileHandler): a larger N
 *			is older
 *	BASE<sep>DATE	dated: <sep> one of . - _, DATE starting with a digit,
 *			made of digits and - _ . : T, with at least 6 digits
 *			(logrotate's dateext BASE-20261204, BASE.2026-12-04,
 *			BASE-20261204-1733300000): a smaller date is older
 *
 * and any name matching one of the caller's globs (mr-tail --rotated),
 * whose age the name may not tell.  The copies of copytruncate use the
 * same names.
 */
#ifndef MR_ROTSET_H
#define MR_ROTSET_H

#include <stddef.h>
#include <stdint.h>

enum rot_kind { ROT_NONE, ROT_NUMBERED, ROT_DATED, ROT_GLOB };

#define ROT_DATE_MAX 32

struct rot_name {
	int kind;		/* enum rot_kind */
	uint64_t num;		/* ROT_NUMBERED: N */
	char date[ROT_DATE_MAX];	/* ROT_DATED: DATE's digits, NUL-terminated */
	const char *unpack;	/* its decompressor ("gzip"), or NULL: plain */
};

/*
 * rotset_match: whether directory entry ENTRY is in the rotation set of
 * BASE (BASE itself is not), given NGLOBS extra fnmatch(3) patterns;
 * *RN says how (ROT_NONE when it is not).
 */
int rotset_match(const char *base, const char *entry, char *const *globs,
    size_t nglobs, struct rot_name *rn);

/*
 * rotset_unpacker: the program that decompresses a file named NAME (by its
 * ending: gzip, bzip2, xz, zstd; each reads stdin with -dc), or NULL; the
 * length of the ending in *EXTLEN.
 */
const char *rotset_unpacker(const char *name, size_t *extlen);

/*
 * rotset_age_cmp: what the names say about the ages of A and B: < 0 when A
 * is older, > 0 when newer, 0 when the names do not tell (different or
 * unknown schemes, or equal ranks).
 */
int rotset_age_cmp(const struct rot_name *a, const struct rot_name *b);

#endif
