/* tailstate: mr-tail's checkpoint file (see tailstate.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "msg.h"
#include "out.h"
#include "tailstate.h"
#include "tmpfile.h"
#include "xalloc.h"

#define MAGIC1 "mr-tail-state 1\n"
#define MAGIC2 "mr-tail-state 2\n"
#define MAGIC_LEN (sizeof MAGIC2 - 1)

void
tailstate_init(struct tailstate *st)
{
	st->e = NULL;
	st->n = 0;
	st->cap = 0;
	st->version = 2;
	st->out_known = 0;
	st->out_writing = 0;
	st->out_dev = st->out_ino = st->out_size = 0;
}

void
tailstate_free(struct tailstate *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->e[i].name);
		free(st->e[i].path);
	}
	free(st->e);
	tailstate_init(st);
}

void
tailstate_add(struct tailstate *st, const struct tailstate_entry *e)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 8;
		st->e = xreallocarray(st->e, st->cap, sizeof *st->e);
	}
	st->e[st->n] = *e;
	st->e[st->n].name = xstrdup(e->name);
	st->e[st->n].path = e->path != NULL ? xstrdup(e->path) : NULL;
	st->n++;
}

static void
entry_free(struct tailstate_entry *e)
{
	free(e->name);
	free(e->path);
}

void
tailstate_remove_name(struct tailstate *st, const char *name, int pending)
{
	size_t i, j = 0;

	for (i = 0; i < st->n; i++) {
		if (!st->e[i].pending == !pending &&
		    strcmp(st->e[i].name, name) == 0)
			entry_free(&st->e[i]);
		else
			st->e[j++] = st->e[i];
	}
	st->n = j;
}

/* has_pending: whether NAME has a pending entry. */
static int
has_pending(const struct tailstate *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->e[i].pending && strcmp(st->e[i].name, name) == 0)
			return 1;
	return 0;
}

size_t
tailstate_commit(struct tailstate *st)
{
	size_t i, j = 0, n = 0;

	/* Names with pending entries lose their committed ones. */
	for (i = 0; i < st->n; i++) {
		if (!st->e[i].pending && has_pending(st, st->e[i].name))
			entry_free(&st->e[i]);
		else
			st->e[j++] = st->e[i];
	}
	st->n = j;
	for (i = 0; i < st->n; i++) {
		if (st->e[i].pending) {
			st->e[i].pending = 0;
			n++;
		}
	}
	return n;
}

int
tailstate_entry_equal(const struct tailstate_entry *a,
    const struct tailstate_entry *b)
{
	if (a->kind != b->kind || !a->pending != !b->pending ||
	    strcmp(a->name, b->name) != 0)
		return 0;
	if (a->kind == TAILSTATE_NAME)
		return a->horizon == b->horizon;
	return strcmp(a->path, b->path) == 0 && a->dev == b->dev &&
	    a->ino == b->ino && a->btime == b->btime && a->off == b->off &&
	    a->fplen == b->fplen && a->fp == b->fp &&
	    a->headlen == b->headlen && a->head == b->head &&
	    a->size == b->size && a->mtime == b->mtime &&
	    a->lines == b->lines && a->lbytes == b->lbytes;
}

uint64_t
tailstate_fingerprint(const void *p, size_t n)
{
	return hash64(p, n);
}

/* parse_u64: a decimal number ending at a space; advances *P past the space. */
static int
parse_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	if (s >= end || *s != ' ')
		return -1;
	*p = s + 1;
	*v = x;
	return 0;
}

/* parse_u64_end: a decimal number that is all of [P, END). */
static int
parse_u64_end(const char *p, const char *end, uint64_t *v)
{
	char tmp[24];
	const char *q = tmp;
	size_t n = (size_t)(end - p);

	if (n == 0 || n >= sizeof tmp - 1)
		return -1;
	memcpy(tmp, p, n);
	tmp[n] = ' ';
	return parse_u64(&q, tmp + n + 1, v) < 0 || q != tmp + n + 1 ? -1 : 0;
}

