/*
 * out: a buffered writer over write(2).
 *
 * Records are appended to a large buffer that is written in big blocks.
 * For live pipelines, pass out_flush_cb to reader_set_idle: pending output
 * is flushed whenever the input would block.  A closed pipe (EPIPE) ends the
 * program at once with status 0, quietly: the reader went away, as with
 * "| head -1".  Any other write error is "progname: NAME: write error: ..."
 * and status 1.
 */
#ifndef MR_OUT_H
#define MR_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf;

#define OUT_BUFSIZE (256 * 1024)
#define OUT_PIPE_SIZE (1024 * 1024)	/* out_whole_lines asks a pipe for this */

/*
 * What this writer's writes still in a pipe may occupy.  A Linux pipe is
 * a ring of page-sized slots: a write of N bytes puts N % PAGE into the
 * last slot when it fits there and the rest into fresh slots, so it needs
 * at most ceil(N / PAGE) free slots; a slot is freed only when every byte
 * in it was read, and may hold as little as one byte.  The bytes waiting
 * in the pipe (FIONREAD) say how many of our writes were read whole, not
 * how many slots the rest hold: so each write is remembered (its bytes and
 * the slots it may have taken, the oldest merged when the list is full)
 * until the reader has taken it all.
 */
#define OUT_PIPE_WRITES 32
struct out_pipe {
	uint64_t bytes[OUT_PIPE_WRITES];
	uint64_t slots[OUT_PIPE_WRITES];
	size_t first, n;	/* a ring of the writes not yet read whole */
	uint64_t queued;	/* the sum of their bytes */
};

struct out {
	int fd;
	int owns_fd;
	const char *name;	/* for messages: a path or "standard output" */
	char *buf;
	size_t len;
	size_t cap;
	uint64_t bytes;		/* bytes handed to write(2) so far */
	int to_child;		/* a pipe into a child: EPIPE sets closed */
	int closed;		/* the child closed its end: output is dropped */
	struct buf *mem;	/* out_init_mem: the bytes go here, not to fd */
	int whole_lines;	/* out_whole_lines */
	int is_pipe;		/* fd is a pipe (whole_lines only) */
	struct out_pipe pipe;	/* is_pipe: what our writes may still hold */
	void (*on_closed)(struct out *o);	/* or NULL: called when the
				 * reader went away, before the program
				 * ends; o->bytes were accepted */
};

/* out_init: write to FD; NAME for messages ("standard output" for fd 1). */
void out_init(struct out *o, int fd, const char *name);
/*
 * out_init_mem: write into memory, appending to MEM (lib/buf) at each
 * flush, for a thread's share of the output that the program writes out
 * later.  Memory, not a memory file: no file size limit (`ulimit -f`)
 * applies to it.  Not for out_splice.
 */
void out_init_mem(struct out *o, struct buf *mem, const char *name);
/*
 * out_init_child: write into a pipe to a child process.  When the child
 * closes its end (EPIPE), o->closed is set and everything written from then
 * on is dropped: the caller decides what a child that stopped reading means.
 */
void out_init_child(struct out *o, int fd, const char *name);
/*
 * out_whole_lines: from now on every write(2) holds whole lines only (a
 * flush leaves an unfinished line buffered), and into a pipe no more than
 * it takes at once without blocking -- its free slots, as out_pipe_room
 * counts them, or PIPE_BUF bytes, atomic by POSIX -- so that a writer
 * killed at any instant never leaves part of a line behind, as long as it
 * is the pipe's only writer.  The exceptions are lines longer than the
 * buffer, or than the pipe: they go out as they come, in as few write(2)
 * calls as can be.  The pipe is enlarged to OUT_PIPE_SIZE where the
 * system allows.  (out_reserve is not for this mode.)
 */
void out_whole_lines(struct out *o);
/*
 * out_pipe_room: how many bytes can be written into a pipe of NSLOTS slots
 * of PAGE bytes without blocking, when USED bytes wait in it and M tells
 * our writes (the pipe's only writer): the free slots counted as if each
 * write not yet read whole still held all the slots it took, plus one a
 * write read whole may share with the next.  An empty pipe forgets them;
 * bytes that are not ours leave no room known (0).
 */
uint64_t out_pipe_room(struct out_pipe *m, uint64_t used, uint64_t nslots,
    uint64_t page);
/* out_pipe_wrote: M learns of a write of N bytes. */
void out_pipe_wrote(struct out_pipe *m, uint64_t n, uint64_t page);

/* out_flush: write everything buffered (whole_lines: every whole line). */
void out_flush(struct out *o);
/* out_flush_cb: out_flush for callbacks taking a void pointer. */
void out_flush_cb(void *o);
/* out_close: flush, close the fd if owned, free the buffer. */
void out_close(struct out *o);
/*
 * out_splice: move N bytes from the pipe FD to the output by splice(2),
 * after what is buffered, without copying them through user memory (the
 * bytes must be in the pipe already).  Returns 0, or -1 when the rest is
 * left in the pipe for the caller to read and pass to out_write instead:
 * errno EINVAL before any byte moved when the output takes no splice (a
 * terminal, a file opened for appending), EPIPE when it is a child's pipe
 * that has closed (out_write drops what follows).  Other write errors and
 * a closed standard output end the program as with out_flush.
 */
int out_splice(struct out *o, int fd, size_t n);
/* out_write_slow: the path of out_write when the buffer is full. */
void out_write_slow(struct out *o, const void *p, size_t n);

/* out_write: append N bytes. */
static inline void
out_write(struct out *o, const void *p, size_t n)
{
	if (n <= o->cap - o->len) {
		if (n > 0)	/* an empty slice may be NULL */
			memcpy(o->buf + o->len, p, n);
		o->len += n;
	} else {
		out_write_slow(o, p, n);
	}
}

/* out_byte: append one byte. */
static inline void
out_byte(struct out *o, char c)
{
	if (o->len == o->cap)
		out_flush(o);
	o->buf[o->len++] = c;
}

/* out_str: append a NUL-terminated string. */
static inline void
out_str(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

/* out_u64: append an unsigned decimal. */
void out_u64(struct out *o, uint64_t v);

/* out_reserve: room for N bytes at o->buf + o->len (caller bumps o->len). */
static inline char *
out_reserve(struct out *o, size_t n)
{
	if (o->cap - o->len < n)
		out_flush(o);
	if (o->cap < n)
		out_write_slow(o, NULL, n);	/* grows the buffer */
	return o->buf + o->len;
}

/* write_all: write(2) every byte, retrying on EINTR; -1 with errno set on error. */
int write_all(int fd, const void *p, size_t n);

/*
 * out_ignore_sigpipe: make EPIPE, and a file grown past `ulimit -f`
 * (EFBIG), write errors instead of signals that kill.  Every program calls
 * it first; children must restore SIGPIPE and SIGXFSZ before exec.
 */
void out_ignore_sigpipe(void);

/*
 * out_reader_gone: 1 if FD is a pipe (or FIFO) whose reading end is closed
 * everywhere (as after `| head -1` ended), so writing to it can only fail
 * with EPIPE; 0 otherwise, and for anything that is not a pipe.
 */
int out_reader_gone(int fd);

#endif
