/* Pure rtnetlink message encoding and decoding for rtnl.c: buffers in,
 * buffers or structs out, no socket.  Internal to src/net (and its unit
 * test); callers use rtnl.h. */
#ifndef HALO_NET_RTNL_MSG_H
#define HALO_NET_RTNL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/rtnl.h"

struct nlmsghdr;

/* Requests are small; 1 KiB holds an address with every attribute. */
#define RTNL_REQ_BUFSZ 1024
/* The kernel sends dump datagrams of up to 32 KiB (NLMSG_GOODSIZE grows with
 * the reader's buffer); a smaller buffer would truncate them. */
#define RTNL_RECV_BUFSZ 32768

/* Encodes RTM_NEWADDR or RTM_DELADDR (`type`) for `a` with header `flags`
 * (NLM_F_REQUEST is always added) into `buf`; *out is the message.
 * Returns 0, -EAFNOSUPPORT (family not AF_INET/AF_INET6), -EINVAL (prefix
 * length out of range, a peer or broadcast of another family, a label on an
 * IPv6 address, ifindex not set) or -ENOSPC. */
int rtnl_msg_addr(void *buf, size_t len, uint16_t type, uint16_t flags,
		  const struct rtnl_addr *a, struct nlmsghdr **out);

/* Encodes an RTM_GETADDR / RTM_GETLINK dump request for `family`. */
struct nlmsghdr *rtnl_msg_dump(void *buf, uint16_t type, int family);

/* Encodes RTM_GETLINK for one link, by index when `ifindex` > 0, else by
 * IFLA_IFNAME.  Returns NULL when the name is empty or too long. */
struct nlmsghdr *rtnl_msg_getlink(void *buf, int ifindex, const char *name);

/* True for a dump request (answered with NLMSG_DONE rather than an ACK). */
bool rtnl_msg_is_dump(const struct nlmsghdr *nlh);

/* Decodes RTM_NEWADDR/RTM_DELADDR.  Returns 0, or -EINVAL when the message
 * is truncated or carries no address, -EAFNOSUPPORT for another family. */
int rtnl_msg_parse_addr(const struct nlmsghdr *nlh, struct rtnl_addr *out);

/* Decodes RTM_NEWLINK/RTM_DELLINK.  Returns 0 or -EINVAL. */
int rtnl_msg_parse_link(const struct nlmsghdr *nlh, struct rtnl_link *out);

/* Decodes NLMSG_ERROR: returns the positive errno it carries (0 for an ACK)
 * and points *kmsg at the kernel's extended-ACK text (NLMSGERR_ATTR_MSG) or
 * sets it to NULL.  A truncated message yields EBADMSG. */
int rtnl_msg_parse_error(const struct nlmsghdr *nlh, const char **kmsg);

#endif
