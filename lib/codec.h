/*
 * codec: Hadoop's compression codecs, through the system's gzip and bzip2
 * run as child processes (the programs stay libc-only).
 *
 * Output (mapreduce.output.fileoutputformat.compress): GzipCodec writes
 * part-NNNNN.gz, BZip2Codec part-NNNNN.bz2, DefaultCodec (the default)
 * part-NNNNN.deflate, a zlib stream (RFC 1950): the two bytes 78 9C, raw
 * deflate data and the Adler-32 of the uncompressed bytes, big-endian.
 * What the files decompress to is what Hadoop's decompress to; the
 * compressed bytes themselves may differ (another deflate implementation).
 * gzip writes the deflate data of a .deflate file; codec_out_finish then
 * takes it out of its gzip wrapping (RFC 1952) and wraps it for zlib.
 *
 * Input: a file whose name ends in .gz or .bz2 is decompressed (gzip -dc,
 * bzip2 -dc), as Hadoop's CompressionCodecFactory picks a codec by the
 * extension.  Other codecs' extensions (.deflate, .lz4, .snappy, .zst) are
 * refused: codec_refused_input names them.
 */
#ifndef MR_CODEC_H
#define MR_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "proc.h"
#include "streaming.h"

/* adler32: the Adler-32 checksum of P[0..N) continued from ADLER (start: 1). */
uint32_t adler32(uint32_t adler, const void *p, size_t n);

/*
 * codec_zlib_from_gzip: a zlib stream (into OUT) from a gzip stream of one
 * member (IN, read from its start) and the Adler-32 of its uncompressed
 * bytes.  Returns 0, or -1 when IN is not such a gzip stream.
 */
int codec_zlib_from_gzip(int in, int out, uint32_t adler, const char *name);

struct codec_out {
	enum scodec codec;
	struct proc p;
	int file;		/* the final file */
	int gz;			/* deflate: gzip's output, a temporary file */
	const char *gzpath;
	const char *name;	/* for messages */
	uint32_t adler;
};

/*
 * codec_out_start: compress into the open file FILE (NAME for messages)
 * with CODEC; returns the descriptor to write the uncompressed bytes to
 * (the compressor's stdin; the caller closes it when done).
 */
int codec_out_start(struct codec_out *c, enum scodec codec, int file,
    const char *name);

/*
 * codec_out_finish: after the caller closed the descriptor, wait for the
 * compressor and complete the file.  Returns 0, or -1 when the compressor
 * failed (said on stderr).
 */
int codec_out_finish(struct codec_out *c);

/* codec_by_path: the input codec of PATH by its extension, or SCODEC_NONE. */
enum scodec codec_by_path(const char *path);

/* codec_refused_input: the extension of PATH that names a codec mr-tools
 * cannot read (".deflate", ".lz4", ".snappy", ".zst"), or NULL. */
const char *codec_refused_input(const char *path);

/*
 * codec_in_open: start decompressing PATH (codec GZIP or BZIP2); returns
 * the descriptor of the decompressed bytes.
 */
int codec_in_open(struct proc *p, enum scodec codec, const char *path);

/* codec_in_finish: wait for the decompressor; 0, or -1 (said on stderr). */
int codec_in_finish(struct proc *p, enum scodec codec, const char *path);

#endif
