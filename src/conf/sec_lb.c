/* virtual_server and real_server: keyword tables, parsing, dump.
 *
 * The root rows for the other load-balancer sections (virtual_server_group,
 * SSL, bfd_instance) live here too so that kw_root_lb is one table; their
 * parsers are in sec_lb_misc.c and the checkers in sec_check.c. */
#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/lb_internal.h"
#include "conf/sec_vrrp.h" /* parse_script_conf, dump_script_conf */

/* The timing callbacks cast the object to struct lb_timing. */
static_assert(offsetof(struct virtual_server_conf, t) == 0, "timing first");
static_assert(offsetof(struct real_server_conf, t) == 0, "timing first");
static_assert(offsetof(struct checker_conf, t) == 0, "timing first");

#define DEFAULT_DELAY_LOOP_US (60 * USEC_PER_SEC)
#define DEFAULT_CONNECT_TIMEOUT_US (5 * USEC_PER_SEC)
#define DEFAULT_PERSISTENCE_TIMEOUT 360 /* seconds, ipvsadm's default */
#define MAX_PERSISTENCE_TIMEOUT 2678400 /* 31 days, as keepalived */

/* ---- shared timing rows ------------------------------------------------ */

static int timing_dur(struct cf_ctx *c, const struct cf_node *n, int64_t lo,
		      int64_t hi, uint64_t *out)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1))
		return -1;
	return cf_parse_duration(c, n, 1, lo, hi, out) ? 0 : -1;
}

int lb_t_delay_loop(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return timing_dur(c, n, 1, LB_DUR_MAX, &((struct lb_timing *)obj)->delay_loop_us);
}

int lb_t_connect_timeout(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return timing_dur(c, n, 1, LB_CONNECT_TIMEOUT_MAX,
			  &((struct lb_timing *)obj)->connect_timeout_us);
}

int lb_t_delay_before_retry(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return timing_dur(c, n, 0, LB_DUR_MAX,
			  &((struct lb_timing *)obj)->delay_before_retry_us);
}

int lb_t_warmup(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return timing_dur(c, n, 0, LB_DUR_MAX, &((struct lb_timing *)obj)->warmup_us);
}

static int timing_retry(struct cf_ctx *c, const struct cf_node *n, int64_t lo, void *obj)
{
	int64_t v;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1) ||
	    !cf_parse_int(c, n, 1, lo, LB_INT_MAX, &v))
		return -1;
	((struct lb_timing *)obj)->retry = v;
	return 0;
}

int lb_t_retry_server(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return timing_retry(c, n, 1, obj);
}

int lb_t_retry_checker(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return timing_retry(c, n, 0, obj);
}

int lb_t_alpha(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	bool v;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1) || !cf_parse_bool(c, n, 1, &v))
		return -1;
	((struct lb_timing *)obj)->alpha = v;
	return 0;
}

static void dump_opt_us(json_object *o, const char *key, uint64_t v)
{
	if (v == LB_UNSET)
		json_object_object_add(o, key, NULL);
	else
		dump_int(o, key, (int64_t)v);
}

void lb_d_delay_loop(json_object *o, const void *obj)
{
	dump_opt_us(o, "delay_loop_us", ((const struct lb_timing *)obj)->delay_loop_us);
}

void lb_d_connect_timeout(json_object *o, const void *obj)
{
	dump_opt_us(o, "connect_timeout_us",
		    ((const struct lb_timing *)obj)->connect_timeout_us);
}

void lb_d_delay_before_retry(json_object *o, const void *obj)
{
	dump_opt_us(o, "delay_before_retry_us",
		    ((const struct lb_timing *)obj)->delay_before_retry_us);
}

void lb_d_warmup(json_object *o, const void *obj)
{
	dump_opt_us(o, "warmup_us", ((const struct lb_timing *)obj)->warmup_us);
}

void lb_d_retry(json_object *o, const void *obj)
{
	int64_t r = ((const struct lb_timing *)obj)->retry;
	if (r < 0)
		json_object_object_add(o, "retry", NULL);
	else
		dump_int(o, "retry", r);
}

