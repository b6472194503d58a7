/* Trackers, notifications, SMTP alerts and sync groups wired into the
 * running engine: see vrrp_tracking.h. */
#include "vrrp/vrrp_tracking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/smtp.h"
#include "vrrp/vrrp_instance.h"
#include "vrrp/vrrp_notify.h"
#include "vrrp/vrrp_trackers.h"

/* Members of one sync group handled at once. */
#define SYNC_MAX 64

/* How long a stop waits for the STOP notify scripts to finish. */
#define STOP_NOTIFY_WAIT_MS 3000
#define STOP_NOTIFY_POLL_MS 20

/* The notify state of one sync group. */
struct group_rt {
	int notify_h;
	enum vrrp_state notified; /* last group state notified, INIT: none */
	int trigger;              /* member index that changed last, -1: none */
};

struct vrrp_tracking {
	struct vrrp_engine *eng;
	struct vrrp_trackers *trackers;
	struct vrrp_trackers *old_trackers; /* during a reload */
	struct vrrp_notify *notify;
	struct smtp_client *smtp;
	struct group_rt *groups;            /* one per model sync group */
	size_t ngroups;
	/* Sync-group rules run from the loop, never from inside an
	 * instance's own event handling (a member must not be re-entered
	 * while its action list is being carried out). */
	uv_timer_t sync_timer;
	bool sync_armed;
	/* Stop: wait (bounded) for the STOP notify scripts. */
	uv_timer_t stop_timer;
	uint64_t stop_deadline_us;
	void (*stop_done)(struct engine_env *env);
	unsigned handles_open;
	bool freed;
};

static void trk_closed(uv_handle_t *h)
{
	struct vrrp_tracking *t = h->data;
	if (--t->handles_open == 0 && t->freed)
		free(t);
}

/* ---- trackers --------------------------------------------------------------- */

static void feed_priority(struct vrrp_inst *v, int prio)
{
	struct vrrp_event ev = { .type = VRRP_EV_PRIORITY_CHANGED };
	ev.prio.priority = (uint8_t)prio;
	vrrp_inst_event(v, &ev);
}

/* Evaluates an instance's set and hands what moved to the instance. */
static void reeval(struct vrrp_inst *v)
{
	struct vrrp_track_change ch = vrrp_track_eval(&v->ts);
	if (ch.prio_changed) {
		log_info_i(v->conf->name, "effective priority %d -> %d (trackers)",
			   ch.old_priority, ch.priority);
		feed_priority(v, ch.priority);
		struct vrrp_tracking *t = v->eng->trk;
		if (t && t->notify)
			vrrp_notify_event(t->notify, v->notify_h,
					  v->fsm.state == VRRP_STATE_MASTER ? NOTIFY_MASTER_PRIORITY
									    : NOTIFY_BACKUP_PRIORITY,
					  ch.priority);
	}
	if (ch.fault_changed) {
		log_info_i(v->conf->name, "trackers %s", ch.fault ? "failing: FAULT" : "recovered");
		v->track_fault = ch.fault;
		vrrp_inst_set_fault(v);
	}
}

static void on_script(void *arg, const struct vrrp_script_report *r)
{
	struct vrrp_engine *eng = arg;
	for (struct vrrp_inst *v = eng->insts; v; v = v->next)
		if (vrrp_track_set_up_by_name(&v->ts, VRRP_TRACK_SCRIPT, r->name, r->up) > 0)
			reeval(v);
}

static void on_file(void *arg, const struct vrrp_file_report *r)
{
	struct vrrp_engine *eng = arg;
	for (struct vrrp_inst *v = eng->insts; v; v = v->next)
		if (vrrp_track_set_value_by_name(&v->ts, r->name, r->value) > 0)
			reeval(v);
}

static void on_process(void *arg, const struct vrrp_process_report *r)
{
	struct vrrp_engine *eng = arg;
	for (struct vrrp_inst *v = eng->insts; v; v = v->next)
		if (vrrp_track_set_up_by_name(&v->ts, VRRP_TRACK_PROCESS, r->name, r->up) > 0)
			reeval(v);
}

