/* codec: Hadoop's output codecs and compressed input (see codec.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "msg.h"
#include "out.h"
#include "tmpfile.h"
#include "xalloc.h"

uint32_t
adler32(uint32_t adler, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t a = adler & 0xFFFF, b = adler >> 16;
	size_t k;

	while (n > 0) {
		/* 5552 bytes keep b below 2^32 before the modulo (zlib's NMAX). */
		k = n < 5552 ? n : 5552;
		n -= k;
		while (k-- > 0) {
			a += *s++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static ssize_t
read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The length of the gzip member header at BUF[0..N) (RFC 1952 2.3), or 0. */
static size_t
gzip_header(const unsigned char *buf, size_t n)
{
	size_t i = 10;

	if (n < 10 || buf[0] != 0x1F || buf[1] != 0x8B || buf[2] != 8)
		return 0;
	if (buf[3] & 4) {			/* FEXTRA */
		if (n < 12)
			return 0;
		i += 2 + (buf[10] | buf[11] << 8);
	}
	if (buf[3] & 8) {			/* FNAME */
		while (i < n && buf[i] != 0)
			i++;
		i++;
	}
	if (buf[3] & 16) {			/* FCOMMENT */
		while (i < n && buf[i] != 0)
			i++;
		i++;
	}
	if (buf[3] & 2)				/* FHCRC */
		i += 2;
	return i < n ? i : 0;
}

int
codec_zlib_from_gzip(int in, int out, uint32_t adler, const char *name)
{
	unsigned char head[4096], trailer[4], *buf = xmalloc(1 << 20);
	off_t size = lseek(in, 0, SEEK_END), pos;
	size_t hlen, want;
	ssize_t n;

	if (size < 18 || lseek(in, 0, SEEK_SET) != 0 ||
	    (n = read_full(in, head, sizeof head)) < 18 ||
	    (hlen = gzip_header(head, (size_t)n)) == 0 ||
	    size < (off_t)(hlen + 8)) {
		free(buf);
		return -1;
	}
	/* Deflate data: between the header and the 8-byte trailer. */
	if (write_all(out, "\x78\x9c", 2) < 0)
		die("%s: write error:", name);
	for (pos = (off_t)hlen; pos < size - 8; pos += n) {
		want = (size_t)(size - 8 - pos) < (1 << 20) ? (size_t)(size - 8 - pos) :
		    (1 << 20);
		n = pread(in, buf, want, pos);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n == 0)
			errno = EIO;	/* the file shrank under us */
		if (n <= 0)
			die("%s:", name);
		if (write_all(out, buf, (size_t)n) < 0)
			die("%s: write error:", name);
	}
	free(buf);
	trailer[0] = (unsigned char)(adler >> 24);
	trailer[1] = (unsigned char)(adler >> 16);
	trailer[2] = (unsigned char)(adler >> 8);
	trailer[3] = (unsigned char)adler;
	if (write_all(out, trailer, 4) < 0)
		die("%s: write error:", name);
	return 0;
}

static char *gzip_out[] = { "gzip", "-c", "-n", "-6", NULL };
static char *bzip2_out[] = { "bzip2", "-c", "-9", NULL };
static char *gunzip[] = { "gzip", "-dc", NULL };

/*
 * The failure of the codec command ARGV in the form of every failed
 * command: "COMMAND: HOW", or "COMMAND: WHICH: HOW" when WHICH (the file it
 * wrote) is not one of its words.
 */
static void
warn_command_failed(char *const argv[], const char *which, int status)
{
	char how[64], *cmd = proc_command_text(argv);

	proc_describe(status, how, sizeof how);
	if (which != NULL)
		warn("%s: %s: %s", cmd, which, how);
	else
		warn("%s: %s", cmd, how);
	free(cmd);
}

