/* use_vmac: macvlan interfaces with the virtual router MAC (vrrp_vmac.h). */
#include "vrrp/vrrp_vmac.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "net/rtnl_vmac.h"
#include "vrrp/vrrp_instance.h"

struct vrrp_vmac {
	int base_ifindex;
	char base_name[IFNAMSIZ];
	int ifindex;
	char name[IFNAMSIZ];
	/* The instance's family: AF_INET6 gives the macvlan IPv6 and the
	 * advert source address (vmac_source6()). */
	int family;
	/* vmac_xmit_base: adverts stay on the base interface's socket. */
	bool xmit_base;
	/* The base interface's values before we set them, -1: not changed. */
	int saved_arp_ignore, saved_arp_filter, saved_arp_announce;
};

/* ---- sysctls --------------------------------------------------------------- */

static int sysctl_path(char *p, size_t n, int v6, const char *ifname, const char *key)
{
	return snprintf(p, n, "/proc/sys/net/%s/conf/%s/%s", v6 ? "ipv6" : "ipv4", ifname, key);
}

static int sysctl_get(int v6, const char *ifname, const char *key)
{
	char p[128], b[16] = "";
	sysctl_path(p, sizeof(p), v6, ifname, key);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, b, sizeof(b) - 1);
	close(fd);
	return n > 0 ? atoi(b) : -1;
}

static bool sysctl_set(int v6, const char *ifname, const char *key, int val)
{
	char p[128], b[16];
	sysctl_path(p, sizeof(p), v6, ifname, key);
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	int n = snprintf(b, sizeof(b), "%d\n", val);
	bool ok = write(fd, b, (size_t)n) == n;
	close(fd);
	return ok;
}

/* Sets base's `key` to `val`, remembering the old value to restore. */
static int base_set(const struct vrrp_vmac *m, const char *key, int val, bool *ok)
{
	int old = sysctl_get(0, m->base_name, key);
	if (old == val)
		return -1; /* already what we want: nothing to restore */
	if (!sysctl_set(0, m->base_name, key, val))
		*ok = false;
	return old;
}

/* `ipv6`: the IPv4 instance has IPv6 eVIPs for the macvlan, which then
 * keeps IPv6 (vmac_ipv6() without a source address), as keepalived does. */
static void vmac_sysctls4(struct vrrp_vmac *m, const char *inst, bool ipv6)
{
	bool ok = (ipv6 || sysctl_set(1, m->name, "disable_ipv6", 1)) &&
		  sysctl_set(0, m->name, "arp_ignore", 1) &&
		  sysctl_set(0, m->name, "accept_local", 1) &&
		  sysctl_set(0, m->name, "rp_filter", 0) &&
		  sysctl_set(0, m->name, "promote_secondaries", 1);
	m->saved_arp_ignore = base_set(m, "arp_ignore", 1, &ok);
	m->saved_arp_filter = base_set(m, "arp_filter", 1, &ok);
	/* halo, beyond keepalived: when the base interface resolves a
	 * neighbour for a packet sourced from a VIP (a reply to a client), its
	 * ARP request would otherwise carry the VIP as sender address and the
	 * base MAC, teaching every host on the link the wrong MAC for the VIP.
	 * arp_announce=2 makes it use the interface's own address instead. */
	m->saved_arp_announce = base_set(m, "arp_announce", 2, &ok);
	if (!ok)
		log_warn_i(inst, "%s: cannot set the VMAC sysctls: %s", m->name, strerror(errno));
}

/* An IPv6 instance's macvlan: IPv6 on, whatever the default for new
 * links says; no duplicate address detection, so the link-local source
 * address and the VIPs are usable the moment they are added (a backup
 * holds the same link-local address as its base interface, and the new
 * master's VIPs are still on the old master until its adverts stop);
 * and (halo) no router advertisements: keepalived leaves accept_ra on,
 * so an RA would give the macvlan of every node the same SLAAC address
 * built from the virtual MAC, and the kernel would send router
 * solicitations from the virtual MAC on the backups too.  The base
 * interface is left alone: the kernel answers a neighbour solicitation
 * only on the interface holding the target, so the base never answers
 * for a VIP on the macvlan (what arp_ignore/arp_filter do for IPv4). */