void lb_d_alpha(json_object *o, const void *obj)
{
	int8_t a = ((const struct lb_timing *)obj)->alpha;
	if (a < 0)
		json_object_object_add(o, "alpha", NULL);
	else
		dump_bool(o, "alpha", a);
}

void lb_timing_init(struct lb_timing *t)
{
	t->delay_loop_us = LB_UNSET;
	t->connect_timeout_us = LB_UNSET;
	t->delay_before_retry_us = LB_UNSET;
	t->warmup_us = LB_UNSET;
	t->retry = -1;
	t->alpha = -1;
}

/* ---- lvs_method -------------------------------------------------------- */

const struct kw_enum lb_method_names[] = {
	{ "NAT", LB_METHOD_NAT }, { "DR", LB_METHOD_DR }, { "TUN", LB_METHOD_TUN },
	{ NULL, 0 },
};
static const struct kw_enum tun_types[] = {
	{ "ipip", LB_TUN_IPIP }, { "gue", LB_TUN_GUE }, { "gre", LB_TUN_GRE }, { NULL, 0 },
};
static const struct kw_enum tun_csums[] = {
	{ "nocsum", LB_CSUM_NOCSUM }, { "csum", LB_CSUM_CSUM },
	{ "remcsum", LB_CSUM_REMCSUM }, { NULL, 0 },
};

/* After `TUN`: `type ipip|gue port N|gre` and an optional checksum option. */
static bool parse_tunnel(struct cf_ctx *c, const struct cf_node *n, struct lb_fwd *f)
{
	int i = 2;
	if (strcmp(n->argv[i], "type")) {
		diag_err(c->d, &n->loc, "%s: expected 'type' after TUN, got '%s'",
			 n->argv[0], n->argv[i]);
		return false;
	}
	if (!cf_parse_enum(c, n, ++i, tun_types, &f->tun_type))
		return false;
	i++;
	if (f->tun_type == LB_TUN_GUE) {
		int64_t port;
		if (i >= n->argc || strcmp(n->argv[i], "port")) {
			diag_err(c->d, &n->loc, "%s: a gue tunnel needs 'port NUM'", n->argv[0]);
			return false;
		}
		if (!cf_parse_int(c, n, ++i, 1, 65535, &port))
			return false;
		f->tun_port = (uint16_t)port;
		i++;
	}
	if (i < n->argc && !cf_parse_enum(c, n, i++, tun_csums, &f->tun_csum))
		return false;
	if (i < n->argc) {
		diag_err(c->d, &n->loc, "%s: unexpected '%s' after the tunnel options",
			 n->argv[0], n->argv[i]);
		return false;
	}
	if (f->tun_type == LB_TUN_IPIP && f->tun_csum != LB_CSUM_UNSET) {
		diag_err(c->d, &n->loc, "%s: ipip tunnels do not support checksum options",
			 n->argv[0]);
		return false;
	}
	if (f->tun_type == LB_TUN_GRE && f->tun_csum == LB_CSUM_REMCSUM) {
		diag_err(c->d, &n->loc, "%s: gre tunnels do not support remcsum", n->argv[0]);
		return false;
	}
	return true;
}

bool lb_parse_fwd(struct cf_ctx *c, const struct cf_node *n, struct lb_fwd *out)
{
	struct lb_fwd f = { 0 };
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 7) ||
	    !cf_parse_enum(c, n, 1, lb_method_names, &f.method))
		return false;
	if (f.method != LB_METHOD_TUN && n->argc > 2) {
		diag_err(c->d, &n->loc, "%s: options after %s are only valid with TUN, got '%s'",
			 n->argv[0], n->argv[1], n->argv[2]);
		return false;
	}
	if (f.method == LB_METHOD_TUN && n->argc > 2 && !parse_tunnel(c, n, &f))
		return false;
	*out = f;
	return true;
}

