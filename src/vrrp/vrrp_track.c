/* Tracking math for VRRP instances: see vrrp_track.h for the rules. */
#include "vrrp/vrrp_track.h"

#include <stdlib.h>
#include <string.h>

#include "conf/model_vrrp.h"

static const char *const kind_names[VRRP_TRACK__COUNT] = {
	[VRRP_TRACK_SCRIPT] = "script",
	[VRRP_TRACK_INTERFACE] = "interface",
	[VRRP_TRACK_FILE] = "file",
	[VRRP_TRACK_PROCESS] = "process",
	[VRRP_TRACK_BFD] = "bfd",
};

const char *vrrp_track_kind_name(enum vrrp_track_kind k)
{
	return (unsigned)k < VRRP_TRACK__COUNT ? kind_names[k] : "?";
}

/* ---- vrrp_script hysteresis ---------------------------------------------- */

void vrrp_script_state_init(struct vrrp_script_state *s, int rise, int fall, bool init_fail)
{
	memset(s, 0, sizeof(*s));
	s->rise = rise > 0 ? rise : 1;
	s->fall = fall > 0 ? fall : 1;
	/* init_fail is a confirmed "down"; otherwise "up" is only a
	 * presumption that the first result overrides. */
	s->up = !init_fail;
	s->confirmed = init_fail;
}

bool vrrp_script_state_feed(struct vrrp_script_state *s, bool ok)
{
	if (ok)
		s->successes++;
	else
		s->failures++;
	if (!s->confirmed) {
		bool changed = s->up != ok;
		s->confirmed = true;
		s->up = ok;
		s->streak = 0;
		return changed;
	}
	if (ok == s->up) {
		s->streak = 0;
		return false;
	}
	s->streak++;
	if (s->streak < (s->up ? s->fall : s->rise))
		return false;
	s->up = ok;
	s->streak = 0;
	return true;
}

/* ---- tracker set ----------------------------------------------------------- */

void vrrp_track_set_init(struct vrrp_track_set *s, int base_priority)
{
	memset(s, 0, sizeof(*s));
	s->base_priority = base_priority;
	s->priority = base_priority;
}

void vrrp_track_set_free(struct vrrp_track_set *s)
{
	free(s->t);
	s->t = NULL;
	s->n = s->cap = 0;
}

int vrrp_track_add(struct vrrp_track_set *s, enum vrrp_track_kind kind, const char *name,
		   int weight, bool reverse)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct vrrp_tracker *t = realloc(s->t, cap * sizeof(*t));
		if (!t)
			return -1;
		s->t = t;
		s->cap = cap;
	}
	struct vrrp_tracker *t = &s->t[s->n];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->kind = kind;
	t->weight = weight;
	t->reverse = reverse;
	t->up = true;
	return (int)s->n++;
}

