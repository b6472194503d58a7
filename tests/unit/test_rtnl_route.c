/* Route and rule message builders (src/net/rtnl_route_msg.c), no socket:
 * each request is checked header field by header field and attribute by
 * attribute against what the kernel expects (as `ip route` / `ip rule`
 * would send it). */
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
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "net/rtnl_msg.h"
#include "net/rtnl_route.h"
#include "net/rtnl_vmac.h"

static alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
static const struct nlattr *tb[64];

static struct halo_addr ip(const char *s)
{
	struct halo_addr a;
	assert_true(addr_parse(s, &a));
	return a;
}

static struct halo_prefix pfx(const char *s)
{
	struct halo_prefix p;
	assert_true(prefix_parse(s, &p));
	return p;
}

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

static void assert_v4(const struct nlattr *at, const char *s)
{
	assert_non_null(at);
	assert_int_equal(mnl_attr_get_payload_len(at), 4);
	struct halo_addr a = ip(s);
	assert_memory_equal(mnl_attr_get_payload(at), &a.v4, 4);
}

static void route_via_gateway(void **state)
{
	(void)state;
	struct rtnl_route r = { .dst = pfx("192.168.50.0/24"), .via = ip("10.99.0.254"),
				.ifindex = 7, .src = ip("10.99.0.1"),
				.metric_set = true, .metric = 50 };
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, NLM_F_CREATE, &r, &nlh), 0);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWROUTE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET);
	assert_int_equal(rtm->rtm_dst_len, 24);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	assert_int_equal(rtm->rtm_protocol, RTPROT_BOOT);
	assert_int_equal(rtm->rtm_type, RTN_UNICAST);
	/* A gateway route is universe scope, as `ip route add` makes it. */
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(rtm->rtm_flags, 0);
	attrs_of(nlh, sizeof(*rtm));
	assert_v4(tb[RTA_DST], "192.168.50.0");
	assert_v4(tb[RTA_GATEWAY], "10.99.0.254");
	assert_v4(tb[RTA_PREFSRC], "10.99.0.1");
	assert_int_equal(mnl_attr_get_u32(tb[RTA_OIF]), 7);
	assert_int_equal(mnl_attr_get_u32(tb[RTA_PRIORITY]), 50);
	assert_int_equal(mnl_attr_get_u32(tb[RTA_TABLE]), RT_TABLE_MAIN);
}

static void route_dev_only_is_link_scope(void **state)
{
	(void)state;
	struct rtnl_route r = { .dst = pfx("192.168.51.0/24"), .ifindex = 2 };
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, NLM_F_CREATE, &r, &nlh), 0);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_LINK);
	attrs_of(nlh, sizeof(*rtm));
	assert_null(tb[RTA_GATEWAY]);
	assert_null(tb[RTA_PRIORITY]);
	assert_null(tb[RTA_PREFSRC]);
	/* An explicit scope wins over the default. */
	r.scope_set = true;
	r.scope = RT_SCOPE_HOST;
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, NLM_F_CREATE, &r, &nlh), 0);
	assert_int_equal(((const struct rtmsg *)mnl_nlmsg_get_payload(nlh))->rtm_scope,
			 RT_SCOPE_HOST);
}

static void route_blackhole_big_table(void **state)
{
	(void)state;
	struct rtnl_route r = { .dst = pfx("2001:db8:5::/48"), .type = RTN_BLACKHOLE,
				.table = 1000, .protocol = RTPROT_STATIC };
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, NLM_F_CREATE, &r, &nlh), 0);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(rtm->rtm_family, AF_INET6);
	assert_int_equal(rtm->rtm_dst_len, 48);
	assert_int_equal(rtm->rtm_type, RTN_BLACKHOLE);
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(rtm->rtm_protocol, RTPROT_STATIC);
	/* Table ids above 255 do not fit rtm_table: only RTA_TABLE has them. */
	assert_int_equal(rtm->rtm_table, RT_TABLE_UNSPEC);
	attrs_of(nlh, sizeof(*rtm));
	assert_int_equal(mnl_attr_get_payload_len(tb[RTA_DST]), 16);
	assert_int_equal(mnl_attr_get_u32(tb[RTA_TABLE]), 1000);
	assert_null(tb[RTA_OIF]);
}

