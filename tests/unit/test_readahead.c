/* Unit tests of lib/readahead: chunks of whole records read by a thread. */
#include <fcntl.h>
#include <pthread.h>

#include "unit.h"
#include "readahead.h"
#include "record.h"

/*
 * Read FD in chunks of MIN bytes; check that no chunk is empty and every
 * chunk but the last ends with '\n', and return the concatenation (the
 * caller frees it) and its length.
 */
static char *
read_all(struct reader *rd, size_t min, size_t *len, int *ok, int *chunks)
{
	struct readahead ra;
	char *all = NULL, *p, *end;
	size_t n = 0, size;
	int last_seen = 0;

	*ok = 1;
	*chunks = 0;
	readahead_start(&ra, rd, min);
	while ((end = readahead_next(&ra, &p)) != NULL) {
		size = (size_t)(end - p);
		if (last_seen || size == 0)
			*ok = 0;	/* a chunk after a torn one, or empty */
		if (end[-1] != '\n')
			last_seen = 1;
		all = realloc(all, n + size + 1);
		memcpy(all + n, p, size);
		n += size;
		(*chunks)++;
	}
	readahead_stop(&ra);
	*len = n;
	return all;
}

static char *
records(size_t count, size_t *len)
{
	char *s = malloc(count * 16 + 1);
	size_t i, n = 0;

	for (i = 0; i < count; i++)
		n += (size_t)sprintf(s + n, "k%zu\t%zu\n", i % 97, i);
	*len = n;
	return s;
}

/*
 * Whether RD read through readahead in chunks of MIN bytes gives WANT
 * (LEN bytes) in whole-record chunks, at least MINCHUNKS of them; RD is
 * closed.
 */
static int
reads_back(struct reader *rd, const char *want, size_t len, size_t min,
    int minchunks)
{
	size_t got;
	int ok, chunks;
	char *out = read_all(rd, min, &got, &ok, &chunks);

	ok = ok && chunks >= minchunks && got == len &&
	    (len == 0 || memcmp(want, out, len) == 0);
	close(rd->fd);
	reader_close(rd);
	free(out);
	return ok;
}

static void
chunks_are_whole_records_and_add_up_to_the_input(void)
{
	size_t len;
	char *in = records(200000, &len);
	struct reader rd;

	reader_init_fd(&rd, unit_bytes_fd(in, len), "in");
	CHECK(reads_back(&rd, in, len, 64 * 1024, 2));
	free(in);
}

static void
a_record_longer_than_a_chunk_stays_whole(void)
{
	size_t len = 3 * 1024 * 1024 + 10, i;
	char *in = malloc(len);
	struct reader rd;

	for (i = 0; i < len; i++)
		in[i] = (char)('a' + i % 26);
	memcpy(in, "short\n", 6);
	in[len - 4] = '\n';	/* then a last line without '\n' */
	reader_init_fd(&rd, unit_bytes_fd(in, len), "in");
	CHECK(reads_back(&rd, in, len, 4096, 2));
	free(in);
}

static void
empty_input_and_byte_order_mark(void)
{
	struct reader rd;
	size_t got;
	char *out;
	int ok, chunks;

	reader_init_fd(&rd, unit_bytes_fd("", 0), "in");
	out = read_all(&rd, 4096, &got, &ok, &chunks);
	CHECK(got == 0 && chunks == 0);
	close(rd.fd);
	reader_close(&rd);
	free(out);

	reader_init_fd(&rd, unit_bytes_fd("\xEF\xBB\xBF" "a\tb\nc", 8), "in");
	out = read_all(&rd, 4096, &got, &ok, &chunks);
	CHECK(got == 5 && memcmp(out, "a\tb\nc", 5) == 0);
	close(rd.fd);
	reader_close(&rd);
	free(out);

	/* A BOM only counts at the very start; a short input is no BOM. */
	reader_init_fd(&rd, unit_bytes_fd("\xEF\xBB", 2), "in");
	out = read_all(&rd, 4096, &got, &ok, &chunks);
	CHECK(got == 2);
	close(rd.fd);
	reader_close(&rd);
	free(out);
}

/* Bytes the reader already holds come first. */
static void
bytes_already_buffered_come_first(void)
{
	size_t len;
	char *in = records(50000, &len);
	struct reader rd;
	struct slice rec;

	reader_init_fd(&rd, unit_bytes_fd(in, len), "in");
	CHECK(reader_next(&rd, &rec) && rec.len == 4);	/* "k0\t0" */
	CHECK(reads_back(&rd, in + 5, len - 5, 8192, 1));
	free(in);
}

/* A pipe that delivers a few bytes at a time still gives whole records. */
static void
a_pipe_written_in_pieces(void)
{
	size_t len;
	char *in = records(3000, &len);
	struct reader rd;
	struct unit_trickle t;
	int fds[2];

	CHECK(pipe(fds) == 0);
	/*
	 * A pipe of one page: however the threads are scheduled, no read
	 * returns more than 4096 bytes, so the 25 KB come in several chunks
	 * (with the default 64 KiB the writer could fill it before the
	 * first read, one chunk in about 1 run in 200, 1 in 4 under TSan).
	 */
	CHECK(fcntl(fds[1], F_SETPIPE_SZ, 4096) >= 4096);
	unit_trickle_start(&t, fds[1], in, len, 7);
	reader_init_fd(&rd, fds[0], "pipe");
	CHECK(reads_back(&rd, in, len, 1000, 2));
	unit_trickle_join(&t);
	free(in);
}

int
main(void)
{
	unit_module = "readahead";
	RUN(chunks_are_whole_records_and_add_up_to_the_input);
	RUN(a_record_longer_than_a_chunk_stays_whole);
	RUN(empty_input_and_byte_order_mark);
	RUN(bytes_already_buffered_come_first);
	RUN(a_pipe_written_in_pieces);
	return unit_done();
}