void lb_dump_fwd(json_object *o, const char *key, const struct lb_fwd *f)
{
	if (f->method == LB_METHOD_UNSET) {
		json_object_object_add(o, key, NULL);
		return;
	}
	dump_str(o, key, enum_name(lb_method_names, f->method));
	if (f->method != LB_METHOD_TUN)
		return;
	/* The tunnel options only exist for TUN, so only TUN carries them. */
	char k[64];
	snprintf(k, sizeof(k), "%s_tunnel_type", key);
	dump_str(o, k, enum_name(tun_types, f->tun_type));
	snprintf(k, sizeof(k), "%s_tunnel_port", key);
	if (f->tun_type == LB_TUN_GUE)
		dump_int(o, k, f->tun_port);
	else
		json_object_object_add(o, k, NULL);
	snprintf(k, sizeof(k), "%s_tunnel_csum", key);
	dump_str(o, k, f->tun_csum ? enum_name(tun_csums, f->tun_csum) : NULL);
}

/* ---- messages ---------------------------------------------------------- */

const char *lb_vs_name(const struct virtual_server_conf *vs, char *buf, size_t len)
{
	char a[HALO_ADDRSTRLEN];
	switch (vs->kind) {
	case LB_VS_FWMARK:
		snprintf(buf, len, "virtual_server fwmark %u", vs->fwmark);
		break;
	case LB_VS_GROUP:
		snprintf(buf, len, "virtual_server group %s", vs->group ? vs->group : "?");
		break;
	default:
		if (addr_is_set(&vs->addr))
			snprintf(buf, len, "virtual_server %s %u",
				 addr_format(&vs->addr, a, sizeof(a)), vs->port);
		else
			snprintf(buf, len, "virtual_server");
		break;
	}
	return buf;
}

const char *lb_where(const struct cf_loc *at, const struct cf_loc *from, char *buf,
		     size_t len)
{
	if (at->file && from->file && strcmp(at->file, from->file))
		snprintf(buf, len, "%s:%d", at->file, at->line);
	else
		snprintf(buf, len, "line %d", at->line);
	return buf;
}

/* ---- virtual_server rows ----------------------------------------------- */

#define VS(obj) ((struct virtual_server_conf *)(obj))
#define CVS(obj) ((const struct virtual_server_conf *)(obj))

static const struct kw_enum sched_names[] = {
	{ "rr", LB_SCHED_RR }, { "wrr", LB_SCHED_WRR }, { "lc", LB_SCHED_LC },
	{ "wlc", LB_SCHED_WLC }, { "lblc", LB_SCHED_LBLC }, { "lblcr", LB_SCHED_LBLCR },
	{ "dh", LB_SCHED_DH }, { "sh", LB_SCHED_SH }, { "sed", LB_SCHED_SED },
	{ "nq", LB_SCHED_NQ }, { "fo", LB_SCHED_FO }, { "ovf", LB_SCHED_OVF },
	{ "mh", LB_SCHED_MH }, { "twos", LB_SCHED_TWOS }, { NULL, 0 },
};

/* keepalived compares protocol names without case. */
static const struct kw_enum proto_names[] = {
	{ "TCP", LB_PROTO_TCP }, { "UDP", LB_PROTO_UDP }, { "SCTP", LB_PROTO_SCTP },
	{ "tcp", LB_PROTO_TCP }, { "udp", LB_PROTO_UDP }, { "sctp", LB_PROTO_SCTP },
	{ "Tcp", LB_PROTO_TCP }, { "Udp", LB_PROTO_UDP }, { "Sctp", LB_PROTO_SCTP },
	{ NULL, 0 },
};

static const struct kw_enum family_names[] = {
	{ "inet", AF_INET }, { "inet6", AF_INET6 }, { NULL, 0 },
};

static int vs_protocol(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return cf_no_block(c, n) && cf_args(c, n, 1, 1) &&
		       cf_parse_enum(c, n, 1, proto_names, &VS(obj)->protocol)
		       ? 0 : -1;
}

