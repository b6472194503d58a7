/* virtual_server_group, SSL and bfd_instance: parsing and dump. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/lb_internal.h"

/* ---- virtual_server_group ----------------------------------------------- */

static const struct kw_enum family_names[] = {
	{ "inet", AF_INET }, { "inet6", AF_INET6 }, { NULL, 0 },
};

/* The last address of the prefix `p`: `p` with every host bit set. */
static struct halo_addr prefix_last(const struct halo_prefix *p)
{
	struct halo_addr a = p->addr;
	if (a.family == AF_INET) {
		uint32_t host = p->len >= 32 ? 0 : 0xffffffffu >> p->len;
		a.v4.s_addr = htonl(ntohl(a.v4.s_addr) | host);
		return a;
	}
	for (int bit = p->len; bit < 128; bit++)
		a.v6.s6_addr[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	return a;
}

/* `A-E`: E replaces the last byte of an IPv4 address (decimal) or the last
 * 16-bit group of an IPv6 address (hex).  NULL on success, else the reason. */
static const char *short_range_end(const struct halo_addr *start, const char *s,
				   struct halo_addr *end)
{
	char *stop;
	if (!*s || *s == '-' || *s == '+')
		return "the end is not a number";
	unsigned long v = strtoul(s, &stop, start->family == AF_INET ? 10 : 16);
	if (*stop)
		return "the end is not a number";
	*end = *start;
	if (start->family == AF_INET) {
		uint32_t h = ntohl(start->v4.s_addr);
		if (v > 255 || v <= (h & 255))
			return "the end is not greater than the start";
		end->v4.s_addr = htonl((h & ~255u) | (uint32_t)v);
		return NULL;
	}
	unsigned last = (unsigned)start->v6.s6_addr[14] << 8 | start->v6.s6_addr[15];
	if (v > 0xffff || v <= last)
		return "the end is not greater than the start";
	end->v6.s6_addr[14] = (uint8_t)(v >> 8);
	end->v6.s6_addr[15] = (uint8_t)v;
	return NULL;
}

/* `ADDR`, `ADDR-END`, `ADDR-ADDR` or `ADDR/LEN` into `e`; NULL on success,
 * else why the word is not an address range. */
static const char *parse_range(const char *s, struct vsg_entry *e)
{
	struct halo_prefix p;
	const char *dash = strchr(s, '-');
	if (strchr(s, '/')) {
		if (dash || !prefix_parse(s, &p))
			return "not an address/prefix";
		e->addr = p.addr;
		e->end = prefix_last(&p);
		e->kind = addr_equal(&e->addr, &e->end) ? VSG_ADDR : VSG_RANGE;
		return NULL;
	}
	if (!dash) {
		e->kind = VSG_ADDR;
		return addr_parse(s, &e->addr) ? NULL : "not an IP address";
	}
	char left[HALO_ADDRSTRLEN];
	size_t len = (size_t)(dash - s);
	if (len >= sizeof(left))
		return "not an IP address";
	memcpy(left, s, len);
	left[len] = '\0';
	if (!addr_parse(left, &e->addr))
		return "the start is not an IP address";
	e->kind = VSG_RANGE;
	if (addr_parse(dash + 1, &e->end)) {
		if (e->end.family != e->addr.family)
			return "the start and the end are of different address families";
		return addr_cmp(&e->end, &e->addr) < 0 ? "the end is before the start" : NULL;
	}
	return short_range_end(&e->addr, dash + 1, &e->end);
}

static void parse_vsg_fwmark(struct cf_ctx *c, const struct cf_node *n, struct vsg_conf *g)
{
	int64_t mark;
	int family = AF_UNSPEC;
	if (!cf_args(c, n, 1, 2) || !cf_parse_int(c, n, 1, 1, 4294967295LL, &mark))
		return;
	if (n->argc > 2 && !cf_parse_enum(c, n, 2, family_names, &family))
		return;
	struct vsg_entry *e = VEC_PUSH(c->a, g->entries);
	e->loc = n->loc;
	e->kind = VSG_FWMARK;
	e->fwmark = (unsigned)mark;
	e->family = family;
}

static void parse_vsg_entry(struct cf_ctx *c, const struct cf_node *n, struct vsg_conf *g)
{
	if (!cf_no_block(c, n))
		return;
	if (!strcmp(n->argv[0], "fwmark")) {
		parse_vsg_fwmark(c, n, g);
		return;
	}
	struct vsg_entry e = { .loc = n->loc };
	const char *why = parse_range(n->argv[0], &e);
	if (why) {
		diag_err(c->d, &n->loc, "virtual_server_group %s: invalid address or range '%s':"
			 " %s", g->name, n->argv[0], why);
		return;
	}
	if (n->argc > 2) {
		diag_err(c->d, &n->loc, "virtual_server_group %s: expected '%s [PORT]', got"
			 " extra '%s'", g->name, n->argv[0], n->argv[2]);
		return;
	}
	int64_t port;
	if (n->argc > 1 && (!parse_int64(n->argv[1], &port) || port < 0 || port > 65535)) {
		diag_err(c->d, &n->loc, "virtual_server_group %s: expected a port 0-65535 after"
			 " %s, got '%s'", g->name, n->argv[0], n->argv[1]);
		return;
	}
	if (n->argc > 1)
		e.port = (uint16_t)port;
	e.family = e.addr.family;
	*VEC_PUSH(c->a, g->entries) = e;
}

int lb_parse_vsg(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!cf_args(c, n, 1, 1) || !cf_need_block(c, n))
		return -1;
	struct vsg_conf *g = VEC_PUSH(c->a, cfg->lb.groups);
	g->loc = n->loc;
	g->name = arena_strdup(c->a, n->argv[1]);
	for (const struct cf_node *ch = n->child; ch; ch = ch->next)
		if (ch->argc)
			parse_vsg_entry(c, ch, g);
	return 0;
}

