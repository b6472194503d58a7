/* One VRRP instance at run time: glue between its state machine and the
 * kernel.  Events come from the socket layer (adverts), the instance's own
 * timer and the engine (link changes, reload, stop); the FSM's actions are
 * carried out here, in the order it returns them. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "vrrp/vrrp_instance.h"
#include "vrrp/vrrp_routes.h"
#include "vrrp/vrrp_timer.h"
#include "vrrp/vrrp_tracking.h"
#include "vrrp/vrrp_vmac.h"

static struct halo_addr group_addr(const struct vrrp_inst *v)
{
	if (addr_is_set(&v->conf->mcast_dst_ip))
		return v->conf->mcast_dst_ip;
	if (v->conf->family == AF_INET) {
		struct halo_addr g4 = { .family = AF_INET };
		g4.v4.s_addr = htonl(0xe0000012); /* 224.0.0.18 */
		return g4;
	}
	struct halo_addr g = { .family = AF_INET6 };
	g.v6.s6_addr[0] = 0xff;
	g.v6.s6_addr[1] = 0x02;
	g.v6.s6_addr[15] = 0x12;
	return g;
}

/* ---- the precise timer ---------------------------------------------------- */

static void inst_event_at(struct vrrp_inst *v, const struct vrrp_event *ev, uint64_t now);

static void rearm(struct vrrp_inst *v)
{
	vrrp_engine_schedule(v, vrrp_fsm_next_deadline(&v->fsm));
}

uint64_t vrrp_inst_adver_slack_us(const struct vrrp_inst *v)
{
	if (v->fsm.state != VRRP_STATE_MASTER || !v->fsm.adver_timer_us)
		return 0;
	uint64_t s = v->fsm.cfg.adver_int_us / 500;
	return s < VRRP_ADVER_SLACK_MAX_US ? s : VRRP_ADVER_SLACK_MAX_US;
}

void vrrp_inst_timer(struct vrrp_inst *v, uint64_t now)
{
	uint64_t due = v->titem.key;
	if (due && now >= due) {
		uint64_t late = now - due;
		v->tstats.fires++;
		v->tstats.late_sum_us += late;
		if (late > v->tstats.late_max_us)
			v->tstats.late_max_us = late;
	}
	struct vrrp_event ev = { 0 };
	if (v->fsm.master_down_timer_us && v->fsm.master_down_timer_us <= now) {
		if (v->group >= 0 && v->fsm.state == VRRP_STATE_BACKUP &&
		    !vrrp_tracking_may_take_over(v)) {
			/* A sync group goes MASTER only when every member
			 * wants to: wait for the others (the last one to
			 * want it takes the group along). */
			v->want_master = true;
			v->fsm.master_down_timer_us = now + vrrp_fsm_master_down_interval_us(&v->fsm);
		} else {
			ev.type = VRRP_EV_MASTER_DOWN_TIMER;
			vrrp_inst_event(v, &ev);
		}
	}
	uint64_t adv = v->fsm.adver_timer_us;
	/* A MASTER's periodic advert changes nothing else: it may wait in
	 * its socket's queue for the others of this wake-up (one sendmmsg). */
	v->eng->tx_batching = v->fsm.state == VRRP_STATE_MASTER;
	if (adv && adv <= now) {
		ev.type = VRRP_EV_ADVER_TIMER;
		vrrp_inst_event(v, &ev);
	} else if (adv && adv <= now + vrrp_inst_adver_slack_us(v)) {
		/* Sent with the others due within the slack, as if at its
		 * deadline: the next one stays on the same grid. */
		ev.type = VRRP_EV_ADVER_TIMER;
		inst_event_at(v, &ev, adv);
	}
	v->eng->tx_batching = false;
	rearm(v);
}

/* ---- sending ---------------------------------------------------------------- */

