/*
 * tmpfile: temporary files that never outlive the program.
 *
 * Every file made here is registered and removed at exit (normal or via
 * die) and on every signal that ends a program by default, but a fault's
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2,
 * SIGXCPU, SIGVTALRM, SIGPROF).  Files that others read (chunks,
 * partitions, state) are made beside their final name and renamed into
 * place by tmp_commit, so a reader never sees a partial file.
 */
#ifndef MR_TMPFILE_H
#define MR_TMPFILE_H

/* tmp_dir: OPT if set, else $TMPDIR if set and not empty, else "/tmp". */
const char *tmp_dir(const char *opt);

/*
 * tmp_create: a new empty file DIR/PREFIX.XXXXXX, open read-write with
 * O_CLOEXEC; its path in *PATH (owned by the registry until tmp_remove).
 * Dies with "progname: DIR: reason" when it cannot be made.
 */
int tmp_create(const char *dir, const char *prefix, const char **path);

/*
 * tmp_create_beside: a new file ".BASE.XXXXXX" in the directory of FINAL,
 * to be renamed over FINAL by tmp_commit.  MODE (e.g. 0666) is applied
 * less the umask, as open(2) would for FINAL.
 */
int tmp_create_beside(const char *final, int mode, const char **path);

/* tmp_is_beside: whether the directory entry ENT is a temporary that
 * tmp_create_beside makes for a file named BASE (".BASE.XXXXXX"). */
int tmp_is_beside(const char *ent, const char *base);

/* tmp_commit: rename PATH to FINAL and stop tracking it; dies on failure. */
void tmp_commit(const char *path, const char *final);

/* tmp_remove: unlink PATH and stop tracking it. */
void tmp_remove(const char *path);

/*
 * tmp_remove_all: unlink every registered file.  Async-signal-safe: a
 * program with its own signal handler calls it there.
 */
void tmp_remove_all(void);

/* tmp_install_signals: remove the files on those signals and die by the
 * signal (done by the first tmp_create; call it to do it earlier). */
void tmp_install_signals(void);

#endif
