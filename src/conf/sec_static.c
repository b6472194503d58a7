/* Address, route and rule lines: virtual_ipaddress[_excluded],
 * virtual_routes and virtual_rules inside vrrp_instance, and the
 * static_ipaddress / static_routes / static_rules sections, which share
 * their syntax with `ip address|route|rule add`.
 *
 * Options halo will act on are typed; other ip(8) options keepalived
 * accepts are recognised and kept verbatim in `extra` so a valid
 * keepalived.conf never fails here, while a misspelt option is an error
 * naming the line (keepalived rejects those too). */
#include "conf/sec_vrrp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A cursor over the words of one line, for option-value parsing. */
struct cur {
	struct cf_ctx *c;
	const struct cf_node *n;
	int i;
	const char *what; /* block keyword, for messages */
};

static const char *cur_peek(const struct cur *k)
{
	return k->i < k->n->argc ? k->n->argv[k->i] : NULL;
}

/* The value after option `opt`, or NULL (reported) when the line ends. */
static const char *cur_value(struct cur *k, const char *opt)
{
	if (k->i >= k->n->argc) {
		diag_err(k->c->d, &k->n->loc, "%s: '%s' needs a value", k->what, opt);
		return NULL;
	}
	return k->n->argv[k->i++];
}

/* "virtual_routes: metric": how option errors are labelled. */
static const char *cur_label(struct cur *k, const char *opt, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s", k->what, opt);
	return buf;
}

static bool cur_int(struct cur *k, const char *opt, int64_t min, int64_t max, int64_t *out)
{
	char label[96];
	const char *w = cur_value(k, opt);
	/* Route and rule numbers may be written in hex (tos 0x04). */
	return w && cf_word_int(k->c, &k->n->loc, cur_label(k, opt, label, sizeof(label)), w,
				min, max, true, out);
}

static bool cur_addr(struct cur *k, const char *opt, struct halo_addr *out)
{
	char label[96];
	const char *w = cur_value(k, opt);
	return w && cf_word_addr(k->c, &k->n->loc, cur_label(k, opt, label, sizeof(label)), w,
				 out);
}

static bool cur_prefix(struct cur *k, const char *opt, struct halo_prefix *out)
{
	char label[96];
	const char *w = cur_value(k, opt);
	return w && cf_word_prefix(k->c, &k->n->loc, cur_label(k, opt, label, sizeof(label)),
				   w, out);
}

static bool cur_str(struct cur *k, const char *opt, char **out)
{
	const char *w = cur_value(k, opt);
	if (!w)
		return false;
	*out = arena_strdup(k->c->a, w);
	return true;
}

/* Keeps `opt` and, when `with_value`, its value in `extra`; "lock" before
 * a route metric's value is kept too. */
static bool cur_extra(struct cur *k, const char *opt, bool with_value, struct strvec *extra)
{
	strvec_push(k->c->a, extra, opt);
	if (!with_value)
		return true;
	const char *w = cur_peek(k);
	if (w && !strcmp(w, "lock")) {
		strvec_push(k->c->a, extra, w);
		k->i++;
	}
	w = cur_value(k, opt);
	if (!w)
		return false;
	strvec_push(k->c->a, extra, w);
	return true;
}

static bool in_list(const char *const *list, const char *w)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], w))
			return true;
	return false;
}

/* ---- scope, table and protocol names ---------------------------------- */

static const struct kw_enum scope_names[] = {
	{ "global", 0 }, { "universe", 0 }, { "site", 200 }, { "link", 253 },
	{ "host", 254 }, { "nowhere", 255 }, { NULL, 0 },
};

static bool name_or_number(const struct kw_enum *e, const char *w, int64_t max, int64_t *out)
{
	for (const struct kw_enum *p = e; p->name; p++)
		if (!strcmp(p->name, w)) {
			*out = p->value;
			return true;
		}
	int64_t v;
	if (parse_int64(w, &v) && v >= 0 && v <= max) {
		*out = v;
		return true;
	}
	return false;
}

static bool cur_scope(struct cur *k, int *out)
{
	const char *w = cur_value(k, "scope");
	int64_t v;
	if (!w)
		return false;
	if (!name_or_number(scope_names, w, 255, &v)) {
		diag_err(k->c->d, &k->n->loc,
			 "%s: scope: expected global|site|link|host|nowhere or 0-255, got '%s'",
			 k->what, w);
		return false;
	}
	*out = (int)v;
	return true;
}