/* PASS data: the password, zero padded to 8 bytes (not NUL terminated). */
static void pass_copy(uint8_t out[VRRP_AUTH_DATA_LEN], const char *pass)
{
	size_t n = strlen(pass);
	memset(out, 0, VRRP_AUTH_DATA_LEN);
	memcpy(out, pass, n < VRRP_AUTH_DATA_LEN ? n : VRRP_AUTH_DATA_LEN);
}

static void fill_advert(const struct vrrp_inst *v, uint8_t priority, struct vrrp_adv *adv)
{
	const struct vrrp_instance_conf *c = v->conf;
	/* The header fields only: addrs[] is 5 KiB and only `count` of its
	 * entries are ever read; clearing it all cost more than the send. */
	memset(adv, 0, offsetof(struct vrrp_adv, addrs));
	memset(adv->auth_data, 0, sizeof(adv->auth_data));
	adv->version = (uint8_t)c->version;
	adv->vrid = (uint8_t)c->vrid;
	adv->priority = priority;
	adv->family = (sa_family_t)c->family;
	for (size_t i = 0; i < c->vips.n && adv->count < VRRP_MAX_ADDRS; i++)
		if (c->vips.v[i].prefix.addr.family == c->family)
			adv->addrs[adv->count++] = c->vips.v[i].prefix.addr;
	if (c->version == 2) {
		adv->adver_int = vrrp_v2_adver_int_field(c->advert_int_us);
		adv->auth_type = (uint8_t)(c->auth_type == VRRP_AUTH_PASS ? VRRP_AUTH_PASS : 0);
		if (c->auth_type == VRRP_AUTH_PASS && c->auth_pass)
			pass_copy(adv->auth_data, c->auth_pass);
	} else {
		adv->max_adver_int = vrrp_v3_adver_int_field(c->advert_int_us);
	}
}

static void send_one(struct vrrp_inst *v, const struct vrrp_adv *adv,
		     const struct halo_addr *dst, int ttl)
{
	struct vrrp_tx_opts o = { .family = (sa_family_t)v->conf->family, .src = v->primary,
				  .dst = *dst, .v3_csum_msg = v->conf->v3_checksum_as_v2 };
	uint8_t buf[VRRP_PKT_MAX];
	ssize_t n = vrrp_pkt_encode(adv, &o, buf, sizeof(buf));
	if (n < 0) {
		/* e.g. an IPv6 instance without an IPv6 VIP (Count 0 is invalid). */
		if (v->send_errors++ == 0)
			log_warn_i(v->conf->name, "cannot encode an advert from this configuration");
		return;
	}
	int r = v->eng->tx_batching
		? vrrp_sock_queue(v->sock, v, buf, (size_t)n, &v->primary, dst, ttl)
		: vrrp_sock_send(v->sock, buf, (size_t)n, &v->primary, dst, ttl);
	if (r < 0)
		vrrp_inst_send_failed(v, r);
}

void vrrp_inst_send_failed(struct vrrp_inst *v, int err)
{
	/* Logged once per run of failures, not per advert. */
	if (v->send_errors++ == 0 && v->conf)
		log_warn_i(v->conf->name, "cannot send an advert: %s", strerror(-err));
}

static void send_advert(struct vrrp_inst *v, uint8_t priority)
{
	if (!v->sock)
		return;
	struct vrrp_adv adv;
	fill_advert(v, priority, &adv);
	const struct vrrp_instance_conf *c = v->conf;
	if (c->unicast_peers.n) {
		for (size_t i = 0; i < c->unicast_peers.n; i++)
			send_one(v, &adv, &c->unicast_peers.v[i].addr,
				 c->unicast_ttl > 0 ? c->unicast_ttl : VRRP_TTL);
	} else {
		struct halo_addr g = group_addr(v);
		send_one(v, &adv, &g, VRRP_TTL);
	}
}

/* ---- actions ---------------------------------------------------------------- */

