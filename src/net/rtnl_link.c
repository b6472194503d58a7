/* Link (interface) lookups over rtnetlink. */
#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "net/rtnl.h"
#include "net/rtnl_int.h"
#include "net/rtnl_msg.h"

static int link_store(const struct nlmsghdr *nlh, void *data)
{
	/* A reply that fails to decode leaves ifindex 0, caught by link_get. */
	rtnl_msg_parse_link(nlh, data);
	return 0;
}

static int link_get(struct rtnl *h, int ifindex, const char *name,
		    struct rtnl_link *out, const char *what)
{
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh = rtnl_msg_getlink(buf, ifindex, name);
	if (!nlh)
		return rtnl_fail(h, EINVAL, what);
	memset(out, 0, sizeof(*out));
	int r = rtnl_talk(h, nlh, link_store, out, what);
	if (r == 0 && out->ifindex <= 0)
		r = rtnl_fail(h, EBADMSG, what); /* ACKed without a usable link */
	return r;
}

int rtnl_link_get(struct rtnl *h, int ifindex, struct rtnl_link *out)
{
	char what[64];
	snprintf(what, sizeof(what), "look up ifindex %d", ifindex);
	if (ifindex <= 0)
		return rtnl_fail(h, ENODEV, what);
	return link_get(h, ifindex, NULL, out, what);
}

int rtnl_link_get_by_name(struct rtnl *h, const char *name, struct rtnl_link *out)
{
	char what[64];
	snprintf(what, sizeof(what), "look up interface \"%.*s\"", IFNAMSIZ, name ? name : "");
	return link_get(h, 0, name, out, what);
}

struct link_walk {
	rtnl_link_cb cb;
	void *arg;
};

static int link_one(const struct nlmsghdr *nlh, void *data)
{
	const struct link_walk *w = data;
	struct rtnl_link l;
	if (rtnl_msg_parse_link(nlh, &l))
		return 0;
	return w->cb(&l, w->arg);
}

int rtnl_link_list(struct rtnl *h, rtnl_link_cb cb, void *arg)
{
	alignas(struct nlmsghdr) char buf[RTNL_REQ_BUFSZ];
	struct nlmsghdr *nlh = rtnl_msg_dump(buf, RTM_GETLINK, AF_UNSPEC);
	struct link_walk w = { cb, arg };
	return rtnl_talk(h, nlh, link_one, &w, "list links");
}
