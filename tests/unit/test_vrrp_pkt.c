/* VRRP codec: reference byte vectors, round trips, every drop reason with
 * its counter, both IPv4 v3 checksum forms, IPv6 and unicast pseudo-headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vrrp/vrrp_pkt.h"

/* ---- reference vectors --------------------------------------------------- */

/* Generated with scapy 2.5 (/usr/bin/python3, scapy.layers.vrrp):
 *   IP(src="192.168.1.10", dst="224.0.0.18", ttl=255, id=1) /
 *   VRRP(vrid=51, priority=100, ipcount=2,
 *        addrlist=["192.168.1.100", "192.168.1.101"], authtype=1,
 *        auth1=b"secr", auth2=b"et\0\0", adv=1)
 * The whole IPv4 datagram, as an IPv4 raw socket delivers it. */
static const uint8_t scapy_v2_ip[] = {
	0x45, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x00, 0x00, 0xff, 0x70, 0x19, 0x9c, 0xc0, 0xa8, 0x01,
	0x0a, 0xe0, 0x00, 0x00, 0x12, 0x21, 0x33, 0x64, 0x02, 0x01, 0x01, 0xb9, 0x62, 0xc0, 0xa8,
	0x01, 0x64, 0xc0, 0xa8, 0x01, 0x65, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x00, 0x00,
};

/* From scapy: IP(src="10.0.0.1", dst="224.0.0.18", ttl=255) /
 *   VRRPv3(vrid=7, priority=150, ipcount=1, addrlist=["10.0.0.254"], adv=100)
 * (VRRP part only).  Its checksum 0x4305 uses the IPv4 pseudo-header; tshark
 * reports it "[correct]" with its default settings. */
static const uint8_t scapy_v3_v4[] = {
	0x31, 0x07, 0x96, 0x01, 0x00, 0x64, 0x43, 0x05, 0x0a, 0x00, 0x00, 0xfe,
};

/* The same advert with the RFC 9568 message-only checksum, computed by hand:
 * ~(0x3107 + 0x9601 + 0x0064 + 0x0a00 + 0x00fe) = ~0xd26a = 0x2d95. */
static const uint8_t v3_v4_msg_form[] = {
	0x31, 0x07, 0x96, 0x01, 0x00, 0x64, 0x2d, 0x95, 0x0a, 0x00, 0x00, 0xfe,
};

/* From scapy: IPv6(src="fe80::1", dst="ff02::12", hlim=255) /
 *   VRRPv3(vrid=9, priority=200, ipcount=2,
 *          addrlist=["fe80::254", "2001:db8::254"], adv=10)
 * (VRRP part only; RFC 8200 pseudo-header checksum). */
static const uint8_t scapy_v3_v6[] = {
	0x31, 0x09, 0xc8, 0x02, 0x00, 0x0a, 0xd7, 0xd8, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x54, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x54,
};

/* From scapy, unicast: IP(src="10.1.1.1", dst="10.1.1.2", ttl=64) /
 *   VRRPv3(vrid=7, priority=100, ipcount=1, addrlist=["10.1.1.254"], adv=100)
 * The pseudo-header destination is the peer, 10.1.1.2. */
static const uint8_t scapy_v3_unicast[] = {
	0x31, 0x07, 0x64, 0x01, 0x00, 0x64, 0x48, 0x13, 0x0a, 0x01, 0x01, 0xfe,
};

/* ---- helpers ------------------------------------------------------------- */

static struct halo_addr A(const char *s)
{
	struct halo_addr a;
	assert_true(addr_parse(s, &a));
	return a;
}

static struct vrrp_rx_ctx ctx4(const char *src, const char *dst)
{
	struct vrrp_rx_ctx c;
	memset(&c, 0, sizeof(c));
	c.family = AF_INET;
	c.src = A(src);
	c.dst = A(dst);
	c.ttl = 255;
	c.is_multicast = addr_is_multicast(&c.dst);
	return c;
}

static struct vrrp_rx_ctx ctx6(const char *src, const char *dst)
{
	struct vrrp_rx_ctx c = ctx4("0.0.0.0", "0.0.0.0");
	c.family = AF_INET6;
	c.src = A(src);
	c.dst = A(dst);
	c.is_multicast = addr_is_multicast(&c.dst);
	return c;
}