static void notify(struct vrrp_inst *v, const struct vrrp_action *a)
{
	v->last_wall = time(NULL);
	v->last_from = a->prev_state;
	v->last_to = a->state;
	v->last_reason = a->reason;
	v->want_master = false;
	log_info_i(v->conf->name, "%s -> %s (%s)", vrrp_state_str(a->prev_state),
		   vrrp_state_str(a->state), vrrp_reason_str(a->reason));
	if (a->prev_state == VRRP_STATE_MASTER)
		vrrp_garp_stop(v);
	vrrp_tracking_transition(v, a->prev_state, a->state);
}

/* Adverts go out first, in the FSM's order among themselves: they are
 * what the peers time their Master_Down_Timer against, and adding VIPs
 * through netlink first would delay a take-over advert by the time the
 * kernel takes to add them (RFC 5798 §6.4.2 also lists "send an
 * ADVERTISEMENT" before the gratuitous ARPs). */
static void send_adverts(struct vrrp_inst *v, const struct vrrp_actions *acts)
{
	for (size_t i = 0; i < acts->n; i++) {
		if (acts->v[i].type == VRRP_ACT_SEND_ADVERT)
			send_advert(v, v->fsm.priority);
		else if (acts->v[i].type == VRRP_ACT_SEND_ADVERT_PRIO0)
			send_advert(v, VRRP_PRIO_STOP);
	}
}

static void apply(struct vrrp_inst *v, const struct vrrp_actions *acts)
{
	send_adverts(v, acts);
	for (size_t i = 0; i < acts->n; i++) {
		const struct vrrp_action *a = &acts->v[i];
		switch (a->type) {
		case VRRP_ACT_ADD_VIPS:
			vrrp_vips_all(v, true);
			vrrp_routes_all(v, true);
			break;
		case VRRP_ACT_REMOVE_VIPS:
			/* -V: leave the kernel state as it is on the way out. */
			if (!(v->eng->stopping && v->eng->env->dont_release)) {
				vrrp_routes_all(v, false);
				vrrp_vips_all(v, false);
			}
			break;
		case VRRP_ACT_SEND_GARP:
			vrrp_garp_start(v, a->garp);
			break;
		case VRRP_ACT_NOTIFY:
			notify(v, a);
			break;
		default:
			/* Adverts are sent above; timers: the FSM keeps the
			 * deadlines and rearm() follows them. */
			break;
		}
	}
}

static void inst_event_at(struct vrrp_inst *v, const struct vrrp_event *ev, uint64_t now)
{
	struct vrrp_actions acts;
	if (vrrp_fsm_handle(&v->fsm, ev, now, &acts))
		apply(v, &acts);
	else
		log_debug_i(LOGC_VRRP, v->conf->name, "event %s ignored in %s",
			    vrrp_event_str(ev->type), vrrp_state_str(v->fsm.state));
	rearm(v);
}

void vrrp_inst_event(struct vrrp_inst *v, const struct vrrp_event *ev)
{
	inst_event_at(v, ev, clock_mono_us());
}

/* ---- receiving -------------------------------------------------------------- */

static void rx_ctx(const struct vrrp_inst *v, const struct halo_addr *src,
		   const struct halo_addr *dst, int ttl, struct vrrp_v2_expect *v2,
		   struct vrrp_rx_ctx *ctx)
{
	const struct vrrp_instance_conf *c = v->conf;
	memset(ctx, 0, sizeof(*ctx));
	ctx->family = (sa_family_t)c->family;
	ctx->src = *src;
	ctx->dst = *dst;
	ctx->ttl = ttl;
	ctx->is_multicast = addr_is_multicast(dst);
	ctx->versions = c->version == 2 ? VRRP_VER2_BIT : VRRP_VER3_BIT;
	ctx->v3_ipv4_csum = VRRP_CSUM_ACCEPT_EITHER;
	ctx->vrid = (uint8_t)c->vrid;
	if (c->version == 2 && c->family == AF_INET) {
		memset(v2, 0, sizeof(*v2));
		v2->auth_type = (uint8_t)(c->auth_type == VRRP_AUTH_PASS ? VRRP_AUTH_PASS : 0);
		if (c->auth_type == VRRP_AUTH_PASS && c->auth_pass)
			pass_copy(v2->auth_data, c->auth_pass);
		v2->adver_int = vrrp_v2_adver_int_field(c->advert_int_us);
		ctx->v2 = v2;
	}
	/* Unicast peers may be routed: keepalived's per-peer TTL range. */
	for (size_t i = 0; !ctx->is_multicast && i < c->unicast_peers.n; i++)
		if (addr_equal(&c->unicast_peers.v[i].addr, src)) {
			ctx->check_ttl_range = true;
			ctx->min_ttl = (uint8_t)c->unicast_peers.v[i].min_ttl;
			ctx->max_ttl = (uint8_t)c->unicast_peers.v[i].max_ttl;
		}
}

