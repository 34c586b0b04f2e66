/*
 * unitdir.h: a temporary directory for the unit tests of modules that
 * handle files (fileid, rotdir, follow, unpack).  unit_dir_make() in
 * main, before the tests; unit_dir_remove() after them.
 */
#ifndef UNITDIR_H
#define UNITDIR_H

#include <stdio.h>
#include <stdlib.h>

static char dir[64];

/* Make /tmp/mr-unit-MODULE.XXXXXX; 0, or -1 when it cannot be made. */
static inline int
unit_dir_make(const char *module)
{
	snprintf(dir, sizeof dir, "/tmp/mr-unit-%s.XXXXXX", module);
	return mkdtemp(dir) != NULL ? 0 : -1;
}

/* The path of NAME in it (one of two static buffers: two at a time). */
static inline const char *
path(const char *name)
{
	static char buf[2][300];
	static int i;

	i ^= 1;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

/* unit_put: TEXT written to NAME in it, as fopen(3)'s MODE says ("w", "a"). */
static inline void
unit_put(const char *name, const char *mode, const char *text)
{
	FILE *fp = fopen(path(name), mode);

	fputs(text, fp);
	fclose(fp);
}

/* Remove it and all it holds; 0, or -1 on failure. */
static inline int
unit_dir_remove(void)
{
	char cmd[sizeof dir + 16];

	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
