#include "core/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

pid_t pidfile_read(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *end;
	long v = strtol(buf, &end, 10);
	return v > 0 && (*end == '\n' || *end == '\0') ? (pid_t)v : 0;
}

static int lock_whole(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
	return fcntl(fd, F_OFD_SETLK, &fl);
}

static int write_pid(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -1;
	return 0;
}

/* True when `fd` is still the file at `path`: a daemon that was stopping
 * may have unlinked the file between our open() and our lock. */
static bool still_linked(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* Opens and locks; returns the fd, -1 on error (errno set). */
static int open_locked(const char *path)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0)
			return -1;
		if (lock_whole(fd) < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (still_linked(fd, path))
			return fd;
		close(fd);
	}
	errno = ESTALE;
	return -1;
}

int pidfile_acquire(struct pidfile *pf, const char *path, char *err, size_t errlen)
{
	pf->fd = -1;
	pf->path = NULL;
	int fd = open_locked(path);
	if (fd < 0) {
		int e = errno;
		if (e == EAGAIN || e == EACCES) {
			/* The holder writes its pid right after locking; if we
			 * raced it the file may still be empty. */
			pid_t holder = pidfile_read(path);
			if (holder)
				snprintf(err, errlen, "pid file %s is held by running process %ld",
					 path, (long)holder);
			else
				snprintf(err, errlen, "pid file %s is held by another process", path);
		} else {
			snprintf(err, errlen, "cannot open or lock pid file %s: %s", path, strerror(e));
		}
		return -1;
	}
	if (write_pid(fd) < 0) {
		snprintf(err, errlen, "cannot write pid file %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	pf->path = strdup(path);
	if (!pf->path)
		abort();
	pf->fd = fd;
	return 0;
}

int pidfile_rewrite(struct pidfile *pf)
{
	return pf->fd >= 0 ? write_pid(pf->fd) : -1;
}

void pidfile_release(struct pidfile *pf)
{
	if (pf->fd >= 0) {
		/* Unlink before closing: once the lock is gone another daemon
		 * may create the file, and we must not remove theirs. */
		unlink(pf->path);
		close(pf->fd);
	}
	free(pf->path);
	pf->fd = -1;
	pf->path = NULL;
}
