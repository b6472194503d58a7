/* virtual_routes / virtual_rules of instances and the static_* sections:
 * configuration lines turned into rtnetlink requests (see vrrp_routes.h). */
#include "vrrp/vrrp_routes.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "net/rtnl_route.h"
#include "vrrp/vrrp_instance.h"

/* keepalived's protocol number for what it installs (iproute2's
 * rt_protos names it "keepalived"). */
#define PROTO_KEEPALIVED 18
#define RT_TABLES_FILE "/etc/iproute2/rt_tables"

/* A table named in rt_tables ("100 vrrp"): read when needed, as iproute2
 * does, so an edit of the file is picked up without a reload. */
static bool table_by_name(const char *name, uint32_t *out)
{
	FILE *f = fopen(RT_TABLES_FILE, "re");
	if (!f)
		return false;
	char line[256], nm[128];
	unsigned long id;
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lu %127s", &id, nm) == 2 && strcmp(nm, name) == 0) {
			*out = (uint32_t)id;
			found = true;
		}
	fclose(f);
	return found;
}

/* -1: main (0 to the builders), -2: a name from rt_tables. */
static bool table_of(int64_t table, const char *name, uint32_t *out)
{
	if (table == -2)
		return name && table_by_name(name, out);
	*out = table < 0 ? 0 : (uint32_t)table;
	return true;
}

static int link_index(struct vrrp_engine *eng, const char *dev)
{
	struct rtnl_link l;
	if (rtnl_link_get_by_name(&eng->rtnl, dev, &l) < 0)
		return 0;
	return l.ifindex;
}

static uint8_t route_rtn(int type)
{
	static const uint8_t map[] = {
		[ROUTE_UNICAST] = RTN_UNICAST, [ROUTE_BLACKHOLE] = RTN_BLACKHOLE,
		[ROUTE_UNREACHABLE] = RTN_UNREACHABLE, [ROUTE_PROHIBIT] = RTN_PROHIBIT,
		[ROUTE_THROW] = RTN_THROW, [ROUTE_LOCAL] = RTN_LOCAL,
		[ROUTE_BROADCAST] = RTN_BROADCAST, [ROUTE_ANYCAST] = RTN_ANYCAST,
		[ROUTE_MULTICAST] = RTN_MULTICAST, [ROUTE_NAT] = RTN_NAT,
	};
	return type >= 0 && (size_t)type < sizeof(map) ? map[type] : RTN_UNICAST;
}

/* Returns NULL, or why the line cannot be installed. */
static const char *route_conv(struct vrrp_engine *eng, const struct route_conf *rc,
			      struct rtnl_route *r)
{
	memset(r, 0, sizeof(*r));
	if (rc->nexthops.n > RTNL_NH_MAX)
		return "too many nexthops";
	for (size_t i = 0; i < rc->nexthops.n; i++) {
		const struct nexthop_conf *nc = &rc->nexthops.v[i];
		struct rtnl_nexthop *nh = &r->nh[r->n_nh++];
		nh->via = nc->via;
		nh->weight = nc->weight > 0 ? (unsigned)nc->weight : 0;
		nh->onlink = nc->onlink;
		if (nc->dev && !(nh->ifindex = link_index(eng, nc->dev)))
			return "a nexthop's interface does not exist";
	}
	r->dst = rc->dst;
	r->src = rc->src;
	r->via = rc->via;
	if (rc->dev && !(r->ifindex = link_index(eng, rc->dev)))
		return "its interface does not exist";
	if (!table_of(rc->table, rc->table_name, &r->table))
		return "its table name is not in " RT_TABLES_FILE;
	r->metric_set = rc->metric >= 0;
	r->metric = r->metric_set ? (uint32_t)rc->metric : 0;
	r->scope_set = rc->scope >= 0;
	r->scope = r->scope_set ? (uint8_t)rc->scope : 0;
	r->protocol = rc->protocol >= 0 ? (uint8_t)rc->protocol : PROTO_KEEPALIVED;
	r->type = route_rtn(rc->type);
	r->tos = rc->tos >= 0 ? (uint8_t)rc->tos : 0;
	r->onlink = rc->onlink;
	return NULL;
}

