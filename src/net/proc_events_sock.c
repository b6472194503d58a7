/* Process events connector: the socket half (open, subscribe, read,
 * unsubscribe).  See proc_events.h. */
#include "net/proc_events.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/connector.h>
#include <linux/netlink.h>

/* Enough for a burst of a few thousand events between two loop turns (the
 * kernel charges each ~100-byte event with its skb overhead, ~1 KiB).
 * SO_RCVBUFFORCE passes the rmem_max cap; we hold CAP_NET_ADMIN here,
 * since binding to the group needed it. */
#define RCVBUF_BYTES (2 * 1024 * 1024)
/* Bounds the wait for the ACK in datagrams as well as in time. */
#define ACK_MAX_DATAGRAMS 4096

static int send_op(int fd, bool listen, uint32_t seq)
{
	char buf[PROC_EVENTS_REQ_LEN];
	size_t n = proc_events_mcast_msg(buf, sizeof(buf), listen, seq);
	struct sockaddr_nl to = { .nl_family = AF_NETLINK }; /* the kernel */
	ssize_t r = sendto(fd, buf, n, 0, (struct sockaddr *)&to, sizeof(to));
	return r == (ssize_t)n ? 0 : -1;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Looks for the ACK of our request `seq` (ack = seq + 1) in one datagram: 1 found (with *err), 0 not. */
static int find_ack(const char *buf, size_t n, uint32_t seq, uint32_t *err)
{
	struct proc_ev ev;
	size_t used;
	for (size_t off = 0; off < n; off += used) {
		enum proc_ev_reason r = proc_events_parse(buf + off, n - off, &ev, &used);
		if (used == 0)
			break;
		if (r == PROC_EV_REASON_OK && ev.kind == PROC_EV_ACK && ev.ack == seq + 1) {
			*err = ev.err;
			return 1;
		}
	}
	return 0;
}

/* The kernel answers LISTEN synchronously, so the ACK is normally queued
 * before sendto() returns; the wait only matters when no ACK comes at all
 * (a requester outside the initial pid or user namespace is ignored
 * without one), and it is bounded by `timeout_ms`. */
static int wait_ack(int fd, uint32_t seq, int timeout_ms, char *why, size_t whylen)
{
	char buf[PROC_EVENTS_RECV_LEN];
	int64_t end = mono_ms() + timeout_ms;
	for (int i = 0; i < ACK_MAX_DATAGRAMS; i++) {
		ssize_t n = proc_events_recv(fd, buf, sizeof(buf));
		uint32_t err = 0;
		if (n > 0 && find_ack(buf, (size_t)n, seq, &err)) {
			if (err == 0)
				return 0;
			snprintf(why, whylen, "the kernel refused PROC_CN_MCAST_LISTEN: %s",
				 strerror((int)err));
			return -1;
		}
		if (n > 0 || n == -ENOBUFS)
			continue;
		if (n < 0) {
			snprintf(why, whylen, "reading the connector: %s", strerror((int)-n));
			return -1;
		}
		int64_t left = end - mono_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
			break;
	}
	snprintf(why, whylen,
		 "no reply to PROC_CN_MCAST_LISTEN (not in the initial pid and user namespaces?)");
	return -1;
}

int proc_events_open(int ack_timeout_ms, char *why, size_t whylen)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (fd < 0) {
		int e = errno;
		snprintf(why, whylen, "socket(NETLINK_CONNECTOR): %s%s", strerror(e),
			 e == EPROTONOSUPPORT ? " (not in the initial network namespace)" : "");
		return -1;
	}
	int sz = RCVBUF_BYTES;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		snprintf(why, whylen, "bind to the CN_IDX_PROC group: %s%s", strerror(e),
			 e == EPERM ? " (needs CAP_NET_ADMIN)" : "");
		close(fd);
		return -1;
	}
	/* A number of our own, so another listener's ACK arriving at the same
	 * moment is not taken for ours. */
	uint32_t seq = (uint32_t)getpid() ^ (uint32_t)mono_ms() << 16;
	if (send_op(fd, true, seq) < 0) {
		/* Outside the initial network namespace the socket opens and
		 * binds, but no kernel end listens there. */
		int e = errno;
		snprintf(why, whylen, "sending PROC_CN_MCAST_LISTEN: %s%s", strerror(e),
			 e == ECONNREFUSED ? " (not in the initial network namespace)" : "");
		close(fd);
		return -1;
	}
	if (wait_ack(fd, seq, ack_timeout_ms, why, whylen) < 0) {
		proc_events_close(fd);
		return -1;
	}
	return fd;
}

ssize_t proc_events_recv(int fd, void *buf, size_t len)
{
	for (int i = 0; i < 64; i++) {
		struct sockaddr_nl from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		}
		/* Only the kernel (port 0) speaks for the connector. */
		if (flen >= sizeof(from) && from.nl_pid == 0 && n > 0)
			return n;
	}
	return 0;
}

void proc_events_close(int fd)
{
	if (fd < 0)
		return;
	(void)send_op(fd, false, 0);
	close(fd);
}
