/* Load-balancer configuration: virtual_server, real_server, checkers,
 * virtual_server_group, SSL, bfd_instance; typed values, defaults,
 * inheritance, aliases, exact diagnostics and the whole-config checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cmocka.h>

#include "conf/conf.h"

#define S(x) ((uint64_t)(x) * 1000000u)

struct fx {
	struct diag_list d;
	struct halo_config *cfg;
};

static struct halo_config *load(struct fx *f, const char *text)
{
	diag_init(&f->d);
	struct conf_opts o = { .file = "t.conf", .config_id = "test" };
	f->cfg = conf_load_string("t.conf", text, &o, &f->d);
	assert_non_null(f->cfg);
	return f->cfg;
}

static void done(struct fx *f)
{
	conf_free(f->cfg);
	diag_clear(&f->d);
}

/* Fails, listing what was reported, unless one diagnostic reads `want`. */
static void assert_diag(const struct fx *f, const char *want)
{
	char buf[1024];
	for (size_t i = 0; i < f->d.n; i++)
		if (!strcmp(diag_format(&f->d.v[i], buf, sizeof(buf)), want))
			return;
	fprintf(stderr, "missing diagnostic: %s\nreported:\n", want);
	diag_print(stderr, &f->d);
	fail();
}

static void assert_clean(const struct fx *f)
{
	if (f->d.errors || f->d.warnings) {
		diag_print(stderr, &f->d);
		fail();
	}
}

static const struct virtual_server_conf *vs_at(const struct fx *f, size_t i)
{
	assert_true(i < f->cfg->lb.vs.n);
	return &f->cfg->lb.vs.v[i];
}

static const struct real_server_conf *rs_at(const struct fx *f, size_t v, size_t r)
{
	const struct virtual_server_conf *vs = vs_at(f, v);
	assert_true(r < vs->rs.n);
	return &vs->rs.v[r];
}

static const struct checker_conf *ck_at(const struct fx *f, size_t v, size_t r, size_t k)
{
	const struct real_server_conf *rs = rs_at(f, v, r);
	assert_true(k < rs->checkers.n);
	return &rs->checkers.v[k];
}

static const char *fmt(const struct halo_addr *a)
{
	static char buf[HALO_ADDRSTRLEN];
	return addr_format(a, buf, sizeof(buf));
}

/* ---- virtual_server and real_server ------------------------------------- */

static void test_defaults(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 80 {\n"
		 "  protocol TCP\n"
		 "  real_server 10.0.0.2 8080 {\n"
		 "    TCP_CHECK {\n"
		 "    }\n"
		 "  }\n"
		 "}\n");
	assert_clean(&f);
	const struct virtual_server_conf *vs = vs_at(&f, 0);
	assert_int_equal(vs->kind, LB_VS_ADDR);
	assert_string_equal(fmt(&vs->addr), "10.0.0.1");
	assert_int_equal(vs->port, 80);
	assert_int_equal(vs->family, AF_INET);
	assert_int_equal(vs->protocol, LB_PROTO_TCP);
	assert_int_equal(vs->sched, LB_SCHED_WLC);
	assert_int_equal(vs->fwd.method, LB_METHOD_NAT);
	assert_int_equal(vs->t.delay_loop_us, S(60));
	assert_int_equal(vs->t.connect_timeout_us, S(5));
	assert_int_equal(vs->t.retry, -1);
	assert_int_equal(vs->quorum, 1);
	assert_int_equal(vs->hysteresis, 0);
	assert_int_equal(vs->persistence_timeout, 0);
	assert_false(vs->invalid);
	assert_false(vs->smtp_alert);
	const struct real_server_conf *rs = rs_at(&f, 0, 0);
	assert_int_equal(rs->weight, 1);
	assert_int_equal(rs->port, 8080);
	assert_int_equal(rs->fwd.method, LB_METHOD_NAT);
	assert_true(rs->smtp_alert);
	assert_int_equal(rs->inhibit_on_failure, 0);
	const struct checker_conf *ck = ck_at(&f, 0, 0, 0);
	assert_int_equal(ck->type, CHK_TCP);
	assert_int_equal(ck->t.delay_loop_us, S(60));
	assert_int_equal(ck->t.connect_timeout_us, S(5));
	assert_int_equal(ck->t.retry, 1);
	assert_int_equal(ck->t.delay_before_retry_us, S(1));
	assert_int_equal(ck->t.warmup_us, S(60));
	assert_int_equal(ck->t.alpha, 0);
	assert_string_equal(fmt(&ck->conn.connect_ip), "10.0.0.2");
	assert_int_equal(ck->conn.connect_port, 8080);
	done(&f);
}

static void test_vs_keywords(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "global_defs {\n enable_script_security\n}\n"
		 "virtual_server 10.0.0.1 443 {\n"               /* 4 */
		 "  protocol sctp\n"
		 "  lvs_sched mh\n"
		 "  mh-port\n"
		 "  mh-fallback\n"
		 "  flag-1\n"
		 "  lvs_method DR\n"                          /* 10 */
		 "  persistence_timeout\n"
		 "  persistence_granularity 255.255.255.0\n"
		 "  persistence_engine sip\n"
		 "  ha_suspend\n"
		 "  smtp_alert yes\n"
		 "  virtualhost www.example.com\n"
		 "  snmp_name web\n"
		 "  alpha\n"
		 "  omega\n"
		 "  quorum 3\n"                               /* 20 */
		 "  hysteresis 1\n"
		 "  quorum_up \"/bin/up.sh arg\" nobody nogroup\n"
		 "  quorum_down /bin/down.sh\n"
		 "  ip_family inet\n"
		 "  inhibit_on_failure\n"
		 "  delay_loop 2.5\n"
		 "  connect_timeout 0.5\n"
		 "  retry 4\n"
		 "  delay_before_retry 7\n"
		 "  warmup 0\n"                               /* 30 */
		 "  sorry_server 10.0.0.9 8443\n"
		 "  sorry_server_inhibit\n"
		 "  sorry_server_lvs_method NAT\n"
		 "  real_server 10.0.0.2 443 { weight 3 }\n"
		 "}\n");
	assert_clean(&f);
	const struct virtual_server_conf *vs = vs_at(&f, 0);
	assert_int_equal(vs->protocol, LB_PROTO_SCTP);
	assert_int_equal(vs->sched, LB_SCHED_MH);
	assert_true(vs->mh_port && vs->mh_fallback && vs->flag1);
	assert_false(vs->sh_port || vs->flag2);
	assert_int_equal(vs->fwd.method, LB_METHOD_DR);
	assert_int_equal(vs->persistence_timeout, 360);
	assert_int_equal(vs->persistence_granularity, 24);
	assert_string_equal(vs->persistence_engine, "sip");
	assert_true(vs->ha_suspend && vs->smtp_alert && vs->omega && vs->inhibit_on_failure);
	assert_string_equal(vs->virtualhost, "www.example.com");
	assert_string_equal(vs->snmp_name, "web");
	assert_int_equal(vs->t.alpha, 1);
	assert_int_equal(vs->quorum, 3);
	assert_int_equal(vs->hysteresis, 1);
	assert_string_equal(vs->quorum_up.cmd, "/bin/up.sh arg");
	assert_string_equal(vs->quorum_up.user, "nobody");
	assert_string_equal(vs->quorum_up.group, "nogroup");
	assert_string_equal(vs->quorum_down.cmd, "/bin/down.sh");
	assert_int_equal(vs->ip_family, AF_INET);
	assert_int_equal(vs->t.delay_loop_us, 2500000);
	assert_int_equal(vs->t.connect_timeout_us, 500000);
	assert_int_equal(vs->t.retry, 4);
	assert_int_equal(vs->t.delay_before_retry_us, S(7));
	assert_int_equal(vs->t.warmup_us, 0);
	assert_true(vs->sorry.set);
	assert_string_equal(fmt(&vs->sorry.addr), "10.0.0.9");
	assert_int_equal(vs->sorry.port, 8443);
	assert_true(vs->sorry.inhibit);
	assert_int_equal(vs->sorry.fwd.method, LB_METHOD_NAT);
	/* quorum_up and quorum_down count for the script-security check. */
	assert_int_equal(f.cfg->nscripts, 2);
	/* The real server inherits what it does not set. */
	const struct real_server_conf *rs = rs_at(&f, 0, 0);
	assert_int_equal(rs->weight, 3);
	assert_int_equal(rs->fwd.method, LB_METHOD_DR);
	assert_int_equal(rs->inhibit_on_failure, 1);
	assert_string_equal(rs->virtualhost, "www.example.com");
	assert_int_equal(rs->t.delay_loop_us, 2500000);
	assert_int_equal(rs->t.retry, 4);
	done(&f);
}