static struct vrrp_trackers *trackers_new(struct vrrp_engine *eng)
{
	struct vrrp_trackers_opts o = {
		.loop = eng->loop,
		.model = &eng->cfg->vrrp,
		.global = &eng->cfg->global,
		.on_script = on_script,
		.on_file = on_file,
		.on_process = on_process,
		.arg = eng,
	};
	char err[256];
	struct vrrp_trackers *tr = vrrp_trackers_new(&o, err, sizeof(err));
	if (!tr)
		log_error("trackers: %s: vrrp_script / track_file / track_process not run", err);
	return tr;
}

void vrrp_tracking_run(struct vrrp_engine *eng)
{
	struct vrrp_tracking *t = eng->trk;
	if (t->trackers && vrrp_trackers_start(t->trackers) < 0)
		log_error("trackers: cannot start");
}

static void link_state(struct vrrp_inst *v, int idx, const char *ifname)
{
	struct rtnl_link l;
	bool up = v->eng->rtnl_ok && rtnl_link_get_by_name(&v->eng->rtnl, ifname, &l) == 0 &&
		  rtnl_link_usable(&l);
	vrrp_track_set_up(&v->ts, idx, up);
}

static const struct vrrp_sync_group_conf *group_of(const struct vrrp_engine *eng,
						   const struct vrrp_instance_conf *c, int *gi)
{
	const struct vrrp_model *m = &eng->cfg->vrrp;
	*gi = -1;
	if (!c->sync_group)
		return NULL;
	for (size_t i = 0; i < m->sync_groups.n; i++)
		if (strcmp(m->sync_groups.v[i].name, c->sync_group) == 0) {
			*gi = (int)i;
			return &m->sync_groups.v[i];
		}
	return NULL;
}

/* A fresh set from the config; interfaces read now, everything else at
 * its initial result until the trackers report. */
static void build_set(struct vrrp_inst *v, struct vrrp_track_set *s)
{
	const struct vrrp_model *m = &v->eng->cfg->vrrp;
	vrrp_track_set_init(s, v->conf->priority);
	int gi;
	const struct vrrp_sync_group_conf *g = group_of(v->eng, v->conf, &gi);
	v->group = gi;
	if (vrrp_track_set_from_conf(s, m, v->conf) < 0 ||
	    (g && vrrp_track_set_add_group(s, m, g) < 0))
		log_error_i(v->conf->name, "trackers: out of memory");
}

static void read_interfaces(struct vrrp_inst *v)
{
	for (size_t i = 0; i < v->ts.n; i++)
		if (v->ts.t[i].kind == VRRP_TRACK_INTERFACE)
			link_state(v, (int)i, v->ts.t[i].name);
}

static void notify_register(struct vrrp_inst *v)
{
	struct vrrp_tracking *t = v->eng->trk;
	char err[256];
	v->notify_h = -1;
	if (!t || !t->notify || !vrrp_notify_instance_needed(t->notify, v->conf))
		return;
	v->notify_h = vrrp_notify_add_instance(t->notify, v->conf, err, sizeof(err));
	if (v->notify_h < 0)
		log_error_i(v->conf->name, "notify: %s", err);
}

void vrrp_tracking_inst_init(struct vrrp_inst *v)
{
	build_set(v, &v->ts);
	read_interfaces(v);
	struct vrrp_track_change ch = vrrp_track_eval(&v->ts);
	v->track_fault = ch.fault;
	if (ch.fault)
		log_info_i(v->conf->name, "trackers failing at start: FAULT");
	notify_register(v);
}

void vrrp_tracking_inst_reconf(struct vrrp_inst *v)
{
	struct vrrp_track_set old = v->ts;
	build_set(v, &v->ts);
	/* Results carry over by kind and name: a reload changes no result. */
	for (size_t i = 0; i < v->ts.n; i++) {
		struct vrrp_tracker *n = &v->ts.t[i];
		int j = vrrp_track_find(&old, n->kind, n->name);
		if (j >= 0) {
			n->up = old.t[j].up;
			n->value = old.t[j].value;
		}
	}
	read_interfaces(v);
	v->ts.fault = old.fault;
	v->ts.priority = old.priority;
	vrrp_track_eval(&v->ts);
	v->track_fault = v->ts.fault;
	if (v->group < 0)
		v->group_fault = false; /* no longer in a sync group */
	vrrp_track_set_free(&old);
	notify_register(v);
}