static json_object *dump_vsg_entry(const struct vsg_entry *e)
{
	json_object *o = json_object_new_object();
	if (e->kind == VSG_FWMARK) {
		dump_int(o, "fwmark", e->fwmark);
		dump_str(o, "ip_family", e->family ? enum_name(family_names, e->family) : NULL);
		return o;
	}
	dump_addr(o, "address", &e->addr);
	if (e->kind == VSG_RANGE)
		dump_addr(o, "range_end", &e->end);
	else
		json_object_object_add(o, "range_end", NULL);
	dump_int(o, "port", e->port);
	return o;
}

void lb_dump_vsgs(json_object *root, const struct lb_model *m)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < m->groups.n; i++) {
		const struct vsg_conf *g = &m->groups.v[i];
		json_object *o = json_object_new_object();
		dump_str(o, "name", g->name);
		if (g->invalid)
			dump_bool(o, "invalid", true);
		json_object *ents = json_object_new_array();
		for (size_t k = 0; k < g->entries.n; k++)
			json_object_array_add(ents, dump_vsg_entry(&g->entries.v[k]));
		json_object_object_add(o, "entries", ents);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "virtual_server_groups", arr);
}

/* ---- SSL ---------------------------------------------------------------- */

static const struct kw kw_ssl[] = {
	KW_ROW_STR("password", struct ssl_conf, password),
	KW_ROW_STR("ca", struct ssl_conf, ca),
	KW_ROW_STR("certificate", struct ssl_conf, certificate),
	KW_ROW_STR("key", struct ssl_conf, key),
	KW_END,
};

int lb_parse_ssl(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct ssl_conf *ssl = &((struct halo_config *)obj)->lb.ssl;
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	if (ssl->set) {
		char where[64];
		/* keepalived replaces the whole context, so halo does too. */
		diag_warn(c->d, &n->loc, "SSL: already defined at %s; this block replaces it",
			  lb_where(&ssl->loc, &n->loc, where, sizeof(where)));
	}
	memset(ssl, 0, sizeof(*ssl));
	ssl->set = true;
	ssl->loc = n->loc;
	kw_parse_block(c, n->child, kw_ssl, ssl, "SSL");
	return 0;
}

void lb_dump_ssl(json_object *root, const struct lb_model *m)
{
	if (!m->ssl.set) {
		json_object_object_add(root, "ssl", NULL);
		return;
	}
	json_object *o = json_object_new_object();
	kw_dump(o, kw_ssl, &m->ssl);
	json_object_object_add(root, "ssl", o);
}

/* ---- bfd_instance ------------------------------------------------------- */

#define BFD(obj) ((struct bfd_conf *)(obj))
#define CBFD(obj) ((const struct bfd_conf *)(obj))
#define BFD_MS_MAX 4294967LL /* keepalived's limit: 2^32 us in ms */

/* Intervals are written in milliseconds with microsecond resolution. */
static int bfd_ms(struct cf_ctx *c, const struct cf_node *n, int64_t lo_ms, uint64_t *out_us)
{
	uint64_t v; /* the number read as if it were seconds, in millionths */
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1))
		return -1;
	if (!parse_seconds_us(n->argv[1], &v)) {
		diag_err(c->d, &n->loc, "%s: expected milliseconds %lld-%lld, got '%s'",
			 n->argv[0], (long long)lo_ms, BFD_MS_MAX, n->argv[1]);
		return -1;
	}
	if (v < (uint64_t)lo_ms * USEC_PER_SEC || v > (uint64_t)BFD_MS_MAX * USEC_PER_SEC) {
		diag_err(c->d, &n->loc, "%s: %s ms is out of range %lld-%lld", n->argv[0],
			 n->argv[1], (long long)lo_ms, BFD_MS_MAX);
		return -1;
	}
	*out_us = v / 1000;
	return 0;
}

