/* vrrp_instance: keyword table, parsing and dump; dump_vrrp() for the
 * whole VRRP side.  Settings inherited from global_defs stay "unset" here
 * and are resolved by validate_vrrp(), because global_defs may come after
 * the instances in the file. */
#include "conf/sec_vrrp.h"

#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_TIMER_SECS 4294LL /* keepalived's limit: UINT_MAX microseconds */
#define MAX_TIMER_US (MAX_TIMER_SECS * USEC_PER_SEC)
#define AUTH_PASS_MAX 8

const struct kw_enum vrrp_state_names[] = {
	{ "BACKUP", VRRP_CONF_BACKUP }, { "MASTER", VRRP_CONF_MASTER }, { NULL, 0 },
};

const struct kw_enum vrrp_auth_names[] = {
	{ "none", VRRP_AUTH_NONE }, { "PASS", VRRP_AUTH_PASS }, { "AH", VRRP_AUTH_AH },
	{ NULL, 0 },
};

static const struct kw_enum old_cksum_names[] = {
	{ "auto", OLD_CKSUM_AUTO }, { "on", OLD_CKSUM_ON }, { "never", OLD_CKSUM_NEVER },
	{ NULL, 0 },
};

const char *family_name(int family)
{
	return family == AF_INET6 ? "inet6" : family == AF_INET ? "inet" : NULL;
}

#define INST(obj) ((struct vrrp_instance_conf *)(obj))
#define CINST(obj) ((const struct vrrp_instance_conf *)(obj))

/* ---- scalar keywords that also record where they were set -------------- */

static int vi_interface(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1))
		return -1;
	INST(obj)->interface = arena_strdup(c->a, n->argv[1]);
	INST(obj)->interface_loc = n->loc;
	return 0;
}

static void vi_interface_dump(json_object *o, const void *obj)
{
	dump_str(o, "interface", CINST(obj)->interface);
}

static int vi_vrid(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	int64_t v;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1) || !cf_parse_int(c, n, 1, 1, 255, &v))
		return -1;
	INST(obj)->vrid = (int)v;
	INST(obj)->vrid_loc = n->loc;
	return 0;
}

static void vi_vrid_dump(json_object *o, const void *obj)
{
	dump_int(o, "virtual_router_id", CINST(obj)->vrid);
}

static int vi_priority(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	int64_t v;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1) || !cf_parse_int(c, n, 1, 1, 255, &v))
		return -1;
	INST(obj)->priority = (int)v;
	INST(obj)->priority_set = true;
	return 0;
}

static void vi_priority_dump(json_object *o, const void *obj)
{
	dump_int(o, "priority", CINST(obj)->priority);
}

/* The range is the widest either version allows; validate_vrrp() applies
 * the one of the resolved version. */
static int vi_advert_int(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1) ||
	    !cf_parse_duration(c, n, 1, 10000, 255 * USEC_PER_SEC, &INST(obj)->advert_int_us))
		return -1;
	INST(obj)->advert_int_loc = n->loc;
	return 0;
}

static void vi_advert_int_dump(json_object *o, const void *obj)
{
	dump_int(o, "advert_int_us", (int64_t)CINST(obj)->advert_int_us);
}

static int vi_version(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	int64_t v;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1) || !cf_parse_int(c, n, 1, 2, 3, &v))
		return -1;
	INST(obj)->version = (int)v;
	INST(obj)->version_loc = n->loc;
	return 0;
}

static void vi_version_dump(json_object *o, const void *obj)
{
	dump_int(o, "version", CINST(obj)->version);
	dump_str(o, "family", family_name(CINST(obj)->family));
}

static int vi_preempt_delay(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1) ||
	    !cf_parse_duration(c, n, 1, 0, 1000 * USEC_PER_SEC, &INST(obj)->preempt_delay_us))
		return -1;
	INST(obj)->preempt_delay_loc = n->loc;
	return 0;
}

