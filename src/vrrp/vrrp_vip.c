/* Virtual addresses of an instance (add, remove, crash leftovers, reload
 * diff) and the gratuitous ARP / unsolicited NA schedule that announces
 * them after a take-over. */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "vrrp/vrrp_instance.h"

/* The interface a VIP lives on (its `dev`, else the instance's) and that
 * interface's MAC.  Returns the ifindex, 0 when it does not exist. */
static int vip_ifindex(struct vrrp_inst *v, const struct vip_conf *vip,
		       uint8_t mac[ARP_NA_MAC_LEN])
{
	if (!vip->dev || strcmp(vip->dev, v->conf->interface) == 0) {
		if (mac)
			memcpy(mac, v->mac, ARP_NA_MAC_LEN);
		return v->ifindex;
	}
	struct rtnl_link l;
	if (!v->eng->rtnl_ok || rtnl_link_get_by_name(&v->eng->rtnl, vip->dev, &l) < 0)
		return 0;
	if (mac) {
		memset(mac, 0, ARP_NA_MAC_LEN);
		if (l.mac_len >= ARP_NA_MAC_LEN)
			memcpy(mac, l.mac, ARP_NA_MAC_LEN);
	}
	return l.ifindex;
}

static void broadcast(const struct vip_conf *vip, struct rtnl_addr *a)
{
	if (vip->prefix.addr.family != AF_INET)
		return;
	if (vip->brd == VIP_BRD_ADDR) {
		a->broadcast = vip->brd_addr;
	} else if (vip->brd == VIP_BRD_SET || vip->brd == VIP_BRD_CLEAR) {
		uint32_t mask = vip->prefix.len ? ~0u << (32 - vip->prefix.len) : 0;
		uint32_t h = ntohl(vip->prefix.addr.v4.s_addr);
		a->broadcast.family = AF_INET;
		a->broadcast.v4.s_addr = htonl(vip->brd == VIP_BRD_SET ? h | ~mask : h & mask);
	}
}

static bool to_rtnl(struct vrrp_inst *v, const struct vip_conf *vip, struct rtnl_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->ifindex = vip_ifindex(v, vip, NULL);
	if (!a->ifindex)
		return false;
	a->prefix = vip->prefix;
	a->scope = (uint8_t)vip->scope;
	if (vip->peer.family != AF_UNSPEC)
		a->peer = vip->peer;
	broadcast(vip, a);
	if (vip->label && vip->prefix.addr.family == AF_INET)
		snprintf(a->label, sizeof(a->label), "%s", vip->label);
	if (vip->prefix.addr.family == AF_INET6) {
		/* A VIP moving between routers must be usable at once: no DAD. */
		a->flags |= IFA_F_NODAD;
		/* keepalived: a /128 VIP is deprecated (never chosen as a source
		 * address) unless `preferred_lft forever`. */
		if (vip->preferred_lft != -2 && (vip->prefix.len == 128 || vip->preferred_lft >= 0)) {
			a->lft_set = true;
			a->preferred_lft = vip->preferred_lft >= 0 ? (uint32_t)vip->preferred_lft : 0;
			a->valid_lft = RTNL_LFT_FOREVER;
		}
	}
	if (vip->noprefixroute)
		a->flags |= IFA_F_NOPREFIXROUTE;
	if (vip->home)
		a->flags |= IFA_F_HOMEADDRESS;
	if (vip->mngtmpaddr)
		a->flags |= IFA_F_MANAGETEMPADDR;
	if (vip->autojoin)
		a->flags |= IFA_F_MCAUTOJOIN;
	return true;
}