static void test_rs_keywords(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 80 {\n"
		 "  protocol TCP\n"
		 "  real_server 10.0.0.2 {\n"
		 "    weight 0\n"
		 "    lvs_method TUN type gue port 6080 remcsum\n"
		 "    inhibit_on_failure off\n"
		 "    notify_up /bin/up\n"
		 "    notify_down \"/bin/down x\" root\n"
		 "    uthreshold 100\n"
		 "    lthreshold 10\n"
		 "    smtp_alert no\n"
		 "    virtualhost rs.example.com\n"
		 "    snmp_name rs1\n"
		 "    alpha yes\n"
		 "    delay_loop 3\n"
		 "    connect_timeout 2\n"
		 "    retry 5\n"
		 "    delay_before_retry 0.25\n"
		 "    warmup 1\n"
		 "  }\n"
		 "}\n");
	const struct real_server_conf *rs = rs_at(&f, 0, 0);
	assert_int_equal(rs->weight, 0);
	assert_int_equal(rs->port, 80); /* no port: the service's */
	assert_false(rs->port_set);
	assert_int_equal(rs->fwd.method, LB_METHOD_TUN);
	assert_int_equal(rs->fwd.tun_type, LB_TUN_GUE);
	assert_int_equal(rs->fwd.tun_port, 6080);
	assert_int_equal(rs->fwd.tun_csum, LB_CSUM_REMCSUM);
	assert_int_equal(rs->inhibit_on_failure, 0);
	assert_string_equal(rs->notify_up.cmd, "/bin/up");
	assert_string_equal(rs->notify_down.cmd, "/bin/down x");
	assert_string_equal(rs->notify_down.user, "root");
	assert_int_equal(rs->uthreshold, 100);
	assert_int_equal(rs->lthreshold, 10);
	assert_false(rs->smtp_alert);
	assert_string_equal(rs->virtualhost, "rs.example.com");
	assert_string_equal(rs->snmp_name, "rs1");
	assert_int_equal(rs->t.alpha, 1);
	assert_int_equal(rs->t.delay_loop_us, S(3));
	assert_int_equal(rs->t.connect_timeout_us, S(2));
	assert_int_equal(rs->t.retry, 5);
	assert_int_equal(rs->t.delay_before_retry_us, 250000);
	assert_int_equal(rs->t.warmup_us, S(1));
	assert_int_equal(f.cfg->nscripts, 2);
	assert_true(f.d.script_insecure);
	assert_int_equal(diag_exit_code(&f.d), CONF_EXIT_SCRIPT_SECURITY);
	done(&f);
}

static void test_aliases(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 80 {\n"
		 "  protocol UDP\n"
		 "  lb_algo sh\n"
		 "  lb_kind TUN\n"
		 "  nb_get_retry 2\n"
		 "  real_server 10.0.0.2 80 {\n"
		 "    lb_kind DR\n"
		 "    nb_get_retry 6\n"
		 "    HTTP_GET { nb_get_retry 9\n url { path / }\n }\n"
		 "  }\n"
		 "}\n"
		 "bfd_instance B { neighbour_ip 10.0.0.5\n hoplimit 9 }\n");
	assert_clean(&f);
	const struct virtual_server_conf *vs = vs_at(&f, 0);
	assert_int_equal(vs->sched, LB_SCHED_SH);
	assert_int_equal(vs->fwd.method, LB_METHOD_TUN);
	assert_int_equal(vs->fwd.tun_type, LB_TUN_IPIP);
	assert_int_equal(vs->t.retry, 2);
	assert_int_equal(rs_at(&f, 0, 0)->fwd.method, LB_METHOD_DR);
	assert_int_equal(rs_at(&f, 0, 0)->t.retry, 6);
	assert_int_equal(ck_at(&f, 0, 0, 0)->t.retry, 9);
	assert_string_equal(fmt(&f.cfg->lb.bfd.v[0].neighbor_ip), "10.0.0.5");
	assert_int_equal(f.cfg->lb.bfd.v[0].ttl, 9);
	done(&f);
}

static void test_vs_headers(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server fwmark 7 {\n"
		 "  real_server 10.0.0.2 {\n  }\n"
		 "}\n"
		 "virtual_server 2001:db8::1 443 {\n"
		 "  protocol TCP\n"
		 "  real_server 2001:db8::2 443 {\n  }\n"
		 "}\n"
		 "virtual_server_group G { 10.0.0.1 80\n}\n"
		 "virtual_server group G {\n"
		 "  protocol TCP\n"
		 "  real_server 10.0.0.3 80 {\n  }\n"
		 "}\n"
		 "virtual_server 10.0.0.1 {\n"
		 "  protocol TCP\n"
		 "  persistence_timeout 600\n"
		 "  real_server 10.0.0.4 {\n  }\n"
		 "}\n");
	assert_clean(&f);
	assert_int_equal(vs_at(&f, 0)->kind, LB_VS_FWMARK);
	assert_int_equal(vs_at(&f, 0)->fwmark, 7);
	assert_int_equal(vs_at(&f, 0)->family, AF_INET);
	assert_int_equal(vs_at(&f, 0)->protocol, LB_PROTO_UNSET);
	assert_int_equal(vs_at(&f, 1)->family, AF_INET6);
	assert_string_equal(fmt(&vs_at(&f, 1)->addr), "2001:db8::1");
	assert_int_equal(vs_at(&f, 2)->kind, LB_VS_GROUP);
	assert_string_equal(vs_at(&f, 2)->group, "G");
	assert_int_equal(vs_at(&f, 2)->family, AF_INET);
	assert_int_equal(vs_at(&f, 3)->port, 0);
	assert_int_equal(vs_at(&f, 3)->persistence_timeout, 600);
	done(&f);
}

static void test_vs_header_errors(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 70000 {\n"
		 "  protocol TCP\n"
		 "  real_server 10.0.0.2 80 { weight x }\n"
		 "}\n"
		 "virtual_server fwmark 0 {\n}\n"
		 "virtual_server 10.0.0.300 80 {\n}\n"
		 "virtual_server group {\n}\n"
		 "virtual_server 10.0.0.1 80\n");
	assert_diag(&f, "t.conf:1: error: virtual_server: expected a port 0-65535, got '70000'");
	/* The body of a bad header is still checked. */
	assert_diag(&f, "t.conf:3: error: weight: expected an integer 0-2147483647, got 'x'");
	assert_diag(&f, "t.conf:5: error: virtual_server: 0 is out of range 1-4294967295");
	assert_diag(&f, "t.conf:7: error: virtual_server: expected an IP address, got '10.0.0.300'");
	assert_diag(&f, "t.conf:9: error: virtual_server: expected 2 arguments, got 1");
	assert_diag(&f, "t.conf:11: error: virtual_server: expected a { } block");
	for (size_t i = 0; i < f.cfg->lb.vs.n; i++)
		assert_true(f.cfg->lb.vs.v[i].invalid);
	done(&f);
}