static void vs_protocol_dump(json_object *o, const void *obj)
{
	int p = CVS(obj)->protocol;
	dump_str(o, "protocol", p ? enum_name(proto_names, p) : NULL);
}

static int vs_ip_family(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return cf_no_block(c, n) && cf_args(c, n, 1, 1) &&
		       cf_parse_enum(c, n, 1, family_names, &VS(obj)->ip_family)
		       ? 0 : -1;
}

static void vs_ip_family_dump(json_object *o, const void *obj)
{
	int f = CVS(obj)->family;
	dump_str(o, "ip_family", f ? enum_name(family_names, f) : NULL);
}

static int vs_fwd(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return lb_parse_fwd(c, n, &VS(obj)->fwd) ? 0 : -1;
}

static void vs_fwd_dump(json_object *o, const void *obj)
{
	lb_dump_fwd(o, "lvs_method", &CVS(obj)->fwd);
}

static int vs_persistence_timeout(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	int64_t v = DEFAULT_PERSISTENCE_TIMEOUT;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1))
		return -1;
	if (n->argc > 1 && !cf_parse_int(c, n, 1, 1, MAX_PERSISTENCE_TIMEOUT, &v))
		return -1;
	VS(obj)->persistence_timeout = (int)v;
	return 0;
}

static void vs_persistence_timeout_dump(json_object *o, const void *obj)
{
	dump_int(o, "persistence_timeout", CVS(obj)->persistence_timeout);
}

/* A solid IPv4 netmask (255.255.255.0), or an IPv6 prefix length 1-128; which
 * one fits the service's family is checked once the family is known. */
static int vs_granularity(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct virtual_server_conf *vs = VS(obj);
	struct halo_prefix p;
	int64_t len;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1))
		return -1;
	const char *s = n->argv[1];
	char buf[HALO_ADDRSTRLEN + 16];
	if (strchr(s, '.')) {
		snprintf(buf, sizeof(buf), "0.0.0.0/%s", s);
		if (!prefix_parse(buf, &p) || p.len == 0) {
			diag_err(c->d, &n->loc, "%s: expected a contiguous IPv4 netmask"
				 " or an IPv6 prefix length 1-128, got '%s'", n->argv[0], s);
			return -1;
		}
		vs->persistence_granularity = p.len;
		vs->granularity_family = AF_INET;
		return 0;
	}
	if (!parse_int64(s, &len) || len < 1 || len > 128) {
		diag_err(c->d, &n->loc, "%s: expected a contiguous IPv4 netmask"
			 " or an IPv6 prefix length 1-128, got '%s'", n->argv[0], s);
		return -1;
	}
	vs->persistence_granularity = (int)len;
	vs->granularity_family = AF_INET6;
	return 0;
}

static void vs_granularity_dump(json_object *o, const void *obj)
{
	const struct virtual_server_conf *vs = CVS(obj);
	if (!vs->persistence_granularity) {
		json_object_object_add(o, "persistence_granularity", NULL);
	} else if (vs->granularity_family == AF_INET) {
		uint32_t m = vs->persistence_granularity >= 32
				     ? 0xffffffffu
				     : ~(0xffffffffu >> vs->persistence_granularity);
		char buf[32];
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", m >> 24, (m >> 16) & 255,
			 (m >> 8) & 255, m & 255);
		dump_str(o, "persistence_granularity", buf);
	} else {
		dump_int(o, "persistence_granularity", vs->persistence_granularity);
	}
}

static int vs_sorry(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct lb_sorry *s = &VS(obj)->sorry;
	struct halo_addr a;
	uint16_t port = 0;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2) || !cf_parse_addr(c, n, 1, &a))
		return -1;
	if (n->argc > 2 && !cf_parse_port(c, n, 2, &port))
		return -1;
	s->set = true;
	s->loc = n->loc;
	s->addr = a;
	s->port = port;
	return 0;
}