static void vi_preempt_delay_dump(json_object *o, const void *obj)
{
	dump_int(o, "preempt_delay_us", (int64_t)CINST(obj)->preempt_delay_us);
}

/* `preempt` is the old default-restoring spelling; `accept`/`no_accept`
 * set one tri-state. */
static int vi_preempt(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 0))
		return -1;
	INST(obj)->nopreempt = false;
	return 0;
}

static int vi_accept(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 0))
		return -1;
	INST(obj)->accept = !strcmp(n->argv[0], "accept");
	return 0;
}

static void vi_accept_dump(json_object *o, const void *obj)
{
	dump_tri(o, "accept", CINST(obj)->accept);
}

static int vi_mcast_dst(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_addr a;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1) || !cf_parse_addr(c, n, 1, &a))
		return -1;
	if (!addr_is_multicast(&a)) {
		diag_err(c->d, &n->loc, "mcast_dst_ip: %s is not a multicast address", n->argv[1]);
		return -1;
	}
	INST(obj)->mcast_dst_ip = a;
	return 0;
}

static void vi_mcast_dst_dump(json_object *o, const void *obj)
{
	dump_addr(o, "mcast_dst_ip", &CINST(obj)->mcast_dst_ip);
}

/* ---- blocks ------------------------------------------------------------ */

static int vi_auth(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct vrrp_instance_conf *v = obj;
	static const struct kw_enum types[] = {
		{ "PASS", VRRP_AUTH_PASS }, { "AH", VRRP_AUTH_AH }, { NULL, 0 },
	};
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	v->auth_loc = n->loc;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
		if (!ch->argc || !cf_no_block(c, ch))
			continue;
		if (!strcmp(ch->argv[0], "auth_type")) {
			if (cf_args(c, ch, 1, 1))
				cf_parse_enum(c, ch, 1, types, &v->auth_type);
		} else if (!strcmp(ch->argv[0], "auth_pass")) {
			if (!cf_args(c, ch, 1, 1))
				continue;
			/* keepalived uses the first eight characters only. */
			v->auth_pass = arena_strndup(c->a, ch->argv[1], AUTH_PASS_MAX);
			if (strlen(ch->argv[1]) > AUTH_PASS_MAX)
				diag_warn(c->d, &ch->loc, "auth_pass: longer than %d characters;"
					  " truncated to '%s'", AUTH_PASS_MAX, v->auth_pass);
		} else {
			diag_err(c->d, &ch->loc, "unknown keyword '%s' in authentication",
				 ch->argv[0]);
		}
	}
	return 0;
}

static void vi_auth_dump(json_object *o, const void *obj)
{
	json_object *a = json_object_new_object();
	dump_str(a, "auth_type", enum_name(vrrp_auth_names, CINST(obj)->auth_type));
	dump_str(a, "auth_pass", CINST(obj)->auth_pass);
	json_object_object_add(o, "authentication", a);
}

static int vi_peers(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct vrrp_instance_conf *v = obj;
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	v->unicast_peer_given = true;
	v->unicast_peer_loc = n->loc;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
		struct unicast_peer_conf p = { .min_ttl = 0, .max_ttl = 255, .loc = ch->loc };
		if (!ch->argc || !cf_no_block(c, ch))
			continue;
		if (!cf_word_addr(c, &ch->loc, "unicast_peer", ch->argv[0], &p.addr))
			continue;
		bool ok = true;
		for (int i = 1; ok && i < ch->argc; i += 2) {
			int64_t ttl;
			bool min = !strcmp(ch->argv[i], "min_ttl");
			if (!min && strcmp(ch->argv[i], "max_ttl")) {
				diag_err(c->d, &ch->loc, "unicast_peer: unknown option '%s'",
					 ch->argv[i]);
				ok = false;
			} else if (i + 1 >= ch->argc || !parse_int64(ch->argv[i + 1], &ttl) ||
				   ttl < 0 || ttl > 255) {
				diag_err(c->d, &ch->loc, "unicast_peer: %s: expected 0-255, got '%s'",
					 ch->argv[i], i + 1 < ch->argc ? ch->argv[i + 1] : "");
				ok = false;
			} else {
				*(min ? &p.min_ttl : &p.max_ttl) = (int)ttl;
			}
		}
		if (ok && p.min_ttl > p.max_ttl) {
			diag_err(c->d, &ch->loc, "unicast_peer: min_ttl %d is above max_ttl %d",
				 p.min_ttl, p.max_ttl);
			ok = false;
		}
		if (ok)
			*VEC_PUSH(c->a, v->unicast_peers) = p;
	}
	return 0;
}

