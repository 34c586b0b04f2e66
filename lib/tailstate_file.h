/*
 * tailstate_file: mr-tail's checkpoint file on disk -- read, held by one
 * process at a time, and replaced atomically and durably.
 *
 * tailstate_save writes the text (tailstate_text.h) to a temporary file
 * beside the state, fsyncs it, renames it over the state and fsyncs the
 * directory: a crash at any point leaves either the old state or the new
 * one, never a mix, and no temporary file outlives the program (tmpfile.h).
 * Errors die (status 1) with "mr-tail: PATH: ..." as every program says
 * them; a corrupt file is "PATH:LINE: corrupt state file: WHY".
 */
#ifndef MR_TAILSTATE_FILE_H
#define MR_TAILSTATE_FILE_H

#include "tailstate.h"

/*
 * tailstate_load: read PATH into ST (empty).  Returns 0, or -1 when PATH
 * does not exist.  Dies (status 1) on a read error, a PATH that is not a
 * regular file, or a corrupt or truncated file.  A version 1 file has no
 * horizons: each of its names gets a NAME entry whose horizon is the
 * file's modification time (when it was written).
 */
int tailstate_load(struct tailstate *st, const char *path);

/*
 * tailstate_lock: hold PATH for this process alone (flock(2) on the state
 * file itself, so that the lock dies with the process and leaves nothing
 * behind).  A missing PATH is first made, an empty state (with CREATE),
 * so that two first runs cannot both start; without CREATE a missing PATH
 * is left missing.  Returns 0, or -1 when another process holds it (for a
 * second: a killed run's child may hold it until its exec).  Dies
 * on other errors (a directory it cannot write).
 */
int tailstate_lock(const char *path, int create);

/* tailstate_save: replace PATH with ST atomically and durably; dies on
 * error ("PATH: write error: why"), leaving the old PATH.  A PATH held by
 * tailstate_lock stays held: the new file is locked before it replaces
 * the old one. */
void tailstate_save(const struct tailstate *st, const char *path);

/*
 * tailstate_check_writable: whether ST could replace PATH now, found by
 * doing what tailstate_save does up to its rename: ST written to a
 * temporary file beside PATH and fsynced (no room, a file size limit or
 * a directory that cannot be written fail there), then removed.  PATH is
 * left as it is; dies as tailstate_save does.
 */
void tailstate_check_writable(const struct tailstate *st, const char *path);

#endif