static void test_value_errors(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 80 {\n"
		 "  protocol ICMP\n"
		 "  lvs_sched fastest\n"
		 "  lvs_method NAT type ipip\n"
		 "  delay_loop 0\n"
		 "  connect_timeout 5000\n"
		 "  retry 0\n"
		 "  quorum 0\n"
		 "  persistence_timeout 2678401\n"
		 "  persistence_granularity 255.0.255.0\n"
		 "  ip_family ipx\n"
		 "  sorry_server 10.0.0.9 http\n"
		 "  bogus_keyword 1\n"
		 "  real_server 10.0.0.2 80 {\n"
		 "    weight -1\n"
		 "    lvs_method TUN type gue\n"
		 "    lvs_method TUN type ipip csum\n"
		 "    lvs_method TUN type gre remcsum\n"
		 "    lvs_method TUN kind ipip\n"
		 "    uthreshold many\n"
		 "  }\n"
		 "}\n");
	assert_diag(&f, "t.conf:2: error: protocol: expected one of TCP|UDP|SCTP, got 'ICMP'");
	assert_diag(&f, "t.conf:3: error: lvs_sched: expected one of rr|wrr|lc|wlc|lblc|lblcr|dh|sh"
		    "|sed|nq|fo|ovf|mh|twos, got 'fastest'");
	assert_diag(&f, "t.conf:4: error: lvs_method: options after NAT are only valid with TUN,"
		    " got 'type'");
	assert_diag(&f, "t.conf:5: error: delay_loop: 0 seconds is out of range"
		    " 0.000001-100000000000");
	assert_diag(&f, "t.conf:6: error: connect_timeout: 5000 seconds is out of range"
		    " 0.000001-4294.967295");
	assert_diag(&f, "t.conf:7: error: retry: 0 is out of range 1-2147483647");
	assert_diag(&f, "t.conf:8: error: quorum: 0 is out of range 1-2147483647");
	assert_diag(&f, "t.conf:9: error: persistence_timeout: 2678401 is out of range 1-2678400");
	assert_diag(&f, "t.conf:10: error: persistence_granularity: expected a contiguous IPv4"
		    " netmask or an IPv6 prefix length 1-128, got '255.0.255.0'");
	assert_diag(&f, "t.conf:11: error: ip_family: expected one of inet|inet6, got 'ipx'");
	assert_diag(&f, "t.conf:12: error: sorry_server: expected a port 0-65535, got 'http'");
	assert_diag(&f, "t.conf:13: error: unknown keyword 'bogus_keyword' in virtual_server");
	assert_diag(&f, "t.conf:15: error: weight: -1 is out of range 0-2147483647");
	assert_diag(&f, "t.conf:16: error: lvs_method: a gue tunnel needs 'port NUM'");
	assert_diag(&f, "t.conf:17: error: lvs_method: ipip tunnels do not support checksum options");
	assert_diag(&f, "t.conf:18: error: lvs_method: gre tunnels do not support remcsum");
	assert_diag(&f, "t.conf:19: error: lvs_method: expected 'type' after TUN, got 'kind'");
	assert_diag(&f, "t.conf:20: error: uthreshold: expected an integer 0-2147483647, got 'many'");
	/* Rejected values leave the defaults in place. */
	const struct virtual_server_conf *vs = vs_at(&f, 0);
	assert_int_equal(vs->sched, LB_SCHED_WLC);
	assert_int_equal(vs->t.delay_loop_us, S(60));
	assert_int_equal(vs->quorum, 1);
	assert_false(vs->sorry.set);
	assert_int_equal(rs_at(&f, 0, 0)->weight, 1);
	assert_int_equal(diag_exit_code(&f.d), CONF_EXIT_ERRORS);
	done(&f);
}

static void test_sorry_server_order(void **state)
{
	(void)state;
	struct fx f;
	/* halo takes sorry_server_* before sorry_server; keepalived wants it after. */
	load(&f, "virtual_server 10.0.0.1 80 {\n"
		 "  protocol TCP\n"
		 "  sorry_server_inhibit\n"
		 "  sorry_server_lvs_method DR\n"
		 "  sorry_server 10.0.0.9\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "}\n"
		 "virtual_server 10.0.0.1 81 {\n"
		 "  protocol TCP\n"
		 "  sorry_server_inhibit\n"
		 "  sorry_server_lvs_method DR\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "}\n");
	const struct virtual_server_conf *vs = vs_at(&f, 0);
	assert_true(vs->sorry.set && vs->sorry.inhibit);
	assert_int_equal(vs->sorry.fwd.method, LB_METHOD_DR);
	assert_diag(&f, "t.conf:11: error: sorry_server_inhibit: no sorry_server in this"
		    " virtual_server");
	assert_diag(&f, "t.conf:12: error: sorry_server_lvs_method: no sorry_server in this"
		    " virtual_server");
	assert_int_equal(f.d.errors, 2);
	done(&f);
}

/* ---- inheritance --------------------------------------------------------- */

static void test_inheritance(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 80 {\n"
		 "  protocol TCP\n"
		 "  delay_loop 10\n"
		 "  delay_before_retry 4\n"
		 "  virtualhost vs.example\n"
		 "  real_server 10.0.0.2 80 {\n"
		 "    retry 3\n"
		 "    HTTP_GET { url { path /a }\n url { path /b\n virtualhost url.example }\n }\n"
		 "    DNS_CHECK { delay_loop 20 }\n"
		 "  }\n"
		 "  real_server 10.0.0.3 80 {\n"
		 "    delay_loop 30\n"
		 "    virtualhost rs.example\n"
		 "    HTTP_GET { url { path / }\n }\n"
		 "    MISC_CHECK { misc_path /bin/true\n }\n"
		 "    DNS_CHECK { }\n"
		 "  }\n"
		 "  real_server 10.0.0.4 80 {\n"
		 "    HTTP_GET { virtualhost ck.example\n url { path / }\n }\n"
		 "    DNS_CHECK { }\n"
		 "    MISC_CHECK { misc_path /bin/true\n misc_timeout 2 }\n"
		 "  }\n"
		 "}\n");
	const struct checker_conf *h = ck_at(&f, 0, 0, 0);
	assert_int_equal(h->t.delay_loop_us, S(10));
	assert_int_equal(h->t.retry, 3);                   /* from the real server */
	assert_int_equal(h->t.delay_before_retry_us, S(4)); /* from the virtual server */
	assert_int_equal(h->t.warmup_us, S(10));            /* its delay_loop */
	assert_string_equal(h->u.http.virtualhost, "vs.example");
	assert_string_equal(h->u.http.urls.v[0].virtualhost, "vs.example");
	assert_string_equal(h->u.http.urls.v[1].virtualhost, "url.example");
	const struct checker_conf *d = ck_at(&f, 0, 0, 1);
	assert_int_equal(d->t.delay_loop_us, S(20));
	assert_int_equal(d->t.warmup_us, S(20));
	assert_int_equal(d->t.delay_before_retry_us, S(4));
	/* Without anything set above, the defaults depend on the checker type. */
	const struct checker_conf *h2 = ck_at(&f, 0, 1, 0);
	assert_int_equal(h2->t.delay_loop_us, S(30));
	assert_int_equal(h2->t.retry, 1);
	assert_int_equal(h2->t.delay_before_retry_us, S(4));
	assert_string_equal(h2->u.http.virtualhost, "rs.example");
	const struct checker_conf *m = ck_at(&f, 0, 1, 1);
	assert_int_equal(m->t.retry, 0);
	assert_int_equal(m->u.misc.timeout_us, S(30));
	const struct checker_conf *d2 = ck_at(&f, 0, 1, 2);
	assert_int_equal(d2->t.retry, 3);
	assert_int_equal(d2->u.dns.type, DNS_SOA);
	assert_string_equal(d2->u.dns.name, ".");
	assert_string_equal(ck_at(&f, 0, 2, 0)->u.http.virtualhost, "ck.example");
	assert_string_equal(ck_at(&f, 0, 2, 0)->u.http.urls.v[0].virtualhost, "ck.example");
	assert_int_equal(ck_at(&f, 0, 2, 2)->u.misc.timeout_us, S(2));
	done(&f);
}

static void test_type_default_delays(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 80 {\n"
		 "  protocol TCP\n"
		 "  delay_loop 8\n"
		 "  real_server 10.0.0.2 80 {\n"
		 "    SSL_GET { url { path / }\n }\n"
		 "    DNS_CHECK { }\n"
		 "    UDP_CHECK { }\n"
		 "    PING_CHECK { }\n"
		 "  }\n"
		 "}\n");
	assert_clean(&f);
	assert_int_equal(ck_at(&f, 0, 0, 0)->t.delay_before_retry_us, S(3));
	assert_int_equal(ck_at(&f, 0, 0, 1)->t.delay_before_retry_us, S(8));
	assert_int_equal(ck_at(&f, 0, 0, 2)->t.delay_before_retry_us, S(1));
	assert_int_equal(ck_at(&f, 0, 0, 3)->t.delay_before_retry_us, S(1));
	done(&f);
}