static void vip_apply(struct vrrp_inst *v, const struct vip_conf *vip, bool add)
{
	struct rtnl_addr a;
	char buf[HALO_ADDRSTRLEN];
	const char *name = v->conf ? v->conf->name : "?";
	if (!v->eng->rtnl_ok)
		return;
	if (!to_rtnl(v, vip, &a)) {
		log_warn_i(name, "VIP %s: interface %s is missing",
			   prefix_format(&vip->prefix, buf, sizeof(buf)), vip->dev);
		return;
	}
	/* An address owner's VIP is the interface's own address, which we send
	 * from: it was there before us and must outlive us. */
	if (!add && addr_equal(&vip->prefix.addr, &v->primary))
		return;
	int r = add ? rtnl_addr_add(&v->eng->rtnl, &a) : rtnl_addr_del(&v->eng->rtnl, &a);
	if (r < 0 && r != -EEXIST && r != -EADDRNOTAVAIL)
		log_error_i(name, "cannot %s VIP %s: %s", add ? "add" : "remove",
			    prefix_format(&vip->prefix, buf, sizeof(buf)),
			    rtnl_errmsg(&v->eng->rtnl));
}

void vrrp_vips_all(struct vrrp_inst *v, bool add)
{
	const struct vrrp_instance_conf *c = v->conf;
	for (size_t i = 0; i < c->vips.n; i++)
		vip_apply(v, &c->vips.v[i], add);
	for (size_t i = 0; i < c->evips.n; i++)
		vip_apply(v, &c->evips.v[i], add);
	v->vips_added = add;
	log_info_i(c->name, "%s %zu virtual address(es)", add ? "added" : "removed",
		   c->vips.n + c->evips.n);
}

void vrrp_vips_cleanup_stale(struct vrrp_inst *v)
{
	/* A killed run leaves its VIPs behind; we start BACKUP, so nothing of
	 * ours may stay until the election says so.  Absent ones are fine. */
	const struct vrrp_instance_conf *c = v->conf;
	for (size_t i = 0; i < c->vips.n; i++)
		vip_apply(v, &c->vips.v[i], false);
	for (size_t i = 0; i < c->evips.n; i++)
		vip_apply(v, &c->evips.v[i], false);
}

static bool same_vip(const struct vip_conf *a, const struct vip_conf *b)
{
	if (!addr_equal(&a->prefix.addr, &b->prefix.addr) || a->prefix.len != b->prefix.len)
		return false;
	if (!a->dev || !b->dev)
		return a->dev == b->dev;
	return strcmp(a->dev, b->dev) == 0;
}

static bool has_vip(const struct vrrp_instance_conf *c, const struct vip_conf *x)
{
	for (size_t i = 0; i < c->vips.n; i++)
		if (same_vip(&c->vips.v[i], x))
			return true;
	for (size_t i = 0; i < c->evips.n; i++)
		if (same_vip(&c->evips.v[i], x))
			return true;
	return false;
}

static void diff_apply(struct vrrp_inst *v, const vip_vec *list,
		       const struct vrrp_instance_conf *other, bool add)
{
	for (size_t i = 0; i < list->n; i++)
		if (!has_vip(other, &list->v[i]))
			vip_apply(v, &list->v[i], add);
}

void vrrp_vips_reload(struct vrrp_inst *v, const struct vrrp_instance_conf *oldc,
		      const struct vrrp_instance_conf *newc)
{
	diff_apply(v, &oldc->vips, newc, false);
	diff_apply(v, &oldc->evips, newc, false);
	diff_apply(v, &newc->vips, oldc, true);
	diff_apply(v, &newc->evips, oldc, true);
}

/* ---- GARP / NA ---------------------------------------------------------- */

static void announce(struct vrrp_inst *v, const struct vip_conf *vip, int router)
{
	uint8_t mac[ARP_NA_MAC_LEN];
	int ifindex = vip_ifindex(v, vip, mac);
	if (!ifindex || !v->eng->garp_ok)
		return;
	int r;
	if (vip->prefix.addr.family == AF_INET) {
		r = garp_send_arp(&v->eng->garp, ifindex, mac, vip->prefix.addr.v4);
		if (r == 0)
			v->garp_sent++;
	} else {
		r = garp_send_na(&v->eng->garp, ifindex, mac, &vip->prefix.addr.v6,
				 &vip->prefix.addr.v6, router > 0);
		if (r == 0)
			v->na_sent++;
	}
	if (r < 0 && v->garp_errors++ == 0)
		log_warn_i(v->conf->name, "cannot announce a VIP: %s", v->eng->garp.err);
}

