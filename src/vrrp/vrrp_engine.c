/* The VRRP engine: the one root object of the VRRP child.  It owns the
 * rtnetlink handle (addresses, link events), the GARP/NA sender, the raw
 * sockets and the instances; it implements the shell's hooks (reload as a
 * diff, status, orderly stop). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "vrrp/vrrp_instance.h"
#include "vrrp/vrrp_routes.h"
#include "vrrp/vrrp_tracking.h"
#include "vrrp/vrrp_vmac.h"

static bool runnable(const struct vrrp_instance_conf *c)
{
	return !c->invalid && c->interface && c->vrid > 0 &&
	       (c->family == AF_INET || c->family == AF_INET6);
}

/* Appends to the list; `tail` remembers the end so that building a list
 * of n instances costs n steps, not n²/2. */
static void link_insts(struct vrrp_engine *eng, struct vrrp_inst ***tail, struct vrrp_inst *v)
{
	if (!*tail) {
		*tail = &eng->insts;
		while (**tail)
			*tail = &(**tail)->next;
	}
	v->next = NULL;
	**tail = v;
	*tail = &v->next;
	eng->inst_gen++;
}

/* ---- the protocol timer of every instance ------------------------------ */

void vrrp_engine_schedule(struct vrrp_inst *v, uint64_t deadline_us)
{
	struct vrrp_engine *eng = v->eng;
	if (deadline_us == v->titem.key)
		return;
	if (vrrp_sched_set(&eng->sched, &v->titem, deadline_us) < 0)
		log_error_i(v->conf ? v->conf->name : "?", "cannot schedule its timer: out of memory");
}

void vrrp_engine_schedule_garp(struct vrrp_inst *v, uint64_t deadline_us)
{
	if (deadline_us == v->gitem.key)
		return;
	if (vrrp_sched_set(&v->eng->gsched, &v->gitem, deadline_us) < 0)
		log_error_i(v->conf ? v->conf->name : "?", "cannot schedule its GARPs: out of memory");
}

static struct vrrp_inst *inst_of(struct vrrp_sched_item *it, size_t offset)
{
	return (struct vrrp_inst *)((char *)it - offset);
}

/* The earliest deadline of both heaps, 0 when both are empty. */
static uint64_t first_deadline(const struct vrrp_engine *eng)
{
	const struct vrrp_sched_item *a = vrrp_sched_first(&eng->sched);
	const struct vrrp_sched_item *b = vrrp_sched_first(&eng->gsched);
	if (a && b)
		return a->key < b->key ? a->key : b->key;
	return a ? a->key : b ? b->key : 0;
}