/* parse_i64: parse_u64 with an optional '-', within int64_t. */
static int
parse_i64(const char **p, const char *end, int64_t *v)
{
	const char *s = *p;
	int neg = s < end && *s == '-';
	uint64_t x;

	s += neg;
	if (parse_u64(&s, end, &x) < 0 || x > (uint64_t)INT64_MAX + neg)
		return -1;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	*p = s;
	return 0;
}

/* parse_u32: parse_u64 within uint32_t. */
static int
parse_u32(const char **p, const char *end, uint32_t *v)
{
	uint64_t x;

	if (parse_u64(p, end, &x) < 0 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* parse_hex: exactly 16 hex digits followed by a space or the end. */
static int
parse_hex(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int i;

	if (end - s < 16)
		return -1;
	for (i = 0; i < 16; i++, s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (s < end) {
		if (*s != ' ')
			return -1;
		s++;
	}
	*p = s;
	*v = x;
	return 0;
}

/* unescape: the name at [P, END) into a new string, or NULL if malformed
 * (empty, a NUL byte, an unknown escape). */
static char *
unescape(const char *p, const char *end)
{
	char *name = xmalloc((size_t)(end - p) + 1), *d = name;

	for (; p < end; p++) {
		if (*p == '\0')
			goto bad;
		if (*p != '\\') {
			*d++ = *p;
			continue;
		}
		if (++p == end)
			goto bad;
		switch (*p) {
		case '\\': *d++ = '\\'; break;
		case 'n': *d++ = '\n'; break;
		case 't': *d++ = '\t'; break;
		case 'r': *d++ = '\r'; break;
		default: goto bad;
		}
	}
	*d = '\0';
	if (d == name)
		goto bad;
	return name;
bad:
	free(name);
	return NULL;
}

/* parse_v1: "C|P DEV INO OFF FPLEN FP NAME" (the line [P, NL) after "C "). */
static const char *
parse_v1(struct tailstate_entry *e, const char *q, const char *nl)
{
	if (parse_u64(&q, nl, &e->dev) < 0 || parse_u64(&q, nl, &e->ino) < 0 ||
	    parse_u64(&q, nl, &e->off) < 0 || parse_u32(&q, nl, &e->fplen) < 0 ||
	    parse_hex(&q, nl, &e->fp) < 0 || q >= nl)
		return "malformed entry";
	if ((e->name = unescape(q, nl)) == NULL)
		return "malformed file name";
	e->kind = TAILSTATE_FILE;
	e->path = xstrdup(e->name);
	e->size = e->off;
	return NULL;
}

/* parse_file: the fields of an "F" line after "F C ". */
static const char *
parse_file(struct tailstate_entry *e, const char *q, const char *nl)
{
	const char *tab;

	if (parse_u64(&q, nl, &e->dev) < 0 || parse_u64(&q, nl, &e->ino) < 0 ||
	    parse_i64(&q, nl, &e->btime) < 0 || parse_u64(&q, nl, &e->off) < 0 ||
	    parse_u32(&q, nl, &e->fplen) < 0 || parse_hex(&q, nl, &e->fp) < 0 ||
	    parse_u32(&q, nl, &e->headlen) < 0 || parse_hex(&q, nl, &e->head) < 0 ||
	    parse_u64(&q, nl, &e->size) < 0 || parse_i64(&q, nl, &e->mtime) < 0 ||
	    parse_u64(&q, nl, &e->lines) < 0 || parse_u64(&q, nl, &e->lbytes) < 0 ||
	    q >= nl)
		return "malformed entry";
	if (e->headlen > TAILSTATE_FP_MAX)
		return "head length out of range";
	if ((tab = memchr(q, '\t', (size_t)(nl - q))) == NULL)
		return "malformed file name";
	e->kind = TAILSTATE_FILE;
	if ((e->name = unescape(q, tab)) == NULL ||
	    (e->path = unescape(tab + 1, nl)) == NULL)
		return "malformed file name";
	return NULL;
}

/* parse_entry: one line [P, NL) of a version V file into ST. */
static const char *
parse_entry(struct tailstate *st, int v, const char *p, const char *nl)
{
	struct tailstate_entry e;
	const char *why;

	memset(&e, 0, sizeof e);
	if (v == 2 && nl - p >= 4 && p[0] == 'O' && p[1] == ' ' &&
	    (p[2] == 'W' || p[2] == 'D') && p[3] == ' ') {
		const char *q = p + 4;

		if (st->out_known)
			return "a second output line";
		st->out_writing = p[2] == 'W';
		if (parse_u64(&q, nl, &st->out_dev) < 0 ||
		    parse_u64(&q, nl, &st->out_ino) < 0 || q >= nl ||
		    parse_u64_end(q, nl, &st->out_size) < 0)
			return "malformed output line";
		st->out_known = 1;
		return NULL;
	}
	if (v == 1) {
		if (nl - p < 2 || (p[0] != 'C' && p[0] != 'P') || p[1] != ' ')
			return "malformed entry";
		e.pending = p[0] == 'P';
		why = parse_v1(&e, p + 2, nl);
	} else {
		if (nl - p < 4 || (p[0] != 'N' && p[0] != 'F') || p[1] != ' ' ||
		    (p[2] != 'C' && p[2] != 'P') || p[3] != ' ')
			return "malformed entry";
		e.pending = p[2] == 'P';
		if (p[0] == 'F') {
			why = parse_file(&e, p + 4, nl);
		} else {
			const char *q = p + 4;

			e.kind = TAILSTATE_NAME;
			why = parse_i64(&q, nl, &e.horizon) < 0 || q >= nl ?
			    "malformed entry" : (e.name = unescape(q, nl)) == NULL ?
			    "malformed file name" : NULL;
		}
	}
	if (why == NULL && e.kind == TAILSTATE_FILE &&
	    (e.fplen > TAILSTATE_FP_MAX || e.fplen > e.off))
		why = "fingerprint length out of range";
	if (why == NULL)
		tailstate_add(st, &e);
	entry_free(&e);
	return why;
}

/*
 * The end line is checked first: a file cut short has none ("truncated"),
 * and any changed byte before it fails the checksum, whatever it hit.
 */
int
tailstate_parse(struct tailstate *st, const char *buf, size_t len,
    uint64_t *line, const char **why)
{
	const char *p, *end = buf + len, *last, *nl, *q;
	uint64_t count, sum, h, lines = 0;

	*line = 1;
	if (len >= MAGIC_LEN && memcmp(buf, MAGIC1, MAGIC_LEN) == 0)
		st->version = 1;
	else if (len >= MAGIC_LEN && memcmp(buf, MAGIC2, MAGIC_LEN) == 0)
		st->version = 2;
	else {
		*why = len == 0 ? "empty file" : "not an mr-tail state file";
		return -1;
	}
	for (p = buf; p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL;
	    p = nl + 1)
		lines++;
	/* The last line, complete or not. */
	last = end;
	if (last > buf && last[-1] == '\n')
		last--;
	while (last > buf && last[-1] != '\n')
		last--;
	*line = lines;
	if (end[-1] != '\n' || end - last < 5 || memcmp(last, "end ", 4) != 0 ||
	    last == buf) {
		*line = lines + 1;
		*why = "truncated file (no end line)";
		return -1;
	}
	q = last + 4;
	if (parse_u64(&q, end - 1, &count) < 0 || parse_hex(&q, end - 1, &h) < 0 ||
	    q != end - 1) {
		*why = "malformed end line";
		return -1;
	}
	sum = hash64(buf, (size_t)(last - buf));
	if (h != sum) {
		*why = "checksum mismatch";
		return -1;
	}
	*line = 1;
	for (p = buf + MAGIC_LEN; p < last; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(last - p));
		++*line;
		if ((*why = parse_entry(st, st->version, p, nl)) != NULL)
			return -1;
	}
	if (count != st->n + (st->out_known != 0)) {
		++*line;
		*why = "entry count does not match the end line";
		return -1;
	}
	return 0;
}

/* A growing string for tailstate_format. */
struct sbuf {
	char *p;
	size_t len, cap;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->cap - b->len < n + 1) {
		while (b->cap - b->len < n + 1)
			b->cap = b->cap ? 2 * b->cap : 256;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
sb_escaped(struct sbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '\\': sb_add(b, "\\\\", 2); break;
		case '\n': sb_add(b, "\\n", 2); break;
		case '\t': sb_add(b, "\\t", 2); break;
		case '\r': sb_add(b, "\\r", 2); break;
		default: sb_add(b, s, 1); break;
		}
	}
}

char *
tailstate_format(const struct tailstate *st, size_t *len)
{
	struct sbuf b = { NULL, 0, 0 };
	char tmp[512];
	size_t i;
	int n;

	sb_add(&b, MAGIC2, MAGIC_LEN);
	for (i = 0; i < st->n; i++) {
		const struct tailstate_entry *e = &st->e[i];
		char c = e->pending ? 'P' : 'C';

		if (e->kind == TAILSTATE_NAME) {
			n = snprintf(tmp, sizeof tmp, "N %c %" PRId64 " ", c,
			    e->horizon);
			sb_add(&b, tmp, (size_t)n);
			sb_escaped(&b, e->name);
		} else {
			n = snprintf(tmp, sizeof tmp, "F %c %" PRIu64 " %" PRIu64
			    " %" PRId64 " %" PRIu64 " %" PRIu32 " %016" PRIx64
			    " %" PRIu32 " %016" PRIx64 " %" PRIu64 " %" PRId64
			    " %" PRIu64 " %" PRIu64 " ", c, e->dev, e->ino,
			    e->btime, e->off, e->fplen, e->fp, e->headlen, e->head,
			    e->size, e->mtime, e->lines, e->lbytes);
			sb_add(&b, tmp, (size_t)n);
			sb_escaped(&b, e->name);
			sb_add(&b, "\t", 1);
			sb_escaped(&b, e->path != NULL ? e->path : e->name);
		}
		sb_add(&b, "\n", 1);
	}
	if (st->out_known) {
		n = snprintf(tmp, sizeof tmp, "O %c %" PRIu64 " %" PRIu64 " %"
		    PRIu64 "\n", st->out_writing ? 'W' : 'D', st->out_dev,
		    st->out_ino, st->out_size);
		sb_add(&b, tmp, (size_t)n);
	}
	n = snprintf(tmp, sizeof tmp, "end %zu %016" PRIx64 "\n",
	    st->n + (st->out_known != 0), hash64(b.p, b.len));
	sb_add(&b, tmp, (size_t)n);
	*len = b.len;
	return b.p;
}

/* A version 1 file's names get the file's time as their horizon. */
static void
add_horizons(struct tailstate *st, int64_t horizon)
{
	size_t i, j, n = st->n;

	for (i = 0; i < n; i++) {
		struct tailstate_entry e;
		int seen = 0;

		for (j = 0; j < i && !seen; j++)
			seen = st->e[j].pending == st->e[i].pending &&
			    strcmp(st->e[j].name, st->e[i].name) == 0;
		if (seen)
			continue;
		memset(&e, 0, sizeof e);
		e.kind = TAILSTATE_NAME;
		e.name = st->e[i].name;
		e.pending = st->e[i].pending;
		e.horizon = horizon;
		tailstate_add(st, &e);
	}
}

int
tailstate_load(struct tailstate *st, const char *path)
{
	struct stat sb;
	char *buf;
	size_t len = 0;
	ssize_t r;
	uint64_t line;
	const char *why;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		die("%s:", path);
	}
	if (fstat(fd, &sb) < 0)
		die("%s:", path);
	if (S_ISDIR(sb.st_mode))
		errno = EISDIR;	/* said as every program says it */
	if (!S_ISREG(sb.st_mode))
		die(S_ISDIR(sb.st_mode) ? "%s:" : "%s: not a regular file", path);
	buf = xmalloc((size_t)sb.st_size + 1);
	while (len < (size_t)sb.st_size + 1) {
		r = read(fd, buf + len, (size_t)sb.st_size + 1 - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("%s:", path);
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (tailstate_parse(st, buf, len, &line, &why) < 0) {
		free(buf);	/* why is a literal: nothing else to keep */
		tailstate_free(st);
		die_at(path, line, "corrupt state file: %s", why);
	}
	free(buf);
	if (st->version == 1)
		add_horizons(st, (int64_t)sb.st_mtim.tv_sec * 1000000000 +
		    sb.st_mtim.tv_nsec);
	return 0;
}
/* The directory of PATH, so that the rename itself is made durable. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else {
		dir = xmalloc((size_t)(slash - path) + 1);
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL))
		die("%s:", dir);
	close(fd);
	free(dir);
}

/* The state file this process holds (tailstate_lock), or -1. */
static int lock_fd = -1;
static char *lock_path;

/* A failed save: BUF freed, the temporary file removed, the error said. */
static void
save_failed(const char *tmp, const char *path, char *buf)
{
	int saved = errno;

	free(buf);
	tmp_remove(tmp);
	errno = saved;
	die("%s: write error:", path);
}

/* create_locked: PATH made, an empty state, locked; 0, or -1 (errno
 * EEXIST) when another process made it first. */
static int
create_locked(const char *path)
{
	struct tailstate empty;
	const char *tmp;
	size_t len;
	char *buf;
	int fd, saved;

	tailstate_init(&empty);
	buf = tailstate_format(&empty, &len);
	fd = tmp_create_beside(path, 0666, &tmp);
	if (write_all(fd, buf, len) < 0 || fsync(fd) < 0)
		save_failed(tmp, path, buf);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || link(tmp, path) < 0) {
		saved = errno;
		close(fd);
		tmp_remove(tmp);
		free(buf);
		if (saved == EEXIST)
			return -1;
		errno = saved;
		die("%s:", path);
	}
	tmp_remove(tmp);	/* the file stays, as PATH */
	free(buf);
	sync_dir(path);
	lock_fd = fd;
	return 0;
}

/*
 * A run that just ended may hold the lock a little longer: a child it was
 * starting (by vfork, before its exec closed the descriptor) when it was
 * killed.  So a held lock is tried again for a second (10 ms apart).
 */
#define LOCK_TRIES 100

int
tailstate_lock(const char *path, int create)
{
	struct stat held, now;
	int fd, tries = 0;

	for (;;) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			if (errno != ENOENT)
				die("%s:", path);
			if (!create)
				return 0;
			if (create_locked(path) == 0)
				break;
			continue;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int saved = errno;

			close(fd);
			if (saved == EWOULDBLOCK && tries++ < LOCK_TRIES) {
				nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
				continue;
			}
			if (saved == EWOULDBLOCK)
				return -1;
			errno = saved;
			die("%s:", path);
		}
		/* Locked, but PATH may have been replaced meanwhile. */
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 &&
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
			lock_fd = fd;
			break;
		}
		close(fd);
	}
	lock_path = xstrdup(path);
	return 0;
}

void
tailstate_save(const struct tailstate *st, const char *path)
{
	const char *tmp;
	size_t len;
	char *buf = tailstate_format(st, &len);
	int fd = tmp_create_beside(path, 0666, &tmp);
	int held = lock_fd >= 0 && strcmp(path, lock_path) == 0;

	if (write_all(fd, buf, len) < 0 || fsync(fd) < 0)
		save_failed(tmp, path, buf);
	/* A held state: the new file is locked before it is PATH, the old one
	 * let go after. */
	if (held ? flock(fd, LOCK_EX | LOCK_NB) < 0 : close(fd) < 0)
		save_failed(tmp, path, buf);
	tmp_commit(tmp, path);
	if (held) {
		close(lock_fd);
		lock_fd = fd;
	}
	sync_dir(path);
	free(buf);
}
