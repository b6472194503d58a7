/* Virtual MAC interfaces (keepalived's use_vmac): a macvlan on top of the
 * VRRP instance's interface carrying the RFC 5798 virtual router MAC, over
 * rtnetlink.  Same contract as rtnl.h: 0 or -errno, reason in
 * rtnl_errmsg(), no logging.  The builders are pure (rtnl_vmac_msg.c) and
 * unit-tested without root. */
#ifndef HALO_NET_RTNL_VMAC_H
#define HALO_NET_RTNL_VMAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/rtnl.h"

struct nlmsghdr;

#define RTNL_VMAC_MAC_LEN 6

/* Creates macvlan `name` on `parent` with address `mac` in macvlan `mode`
 * (MACVLAN_MODE_*), administratively down (so its sysctls can be set
 * before it sends anything): -EEXIST when a link of that name exists. */
int rtnl_macvlan_add(struct rtnl *h, int parent, const char *name,
		     const uint8_t mac[RTNL_VMAC_MAC_LEN], uint32_t mode);
int rtnl_link_set_up(struct rtnl *h, int ifindex, bool up);
/* The link's IPv6 address generation mode (IN6_ADDR_GEN_MODE_*, `ip link
 * set DEV addrgenmode`): IN6_ADDR_GEN_MODE_NONE stops the kernel from
 * giving a link-local address of its own to a link brought up. */
int rtnl_link_set_addr_gen_mode(struct rtnl *h, int ifindex, uint8_t mode);
/* -ENODEV when it is already gone. */
int rtnl_link_del(struct rtnl *h, int ifindex);

/* Pure builders.  Return 0, -EINVAL (bad index or name) or -ENOSPC. */
int rtnl_msg_macvlan(void *buf, size_t len, int parent, const char *name,
		     const uint8_t mac[RTNL_VMAC_MAC_LEN], uint32_t mode,
		     struct nlmsghdr **out);
int rtnl_msg_link_flags(void *buf, size_t len, int ifindex, bool up, struct nlmsghdr **out);
int rtnl_msg_link_addr_gen_mode(void *buf, size_t len, int ifindex, uint8_t mode,
				struct nlmsghdr **out);
int rtnl_msg_dellink(void *buf, size_t len, int ifindex, struct nlmsghdr **out);

#endif
