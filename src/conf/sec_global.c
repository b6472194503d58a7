/* global_defs, the root-level keywords, and kw_root_vrrp: the table that
 * routes every VRRP-side top-level section to its parser.
 *
 * Every global_defs keyword of keepalived.conf(5) is recognised.  Those
 * halo does not act on (SNMP, DBus, iptables/ipsets, netlink buffer
 * tuning, reload scheduling) are KW_IGNORED: accepted with a warning, so
 * a keepalived.conf never fails on them. */
#include "conf/sec_vrrp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_TIMER_US (4294LL * USEC_PER_SEC)
#define G struct global_conf
#define HC struct halo_config

#define GL(obj) ((struct global_conf *)(obj))
#define CGL(obj) ((const struct global_conf *)(obj))

/* ---- email ------------------------------------------------------------- */

static bool valid_host(const char *s)
{
	struct halo_addr a;
	if (addr_parse(s, &a))
		return true;
	if (!*s || strlen(s) > 253)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return false;
	return true;
}

/* smtp_server ADDR|HOST [PORT] */
static int g_smtp_server(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	uint16_t port = 25;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2))
		return -1;
	if (!valid_host(n->argv[1])) {
		diag_err(c->d, &n->loc, "smtp_server: expected an IP address or host name, got '%s'",
			 n->argv[1]);
		return -1;
	}
	if (n->argc == 3 && (!cf_parse_port(c, n, 2, &port) || port == 0)) {
		if (port == 0)
			diag_err(c->d, &n->loc, "smtp_server: port 0 is not valid");
		return -1;
	}
	GL(obj)->smtp_server = arena_strdup(c->a, n->argv[1]);
	GL(obj)->smtp_server_port = port;
	return 0;
}

static void g_smtp_server_dump(json_object *o, const void *obj)
{
	dump_str(o, "smtp_server", CGL(obj)->smtp_server);
	dump_int(o, "smtp_server_port", CGL(obj)->smtp_server_port);
}


/* ---- scripts, FIFOs, users --------------------------------------------- */

static const struct field_map g_scripts[] = {
	{ "startup_script", offsetof(G, startup_script) },
	{ "shutdown_script", offsetof(G, shutdown_script) },
	{ "notify_fifo_script", offsetof(G, notify_fifo.script) },
	{ "vrrp_notify_fifo_script", offsetof(G, vrrp_notify_fifo.script) },
	{ "lvs_notify_fifo_script", offsetof(G, lvs_notify_fifo.script) },
	{ NULL, 0 },
};

static int g_script(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	const struct field_map *fm = fmap_find(g_scripts, n->argv[0]);
	return parse_script_conf(c, n, FMAP_FIELD(obj, fm, struct script_conf)) ? 0 : -1;
}

static void g_script_dump(json_object *o, const void *obj)
{
	dump_script_conf(o, "startup_script", &CGL(obj)->startup_script);
	dump_script_conf(o, "shutdown_script", &CGL(obj)->shutdown_script);
}

static const struct field_map g_fifos[] = {
	{ "notify_fifo", offsetof(G, notify_fifo) },
	{ "vrrp_notify_fifo", offsetof(G, vrrp_notify_fifo) },
	{ "lvs_notify_fifo", offsetof(G, lvs_notify_fifo) },
	{ NULL, 0 },
};

/* FIFO_NAME [USER [GROUP]] */
static int g_fifo(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	const struct field_map *fm = fmap_find(g_fifos, n->argv[0]);
	struct fifo_conf *f = FMAP_FIELD(obj, fm, struct fifo_conf);
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 3))
		return -1;
	f->path = arena_strdup(c->a, n->argv[1]);
	f->user = n->argc > 2 ? arena_strdup(c->a, n->argv[2]) : NULL;
	f->group = n->argc > 3 ? arena_strdup(c->a, n->argv[3]) : NULL;
	return 0;
}