int vrrp_track_find(const struct vrrp_track_set *s, enum vrrp_track_kind kind, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].kind == kind && strcmp(s->t[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The weight and reverse flag a reference resolves to. */
static void ref_weight(const struct track_ref *r, int def_weight, bool def_reverse, bool have_def,
		       int *weight, bool *reverse)
{
	if (r->weight_set || !have_def) {
		*weight = r->weight;
		*reverse = r->reverse;
	} else {
		*weight = def_weight;
		*reverse = r->reverse || def_reverse;
	}
}

static int add_refs(struct vrrp_track_set *s, const struct vrrp_model *m,
		    const track_ref_vec *refs, enum vrrp_track_kind kind)
{
	for (size_t i = 0; i < refs->n; i++) {
		const struct track_ref *r = &refs->v[i];
		int w = r->weight, idx;
		bool rev = r->reverse, init_fail = false;
		if (kind == VRRP_TRACK_SCRIPT) {
			const struct vrrp_script_conf *sc = m ? vrrp_find_script(m, r->name) : NULL;
			ref_weight(r, sc ? sc->weight : 0, sc && sc->reverse, sc, &w, &rev);
			init_fail = sc && sc->init_fail;
		} else if (kind == VRRP_TRACK_FILE) {
			const struct track_file_conf *fc = m ? vrrp_find_track_file(m, r->name) : NULL;
			ref_weight(r, fc ? fc->weight : 0, fc && fc->reverse, fc, &w, &rev);
		} else if (kind == VRRP_TRACK_PROCESS) {
			const struct track_process_conf *pc =
				m ? vrrp_find_track_process(m, r->name) : NULL;
			ref_weight(r, pc ? pc->weight : 0, pc && pc->reverse, pc, &w, &rev);
		}
		idx = vrrp_track_add(s, kind, r->name, w, rev);
		if (idx < 0)
			return -1;
		if (init_fail)
			s->t[idx].up = false;
	}
	return 0;
}

static int add_all(struct vrrp_track_set *s, const struct vrrp_model *m,
		   const track_ref_vec *scripts, const track_ref_vec *ifs,
		   const track_ref_vec *files, const track_ref_vec *procs,
		   const track_ref_vec *bfds)
{
	if (add_refs(s, m, scripts, VRRP_TRACK_SCRIPT) < 0 ||
	    add_refs(s, m, ifs, VRRP_TRACK_INTERFACE) < 0 ||
	    add_refs(s, m, files, VRRP_TRACK_FILE) < 0 ||
	    add_refs(s, m, procs, VRRP_TRACK_PROCESS) < 0 ||
	    add_refs(s, m, bfds, VRRP_TRACK_BFD) < 0)
		return -1;
	return 0;
}

int vrrp_track_set_from_conf(struct vrrp_track_set *s, const struct vrrp_model *m,
			     const struct vrrp_instance_conf *ic)
{
	return add_all(s, m, &ic->track_script, &ic->track_interface, &ic->track_file,
		       &ic->track_process, &ic->track_bfd);
}

int vrrp_track_set_add_group(struct vrrp_track_set *s, const struct vrrp_model *m,
			     const struct vrrp_sync_group_conf *g)
{
	return add_all(s, m, &g->track_script, &g->track_interface, &g->track_file,
		       &g->track_process, &g->track_bfd);
}

void vrrp_track_set_up(struct vrrp_track_set *s, int idx, bool up)
{
	if (idx >= 0 && (size_t)idx < s->n && s->t[idx].kind != VRRP_TRACK_FILE)
		s->t[idx].up = up;
}

void vrrp_track_set_value(struct vrrp_track_set *s, int idx, int64_t value)
{
	if (idx >= 0 && (size_t)idx < s->n && s->t[idx].kind == VRRP_TRACK_FILE)
		s->t[idx].value = value;
}

int vrrp_track_set_up_by_name(struct vrrp_track_set *s, enum vrrp_track_kind kind,
			      const char *name, bool up)
{
	int hits = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].kind == kind && kind != VRRP_TRACK_FILE &&
		    strcmp(s->t[i].name, name) == 0) {
			s->t[i].up = up;
			hits++;
		}
	return hits;
}

int vrrp_track_set_value_by_name(struct vrrp_track_set *s, const char *name, int64_t value)
{
	int hits = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->t[i].kind == VRRP_TRACK_FILE && strcmp(s->t[i].name, name) == 0) {
			s->t[i].value = value;
			hits++;
		}
	return hits;
}

bool vrrp_track_process_up(int count, int quorum, int quorum_max)
{
	return count >= quorum && count <= quorum_max;
}

/* The kernel keeps TASK_COMM_LEN - 1 characters of a process name. */
#define COMM_MAX 15

