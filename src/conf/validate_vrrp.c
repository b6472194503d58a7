/* Whole-configuration checks for the VRRP side, after every section has
 * been parsed.
 *
 * First, inherited settings are resolved into each instance (version from
 * vrrp_version, garp timings, check_unicast_src, skip_check_adv_addr,
 * strict_mode, lower/higher priority advert flags, smtp_alert, tracker
 * weights from their vrrp_script / track_file / vrrp_track_process), so
 * the model and its dump show what each instance will actually use.
 *
 * Then the checks keepalived makes at start-up, each naming a line.  An
 * error that makes keepalived drop an instance (no VRID, no interface,
 * duplicate VRID) sets `invalid` on it; errors where keepalived corrects a
 * value and runs are errors here too (exit code 4) but leave the instance
 * valid with the corrected value.  Nothing here is DIAG_FATAL. */
#include "conf/sec_vrrp.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define V3_ADVERT_MAX_US 40950000LL
#define CS_US 10000LL /* one centisecond */

static const char *loc_file(const struct cf_loc *l)
{
	return l->file ? l->file : "?";
}

static const char *ipv(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* ---- resolution of inherited settings ---------------------------------- */

static void resolve_garp(struct vrrp_instance_conf *v, const struct global_conf *g)
{
	if (v->garp_master_delay_us == HALO_UNSET_US)
		v->garp_master_delay_us = g->vrrp_garp_master_delay_us;
	if (v->garp_master_repeat < 0)
		v->garp_master_repeat = g->vrrp_garp_master_repeat;
	/* The lower-priority burst defaults to the global setting when one is
	 * given, else to this instance's takeover burst. */
	if (v->garp_lower_prio_delay_us == HALO_UNSET_US)
		v->garp_lower_prio_delay_us = g->vrrp_garp_lower_prio_delay_us != HALO_UNSET_US
			? g->vrrp_garp_lower_prio_delay_us : v->garp_master_delay_us;
	if (v->garp_lower_prio_repeat < 0)
		v->garp_lower_prio_repeat = g->vrrp_garp_lower_prio_repeat >= 0
			? g->vrrp_garp_lower_prio_repeat : v->garp_master_repeat;
	if (v->garp_master_refresh_us == HALO_UNSET_US)
		v->garp_master_refresh_us = g->vrrp_garp_master_refresh_us;
	if (v->garp_master_refresh_repeat < 0)
		v->garp_master_refresh_repeat = g->vrrp_garp_master_refresh_repeat;
	if (v->garp_extra_if < 0) {
		v->garp_extra_if = g->vrrp_garp_extra_if;
		v->garp_extra_if_all = g->vrrp_garp_extra_if_all;
	}
	if (!v->down_timer_adverts)
		v->down_timer_adverts = g->vrrp_down_timer_adverts;
}

static void resolve_flags(struct vrrp_instance_conf *v, const struct global_conf *g)
{
	bool ttl_check = false;
	for (size_t i = 0; i < v->unicast_peers.n; i++)
		if (v->unicast_peers.v[i].min_ttl != 0 || v->unicast_peers.v[i].max_ttl != 255)
			ttl_check = true;
	/* A peer TTL range only makes sense when the source is checked. */
	if (ttl_check)
		v->check_unicast_src = true;
	tri_resolve(&v->check_unicast_src, g->vrrp_check_unicast_src);
	tri_resolve(&v->skip_check_adv_addr, g->vrrp_skip_check_adv_addr);
	tri_resolve(&v->strict_mode, g->vrrp_strict);
	tri_resolve(&v->lower_prio_no_advert, g->vrrp_lower_prio_no_advert || v->strict_mode);
	tri_resolve(&v->higher_prio_send_advert, g->vrrp_higher_prio_send_advert);
	tri_resolve(&v->notify_priority_changes, g->vrrp_notify_priority_changes);
	int smtp = g->smtp_alert_vrrp != TRI_UNSET ? g->smtp_alert_vrrp : g->smtp_alert;
	tri_resolve(&v->smtp_alert, smtp == 1);
	/* keepalived: state MASTER without a priority makes the address owner. */
	if (!v->priority_set && v->state == VRRP_CONF_MASTER)
		v->priority = 255;
	tri_resolve(&v->accept, v->strict_mode ? v->priority == 255 : true);
}

/* The family comes from native_ipv6, else the first VIP, else the first
 * peer or source address; other-family addresses are then rejected. */
static int instance_family(const struct vrrp_instance_conf *v)
{
	if (v->native_ipv6)
		return AF_INET6;
	if (v->vips.n)
		return v->vips.v[0].prefix.addr.family;
	if (v->unicast_peers.n)
		return v->unicast_peers.v[0].addr.family;
	if (addr_is_set(&v->unicast_src_ip))
		return v->unicast_src_ip.family;
	if (addr_is_set(&v->mcast_src_ip))
		return v->mcast_src_ip.family;
	return AF_INET;
}

static void check_families(struct cf_ctx *c, struct vrrp_instance_conf *v)
{
	size_t k = 0;
	for (size_t i = 0; i < v->vips.n; i++) {
		struct vip_conf *p = &v->vips.v[i];
		if (p->prefix.addr.family == v->family) {
			v->vips.v[k++] = *p;
			continue;
		}
		char buf[HALO_ADDRSTRLEN];
		diag_err(c->d, &p->loc, "virtual_ipaddress: %s is %s but %s is %s; ignored"
			 " (use virtual_ipaddress_excluded for the other family)",
			 addr_format(&p->prefix.addr, buf, sizeof(buf)), ipv(p->prefix.addr.family),
			 v->name, ipv(v->family));
	}
	v->vips.n = k;
	k = 0;
	for (size_t i = 0; i < v->unicast_peers.n; i++) {
		struct unicast_peer_conf *p = &v->unicast_peers.v[i];
		if (p->addr.family == v->family) {
			v->unicast_peers.v[k++] = *p;
			continue;
		}
		char buf[HALO_ADDRSTRLEN];
		diag_err(c->d, &p->loc, "unicast_peer: %s is %s but %s is %s; ignored",
			 addr_format(&p->addr, buf, sizeof(buf)), ipv(p->addr.family), v->name,
			 ipv(v->family));
	}
	v->unicast_peers.n = k;
	struct halo_addr *srcs[] = { &v->unicast_src_ip, &v->mcast_src_ip, &v->mcast_dst_ip };
	static const char *names[] = { "unicast_src_ip", "mcast_src_ip", "mcast_dst_ip" };
	for (int i = 0; i < 3; i++)
		if (addr_is_set(srcs[i]) && srcs[i]->family != v->family) {
			diag_err(c->d, &v->loc, "vrrp_instance %s: %s is %s but the instance is %s;"
				 " ignored", v->name, names[i], ipv(srcs[i]->family), ipv(v->family));
			srcs[i]->family = AF_UNSPEC;
		}
}

static void resolve_version(struct cf_ctx *c, struct vrrp_instance_conf *v,
			    const struct global_conf *g)
{
	bool explicit = v->version != 0;
	if (!explicit)
		v->version = g->vrrp_version;
	if (v->family == AF_INET6 && v->version == 2) {
		if (explicit)
			diag_warn(c->d, &v->version_loc, "version: VRRPv2 cannot carry IPv6;"
				  " %s uses version 3", v->name);
		v->version = 3;
	}
}

/* ---- per-instance checks ----------------------------------------------- */

static void check_advert_int(struct cf_ctx *c, struct vrrp_instance_conf *v)
{
	const struct cf_loc *l = v->advert_int_loc.line ? &v->advert_int_loc : &v->loc;
	uint64_t us = v->advert_int_us;
	if (v->version == 2 && us % USEC_PER_SEC) {
		/* VRRPv2 carries whole seconds: round to nearest, at least 1. */
		uint64_t r = (us + USEC_PER_SEC / 2) / USEC_PER_SEC;
		if (!r)
			r = 1;
		v->advert_int_us = r * USEC_PER_SEC;
		diag_warn(c->d, l, "advert_int: VRRPv2 needs whole seconds; %s uses %llu",
			  v->name, (unsigned long long)r);
	} else if (v->version == 3 && us > V3_ADVERT_MAX_US) {
		diag_err(c->d, l, "advert_int: %llu.%02llu seconds is out of range 0.01-40.95"
			 " for VRRPv3; %s uses 40.95", (unsigned long long)(us / USEC_PER_SEC),
			 (unsigned long long)(us % USEC_PER_SEC / CS_US), v->name);
		v->advert_int_us = V3_ADVERT_MAX_US;
	} else if (v->version == 3 && us % CS_US) {
		uint64_t r = (us + CS_US / 2) / CS_US;
		v->advert_int_us = (r ? r : 1) * CS_US;
		diag_warn(c->d, l, "advert_int: VRRPv3 counts in centiseconds; %s uses %llu.%02llu",
			  v->name, (unsigned long long)(v->advert_int_us / USEC_PER_SEC),
			  (unsigned long long)(v->advert_int_us % USEC_PER_SEC / CS_US));
	}
}

static void check_auth(struct cf_ctx *c, struct vrrp_instance_conf *v)
{
	if (v->auth_type == VRRP_AUTH_NONE)
		return;
	const char *why = NULL;
	if (v->version == 3)
		why = "VRRPv3 has no authentication";
	else if (v->strict_mode)
		why = "strict mode does not allow authentication";
	else if (!v->auth_pass)
		why = "no auth_pass given";
	else if (v->auth_type == VRRP_AUTH_AH && v->family == AF_INET6)
		why = "AH authentication does not work with IPv6";
	if (why) {
		diag_warn(c->d, &v->auth_loc, "authentication: ignored for %s: %s", v->name, why);
		v->auth_type = VRRP_AUTH_NONE;
		v->auth_pass = NULL;
	}
}

static void check_preempt(struct cf_ctx *c, struct vrrp_instance_conf *v)
{
	if (v->nopreempt && v->priority == 255) {
		diag_warn(c->d, &v->loc, "vrrp_instance %s: nopreempt has no effect with"
			  " priority 255 (address owner); ignored", v->name);
		v->nopreempt = false;
	} else if (v->nopreempt && v->state == VRRP_CONF_MASTER) {
		diag_warn(c->d, &v->loc, "vrrp_instance %s: nopreempt does not work with"
			  " state MASTER; ignored", v->name);
		v->nopreempt = false;
	}
	if (!v->preempt_delay_us)
		return;
	const char *why = v->nopreempt ? "nopreempt is set"
		: v->state == VRRP_CONF_MASTER ? "state is MASTER"
		: v->strict_mode ? "strict mode does not allow it" : NULL;
	if (why) {
		diag_warn(c->d, &v->preempt_delay_loc, "preempt_delay: ignored for %s: %s",
			  v->name, why);
		v->preempt_delay_us = 0;
	}
}

static void check_interface_exists(struct cf_ctx *c, const char *ifname,
				   const struct cf_loc *loc, const char *what)
{
	/* Interfaces come and go (VLANs, bonds created later): never an error,
	 * and not even a warning when global_defs says so with
	 * dynamic_interfaces, as keepalived does. */
	if (c->cfg->global.dynamic_interfaces)
		return;
	if (ifname && !if_nametoindex(ifname))
		diag_warn(c->d, loc, "%s: interface %s does not exist on this host", what, ifname);
}

/* Devices named by address and route lines, and rules without a
 * priority (keepalived then picks one, rarely the one wanted). */
static void check_lines(struct cf_ctx *c, const vip_vec *vips, const route_vec *routes,
			const rule_vec *rules, const char *prefix)
{
	char kw[64];
	snprintf(kw, sizeof(kw), "%s_ipaddress", prefix);
	for (size_t i = 0; vips && i < vips->n; i++)
		check_interface_exists(c, vips->v[i].dev, &vips->v[i].loc, kw);
	snprintf(kw, sizeof(kw), "%s_routes", prefix);
	for (size_t i = 0; routes && i < routes->n; i++)
		check_interface_exists(c, routes->v[i].dev, &routes->v[i].loc, kw);
	snprintf(kw, sizeof(kw), "%s_rules", prefix);
	for (size_t i = 0; rules && i < rules->n; i++)
		if (rules->v[i].priority < 0)
			diag_warn(c->d, &rules->v[i].loc, "%s: rule has no priority; one will be"
				  " assigned, which is probably not what you want", kw);
}

static void check_transport(struct cf_ctx *c, struct vrrp_instance_conf *v)
{
	if (!v->interface) {
		if (!v->unicast_peers.n) {
			diag_err(c->d, &v->loc, "vrrp_instance %s has no interface", v->name);
			v->invalid = true;
		} else if (!addr_is_set(&v->unicast_src_ip)) {
			diag_err(c->d, &v->loc, "vrrp_instance %s: a unicast instance without"
				 " interface needs unicast_src_ip", v->name);
			v->invalid = true;
		}
	}
	check_interface_exists(c, v->interface, &v->interface_loc, "interface");
	if (v->unicast_peer_given && !v->unicast_peers.n) {
		if (v->unicast_fault_no_peer)
			diag_warn(c->d, &v->unicast_peer_loc, "unicast_peer: the block is empty;"
				  " %s stays in FAULT state (unicast_fault_no_peer)", v->name);
		else
			diag_warn(c->d, &v->unicast_peer_loc, "unicast_peer: the block is empty;"
				  " %s falls back to multicast", v->name);
	}
	if (v->unicast_peers.n && addr_is_set(&v->mcast_dst_ip))
		diag_warn(c->d, &v->loc, "vrrp_instance %s: mcast_dst_ip is ignored with"
			  " unicast_peer", v->name);
	if (v->vmac_xmit_base && !v->use_vmac)
		diag_warn(c->d, &v->loc, "vrrp_instance %s: vmac_xmit_base needs use_vmac;"
			  " ignored", v->name);
}

static void check_strict(struct cf_ctx *c, struct vrrp_instance_conf *v)
{
	if (!v->strict_mode)
		return;
	if (v->unicast_peers.n)
		diag_err(c->d, &v->unicast_peer_loc, "unicast_peer: strict mode does not allow"
			 " unicast peers (%s)", v->name);
	if (!v->vips.n)
		diag_err(c->d, &v->loc, "vrrp_instance %s: strict mode requires at least one"
			 " virtual_ipaddress", v->name);
	if (v->state == VRRP_CONF_MASTER && v->priority != 255)
		diag_warn(c->d, &v->loc, "vrrp_instance %s: strict mode allows state MASTER only"
			  " with priority 255; starting as BACKUP", v->name);
	if (v->state == VRRP_CONF_MASTER && v->priority != 255)
		v->state = VRRP_CONF_BACKUP;
	if (v->family == AF_INET6 && v->vips.n &&
	    !addr_is_v6_linklocal(&v->vips.v[0].prefix.addr))
		diag_err(c->d, &v->vips.v[0].loc, "virtual_ipaddress: strict mode requires the"
			 " first IPv6 address to be link-local (%s)", v->name);
}

static void check_instance(struct cf_ctx *c, struct vrrp_instance_conf *v,
			   const struct global_conf *g)
{
	v->family = instance_family(v);
	check_families(c, v);
	resolve_version(c, v, g);
	resolve_garp(v, g);
	resolve_flags(v, g);
	if (!v->vrid) {
		diag_err(c->d, &v->loc, "vrrp_instance %s has no virtual_router_id", v->name);
		v->invalid = true;
	}
	check_transport(c, v);
	check_advert_int(c, v);
	check_auth(c, v);
	check_preempt(c, v);
	check_strict(c, v);
	if (!v->vips.n && !v->strict_mode)
		diag_warn(c->d, &v->loc, "vrrp_instance %s has no virtual_ipaddress", v->name);
	size_t k = 0;
	for (size_t i = 0; i < v->track_interface.n; i++) {
		struct track_ref *t = &v->track_interface.v[i];
		/* The instance's own interface is always tracked. */
		if (v->interface && !strcmp(t->name, v->interface)) {
			diag_warn(c->d, &t->loc, "track_interface: %s is the interface of %s and"
				  " is always tracked; ignored", t->name, v->name);
			continue;
		}
		check_interface_exists(c, t->name, &t->loc, "track_interface");
		v->track_interface.v[k++] = *t;
	}
	v->track_interface.n = k;
	check_lines(c, &v->vips, &v->routes, &v->rules, "virtual");
	check_lines(c, &v->evips, NULL, NULL, "virtual");
}

/* ---- tracker references ------------------------------------------------ */

/* Looks a tracker up by kind; copies its weight when the line gave none.
 * Returns false when it does not exist. */
static bool resolve_ref(const struct vrrp_model *m, int kind, struct track_ref *t)
{
	int w = 0;
	bool rev = false;
	if (kind == 0) {
		const struct vrrp_script_conf *s = vrrp_find_script(m, t->name);
		if (!s)
			return false;
		w = s->weight;
		rev = s->reverse;
	} else if (kind == 1) {
		const struct track_file_conf *f = vrrp_find_track_file(m, t->name);
		if (!f)
			return false;
		w = f->weight;
		rev = f->reverse;
	} else {
		const struct track_process_conf *p = vrrp_find_track_process(m, t->name);
		if (!p)
			return false;
		w = p->weight;
		rev = p->reverse;
	}
	if (!t->weight_set) {
		t->weight = w;
		t->reverse = t->reverse || rev;
	}
	return true;
}

static void check_refs(struct cf_ctx *c, const struct vrrp_model *m, track_ref_vec *scripts,
		       track_ref_vec *files, track_ref_vec *procs)
{
	static const char *kw[] = { "track_script", "track_file", "track_process" };
	static const char *what[] = { "vrrp_script", "track_file", "vrrp_track_process" };
	track_ref_vec *vecs[] = { scripts, files, procs };
	for (int kind = 0; kind < 3; kind++) {
		track_ref_vec *v = vecs[kind];
		size_t k = 0;
		for (size_t i = 0; i < v->n; i++) {
			if (resolve_ref(m, kind, &v->v[i]))
				v->v[k++] = v->v[i];
			else
				diag_err(c->d, &v->v[i].loc, "%s: no %s named '%s'", kw[kind],
					 what[kind], v->v[i].name);
		}
		v->n = k;
	}
}

/* Weights cannot move an address owner, nor one member of a sync group
 * (its members must change state together): keepalived drops them. */
static void drop_weights(struct cf_ctx *c, struct vrrp_instance_conf *v, const char *why)
{
	track_ref_vec *vecs[] = { &v->track_script, &v->track_file, &v->track_process,
				  &v->track_interface, &v->track_bfd };
	static const char *kw[] = { "track_script", "track_file", "track_process",
				    "track_interface", "track_bfd" };
	for (int k = 0; k < 5; k++)
		for (size_t i = 0; i < vecs[k]->n; i++) {
			struct track_ref *t = &vecs[k]->v[i];
			if (!t->weight)
				continue;
			diag_warn(c->d, &t->loc, "%s: weight of %s ignored in %s: %s", kw[k],
				  t->name, v->name, why);
			t->weight = 0;
		}
}

/* ---- sync groups ------------------------------------------------------- */

static void check_sync_group(struct cf_ctx *c, struct vrrp_model *m,
			     struct vrrp_sync_group_conf *g)
{
	size_t k = 0;
	for (size_t i = 0; i < g->group.n; i++) {
		const char *name = g->group.v[i];
		const struct cf_loc *loc = &g->group_locs.v[i];
		struct vrrp_instance_conf *v = vrrp_find_instance(m, name);
		if (!v) {
			diag_err(c->d, loc, "vrrp_sync_group %s: no vrrp_instance named '%s'",
				 g->name, name);
			continue;
		}
		if (v->sync_group) {
			diag_err(c->d, loc, "vrrp_sync_group %s: %s is already in vrrp_sync_group %s",
				 g->name, name, v->sync_group);
			continue;
		}
		v->sync_group = g->name;
		g->group_locs.v[k] = *loc;
		g->group.v[k++] = g->group.v[i];
	}
	g->group.n = g->group_locs.n = k;
	if (k == 1)
		diag_warn(c->d, &g->loc, "vrrp_sync_group %s has only one member", g->name);
	else if (!k)
		diag_warn(c->d, &g->loc, "vrrp_sync_group %s has no members; ignored", g->name);
	check_refs(c, m, &g->track_script, &g->track_file, &g->track_process);
	tri_resolve(&g->notify_priority_changes, c->cfg->global.vrrp_notify_priority_changes);
	const struct global_conf *gl = &c->cfg->global;
	int smtp = gl->smtp_alert_vrrp != TRI_UNSET ? gl->smtp_alert_vrrp : gl->smtp_alert;
	tri_resolve(&g->smtp_alert, smtp == 1);
}

/* ---- cross-instance checks --------------------------------------------- */

static bool peers_overlap(const struct vrrp_instance_conf *a,
			  const struct vrrp_instance_conf *b)
{
	for (size_t i = 0; i < a->unicast_peers.n; i++)
		for (size_t j = 0; j < b->unicast_peers.n; j++)
			if (addr_equal(&a->unicast_peers.v[i].addr, &b->unicast_peers.v[j].addr))
				return true;
	return false;
}

/* Two instances collide when their adverts share a socket and a VRID:
 * same interface, family and VRID, and either both multicast to the same
 * group or both unicast with a peer in common. */
static bool vrid_conflict(const struct vrrp_instance_conf *a,
			  const struct vrrp_instance_conf *b)
{
	if (a->vrid != b->vrid || a->family != b->family || !a->interface || !b->interface ||
	    strcmp(a->interface, b->interface))
		return false;
	bool ua = a->unicast_peers.n, ub = b->unicast_peers.n;
	if (ua != ub)
		return false;
	if (ua)
		return peers_overlap(a, b);
	return addr_equal(&a->mcast_dst_ip, &b->mcast_dst_ip);
}

/* The cross-instance checks below sort instead of comparing every pair:
 * a generated configuration with thousands of instances must load in
 * milliseconds (bench/config-load).  Sorting by (key, position) keeps the
 * reports identical to a pairwise scan: each later instance is compared
 * with the earlier ones sharing its key, and the first of them is named. */

static int cmp_vrid_key(const void *pa, const void *pb)
{
	const struct vrrp_instance_conf *a = *(const struct vrrp_instance_conf *const *)pa;
	const struct vrrp_instance_conf *b = *(const struct vrrp_instance_conf *const *)pb;
	if (a->vrid != b->vrid)
		return a->vrid < b->vrid ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	int r = strcmp(a->interface ? a->interface : "", b->interface ? b->interface : "");
	if (r)
		return r;
	return a < b ? -1 : a > b; /* file order inside a run */
}

static bool same_vrid_key(const struct vrrp_instance_conf *a,
			  const struct vrrp_instance_conf *b)
{
	return a->vrid == b->vrid && a->family == b->family &&
	       !strcmp(a->interface ? a->interface : "", b->interface ? b->interface : "");
}

static void check_duplicates(struct cf_ctx *c, struct vrrp_model *m)
{
	size_t n = m->instances.n;
	if (n < 2)
		return;
	struct vrrp_instance_conf **v = arena_alloc(cf_tmp(c), n * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = &m->instances.v[i];
	qsort(v, n, sizeof(*v), cmp_vrid_key);
	/* Runs of one key are tiny (a clash is a mistake), so the pairwise
	 * scan inside a run costs nothing.  Reports are collected per
	 * instance, then emitted in file order as the pairwise scan did. */
	const struct vrrp_instance_conf **clash = arena_alloc(cf_tmp(c), n * sizeof(*clash));
	for (size_t r = 0; r < n;) {
		size_t e = r + 1;
		while (e < n && same_vrid_key(v[r], v[e]))
			e++;
		for (size_t j = r + 1; j < e; j++) {
			if (!v[j]->vrid || !v[j]->interface)
				continue;
			for (size_t i = r; i < j; i++)
				if (!v[i]->invalid && vrid_conflict(v[i], v[j])) {
					/* Marked at once: a later clash with this one
					 * is not reported, as keepalived skips it. */
					clash[v[j] - m->instances.v] = v[i];
					v[j]->invalid = true;
					break;
				}
		}
		r = e;
	}
	for (size_t j = 0; j < n; j++) {
		struct vrrp_instance_conf *b = &m->instances.v[j];
		const struct vrrp_instance_conf *a = clash[j];
		if (!a)
			continue;
		diag_err(c->d, &b->vrid_loc, "virtual_router_id %d on %s (%s) is already"
			 " used by %s at %s:%d", b->vrid, b->interface, ipv(b->family),
			 a->name, loc_file(&a->vrid_loc), a->vrid_loc.line);
	}
}

struct vip_ref {
	const struct vip_conf *vip;
	size_t inst; /* index of the instance */
	size_t seq;  /* position in file order */
};

static int cmp_vip_ref(const void *pa, const void *pb)
{
	const struct vip_ref *a = pa, *b = pb;
	int r = addr_cmp(&a->vip->prefix.addr, &b->vip->prefix.addr);
	if (r)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void check_shared_vips(struct cf_ctx *c, const struct vrrp_model *m)
{
	size_t total = 0;
	for (size_t i = 0; i < m->instances.n; i++)
		total += m->instances.v[i].vips.n + m->instances.v[i].evips.n;
	if (total < 2)
		return;
	struct vip_ref *refs = arena_alloc(cf_tmp(c), total * sizeof(*refs));
	size_t n = 0;
	for (size_t i = 0; i < m->instances.n; i++) {
		const vip_vec *vecs[] = { &m->instances.v[i].vips, &m->instances.v[i].evips };
		for (int k = 0; k < 2; k++)
			for (size_t x = 0; x < vecs[k]->n; x++, n++)
				refs[n] = (struct vip_ref){ &vecs[k]->v[x], i, n };
	}
	qsort(refs, n, sizeof(*refs), cmp_vip_ref);
	/* For each address, the first entry in file order belongs to the
	 * earliest instance; every entry of a later instance is reported
	 * against that first one. */
	const struct vip_ref **first = arena_alloc(cf_tmp(c), n * sizeof(*first));
	for (size_t r = 0; r < n;) {
		size_t e = r + 1;
		while (e < n && addr_equal(&refs[e].vip->prefix.addr, &refs[r].vip->prefix.addr))
			e++;
		for (size_t j = r + 1; j < e; j++)
			if (refs[j].inst != refs[r].inst)
				first[refs[j].seq] = &refs[r];
		r = e;
	}
	/* Emit in file order (instance by instance, as written). */
	struct vip_ref *byseq = arena_alloc(cf_tmp(c), n * sizeof(*byseq));
	for (size_t i = 0; i < n; i++)
		byseq[refs[i].seq] = refs[i];
	for (size_t s = 0; s < n; s++) {
		const struct vip_ref *q = first[s];
		if (!q)
			continue;
		const struct vip_conf *p = byseq[s].vip;
		char buf[HALO_ADDRSTRLEN];
		diag_warn(c->d, &p->loc, "%s is also configured in %s at %s:%d",
			  addr_format(&p->prefix.addr, buf, sizeof(buf)),
			  m->instances.v[q->inst].name, loc_file(&q->vip->loc), q->vip->loc.line);
	}
}

static bool script_used(const struct vrrp_model *m, const char *name)
{
	for (size_t i = 0; i < m->instances.n; i++)
		for (size_t k = 0; k < m->instances.v[i].track_script.n; k++)
			if (!strcmp(m->instances.v[i].track_script.v[k].name, name))
				return true;
	for (size_t i = 0; i < m->sync_groups.n; i++)
		for (size_t k = 0; k < m->sync_groups.v[i].track_script.n; k++)
			if (!strcmp(m->sync_groups.v[i].track_script.v[k].name, name))
				return true;
	return false;
}

static void check_misc(struct cf_ctx *c, struct vrrp_model *m, const struct global_conf *g)
{
	for (size_t i = 0; i < m->scripts.n; i++)
		if (!script_used(m, m->scripts.v[i].name))
			diag_warn(c->d, &m->scripts.v[i].loc, "vrrp_script %s is not used",
				  m->scripts.v[i].name);
	for (size_t i = 0; i < m->track_groups.n; i++) {
		const struct track_group_conf *t = &m->track_groups.v[i];
		for (size_t k = 0; k < t->group.n; k++)
			if (!vrrp_find_instance(m, t->group.v[k]))
				diag_err(c->d, &t->loc, "track_group %s: no vrrp_instance named '%s'",
					 t->name, t->group.v[k]);
	}
	check_lines(c, &m->static_ipaddress, &m->static_routes, &m->static_rules, "static");
	const struct lvs_sync_conf *s = &g->lvs_sync_daemon;
	if (s->instance && !vrrp_find_instance(m, s->instance))
		diag_err(c->d, &s->loc, "lvs_sync_daemon: no vrrp_instance named '%s'", s->instance);
}

static void resolve_global(struct global_conf *g)
{
	if (g->vrrp_garp_lower_prio_delay_us == HALO_UNSET_US)
		g->vrrp_garp_lower_prio_delay_us = g->vrrp_garp_master_delay_us;
	if (g->vrrp_garp_lower_prio_repeat < 0)
		g->vrrp_garp_lower_prio_repeat = g->vrrp_garp_master_repeat;
	tri_resolve(&g->smtp_alert, false);
	tri_resolve(&g->smtp_alert_vrrp, g->smtp_alert);
	tri_resolve(&g->smtp_alert_checker, g->smtp_alert);
}

void validate_vrrp(struct cf_ctx *c)
{
	struct vrrp_model *m = &c->cfg->vrrp;
	struct global_conf *g = &c->cfg->global;
	for (size_t i = 0; i < m->instances.n; i++) {
		struct vrrp_instance_conf *v = &m->instances.v[i];
		check_instance(c, v, g);
		check_refs(c, m, &v->track_script, &v->track_file, &v->track_process);
	}
	for (size_t i = 0; i < m->sync_groups.n; i++)
		check_sync_group(c, m, &m->sync_groups.v[i]);
	for (size_t i = 0; i < m->instances.n; i++) {
		struct vrrp_instance_conf *v = &m->instances.v[i];
		if (v->priority == 255)
			drop_weights(c, v, "priority 255 (address owner) cannot change");
		else if (v->sync_group) {
			const struct vrrp_sync_group_conf *sg = NULL;
			for (size_t k = 0; k < m->sync_groups.n; k++)
				if (!strcmp(m->sync_groups.v[k].name, v->sync_group))
					sg = &m->sync_groups.v[k];
			if (sg && !sg->sync_group_tracking_weight)
				drop_weights(c, v, "sync group members track without weights"
					     " (set sync_group_tracking_weight)");
		}
	}
	check_duplicates(c, m);
	check_shared_vips(c, m);
	check_misc(c, m, g);
	/* Instances have taken what they inherit; now settle the globals. */
	resolve_global(g);
}