static void vs_sorry_dump(json_object *o, const void *obj)
{
	const struct lb_sorry *s = &CVS(obj)->sorry;
	if (!s->set) {
		json_object_object_add(o, "sorry_server", NULL);
		return;
	}
	json_object *so = json_object_new_object();
	dump_addr(so, "address", &s->addr);
	dump_int(so, "port", s->port);
	json_object_object_add(o, "sorry_server", so);
}

/* keepalived wants sorry_server_inhibit and sorry_server_lvs_method after
 * sorry_server; halo takes them anywhere in the block and checks at the end
 * of the block that a sorry_server exists. */
static int vs_sorry_inhibit(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct lb_sorry *s = &VS(obj)->sorry;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1) || !cf_parse_bool(c, n, 1, &s->inhibit))
		return -1;
	s->inhibit_loc = n->loc;
	return 0;
}

static void vs_sorry_inhibit_dump(json_object *o, const void *obj)
{
	dump_bool(o, "sorry_server_inhibit", CVS(obj)->sorry.inhibit);
}

static int vs_sorry_fwd(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct lb_sorry *s = &VS(obj)->sorry;
	if (!lb_parse_fwd(c, n, &s->fwd))
		return -1;
	s->fwd_loc = n->loc;
	return 0;
}

static void vs_sorry_fwd_dump(json_object *o, const void *obj)
{
	const struct lb_sorry *s = &CVS(obj)->sorry;
	static const struct lb_fwd none = { 0 };
	lb_dump_fwd(o, "sorry_server_lvs_method", s->set ? &s->fwd : &none);
}

/* `quorum_up CMD [USER [GROUP]]`, shared with the VRRP notify scripts. */
static int vs_quorum_up(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return parse_script_conf(c, n, &VS(obj)->quorum_up) ? 0 : -1;
}

static int vs_quorum_down(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return parse_script_conf(c, n, &VS(obj)->quorum_down) ? 0 : -1;
}

static void vs_quorum_up_dump(json_object *o, const void *obj)
{
	dump_script_conf(o, "quorum_up", &CVS(obj)->quorum_up);
}

static void vs_quorum_down_dump(json_object *o, const void *obj)
{
	dump_script_conf(o, "quorum_down", &CVS(obj)->quorum_down);
}

static int parse_rs(struct cf_ctx *c, const struct cf_node *n, void *obj);
static void dump_rs_list(json_object *o, const void *obj);

