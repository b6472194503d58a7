/* rtnetlink message encoding and decoding (no I/O): see rtnl_msg.h. */
#include "net/rtnl_msg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* Flags the kernel honours on RTM_NEWADDR; others (PERMANENT, TENTATIVE...)
 * describe state the kernel owns and are not ours to set. */
#define ADD_FLAGS_MASK (IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | \
			IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN)

static size_t family_addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static const void *addr_bytes(const struct halo_addr *a)
{
	return a->family == AF_INET ? (const void *)&a->v4 : (const void *)&a->v6;
}

/* The checks the kernel would make anyway, done here so the caller gets a
 * precise reason instead of a bare EINVAL. */
static int addr_validate(const struct rtnl_addr *a)
{
	int fam = a->prefix.addr.family;
	size_t alen = family_addr_len(fam);
	if (!alen)
		return -EAFNOSUPPORT;
	if (a->ifindex <= 0 || a->prefix.len > alen * 8)
		return -EINVAL;
	if (a->peer.family != AF_UNSPEC && a->peer.family != fam)
		return -EINVAL;
	if (a->broadcast.family != AF_UNSPEC &&
	    (fam != AF_INET || a->broadcast.family != AF_INET))
		return -EINVAL;
	if (a->label[0] && (fam != AF_INET || !memchr(a->label, 0, sizeof(a->label))))
		return -EINVAL;
	return 0;
}

static bool addr_put_attrs(struct nlmsghdr *nlh, size_t len, uint16_t type,
			   const struct rtnl_addr *a)
{
	size_t alen = family_addr_len(a->prefix.addr.family);
	const void *local = addr_bytes(&a->prefix.addr);
	/* IFA_ADDRESS is the peer on point-to-point links and the address
	 * itself otherwise (what iproute2 sends too). */
	const void *address = a->peer.family ? addr_bytes(&a->peer) : local;
	bool ok = mnl_attr_put_check(nlh, len, IFA_LOCAL, alen, local) &&
		  mnl_attr_put_check(nlh, len, IFA_ADDRESS, alen, address);
	if (ok && a->broadcast.family)
		ok = mnl_attr_put_check(nlh, len, IFA_BROADCAST, 4, &a->broadcast.v4);
	if (ok && a->label[0])
		ok = mnl_attr_put_strz_check(nlh, len, IFA_LABEL, a->label);
	if (type != RTM_NEWADDR)
		return ok;
	/* ifa_flags holds only 8 bits; IFA_FLAGS carries all 32 (NOPREFIXROUTE
	 * and MCAUTOJOIN live above bit 7). */
	if (ok && (a->flags & ADD_FLAGS_MASK))
		ok = mnl_attr_put_u32_check(nlh, len, IFA_FLAGS, a->flags & ADD_FLAGS_MASK);
	if (ok && a->lft_set) {
		struct ifa_cacheinfo ci = { .ifa_prefered = a->preferred_lft,
					    .ifa_valid = a->valid_lft };
		ok = mnl_attr_put_check(nlh, len, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	return ok;
}

int rtnl_msg_addr(void *buf, size_t len, uint16_t type, uint16_t flags,
		  const struct rtnl_addr *a, struct nlmsghdr **out)
{
	int r = addr_validate(a);
	if (r)
		return r;
	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifaddrmsg)))
		return -ENOSPC;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)a->prefix.addr.family;
	ifa->ifa_prefixlen = a->prefix.len;
	ifa->ifa_flags = type == RTM_NEWADDR ? (uint8_t)(a->flags & ADD_FLAGS_MASK) : 0;
	ifa->ifa_scope = a->scope;
	ifa->ifa_index = (uint32_t)a->ifindex;
	if (!addr_put_attrs(nlh, len, type, a))
		return -ENOSPC;
	*out = nlh;
	return 0;
}

struct nlmsghdr *rtnl_msg_dump(void *buf, uint16_t type, int family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (type == RTM_GETADDR) {
		struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = (uint8_t)family;
	} else {
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		ifi->ifi_family = (uint8_t)family;
	}
	return nlh;
}

struct nlmsghdr *rtnl_msg_getlink(void *buf, int ifindex, const char *name)
{
	if (ifindex <= 0 && (!name || !name[0] || strlen(name) >= IFNAMSIZ))
		return NULL;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex > 0 ? ifindex : 0;
	if (ifindex <= 0)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* Attribute table filler for mnl_attr_parse(): attributes newer than the
 * table are skipped so a newer kernel never breaks decoding. */
struct attr_tb {
	const struct nlattr **v;
	unsigned max;
};

static int fill_tb(const struct nlattr *attr, void *data)
{
	struct attr_tb *t = data;
	unsigned type = mnl_attr_get_type(attr);
	if (type <= t->max)
		t->v[type] = attr;
	return MNL_CB_OK;
}

static int parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen,
		       const struct nlattr **v, unsigned max)
{
	memset(v, 0, (max + 1) * sizeof(*v));
	if (mnl_nlmsg_get_payload_len(nlh) < hdrlen)
		return -EINVAL;
	struct attr_tb t = { v, max };
	return mnl_attr_parse(nlh, (unsigned)hdrlen, fill_tb, &t) < 0 ? -EINVAL : 0;
}

