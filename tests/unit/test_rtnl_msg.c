/* rtnetlink message encoding/decoding (src/net/rtnl_msg.c), no socket:
 * requests are checked attribute by attribute, and kernel-style replies
 * (built here the way the kernel lays them out) are decoded. */
#include <errno.h>
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "net/rtnl_msg.h"
#include "net/rtnl_vmac.h"

#ifndef IF_OPER_UP
#define IF_OPER_UP 6
#endif

static alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];

static struct halo_addr ip(const char *s)
{
	struct halo_addr a;
	assert_true(addr_parse(s, &a));
	return a;
}

static struct rtnl_addr v4_vip(void)
{
	struct rtnl_addr a;
	memset(&a, 0, sizeof(a));
	a.ifindex = 3;
	assert_true(prefix_parse("192.0.2.10/24", &a.prefix));
	a.broadcast = ip("192.0.2.255");
	a.scope = RT_SCOPE_LINK;
	a.flags = IFA_F_NOPREFIXROUTE;
	strcpy(a.label, "eth0:vip");
	return a;
}

static struct rtnl_addr v6_vip(void)
{
	struct rtnl_addr a;
	memset(&a, 0, sizeof(a));
	a.ifindex = 4;
	assert_true(prefix_parse("2001:db8::10/128", &a.prefix));
	a.flags = IFA_F_NODAD;
	a.lft_set = true;
	a.preferred_lft = 0;
	a.valid_lft = RTNL_LFT_FOREVER;
	return a;
}

/* Collects a message's attributes by type. */
static const struct nlattr *tb[64];

static int collect(const struct nlattr *at, void *data)
{
	(void)data;
	if (mnl_attr_get_type(at) < 64)
		tb[mnl_attr_get_type(at)] = at;
	return MNL_CB_OK;
}

static void attrs_of(const struct nlmsghdr *nlh, size_t hdrlen)
{
	memset(tb, 0, sizeof(tb));
	assert_int_equal(mnl_attr_parse(nlh, (unsigned)hdrlen, collect, NULL), MNL_CB_OK);
}

static void add_v4_attributes(void **state)
{
	(void)state;
	struct rtnl_addr a = v4_vip();
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR,
				       NLM_F_CREATE | NLM_F_EXCL, &a, &nlh), 0);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWADDR);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET);
	assert_int_equal(ifa->ifa_prefixlen, 24);
	assert_int_equal(ifa->ifa_scope, RT_SCOPE_LINK);
	assert_int_equal(ifa->ifa_index, 3);
	attrs_of(nlh, sizeof(*ifa));
	assert_non_null(tb[IFA_LOCAL]);
	assert_memory_equal(mnl_attr_get_payload(tb[IFA_LOCAL]), &a.prefix.addr.v4, 4);
	assert_memory_equal(mnl_attr_get_payload(tb[IFA_ADDRESS]), &a.prefix.addr.v4, 4);
	assert_memory_equal(mnl_attr_get_payload(tb[IFA_BROADCAST]), &a.broadcast.v4, 4);
	assert_string_equal(mnl_attr_get_str(tb[IFA_LABEL]), "eth0:vip");
	/* NOPREFIXROUTE (0x200) does not fit ifa_flags: only IFA_FLAGS has it. */
	assert_int_equal(mnl_attr_get_u32(tb[IFA_FLAGS]), IFA_F_NOPREFIXROUTE);
	assert_int_equal(ifa->ifa_flags, 0);
	assert_null(tb[IFA_CACHEINFO]); /* lifetimes not asked for */
}

static void add_v6_nodad_deprecated(void **state)
{
	(void)state;
	struct rtnl_addr a = v6_vip();
	a.flags |= IFA_F_PERMANENT; /* kernel-owned state: must not be sent */
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR, 0, &a, &nlh), 0);
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_family, AF_INET6);
	assert_int_equal(ifa->ifa_prefixlen, 128);
	assert_int_equal(ifa->ifa_flags, IFA_F_NODAD);
	attrs_of(nlh, sizeof(*ifa));
	assert_int_equal(mnl_attr_get_u32(tb[IFA_FLAGS]), IFA_F_NODAD);
	assert_memory_equal(mnl_attr_get_payload(tb[IFA_LOCAL]), &a.prefix.addr.v6, 16);
	const struct ifa_cacheinfo *ci = mnl_attr_get_payload(tb[IFA_CACHEINFO]);
	assert_int_equal(ci->ifa_prefered, 0);
	assert_int_equal(ci->ifa_valid, RTNL_LFT_FOREVER);
	assert_null(tb[IFA_LABEL]);
	assert_null(tb[IFA_BROADCAST]);
}