static void dump_scope(json_object *o, int scope)
{
	if (scope < 0) {
		json_object_object_add(o, "scope", NULL);
		return;
	}
	const char *name = enum_name(scope_names, scope);
	char buf[16];
	if (!strcmp(name, "?")) {
		snprintf(buf, sizeof(buf), "%d", scope);
		name = buf;
	}
	dump_str(o, "scope", name);
}

static const struct kw_enum table_names[] = {
	{ "default", 253 }, { "main", 254 }, { "local", 255 }, { NULL, 0 },
};

/* A table is a number, a built-in name, or a name from rt_tables that the
 * runtime resolves (kept as the name, stored as -2 with the string). */
static bool cur_table(struct cur *k, const char *opt, int64_t *num, char **name)
{
	const char *w = cur_value(k, opt);
	if (!w)
		return false;
	if (name_or_number(table_names, w, UINT32_MAX, num))
		return true;
	*num = -2;
	*name = arena_strdup(k->c->a, w);
	return true;
}

static const struct kw_enum proto_names[] = {
	{ "unspec", 0 }, { "redirect", 1 }, { "kernel", 2 }, { "boot", 3 },
	{ "static", 4 }, { "gated", 8 }, { "ra", 9 }, { "mrt", 10 }, { "zebra", 11 },
	{ "bird", 12 }, { "dnrouted", 13 }, { "xorp", 14 }, { "ntk", 15 },
	{ "dhcp", 16 }, { "keepalived", 18 }, { "babel", 42 }, { "bgp", 186 },
	{ "isis", 187 }, { "ospf", 188 }, { "rip", 189 }, { "eigrp", 192 },
	{ NULL, 0 },
};

static bool cur_proto(struct cur *k, const char *opt, int *out)
{
	const char *w = cur_value(k, opt);
	int64_t v;
	if (!w)
		return false;
	if (!name_or_number(proto_names, w, 255, &v)) {
		diag_err(k->c->d, &k->n->loc, "%s: %s: unknown protocol '%s'", k->what, opt, w);
		return false;
	}
	*out = (int)v;
	return true;
}

static void dump_table(json_object *o, int64_t num, const char *name)
{
	if (num == -2)
		dump_str(o, "table", name);
	else if (num < 0)
		json_object_object_add(o, "table", NULL);
	else
		dump_int(o, "table", num);
}

static void dump_opt_int(json_object *o, const char *key, int64_t v)
{
	if (v < 0)
		json_object_object_add(o, key, NULL);
	else
		dump_int(o, key, v);
}

/* ---- addresses --------------------------------------------------------- */

static bool vip_brd(struct cur *k, struct vip_conf *v)
{
	const char *w = cur_value(k, "brd");
	if (!w)
		return false;
	if (!strcmp(w, "+"))
		v->brd = VIP_BRD_SET;
	else if (!strcmp(w, "-"))
		v->brd = VIP_BRD_CLEAR;
	else if (addr_parse(w, &v->brd_addr) && v->brd_addr.family == AF_INET)
		v->brd = VIP_BRD_ADDR;
	else {
		diag_err(k->c->d, &k->n->loc,
			 "%s: brd: expected an IPv4 address, '+' or '-', got '%s'", k->what, w);
		return false;
	}
	return true;
}

static bool vip_lft(struct cur *k, struct vip_conf *v)
{
	const char *w = cur_peek(k);
	if (w && !strcmp(w, "forever")) {
		k->i++;
		v->preferred_lft = -2;
		return true;
	}
	return cur_int(k, "preferred_lft", 0, UINT32_MAX - 1, &v->preferred_lft);
}