static void g_fifo_dump(json_object *o, const void *obj)
{
	for (const struct field_map *fm = g_fifos; fm->name; fm++) {
		const struct fifo_conf *f = FMAP_CFIELD(obj, fm, struct fifo_conf);
		json_object *x = json_object_new_object();
		dump_str(x, "path", f->path);
		dump_str(x, "user", f->user);
		dump_str(x, "group", f->group);
		dump_script_conf(x, "script", &f->script);
		json_object_object_add(o, fm->name, x);
	}
}

/* script_user USER [GROUP] */
static int g_script_user(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2))
		return -1;
	GL(obj)->script_user = arena_strdup(c->a, n->argv[1]);
	GL(obj)->script_group = n->argc > 2 ? arena_strdup(c->a, n->argv[2]) : NULL;
	return 0;
}

static void g_script_user_dump(json_object *o, const void *obj)
{
	dump_str(o, "script_user", CGL(obj)->script_user);
	dump_str(o, "script_group", CGL(obj)->script_group);
}

/* ---- process scheduling ------------------------------------------------ */

/* max_auto_priority [-1..99]; no value means the highest priority. */
static int g_max_auto_prio(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	int64_t v = 99;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1) ||
	    (n->argc == 2 && !cf_parse_int(c, n, 1, -1, 99, &v)))
		return -1;
	GL(obj)->max_auto_priority = (int)v;
	return 0;
}

static void g_max_auto_prio_dump(json_object *o, const void *obj)
{
	dump_int(o, "max_auto_priority", CGL(obj)->max_auto_priority);
}

static const struct field_map g_cpus[] = {
	{ "vrrp_cpu_affinity", offsetof(G, vrrp_cpu_affinity) },
	{ "checker_cpu_affinity", offsetof(G, checker_cpu_affinity) },
	{ "bfd_cpu_affinity", offsetof(G, bfd_cpu_affinity) },
	{ NULL, 0 },
};

static int g_cpu_affinity(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	const struct field_map *fm = fmap_find(g_cpus, n->argv[0]);
	struct strvec *v = FMAP_FIELD(obj, fm, struct strvec);
	int64_t cpu;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, -1))
		return -1;
	for (int i = 1; i < n->argc; i++)
		if (!cf_parse_int(c, n, i, 0, 4095, &cpu))
			return -1;
	v->n = 0;
	for (int i = 1; i < n->argc; i++)
		strvec_push(c->a, v, n->argv[i]);
	return 0;
}

static void g_cpu_affinity_dump(json_object *o, const void *obj)
{
	for (const struct field_map *fm = g_cpus; fm->name; fm++)
		dump_strvec(o, fm->name, FMAP_CFIELD(obj, fm, struct strvec));
}

/* ---- VRRP defaults ----------------------------------------------------- */

static int g_mcast_group(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	bool v6 = !strcmp(n->argv[0], "vrrp_mcast_group6");
	struct halo_addr a;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1) || !cf_parse_addr(c, n, 1, &a))
		return -1;
	if (a.family != (v6 ? AF_INET6 : AF_INET) || !addr_is_multicast(&a)) {
		diag_err(c->d, &n->loc, "%s: %s is not an IPv%d multicast address", n->argv[0],
			 n->argv[1], v6 ? 6 : 4);
		return -1;
	}
	*(v6 ? &GL(obj)->vrrp_mcast_group6 : &GL(obj)->vrrp_mcast_group4) = a;
	return 0;
}

static void g_mcast_group_dump(json_object *o, const void *obj)
{
	dump_addr(o, "vrrp_mcast_group4", &CGL(obj)->vrrp_mcast_group4);
	dump_addr(o, "vrrp_mcast_group6", &CGL(obj)->vrrp_mcast_group6);
}

/* vrrp_min_garp: one GARP/NA at takeover and no second burst.  Applied
 * where it stands, so later explicit settings still win (keepalived). */
static int g_min_garp(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	bool on;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1) || !cf_parse_bool(c, n, 1, &on))
		return -1;
	GL(obj)->vrrp_min_garp = on;
	if (on) {
		GL(obj)->vrrp_garp_master_repeat = 1;
		GL(obj)->vrrp_garp_master_delay_us = 0;
	}
	return 0;
}

