/*
 * fuzz_record: the block reader (lib/record) over any bytes, read in
 * blocks of 1 to 64 bytes so that records cross block ends and the buffer
 * moves and grows all the time, against a model of the records written
 * here: the input less a leading UTF-8 BOM, cut after each '\n'; a last
 * piece without '\n' is a record if it is not empty; one '\r' before the
 * end of a record is dropped (unless keep_cr); every other byte (a lone
 * '\r', NUL, 0xFF) is an ordinary byte.
 *
 * Input: a flags byte (bit 0: keep_cr; bit 1: read with reader_fill and
 * reader_consume instead of reader_next; the rest seed the amounts
 * consumed), a block size byte, then the data.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "record.h"

static int
bytes_fd(const uint8_t *data, size_t len)
{
	int fd = memfd_create("fuzz-record", MFD_CLOEXEC);
	size_t off = 0;

	FUZZ_CHECK(fd >= 0);
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		FUZZ_CHECK(n > 0);
		off += (size_t)n;
	}
	FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

/* Records by reader_next, each compared with the model's next record. */
static void
check_records(struct reader *r, const uint8_t *data, size_t len, size_t bom,
    int keep_cr)
{
	size_t pos = bom;
	uint64_t line = 0;
	struct slice rec;

	while (pos < len) {
		const uint8_t *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		size_t want = end - pos;

		if (!keep_cr && want > 0 && data[end - 1] == '\r')
			want--;
		FUZZ_CHECK(reader_next(r, &rec) == 1);
		FUZZ_CHECK(rec.len == want);
		FUZZ_CHECK(want == 0 || memcmp(rec.p, data + pos, want) == 0);
		pos = nl ? end + 1 : len;
		FUZZ_CHECK(r->line == ++line);
		FUZZ_CHECK(r->offset == pos);
	}
	FUZZ_CHECK(reader_next(r, &rec) == 0);
	FUZZ_CHECK(reader_next(r, &rec) == 0);
	FUZZ_CHECK(r->line == line);
	FUZZ_CHECK(r->offset == len);
}

/* Bytes by reader_fill and reader_consume: the input less its BOM, in
 * order, consumed in pseudo-random amounts. */
static void
check_blocks(struct reader *r, const uint8_t *data, size_t len, size_t bom,
    uint32_t seed)
{
	size_t pos = bom, left = 0, avail, take;

	for (;;) {
		avail = reader_fill(r);
		if (r->eof)
			FUZZ_CHECK(avail == len - pos);
		else
			FUZZ_CHECK(avail > left && avail <= len - pos);
		if (avail == 0)
			break;
		FUZZ_CHECK(memcmp(r->buf + r->start, data + pos, avail) == 0);
		seed = seed * 1103515245u + 12345u;
		take = (seed >> 8) % (avail + 1);
		if (take == 0 && r->eof)
			take = 1;
		reader_consume(r, take);
		pos += take;
		left = avail - take;
		FUZZ_CHECK(r->offset == pos);
	}
	FUZZ_CHECK(pos == len);
	FUZZ_CHECK(reader_fill(r) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	const uint8_t *data = in + 2;
	size_t len, bom;
	struct reader r;
	int flags;

	if (size < 2)
		return 0;
	flags = in[0];
	len = size - 2;
	bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	reader_init_fd(&r, bytes_fd(data, len), "fuzz");
	r.owns_fd = 1;
	reader_set_block(&r, 1 + in[1] % 64);
	r.keep_cr = flags & 1;
	if (flags & 2)
		check_blocks(&r, data, len, bom, (uint32_t)flags >> 2);
	else
		check_records(&r, data, len, bom, r.keep_cr);
	FUZZ_CHECK(r.cap <= 4 * (len + 64));
	reader_close(&r);
	return 0;
}