/* One option of an address line; false when it was rejected. */
static bool vip_option(struct cur *k, const char *w, struct vip_conf *v, bool is_static)
{
	if (!strcmp(w, "brd") || !strcmp(w, "broadcast"))
		return vip_brd(k, v);
	if (!strcmp(w, "dev"))
		return cur_str(k, w, &v->dev);
	if (!strcmp(w, "scope"))
		return cur_scope(k, &v->scope);
	if (!strcmp(w, "label"))
		return cur_str(k, w, &v->label);
	if (!strcmp(w, "peer")) {
		struct halo_prefix p;
		if (!cur_prefix(k, w, &p))
			return false;
		v->peer = p.addr;
		return true;
	}
	if (!strcmp(w, "preferred_lft"))
		return vip_lft(k, v);
	if (!strcmp(w, "track_group") && is_static)
		return cur_str(k, w, &v->track_group);
	struct { const char *name; bool *flag; } flags[] = {
		{ "home", &v->home }, { "-nodad", &v->nodad }, { "nodad", &v->nodad },
		{ "mngtmpaddr", &v->mngtmpaddr }, { "noprefixroute", &v->noprefixroute },
		{ "autojoin", &v->autojoin }, { "no_track", &v->no_track },
		{ "use_vmac", &v->use_vmac },
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(w, flags[i].name)) {
			*flags[i].flag = true;
			return true;
		}
	diag_err(k->c->d, &k->n->loc, "%s: unknown option '%s' for address %s", k->what, w,
		 k->n->argv[0]);
	return false;
}

static bool parse_vip_line(struct cf_ctx *c, const struct cf_node *n, const char *what,
			   struct vip_conf *v, bool is_static)
{
	memset(v, 0, sizeof(*v));
	v->loc = n->loc;
	v->preferred_lft = -1;
	if (!cf_word_prefix(c, &n->loc, what, n->argv[0], &v->prefix))
		return false;
	v->len_given = strchr(n->argv[0], '/') != NULL;
	if (n->block) {
		diag_err(c->d, &n->loc, "%s: unexpected { } block after %s", what, n->argv[0]);
		return false;
	}
	/* A bad option is reported and skipped; the address stays, as in
	 * keepalived, so the instance still carries it. */
	struct cur k = { c, n, 1, what };
	while (k.i < n->argc) {
		const char *w = n->argv[k.i++];
		vip_option(&k, w, v, is_static);
	}
	return true;
}

void parse_vip_block(struct cf_ctx *c, const struct cf_node *n, vip_vec *v, bool is_static)
{
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
		struct vip_conf tmp;
		if (ch->argc && parse_vip_line(c, ch, n->argv[0], &tmp, is_static))
			*VEC_PUSH(c->a, *v) = tmp;
	}
}

