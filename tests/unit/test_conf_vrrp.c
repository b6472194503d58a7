/* VRRP-side configuration: global_defs, vrrp_instance, trackers, sync
 * groups, static sections; typed values, defaults, aliases, range errors
 * with their exact messages and lines, and the whole-config validation.
 *
 * Configurations are loaded from text with conf_load_string(), so these
 * tests also go through the reader; interfaces are "lo" wherever a test
 * asserts that no diagnostic at all is produced (it exists everywhere). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "conf/conf.h"

static struct diag_list D;
static struct halo_config *CFG;

static struct halo_config *load(const char *text)
{
	conf_free(CFG);
	diag_clear(&D);
	struct conf_opts o = { .file = "t.conf", .config_id = "test" };
	CFG = conf_load_string("t.conf", text, &o, &D);
	assert_non_null(CFG);
	return CFG;
}

static int teardown(void **state)
{
	(void)state;
	conf_free(CFG);
	CFG = NULL;
	diag_clear(&D);
	return 0;
}

/* Prints the diagnostics when an expectation fails, to see why. */
static void show(void)
{
	diag_print(stderr, &D);
}

/* True when a diagnostic of severity `sev` at `line` has exactly `msg`. */
static bool has(enum diag_sev sev, int line, const char *msg)
{
	for (size_t i = 0; i < D.n; i++)
		if (D.v[i].sev == sev && D.v[i].loc.line == line && !strcmp(D.v[i].msg, msg))
			return true;
	show();
	return false;
}

#define ERR(line, msg) assert_true(has(DIAG_ERROR, (line), (msg)))
#define WARN(line, msg) assert_true(has(DIAG_WARNING, (line), (msg)))
#define CLEAN() do { if (D.n) show(); assert_int_equal(D.n, 0); } while (0)

static struct vrrp_instance_conf *inst(size_t i)
{
	assert_true(i < CFG->vrrp.instances.n);
	return &CFG->vrrp.instances.v[i];
}

static const char *addr_str(const struct halo_addr *a)
{
	static char buf[HALO_ADDRSTRLEN];
	return addr_format(a, buf, sizeof(buf));
}

static const char *prefix_str(const struct halo_prefix *p)
{
	static char buf[HALO_ADDRSTRLEN];
	return prefix_format(p, buf, sizeof(buf));
}

#define MIN_VI "vrrp_instance VI_1 {\n interface lo\n virtual_router_id 51\n" \
	       " virtual_ipaddress {\n  10.0.0.1/24\n }\n"

/* ---- vrrp_instance ----------------------------------------------------- */

static void test_instance_defaults(void **state)
{
	(void)state;
	load(MIN_VI "}\n");
	CLEAN();
	struct vrrp_instance_conf *v = inst(0);
	assert_string_equal(v->name, "VI_1");
	assert_int_equal(v->loc.line, 1);
	assert_int_equal(v->state, VRRP_CONF_BACKUP);
	assert_string_equal(v->interface, "lo");
	assert_int_equal(v->vrid, 51);
	assert_int_equal(v->priority, 100);
	assert_int_equal(v->advert_int_us, 1000000);
	assert_int_equal(v->version, 2);
	assert_int_equal(v->family, AF_INET);
	assert_false(v->nopreempt);
	assert_int_equal(v->preempt_delay_us, 0);
	assert_int_equal(v->accept, 1);
	assert_int_equal(v->unicast_ttl, 255);
	assert_int_equal(v->garp_master_delay_us, 5000000);
	assert_int_equal(v->garp_master_repeat, 5);
	assert_int_equal(v->garp_lower_prio_delay_us, 5000000);
	assert_int_equal(v->garp_lower_prio_repeat, 5);
	assert_int_equal(v->garp_master_refresh_us, 0);
	assert_int_equal(v->garp_master_refresh_repeat, 1);
	assert_int_equal(v->down_timer_adverts, 3);
	assert_int_equal(v->check_unicast_src, 0);
	assert_int_equal(v->strict_mode, 0);
	assert_int_equal(v->smtp_alert, 0);
	assert_int_equal(v->auth_type, VRRP_AUTH_NONE);
	assert_false(v->invalid);
	assert_int_equal(v->vips.n, 1);
	assert_string_equal(prefix_str(&v->vips.v[0].prefix), "10.0.0.1/24");
	assert_int_equal(v->vips.v[0].loc.line, 5);
}

static void test_instance_typed(void **state)
{
	(void)state;
	load("vrrp_instance VI_1 {\n"
	     " state MASTER\n"
	     " interface lo\n"
	     " virtual_router_id 7\n"
	     " priority 150\n"
	     " advert_int 3\n"
	     " nopreempt\n"
	     " preempt\n"
	     " preempt_delay 2.5\n"
	     " no_accept\n"
	     " garp_master_delay 10\n"
	     " garp_master_repeat 2\n"
	     " garp_master_refresh 60\n"
	     " garp_master_refresh_repeat 3\n"
	     " garp_extra_if all 100\n"
	     " down_timer_adverts 5\n"
	     " lower_prio_no_advert off\n"
	     " higher_prio_send_advert\n"
	     " skip_check_adv_addr yes\n"
	     " debug 2\n"
	     " use_vmac vrrp.7\n"
	     " vmac_xmit_base\n"
	     " dont_track_primary\n"
	     " mcast_src_ip 10.0.0.9\n"
	     " virtual_ipaddress {\n  10.0.0.1/24\n }\n"
	     "}\n");
	/* state MASTER with preempt_delay: keepalived ignores the delay. */
	WARN(9, "preempt_delay: ignored for VI_1: state is MASTER");
	struct vrrp_instance_conf *v = inst(0);
	assert_int_equal(v->state, VRRP_CONF_MASTER);
	assert_int_equal(v->vrid, 7);
	assert_int_equal(v->priority, 150);
	assert_int_equal(v->advert_int_us, 3000000);
	assert_false(v->nopreempt); /* `preempt` came after `nopreempt` */
	assert_int_equal(v->preempt_delay_us, 0);
	assert_int_equal(v->accept, 0);
	assert_int_equal(v->garp_master_delay_us, 10000000);
	assert_int_equal(v->garp_master_repeat, 2);
	/* Lower-priority bursts follow the instance's own takeover burst. */
	assert_int_equal(v->garp_lower_prio_delay_us, 10000000);
	assert_int_equal(v->garp_lower_prio_repeat, 2);
	assert_int_equal(v->garp_master_refresh_us, 60000000);
	assert_int_equal(v->garp_master_refresh_repeat, 3);
	assert_int_equal(v->garp_extra_if, 100);
	assert_true(v->garp_extra_if_all);
	assert_int_equal(v->down_timer_adverts, 5);
	assert_int_equal(v->lower_prio_no_advert, 0);
	assert_int_equal(v->higher_prio_send_advert, 1);
	assert_int_equal(v->skip_check_adv_addr, 1);
	assert_int_equal(v->debug, 2);
	assert_true(v->use_vmac);
	assert_string_equal(v->vmac_name, "vrrp.7");
	assert_true(v->vmac_xmit_base);
	assert_true(v->dont_track_primary);
	assert_string_equal(addr_str(&v->mcast_src_ip), "10.0.0.9");
}