void vrrp_garp_burst(struct vrrp_inst *v, int repeat)
{
	const struct vrrp_instance_conf *c = v->conf;
	if (!c)
		return;
	int router = garp_ipv6_forwarding(c->interface);
	for (int r = 0; r < repeat; r++) {
		for (size_t i = 0; i < c->vips.n; i++)
			announce(v, &c->vips.v[i], router);
		for (size_t i = 0; i < c->evips.n; i++)
			announce(v, &c->evips.v[i], router);
	}
}

static void garp_reschedule(struct vrrp_inst *v)
{
	uint64_t a = v->garp_second_us, b = v->garp_refresh_us;
	vrrp_engine_schedule_garp(v, a && (!b || a < b) ? a : b);
}

void vrrp_garp_timer(struct vrrp_inst *v, uint64_t now)
{
	const struct vrrp_instance_conf *c = v->conf;
	bool master = c && v->fsm.state == VRRP_STATE_MASTER;
	if (v->garp_second_us && v->garp_second_us <= now) {
		v->garp_second_us = 0;
		if (master)
			vrrp_garp_burst(v, v->garp_pending_repeat);
	}
	if (v->garp_refresh_us && v->garp_refresh_us <= now) {
		uint64_t every = c ? c->garp_master_refresh_us : 0;
		/* On the original schedule, unless the loop fell more than
		 * a period behind. */
		v->garp_refresh_us = every && master ? v->garp_refresh_us + every : 0;
		if (v->garp_refresh_us && v->garp_refresh_us <= now)
			v->garp_refresh_us = now + every;
		if (master)
			vrrp_garp_burst(v, c->garp_master_refresh_repeat > 0
					       ? c->garp_master_refresh_repeat : 1);
	}
	garp_reschedule(v);
}

void vrrp_garp_start(struct vrrp_inst *v, enum vrrp_garp_kind kind)
{
	const struct vrrp_instance_conf *c = v->conf;
	bool takeover = kind == VRRP_GARP_TAKEOVER;
	int repeat = takeover ? c->garp_master_repeat : c->garp_lower_prio_repeat;
	uint64_t delay = takeover ? c->garp_master_delay_us : c->garp_lower_prio_delay_us;
	if (repeat < 0)
		repeat = 5;
	if (delay == HALO_UNSET_US)
		delay = 5000000;
	vrrp_garp_burst(v, repeat);
	uint64_t now = clock_mono_us();
	/* keepalived: the same number again after garp_master_delay, for
	 * switches that missed the first burst while learning the port. */
	if (delay > 0 && repeat > 0) {
		v->garp_pending_repeat = repeat;
		v->garp_second_us = now + delay;
	}
	uint64_t refresh = c->garp_master_refresh_us;
	if (takeover && refresh && refresh != HALO_UNSET_US)
		v->garp_refresh_us = now + refresh;
	garp_reschedule(v);
}

void vrrp_garp_stop(struct vrrp_inst *v)
{
	v->garp_second_us = v->garp_refresh_us = 0;
	vrrp_engine_schedule_garp(v, 0);
}

static bool tracked_match(struct vrrp_inst *v, const vip_vec *vec, const struct rtnl_addr *a)
{
	for (size_t i = 0; i < vec->n; i++) {
		const struct vip_conf *vip = &vec->v[i];
		if (!vip->no_track && addr_equal(&vip->prefix.addr, &a->prefix.addr) &&
		    vip->prefix.len == a->prefix.len && vip_ifindex(v, vip, NULL) == a->ifindex)
			return true;
	}
	return false;
}

bool vrrp_vip_tracked(struct vrrp_inst *v, const struct rtnl_addr *a)
{
	if (!v->vips_added || !v->conf)
		return false;
	return tracked_match(v, &v->conf->vips, a) || tracked_match(v, &v->conf->evips, a);
}

