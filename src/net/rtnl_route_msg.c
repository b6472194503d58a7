/* Route and rule message encoding (no I/O): see rtnl_route.h. */
#include "net/rtnl_route.h"

#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static size_t alen_of(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static const void *bytes_of(const struct halo_addr *a)
{
	return a->family == AF_INET ? (const void *)&a->v4 : (const void *)&a->v6;
}

static int route_validate(const struct rtnl_route *r)
{
	int fam = r->dst.addr.family;
	size_t alen = alen_of(fam);
	if (!alen)
		return -EAFNOSUPPORT;
	if (r->dst.len > alen * 8 || r->ifindex < 0)
		return -EINVAL;
	if (r->via.family != AF_UNSPEC && r->via.family != fam)
		return -EINVAL;
	if (r->src.family != AF_UNSPEC && r->src.family != fam)
		return -EINVAL;
	if (r->onlink && r->via.family == AF_UNSPEC)
		return -EINVAL;
	if (r->n_nh > RTNL_NH_MAX)
		return -E2BIG;
	if (r->n_nh && (r->via.family || r->ifindex || r->onlink))
		return -EINVAL;
	for (size_t i = 0; i < r->n_nh; i++) {
		const struct rtnl_nexthop *nh = &r->nh[i];
		if ((nh->via.family && nh->via.family != fam) || nh->weight > 256 ||
		    nh->ifindex < 0 || (nh->onlink && !nh->via.family))
			return -EINVAL;
	}
	return 0;
}

/* iproute2's defaults, so a route reads back as `ip route add` would have
 * made it: on add, local/NAT routes are host scope, broadcast/multicast/
 * anycast and gateway-less unicast routes link scope, the rest universe;
 * on delete "nowhere", which the kernel takes as "any scope". */
static uint8_t default_scope(const struct rtnl_route *r, uint16_t type)
{
	if (type == RTM_DELROUTE)
		return RT_SCOPE_NOWHERE;
	switch (r->type) {
	case RTN_LOCAL:
	case RTN_NAT:
		return RT_SCOPE_HOST;
	case RTN_BROADCAST:
	case RTN_MULTICAST:
	case RTN_ANYCAST:
		return RT_SCOPE_LINK;
	case RTN_UNSPEC:
	case RTN_UNICAST:
		return r->via.family == AF_UNSPEC && !r->n_nh ? RT_SCOPE_LINK
							      : RT_SCOPE_UNIVERSE;
	default:
		return RT_SCOPE_UNIVERSE;
	}
}

/* RTA_MULTIPATH: a run of struct rtnexthop, each followed by its own
 * attributes (here RTA_GATEWAY), rtnh_len covering both. */
static bool put_multipath(struct nlmsghdr *nlh, size_t len, const struct rtnl_route *r)
{
	size_t alen = alen_of(r->dst.addr.family);
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, len, RTA_MULTIPATH);
	if (!nest)
		return false;
	for (size_t i = 0; i < r->n_nh; i++) {
		const struct rtnl_nexthop *nh = &r->nh[i];
		if (nlh->nlmsg_len + MNL_ALIGN(sizeof(struct rtnexthop)) > len)
			return false;
		struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(nlh);
		memset(rtnh, 0, sizeof(*rtnh));
		nlh->nlmsg_len += MNL_ALIGN(sizeof(*rtnh));
		rtnh->rtnh_ifindex = nh->ifindex;
		/* rtnh_hops is the weight minus one (iproute2's `weight`). */
		rtnh->rtnh_hops = (uint8_t)(nh->weight ? nh->weight - 1 : 0);
		rtnh->rtnh_flags = nh->onlink ? RTNH_F_ONLINK : 0;
		if (nh->via.family &&
		    !mnl_attr_put_check(nlh, len, RTA_GATEWAY, alen, bytes_of(&nh->via)))
			return false;
		rtnh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(nlh) -
						  (char *)rtnh);
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

static bool route_put_attrs(struct nlmsghdr *nlh, size_t len, const struct rtnl_route *r,
			    uint32_t table)
{
	size_t alen = alen_of(r->dst.addr.family);
	bool ok = mnl_attr_put_check(nlh, len, RTA_DST, alen, bytes_of(&r->dst.addr));
	if (ok && r->via.family)
		ok = mnl_attr_put_check(nlh, len, RTA_GATEWAY, alen, bytes_of(&r->via));
	if (ok && r->src.family)
		ok = mnl_attr_put_check(nlh, len, RTA_PREFSRC, alen, bytes_of(&r->src));
	if (ok && r->ifindex)
		ok = mnl_attr_put_u32_check(nlh, len, RTA_OIF, (uint32_t)r->ifindex);
	if (ok && r->metric_set)
		ok = mnl_attr_put_u32_check(nlh, len, RTA_PRIORITY, r->metric);
	/* rtm_table has 8 bits; RTA_TABLE carries the full 32-bit id and
	 * the kernel prefers it when present. */
	if (ok)
		ok = mnl_attr_put_u32_check(nlh, len, RTA_TABLE, table);
	if (ok && r->n_nh)
		ok = put_multipath(nlh, len, r);
	return ok;
}