static void test_master_is_owner(void **state)
{
	(void)state;
	/* keepalived makes `state MASTER` without a priority the address owner. */
	load(MIN_VI " state MASTER\n}\n");
	CLEAN();
	assert_int_equal(inst(0)->priority, 255);
	load(MIN_VI " state MASTER\n priority 200\n}\n");
	assert_int_equal(inst(0)->priority, 200);
}

static void test_instance_ranges(void **state)
{
	(void)state;
	load(MIN_VI " priority 300\n unicast_ttl 256\n version 4\n debug 5\n"
	     " down_timer_adverts 0\n preempt_delay 1001\n advert_int 0\n"
	     " state FOO\n garp_master_repeat 0\n}\n");
	ERR(7, "priority: 300 is out of range 1-255");
	ERR(8, "unicast_ttl: 256 is out of range 0-255");
	ERR(9, "version: 4 is out of range 2-3");
	ERR(10, "debug: 5 is out of range 0-4");
	ERR(11, "down_timer_adverts: 0 is out of range 1-100");
	ERR(12, "preempt_delay: 1001 seconds is out of range 0-1000");
	ERR(13, "advert_int: 0 seconds is out of range 0.01-255");
	ERR(14, "state: expected one of BACKUP|MASTER, got 'FOO'");
	ERR(15, "garp_master_repeat: 0 is out of range 1-2147483647");
	assert_int_equal(D.errors, 9);
	/* Rejected values leave the defaults. */
	assert_int_equal(inst(0)->priority, 100);
	assert_int_equal(inst(0)->advert_int_us, 1000000);
	load("vrrp_instance VI_1 {\n virtual_router_id 0\n}\n");
	ERR(2, "virtual_router_id: 0 is out of range 1-255");
	load(MIN_VI " bogus_keyword 1\n}\n");
	ERR(7, "unknown keyword 'bogus_keyword' in vrrp_instance");
}