static void route_delete_matches_any(void **state)
{
	(void)state;
	struct rtnl_route r = { .dst = pfx("192.168.50.0/24"), .via = ip("10.99.0.254"),
				.table = 100, .onlink = true };
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_DELROUTE, 0, &r, &nlh), 0);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST);
	/* Unset protocol/type and scope "nowhere" match any on delete. */
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_NOWHERE);
	assert_int_equal(rtm->rtm_protocol, 0);
	assert_int_equal(rtm->rtm_type, 0);
	assert_int_equal(rtm->rtm_table, 100);
	assert_int_equal(rtm->rtm_flags, RTNH_F_ONLINK);
}

static void route_rejects_bad_input(void **state)
{
	(void)state;
	struct nlmsghdr *nlh;
	struct rtnl_route r = { .dst = pfx("192.168.50.0/24"), .via = ip("2001:db8::1") };
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), -EINVAL);
	r.via.family = AF_UNSPEC;
	r.onlink = true; /* onlink without a gateway means nothing */
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), -EINVAL);
	struct rtnl_route none = { .ifindex = 1 };
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &none, &nlh),
			 -EAFNOSUPPORT);
	struct rtnl_route ok = { .dst = pfx("10.0.0.0/8") };
	assert_int_equal(rtnl_msg_route(buf, 20, RTM_NEWROUTE, 0, &ok, &nlh), -ENOSPC);
}

static void route_multipath(void **state)
{
	(void)state;
	struct rtnl_route r = { .dst = pfx("192.168.100.0/24"), .table = 6909, .n_nh = 2 };
	r.nh[0] = (struct rtnl_nexthop){ .via = ip("192.168.101.1"), .ifindex = 5,
					 .weight = 1, .onlink = true };
	r.nh[1] = (struct rtnl_nexthop){ .via = ip("192.168.101.2"), .ifindex = 6, .weight = 2 };
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, NLM_F_CREATE, &r, &nlh), 0);
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	/* Nexthops are gateways: universe scope, no top-level gateway. */
	assert_int_equal(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	attrs_of(nlh, sizeof(*rtm));
	assert_null(tb[RTA_GATEWAY]);
	assert_null(tb[RTA_OIF]);
	const struct nlattr *mp = tb[RTA_MULTIPATH];
	assert_non_null(mp);
	const char *p = mnl_attr_get_payload(mp);
	size_t left = mnl_attr_get_payload_len(mp);
	static const char *gw[] = { "192.168.101.1", "192.168.101.2" };
	for (int i = 0; i < 2; i++) {
		assert_true(left >= sizeof(struct rtnexthop));
		const struct rtnexthop *nh = (const void *)p;
		assert_true(nh->rtnh_len <= left);
		assert_int_equal(nh->rtnh_ifindex, 5 + i);
		assert_int_equal(nh->rtnh_hops, i); /* weight - 1 */
		assert_int_equal(nh->rtnh_flags, i == 0 ? RTNH_F_ONLINK : 0);
		const struct nlattr *at = (const void *)(p + MNL_ALIGN(sizeof(*nh)));
		assert_int_equal(mnl_attr_get_type(at), RTA_GATEWAY);
		assert_v4(at, gw[i]);
		assert_int_equal(nh->rtnh_len, MNL_ALIGN(sizeof(*nh)) + MNL_ATTR_HDRLEN + 4);
		p += MNL_ALIGN(nh->rtnh_len);
		left -= MNL_ALIGN(nh->rtnh_len);
	}
	assert_int_equal(left, 0);
	/* A gateway beside nexthops, or too many nexthops, is refused. */
	r.via = ip("10.0.0.1");
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), -EINVAL);
	r.via.family = AF_UNSPEC;
	r.n_nh = RTNL_NH_MAX + 1;
	assert_int_equal(rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, 0, &r, &nlh), -E2BIG);
}