static void fix_csum(uint8_t *b, size_t len, const struct vrrp_rx_ctx *c, enum vrrp_csum_form f)
{
	uint16_t v = vrrp_pkt_checksum(b, len, c->family, &c->src, &c->dst, f);
	b[6] = (uint8_t)(v >> 8);
	b[7] = (uint8_t)v;
}

static void assert_addr(const struct halo_addr *a, const char *s)
{
	char buf[HALO_ADDRSTRLEN];
	assert_string_equal(addr_format(a, buf, sizeof(buf)), s);
}

/* ---- reference vectors decode -------------------------------------------- */

static void test_scapy_v2_via_ip4_strip(void **state)
{
	(void)state;
	struct vrrp_ip4_info ip;
	assert_int_equal(vrrp_ip4_strip(scapy_v2_ip, sizeof(scapy_v2_ip), &ip), VRRP_DROP_NONE);
	assert_int_equal(ip.hdr_len, 20);
	assert_int_equal(ip.payload_len, 24);
	assert_int_equal(ip.ttl, 255);
	assert_addr(&ip.src, "192.168.1.10");
	assert_addr(&ip.dst, "224.0.0.18");

	struct vrrp_v2_expect ex = { .auth_type = VRRP_AUTH_PASS, .adver_int = 1 };
	memcpy(ex.auth_data, "secret", 6);
	struct vrrp_rx_ctx c = ctx4("192.168.1.10", "224.0.0.18");
	c.ttl = ip.ttl;
	c.vrid = 51;
	c.v2 = &ex;
	struct vrrp_adv adv;
	assert_int_equal(vrrp_pkt_decode(ip.payload, ip.payload_len, &c, &adv), VRRP_DROP_NONE);
	assert_int_equal(adv.version, 2);
	assert_int_equal(adv.type, 1);
	assert_int_equal(adv.vrid, 51);
	assert_int_equal(adv.priority, 100);
	assert_int_equal(adv.count, 2);
	assert_int_equal(adv.auth_type, VRRP_AUTH_PASS);
	assert_int_equal(adv.adver_int, 1);
	assert_int_equal(adv.checksum, 0xb962);
	assert_int_equal(adv.csum_form, VRRP_CSUM_MSG);
	assert_int_equal(vrrp_adv_interval_us(&adv), 1000000);
	assert_addr(&adv.addrs[0], "192.168.1.100");
	assert_addr(&adv.addrs[1], "192.168.1.101");
	assert_memory_equal(adv.auth_data, "secret\0\0", 8);
}

static void test_scapy_v3_ipv4_pseudo_form(void **state)
{
	(void)state;
	struct vrrp_rx_ctx c = ctx4("10.0.0.1", "224.0.0.18");
	struct vrrp_adv adv;
	assert_int_equal(vrrp_pkt_decode(scapy_v3_v4, sizeof(scapy_v3_v4), &c, &adv),
			 VRRP_DROP_NONE);
	assert_int_equal(adv.version, 3);
	assert_int_equal(adv.vrid, 7);
	assert_int_equal(adv.priority, 150);
	assert_int_equal(adv.max_adver_int, 100);
	assert_int_equal(vrrp_adv_interval_us(&adv), 1000000);
	assert_int_equal(adv.csum_form, VRRP_CSUM_PSEUDO);
	assert_addr(&adv.addrs[0], "10.0.0.254");
	/* A receiver restricted to the RFC 9568 form refuses it. */
	c.v3_ipv4_csum = VRRP_CSUM_ACCEPT_MSG;
	assert_int_equal(vrrp_pkt_decode(scapy_v3_v4, sizeof(scapy_v3_v4), &c, &adv),
			 VRRP_DROP_CHECKSUM);
}