static bool params_match(const struct track_process_conf *c, char *const *argv, size_t argc)
{
	size_t k = c->process.n - 1; /* configured parameters */
	size_t m = argc ? argc - 1 : 0;
	char *const *want = c->process.v + 1;
	char *const *have = argc ? argv + 1 : argv;
	switch (c->param_match) {
	case PARAM_MATCH_PARTIAL:
		if (m < k)
			return false;
		break;
	case PARAM_MATCH_INITIAL:
		if (m != k)
			return false;
		if (k) {
			for (size_t i = 0; i + 1 < k; i++)
				if (strcmp(want[i], have[i]) != 0)
					return false;
			return strncmp(want[k - 1], have[k - 1], strlen(want[k - 1])) == 0;
		}
		return true;
	default: /* NONE with parameters given, or EXACT */
		if (m != k)
			return false;
	}
	for (size_t i = 0; i < k; i++)
		if (strcmp(want[i], have[i]) != 0)
			return false;
	return true;
}

bool vrrp_track_process_match(const struct track_process_conf *c, const char *comm,
			      char *const *argv, size_t argc)
{
	if (!c->process.n)
		return false;
	const char *name = c->process.v[0];
	if (c->full_command) {
		if (!argc || strcmp(argv[0], name) != 0)
			return false;
	} else if (strlen(name) > COMM_MAX ? strncmp(comm, name, COMM_MAX) != 0
					   : strcmp(comm, name) != 0) {
		return false;
	}
	if (c->process.n == 1 && c->param_match == PARAM_MATCH_NONE)
		return true;
	return params_match(c, argv, argc);
}

/* ---- the rules -------------------------------------------------------------- */

static struct vrrp_track_contrib file_contribution(const struct vrrp_tracker *t)
{
	struct vrrp_track_contrib c = { 0, false };
	if (t->weight == 0) {
		/* Unweighted: the file is a status, 0 = OK; reverse swaps. */
		c.faulting = (t->value != 0) != t->reverse;
		return c;
	}
	/* 64-bit product: file weights go up to +-2^31 and values are
	 * whatever the file holds, so saturate rather than overflow. */
	int64_t v = t->value;
	const int64_t lim = INT64_C(1) << 31;
	if (v > lim)
		v = lim;
	if (v < -lim)
		v = -lim;
	int64_t r = v * (int64_t)t->weight;
	if (t->reverse)
		r = -r;
	if (r < VRRP_TRACK_FILE_MIN)
		c.faulting = true;
	else
		c.contribution = r;
	return c;
}

struct vrrp_track_contrib vrrp_track_contribution(const struct vrrp_tracker *t)
{
	struct vrrp_track_contrib c = { 0, false };
	if (t->kind == VRRP_TRACK_FILE)
		return file_contribution(t);
	if (t->weight == 0) {
		/* 'weight 0 reverse' means down while the object is up. */
		c.faulting = t->up == t->reverse;
		return c;
	}
	int sign = t->reverse ? -1 : 1;
	if ((t->weight > 0 && t->up) || (t->weight < 0 && !t->up))
		c.contribution = (int64_t)t->weight * sign;
	return c;
}

void vrrp_track_compute(const struct vrrp_track_set *s, bool *fault, int *priority)
{
	int64_t sum = 0;
	bool f = false;
	for (size_t i = 0; i < s->n; i++) {
		struct vrrp_track_contrib c = vrrp_track_contribution(&s->t[i]);
		f = f || c.faulting;
		sum += c.contribution;
	}
	*fault = f;
	if (s->base_priority >= VRRP_PRIO_OWNER) {
		*priority = VRRP_PRIO_OWNER;
		return;
	}
	int64_t p = (int64_t)s->base_priority + sum;
	if (p < VRRP_TRACK_PRIO_MIN)
		p = VRRP_TRACK_PRIO_MIN;
	if (p > VRRP_TRACK_PRIO_MAX)
		p = VRRP_TRACK_PRIO_MAX;
	*priority = (int)p;
}

struct vrrp_track_change vrrp_track_eval(struct vrrp_track_set *s)
{
	struct vrrp_track_change ch = { .old_priority = s->priority };
	vrrp_track_compute(s, &ch.fault, &ch.priority);
	ch.fault_changed = ch.fault != s->fault;
	ch.prio_changed = ch.priority != s->priority;
	s->fault = ch.fault;
	s->priority = ch.priority;
	return ch;
}