static uint8_t rule_act(int action)
{
	static const uint8_t map[] = {
		[RULE_TO_TABLE] = FR_ACT_TO_TBL, [RULE_GOTO] = FR_ACT_GOTO,
		[RULE_NOP] = FR_ACT_NOP, [RULE_BLACKHOLE] = FR_ACT_BLACKHOLE,
		[RULE_UNREACHABLE] = FR_ACT_UNREACHABLE, [RULE_PROHIBIT] = FR_ACT_PROHIBIT,
	};
	return action >= 0 && (size_t)action < sizeof(map) ? map[action] : FR_ACT_TO_TBL;
}

static const char *rule_conv(const struct rule_conf *rc, struct rtnl_rule *r)
{
	memset(r, 0, sizeof(*r));
	/* keepalived: a rule that could be either family is IPv4 unless
	 * `inet6` says otherwise. */
	r->family = rc->from.addr.family ? rc->from.addr.family
		  : rc->to.addr.family   ? rc->to.addr.family
		  : rc->inet6            ? AF_INET6 : AF_INET;
	if (rc->from_set)
		r->from = rc->from;
	if (rc->to_set)
		r->to = rc->to;
	r->invert = rc->not_;
	r->action = rule_act(rc->action);
	if (!table_of(rc->table, rc->table_name, &r->table))
		return "its table name is not in " RT_TABLES_FILE;
	r->goto_target = rc->goto_target > 0 ? (uint32_t)rc->goto_target : 0;
	r->priority_set = rc->priority >= 0;
	r->priority = r->priority_set ? (uint32_t)rc->priority : 0;
	if ((rc->iif && strlen(rc->iif) >= IFNAMSIZ) || (rc->oif && strlen(rc->oif) >= IFNAMSIZ))
		return "an interface name is too long";
	snprintf(r->iif, sizeof(r->iif), "%s", rc->iif ? rc->iif : "");
	snprintf(r->oif, sizeof(r->oif), "%s", rc->oif ? rc->oif : "");
	r->fwmark_set = rc->fwmark >= 0;
	r->fwmark = r->fwmark_set ? (uint32_t)rc->fwmark : 0;
	r->fwmask = rc->fwmask >= 0 ? (uint32_t)rc->fwmask : 0;
	r->tos = rc->tos >= 0 ? (uint8_t)rc->tos : 0;
	r->protocol = rc->protocol >= 0 ? (uint8_t)rc->protocol : PROTO_KEEPALIVED;
	return NULL;
}

/* `who` is the instance name for the log prefix, NULL for static_*. */
static void route_apply(struct vrrp_engine *eng, const char *who,
			const struct route_conf *rc, bool add)
{
	char p[HALO_ADDRSTRLEN];
	struct rtnl_route r;
	const char *why = route_conv(eng, rc, &r);
	if (why) {
		/* Removal of a route we could not have added is not news. */
		if (add)
			log_warn_i(who, "%s:%d: route %s not added: %s", rc->loc.file, rc->loc.line,
				   prefix_format(&rc->dst, p, sizeof(p)), why);
		return;
	}
	int e = add ? rtnl_route_add(&eng->rtnl, &r) : rtnl_route_del(&eng->rtnl, &r);
	if (e < 0 && !(add && e == -EEXIST) && !(!add && (e == -ESRCH || e == -ENOENT)))
		log_error_i(who, "cannot %s route: %s", add ? "add" : "remove",
			    rtnl_errmsg(&eng->rtnl));
}

