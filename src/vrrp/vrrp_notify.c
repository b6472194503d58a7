/* VRRP notifications: see vrrp_notify.h. */
#include "vrrp/vrrp_notify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/proc_queue.h"
#include "core/scriptsec.h"

/* The scripts of a target, by slot. */
enum nslot {
	NS_MASTER, NS_BACKUP, NS_FAULT, NS_STOP, NS_DELETED, NS_RX_LOWER, NS_NOTIFY, NS__COUNT
};

static const char *const slot_kw[NS__COUNT] = {
	"notify_master", "notify_backup", "notify_fault", "notify_stop", "notify_deleted",
	"notify_master_rx_lower_pri", "notify",
};

struct nscript {
	char **argv;   /* NULL: not configured */
	int argc;
	struct proc_cred cred;
	bool refused;  /* insecure under enable_script_security */
};

struct target {
	struct vrrp_notify *owner;
	struct vrrp_notify_stats st; /* this instance's or group's share of n->st */
	bool group;
	const char *name;
	bool deleted_given;  /* notify_deleted: send DELETED rather than FAULT */
	bool prio_changes;   /* notify_priority_changes: FIFO lines for priority moves */
	struct nscript s[NS__COUNT];
	struct proc_queue *q;
};

struct vrrp_notify {
	struct vrrp_notify_opts o;
	struct target **t;
	size_t n, cap;
	struct notify_fifo fifo_global, fifo_vrrp;
	struct vrrp_notify_stats st;
	char refusal[2 * PATH_MAX + 400];
	size_t outstanding; /* pushed jobs whose callback has not come yet */
	bool closing;
};

static void destroy(struct vrrp_notify *n)
{
	for (size_t i = 0; i < n->n; i++) {
		for (int k = 0; k < NS__COUNT; k++)
			free(n->t[i]->s[k].argv);
		free(n->t[i]);
	}
	free(n->t);
	free(n);
}

/* ---- setup ------------------------------------------------------------------- */

static int open_fifo(struct notify_fifo *f, const struct fifo_conf *c, char *err, size_t errlen)
{
	if (!c || !c->path)
		return 0;
	struct proc_cred cred = { 0 };
	if (c->user && proc_cred_resolve(c->user, c->group, &cred, err, errlen) < 0)
		return -1;
	return notify_fifo_open(f, c->path, cred.set ? cred.uid : (uid_t)-1,
				cred.set ? cred.gid : (gid_t)-1, err, errlen);
}

struct vrrp_notify *vrrp_notify_new(const struct vrrp_notify_opts *o, char *err, size_t errlen)
{
	struct vrrp_notify *n = calloc(1, sizeof(*n));
	if (!n)
		return snprintf(err, errlen, "out of memory"), NULL;
	n->o = *o;
	if (!n->o.timeout_us)
		n->o.timeout_us = VRRP_NOTIFY_DEFAULT_TIMEOUT_US;
	notify_fifo_init(&n->fifo_global);
	notify_fifo_init(&n->fifo_vrrp);
	if (o->open_fifos && o->global &&
	    (open_fifo(&n->fifo_global, &o->global->notify_fifo, err, errlen) < 0 ||
	     open_fifo(&n->fifo_vrrp, &o->global->vrrp_notify_fifo, err, errlen) < 0)) {
		notify_fifo_close(&n->fifo_global, true);
		free(n);
		return NULL;
	}
	return n;
}

