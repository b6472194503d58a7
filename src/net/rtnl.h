/* rtnetlink (NETLINK_ROUTE) over libmnl: interface addresses, link lookup
 * and link/address events, for the VRRP child.
 *
 * One handle holds two sockets:
 *  - a request socket: blocking, every request carries a fresh sequence
 *    number and asks for an ACK, so each call returns the kernel's verdict
 *    (with its extended-ACK text when the kernel gives one).  A receive
 *    timeout bounds every call: a request never hangs the caller.
 *  - an event socket, opened only when event groups are asked for:
 *    non-blocking, subscribed to RTMGRP_LINK / RTMGRP_IPV4_IFADDR /
 *    RTMGRP_IPV6_IFADDR.  The event loop polls rtnl_events_fd() and calls
 *    rtnl_events_read() when it is readable.  Keeping events off the request
 *    socket means a request never has to skip or buffer unrelated events,
 *    and an event callback may itself make requests on the same handle.
 *
 * Errors: every call returns 0 (or a count) on success and -errno on
 * failure; it never exits or logs.  The reason, with the object concerned
 * and the kernel's own message when there is one, is left in
 * rtnl_errmsg(h) until the next call.  Two errors are expected in normal
 * operation and kept distinct so callers can treat them as success:
 * -EEXIST from rtnl_addr_add() (the address is already there) and
 * -EADDRNOTAVAIL from rtnl_addr_del() (it is already gone).
 *
 * Not thread-safe; one handle per process is the intended use, embedded in
 * the process's root object.
 */
#ifndef HALO_NET_RTNL_H
#define HALO_NET_RTNL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/addr.h"

struct mnl_socket;

#define RTNL_ERRLEN 256
#define RTNL_MAC_MAX 32 /* MAX_ADDR_LEN: longest link-layer address */
#define RTNL_LFT_FOREVER 0xffffffffu /* INFINITY_LIFE_TIME */

/* Event groups for rtnl_open(). */
enum {
	RTNL_GRP_LINK = 1u << 0,  /* RTMGRP_LINK: new/changed/deleted links */
	RTNL_GRP_ADDR4 = 1u << 1, /* RTMGRP_IPV4_IFADDR */
	RTNL_GRP_ADDR6 = 1u << 2, /* RTMGRP_IPV6_IFADDR */
};

struct rtnl {
	struct mnl_socket *req; /* requests, ACKed, sequence-numbered */
	struct mnl_socket *ev;  /* events; NULL when no group was asked for */
	uint32_t seq;           /* last sequence number used on `req` */
	uint32_t portid;        /* `req`'s netlink port, to match replies */
	char err[RTNL_ERRLEN];  /* why the last call failed */
};

/* One interface address, as listed, announced in events, or to add/delete.
 * A zero-initialised struct plus ifindex and prefix is a plain address with
 * kernel defaults. */
struct rtnl_addr {
	int ifindex;
	/* The address (IFA_LOCAL, or IFA_ADDRESS when the kernel sends no
	 * IFA_LOCAL, as for most IPv6 addresses) and ifa_prefixlen. */
	struct halo_prefix prefix;
	/* Point-to-point peer (IFA_ADDRESS when it differs from the local
	 * address); AF_UNSPEC when none. */
	struct halo_addr peer;
	/* IFA_BROADCAST, IPv4 only; AF_UNSPEC: none (keepalived sets none
	 * unless `brd` is given). */
	struct halo_addr broadcast;
	/* ifa_scope: RT_SCOPE_UNIVERSE (0, "global"), RT_SCOPE_SITE (200),
	 * RT_SCOPE_LINK (253), RT_SCOPE_HOST (254), RT_SCOPE_NOWHERE (255). */
	uint8_t scope;
	/* IFA_F_* from <linux/if_addr.h>, all 32 bits (IFA_FLAGS).  On add only
	 * IFA_F_NODAD, IFA_F_HOMEADDRESS, IFA_F_MANAGETEMPADDR,
	 * IFA_F_NOPREFIXROUTE and IFA_F_MCAUTOJOIN are passed to the kernel.
	 * keepalived adds IPv6 VIPs with IFA_F_NODAD unless `-nodad` is given:
	 * a VIP moving between routers must be usable at once, and DAD would
	 * hold it tentative (or fail it against the old master's copy).
	 * IFA_F_NOPREFIXROUTE is `noprefixroute`. */
	uint32_t flags;
	/* IFA_CACHEINFO lifetimes in seconds (RTNL_LFT_FOREVER = forever).
	 * Filled when listing; sent on add only when lft_set is true, so a
	 * zeroed struct does not make a deprecated address.  keepalived gives
	 * IPv6 /128 VIPs preferred_lft 0 (deprecated: never chosen as a
	 * source) unless `preferred_lft forever`. */
	bool lft_set;
	uint32_t preferred_lft, valid_lft;
	/* IFA_LABEL, IPv4 only; "" = none (the kernel then shows the
	 * interface name).  keepalived's `label eth0:1`; the kernel accepts
	 * any name, but tools written for ifconfig expect "IFNAME:tag". */
	char label[IFNAMSIZ];
};