void vrrp_tracking_inst_fini(struct vrrp_inst *v)
{
	vrrp_track_set_free(&v->ts);
}

void vrrp_tracking_resync(struct vrrp_engine *eng)
{
	for (struct vrrp_inst *v = eng->insts; v; v = v->next) {
		read_interfaces(v);
		reeval(v);
	}
}

void vrrp_tracking_link(struct vrrp_engine *eng, const char *ifname, bool usable)
{
	for (struct vrrp_inst *v = eng->insts; v; v = v->next)
		if (vrrp_track_set_up_by_name(&v->ts, VRRP_TRACK_INTERFACE, ifname, usable) > 0)
			reeval(v);
}

/* ---- sync groups ------------------------------------------------------------ */

static size_t members(struct vrrp_engine *eng, int gi, struct vrrp_inst **out, size_t max)
{
	size_t n = 0;
	for (struct vrrp_inst *v = eng->insts; v && n < max; v = v->next)
		if (v->group == gi && v->conf)
			out[n++] = v;
	return n;
}

static void sync_act(struct vrrp_inst *v, enum vrrp_sync_action a,
		     const struct vrrp_inst *trigger)
{
	struct vrrp_event ev = { 0 };
	switch (a) {
	case VRRP_SYNC_TO_FAULT:
		log_info_i(v->conf->name, "sync group %s: a member failed: FAULT", v->conf->sync_group);
		v->group_fault = true;
		vrrp_inst_set_fault(v);
		break;
	case VRRP_SYNC_FAULT_CLEARED:
		v->group_fault = false;
		vrrp_inst_set_fault(v);
		break;
	case VRRP_SYNC_TO_MASTER:
		if (v->fsm.state != VRRP_STATE_BACKUP)
			break;
		/* Follow the group now: the down timer is due as of this
		 * instant, so the state machine takes over exactly as if it
		 * had run out (adverts, VIPs, GARP, notify). */
		log_info_i(v->conf->name, "sync group %s: following to MASTER", v->conf->sync_group);
		v->fsm.master_down_timer_us = clock_mono_us();
		ev.type = VRRP_EV_MASTER_DOWN_TIMER;
		vrrp_inst_event(v, &ev);
		break;
	case VRRP_SYNC_TO_BACKUP:
		if (v->fsm.state != VRRP_STATE_MASTER || !trigger)
			break;
		/* Follow the group down: the trigger heard a better master, so
		 * this member steps down as if that master had advertised here
		 * (priority 255 always wins); its down timer then runs as usual
		 * and the peer group's member, which follows its own group to
		 * MASTER, keeps it BACKUP. */
		log_info_i(v->conf->name, "sync group %s: following to BACKUP", v->conf->sync_group);
		ev.type = VRRP_EV_ADV_RECEIVED;
		ev.adv.priority = VRRP_PRIO_OWNER;
		ev.adv.src = trigger->fsm.master_addr;
		ev.adv.interval_us = v->fsm.master_adver_int_us;
		vrrp_inst_event(v, &ev);
		break;
	default:
		break;
	}
}

bool vrrp_tracking_may_take_over(const struct vrrp_inst *v)
{
	struct vrrp_inst *m[SYNC_MAX];
	size_t n = members(v->eng, v->group, m, SYNC_MAX);
	for (size_t i = 0; i < n; i++) {
		if (m[i] == v || m[i]->fsm.state == VRRP_STATE_MASTER)
			continue;
		if (m[i]->fsm.state != VRRP_STATE_BACKUP || !m[i]->want_master)
			return false;
	}
	return true;
}

/* The group's state for notifications: FAULT if any member is in FAULT,
 * else MASTER / BACKUP when every member agrees, else nothing new. */
static enum vrrp_state group_state(struct vrrp_inst **m, size_t n)
{
	size_t masters = 0, backups = 0;
	for (size_t i = 0; i < n; i++) {
		if (m[i]->fsm.state == VRRP_STATE_FAULT)
			return VRRP_STATE_FAULT;
		masters += m[i]->fsm.state == VRRP_STATE_MASTER;
		backups += m[i]->fsm.state == VRRP_STATE_BACKUP;
	}
	if (n && masters == n)
		return VRRP_STATE_MASTER;
	if (n && backups == n)
		return VRRP_STATE_BACKUP;
	return VRRP_STATE_INIT;
}