/* Parses one script keyword, resolves its user and applies security. */
static int script_setup(struct vrrp_notify *n, struct target *t, enum nslot k,
			const struct script_conf *c, char *err, size_t errlen)
{
	struct nscript *s = &t->s[k];
	if (!c->cmd)
		return 0;
	s->argc = proc_argv_parse(c->cmd, &s->argv);
	if (s->argc < 0) {
		s->argv = NULL;
		if (errno == ENOMEM)
			return snprintf(err, errlen, "out of memory"), -1;
		return 0; /* an empty command: nothing to run */
	}
	const struct global_conf *g = n->o.global;
	char e2[200];
	int rc = c->user ? proc_cred_resolve(c->user, c->group, &s->cred, e2, sizeof(e2))
			 : proc_cred_default(g ? g->script_user : NULL, g ? g->script_group : NULL,
					     &s->cred, e2, sizeof(e2));
	if (rc < 0) {
		snprintf(err, errlen, "(%s) %s: %s", t->name, slot_kw[k], e2);
		return -1;
	}
	if (!g || !g->enable_script_security)
		return 0;
	struct scriptsec_result *r = malloc(sizeof(*r));
	if (!r)
		return snprintf(err, errlen, "out of memory"), -1;
	uid_t uid = s->cred.set ? s->cred.uid : geteuid();
	gid_t gid = s->cred.set ? s->cred.gid : getegid();
	if (scriptsec_check(s->argv[0], uid, gid, NULL, r) == SCRIPTSEC_INSECURE) {
		s->refused = true;
		snprintf(n->refusal, sizeof(n->refusal),
			 "(%s) %s refused by enable_script_security: %s", t->name, slot_kw[k],
			 r->msg);
		log_error("%s", n->refusal);
	}
	free(r);
	return 0;
}

static int add_target(struct vrrp_notify *n, bool group, const char *name,
		      const struct script_conf *const sc[NS__COUNT], bool deleted_given,
		      int prio_changes, char *err, size_t errlen)
{
	if (n->n == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 8;
		struct target **nt = realloc(n->t, cap * sizeof(*nt));
		if (!nt)
			return snprintf(err, errlen, "out of memory"), -1;
		n->t = nt;
		n->cap = cap;
	}
	struct target *t = calloc(1, sizeof(*t));
	if (!t)
		return snprintf(err, errlen, "out of memory"), -1;
	t->owner = n;
	t->group = group;
	t->name = name;
	t->deleted_given = deleted_given || (sc[NS_DELETED] && sc[NS_DELETED]->cmd);
	/* An instance's tri-state falls back to the global setting. */
	t->prio_changes = prio_changes == TRI_UNSET
				  ? n->o.global && n->o.global->vrrp_notify_priority_changes
				  : prio_changes != 0;
	n->t[n->n] = t; /* owned from here: destroy() frees it */
	int h = (int)n->n++;
	bool scripts = false;
	for (int k = 0; k < NS__COUNT; k++) {
		if (sc[k] && script_setup(n, t, (enum nslot)k, sc[k], err, errlen) < 0)
			return -1;
		scripts = scripts || t->s[k].argv;
	}
	/* Only a target with a script runs anything: without one (FIFO lines
	 * only, or nothing), no queue, which is 120 bytes per instance. */
	if (!scripts)
		return h;
	t->q = proc_queue_new(n->o.loop, n->o.max_pending);
	if (!t->q)
		return snprintf(err, errlen, "out of memory"), -1;
	return h;
}

/* An instance's scripts in the order of enum notify_script; an instance
 * without any gets empty ones. */
static void instance_scripts(const struct vrrp_instance_conf *ic,
			     const struct script_conf *sc[NS__COUNT])
{
	const struct vrrp_inst_scripts *s = vrrp_inst_scripts_of(ic);
	const struct script_conf *v[NS__COUNT] = {
		&s->notify_master, &s->notify_backup, &s->notify_fault, &s->notify_stop,
		&s->notify_deleted, &s->notify_master_rx_lower_pri, &s->notify,
	};
	memcpy(sc, v, sizeof(v));
}

bool vrrp_notify_instance_needed(const struct vrrp_notify *n, const struct vrrp_instance_conf *ic)
{
	const struct script_conf *sc[NS__COUNT];
	if (n->fifo_global.fd >= 0 || n->fifo_vrrp.fd >= 0)
		return true;
	instance_scripts(ic, sc);
	for (size_t i = 0; i < NS__COUNT; i++)
		if (sc[i]->cmd)
			return true;
	return false;
}