json_object *dump_vips(const vip_vec *v)
{
	static const char *brd[] = { NULL, NULL, "+", "-" };
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < v->n; i++) {
		const struct vip_conf *p = &v->v[i];
		json_object *o = json_object_new_object();
		dump_prefix(o, "address", &p->prefix);
		if (p->brd == VIP_BRD_ADDR)
			dump_addr(o, "brd", &p->brd_addr);
		else
			dump_str(o, "brd", brd[p->brd]);
		dump_str(o, "dev", p->dev);
		dump_scope(o, p->scope);
		dump_str(o, "label", p->label);
		dump_addr(o, "peer", &p->peer);
		dump_bool(o, "home", p->home);
		dump_bool(o, "nodad", p->nodad);
		dump_bool(o, "mngtmpaddr", p->mngtmpaddr);
		dump_bool(o, "noprefixroute", p->noprefixroute);
		dump_bool(o, "autojoin", p->autojoin);
		dump_bool(o, "no_track", p->no_track);
		dump_bool(o, "use_vmac", p->use_vmac);
		if (p->preferred_lft == -2)
			dump_str(o, "preferred_lft", "forever");
		else
			dump_opt_int(o, "preferred_lft", p->preferred_lft);
		dump_str(o, "track_group", p->track_group);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* ---- routes ------------------------------------------------------------ */

static const struct kw_enum route_types[] = {
	{ "unicast", ROUTE_UNICAST }, { "blackhole", ROUTE_BLACKHOLE },
	{ "unreachable", ROUTE_UNREACHABLE }, { "prohibit", ROUTE_PROHIBIT },
	{ "throw", ROUTE_THROW }, { "local", ROUTE_LOCAL }, { "broadcast", ROUTE_BROADCAST },
	{ "anycast", ROUTE_ANYCAST }, { "multicast", ROUTE_MULTICAST }, { "nat", ROUTE_NAT },
	{ NULL, 0 },
};

/* ip-route options with a value that halo keeps verbatim. */
static const char *const route_extra_val[] = {
	"mtu", "hoplimit", "advmss", "rtt", "rttvar", "reordering", "window", "cwnd",
	"ssthresh", "realms", "rto_min", "initcwnd", "initrwnd", "features", "quickack",
	"congctl", "fastopen_no_cookie", "pref", "expires", "vrf", "ttl-propagate",
	"as", NULL,
};
static const char *const route_extra_flag[] = { "append", "prepend", "add", NULL };

static bool route_dst(struct cur *k, const char *w, struct route_conf *r)
{
	if (addr_is_set(&r->dst.addr)) {
		diag_err(k->c->d, &k->n->loc, "%s: unknown route option '%s'", k->what, w);
		return false;
	}
	if (!strcmp(w, "default")) {
		r->dst.addr.family = r->inet6 ? AF_INET6 : AF_INET;
		r->dst.len = 0;
		return true;
	}
	if (!prefix_parse(w, &r->dst)) {
		diag_err(k->c->d, &k->n->loc,
			 "%s: expected a destination IP address[/prefix] or a route option, got '%s'",
			 k->what, w);
		return false;
	}
	return true;
}

static bool route_nexthop(struct cur *k, struct route_conf *r)
{
	struct nexthop_conf *h = VEC_PUSH(k->c->a, r->nexthops);
	int64_t v;
	for (const char *w; (w = cur_peek(k)) && strcmp(w, "nexthop");) {
		k->i++;
		if (!strcmp(w, "via") || !strcmp(w, "gw")) {
			if (!cur_addr(k, w, &h->via))
				return false;
		} else if (!strcmp(w, "dev")) {
			if (!cur_str(k, w, &h->dev))
				return false;
		} else if (!strcmp(w, "weight")) {
			if (!cur_int(k, w, 1, 256, &v))
				return false;
			h->weight = (int)v;
		} else if (!strcmp(w, "onlink")) {
			h->onlink = true;
		} else {
			diag_err(k->c->d, &k->n->loc, "%s: unknown nexthop option '%s'", k->what, w);
			return false;
		}
	}
	return true;
}

static bool route_via(struct cur *k, const char *w, struct halo_addr *a)
{
	const char *f = cur_peek(k);
	if (f && (!strcmp(f, "inet") || !strcmp(f, "inet6")))
		k->i++; /* `via inet6 ADDR`: the family is in the address */
	return cur_addr(k, w, a);
}

static bool route_option(struct cur *k, const char *w, struct route_conf *r, bool is_static)
{
	int64_t v;
	if (!strcmp(w, "src"))
		return cur_addr(k, w, &r->src);
	if (!strcmp(w, "from"))
		return cur_prefix(k, w, &r->from);
	if (!strcmp(w, "to")) {
		const char *d = cur_value(k, w);
		return d && route_dst(k, d, r);
	}
	if (!strcmp(w, "via"))
		return route_via(k, w, &r->via);
	/* Old spellings keepalived still takes, with the same advice. */
	if (!strcmp(w, "gw")) {
		diag_warn(k->c->d, &k->n->loc, "%s: 'gw' is deprecated; use 'via'", k->what);
		return route_via(k, w, &r->via);
	}
	if (!strcmp(w, "or")) {
		diag_warn(k->c->d, &k->n->loc, "%s: 'or' is deprecated; use 'nexthop'", k->what);
		return cur_addr(k, w, &r->or_via);
	}
	if (!strcmp(w, "dev") || !strcmp(w, "oif"))
		return cur_str(k, w, &r->dev);
	if (!strcmp(w, "scope"))
		return cur_scope(k, &r->scope);
	if (!strcmp(w, "table"))
		return cur_table(k, w, &r->table, &r->table_name);
	if (!strcmp(w, "metric") || !strcmp(w, "priority") || !strcmp(w, "preference"))
		return cur_int(k, w, 0, UINT32_MAX, &r->metric);
	if (!strcmp(w, "protocol"))
		return cur_proto(k, w, &r->protocol);
	if (!strcmp(w, "tos") || !strcmp(w, "dsfield")) {
		if (!cur_int(k, w, 0, 255, &v))
			return false;
		r->tos = (int)v;
		return true;
	}
	if (!strcmp(w, "onlink"))
		return r->onlink = true;
	if (!strcmp(w, "no_track"))
		return r->no_track = true;
	if (!strcmp(w, "inet6"))
		return r->inet6 = true;
	if (!strcmp(w, "inet"))
		return true;
	if (!strcmp(w, "nexthop"))
		return route_nexthop(k, r);
	if (!strcmp(w, "track_group") && is_static)
		return cur_str(k, w, &r->track_group);
	if (!strcmp(w, "encap")) {
		/* Encapsulations have their own grammar: keep the rest as given. */
		strvec_push(k->c->a, &r->extra, w);
		while (k->i < k->n->argc)
			strvec_push(k->c->a, &r->extra, k->n->argv[k->i++]);
		return true;
	}
	if (in_list(route_extra_val, w))
		return cur_extra(k, w, true, &r->extra);
	if (in_list(route_extra_flag, w))
		return cur_extra(k, w, false, &r->extra);
	return route_dst(k, w, r);
}

static bool parse_route_line(struct cf_ctx *c, const struct cf_node *n, const char *what,
			     struct route_conf *r, bool is_static)
{
	memset(r, 0, sizeof(*r));
	r->loc = n->loc;
	r->scope = r->protocol = r->tos = -1;
	r->table = r->metric = -1;
	if (n->block) {
		diag_err(c->d, &n->loc, "%s: unexpected { } block", what);
		return false;
	}
	struct cur k = { c, n, 0, what };
	/* A route type comes first, as in `ip route add blackhole PREFIX`. */
	for (const struct kw_enum *e = route_types; e->name; e++)
		if (!strcmp(e->name, n->argv[0]) && n->argc > 1) {
			r->type = e->value;
			k.i = 1;
		}
	while (k.i < n->argc) {
		const char *w = n->argv[k.i++];
		if (!route_option(&k, w, r, is_static))
			return false;
	}
	if (!addr_is_set(&r->dst.addr)) {
		diag_err(c->d, &n->loc, "%s: route has no destination", what);
		return false;
	}
	if (r->dst.addr.family == AF_INET6)
		r->inet6 = true;
	return true;
}

void parse_route_block(struct cf_ctx *c, const struct cf_node *n, route_vec *v, bool is_static)
{
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
		struct route_conf tmp;
		if (ch->argc && parse_route_line(c, ch, n->argv[0], &tmp, is_static))
			*VEC_PUSH(c->a, *v) = tmp;
	}
}

