/* Whole-configuration checks of the load-balancer sections, and resolution
 * of the settings inherited down virtual server -> real server -> checker.
 *
 * Everything here is O(n log n) at worst: name lookups go through sorted
 * indexes and duplicate searches sort, because a configuration may carry
 * tens of thousands of real servers.  What keepalived skips (a virtual
 * server naming no group, a duplicate, a real server of the wrong family)
 * is an error and the object is flagged `invalid`; nothing here is fatal. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/lb_internal.h"

#define DEFAULT_PERSISTENCE_TIMEOUT 360

/* ---- sorted name indexes ------------------------------------------------- */

struct name_ref {
	const char *name;
	size_t idx;
};

static int name_ref_cmp(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct sorted_names {
	struct name_ref *v;
	size_t n;
};

static void index_sort(struct sorted_names *ix)
{
	if (ix->n)
		qsort(ix->v, ix->n, sizeof(*ix->v), name_ref_cmp);
}

/* The first-defined object of that name, or -1. */
static long index_find(const struct sorted_names *ix, const char *name)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && !strcmp(ix->v[lo].name, name))
		return (long)ix->v[lo].idx;
	return -1;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		abort();
	return p;
}

/* ---- virtual_server_group ------------------------------------------------ */

struct lb_ctx {
	struct cf_ctx *c;
	struct lb_model *m;
	struct sorted_names groups, bfds, files;
	int *group_family; /* per group: AF_INET, AF_INET6, 0 (unknown), -1 (both) */
};

static void check_group_names(struct lb_ctx *x)
{
	struct lb_model *m = x->m;
	x->groups.v = xcalloc(m->groups.n, sizeof(struct name_ref));
	for (size_t i = 0; i < m->groups.n; i++)
		x->groups.v[x->groups.n++] = (struct name_ref){ m->groups.v[i].name, i };
	index_sort(&x->groups);
	char where[64];
	for (size_t i = 1; i < x->groups.n; i++) {
		const struct name_ref *a = &x->groups.v[i - 1], *b = &x->groups.v[i];
		if (strcmp(a->name, b->name))
			continue;
		struct vsg_conf *dup = &m->groups.v[b->idx];
		const struct vsg_conf *first = &m->groups.v[index_find(&x->groups, b->name)];
		diag_err(x->c->d, &dup->loc, "virtual_server_group %s is already defined at %s;"
			 " this one is ignored", dup->name,
			 lb_where(&first->loc, &dup->loc, where, sizeof(where)));
		dup->invalid = true;
	}
}

/* The address family a group gives its virtual servers. */
static int group_family(struct lb_ctx *x, struct vsg_conf *g)
{
	bool has4 = false, has6 = false, bare_mark = false;
	for (size_t k = 0; k < g->entries.n; k++) {
		const struct vsg_entry *e = &g->entries.v[k];
		has4 |= e->family == AF_INET;
		has6 |= e->family == AF_INET6;
		bare_mark |= e->kind == VSG_FWMARK && e->family == AF_UNSPEC;
	}
	if (has4 && has6 && bare_mark && !g->invalid) {
		diag_err(x->c->d, &g->loc, "virtual_server_group %s has IPv4 and IPv6 addresses"
			 " and a fwmark without inet|inet6; the group is ignored", g->name);
		g->invalid = true;
	}
	return has4 && has6 ? -1 : has4 ? AF_INET : has6 ? AF_INET6 : AF_UNSPEC;
}

static void check_groups(struct lb_ctx *x)
{
	check_group_names(x);
	x->group_family = xcalloc(x->m->groups.n, sizeof(int));
	for (size_t i = 0; i < x->m->groups.n; i++) {
		struct vsg_conf *g = &x->m->groups.v[i];
		if (!g->entries.n && !g->invalid) {
			diag_warn(x->c->d, &g->loc, "virtual_server_group %s has no entries;"
				  " virtual servers using it are ignored", g->name);
			g->invalid = true;
		}
		x->group_family[i] = group_family(x, g);
	}
}

/* ---- bfd_instance -------------------------------------------------------- */

