/* Gratuitous ARP / unsolicited NA senders: sockets only, the bytes come
 * from arp_na.c.  See garp_send.h for the socket choices. */
#include "net/garp_send.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(struct garp_sender *s, int err, const char *what, int ifindex)
{
	snprintf(s->err, sizeof(s->err), "%s on ifindex %d: %s", what, ifindex, strerror(err));
	return -err;
}

static int set_opt(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val));
}

/* The ICMPv6 socket only sends: block every type on receive so the kernel
 * does not queue the link's ND and MLD traffic for us. */
static int icmp6_setup(int fd)
{
	struct icmp6_filter f;
	ICMP6_FILTER_SETBLOCKALL(&f);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0)
		return -errno;
	/* RFC 4861 §7.1.2: an NA with a hop limit other than 255 is dropped. */
	if (set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255) < 0 ||
	    set_opt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0)
		return -errno;
	/* Best effort (Linux >= 4.15): without it the VIP can still be the
	 * source once it is assigned and not tentative. */
	(void)set_opt(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1);
	return 0;
}

int garp_sender_open(struct garp_sender *s)
{
	memset(s, 0, sizeof(*s));
	s->icmp6_fd = -1;
	s->pkt_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->pkt_fd < 0)
		return fail(s, errno, "open AF_PACKET socket", 0);
	s->icmp6_fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	int r = s->icmp6_fd < 0 ? -errno : icmp6_setup(s->icmp6_fd);
	if (r) {
		fail(s, -r, "open ICMPv6 socket", 0);
		garp_sender_close(s);
	}
	return r;
}

void garp_sender_close(struct garp_sender *s)
{
	if (s->pkt_fd >= 0)
		close(s->pkt_fd);
	if (s->icmp6_fd >= 0)
		close(s->icmp6_fd);
	s->pkt_fd = s->icmp6_fd = -1;
}

static int send_frame(struct garp_sender *s, int ifindex, const uint8_t *frame,
		      size_t len, const char *what)
{
	if (len < 14)
		return fail(s, EINVAL, what, ifindex);
	/* With SOCK_RAW the frame carries its own header; the address only
	 * selects the interface (and fills the packet's metadata). */
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = ARP_NA_MAC_LEN,
	};
	memcpy(&ll.sll_protocol, frame + 12, 2); /* EtherType, network order */
	memcpy(ll.sll_addr, frame, ARP_NA_MAC_LEN);
	ssize_t n = sendto(s->pkt_fd, frame, len, 0, (struct sockaddr *)&ll, sizeof(ll));
	if (n < 0)
		return fail(s, errno, what, ifindex);
	if ((size_t)n != len)
		return fail(s, EIO, what, ifindex);
	return 0;
}

int garp_send_frame(struct garp_sender *s, int ifindex, const uint8_t *frame, size_t len)
{
	return send_frame(s, ifindex, frame, len, "send Ethernet frame");
}

int garp_send_arp(struct garp_sender *s, int ifindex, const uint8_t mac[ARP_NA_MAC_LEN],
		  struct in_addr vip)
{
	uint8_t frame[GARP_FRAME_LEN];
	int len = garp_build(frame, sizeof(frame), mac, vip);
	char a[INET_ADDRSTRLEN], what[64];
	snprintf(what, sizeof(what), "gratuitous ARP for %s",
		 inet_ntop(AF_INET, &vip, a, sizeof(a)));
	return send_frame(s, ifindex, frame, (size_t)len, what);
}

/* sendmsg() with IPV6_PKTINFO: the per-packet interface and source. */
static ssize_t send_pktinfo(int fd, const uint8_t *msg, size_t len, int ifindex,
			    const struct in6_addr *src)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6,
				    .sin6_addr = arp_na_all_nodes,
				    .sin6_scope_id = (uint32_t)ifindex };
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = { (void *)msg, len };
	struct msghdr mh = { .msg_name = &dst, .msg_namelen = sizeof(dst),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };
	if (src)
		pi.ipi6_addr = *src;
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	return sendmsg(fd, &mh, 0);
}

int garp_send_na(struct garp_sender *s, int ifindex, const uint8_t mac[ARP_NA_MAC_LEN],
		 const struct in6_addr *src, const struct in6_addr *vip, bool router)
{
	/* The kernel recomputes the checksum on ICMPv6 raw sockets, so an
	 * unknown source (src NULL, the unspecified address here) is fine. */
	struct na_spec spec = { .target = *vip,
				.flags = NA_FLAG_OVERRIDE | (router ? NA_FLAG_ROUTER : 0) };
	memcpy(spec.mac, mac, ARP_NA_MAC_LEN);
	if (src)
		spec.src = *src;
	uint8_t msg[NA_MSG_LEN];
	int len = na_build(msg, sizeof(msg), &spec);
	ssize_t n = send_pktinfo(s->icmp6_fd, msg, (size_t)len, ifindex, src);
	if (n == len)
		return 0;
	char a[INET6_ADDRSTRLEN], what[96];
	snprintf(what, sizeof(what), "neighbour advertisement for %s",
		 inet_ntop(AF_INET6, vip, a, sizeof(a)));
	return fail(s, n < 0 ? errno : EIO, what, ifindex);
}

int garp_ipv6_forwarding(const char *ifname)
{
	char path[96];
	if (!ifname[0] || strchr(ifname, '/') || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding", ifname);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char c = 0;
	ssize_t n = read(fd, &c, 1);
	int e = errno;
	close(fd);
	if (n != 1)
		return n < 0 ? -e : -EIO;
	return c != '0';
}