static void dump_nexthops(json_object *o, const struct route_conf *r)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < r->nexthops.n; i++) {
		const struct nexthop_conf *h = &r->nexthops.v[i];
		json_object *x = json_object_new_object();
		dump_addr(x, "via", &h->via);
		dump_str(x, "dev", h->dev);
		dump_opt_int(x, "weight", h->weight ? h->weight : -1);
		dump_bool(x, "onlink", h->onlink);
		json_object_array_add(arr, x);
	}
	json_object_object_add(o, "nexthops", arr);
}

json_object *dump_routes(const route_vec *v)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < v->n; i++) {
		const struct route_conf *r = &v->v[i];
		json_object *o = json_object_new_object();
		dump_str(o, "type", enum_name(route_types, r->type));
		dump_prefix(o, "to", &r->dst);
		dump_addr(o, "src", &r->src);
		dump_prefix(o, "from", &r->from);
		dump_addr(o, "via", &r->via);
		dump_addr(o, "or", &r->or_via);
		dump_str(o, "dev", r->dev);
		dump_scope(o, r->scope);
		dump_table(o, r->table, r->table_name);
		dump_opt_int(o, "metric", r->metric);
		dump_str(o, "protocol", r->protocol < 0 ? NULL : enum_name(proto_names, r->protocol));
		dump_opt_int(o, "tos", r->tos);
		dump_bool(o, "onlink", r->onlink);
		dump_bool(o, "no_track", r->no_track);
		dump_bool(o, "inet6", r->inet6);
		dump_str(o, "track_group", r->track_group);
		dump_nexthops(o, r);
		dump_strvec(o, "extra", &r->extra);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* ---- rules ------------------------------------------------------------- */

static const struct kw_enum rule_actions[] = {
	{ "table", RULE_TO_TABLE }, { "goto", RULE_GOTO }, { "nop", RULE_NOP },
	{ "blackhole", RULE_BLACKHOLE }, { "unreachable", RULE_UNREACHABLE },
	{ "prohibit", RULE_PROHIBIT }, { NULL, 0 },
};

static const char *const rule_extra_val[] = {
	"realms", "suppress_prefixlength", "suppress_ifgroup", "uidrange", "ip_proto",
	"ipproto", "sport", "dport", "tun_id", "type", NULL,
};

static bool rule_prefix(struct cur *k, const char *opt, struct halo_prefix *p, bool *set)
{
	const char *w = cur_value(k, opt);
	if (!w)
		return false;
	*set = true;
	if (!strcmp(w, "all"))
		return true;
	if (!prefix_parse(w, p)) {
		/* keepalived skips such a rule and still runs (its -t exits 0,
		 * and Debian's own sample keepalived.conf.vrrp.rules has one),
		 * so this is a warning that says the rule is not installed. */
		diag_warn(k->c->d, &k->n->loc, "%s: %s: expected an IP address[/prefix] or all,"
			  " got '%s'; this rule is skipped", k->what, opt, w);
		return false;
	}
	return true;
}

static bool rule_fwmark(struct cur *k, struct rule_conf *r)
{
	const char *w = cur_value(k, "fwmark");
	if (!w)
		return false;
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", w);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	char *end;
	unsigned long long m = strtoull(buf, &end, 0), mask = UINT32_MAX;
	bool ok = buf[0] && !*end && m <= UINT32_MAX;
	if (ok && slash) {
		mask = strtoull(slash, &end, 0);
		ok = slash[0] && !*end && mask <= UINT32_MAX;
	}
	if (!ok) {
		diag_err(k->c->d, &k->n->loc, "%s: fwmark: expected MARK[/MASK], got '%s'", k->what, w);
		return false;
	}
	r->fwmark = (int64_t)m;
	r->fwmask = (int64_t)mask;
	return true;
}

static bool rule_action(struct rule_conf *r, const char *w)
{
	for (const struct kw_enum *e = rule_actions; e->name; e++)
		if (e->value >= RULE_NOP && !strcmp(e->name, w)) {
			r->action = e->value;
			return true;
		}
	return false;
}

static bool rule_option(struct cur *k, const char *w, struct rule_conf *r, bool is_static)
{
	int64_t v;
	if (!strcmp(w, "from"))
		return rule_prefix(k, w, &r->from, &r->from_set);
	if (!strcmp(w, "to"))
		return rule_prefix(k, w, &r->to, &r->to_set);
	if (!strcmp(w, "not"))
		return r->not_ = true;
	if (!strcmp(w, "table") || !strcmp(w, "lookup"))
		return cur_table(k, w, &r->table, &r->table_name);
	if (!strcmp(w, "goto")) {
		r->action = RULE_GOTO;
		return cur_int(k, w, 0, UINT32_MAX, &r->goto_target);
	}
	if (rule_action(r, w))
		return true;
	if (!strcmp(w, "priority") || !strcmp(w, "preference") || !strcmp(w, "order") ||
	    !strcmp(w, "pref") || !strcmp(w, "prio"))
		return cur_int(k, w, 0, UINT32_MAX, &r->priority);
	if (!strcmp(w, "iif") || !strcmp(w, "dev"))
		return cur_str(k, w, &r->iif);
	if (!strcmp(w, "oif"))
		return cur_str(k, w, &r->oif);
	if (!strcmp(w, "fwmark"))
		return rule_fwmark(k, r);
	if (!strcmp(w, "tos") || !strcmp(w, "dsfield")) {
		if (!cur_int(k, w, 0, 255, &v))
			return false;
		r->tos = (int)v;
		return true;
	}
	if (!strcmp(w, "protocol"))
		return cur_proto(k, w, &r->protocol);
	if (!strcmp(w, "l3mdev"))
		return r->l3mdev = true;
	if (!strcmp(w, "no_track"))
		return r->no_track = true;
	if (!strcmp(w, "inet6"))
		return r->inet6 = true;
	if (!strcmp(w, "inet"))
		return true;
	if (!strcmp(w, "track_group") && is_static)
		return cur_str(k, w, &r->track_group);
	if (in_list(rule_extra_val, w))
		return cur_extra(k, w, true, &r->extra);
	diag_err(k->c->d, &k->n->loc, "%s: unknown rule option '%s'", k->what, w);
	return false;
}

static bool parse_rule_line(struct cf_ctx *c, const struct cf_node *n, const char *what,
			    struct rule_conf *r, bool is_static)
{
	memset(r, 0, sizeof(*r));
	r->loc = n->loc;
	r->table = r->goto_target = r->priority = r->fwmark = r->fwmask = -1;
	r->tos = r->protocol = -1;
	if (n->block) {
		diag_err(c->d, &n->loc, "%s: unexpected { } block", what);
		return false;
	}
	struct cur k = { c, n, 0, what };
	while (k.i < n->argc) {
		const char *w = n->argv[k.i++];
		if (!rule_option(&k, w, r, is_static))
			return false;
	}
	if (r->from.addr.family && r->to.addr.family &&
	    r->from.addr.family != r->to.addr.family) {
		diag_err(c->d, &n->loc, "%s: from and to are of different address families", what);
		return false;
	}
	if (r->from.addr.family == AF_INET6 || r->to.addr.family == AF_INET6)
		r->inet6 = true;
	if (r->track_group && !r->iif) {
		diag_warn(c->d, &n->loc, "%s: track_group ignored: a rule is tracked through"
			  " its iif", what);
		r->track_group = NULL;
	}
	return true;
}

void parse_rule_block(struct cf_ctx *c, const struct cf_node *n, rule_vec *v, bool is_static)
{
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
		struct rule_conf tmp;
		if (ch->argc && parse_rule_line(c, ch, n->argv[0], &tmp, is_static))
			*VEC_PUSH(c->a, *v) = tmp;
	}
}