static int bfd_addr_cmp(const void *a, const void *b)
{
	const struct bfd_conf *x = *(const struct bfd_conf *const *)a;
	const struct bfd_conf *y = *(const struct bfd_conf *const *)b;
	int r = addr_cmp(&x->neighbor_ip, &y->neighbor_ip);
	if (!r)
		r = (int)x->source_ip.family - (int)y->source_ip.family;
	if (!r && addr_is_set(&x->source_ip))
		r = addr_cmp(&x->source_ip, &y->source_ip);
	if (!r)
		r = x < y ? -1 : x > y;
	return r;
}

static void check_bfd_one(struct cf_ctx *c, struct bfd_conf *b)
{
	char a1[HALO_ADDRSTRLEN];
	if (!addr_is_set(&b->neighbor_ip)) {
		diag_err(c->d, &b->loc, "bfd_instance %s has no neighbor_ip; it is disabled",
			 b->name);
		b->invalid = true;
		return;
	}
	if (addr_is_set(&b->source_ip) && b->source_ip.family != b->neighbor_ip.family) {
		diag_err(c->d, &b->loc, "bfd_instance %s: source_ip %s and neighbor_ip are of"
			 " different address families; it is disabled", b->name,
			 addr_format(&b->source_ip, a1, sizeof(a1)));
		b->invalid = true;
	}
	if (!b->ttl)
		b->ttl = b->neighbor_ip.family == AF_INET6 ? 64 : 255;
	if (b->max_hops > b->ttl) {
		diag_warn(c->d, &b->loc, "bfd_instance %s: max_hops %d exceeds ttl %d; using %d",
			  b->name, b->max_hops, b->ttl, b->ttl);
		b->max_hops = b->ttl;
	}
}

static void check_bfd_neighbors(struct lb_ctx *x)
{
	struct lb_model *m = x->m;
	const struct bfd_conf **v = xcalloc(m->bfd.n, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < m->bfd.n; i++)
		if (!m->bfd.v[i].invalid)
			v[n++] = &m->bfd.v[i];
	if (n)
		qsort(v, n, sizeof(*v), bfd_addr_cmp);
	char a[HALO_ADDRSTRLEN], where[64];
	for (size_t i = 1, first = 0; i < n; i++) {
		const struct bfd_conf *p = v[first];
		struct bfd_conf *q = (struct bfd_conf *)v[i];
		if (!addr_equal(&p->neighbor_ip, &q->neighbor_ip) ||
		    !addr_equal(&p->source_ip, &q->source_ip)) {
			first = i;
			continue;
		}
		diag_err(x->c->d, &q->loc, "bfd_instance %s: neighbor_ip %s is already used by"
			 " bfd_instance %s at %s; it is ignored", q->name,
			 addr_format(&q->neighbor_ip, a, sizeof(a)), p->name,
			 lb_where(&p->loc, &q->loc, where, sizeof(where)));
		q->invalid = true;
	}
	free(v);
}

static void check_bfds(struct lb_ctx *x)
{
	struct lb_model *m = x->m;
	char where[64];
	x->bfds.v = xcalloc(m->bfd.n, sizeof(struct name_ref));
	for (size_t i = 0; i < m->bfd.n; i++)
		x->bfds.v[x->bfds.n++] = (struct name_ref){ m->bfd.v[i].name, i };
	index_sort(&x->bfds);
	for (size_t i = 1; i < x->bfds.n; i++) {
		if (strcmp(x->bfds.v[i - 1].name, x->bfds.v[i].name))
			continue;
		struct bfd_conf *dup = &m->bfd.v[x->bfds.v[i].idx];
		const struct bfd_conf *first = &m->bfd.v[index_find(&x->bfds, dup->name)];
		diag_err(x->c->d, &dup->loc, "bfd_instance %s is already defined at %s;"
			 " this one is ignored", dup->name,
			 lb_where(&first->loc, &dup->loc, where, sizeof(where)));
		dup->invalid = true;
	}
	for (size_t i = 0; i < m->bfd.n; i++)
		if (!m->bfd.v[i].invalid)
			check_bfd_one(x->c, &m->bfd.v[i]);
	check_bfd_neighbors(x);
}

/* ---- address families ---------------------------------------------------- */

static int rs_method(const struct virtual_server_conf *vs, const struct lb_fwd *f)
{
	return f->method != LB_METHOD_UNSET ? f->method : vs->fwd.method;
}

/* The family the virtual server's own definition gives: its address, its
 * group's addresses, or nothing for a fwmark.  -1: the group mixes both. */