static void rule_from_to_table(void **state)
{
	(void)state;
	struct rtnl_rule r = { .family = AF_INET, .from = pfx("10.99.0.100/32"), .table = 100,
			       .priority_set = true, .priority = 1000 };
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_rule(buf, sizeof(buf), RTM_NEWRULE,
				       NLM_F_CREATE | NLM_F_EXCL, &r, &nlh), 0);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWRULE);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(frh->family, AF_INET);
	assert_int_equal(frh->src_len, 32);
	assert_int_equal(frh->dst_len, 0);
	assert_int_equal(frh->action, FR_ACT_TO_TBL);
	assert_int_equal(frh->table, 100);
	assert_int_equal(frh->flags, 0);
	attrs_of(nlh, sizeof(*frh));
	assert_v4(tb[FRA_SRC], "10.99.0.100");
	assert_null(tb[FRA_DST]);
	assert_int_equal(mnl_attr_get_u32(tb[FRA_TABLE]), 100);
	assert_int_equal(mnl_attr_get_u32(tb[FRA_PRIORITY]), 1000);
	assert_null(tb[FRA_FWMARK]);
	assert_null(tb[FRA_GOTO]);
}

static void rule_match_fields(void **state)
{
	(void)state;
	struct rtnl_rule r = { .family = AF_INET6, .to = pfx("2001:db8::/32"), .invert = true,
			       .fwmark_set = true, .fwmark = 24, .action = FR_ACT_UNREACHABLE };
	strcpy(r.iif, "eth0");
	strcpy(r.oif, "eth1");
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_rule(buf, sizeof(buf), RTM_NEWRULE, 0, &r, &nlh), 0);
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(frh->dst_len, 32);
	assert_int_equal(frh->action, FR_ACT_UNREACHABLE);
	assert_int_equal(frh->flags, FIB_RULE_INVERT);
	/* No table for an action that is not "to table". */
	assert_int_equal(frh->table, 0);
	attrs_of(nlh, sizeof(*frh));
	assert_null(tb[FRA_TABLE]);
	assert_int_equal(mnl_attr_get_payload_len(tb[FRA_DST]), 16);
	assert_string_equal(mnl_attr_get_str(tb[FRA_IIFNAME]), "eth0");
	assert_string_equal(mnl_attr_get_str(tb[FRA_OIFNAME]), "eth1");
	assert_int_equal(mnl_attr_get_u32(tb[FRA_FWMARK]), 24);
	/* fwmark without a mask is an exact match. */
	assert_int_equal(mnl_attr_get_u32(tb[FRA_FWMASK]), 0xffffffffu);
	r.fwmask = 12;
	assert_int_equal(rtnl_msg_rule(buf, sizeof(buf), RTM_NEWRULE, 0, &r, &nlh), 0);
	attrs_of(nlh, sizeof(*frh));
	assert_int_equal(mnl_attr_get_u32(tb[FRA_FWMASK]), 12);
}

static void rule_goto_and_errors(void **state)
{
	(void)state;
	struct rtnl_rule r = { .family = AF_INET, .action = FR_ACT_GOTO, .goto_target = 40 };
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_rule(buf, sizeof(buf), RTM_DELRULE, 0, &r, &nlh), 0);
	attrs_of(nlh, sizeof(struct fib_rule_hdr));
	assert_int_equal(mnl_attr_get_u32(tb[FRA_GOTO]), 40);
	assert_null(tb[FRA_TABLE]);
	r.goto_target = 0;
	assert_int_equal(rtnl_msg_rule(buf, sizeof(buf), RTM_NEWRULE, 0, &r, &nlh), -EINVAL);
	struct rtnl_rule mixed = { .family = AF_INET, .from = pfx("2001:db8::/64") };
	assert_int_equal(rtnl_msg_rule(buf, sizeof(buf), RTM_NEWRULE, 0, &mixed, &nlh), -EINVAL);
	struct rtnl_rule nofam = { .table = 1 };
	assert_int_equal(rtnl_msg_rule(buf, sizeof(buf), RTM_NEWRULE, 0, &nofam, &nlh),
			 -EAFNOSUPPORT);
}

