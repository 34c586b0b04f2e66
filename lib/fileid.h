/*
 * fileid: what tells one file from another, and one file's content from
 * another's -- for following logs through rotations, where names do not.
 *
 * A file is its device, inode and birth time: an inode number is handed
 * out again once freed, and the birth time tells the new file from the
 * old.  What a file holds is known by fingerprints: the hash of its first
 * bytes (its head) and of the bytes just before an offset.  Times are in
 * nanoseconds since the epoch, as file systems stamp them.
 */
#ifndef MR_FILEID_H
#define MR_FILEID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FILEID_FP_MAX 256		/* bytes a fingerprint covers at most */
#define FILEID_NS 1000000000LL

/* What statx(2) says about a file. */
struct fileid_stat {
	uint64_t dev, ino, size;
	int64_t btime;		/* birth time; 0 when the file system keeps none */
	int64_t mtime;
	int regular, dir;
};

/* fileid_stat_at: statx NAME in DIRFD (FLAGS as statx's); -1 with errno. */
int fileid_stat_at(int dirfd, const char *name, int flags, struct fileid_stat *st);

/* fileid_stat_fd: the same for an open file. */
int fileid_stat_fd(int fd, struct fileid_stat *st);

/* fileid_same_birth: whether birth times A and B (when both are known)
 * allow the two to be one file. */
int fileid_same_birth(int64_t a, int64_t b);

/*
 * fileid_fs_now: the clock file systems stamp files with (a tick behind
 * the real time): a file born after this call has a birth time at or
 * after what it returns.
 */
int64_t fileid_fs_now(void);

/* fileid_pread: N bytes at OFF, retrying short reads; the count read
 * (short at the end of the file) or -1. */
ssize_t fileid_pread(int fd, void *p, size_t n, uint64_t off);

/* fileid_read_full: the same at OFF, or with OFF < 0 from FD's position
 * (a pipe): N bytes, retrying short reads and EINTR. */
ssize_t fileid_read_full(int fd, void *p, size_t n, int64_t off);

/* fileid_bytes_match: whether the LEN bytes before OFF in FD are P. */
int fileid_bytes_match(int fd, uint64_t off, const void *p, size_t len);

/* fileid_hash_at: *H = the fingerprint of N bytes at OFF in FD; -1 if they
 * are not all there. */
int fileid_hash_at(int fd, uint64_t off, size_t n, uint64_t *h);

/*
 * What is known of a generation's content: the hash of its first HEADLEN
 * bytes, and of the FPLEN bytes before OFF, where reading continues.  With
 * neither (an empty file at offset 0) it matches no other file.
 */
struct fileid_content {
	uint64_t off;
	uint32_t fplen, headlen;
	uint64_t fp, head;
	int64_t mtime;
	int64_t since;		/* the content began no later (ns): its copies
				 * are born since; 0 when unknown */
};

/* fileid_verify: whether FD (SIZE bytes), found by its inode, still holds
 * what ID knows: its head, and the bytes before id->off. */
int fileid_verify(int fd, uint64_t size, const struct fileid_content *id);

enum { FILEID_NOT_COPY, FILEID_COPY_READ, FILEID_COPY_CONTINUES };

/*
 * fileid_copy_of: whether FD (SIZE bytes, another inode) is a copy of ID's
 * file: FILEID_COPY_CONTINUES when it holds the bytes before id->off and
 * more, FILEID_COPY_READ when it has the same head and no byte past
 * id->off (already read), else FILEID_NOT_COPY.  An empty fingerprint (a
 * file of which nothing was known) is never a match.
 */
int fileid_copy_of(int fd, uint64_t size, const struct fileid_content *id);

#endif