static int header_family(struct lb_ctx *x, struct virtual_server_conf *vs)
{
	char name[128];
	if (vs->kind == LB_VS_ADDR)
		return vs->addr.family;
	if (vs->kind == LB_VS_FWMARK || !vs->group)
		return AF_UNSPEC;
	long gi = index_find(&x->groups, vs->group);
	if (gi < 0) {
		diag_err(x->c->d, &vs->loc, "%s: virtual_server_group '%s' is not defined;"
			 " this virtual server is ignored",
			 lb_vs_name(vs, name, sizeof(name)), vs->group);
		vs->invalid = true;
		return AF_UNSPEC;
	}
	if (x->m->groups.v[gi].invalid) {
		diag_warn(x->c->d, &vs->loc, "%s: the group is ignored, and so is this"
			  " virtual server", lb_vs_name(vs, name, sizeof(name)));
		vs->invalid = true;
	}
	return x->group_family[gi];
}

static const char *family_name(int f)
{
	return f == AF_INET6 ? "IPv6" : "IPv4";
}

/* A non-tunnelled real or sorry server must share the service's family;
 * returns false (after reporting) when it does not. */
static bool server_family_ok(struct lb_ctx *x, struct virtual_server_conf *vs, int *fam,
			     const struct halo_addr *a, const struct lb_fwd *f,
			     const struct cf_loc *loc, const char *what)
{
	char name[128], as[HALO_ADDRSTRLEN];
	if (rs_method(vs, f) == LB_METHOD_TUN || !a->family)
		return true;
	if (*fam == -1) {
		diag_err(x->c->d, loc, "%s %s: the group of %s has IPv4 and IPv6 addresses, so"
			 " its servers must use lvs_method TUN; this server is ignored", what,
			 addr_format(a, as, sizeof(as)), lb_vs_name(vs, name, sizeof(name)));
		return false;
	}
	if (*fam == AF_UNSPEC)
		*fam = a->family;
	if (a->family == *fam)
		return true;
	diag_err(x->c->d, loc, "%s %s: %s address in an %s %s (only lvs_method TUN servers"
		 " may differ); this server is ignored", what, addr_format(a, as, sizeof(as)),
		 family_name(a->family), family_name(*fam), lb_vs_name(vs, name, sizeof(name)));
	return false;
}

/* Every server is tunnelled: the family is theirs if they agree, else IPv4. */
static int tunnelled_family(const struct virtual_server_conf *vs)
{
	int fam = vs->sorry.set ? vs->sorry.addr.family : AF_UNSPEC;
	for (size_t i = 0; i < vs->rs.n; i++) {
		const struct real_server_conf *rs = &vs->rs.v[i];
		if (rs->invalid)
			continue;
		if (fam == AF_UNSPEC)
			fam = rs->addr.family;
		else if (fam != rs->addr.family)
			return AF_INET;
	}
	return fam ? fam : AF_INET;
}

static void resolve_family(struct lb_ctx *x, struct virtual_server_conf *vs)
{
	char name[128];
	int fam = header_family(x, vs);
	if (vs->ip_family && fam > 0 && fam != vs->ip_family)
		diag_err(x->c->d, &vs->loc, "%s: ip_family %s does not match its %s address;"
			 " ip_family is ignored", lb_vs_name(vs, name, sizeof(name)),
			 vs->ip_family == AF_INET6 ? "inet6" : "inet", family_name(fam));
	else if (vs->ip_family && fam == AF_UNSPEC)
		fam = vs->ip_family;
	for (size_t i = 0; i < vs->rs.n; i++) {
		struct real_server_conf *rs = &vs->rs.v[i];
		if (!rs->invalid &&
		    !server_family_ok(x, vs, &fam, &rs->addr, &rs->fwd, &rs->loc, "real_server"))
			rs->invalid = true;
	}
	struct lb_sorry *s = &vs->sorry;
	if (s->set && !server_family_ok(x, vs, &fam, &s->addr, &s->fwd, &s->loc, "sorry_server"))
		s->set = false;
	vs->family = fam > 0 ? fam : tunnelled_family(vs);
}

/* ---- per virtual server -------------------------------------------------- */