static void g_min_garp_dump(json_object *o, const void *obj)
{
	dump_bool(o, "vrrp_min_garp", CGL(obj)->vrrp_min_garp);
}

static int g_garp_extra_if(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	int64_t secs;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2))
		return -1;
	bool all = !strcmp(n->argv[1], "all");
	if (!cf_parse_int(c, n, all ? 2 : 1, 0, 86400, &secs))
		return -1;
	GL(obj)->vrrp_garp_extra_if = (int)secs;
	GL(obj)->vrrp_garp_extra_if_all = all;
	return 0;
}

static void g_garp_extra_if_dump(json_object *o, const void *obj)
{
	dump_int(o, "vrrp_garp_extra_if", CGL(obj)->vrrp_garp_extra_if);
	dump_bool(o, "vrrp_garp_extra_if_all", CGL(obj)->vrrp_garp_extra_if_all);
}

static int g_dynamic_ifs(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	static const struct kw_enum opt[] = { { "allow_if_changes", 1 }, { NULL, 0 } };
	int v = 0;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1) ||
	    (n->argc == 2 && !cf_parse_enum(c, n, 1, opt, &v)))
		return -1;
	GL(obj)->dynamic_interfaces = true;
	GL(obj)->dynamic_interfaces_allow_if_changes = v;
	return 0;
}

static void g_dynamic_ifs_dump(json_object *o, const void *obj)
{
	dump_bool(o, "dynamic_interfaces", CGL(obj)->dynamic_interfaces);
	dump_bool(o, "dynamic_interfaces_allow_if_changes",
		  CGL(obj)->dynamic_interfaces_allow_if_changes);
}

/* ---- IPVS-wide settings ------------------------------------------------ */

static bool syncd_option(struct cf_ctx *c, const struct cf_node *n, int *i,
			 struct lvs_sync_conf *s)
{
	const char *w = n->argv[*i];
	int64_t v;
	static const struct { const char *name; int min, max; size_t off; } nums[] = {
		{ "id", 0, 255, offsetof(struct lvs_sync_conf, syncid) },
		{ "maxlen", 1, 65507, offsetof(struct lvs_sync_conf, maxlen) },
		{ "port", 1, 65535, offsetof(struct lvs_sync_conf, port) },
		{ "ttl", 1, 255, offsetof(struct lvs_sync_conf, ttl) },
	};
	for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
		if (!strcmp(w, nums[k].name)) {
			if (!cf_parse_int(c, n, ++*i, nums[k].min, nums[k].max, &v))
				return false;
			*(int *)((char *)s + nums[k].off) = (int)v;
			return true;
		}
	if (!strcmp(w, "group")) {
		if (!cf_parse_addr(c, n, ++*i, &s->group))
			return false;
		if (!addr_is_multicast(&s->group)) {
			diag_err(c->d, &n->loc, "lvs_sync_daemon: group %s is not multicast",
				 n->argv[*i]);
			return false;
		}
		return true;
	}
	if (!strcmp(w, "inst") && *i + 1 < n->argc)
		w = n->argv[++*i];
	if (s->instance) {
		diag_err(c->d, &n->loc, "lvs_sync_daemon: unexpected '%s'", w);
		return false;
	}
	s->instance = arena_strdup(c->a, w);
	return true;
}

/* lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group A] */
static int g_lvs_syncd(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct lvs_sync_conf s = { .syncid = -1, .port = 8848, .loc = n->loc };
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, -1))
		return -1;
	s.interface = arena_strdup(c->a, n->argv[1]);
	for (int i = 2; i < n->argc; i++)
		if (!syncd_option(c, n, &i, &s))
			return -1;
	GL(obj)->lvs_sync_daemon = s;
	return 0;
}

