/* Unit tests of lib/codec: Adler-32, the zlib framing of gzip's deflate
 * data, codecs by extension, and the compressors as children. */
#include "unit.h"
#include "codec.h"

static void
adler32_known_values(void)
{
	/* RFC 1950's checksum: "Wikipedia" is 0x11E60398; nothing is 1. */
	CHECK(adler32(1, "", 0) == 1);
	CHECK(adler32(1, "Wikipedia", 9) == 0x11E60398);
	CHECK(adler32(adler32(1, "Wiki", 4), "pedia", 5) == 0x11E60398);
	{
		/* Past zlib's NMAX, where the sums are reduced. */
		static char big[100000];
		uint32_t a = 1, b = 0, want;
		size_t i;

		for (i = 0; i < sizeof big; i++) {
			big[i] = (char)(i * 7 + 3);
			a = (a + (unsigned char)big[i]) % 65521;
			b = (b + a) % 65521;
		}
		want = b << 16 | a;
		CHECK(adler32(1, big, sizeof big) == want);
	}
}

static void
codecs_by_extension(void)
{
	CHECK(codec_by_path("a/b.gz") == SCODEC_GZIP);
	CHECK(codec_by_path("b.bz2") == SCODEC_BZIP2);
	CHECK(codec_by_path("b.txt") == SCODEC_NONE);
	CHECK(codec_by_path(".gz") == SCODEC_NONE);
	CHECK(codec_by_path("gz") == SCODEC_NONE);
	CHECK_STR(codec_refused_input("x.deflate"), ".deflate");
	CHECK_STR(codec_refused_input("x.zst"), ".zst");
	CHECK(codec_refused_input("x.gz") == NULL);
	CHECK_STR(sjob_codec_ext(SCODEC_DEFLATE), ".deflate");
	CHECK_STR(sjob_codec_ext(SCODEC_NONE), "");
}

static void
a_gzip_stream_becomes_a_zlib_stream(void)
{
	/* gzip -n of "hello\n": header, deflate data, CRC-32, size. */
	static const unsigned char gz[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
		0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00,
		0x20, 0x30, 0x3a, 0x36, 0x06, 0x00, 0x00, 0x00,
	};
	static const unsigned char want[] = {
		0x78, 0x9c, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00,
		0x08, 0x4b, 0x02, 0x1f,
	};
	int in = unit_bytes_fd((const char *)gz, sizeof gz);
	int out = unit_bytes_fd("", 0);
	unsigned char got[64];
	ssize_t n;

	CHECK(adler32(1, "hello\n", 6) == 0x084b021f);	/* as zlib computes it */
	CHECK(codec_zlib_from_gzip(in, out, adler32(1, "hello\n", 6), "test") == 0);
	n = pread(out, got, sizeof got, 0);
	CHECK(n == (ssize_t)sizeof want && memcmp(got, want, sizeof want) == 0);
	close(in);
	close(out);
	in = unit_bytes_fd("not gzip at all, not at all", 27);
	out = unit_bytes_fd("", 0);
	CHECK(codec_zlib_from_gzip(in, out, 1, "test") == -1);
	close(in);
	close(out);
}

static void
compressors_write_what_decompressors_read(void)
{
	static const enum scodec codecs[] = { SCODEC_GZIP, SCODEC_BZIP2 };
	size_t i;

	if (access("/usr/bin/bzip2", X_OK) != 0 && access("/bin/bzip2", X_OK) != 0)
		return;
	for (i = 0; i < 2; i++) {
		char path[] = "/tmp/mr-unit-codec.XXXXXX";
		int fd = mkstemp(path), in, zfd;
		struct codec_out c;
		struct proc p;
		char got[64];
		ssize_t n;

		in = codec_out_start(&c, codecs[i], fd, path);
		CHECK(write(in, "one\ntwo\n", 8) == 8);
		close(in);
		CHECK(codec_out_finish(&c) == 0);
		close(fd);
		zfd = codec_in_open(&p, codecs[i], path);
		n = read(zfd, got, sizeof got);
		CHECK(n == 8 && memcmp(got, "one\ntwo\n", 8) == 0);
		close(zfd);
		CHECK(codec_in_finish(&p, codecs[i], path) == 0);
		unlink(path);
	}
}

int
main(void)
{
	unit_module = "codec";
	RUN(adler32_known_values);
	RUN(codecs_by_extension);
	RUN(a_gzip_stream_becomes_a_zlib_stream);
	RUN(compressors_write_what_decompressors_read);
	return unit_done();
}
