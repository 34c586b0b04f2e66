/* fileid: what tells files and their contents apart (see fileid.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "fileid.h"
#include "hash.h"

int
fileid_stat_at(int dirfd, const char *name, int flags, struct fileid_stat *fi)
{
	struct statx sx;

	if (statx(dirfd, name, flags, STATX_BASIC_STATS | STATX_BTIME, &sx) < 0)
		return -1;
	fi->dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	fi->ino = sx.stx_ino;
	fi->size = sx.stx_size;
	fi->mtime = (int64_t)sx.stx_mtime.tv_sec * FILEID_NS + sx.stx_mtime.tv_nsec;
	fi->btime = (sx.stx_mask & STATX_BTIME) ?
	    (int64_t)sx.stx_btime.tv_sec * FILEID_NS + sx.stx_btime.tv_nsec : 0;
	fi->regular = S_ISREG(sx.stx_mode);
	fi->dir = S_ISDIR(sx.stx_mode);
	return 0;
}

int
fileid_stat_fd(int fd, struct fileid_stat *fi)
{
	return fileid_stat_at(fd, "", AT_EMPTY_PATH, fi);
}

int
fileid_same_birth(int64_t a, int64_t b)
{
	return a == 0 || b == 0 || a == b;
}

int64_t
fileid_fs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (int64_t)ts.tv_sec * FILEID_NS + ts.tv_nsec;
}

ssize_t
fileid_read_full(int fd, void *p, size_t n, int64_t off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = off < 0 ? read(fd, (char *)p + got, n - got) :
		    pread(fd, (char *)p + got, n - got, (off_t)((uint64_t)off + got));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

ssize_t
fileid_pread(int fd, void *p, size_t n, uint64_t off)
{
	return fileid_read_full(fd, p, n, (int64_t)off);
}

int
fileid_bytes_match(int fd, uint64_t off, const void *fp, size_t len)
{
	unsigned char tmp[FILEID_FP_MAX];

	if (len == 0)
		return 1;
	return fileid_pread(fd, tmp, len, off - len) == (ssize_t)len &&
	    memcmp(tmp, fp, len) == 0;
}

int
fileid_hash_at(int fd, uint64_t off, size_t n, uint64_t *h)
{
	unsigned char tmp[FILEID_FP_MAX];

	if (n > FILEID_FP_MAX || fileid_pread(fd, tmp, n, off) != (ssize_t)n)
		return -1;
	*h = hash64(tmp, n);
	return 0;
}

int
fileid_verify(int fd, uint64_t size, const struct fileid_content *id)
{
	uint64_t h;

	if (size < id->off)
		return 0;
	if (id->headlen > 0 && (size < id->headlen ||
	    fileid_hash_at(fd, 0, id->headlen, &h) < 0 || h != id->head))
		return 0;
	if (id->fplen > 0 && (fileid_hash_at(fd, id->off - id->fplen, id->fplen, &h) < 0 ||
	    h != id->fp))
		return 0;
	return 1;
}

int
fileid_copy_of(int fd, uint64_t size, const struct fileid_content *id)
{
	uint64_t h;

	if (id->headlen == 0 && id->fplen == 0)
		return FILEID_NOT_COPY;
	if (id->headlen > 0 && (size < id->headlen ||
	    fileid_hash_at(fd, 0, id->headlen, &h) < 0 || h != id->head))
		return FILEID_NOT_COPY;
	if (size <= id->off)
		return id->headlen > 0 ? FILEID_COPY_READ : FILEID_NOT_COPY;
	if (id->fplen > 0 && (fileid_hash_at(fd, id->off - id->fplen, id->fplen, &h) < 0 ||
	    h != id->fp))
		return FILEID_NOT_COPY;
	return FILEID_COPY_CONTINUES;
}