static void test_v3_ipv4_msg_form(void **state)
{
	(void)state;
	struct vrrp_rx_ctx c = ctx4("10.0.0.1", "224.0.0.18");
	struct vrrp_adv adv;
	assert_int_equal(vrrp_pkt_decode(v3_v4_msg_form, sizeof(v3_v4_msg_form), &c, &adv),
			 VRRP_DROP_NONE);
	assert_int_equal(adv.csum_form, VRRP_CSUM_MSG);
	c.v3_ipv4_csum = VRRP_CSUM_ACCEPT_PSEUDO;
	assert_int_equal(vrrp_pkt_decode(v3_v4_msg_form, sizeof(v3_v4_msg_form), &c, &adv),
			 VRRP_DROP_CHECKSUM);

	/* Counting reports which form each accepted advert used. */
	struct vrrp_rx_counters cnt;
	memset(&cnt, 0, sizeof(cnt));
	c.v3_ipv4_csum = VRRP_CSUM_ACCEPT_EITHER;
	vrrp_pkt_decode_count(v3_v4_msg_form, sizeof(v3_v4_msg_form), &c, &adv, &cnt);
	vrrp_pkt_decode_count(scapy_v3_v4, sizeof(scapy_v3_v4), &c, &adv, &cnt);
	vrrp_pkt_decode_count(scapy_v3_v4, sizeof(scapy_v3_v4), &c, &adv, &cnt);
	assert_int_equal(cnt.accepted, 3);
	assert_int_equal(cnt.csum_msg, 1);
	assert_int_equal(cnt.csum_pseudo, 2);
}

static void test_scapy_v3_ipv6(void **state)
{
	(void)state;
	struct vrrp_rx_ctx c = ctx6("fe80::1", "ff02::12");
	struct vrrp_adv adv;
	assert_int_equal(vrrp_pkt_decode(scapy_v3_v6, sizeof(scapy_v3_v6), &c, &adv),
			 VRRP_DROP_NONE);
	assert_int_equal(adv.family, AF_INET6);
	assert_int_equal(adv.vrid, 9);
	assert_int_equal(adv.priority, 200);
	assert_int_equal(adv.count, 2);
	assert_int_equal(adv.max_adver_int, 10);
	assert_int_equal(adv.csum_form, VRRP_CSUM_PSEUDO);
	assert_addr(&adv.addrs[0], "fe80::254");
	assert_addr(&adv.addrs[1], "2001:db8::254");
	/* The pseudo-header binds the checksum to the addresses. */
	c.src = A("fe80::2");
	assert_int_equal(vrrp_pkt_decode(scapy_v3_v6, sizeof(scapy_v3_v6), &c, &adv),
			 VRRP_DROP_CHECKSUM);
	c = ctx6("fe80::1", "fe80::99");
	assert_int_equal(vrrp_pkt_decode(scapy_v3_v6, sizeof(scapy_v3_v6), &c, &adv),
			 VRRP_DROP_CHECKSUM);
}

static void test_unicast_pseudo_header_destination(void **state)
{
	(void)state;
	struct vrrp_rx_ctx c = ctx4("10.1.1.1", "10.1.1.2");
	struct vrrp_adv adv;
	c.ttl = 64; /* unicast: no TTL 255 rule */
	assert_false(c.is_multicast);
	assert_int_equal(vrrp_pkt_decode(scapy_v3_unicast, sizeof(scapy_v3_unicast), &c, &adv),
			 VRRP_DROP_NONE);
	assert_int_equal(adv.csum_form, VRRP_CSUM_PSEUDO);
	/* Computed against the group instead of the peer, it would not match. */
	c.dst = A("224.0.0.18");
	c.is_multicast = false;
	assert_int_equal(vrrp_pkt_decode(scapy_v3_unicast, sizeof(scapy_v3_unicast), &c, &adv),
			 VRRP_DROP_CHECKSUM);

	/* Encoding towards the peer reproduces scapy's bytes. */
	memset(&adv, 0, sizeof(adv));
	adv.version = 3;
	adv.vrid = 7;
	adv.priority = 100;
	adv.count = 1;
	adv.max_adver_int = 100;
	adv.addrs[0] = A("10.1.1.254");
	struct vrrp_tx_opts o = { .family = AF_INET, .src = A("10.1.1.1"), .dst = A("10.1.1.2") };
	uint8_t buf[64];
	assert_int_equal(vrrp_pkt_encode(&adv, &o, buf, sizeof(buf)), sizeof(scapy_v3_unicast));
	assert_memory_equal(buf, scapy_v3_unicast, sizeof(scapy_v3_unicast));
}

/* ---- encode -------------------------------------------------------------- */