static void resolve_rs(struct virtual_server_conf *vs, struct real_server_conf *rs)
{
	struct lb_timing *t = &rs->t;
	const struct lb_timing *v = &vs->t;
	if (t->delay_loop_us == LB_UNSET)
		t->delay_loop_us = v->delay_loop_us;
	if (t->connect_timeout_us == LB_UNSET)
		t->connect_timeout_us = v->connect_timeout_us;
	if (t->delay_before_retry_us == LB_UNSET)
		t->delay_before_retry_us = v->delay_before_retry_us;
	if (t->warmup_us == LB_UNSET)
		t->warmup_us = v->warmup_us;
	if (t->retry < 0)
		t->retry = v->retry;
	if (t->alpha < 0)
		t->alpha = v->alpha;
	if (rs->fwd.method == LB_METHOD_UNSET)
		rs->fwd = vs->fwd;
	if (rs->inhibit_on_failure < 0)
		rs->inhibit_on_failure = vs->inhibit_on_failure;
	if (!rs->virtualhost)
		rs->virtualhost = vs->virtualhost;
	if (!rs->port_set && vs->kind == LB_VS_ADDR)
		rs->port = vs->port;
	for (size_t k = 0; k < rs->checkers.n; k++)
		lb_resolve_checker(&rs->checkers.v[k], rs);
}

/* Only NAT can send a connection to another port than the service's; with DR
 * or TUN keepalived resets the port, and halo does the same, saying so. */
static void check_port(struct lb_ctx *x, const struct virtual_server_conf *vs,
		       const struct halo_addr *a, uint16_t *port, const struct lb_fwd *f,
		       const struct cf_loc *loc, const char *what)
{
	char as[HALO_ADDRSTRLEN];
	if (vs->kind != LB_VS_ADDR || f->method == LB_METHOD_NAT || !vs->port ||
	    !*port || *port == vs->port)
		return;
	diag_warn(x->c->d, loc, "%s %s %u: lvs_method %s cannot change the port; using the"
		  " virtual server's port %u", what, addr_format(a, as, sizeof(as)), *port,
		  enum_name(lb_method_names, f->method), vs->port);
	*port = vs->port;
}

/* A group of fwmarks only is a fwmark service: no protocol of its own. */
static bool marks_only(struct lb_ctx *x, const struct virtual_server_conf *vs)
{
	long gi = vs->kind == LB_VS_GROUP && vs->group ? index_find(&x->groups, vs->group) : -1;
	if (gi < 0)
		return false;
	const struct vsg_conf *g = &x->m->groups.v[gi];
	for (size_t k = 0; k < g->entries.n; k++)
		if (g->entries.v[k].kind != VSG_FWMARK)
			return false;
	return true;
}

static void resolve_service(struct lb_ctx *x, struct virtual_server_conf *vs)
{
	char name[128];
	struct cf_ctx *c = x->c;
	if (vs->kind != LB_VS_FWMARK && !marks_only(x, vs) && vs->protocol == LB_PROTO_UNSET) {
		diag_warn(c->d, &vs->loc, "%s: no protocol; using UDP as keepalived does",
			  lb_vs_name(vs, name, sizeof(name)));
		vs->protocol = LB_PROTO_UDP;
	}
	if (vs->persistence_granularity && !vs->persistence_timeout)
		vs->persistence_timeout = DEFAULT_PERSISTENCE_TIMEOUT;
	if (vs->kind == LB_VS_ADDR && vs->port == 0 && !vs->persistence_timeout) {
		diag_warn(c->d, &vs->loc, "%s: port 0 is only valid for a persistent service;"
			  " using persistence_timeout %d", lb_vs_name(vs, name, sizeof(name)),
			  DEFAULT_PERSISTENCE_TIMEOUT);
		vs->persistence_timeout = DEFAULT_PERSISTENCE_TIMEOUT;
	}
	if (vs->persistence_granularity && vs->granularity_family != vs->family)
		diag_err(c->d, &vs->loc, "%s: persistence_granularity is written as an %s"
			 " %s but the service is %s; it is ignored",
			 lb_vs_name(vs, name, sizeof(name)), family_name(vs->granularity_family),
			 vs->granularity_family == AF_INET ? "netmask" : "prefix length",
			 family_name(vs->family));
	if (vs->ops && vs->kind != LB_VS_FWMARK && vs->protocol != LB_PROTO_UDP) {
		diag_warn(c->d, &vs->loc, "%s: ops needs protocol UDP; ignored",
			  lb_vs_name(vs, name, sizeof(name)));
		vs->ops = false;
	}
	if (vs->ha_suspend && vs->kind == LB_VS_FWMARK) {
		diag_warn(c->d, &vs->loc, "%s: ha_suspend does not apply to a fwmark; ignored",
			  lb_vs_name(vs, name, sizeof(name)));
		vs->ha_suspend = false;
	}
	if (vs->sorry.set && vs->sorry.fwd.method == LB_METHOD_UNSET)
		vs->sorry.fwd = vs->fwd;
	if (vs->sorry.set)
		check_port(x, vs, &vs->sorry.addr, &vs->sorry.port, &vs->sorry.fwd,
			   &vs->sorry.loc, "sorry_server");
	for (size_t i = 0; i < vs->rs.n; i++) {
		struct real_server_conf *rs = &vs->rs.v[i];
		resolve_rs(vs, rs);
		if (!rs->invalid)
			check_port(x, vs, &rs->addr, &rs->port, &rs->fwd, &rs->loc, "real_server");
	}
}

