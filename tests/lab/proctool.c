/* proctool: drives src/net/proc_events (the kernel's process events
 * connector) from the command line for tests/lab/test_proc_events.py.  It
 * talks netlink to the kernel only: no network traffic.
 *
 *   proctool open             exit 0 and print "events" when the connector
 *                             can be opened here, else exit 1 with the
 *                             reason on stderr
 *   proctool events SECONDS   print "ready" once subscribed, then one line
 *                             per event until SECONDS have passed (or
 *                             stdout is closed):
 *                               fork PARENT_PID PARENT_TGID CHILD_PID CHILD_TGID
 *                               exec PID TGID COMM      (COMM read from /proc, "?" if gone)
 *                               comm PID TGID NEWNAME
 *                               exit PID TGID EXIT_CODE EXIT_SIGNAL
 *                               lost                    (queue overflow: ENOBUFS)
 *                               drop REASON             (a message not decoded)
 *
 * Exit status: 0 success, 1 failure (reason on stderr), 2 usage.  The
 * event loop is bounded by the deadline (at most 600 s).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/proc_events.h"

enum { EXIT_USAGE = 2 };
#define MAX_SECONDS 600
#define ACK_TIMEOUT_MS 200

static int usage(const char *why)
{
	fprintf(stderr, "proctool: %s (see the comment at the top of proctool.c)\n", why);
	return EXIT_USAGE;
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void read_comm(int pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		snprintf(buf, len, "?");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Prints one event; returns -1 when stdout is gone. */
static int print_event(const struct proc_ev *ev)
{
	char comm[64];
	switch (ev->kind) {
	case PROC_EV_FORK:
		printf("fork %d %d %d %d\n", ev->parent_pid, ev->parent_tgid, ev->pid, ev->tgid);
		break;
	case PROC_EV_EXEC:
		read_comm(ev->tgid, comm, sizeof(comm));
		printf("exec %d %d %s\n", ev->pid, ev->tgid, comm);
		break;
	case PROC_EV_COMM:
		printf("comm %d %d %s\n", ev->pid, ev->tgid, ev->comm);
		break;
	case PROC_EV_EXIT:
		printf("exit %d %d %u %u\n", ev->pid, ev->tgid, ev->exit_code, ev->exit_signal);
		break;
	case PROC_EV_ACK:
	case PROC_EV_OTHER:
		return 0;
	}
	return fflush(stdout) == 0 ? 0 : -1;
}

static int print_datagram(const char *buf, size_t n)
{
	struct proc_ev ev;
	size_t used;
	for (size_t off = 0; off < n; off += used) {
		enum proc_ev_reason r = proc_events_parse(buf + off, n - off, &ev, &used);
		if (r != PROC_EV_REASON_OK)
			printf("drop %s\n", proc_ev_reason_str(r));
		else if (print_event(&ev) < 0)
			return -1;
		if (used == 0)
			break;
	}
	return 0;
}

static int cmd_events(long seconds)
{
	char why[256], buf[PROC_EVENTS_RECV_LEN];
	int fd = proc_events_open(ACK_TIMEOUT_MS, why, sizeof(why));
	if (fd < 0) {
		fprintf(stderr, "error: %s\n", why);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	long long end = mono_ms() + seconds * 1000;
	int rc = 0;
	for (long long left; (left = end - mono_ms()) > 0;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, left > 200 ? 200 : (int)left);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "error: poll: %s\n", strerror(errno));
			rc = 1;
			break;
		}
		if (r <= 0)
			continue;
		/* Drain what is queued, bounded per wake-up. */
		for (int i = 0; i < 1024; i++) {
			ssize_t n = proc_events_recv(fd, buf, sizeof(buf));
			if (n == 0)
				break;
			if (n == -ENOBUFS) {
				printf("lost\n");
				continue;
			}
			if (n < 0) {
				fprintf(stderr, "error: recv: %s\n", strerror((int)-n));
				proc_events_close(fd);
				return 1;
			}
			if (print_datagram(buf, (size_t)n) < 0)
				goto out; /* the reader went away */
		}
	}
out:
	proc_events_close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		return usage("no command");
	if (strcmp(argv[1], "open") == 0 && argc == 2) {
		char why[256];
		int fd = proc_events_open(ACK_TIMEOUT_MS, why, sizeof(why));
		if (fd < 0) {
			fprintf(stderr, "error: %s\n", why);
			return 1;
		}
		proc_events_close(fd);
		printf("events\n");
		return 0;
	}
	if (strcmp(argv[1], "events") == 0 && argc == 3) {
		char *end;
		long s = strtol(argv[2], &end, 10);
		if (*end || s <= 0 || s > MAX_SECONDS)
			return usage("SECONDS must be 1..600");
		return cmd_events(s);
	}
	return usage("unknown command");
}
