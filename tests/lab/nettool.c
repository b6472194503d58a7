/* nettool: drives src/net from the command line so the namespace lab tests
 * (tests/lab/test_net.py) can exercise the kernel-facing code for real.
 *
 *   nettool addr-add IFNAME PREFIX [label L] [brd ADDR] [scope N] [nodad]
 *                    [noprefixroute] [preferred-lft SECONDS]
 *   nettool addr-del IFNAME PREFIX [label L]
 *   nettool addr-list IFNAME [4|6]     one line per address (format below)
 *   nettool link-show IFNAME
 *   nettool link-watch SECONDS [IFNAME] prints "ready", then a line per
 *                                      usable-state change and per address
 *   nettool garp IFNAME ADDR [count N]
 *   nettool una IFNAME ADDR6 [count N] [src ADDR6|auto] [norouter] [frame]
 *
 * Exit status: 0 success, 1 failure, 2 usage, 3 EEXIST (addr-add: already
 * present), 4 EADDRNOTAVAIL (addr-del: not present); the reason goes to
 * stderr.  Every loop is bounded by a count or a deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_addr.h>

#include "core/addr.h"
#include "net/arp_na.h"
#include "net/garp_send.h"
#include "net/rtnl.h"

enum { EXIT_USAGE = 2, EXIT_EEXIST = 3, EXIT_EADDRNOTAVAIL = 4 };
#define MAX_COUNT 1000
#define MAX_WATCH_S 600

static int usage(const char *why)
{
	fprintf(stderr, "nettool: %s (see the comment at the top of nettool.c)\n", why);
	return EXIT_USAGE;
}

/* Maps a library result to the exit status, naming the expected errnos so
 * the tests can tell them apart from real failures. */
static int report(int r, const char *msg)
{
	if (r >= 0)
		return 0;
	if (r == -EEXIST) {
		fprintf(stderr, "EEXIST: %s\n", msg);
		return EXIT_EEXIST;
	}
	if (r == -EADDRNOTAVAIL) {
		fprintf(stderr, "EADDRNOTAVAIL: %s\n", msg);
		return EXIT_EADDRNOTAVAIL;
	}
	fprintf(stderr, "error: %s\n", msg);
	return 1;
}

static int open_rtnl(struct rtnl *h, unsigned groups)
{
	int r = rtnl_open(h, groups);
	if (r)
		fprintf(stderr, "error: %s\n", rtnl_errmsg(h));
	return r;
}

static int ifindex_of(struct rtnl *h, const char *name, struct rtnl_link *l)
{
	int r = rtnl_link_get_by_name(h, name, l);
	if (r)
		fprintf(stderr, "error: %s\n", rtnl_errmsg(h));
	return r;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return false;
	*out = v;
	return true;
}

/* Options after IFNAME PREFIX for addr-add / addr-del. */
static int parse_addr_opts(int argc, char **argv, struct rtnl_addr *a)
{
	for (int i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long n;
		if (!strcmp(k, "nodad"))
			a->flags |= IFA_F_NODAD;
		else if (!strcmp(k, "noprefixroute"))
			a->flags |= IFA_F_NOPREFIXROUTE;
		else if (!strcmp(k, "label") && v && strlen(v) < sizeof(a->label))
			snprintf(a->label, sizeof(a->label), "%s", argv[++i]);
		else if (!strcmp(k, "brd") && v && addr_parse(v, &a->broadcast))
			i++;
		else if (!strcmp(k, "scope") && v && parse_uint(v, 255, &n))
			a->scope = (uint8_t)n, i++;
		else if (!strcmp(k, "preferred-lft") && v && parse_uint(v, 0xffffffffUL, &n)) {
			a->lft_set = true;
			a->preferred_lft = (uint32_t)n;
			a->valid_lft = RTNL_LFT_FOREVER;
			i++;
		} else
			return usage("bad address option");
	}
	return 0;
}

static int cmd_addr_change(int argc, char **argv, bool add)
{
	if (argc < 2)
		return usage("addr-add/addr-del IFNAME PREFIX [options]");
	struct rtnl_addr a;
	memset(&a, 0, sizeof(a));
	if (!prefix_parse(argv[1], &a.prefix))
		return usage("bad prefix");
	int r = parse_addr_opts(argc - 2, argv + 2, &a);
	if (r)
		return r;
	struct rtnl h;
	struct rtnl_link l;
	if (open_rtnl(&h, 0))
		return 1;
	if (ifindex_of(&h, argv[0], &l) == 0) {
		a.ifindex = l.ifindex;
		r = add ? rtnl_addr_add(&h, &a) : rtnl_addr_del(&h, &a);
		r = report(r, rtnl_errmsg(&h));
	} else {
		r = 1;
	}
	rtnl_close(&h);
	return r;
}

/* "inet 192.0.2.1/24 scope 0 flags 0x80 label eth0 brd 192.0.2.255
 *  preferred 4294967295 valid 4294967295" */
