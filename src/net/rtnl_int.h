/* What rtnl.c shares with rtnl_addr.c and rtnl_link.c: the request/reply
 * exchange and error recording.  Not for use outside src/net. */
#ifndef HALO_NET_RTNL_INT_H
#define HALO_NET_RTNL_INT_H

#include "net/rtnl.h"

struct nlmsghdr;

/* Called for each data message of a reply; returns 0 to go on, non-zero to
 * stop delivering (the rest of the reply is still read and dropped). */
typedef int (*rtnl_reply_cb)(const struct nlmsghdr *nlh, void *arg);

/* Sends `nlh` on the request socket with a new sequence number and reads the
 * reply until its ACK, error or NLMSG_DONE.  Non-dump requests get
 * NLM_F_ACK.  Returns 0, the callback's non-zero stop value, or -errno with
 * h->err set to "<what>: <strerror>[ (kernel: <extended ACK text>)]".
 * A dump the kernel flags as interrupted (NLM_F_DUMP_INTR: the table changed
 * while it was being read) returns -EINTR so the caller can retry. */
int rtnl_talk(struct rtnl *h, struct nlmsghdr *nlh, rtnl_reply_cb cb, void *arg,
	      const char *what);

/* Records "<what>: <strerror(err)>" in h->err and returns -err. */
int rtnl_fail(struct rtnl *h, int err, const char *what);

#endif
