/*
 * fuzz: the shape of a fuzz harness of mr-tools.
 *
 * Each tests/fuzz/fuzz_NAME.c is one harness over one parser of outside
 * bytes: it defines LLVMFuzzerTestOneInput, which must be deterministic,
 * free what it allocates, never exit, and check the parser's properties
 * (not only that it does not crash) with FUZZ_CHECK.  Its seed inputs, and
 * every input that ever made it fail, are files in tests/fuzz/corpus/NAME/.
 *
 * The same source builds two ways: with libFuzzer (`make fuzz`, clang,
 * coverage-guided search for FUZZ_SECONDS) and with replay.c's main
 * (`make test`, any compiler: every corpus file once, so each failure ever
 * found stays a regression test).
 */
#ifndef MR_FUZZ_H
#define MR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FUZZ_CHECK: a property of the parser; abort (a finding) when it fails. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: property failed: %s\n", \
			    __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

#endif
