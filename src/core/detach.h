/* Daemonising with a report back to the shell that started us.
 *
 * detach() forks twice (the daemon is a session leader's child, so it can
 * never reacquire a terminal); the original process waits on a pipe until
 * the daemon calls detach_ready(), and exits 0 if start-up went well or
 * prints the daemon's error and exits 1 otherwise.  So `halod` in a shell
 * or an init script returns only once the daemon is really running, with
 * an honest exit status. */
#ifndef HALO_CORE_DETACH_H
#define HALO_CORE_DETACH_H

#include <stdbool.h>

/* Returns 0 in the daemon with *ready_fd set, or -1 (errno) if fork failed;
 * the original process never returns.  stdin/stdout go to /dev/null, and
 * stderr too unless keep_stderr (-l asked for console logging). */
int detach(int *ready_fd, bool keep_stderr);
/* Reports start-up success (error == NULL) or failure and closes the fd.
 * A no-op when fd < 0 (we did not detach). */
void detach_ready(int fd, const char *error);

#endif
