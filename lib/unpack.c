/* unpack: compressed files read through their decompressor (see unpack.h). */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "unpack.h"

int
unpack_start(const char *prog, int fd, pid_t *pid, int *out)
{
	char path[PATH_MAX];
	char *argv[3];
	struct proc p;
	int null;

	if (proc_find(prog, path, sizeof path) == NULL)
		return -1;
	argv[0] = path;
	argv[1] = "-dc";
	argv[2] = NULL;
	/* Its complaints about a file being written, probed for its head,
	 * are noise; a failure to read one is reported by its status. */
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	proc_spawn(&p, argv, NULL, fd, PROC_PIPE, null >= 0 ? null : PROC_INHERIT);
	if (null >= 0)
		close(null);
	*pid = p.pid;
	*out = p.out;
	return 0;
}

ssize_t
unpack_read(int fd, void *p, size_t n)
{
	return fileid_read_full(fd, p, n, -1);
}

int64_t
unpack_skip(int fd, uint64_t n, unsigned char *head, size_t *headlen,
    unsigned char *tail, size_t *taillen)
{
	static char buf[64 * 1024];
	uint64_t got = 0;

	*headlen = *taillen = 0;
	while (got < n) {
		size_t want = n - got < sizeof buf ? (size_t)(n - got) : sizeof buf;
		ssize_t r = unpack_read(fd, buf, want);
		size_t k;

		if (r < 0)
			return -1;
		if (*headlen < FILEID_FP_MAX) {
			k = FILEID_FP_MAX - *headlen < (size_t)r ? FILEID_FP_MAX - *headlen : (size_t)r;
			memcpy(head + *headlen, buf, k);
			*headlen += k;
		}
		if ((size_t)r >= FILEID_FP_MAX) {
			memcpy(tail, buf + r - FILEID_FP_MAX, FILEID_FP_MAX);
			*taillen = FILEID_FP_MAX;
		} else if (r > 0) {
			k = *taillen + (size_t)r > FILEID_FP_MAX ? *taillen + (size_t)r - FILEID_FP_MAX : 0;
			memmove(tail, tail + k, *taillen - k);
			memcpy(tail + *taillen - k, buf, (size_t)r);
			*taillen += (size_t)r - k;
		}
		got += (uint64_t)r;
		if ((size_t)r < want)
			break;
	}
	return (int64_t)got;
}

int
unpack_end(pid_t pid, int fd, int early)
{
	if (fd >= 0)
		close(fd);
	if (early)
		kill(pid, SIGTERM);
	return proc_wait(pid);
}
