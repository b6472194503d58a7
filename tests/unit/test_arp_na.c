/* Gratuitous ARP and unsolicited NA builders against byte vectors.
 *
 * The expected frames were produced independently with scapy
 * (Ether()/ARP(op=1, ...), Ether()/IPv6(hlim=255)/ICMPv6ND_NA(R, O)/
 * ICMPv6NDOptDstLLAddr) and their layout matches what keepalived 2.2.7 puts
 * on the wire (captured in the lab): ARP request, sender IP = target IP = VIP,
 * target MAC ff:ff:ff:ff:ff:ff; NA to ff02::1 with hop limit 255. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "net/arp_na.h"

static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

/* 02:00:5e:10:20:30 announcing 192.0.2.10. */
static const uint8_t garp_vec[GARP_FRAME_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, /* dst, src */
	0x08, 0x06,                                                             /* ARP */
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,                         /* hrd pro hln pln op */
	0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, 0xc0, 0x00, 0x02, 0x0a,             /* sha spa */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc0, 0x00, 0x02, 0x0a,             /* tha tpa */
};

/* NA for 2001:db8::10 from fe80::1, flags R|O, in an Ethernet frame. */
static const uint8_t na_frame_vec[NA_FRAME_LEN] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30, 0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff,                 /* ver, plen 32, nh 58, hlim 255 */
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,        /* src fe80::1 */
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,        /* dst ff02::1 */
	0x88, 0x00, 0x2a, 0x14, 0xa0, 0x00, 0x00, 0x00,                 /* type code cksum R|O */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,  /* target */
	0x02, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30,                 /* TLLA option */
};

/* The ICMPv6 message alone, keepalived's way: source = VIP, O flag only. */
static const uint8_t na_msg_vec[NA_MSG_LEN] = {
	0x88, 0x00, 0x7a, 0xcd, 0x20, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	0x02, 0x01, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30,
};

static struct in6_addr in6(const char *s)
{
	struct in6_addr a;
	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct na_spec spec(const char *src, uint32_t flags)
{
	struct na_spec s = { .src = in6(src), .target = in6("2001:db8::10"), .flags = flags };
	memcpy(s.mac, mac, sizeof(mac));
	return s;
}

static void garp_matches_vector(void **state)
{
	(void)state;
	uint8_t buf[64];
	memset(buf, 0xaa, sizeof(buf));
	struct in_addr vip;
	inet_pton(AF_INET, "192.0.2.10", &vip);
	assert_int_equal(garp_build(buf, sizeof(buf), mac, vip), GARP_FRAME_LEN);
	assert_memory_equal(buf, garp_vec, GARP_FRAME_LEN);
	assert_int_equal(buf[GARP_FRAME_LEN], 0xaa); /* nothing written past the end */
}

static void garp_too_small(void **state)
{
	(void)state;
	uint8_t buf[GARP_FRAME_LEN - 1];
	struct in_addr vip = { 0 };
	assert_int_equal(garp_build(buf, sizeof(buf), mac, vip), -ENOSPC);
}

static void na_frame_matches_vector(void **state)
{
	(void)state;
	uint8_t buf[NA_FRAME_LEN];
	struct na_spec s = spec("fe80::1", NA_FLAG_ROUTER | NA_FLAG_OVERRIDE);
	assert_int_equal(na_build_frame(buf, sizeof(buf), &s), NA_FRAME_LEN);
	assert_memory_equal(buf, na_frame_vec, NA_FRAME_LEN);
}

static void na_msg_matches_keepalived_form(void **state)
{
	(void)state;
	uint8_t buf[NA_MSG_LEN];
	struct na_spec s = spec("2001:db8::10", NA_FLAG_OVERRIDE);
	assert_int_equal(na_build(buf, sizeof(buf), &s), NA_MSG_LEN);
	assert_memory_equal(buf, na_msg_vec, NA_MSG_LEN);
}

/* The checksum covers the pseudo-header: each source gives its own value,
 * and each verifies (sums to zero) only against its own source. */
static void na_checksum_covers_source(void **state)
{
	(void)state;
	uint8_t a[NA_MSG_LEN], b[NA_MSG_LEN];
	struct na_spec sa = spec("fe80::1", NA_FLAG_OVERRIDE);
	struct na_spec sb = spec("fe80::2", NA_FLAG_OVERRIDE);
	na_build(a, sizeof(a), &sa);
	na_build(b, sizeof(b), &sb);
	assert_memory_not_equal(a + 2, b + 2, 2);
	assert_int_equal(icmp6_checksum(&sa.src, &arp_na_all_nodes, a, NA_MSG_LEN), 0);
	assert_int_equal(icmp6_checksum(&sb.src, &arp_na_all_nodes, b, NA_MSG_LEN), 0);
	assert_int_not_equal(icmp6_checksum(&sb.src, &arp_na_all_nodes, a, NA_MSG_LEN), 0);
}

/* Only R, S and O exist; the 29 reserved bits must go out as zero. */
static void na_reserved_bits_zero(void **state)
{
	(void)state;
	uint8_t buf[NA_MSG_LEN];
	struct na_spec s = spec("fe80::1", 0xffffffffu);
	na_build(buf, sizeof(buf), &s);
	static const uint8_t want[4] = { 0xe0, 0, 0, 0 };
	assert_memory_equal(buf + 4, want, 4);
}

static void na_too_small(void **state)
{
	(void)state;
	uint8_t buf[NA_FRAME_LEN];
	struct na_spec s = spec("fe80::1", 0);
	assert_int_equal(na_build(buf, NA_MSG_LEN - 1, &s), -ENOSPC);
	assert_int_equal(na_build_frame(buf, NA_FRAME_LEN - 1, &s), -ENOSPC);
}

/* RFC 1071 odd-length rule: the last byte is padded with zero.  Expected
 * value computed by hand: 0x01f2 + 0x0300 + length 3 + next header 58,
 * complemented. */
static void checksum_odd_length(void **state)
{
	(void)state;
	const uint8_t msg[3] = { 0x01, 0xf2, 0x03 };
	struct in6_addr zero = { 0 };
	assert_int_equal(icmp6_checksum(&zero, &zero, msg, sizeof(msg)), 0xfad0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(garp_matches_vector),
		cmocka_unit_test(garp_too_small),
		cmocka_unit_test(na_frame_matches_vector),
		cmocka_unit_test(na_msg_matches_keepalived_form),
		cmocka_unit_test(na_checksum_covers_source),
		cmocka_unit_test(na_reserved_bits_zero),
		cmocka_unit_test(na_too_small),
		cmocka_unit_test(checksum_odd_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
