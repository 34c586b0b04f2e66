/*
 * fileio: reading regular files at offsets, for programs that cut a file
 * into ranges of whole lines without reading it through (mr-split -n,
 * mr-map -P with a file); reading a small file whole; a path's directory.
 */
#ifndef MR_FILEIO_H
#define MR_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* path_dir: the directory part of PATH, allocated: "." for a bare name,
 * "/" for a name in the root. */
char *path_dir(const char *path);

/*
 * pread_full: up to N bytes at offset OFF of FD into P: N, or fewer only
 * at the end of the file.  A read error is fatal ("progname: NAME: why").
 */
size_t pread_full(int fd, const char *name, void *p, size_t n, uint64_t off);

/*
 * file_newline: the offset of the first '\n' in the bytes [AT, END) of FD,
 * or END when there is none there (or the file ends first).  Reads 64 KiB
 * at a time.
 */
uint64_t file_newline(int fd, const char *name, uint64_t at, uint64_t end);

/*
 * file_read_all: append what FD holds from its offset to its end to B.
 * Returns 0, or -1 with errno set by a failed read (what was read before
 * it stays in B).
 */
int file_read_all(int fd, struct buf *b);

#endif
