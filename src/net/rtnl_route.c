/* Routes and rules over rtnetlink: add and delete (see rtnl_route.h). */
#include "net/rtnl_route.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "net/rtnl_int.h"
#include "net/rtnl_msg.h"

static const char *msg_reason(int r)
{
	switch (r) {
	case -EAFNOSUPPORT: return "address family is not IPv4 or IPv6";
	case -ENOSPC: return "request too large";
	default: return "inconsistent fields (family, prefix length, onlink, goto)";
	}
}

/* Sends one built request; `absent` is the errno meaning "already gone"
 * on delete, worded so logs do not present it as a failure. */
static int change(struct rtnl *h, struct nlmsghdr *nlh, int built, const char *what,
		  bool add, int absent)
{
	if (built) {
		snprintf(h->err, sizeof(h->err), "%s: %s", what, msg_reason(built));
		return built == -ENOSPC ? built : -EINVAL;
	}
	int r = rtnl_talk(h, nlh, NULL, NULL, what);
	if (add && r == -EEXIST)
		snprintf(h->err, sizeof(h->err), "%s: already present", what);
	else if (!add && r == -absent)
		snprintf(h->err, sizeof(h->err), "%s: not present", what);
	return r;
}

static int route_change(struct rtnl *h, const struct rtnl_route *rt, bool add)
{
	char p[HALO_ADDRSTRLEN] = "(no prefix)", what[128];
	if (rt->dst.addr.family == AF_INET || rt->dst.addr.family == AF_INET6)
		prefix_format(&rt->dst, p, sizeof(p));
	snprintf(what, sizeof(what), "%s route %s table %u", add ? "add" : "delete", p,
		 rt->table ? rt->table : RT_TABLE_MAIN);
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh = NULL;
	int built = add ? rtnl_msg_route(buf, sizeof(buf), RTM_NEWROUTE, NLM_F_CREATE, rt, &nlh)
			: rtnl_msg_route(buf, sizeof(buf), RTM_DELROUTE, 0, rt, &nlh);
	return change(h, nlh, built, what, add, ESRCH);
}

int rtnl_route_add(struct rtnl *h, const struct rtnl_route *r)
{
	return route_change(h, r, true);
}

int rtnl_route_del(struct rtnl *h, const struct rtnl_route *r)
{
	return route_change(h, r, false);
}

static int rule_change(struct rtnl *h, const struct rtnl_rule *ru, bool add)
{
	char from[HALO_ADDRSTRLEN] = "all", to[HALO_ADDRSTRLEN] = "all", what[160];
	if (ru->from.addr.family)
		prefix_format(&ru->from, from, sizeof(from));
	if (ru->to.addr.family)
		prefix_format(&ru->to, to, sizeof(to));
	snprintf(what, sizeof(what), "%s rule from %s to %s action %u table %u",
		 add ? "add" : "delete", from, to, ru->action, ru->table);
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh = NULL;
	int built = add ? rtnl_msg_rule(buf, sizeof(buf), RTM_NEWRULE,
					NLM_F_CREATE | NLM_F_EXCL, ru, &nlh)
			: rtnl_msg_rule(buf, sizeof(buf), RTM_DELRULE, 0, ru, &nlh);
	return change(h, nlh, built, what, add, ENOENT);
}

int rtnl_rule_add(struct rtnl *h, const struct rtnl_rule *r)
{
	return rule_change(h, r, true);
}

int rtnl_rule_del(struct rtnl *h, const struct rtnl_rule *r)
{
	return rule_change(h, r, false);
}