static void vi_peers_dump(json_object *o, const void *obj)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < CINST(obj)->unicast_peers.n; i++) {
		const struct unicast_peer_conf *p = &CINST(obj)->unicast_peers.v[i];
		json_object *x = json_object_new_object();
		dump_addr(x, "address", &p->addr);
		dump_int(x, "min_ttl", p->min_ttl);
		dump_int(x, "max_ttl", p->max_ttl);
		json_object_array_add(arr, x);
	}
	json_object_object_add(o, "unicast_peer", arr);
}

static int vi_vips(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	bool excl = !strcmp(n->argv[0], "virtual_ipaddress_excluded");
	parse_vip_block(c, n, excl ? &INST(obj)->evips : &INST(obj)->vips, false);
	return 0;
}

static void vi_vips_dump(json_object *o, const void *obj)
{
	json_object_object_add(o, "virtual_ipaddress", dump_vips(&CINST(obj)->vips));
	json_object_object_add(o, "virtual_ipaddress_excluded", dump_vips(&CINST(obj)->evips));
}

static int vi_routes(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	parse_route_block(c, n, &INST(obj)->routes, false);
	return 0;
}

static void vi_routes_dump(json_object *o, const void *obj)
{
	json_object_object_add(o, "virtual_routes", dump_routes(&CINST(obj)->routes));
}

static int vi_rules(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	parse_rule_block(c, n, &INST(obj)->rules, false);
	return 0;
}

static void vi_rules_dump(json_object *o, const void *obj)
{
	json_object_object_add(o, "virtual_rules", dump_rules(&CINST(obj)->rules));
}

/* ---- field-mapped groups: track blocks, scripts, tri-states ------------ */

static const struct field_map vi_tracks[] = {
	{ "track_interface", offsetof(struct vrrp_instance_conf, track_interface) },
	{ "track_script", offsetof(struct vrrp_instance_conf, track_script) },
	{ "track_file", offsetof(struct vrrp_instance_conf, track_file) },
	{ "track_process", offsetof(struct vrrp_instance_conf, track_process) },
	{ "track_bfd", offsetof(struct vrrp_instance_conf, track_bfd) },
	{ NULL, 0 },
};

static int vi_track(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	const struct field_map *fm = fmap_find(vi_tracks, n->argv[0]);
	bool wide = !strcmp(n->argv[0], "track_file") || !strcmp(n->argv[0], "track_process");
	parse_track_block(c, n, FMAP_FIELD(obj, fm, track_ref_vec), wide ? 254 : 253);
	/* Checked and kept, but halo has no BFD process to feed it. */
	if (!strcmp(n->argv[0], "track_bfd"))
		diag_warn(c->d, &n->loc, "track_bfd: BFD is not supported by halo yet; "
			  "the instance ignores these sessions");
	return 0;
}

static void vi_track_dump(json_object *o, const void *obj)
{
	for (const struct field_map *fm = vi_tracks; fm->name; fm++)
		dump_track_refs(o, fm->name, FMAP_CFIELD(obj, fm, track_ref_vec));
}