static int print_addr(const struct rtnl_addr *a, void *arg)
{
	(void)arg;
	char p[HALO_ADDRSTRLEN], b[HALO_ADDRSTRLEN] = "-", peer[HALO_ADDRSTRLEN] = "-";
	if (a->broadcast.family)
		addr_format(&a->broadcast, b, sizeof(b));
	if (a->peer.family)
		addr_format(&a->peer, peer, sizeof(peer));
	printf("%s %s scope %u flags 0x%x label %s brd %s peer %s preferred %u valid %u\n",
	       a->prefix.addr.family == AF_INET ? "inet" : "inet6",
	       prefix_format(&a->prefix, p, sizeof(p)), a->scope, a->flags,
	       a->label[0] ? a->label : "-", b, peer, a->preferred_lft, a->valid_lft);
	return 0;
}

static int cmd_addr_list(int argc, char **argv)
{
	if (argc < 1)
		return usage("addr-list IFNAME [4|6]");
	int family = argc < 2 ? AF_UNSPEC : !strcmp(argv[1], "4") ? AF_INET
		   : !strcmp(argv[1], "6") ? AF_INET6 : -1;
	if (family < 0)
		return usage("family must be 4 or 6");
	struct rtnl h;
	struct rtnl_link l;
	if (open_rtnl(&h, 0))
		return 1;
	int r = ifindex_of(&h, argv[0], &l) ? 1
	      : report(rtnl_addr_list(&h, l.ifindex, family, print_addr, NULL), rtnl_errmsg(&h));
	rtnl_close(&h);
	return r;
}

static void print_link(const char *what, const struct rtnl_link *l)
{
	printf("%s %s ifindex %d %s flags 0x%x operstate %u mtu %u mac ", what, l->name,
	       l->ifindex, rtnl_link_usable(l) ? "up" : "down", l->flags, l->operstate, l->mtu);
	for (unsigned i = 0; i < l->mac_len; i++)
		printf("%s%02x", i ? ":" : "", l->mac[i]);
	printf("%s\n", l->mac_len ? "" : "-");
}

static int cmd_link_show(int argc, char **argv)
{
	if (argc < 1)
		return usage("link-show IFNAME");
	struct rtnl h;
	struct rtnl_link l;
	if (open_rtnl(&h, 0))
		return 1;
	int r = ifindex_of(&h, argv[0], &l) ? 1 : 0;
	if (!r)
		print_link("link", &l);
	rtnl_close(&h);
	return r;
}

/* link-watch state: the last usable state seen per ifindex, so only
 * changes are printed (the kernel sends RTM_NEWLINK for many reasons). */
#define WATCH_MAX 64
struct watch {
	const char *only; /* interface name filter, or NULL */
	int ifindex[WATCH_MAX];
	bool usable[WATCH_MAX];
	int n;
};

static bool *watch_slot(struct watch *w, int ifindex)
{
	for (int i = 0; i < w->n; i++)
		if (w->ifindex[i] == ifindex)
			return &w->usable[i];
	if (w->n == WATCH_MAX)
		return NULL;
	w->ifindex[w->n] = ifindex;
	return &w->usable[w->n++];
}

static int watch_seed(const struct rtnl_link *l, void *arg)
{
	bool *slot = watch_slot(arg, l->ifindex);
	if (slot)
		*slot = rtnl_link_usable(l);
	return 0;
}

static void watch_event(const struct rtnl_event *ev, void *arg)
{
	struct watch *w = arg;
	if (ev->kind == RTNL_EV_NEWADDR || ev->kind == RTNL_EV_DELADDR) {
		char p[HALO_ADDRSTRLEN];
		printf("addr %s %s ifindex %d\n", ev->kind == RTNL_EV_NEWADDR ? "new" : "del",
		       prefix_format(&ev->addr.prefix, p, sizeof(p)), ev->addr.ifindex);
		return;
	}
	const struct rtnl_link *l = &ev->link;
	if (w->only && strcmp(l->name, w->only))
		return;
	bool *slot = watch_slot(w, l->ifindex);
	bool now = ev->kind == RTNL_EV_NEWLINK && rtnl_link_usable(l);
	if (slot && *slot == now && ev->kind == RTNL_EV_NEWLINK)
		return;
	if (slot)
		*slot = now;
	print_link(ev->kind == RTNL_EV_DELLINK ? "deleted" : "link", l);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int watch_loop(struct rtnl *h, struct watch *w, double seconds)
{
	double end = now_s() + seconds;
	for (double left = seconds; left > 0; left = end - now_s()) {
		struct pollfd pfd = { .fd = rtnl_events_fd(h), .events = POLLIN };
		int n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno != EINTR)
			return report(-errno, "poll");
		if (n > 0 && rtnl_events_read(h, watch_event, w) < 0)
			fprintf(stderr, "warning: %s\n", rtnl_errmsg(h));
	}
	return 0;
}

