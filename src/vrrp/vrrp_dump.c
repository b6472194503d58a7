/* keepalived's signal dumps for the VRRP child, at keepalived's own paths
 * and in keepalived's own layout, so exporters and scripts written for it
 * (they signal the daemon, then parse a fixed file) keep working:
 *   SIGUSR1      /tmp/keepalived.data   state ("------< VRRP Topology >------",
 *                                       " VRRP Instance = NAME", "   Key = value")
 *   SIGUSR2      /tmp/keepalived.stats  counters, exactly keepalived's sections
 *                                       and key names; STATS_CLEAR then zeroes them
 *   JSON signal  /tmp/keepalived.json   keepalived's array of {"data", "stats"}
 *                                       per instance, plus "halo": the control
 *                                       socket's status object for the instance
 * Counters keepalived does not have stay out of .stats (exporters parse it
 * strictly by indentation); they are in the JSON's "halo" and in `status`.
 * Unlike keepalived, the JSON never carries the v2 password.
 * The files are created 0600 as keepalived's umask makes them, opened with
 * O_NOFOLLOW so a planted symlink in /tmp cannot redirect a root write, and
 * refused when someone else owns them (a planted file would leak the dump). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "vrrp/vrrp_instance.h"

#define DUMP_DATA "/tmp/keepalived.data"
#define DUMP_STATS "/tmp/keepalived.stats"
#define DUMP_JSON "/tmp/keepalived.json"

typedef unsigned long long ull;

static void close_dump(FILE *f, const char *path)
{
	if (fclose(f) != 0)
		log_error("cannot write %s: %s", path, strerror(errno));
	else
		log_info("wrote %s", path);
}

static FILE *open_dump(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_uid != geteuid())) {
		log_error("cannot write %s: owned by uid %u, not us", path, (unsigned)st.st_uid);
		close(fd);
		return NULL;
	}
	FILE *f = fd < 0 || ftruncate(fd, 0) < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		log_error("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

static const char *auth_name(int t)
{
	return t == VRRP_AUTH_PASS ? "SIMPLE_PASSWORD" : t == VRRP_AUTH_AH ? "IPSEC_AH" : "NONE";
}

/* keepalived prints whole-second intervals as "N sec", others in ms. */
static void print_interval(FILE *f, uint64_t us)
{
	if (us % 1000000 == 0)
		fprintf(f, "   Advert interval = %llu sec\n", (ull)(us / 1000000));
	else
		fprintf(f, "   Advert interval = %llu milli-sec\n", (ull)(us / 1000));
}

static const char *scope_name(int scope, char *buf, size_t len)
{
	switch (scope) {
	case 0: return "global";
	case 200: return "site";
	case 253: return "link";
	case 254: return "host";
	case 255: return "nowhere";
	}
	snprintf(buf, len, "%d", scope);
	return buf;
}

/* keepalived's one-line VIP form, in .data and in the JSON:
 * "10.0.0.1/24 dev eth0 scope global set" ("set": currently added). */
static void vip_line(const struct vip_conf *vip, const char *ifname, bool set, char *out,
		     size_t len)
{
	char a[HALO_ADDRSTRLEN], sc[8];
	snprintf(out, len, "%s dev %s scope %s%s", prefix_format(&vip->prefix, a, sizeof(a)),
		 vip->dev ? vip->dev : ifname, scope_name(vip->scope, sc, sizeof(sc)),
		 set ? " set" : "");
}

static void print_vips(FILE *f, const char *title, const vip_vec *vv, const char *ifname,
		       bool set)
{
	char line[HALO_ADDRSTRLEN + 64];
	if (!vv->n)
		return;
	fprintf(f, "   %s (%zu):\n", title, vv->n);
	for (size_t i = 0; i < vv->n; i++) {
		vip_line(&vv->v[i], ifname, set, line, sizeof(line));
		fprintf(f, "     %s\n", line);
	}
}