static const struct kw kw_vs[] = {
	LB_ROWS_TIMING(lb_t_retry_server),
	LB_ROW_CONNECT_TIMEOUT,
	KW_ROW_CUSTOM("protocol", vs_protocol, vs_protocol_dump),
	KW_ROW_CUSTOM("ip_family", vs_ip_family, vs_ip_family_dump),
	KW_ROW_ENUM("lvs_sched", struct virtual_server_conf, sched, sched_names),
	KW_ROW_ALIAS("lb_algo", "lvs_sched"),
	KW_ROW_FLAG("flag-1", struct virtual_server_conf, flag1),
	KW_ROW_FLAG("flag-2", struct virtual_server_conf, flag2),
	KW_ROW_FLAG("flag-3", struct virtual_server_conf, flag3),
	KW_ROW_FLAG("sh-port", struct virtual_server_conf, sh_port),
	KW_ROW_FLAG("sh-fallback", struct virtual_server_conf, sh_fallback),
	KW_ROW_FLAG("mh-port", struct virtual_server_conf, mh_port),
	KW_ROW_FLAG("mh-fallback", struct virtual_server_conf, mh_fallback),
	KW_ROW_FLAG("ops", struct virtual_server_conf, ops),
	KW_ROW_IGNORED("hashed"),
	KW_ROW_CUSTOM("lvs_method", vs_fwd, vs_fwd_dump),
	KW_ROW_ALIAS("lb_kind", "lvs_method"),
	KW_ROW_STR("persistence_engine", struct virtual_server_conf, persistence_engine),
	KW_ROW_CUSTOM("persistence_timeout", vs_persistence_timeout,
		      vs_persistence_timeout_dump),
	KW_ROW_CUSTOM("persistence_granularity", vs_granularity, vs_granularity_dump),
	KW_ROW_FLAG("ha_suspend", struct virtual_server_conf, ha_suspend),
	KW_ROW_FLAG("smtp_alert", struct virtual_server_conf, smtp_alert),
	KW_ROW_STR("virtualhost", struct virtual_server_conf, virtualhost),
	KW_ROW_STR("snmp_name", struct virtual_server_conf, snmp_name),
	KW_ROW_FLAG("omega", struct virtual_server_conf, omega),
	KW_ROW_INT("quorum", struct virtual_server_conf, quorum, 1, LB_INT_MAX),
	KW_ROW_INT("hysteresis", struct virtual_server_conf, hysteresis, 0, LB_INT_MAX),
	KW_ROW_CUSTOM("quorum_up", vs_quorum_up, vs_quorum_up_dump),
	KW_ROW_CUSTOM("quorum_down", vs_quorum_down, vs_quorum_down_dump),
	KW_ROW_FLAG("inhibit_on_failure", struct virtual_server_conf, inhibit_on_failure),
	KW_ROW_CUSTOM("sorry_server", vs_sorry, vs_sorry_dump),
	KW_ROW_CUSTOM("sorry_server_inhibit", vs_sorry_inhibit, vs_sorry_inhibit_dump),
	KW_ROW_CUSTOM("sorry_server_lvs_method", vs_sorry_fwd, vs_sorry_fwd_dump),
	/* Accepted by keepalived 2.2.7 but documented nowhere. */
	KW_ROW_IGNORED("weight"),
	KW_ROW_CUSTOM("real_server", parse_rs, dump_rs_list),
	KW_END,
};

/* ---- real_server rows -------------------------------------------------- */

#define RS(obj) ((struct real_server_conf *)(obj))
#define CRS(obj) ((const struct real_server_conf *)(obj))

static int rs_fwd(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return lb_parse_fwd(c, n, &RS(obj)->fwd) ? 0 : -1;
}

static void rs_fwd_dump(json_object *o, const void *obj)
{
	lb_dump_fwd(o, "lvs_method", &CRS(obj)->fwd);
}

static int rs_inhibit(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	bool v;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1) || !cf_parse_bool(c, n, 1, &v))
		return -1;
	RS(obj)->inhibit_on_failure = v;
	return 0;
}

static void rs_inhibit_dump(json_object *o, const void *obj)
{
	int8_t v = CRS(obj)->inhibit_on_failure;
	if (v < 0)
		json_object_object_add(o, "inhibit_on_failure", NULL);
	else
		dump_bool(o, "inhibit_on_failure", v);
}

static int rs_notify_up(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return parse_script_conf(c, n, &RS(obj)->notify_up) ? 0 : -1;
}

static int rs_notify_down(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return parse_script_conf(c, n, &RS(obj)->notify_down) ? 0 : -1;
}

static void rs_notify_up_dump(json_object *o, const void *obj)
{
	dump_script_conf(o, "notify_up", &CRS(obj)->notify_up);
}

static void rs_notify_down_dump(json_object *o, const void *obj)
{
	dump_script_conf(o, "notify_down", &CRS(obj)->notify_down);
}