/* Delete matches on address, length and label only: no flags, no lifetimes. */
static void delete_has_no_add_only_attributes(void **state)
{
	(void)state;
	struct rtnl_addr a = v6_vip();
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_DELADDR, 0, &a, &nlh), 0);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifa->ifa_flags, 0);
	attrs_of(nlh, sizeof(*ifa));
	assert_null(tb[IFA_FLAGS]);
	assert_null(tb[IFA_CACHEINFO]);
	assert_non_null(tb[IFA_LOCAL]);
}

/* NLM_F_CREATE | NLM_F_EXCL shares bits with NLM_F_DUMP: an add must still
 * be treated as a request that wants an ACK, or it would wait forever. */
static void add_is_not_a_dump(void **state)
{
	(void)state;
	struct rtnl_addr a = v4_vip();
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR,
				       NLM_F_CREATE | NLM_F_EXCL | NLM_F_REPLACE, &a, &nlh), 0);
	assert_false(rtnl_msg_is_dump(nlh));
	assert_true(rtnl_msg_is_dump(rtnl_msg_dump(buf, RTM_GETADDR, AF_UNSPEC)));
	assert_true(rtnl_msg_is_dump(rtnl_msg_dump(buf, RTM_GETLINK, AF_UNSPEC)));
	assert_false(rtnl_msg_is_dump(rtnl_msg_getlink(buf, 1, NULL)));
}

static void add_rejects_bad_requests(void **state)
{
	(void)state;
	struct nlmsghdr *nlh;
	struct rtnl_addr a = v6_vip();
	strcpy(a.label, "eth0:1"); /* labels are IPv4 only */
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR, 0, &a, &nlh), -EINVAL);
	a = v4_vip();
	a.prefix.addr.family = AF_UNSPEC;
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR, 0, &a, &nlh), -EAFNOSUPPORT);
	a = v4_vip();
	a.prefix.len = 33;
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR, 0, &a, &nlh), -EINVAL);
	a = v4_vip();
	a.ifindex = 0;
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR, 0, &a, &nlh), -EINVAL);
	a = v6_vip();
	a.broadcast = ip("2001:db8::ff"); /* IPv6 has no broadcast */
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR, 0, &a, &nlh), -EINVAL);
	a = v4_vip();
	a.peer = ip("2001:db8::1");
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR, 0, &a, &nlh), -EINVAL);
	a = v4_vip();
	assert_int_equal(rtnl_msg_addr(buf, 40, RTM_NEWADDR, 0, &a, &nlh), -ENOSPC);
	assert_int_equal(rtnl_msg_addr(buf, 8, RTM_NEWADDR, 0, &a, &nlh), -ENOSPC);
}

/* What we encode, we decode to the same struct (peer included). */
static void addr_round_trip(void **state)
{
	(void)state;
	struct rtnl_addr a = v4_vip(), b;
	a.peer = ip("192.0.2.1");
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_addr(buf, sizeof(buf), RTM_NEWADDR, 0, &a, &nlh), 0);
	assert_int_equal(rtnl_msg_parse_addr(nlh, &b), 0);
	assert_int_equal(b.ifindex, 3);
	assert_true(addr_equal(&b.prefix.addr, &a.prefix.addr));
	assert_int_equal(b.prefix.len, 24);
	assert_true(addr_equal(&b.peer, &a.peer));
	assert_true(addr_equal(&b.broadcast, &a.broadcast));
	assert_int_equal(b.scope, RT_SCOPE_LINK);
	assert_int_equal(b.flags, IFA_F_NOPREFIXROUTE);
	assert_string_equal(b.label, "eth0:vip");
	assert_false(b.lft_set);
}

/* The kernel describes most IPv6 addresses with IFA_ADDRESS alone, and
 * puts the full flag word in IFA_FLAGS. */
static struct nlmsghdr *kernel_v6_addr(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	*ifa = (struct ifaddrmsg){ AF_INET6, 64, IFA_F_PERMANENT, RT_SCOPE_UNIVERSE, 7 };
	struct in6_addr a;
	inet_pton(AF_INET6, "fd00::5", &a);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a), &a);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
	struct ifa_cacheinfo ci = { 100, 200, 0, 0 };
	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	return nlh;
}