static void dump_rule_prefix(json_object *o, const char *key, bool set,
			     const struct halo_prefix *p)
{
	if (set && !addr_is_set(&p->addr))
		dump_str(o, key, "all");
	else
		dump_prefix(o, key, p);
}

json_object *dump_rules(const rule_vec *v)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < v->n; i++) {
		const struct rule_conf *r = &v->v[i];
		json_object *o = json_object_new_object();
		dump_rule_prefix(o, "from", r->from_set, &r->from);
		dump_rule_prefix(o, "to", r->to_set, &r->to);
		dump_bool(o, "not", r->not_);
		dump_str(o, "action", enum_name(rule_actions, r->action));
		dump_table(o, r->table, r->table_name);
		dump_opt_int(o, "goto", r->goto_target);
		dump_opt_int(o, "priority", r->priority);
		dump_str(o, "iif", r->iif);
		dump_str(o, "oif", r->oif);
		dump_opt_int(o, "fwmark", r->fwmark);
		dump_opt_int(o, "fwmask", r->fwmark < 0 ? -1 : r->fwmask);
		dump_opt_int(o, "tos", r->tos);
		dump_str(o, "protocol", r->protocol < 0 ? NULL : enum_name(proto_names, r->protocol));
		dump_bool(o, "inet6", r->inet6);
		dump_bool(o, "l3mdev", r->l3mdev);
		dump_bool(o, "no_track", r->no_track);
		dump_str(o, "track_group", r->track_group);
		dump_strvec(o, "extra", &r->extra);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* ---- the static_* root sections ---------------------------------------- */

int sec_static_ipaddress(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	parse_vip_block(c, n, &cfg->vrrp.static_ipaddress, true);
	return 0;
}

int sec_static_routes(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	parse_route_block(c, n, &cfg->vrrp.static_routes, true);
	return 0;
}

int sec_static_rules(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	parse_rule_block(c, n, &cfg->vrrp.static_rules, true);
	return 0;
}

void dump_vrrp_static(json_object *root, const struct vrrp_model *m)
{
	json_object_object_add(root, "static_ipaddress", dump_vips(&m->static_ipaddress));
	json_object_object_add(root, "static_routes", dump_routes(&m->static_routes));
	json_object_object_add(root, "static_rules", dump_rules(&m->static_rules));
}