const struct kw kw_real_server[] = {
	LB_ROWS_TIMING(lb_t_retry_server),
	LB_ROW_CONNECT_TIMEOUT,
	KW_ROW_INT("weight", struct real_server_conf, weight, 0, LB_INT_MAX),
	KW_ROW_CUSTOM("lvs_method", rs_fwd, rs_fwd_dump),
	KW_ROW_ALIAS("lb_kind", "lvs_method"),
	KW_ROW_CUSTOM("inhibit_on_failure", rs_inhibit, rs_inhibit_dump),
	KW_ROW_CUSTOM("notify_up", rs_notify_up, rs_notify_up_dump),
	KW_ROW_CUSTOM("notify_down", rs_notify_down, rs_notify_down_dump),
	KW_ROW_INT("uthreshold", struct real_server_conf, uthreshold, 0, LB_INT_MAX),
	KW_ROW_INT("lthreshold", struct real_server_conf, lthreshold, 0, LB_INT_MAX),
	KW_ROW_FLAG("smtp_alert", struct real_server_conf, smtp_alert),
	KW_ROW_STR("virtualhost", struct real_server_conf, virtualhost),
	KW_ROW_STR("snmp_name", struct real_server_conf, snmp_name),
	/* One row dumps the whole "checkers" array; the others dump nothing. */
	KW_ROW_CUSTOM("HTTP_GET", lb_parse_checker, lb_dump_checkers),
	KW_ROW_CUSTOM("SSL_GET", lb_parse_checker, NULL),
	KW_ROW_CUSTOM("TCP_CHECK", lb_parse_checker, NULL),
	KW_ROW_CUSTOM("SMTP_CHECK", lb_parse_checker, NULL),
	KW_ROW_CUSTOM("DNS_CHECK", lb_parse_checker, NULL),
	KW_ROW_CUSTOM("MISC_CHECK", lb_parse_checker, NULL),
	KW_ROW_CUSTOM("BFD_CHECK", lb_parse_checker, NULL),
	KW_ROW_CUSTOM("UDP_CHECK", lb_parse_checker, NULL),
	KW_ROW_CUSTOM("PING_CHECK", lb_parse_checker, NULL),
	KW_ROW_CUSTOM("FILE_CHECK", lb_parse_checker, NULL),
	KW_END,
};

static void rs_init(struct real_server_conf *rs)
{
	lb_timing_init(&rs->t);
	rs->weight = 1;
	rs->inhibit_on_failure = -1;
	rs->smtp_alert = true;
}

static int parse_rs(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct virtual_server_conf *vs = VS(obj);
	if (!cf_args(c, n, 1, 2))
		return -1;
	struct real_server_conf *rs = VEC_PUSH(c->a, vs->rs);
	rs_init(rs);
	rs->loc = n->loc;
	/* A bad address still gets its block parsed, so every error shows. */
	if (!cf_parse_addr(c, n, 1, &rs->addr))
		rs->invalid = true;
	if (n->argc > 2) {
		if (cf_parse_port(c, n, 2, &rs->port))
			rs->port_set = true;
		else
			rs->invalid = true;
	}
	kw_parse_block(c, n->child, kw_real_server, rs, "real_server");
	return rs->invalid ? -1 : 0;
}

static json_object *dump_rs(const struct real_server_conf *rs)
{
	json_object *o = json_object_new_object();
	dump_addr(o, "address", &rs->addr);
	dump_int(o, "port", rs->port);
	if (rs->invalid)
		dump_bool(o, "invalid", true);
	kw_dump(o, kw_real_server, rs);
	return o;
}

static void dump_rs_list(json_object *o, const void *obj)
{
	const struct virtual_server_conf *vs = CVS(obj);
	json_object *arr = json_object_new_array_ext((int)vs->rs.n);
	for (size_t i = 0; i < vs->rs.n; i++)
		json_object_array_add(arr, dump_rs(&vs->rs.v[i]));
	json_object_object_add(o, "real_servers", arr);
}

/* ---- virtual_server block ---------------------------------------------- */

static void vs_init(struct virtual_server_conf *vs)
{
	lb_timing_init(&vs->t);
	/* The top of the inheritance chain has concrete defaults for the
	 * settings that do not depend on the checker type. */
	vs->t.delay_loop_us = DEFAULT_DELAY_LOOP_US;
	vs->t.connect_timeout_us = DEFAULT_CONNECT_TIMEOUT_US;
	vs->t.alpha = 0;
	vs->sched = LB_SCHED_WLC;
	vs->fwd.method = LB_METHOD_NAT;
	vs->quorum = 1;
}

