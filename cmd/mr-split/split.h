/* mr-split: the parts of the program (see main.c). */
#ifndef MR_SPLIT_H
#define MR_SPLIT_H

#include <stdint.h>

struct out;

/*
 * split_chunks: cut FILES (as cat would join them) into chunk files
 * PREFIX00000, ...: NUMBER chunks of nearly equal size, or chunks of at
 * most BYTES bytes, or of LINES records (one of the three is not 0),
 * naming each on O once it is complete.
 */
void split_chunks(struct out *o, const char *prefix, char **files,
    int nfiles, uint64_t number, uint64_t bytes, uint64_t lines);

/*
 * print_index: the splits of FILES on O, "FILE TAB OFFSET TAB LENGTH", as
 * Hadoop plans them for MAPS maps (0: no hint) and BLOCK bytes a block, in
 * file order or with LARGEST_FIRST in the order of its map tasks.
 */
void print_index(struct out *o, char **files, int nfiles, uint64_t maps,
    uint64_t block, int largest_first);

/* read_split: the records Hadoop reads for the split RANGE of FILE, on O. */
void read_split(struct out *o, const char *range, const char *file);

#endif