static void g_lvs_syncd_dump(json_object *o, const void *obj)
{
	const struct lvs_sync_conf *s = &CGL(obj)->lvs_sync_daemon;
	if (!s->interface) {
		json_object_object_add(o, "lvs_sync_daemon", NULL);
		return;
	}
	json_object *x = json_object_new_object();
	dump_str(x, "interface", s->interface);
	dump_str(x, "instance", s->instance);
	if (s->syncid < 0)
		json_object_object_add(x, "id", NULL);
	else
		dump_int(x, "id", s->syncid);
	dump_int(x, "maxlen", s->maxlen);
	dump_int(x, "port", s->port);
	dump_int(x, "ttl", s->ttl);
	dump_addr(x, "group", &s->group);
	json_object_object_add(o, "lvs_sync_daemon", x);
}

/* lvs_timeouts [tcp S] [tcpfin S] [udp S] */
static int g_lvs_timeouts(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct lvs_timeouts_conf t = GL(obj)->lvs_timeouts;
	if (!cf_no_block(c, n) || !cf_args(c, n, 2, 6))
		return -1;
	for (int i = 1; i < n->argc; i += 2) {
		uint64_t *f = !strcmp(n->argv[i], "tcp")      ? &t.tcp_us
			      : !strcmp(n->argv[i], "tcpfin") ? &t.tcpfin_us
			      : !strcmp(n->argv[i], "udp")    ? &t.udp_us
							      : NULL;
		if (!f) {
			diag_err(c->d, &n->loc, "lvs_timeouts: expected tcp, tcpfin or udp, got '%s'",
				 n->argv[i]);
			return -1;
		}
		if (!cf_parse_duration(c, n, i + 1, USEC_PER_SEC, 86400LL * 31 * USEC_PER_SEC, f))
			return -1;
	}
	GL(obj)->lvs_timeouts = t;
	return 0;
}

static void g_lvs_timeouts_dump(json_object *o, const void *obj)
{
	const struct lvs_timeouts_conf *t = &CGL(obj)->lvs_timeouts;
	json_object *x = json_object_new_object();
	dump_int(x, "tcp_us", (int64_t)t->tcp_us);
	dump_int(x, "tcpfin_us", (int64_t)t->tcpfin_us);
	dump_int(x, "udp_us", (int64_t)t->udp_us);
	json_object_object_add(o, "lvs_timeouts", x);
}

static const struct kw_enum flush_names[] = {
	{ "none", LVS_FLUSH_STOP_NONE }, { "all", LVS_FLUSH_STOP_ALL },
	{ "VS", LVS_FLUSH_STOP_VS }, { NULL, 0 },
};

static int g_lvs_flush_on_stop(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	static const struct kw_enum vs[] = { { "VS", LVS_FLUSH_STOP_VS }, { NULL, 0 } };
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1))
		return -1;
	GL(obj)->lvs_flush_on_stop = LVS_FLUSH_STOP_ALL;
	if (n->argc == 2)
		return cf_parse_enum(c, n, 1, vs, &GL(obj)->lvs_flush_on_stop) ? 0 : -1;
	return 0;
}

static void g_lvs_flush_on_stop_dump(json_object *o, const void *obj)
{
	dump_str(o, "lvs_flush_on_stop", enum_name(flush_names, CGL(obj)->lvs_flush_on_stop));
}