/* Copies an address attribute of exactly the family's length. */
static bool get_addr(const struct nlattr *at, int family, struct halo_addr *out)
{
	size_t alen = family_addr_len(family);
	if (!at || mnl_attr_get_payload_len(at) != alen)
		return false;
	out->family = (sa_family_t)family;
	memcpy(family == AF_INET ? (void *)&out->v4 : (void *)&out->v6,
	       mnl_attr_get_payload(at), alen);
	return true;
}

/* A NUL-terminated string attribute copied into a fixed buffer. */
static void get_str(const struct nlattr *at, char *dst, size_t cap)
{
	if (!at || mnl_attr_validate(at, MNL_TYPE_NUL_STRING) < 0)
		return;
	snprintf(dst, cap, "%s", mnl_attr_get_str(at));
}

static uint32_t get_u32(const struct nlattr *at, uint32_t dflt)
{
	return at && mnl_attr_validate(at, MNL_TYPE_U32) == 0 ? mnl_attr_get_u32(at) : dflt;
}

int rtnl_msg_parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr *out)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	if (parse_attrs(nlh, sizeof(*ifa), tb, IFA_MAX))
		return -EINVAL;
	int fam = ifa->ifa_family;
	if (!family_addr_len(fam))
		return -EAFNOSUPPORT;
	memset(out, 0, sizeof(*out));
	out->ifindex = (int)ifa->ifa_index;
	out->prefix.len = ifa->ifa_prefixlen;
	out->scope = ifa->ifa_scope;
	/* The kernel sends IFA_LOCAL for IPv4 (and IPv6 with a peer), with
	 * IFA_ADDRESS then being the peer; IPv6 usually has IFA_ADDRESS only. */
	const struct nlattr *local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!get_addr(local, fam, &out->prefix.addr))
		return -EINVAL;
	if (tb[IFA_LOCAL] && get_addr(tb[IFA_ADDRESS], fam, &out->peer) &&
	    addr_equal(&out->peer, &out->prefix.addr))
		out->peer.family = AF_UNSPEC;
	get_addr(tb[IFA_BROADCAST], AF_INET, &out->broadcast);
	out->flags = get_u32(tb[IFA_FLAGS], ifa->ifa_flags);
	get_str(tb[IFA_LABEL], out->label, sizeof(out->label));
	const struct nlattr *ci = tb[IFA_CACHEINFO];
	if (ci && mnl_attr_get_payload_len(ci) >= sizeof(struct ifa_cacheinfo)) {
		const struct ifa_cacheinfo *c = mnl_attr_get_payload(ci);
		out->lft_set = true;
		out->preferred_lft = c->ifa_prefered;
		out->valid_lft = c->ifa_valid;
	}
	return 0;
}

int rtnl_msg_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *out)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	if (parse_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	out->change = ifi->ifi_change;
	out->type = ifi->ifi_type;
	get_str(tb[IFLA_IFNAME], out->name, sizeof(out->name));
	if (tb[IFLA_OPERSTATE] && mnl_attr_validate(tb[IFLA_OPERSTATE], MNL_TYPE_U8) == 0)
		out->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	const struct nlattr *mac = tb[IFLA_ADDRESS];
	if (mac && mnl_attr_get_payload_len(mac) <= RTNL_MAC_MAX) {
		out->mac_len = (uint8_t)mnl_attr_get_payload_len(mac);
		memcpy(out->mac, mnl_attr_get_payload(mac), out->mac_len);
	}
	out->mtu = get_u32(tb[IFLA_MTU], 0);
	out->master = (int)get_u32(tb[IFLA_MASTER], 0);
	out->link = (int)get_u32(tb[IFLA_LINK], 0);
	return 0;
}

bool rtnl_msg_is_dump(const struct nlmsghdr *nlh)
{
	/* NLM_F_DUMP's bits mean NLM_F_REPLACE | NLM_F_EXCL on NEW requests,
	 * so the type decides too: RTM_GET* types are 2 mod 4. */
	return (nlh->nlmsg_type & 3) == 2 && (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/* Declared in rtnl.h; here because it is pure and unit-tested. */
bool rtnl_link_usable(const struct rtnl_link *l)
{
	return (l->flags & IFF_UP) && (l->flags & IFF_RUNNING);
}

static int ext_ack_msg(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		*(const char **)data = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

int rtnl_msg_parse_error(const struct nlmsghdr *nlh, const char **kmsg)
{
	*kmsg = NULL;
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	if (plen < sizeof(struct nlmsgerr))
		return EBADMSG;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	int err = e->error < 0 ? -e->error : e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return err;
	/* The TLVs follow the echoed request: its header only when the
	 * kernel capped the echo (NETLINK_CAP_ACK), else the whole request. */
	size_t off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len > sizeof(e->msg))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	off = MNL_ALIGN(off);
	if (off < plen)
		mnl_attr_parse(nlh, (unsigned)off, ext_ack_msg, (void *)kmsg);
	return err;
}