static void test_encode_matches_references(void **state)
{
	(void)state;
	uint8_t buf[VRRP_PKT_MAX];
	struct vrrp_adv adv;

	memset(&adv, 0, sizeof(adv));
	adv.version = 2;
	adv.vrid = 51;
	adv.priority = 100;
	adv.count = 2;
	adv.auth_type = VRRP_AUTH_PASS;
	adv.adver_int = 1;
	adv.addrs[0] = A("192.168.1.100");
	adv.addrs[1] = A("192.168.1.101");
	memcpy(adv.auth_data, "secret", 6);
	struct vrrp_tx_opts o = { .family = AF_INET, .src = A("192.168.1.10"),
				  .dst = A("224.0.0.18") };
	assert_int_equal(vrrp_pkt_encode(&adv, &o, buf, sizeof(buf)), 24);
	assert_memory_equal(buf, scapy_v2_ip + 20, 24);

	memset(&adv, 0, sizeof(adv));
	adv.version = 3;
	adv.vrid = 7;
	adv.priority = 150;
	adv.count = 1;
	adv.max_adver_int = 100;
	adv.addrs[0] = A("10.0.0.254");
	o = (struct vrrp_tx_opts){ .family = AF_INET, .src = A("10.0.0.1"),
				   .dst = A("224.0.0.18") };
	assert_int_equal(vrrp_pkt_encode(&adv, &o, buf, sizeof(buf)), 12);
	assert_memory_equal(buf, scapy_v3_v4, 12); /* default: keepalived's form */
	o.v3_csum_msg = true;
	assert_int_equal(vrrp_pkt_encode(&adv, &o, buf, sizeof(buf)), 12);
	assert_memory_equal(buf, v3_v4_msg_form, 12);

	memset(&adv, 0, sizeof(adv));
	adv.version = 3;
	adv.vrid = 9;
	adv.priority = 200;
	adv.count = 2;
	adv.max_adver_int = 10;
	adv.addrs[0] = A("fe80::254");
	adv.addrs[1] = A("2001:db8::254");
	o = (struct vrrp_tx_opts){ .family = AF_INET6, .src = A("fe80::1"),
				   .dst = A("ff02::12") };
	assert_int_equal(vrrp_pkt_encode(&adv, &o, buf, sizeof(buf)), sizeof(scapy_v3_v6));
	assert_memory_equal(buf, scapy_v3_v6, sizeof(scapy_v3_v6));
}

static void test_round_trip(void **state)
{
	(void)state;
	static struct vrrp_adv in, out; /* 5 KB each: keep them off the stack */
	uint8_t buf[VRRP_PKT_MAX];
	unsigned i;

	/* v3 over IPv4 with the largest count. */
	memset(&in, 0, sizeof(in));
	in.version = 3;
	in.vrid = 255;
	in.priority = 254;
	in.count = 255;
	in.max_adver_int = 4095;
	for (i = 0; i < 255; i++) {
		in.addrs[i].family = AF_INET;
		in.addrs[i].v4.s_addr = htonl(0x0a000000u + i);
	}
	struct vrrp_tx_opts o = { .family = AF_INET, .src = A("10.9.9.9"), .dst = A("224.0.0.18") };
	ssize_t n = vrrp_pkt_encode(&in, &o, buf, sizeof(buf));
	assert_int_equal(n, 8 + 255 * 4);
	struct vrrp_rx_ctx c = ctx4("10.9.9.9", "224.0.0.18");
	assert_int_equal(vrrp_pkt_decode(buf, (size_t)n, &c, &out), VRRP_DROP_NONE);
	assert_int_equal(out.count, 255);
	assert_int_equal(out.max_adver_int, 4095);
	assert_int_equal(out.priority, 254);
	for (i = 0; i < 255; i++)
		assert_true(addr_equal(&in.addrs[i], &out.addrs[i]));
	assert_int_equal(vrrp_adv_check_addrs(&out, in.addrs, 255), VRRP_DROP_NONE);

	/* Priority 0 (resignation) survives too, and the checksum field read
	 * back is the one written. */
	in.priority = 0;
	in.count = 1;
	n = vrrp_pkt_encode(&in, &o, buf, sizeof(buf));
	assert_int_equal(vrrp_pkt_decode(buf, (size_t)n, &c, &out), VRRP_DROP_NONE);
	assert_int_equal(out.priority, 0);
	assert_int_equal(out.checksum, buf[6] << 8 | buf[7]);

	/* keepalived's v2 over IPv6: no auth data, pseudo-header checksum. */
	memset(&in, 0, sizeof(in));
	in.version = 2;
	in.vrid = 3;
	in.priority = 90;
	in.count = 1;
	in.adver_int = 2;
	in.addrs[0] = A("fe80::3");
	o = (struct vrrp_tx_opts){ .family = AF_INET6, .src = A("fe80::1"), .dst = A("ff02::12") };
	n = vrrp_pkt_encode(&in, &o, buf, sizeof(buf));
	assert_int_equal(n, 8 + 16);
	c = ctx6("fe80::1", "ff02::12");
	assert_int_equal(vrrp_pkt_decode(buf, (size_t)n, &c, &out), VRRP_DROP_NONE);
	assert_int_equal(out.version, 2);
	assert_int_equal(out.adver_int, 2);
	assert_int_equal(out.csum_form, VRRP_CSUM_PSEUDO);
	assert_addr(&out.addrs[0], "fe80::3");
}