/* ---- checkers ------------------------------------------------------------- */

static const char *const rs_open = "virtual_server 10.0.0.1 80 {\n"
				   "  protocol TCP\n"
				   "  real_server 10.0.0.2 80 {\n";

/* One real server whose body is `body` (starting at line 4). */
static struct halo_config *load_rs(struct fx *f, const char *body)
{
	char *text;
	if (asprintf(&text, "%s%s  }\n}\n", rs_open, body) < 0)
		abort();
	load(f, text);
	free(text);
	return f->cfg;
}

static void test_http_get(void **state)
{
	(void)state;
	struct fx f;
	load_rs(&f, "    HTTP_GET {\n"
		    "      url {\n"
		    "        path /health\n"
		    "        digest 9B3A0C85A887A256D6939DA88AABD8CD\n"
		    "        status_code 200-299 400-499 503\n"
		    "        regex \"^OK\"\n"
		    "        regex_no_match\n"
		    "        regex_options caseless multiline\n"
		    "        regex_stack 1024 65536\n"
		    "        regex_min_offset 2\n"
		    "        regex_max_offset 100\n"
		    "      }\n"
		    "      url { path /other }\n"
		    "      http_protocol 1.1\n"
		    "      fast_recovery\n"
		    "      connect_ip 10.0.0.20\n"
		    "      connect_port 8080\n"
		    "      bindto 10.0.0.1\n"
		    "      bind_port 4000\n"
		    "      bind_if eth0\n"
		    "      fwmark 3\n"
		    "      log_all_failures\n"
		    "    }\n"
		    "    SSL_GET { enable_sni\n url { path / }\n }\n");
	assert_clean(&f);
	const struct checker_conf *ck = ck_at(&f, 0, 0, 0);
	assert_int_equal(ck->type, CHK_HTTP);
	assert_int_equal(ck->u.http.urls.n, 2);
	const struct url_conf *u = &ck->u.http.urls.v[0];
	assert_string_equal(u->path, "/health");
	assert_string_equal(u->digest, "9b3a0c85a887a256d6939da88aabd8cd");
	assert_int_equal(u->status.n, 3);
	assert_int_equal(u->status.v[0].lo, 200);
	assert_int_equal(u->status.v[0].hi, 299);
	assert_int_equal(u->status.v[2].lo, 503);
	assert_int_equal(u->status.v[2].hi, 503);
	assert_string_equal(u->regex, "^OK");
	assert_true(u->regex_no_match);
	assert_int_equal(u->regex_options.n, 2);
	assert_int_equal(u->regex_stack_start, 1024);
	assert_int_equal(u->regex_stack_max, 65536);
	assert_int_equal(u->regex_min_offset, 2);
	assert_int_equal(u->regex_max_offset, 100);
	/* A url without status_code accepts 200-299. */
	const struct url_conf *u2 = &ck->u.http.urls.v[1];
	assert_int_equal(u2->status.n, 1);
	assert_int_equal(u2->status.v[0].lo, 200);
	assert_int_equal(u2->status.v[0].hi, 299);
	assert_int_equal(ck->u.http.protocol, HTTP_PROTO_1_1);
	assert_true(ck->u.http.fast_recovery);
	assert_string_equal(fmt(&ck->conn.connect_ip), "10.0.0.20");
	assert_int_equal(ck->conn.connect_port, 8080);
	assert_string_equal(fmt(&ck->conn.bindto), "10.0.0.1");
	assert_int_equal(ck->conn.bind_port, 4000);
	assert_string_equal(ck->conn.bind_if, "eth0");
	assert_int_equal(ck->conn.fwmark, 3);
	assert_true(ck->log_all_failures);
	assert_int_equal(ck_at(&f, 0, 0, 1)->type, CHK_SSL);
	assert_true(ck_at(&f, 0, 0, 1)->u.http.enable_sni);
	done(&f);
}

static void test_http_errors(void **state)
{
	(void)state;
	struct fx f;
	load_rs(&f, "    HTTP_GET {\n"                                   /* 4 */
		    "      url {\n"
		    "        path /\n"
		    "        status_code 99 200-1000 abc 300-200 404\n"
		    "        digest 12\n"
		    "        regex_options shouting\n"
		    "        regex_stack 10 5\n"
		    "      }\n"
		    "      url { digest 9b3a0c85a887a256d6939da88aabd8cd\n }\n" /* 12 */
		    "      http_protocol 2.0\n"
		    "    }\n"
		    "    SSL_GET { }\n"                                     /* 16 */
		    "    HTTP_GET { url { path /\n regex_min_offset 5\n regex_max_offset 2\n }\n }\n");
	assert_diag(&f, "t.conf:7: error: status_code: expected a status code 100-999 or a"
		    " range such as 200-299, got '99'");
	assert_diag(&f, "t.conf:7: error: status_code: expected a status code 100-999 or a"
		    " range such as 200-299, got '200-1000'");
	assert_diag(&f, "t.conf:7: error: status_code: expected a status code 100-999 or a"
		    " range such as 200-299, got 'abc'");
	assert_diag(&f, "t.conf:7: error: status_code: expected a status code 100-999 or a"
		    " range such as 200-299, got '300-200'");
	assert_diag(&f, "t.conf:8: error: digest: expected 32 hexadecimal digits (an MD5 sum),"
		    " got '12'");
	assert_diag(&f, "t.conf:9: error: regex_options: unknown regex option 'shouting'");
	assert_diag(&f, "t.conf:10: error: regex_stack: the start 10 exceeds the maximum 5");
	assert_diag(&f, "t.conf:12: error: url: no path; this url is ignored");
	assert_diag(&f, "t.conf:14: error: http_protocol: expected one of 1.0|1.0C|1.1, got '2.0'");
	assert_diag(&f, "t.conf:16: error: SSL_GET: no url { } block; this checker is ignored");
	assert_diag(&f, "t.conf:17: error: url: regex_min_offset 5 exceeds regex_max_offset 2");
	const struct checker_conf *ck = ck_at(&f, 0, 0, 0);
	/* The valid code of the list is kept; the url without a path is not. */
	assert_int_equal(ck->u.http.urls.n, 1);
	assert_int_equal(ck->u.http.urls.v[0].status.n, 1);
	assert_int_equal(ck->u.http.urls.v[0].status.v[0].lo, 404);
	assert_false(ck->invalid);
	assert_true(ck_at(&f, 0, 0, 1)->invalid);
	done(&f);
}

static void test_misc_smtp_dns(void **state)
{
	(void)state;
	struct fx f;
	load_rs(&f, "    MISC_CHECK {\n"
		    "      misc_path \"/usr/bin/check --port 80\"\n"
		    "      misc_timeout 5\n"
		    "      misc_dynamic\n"
		    "      user nobody nogroup\n"
		    "      warmup 3\n"
		    "      alpha\n"
		    "    }\n"
		    "    SMTP_CHECK {\n"
		    "      helo_name mx.example.com\n"
		    "      connect_timeout 10\n"
		    "      host {\n connect_ip 10.0.0.30\n connect_port 587\n bindto 10.0.0.1\n }\n"
		    "    }\n"
		    "    SMTP_CHECK { }\n"
		    "    DNS_CHECK {\n type AAAA\n name www.example.com\n }\n");
	const struct checker_conf *m = ck_at(&f, 0, 0, 0);
	assert_string_equal(m->u.misc.path, "/usr/bin/check --port 80");
	assert_int_equal(m->u.misc.timeout_us, S(5));
	assert_true(m->u.misc.dynamic);
	assert_string_equal(m->u.misc.user, "nobody");
	assert_string_equal(m->u.misc.group, "nogroup");
	assert_int_equal(m->t.warmup_us, S(3));
	assert_int_equal(m->t.alpha, 1);
	assert_true(f.cfg->nscripts >= 1);
	const struct checker_conf *s = ck_at(&f, 0, 0, 1);
	assert_string_equal(s->u.smtp.helo_name, "mx.example.com");
	assert_int_equal(s->t.connect_timeout_us, S(10));
	assert_int_equal(s->u.smtp.hosts.n, 1);
	assert_string_equal(fmt(&s->u.smtp.hosts.v[0].connect_ip), "10.0.0.30");
	assert_int_equal(s->u.smtp.hosts.v[0].connect_port, 587);
	assert_diag(&f, "t.conf:15: warning: host: SMTP_CHECK host blocks are deprecated;"
		    " use one SMTP_CHECK per host");
	assert_string_equal(ck_at(&f, 0, 0, 2)->u.smtp.helo_name, "smtpchecker.keepalived.org");
	const struct checker_conf *d = ck_at(&f, 0, 0, 3);
	assert_int_equal(d->u.dns.type, DNS_AAAA);
	assert_string_equal(d->u.dns.name, "www.example.com");
	assert_int_equal(f.d.errors, 0);
	done(&f);
}