static void group_notify(struct vrrp_tracking *t, size_t gi, enum vrrp_state st)
{
	struct group_rt *g = &t->groups[gi];
	const struct vrrp_sync_group_conf *gc = &t->eng->cfg->vrrp.sync_groups.v[gi];
	if (st == VRRP_STATE_INIT || st == g->notified)
		return;
	g->notified = st;
	log_info("sync group %s: %s", gc->name, vrrp_state_str(st));
	if (t->notify && g->notify_h >= 0)
		vrrp_notify_transition(t->notify, g->notify_h, st, 0);
	if (t->smtp && gc->smtp_alert == 1) {
		struct smtp_alert a;
		smtp_alert_vrrp(&a, t->eng->cfg->global.router_id, SMTP_VRRP_GROUP, gc->name,
				vrrp_state_str(st), NULL);
		smtp_send_alert(t->smtp, &a);
	}
}

static void sync_group(struct vrrp_tracking *t, size_t gi)
{
	struct vrrp_inst *m[SYNC_MAX];
	size_t n = members(t->eng, (int)gi, m, SYNC_MAX);
	struct vrrp_sync_member sm[SYNC_MAX];
	enum vrrp_sync_action act[SYNC_MAX];
	int trigger = -1;
	for (size_t i = 0; i < n; i++) {
		sm[i].state = m[i]->fsm.state;
		sm[i].own_fault = m[i]->in_fault || m[i]->track_fault;
		if (m[i]->sync_trigger)
			trigger = (int)i;
		m[i]->sync_trigger = false;
	}
	if (n && vrrp_sync_plan(sm, n, trigger, act))
		for (size_t i = 0; i < n; i++)
			sync_act(m[i], act[i], trigger >= 0 ? m[trigger] : NULL);
	group_notify(t, gi, group_state(m, n));
}

static void on_sync(uv_timer_t *h)
{
	struct vrrp_tracking *t = h->data;
	t->sync_armed = false;
	if (t->eng->stopping)
		return;
	for (size_t gi = 0; gi < t->ngroups; gi++)
		sync_group(t, gi);
}

static void sync_kick(struct vrrp_tracking *t)
{
	if (t->sync_armed || t->eng->stopping)
		return;
	t->sync_armed = true;
	uv_timer_start(&t->sync_timer, on_sync, 0, 0);
}

static void groups_register(struct vrrp_tracking *t)
{
	const struct vrrp_model *m = &t->eng->cfg->vrrp;
	free(t->groups);
	t->ngroups = m->sync_groups.n;
	t->groups = calloc(t->ngroups + 1, sizeof(*t->groups));
	if (!t->groups)
		abort();
	for (size_t i = 0; i < t->ngroups; i++) {
		char err[256];
		t->groups[i].notify_h = -1;
		t->groups[i].trigger = -1;
		if (!t->notify)
			continue;
		t->groups[i].notify_h = vrrp_notify_add_group(t->notify, &m->sync_groups.v[i], err,
							      sizeof(err));
		if (t->groups[i].notify_h < 0)
			log_error("sync group %s: notify: %s", m->sync_groups.v[i].name, err);
	}
}

/* ---- transitions ------------------------------------------------------------ */

static void smtp_result(void *ud, const struct smtp_result *r)
{
	/* smtp.c logs every failure and delivery; counters are in its stats. */
	(void)ud;
	(void)r;
}