static void print_destination(FILE *f, const struct vrrp_instance_conf *c)
{
	char buf[HALO_ADDRSTRLEN];
	if (c->unicast_peers.n) {
		fprintf(f, "   Unicast Peer(s) (%zu):\n", c->unicast_peers.n);
		for (size_t i = 0; i < c->unicast_peers.n; i++)
			fprintf(f, "     %s\n", addr_format(&c->unicast_peers.v[i].addr, buf,
						       sizeof(buf)));
	} else if (addr_is_set(&c->mcast_dst_ip)) {
		fprintf(f, "   Multicast address %s\n", addr_format(&c->mcast_dst_ip, buf,
								   sizeof(buf)));
	} else {
		fprintf(f, "   Multicast address %s\n",
			c->family == AF_INET6 ? "ff02::12" : "224.0.0.18");
	}
}

static void dump_instance(FILE *f, const struct vrrp_inst *v)
{
	const struct vrrp_instance_conf *c = v->conf;
	char a[HALO_ADDRSTRLEN], m[HALO_ADDRSTRLEN];
	fprintf(f, " VRRP Instance = %s\n   VRRP Version = %d\n   State = %s\n", c->name,
		c->version, vrrp_state_str(v->fsm.state));
	if (v->last_wall)
		fprintf(f, "   Last transition = %lld (%.24s)\n", (long long)v->last_wall,
			ctime(&v->last_wall));
	fprintf(f, "   Interface = %s\n   Using src_ip = %s\n", c->interface,
		addr_format(&v->primary, a, sizeof(a)));
	print_destination(f, c);
	fprintf(f, "   Virtual Router ID = %d\n   Priority = %d\n   Effective priority = %u\n"
		"   Master router = %s\n   Master priority = %u\n",
		c->vrid, c->priority, v->fsm.priority,
		addr_format(&v->fsm.master_addr, m, sizeof(m)), v->fsm.master_priority);
	print_interval(f, c->advert_int_us);
	fprintf(f, "   Accept = %s\n   Preempt = %s\n", c->accept == 0 ? "disabled" : "enabled",
		c->nopreempt ? "disabled" : "enabled");
	if (c->version == 2)
		fprintf(f, "   Authentication type = %s\n", auth_name(c->auth_type));
	print_vips(f, "Virtual IP", &c->vips, c->interface, v->vips_added);
	print_vips(f, "Virtual IP Excluded", &c->evips, c->interface, v->vips_added);
}

void vrrp_dump_data(void *engine)
{
	struct vrrp_engine *eng = engine;
	FILE *f = open_dump(DUMP_DATA);
	if (!f)
		return;
	fputs("------< Global definitions >------\n", f);
	/* keepalived's router_id defaults to the host name. */
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) < 0)
		snprintf(host, sizeof(host), "(unknown)");
	fprintf(f, " Router ID = %s\n", eng->cfg && eng->cfg->global.router_id ?
		eng->cfg->global.router_id : host);
	fputs("------< VRRP Topology >------\n", f);
	for (const struct vrrp_inst *v = eng->insts; v; v = v->next)
		dump_instance(f, v);
	close_dump(f, DUMP_DATA);
}

/* keepalived's stats sections, from halo's finer drop reasons. */
static void dump_counters(FILE *f, const struct vrrp_inst *v)
{
	const struct vrrp_fsm_counters *k = &v->fsm.counters;
	const uint64_t *d = v->rx.drops;
	fprintf(f, "VRRP Instance: %s\n  Advertisements:\n    Received: %llu\n    Sent: %llu\n"
		"  Became master: %llu\n  Released master: %llu\n",
		v->conf->name, (ull)v->rx.accepted, (ull)k->adverts_sent, (ull)k->became_master,
		(ull)k->released_master);
	fprintf(f, "  Packet Errors:\n    Length: %llu\n    TTL: %llu\n    Invalid Type: %llu\n"
		"    Advertisement Interval: %llu\n    Address List: %llu\n",
		(ull)(d[VRRP_DROP_TOO_SHORT] + d[VRRP_DROP_LENGTH] + d[VRRP_DROP_IP_LENGTH] +
		      d[VRRP_DROP_COUNT_ZERO]),
		(ull)d[VRRP_DROP_TTL], (ull)d[VRRP_DROP_TYPE],
		(ull)(d[VRRP_DROP_INTERVAL] + d[VRRP_DROP_INTERVAL_ZERO]),
		(ull)d[VRRP_DROP_ADDR_LIST]);
	/* halo does not tell an unknown auth type from a mismatched known
	 * one: both are "Type Mismatch"; a wrong password is "Failure". */
	fprintf(f, "  Authentication Errors:\n    Invalid Type: 0\n    Type Mismatch: %llu\n"
		"    Failure: %llu\n  Priority Zero:\n    Received: %llu\n    Sent: %llu\n",
		(ull)d[VRRP_DROP_AUTH_TYPE], (ull)d[VRRP_DROP_AUTH_PASS],
		(ull)k->prio0_received, (ull)k->prio0_sent);
}

