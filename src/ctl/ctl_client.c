/* One request/reply exchange over the control socket.  Everything is
 * non-blocking and bounded by one deadline, so haloctl never hangs on a
 * daemon that is stuck, even one whose listen backlog is full. */
#include "ctl/ctl_client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* A status reply is a few KiB; this only stops a broken peer from making
 * haloctl eat memory. */
#define REPLY_MAX (16u * 1024 * 1024)

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits for `events` on fd until the deadline: 1 ready, 0 timed out. */
static int wait_fd(int fd, short events, double deadline)
{
	for (;;) {
		double left = deadline - mono_s();
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = fd, .events = events };
		int rc = poll(&p, 1, (int)(left * 1000) + 1);
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return 1; /* let the following call report the error */
	}
}

static int do_connect(const char *path, double deadline, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to %s: %s", path, strerror(errno));
		return -1;
	}
	int rc;
	/* A Unix socket answers EAGAIN while the listener's backlog is full:
	 * retry until the deadline rather than give up at once. */
	while ((rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa))) < 0 && errno == EAGAIN &&
	       mono_s() < deadline)
		usleep(10000);
	if (rc < 0) {
		int e = errno;
		const char *hint = (e == EACCES || e == EPERM)
			? "the socket is mode 0600: run haloctl as the daemon's user"
			: "is halod running?";
		snprintf(err, errlen, "cannot connect to %s: %s (%s)", path, strerror(e), hint);
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_line(int fd, const char *line, double deadline)
{
	size_t n = strlen(line);
	bool nl = n == 0 || line[n - 1] != '\n';
	const char *p = line;

	while (n > 0 || nl) {
		if (n == 0) {
			p = "\n";
			n = 1;
			nl = false;
		}
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EAGAIN) {
			if (!wait_fd(fd, POLLOUT, deadline))
				return false;
		} else if (!(w < 0 && errno == EINTR)) {
			return false;
		}
	}
	return true;
}

/* Reads up to the first newline into a growing buffer; NULL on timeout,
 * error or end of stream (*why says which). */
static char *recv_line(int fd, double deadline, const char **why)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	while (buf) {
		if (len + 1 >= cap) {
			if (cap >= REPLY_MAX) {
				*why = "reply too large";
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		ssize_t r = recv(fd, buf + len, cap - len - 1, 0);
		if (r > 0) {
			char *nl = memchr(buf + len, '\n', (size_t)r);
			len += (size_t)r;
			if (nl) {
				*nl = '\0';
				return buf;
			}
		} else if (r == 0) {
			*why = "connection closed before a reply";
			break;
		} else if (errno == EAGAIN) {
			if (!wait_fd(fd, POLLIN, deadline)) {
				*why = "timeout";
				break;
			}
		} else if (errno != EINTR) {
			*why = strerror(errno);
			break;
		}
	}
	free(buf);
	return NULL;
}

enum ctl_call_status ctl_call(const char *path, const char *line, double timeout_s,
			      json_object **reply, char *err, size_t errlen)
{
	double deadline = mono_s() + timeout_s;

	*reply = NULL;
	int fd = do_connect(path, deadline, err, errlen);
	if (fd < 0)
		return CTL_CALL_NO_CONNECT;
	if (!send_line(fd, line, deadline)) {
		snprintf(err, errlen, "cannot send the request to %s: %s", path,
			 mono_s() >= deadline ? "timeout" : strerror(errno));
		close(fd);
		return CTL_CALL_NO_REPLY;
	}
	const char *why = "out of memory";
	char *text = recv_line(fd, deadline, &why);
	close(fd);
	if (!text) {
		if (strcmp(why, "timeout") == 0)
			snprintf(err, errlen, "no reply from %s within %g s", path, timeout_s);
		else
			snprintf(err, errlen, "no reply from %s: %s", path, why);
		return CTL_CALL_NO_REPLY;
	}
	json_object *obj = json_tokener_parse(text);
	if (!json_object_is_type(obj, json_type_object)) {
		snprintf(err, errlen, "invalid reply from %s: %.80s", path, text);
		json_object_put(obj);
		free(text);
		return CTL_CALL_NO_REPLY;
	}
	free(text);
	*reply = obj;
	return CTL_CALL_OK;
}
