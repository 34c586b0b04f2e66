/*
 * unpack: reading a compressed file through its decompressor (gzip -dc,
 * bzip2 -dc, xz -dc, zstd -dc) run as a child process, so that programs
 * stay libc-only.
 */
#ifndef MR_UNPACK_H
#define MR_UNPACK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fileid.h"

/*
 * unpack_start: run PROG -dc on the open file FD (its stderr discarded: a
 * failure shows in its exit status); its pid in *PID, the read end of its
 * output in *OUT.  -1 when PROG is not installed.
 */
int unpack_start(const char *prog, int fd, pid_t *pid, int *out);

/* unpack_read: up to N bytes of the stream FD; the count read (short at
 * its end) or -1. */
ssize_t unpack_read(int fd, void *p, size_t n);

/*
 * unpack_skip: read N bytes of the stream FD, keeping its first bytes in
 * HEAD (up to FILEID_FP_MAX, *HEADLEN) and the last ones before N in TAIL
 * (*TAILLEN).  Returns the bytes read (fewer at the stream's end), or -1.
 */
int64_t unpack_skip(int fd, uint64_t n, unsigned char *head, size_t *headlen,
    unsigned char *tail, size_t *taillen);

/* unpack_end: close FD (unless -1) and reap PID, which is told to stop
 * first when EARLY (it may still be writing).  Its wait status. */
int unpack_end(pid_t pid, int fd, int early);

#endif