static int bfd_min_rx(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return bfd_ms(c, n, 1, &BFD(obj)->min_rx_us);
}

static int bfd_min_tx(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return bfd_ms(c, n, 1, &BFD(obj)->min_tx_us);
}

static int bfd_idle_tx(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return bfd_ms(c, n, 1000, &BFD(obj)->idle_tx_us);
}

static void bfd_min_rx_dump(json_object *o, const void *obj)
{
	dump_int(o, "min_rx_us", (int64_t)CBFD(obj)->min_rx_us);
}

static void bfd_min_tx_dump(json_object *o, const void *obj)
{
	dump_int(o, "min_tx_us", (int64_t)CBFD(obj)->min_tx_us);
}

static void bfd_idle_tx_dump(json_object *o, const void *obj)
{
	dump_int(o, "idle_tx_us", (int64_t)CBFD(obj)->idle_tx_us);
}

static int bfd_weight(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	int64_t w;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2) ||
	    !cf_parse_int(c, n, 1, -253, 253, &w))
		return -1;
	if (n->argc > 2 && strcmp(n->argv[2], "reverse")) {
		diag_err(c->d, &n->loc, "%s: expected reverse, got '%s'", n->argv[0], n->argv[2]);
		return -1;
	}
	BFD(obj)->weight = (int)w;
	BFD(obj)->reverse = n->argc > 2;
	return 0;
}

static void bfd_weight_dump(json_object *o, const void *obj)
{
	dump_int(o, "weight", CBFD(obj)->weight);
	dump_bool(o, "reverse", CBFD(obj)->reverse);
}

static const struct kw kw_bfd[] = {
	KW_ROW_ADDR("neighbor_ip", struct bfd_conf, neighbor_ip),
	KW_ROW_ALIAS("neighbour_ip", "neighbor_ip"),
	KW_ROW_ADDR("source_ip", struct bfd_conf, source_ip),
	KW_ROW_CUSTOM("min_rx", bfd_min_rx, bfd_min_rx_dump),
	KW_ROW_CUSTOM("min_tx", bfd_min_tx, bfd_min_tx_dump),
	KW_ROW_CUSTOM("idle_tx", bfd_idle_tx, bfd_idle_tx_dump),
	KW_ROW_INT("multiplier", struct bfd_conf, multiplier, 1, 255),
	KW_ROW_FLAG("passive", struct bfd_conf, passive),
	KW_ROW_INT("ttl", struct bfd_conf, ttl, 1, 255),
	KW_ROW_ALIAS("hoplimit", "ttl"),
	KW_ROW_INT("max_hops", struct bfd_conf, max_hops, -1, 255),
	KW_ROW_CUSTOM("weight", bfd_weight, bfd_weight_dump),
	KW_ROW_FLAG("vrrp", struct bfd_conf, vrrp),
	KW_ROW_FLAG("checker", struct bfd_conf, checker),
	KW_END,
};

int lb_parse_bfd(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!cf_args(c, n, 1, 1) || !cf_need_block(c, n))
		return -1;
	if (strlen(n->argv[1]) > LB_BFD_NAME_MAX) {
		diag_err(c->d, &n->loc, "bfd_instance: name '%s' is longer than %d characters",
			 n->argv[1], LB_BFD_NAME_MAX);
		return -1;
	}
	struct bfd_conf *b = VEC_PUSH(c->a, cfg->lb.bfd);
	b->loc = n->loc;
	b->name = arena_strdup(c->a, n->argv[1]);
	b->min_rx_us = 10000;
	b->min_tx_us = 10000;
	b->idle_tx_us = 1000000;
	b->multiplier = 5;
	kw_parse_block(c, n->child, kw_bfd, b, "bfd_instance");
	return 0;
}

void lb_dump_bfds(json_object *root, const struct lb_model *m)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < m->bfd.n; i++) {
		const struct bfd_conf *b = &m->bfd.v[i];
		json_object *o = json_object_new_object();
		dump_str(o, "name", b->name);
		if (b->invalid)
			dump_bool(o, "invalid", true);
		kw_dump(o, kw_bfd, b);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "bfd_instances", arr);
}
