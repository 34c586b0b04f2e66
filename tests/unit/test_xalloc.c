/* Unit tests of lib/xalloc: allocation that dies on failure. */
#include <stdint.h>

#include "unit.h"
#include "msg.h"
#include "xalloc.h"

static void
line_blocks_are_aligned_zeroed_and_padded(void)
{
	size_t sizes[] = { 0, 1, 40, 64, 65, 1000 }, i, j;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t padded = sizes[i] ? (sizes[i] + 63) / 64 * 64 : 64;
		unsigned char *p = xcalloc_line(sizes[i]);
		int zero = 1;

		CHECK((uintptr_t)p % 64 == 0);
		/* Every byte up to the padded end is the block's own. */
		for (j = 0; j < padded; j++)
			if (p[j] != 0)
				zero = 0;
		CHECK(zero);
		memset(p, 0xff, padded);
		free(p);
	}
}

static void
overflowing_array(void *arg)
{
	(void)arg;
	xreallocarray(NULL, SIZE_MAX / 2, 4);
}

static void
an_overflowing_array_size_dies(void)
{
	char err[512];
	int status = unit_capture_stderr(overflowing_array, err, sizeof err);

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK(strstr(err, "out of memory") != NULL ||
	    strstr(err, "overflow") != NULL);
}

static void
big_blocks_are_zeroed_aligned_and_writable(void)
{
	size_t sizes[] = { 1, 4096, 3 << 20, (8 << 20) + 5 }, i, k;
	unsigned char *p;
	int zero;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		p = xalloc_big(sizes[i]);
		CHECK((uintptr_t)p % 64 == 0);
		if (sizes[i] >= (4 << 20))
			CHECK((uintptr_t)p % (2 << 20) == 0);
		for (k = 0, zero = 1; k < sizes[i]; k++)
			zero &= p[k] == 0;
		CHECK(zero);
		memset(p, 0xab, sizes[i]);
		xfree_big(p, sizes[i]);
	}
	xfree_big(NULL, 10);
}

int
main(void)
{
	unit_module = "xalloc";
	progname = "test";
	RUN(line_blocks_are_aligned_zeroed_and_padded);
	RUN(an_overflowing_array_size_dies);
	RUN(big_blocks_are_zeroed_aligned_and_writable);
	return unit_done();
}