static void test_checker_errors(void **state)
{
	(void)state;
	struct fx f;
	load_rs(&f, "    MISC_CHECK {\n connect_timeout 3\n }\n"             /* 4-6 */
		    "    DNS_CHECK {\n type XX\n name foo..bar\n }\n"         /* 7-10 */
		    "    UDP_CHECK {\n payload zz\n require_reply 1x\n"        /* 11-13 */
		    " min_reply_length 70000\n min_reply_length 30\n max_reply_length 20\n }\n"
		    "    FILE_CHECK {\n retry 2\n weight 5 sideways\n }\n"   /* 18-21 */
		    "    BFD_CHECK {\n name abcdefghijklmnopqrstuvwxyz0123456789\n }\n" /* 22-24 */
		    "    TCP_CHECK {\n omega\n connect_port 0\n bind_if"
		    " averyveryverylongifname\n bindto fe80::1\n }\n");      /* 25-30 */
	assert_diag(&f, "t.conf:5: error: unknown keyword 'connect_timeout' in MISC_CHECK");
	assert_diag(&f, "t.conf:4: error: MISC_CHECK: no misc_path; this checker is ignored");
	assert_diag(&f, "t.conf:8: error: type: expected one of A|NS|CNAME|SOA|MX|TXT|AAAA|RRSIG"
		    "|DNSKEY, got 'XX'");
	assert_diag(&f, "t.conf:9: error: name: 'foo..bar' is not a valid domain name"
		    " (empty label or too long)");
	assert_diag(&f, "t.conf:12: error: payload: expected hexadecimal digits, got 'zz'");
	assert_diag(&f, "t.conf:14: error: min_reply_length: 70000 is out of range 0-65535");
	assert_diag(&f, "t.conf:11: warning: UDP_CHECK: min_reply_length 30 exceeds"
		    " max_reply_length 20; the check can never succeed");
	assert_diag(&f, "t.conf:19: error: unknown keyword 'retry' in FILE_CHECK");
	assert_diag(&f, "t.conf:20: error: weight: expected reverse or noreverse, got 'sideways'");
	assert_diag(&f, "t.conf:18: error: FILE_CHECK: no track_file; this checker is ignored");
	assert_diag(&f, "t.conf:23: error: name: 'abcdefghijklmnopqrstuvwxyz0123456789' is longer"
		    " than 31 characters");
	assert_diag(&f, "t.conf:22: error: BFD_CHECK: no name; this checker is ignored");
	assert_diag(&f, "t.conf:26: error: unknown keyword 'omega' in TCP_CHECK");
	assert_diag(&f, "t.conf:27: error: connect_port: 0 is out of range 1-65535");
	assert_diag(&f, "t.conf:28: error: bind_if: interface name 'averyveryverylongifname' is"
		    " longer than 15 characters");
	assert_diag(&f, "t.conf:25: error: TCP_CHECK: the link-local bindto address needs"
		    " bind_if");
	/* The reply pattern takes x as "any nibble". */
	assert_string_equal(ck_at(&f, 0, 0, 2)->u.udp.reply, "1x");
	done(&f);
}

static void test_udp_file_bfd_ping(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "track_file TF {\n file /run/weight\n}\n"
		 "bfd_instance B1 {\n neighbor_ip 10.0.0.2\n}\n"
		 "virtual_server 10.0.0.1 53 {\n"
		 "  protocol UDP\n"
		 "  real_server 10.0.0.2 53 {\n"
		 "    UDP_CHECK {\n"
		 "      payload Ab12f 3 456 546443123\n"
		 "      require_reply 0a xX\n"
		 "      min_reply_length 2\n"
		 "      max_reply_length 512\n"
		 "    }\n"
		 "    UDP_CHECK { require_reply }\n"
		 "    FILE_CHECK { track_file TF\n weight -5 reverse\n dynamic }\n"
		 "    BFD_CHECK { name B1 }\n"
		 "    PING_CHECK\n"
		 "  }\n"
		 "}\n");
	assert_clean(&f);
	const struct checker_conf *u = ck_at(&f, 0, 0, 0);
	assert_string_equal(u->u.udp.payload, "ab120f0345065464431203");
	assert_true(u->u.udp.require_reply);
	assert_string_equal(u->u.udp.reply, "0axx");
	assert_int_equal(u->u.udp.min_reply_length, 2);
	assert_int_equal(u->u.udp.max_reply_length, 512);
	assert_true(ck_at(&f, 0, 0, 1)->u.udp.require_reply);
	assert_null(ck_at(&f, 0, 0, 1)->u.udp.reply);
	assert_int_equal(ck_at(&f, 0, 0, 1)->u.udp.max_reply_length, 255);
	const struct checker_conf *fc = ck_at(&f, 0, 0, 2);
	assert_string_equal(fc->u.file.track_file, "TF");
	assert_int_equal(fc->u.file.weight, -5);
	assert_true(fc->u.file.reverse && fc->u.file.dynamic);
	assert_string_equal(ck_at(&f, 0, 0, 3)->u.bfd.name, "B1");
	assert_int_equal(ck_at(&f, 0, 0, 4)->type, CHK_PING);
	assert_false(ck_at(&f, 0, 0, 3)->invalid || ck_at(&f, 0, 0, 2)->invalid);
	done(&f);
}

/* ---- virtual_server_group, SSL, bfd_instance ------------------------------- */

static void test_vsg(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server_group G {\n"
		 "  10.0.0.1 80\n"
		 "  10.0.0.1-10 80\n"
		 "  10.0.0.250-10.0.1.10 443\n"
		 "  10.0.2.8/29 80\n"
		 "  fwmark 7\n"
		 "  fwmark 8 inet\n"
		 "  10.0.3.1\n"
		 "}\n"
		 "virtual_server_group G6 {\n"
		 "  2001:db8::1-ff 80\n"
		 "}\n");
	const struct vsg_conf *g = &f.cfg->lb.groups.v[0];
	assert_string_equal(g->name, "G");
	assert_int_equal(g->entries.n, 7);
	assert_int_equal(g->entries.v[0].kind, VSG_ADDR);
	assert_int_equal(g->entries.v[0].port, 80);
	assert_int_equal(g->entries.v[1].kind, VSG_RANGE);
	assert_string_equal(fmt(&g->entries.v[1].end), "10.0.0.10");
	assert_string_equal(fmt(&g->entries.v[2].end), "10.0.1.10");
	assert_string_equal(fmt(&g->entries.v[3].addr), "10.0.2.8");
	assert_string_equal(fmt(&g->entries.v[3].end), "10.0.2.15");
	assert_int_equal(g->entries.v[4].kind, VSG_FWMARK);
	assert_int_equal(g->entries.v[4].fwmark, 7);
	assert_int_equal(g->entries.v[4].family, AF_UNSPEC);
	assert_int_equal(g->entries.v[5].family, AF_INET);
	assert_int_equal(g->entries.v[6].port, 0);
	const struct vsg_conf *g6 = &f.cfg->lb.groups.v[1];
	assert_string_equal(fmt(&g6->entries.v[0].end), "2001:db8::ff");
	/* Groups nobody uses draw no complaint. */
	assert_int_equal(f.d.errors, 0);
	done(&f);
}

