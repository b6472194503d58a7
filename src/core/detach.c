#include "core/detach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The original process: relay the daemon's verdict as our exit status. */
static void __attribute__((noreturn)) wait_for_daemon(int rfd)
{
	char msg[1024];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(msg) - 1 &&
	       ((n = read(rfd, msg + len, sizeof(msg) - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	msg[len] = '\0';
	if (len > 0 && msg[0] == '\0')
		_exit(0);
	if (len == 0)
		fprintf(stderr, "halod: the daemon exited during start-up (see the log)\n");
	else
		fprintf(stderr, "halod: %s\n", msg);
	_exit(1);
}

static void to_devnull(bool keep_stderr)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	if (!keep_stderr)
		dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

int detach(int *ready_fd, bool keep_stderr)
{
	int p[2];
	*ready_fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		wait_for_daemon(p[0]);
	}
	close(p[0]);
	setsid();
	pid = fork();
	if (pid < 0)
		_exit(1); /* the original reports "exited during start-up" */
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0) {
		/* / always exists; nothing sensible to do otherwise. */
	}
	to_devnull(keep_stderr);
	*ready_fd = p[1];
	return 0;
}

void detach_ready(int fd, const char *error)
{
	if (fd < 0)
		return;
	if (!error) {
		char zero = '\0';
		if (write(fd, &zero, 1) < 0) {
			/* The original process is gone; nobody to tell. */
		}
	} else if (write(fd, error, strlen(error)) < 0) {
		/* Same. */
	}
	close(fd);
}