static void parse_kernel_v6_addr(void **state)
{
	(void)state;
	struct rtnl_addr a;
	assert_int_equal(rtnl_msg_parse_addr(kernel_v6_addr(), &a), 0);
	char s[HALO_ADDRSTRLEN];
	assert_string_equal(prefix_format(&a.prefix, s, sizeof(s)), "fd00::5/64");
	assert_int_equal(a.peer.family, AF_UNSPEC);
	assert_int_equal(a.ifindex, 7);
	assert_int_equal(a.flags, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
	assert_true(a.lft_set);
	assert_int_equal(a.preferred_lft, 100);
	assert_int_equal(a.valid_lft, 200);
}

static void parse_addr_rejects_malformed(void **state)
{
	(void)state;
	struct rtnl_addr a;
	struct nlmsghdr *nlh = kernel_v6_addr();
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_family = AF_PACKET;
	assert_int_equal(rtnl_msg_parse_addr(nlh, &a), -EAFNOSUPPORT);
	ifa->ifa_family = AF_INET; /* a 16-byte address in an IPv4 message */
	assert_int_equal(rtnl_msg_parse_addr(nlh, &a), -EINVAL);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4; /* truncated ifaddrmsg */
	assert_int_equal(rtnl_msg_parse_addr(nlh, &a), -EINVAL);
	/* No address attribute at all. */
	nlh = mnl_nlmsg_put_header(buf);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	assert_int_equal(rtnl_msg_parse_addr(nlh, &a), -EINVAL);
}

static struct nlmsghdr *kernel_link(unsigned flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_type = 1; /* ARPHRD_ETHER */
	ifi->ifi_index = 9;
	ifi->ifi_flags = flags;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "veth0");
	static const uint8_t mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	mnl_attr_put_u32(nlh, IFLA_MASTER, 2);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, IF_OPER_UP);
	return nlh;
}

static void parse_link(void **state)
{
	(void)state;
	struct rtnl_link l;
	assert_int_equal(rtnl_msg_parse_link(kernel_link(IFF_UP | IFF_RUNNING), &l), 0);
	assert_int_equal(l.ifindex, 9);
	assert_string_equal(l.name, "veth0");
	assert_int_equal(l.mac_len, 6);
	assert_int_equal(l.mac[5], 0xee);
	assert_int_equal(l.mtu, 1500);
	assert_int_equal(l.master, 2);
	assert_int_equal(l.operstate, IF_OPER_UP);
	assert_int_equal(l.change, IFF_UP);
	assert_int_equal(l.type, 1);
	assert_true(rtnl_link_usable(&l));
}

/* Up without carrier (peer down) and running but admin down are both
 * unusable for VRRP. */
static void link_usable_needs_up_and_running(void **state)
{
	(void)state;
	struct rtnl_link l;
	rtnl_msg_parse_link(kernel_link(IFF_UP), &l);
	assert_false(rtnl_link_usable(&l));
	rtnl_msg_parse_link(kernel_link(IFF_RUNNING), &l);
	assert_false(rtnl_link_usable(&l));
}

/* NLMSG_ERROR as the kernel sends it: nlmsgerr, then (unless capped) the
 * echoed request, then the extended-ACK attributes. */
static struct nlmsghdr *kernel_error(int err, bool capped, const char *text)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -err;
	e->msg.nlmsg_len = sizeof(struct nlmsghdr) + (capped ? 0 : 20);
	if (!capped)
		mnl_nlmsg_put_extra_header(nlh, 20); /* the echoed payload */
	if (capped)
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 16);
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	return nlh;
}

static void parse_error_and_ext_ack(void **state)
{
	(void)state;
	const char *km = "stale";
	assert_int_equal(rtnl_msg_parse_error(kernel_error(0, true, NULL), &km), 0);
	assert_null(km);
	assert_int_equal(rtnl_msg_parse_error(kernel_error(EEXIST, true, "exists"), &km), EEXIST);
	assert_string_equal(km, "exists");
	assert_int_equal(rtnl_msg_parse_error(kernel_error(EINVAL, false, "bad label"), &km),
			 EINVAL);
	assert_string_equal(km, "bad label");
	struct nlmsghdr *nlh = kernel_error(EINVAL, true, NULL);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	assert_int_equal(rtnl_msg_parse_error(nlh, &km), EBADMSG);
}