static const struct field_map vi_scripts[] = {
	{ "notify_master", offsetof(struct vrrp_inst_scripts, notify_master) },
	{ "notify_backup", offsetof(struct vrrp_inst_scripts, notify_backup) },
	{ "notify_fault", offsetof(struct vrrp_inst_scripts, notify_fault) },
	{ "notify_stop", offsetof(struct vrrp_inst_scripts, notify_stop) },
	{ "notify_deleted", offsetof(struct vrrp_inst_scripts, notify_deleted) },
	{ "notify", offsetof(struct vrrp_inst_scripts, notify) },
	{ "notify_master_rx_lower_pri",
	  offsetof(struct vrrp_inst_scripts, notify_master_rx_lower_pri) },
	{ NULL, 0 },
};

static int vi_script(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	const struct field_map *fm = fmap_find(vi_scripts, n->argv[0]);
	/* notify_deleted alone only changes the state reported for deleted
	 * instances (DELETED instead of FAULT). */
	if (!strcmp(n->argv[0], "notify_deleted") && n->argc == 1 && !n->block) {
		INST(obj)->notify_deleted_given = true;
		return 0;
	}
	if (!strcmp(n->argv[0], "notify_deleted"))
		INST(obj)->notify_deleted_given = true;
	struct vrrp_inst_scripts **sp = &INST(obj)->scripts;
	if (!*sp) {
		*sp = arena_alloc(c->a, sizeof(**sp));
		memset(*sp, 0, sizeof(**sp));
	}
	return parse_script_conf(c, n, FMAP_FIELD(*sp, fm, struct script_conf)) ? 0 : -1;
}

static void vi_script_dump(json_object *o, const void *obj)
{
	const struct vrrp_inst_scripts *sc = vrrp_inst_scripts_of(CINST(obj));
	for (const struct field_map *fm = vi_scripts; fm->name; fm++)
		dump_script_conf(o, fm->name, FMAP_CFIELD(sc, fm, struct script_conf));
	dump_bool(o, "notify_deleted_given", CINST(obj)->notify_deleted_given);
}


/* ---- vmac, ipvlan, garp_extra_if, old_unicast_checksum ----------------- */

static bool looks_like_mac(const char *s)
{
	int colons = 0;
	for (const char *p = s; *p; p++)
		if (*p == ':')
			colons++;
	return colons >= 4;
}

/* use_vmac [NAME] [MAC] */
static int vi_use_vmac(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct vrrp_instance_conf *v = obj;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 2))
		return -1;
	v->use_vmac = true;
	for (int i = 1; i < n->argc; i++) {
		if (looks_like_mac(n->argv[i]))
			v->vmac_mac = arena_strdup(c->a, n->argv[i]);
		else if (!v->vmac_name && strlen(n->argv[i]) < 16)
			v->vmac_name = arena_strdup(c->a, n->argv[i]);
		else {
			diag_err(c->d, &n->loc, "use_vmac: invalid interface name '%s'", n->argv[i]);
			return -1;
		}
	}
	return 0;
}

static void vi_use_vmac_dump(json_object *o, const void *obj)
{
	dump_bool(o, "use_vmac", CINST(obj)->use_vmac);
	dump_str(o, "vmac_name", CINST(obj)->vmac_name);
	dump_str(o, "vmac_mac", CINST(obj)->vmac_mac);
}

/* use_ipvlan [NAME] [ADDR[/LEN]] [bridge|private|vepa] */
static int vi_use_ipvlan(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct vrrp_instance_conf *v = obj;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 3))
		return -1;
	v->use_ipvlan = true;
	for (int i = 1; i < n->argc; i++) {
		const char *w = n->argv[i];
		if (!strcmp(w, "bridge") || !strcmp(w, "private") || !strcmp(w, "vepa"))
			v->ipvlan_mode = arena_strdup(c->a, w);
		else if (prefix_parse(w, &v->ipvlan_addr))
			continue;
		else if (!v->ipvlan_name && i == 1)
			v->ipvlan_name = arena_strdup(c->a, w);
		else {
			diag_err(c->d, &n->loc, "use_ipvlan: unexpected '%s'", w);
			return -1;
		}
	}
	diag_warn(c->d, &n->loc, "use_ipvlan: not supported by halo yet; the instance runs on "
		  "its interface without an ipvlan (use_vmac is supported)");
	return 0;
}

