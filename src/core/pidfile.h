/* Pid files that are also locks.
 *
 * The file is locked with an open-file-description lock (F_OFD_SETLK) for
 * the life of the process: a second daemon with the same pid file cannot
 * take it and refuses to start, naming the file and the running pid.  An
 * OFD lock belongs to the open file, not to the process, so it survives the
 * forks of daemonisation, and a stale file left by a crash (nobody holds
 * the lock) is simply taken over. The descriptor is close-on-exec so the
 * children's processes never hold their parent's lock. */
#ifndef HALO_CORE_PIDFILE_H
#define HALO_CORE_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

struct pidfile {
	int fd;     /* -1 when not held */
	char *path; /* heap copy */
};

/* Creates/opens `path`, takes the lock and writes our pid.  Returns 0, or
 * -1 with a sentence in `err`, e.g. "pid file /run/halod.pid is held by
 * running process 1234". */
int pidfile_acquire(struct pidfile *pf, const char *path, char *err, size_t errlen);
/* Writes the current pid again (after daemonising changed it). */
int pidfile_rewrite(struct pidfile *pf);
/* Removes the file while still holding the lock, then closes it.
 * Safe on a pidfile that was never acquired. */
void pidfile_release(struct pidfile *pf);
/* Reads the pid stored in `path` (0 if none or unreadable). */
pid_t pidfile_read(const char *path);

#endif