/* ---- explanation ------------------------------------------------------------ */

static json_object *tracker_json(const struct vrrp_tracker *t)
{
	struct vrrp_track_contrib c = vrrp_track_contribution(t);
	json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(t->name ? t->name : ""));
	json_object_object_add(o, "kind", json_object_new_string(vrrp_track_kind_name(t->kind)));
	if (t->kind == VRRP_TRACK_FILE)
		json_object_object_add(o, "result", json_object_new_int64(t->value));
	else
		json_object_object_add(o, "result", json_object_new_string(t->up ? "up" : "down"));
	json_object_object_add(o, "weight", json_object_new_int(t->weight));
	json_object_object_add(o, "reverse", json_object_new_boolean(t->reverse));
	json_object_object_add(o, "contribution", json_object_new_int64(c.contribution));
	json_object_object_add(o, "fault", json_object_new_boolean(c.faulting));
	return o;
}

json_object *vrrp_track_explain_json(const struct vrrp_track_set *s)
{
	json_object *a = json_object_new_array();
	if (!a)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		json_object *o = tracker_json(&s->t[i]);
		if (!o) {
			json_object_put(a);
			return NULL;
		}
		json_object_array_add(a, o);
	}
	return a;
}

json_object *vrrp_track_status_json(const struct vrrp_track_set *s)
{
	bool fault;
	int prio;
	vrrp_track_compute(s, &fault, &prio);
	json_object *o = json_object_new_object();
	json_object *a = vrrp_track_explain_json(s);
	if (!o || !a) {
		json_object_put(o);
		json_object_put(a);
		return NULL;
	}
	json_object_object_add(o, "base_priority", json_object_new_int(s->base_priority));
	json_object_object_add(o, "effective_priority", json_object_new_int(prio));
	json_object_object_add(o, "fault", json_object_new_boolean(fault));
	json_object_object_add(o, "owner",
			       json_object_new_boolean(s->base_priority >= VRRP_PRIO_OWNER));
	json_object_object_add(o, "trackers", a);
	return o;
}

/* ---- sync groups -------------------------------------------------------------- */

const char *vrrp_sync_action_name(enum vrrp_sync_action a)
{
	switch (a) {
	case VRRP_SYNC_NONE: return "none";
	case VRRP_SYNC_TO_FAULT: return "fault";
	case VRRP_SYNC_FAULT_CLEARED: return "fault-cleared";
	case VRRP_SYNC_TO_BACKUP: return "backup";
	case VRRP_SYNC_TO_MASTER: return "master";
	}
	return "?";
}

size_t vrrp_sync_plan(const struct vrrp_sync_member *m, size_t n, int trigger,
		      enum vrrp_sync_action *out)
{
	bool any_fault = false;
	size_t acts = 0;
	for (size_t i = 0; i < n; i++) {
		out[i] = VRRP_SYNC_NONE;
		any_fault = any_fault || m[i].own_fault;
	}
	enum vrrp_state ts = VRRP_STATE_INIT;
	if (trigger >= 0 && (size_t)trigger < n)
		ts = m[trigger].state;
	for (size_t i = 0; i < n; i++) {
		enum vrrp_state st = m[i].state;
		if (st == VRRP_STATE_STOP)
			continue;
		if (any_fault) {
			if (st != VRRP_STATE_FAULT)
				out[i] = VRRP_SYNC_TO_FAULT;
		} else if (st == VRRP_STATE_FAULT) {
			out[i] = VRRP_SYNC_FAULT_CLEARED;
		} else if ((int)i != trigger) {
			if (ts == VRRP_STATE_MASTER && st == VRRP_STATE_BACKUP)
				out[i] = VRRP_SYNC_TO_MASTER;
			else if (ts == VRRP_STATE_BACKUP && st == VRRP_STATE_MASTER)
				out[i] = VRRP_SYNC_TO_BACKUP;
		}
		if (out[i] != VRRP_SYNC_NONE)
			acts++;
	}
	return acts;
}