static void vi_use_ipvlan_dump(json_object *o, const void *obj)
{
	dump_bool(o, "use_ipvlan", CINST(obj)->use_ipvlan);
	dump_str(o, "ipvlan_name", CINST(obj)->ipvlan_name);
	dump_prefix(o, "ipvlan_address", &CINST(obj)->ipvlan_addr);
	dump_str(o, "ipvlan_mode", CINST(obj)->ipvlan_mode);
}

/* garp_extra_if [all] SECS (0 disables) */
static int vi_garp_extra_if(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct vrrp_instance_conf *v = obj;
	int64_t secs;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2))
		return -1;
	int i = 1;
	bool all = false;
	if (!strcmp(n->argv[1], "all")) {
		all = true;
		i = 2;
	}
	if (!cf_parse_int(c, n, i, 0, 86400, &secs))
		return -1;
	v->garp_extra_if = (int)secs;
	v->garp_extra_if_all = all;
	return 0;
}

static void vi_garp_extra_if_dump(json_object *o, const void *obj)
{
	dump_int(o, "garp_extra_if", CINST(obj)->garp_extra_if);
	dump_bool(o, "garp_extra_if_all", CINST(obj)->garp_extra_if_all);
}

static int vi_old_cksum(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	static const struct kw_enum never[] = { { "never", OLD_CKSUM_NEVER }, { NULL, 0 } };
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1))
		return -1;
	INST(obj)->old_unicast_checksum = OLD_CKSUM_ON;
	if (n->argc == 2)
		return cf_parse_enum(c, n, 1, never, &INST(obj)->old_unicast_checksum) ? 0 : -1;
	return 0;
}

static void vi_old_cksum_dump(json_object *o, const void *obj)
{
	dump_str(o, "old_unicast_checksum",
		 enum_name(old_cksum_names, CINST(obj)->old_unicast_checksum));
}

static int vi_lvs_syncd_if(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1))
		return -1;
	INST(obj)->lvs_sync_daemon_interface = arena_strdup(c->a, n->argv[1]);
	diag_warn(c->d, &n->loc, "lvs_sync_daemon_interface in a vrrp_instance is deprecated;"
		  " use lvs_sync_daemon in global_defs");
	return 0;
}

static void vi_lvs_syncd_if_dump(json_object *o, const void *obj)
{
	dump_str(o, "lvs_sync_daemon_interface", CINST(obj)->lvs_sync_daemon_interface);
}

#define VI struct vrrp_instance_conf

