/* use_vmac: macvlan interfaces with the virtual router MAC (vrrp_vmac.h). */
#include "vrrp/vrrp_vmac.h"

#include <errno.h>
#include <fcntl.h>
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

static void vmac_sysctls(struct vrrp_vmac *m, const char *inst)
{
	bool ok = sysctl_set(1, m->name, "disable_ipv6", 1) &&
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

/* ---- attach / detach -------------------------------------------------------- */

/* 00:00:5e:00:01:VRID, or `use_vmac NAME MAC` (5 octets: VRID appended). */
static void vmac_address(const struct vrrp_instance_conf *c, uint8_t mac[6])
{
	unsigned o[6];
	static const uint8_t dflt[5] = { 0x00, 0x00, 0x5e, 0x00, 0x01 };
	memcpy(mac, dflt, 5);
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
 * previous run killed before it could remove it). */
static bool vmac_link(struct vrrp_inst *v, struct vrrp_vmac *m, struct rtnl_link *out)
{
	struct rtnl *h = &v->eng->rtnl;
	uint8_t mac[6];
	vmac_address(v->conf, mac);
	if (rtnl_link_get_by_name(h, m->name, out) == 0) {
		if (out->link == m->base_ifindex)
			return true;
		log_error_i(v->conf->name, "use_vmac: %s exists and is not on %s", m->name,
			    m->base_name);
		return false;
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
	if (c->family != AF_INET) {
		log_warn_i(c->name, "use_vmac is not supported for IPv6 instances yet: "
			   "running on %s", c->interface);
		return;
	}
	struct vrrp_vmac *m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	m->base_ifindex = v->ifindex;
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
	vmac_sysctls(m, c->name);
	if (rtnl_link_set_up(&v->eng->rtnl, m->ifindex, true) < 0)
		log_error_i(c->name, "use_vmac: %s", rtnl_errmsg(&v->eng->rtnl));
	/* Adverts are sent and received on the macvlan: a multicast frame
	 * whose source is a local private-mode macvlan's MAC (the master's
	 * adverts carry the same virtual MAC) is handed to that macvlan only,
	 * never to the base interface. */
	if (!c->vmac_xmit_base) {
		struct vrrp_sock *s = vrrp_sock_get(v->eng, AF_INET, m->ifindex, m->name);
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
	return v->vmac ? v->vmac->base_ifindex : v->ifindex;
}