void vrrp_dump_stats(void *engine, bool clear)
{
	struct vrrp_engine *eng = engine;
	FILE *f = open_dump(DUMP_STATS);
	if (!f)
		return;
	for (struct vrrp_inst *v = eng->insts; v; v = v->next) {
		dump_counters(f, v);
		if (clear) {
			memset(&v->fsm.counters, 0, sizeof(v->fsm.counters));
			memset(&v->rx, 0, sizeof(v->rx));
			v->garp_sent = v->na_sent = v->send_errors = 0;
		}
	}
	close_dump(f, DUMP_STATS);
}

/* ---- JSON: keepalived's layout --------------------------------------- */

static void jint(json_object *o, const char *k, int64_t n)
{
	json_object_object_add(o, k, json_object_new_int64(n));
}

static void jbool(json_object *o, const char *k, bool b)
{
	json_object_object_add(o, k, json_object_new_boolean(b));
}

static void jdbl(json_object *o, const char *k, double d)
{
	json_object_object_add(o, k, json_object_new_double(d));
}

static void jstring(json_object *o, const char *k, const char *s)
{
	json_object_object_add(o, k, json_object_new_string(s ? s : ""));
}

/* keepalived's numeric states: STOP is 98 there. */
static int ka_state(enum vrrp_state s)
{
	return s == VRRP_STATE_STOP ? 98 : (int)s;
}

static double secs(uint64_t us)
{
	return us == HALO_UNSET_US ? 0.0 : (double)us / 1e6;
}

static json_object *ka_vips(const vip_vec *vv, const char *ifname, bool set)
{
	json_object *a = json_object_new_array();
	char line[HALO_ADDRSTRLEN + 64];
	for (size_t i = 0; i < vv->n; i++) {
		vip_line(&vv->v[i], ifname, set, line, sizeof(line));
		json_object_array_add(a, json_object_new_string(line));
	}
	return a;
}

static void ka_data_timing(json_object *d, const struct vrrp_instance_conf *c)
{
	jint(d, "garp_delay", (int64_t)secs(c->garp_master_delay_us));
	jint(d, "garp_refresh", (int64_t)secs(c->garp_master_refresh_us));
	jint(d, "garp_rep", c->garp_master_repeat);
	jint(d, "garp_refresh_rep", c->garp_master_refresh_repeat);
	jint(d, "garp_lower_prio_delay", (int64_t)secs(c->garp_lower_prio_delay_us));
	jint(d, "garp_lower_prio_rep", c->garp_lower_prio_repeat);
	jint(d, "lower_prio_no_advert", c->lower_prio_no_advert == 1);
	jint(d, "higher_prio_send_advert", c->higher_prio_send_advert == 1);
}