static void vmac_sysctls6(struct vrrp_vmac *m, const char *inst)
{
	bool ok = sysctl_set(1, m->name, "disable_ipv6", 0) &&
		  sysctl_set(1, m->name, "accept_dad", 0) &&
		  sysctl_set(1, m->name, "accept_ra", 0);
	if (!ok)
		log_warn_i(inst, "%s: cannot set the VMAC sysctls: %s", m->name, strerror(errno));
}

/* ---- the IPv6 source address ----------------------------------------------- */

static bool is_vip(const struct vrrp_instance_conf *c, const struct halo_addr *a)
{
	for (size_t i = 0; i < c->vips.n; i++)
		if (addr_equal(&c->vips.v[i].prefix.addr, a))
			return true;
	return false;
}

struct ll_walk {
	const struct vrrp_instance_conf *conf;
	struct halo_addr found;
};

static int base_ll_cb(const struct rtnl_addr *a, void *arg)
{
	struct ll_walk *w = arg;
	const struct halo_addr *ad = &a->prefix.addr;
	if (ad->family != AF_INET6 || !addr_is_v6_linklocal(ad) || is_vip(w->conf, ad) ||
	    (a->flags & IFA_F_TENTATIVE))
		return 0;
	w->found = *ad;
	return 1;
}

/* fe80::/64 with the modified EUI-64 interface identifier of `mac` (RFC
 * 4291 appendix A): the address the kernel itself gives an Ethernet link
 * in its default addrgenmode. */
static void eui64_linklocal(const uint8_t mac[ARP_NA_MAC_LEN], struct halo_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = AF_INET6;
	uint8_t *b = out->v6.s6_addr;
	b[0] = 0xfe;
	b[1] = 0x80;
	b[8] = mac[0] ^ 0x02; /* the universal/local bit, inverted */
	b[9] = mac[1];
	b[10] = mac[2];
	b[11] = 0xff;
	b[12] = 0xfe;
	b[13] = mac[3];
	b[14] = mac[4];
	b[15] = mac[5];
}

/* The address an IPv6 instance's macvlan carries and its adverts leave
 * from, chosen as keepalived chooses it, so a keepalived peer sees the
 * same source address from either daemon: the configured unicast_src_ip
 * or mcast_src_ip; else the base interface's link-local address (the
 * address the instance would use without use_vmac); else, when the base
 * has none yet, one made from the base's MAC. */
static void vmac_source6(const struct vrrp_inst *v, const struct vrrp_vmac *m,
			 struct halo_addr *out)
{
	const struct vrrp_instance_conf *c = v->conf;
	if (addr_is_set(&c->unicast_src_ip) && c->unicast_src_ip.family == AF_INET6) {
		*out = c->unicast_src_ip;
		return;
	}
	if (addr_is_set(&c->mcast_src_ip) && c->mcast_src_ip.family == AF_INET6) {
		*out = c->mcast_src_ip;
		return;
	}
	struct ll_walk w = { .conf = c };
	rtnl_addr_list(&v->eng->rtnl, m->base_ifindex, AF_INET6, base_ll_cb, &w);
	if (addr_is_set(&w.found))
		*out = w.found;
	else
		eui64_linklocal(v->mac, out); /* v->mac is still the base's here */
}

/* An IPv4 instance's eVIPs may be IPv6 addresses: those without a `dev`
 * of their own go on the macvlan, which then needs IPv6. */
static bool evips_need_ipv6(const struct vrrp_instance_conf *c)
{
	for (size_t i = 0; i < c->evips.n; i++) {
		const struct vip_conf *e = &c->evips.v[i];
		if (e->prefix.addr.family == AF_INET6 &&
		    (!e->dev || strcmp(e->dev, c->interface) == 0))
			return true;
	}
	return false;
}

/* Before the macvlan is brought up: no kernel-made link-local address (it
 * would be built from the virtual MAC, the same on every node, and would
 * be the adverts' source); then, for an IPv6 instance (`source`), the
 * source address as a /64 like keepalived's, without DAD, deprecated
 * (preferred_lft 0) so that the kernel picks the base interface's copy of
 * the same address for any other traffic, and with no prefix route when
 * it is not link-local (a configured global source would otherwise put a
 * second route to the base's subnet on the macvlan).  As with keepalived,
 * both interfaces then answer a multicast neighbour solicitation for that
 * address, the macvlan with the virtual MAC (docs/compat.md). */