static int rs_cmp(const void *a, const void *b)
{
	const struct real_server_conf *x = *(const struct real_server_conf *const *)a;
	const struct real_server_conf *y = *(const struct real_server_conf *const *)b;
	int r = addr_cmp(&x->addr, &y->addr);
	if (!r)
		r = (int)x->port - (int)y->port;
	if (!r)
		r = x < y ? -1 : x > y;
	return r;
}

static void check_duplicate_rs(struct lb_ctx *x, struct virtual_server_conf *vs)
{
	struct real_server_conf **v = xcalloc(vs->rs.n, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < vs->rs.n; i++)
		if (!vs->rs.v[i].invalid)
			v[n++] = &vs->rs.v[i];
	if (n > 1)
		qsort(v, n, sizeof(*v), rs_cmp);
	char a[HALO_ADDRSTRLEN], where[64];
	for (size_t i = 1, first = 0; i < n; i++) {
		const struct real_server_conf *p = v[first];
		struct real_server_conf *q = v[i];
		/* A fwmark service ignores ports, so only the address counts. */
		if (!addr_equal(&p->addr, &q->addr) ||
		    (vs->kind != LB_VS_FWMARK && p->port != q->port)) {
			first = i;
			continue;
		}
		diag_err(x->c->d, &q->loc, "real_server %s %u is already defined at %s in this"
			 " virtual_server; this one is ignored", addr_format(&q->addr, a, sizeof(a)),
			 q->port, lb_where(&p->loc, &q->loc, where, sizeof(where)));
		q->invalid = true;
	}
	free(v);
}

static void check_quorum(struct lb_ctx *x, struct virtual_server_conf *vs)
{
	char name[128];
	int64_t total = 0;
	size_t live = 0;
	for (size_t i = 0; i < vs->rs.n; i++)
		if (!vs->rs.v[i].invalid) {
			total += vs->rs.v[i].weight;
			live++;
		}
	if (!live) {
		if (!vs->invalid)
			diag_warn(x->c->d, &vs->loc, "%s has no real servers; it is ignored",
				  lb_vs_name(vs, name, sizeof(name)));
		vs->invalid = true;
		return;
	}
	if (vs->quorum > total) {
		int64_t q = total > 0 ? total : 1;
		/* keepalived lowers the quorum the same way; say so. */
		diag_warn(x->c->d, &vs->loc, "%s: quorum %d exceeds the total weight %lld of its"
			  " real servers; using %lld", lb_vs_name(vs, name, sizeof(name)),
			  vs->quorum, (long long)total, (long long)q);
		vs->quorum = (int)q;
	}
	if (vs->hysteresis && vs->hysteresis >= vs->quorum) {
		diag_warn(x->c->d, &vs->loc, "%s: hysteresis %d is not less than quorum %d;"
			  " using %d", lb_vs_name(vs, name, sizeof(name)), vs->hysteresis,
			  vs->quorum, vs->quorum - 1);
		vs->hysteresis = vs->quorum - 1;
	}
}

