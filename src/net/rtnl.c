/* rtnetlink handle: the two sockets, the request/ACK exchange and the event
 * reader.  Address and link operations are in rtnl_addr.c and rtnl_link.c. */
#include "net/rtnl.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "net/rtnl_int.h"
#include "net/rtnl_msg.h"

/* One kernel answer takes microseconds; a request still unanswered after
 * this long means something is badly wrong, and the caller must not hang. */
#define RTNL_TIMEOUT_S 5
/* Event datagrams read per rtnl_events_read() call. */
#define RTNL_EV_BATCH 64
/* Event socket buffer: link flaps on many interfaces at once must not
 * overflow it (the default ~200 KiB holds a few hundred messages). */
#define RTNL_EV_RCVBUF (1 << 20)

const char *rtnl_errmsg(const struct rtnl *h)
{
	return h->err;
}

int rtnl_fail(struct rtnl *h, int err, const char *what)
{
	snprintf(h->err, sizeof(h->err), "%s: %s", what, strerror(err));
	return -err;
}

static int fail_kernel(struct rtnl *h, int err, const char *what, const char *kmsg)
{
	if (!kmsg || !kmsg[0])
		return rtnl_fail(h, err, what);
	snprintf(h->err, sizeof(h->err), "%s: %s (kernel: %s)", what, strerror(err), kmsg);
	return -err;
}

/* Receives one datagram and accepts it only from the kernel (port 0): any
 * local process may unicast to a netlink port, and forged link or address
 * news must not drive VRRP.  Returns the length, 0 for a datagram to
 * ignore, or -errno. */
static ssize_t nl_recv(struct mnl_socket *s, void *buf, size_t len)
{
	struct sockaddr_nl from;
	struct iovec iov = { buf, len };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
			      .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(mnl_socket_get_fd(s), &msg, 0);
	if (n < 0)
		return -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	if (msg.msg_namelen != sizeof(from) || from.nl_pid != 0)
		return 0;
	return n;
}

/* State of one request while its reply is read. */
struct talk {
	uint32_t seq, portid;
	rtnl_reply_cb cb;
	void *arg;
	int stop;   /* the callback's non-zero return, if any */
	int err;    /* positive errno from NLMSG_ERROR or NLMSG_DONE */
	bool intr;  /* NLM_F_DUMP_INTR seen */
	bool done;
	char kmsg[160]; /* extended-ACK text, copied out of the receive buffer */
};

static void talk_error(struct talk *t, const struct nlmsghdr *nlh)
{
	const char *km;
	t->err = rtnl_msg_parse_error(nlh, &km);
	if (km)
		snprintf(t->kmsg, sizeof(t->kmsg), "%s", km);
	t->done = true;
}

static void talk_msg(struct talk *t, const struct nlmsghdr *nlh)
{
	/* A reply to an earlier request that timed out: not ours. */
	if (nlh->nlmsg_seq != t->seq || nlh->nlmsg_pid != t->portid)
		return;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		t->intr = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		return;
	case NLMSG_ERROR:
		talk_error(t, nlh);
		return;
	case NLMSG_DONE:
		/* A dump that failed half-way ends with DONE carrying -errno. */
		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
			int e = *(const int *)mnl_nlmsg_get_payload(nlh);
			t->err = e < 0 ? -e : 0;
		}
		t->done = true;
		return;
	case NLMSG_OVERRUN:
		t->err = ENOBUFS;
		t->done = true;
		return;
	default:
		if (!t->stop && t->cb && nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			t->stop = t->cb(nlh, t->arg);
	}
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads datagrams until the reply is complete or the deadline passes. */
static int talk_recv(struct rtnl *h, struct talk *t)
{
	alignas(struct nlmsghdr) char buf[RTNL_RECV_BUFSZ];
	double deadline = mono_now() + RTNL_TIMEOUT_S;
	while (!t->done) {
		if (mono_now() > deadline)
			return -ETIMEDOUT;
		ssize_t n = nl_recv(h->req, buf, sizeof(buf));
		if (n == -EINTR)
			continue;
		if (n < 0)
			return n == -EAGAIN ? -ETIMEDOUT : (int)n;
		int left = (int)n;
		for (const struct nlmsghdr *nlh = (const void *)buf;
		     mnl_nlmsg_ok(nlh, left) && !t->done;
		     nlh = mnl_nlmsg_next(nlh, &left))
			talk_msg(t, nlh);
	}
	return 0;
}

int rtnl_talk(struct rtnl *h, struct nlmsghdr *nlh, rtnl_reply_cb cb, void *arg,
	      const char *what)
{
	if (!h->req)
		return rtnl_fail(h, EBADF, what);
	/* Dumps end with NLMSG_DONE; everything else is asked for an ACK. */
	if (!rtnl_msg_is_dump(nlh))
		nlh->nlmsg_flags |= NLM_F_ACK;
	/* Sequence 0 is what the kernel uses for events; never use it. */
	if (++h->seq == 0)
		h->seq = 1;
	nlh->nlmsg_seq = h->seq;
	if (mnl_socket_sendto(h->req, nlh, nlh->nlmsg_len) < 0)
		return rtnl_fail(h, errno, what);
	struct talk t = { .seq = h->seq, .portid = h->portid, .cb = cb, .arg = arg };
	int r = talk_recv(h, &t);
	if (r < 0)
		return rtnl_fail(h, -r, what);
	if (t.err)
		return fail_kernel(h, t.err, what, t.kmsg);
	if (t.intr)
		return rtnl_fail(h, EINTR, what);
	return t.stop;
}