static const struct kw kw_global_defs[] = {
	KW_ROW_STR("router_id", G, router_id),
	KW_ROW_LIST("notification_email", G, notification_email),
	KW_ROW_STR("notification_email_from", G, notification_email_from),
	KW_ROW_CUSTOM("smtp_server", g_smtp_server, g_smtp_server_dump),
	KW_ROW_STR("smtp_helo_name", G, smtp_helo_name),
	KW_ROW_DUR("smtp_connect_timeout", G, smtp_connect_timeout_us, USEC_PER_SEC,
		   MAX_TIMER_US),
	KW_ROW_TRI("smtp_alert", G, smtp_alert),
	KW_ROW_TRI("smtp_alert_vrrp", G, smtp_alert_vrrp),
	KW_ROW_TRI("smtp_alert_checker", G, smtp_alert_checker),
	KW_ROW_FLAG("checker_log_all_failures", G, checker_log_all_failures),
	KW_ROW_FLAG("no_email_faults", G, no_email_faults),
	KW_ROW_FLAG("no_checker_emails", G, no_checker_emails),
	KW_ROW_FLAG("rs_init_notifies", G, rs_init_notifies),
	KW_ROW_CUSTOM("startup_script", g_script, g_script_dump),
	KW_ROW_CUSTOM("shutdown_script", g_script, NULL),
	KW_ROW_DUR("startup_script_timeout", G, startup_script_timeout_us, USEC_PER_SEC,
		   1000 * USEC_PER_SEC),
	KW_ROW_DUR("shutdown_script_timeout", G, shutdown_script_timeout_us, USEC_PER_SEC,
		   1000 * USEC_PER_SEC),
	KW_ROW_FLAG("enable_script_security", G, enable_script_security),
	KW_ROW_CUSTOM("script_user", g_script_user, g_script_user_dump),
	KW_ROW_FLAG("process_names", G, process_names),
	KW_ROW_STR("process_name", G, process_name),
	KW_ROW_STR("vrrp_process_name", G, vrrp_process_name),
	KW_ROW_STR("checker_process_name", G, checker_process_name),
	KW_ROW_ALIAS("lvs_process_name", "checker_process_name"),
	KW_ROW_STR("bfd_process_name", G, bfd_process_name),
	KW_ROW_CUSTOM("max_auto_priority", g_max_auto_prio, g_max_auto_prio_dump),
	KW_ROW_INT("min_auto_priority_delay", G, min_auto_priority_delay, 1, 10000000),
	KW_ROW_INT("vrrp_priority", G, vrrp_priority, -20, 19),
	KW_ROW_INT("checker_priority", G, checker_priority, -20, 19),
	KW_ROW_INT("bfd_priority", G, bfd_priority, -20, 19),
	KW_ROW_FLAG("vrrp_no_swap", G, vrrp_no_swap),
	KW_ROW_FLAG("checker_no_swap", G, checker_no_swap),
	KW_ROW_FLAG("bfd_no_swap", G, bfd_no_swap),
	KW_ROW_INT("vrrp_rt_priority", G, vrrp_rt_priority, 1, 99),
	KW_ROW_INT("checker_rt_priority", G, checker_rt_priority, 1, 99),
	KW_ROW_INT("bfd_rt_priority", G, bfd_rt_priority, 1, 99),
	KW_ROW_CUSTOM("vrrp_cpu_affinity", g_cpu_affinity, g_cpu_affinity_dump),
	KW_ROW_CUSTOM("checker_cpu_affinity", g_cpu_affinity, NULL),
	KW_ROW_CUSTOM("bfd_cpu_affinity", g_cpu_affinity, NULL),
	KW_ROW_INT("vrrp_rlimit_rttime", G, vrrp_rlimit_rttime, 1, INT_MAX),
	KW_ROW_INT("checker_rlimit_rttime", G, checker_rlimit_rttime, 1, INT_MAX),
	KW_ROW_INT("bfd_rlimit_rttime", G, bfd_rlimit_rttime, 1, INT_MAX),
	KW_ROW_ALIAS("vrrp_rlimit_rtime", "vrrp_rlimit_rttime"),
	KW_ROW_ALIAS("checker_rlimit_rtime", "checker_rlimit_rttime"),
	KW_ROW_ALIAS("bfd_rlimit_rtime", "bfd_rlimit_rttime"),
	KW_ROW_CUSTOM("notify_fifo", g_fifo, g_fifo_dump),
	KW_ROW_CUSTOM("vrrp_notify_fifo", g_fifo, NULL),
	KW_ROW_CUSTOM("lvs_notify_fifo", g_fifo, NULL),
	KW_ROW_CUSTOM("notify_fifo_script", g_script, NULL),
	KW_ROW_CUSTOM("vrrp_notify_fifo_script", g_script, NULL),
	KW_ROW_CUSTOM("lvs_notify_fifo_script", g_script, NULL),
	KW_ROW_FLAG("fifo_write_vrrp_states_on_reload", G, fifo_write_vrrp_states_on_reload),
	KW_ROW_FLAG("vrrp_notify_priority_changes", G, vrrp_notify_priority_changes),
	KW_ROW_INT("vrrp_version", G, vrrp_version, 2, 3),
	KW_ROW_CUSTOM("vrrp_mcast_group4", g_mcast_group, g_mcast_group_dump),
	KW_ROW_CUSTOM("vrrp_mcast_group6", g_mcast_group, NULL),
	KW_ROW_STR("default_interface", G, default_interface),
	KW_ROW_DUR("vrrp_garp_master_delay", G, vrrp_garp_master_delay_us, 0, MAX_TIMER_US),
	KW_ROW_INT("vrrp_garp_master_repeat", G, vrrp_garp_master_repeat, 1, INT_MAX),
	KW_ROW_DUR("vrrp_garp_lower_prio_delay", G, vrrp_garp_lower_prio_delay_us, 0,
		   MAX_TIMER_US),
	KW_ROW_INT("vrrp_garp_lower_prio_repeat", G, vrrp_garp_lower_prio_repeat, 1, INT_MAX),
	KW_ROW_DUR("vrrp_garp_master_refresh", G, vrrp_garp_master_refresh_us, 0, MAX_TIMER_US),
	KW_ROW_INT("vrrp_garp_master_refresh_repeat", G, vrrp_garp_master_refresh_repeat, 1,
		   INT_MAX),
	/* keepalived rejects 0 here: leave the keyword out for no delay. */
	KW_ROW_DUR("vrrp_garp_interval", G, vrrp_garp_interval_us, 1, MAX_TIMER_US),
	KW_ROW_DUR("vrrp_gna_interval", G, vrrp_gna_interval_us, 1, MAX_TIMER_US),
	KW_ROW_CUSTOM("vrrp_min_garp", g_min_garp, g_min_garp_dump),
	KW_ROW_CUSTOM("vrrp_garp_extra_if", g_garp_extra_if, g_garp_extra_if_dump),
	KW_ROW_ALIAS("vrrp_vmac_garp_intvl", "vrrp_garp_extra_if"),
	KW_ROW_INT("vrrp_down_timer_adverts", G, vrrp_down_timer_adverts, 1, 100),
	KW_ROW_FLAG("vrrp_lower_prio_no_advert", G, vrrp_lower_prio_no_advert),
	KW_ROW_FLAG("vrrp_higher_prio_send_advert", G, vrrp_higher_prio_send_advert),
	KW_ROW_FLAG("vrrp_check_unicast_src", G, vrrp_check_unicast_src),
	KW_ROW_FLAG("vrrp_skip_check_adv_addr", G, vrrp_skip_check_adv_addr),
	KW_ROW_FLAG("vrrp_strict", G, vrrp_strict),
	KW_ROW_DUR("vrrp_startup_delay", G, vrrp_startup_delay_us, 0, MAX_TIMER_US),
	KW_ROW_FLAG("log_unknown_vrids", G, log_unknown_vrids),
	KW_ROW_STR("vmac_prefix", G, vmac_prefix),
	KW_ROW_STR("vmac_addr_prefix", G, vmac_addr_prefix),
	KW_ROW_CUSTOM("dynamic_interfaces", g_dynamic_ifs, g_dynamic_ifs_dump),
	KW_ROW_CUSTOM("lvs_sync_daemon", g_lvs_syncd, g_lvs_syncd_dump),
	KW_ROW_CUSTOM("lvs_timeouts", g_lvs_timeouts, g_lvs_timeouts_dump),
	KW_ROW_FLAG("lvs_flush", G, lvs_flush),
	KW_ROW_CUSTOM("lvs_flush_on_stop", g_lvs_flush_on_stop, g_lvs_flush_on_stop_dump),
	KW_ROW_ALIAS("lvs_flush_onstop", "lvs_flush_on_stop"),
	KW_ROW_INT("random_seed", G, random_seed, 0, INT_MAX),
	KW_ROW_FLAG("data_use_instance", G, data_use_instance),
	KW_ROW_FLAG("linkbeat_use_polling", G, linkbeat_use_polling),
	/* Recognised, not acted on (see the file comment). */
	KW_ROW_IGNORED("tmp_config_directory"),
	KW_ROW_IGNORED("config_save_dir"),
	KW_ROW_IGNORED("vrrp_iptables"),
	KW_ROW_IGNORED("vrrp_ipsets"),
	KW_ROW_IGNORED("nftables"),
	KW_ROW_IGNORED("nftables_priority"),
	KW_ROW_IGNORED("nftables_ifindex"),
	KW_ROW_IGNORED("nftables_counters"),
	KW_ROW_IGNORED("nftables_ipvs"),
	KW_ROW_IGNORED("nftables_ipvs_priority"),
	KW_ROW_IGNORED("nftables_ipvs_start_fwmark"),
	KW_ROW_IGNORED("disable_local_igmp"),
	KW_ROW_IGNORED("snmp_socket"),
	KW_ROW_IGNORED("enable_traps"),
	KW_ROW_IGNORED("enable_snmp_vrrp"),
	KW_ROW_IGNORED("enable_snmp_keepalived"),
	KW_ROW_IGNORED("enable_snmp_checker"),
	KW_ROW_IGNORED("enable_snmp_rfc"),
	KW_ROW_IGNORED("enable_snmp_rfcv2"),
	KW_ROW_IGNORED("enable_snmp_rfcv3"),
	KW_ROW_IGNORED("enable_dbus"),
	KW_ROW_IGNORED("dbus_service_name"),
	KW_ROW_IGNORED("vrrp_netlink_cmd_rcv_bufs"),
	KW_ROW_IGNORED("vrrp_netlink_cmd_rcv_bufs_force"),
	KW_ROW_IGNORED("vrrp_netlink_monitor_rcv_bufs"),
	KW_ROW_IGNORED("vrrp_netlink_monitor_rcv_bufs_force"),
	KW_ROW_IGNORED("lvs_netlink_cmd_rcv_bufs"),
	KW_ROW_IGNORED("lvs_netlink_cmd_rcv_bufs_force"),
	KW_ROW_IGNORED("lvs_netlink_monitor_rcv_bufs"),
	KW_ROW_IGNORED("lvs_netlink_monitor_rcv_bufs_force"),
	KW_ROW_IGNORED("process_monitor_rcv_bufs"),
	KW_ROW_IGNORED("process_monitor_rcv_bufs_force"),
	KW_ROW_IGNORED("vrrp_rx_bufs_policy"),
	KW_ROW_IGNORED("vrrp_rx_bufs_multiplier"),
	KW_ROW_IGNORED("umask"),
	KW_ROW_IGNORED("reload_check_config"),
	KW_ROW_IGNORED("reload_time_file"),
	KW_ROW_IGNORED("reload_repeat"),
	KW_ROW_IGNORED("reload_file"),
	KW_ROW_IGNORED("include_check"),
	KW_END,
};

