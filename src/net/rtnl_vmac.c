/* macvlan create / link up / delete over rtnetlink (see rtnl_vmac.h). */
#include "net/rtnl_vmac.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>

#include <linux/netlink.h>

#include "net/rtnl_int.h"
#include "net/rtnl_msg.h"

static int send_built(struct rtnl *h, int built, struct nlmsghdr *nlh, const char *what)
{
	if (built) {
		snprintf(h->err, sizeof(h->err), "%s: %s", what,
			 built == -ENOSPC ? "request too large" : "bad index or name");
		return built;
	}
	return rtnl_talk(h, nlh, NULL, NULL, what);
}

int rtnl_macvlan_add(struct rtnl *h, int parent, const char *name,
		     const uint8_t mac[RTNL_VMAC_MAC_LEN], uint32_t mode)
{
	char what[96];
	snprintf(what, sizeof(what), "create macvlan %s on ifindex %d", name ? name : "?", parent);
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh = NULL;
	int b = rtnl_msg_macvlan(buf, sizeof(buf), parent, name, mac, mode, &nlh);
	return send_built(h, b, nlh, what);
}

int rtnl_link_set_up(struct rtnl *h, int ifindex, bool up)
{
	char what[64];
	snprintf(what, sizeof(what), "set ifindex %d %s", ifindex, up ? "up" : "down");
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh = NULL;
	int b = rtnl_msg_link_flags(buf, sizeof(buf), ifindex, up, &nlh);
	return send_built(h, b, nlh, what);
}

int rtnl_link_set_addr_gen_mode(struct rtnl *h, int ifindex, uint8_t mode)
{
	char what[64];
	snprintf(what, sizeof(what), "set addrgenmode %u on ifindex %d", mode, ifindex);
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh = NULL;
	int b = rtnl_msg_link_addr_gen_mode(buf, sizeof(buf), ifindex, mode, &nlh);
	return send_built(h, b, nlh, what);
}

int rtnl_link_del(struct rtnl *h, int ifindex)
{
	char what[64];
	snprintf(what, sizeof(what), "delete ifindex %d", ifindex);
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh = NULL;
	int b = rtnl_msg_dellink(buf, sizeof(buf), ifindex, &nlh);
	return send_built(h, b, nlh, what);
}