void vrrp_tracking_transition(struct vrrp_inst *v, enum vrrp_state from, enum vrrp_state to)
{
	struct vrrp_tracking *t = v->eng->trk;
	(void)from;
	if (!t)
		return;
	/* An instance a reload removes is DELETED for keepalived's notify
	 * (notify_deleted, else a FAULT notification), not STOP. */
	if (t->notify && v->notify_h >= 0 && v->deleted && to == VRRP_STATE_STOP)
		vrrp_notify_event(t->notify, v->notify_h, NOTIFY_DELETED, v->fsm.priority);
	else if (t->notify && v->notify_h >= 0)
		vrrp_notify_transition(t->notify, v->notify_h, to, v->fsm.priority);
	/* A member of a sync group mails as the group (keepalived's rule). */
	if (t->smtp && v->group < 0 && v->conf->smtp_alert == 1 &&
	    (to == VRRP_STATE_MASTER || to == VRRP_STATE_BACKUP || to == VRRP_STATE_FAULT ||
	     to == VRRP_STATE_STOP)) {
		struct smtp_alert a;
		char detail[32];
		snprintf(detail, sizeof(detail), "priority %u", v->fsm.priority);
		smtp_alert_vrrp(&a, t->eng->cfg->global.router_id, SMTP_VRRP_INSTANCE, v->conf->name,
				vrrp_state_str(to), detail);
		smtp_send_alert(t->smtp, &a);
	}
	if (v->group >= 0 && to != VRRP_STATE_STOP) {
		v->sync_trigger = true;
		sync_kick(t);
	}
}

void vrrp_tracking_rx_lower_pri(struct vrrp_inst *v, uint8_t their_priority)
{
	struct vrrp_tracking *t = v->eng->trk;
	log_debug_i(LOGC_VRRP, v->conf->name, "MASTER heard priority %u (ours %u)",
		    their_priority, v->fsm.priority);
	if (t && t->notify && v->notify_h >= 0)
		vrrp_notify_event(t->notify, v->notify_h, NOTIFY_MASTER_RX_LOWER_PRI,
				  v->fsm.priority);
}

/* ---- life cycle --------------------------------------------------------------- */

static void smtp_open(struct vrrp_tracking *t)
{
	const struct global_conf *g = &t->eng->cfg->global;
	struct smtp_opts o;
	char err[256];
	if (smtp_opts_from_global(&o, g) < 0)
		return;
	if (smtp_client_new(t->eng->loop, &o, smtp_result, t, &t->smtp, err, sizeof(err)) < 0) {
		log_error("SMTP alerts disabled: %s", err);
		t->smtp = NULL;
	}
}