int vrrp_notify_add_instance(struct vrrp_notify *n, const struct vrrp_instance_conf *ic,
			     char *err, size_t errlen)
{
	const struct script_conf *sc[NS__COUNT];
	instance_scripts(ic, sc);
	return add_target(n, false, ic->name, sc, ic->notify_deleted_given,
			  ic->notify_priority_changes, err, errlen);
}

int vrrp_notify_add_group(struct vrrp_notify *n, const struct vrrp_sync_group_conf *g,
			  char *err, size_t errlen)
{
	const struct script_conf *sc[NS__COUNT] = {
		&g->notify_master, &g->notify_backup, &g->notify_fault, &g->notify_stop,
		&g->notify_deleted, NULL, &g->notify,
	};
	return add_target(n, true, g->name, sc, false, g->notify_priority_changes, err,
			  errlen);
}

/* ---- running ------------------------------------------------------------------ */

/* Counts in the engine-wide and the target's statistics at once. */
#define COUNT(n, t, field)                  \
	do {                                \
		(n)->st.field++;            \
		(t)->st.field++;            \
	} while (0)

static void job_done(const struct proc_result *r, void *arg)
{
	struct target *t = arg;
	struct vrrp_notify *n = t->owner;
	if (r->outcome == PROC_DROPPED || r->outcome == PROC_CANCELLED) {
		COUNT(n, t, dropped);
	} else {
		COUNT(n, t, run);
		if (r->outcome != PROC_EXITED || r->exit_status != 0) {
			char buf[160];
			COUNT(n, t, failed);
			log_warn("notify script failed: %s", proc_result_describe(r, buf, sizeof(buf)));
		}
	}
	if (--n->outstanding == 0 && n->closing)
		destroy(n);
}

static void push(struct vrrp_notify *n, struct target *t, enum nslot k, char *const *argv)
{
	const struct nscript *s = &t->s[k];
	if (s->refused) {
		COUNT(n, t, refused);
		return;
	}
	struct proc_spec spec = {
		.argv = argv,
		.cred = &s->cred,
		.timeout_us = n->o.timeout_us,
		.out_fd = -1,
	};
	n->outstanding++;
	if (proc_queue_push(t->q, &spec, job_done, t) < 0) {
		n->outstanding--;
		COUNT(n, t, dropped);
		log_error("(%s) cannot queue %s: %s", t->name, slot_kw[k], strerror(errno));
		return;
	}
	COUNT(n, t, queued);
}

/* `notify` gets TYPE NAME STATE PRIORITY appended. */
static void push_generic(struct vrrp_notify *n, struct target *t, const char *word, int prio)
{
	const struct nscript *s = &t->s[NS_NOTIFY];
	char pbuf[16];
	char **argv = calloc((size_t)s->argc + 5, sizeof(*argv));
	if (!argv) {
		COUNT(n, t, dropped);
		return;
	}
	memcpy(argv, s->argv, (size_t)s->argc * sizeof(*argv));
	snprintf(pbuf, sizeof(pbuf), "%d", prio);
	argv[s->argc] = t->group ? "GROUP" : "INSTANCE";
	argv[s->argc + 1] = (char *)t->name;
	argv[s->argc + 2] = (char *)word;
	argv[s->argc + 3] = pbuf;
	push(n, t, NS_NOTIFY, argv);
	free(argv);
}

static void write_fifos(struct vrrp_notify *n, struct target *t, enum notify_vrrp_state s,
			int prio)
{
	char line[512];
	int len = t->group ? notify_fmt_group(line, sizeof(line), t->name, s)
			   : notify_fmt_instance(line, sizeof(line), t->name, s, prio);
	if (len < 0)
		return;
	struct notify_fifo *fs[2] = { &n->fifo_global, &n->fifo_vrrp };
	for (int i = 0; i < 2; i++) {
		if (fs[i]->fd < 0)
			continue;
		if (notify_fifo_write(fs[i], line, (size_t)len) == 0)
			COUNT(n, t, fifo_lines);
		else
			COUNT(n, t, fifo_dropped);
	}
}

