/* xalloc: allocation that dies on failure. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "msg.h"
#include "xalloc.h"

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory allocating %zu bytes", n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		die("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory allocating %zu bytes", n);
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		die("out of memory: %zu x %zu bytes overflows", nmemb, size);
	return xrealloc(p, nmemb * size);
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s) + 1);
}

void *
xmemdup(const void *p, size_t n)
{
	void *q = xmalloc(n);

	memcpy(q, p, n);
	return q;
}

void *
xcalloc_line(size_t n)
{
	size_t size = (n + 63) & ~(size_t)63;
	void *p;

	if (size < n || (errno = posix_memalign(&p, 64, size ? size : 64)) != 0)
		die("out of memory allocating %zu bytes", n);
	return memset(p, 0, size ? size : 64);
}

#define HUGE_PAGE (2 * 1024 * 1024)
#define CACHE_LINE 64
/* From this size up, xalloc_big maps whole huge pages (see xalloc.h). */
#define BIG_MIN (HUGE_PAGE / 2)

/* The bytes xalloc_big maps for N >= BIG_MIN: whole huge pages. */
static size_t
big_mapped(size_t n)
{
	if (n > SIZE_MAX - 2 * HUGE_PAGE)
		die("out of memory (%zu bytes)", n);
	return (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
}

void *
xalloc_big(size_t n)
{
	char *p, *a, *raw;
	size_t head;

	if (n < BIG_MIN) {
		/*
		 * calloc leaves large blocks untouched until used (zero pages
		 * from mmap, or fresh heap), and leak checkers see into it.
		 * The block calloc gave sits just before the aligned one.
		 */
		raw = xcalloc(1, n + CACHE_LINE + sizeof raw);
		a = (char *)(((uintptr_t)raw + sizeof raw + CACHE_LINE - 1) &
		    ~(uintptr_t)(CACHE_LINE - 1));
		memcpy(a - sizeof raw, &raw, sizeof raw);
		return a;
	}
	n = big_mapped(n);
	p = mmap(NULL, n + HUGE_PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("out of memory (%zu bytes):", n);
	a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	head = (size_t)(a - p);
	if (head > 0)
		munmap(p, head);
	if (HUGE_PAGE - head > 0)
		munmap(a + n, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
	madvise(a, n, MADV_HUGEPAGE);
#endif
	return a;
}

void
xfree_big(void *p, size_t n)
{
	char *raw;

	if (p == NULL)
		return;
	if (n < BIG_MIN) {
		memcpy(&raw, (char *)p - sizeof raw, sizeof raw);
		free(raw);
	} else {
		munmap(p, big_mapped(n));
	}
}

void *
xrealloc_big(void *p, size_t old, size_t n)
{
	void *q = xalloc_big(n);

	if (p != NULL) {
		memcpy(q, p, old < n ? old : n);
		xfree_big(p, old);
	}
	return q;
}