static void test_encode_invalid(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct vrrp_adv adv;
	struct vrrp_tx_opts o = { .family = AF_INET, .src = A("10.0.0.1"), .dst = A("224.0.0.18") };

	memset(&adv, 0, sizeof(adv));
	adv.version = 2;
	adv.vrid = 1;
	adv.priority = 100;
	adv.count = 1;
	adv.adver_int = 1;
	adv.addrs[0] = A("10.0.0.9");
	/* 8 + 4 + 8 = 20 bytes: an exact buffer works, one byte less does not. */
	assert_int_equal(vrrp_pkt_encode(&adv, &o, buf, 20), 20);
	assert_int_equal(vrrp_pkt_encode(&adv, &o, buf, 19), -1);
	assert_int_equal(vrrp_pkt_encode(&adv, &o, NULL, 64), -1);

	struct vrrp_adv bad = adv;
	bad.version = 4;
	assert_int_equal(vrrp_pkt_encode(&bad, &o, buf, sizeof(buf)), -1);
	bad = adv;
	bad.vrid = 0;
	assert_int_equal(vrrp_pkt_encode(&bad, &o, buf, sizeof(buf)), -1);
	bad = adv;
	bad.adver_int = 0;
	assert_int_equal(vrrp_pkt_encode(&bad, &o, buf, sizeof(buf)), -1);
	bad = adv;
	bad.version = 3;
	bad.max_adver_int = 0;
	assert_int_equal(vrrp_pkt_encode(&bad, &o, buf, sizeof(buf)), -1);
	bad.max_adver_int = 4096;
	assert_int_equal(vrrp_pkt_encode(&bad, &o, buf, sizeof(buf)), -1);
	bad = adv;
	bad.addrs[0] = A("2001:db8::1"); /* family differs from the socket's */
	assert_int_equal(vrrp_pkt_encode(&bad, &o, buf, sizeof(buf)), -1);
	bad = adv;
	bad.version = 3;
	bad.max_adver_int = 100;
	bad.count = 0;
	struct vrrp_tx_opts o6 = { .family = AF_INET6, .src = A("fe80::1"), .dst = A("ff02::12") };
	assert_int_equal(vrrp_pkt_encode(&bad, &o6, buf, sizeof(buf)), -1);
	/* IPv4 with no address is legal (keepalived allows 0 VIPs). */
	assert_int_equal(vrrp_pkt_encode(&bad, &o, buf, sizeof(buf)), 8);
}

/* ---- every drop reason, with its counter ---------------------------------- */

/* A valid v2 advert (VRID 51, priority 100, 2 addresses, PASS "secret",
 * 1 s) from 192.168.1.10 to the group, to mutate. */
struct v2case {
	uint8_t b[64];
	size_t len;
	struct vrrp_rx_ctx c;
	struct vrrp_v2_expect ex;
};

static void v2case_init(struct v2case *k)
{
	memcpy(k->b, scapy_v2_ip + 20, 24);
	k->len = 24;
	k->c = ctx4("192.168.1.10", "224.0.0.18");
	memset(&k->ex, 0, sizeof(k->ex));
	k->ex.auth_type = VRRP_AUTH_PASS;
	k->ex.adver_int = 1;
	memcpy(k->ex.auth_data, "secret", 6);
	k->c.v2 = &k->ex;
	k->c.vrid = 51;
}