int
codec_out_start(struct codec_out *c, enum scodec codec, int file,
    const char *name)
{
	char **gzip = gzip_out, **bzip2 = bzip2_out;

	memset(c, 0, sizeof *c);
	c->codec = codec;
	c->file = file;
	c->gz = -1;
	c->name = name;
	if (codec == SCODEC_DEFLATE) {
		c->gz = tmp_create(tmp_dir(NULL), "mr-deflate", &c->gzpath);
		proc_spawn(&c->p, gzip, NULL, PROC_PIPE, c->gz, PROC_INHERIT);
	} else {
		proc_spawn(&c->p, codec == SCODEC_GZIP ? gzip : bzip2, NULL,
		    PROC_PIPE, file, PROC_INHERIT);
	}
	return c->p.in;
}

/* The Adler-32 of what the gzip file at C->gz decompresses to. */
static int
gunzip_adler(struct codec_out *c, uint32_t *adler)
{
	char *buf = xmalloc(1 << 20);
	struct proc p;
	ssize_t n;
	int status;

	if (lseek(c->gz, 0, SEEK_SET) != 0)
		die("%s:", c->gzpath);
	proc_spawn(&p, gunzip, NULL, c->gz, PROC_PIPE, PROC_INHERIT);
	*adler = 1;
	while ((n = read(p.out, buf, 1 << 20)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s:", c->name);
		*adler = adler32(*adler, buf, (size_t)n);
	}
	close(p.out);
	free(buf);
	status = proc_wait(p.pid);
	if (proc_failed(status)) {
		warn_command_failed(gunzip, c->name, status);
		return -1;
	}
	return 0;
}

int
codec_out_finish(struct codec_out *c)
{
	int status = proc_wait(c->p.pid), r = 0;
	uint32_t adler;

	if (proc_failed(status)) {
		warn_command_failed(c->codec == SCODEC_BZIP2 ? bzip2_out :
		    gzip_out, c->name, status);
		r = -1;
	} else if (c->codec == SCODEC_DEFLATE) {
		r = gunzip_adler(c, &adler);
		if (r == 0 && codec_zlib_from_gzip(c->gz, c->file, adler, c->name) < 0) {
			warn("%s: gzip wrote no gzip stream", c->name);
			r = -1;
		}
	}
	if (c->gz >= 0) {
		close(c->gz);
		tmp_remove(c->gzpath);
		c->gz = -1;
	}
	return r;
}

static int
ends_with(const char *s, const char *ext)
{
	size_t n = strlen(s), m = strlen(ext);

	return n > m && strcmp(s + n - m, ext) == 0;
}

enum scodec
codec_by_path(const char *path)
{
	if (ends_with(path, ".gz"))
		return SCODEC_GZIP;
	if (ends_with(path, ".bz2"))
		return SCODEC_BZIP2;
	return SCODEC_NONE;
}

const char *
codec_refused_input(const char *path)
{
	static const char *const ext[] = { ".deflate", ".lz4", ".snappy", ".zst" };
	size_t i;

	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (ends_with(path, ext[i]))
			return ext[i];
	return NULL;
}

/* The words of the command that decompresses PATH with CODEC, in ARGV[5]. */
static void
decompressor(enum scodec codec, const char *path, char *argv[5])
{
	argv[0] = codec == SCODEC_BZIP2 ? "bzip2" : "gzip";
	argv[1] = "-dc";
	argv[2] = "--";
	argv[3] = (char *)path;
	argv[4] = NULL;
}

int
codec_in_open(struct proc *p, enum scodec codec, const char *path)
{
	char *argv[5];

	decompressor(codec, path, argv);
	proc_spawn(p, argv, NULL, PROC_INHERIT, PROC_PIPE, PROC_INHERIT);
	return p->out;
}

int
codec_in_finish(struct proc *p, enum scodec codec, const char *path)
{
	char *argv[5];
	int status = proc_wait(p->pid);

	if (proc_failed(status)) {
		decompressor(codec, path, argv);
		warn_command_failed(argv, NULL, status);
		return -1;
	}
	return 0;
}