/* One link (interface), from a lookup or an RTM_NEWLINK/RTM_DELLINK. */
struct rtnl_link {
	int ifindex;
	char name[IFNAMSIZ];       /* IFLA_IFNAME */
	unsigned flags;            /* ifi_flags: IFF_UP, IFF_RUNNING, IFF_LOWER_UP... */
	unsigned change;           /* ifi_change: flags that changed (events) */
	uint16_t type;             /* ifi_type: ARPHRD_ETHER, ARPHRD_LOOPBACK... */
	uint8_t operstate;         /* IFLA_OPERSTATE: IF_OPER_* (RFC 2863) */
	uint8_t mac_len;           /* 0 when the link has no address */
	uint8_t mac[RTNL_MAC_MAX]; /* IFLA_ADDRESS */
	uint32_t mtu;              /* IFLA_MTU */
	int master;                /* IFLA_MASTER (bridge, bond), 0 = none */
	int link;                  /* IFLA_LINK (a macvlan's parent), 0 = none */
};

enum rtnl_event_kind {
	RTNL_EV_NEWLINK, /* a link appeared or changed (flags, name, MAC...) */
	RTNL_EV_DELLINK, /* a link was deleted */
	RTNL_EV_NEWADDR, /* an address was added (or its flags changed) */
	RTNL_EV_DELADDR, /* an address was removed */
};

struct rtnl_event {
	enum rtnl_event_kind kind;
	union {
		struct rtnl_link link; /* RTNL_EV_NEWLINK, RTNL_EV_DELLINK */
		struct rtnl_addr addr; /* RTNL_EV_NEWADDR, RTNL_EV_DELADDR */
	};
};

typedef void (*rtnl_event_cb)(const struct rtnl_event *ev, void *arg);
/* Listing callbacks return 0 to continue, non-zero to stop the walk (the
 * listing call then returns that value). */
typedef int (*rtnl_addr_cb)(const struct rtnl_addr *a, void *arg);
typedef int (*rtnl_link_cb)(const struct rtnl_link *l, void *arg);

/* Opens the request socket and, when `groups` (RTNL_GRP_*) is non-zero, the
 * event socket.  On failure everything is closed, rtnl_errmsg() says why,
 * and rtnl_close() is still safe to call. */
int rtnl_open(struct rtnl *h, unsigned groups);
void rtnl_close(struct rtnl *h);
const char *rtnl_errmsg(const struct rtnl *h);

/* Adds `a` (NLM_F_CREATE | NLM_F_EXCL): -EEXIST when the same address and
 * prefix length is already on the interface. */
int rtnl_addr_add(struct rtnl *h, const struct rtnl_addr *a);
/* Deletes the address matching ifindex, prefix (address and length), peer
 * and, when set, the IPv4 label: -EADDRNOTAVAIL when there is none. */
int rtnl_addr_del(struct rtnl *h, const struct rtnl_addr *a);
/* Calls `cb` for each address on `ifindex` (0: every interface) of
 * `family` (AF_INET, AF_INET6, or AF_UNSPEC for both).  Used at start-up to
 * find stale VIPs a killed instance left behind.  Listings (this and
 * rtnl_link_list) return -EINTR when the kernel flags the dump as
 * interrupted by a concurrent change: what was delivered is real but may be
 * incomplete, so the caller should list again. */
int rtnl_addr_list(struct rtnl *h, int ifindex, int family, rtnl_addr_cb cb,
		   void *arg);

/* Link lookups: -ENODEV when there is no such interface. */
int rtnl_link_get(struct rtnl *h, int ifindex, struct rtnl_link *out);
int rtnl_link_get_by_name(struct rtnl *h, const char *name,
			  struct rtnl_link *out);
int rtnl_link_list(struct rtnl *h, rtnl_link_cb cb, void *arg);
/* The VRRP view of a link: administratively up (IFF_UP) and able to pass
 * traffic (IFF_RUNNING, which the kernel sets from carrier and operstate).
 * keepalived puts instances into FAULT when this turns false. */
bool rtnl_link_usable(const struct rtnl_link *l);

/* The event socket's descriptor for poll/epoll/uv_poll (level-triggered),
 * or -1 when the handle was opened without event groups. */
int rtnl_events_fd(const struct rtnl *h);
/* Reads the pending event datagrams (at most a bounded batch, so a flood
 * cannot starve the loop; the fd stays readable if more remain) and calls
 * `cb` once per link or address message.  Returns the number of events
 * delivered; -ENOBUFS when the kernel dropped events because the socket
 * buffer overflowed (events read before the overflow are still delivered):
 * the caller must then re-read the state it tracks with rtnl_link_list()
 * and rtnl_addr_list(); another -errno on failure. */
int rtnl_events_read(struct rtnl *h, rtnl_event_cb cb, void *arg);

const char *rtnl_event_kind_name(enum rtnl_event_kind k);

#endif
