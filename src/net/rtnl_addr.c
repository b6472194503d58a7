/* Interface addresses over rtnetlink: add, delete, list. */
#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "net/rtnl.h"
#include "net/rtnl_int.h"
#include "net/rtnl_msg.h"

/* "add 192.0.2.1/24 label eth0:1 on ifindex 3": names the object in every
 * error message, so a log line says which VIP failed. */
static const char *describe(char *buf, size_t len, const char *verb,
			    const struct rtnl_addr *a)
{
	char p[HALO_ADDRSTRLEN] = "(no address)";
	if (a->prefix.addr.family == AF_INET || a->prefix.addr.family == AF_INET6)
		prefix_format(&a->prefix, p, sizeof(p));
	snprintf(buf, len, "%s %s%s%s on ifindex %d", verb, p,
		 a->label[0] ? " label " : "", a->label, a->ifindex);
	return buf;
}

static const char *msg_reason(int r)
{
	switch (r) {
	case -EAFNOSUPPORT: return "address family is not IPv4 or IPv6";
	case -ENOSPC: return "request too large";
	default:
		return "bad ifindex, prefix length, peer, broadcast or label";
	}
}

/* Builds and sends one RTM_NEWADDR/RTM_DELADDR; the two expected outcomes
 * get their own wording so logs do not present them as failures. */
static int addr_change(struct rtnl *h, uint16_t type, uint16_t flags,
		       const struct rtnl_addr *a, const char *verb)
{
	char what[160];
	describe(what, sizeof(what), verb, a);
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh;
	int r = rtnl_msg_addr(buf, sizeof(buf), type, flags, a, &nlh);
	if (r) {
		snprintf(h->err, sizeof(h->err), "%s: %s", what, msg_reason(r));
		return r == -ENOSPC ? r : -EINVAL;
	}
	r = rtnl_talk(h, nlh, NULL, NULL, what);
	if (r == -EEXIST && type == RTM_NEWADDR)
		snprintf(h->err, sizeof(h->err), "%s: already present", what);
	else if (r == -EADDRNOTAVAIL && type == RTM_DELADDR)
		snprintf(h->err, sizeof(h->err), "%s: not present", what);
	return r;
}

int rtnl_addr_add(struct rtnl *h, const struct rtnl_addr *a)
{
	return addr_change(h, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, a, "add");
}

int rtnl_addr_del(struct rtnl *h, const struct rtnl_addr *a)
{
	return addr_change(h, RTM_DELADDR, 0, a, "delete");
}

struct addr_walk {
	int ifindex, family;
	rtnl_addr_cb cb;
	void *arg;
};

static int addr_one(const struct nlmsghdr *nlh, void *data)
{
	const struct addr_walk *w = data;
	struct rtnl_addr a;
	if (rtnl_msg_parse_addr(nlh, &a))
		return 0;
	/* The kernel only filters by index in strict-check mode; filtering
	 * here works on every kernel. */
	if (w->ifindex && a.ifindex != w->ifindex)
		return 0;
	if (w->family != AF_UNSPEC && a.prefix.addr.family != w->family)
		return 0;
	return w->cb(&a, w->arg);
}

int rtnl_addr_list(struct rtnl *h, int ifindex, int family, rtnl_addr_cb cb,
		   void *arg)
{
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return rtnl_fail(h, EAFNOSUPPORT, "list addresses");
	char what[64];
	snprintf(what, sizeof(what), "list addresses on ifindex %d", ifindex);
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh = rtnl_msg_dump(buf, RTM_GETADDR, family);
	struct addr_walk w = { ifindex, family, cb, arg };
	return rtnl_talk(h, nlh, addr_one, &w, what);
}
