/* The VRRP child's part of `status`: one object per instance (state,
 * priorities, master, intervals, VIPs held, last transition, counters with
 * every drop reason) and per socket (drops before an instance was found). */
#include <arpa/inet.h>
#include <string.h>

#include "core/clock.h"
#include "vrrp/vrrp_instance.h"
#include "vrrp/vrrp_tracking.h"

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static json_object *jaddr(const struct halo_addr *a)
{
	char buf[HALO_ADDRSTRLEN];
	if (!addr_is_set(a))
		return NULL;
	return json_object_new_string(addr_format(a, buf, sizeof(buf)));
}

json_object *vrrp_rx_drops_json(const struct vrrp_rx_counters *c)
{
	json_object *d = json_object_new_object();
	for (int r = VRRP_DROP_NONE + 1; r < VRRP_DROP__COUNT; r++)
		if (c->drops[r])
			json_object_object_add(d, vrrp_drop_reason_str(r),
					       json_object_new_int64((int64_t)c->drops[r]));
	return d;
}

static void add_u64(json_object *o, const char *k, uint64_t n)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)n));
}

static json_object *counters(const struct vrrp_inst *v)
{
	const struct vrrp_fsm_counters *f = &v->fsm.counters;
	json_object *o = json_object_new_object();
	add_u64(o, "adverts_sent", f->adverts_sent);
	add_u64(o, "adverts_received", v->rx.accepted);
	add_u64(o, "transitions", f->transitions);
	add_u64(o, "became_master", f->became_master);
	add_u64(o, "released_master", f->released_master);
	add_u64(o, "prio0_sent", f->prio0_sent);
	add_u64(o, "prio0_received", f->prio0_received);
	add_u64(o, "lower_prio_discarded", f->lower_prio_discarded);
	add_u64(o, "readverts", f->readverts);
	add_u64(o, "garp_sent", v->garp_sent);
	add_u64(o, "na_sent", v->na_sent);
	add_u64(o, "send_errors", v->send_errors);
	add_u64(o, "csum_pseudo", v->rx.csum_pseudo);
	add_u64(o, "csum_msg", v->rx.csum_msg);
	add_u64(o, "stale_timers", f->stale_timers);
	add_u64(o, "ignored_events", f->ignored_events);
	json_object *drops = vrrp_rx_drops_json(&v->rx);
	if (v->unicast_src_drops)
		add_u64(drops, "unicast_src", v->unicast_src_drops);
	json_object_object_add(o, "drops", drops);
	return o;
}

static json_object *vips(const struct vrrp_inst *v)
{
	json_object *a = json_object_new_array();
	char buf[HALO_ADDRSTRLEN];
	if (!v->vips_added)
		return a;
	for (size_t i = 0; i < v->conf->vips.n; i++)
		json_object_array_add(a, jstr(prefix_format(&v->conf->vips.v[i].prefix, buf,
							    sizeof(buf))));
	for (size_t i = 0; i < v->conf->evips.n; i++)
		json_object_array_add(a, jstr(prefix_format(&v->conf->evips.v[i].prefix, buf,
							    sizeof(buf))));
	return a;
}

static json_object *transition(const struct vrrp_inst *v)
{
	json_object *o = json_object_new_object();
	char buf[32];
	if (!v->last_wall)
		return o;
	json_object_object_add(o, "time", jstr(clock_iso8601(v->last_wall, buf, sizeof(buf))));
	json_object_object_add(o, "reason", jstr(vrrp_reason_str(v->last_reason)));
	json_object_object_add(o, "from", jstr(vrrp_state_str(v->last_from)));
	json_object_object_add(o, "to", jstr(vrrp_state_str(v->last_to)));
	return o;
}

static json_object *timer(const struct vrrp_inst *v)
{
	json_object *o = json_object_new_object();
	add_u64(o, "fires", v->tstats.fires);
	add_u64(o, "late_avg_us", v->tstats.fires ? v->tstats.late_sum_us / v->tstats.fires : 0);
	add_u64(o, "late_max_us", v->tstats.late_max_us);
	return o;
}

static json_object *instance(const struct vrrp_inst *v)
{
	const struct vrrp_instance_conf *c = v->conf;
	const struct vrrp_fsm *f = &v->fsm;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", jstr(c->name));
	json_object_object_add(o, "interface", jstr(c->interface));
	add_u64(o, "vrid", (uint64_t)c->vrid);
	json_object_object_add(o, "family", jstr(c->family == AF_INET6 ? "inet6" : "inet"));
	add_u64(o, "version", (uint64_t)c->version);
	json_object_object_add(o, "state", jstr(vrrp_state_str(f->state)));
	add_u64(o, "base_priority", (uint64_t)c->priority);
	add_u64(o, "effective_priority", f->priority);
	json_object_object_add(o, "source_address", jaddr(&v->primary));
	json_object_object_add(o, "master_address", jaddr(&f->master_addr));
	add_u64(o, "master_priority", f->master_priority);
	add_u64(o, "advert_int_us", f->cfg.adver_int_us);
	add_u64(o, "master_adver_int_us", f->master_adver_int_us);
	add_u64(o, "master_down_interval_us", vrrp_fsm_master_down_interval_us(f));
	json_object_object_add(o, "vips", vips(v));
	json_object_object_add(o, "last_transition", transition(v));
	json_object_object_add(o, "counters", counters(v));
	json_object_object_add(o, "timer", timer(v));
	vrrp_tracking_inst_status(v, o);
	return o;
}

static json_object *socket_obj(const struct vrrp_sock *s)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "interface", jstr(s->ifname));
	json_object_object_add(o, "family", jstr(s->family == AF_INET6 ? "inet6" : "inet"));
	add_u64(o, "recv_errors", s->recv_errors);
	json_object_object_add(o, "drops", vrrp_rx_drops_json(&s->rx));
	return o;
}

void vrrp_status_fill(struct vrrp_engine *eng, json_object *result)
{
	json_object *arr = json_object_new_array();
	for (const struct vrrp_inst *v = eng->insts; v; v = v->next)
		json_object_array_add(arr, instance(v));
	json_object_object_add(result, "instances", arr);
	json_object *socks = json_object_new_array();
	for (const struct vrrp_sock *s = eng->socks; s; s = s->next)
		json_object_array_add(socks, socket_obj(s));
	json_object_object_add(result, "sockets", socks);
	vrrp_tracking_status(eng, result);
}