void vrrp_tracking_new(struct vrrp_engine *eng)
{
	struct vrrp_tracking *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->eng = eng;
	eng->trk = t;
	uv_timer_init(eng->loop, &t->sync_timer);
	uv_timer_init(eng->loop, &t->stop_timer);
	t->sync_timer.data = t->stop_timer.data = t;
	t->handles_open = 2;
	struct vrrp_notify_opts no = {
		.loop = eng->loop,
		.global = &eng->cfg->global,
		.open_fifos = true,
	};
	char err[256];
	t->notify = vrrp_notify_new(&no, err, sizeof(err));
	if (!t->notify)
		log_error("notifications disabled: %s", err);
	smtp_open(t);
	groups_register(t);
	t->trackers = trackers_new(eng);
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Does the reload leave the SMTP settings as they were? */
static bool smtp_same(const struct global_conf *a, const struct global_conf *b)
{
	if (!str_eq(a->smtp_server, b->smtp_server) || a->smtp_server_port != b->smtp_server_port ||
	    !str_eq(a->smtp_helo_name, b->smtp_helo_name) ||
	    !str_eq(a->notification_email_from, b->notification_email_from) ||
	    a->smtp_connect_timeout_us != b->smtp_connect_timeout_us ||
	    a->notification_email.n != b->notification_email.n)
		return false;
	for (size_t i = 0; i < a->notification_email.n; i++)
		if (!str_eq(a->notification_email.v[i], b->notification_email.v[i]))
			return false;
	return true;
}

void vrrp_tracking_reload_begin(struct vrrp_engine *eng, const struct halo_config *oldcfg)
{
	struct vrrp_tracking *t = eng->trk;
	t->old_trackers = t->trackers;
	t->trackers = NULL;
	/* The notifier stays (its FIFOs must not be re-created under a
	 * reader); targets are registered again against the new config. */
	groups_register(t);
	if (t->smtp && smtp_same(&oldcfg->global, &eng->cfg->global))
		return; /* alerts in flight are kept */
	if (t->smtp) {
		smtp_client_close(t->smtp);
		t->smtp = NULL;
	}
	smtp_open(t);
}

static void seed_scripts(struct vrrp_tracking *t, const struct vrrp_model *oldm)
{
	const struct vrrp_model *m = &t->eng->cfg->vrrp;
	for (size_t i = 0; i < m->scripts.n; i++)
		for (size_t j = 0; oldm && j < oldm->scripts.n; j++)
			if (strcmp(m->scripts.v[i].name, oldm->scripts.v[j].name) == 0)
				vrrp_trackers_seed_script(
					t->trackers, i,
					vrrp_trackers_script_state(t->old_trackers, j));
}

void vrrp_tracking_reload_end(struct vrrp_engine *eng, const struct vrrp_model *oldm)
{
	struct vrrp_tracking *t = eng->trk;
	t->trackers = trackers_new(eng);
	if (t->trackers && t->old_trackers)
		seed_scripts(t, oldm);
	vrrp_trackers_free(t->old_trackers);
	t->old_trackers = NULL;
	vrrp_tracking_run(eng);
	for (size_t gi = 0; gi < t->ngroups; gi++) {
		struct vrrp_inst *m[SYNC_MAX];
		size_t n = members(eng, (int)gi, m, SYNC_MAX);
		/* The group keeps its state over a reload: no notification. */
		t->groups[gi].notified = group_state(m, n);
	}
	/* Membership may have changed: apply the groups' rules once. */
	if (t->ngroups)
		sync_kick(t);
}

static uint64_t notify_pending(const struct vrrp_tracking *t)
{
	struct vrrp_notify_stats st;
	if (!t->notify)
		return 0;
	vrrp_notify_stats(t->notify, &st);
	uint64_t done = st.run + st.dropped;
	return st.queued > done ? st.queued - done : 0;
}

static void finish_stop(struct vrrp_tracking *t)
{
	uv_timer_stop(&t->stop_timer);
	if (t->notify) {
		vrrp_notify_free(t->notify, true);
		t->notify = NULL;
	}
	void (*done)(struct engine_env *) = t->stop_done;
	t->stop_done = NULL;
	if (done)
		done(t->eng->env);
}

static void on_stop_poll(uv_timer_t *h)
{
	struct vrrp_tracking *t = h->data;
	if (notify_pending(t) == 0 || clock_mono_us() >= t->stop_deadline_us)
		finish_stop(t);
}

void vrrp_tracking_stop(struct vrrp_engine *eng, void (*done)(struct engine_env *env))
{
	struct vrrp_tracking *t = eng->trk;
	uv_timer_stop(&t->sync_timer);
	for (size_t gi = 0; gi < t->ngroups; gi++)
		if (t->groups[gi].notified != VRRP_STATE_INIT)
			group_notify(t, gi, VRRP_STATE_STOP);
	vrrp_trackers_free(t->trackers);
	t->trackers = NULL;
	if (t->smtp) {
		/* Alerts still queued are dropped: a stop never waits on mail. */
		smtp_client_close(t->smtp);
		t->smtp = NULL;
	}
	t->stop_done = done;
	t->stop_deadline_us = clock_mono_us() + STOP_NOTIFY_WAIT_MS * 1000ull;
	if (notify_pending(t) == 0) {
		finish_stop(t);
		return;
	}
	uv_timer_start(&t->stop_timer, on_stop_poll, STOP_NOTIFY_POLL_MS, STOP_NOTIFY_POLL_MS);
}

void vrrp_tracking_free(struct vrrp_engine *eng)
{
	struct vrrp_tracking *t = eng->trk;
	if (!t)
		return;
	eng->trk = NULL;
	free(t->groups);
	t->freed = true;
	/* The handles were closed by the stop (or the shell's final walk). */
	uv_handle_t *hs[2] = { (uv_handle_t *)&t->sync_timer, (uv_handle_t *)&t->stop_timer };
	for (int i = 0; i < 2; i++) {
		if (!uv_is_closing(hs[i]))
			uv_close(hs[i], trk_closed);
		else
			t->handles_open--;
	}
	if (t->handles_open == 0)
		free(t);
}

/* ---- status -------------------------------------------------------------------- */

static void add_u64(json_object *o, const char *k, uint64_t n)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)n));
}