static void set_int_opt(int fd, int level, int opt, int val)
{
	/* Best effort: these options only add detail (extended ACK text) or
	 * headroom (buffer size), and old kernels may refuse them. */
	(void)setsockopt(fd, level, opt, &val, sizeof(val));
}

static int open_requests(struct rtnl *h)
{
	h->req = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!h->req || mnl_socket_bind(h->req, 0, MNL_SOCKET_AUTOPID) < 0)
		return rtnl_fail(h, errno, "rtnetlink request socket");
	h->portid = mnl_socket_get_portid(h->req);
	int fd = mnl_socket_get_fd(h->req);
	set_int_opt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
	/* Do not echo our whole request back inside error messages. */
	set_int_opt(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
	struct timeval tv = { .tv_sec = RTNL_TIMEOUT_S };
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return rtnl_fail(h, errno, "rtnetlink receive timeout");
	return 0;
}

static int open_events(struct rtnl *h, unsigned groups)
{
	unsigned mask = 0;
	if (groups & RTNL_GRP_LINK)
		mask |= RTMGRP_LINK;
	if (groups & RTNL_GRP_ADDR4)
		mask |= RTMGRP_IPV4_IFADDR;
	if (groups & RTNL_GRP_ADDR6)
		mask |= RTMGRP_IPV6_IFADDR;
	h->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!h->ev || mnl_socket_bind(h->ev, mask, MNL_SOCKET_AUTOPID) < 0)
		return rtnl_fail(h, errno, "rtnetlink event socket");
	int fd = mnl_socket_get_fd(h->ev);
	/* SO_RCVBUFFORCE passes net.core.rmem_max with CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ RTNL_EV_RCVBUF }, sizeof(int)) < 0)
		set_int_opt(fd, SOL_SOCKET, SO_RCVBUF, RTNL_EV_RCVBUF);
	return 0;
}

int rtnl_open(struct rtnl *h, unsigned groups)
{
	memset(h, 0, sizeof(*h));
	int r = open_requests(h);
	if (r == 0 && groups)
		r = open_events(h, groups);
	if (r)
		rtnl_close(h); /* keeps h->err */
	return r;
}

void rtnl_close(struct rtnl *h)
{
	if (h->req)
		mnl_socket_close(h->req);
	if (h->ev)
		mnl_socket_close(h->ev);
	h->req = h->ev = NULL;
}

int rtnl_events_fd(const struct rtnl *h)
{
	return h->ev ? mnl_socket_get_fd(h->ev) : -1;
}

const char *rtnl_event_kind_name(enum rtnl_event_kind k)
{
	switch (k) {
	case RTNL_EV_NEWLINK: return "newlink";
	case RTNL_EV_DELLINK: return "dellink";
	case RTNL_EV_NEWADDR: return "newaddr";
	case RTNL_EV_DELADDR: return "deladdr";
	}
	return "?";
}

/* Decodes one event message; false for types we did not subscribe to and
 * for families other than IPv4/IPv6 (none are sent to our groups). */
static bool event_decode(const struct nlmsghdr *nlh, struct rtnl_event *ev)
{
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		ev->kind = nlh->nlmsg_type == RTM_NEWLINK ? RTNL_EV_NEWLINK : RTNL_EV_DELLINK;
		return rtnl_msg_parse_link(nlh, &ev->link) == 0;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		ev->kind = nlh->nlmsg_type == RTM_NEWADDR ? RTNL_EV_NEWADDR : RTNL_EV_DELADDR;
		return rtnl_msg_parse_addr(nlh, &ev->addr) == 0;
	default:
		return false;
	}
}

static int events_dispatch(const char *buf, int len, rtnl_event_cb cb, void *arg)
{
	int count = 0;
	for (const struct nlmsghdr *nlh = (const void *)buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		struct rtnl_event ev;
		if (event_decode(nlh, &ev)) {
			cb(&ev, arg);
			count++;
		}
	}
	return count;
}

int rtnl_events_read(struct rtnl *h, rtnl_event_cb cb, void *arg)
{
	if (!h->ev)
		return rtnl_fail(h, EBADF, "rtnetlink events: handle opened without event groups");
	alignas(struct nlmsghdr) char buf[RTNL_RECV_BUFSZ];
	int count = 0;
	bool overrun = false;
	for (int i = 0; i < RTNL_EV_BATCH; i++) {
		ssize_t n = nl_recv(h->ev, buf, sizeof(buf));
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			break;
		/* The kernel reports a dropped event once, then carries on. */
		if (n == -ENOBUFS) {
			overrun = true;
			continue;
		}
		if (n == -EINTR || n == 0)
			continue;
		if (n < 0)
			return rtnl_fail(h, (int)-n, "rtnetlink events");
		count += events_dispatch(buf, (int)n, cb, arg);
	}
	if (overrun)
		return rtnl_fail(h, ENOBUFS, "rtnetlink events lost (socket buffer overrun), "
				 "state must be re-read");
	return count;
}
