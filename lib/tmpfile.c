/* tmpfile: registered temporary files, removed at exit and on signals. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "tmpfile.h"
#include "xalloc.h"

/*
 * The registry is a list that only grows while the program runs: a node is
 * fully built before it is published with an atomic store, and removal only
 * clears its "live" flag, so a signal handler (on any thread) can walk it at
 * any moment without locks.  Nodes are freed at exit.
 */
struct tmpnode {
	struct tmpnode *next;
	atomic_int live;
	char path[];
};

static _Atomic(struct tmpnode *) head;
static pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static int installed;
static int exiting;	/* under lock: the exit cleanup has run */

void
tmp_remove_all(void)
{
	struct tmpnode *n;

	for (n = atomic_load(&head); n != NULL; n = n->next)
		if (atomic_exchange(&n->live, 0))
			unlink(n->path);
}

/*
 * At exit, with the lock that file creation holds, kept to the end: a
 * thread making a file while another one exits (a die() in a worker)
 * finishes first and its file is removed here, or waits for the end and
 * makes none.  (The lock is recursive: the exiting thread itself may still
 * make a file, and then removes it at once.)
 */
static void
on_exit_cleanup(void)
{
	struct tmpnode *n, *next;

	pthread_mutex_lock(&lock);
	exiting = 1;
	tmp_remove_all();
	n = atomic_exchange(&head, NULL);
	for (; n != NULL; n = next) {
		next = n->next;
		free(n);
	}
}

static void
on_signal(int sig)
{
	tmp_remove_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
tmp_install_signals(void)
{
	/* Every signal whose default action ends the program, but those of
	 * a fault (SEGV, BUS...), after which no cleanup can be trusted. */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
	    SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGVTALRM, SIGPROF };
	struct sigaction sa;
	size_t i;

	pthread_mutex_lock(&lock);
	if (!installed) {
		installed = 1;
		atexit(on_exit_cleanup);
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
			struct sigaction old;

			/* Keep an ignored signal ignored (nohup, background jobs). */
			if (sigaction(sigs[i], NULL, &old) == 0 &&
			    old.sa_handler == SIG_IGN)
				continue;
			sigaction(sigs[i], &sa, NULL);
		}
	}
	pthread_mutex_unlock(&lock);
}

/* Make the node for a path of the form TEMPLATE (ending in XXXXXX), create
 * the file, and publish the node. */
static int
create_registered(const char *template, const char *errname, int mode,
    const char **path)
{
	struct tmpnode *n;
	size_t len = strlen(template);
	sigset_t all, old;
	int fd, saved;

	tmp_install_signals();
	n = xmalloc(sizeof *n + len + 1);
	memcpy(n->path, template, len + 1);
	atomic_init(&n->live, 1);
	/* No signal between creating the file and publishing its node. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_mutex_lock(&lock);
	fd = mkostemp(n->path, O_CLOEXEC);
	if (fd >= 0) {
		if (exiting && atomic_exchange(&n->live, 0))
			unlink(n->path);	/* the program is ending */
		n->next = atomic_load(&head);
		atomic_store(&head, n);
	}
	saved = errno;
	pthread_mutex_unlock(&lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (fd < 0) {
		free(n);
		errno = saved;
		die("%s:", errname);
	}
	if (mode >= 0) {
		mode_t mask = umask(0);

		umask(mask);
		fchmod(fd, (mode_t)mode & ~mask);
	}
	*path = n->path;
	return fd;
}

const char *
tmp_dir(const char *opt)
{
	const char *d;

	if (opt != NULL && *opt != '\0')
		return opt;
	d = getenv("TMPDIR");
	return d != NULL && *d != '\0' ? d : "/tmp";
}

int
tmp_create(const char *dir, const char *prefix, const char **path)
{
	char template[PATH_MAX];

	if ((size_t)snprintf(template, sizeof template, "%s/%s.XXXXXX", dir,
	    prefix) >= sizeof template) {
		errno = ENAMETOOLONG;
		die("%s:", dir);
	}
	return create_registered(template, dir, -1, path);
}

int
tmp_create_beside(const char *final, int mode, const char **path)
{
	char template[PATH_MAX];
	const char *slash = strrchr(final, '/');
	int dirlen = slash ? (int)(slash - final + 1) : 0;

	if ((size_t)snprintf(template, sizeof template, "%.*s.%s.XXXXXX",
	    dirlen, final, final + dirlen) >= sizeof template) {
		errno = ENAMETOOLONG;
		die("%s:", final);
	}
	return create_registered(template, final, mode, path);
}

int
tmp_is_beside(const char *ent, const char *base)
{
	size_t blen = strlen(base), i;

	if (ent[0] != '.' || strncmp(ent + 1, base, blen) != 0 ||
	    ent[1 + blen] != '.' || strlen(ent + 2 + blen) != 6)
		return 0;
	for (i = 2 + blen; ent[i] != '\0'; i++)
		if (!((ent[i] >= 'a' && ent[i] <= 'z') ||
		    (ent[i] >= 'A' && ent[i] <= 'Z') ||
		    (ent[i] >= '0' && ent[i] <= '9')))
			return 0;
	return 1;
}

/* find: the live node holding PATH (compared by address, then by name). */
static struct tmpnode *
find(const char *path)
{
	struct tmpnode *n;

	for (n = atomic_load(&head); n != NULL; n = n->next)
		if (atomic_load(&n->live) &&
		    (n->path == path || strcmp(n->path, path) == 0))
			return n;
	return NULL;
}

void
tmp_commit(const char *path, const char *final)
{
	struct tmpnode *n = find(path);

	if (rename(path, final) < 0) {
		int saved = errno;

		tmp_remove(path);
		errno = saved;
		die("%s:", final);
	}
	if (n != NULL)
		atomic_store(&n->live, 0);
}

void
tmp_remove(const char *path)
{
	struct tmpnode *n = find(path);

	if (n != NULL && atomic_exchange(&n->live, 0))
		unlink(n->path);
}
