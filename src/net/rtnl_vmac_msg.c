/* macvlan / link message encoding (no I/O): see rtnl_vmac.h. */
#include "net/rtnl_vmac.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static struct ifinfomsg *link_header(void *buf, uint16_t type, uint16_t flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return ifi;
}

#define LINK_MIN (MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg)))

int rtnl_msg_macvlan(void *buf, size_t len, int parent, const char *name,
		     const uint8_t mac[RTNL_VMAC_MAC_LEN], uint32_t mode,
		     struct nlmsghdr **out)
{
	if (parent <= 0 || !name || !name[0] || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	if (len < LINK_MIN)
		return -ENOSPC;
	link_header(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlmsghdr *nlh = buf;
	bool ok = mnl_attr_put_strz_check(nlh, len, IFLA_IFNAME, name) &&
		  mnl_attr_put_u32_check(nlh, len, IFLA_LINK, (uint32_t)parent) &&
		  mnl_attr_put_check(nlh, len, IFLA_ADDRESS, RTNL_VMAC_MAC_LEN, mac);
	struct nlattr *info = ok ? mnl_attr_nest_start_check(nlh, len, IFLA_LINKINFO) : NULL;
	ok = info && mnl_attr_put_strz_check(nlh, len, IFLA_INFO_KIND, "macvlan");
	struct nlattr *data = ok ? mnl_attr_nest_start_check(nlh, len, IFLA_INFO_DATA) : NULL;
	ok = data && mnl_attr_put_u32_check(nlh, len, IFLA_MACVLAN_MODE, mode);
	if (!ok)
		return -ENOSPC;
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	*out = nlh;
	return 0;
}

int rtnl_msg_link_flags(void *buf, size_t len, int ifindex, bool up, struct nlmsghdr **out)
{
	if (ifindex <= 0)
		return -EINVAL;
	if (len < LINK_MIN)
		return -ENOSPC;
	struct ifinfomsg *ifi = link_header(buf, RTM_NEWLINK, 0, ifindex);
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	*out = buf;
	return 0;
}

int rtnl_msg_link_addr_gen_mode(void *buf, size_t len, int ifindex, uint8_t mode,
				struct nlmsghdr **out)
{
	if (ifindex <= 0)
		return -EINVAL;
	if (len < LINK_MIN)
		return -ENOSPC;
	link_header(buf, RTM_NEWLINK, 0, ifindex);
	struct nlmsghdr *nlh = buf;
	/* IFLA_AF_SPEC { AF_INET6 { IFLA_INET6_ADDR_GEN_MODE (u8) } }: the
	 * per-family settings of a link are nested under the family. */
	struct nlattr *spec = mnl_attr_nest_start_check(nlh, len, IFLA_AF_SPEC);
	struct nlattr *inet6 = spec ? mnl_attr_nest_start_check(nlh, len, AF_INET6) : NULL;
	if (!inet6 || !mnl_attr_put_u8_check(nlh, len, IFLA_INET6_ADDR_GEN_MODE, mode))
		return -ENOSPC;
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	*out = nlh;
	return 0;
}

int rtnl_msg_dellink(void *buf, size_t len, int ifindex, struct nlmsghdr **out)
{
	if (ifindex <= 0)
		return -EINVAL;
	if (len < LINK_MIN)
		return -ENOSPC;
	link_header(buf, RTM_DELLINK, 0, ifindex);
	*out = buf;
	return 0;
}