static void vmac_ipv6(struct vrrp_inst *v, struct vrrp_vmac *m, bool source)
{
	const char *inst = v->conf->name;
	struct rtnl *h = &v->eng->rtnl;
	if (rtnl_link_set_addr_gen_mode(h, m->ifindex, IN6_ADDR_GEN_MODE_NONE) < 0)
		log_warn_i(inst, "use_vmac: %s", rtnl_errmsg(h));
	vmac_sysctls6(m, inst);
	if (!source)
		return;
	struct rtnl_addr a;
	memset(&a, 0, sizeof(a));
	a.ifindex = m->ifindex;
	vmac_source6(v, m, &a.prefix.addr);
	a.prefix.len = 64;
	a.flags = IFA_F_NODAD;
	if (!addr_is_v6_linklocal(&a.prefix.addr))
		a.flags |= IFA_F_NOPREFIXROUTE;
	a.lft_set = true;
	a.preferred_lft = 0;
	a.valid_lft = RTNL_LFT_FOREVER;
	int r = rtnl_addr_add(h, &a);
	char s[HALO_ADDRSTRLEN];
	addr_format(&a.prefix.addr, s, sizeof(s));
	if (r < 0 && r != -EEXIST)
		log_error_i(inst, "use_vmac: cannot give %s its source address %s: %s", m->name, s,
			    rtnl_errmsg(h));
	else
		log_info_i(inst, "use_vmac: %s sends from %s", m->name, s);
}

/* ---- attach / detach -------------------------------------------------------- */

/* 00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID for IPv6 (RFC 5798
 * §7.3), or `use_vmac NAME MAC` (5 octets: VRID appended). */
static void vmac_address(const struct vrrp_instance_conf *c, uint8_t mac[6])
{
	unsigned o[6];
	static const uint8_t dflt[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 };
	memcpy(mac, dflt, 5);
	if (c->family == AF_INET6)
		mac[4] = 0x02;
	mac[5] = (uint8_t)c->vrid;
	if (!c->vmac_mac)
		return;
	int n = sscanf(c->vmac_mac, "%x:%x:%x:%x:%x:%x", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5]);
	if (n < 5)
		return;
	for (int i = 0; i < n && i < 6; i++)
		mac[i] = (uint8_t)o[i];
}

/* Creates the macvlan, or adopts one of that name on the same parent (a
 * previous run killed before it could remove it).  One with another
 * virtual MAC (left by a run whose instance had the other family or
 * another VRID) is made again. */
static bool vmac_link(struct vrrp_inst *v, struct vrrp_vmac *m, struct rtnl_link *out)
{
	struct rtnl *h = &v->eng->rtnl;
	uint8_t mac[6];
	vmac_address(v->conf, mac);
	if (rtnl_link_get_by_name(h, m->name, out) == 0) {
		if (out->link != m->base_ifindex) {
			log_error_i(v->conf->name, "use_vmac: %s exists and is not on %s",
				    m->name, m->base_name);
			return false;
		}
		/* Only a link with a MAC from the VRRP range (00:00:5e:00:01 and
		 * :02) is ours to remake: another one could be an interface of
		 * the administrator's that merely has this name. */
		static const uint8_t vrrp_oui[4] = { 0x00, 0x00, 0x5e, 0x00 };
		bool same = out->mac_len == sizeof(mac) && memcmp(out->mac, mac, sizeof(mac)) == 0;
		bool vrrp_range = out->mac_len == sizeof(mac) &&
				  memcmp(out->mac, vrrp_oui, sizeof(vrrp_oui)) == 0 &&
				  (out->mac[4] == 0x01 || out->mac[4] == 0x02);
		if (same || !vrrp_range) {
			if (!same)
				log_warn_i(v->conf->name,
					   "use_vmac: %s has another MAC: using it as it is",
					   m->name);
			return true;
		}
		log_info_i(v->conf->name, "use_vmac: %s has another virtual MAC: making it again",
			   m->name);
		if (rtnl_link_del(h, out->ifindex) < 0) {
			log_error_i(v->conf->name, "use_vmac: %s", rtnl_errmsg(h));
			return false;
		}
	}
	if (rtnl_macvlan_add(h, m->base_ifindex, m->name, mac, MACVLAN_MODE_PRIVATE) < 0 ||
	    rtnl_link_get_by_name(h, m->name, out) < 0) {
		log_error_i(v->conf->name, "use_vmac: %s", rtnl_errmsg(h));
		return false;
	}
	return true;
}