static void arm_tfd(struct vrrp_engine *eng, uint64_t d)
{
	struct itimerspec its = { 0 };
	if (d) {
		its.it_value.tv_sec = (time_t)(d / 1000000u);
		its.it_value.tv_nsec = (long)(d % 1000000u) * 1000;
	}
	if (timerfd_settime(eng->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		log_error("VRRP timer: cannot arm: %s", strerror(errno));
	else
		eng->tfd_armed_us = d;
}

/* Before the loop sleeps: the timerfd must fire no later than the earliest
 * deadline.  Armed earlier than that is fine (the wake-up finds nothing
 * due and re-arms), which is what makes moving a deadline later free. */
static void on_prepare(uv_prepare_t *h)
{
	struct vrrp_engine *eng = h->data;
	uint64_t first = first_deadline(eng);
	if (first && (!eng->tfd_armed_us || first < eng->tfd_armed_us))
		arm_tfd(eng, first);
}

static void on_timer(uv_poll_t *p, int status, int events)
{
	struct vrrp_engine *eng = p->data;
	uint64_t expirations;
	(void)status;
	(void)events;
	if (read(eng->tfd, &expirations, sizeof(expirations)) < 0 && errno == EAGAIN)
		return;
	eng->tfd_armed_us = 0;
	/* Every instance due by now, earliest first.  Each one's deadline
	 * moves on as it is handled; the bound only guards against a
	 * deadline that would not (a state machine bug must not hang the
	 * loop). */
	size_t budget = 2 * eng->sched.n + 16;
	uint64_t now = clock_mono_us();
	struct vrrp_sched_item *it;
	while ((it = vrrp_sched_first(&eng->sched)) && budget--) {
		struct vrrp_inst *v = inst_of(it, offsetof(struct vrrp_inst, titem));
		if (it->key > now && (it->key != v->fsm.adver_timer_us ||
				      it->key > now + vrrp_inst_adver_slack_us(v)))
			break;
		vrrp_inst_timer(v, now);
		if (v->titem.key && v->titem.key <= now) {
			/* Still due after being handled: look again in 1 ms. */
			log_debug(LOGC_VRRP, "VRRP timer: a deadline did not move on");
			vrrp_engine_schedule(v, now + 1000);
		}
		now = clock_mono_us();
	}
	vrrp_sock_flush_all(eng);
	/* Then the announcements: each due one moves on or leaves the heap. */
	budget = 2 * eng->gsched.n + 16;
	while ((it = vrrp_sched_first(&eng->gsched)) && it->key <= now && budget--) {
		struct vrrp_inst *v = inst_of(it, offsetof(struct vrrp_inst, gitem));
		vrrp_garp_timer(v, now);
		if (v->gitem.key && v->gitem.key <= now)
			vrrp_engine_schedule_garp(v, now + 1000);
	}
}

static void timer_open(struct vrrp_engine *eng)
{
	eng->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (eng->tfd < 0) {
		log_error("VRRP timer: %s", strerror(errno));
		return;
	}
	uv_poll_init(eng->loop, &eng->tpoll, eng->tfd);
	eng->tpoll.data = eng;
	uv_poll_start(&eng->tpoll, UV_READABLE, on_timer);
	uv_prepare_init(eng->loop, &eng->tprep);
	eng->tprep.data = eng;
	uv_prepare_start(&eng->tprep, on_prepare);
	/* The prepare handle alone must not keep the loop running. */
	uv_unref((uv_handle_t *)&eng->tprep);
	eng->timer_on = true;
}

static void timer_close(struct vrrp_engine *eng)
{
	if (!eng->timer_on)
		return;
	eng->timer_on = false;
	if (!uv_is_closing((uv_handle_t *)&eng->tpoll))
		uv_close((uv_handle_t *)&eng->tpoll, NULL);
	if (!uv_is_closing((uv_handle_t *)&eng->tprep))
		uv_close((uv_handle_t *)&eng->tprep, NULL);
}

static void start_instances(struct vrrp_engine *eng)
{
	const struct vrrp_model *m = &eng->cfg->vrrp;
	struct vrrp_inst **tail = NULL;
	for (size_t i = 0; i < m->instances.n; i++) {
		const struct vrrp_instance_conf *c = &m->instances.v[i];
		if (!runnable(c)) {
			log_warn_i(c->name, "has configuration errors: not started");
			continue;
		}
		struct vrrp_inst *v = vrrp_inst_new(eng, c);
		link_insts(eng, &tail, v);
		vrrp_inst_start(v);
	}
}

/* ---- link monitoring --------------------------------------------------- */

static void link_event(struct vrrp_engine *eng, const struct rtnl_link *ev, bool deleted)
{
	/* A "down" event may be stale: a macvlan we created (use_vmac) and
	 * then set up reports both states, and the first one is read only
	 * after the instance attached to the link.  Going to FAULT is only
	 * believed when the link is still unusable now (one query per event,
	 * not per instance). */
	struct rtnl_link fresh;
	const struct rtnl_link *l = ev;
	if (!deleted && !rtnl_link_usable(ev) && rtnl_link_get(&eng->rtnl, ev->ifindex, &fresh) == 0)
		l = &fresh;
	for (struct vrrp_inst *v = eng->insts; v; v = v->next) {
		if (v->ifindex && v->ifindex == l->ifindex) {
			if (deleted)
				vrrp_inst_link_gone(v);
			else
				vrrp_inst_link_changed(v, rtnl_link_usable(l));
		} else if (!v->ifindex && !deleted && strcmp(l->name, v->conf->interface) == 0) {
			vrrp_inst_link_appeared(v);
		}
	}
	vrrp_tracking_link(eng, l->name, !deleted && rtnl_link_usable(l));
}

static void addr_event(struct vrrp_engine *eng, const struct rtnl_addr *a)
{
	/* An instance waiting for a source address may now have one. */
	for (struct vrrp_inst *v = eng->insts; v; v = v->next)
		if (vrrp_vmac_base_ifindex(v) == a->ifindex && !addr_is_set(&v->primary))
			vrrp_inst_link_changed(v, v->link_usable);
}

static void on_rtnl_event(const struct rtnl_event *ev, void *arg)
{
	struct vrrp_engine *eng = arg;
	switch (ev->kind) {
	case RTNL_EV_NEWLINK:
		link_event(eng, &ev->link, false);
		break;
	case RTNL_EV_DELLINK:
		link_event(eng, &ev->link, true);
		break;
	case RTNL_EV_NEWADDR:
		addr_event(eng, &ev->addr);
		break;
	case RTNL_EV_DELADDR:
		for (struct vrrp_inst *v = eng->insts; v; v = v->next)
			vrrp_inst_addr_removed(v, &ev->addr);
		break;
	default:
		break;
	}
}

/* After an event overflow, read the state of every interface again. */
static void resync_links(struct vrrp_engine *eng)
{
	for (struct vrrp_inst *v = eng->insts; v; v = v->next) {
		struct rtnl_link l;
		if (!v->ifindex)
			continue;
		bool ok = rtnl_link_get(&eng->rtnl, v->ifindex, &l) == 0;
		vrrp_inst_link_changed(v, ok && rtnl_link_usable(&l));
	}
	vrrp_tracking_resync(eng);
}

static void on_rtnl_readable(uv_poll_t *p, int status, int events)
{
	struct vrrp_engine *eng = p->data;
	(void)events;
	if (status < 0 || eng->stopping)
		return;
	int r = rtnl_events_read(&eng->rtnl, on_rtnl_event, eng);
	if (r == -ENOBUFS)
		resync_links(eng);
}

/* ---- reload ----------------------------------------------------------------- */

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* keepalived matches a running instance to the new file by VRID, family
 * and interface, not by name: renaming one does not flap it.  The
 * interface an instance really runs on is part of that: turning use_vmac
 * on or off, or changing the macvlan's name, MAC or vmac_xmit_base, makes
 * it a new instance (the old one stops, the new one starts). */
static bool same_instance(const struct vrrp_instance_conf *a, const struct vrrp_instance_conf *b)
{
	return a->vrid == b->vrid && a->family == b->family &&
	       strcmp(a->interface, b->interface) == 0 && a->use_vmac == b->use_vmac &&
	       (!a->use_vmac || (same_str(a->vmac_name, b->vmac_name) &&
				 same_str(a->vmac_mac, b->vmac_mac) &&
				 a->use_vmac_addr == b->use_vmac_addr &&
				 a->vmac_xmit_base == b->vmac_xmit_base));
}

static struct vrrp_inst *take_match(struct vrrp_inst **old, const struct vrrp_instance_conf *c)
{
	for (struct vrrp_inst **pp = old; *pp; pp = &(*pp)->next)
		if (same_instance((*pp)->conf, c)) {
			struct vrrp_inst *v = *pp;
			*pp = v->next;
			v->next = NULL;
			return v;
		}
	return NULL;
}

static void vrrp_reload(void *engine, const struct halo_config *newcfg)
{
	struct vrrp_engine *eng = engine;
	struct vrrp_inst *old = eng->insts;
	const struct halo_config *oldcfg = eng->cfg;
	struct vrrp_inst **tail = NULL;
	eng->insts = NULL;
	eng->inst_gen++;
	eng->cfg = newcfg;
	vrrp_tracking_reload_begin(eng, oldcfg);
	const struct vrrp_model *m = &newcfg->vrrp;
	unsigned kept = 0, added = 0, removed = 0;
	for (size_t i = 0; i < m->instances.n; i++) {
		const struct vrrp_instance_conf *c = &m->instances.v[i];
		if (!runnable(c))
			continue;
		struct vrrp_inst *v = take_match(&old, c);
		if (v) {
			vrrp_inst_reconf(v, c);
			link_insts(eng, &tail, v);
			kept++;
			continue;
		}
		v = vrrp_inst_new(eng, c);
		link_insts(eng, &tail, v);
		vrrp_inst_start(v);
		added++;
	}
	while (old) {
		struct vrrp_inst *v = old;
		old = v->next;
		log_info_i(v->conf->name, "removed from the configuration: stopping");
		v->deleted = true;
		vrrp_inst_stop(v);
		removed++;
	}
	vrrp_static_reload(eng, &oldcfg->vrrp, &newcfg->vrrp);
	vrrp_tracking_reload_end(eng, &oldcfg->vrrp);
	log_info("VRRP reload: %u kept, %u added, %u removed", kept, added, removed);
	log_debug(LOGC_VRRP, "configuration adopted");
}

/* ---- hooks ------------------------------------------------------------------ */

static void vrrp_status(void *engine, json_object *result)
{
	vrrp_status_fill(engine, result);
}

static void vrrp_stop(void *engine, void (*done)(struct engine_env *env))
{
	struct vrrp_engine *eng = engine;
	eng->stopping = true;
	/* Masters resign (priority 0, VIPs released unless -V) at once; the
	 * sends are non-blocking, so nothing here waits. */
	while (eng->insts) {
		struct vrrp_inst *v = eng->insts;
		eng->insts = v->next;
		eng->inst_gen++;
		vrrp_inst_stop(v);
	}
	timer_close(eng);
	if (eng->rtnl_poll_on && !uv_is_closing((uv_handle_t *)&eng->rtnl_poll))
		uv_close((uv_handle_t *)&eng->rtnl_poll, NULL);
	eng->rtnl_poll_on = false;
	vrrp_static_apply(eng, &eng->cfg->vrrp, false);
	vrrp_tracking_stop(eng, done);
}

static void vrrp_destroy(void *engine)
{
	struct vrrp_engine *eng = engine;
	vrrp_tracking_free(eng);
	vrrp_sched_free(&eng->sched);
	vrrp_sched_free(&eng->gsched);
	free(eng->rxbuf);
	if (eng->tfd >= 0)
		close(eng->tfd);
	if (eng->rtnl_ok)
		rtnl_close(&eng->rtnl);
	if (eng->garp_ok)
		garp_sender_close(&eng->garp);
	free(eng);
}

const struct engine_ops vrrp_engine_ops = {
	.reload = vrrp_reload,
	.status = vrrp_status,
	.stop = vrrp_stop,
	.dump_data = vrrp_dump_data,
	.dump_stats = vrrp_dump_stats,
	.dump_json = vrrp_dump_json,
	.destroy = vrrp_destroy,
};

/* The hard RLIMIT_RTTIME: a real-time child that runs this long without
 * sleeping is stuck, and the kernel's SIGKILL lets the supervisor restart it. */
#define RTTIME_HARD_US 2000000

/* global_defs vrrp_priority (nice), vrrp_rt_priority (SCHED_RR, bounded by
 * RLIMIT_RTTIME: vrrp_rlimit_rttime, default 10 ms, of CPU without
 * sleeping) and vrrp_no_swap.  A real-time VRRP process keeps its timers
 * precise on a loaded machine.
 *
 * keepalived makes vrrp_rlimit_rttime the hard limit too, so one long
 * loop iteration (1,000 instances taking over at once, or a status reply
 * for them, easily exceeds 10 ms) gets the process killed.  halod makes it
 * the soft limit: passing it sends SIGXCPU, which is ignored, and only
 * RTTIME_HARD_US (or the configured value, if larger) kills. */
static void apply_process_settings(const struct global_conf *g)
{
	if (g->vrrp_priority && setpriority(PRIO_PROCESS, 0, g->vrrp_priority) < 0)
		log_warn("vrrp_priority %d: %s", g->vrrp_priority, strerror(errno));
	if (g->vrrp_rt_priority > 0) {
		rlim_t us = g->vrrp_rlimit_rttime > 0 ? (rlim_t)g->vrrp_rlimit_rttime : 10000;
		struct rlimit rl = { .rlim_cur = us,
				     .rlim_max = us > RTTIME_HARD_US ? us : RTTIME_HARD_US };
		signal(SIGXCPU, SIG_IGN);
		struct sched_param sp = { .sched_priority = g->vrrp_rt_priority };
		if (setrlimit(RLIMIT_RTTIME, &rl) < 0 || sched_setscheduler(0, SCHED_RR, &sp) < 0)
			log_warn("vrrp_rt_priority %d: %s", g->vrrp_rt_priority, strerror(errno));
	}
	if (g->vrrp_no_swap && mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		log_warn("vrrp_no_swap: %s", strerror(errno));
}

struct vrrp_engine *vrrp_engine_new(struct engine_env *env)
{
	struct vrrp_engine *eng = calloc(1, sizeof(*eng));
	if (!eng)
		abort();
	eng->env = env;
	eng->loop = env->loop;
	eng->cfg = env->cfg;
	/* Failover is judged against Master_Down_Interval to the millisecond:
	 * the default 50 µs timer slack is the one delay we can remove. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	timer_open(eng);
	if (rtnl_open(&eng->rtnl, RTNL_GRP_LINK | RTNL_GRP_ADDR4 | RTNL_GRP_ADDR6) < 0) {
		log_error("rtnetlink: %s", rtnl_errmsg(&eng->rtnl));
	} else {
		eng->rtnl_ok = true;
		uv_poll_init(eng->loop, &eng->rtnl_poll, rtnl_events_fd(&eng->rtnl));
		eng->rtnl_poll.data = eng;
		uv_poll_start(&eng->rtnl_poll, UV_READABLE, on_rtnl_readable);
		eng->rtnl_poll_on = true;
	}
	if (garp_sender_open(&eng->garp) < 0)
		log_error("gratuitous ARP / NA: %s", eng->garp.err);
	else
		eng->garp_ok = true;
	vrrp_tracking_new(eng);
	vrrp_static_apply(eng, &eng->cfg->vrrp, true);
	start_instances(eng);
	vrrp_tracking_run(eng);
	/* Real-time scheduling only now: starting thousands of instances
	 * takes longer than vrrp_rlimit_rttime allows a real-time process to
	 * run without sleeping, and the kernel would kill the child for it. */
	apply_process_settings(&env->cfg->global);
	return eng;
}