/* Decode once with fresh counters; assert the reason and that exactly its
 * counter (and nothing else) moved. */
static void expect_drop(const uint8_t *b, size_t len, const struct vrrp_rx_ctx *c,
			enum vrrp_drop want)
{
	static struct vrrp_adv adv;
	struct vrrp_rx_counters cnt;
	unsigned i;

	memset(&cnt, 0, sizeof(cnt));
	assert_int_equal(vrrp_pkt_decode_count(b, len, c, &adv, &cnt), want);
	for (i = 0; i < VRRP_DROP__COUNT; i++)
		assert_int_equal(cnt.drops[i], i == (unsigned)want && want != VRRP_DROP_NONE);
	assert_int_equal(cnt.accepted, want == VRRP_DROP_NONE);
}

static void test_drop_ttl(void **state)
{
	(void)state;
	struct v2case k;
	v2case_init(&k);
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_NONE);
	k.c.ttl = 64;
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_TTL);
	/* Unicast: any TTL, unless a min/max range is configured. */
	k.c.is_multicast = false;
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_NONE);
	k.c.check_ttl_range = true;
	k.c.min_ttl = 250;
	k.c.max_ttl = 255;
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_TTL);
	k.c.ttl = 250;
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_NONE);
}

static void test_drop_too_short_version_type(void **state)
{
	(void)state;
	struct v2case k;
	v2case_init(&k);
	expect_drop(k.b, 7, &k.c, VRRP_DROP_TOO_SHORT);
	expect_drop(k.b, 0, &k.c, VRRP_DROP_TOO_SHORT);

	k.b[0] = 0x11; /* version 1 */
	fix_csum(k.b, k.len, &k.c, VRRP_CSUM_MSG);
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_VERSION);

	v2case_init(&k);
	k.c.versions = VRRP_VER3_BIT; /* v2 not configured here */
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_VERSION);

	v2case_init(&k);
	k.b[0] = 0x22; /* type 2 */
	fix_csum(k.b, k.len, &k.c, VRRP_CSUM_MSG);
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_TYPE);
}

static void test_drop_length(void **state)
{
	(void)state;
	struct v2case k;

	/* Count 3 but two addresses: too short for the count. */
	v2case_init(&k);
	k.b[3] = 3;
	fix_csum(k.b, k.len, &k.c, VRRP_CSUM_MSG);
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_LENGTH);

	/* Trailing bytes beyond count + auth data. */
	v2case_init(&k);
	memset(k.b + 24, 0, 4);
	k.len = 28;
	fix_csum(k.b, k.len, &k.c, VRRP_CSUM_MSG);
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_LENGTH);

	/* v2 over IPv4 without its 8 bytes of auth data (keepalived drops it). */
	v2case_init(&k);
	k.len = 16;
	k.ex.auth_type = VRRP_AUTH_NONE;
	k.b[4] = 0;
	fix_csum(k.b, k.len, &k.c, VRRP_CSUM_MSG);
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_LENGTH);

	/* v3: a trailing byte. */
	uint8_t b[16];
	memcpy(b, scapy_v3_v4, 12);
	b[12] = 0;
	struct vrrp_rx_ctx c = ctx4("10.0.0.1", "224.0.0.18");
	expect_drop(b, 13, &c, VRRP_DROP_LENGTH);
}

static void test_drop_count_zero_ipv6(void **state)
{
	(void)state;
	uint8_t b[8];
	struct vrrp_rx_ctx c = ctx6("fe80::1", "ff02::12");
	memcpy(b, scapy_v3_v6, 8);
	b[3] = 0;
	fix_csum(b, 8, &c, VRRP_CSUM_PSEUDO);
	expect_drop(b, 8, &c, VRRP_DROP_COUNT_ZERO);
	/* IPv4 with count 0 is structurally fine. */
	struct vrrp_rx_ctx c4 = ctx4("10.0.0.1", "224.0.0.18");
	memcpy(b, scapy_v3_v4, 8);
	b[3] = 0;
	fix_csum(b, 8, &c4, VRRP_CSUM_PSEUDO);
	expect_drop(b, 8, &c4, VRRP_DROP_NONE);
}