/* keepalived's check_unicast_src: with unicast peers, only they count. */
static bool from_peer(const struct vrrp_instance_conf *c, const struct halo_addr *src)
{
	if (c->check_unicast_src != 1 || !c->unicast_peers.n)
		return true;
	for (size_t i = 0; i < c->unicast_peers.n; i++)
		if (addr_equal(&c->unicast_peers.v[i].addr, src))
			return true;
	return false;
}

static bool addr_list_ok(struct vrrp_inst *v, const struct vrrp_adv *adv)
{
	/* The addresses our own advert would carry (as fill_advert() picks
	 * them), without building one. */
	struct halo_addr ours[VRRP_MAX_ADDRS];
	const struct vrrp_instance_conf *c = v->conf;
	size_t n = 0;
	for (size_t i = 0; i < c->vips.n && n < VRRP_MAX_ADDRS; i++)
		if (c->vips.v[i].prefix.addr.family == c->family)
			ours[n++] = c->vips.v[i].prefix.addr;
	return vrrp_adv_check_addrs(adv, ours, n) == VRRP_DROP_NONE;
}

void vrrp_inst_rx(struct vrrp_inst *v, const uint8_t *msg, size_t len,
		  const struct halo_addr *src, const struct halo_addr *dst, int ttl)
{
	struct vrrp_rx_ctx ctx;
	struct vrrp_v2_expect v2;
	static struct vrrp_adv adv; /* 4 KiB: kept off the stack; the loop is single-threaded */
	if (addr_equal(src, &v->primary)) {
		vrrp_rx_count_drop(&v->rx, VRRP_DROP_OWN);
		return;
	}
	if (!from_peer(v->conf, src)) {
		v->unicast_src_drops++;
		return;
	}
	rx_ctx(v, src, dst, ttl, &v2, &ctx);
	enum vrrp_drop r = vrrp_pkt_decode_count(msg, len, &ctx, &adv, &v->rx);
	if (r != VRRP_DROP_NONE) {
		log_debug_i(LOGC_VRRP, v->conf->name, "dropped advert: %s",
			    vrrp_drop_reason_desc(r));
		return;
	}
	if (v->conf->skip_check_adv_addr != 1 && adv.priority != VRRP_PRIO_STOP &&
	    !addr_list_ok(v, &adv)) {
		/* A MAY of RFC 3768 §7.1: logged and counted, never acted on. */
		if (v->addr_list_mismatch++ == 0)
			log_notice_i(v->conf->name, "advert address list differs from ours");
		vrrp_rx_count_drop(&v->rx, VRRP_DROP_ADDR_LIST);
	}
	struct vrrp_event ev = { .type = VRRP_EV_ADV_RECEIVED };
	ev.adv.priority = adv.priority;
	ev.adv.src = *src;
	ev.adv.interval_us = vrrp_adv_interval_us(&adv);
	/* A master this instance accepts: it no longer wants to take over. */
	if (adv.priority != VRRP_PRIO_STOP &&
	    (adv.priority >= v->fsm.priority || v->conf->nopreempt))
		v->want_master = false;
	bool was_master = v->fsm.state == VRRP_STATE_MASTER;
	vrrp_inst_event(v, &ev);
	if (was_master && v->fsm.state == VRRP_STATE_MASTER && adv.priority != VRRP_PRIO_STOP &&
	    adv.priority < v->fsm.priority)
		vrrp_tracking_rx_lower_pri(v, adv.priority);
}