static void test_vsg_errors(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server_group G {\n"
		 "  10.0.0.10-5 80\n"
		 "  10.0.0.20-10.0.0.3 80\n"
		 "  10.0.1.0/33 80\n"
		 "  fwmark 0\n"
		 "  fwmark 7 inet9\n"
		 "  10.0.0.1 70000\n"
		 "  10.0.0.1 80 90\n"
		 "  10.0.0.1-2001:db8::1 80\n"
		 "  10.0.0.999\n"
		 "}\n"
		 "virtual_server_group EMPTY {\n}\n"
		 "virtual_server_group G {\n 10.0.0.1 80\n}\n"
		 "virtual_server_group MIX {\n 10.0.0.1 80\n 2001:db8::1 80\n fwmark 3\n}\n");
	assert_diag(&f, "t.conf:2: error: virtual_server_group G: invalid address or range"
		    " '10.0.0.10-5': the end is not greater than the start");
	assert_diag(&f, "t.conf:3: error: virtual_server_group G: invalid address or range"
		    " '10.0.0.20-10.0.0.3': the end is before the start");
	assert_diag(&f, "t.conf:4: error: virtual_server_group G: invalid address or range"
		    " '10.0.1.0/33': not an address/prefix");
	assert_diag(&f, "t.conf:5: error: fwmark: 0 is out of range 1-4294967295");
	assert_diag(&f, "t.conf:6: error: fwmark: expected one of inet|inet6, got 'inet9'");
	assert_diag(&f, "t.conf:7: error: virtual_server_group G: expected a port 0-65535 after"
		    " 10.0.0.1, got '70000'");
	assert_diag(&f, "t.conf:8: error: virtual_server_group G: expected '10.0.0.1 [PORT]',"
		    " got extra '90'");
	assert_diag(&f, "t.conf:9: error: virtual_server_group G: invalid address or range"
		    " '10.0.0.1-2001:db8::1': the start and the end are of different address"
		    " families");
	assert_diag(&f, "t.conf:10: error: virtual_server_group G: invalid address or range"
		    " '10.0.0.999': not an IP address");
	assert_diag(&f, "t.conf:12: warning: virtual_server_group EMPTY has no entries;"
		    " virtual servers using it are ignored");
	assert_diag(&f, "t.conf:14: error: virtual_server_group G is already defined at line 1;"
		    " this one is ignored");
	assert_diag(&f, "t.conf:17: error: virtual_server_group MIX has IPv4 and IPv6 addresses"
		    " and a fwmark without inet|inet6; the group is ignored");
	assert_int_equal(f.cfg->lb.groups.v[0].entries.n, 0);
	assert_true(f.cfg->lb.groups.v[2].invalid);
	done(&f);
}

static void test_ssl(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "SSL {\n password secret\n ca /etc/ca.pem\n certificate /etc/c.pem\n"
		 " key /etc/k.pem\n}\n");
	assert_clean(&f);
	const struct ssl_conf *s = &f.cfg->lb.ssl;
	assert_true(s->set);
	assert_string_equal(s->password, "secret");
	assert_string_equal(s->ca, "/etc/ca.pem");
	assert_string_equal(s->certificate, "/etc/c.pem");
	assert_string_equal(s->key, "/etc/k.pem");
	done(&f);
	load(&f, "SSL {\n ca /a\n}\nSSL {\n key /k\n cipher x\n}\n");
	assert_diag(&f, "t.conf:4: warning: SSL: already defined at line 1; this block replaces it");
	assert_diag(&f, "t.conf:6: error: unknown keyword 'cipher' in SSL");
	/* The second block replaces the first whole, as keepalived does. */
	assert_null(f.cfg->lb.ssl.ca);
	assert_string_equal(f.cfg->lb.ssl.key, "/k");
	done(&f);
}

static void test_bfd_instance(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "bfd_instance B1 {\n"
		 "  neighbor_ip 10.0.0.2\n"
		 "  source_ip 10.0.0.1\n"
		 "  min_rx 3.312\n"
		 "  min_tx 20\n"
		 "  idle_tx 2000\n"
		 "  multiplier 3\n"
		 "  passive\n"
		 "  max_hops 2\n"
		 "  weight -20 reverse\n"
		 "  vrrp\n"
		 "}\n"
		 "bfd_instance B6 {\n neighbor_ip 2001:db8::2\n checker\n}\n");
	assert_clean(&f);
	const struct bfd_conf *b = &f.cfg->lb.bfd.v[0];
	assert_string_equal(b->name, "B1");
	assert_string_equal(fmt(&b->source_ip), "10.0.0.1");
	assert_int_equal(b->min_rx_us, 3312);
	assert_int_equal(b->min_tx_us, 20000);
	assert_int_equal(b->idle_tx_us, 2000000);
	assert_int_equal(b->multiplier, 3);
	assert_true(b->passive && b->vrrp && b->reverse);
	assert_false(b->checker);
	assert_int_equal(b->ttl, 255);
	assert_int_equal(b->max_hops, 2);
	assert_int_equal(b->weight, -20);
	const struct bfd_conf *b6 = &f.cfg->lb.bfd.v[1];
	assert_int_equal(b6->min_rx_us, 10000);
	assert_int_equal(b6->min_tx_us, 10000);
	assert_int_equal(b6->idle_tx_us, 1000000);
	assert_int_equal(b6->multiplier, 5);
	assert_int_equal(b6->ttl, 64);
	assert_true(b6->checker);
	done(&f);
}

static void test_bfd_errors(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "bfd_instance B1 {\n"
		 "  neighbor_ip 10.0.0.9\n"
		 "  min_rx 0\n"
		 "  idle_tx 10\n"
		 "  min_tx fast\n"
		 "  multiplier 0\n"
		 "  ttl 256\n"
		 "  max_hops 300\n"
		 "  weight 254\n"
		 "}\n"
		 "bfd_instance B1 {\n neighbor_ip 10.0.0.8\n}\n"
		 "bfd_instance B2 {\n}\n"
		 "bfd_instance B3 {\n neighbor_ip 10.0.0.9\n}\n"
		 "bfd_instance B4 {\n neighbor_ip 10.0.0.7\n source_ip 2001:db8::1\n}\n"
		 "bfd_instance B5 {\n neighbor_ip 10.0.0.6\n ttl 2\n max_hops 5\n}\n"
		 "bfd_instance abcdefghijklmnopqrstuvwxyz0123456789 {\n}\n");
	assert_diag(&f, "t.conf:3: error: min_rx: 0 ms is out of range 1-4294967");
	assert_diag(&f, "t.conf:4: error: idle_tx: 10 ms is out of range 1000-4294967");
	assert_diag(&f, "t.conf:5: error: min_tx: expected milliseconds 1-4294967, got 'fast'");
	assert_diag(&f, "t.conf:6: error: multiplier: 0 is out of range 1-255");
	assert_diag(&f, "t.conf:7: error: ttl: 256 is out of range 1-255");
	assert_diag(&f, "t.conf:8: error: max_hops: 300 is out of range -1-255");
	assert_diag(&f, "t.conf:9: error: weight: 254 is out of range -253-253");
	assert_diag(&f, "t.conf:11: error: bfd_instance B1 is already defined at line 1;"
		    " this one is ignored");
	assert_diag(&f, "t.conf:14: error: bfd_instance B2 has no neighbor_ip; it is disabled");
	assert_diag(&f, "t.conf:16: error: bfd_instance B3: neighbor_ip 10.0.0.9 is already used"
		    " by bfd_instance B1 at line 1; it is ignored");
	assert_diag(&f, "t.conf:19: error: bfd_instance B4: source_ip 2001:db8::1 and"
		    " neighbor_ip are of different address families; it is disabled");
	assert_diag(&f, "t.conf:23: warning: bfd_instance B5: max_hops 5 exceeds ttl 2; using 2");
	assert_diag(&f, "t.conf:28: error: bfd_instance: name"
		    " 'abcdefghijklmnopqrstuvwxyz0123456789' is longer than 31 characters");
	done(&f);
}