static json_object *ka_data(const struct vrrp_inst *v)
{
	const struct vrrp_instance_conf *c = v->conf;
	json_object *d = json_object_new_object();
	jstring(d, "iname", c->name);
	jint(d, "dont_track_primary", c->dont_track_primary);
	jint(d, "skip_check_adv_addr", c->skip_check_adv_addr == 1);
	jint(d, "strict_mode", c->strict_mode == 1);
	jstring(d, "vmac_ifname", c->use_vmac && c->vmac_name ? c->vmac_name : "");
	jstring(d, "ifp_ifname", c->interface);
	jint(d, "master_priority", v->fsm.master_priority);
	jdbl(d, "last_transition", (double)v->last_wall);
	ka_data_timing(d, c);
	jint(d, "vrid", c->vrid);
	jint(d, "base_priority", c->priority);
	jint(d, "effective_priority", v->fsm.priority);
	jbool(d, "vipset", v->vips_added);
	jbool(d, "promote_secondaries", c->promote_secondaries);
	jdbl(d, "adver_int", secs(c->advert_int_us));
	jdbl(d, "master_adver_int", secs(v->fsm.master_adver_int_us));
	jint(d, "accept", c->accept != 0);
	jbool(d, "nopreempt", c->nopreempt);
	jint(d, "preempt_delay", (int64_t)secs(c->preempt_delay_us));
	jint(d, "state", ka_state(v->fsm.state));
	jint(d, "wantstate", ka_state(v->fsm.state));
	jint(d, "version", c->version);
	jbool(d, "smtp_alert", c->smtp_alert == 1);
	jbool(d, "notify_deleted", c->notify_deleted_given);
	json_object_object_add(d, "vips", ka_vips(&c->vips, c->interface, v->vips_added));
	if (c->evips.n)
		json_object_object_add(d, "evips", ka_vips(&c->evips, c->interface,
							   v->vips_added));
	if (c->version == 2)
		jint(d, "auth_type", c->auth_type);
	return d;
}

static json_object *ka_stats(const struct vrrp_inst *v)
{
	const struct vrrp_fsm_counters *k = &v->fsm.counters;
	const uint64_t *d = v->rx.drops;
	json_object *s = json_object_new_object();
	jint(s, "advert_rcvd", (int64_t)v->rx.accepted);
	jint(s, "advert_sent", (int64_t)k->adverts_sent);
	jint(s, "become_master", (int64_t)k->became_master);
	jint(s, "release_master", (int64_t)k->released_master);
	jint(s, "packet_len_err", (int64_t)(d[VRRP_DROP_TOO_SHORT] + d[VRRP_DROP_LENGTH] +
					    d[VRRP_DROP_IP_LENGTH] + d[VRRP_DROP_COUNT_ZERO]));
	jint(s, "advert_interval_err",
	     (int64_t)(d[VRRP_DROP_INTERVAL] + d[VRRP_DROP_INTERVAL_ZERO]));
	jint(s, "ip_ttl_err", (int64_t)d[VRRP_DROP_TTL]);
	jint(s, "invalid_type_rcvd", (int64_t)d[VRRP_DROP_TYPE]);
	jint(s, "addr_list_err", (int64_t)d[VRRP_DROP_ADDR_LIST]);
	jint(s, "invalid_authtype", 0);
	jint(s, "authtype_mismatch", (int64_t)d[VRRP_DROP_AUTH_TYPE]);
	jint(s, "auth_failure", (int64_t)d[VRRP_DROP_AUTH_PASS]);
	jint(s, "pri_zero_rcvd", (int64_t)k->prio0_received);
	jint(s, "pri_zero_sent", (int64_t)k->prio0_sent);
	return s;
}

void vrrp_dump_json(void *engine)
{
	struct vrrp_engine *eng = engine;
	FILE *f = open_dump(DUMP_JSON);
	if (!f)
		return;
	/* halo's own status objects come in the same order as eng->insts. */
	json_object *status = json_object_new_object();
	vrrp_status_fill(eng, status);
	json_object *halo = NULL;
	json_object_object_get_ex(status, "instances", &halo);
	json_object *arr = json_object_new_array();
	size_t i = 0;
	for (const struct vrrp_inst *v = eng->insts; v; v = v->next, i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "data", ka_data(v));
		json_object_object_add(o, "stats", ka_stats(v));
		json_object *h = halo ? json_object_array_get_idx(halo, i) : NULL;
		if (h)
			json_object_object_add(o, "halo", json_object_get(h));
		json_object_array_add(arr, o);
	}
	fputs(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY), f);
	fputc('\n', f);
	json_object_put(arr);
	json_object_put(status);
	close_dump(f, DUMP_JSON);
}