void global_conf_defaults(struct global_conf *g)
{
	memset(g, 0, sizeof(*g));
	g->child_wait_time_us = 5 * USEC_PER_SEC;
	g->smtp_server_port = 25;
	g->smtp_connect_timeout_us = 30 * USEC_PER_SEC;
	g->smtp_alert = g->smtp_alert_vrrp = g->smtp_alert_checker = TRI_UNSET;
	g->startup_script_timeout_us = g->shutdown_script_timeout_us = 10 * USEC_PER_SEC;
	g->min_auto_priority_delay = 1000000;
	g->vrrp_rlimit_rttime = g->checker_rlimit_rttime = g->bfd_rlimit_rttime = 10000;
	g->vrrp_version = 2;
	addr_parse("224.0.0.18", &g->vrrp_mcast_group4);
	addr_parse("ff02::12", &g->vrrp_mcast_group6);
	g->default_interface = (char *)"eth0";
	g->vrrp_garp_master_delay_us = 5 * USEC_PER_SEC;
	g->vrrp_garp_master_repeat = 5;
	g->vrrp_garp_lower_prio_delay_us = HALO_UNSET_US;
	g->vrrp_garp_lower_prio_repeat = -1;
	g->vrrp_garp_master_refresh_repeat = 1;
	g->vrrp_down_timer_adverts = 3;
	g->lvs_sync_daemon.syncid = -1;
	g->lvs_sync_daemon.port = 8848;
	g->random_seed = -1;
}