static void getlink_by_index_or_name(void **state)
{
	(void)state;
	struct nlmsghdr *nlh = rtnl_msg_getlink(buf, 0, "eth0");
	assert_non_null(nlh);
	attrs_of(nlh, sizeof(struct ifinfomsg));
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "eth0");
	nlh = rtnl_msg_getlink(buf, 5, NULL);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_index, 5);
	attrs_of(nlh, sizeof(*ifi));
	assert_null(tb[IFLA_IFNAME]);
	assert_null(rtnl_msg_getlink(buf, 0, ""));
	assert_null(rtnl_msg_getlink(buf, 0, "sixteen-chars-xx"));
	nlh = rtnl_msg_dump(buf, RTM_GETADDR, AF_INET6);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
}

/* use_vmac for IPv6: the macvlan's address generation mode is nested as
 * the kernel reads it, IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE
 * (one byte) } }, on an existing link, with no flag or create bit that
 * would touch anything else. */
static void addr_gen_mode_request(void **state)
{
	(void)state;
	struct nlmsghdr *nlh = NULL;
	assert_int_equal(rtnl_msg_link_addr_gen_mode(buf, sizeof(buf), 7,
						     IN6_ADDR_GEN_MODE_NONE, &nlh), 0);
	assert_ptr_equal(nlh, buf);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(ifi->ifi_index, 7);
	assert_int_equal(ifi->ifi_change, 0);
	assert_int_equal(ifi->ifi_flags, 0);
	attrs_of(nlh, sizeof(*ifi));
	assert_non_null(tb[IFLA_AF_SPEC]);
	assert_null(tb[IFLA_IFNAME]);
	assert_null(tb[IFLA_LINKINFO]);
	/* Exactly one family inside, AF_INET6, holding exactly the mode. */
	const struct nlattr *fam = NULL, *at;
	int n = 0;
	mnl_attr_for_each_nested(at, tb[IFLA_AF_SPEC]) {
		fam = at;
		n++;
	}
	assert_int_equal(n, 1);
	assert_int_equal(mnl_attr_get_type(fam), AF_INET6);
	const struct nlattr *mode = NULL;
	n = 0;
	mnl_attr_for_each_nested(at, fam) {
		mode = at;
		n++;
	}
	assert_int_equal(n, 1);
	assert_int_equal(mnl_attr_get_type(mode), IFLA_INET6_ADDR_GEN_MODE);
	assert_int_equal(mnl_attr_get_payload_len(mode), 1);
	assert_int_equal(mnl_attr_get_u8(mode), IN6_ADDR_GEN_MODE_NONE);
	/* The whole message is accounted for by the nests. */
	assert_int_equal(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ifi)) +
					 MNL_ATTR_HDRLEN * 2 + MNL_ALIGN(MNL_ATTR_HDRLEN + 1));

	/* No link, or no room. */
	assert_int_equal(rtnl_msg_link_addr_gen_mode(buf, sizeof(buf), 0, 1, &nlh), -EINVAL);
	assert_int_equal(rtnl_msg_link_addr_gen_mode(buf, sizeof(buf), -3, 1, &nlh), -EINVAL);
	assert_int_equal(rtnl_msg_link_addr_gen_mode(buf, 16, 7, 1, &nlh), -ENOSPC);
	size_t full = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg)) +
		      MNL_ATTR_HDRLEN * 2 + MNL_ALIGN(MNL_ATTR_HDRLEN + 1);
	assert_int_equal(rtnl_msg_link_addr_gen_mode(buf, full - 1, 7, 1, &nlh), -ENOSPC);
	assert_int_equal(rtnl_msg_link_addr_gen_mode(buf, full, 7, 1, &nlh), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_v4_attributes),
		cmocka_unit_test(add_v6_nodad_deprecated),
		cmocka_unit_test(delete_has_no_add_only_attributes),
		cmocka_unit_test(add_is_not_a_dump),
		cmocka_unit_test(add_rejects_bad_requests),
		cmocka_unit_test(addr_round_trip),
		cmocka_unit_test(parse_kernel_v6_addr),
		cmocka_unit_test(parse_addr_rejects_malformed),
		cmocka_unit_test(parse_link),
		cmocka_unit_test(link_usable_needs_up_and_running),
		cmocka_unit_test(parse_error_and_ext_ack),
		cmocka_unit_test(getlink_by_index_or_name),
		cmocka_unit_test(addr_gen_mode_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