/* `IP [PORT]`, `fwmark N` or `group NAME`. */
static bool parse_vs_header(struct cf_ctx *c, const struct cf_node *n,
			    struct virtual_server_conf *vs)
{
	int64_t mark;
	if (n->argc >= 2 && !strcmp(n->argv[1], "fwmark")) {
		vs->kind = LB_VS_FWMARK;
		if (!cf_args(c, n, 2, 2) || !cf_parse_int(c, n, 2, 1, 4294967295LL, &mark))
			return false;
		vs->fwmark = (unsigned)mark;
		return true;
	}
	if (n->argc >= 2 && !strcmp(n->argv[1], "group")) {
		vs->kind = LB_VS_GROUP;
		if (!cf_args(c, n, 2, 2))
			return false;
		vs->group = arena_strdup(c->a, n->argv[2]);
		return true;
	}
	vs->kind = LB_VS_ADDR;
	if (!cf_args(c, n, 1, 2) || !cf_parse_addr(c, n, 1, &vs->addr))
		return false;
	return n->argc < 3 || cf_parse_port(c, n, 2, &vs->port);
}

/* Checks that need the whole block but nothing outside it. */
static void vs_end(struct cf_ctx *c, struct virtual_server_conf *vs)
{
	struct lb_sorry *s = &vs->sorry;
	if (!s->set && s->inhibit_loc.line) {
		diag_err(c->d, &s->inhibit_loc,
			 "sorry_server_inhibit: no sorry_server in this virtual_server");
		s->inhibit = false;
	}
	if (!s->set && s->fwd_loc.line) {
		diag_err(c->d, &s->fwd_loc,
			 "sorry_server_lvs_method: no sorry_server in this virtual_server");
		s->fwd.method = LB_METHOD_UNSET;
	}
}

static int parse_vs(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!cf_need_block(c, n))
		return -1;
	struct virtual_server_conf *vs = VEC_PUSH(c->a, cfg->lb.vs);
	vs_init(vs);
	vs->loc = n->loc;
	if (!parse_vs_header(c, n, vs))
		vs->invalid = true;
	kw_parse_block(c, n->child, kw_vs, vs, "virtual_server");
	vs_end(c, vs);
	return vs->invalid ? -1 : 0;
}

static json_object *dump_vs(const struct virtual_server_conf *vs)
{
	json_object *o = json_object_new_object();
	switch (vs->kind) {
	case LB_VS_FWMARK:
		dump_int(o, "fwmark", vs->fwmark);
		break;
	case LB_VS_GROUP:
		dump_str(o, "group", vs->group);
		break;
	default:
		dump_addr(o, "address", &vs->addr);
		dump_int(o, "port", vs->port);
		break;
	}
	if (vs->invalid)
		dump_bool(o, "invalid", true);
	kw_dump(o, kw_vs, vs);
	return o;
}

/* ---- root -------------------------------------------------------------- */

const struct kw kw_root_lb[] = {
	KW_ROW_CUSTOM("virtual_server", parse_vs, NULL),
	KW_ROW_CUSTOM("virtual_server_group", lb_parse_vsg, NULL),
	KW_ROW_CUSTOM("SSL", lb_parse_ssl, NULL),
	KW_ROW_CUSTOM("bfd_instance", lb_parse_bfd, NULL),
	KW_END,
};

void lb_model_init(struct lb_model *m)
{
	memset(m, 0, sizeof(*m));
}

void dump_lb(json_object *root, const struct halo_config *cfg)
{
	const struct lb_model *m = &cfg->lb;
	lb_dump_vsgs(root, m);
	json_object *arr = json_object_new_array_ext((int)m->vs.n);
	for (size_t i = 0; i < m->vs.n; i++)
		json_object_array_add(arr, dump_vs(&m->vs.v[i]));
	json_object_object_add(root, "virtual_servers", arr);
	lb_dump_ssl(root, m);
	lb_dump_bfds(root, m);
}
