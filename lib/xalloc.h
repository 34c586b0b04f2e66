/* xalloc: allocation that dies on failure; nothing else calls malloc bare. */
#ifndef MR_XALLOC_H
#define MR_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray: realloc to nmemb*size bytes, dying on overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
void *xmemdup(const void *p, size_t n);
/*
 * xcalloc_line: N zeroed bytes alone in their cache lines (aligned to and
 * padded out to 64 bytes), for data one thread writes for every record:
 * sharing a line with another thread's data would bounce it between CPUs.
 * Freed with free.
 */
void *xcalloc_line(size_t n);

/*
 * xalloc_big: N zeroed bytes aligned to a cache line, for large arrays
 * touched at random (hash slots, sort scratch).  From 4 MiB up they come
 * from mmap, aligned to 2 MiB and marked for transparent huge pages: on a
 * virtual machine a TLB miss, and a page fault per 4 KiB, cost more than
 * the work.  Freed with xfree_big and the same N.
 */
void *xalloc_big(size_t n);
void xfree_big(void *p, size_t n);

#endif