static const struct kw kw_vrrp_instance[] = {
	KW_ROW_ENUM("state", VI, state, vrrp_state_names),
	KW_ROW_CUSTOM("interface", vi_interface, vi_interface_dump),
	KW_ROW_STR("vrf", VI, vrf),
	KW_ROW_CUSTOM("virtual_router_id", vi_vrid, vi_vrid_dump),
	KW_ROW_CUSTOM("priority", vi_priority, vi_priority_dump),
	KW_ROW_CUSTOM("advert_int", vi_advert_int, vi_advert_int_dump),
	KW_ROW_CUSTOM("version", vi_version, vi_version_dump),
	KW_ROW_FLAG("native_ipv6", VI, native_ipv6),
	KW_ROW_FLAG("nopreempt", VI, nopreempt),
	KW_ROW_CUSTOM("preempt", vi_preempt, NULL),
	KW_ROW_CUSTOM("preempt_delay", vi_preempt_delay, vi_preempt_delay_dump),
	KW_ROW_CUSTOM("accept", vi_accept, vi_accept_dump),
	KW_ROW_CUSTOM("no_accept", vi_accept, NULL),
	KW_ROW_CUSTOM("authentication", vi_auth, vi_auth_dump),
	KW_ROW_CUSTOM("virtual_ipaddress", vi_vips, vi_vips_dump),
	KW_ROW_CUSTOM("virtual_ipaddress_excluded", vi_vips, NULL),
	KW_ROW_CUSTOM("virtual_routes", vi_routes, vi_routes_dump),
	KW_ROW_CUSTOM("virtual_rules", vi_rules, vi_rules_dump),
	KW_ROW_FLAG("promote_secondaries", VI, promote_secondaries),
	KW_ROW_ADDR("mcast_src_ip", VI, mcast_src_ip),
	KW_ROW_ADDR("unicast_src_ip", VI, unicast_src_ip),
	KW_ROW_CUSTOM("mcast_dst_ip", vi_mcast_dst, vi_mcast_dst_dump),
	KW_ROW_CUSTOM("unicast_peer", vi_peers, vi_peers_dump),
	KW_ROW_INT("unicast_ttl", VI, unicast_ttl, 0, 255),
	KW_ROW_FLAG("unicast_fault_no_peer", VI, unicast_fault_no_peer),
	KW_ROW_CUSTOM("old_unicast_checksum", vi_old_cksum, vi_old_cksum_dump),
	KW_ROW_FLAG("v3_checksum_as_v2", VI, v3_checksum_as_v2),
	KW_ROW_FLAG("track_src_ip", VI, track_src_ip),
	KW_ROW_CUSTOM("track_interface", vi_track, vi_track_dump),
	KW_ROW_CUSTOM("track_script", vi_track, NULL),
	KW_ROW_CUSTOM("track_file", vi_track, NULL),
	KW_ROW_CUSTOM("track_process", vi_track, NULL),
	KW_ROW_CUSTOM("track_bfd", vi_track, NULL),
	KW_ROW_FLAG("dont_track_primary", VI, dont_track_primary),
	KW_ROW_FLAG("linkbeat_use_polling", VI, linkbeat_use_polling),
	KW_ROW_CUSTOM("notify_master", vi_script, vi_script_dump),
	KW_ROW_CUSTOM("notify_backup", vi_script, NULL),
	KW_ROW_CUSTOM("notify_fault", vi_script, NULL),
	KW_ROW_CUSTOM("notify_stop", vi_script, NULL),
	KW_ROW_CUSTOM("notify_deleted", vi_script, NULL),
	KW_ROW_CUSTOM("notify", vi_script, NULL),
	KW_ROW_CUSTOM("notify_master_rx_lower_pri", vi_script, NULL),
	KW_ROW_TRI("check_unicast_src", struct vrrp_instance_conf, check_unicast_src),
	KW_ROW_TRI("notify_priority_changes", struct vrrp_instance_conf, notify_priority_changes),
	KW_ROW_TRI("smtp_alert", struct vrrp_instance_conf, smtp_alert),
	KW_ROW_TRI("lower_prio_no_advert", struct vrrp_instance_conf, lower_prio_no_advert),
	KW_ROW_TRI("higher_prio_send_advert", struct vrrp_instance_conf, higher_prio_send_advert),
	KW_ROW_TRI("skip_check_adv_addr", struct vrrp_instance_conf, skip_check_adv_addr),
	KW_ROW_TRI("strict_mode", struct vrrp_instance_conf, strict_mode),
	KW_ROW_CUSTOM("use_vmac", vi_use_vmac, vi_use_vmac_dump),
	KW_ROW_FLAG("use_vmac_addr", VI, use_vmac_addr),
	KW_ROW_FLAG("vmac_xmit_base", VI, vmac_xmit_base),
	KW_ROW_CUSTOM("use_ipvlan", vi_use_ipvlan, vi_use_ipvlan_dump),
	KW_ROW_DUR("garp_master_delay", VI, garp_master_delay_us, 0, MAX_TIMER_US),
	KW_ROW_INT("garp_master_repeat", VI, garp_master_repeat, 1, INT_MAX),
	KW_ROW_DUR("garp_lower_prio_delay", VI, garp_lower_prio_delay_us, 0, MAX_TIMER_US),
	KW_ROW_INT("garp_lower_prio_repeat", VI, garp_lower_prio_repeat, 1, INT_MAX),
	KW_ROW_DUR("garp_master_refresh", VI, garp_master_refresh_us, 0, MAX_TIMER_US),
	KW_ROW_INT("garp_master_refresh_repeat", VI, garp_master_refresh_repeat, 1, INT_MAX),
	KW_ROW_CUSTOM("garp_extra_if", vi_garp_extra_if, vi_garp_extra_if_dump),
	KW_ROW_ALIAS("vmac_garp_intvl", "garp_extra_if"),
	KW_ROW_INT("down_timer_adverts", VI, down_timer_adverts, 1, 100),
	KW_ROW_INT("debug", VI, debug, 0, 4),
	KW_ROW_INT("kernel_rx_buf_size", VI, kernel_rx_buf_size, 0, INT_MAX),
	KW_ROW_CUSTOM("lvs_sync_daemon_interface", vi_lvs_syncd_if, vi_lvs_syncd_if_dump),
	KW_END,
};