static void check_checker_refs(struct lb_ctx *x, struct real_server_conf *rs)
{
	for (size_t k = 0; k < rs->checkers.n; k++) {
		struct checker_conf *ck = &rs->checkers.v[k];
		if (ck->invalid)
			continue;
		if (ck->type == CHK_BFD && index_find(&x->bfds, ck->u.bfd.name) < 0) {
			diag_err(x->c->d, &ck->loc, "BFD_CHECK: bfd_instance '%s' is not defined;"
				 " this checker is ignored", ck->u.bfd.name);
			ck->invalid = true;
		}
		if (ck->type == CHK_FILE && index_find(&x->files, ck->u.file.track_file) < 0) {
			diag_err(x->c->d, &ck->loc, "FILE_CHECK: track_file '%s' is not defined;"
				 " this checker is ignored", ck->u.file.track_file);
			ck->invalid = true;
		}
	}
}

static void check_vs(struct lb_ctx *x, struct virtual_server_conf *vs)
{
	resolve_family(x, vs);
	resolve_service(x, vs);
	check_duplicate_rs(x, vs);
	check_quorum(x, vs);
	for (size_t i = 0; i < vs->rs.n; i++)
		check_checker_refs(x, &vs->rs.v[i]);
}

/* ---- duplicate virtual servers ------------------------------------------- */

static const struct kw_enum proto_names[] = {
	{ "TCP", LB_PROTO_TCP }, { "UDP", LB_PROTO_UDP }, { "SCTP", LB_PROTO_SCTP }, { NULL, 0 },
};

static int vs_cmp(const void *a, const void *b)
{
	const struct virtual_server_conf *x = *(const struct virtual_server_conf *const *)a;
	const struct virtual_server_conf *y = *(const struct virtual_server_conf *const *)b;
	int r = x->kind - y->kind;
	if (!r && x->kind == LB_VS_ADDR) {
		r = addr_cmp(&x->addr, &y->addr);
		if (!r)
			r = (int)x->port - (int)y->port;
	}
	if (!r && x->kind == LB_VS_FWMARK)
		r = x->fwmark < y->fwmark ? -1 : x->fwmark > y->fwmark;
	if (!r && x->kind == LB_VS_GROUP)
		r = strcmp(x->group, y->group);
	if (!r)
		r = x->family - y->family;
	/* A fwmark service has no protocol of its own. */
	if (!r && x->kind != LB_VS_FWMARK)
		r = x->protocol - y->protocol;
	return r;
}

static int vs_cmp_stable(const void *a, const void *b)
{
	int r = vs_cmp(a, b);
	if (r)
		return r;
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;
	return x < y ? -1 : x > y;
}

static void check_duplicate_vs(struct lb_ctx *x)
{
	struct lb_model *m = x->m;
	struct virtual_server_conf **v = xcalloc(m->vs.n, sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < m->vs.n; i++)
		if (!m->vs.v[i].invalid)
			v[n++] = &m->vs.v[i];
	if (n > 1)
		qsort(v, n, sizeof(*v), vs_cmp_stable);
	char name[128], where[64];
	for (size_t i = 1, first = 0; i < n; i++) {
		if (vs_cmp(&v[first], &v[i])) {
			first = i;
			continue;
		}
		struct virtual_server_conf *q = v[i];
		diag_err(x->c->d, &q->loc, "%s%s%s is already defined at %s; this one is ignored",
			 lb_vs_name(q, name, sizeof(name)), q->kind == LB_VS_FWMARK ? "" : " ",
			 q->kind == LB_VS_FWMARK ? "" : enum_name(proto_names, q->protocol),
			 lb_where(&v[first]->loc, &q->loc, where, sizeof(where)));
		q->invalid = true;
	}
	free(v);
}

/* track_file sections belong to the VRRP model; FILE_CHECK refers to them. */
static void index_track_files(struct lb_ctx *x)
{
	const struct vrrp_model *vm = &x->c->cfg->vrrp;
	x->files.v = xcalloc(vm->track_files.n, sizeof(struct name_ref));
	for (size_t i = 0; i < vm->track_files.n; i++)
		x->files.v[x->files.n++] = (struct name_ref){ vm->track_files.v[i].name, i };
	index_sort(&x->files);
}

void validate_lb(struct cf_ctx *c)
{
	struct lb_ctx x = { .c = c, .m = &c->cfg->lb };
	check_groups(&x);
	check_bfds(&x);
	index_track_files(&x);
	for (size_t i = 0; i < x.m->vs.n; i++)
		check_vs(&x, &x.m->vs.v[i]);
	check_duplicate_vs(&x);
	free(x.groups.v);
	free(x.bfds.v);
	free(x.files.v);
	free(x.group_family);
}