static void test_drop_checksum(void **state)
{
	(void)state;
	struct v2case k;
	v2case_init(&k);
	k.b[9] ^= 0x01; /* corrupt an address */
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_CHECKSUM);
	/* v2 never uses a pseudo-header. */
	v2case_init(&k);
	fix_csum(k.b, k.len, &k.c, VRRP_CSUM_PSEUDO);
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_CHECKSUM);
}

static void test_drop_interval_zero(void **state)
{
	(void)state;
	uint8_t b[12];
	struct vrrp_rx_ctx c = ctx4("10.0.0.1", "224.0.0.18");
	memcpy(b, scapy_v3_v4, 12);
	b[4] = 0xf0; /* reserved bits set: ignored, interval 0 */
	b[5] = 0;
	fix_csum(b, 12, &c, VRRP_CSUM_PSEUDO);
	expect_drop(b, 12, &c, VRRP_DROP_INTERVAL_ZERO);
	b[5] = 1;
	fix_csum(b, 12, &c, VRRP_CSUM_PSEUDO);
	expect_drop(b, 12, &c, VRRP_DROP_NONE);

	struct v2case k;
	v2case_init(&k);
	k.c.v2 = NULL;
	k.b[5] = 0;
	fix_csum(k.b, k.len, &k.c, VRRP_CSUM_MSG);
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_INTERVAL_ZERO);
}

static void test_drop_vrid_and_v2_checks(void **state)
{
	(void)state;
	struct v2case k;

	v2case_init(&k);
	k.c.vrid = 52;
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_VRID);

	v2case_init(&k);
	k.ex.auth_type = VRRP_AUTH_NONE;
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_AUTH_TYPE);

	v2case_init(&k);
	memcpy(k.ex.auth_data, "secreT\0\0", 8);
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_AUTH_PASS);

	v2case_init(&k);
	k.ex.adver_int = 3;
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_INTERVAL);

	/* Without instance expectations only the structure is checked. */
	v2case_init(&k);
	k.ex.adver_int = 3;
	k.c.v2 = NULL;
	k.c.vrid = 0;
	expect_drop(k.b, k.len, &k.c, VRRP_DROP_NONE);

	/* v3 ignores v2 expectations (no auth, interval learnt). */
	struct vrrp_rx_ctx c = ctx4("10.0.0.1", "224.0.0.18");
	c.v2 = &k.ex;
	expect_drop(scapy_v3_v4, sizeof(scapy_v3_v4), &c, VRRP_DROP_NONE);
}

static void test_addr_list_check(void **state)
{
	(void)state;
	struct vrrp_ip4_info ip;
	struct vrrp_rx_ctx c = ctx4("192.168.1.10", "224.0.0.18");
	static struct vrrp_adv adv;
	assert_int_equal(vrrp_ip4_strip(scapy_v2_ip, sizeof(scapy_v2_ip), &ip), VRRP_DROP_NONE);
	assert_int_equal(vrrp_pkt_decode(ip.payload, ip.payload_len, &c, &adv), VRRP_DROP_NONE);

	struct halo_addr same[2] = { A("192.168.1.101"), A("192.168.1.100") }; /* order free */
	struct halo_addr other[2] = { A("192.168.1.100"), A("192.168.1.102") };
	struct halo_addr fewer[1] = { A("192.168.1.100") };
	assert_int_equal(vrrp_adv_check_addrs(&adv, same, 2), VRRP_DROP_NONE);
	assert_int_equal(vrrp_adv_check_addrs(&adv, other, 2), VRRP_DROP_ADDR_LIST);
	assert_int_equal(vrrp_adv_check_addrs(&adv, fewer, 1), VRRP_DROP_ADDR_LIST);
	assert_true(vrrp_drop_is_log_only(VRRP_DROP_ADDR_LIST));
	assert_false(vrrp_drop_is_log_only(VRRP_DROP_CHECKSUM));

	struct vrrp_rx_counters cnt;
	memset(&cnt, 0, sizeof(cnt));
	vrrp_rx_count_drop(&cnt, vrrp_adv_check_addrs(&adv, other, 2));
	vrrp_rx_count_drop(&cnt, VRRP_DROP_NONE); /* not a drop: no counter */
	vrrp_rx_count_drop(&cnt, VRRP_DROP_OWN);
	vrrp_rx_count_drop(&cnt, (enum vrrp_drop)999); /* out of range: ignored */
	assert_int_equal(cnt.drops[VRRP_DROP_ADDR_LIST], 1);
	assert_int_equal(cnt.drops[VRRP_DROP_OWN], 1);
	assert_int_equal(cnt.drops[VRRP_DROP_NONE], 0);
}

