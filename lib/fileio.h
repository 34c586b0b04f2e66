/*
 * fileio: reading regular files at offsets, for programs that cut a file
 * into ranges of whole lines without reading it through (mr-split -n,
 * mr-map -P with a file).
 */
#ifndef MR_FILEIO_H
#define MR_FILEIO_H

#include <stddef.h>
#include <stdint.h>

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

#endif