/* ---- life cycle ------------------------------------------------------------- */

static void fsm_config(const struct vrrp_engine *eng, const struct vrrp_instance_conf *c,
		       const struct halo_addr *primary, struct vrrp_fsm_config *fc)
{
	vrrp_fsm_config_default(fc);
	fc->version = (uint8_t)c->version;
	fc->priority = (uint8_t)c->priority;
	fc->adver_int_us = c->version == 2
		? vrrp_s_to_us(vrrp_v2_adver_int_field(c->advert_int_us))
		: vrrp_cs_to_us(vrrp_v3_adver_int_field(c->advert_int_us));
	fc->primary = *primary;
	fc->preempt = !c->nopreempt;
	fc->preempt_delay_us = c->preempt_delay_us;
	fc->init_master = c->state == VRRP_CONF_MASTER;
	fc->lower_prio_readvert = c->lower_prio_no_advert != 1;
	fc->higher_prio_send_advert = c->higher_prio_send_advert == 1;
	if (c->down_timer_adverts > 0)
		fc->down_timer_adverts = (uint8_t)c->down_timer_adverts;
	/* The instance's place in its configuration deals it a phase. */
	const struct vrrp_model *m = &eng->cfg->vrrp;
	fc->adver_phased = vrrp_adver_phase_us((size_t)(c - m->instances.v), m->instances.n,
					       fc->adver_int_us, &fc->adver_phase_us);
}

struct vrrp_inst *vrrp_inst_new(struct vrrp_engine *eng, const struct vrrp_instance_conf *c)
{
	struct vrrp_inst *v = calloc(1, sizeof(*v));
	if (!v)
		abort();
	v->eng = eng;
	v->conf = c;
	v->notify_h = -1;
	v->group = -1;
	vrrp_tracking_inst_init(v);
	return v;
}

/* Our source address: unicast_src_ip / mcast_src_ip when given, otherwise
 * the interface's primary IPv4 address or its IPv6 link-local address. */
struct primary_walk {
	const struct vrrp_inst *v;
	struct halo_addr found;
};

static bool is_vip(const struct vrrp_instance_conf *c, const struct halo_addr *a)
{
	for (size_t i = 0; i < c->vips.n; i++)
		if (addr_equal(&c->vips.v[i].prefix.addr, a))
			return true;
	return false;
}

static int primary_cb(const struct rtnl_addr *a, void *arg)
{
	struct primary_walk *w = arg;
	const struct halo_addr *ad = &a->prefix.addr;
	/* An address owner's VIP is its own interface address (RFC 5798 §1). */
	if (w->v->conf->priority != VRRP_PRIO_OWNER && is_vip(w->v->conf, ad))
		return 0;
	if (ad->family == AF_INET && !(a->flags & 0x01 /* IFA_F_SECONDARY */)) {
		w->found = *ad;
		return 1;
	}
	if (ad->family == AF_INET6 && addr_is_v6_linklocal(ad)) {
		w->found = *ad;
		return 1;
	}
	return 0;
}

static bool find_primary(struct vrrp_inst *v)
{
	const struct vrrp_instance_conf *c = v->conf;
	if (addr_is_set(&c->unicast_src_ip) && c->unicast_src_ip.family == c->family) {
		v->primary = c->unicast_src_ip;
		return true;
	}
	if (addr_is_set(&c->mcast_src_ip) && c->mcast_src_ip.family == c->family) {
		v->primary = c->mcast_src_ip;
		return true;
	}
	struct primary_walk w = { .v = v };
	if (v->eng->rtnl_ok && v->ifindex)
		rtnl_addr_list(&v->eng->rtnl, vrrp_vmac_base_ifindex(v), c->family, primary_cb, &w);
	v->primary = w.found;
	return addr_is_set(&w.found);
}

