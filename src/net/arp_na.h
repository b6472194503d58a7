/* Announcing a virtual address on the link: gratuitous ARP (IPv4) and
 * unsolicited Neighbour Advertisement (IPv6).
 *
 * Pure builders: they write bytes into a buffer the caller owns, open no
 * socket and read no global, so the exact wire format is unit-tested with
 * byte vectors.  The sending shells live in garp_send.h.
 *
 * What goes on the wire, and why:
 *
 *  - Gratuitous ARP (RFC 5798 §6.4.2 "broadcast a gratuitous ARP request";
 *    RFC 826 field names).  keepalived sends an ARP *request* with
 *    ar_sha = the sending interface's MAC, ar_spa = ar_tpa = the VIP and
 *    ar_tha = ff:ff:ff:ff:ff:ff, in a frame to the Ethernet broadcast address
 *    (observed on the wire from keepalived 2.2.7).  We mirror it byte for
 *    byte so that hosts and switches treat halo and keepalived alike.
 *    (RFC 5227 would put zeros in ar_tha; receivers ignore the field.)
 *
 *  - Unsolicited Neighbour Advertisement (RFC 4861 §4.4, §7.2.6; RFC 5798
 *    §6.4.2): ICMPv6 type 136, code 0, Solicited flag clear, Override flag
 *    set, Router flag set when the sender acts as a router, Target Address =
 *    the VIP, one Target Link-Layer Address option (type 2, length 1 = 8
 *    bytes) carrying the MAC, sent to the all-nodes group ff02::1 with hop
 *    limit 255 (receivers drop ND packets with any other hop limit).
 *    RFC 5798 asks for R set; keepalived sets R only when the interface has
 *    IPv6 forwarding enabled (a host-mode box announcing R=1 would be taken
 *    as a router), so the flag is the caller's choice: see
 *    garp_ipv6_forwarding().  keepalived uses the VIP itself as the IPv6
 *    source address (observed); RFC 4861 §7.2.6 allows any address assigned
 *    to the interface.
 *
 *  - Two NA forms.  na_build() writes the ICMPv6 message only: it is what the
 *    raw IPPROTO_ICMPV6 socket sends (the kernel adds the IPv6 header and, on
 *    such sockets, always recomputes the checksum, so a wrong guess of the
 *    source address is harmless there).  na_build_frame() writes the whole
 *    Ethernet + IPv6 + ICMPv6 frame for an AF_PACKET sender, which is needed
 *    only when the Ethernet source must differ from the interface's own MAC
 *    (a virtual MAC without a macvlan device); the default path uses the
 *    ICMPv6 socket.
 */
#ifndef HALO_NET_ARP_NA_H
#define HALO_NET_ARP_NA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARP_NA_MAC_LEN 6

/* Ethernet header (14) + ARP for IPv4 over Ethernet (28). */
#define GARP_FRAME_LEN 42
/* NA header (24: type, code, checksum, flags+reserved, target) + one
 * Target Link-Layer Address option (8). */
#define NA_MSG_LEN 32
/* Ethernet header (14) + IPv6 header (40) + NA_MSG_LEN. */
#define NA_FRAME_LEN 86

/* NA flag bits as they sit in the first 32-bit word after the checksum
 * (RFC 4861 §4.4: R, S, O are the three high bits, in that order). */
#define NA_FLAG_ROUTER    0x80000000u
#define NA_FLAG_SOLICITED 0x40000000u
#define NA_FLAG_OVERRIDE  0x20000000u

/* The all-nodes link-local group (RFC 4291 §2.7.1) and its Ethernet
 * mapping 33:33 + low 32 bits (RFC 2464 §7). */
extern const struct in6_addr arp_na_all_nodes;

struct na_spec {
	uint8_t mac[ARP_NA_MAC_LEN]; /* Target Link-Layer Address and, in a
				      * frame, the Ethernet source */
	struct in6_addr src;         /* IPv6 source, used for the checksum's
				      * pseudo-header and the frame */
	struct in6_addr target;      /* Target Address: the VIP */
	uint32_t flags;              /* NA_FLAG_*; keepalived: OVERRIDE, plus
				      * ROUTER when forwarding is on */
};

/* Writes the 42-byte gratuitous ARP frame described above.  Returns the
 * length written, or -ENOSPC if `len` is too small. */
int garp_build(uint8_t *buf, size_t len, const uint8_t mac[ARP_NA_MAC_LEN],
	       struct in_addr vip);

/* Writes the 32-byte ICMPv6 Neighbour Advertisement with its checksum over
 * the RFC 8200 §8.1 pseudo-header (src, ff02::1, length, next header 58).
 * Returns the length written, or -ENOSPC. */
int na_build(uint8_t *buf, size_t len, const struct na_spec *s);

/* Writes the 86-byte Ethernet frame: dst 33:33:00:00:00:01, src s->mac,
 * EtherType 0x86dd, IPv6 header (hop limit 255, next header 58, dst ff02::1)
 * and the na_build() message.  Returns the length written, or -ENOSPC. */
int na_build_frame(uint8_t *buf, size_t len, const struct na_spec *s);

/* The Internet checksum (RFC 1071) of an ICMPv6 message preceded by the
 * IPv6 pseudo-header (RFC 8200 §8.1).  The message's own checksum field must
 * be zero when this is called to compute it; over a received message with
 * its checksum in place the result is 0 when the checksum is correct. */
uint16_t icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			const uint8_t *msg, size_t len);

#endif