/* ---- whole-config validation ---------------------------------------------- */

static void test_missing_group(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server group NOPE {\n"
		 "  protocol TCP\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "}\n"
		 "virtual_server_group EMPTY {\n}\n"
		 "virtual_server group EMPTY {\n"
		 "  protocol TCP\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "}\n");
	assert_diag(&f, "t.conf:1: error: virtual_server group NOPE: virtual_server_group 'NOPE'"
		    " is not defined; this virtual server is ignored");
	assert_diag(&f, "t.conf:8: warning: virtual_server group EMPTY: the group is ignored,"
		    " and so is this virtual server");
	assert_true(vs_at(&f, 0)->invalid);
	assert_true(vs_at(&f, 1)->invalid);
	assert_int_equal(f.d.errors, 1);
	done(&f);
}

static void test_duplicate_vs(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.2 80 {\n }\n}\n"
		 "virtual_server 10.0.0.1 80 {\n protocol UDP\n real_server 10.0.0.2 80 {\n }\n}\n"
		 "virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.0.3 80 {\n }\n}\n"
		 "virtual_server fwmark 5 {\n real_server 10.0.0.2 80 {\n }\n}\n"
		 "virtual_server fwmark 5 {\n protocol TCP\n real_server 10.0.0.2 80 {\n }\n}\n"
		 "virtual_server 10.0.0.1 81 {\n protocol TCP\n real_server 10.0.0.2 80 {\n }\n}\n");
	assert_diag(&f, "t.conf:11: error: virtual_server 10.0.0.1 80 TCP is already defined at"
		    " line 1; this one is ignored");
	assert_diag(&f, "t.conf:20: error: virtual_server fwmark 5 is already defined at"
		    " line 16; this one is ignored");
	assert_int_equal(f.d.errors, 2);
	assert_false(vs_at(&f, 0)->invalid);
	assert_false(vs_at(&f, 1)->invalid); /* another protocol */
	assert_true(vs_at(&f, 2)->invalid);
	assert_false(vs_at(&f, 3)->invalid);
	assert_true(vs_at(&f, 4)->invalid);
	assert_false(vs_at(&f, 5)->invalid);
	done(&f);
}

static void test_duplicate_rs(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 80 {\n"
		 "  protocol TCP\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "  real_server 10.0.0.2 8080 {\n  }\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "  real_server 10.0.0.2 {\n  }\n"
		 "}\n"
		 "virtual_server fwmark 1 {\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "  real_server 10.0.0.2 81 {\n  }\n"
		 "}\n");
	assert_diag(&f, "t.conf:7: error: real_server 10.0.0.2 80 is already defined at line 3"
		    " in this virtual_server; this one is ignored");
	/* No port means the service's port: the same server again. */
	assert_diag(&f, "t.conf:9: error: real_server 10.0.0.2 80 is already defined at line 3"
		    " in this virtual_server; this one is ignored");
	/* A fwmark service ignores real server ports. */
	assert_diag(&f, "t.conf:15: error: real_server 10.0.0.2 81 is already defined at"
		    " line 13 in this virtual_server; this one is ignored");
	assert_int_equal(f.d.errors, 3);
	assert_false(rs_at(&f, 0, 1)->invalid);
	assert_true(rs_at(&f, 0, 2)->invalid);
	done(&f);
}

static void test_families(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.6 80 {\n"
		 "  protocol TCP\n"
		 "  real_server 2001:db8::1 80 {\n  }\n"
		 "  real_server 2001:db8::2 80 {\n lvs_method TUN\n }\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "  sorry_server 2001:db8::5 80\n"
		 "}\n"
		 "virtual_server fwmark 3 {\n"
		 "  real_server 2001:db8::1 {\n  }\n"
		 "  real_server 10.0.0.1 {\n  }\n"
		 "}\n"
		 "virtual_server fwmark 4 {\n"
		 "  lvs_method TUN\n"
		 "  real_server 2001:db8::1 {\n  }\n"
		 "  real_server 2001:db8::2 {\n  }\n"
		 "}\n"
		 "virtual_server 10.0.0.7 80 {\n"
		 "  protocol TCP\n"
		 "  ip_family inet6\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "}\n");
	assert_diag(&f, "t.conf:3: error: real_server 2001:db8::1: IPv6 address in an IPv4"
		    " virtual_server 10.0.0.6 80 (only lvs_method TUN servers may differ);"
		    " this server is ignored");
	assert_diag(&f, "t.conf:10: error: sorry_server 2001:db8::5: IPv6 address in an IPv4"
		    " virtual_server 10.0.0.6 80 (only lvs_method TUN servers may differ);"
		    " this server is ignored");
	assert_diag(&f, "t.conf:15: error: real_server 10.0.0.1: IPv4 address in an IPv6"
		    " virtual_server fwmark 3 (only lvs_method TUN servers may differ);"
		    " this server is ignored");
	assert_diag(&f, "t.conf:25: error: virtual_server 10.0.0.7 80: ip_family inet6 does not"
		    " match its IPv4 address; ip_family is ignored");
	assert_int_equal(f.d.errors, 4);
	assert_true(rs_at(&f, 0, 0)->invalid);
	assert_false(rs_at(&f, 0, 1)->invalid);
	assert_false(vs_at(&f, 0)->sorry.set);
	assert_int_equal(vs_at(&f, 1)->family, AF_INET6);
	/* All tunnelled and all IPv6: the fwmark service is IPv6. */
	assert_int_equal(vs_at(&f, 2)->family, AF_INET6);
	done(&f);
}

static void test_checker_references(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "track_file TF {\n file /run/w\n}\n"
		 "bfd_instance B1 {\n neighbor_ip 10.0.0.2\n}\n"
		 "virtual_server 10.0.0.1 80 {\n"
		 "  protocol TCP\n"
		 "  real_server 10.0.0.2 80 {\n"
		 "    FILE_CHECK { track_file TF }\n"
		 "    FILE_CHECK { track_file NOPE }\n"
		 "    BFD_CHECK { name B1 }\n"
		 "    BFD_CHECK { name B9 }\n"
		 "  }\n"
		 "}\n");
	assert_diag(&f, "t.conf:11: error: FILE_CHECK: track_file 'NOPE' is not defined;"
		    " this checker is ignored");
	assert_diag(&f, "t.conf:13: error: BFD_CHECK: bfd_instance 'B9' is not defined;"
		    " this checker is ignored");
	assert_int_equal(f.d.errors, 2);
	assert_false(ck_at(&f, 0, 0, 0)->invalid);
	assert_true(ck_at(&f, 0, 0, 1)->invalid);
	assert_false(ck_at(&f, 0, 0, 2)->invalid);
	assert_true(ck_at(&f, 0, 0, 3)->invalid);
	done(&f);
}

