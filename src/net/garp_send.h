/* Sending gratuitous ARP and unsolicited Neighbour Advertisements (the
 * packets are built by arp_na.h).
 *
 * One sender serves every interface: the ARP socket is an AF_PACKET/SOCK_RAW
 * socket that is not bound, and each send names its interface in the
 * sockaddr_ll (the same effect as binding to the ifindex, without one socket
 * per interface).  It is opened with protocol 0, so it receives nothing and
 * never fills up.  The NA socket is a raw IPPROTO_ICMPV6 socket with every
 * ICMPv6 type filtered out on receive, IPV6_MULTICAST_HOPS 255 and
 * multicast loopback off; each send picks the interface and source address
 * with IPV6_PKTINFO (which overrides IPV6_MULTICAST_IF per packet).
 * IPV6_FREEBIND lets the VIP be the source even while it is not yet usable
 * on the interface (added without nodad, still tentative).
 *
 * Both sockets are non-blocking: a full transmit queue yields -EAGAIN rather
 * than stalling the event loop.  Needs CAP_NET_RAW.  Calls return 0 or
 * -errno and leave the reason in s->err; they never exit or log.
 */
#ifndef HALO_NET_GARP_SEND_H
#define HALO_NET_GARP_SEND_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/arp_na.h"

struct garp_sender {
	int pkt_fd;    /* AF_PACKET, SOCK_RAW, protocol 0 */
	int icmp6_fd;  /* AF_INET6, SOCK_RAW, IPPROTO_ICMPV6 */
	char err[160]; /* why the last call failed */
};

/* Opens both sockets.  On failure both are closed and s->err says why.
 * garp_sender_close() is safe after any garp_sender_open(), failed or not,
 * and twice (not on a never-opened struct: 0 is a valid descriptor). */
int garp_sender_open(struct garp_sender *s);
void garp_sender_close(struct garp_sender *s);

/* One gratuitous ARP for `vip` on `ifindex`, with Ethernet source and
 * ar_sha `mac` (the interface's MAC, or the virtual MAC with use_vmac). */
int garp_send_arp(struct garp_sender *s, int ifindex,
		  const uint8_t mac[ARP_NA_MAC_LEN], struct in_addr vip);

/* One unsolicited NA for `vip` on `ifindex` through the ICMPv6 socket.
 * `mac` goes in the Target Link-Layer Address option (the Ethernet source
 * is the interface's own address).  `src` is the IPv6 source: keepalived
 * uses the VIP itself; NULL lets the kernel choose (for ff02::1, the
 * interface's link-local address).  `router` sets the R flag; O is always
 * set and S never (RFC 5798 §6.4.2). */
int garp_send_na(struct garp_sender *s, int ifindex,
		 const uint8_t mac[ARP_NA_MAC_LEN], const struct in6_addr *src,
		 const struct in6_addr *vip, bool router);

/* Sends a complete Ethernet frame (e.g. from na_build_frame()) as is on
 * `ifindex`, for when the Ethernet source must be chosen by the caller. */
int garp_send_frame(struct garp_sender *s, int ifindex, const uint8_t *frame,
		    size_t len);

/* keepalived's rule for the NA Router flag: 1 when IPv6 forwarding is on
 * for `ifname` (/proc/sys/net/ipv6/conf/IF/forwarding), 0 when off, -errno
 * when it cannot be read (no IPv6 on the interface). */
int garp_ipv6_forwarding(const char *ifname);

#endif