static int nested(const struct nlattr *at, void *data)
{
	const struct nlattr **t = data;
	if (mnl_attr_get_type(at) < 8)
		t[mnl_attr_get_type(at)] = at;
	return MNL_CB_OK;
}

static void macvlan_request(void **state)
{
	(void)state;
	static const uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 51 };
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_macvlan(buf, sizeof(buf), 3, "vrrp.51", mac,
					  MACVLAN_MODE_PRIVATE, &nlh), 0);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	/* Created down: the sysctls are set before it can send. */
	assert_int_equal(ifi->ifi_flags & IFF_UP, 0);
	assert_int_equal(ifi->ifi_index, 0);
	attrs_of(nlh, sizeof(*ifi));
	assert_string_equal(mnl_attr_get_str(tb[IFLA_IFNAME]), "vrrp.51");
	assert_int_equal(mnl_attr_get_u32(tb[IFLA_LINK]), 3);
	assert_int_equal(mnl_attr_get_payload_len(tb[IFLA_ADDRESS]), 6);
	assert_memory_equal(mnl_attr_get_payload(tb[IFLA_ADDRESS]), mac, 6);
	const struct nlattr *info[8] = { 0 }, *data[8] = { 0 };
	assert_non_null(tb[IFLA_LINKINFO]);
	mnl_attr_parse_nested(tb[IFLA_LINKINFO], nested, info);
	assert_string_equal(mnl_attr_get_str(info[IFLA_INFO_KIND]), "macvlan");
	assert_non_null(info[IFLA_INFO_DATA]);
	mnl_attr_parse_nested(info[IFLA_INFO_DATA], nested, data);
	assert_int_equal(mnl_attr_get_u32(data[IFLA_MACVLAN_MODE]), MACVLAN_MODE_PRIVATE);
	/* Bad parent or name. */
	assert_int_equal(rtnl_msg_macvlan(buf, sizeof(buf), 0, "v", mac, 1, &nlh), -EINVAL);
	assert_int_equal(rtnl_msg_macvlan(buf, sizeof(buf), 3, "a-name-far-too-long", mac, 1,
					  &nlh), -EINVAL);
}

static void link_up_and_delete(void **state)
{
	(void)state;
	struct nlmsghdr *nlh;
	assert_int_equal(rtnl_msg_link_flags(buf, sizeof(buf), 9, true, &nlh), 0);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
	assert_int_equal(ifi->ifi_index, 9);
	assert_int_equal(ifi->ifi_flags, IFF_UP);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(rtnl_msg_dellink(buf, sizeof(buf), 9, &nlh), 0);
	assert_int_equal(nlh->nlmsg_type, RTM_DELLINK);
	assert_int_equal(((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index, 9);
	assert_int_equal(rtnl_msg_dellink(buf, sizeof(buf), 0, &nlh), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(route_via_gateway),
		cmocka_unit_test(route_dev_only_is_link_scope),
		cmocka_unit_test(route_blackhole_big_table),
		cmocka_unit_test(route_delete_matches_any),
		cmocka_unit_test(route_rejects_bad_input),
		cmocka_unit_test(route_multipath),
		cmocka_unit_test(rule_from_to_table),
		cmocka_unit_test(rule_match_fields),
		cmocka_unit_test(rule_goto_and_errors),
		cmocka_unit_test(macvlan_request),
		cmocka_unit_test(link_up_and_delete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