static void instance_defaults(struct vrrp_instance_conf *v)
{
	v->state = VRRP_CONF_BACKUP;
	v->priority = 100;
	v->advert_int_us = USEC_PER_SEC;
	v->family = AF_UNSPEC;
	v->accept = TRI_UNSET;
	v->unicast_ttl = 255;
	v->check_unicast_src = v->notify_priority_changes = v->smtp_alert = TRI_UNSET;
	v->lower_prio_no_advert = v->higher_prio_send_advert = TRI_UNSET;
	v->skip_check_adv_addr = v->strict_mode = TRI_UNSET;
	v->garp_master_delay_us = v->garp_lower_prio_delay_us = HALO_UNSET_US;
	v->garp_master_refresh_us = HALO_UNSET_US;
	v->garp_master_repeat = v->garp_lower_prio_repeat = -1;
	v->garp_master_refresh_repeat = -1;
	v->garp_extra_if = -1;
}

int sec_vrrp_instance(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!cf_args(c, n, 1, 1) || !cf_need_block(c, n))
		return -1;
	const struct vrrp_instance_conf *old = vrrp_find_instance(&cfg->vrrp, n->argv[1]);
	if (old) {
		diag_err(c->d, &n->loc, "vrrp_instance %s is already defined at line %d",
			 n->argv[1], old->loc.line);
		return -1;
	}
	struct vrrp_instance_conf *v = VEC_PUSH(c->a, cfg->vrrp.instances);
	instance_defaults(v);
	v->name = arena_strdup(c->a, n->argv[1]);
	nameidx_add(c->a, &cfg->vrrp.instance_index, v->name, cfg->vrrp.instances.n - 1);
	v->loc = n->loc;
	kw_parse_block(c, n->child, kw_vrrp_instance, v, "vrrp_instance");
	return 0;
}

void vrrp_model_init(struct vrrp_model *m)
{
	memset(m, 0, sizeof(*m));
}

void dump_vrrp_instances(json_object *root, const struct vrrp_model *m)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < m->instances.n; i++) {
		const struct vrrp_instance_conf *v = &m->instances.v[i];
		json_object *o = json_object_new_object();
		dump_str(o, "name", v->name);
		kw_dump(o, kw_vrrp_instance, v);
		dump_str(o, "sync_group", v->sync_group);
		dump_bool(o, "invalid", v->invalid);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "vrrp_instances", arr);
}

void dump_vrrp(json_object *root, const struct halo_config *cfg)
{
	dump_vrrp_instances(root, &cfg->vrrp);
	dump_vrrp_trackers(root, &cfg->vrrp);
	dump_vrrp_static(root, &cfg->vrrp);
}