/* Looks the interface up and opens the socket; false when it is missing
 * (the instance then waits in FAULT for it to appear). */
static bool attach(struct vrrp_inst *v)
{
	struct rtnl_link l;
	if (!v->eng->rtnl_ok || rtnl_link_get_by_name(&v->eng->rtnl, v->conf->interface, &l) < 0)
		return false;
	v->ifindex = l.ifindex;
	memcpy(v->mac, l.mac, l.mac_len >= ARP_NA_MAC_LEN ? ARP_NA_MAC_LEN : 0);
	v->link_usable = rtnl_link_usable(&l);
	v->sock = vrrp_sock_get(v->eng, v->conf->family, v->ifindex, v->conf->interface);
	if (v->sock)
		vrrp_vmac_attach(v);
	return v->sock != NULL;
}

void vrrp_inst_start(struct vrrp_inst *v)
{
	const struct vrrp_instance_conf *c = v->conf;
	bool ok = attach(v);
	bool have_primary = ok && find_primary(v);
	if (ok && !have_primary)
		log_warn_i(c->name, "%s has no %s address to send from", c->interface,
			   c->family == AF_INET ? "IPv4" : "IPv6 link-local");
	if (!ok)
		log_warn_i(c->name, "interface %s is missing: FAULT", c->interface);
	if (ok && c->priority != VRRP_PRIO_OWNER) {
		vrrp_vips_cleanup_stale(v);
		vrrp_routes_cleanup_stale(v);
	}
	struct vrrp_fsm_config fc;
	fsm_config(v->eng, c, &v->primary, &fc);
	vrrp_fsm_init(&v->fsm, &fc);
	/* Trackers already read (interfaces, init_fail scripts) count from
	 * the first advert on; the owner's 255 is never moved by weights. */
	if (v->ts.priority != v->fsm.priority)
		v->fsm.priority = (uint8_t)v->ts.priority;
	if (!ok || !have_primary || !v->link_usable)
		v->in_fault = true;
	/* Faulty from the start: INIT -> FAULT directly, so no BACKUP is
	 * notified for an instance that never ran; FAULT_CLEARED later
	 * starts it exactly as STARTUP would. */
	struct vrrp_event ev = { .type = VRRP_EV_STARTUP };
	if (v->in_fault || v->track_fault) {
		ev.type = VRRP_EV_FAULT;
		v->fault_fed = true;
	}
	vrrp_inst_event(v, &ev);
}

void vrrp_inst_set_fault(struct vrrp_inst *v)
{
	bool want = v->in_fault || v->track_fault || v->group_fault;
	if (want == v->fault_fed)
		return;
	v->fault_fed = want;
	struct vrrp_event ev = { .type = want ? VRRP_EV_FAULT : VRRP_EV_FAULT_CLEARED };
	vrrp_inst_event(v, &ev);
}

void vrrp_inst_link_changed(struct vrrp_inst *v, bool usable)
{
	v->link_usable = usable;
	if (!addr_is_set(&v->primary) && usable && find_primary(v))
		v->fsm.cfg.primary = v->primary;
	bool fault = !usable || !addr_is_set(&v->primary);
	if (fault == v->in_fault)
		return;
	v->in_fault = fault;
	log_info_i(v->conf->name, "interface %s %s", v->conf->interface,
		   fault ? "is down: FAULT" : "is usable again");
	vrrp_inst_set_fault(v);
}