static void test_ip4_strip(void **state)
{
	(void)state;
	uint8_t b[64];
	struct vrrp_ip4_info ip;

	memcpy(b, scapy_v2_ip, sizeof(scapy_v2_ip));
	b[0] = 0x65; /* version 6 */
	assert_int_equal(vrrp_ip4_strip(b, sizeof(scapy_v2_ip), &ip), VRRP_DROP_IP_HEADER);
	b[0] = 0x44; /* IHL 4 */
	assert_int_equal(vrrp_ip4_strip(b, sizeof(scapy_v2_ip), &ip), VRRP_DROP_IP_HEADER);
	b[0] = 0x4f; /* IHL 15 = 60 bytes > 44 received */
	assert_int_equal(vrrp_ip4_strip(b, sizeof(scapy_v2_ip), &ip), VRRP_DROP_IP_HEADER);
	assert_int_equal(vrrp_ip4_strip(b, 19, &ip), VRRP_DROP_IP_HEADER);

	memcpy(b, scapy_v2_ip, sizeof(scapy_v2_ip));
	assert_int_equal(vrrp_ip4_strip(b, sizeof(scapy_v2_ip) - 1, &ip), VRRP_DROP_IP_LENGTH);
	b[3] = 0x2b; /* total length 43, 44 received */
	assert_int_equal(vrrp_ip4_strip(b, sizeof(scapy_v2_ip), &ip), VRRP_DROP_IP_LENGTH);

	memcpy(b, scapy_v2_ip, sizeof(scapy_v2_ip));
	b[9] = 51; /* AH */
	assert_int_equal(vrrp_ip4_strip(b, sizeof(scapy_v2_ip), &ip), VRRP_DROP_IP_PROTO);

	/* A header with 4 bytes of options: the payload starts at 24. */
	memcpy(b, scapy_v2_ip, 20);
	b[0] = 0x46;
	b[3] = 48;
	b[8] = 1; /* TTL, reported as is */
	memset(b + 20, 0x01, 4);
	memcpy(b + 24, scapy_v2_ip + 20, 24);
	assert_int_equal(vrrp_ip4_strip(b, 48, &ip), VRRP_DROP_NONE);
	assert_int_equal(ip.hdr_len, 24);
	assert_int_equal(ip.ttl, 1);
	assert_ptr_equal(ip.payload, b + 24);
	assert_int_equal(ip.payload_len, 24);
}

static void test_reason_names(void **state)
{
	(void)state;
	unsigned i, j;
	for (i = 1; i < VRRP_DROP__COUNT; i++) {
		assert_string_not_equal(vrrp_drop_reason_str((enum vrrp_drop)i), "unknown");
		assert_string_not_equal(vrrp_drop_reason_desc((enum vrrp_drop)i), "unknown");
		for (j = 1; j < i; j++)
			assert_string_not_equal(vrrp_drop_reason_str((enum vrrp_drop)i),
						vrrp_drop_reason_str((enum vrrp_drop)j));
	}
	assert_string_equal(vrrp_drop_reason_str(VRRP_DROP_TTL), "ttl");
	assert_string_equal(vrrp_drop_reason_str(VRRP_DROP__COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scapy_v2_via_ip4_strip),
		cmocka_unit_test(test_scapy_v3_ipv4_pseudo_form),
		cmocka_unit_test(test_v3_ipv4_msg_form),
		cmocka_unit_test(test_scapy_v3_ipv6),
		cmocka_unit_test(test_unicast_pseudo_header_destination),
		cmocka_unit_test(test_encode_matches_references),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_invalid),
		cmocka_unit_test(test_drop_ttl),
		cmocka_unit_test(test_drop_too_short_version_type),
		cmocka_unit_test(test_drop_length),
		cmocka_unit_test(test_drop_count_zero_ipv6),
		cmocka_unit_test(test_drop_checksum),
		cmocka_unit_test(test_drop_interval_zero),
		cmocka_unit_test(test_drop_vrid_and_v2_checks),
		cmocka_unit_test(test_addr_list_check),
		cmocka_unit_test(test_ip4_strip),
		cmocka_unit_test(test_reason_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