static void notify_counts(json_object *o, const struct vrrp_notify_stats *st)
{
	add_u64(o, "transitions", st->transitions);
	add_u64(o, "queued", st->queued);
	add_u64(o, "run", st->run);
	add_u64(o, "failed", st->failed);
	add_u64(o, "dropped", st->dropped);
	add_u64(o, "refused", st->refused);
	add_u64(o, "fifo_lines", st->fifo_lines);
	add_u64(o, "fifo_dropped", st->fifo_dropped);
}

void vrrp_tracking_inst_status(const struct vrrp_inst *v, json_object *o)
{
	json_object *tr = vrrp_track_status_json(&v->ts);
	if (tr) {
		json_object_object_add(tr, "interface_fault", json_object_new_boolean(v->in_fault));
		json_object_object_add(tr, "group_fault", json_object_new_boolean(v->group_fault));
		json_object_object_add(o, "trackers", tr);
	}
	if (v->conf->sync_group)
		json_object_object_add(o, "sync_group", json_object_new_string(v->conf->sync_group));
	/* This instance's notify scripts and FIFO lines (the engine total is
	 * in the subsystem's "notify"). */
	struct vrrp_tracking *t = v->eng->trk;
	struct vrrp_notify_stats st;
	if (t && t->notify && v->notify_h >= 0 &&
	    vrrp_notify_target_stats(t->notify, v->notify_h, &st) == 0) {
		json_object *n = json_object_new_object();
		notify_counts(n, &st);
		json_object_object_add(o, "notify", n);
	}
}


static json_object *scripts_json(const struct vrrp_tracking *t)
{
	const struct vrrp_model *m = &t->eng->cfg->vrrp;
	json_object *a = json_object_new_array();
	for (size_t i = 0; t->trackers && i < m->scripts.n; i++) {
		struct vrrp_script_stats st;
		vrrp_trackers_script_stats(t->trackers, i, &st);
		const struct vrrp_script_state *ss = vrrp_trackers_script_state(t->trackers, i);
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(m->scripts.v[i].name));
		json_object_object_add(o, "result",
				       json_object_new_string(ss && ss->up ? "up" : "down"));
		json_object_object_add(o, "active", json_object_new_boolean(st.active));
		json_object_object_add(o, "disabled", json_object_new_boolean(st.disabled));
		add_u64(o, "runs", st.runs);
		add_u64(o, "failures", st.failures);
		add_u64(o, "timeouts", st.timeouts);
		add_u64(o, "overruns", st.overruns);
		json_object_array_add(a, o);
	}
	return a;
}


static json_object *notify_json(const struct vrrp_tracking *t)
{
	json_object *o = json_object_new_object();
	struct vrrp_notify_stats st = { 0 };
	if (t->notify)
		vrrp_notify_stats(t->notify, &st);
	notify_counts(o, &st);
	const char *ref = t->notify ? vrrp_notify_last_refusal(t->notify) : "";
	json_object_object_add(o, "last_refusal", json_object_new_string(ref));
	return o;
}

static json_object *smtp_json(const struct vrrp_tracking *t)
{
	json_object *o = json_object_new_object();
	struct smtp_stats st = { 0 };
	json_object_object_add(o, "enabled", json_object_new_boolean(t->smtp != NULL));
	if (t->smtp)
		smtp_client_stats(t->smtp, &st);
	add_u64(o, "queued", st.queued);
	add_u64(o, "sent", st.sent);
	add_u64(o, "failed", st.failed);
	add_u64(o, "dropped", st.dropped);
	add_u64(o, "pending", t->smtp ? smtp_client_pending(t->smtp) : 0);
	return o;
}

void vrrp_tracking_status(const struct vrrp_engine *eng, json_object *result)
{
	const struct vrrp_tracking *t = eng->trk;
	if (!t)
		return;
	json_object_object_add(result, "scripts", scripts_json(t));
	json_object_object_add(result, "notify", notify_json(t));
	json_object_object_add(result, "smtp", smtp_json(t));
	/* vrrp_track_process: "events" (kernel process connector), "scan"
	 * (the /proc fallback, e.g. inside a network namespace) or "idle". */
	if (t->trackers)
		json_object_object_add(result, "process_source",
				       json_object_new_string(vrrp_trackers_process_source(t->trackers)));
}