static void rule_apply(struct vrrp_engine *eng, const char *who,
		       const struct rule_conf *rc, bool add)
{
	struct rtnl_rule r;
	const char *why = rule_conv(rc, &r);
	if (why) {
		if (add)
			log_warn_i(who, "%s:%d: rule not added: %s", rc->loc.file, rc->loc.line, why);
		return;
	}
	int e = add ? rtnl_rule_add(&eng->rtnl, &r) : rtnl_rule_del(&eng->rtnl, &r);
	if (e < 0 && !(add && e == -EEXIST) && !(!add && (e == -ENOENT || e == -ESRCH)))
		log_error_i(who, "cannot %s rule: %s", add ? "add" : "remove",
			    rtnl_errmsg(&eng->rtnl));
}

/* Routes before rules on the way in (a rule pointing at a table should
 * find it filled), rules before routes on the way out. */
static void lists_apply(struct vrrp_engine *eng, const char *who, const route_vec *routes,
			const rule_vec *rules, bool add)
{
	if (!eng->rtnl_ok)
		return;
	if (add)
		for (size_t i = 0; i < routes->n; i++)
			route_apply(eng, who, &routes->v[i], true);
	for (size_t i = 0; i < rules->n; i++)
		rule_apply(eng, who, &rules->v[i], add);
	if (!add)
		for (size_t i = routes->n; i-- > 0;)
			route_apply(eng, who, &routes->v[i], false);
}

void vrrp_routes_all(struct vrrp_inst *v, bool add)
{
	const struct vrrp_instance_conf *c = v->conf;
	if (!c || (c->routes.n == 0 && c->rules.n == 0))
		return;
	lists_apply(v->eng, c->name, &c->routes, &c->rules, add);
	log_info_i(c->name, "%s %zu virtual route(s) and %zu virtual rule(s)",
		   add ? "added" : "removed", c->routes.n, c->rules.n);
}

void vrrp_routes_cleanup_stale(struct vrrp_inst *v)
{
	const struct vrrp_instance_conf *c = v->conf;
	if (c)
		lists_apply(v->eng, c->name, &c->routes, &c->rules, false);
}

/* ---- reload diff ---------------------------------------------------------- */

/* Two lines are the same when they would make the same request: compared
 * after conversion, so `gw` and `via`, or `table main` and no table, are
 * equal.  The converted structs are zeroed first, so memcmp is exact. */
static bool route_in(struct vrrp_engine *eng, const struct route_conf *x, const route_vec *list)
{
	struct rtnl_route a, b;
	if (route_conv(eng, x, &a))
		return false;
	for (size_t i = 0; i < list->n; i++)
		if (!route_conv(eng, &list->v[i], &b) && memcmp(&a, &b, sizeof(a)) == 0)
			return true;
	return false;
}

static bool rule_in(const struct rule_conf *x, const rule_vec *list)
{
	struct rtnl_rule a, b;
	if (rule_conv(x, &a))
		return false;
	for (size_t i = 0; i < list->n; i++)
		if (!rule_conv(&list->v[i], &b) && memcmp(&a, &b, sizeof(a)) == 0)
			return true;
	return false;
}

static void lists_diff(struct vrrp_engine *eng, const char *who,
		       const route_vec *oldr, const rule_vec *oldu,
		       const route_vec *newr, const rule_vec *newu)
{
	if (!eng->rtnl_ok)
		return;
	for (size_t i = 0; i < oldu->n; i++)
		if (!rule_in(&oldu->v[i], newu))
			rule_apply(eng, who, &oldu->v[i], false);
	for (size_t i = 0; i < oldr->n; i++)
		if (!route_in(eng, &oldr->v[i], newr))
			route_apply(eng, who, &oldr->v[i], false);
	for (size_t i = 0; i < newr->n; i++)
		if (!route_in(eng, &newr->v[i], oldr))
			route_apply(eng, who, &newr->v[i], true);
	for (size_t i = 0; i < newu->n; i++)
		if (!rule_in(&newu->v[i], oldu))
			rule_apply(eng, who, &newu->v[i], true);
}

void vrrp_routes_reload(struct vrrp_inst *v, const struct vrrp_instance_conf *oldc,
			const struct vrrp_instance_conf *newc)
{
	lists_diff(v->eng, newc->name, &oldc->routes, &oldc->rules, &newc->routes, &newc->rules);
}