void vrrp_inst_addr_removed(struct vrrp_inst *v, const struct rtnl_addr *ra)
{
	const struct halo_addr *a = &ra->prefix.addr;
	if (v->fsm.state == VRRP_STATE_MASTER && vrrp_vip_tracked(v, ra)) {
		char buf[HALO_ADDRSTRLEN];
		log_warn_i(v->conf->name,
			   "virtual address %s was removed by someone else: leaving MASTER "
			   "(no_track on the address would keep it)",
			   prefix_format(&ra->prefix, buf, sizeof(buf)));
		struct vrrp_event ev = { .type = VRRP_EV_VIP_DELETED };
		vrrp_inst_event(v, &ev);
	}
	if (vrrp_vmac_base_ifindex(v) != ra->ifindex || !addr_equal(a, &v->primary))
		return;
	char was[INET6_ADDRSTRLEN], now[INET6_ADDRSTRLEN];
	addr_format(a, was, sizeof(was));
	memset(&v->primary, 0, sizeof(v->primary));
	if (find_primary(v)) {
		/* The source of our adverts and the tie-break address move on
		 * together, as keepalived's do. */
		v->fsm.cfg.primary = v->primary;
		addr_format(&v->primary, now, sizeof(now));
		log_notice_i(v->conf->name, "source address %s removed from %s: sending from %s",
			     was, v->conf->interface, now);
		return;
	}
	log_warn_i(v->conf->name, "source address %s removed from %s and no other left: FAULT",
		   was, v->conf->interface);
	vrrp_inst_link_changed(v, v->link_usable);
}

void vrrp_inst_link_gone(struct vrrp_inst *v)
{
	vrrp_inst_link_changed(v, false);
	/* The socket is bound to an ifindex that no longer exists. */
	vrrp_sock_put(v->sock);
	v->sock = NULL;
	v->ifindex = 0;
}

void vrrp_inst_link_appeared(struct vrrp_inst *v)
{
	if (v->sock || !attach(v))
		return;
	memset(&v->primary, 0, sizeof(v->primary));
	if (find_primary(v))
		v->fsm.cfg.primary = v->primary;
	log_info_i(v->conf->name, "interface %s appeared", v->conf->interface);
	vrrp_inst_link_changed(v, v->link_usable);
}

void vrrp_inst_reconf(struct vrrp_inst *v, const struct vrrp_instance_conf *c)
{
	const struct vrrp_instance_conf *old = v->conf;
	if (v->vips_added) {
		vrrp_vips_reload(v, old, c);
		vrrp_routes_reload(v, old, c);
	}
	v->conf = c;
	/* Trackers keep their results; the set now points into the new
	 * config and carries the new base priority. */
	vrrp_tracking_inst_reconf(v);
	/* Keep the state, the timers and the counters; take the new
	 * parameters (the effective priority through a PRIORITY_CHANGED
	 * event, so a MASTER that now loses, or a BACKUP that now wins, acts
	 * at once). */
	if (v->ifindex && find_primary(v))
		v->fsm.cfg.primary = v->primary; /* unicast_src_ip may have changed */
	struct vrrp_fsm_config fc;
	fsm_config(v->eng, c, &v->fsm.cfg.primary, &fc);
	v->fsm.cfg = fc;
	uint8_t old_prio = v->fsm.priority;
	if (old_prio != (uint8_t)v->ts.priority) {
		struct vrrp_event ev = { .type = VRRP_EV_PRIORITY_CHANGED };
		ev.prio.priority = (uint8_t)v->ts.priority;
		log_info_i(c->name, "priority %u -> %d", old_prio, v->ts.priority);
		vrrp_inst_event(v, &ev);
	}
	vrrp_inst_set_fault(v);
}

void vrrp_inst_stop(struct vrrp_inst *v)
{
	struct vrrp_event ev = { .type = VRRP_EV_SHUTDOWN };
	vrrp_inst_event(v, &ev);
	vrrp_vmac_detach(v);
	vrrp_tracking_inst_fini(v);
	vrrp_garp_stop(v);
	vrrp_sock_put(v->sock);
	v->sock = NULL;
	v->conf = NULL;
	/* Out of the engine's heaps, VRID tables and send queues: nothing
	 * refers to the instance any more, and it owns no handle to wait for. */
	vrrp_sock_flush_all(v->eng);
	vrrp_engine_schedule(v, 0);
	vrrp_engine_schedule_garp(v, 0);
	v->eng->inst_gen++;
	free(v);
}