static int cmd_link_watch(int argc, char **argv)
{
	unsigned long secs;
	if (argc < 1 || !parse_uint(argv[0], MAX_WATCH_S, &secs))
		return usage("link-watch SECONDS [IFNAME]");
	struct watch w = { .only = argc > 1 ? argv[1] : NULL };
	struct rtnl h;
	if (open_rtnl(&h, RTNL_GRP_LINK | RTNL_GRP_ADDR4 | RTNL_GRP_ADDR6))
		return 1;
	/* Subscribe first, then read the current state: a change in between
	 * shows up as an event instead of being lost. */
	int r = rtnl_link_list(&h, watch_seed, &w);
	if (r) {
		r = report(r, rtnl_errmsg(&h));
	} else {
		printf("ready\n");
		r = watch_loop(&h, &w, (double)secs);
	}
	rtnl_close(&h);
	return r;
}

/* Options shared by garp and una: [count N]; the rest is command-specific. */
struct send_opts {
	unsigned long count;
	bool router, frame, src_auto;
	bool src_set;
	struct halo_addr src;
};

static int parse_send_opts(int argc, char **argv, struct send_opts *o)
{
	*o = (struct send_opts){ .count = 1, .router = true };
	for (int i = 0; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "count") && v && parse_uint(v, MAX_COUNT, &o->count))
			i++;
		else if (!strcmp(argv[i], "norouter"))
			o->router = false;
		else if (!strcmp(argv[i], "frame"))
			o->frame = true;
		else if (!strcmp(argv[i], "src") && v && !strcmp(v, "auto"))
			o->src_auto = true, i++;
		else if (!strcmp(argv[i], "src") && v && addr_parse(v, &o->src) &&
			 o->src.family == AF_INET6)
			o->src_set = true, i++;
		else
			return usage("bad send option");
	}
	return 0;
}

/* Looks up IFNAME's index and MAC through rtnl, as the VRRP child will. */
static int link_for_send(const char *ifname, struct rtnl_link *l)
{
	struct rtnl h;
	if (open_rtnl(&h, 0))
		return 1;
	int r = ifindex_of(&h, ifname, l) ? 1 : 0;
	rtnl_close(&h);
	if (!r && l->mac_len != ARP_NA_MAC_LEN) {
		fprintf(stderr, "error: %s has no Ethernet address\n", ifname);
		r = 1;
	}
	return r;
}

static int cmd_garp(int argc, char **argv)
{
	struct halo_addr vip;
	struct send_opts o;
	if (argc < 2 || !addr_parse(argv[1], &vip) || vip.family != AF_INET)
		return usage("garp IFNAME IPV4 [count N]");
	struct rtnl_link l;
	struct garp_sender s;
	if (parse_send_opts(argc - 2, argv + 2, &o))
		return EXIT_USAGE;
	if (link_for_send(argv[0], &l))
		return 1;
	int r = garp_sender_open(&s);
	if (r)
		return report(r, s.err);
	for (unsigned long i = 0; i < o.count && r == 0; i++)
		r = garp_send_arp(&s, l.ifindex, l.mac, vip.v4);
	r = report(r, s.err);
	garp_sender_close(&s);
	return r;
}

/* The frame path: build Ethernet + IPv6 + NA ourselves and send it raw. */
static int send_na_frame(struct garp_sender *s, const struct rtnl_link *l,
			 const struct in6_addr *src, const struct in6_addr *vip, bool router)
{
	struct na_spec spec = { .src = *src, .target = *vip,
				.flags = NA_FLAG_OVERRIDE | (router ? NA_FLAG_ROUTER : 0) };
	memcpy(spec.mac, l->mac, ARP_NA_MAC_LEN);
	uint8_t frame[NA_FRAME_LEN];
	int len = na_build_frame(frame, sizeof(frame), &spec);
	return garp_send_frame(s, l->ifindex, frame, (size_t)len);
}

static int cmd_una(int argc, char **argv)
{
	struct halo_addr vip;
	struct send_opts o;
	if (argc < 2 || !addr_parse(argv[1], &vip) || vip.family != AF_INET6)
		return usage("una IFNAME IPV6 [count N] [src ADDR6|auto] [norouter] [frame]");
	if (parse_send_opts(argc - 2, argv + 2, &o))
		return EXIT_USAGE;
	if (o.frame && o.src_auto)
		return usage("frame needs a source address");
	struct rtnl_link l;
	struct garp_sender s;
	if (link_for_send(argv[0], &l))
		return 1;
	int r = garp_sender_open(&s);
	if (r)
		return report(r, s.err);
	/* Default source: the VIP itself, as keepalived does. */
	const struct in6_addr *src = o.src_auto ? NULL : o.src_set ? &o.src.v6 : &vip.v6;
	for (unsigned long i = 0; i < o.count && r == 0; i++)
		r = o.frame ? send_na_frame(&s, &l, src, &vip.v6, o.router)
			    : garp_send_na(&s, l.ifindex, l.mac, src, &vip.v6, o.router);
	r = report(r, s.err);
	garp_sender_close(&s);
	return r;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "addr-list", cmd_addr_list },
	{ "link-show", cmd_link_show },
	{ "link-watch", cmd_link_watch },
	{ "garp", cmd_garp },
	{ "una", cmd_una },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage("no command");
	if (!strcmp(argv[1], "addr-add") || !strcmp(argv[1], "addr-del"))
		return cmd_addr_change(argc - 2, argv + 2, !strcmp(argv[1], "addr-add"));
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 2, argv + 2);
	return usage("unknown command");
}
