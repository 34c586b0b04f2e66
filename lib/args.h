/* args: option values shared by the programs (sizes, counts, version). */
#ifndef MR_ARGS_H
#define MR_ARGS_H

#include <stdint.h>

#define MR_VERSION "0.1.0"

/*
 * parse_size: "4096", "64K", "16M", "2G", "1T" (powers of 1024; a trailing
 * "B" or "iB" allowed).  Returns 0, or -1 if ARG is not such a size.
 */
int parse_size(const char *arg, uint64_t *out);

/* parse_uint: a decimal integer in [MIN, MAX].  Returns 0, or -1. */
int parse_uint(const char *arg, uint64_t min, uint64_t max, uint64_t *out);

/* print_version: "PROG (mr-tools) VERSION" on stdout, then exit 0. */
void print_version(void);

/* online_cpus: the number of online CPUs, at least 1. */
int online_cpus(void);

#endif
