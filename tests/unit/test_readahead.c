/* Unit tests of lib/readahead: chunks of whole records read by a thread. */
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

static void
chunks_are_whole_records_and_add_up_to_the_input(void)
{
	size_t len, got;
	char *in = records(200000, &len), *out;
	struct reader rd;
	int ok, chunks;

	reader_init_fd(&rd, unit_bytes_fd(in, len), "in");
	out = read_all(&rd, 64 * 1024, &got, &ok, &chunks);
	CHECK(ok);
	CHECK(chunks >= 2);
	CHECK(got == len && memcmp(in, out, len) == 0);
	close(rd.fd);
	reader_close(&rd);
	free(in);
	free(out);
}

static void
a_record_longer_than_a_chunk_stays_whole(void)
{
	size_t len = 3 * 1024 * 1024 + 10, got, i;
	char *in = malloc(len), *out;
	struct reader rd;
	int ok, chunks;

	for (i = 0; i < len; i++)
		in[i] = (char)('a' + i % 26);
	memcpy(in, "short\n", 6);
	in[len - 4] = '\n';	/* then a last line without '\n' */
	reader_init_fd(&rd, unit_bytes_fd(in, len), "in");
	out = read_all(&rd, 4096, &got, &ok, &chunks);
	CHECK(ok);
	CHECK(got == len && memcmp(in, out, len) == 0);
	close(rd.fd);
	reader_close(&rd);
	free(in);
	free(out);
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
	size_t len, got;
	char *in = records(50000, &len), *out;
	struct reader rd;
	struct slice rec;
	int ok, chunks;

	reader_init_fd(&rd, unit_bytes_fd(in, len), "in");
	CHECK(reader_next(&rd, &rec) && rec.len == 4);	/* "k0\t0" */
	out = read_all(&rd, 8192, &got, &ok, &chunks);
	CHECK(ok);
	CHECK(got == len - 5 && memcmp(in + 5, out, got) == 0);
	close(rd.fd);
	reader_close(&rd);
	free(in);
	free(out);
}

struct slow {
	int fd;
	const char *data;
	size_t len;
};

static void *
slow_writer(void *arg)
{
	struct slow *s = arg;
	size_t i;

	for (i = 0; i < s->len; i += 7) {
		size_t n = s->len - i < 7 ? s->len - i : 7;

		if (write(s->fd, s->data + i, n) != (ssize_t)n)
			abort();
	}
	close(s->fd);
	return NULL;
}

/* A pipe that delivers a few bytes at a time still gives whole records. */
static void
a_pipe_written_in_pieces(void)
{
	size_t len, got;
	char *in = records(3000, &len), *out;
	struct reader rd;
	struct slow s;
	pthread_t t;
	int fds[2], ok, chunks;

	CHECK(pipe(fds) == 0);
	s.fd = fds[1];
	s.data = in;
	s.len = len;
	pthread_create(&t, NULL, slow_writer, &s);
	reader_init_fd(&rd, fds[0], "pipe");
	out = read_all(&rd, 1000, &got, &ok, &chunks);
	pthread_join(t, NULL);
	CHECK(ok);
	CHECK(got == len && memcmp(in, out, len) == 0);
	close(fds[0]);
	reader_close(&rd);
	free(in);
	free(out);
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