int vrrp_notify_transition(struct vrrp_notify *n, int h, enum vrrp_state state, int priority)
{
	enum nslot slot;
	enum notify_vrrp_state ns;
	switch (state) {
	case VRRP_STATE_MASTER: slot = NS_MASTER; ns = NOTIFY_MASTER; break;
	case VRRP_STATE_BACKUP: slot = NS_BACKUP; ns = NOTIFY_BACKUP; break;
	case VRRP_STATE_FAULT: slot = NS_FAULT; ns = NOTIFY_FAULT; break;
	case VRRP_STATE_STOP: slot = NS_STOP; ns = NOTIFY_STOP; break;
	default: return -1;
	}
	if (h < 0 || (size_t)h >= n->n || n->closing)
		return -1;
	struct target *t = n->t[h];
	int prio = t->group ? 0 : priority;
	COUNT(n, t, transitions);
	write_fifos(n, t, ns, prio);
	if (t->s[slot].argv)
		push(n, t, slot, t->s[slot].argv);
	if (t->s[NS_NOTIFY].argv)
		push_generic(n, t, notify_vrrp_state_name(ns), prio);
	return 0;
}

int vrrp_notify_event(struct vrrp_notify *n, int h, enum notify_vrrp_state ev, int priority)
{
	if (h < 0 || (size_t)h >= n->n || n->closing)
		return -1;
	struct target *t = n->t[h];
	int prio = t->group ? 0 : priority;
	switch (ev) {
	case NOTIFY_DELETED:
		if (!t->deleted_given)
			return vrrp_notify_transition(n, h, VRRP_STATE_FAULT, priority);
		COUNT(n, t, transitions);
		write_fifos(n, t, ev, prio);
		if (t->s[NS_DELETED].argv)
			push(n, t, NS_DELETED, t->s[NS_DELETED].argv);
		if (t->s[NS_NOTIFY].argv)
			push_generic(n, t, notify_vrrp_state_name(ev), prio);
		return 0;
	case NOTIFY_MASTER_RX_LOWER_PRI:
		if (t->group)
			return -1;
		write_fifos(n, t, ev, prio);
		if (t->s[NS_RX_LOWER].argv)
			push(n, t, NS_RX_LOWER, t->s[NS_RX_LOWER].argv);
		return 0;
	case NOTIFY_MASTER_PRIORITY:
	case NOTIFY_BACKUP_PRIORITY:
		if (t->prio_changes)
			write_fifos(n, t, ev, prio);
		return 0;
	default:
		return -1;
	}
}

void vrrp_notify_set_idle_cb(struct vrrp_notify *n, int h, void (*idle)(void *arg), void *arg)
{
	if (h >= 0 && (size_t)h < n->n && n->t[h]->q)
		proc_queue_set_idle_cb(n->t[h]->q, idle, arg);
}

int vrrp_notify_target_stats(const struct vrrp_notify *n, int h, struct vrrp_notify_stats *out)
{
	if (h < 0 || (size_t)h >= n->n)
		return -1;
	*out = n->t[h]->st;
	return 0;
}

void vrrp_notify_stats(const struct vrrp_notify *n, struct vrrp_notify_stats *out)
{
	*out = n->st;
}

const char *vrrp_notify_last_refusal(const struct vrrp_notify *n)
{
	return n->refusal;
}

void vrrp_notify_free(struct vrrp_notify *n, bool terminate)
{
	if (!n)
		return;
	notify_fifo_close(&n->fifo_global, true);
	notify_fifo_close(&n->fifo_vrrp, true);
	/* Hold a reference while the queues cancel their pending jobs, whose
	 * callbacks run from inside proc_queue_free(). */
	n->outstanding++;
	n->closing = true;
	for (size_t i = 0; i < n->n; i++) {
		if (n->t[i]->q)
			proc_queue_free(n->t[i]->q, terminate);
		n->t[i]->q = NULL;
	}
	if (--n->outstanding == 0)
		destroy(n);
}