void vrrp_vmac_attach(struct vrrp_inst *v)
{
	const struct vrrp_instance_conf *c = v->conf;
	if (!c->use_vmac || !v->ifindex)
		return;
	int base = v->ifindex;
	vrrp_vmac_detach(v); /* a macvlan from before the interface went away */
	v->ifindex = base;
	struct vrrp_vmac *m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	m->base_ifindex = v->ifindex;
	m->family = c->family;
	m->xmit_base = c->vmac_xmit_base;
	snprintf(m->base_name, sizeof(m->base_name), "%s", c->interface);
	if (c->vmac_name)
		snprintf(m->name, sizeof(m->name), "%s", c->vmac_name);
	else
		snprintf(m->name, sizeof(m->name), "vrrp.%d", c->vrid);
	m->saved_arp_ignore = m->saved_arp_filter = m->saved_arp_announce = -1;
	struct rtnl_link l;
	if (!vmac_link(v, m, &l)) {
		free(m);
		return;
	}
	m->ifindex = l.ifindex;
	v->vmac = m;
	if (c->family == AF_INET6) {
		vmac_ipv6(v, m, true);
	} else {
		bool evip6 = evips_need_ipv6(c);
		if (evip6)
			vmac_ipv6(v, m, false);
		vmac_sysctls4(m, c->name, evip6);
	}
	if (rtnl_link_set_up(&v->eng->rtnl, m->ifindex, true) < 0)
		log_error_i(c->name, "use_vmac: %s", rtnl_errmsg(&v->eng->rtnl));
	/* Adverts are sent and received on the macvlan: a multicast frame
	 * whose source is a local private-mode macvlan's MAC (the master's
	 * adverts carry the same virtual MAC) is handed to that macvlan only,
	 * never to the base interface. */
	if (!c->vmac_xmit_base) {
		struct vrrp_sock *s = vrrp_sock_get(v->eng, c->family, m->ifindex, m->name);
		if (s) {
			vrrp_sock_put(v->sock);
			v->sock = s;
		} else {
			log_error_i(c->name, "use_vmac: no VRRP socket on %s: using %s", m->name,
				    c->interface);
		}
	}
	v->ifindex = m->ifindex;
	if (l.mac_len >= ARP_NA_MAC_LEN)
		memcpy(v->mac, l.mac, ARP_NA_MAC_LEN);
	log_info_i(c->name, "using VMAC %s (%02x:%02x:%02x:%02x:%02x:%02x) on %s", m->name,
		   v->mac[0], v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5], m->base_name);
}

void vrrp_vmac_detach(struct vrrp_inst *v)
{
	struct vrrp_vmac *m = v->vmac;
	if (!m)
		return;
	v->vmac = NULL;
	bool keep = v->eng->stopping && v->eng->env->dont_release;
	/* Only the link we made: after its parent went away the index may
	 * name nothing, or (after a wrap) another interface. */
	struct rtnl_link l;
	if (!keep && v->eng->rtnl_ok && rtnl_link_get(&v->eng->rtnl, m->ifindex, &l) == 0 &&
	    strcmp(l.name, m->name) == 0) {
		int r = rtnl_link_del(&v->eng->rtnl, m->ifindex);
		if (r < 0 && r != -ENODEV)
			log_error_i(v->conf ? v->conf->name : NULL, "use_vmac: %s",
				    rtnl_errmsg(&v->eng->rtnl));
	}
	if (!keep && m->saved_arp_ignore >= 0)
		sysctl_set(0, m->base_name, "arp_ignore", m->saved_arp_ignore);
	if (!keep && m->saved_arp_filter >= 0)
		sysctl_set(0, m->base_name, "arp_filter", m->saved_arp_filter);
	if (!keep && m->saved_arp_announce >= 0)
		sysctl_set(0, m->base_name, "arp_announce", m->saved_arp_announce);
	if (v->ifindex == m->ifindex)
		v->ifindex = m->base_ifindex;
	free(m);
}

int vrrp_vmac_base_ifindex(const struct vrrp_inst *v)
{
	const struct vrrp_vmac *m = v->vmac;
	if (!m)
		return v->ifindex;
	/* IPv6 sends from a link-local address, which must be on the sending
	 * interface: the macvlan holds the one vmac_source6() chose. */
	if (m->family == AF_INET6 && !m->xmit_base)
		return m->ifindex;
	return m->base_ifindex;
}