static void test_service_warnings(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server 10.0.0.1 80 {\n"
		 "  quorum 10\n"
		 "  hysteresis 5\n"
		 "  ops\n"
		 "  protocol TCP\n"
		 "  real_server 10.0.0.2 80 {\n weight 2\n }\n"
		 "  real_server 10.0.0.3 80 {\n weight 1\n }\n"
		 "}\n"
		 "virtual_server 10.0.0.1 0 {\n"
		 "  real_server 10.0.0.2 80 {\n  }\n"
		 "}\n"
		 "virtual_server 10.0.0.5 80 {\n protocol TCP\n}\n"
		 "virtual_server fwmark 9 {\n ha_suspend\n real_server 10.0.0.2 {\n }\n}\n"
		 "virtual_server 10.0.0.6 80 {\n protocol TCP\n lvs_method DR\n"     /* 25 */
		 " real_server 10.0.0.2 8080 {\n }\n"
		 " real_server 10.0.0.3 8080 {\n lvs_method NAT\n }\n}\n");
	assert_diag(&f, "t.conf:1: warning: virtual_server 10.0.0.1 80: quorum 10 exceeds the total"
		    " weight 3 of its real servers; using 3");
	assert_diag(&f, "t.conf:1: warning: virtual_server 10.0.0.1 80: hysteresis 5 is not less"
		    " than quorum 3; using 2");
	assert_diag(&f, "t.conf:1: warning: virtual_server 10.0.0.1 80: ops needs protocol UDP;"
		    " ignored");
	assert_diag(&f, "t.conf:13: warning: virtual_server 10.0.0.1 0: no protocol; using UDP as"
		    " keepalived does");
	assert_diag(&f, "t.conf:13: warning: virtual_server 10.0.0.1 0: port 0 is only valid for a"
		    " persistent service; using persistence_timeout 360");
	assert_diag(&f, "t.conf:17: warning: virtual_server 10.0.0.5 80 has no real servers;"
		    " it is ignored");
	assert_diag(&f, "t.conf:20: warning: virtual_server fwmark 9: ha_suspend does not apply to"
		    " a fwmark; ignored");
	assert_diag(&f, "t.conf:28: warning: real_server 10.0.0.2 8080: lvs_method DR cannot"
		    " change the port; using the virtual server's port 80");
	assert_int_equal(rs_at(&f, 4, 0)->port, 80);
	assert_int_equal(rs_at(&f, 4, 1)->port, 8080); /* NAT may */
	assert_int_equal(f.d.errors, 0);
	assert_int_equal(vs_at(&f, 0)->quorum, 3);
	assert_int_equal(vs_at(&f, 0)->hysteresis, 2);
	assert_int_equal(vs_at(&f, 1)->protocol, LB_PROTO_UDP);
	assert_int_equal(vs_at(&f, 1)->persistence_timeout, 360);
	assert_true(vs_at(&f, 2)->invalid);
	assert_int_equal(diag_exit_code(&f.d), CONF_EXIT_OK);
	done(&f);
}

/* ---- dump ------------------------------------------------------------------ */

static json_object *jget(json_object *o, const char *path)
{
	/* "a.0.b": object keys and array indexes separated by dots. */
	char buf[256], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *t = strtok_r(buf, ".", &save); t && o; t = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(t));
		else if (!json_object_object_get_ex(o, t, &o))
			return NULL;
	}
	return o;
}

static void test_dump(void **state)
{
	(void)state;
	struct fx f;
	load(&f, "virtual_server_group G {\n 10.0.0.1-10 80\n fwmark 3 inet\n}\n"
		 "virtual_server 10.0.0.1 80 {\n"
		 "  protocol TCP\n"
		 "  lb_algo rr\n"
		 "  lvs_method TUN type gue port 5555 csum\n"
		 "  persistence_granularity 255.255.0.0\n"
		 "  real_server 10.0.0.2 80 {\n"
		 "    HTTP_GET { url { path /\n status_code 200 300-302\n }\n }\n"
		 "  }\n"
		 "}\n"
		 "virtual_server fwmark 3 {\n real_server 10.0.0.2 {\n"
		 "  DNS_CHECK {\n type MX\n }\n }\n}\n"
		 "SSL {\n ca /ca.pem\n}\n"
		 "bfd_instance B {\n neighbor_ip 10.0.0.4\n}\n");
	assert_clean(&f);
	json_object *j = conf_dump(f.cfg);
	json_object *vs = jget(j, "virtual_servers.0");
	assert_string_equal(json_object_get_string(jget(vs, "address")), "10.0.0.1");
	assert_int_equal(json_object_get_int(jget(vs, "port")), 80);
	assert_string_equal(json_object_get_string(jget(vs, "lvs_sched")), "rr");
	assert_string_equal(json_object_get_string(jget(vs, "protocol")), "TCP");
	assert_string_equal(json_object_get_string(jget(vs, "lvs_method")), "TUN");
	assert_string_equal(json_object_get_string(jget(vs, "lvs_method_tunnel_type")), "gue");
	assert_int_equal(json_object_get_int(jget(vs, "lvs_method_tunnel_port")), 5555);
	assert_string_equal(json_object_get_string(jget(vs, "lvs_method_tunnel_csum")), "csum");
	assert_string_equal(json_object_get_string(jget(vs, "persistence_granularity")),
			    "255.255.0.0");
	assert_int_equal(json_object_get_int64(jget(vs, "delay_loop_us")), 60000000);
	assert_null(jget(vs, "lb_algo"));
	json_object *ck = jget(vs, "real_servers.0.checkers.0");
	assert_string_equal(json_object_get_string(jget(ck, "type")), "HTTP_GET");
	assert_int_equal(json_object_get_int64(jget(ck, "delay_before_retry_us")), 3000000);
	assert_string_equal(json_object_get_string(jget(ck, "url.0.status_code.1")), "300-302");
	assert_string_equal(json_object_get_string(jget(ck, "connect_ip")), "10.0.0.2");
	assert_int_equal(json_object_get_int(jget(j, "virtual_servers.1.fwmark")), 3);
	assert_null(jget(j, "virtual_servers.1.address"));
	assert_string_equal(json_object_get_string(jget(j, "virtual_server_groups.0.name")), "G");
	assert_string_equal(json_object_get_string(
		jget(j, "virtual_server_groups.0.entries.0.range_end")), "10.0.0.10");
	assert_string_equal(json_object_get_string(
		jget(j, "virtual_server_groups.0.entries.1.ip_family")), "inet");
	assert_string_equal(json_object_get_string(jget(j, "ssl.ca")), "/ca.pem");
	assert_int_equal(json_object_get_int64(jget(j, "bfd_instances.0.min_rx_us")), 10000);
	assert_int_equal(json_object_get_int(jget(j, "bfd_instances.0.ttl")), 255);
	/* DNS_CHECK's own `type` keyword must not hide the checker type. */
	json_object *dns = jget(j, "virtual_servers.1.real_servers.0.checkers.0");
	assert_string_equal(json_object_get_string(jget(dns, "type")), "DNS_CHECK");
	assert_string_equal(json_object_get_string(jget(dns, "dns_type")), "MX");
	json_object_put(j);
	done(&f);
}

/* ---- scale ----------------------------------------------------------------- */

/* 10,000 real servers in one virtual server, one of them repeated at the end:
 * found, and in far less time than a quadratic search would take. */
static void test_many_real_servers(void **state)
{
	(void)state;
	enum { N = 10000 };
	size_t cap = (size_t)N * 64 + 256, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len,
				"virtual_server 10.0.0.1 80 {\n protocol TCP\n");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"real_server 10.%d.%d.%d 80 {\n TCP_CHECK\n}\n",
					1 + i / 65536, (i / 256) % 256, i % 256);
	len += (size_t)snprintf(text + len, cap - len, "real_server 10.1.0.7 80 {\n}\n}\n");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct fx f;
	load(&f, text);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(text);
	assert_int_equal(vs_at(&f, 0)->rs.n, N + 1);
	char want[128];
	snprintf(want, sizeof(want), "t.conf:%d: error: real_server 10.1.0.7 80 is already defined"
		 " at line 24 in this virtual_server; this one is ignored", 3 + 3 * N);
	assert_diag(&f, want);
	assert_int_equal(f.d.errors, 1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 5.0);
	done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_vs_keywords),
		cmocka_unit_test(test_rs_keywords),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_vs_headers),
		cmocka_unit_test(test_vs_header_errors),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_sorry_server_order),
		cmocka_unit_test(test_inheritance),
		cmocka_unit_test(test_type_default_delays),
		cmocka_unit_test(test_http_get),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_misc_smtp_dns),
		cmocka_unit_test(test_checker_errors),
		cmocka_unit_test(test_udp_file_bfd_ping),
		cmocka_unit_test(test_vsg),
		cmocka_unit_test(test_vsg_errors),
		cmocka_unit_test(test_ssl),
		cmocka_unit_test(test_bfd_instance),
		cmocka_unit_test(test_bfd_errors),
		cmocka_unit_test(test_missing_group),
		cmocka_unit_test(test_duplicate_vs),
		cmocka_unit_test(test_duplicate_rs),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_checker_references),
		cmocka_unit_test(test_service_warnings),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_many_real_servers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