static void test_required(void **state)
{
	(void)state;
	load("vrrp_instance VI_1 {\n interface lo\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
	ERR(1, "vrrp_instance VI_1 has no virtual_router_id");
	assert_true(inst(0)->invalid);
	load("vrrp_instance VI_1 {\n virtual_router_id 5\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
	ERR(1, "vrrp_instance VI_1 has no interface");
	assert_true(inst(0)->invalid);
	/* Unicast without interface works with a source address (keepalived). */
	load("vrrp_instance VI_1 {\n virtual_router_id 5\n unicast_src_ip 10.0.0.2\n"
	     " unicast_peer {\n  10.0.0.3\n }\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
	CLEAN();
	assert_false(inst(0)->invalid);
	load("vrrp_instance VI_1 {\n virtual_router_id 5\n"
	     " unicast_peer {\n  10.0.0.3\n }\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
	ERR(1, "vrrp_instance VI_1: a unicast instance without interface needs unicast_src_ip");
	load("vrrp_instance VI_1 {\n interface lo\n virtual_router_id 5\n}\n");
	WARN(1, "vrrp_instance VI_1 has no virtual_ipaddress");
	assert_int_equal(D.errors, 0);
	load("vrrp_instance VI_1 {\n interface nosuch_if9\n virtual_router_id 5\n"
	     " virtual_ipaddress {\n  10.0.0.1\n }\n}\n");
	WARN(2, "interface: interface nosuch_if9 does not exist on this host");
	assert_int_equal(D.errors, 0);
	load("vrrp_instance VI_1 {\n interface lo\n}\nvrrp_instance VI_1 {\n interface lo\n}\n");
	ERR(4, "vrrp_instance VI_1 is already defined at line 1");
	assert_int_equal(CFG->vrrp.instances.n, 1);
}

static void test_auth(void **state)
{
	(void)state;
	load(MIN_VI " authentication {\n  auth_type PASS\n  auth_pass secretpassword\n }\n}\n");
	WARN(9, "auth_pass: longer than 8 characters; truncated to 'secretpa'");
	assert_int_equal(inst(0)->auth_type, VRRP_AUTH_PASS);
	assert_string_equal(inst(0)->auth_pass, "secretpa");
	load(MIN_VI " authentication {\n  auth_type AH\n  auth_pass 1234\n }\n}\n");
	CLEAN();
	assert_int_equal(inst(0)->auth_type, VRRP_AUTH_AH);
	load(MIN_VI " version 3\n authentication {\n  auth_type PASS\n  auth_pass 1234\n }\n}\n");
	WARN(8, "authentication: ignored for VI_1: VRRPv3 has no authentication");
	assert_int_equal(inst(0)->auth_type, VRRP_AUTH_NONE);
	load(MIN_VI " authentication {\n  auth_type MD5\n }\n}\n");
	ERR(8, "auth_type: expected one of PASS|AH, got 'MD5'");
	load(MIN_VI " authentication {\n  auth_type PASS\n }\n}\n");
	WARN(7, "authentication: ignored for VI_1: no auth_pass given");
}

static void test_advert_int_versions(void **state)
{
	(void)state;
	load(MIN_VI " advert_int 1.5\n}\n");
	WARN(7, "advert_int: VRRPv2 needs whole seconds; VI_1 uses 2");
	assert_int_equal(inst(0)->advert_int_us, 2000000);
	load(MIN_VI " version 3\n advert_int 0.015\n}\n");
	WARN(8, "advert_int: VRRPv3 counts in centiseconds; VI_1 uses 0.02");
	assert_int_equal(inst(0)->advert_int_us, 20000);
	load(MIN_VI " version 3\n advert_int 50\n}\n");
	ERR(8, "advert_int: 50.00 seconds is out of range 0.01-40.95 for VRRPv3; VI_1 uses 40.95");
	assert_int_equal(inst(0)->advert_int_us, 40950000);
	assert_false(inst(0)->invalid);
	load(MIN_VI " version 3\n advert_int 0.05\n}\n");
	CLEAN();
	assert_int_equal(inst(0)->advert_int_us, 50000);
}

static void test_family_and_version(void **state)
{
	(void)state;
	load("vrrp_instance VI_6 {\n interface lo\n virtual_router_id 9\n"
	     " virtual_ipaddress {\n  fe80::1\n  2001:db8::1/64\n }\n}\n");
	CLEAN();
	assert_int_equal(inst(0)->family, AF_INET6);
	assert_int_equal(inst(0)->version, 3);
	load("vrrp_instance VI_6 {\n interface lo\n virtual_router_id 9\n version 2\n"
	     " virtual_ipaddress {\n  fe80::1\n }\n}\n");
	WARN(4, "version: VRRPv2 cannot carry IPv6; VI_6 uses version 3");
	load("global_defs {\n vrrp_version 3\n}\n" MIN_VI "}\n");
	CLEAN();
	assert_int_equal(inst(0)->version, 3);
	load(MIN_VI " native_ipv6\n}\n");
	assert_int_equal(inst(0)->family, AF_INET6);
	ERR(5, "virtual_ipaddress: 10.0.0.1 is IPv4 but VI_1 is IPv6; ignored"
	       " (use virtual_ipaddress_excluded for the other family)");
	load("vrrp_instance VI_1 {\n interface lo\n virtual_router_id 51\n"
	     " virtual_ipaddress {\n  10.0.0.1/24\n  fd00::1/64\n }\n"
	     " virtual_ipaddress_excluded {\n  fd00::2/64\n }\n}\n");
	ERR(6, "virtual_ipaddress: fd00::1 is IPv6 but VI_1 is IPv4; ignored"
	       " (use virtual_ipaddress_excluded for the other family)");
	assert_int_equal(inst(0)->vips.n, 1);
	assert_int_equal(inst(0)->evips.n, 1);
	assert_int_equal(D.errors, 1);
}

static void test_vip_options(void **state)
{
	(void)state;
	load("vrrp_instance VI_1 {\n interface lo\n virtual_router_id 51\n"
	     " virtual_ipaddress {\n"
	     "  10.0.0.1/24 brd 10.0.0.255 dev lo scope link label lo:1 no_track\n"
	     "  10.0.0.2 brd + scope 17 peer 10.0.0.99 home -nodad noprefixroute autojoin\n"
	     "  10.0.0.3/24 preferred_lft forever use_vmac mngtmpaddr\n"
	     "  10.0.0.4/24 foo\n"
	     "  10.0.0.5/24 scope bogus\n"
	     "  10.0.0.6/24 track_group G\n"
	     "  10.0.0.300\n"
	     " }\n}\n");
	ERR(8, "virtual_ipaddress: unknown option 'foo' for address 10.0.0.4/24");
	ERR(9, "virtual_ipaddress: scope: expected global|site|link|host|nowhere or 0-255,"
	       " got 'bogus'");
	/* track_group belongs to static addresses only. */
	ERR(10, "virtual_ipaddress: unknown option 'track_group' for address 10.0.0.6/24");
	ERR(11, "virtual_ipaddress: expected an IP address[/prefix], got '10.0.0.300'");
	/* Lines with a bad option keep their address (keepalived does). */
	struct vrrp_instance_conf *v = inst(0);
	assert_int_equal(v->vips.n, 6);
	assert_int_equal(v->vips.v[4].scope, 0);
	struct vip_conf *a = &v->vips.v[0], *b = &v->vips.v[1], *c = &v->vips.v[2];
	assert_int_equal(a->brd, VIP_BRD_ADDR);
	assert_string_equal(addr_str(&a->brd_addr), "10.0.0.255");
	assert_string_equal(a->dev, "lo");
	assert_int_equal(a->scope, 253);
	assert_string_equal(a->label, "lo:1");
	assert_true(a->no_track);
	assert_true(a->len_given);
	assert_int_equal(b->brd, VIP_BRD_SET);
	assert_int_equal(b->scope, 17);
	assert_false(b->len_given);
	assert_int_equal(b->prefix.len, 32);
	assert_string_equal(addr_str(&b->peer), "10.0.0.99");
	assert_true(b->home && b->nodad && b->noprefixroute && b->autojoin);
	assert_int_equal(b->preferred_lft, -1);
	assert_int_equal(c->preferred_lft, -2);
	assert_true(c->use_vmac && c->mngtmpaddr);
}

static void test_routes_rules(void **state)
{
	(void)state;
	load(MIN_VI " virtual_routes {\n"
	     "  src 10.0.0.1 to 10.1.0.0/16 via 10.0.0.254 dev lo table 100 metric 10 scope link\n"
	     "  blackhole 10.2.0.0/16\n"
	     "  10.3.0.0/16 gw 10.0.0.254 or 10.0.0.253 protocol bird onlink no_track mtu lock 1400\n"
	     "  default via 10.0.0.1 table main\n"
	     "  10.4.0.0/16 nexthop via 10.0.0.1 weight 1 nexthop via 10.0.0.2 dev lo weight 2\n"
	     "  10.5.0.0/16 via 10.0.0.1 bogus 1\n"
	     "  via 10.0.0.1\n"
	     "  10.6.0.0/16 table custom tos 0x04\n"
	     " }\n"
	     " virtual_rules {\n"
	     "  from 10.0.0.0/8 to all table 100 priority 50 iif lo oif lo fwmark 0x10/0xff\n"
	     "  not from 10.9.0.0/16 unreachable preference 60\n"
	     "  to 10.1.0.0/16 goto 70 priority 40 uidrange 1000-2000 no_track\n"
	     "  from 10.0.0.0/8 lookup 5 bogus 1\n"
	     "  from 10.0.0.0/8 table 5\n"
	     " }\n}\n");
	WARN(10, "virtual_routes: 'gw' is deprecated; use 'via'");
	WARN(10, "virtual_routes: 'or' is deprecated; use 'nexthop'");
	ERR(13, "virtual_routes: unknown route option 'bogus'");
	ERR(14, "virtual_routes: route has no destination");
	ERR(21, "virtual_rules: unknown rule option 'bogus'");
	WARN(22, "virtual_rules: rule has no priority; one will be assigned, which is probably"
		 " not what you want");
	struct vrrp_instance_conf *v = inst(0);
	assert_int_equal(v->routes.n, 6);
	struct route_conf *r = &v->routes.v[0];
	assert_int_equal(r->type, ROUTE_UNICAST);
	assert_string_equal(addr_str(&r->src), "10.0.0.1");
	assert_string_equal(prefix_str(&r->dst), "10.1.0.0/16");
	assert_string_equal(addr_str(&r->via), "10.0.0.254");
	assert_string_equal(r->dev, "lo");
	assert_int_equal(r->table, 100);
	assert_int_equal(r->metric, 10);
	assert_int_equal(r->scope, 253);
	assert_int_equal(r->loc.line, 8);
	assert_int_equal(v->routes.v[1].type, ROUTE_BLACKHOLE);
	assert_string_equal(prefix_str(&v->routes.v[1].dst), "10.2.0.0/16");
	r = &v->routes.v[2];
	assert_string_equal(addr_str(&r->or_via), "10.0.0.253");
	assert_int_equal(r->protocol, 12);
	assert_true(r->onlink && r->no_track);
	assert_int_equal(r->extra.n, 3);
	assert_string_equal(r->extra.v[0], "mtu");
	assert_string_equal(r->extra.v[2], "1400");
	r = &v->routes.v[3];
	assert_string_equal(prefix_str(&r->dst), "0.0.0.0/0");
	assert_int_equal(r->table, 254);
	r = &v->routes.v[4];
	assert_int_equal(r->nexthops.n, 2);
	assert_int_equal(r->nexthops.v[1].weight, 2);
	assert_string_equal(r->nexthops.v[1].dev, "lo");
	r = &v->routes.v[5];
	assert_int_equal(r->table, -2);
	assert_string_equal(r->table_name, "custom");
	assert_int_equal(r->tos, 4);

	assert_int_equal(v->rules.n, 4);
	struct rule_conf *u = &v->rules.v[0];
	assert_string_equal(prefix_str(&u->from), "10.0.0.0/8");
	assert_true(u->to_set);
	assert_false(addr_is_set(&u->to.addr));
	assert_int_equal(u->table, 100);
	assert_int_equal(u->priority, 50);
	assert_string_equal(u->iif, "lo");
	assert_string_equal(u->oif, "lo");
	assert_int_equal(u->fwmark, 16);
	assert_int_equal(u->fwmask, 255);
	u = &v->rules.v[1];
	assert_true(u->not_);
	assert_int_equal(u->action, RULE_UNREACHABLE);
	assert_int_equal(u->priority, 60);
	u = &v->rules.v[2];
	assert_int_equal(u->action, RULE_GOTO);
	assert_int_equal(u->goto_target, 70);
	assert_true(u->no_track);
	assert_string_equal(u->extra.v[0], "uidrange");
}

static void test_unicast(void **state)
{
	(void)state;
	load(MIN_VI " unicast_src_ip 10.0.0.2\n unicast_ttl 10\n unicast_peer {\n"
	     "  10.0.0.3\n  10.0.0.4 min_ttl 250 max_ttl 255\n  10.0.0.5 max_ttl 300\n"
	     "  10.0.0.6 min_ttl 9 max_ttl 8\n  nonsense\n }\n}\n");
	ERR(12, "unicast_peer: max_ttl: expected 0-255, got '300'");
	ERR(13, "unicast_peer: min_ttl 9 is above max_ttl 8");
	ERR(14, "unicast_peer: expected an IP address, got 'nonsense'");
	struct vrrp_instance_conf *v = inst(0);
	assert_int_equal(v->unicast_peers.n, 2);
	assert_int_equal(v->unicast_peers.v[1].min_ttl, 250);
	assert_int_equal(v->unicast_ttl, 10);
	/* A TTL range turns on the source check (keepalived). */
	assert_int_equal(v->check_unicast_src, 1);
	load(MIN_VI " unicast_peer {\n }\n}\n");
	WARN(7, "unicast_peer: the block is empty; VI_1 falls back to multicast");
	assert_int_equal(D.errors, 0);
	load(MIN_VI " unicast_fault_no_peer\n unicast_peer {\n }\n}\n");
	WARN(8, "unicast_peer: the block is empty; VI_1 stays in FAULT state"
		" (unicast_fault_no_peer)");
	load(MIN_VI " unicast_peer {\n  fd00::3\n }\n}\n");
	ERR(8, "unicast_peer: fd00::3 is IPv6 but VI_1 is IPv4; ignored");
}

static void test_preempt_checks(void **state)
{
	(void)state;
	load(MIN_VI " nopreempt\n preempt_delay 10\n}\n");
	WARN(8, "preempt_delay: ignored for VI_1: nopreempt is set");
	assert_int_equal(inst(0)->preempt_delay_us, 0);
	assert_true(inst(0)->nopreempt);
	load(MIN_VI " state MASTER\n priority 200\n nopreempt\n}\n");
	WARN(1, "vrrp_instance VI_1: nopreempt does not work with state MASTER; ignored");
	assert_false(inst(0)->nopreempt);
	load(MIN_VI " priority 255\n nopreempt\n}\n");
	WARN(1, "vrrp_instance VI_1: nopreempt has no effect with priority 255"
		" (address owner); ignored");
	load(MIN_VI " preempt_delay 4.12\n}\n");
	CLEAN();
	assert_int_equal(inst(0)->preempt_delay_us, 4120000);
}

static void test_strict_mode(void **state)
{
	(void)state;
	load("global_defs {\n vrrp_strict\n}\n" MIN_VI " unicast_peer {\n  10.0.0.3\n }\n"
	     " authentication {\n  auth_type PASS\n  auth_pass x\n }\n}\n");
	ERR(10, "unicast_peer: strict mode does not allow unicast peers (VI_1)");
	WARN(13, "authentication: ignored for VI_1: strict mode does not allow authentication");
	struct vrrp_instance_conf *v = inst(0);
	assert_int_equal(v->strict_mode, 1);
	assert_int_equal(v->accept, 0);
	assert_int_equal(v->lower_prio_no_advert, 1);
	load(MIN_VI " strict_mode off\n v3_checksum_as_v2\n old_unicast_checksum never\n}\n");
	CLEAN();
	assert_int_equal(inst(0)->strict_mode, 0);
	assert_true(inst(0)->v3_checksum_as_v2);
	assert_int_equal(inst(0)->old_unicast_checksum, OLD_CKSUM_NEVER);
}

static void test_notify_scripts(void **state)
{
	(void)state;
	load(MIN_VI " notify_master /bin/true\n notify_backup \"/bin/echo backup\" nobody nogroup\n"
	     " notify /usr/local/bin/notify.sh\n notify_master_rx_lower_pri /bin/true\n"
	     " notify_deleted\n smtp_alert\n notify_priority_changes no\n}\n");
	WARN(7, "scripts are configured but enable_script_security is not set;"
		" they will run as root without checks");
	assert_int_equal(diag_exit_code(&D), CONF_EXIT_SCRIPT_SECURITY);
	struct vrrp_instance_conf *v = inst(0);
	assert_string_equal(v->scripts->notify_master.cmd, "/bin/true");
	assert_null(v->scripts->notify_master.user);
	assert_string_equal(v->scripts->notify_backup.cmd, "/bin/echo backup");
	assert_string_equal(v->scripts->notify_backup.user, "nobody");
	assert_string_equal(v->scripts->notify_backup.group, "nogroup");
	assert_int_equal(v->scripts->notify_backup.loc.line, 8);
	assert_string_equal(v->scripts->notify.cmd, "/usr/local/bin/notify.sh");
	assert_non_null(v->scripts->notify_master_rx_lower_pri.cmd);
	assert_true(v->notify_deleted_given);
	assert_null(v->scripts->notify_deleted.cmd);
	assert_int_equal(v->smtp_alert, 1);
	assert_int_equal(v->notify_priority_changes, 0);
	assert_int_equal(CFG->nscripts, 4);
	load("global_defs {\n enable_script_security\n}\n" MIN_VI " notify_fault /bin/true\n}\n");
	CLEAN();
	assert_int_equal(diag_exit_code(&D), CONF_EXIT_OK);
	assert_string_equal(inst(0)->scripts->notify_fault.cmd, "/bin/true");
	assert_null(inst(0)->scripts->notify_master.cmd);
	/* No script, no block: the instance pays a pointer, not 280 bytes. */
	load(MIN_VI "}\n");
	CLEAN();
	assert_null(inst(0)->scripts);
	/* `notify_deleted` alone changes the state name only: no block. */
	load(MIN_VI " notify_deleted\n}\n");
	CLEAN();
	assert_true(inst(0)->notify_deleted_given);
	assert_null(inst(0)->scripts);
}

/* ---- trackers ---------------------------------------------------------- */

static void test_vrrp_script(void **state)
{
	(void)state;
	load("vrrp_script chk {\n script \"/bin/check arg\"\n}\n"
	     "vrrp_script chk2 {\n script /bin/kill -0 1\n interval 5\n weight -20 reverse\n"
	     " rise 3\n fall 4\n user nobody nogroup\n init_fail\n timeout 2\n}\n"
	     "vrrp_script bad {\n script /bin/true\n weight 300\n interval 0.5\n rise 0\n"
	     " weight 10 sideways\n}\n"
	     "vrrp_script empty {\n interval 2\n}\n"
	     "vrrp_script chk {\n script /bin/true\n}\n");
	ERR(16, "weight: 300 is out of range -253-253");
	ERR(17, "interval: 0.5 seconds is out of range 1-4294");
	ERR(18, "rise: 0 is out of range 1-2147483647");
	ERR(19, "weight: expected reverse or noreverse, got 'sideways'");
	ERR(21, "vrrp_script empty has no script");
	ERR(24, "vrrp_script chk is already defined at line 1");
	WARN(1, "vrrp_script chk is not used");
	assert_int_equal(CFG->vrrp.scripts.n, 4);
	struct vrrp_script_conf *s = &CFG->vrrp.scripts.v[0];
	assert_string_equal(s->script, "/bin/check arg");
	assert_int_equal(s->interval_us, 1000000);
	assert_int_equal(s->timeout_us, 1000000); /* defaults to the interval */
	assert_int_equal(s->weight, 0);
	assert_int_equal(s->rise, 1);
	assert_int_equal(s->fall, 1);
	s = &CFG->vrrp.scripts.v[1];
	assert_string_equal(s->script, "/bin/kill -0 1");
	assert_int_equal(s->interval_us, 5000000);
	assert_int_equal(s->timeout_us, 2000000);
	assert_int_equal(s->weight, -20);
	assert_true(s->reverse);
	assert_int_equal(s->rise, 3);
	assert_int_equal(s->fall, 4);
	assert_string_equal(s->user, "nobody");
	assert_string_equal(s->group, "nogroup");
	assert_true(s->init_fail);
}

static void test_track_file_process(void **state)
{
	(void)state;
	load("track_file tf {\n file /run/tf\n init_file 5 overwrite\n}\n"
	     "vrrp_track_file old {\n file \"/run/old file\"\n weight -3 reverse\n}\n"
	     "vrrp_track_process haproxy {\n process haproxy -f \"/etc/a b.cfg\"\n"
	     " param_match partial\n weight 10\n quorum 2\n quorum_max 4\n delay 1.5\n"
	     " full_command\n}\n"
	     "vrrp_track_process np {\n weight 300\n quorum 0\n}\n"
	     "track_file tf {\n file /x\n}\n");
	ERR(19, "weight: 300 is out of range -254-254");
	ERR(20, "quorum: 0 is out of range 1-65535");
	ERR(18, "vrrp_track_process np has no process");
	ERR(22, "track_file tf is already defined at line 1");
	assert_int_equal(CFG->vrrp.track_files.n, 2);
	struct track_file_conf *f = &CFG->vrrp.track_files.v[0];
	assert_string_equal(f->file, "/run/tf");
	assert_int_equal(f->weight, 1);
	assert_true(f->init_file && f->init_overwrite);
	assert_int_equal(f->init_value, 5);
	f = &CFG->vrrp.track_files.v[1];
	assert_string_equal(f->name, "old");
	assert_string_equal(f->file, "/run/old file");
	assert_int_equal(f->weight, -3);
	assert_true(f->reverse);
	struct track_process_conf *p = &CFG->vrrp.track_processes.v[0];
	assert_int_equal(p->process.n, 3);
	assert_string_equal(p->process.v[0], "haproxy");
	assert_string_equal(p->process.v[2], "/etc/a b.cfg");
	assert_int_equal(p->param_match, PARAM_MATCH_PARTIAL);
	assert_int_equal(p->weight, 10);
	assert_int_equal(p->quorum, 2);
	assert_int_equal(p->quorum_max, 4);
	assert_int_equal(p->fork_delay_us, 1500000);
	assert_int_equal(p->terminate_delay_us, 1500000);
	assert_true(p->full_command);
}

static void test_track_refs(void **state)
{
	(void)state;
	load("vrrp_script chk {\n script /bin/true\n weight 10\n}\n"
	     "track_file tf {\n file /run/tf\n weight 2 reverse\n}\n"
	     "vrrp_track_process pr {\n process sshd\n}\n"
	     MIN_VI " track_script {\n  chk\n  nosuch\n }\n"
	     " track_file {\n  tf\n  tf weight 7\n }\n"
	     " track_process {\n  pr weight -5 reverse\n  ghost\n }\n"
	     " track_interface {\n  if9 weight 300\n  if9 weight -10 noreverse\n }\n}\n");
	ERR(20, "track_script: no vrrp_script named 'nosuch'");
	WARN(24, "track_file: tf is already listed at line 23; ignored");
	ERR(28, "track_process: no vrrp_track_process named 'ghost'");
	ERR(31, "track_interface: if9: weight 300 is out of range -253..253");
	WARN(32, "track_interface: interface if9 does not exist on this host");
	struct vrrp_instance_conf *v = inst(0);
	assert_int_equal(v->track_script.n, 1);
	/* No weight on the line: the vrrp_script's weight applies. */
	assert_int_equal(v->track_script.v[0].weight, 10);
	assert_int_equal(v->track_file.n, 1);
	assert_int_equal(v->track_file.v[0].weight, 2);
	assert_true(v->track_file.v[0].reverse);
	assert_int_equal(v->track_process.v[0].weight, -5);
	assert_true(v->track_process.v[0].reverse);
	assert_int_equal(v->track_interface.n, 1);
	assert_int_equal(v->track_interface.v[0].weight, -10);
	/* The instance's own interface is tracked anyway: listing it is noise. */
	load(MIN_VI " track_interface {\n  lo weight 10\n }\n}\n");
	WARN(8, "track_interface: lo is the interface of VI_1 and is always tracked; ignored");
	assert_int_equal(inst(0)->track_interface.n, 0);
	/* An address owner's priority cannot move: weights are dropped. */
	load("vrrp_script chk {\n script /bin/true\n weight 10\n}\n"
	     MIN_VI " priority 255\n track_script {\n  chk\n }\n}\n");
	WARN(13, "track_script: weight of chk ignored in VI_1: priority 255 (address owner)"
		 " cannot change");
	assert_int_equal(inst(0)->track_script.v[0].weight, 0);
}

static void test_sync_group(void **state)
{
	(void)state;
	load("vrrp_script chk {\n script /bin/true\n weight 10\n}\n"
	     "vrrp_sync_group G1 {\n group {\n  VI_1\n  VI_2\n  VI_9\n }\n"
	     " notify_master \"/bin/echo G1\"\n smtp_alert\n track_script {\n  chk\n }\n}\n"
	     "vrrp_sync_group G2 {\n group {\n  VI_1\n }\n}\n"
	     "vrrp_instance VI_1 {\n interface lo\n virtual_router_id 1\n"
	     " track_script {\n  chk weight 5\n }\n virtual_ipaddress {\n  10.0.0.1\n }\n}\n"
	     "vrrp_instance VI_2 {\n interface lo\n virtual_router_id 2\n"
	     " virtual_ipaddress {\n  10.0.0.2\n }\n}\n");
	ERR(9, "vrrp_sync_group G1: no vrrp_instance named 'VI_9'");
	ERR(19, "vrrp_sync_group G2: VI_1 is already in vrrp_sync_group G1");
	WARN(17, "vrrp_sync_group G2 has no members; ignored");
	WARN(26, "track_script: weight of chk ignored in VI_1: sync group members track without"
		 " weights (set sync_group_tracking_weight)");
	struct vrrp_sync_group_conf *g = &CFG->vrrp.sync_groups.v[0];
	assert_int_equal(g->group.n, 2);
	assert_string_equal(g->group.v[1], "VI_2");
	assert_string_equal(g->notify_master.cmd, "/bin/echo G1");
	assert_int_equal(g->smtp_alert, 1);
	assert_int_equal(g->track_script.n, 1);
	assert_int_equal(g->track_script.v[0].weight, 10);
	assert_string_equal(inst(0)->sync_group, "G1");
	assert_string_equal(inst(1)->sync_group, "G1");
	load("vrrp_sync_group G1 {\n group {\n  VI_1\n }\n}\n" MIN_VI "}\n");
	WARN(1, "vrrp_sync_group G1 has only one member");
}

/* ---- whole-config checks ----------------------------------------------- */

static void test_duplicate_vrid(void **state)
{
	(void)state;
	load(MIN_VI "}\nvrrp_instance VI_2 {\n interface lo\n virtual_router_id 51\n"
	     " virtual_ipaddress {\n  10.0.0.2/24\n }\n}\n");
	ERR(10, "virtual_router_id 51 on lo (IPv4) is already used by VI_1 at t.conf:3");
	assert_false(inst(0)->invalid);
	assert_true(inst(1)->invalid);
	/* Another family, or unicast peers that do not overlap, do not collide. */
	load(MIN_VI "}\nvrrp_instance VI_2 {\n interface lo\n virtual_router_id 51\n"
	     " virtual_ipaddress {\n  fd00::2/64\n }\n}\n");
	CLEAN();
	load(MIN_VI " unicast_peer {\n  10.0.0.8\n }\n}\n"
	     "vrrp_instance VI_2 {\n interface lo\n virtual_router_id 51\n"
	     " unicast_peer {\n  10.0.0.9\n }\n virtual_ipaddress {\n  10.0.0.2/24\n }\n}\n");
	CLEAN();
}

static void test_shared_vip(void **state)
{
	(void)state;
	load(MIN_VI "}\nvrrp_instance VI_2 {\n interface lo\n virtual_router_id 52\n"
	     " virtual_ipaddress_excluded {\n  10.0.0.1/32\n }\n}\n");
	WARN(12, "10.0.0.1 is also configured in VI_1 at t.conf:5");
	assert_int_equal(D.errors, 0);
}

/* ---- global_defs and root keywords ------------------------------------- */

static void test_global_defs(void **state)
{
	(void)state;
	load("global_defs {\n"
	     " router_id LVS_1\n"
	     " notification_email {\n  a@example.com\n  b@example.com\n }\n"
	     " notification_email_from k@example.com\n"
	     " smtp_server mail.example.com 2525\n"
	     " smtp_connect_timeout 15\n"
	     " smtp_alert_vrrp\n"
	     " script_user nobody nogroup\n"
	     " enable_script_security\n"
	     " vrrp_mcast_group4 224.0.0.19\n"
	     " vrrp_garp_master_delay 2\n"
	     " vrrp_garp_master_repeat 3\n"
	     " vrrp_check_unicast_src\n"
	     " vrrp_skip_check_adv_addr\n"
	     " vrrp_higher_prio_send_advert\n"
	     " vrrp_priority -10\n"
	     " max_auto_priority\n"
	     " vrrp_cpu_affinity 0 1\n"
	     " lvs_sync_daemon eth0 VI_1 id 5 port 9000 group 224.0.0.81\n"
	     " lvs_timeouts tcp 7200 udp 60\n"
	     " lvs_flush_onstop VS\n"
	     " lvs_process_name lvs\n"
	     " vrrp_rlimit_rtime 5000\n"
	     " dynamic_interfaces allow_if_changes\n"
	     " notify_fifo /run/fifo nobody\n"
	     " vrrp_notify_fifo_script /bin/fifo.sh\n"
	     "}\n"
	     "net_namespace blue\nnet_namespace_ipvs\ninstance inst1\nuse_pid_dir\n"
	     "child_wait_time 10\n" MIN_VI "}\n");
	CLEAN();
	const struct global_conf *g = &CFG->global;
	assert_string_equal(g->router_id, "LVS_1");
	assert_int_equal(g->notification_email.n, 2);
	assert_string_equal(g->notification_email.v[1], "b@example.com");
	assert_string_equal(g->smtp_server, "mail.example.com");
	assert_int_equal(g->smtp_server_port, 2525);
	assert_int_equal(g->smtp_connect_timeout_us, 15000000);
	assert_int_equal(g->smtp_alert, 0);
	assert_int_equal(g->smtp_alert_vrrp, 1);
	assert_int_equal(g->smtp_alert_checker, 0);
	assert_string_equal(g->script_user, "nobody");
	assert_string_equal(g->script_group, "nogroup");
	assert_true(g->enable_script_security);
	assert_string_equal(addr_str(&g->vrrp_mcast_group4), "224.0.0.19");
	assert_string_equal(addr_str(&g->vrrp_mcast_group6), "ff02::12");
	assert_int_equal(g->vrrp_garp_lower_prio_delay_us, 2000000);
	assert_int_equal(g->vrrp_priority, -10);
	assert_int_equal(g->max_auto_priority, 99);
	assert_int_equal(g->vrrp_cpu_affinity.n, 2);
	assert_string_equal(g->lvs_sync_daemon.interface, "eth0");
	assert_string_equal(g->lvs_sync_daemon.instance, "VI_1");
	assert_int_equal(g->lvs_sync_daemon.syncid, 5);
	assert_int_equal(g->lvs_sync_daemon.port, 9000);
	assert_int_equal(g->lvs_timeouts.tcp_us, 7200000000LL);
	assert_int_equal(g->lvs_timeouts.udp_us, 60000000);
	assert_int_equal(g->lvs_flush_on_stop, LVS_FLUSH_STOP_VS);
	assert_string_equal(g->checker_process_name, "lvs");
	assert_int_equal(g->vrrp_rlimit_rttime, 5000);
	assert_true(g->dynamic_interfaces && g->dynamic_interfaces_allow_if_changes);
	assert_string_equal(g->notify_fifo.path, "/run/fifo");
	assert_string_equal(g->notify_fifo.user, "nobody");
	assert_string_equal(g->vrrp_notify_fifo.script.cmd, "/bin/fifo.sh");
	assert_string_equal(g->net_namespace, "blue");
	assert_true(g->net_namespace_ipvs_set);
	assert_null(g->net_namespace_ipvs);
	assert_string_equal(g->instance, "inst1");
	assert_true(g->use_pid_dir);
	assert_int_equal(g->child_wait_time_us, 10000000);
	/* Instances inherit what they did not set. */
	struct vrrp_instance_conf *v = inst(0);
	assert_int_equal(v->garp_master_delay_us, 2000000);
	assert_int_equal(v->garp_master_repeat, 3);
	assert_int_equal(v->check_unicast_src, 1);
	assert_int_equal(v->skip_check_adv_addr, 1);
	assert_int_equal(v->higher_prio_send_advert, 1);
	assert_int_equal(v->smtp_alert, 1);
}

static void test_global_defaults_and_errors(void **state)
{
	(void)state;
	load("global_defs {\n"
	     " vrrp_version 4\n"
	     " vrrp_mcast_group4 10.0.0.1\n"
	     " vrrp_priority 20\n"
	     " smtp_server bad/host\n"
	     " net_namespace x\n"
	     " enable_snmp_vrrp\n"
	     " vrrp_min_garp\n"
	     " vrrp_garp_lower_prio_repeat 4\n"
	     "}\n");
	ERR(2, "vrrp_version: 4 is out of range 2-3");
	ERR(3, "vrrp_mcast_group4: 10.0.0.1 is not an IPv4 multicast address");
	ERR(4, "vrrp_priority: 20 is out of range -20-19");
	ERR(5, "smtp_server: expected an IP address or host name, got 'bad/host'");
	ERR(6, "unknown keyword 'net_namespace' in global_defs");
	WARN(7, "enable_snmp_vrrp: recognised but not supported by halo yet; ignored");
	const struct global_conf *g = &CFG->global;
	assert_int_equal(g->vrrp_version, 2);
	assert_string_equal(g->default_interface, "eth0");
	assert_int_equal(g->vrrp_garp_master_repeat, 1);
	assert_int_equal(g->vrrp_garp_master_delay_us, 0);
	assert_int_equal(g->vrrp_garp_lower_prio_repeat, 4);
	assert_int_equal(g->child_wait_time_us, 5000000);
	assert_int_equal(g->smtp_connect_timeout_us, 30000000);
	assert_int_equal(g->smtp_server_port, 25);
	assert_int_equal(g->vrrp_down_timer_adverts, 3);
	load("nonsense_root 1\n");
	ERR(1, "unknown top-level keyword 'nonsense_root'");
}

static void test_static_sections(void **state)
{
	(void)state;
	load("static_ipaddress {\n 192.168.1.1/24 dev lo scope global track_group TG\n}\n"
	     "static_routes {\n 192.168.2.0/24 via 192.168.1.100 dev lo track_group TG\n}\n"
	     "static_rules {\n from 192.168.2.0/24 table 1 priority 10 iif lo track_group TG\n"
	     " to 192.168.3.0/24 table 1 priority 13 track_group TG\n"
	     " to 1:2:3::/64 from 7:6::/96 table 6908 priority 11\n"
	     " from 10.0.0.0/8 to fd00::/8 table 2 priority 12\n}\n"
	     "track_group TG {\n group {\n  VI_1\n  VI_X\n }\n}\n"
	     "garp_group {\n garp_interval 0.001\n gna_interval 0.000001\n interface lo\n}\n"
	     "garp_group {\n interfaces {\n  lo\n }\n}\n"
	     "linkbeat_interfaces {\n lo\n lo ETHTOOL\n lo SONAR\n}\n"
	     "interface_up_down_delays {\n lo 1.5\n lo 2 3\n}\n" MIN_VI "}\n");
	ERR(11, "static_rules: from and to are of different address families");
	ERR(13, "track_group TG: no vrrp_instance named 'VI_X'");
	WARN(24, "garp_group sets no garp_interval or gna_interval; it has no effect");
	ERR(32, "linkbeat_interfaces: lo: expected MII, ETHTOOL or IOCTL, got 'SONAR'");
	WARN(9, "static_rules: track_group ignored: a rule is tracked through its iif");
	const struct vrrp_model *m = &CFG->vrrp;
	assert_int_equal(m->static_ipaddress.n, 1);
	assert_string_equal(m->static_ipaddress.v[0].track_group, "TG");
	assert_int_equal(m->static_routes.n, 1);
	assert_string_equal(m->static_routes.v[0].track_group, "TG");
	assert_int_equal(m->static_rules.n, 3);
	assert_string_equal(m->static_rules.v[0].track_group, "TG");
	assert_null(m->static_rules.v[1].track_group);
	assert_true(m->static_rules.v[2].inet6);
	assert_int_equal(m->track_groups.n, 1);
	assert_int_equal(m->garp_groups.n, 2);
	assert_int_equal(m->garp_groups.v[0].garp_interval_us, 1000);
	assert_int_equal(m->garp_groups.v[0].gna_interval_us, 1);
	assert_string_equal(m->garp_groups.v[1].interfaces.v[0], "lo");
	assert_int_equal(m->linkbeat_interfaces.n, 2);
	assert_int_equal(m->linkbeat_interfaces.v[1].type, LINKBEAT_ETHTOOL);
	assert_int_equal(m->interface_up_down_delays.n, 2);
	assert_int_equal(m->interface_up_down_delays.v[0].up_us, 1500000);
	assert_int_equal(m->interface_up_down_delays.v[1].up_us, 3000000);
}

/* ---- dump -------------------------------------------------------------- */

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static void test_dump(void **state)
{
	(void)state;
	load("global_defs {\n router_id R1\n}\nnet_namespace blue\n"
	     "vrrp_script chk {\n script /bin/true\n}\n"
	     MIN_VI " advert_int 2\n state MASTER\n track_script {\n  chk\n }\n"
	     " authentication {\n  auth_type PASS\n  auth_pass pw\n }\n}\n"
	     "static_routes {\n 10.9.0.0/16 dev lo\n}\n");
	json_object *root = conf_dump(CFG);
	json_object *g = get(root, "global_defs");
	assert_string_equal(json_object_get_string(get(g, "router_id")), "R1");
	assert_string_equal(json_object_get_string(get(g, "net_namespace")), "blue");
	assert_int_equal(json_object_get_int(get(g, "vrrp_garp_master_delay_us")), 5000000);
	json_object *vi = json_object_array_get_idx(get(root, "vrrp_instances"), 0);
	assert_string_equal(json_object_get_string(get(vi, "name")), "VI_1");
	assert_string_equal(json_object_get_string(get(vi, "state")), "MASTER");
	assert_int_equal(json_object_get_int(get(vi, "priority")), 255);
	assert_int_equal(json_object_get_int(get(vi, "advert_int_us")), 2000000);
	assert_string_equal(json_object_get_string(get(vi, "family")), "inet");
	assert_string_equal(json_object_get_string(get(get(vi, "authentication"), "auth_type")),
			    "PASS");
	json_object *vip = json_object_array_get_idx(get(vi, "virtual_ipaddress"), 0);
	assert_string_equal(json_object_get_string(get(vip, "address")), "10.0.0.1/24");
	assert_string_equal(json_object_get_string(get(vip, "scope")), "global");
	json_object *ts = json_object_array_get_idx(get(vi, "track_script"), 0);
	assert_string_equal(json_object_get_string(get(ts, "name")), "chk");
	assert_int_equal(json_object_array_length(get(root, "vrrp_scripts")), 1);
	assert_int_equal(json_object_array_length(get(root, "static_routes")), 1);
	const char *keys[] = { "vrrp_sync_groups", "track_files", "track_processes",
			       "static_ipaddress", "static_rules", "garp_groups" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_int_equal(json_object_array_length(get(root, keys[i])), 0);
	json_object_put(root);
}

int main(void)
{
	diag_init(&D);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_instance_defaults, teardown),
		cmocka_unit_test_teardown(test_instance_typed, teardown),
		cmocka_unit_test_teardown(test_master_is_owner, teardown),
		cmocka_unit_test_teardown(test_instance_ranges, teardown),
		cmocka_unit_test_teardown(test_required, teardown),
		cmocka_unit_test_teardown(test_auth, teardown),
		cmocka_unit_test_teardown(test_advert_int_versions, teardown),
		cmocka_unit_test_teardown(test_family_and_version, teardown),
		cmocka_unit_test_teardown(test_vip_options, teardown),
		cmocka_unit_test_teardown(test_routes_rules, teardown),
		cmocka_unit_test_teardown(test_unicast, teardown),
		cmocka_unit_test_teardown(test_preempt_checks, teardown),
		cmocka_unit_test_teardown(test_strict_mode, teardown),
		cmocka_unit_test_teardown(test_notify_scripts, teardown),
		cmocka_unit_test_teardown(test_vrrp_script, teardown),
		cmocka_unit_test_teardown(test_track_file_process, teardown),
		cmocka_unit_test_teardown(test_track_refs, teardown),
		cmocka_unit_test_teardown(test_sync_group, teardown),
		cmocka_unit_test_teardown(test_duplicate_vrid, teardown),
		cmocka_unit_test_teardown(test_shared_vip, teardown),
		cmocka_unit_test_teardown(test_global_defs, teardown),
		cmocka_unit_test_teardown(test_global_defaults_and_errors, teardown),
		cmocka_unit_test_teardown(test_static_sections, teardown),
		cmocka_unit_test_teardown(test_dump, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
