/* Routes and policy-routing rules over rtnetlink, for keepalived's
 * virtual_routes / virtual_rules (held while MASTER) and static_routes /
 * static_rules (held while the VRRP child runs).
 *
 * Same contract as rtnl.h: 0 or -errno, never logs, the reason left in
 * rtnl_errmsg().  The expected outcomes callers treat as success are
 * -EEXIST from an add (already there) and -ESRCH (routes) / -ENOENT (rules)
 * from a delete (already gone).
 *
 * The message builders (rtnl_msg_route, rtnl_msg_rule) are pure and live
 * in rtnl_route_msg.c so they can be unit-tested without root. */
#ifndef HALO_NET_RTNL_ROUTE_H
#define HALO_NET_RTNL_ROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "net/rtnl.h"

struct nlmsghdr;

/* Up to this many nexthops in a multipath route (keepalived `nexthop`
 * clauses); more is -E2BIG from the builder. */
#define RTNL_NH_MAX 16

/* One nexthop of a multipath route (RTA_MULTIPATH). */
struct rtnl_nexthop {
	struct halo_addr via;    /* AF_UNSPEC: none (a device route) */
	int ifindex;             /* 0: none */
	unsigned weight;         /* 1-256; 0: not given (1) */
	bool onlink;
};

/* One route.  A zeroed struct with dst set is a unicast route in the main
 * table with kernel defaults. */
struct rtnl_route {
	struct halo_prefix dst;  /* family decides the route's family */
	struct halo_addr src;    /* RTA_PREFSRC; AF_UNSPEC: none */
	struct halo_addr via;    /* RTA_GATEWAY; AF_UNSPEC: none */
	int ifindex;             /* RTA_OIF; 0: none */
	uint32_t table;          /* 0: main (RT_TABLE_MAIN) */
	bool metric_set;
	uint32_t metric;         /* RTA_PRIORITY (`metric`/`priority`) */
	bool scope_set;          /* else the iproute2 default (see builder) */
	uint8_t scope;           /* RT_SCOPE_* */
	uint8_t protocol;        /* RTPROT_*; 0: boot on add, any on delete */
	uint8_t type;            /* RTN_*; 0: unicast */
	uint8_t tos;
	bool onlink;             /* RTNH_F_ONLINK: gateway need not be on-link */
	/* Multipath: when n_nh > 0, via/ifindex/onlink above must be unset. */
	size_t n_nh;
	struct rtnl_nexthop nh[RTNL_NH_MAX];
};

/* One policy-routing rule (FIB rule). */
struct rtnl_rule {
	int family;              /* AF_INET or AF_INET6 */
	struct halo_prefix from; /* family AF_UNSPEC: all */
	struct halo_prefix to;
	bool invert;             /* `not` */
	uint8_t action;          /* FR_ACT_*; 0: to-table */
	uint32_t table;          /* FRA_TABLE for FR_ACT_TO_TBL; 0: main */
	uint32_t goto_target;    /* FRA_GOTO for FR_ACT_GOTO */
	bool priority_set;
	uint32_t priority;       /* FRA_PRIORITY (`preference`/`priority`) */
	char iif[IFNAMSIZ];      /* FRA_IIFNAME; "" none */
	char oif[IFNAMSIZ];      /* FRA_OIFNAME; "" none */
	bool fwmark_set;
	uint32_t fwmark, fwmask; /* fwmask 0 with fwmark_set: exact (all ones) */
	uint8_t tos;
	uint8_t protocol;        /* FRA_PROTOCOL; 0: none */
};

/* Routes are added like `ip route prepend` (NLM_F_CREATE, keepalived's
 * default): before any other route to the same prefix; an identical route
 * gives -EEXIST.  Delete matches on the fields given: -ESRCH when none. */
int rtnl_route_add(struct rtnl *h, const struct rtnl_route *r);
int rtnl_route_del(struct rtnl *h, const struct rtnl_route *r);
/* Rules are added with NLM_F_EXCL so a re-add is -EEXIST instead of a
 * duplicate rule; delete gives -ENOENT when no rule matches. */
int rtnl_rule_add(struct rtnl *h, const struct rtnl_rule *r);
int rtnl_rule_del(struct rtnl *h, const struct rtnl_rule *r);

/* Pure builders: RTM_NEWROUTE/RTM_DELROUTE (`type`) and
 * RTM_NEWRULE/RTM_DELRULE with header `flags` (NLM_F_REQUEST added).
 * Return 0, -EAFNOSUPPORT, -EINVAL (a gateway/source of another family,
 * prefix length out of range, onlink without a gateway, goto without a
 * target, a non-NUL-terminated interface name, a nexthop weight above 256
 * or a gateway beside nexthops), -E2BIG (more than RTNL_NH_MAX nexthops)
 * or -ENOSPC. */
int rtnl_msg_route(void *buf, size_t len, uint16_t type, uint16_t flags,
		   const struct rtnl_route *r, struct nlmsghdr **out);
int rtnl_msg_rule(void *buf, size_t len, uint16_t type, uint16_t flags,
		  const struct rtnl_rule *r, struct nlmsghdr **out);

#endif
