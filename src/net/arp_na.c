/* Gratuitous ARP and unsolicited Neighbour Advertisement builders: bytes
 * only, see arp_na.h for the wire format and the reasons behind it. */
#include "net/arp_na.h"

#include <errno.h>
#include <string.h>

/* Field values from the IANA registries the RFCs refer to. */
#define ETHERTYPE_ARP_ 0x0806  /* ARP */
#define ETHERTYPE_IPV6_ 0x86dd /* IPv6 */
#define ARP_HRD_ETHER 1        /* ar_hrd: Ethernet (10Mb) */
#define ARP_PRO_IP 0x0800      /* ar_pro: IPv4 */
#define ARP_OP_REQUEST 1       /* ar_op: REQUEST */
#define ICMP6_NA_TYPE 136      /* Neighbor Advertisement */
#define ND_OPT_TARGET_LLA 2    /* Target Link-Layer Address option */
#define IPPROTO_ICMPV6_ 58
#define ND_HOP_LIMIT 255       /* RFC 4861 §7.1.2: receivers require 255 */
#define ETH_HDR_LEN 14
#define IP6_HDR_LEN 40

const struct in6_addr arp_na_all_nodes = { .s6_addr = {
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 } };

static const uint8_t eth_broadcast[ARP_NA_MAC_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p = put16(p, (uint16_t)(v >> 16));
	return put16(p, (uint16_t)v);
}

static uint8_t *put_bytes(uint8_t *p, const void *src, size_t n)
{
	memcpy(p, src, n);
	return p + n;
}

static uint8_t *put_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src,
			uint16_t ethertype)
{
	p = put_bytes(p, dst, ARP_NA_MAC_LEN);
	p = put_bytes(p, src, ARP_NA_MAC_LEN);
	return put16(p, ethertype);
}

int garp_build(uint8_t *buf, size_t len, const uint8_t mac[ARP_NA_MAC_LEN],
	       struct in_addr vip)
{
	if (len < GARP_FRAME_LEN)
		return -ENOSPC;
	uint8_t *p = put_eth(buf, eth_broadcast, mac, ETHERTYPE_ARP_);
	p = put16(p, ARP_HRD_ETHER);         /* ar_hrd */
	p = put16(p, ARP_PRO_IP);            /* ar_pro */
	*p++ = ARP_NA_MAC_LEN;               /* ar_hln */
	*p++ = sizeof(struct in_addr);       /* ar_pln */
	p = put16(p, ARP_OP_REQUEST);        /* ar_op */
	p = put_bytes(p, mac, ARP_NA_MAC_LEN); /* ar_sha: who owns the VIP now */
	p = put_bytes(p, &vip, 4);           /* ar_spa = VIP */
	/* ar_tha: keepalived writes the broadcast address here; receivers
	 * ignore it in a request, we copy it so captures compare equal. */
	p = put_bytes(p, eth_broadcast, ARP_NA_MAC_LEN);
	p = put_bytes(p, &vip, 4);           /* ar_tpa = VIP: "gratuitous" */
	return (int)(p - buf);
}

/* One's complement sum of 16-bit big-endian words, carried in 32 bits and
 * folded by the caller (RFC 1071). */
static uint32_t sum16(uint32_t acc, const uint8_t *p, size_t n)
{
	for (; n >= 2; p += 2, n -= 2)
		acc += (uint32_t)p[0] << 8 | p[1];
	if (n)
		acc += (uint32_t)p[0] << 8; /* odd byte padded with zero */
	return acc;
}

uint16_t icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			const uint8_t *msg, size_t len)
{
	/* RFC 8200 §8.1 pseudo-header: source, destination, 32-bit
	 * upper-layer packet length, 3 zero bytes, next header. */
	uint8_t tail[8];
	put32(tail, (uint32_t)len);
	put32(tail + 4, IPPROTO_ICMPV6_);
	uint32_t acc = sum16(0, src->s6_addr, 16);
	acc = sum16(acc, dst->s6_addr, 16);
	acc = sum16(acc, tail, sizeof(tail));
	acc = sum16(acc, msg, len);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

int na_build(uint8_t *buf, size_t len, const struct na_spec *s)
{
	if (len < NA_MSG_LEN)
		return -ENOSPC;
	uint8_t *p = buf;
	*p++ = ICMP6_NA_TYPE;                 /* Type */
	*p++ = 0;                             /* Code */
	p = put16(p, 0);                      /* Checksum, filled below */
	/* R, S, O and 29 reserved bits that must be zero. */
	p = put32(p, s->flags & (NA_FLAG_ROUTER | NA_FLAG_SOLICITED |
				 NA_FLAG_OVERRIDE));
	p = put_bytes(p, s->target.s6_addr, 16); /* Target Address */
	*p++ = ND_OPT_TARGET_LLA;             /* option Type */
	*p++ = 1;                             /* option Length, units of 8 bytes */
	p = put_bytes(p, s->mac, ARP_NA_MAC_LEN);
	put16(buf + 2, icmp6_checksum(&s->src, &arp_na_all_nodes, buf, NA_MSG_LEN));
	return (int)(p - buf);
}

/* IPv6 header (RFC 8200 §3) for a message to ff02::1. */
static uint8_t *put_ip6(uint8_t *p, const struct in6_addr *src, uint16_t plen)
{
	p = put32(p, 6u << 28);       /* Version 6, Traffic Class 0, Flow Label 0 */
	p = put16(p, plen);           /* Payload Length */
	*p++ = IPPROTO_ICMPV6_;       /* Next Header */
	*p++ = ND_HOP_LIMIT;          /* Hop Limit */
	p = put_bytes(p, src->s6_addr, 16);
	return put_bytes(p, arp_na_all_nodes.s6_addr, 16);
}

int na_build_frame(uint8_t *buf, size_t len, const struct na_spec *s)
{
	if (len < NA_FRAME_LEN)
		return -ENOSPC;
	/* Multicast to Ethernet mapping: 33:33 then the group's low 32 bits. */
	uint8_t dst[ARP_NA_MAC_LEN] = { 0x33, 0x33 };
	memcpy(dst + 2, &arp_na_all_nodes.s6_addr[12], 4);
	uint8_t *p = put_eth(buf, dst, s->mac, ETHERTYPE_IPV6_);
	p = put_ip6(p, &s->src, NA_MSG_LEN);
	int n = na_build(p, NA_MSG_LEN, s);
	return ETH_HDR_LEN + IP6_HDR_LEN + n;
}