/* ---- static_ipaddress / static_routes / static_rules ---------------------- */

static bool static_addr_conv(struct vrrp_engine *eng, const struct vip_conf *vc,
			     struct rtnl_addr *a)
{
	const char *dev = vc->dev ? vc->dev : eng->cfg->global.default_interface;
	memset(a, 0, sizeof(*a));
	if (!(a->ifindex = link_index(eng, dev ? dev : "eth0")))
		return false;
	a->prefix = vc->prefix;
	a->scope = (uint8_t)vc->scope;
	if (vc->peer.family)
		a->peer = vc->peer;
	if (vc->brd == VIP_BRD_ADDR)
		a->broadcast = vc->brd_addr;
	if (vc->label && vc->prefix.addr.family == AF_INET)
		snprintf(a->label, sizeof(a->label), "%s", vc->label);
	if (vc->prefix.addr.family == AF_INET6 && vc->nodad)
		a->flags |= IFA_F_NODAD;
	if (vc->noprefixroute)
		a->flags |= IFA_F_NOPREFIXROUTE;
	return true;
}

static void static_addr_apply(struct vrrp_engine *eng, const struct vip_conf *vc, bool add)
{
	char p[HALO_ADDRSTRLEN];
	struct rtnl_addr a;
	if (!static_addr_conv(eng, vc, &a)) {
		if (add)
			log_warn("%s:%d: static address %s not added: its interface does not exist",
				 vc->loc.file, vc->loc.line, prefix_format(&vc->prefix, p, sizeof(p)));
		return;
	}
	int e = add ? rtnl_addr_add(&eng->rtnl, &a) : rtnl_addr_del(&eng->rtnl, &a);
	if (e < 0 && e != -EEXIST && e != -EADDRNOTAVAIL)
		log_error("cannot %s static address: %s", add ? "add" : "remove",
			  rtnl_errmsg(&eng->rtnl));
}

void vrrp_static_apply(struct vrrp_engine *eng, const struct vrrp_model *m, bool add)
{
	if (!eng->rtnl_ok)
		return;
	if (add)
		for (size_t i = 0; i < m->static_ipaddress.n; i++)
			static_addr_apply(eng, &m->static_ipaddress.v[i], true);
	lists_apply(eng, NULL, &m->static_routes, &m->static_rules, add);
	if (!add)
		for (size_t i = 0; i < m->static_ipaddress.n; i++)
			static_addr_apply(eng, &m->static_ipaddress.v[i], false);
	size_t n = m->static_ipaddress.n + m->static_routes.n + m->static_rules.n;
	if (n)
		log_info("%s %zu static address(es), %zu route(s), %zu rule(s)",
			 add ? "added" : "removed", m->static_ipaddress.n,
			 m->static_routes.n, m->static_rules.n);
}

static bool static_addr_in(const struct vip_conf *x, const vip_vec *list)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct vip_conf *y = &list->v[i];
		if (addr_equal(&x->prefix.addr, &y->prefix.addr) && x->prefix.len == y->prefix.len &&
		    ((!x->dev && !y->dev) || (x->dev && y->dev && !strcmp(x->dev, y->dev))))
			return true;
	}
	return false;
}

void vrrp_static_reload(struct vrrp_engine *eng, const struct vrrp_model *oldm,
			const struct vrrp_model *newm)
{
	if (!eng->rtnl_ok)
		return;
	for (size_t i = 0; i < oldm->static_ipaddress.n; i++)
		if (!static_addr_in(&oldm->static_ipaddress.v[i], &newm->static_ipaddress))
			static_addr_apply(eng, &oldm->static_ipaddress.v[i], false);
	for (size_t i = 0; i < newm->static_ipaddress.n; i++)
		if (!static_addr_in(&newm->static_ipaddress.v[i], &oldm->static_ipaddress))
			static_addr_apply(eng, &newm->static_ipaddress.v[i], true);
	lists_diff(eng, NULL, &oldm->static_routes, &oldm->static_rules,
		   &newm->static_routes, &newm->static_rules);
}