int rtnl_msg_route(void *buf, size_t len, uint16_t type, uint16_t flags,
		   const struct rtnl_route *r, struct nlmsghdr **out)
{
	int e = route_validate(r);
	if (e)
		return e;
	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct rtmsg)))
		return -ENOSPC;
	uint32_t table = r->table ? r->table : RT_TABLE_MAIN;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)r->dst.addr.family;
	rtm->rtm_dst_len = r->dst.len;
	rtm->rtm_tos = r->tos;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_scope = r->scope_set ? r->scope : default_scope(r, type);
	if (type == RTM_NEWROUTE) {
		rtm->rtm_protocol = r->protocol ? r->protocol : RTPROT_BOOT;
		rtm->rtm_type = r->type ? r->type : RTN_UNICAST;
	} else {
		/* Delete matches on what is given: unset fields match any. */
		rtm->rtm_protocol = r->protocol;
		rtm->rtm_type = r->type;
	}
	if (r->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	if (!route_put_attrs(nlh, len, r, table))
		return -ENOSPC;
	*out = nlh;
	return 0;
}

static bool prefix_ok(const struct halo_prefix *p, int fam)
{
	return p->addr.family == AF_UNSPEC ||
	       (p->addr.family == fam && p->len <= alen_of(fam) * 8);
}

static int rule_validate(const struct rtnl_rule *r)
{
	if (!alen_of(r->family))
		return -EAFNOSUPPORT;
	if (!prefix_ok(&r->from, r->family) || !prefix_ok(&r->to, r->family))
		return -EINVAL;
	if (!memchr(r->iif, 0, sizeof(r->iif)) || !memchr(r->oif, 0, sizeof(r->oif)))
		return -EINVAL;
	if (r->action == FR_ACT_GOTO && !r->goto_target)
		return -EINVAL;
	return 0;
}

static bool rule_put_match(struct nlmsghdr *nlh, size_t len, const struct rtnl_rule *r)
{
	size_t alen = alen_of(r->family);
	bool ok = true;
	if (r->from.addr.family)
		ok = mnl_attr_put_check(nlh, len, FRA_SRC, alen, bytes_of(&r->from.addr));
	if (ok && r->to.addr.family)
		ok = mnl_attr_put_check(nlh, len, FRA_DST, alen, bytes_of(&r->to.addr));
	if (ok && r->iif[0])
		ok = mnl_attr_put_strz_check(nlh, len, FRA_IIFNAME, r->iif);
	if (ok && r->oif[0])
		ok = mnl_attr_put_strz_check(nlh, len, FRA_OIFNAME, r->oif);
	if (ok && r->fwmark_set) {
		ok = mnl_attr_put_u32_check(nlh, len, FRA_FWMARK, r->fwmark) &&
		     mnl_attr_put_u32_check(nlh, len, FRA_FWMASK,
					    r->fwmask ? r->fwmask : 0xffffffffu);
	}
	if (ok && r->priority_set)
		ok = mnl_attr_put_u32_check(nlh, len, FRA_PRIORITY, r->priority);
	if (ok && r->protocol)
		ok = mnl_attr_put_u8_check(nlh, len, FRA_PROTOCOL, r->protocol);
	return ok;
}

int rtnl_msg_rule(void *buf, size_t len, uint16_t type, uint16_t flags,
		  const struct rtnl_rule *r, struct nlmsghdr **out)
{
	int e = rule_validate(r);
	if (e)
		return e;
	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct fib_rule_hdr)))
		return -ENOSPC;
	uint8_t action = r->action ? r->action : FR_ACT_TO_TBL;
	uint32_t table = r->table ? r->table : RT_TABLE_MAIN;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = (uint8_t)r->family;
	frh->src_len = r->from.addr.family ? r->from.len : 0;
	frh->dst_len = r->to.addr.family ? r->to.len : 0;
	frh->tos = r->tos;
	frh->action = action;
	if (r->invert)
		frh->flags |= FIB_RULE_INVERT;
	if (action == FR_ACT_TO_TBL)
		frh->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	if (!rule_put_match(nlh, len, r))
		return -ENOSPC;
	bool ok = true;
	if (action == FR_ACT_TO_TBL)
		ok = mnl_attr_put_u32_check(nlh, len, FRA_TABLE, table);
	else if (action == FR_ACT_GOTO)
		ok = mnl_attr_put_u32_check(nlh, len, FRA_GOTO, r->goto_target);
	if (!ok)
		return -ENOSPC;
	*out = nlh;
	return 0;
}
