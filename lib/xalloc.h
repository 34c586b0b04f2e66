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
 * touched at random (hash slots, sort scratch) or in full (input
 * buffers).  From 1 MiB up they come from mmap in whole 2 MiB pages,
 * aligned and marked for transparent huge pages: on a virtual machine a
 * TLB miss, and a page fault per 4 KiB, cost more than the work (measured
 * here: touching 100 MiB took 370 ms in 4 KiB pages, 8 ms in huge pages
 * the host had backed before).  Freed with xfree_big and the same N.
 */
void *xalloc_big(size_t n);
/*
 * xrealloc_big: a new xalloc_big block of N bytes holding those of P (OLD
 * bytes, from xalloc_big; may be NULL), which is freed.
 */
void *xrealloc_big(void *p, size_t old, size_t n);
void xfree_big(void *p, size_t n);

#endif