static int sec_global_defs(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	HC *cfg = obj;
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	kw_parse_block(c, n->child, kw_global_defs, &cfg->global, "global_defs");
	return 0;
}

/* net_namespace_ipvs [NAME]: without a name, IPVS stays in the default
 * namespace while VRRP runs in net_namespace. */
static int r_ns_ipvs(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	HC *cfg = obj;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1))
		return -1;
	cfg->global.net_namespace_ipvs_set = true;
	cfg->global.net_namespace_ipvs = n->argc == 2 ? arena_strdup(c->a, n->argv[1]) : NULL;
	return 0;
}

static void r_ns_ipvs_dump(json_object *o, const void *obj)
{
	const HC *cfg = obj;
	dump_bool(o, "net_namespace_ipvs_set", cfg->global.net_namespace_ipvs_set);
	dump_str(o, "net_namespace_ipvs", cfg->global.net_namespace_ipvs);
}

const struct kw kw_root_vrrp[] = {
	KW_ROW_CUSTOM("global_defs", sec_global_defs, NULL),
	KW_ROW_CUSTOM("vrrp_instance", sec_vrrp_instance, NULL),
	KW_ROW_CUSTOM("vrrp_sync_group", sec_vrrp_sync_group, NULL),
	KW_ROW_CUSTOM("vrrp_script", sec_vrrp_script, NULL),
	KW_ROW_CUSTOM("track_file", sec_track_file, NULL),
	KW_ROW_ALIAS("vrrp_track_file", "track_file"),
	KW_ROW_CUSTOM("vrrp_track_process", sec_track_process, NULL),
	KW_ROW_CUSTOM("static_ipaddress", sec_static_ipaddress, NULL),
	KW_ROW_CUSTOM("static_routes", sec_static_routes, NULL),
	KW_ROW_CUSTOM("static_rules", sec_static_rules, NULL),
	KW_ROW_CUSTOM("track_group", sec_track_group, NULL),
	KW_ROW_CUSTOM("garp_group", sec_garp_group, NULL),
	KW_ROW_CUSTOM("linkbeat_interfaces", sec_linkbeat_interfaces, NULL),
	KW_ROW_CUSTOM("interface_up_down_delays", sec_if_up_down_delays, NULL),
	KW_ROW_STR("net_namespace", HC, global.net_namespace),
	KW_ROW_CUSTOM("net_namespace_ipvs", r_ns_ipvs, r_ns_ipvs_dump),
	KW_ROW_FLAG("namespace_with_ipsets", HC, global.namespace_with_ipsets),
	KW_ROW_STR("instance", HC, global.instance),
	KW_ROW_FLAG("use_pid_dir", HC, global.use_pid_dir),
	KW_ROW_DUR("child_wait_time", HC, global.child_wait_time_us, 0, MAX_TIMER_US),
	KW_ROW_FLAG("linkbeat_use_polling", HC, global.linkbeat_use_polling),
	KW_END,
};

void dump_global(json_object *root, const struct halo_config *cfg)
{
	json_object *o = json_object_new_object();
	kw_dump(o, kw_root_vrrp, cfg);
	kw_dump(o, kw_global_defs, &cfg->global);
	json_object_object_add(root, "global_defs", o);
}
