/* Trackers and groups: vrrp_script, track_file (vrrp_track_file),
 * vrrp_track_process, vrrp_sync_group, track_group, garp_group,
 * linkbeat_interfaces, interface_up_down_delays; and the helpers the
 * VRRP-side sections share (scripts with a run-as user, tri-state
 * settings, track_* blocks). */
#include "conf/sec_vrrp.h"

#include <limits.h>
#include <string.h>

/* ---- shared helpers ---------------------------------------------------- */

const struct field_map *fmap_find(const struct field_map *m, const char *name)
{
	for (; m->name; m++)
		if (!strcmp(m->name, name))
			return m;
	return NULL;
}

bool parse_script_conf(struct cf_ctx *c, const struct cf_node *n, struct script_conf *s)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 3))
		return false;
	if (s->cmd)
		diag_warn(c->d, &n->loc, "%s: already configured at line %d; replaced",
			  n->argv[0], s->loc.line);
	s->cmd = arena_strdup(c->a, n->argv[1]);
	s->user = n->argc > 2 ? arena_strdup(c->a, n->argv[2]) : NULL;
	s->group = n->argc > 3 ? arena_strdup(c->a, n->argv[3]) : NULL;
	s->loc = n->loc;
	cf_note_script(c, n);
	return true;
}

void dump_script_conf(json_object *o, const char *key, const struct script_conf *s)
{
	if (!s->cmd) {
		json_object_object_add(o, key, NULL);
		return;
	}
	json_object *x = json_object_new_object();
	dump_str(x, "command", s->cmd);
	dump_str(x, "user", s->user);
	dump_str(x, "group", s->group);
	json_object_object_add(o, key, x);
}

void dump_tri(json_object *o, const char *key, int v)
{
	if (v == TRI_UNSET)
		json_object_object_add(o, key, NULL);
	else
		dump_bool(o, key, v);
}

/* `NAME [weight W] [reverse|noreverse|no_reverse]` */
static bool parse_track_line(struct cf_ctx *c, const struct cf_node *n, const char *what,
			     int wmax, struct track_ref *t)
{
	memset(t, 0, sizeof(*t));
	t->name = arena_strdup(c->a, n->argv[0]);
	t->loc = n->loc;
	if (n->block) {
		diag_err(c->d, &n->loc, "%s: unexpected { } block after %s", what, n->argv[0]);
		return false;
	}
	for (int i = 1; i < n->argc; i++) {
		const char *w = n->argv[i];
		int64_t v;
		if (!strcmp(w, "weight")) {
			if (i + 1 >= n->argc) {
				diag_err(c->d, &n->loc, "%s: %s: weight needs a value", what, t->name);
				return false;
			}
			if (!parse_int64(n->argv[i + 1], &v) || v < -wmax || v > wmax) {
				diag_err(c->d, &n->loc, "%s: %s: weight %s is out of range %d..%d",
					 what, t->name, n->argv[i + 1], -wmax, wmax);
				return false;
			}
			t->weight = (int)v;
			t->weight_set = true;
			i++;
		} else if (!strcmp(w, "reverse")) {
			t->reverse = true;
		} else if (!strcmp(w, "noreverse") || !strcmp(w, "no_reverse")) {
			t->reverse = false;
		} else {
			diag_err(c->d, &n->loc, "%s: %s: unknown option '%s'", what, t->name, w);
			return false;
		}
	}
	return true;
}

void parse_track_block(struct cf_ctx *c, const struct cf_node *n, track_ref_vec *v, int wmax)
{
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
		struct track_ref t;
		if (!ch->argc || !parse_track_line(c, ch, n->argv[0], wmax, &t))
			continue;
		bool dup = false;
		for (size_t i = 0; i < v->n; i++)
			if (!strcmp(v->v[i].name, t.name)) {
				diag_warn(c->d, &ch->loc, "%s: %s is already listed at line %d; ignored",
					  n->argv[0], t.name, v->v[i].loc.line);
				dup = true;
			}
		if (!dup)
			*VEC_PUSH(c->a, *v) = t;
	}
}

void dump_track_refs(json_object *o, const char *key, const track_ref_vec *v)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < v->n; i++) {
		json_object *x = json_object_new_object();
		dump_str(x, "name", v->v[i].name);
		dump_int(x, "weight", v->v[i].weight);
		dump_bool(x, "reverse", v->v[i].reverse);
		json_object_array_add(arr, x);
	}
	json_object_object_add(o, key, arr);
}

/* A named section: `KEYWORD NAME { ... }`, the name unique among its kind.
 * Returns false (reported) when the header is unusable. */
static bool section_header(struct cf_ctx *c, const struct cf_node *n)
{
	if (!cf_args(c, n, 1, 1))
		return false;
	return cf_need_block(c, n);
}

/* `weight W [reverse]` of a tracker definition. */
static bool parse_weight(struct cf_ctx *c, const struct cf_node *n, int wmax, int *w,
			 bool *reverse)
{
	int64_t v;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2) || !cf_parse_int(c, n, 1, -wmax, wmax, &v))
		return false;
	if (n->argc == 3) {
		if (!strcmp(n->argv[2], "reverse"))
			*reverse = true;
		else if (!strcmp(n->argv[2], "noreverse") || !strcmp(n->argv[2], "no_reverse"))
			*reverse = false;
		else {
			diag_err(c->d, &n->loc, "weight: expected reverse or noreverse, got '%s'",
				 n->argv[2]);
			return false;
		}
	}
	*w = (int)v;
	return true;
}

static void dump_weight(json_object *o, int weight, bool reverse)
{
	dump_int(o, "weight", weight);
	dump_bool(o, "reverse", reverse);
}

/* ---- vrrp_script ------------------------------------------------------- */

static int script_weight(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct vrrp_script_conf *s = obj;
	return parse_weight(c, n, 253, &s->weight, &s->reverse) ? 0 : -1;
}

static void script_weight_dump(json_object *o, const void *obj)
{
	const struct vrrp_script_conf *s = obj;
	dump_weight(o, s->weight, s->reverse);
}

static int script_user(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct vrrp_script_conf *s = obj;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2))
		return -1;
	s->user = arena_strdup(c->a, n->argv[1]);
	s->group = n->argc > 2 ? arena_strdup(c->a, n->argv[2]) : NULL;
	return 0;
}

static void script_user_dump(json_object *o, const void *obj)
{
	const struct vrrp_script_conf *s = obj;
	dump_str(o, "user", s->user);
	dump_str(o, "group", s->group);
}

#define MAX_SCRIPT_SECS 4294LL /* keepalived's limit: UINT_MAX microseconds */

static const struct kw kw_vrrp_script[] = {
	KW_ROW_SCRIPT("script", struct vrrp_script_conf, script),
	KW_ROW_DUR("interval", struct vrrp_script_conf, interval_us, USEC_PER_SEC,
		   MAX_SCRIPT_SECS * USEC_PER_SEC),
	KW_ROW_DUR("timeout", struct vrrp_script_conf, timeout_us, USEC_PER_SEC,
		   MAX_SCRIPT_SECS * USEC_PER_SEC),
	KW_ROW_CUSTOM("weight", script_weight, script_weight_dump),
	KW_ROW_INT("rise", struct vrrp_script_conf, rise, 1, INT_MAX),
	KW_ROW_INT("fall", struct vrrp_script_conf, fall, 1, INT_MAX),
	KW_ROW_CUSTOM("user", script_user, script_user_dump),
	KW_ROW_FLAG("init_fail", struct vrrp_script_conf, init_fail),
	KW_END,
};

int sec_vrrp_script(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!section_header(c, n))
		return -1;
	const struct vrrp_script_conf *old = vrrp_find_script(&cfg->vrrp, n->argv[1]);
	if (old) {
		diag_err(c->d, &n->loc, "vrrp_script %s is already defined at line %d",
			 n->argv[1], old->loc.line);
		return -1;
	}
	struct vrrp_script_conf *s = VEC_PUSH(c->a, cfg->vrrp.scripts);
	s->name = arena_strdup(c->a, n->argv[1]);
	s->loc = n->loc;
	s->interval_us = USEC_PER_SEC;
	s->timeout_us = HALO_UNSET_US;
	s->rise = s->fall = 1;
	kw_parse_block(c, n->child, kw_vrrp_script, s, "vrrp_script");
	if (s->timeout_us == HALO_UNSET_US)
		s->timeout_us = s->interval_us;
	if (!s->script)
		diag_err(c->d, &n->loc, "vrrp_script %s has no script", s->name);
	return 0;
}

/* ---- track_file -------------------------------------------------------- */

static int tfile_weight(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct track_file_conf *f = obj;
	return parse_weight(c, n, 254, &f->weight, &f->reverse) ? 0 : -1;
}

static void tfile_weight_dump(json_object *o, const void *obj)
{
	const struct track_file_conf *f = obj;
	dump_weight(o, f->weight, f->reverse);
}

/* init_file [VALUE] [overwrite] */
static int tfile_init(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct track_file_conf *f = obj;
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 2))
		return -1;
	f->init_file = true;
	for (int i = 1; i < n->argc; i++) {
		if (!strcmp(n->argv[i], "overwrite"))
			f->init_overwrite = true;
		else if (i == 1 && parse_int64(n->argv[i], &f->init_value))
			continue;
		else {
			diag_err(c->d, &n->loc, "init_file: expected [VALUE] [overwrite], got '%s'",
				 n->argv[i]);
			return -1;
		}
	}
	return 0;
}

static void tfile_init_dump(json_object *o, const void *obj)
{
	const struct track_file_conf *f = obj;
	dump_bool(o, "init_file", f->init_file);
	dump_int(o, "init_value", f->init_value);
	dump_bool(o, "init_overwrite", f->init_overwrite);
}

static const struct kw kw_track_file[] = {
	KW_ROW_STR("file", struct track_file_conf, file),
	KW_ROW_CUSTOM("weight", tfile_weight, tfile_weight_dump),
	KW_ROW_CUSTOM("init_file", tfile_init, tfile_init_dump),
	KW_END,
};

int sec_track_file(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!section_header(c, n))
		return -1;
	const struct track_file_conf *old = vrrp_find_track_file(&cfg->vrrp, n->argv[1]);
	if (old) {
		diag_err(c->d, &n->loc, "track_file %s is already defined at line %d",
			 n->argv[1], old->loc.line);
		return -1;
	}
	struct track_file_conf *f = VEC_PUSH(c->a, cfg->vrrp.track_files);
	f->name = arena_strdup(c->a, n->argv[1]);
	f->loc = n->loc;
	f->weight = 1;
	kw_parse_block(c, n->child, kw_track_file, f, n->argv[0]);
	if (!f->file)
		diag_err(c->d, &n->loc, "track_file %s has no file", f->name);
	return 0;
}

/* ---- vrrp_track_process ------------------------------------------------ */

static int tproc_process(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct track_process_conf *p = obj;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, -1))
		return -1;
	p->process.n = 0;
	for (int i = 1; i < n->argc; i++)
		strvec_push(c->a, &p->process, n->argv[i]);
	return 0;
}

static void tproc_process_dump(json_object *o, const void *obj)
{
	const struct track_process_conf *p = obj;
	dump_strvec(o, "process", &p->process);
}

static int tproc_weight(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct track_process_conf *p = obj;
	return parse_weight(c, n, 254, &p->weight, &p->reverse) ? 0 : -1;
}

static void tproc_weight_dump(json_object *o, const void *obj)
{
	const struct track_process_conf *p = obj;
	dump_weight(o, p->weight, p->reverse);
}

static int tproc_delay(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct track_process_conf *p = obj;
	uint64_t us;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1) ||
	    !cf_parse_duration(c, n, 1, 0, MAX_SCRIPT_SECS * USEC_PER_SEC, &us))
		return -1;
	p->fork_delay_us = p->terminate_delay_us = us;
	return 0;
}

static const struct kw_enum param_match_names[] = {
	{ "none", PARAM_MATCH_NONE }, { "exact", PARAM_MATCH_EXACT },
	{ "partial", PARAM_MATCH_PARTIAL }, { "initial", PARAM_MATCH_INITIAL }, { NULL, 0 },
};

static int tproc_param_match(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct track_process_conf *p = obj;
	static const struct kw_enum accepted[] = {
		{ "initial", PARAM_MATCH_INITIAL }, { "partial", PARAM_MATCH_PARTIAL }, { NULL, 0 },
	};
	if (!cf_no_block(c, n) || !cf_args(c, n, 0, 1))
		return -1;
	/* Without an argument the parameters must match exactly (and, with
	 * none configured, the process must have none). */
	if (n->argc == 1) {
		p->param_match = PARAM_MATCH_EXACT;
		return 0;
	}
	return cf_parse_enum(c, n, 1, accepted, &p->param_match) ? 0 : -1;
}

static void tproc_param_match_dump(json_object *o, const void *obj)
{
	const struct track_process_conf *p = obj;
	dump_str(o, "param_match", enum_name(param_match_names, p->param_match));
}

static const struct kw kw_track_process[] = {
	KW_ROW_CUSTOM("process", tproc_process, tproc_process_dump),
	KW_ROW_CUSTOM("param_match", tproc_param_match, tproc_param_match_dump),
	KW_ROW_CUSTOM("weight", tproc_weight, tproc_weight_dump),
	KW_ROW_INT("quorum", struct track_process_conf, quorum, 1, 65535),
	KW_ROW_INT("quorum_max", struct track_process_conf, quorum_max, 0, 65535),
	KW_ROW_DUR("fork_delay", struct track_process_conf, fork_delay_us, 0,
		   MAX_SCRIPT_SECS * USEC_PER_SEC),
	KW_ROW_DUR("terminate_delay", struct track_process_conf, terminate_delay_us, 0,
		   MAX_SCRIPT_SECS * USEC_PER_SEC),
	KW_ROW_CUSTOM("delay", tproc_delay, NULL),
	KW_ROW_FLAG("full_command", struct track_process_conf, full_command),
	KW_END,
};

int sec_track_process(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!section_header(c, n))
		return -1;
	const struct track_process_conf *old = vrrp_find_track_process(&cfg->vrrp, n->argv[1]);
	if (old) {
		diag_err(c->d, &n->loc, "vrrp_track_process %s is already defined at line %d",
			 n->argv[1], old->loc.line);
		return -1;
	}
	struct track_process_conf *p = VEC_PUSH(c->a, cfg->vrrp.track_processes);
	p->name = arena_strdup(c->a, n->argv[1]);
	p->loc = n->loc;
	p->weight = 1;
	p->quorum = 1;
	p->quorum_max = 65535;
	kw_parse_block(c, n->child, kw_track_process, p, "vrrp_track_process");
	if (!p->process.n)
		diag_err(c->d, &n->loc, "vrrp_track_process %s has no process", p->name);
	if (p->quorum_max == 0)
		p->quorum = 0; /* "quorum_max 0": healthy only while none runs */
	else if (p->quorum_max < p->quorum)
		diag_err(c->d, &n->loc, "vrrp_track_process %s: quorum_max %d is below quorum %d",
			 p->name, p->quorum_max, p->quorum);
	return 0;
}

/* ---- vrrp_sync_group --------------------------------------------------- */

static int sg_group(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct vrrp_sync_group_conf *g = obj;
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next)
		for (int i = 0; i < ch->argc; i++) {
			strvec_push(c->a, &g->group, ch->argv[i]);
			*VEC_PUSH(c->a, g->group_locs) = ch->loc;
		}
	if (!g->group.n)
		diag_warn(c->d, &n->loc, "vrrp_sync_group %s has an empty group block", g->name);
	return 0;
}

static void sg_group_dump(json_object *o, const void *obj)
{
	const struct vrrp_sync_group_conf *g = obj;
	dump_strvec(o, "group", &g->group);
}

static const struct field_map sg_tracks[] = {
	{ "track_interface", offsetof(struct vrrp_sync_group_conf, track_interface) },
	{ "track_script", offsetof(struct vrrp_sync_group_conf, track_script) },
	{ "track_file", offsetof(struct vrrp_sync_group_conf, track_file) },
	{ "track_process", offsetof(struct vrrp_sync_group_conf, track_process) },
	{ "track_bfd", offsetof(struct vrrp_sync_group_conf, track_bfd) },
	{ NULL, 0 },
};

static int sg_track(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	const struct field_map *fm = fmap_find(sg_tracks, n->argv[0]);
	bool wide = !strcmp(n->argv[0], "track_file") || !strcmp(n->argv[0], "track_process");
	parse_track_block(c, n, FMAP_FIELD(obj, fm, track_ref_vec), wide ? 254 : 253);
	return 0;
}

static void sg_track_dump(json_object *o, const void *obj)
{
	for (const struct field_map *fm = sg_tracks; fm->name; fm++)
		dump_track_refs(o, fm->name, FMAP_CFIELD(obj, fm, track_ref_vec));
}

static const struct field_map sg_scripts[] = {
	{ "notify_master", offsetof(struct vrrp_sync_group_conf, notify_master) },
	{ "notify_backup", offsetof(struct vrrp_sync_group_conf, notify_backup) },
	{ "notify_fault", offsetof(struct vrrp_sync_group_conf, notify_fault) },
	{ "notify_stop", offsetof(struct vrrp_sync_group_conf, notify_stop) },
	{ "notify_deleted", offsetof(struct vrrp_sync_group_conf, notify_deleted) },
	{ "notify", offsetof(struct vrrp_sync_group_conf, notify) },
	{ NULL, 0 },
};

static int sg_script(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	const struct field_map *fm = fmap_find(sg_scripts, n->argv[0]);
	/* `notify_deleted` alone only changes the state name reported. */
	if (n->argc == 1 && !n->block && !strcmp(n->argv[0], "notify_deleted"))
		return 0;
	return parse_script_conf(c, n, FMAP_FIELD(obj, fm, struct script_conf)) ? 0 : -1;
}

static void sg_script_dump(json_object *o, const void *obj)
{
	for (const struct field_map *fm = sg_scripts; fm->name; fm++)
		dump_script_conf(o, fm->name, FMAP_CFIELD(obj, fm, struct script_conf));
}


static const struct kw kw_sync_group[] = {
	KW_ROW_CUSTOM("group", sg_group, sg_group_dump),
	KW_ROW_CUSTOM("track_interface", sg_track, sg_track_dump),
	KW_ROW_CUSTOM("track_script", sg_track, NULL),
	KW_ROW_CUSTOM("track_file", sg_track, NULL),
	KW_ROW_CUSTOM("track_process", sg_track, NULL),
	KW_ROW_CUSTOM("track_bfd", sg_track, NULL),
	KW_ROW_CUSTOM("notify_master", sg_script, sg_script_dump),
	KW_ROW_CUSTOM("notify_backup", sg_script, NULL),
	KW_ROW_CUSTOM("notify_fault", sg_script, NULL),
	KW_ROW_CUSTOM("notify_stop", sg_script, NULL),
	KW_ROW_CUSTOM("notify_deleted", sg_script, NULL),
	KW_ROW_CUSTOM("notify", sg_script, NULL),
	KW_ROW_TRI("notify_priority_changes", struct vrrp_sync_group_conf, notify_priority_changes),
	KW_ROW_TRI("smtp_alert", struct vrrp_sync_group_conf, smtp_alert),
	KW_ROW_FLAG("global_tracking", struct vrrp_sync_group_conf, global_tracking),
	KW_ROW_FLAG("sync_group_tracking_weight", struct vrrp_sync_group_conf,
		    sync_group_tracking_weight),
	KW_END,
};

int sec_vrrp_sync_group(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!section_header(c, n))
		return -1;
	for (size_t i = 0; i < cfg->vrrp.sync_groups.n; i++)
		if (!strcmp(cfg->vrrp.sync_groups.v[i].name, n->argv[1])) {
			diag_err(c->d, &n->loc, "vrrp_sync_group %s is already defined at line %d",
				 n->argv[1], cfg->vrrp.sync_groups.v[i].loc.line);
			return -1;
		}
	struct vrrp_sync_group_conf *g = VEC_PUSH(c->a, cfg->vrrp.sync_groups);
	g->name = arena_strdup(c->a, n->argv[1]);
	g->loc = n->loc;
	g->notify_priority_changes = g->smtp_alert = TRI_UNSET;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
		if (kw_apply(c, ch, kw_sync_group, g) != -2)
			continue;
		/* A bare instance name outside `group { }` (Debian's sample
		 * keepalived.conf.vrrp.lvs_syncd has two): keepalived ignores
		 * it and runs, so halo names the mistake without failing -t. */
		if (ch->argc == 1 && !ch->block)
			diag_warn(c->d, &ch->loc, "vrrp_sync_group %s: '%s' is not inside a"
				  " group { } block; ignored", g->name, ch->argv[0]);
		else
			diag_err(c->d, &ch->loc, "unknown keyword '%s' in vrrp_sync_group",
				 ch->argv[0]);
	}
	if (g->global_tracking)
		diag_warn(c->d, &n->loc,
			  "vrrp_sync_group %s: global_tracking is deprecated; use track_* blocks"
			  " on the group", g->name);
	return 0;
}

/* ---- track_group, garp_group, linkbeat, up/down delays ----------------- */

int sec_track_group(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!section_header(c, n))
		return -1;
	struct track_group_conf *t = VEC_PUSH(c->a, cfg->vrrp.track_groups);
	t->name = arena_strdup(c->a, n->argv[1]);
	t->loc = n->loc;
	static const struct kw kw_track_group[] = {
		KW_ROW_LIST("group", struct track_group_conf, group),
		KW_END,
	};
	kw_parse_block(c, n->child, kw_track_group, t, "track_group");
	return 0;
}

static const struct kw kw_garp_group[] = {
	KW_ROW_DUR("garp_interval", struct garp_group_conf, garp_interval_us, 1,
		   4294LL * USEC_PER_SEC),
	KW_ROW_DUR("gna_interval", struct garp_group_conf, gna_interval_us, 1,
		   4294LL * USEC_PER_SEC),
	KW_ROW_STR("interface", struct garp_group_conf, interface),
	KW_ROW_LIST("interfaces", struct garp_group_conf, interfaces),
	KW_END,
};

int sec_garp_group(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	struct garp_group_conf *g = VEC_PUSH(c->a, cfg->vrrp.garp_groups);
	g->loc = n->loc;
	g->garp_interval_us = g->gna_interval_us = HALO_UNSET_US;
	kw_parse_block(c, n->child, kw_garp_group, g, "garp_group");
	if (g->interface && g->interfaces.n)
		diag_err(c->d, &n->loc, "garp_group: use either interface or interfaces, not both");
	else if (!g->interface && !g->interfaces.n)
		diag_err(c->d, &n->loc, "garp_group has no interface");
	if (g->garp_interval_us == HALO_UNSET_US && g->gna_interval_us == HALO_UNSET_US)
		diag_warn(c->d, &n->loc, "garp_group sets no garp_interval or gna_interval;"
			  " it has no effect");
	return 0;
}

static const struct kw_enum linkbeat_names[] = {
	{ "default", LINKBEAT_DEFAULT }, { "MII", LINKBEAT_MII },
	{ "ETHTOOL", LINKBEAT_ETHTOOL }, { "IOCTL", LINKBEAT_IOCTL }, { NULL, 0 },
};

int sec_linkbeat_interfaces(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	static const struct kw_enum types[] = {
		{ "MII", LINKBEAT_MII }, { "ETHTOOL", LINKBEAT_ETHTOOL },
		{ "IOCTL", LINKBEAT_IOCTL }, { NULL, 0 },
	};
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
		int type = LINKBEAT_DEFAULT;
		if (!ch->argc || !cf_args(c, ch, 0, 1))
			continue;
		if (ch->argc == 2) {
			const struct kw_enum *t = types;
			while (t->name && strcmp(t->name, ch->argv[1]))
				t++;
			if (!t->name) {
				diag_err(c->d, &ch->loc, "linkbeat_interfaces: %s: expected MII,"
					 " ETHTOOL or IOCTL, got '%s'", ch->argv[0], ch->argv[1]);
				continue;
			}
			type = t->value;
		}
		struct linkbeat_if_conf *l = VEC_PUSH(c->a, cfg->vrrp.linkbeat_interfaces);
		l->name = arena_strdup(c->a, ch->argv[0]);
		l->type = type;
		l->loc = ch->loc;
	}
	return 0;
}

int sec_if_up_down_delays(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct halo_config *cfg = obj;
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
		uint64_t down, up;
		if (!ch->argc || !cf_args(c, ch, 1, 2) ||
		    !cf_parse_duration(c, ch, 1, 0, 255 * USEC_PER_SEC, &down))
			continue;
		up = down;
		if (ch->argc == 3 && !cf_parse_duration(c, ch, 2, 0, 255 * USEC_PER_SEC, &up))
			continue;
		struct if_delay_conf *d = VEC_PUSH(c->a, cfg->vrrp.interface_up_down_delays);
		d->name = arena_strdup(c->a, ch->argv[0]);
		d->down_us = down;
		d->up_us = up;
		d->loc = ch->loc;
	}
	return 0;
}

/* ---- lookups and dump -------------------------------------------------- */

#define FIND_BY_NAME(vec, name)                                      \
	do {                                                         \
		for (size_t i_ = 0; i_ < (vec).n; i_++)              \
			if (!strcmp((vec).v[i_].name, (name)))       \
				return &(vec).v[i_];                 \
		return NULL;                                         \
	} while (0)

struct vrrp_instance_conf *vrrp_find_instance(const struct vrrp_model *m, const char *name)
{
	size_t i;
	return nameidx_find(&m->instance_index, name, &i) ? &m->instances.v[i] : NULL;
}

struct vrrp_script_conf *vrrp_find_script(const struct vrrp_model *m, const char *name)
{
	FIND_BY_NAME(m->scripts, name);
}

struct track_file_conf *vrrp_find_track_file(const struct vrrp_model *m, const char *name)
{
	FIND_BY_NAME(m->track_files, name);
}

struct track_process_conf *vrrp_find_track_process(const struct vrrp_model *m,
						   const char *name)
{
	FIND_BY_NAME(m->track_processes, name);
}

/* Each element as {"name": ..., table fields...}. */
#define DUMP_NAMED(root, key, vec, table)                                    \
	do {                                                                 \
		json_object *arr_ = json_object_new_array();                 \
		for (size_t i_ = 0; i_ < (vec).n; i_++) {                    \
			json_object *o_ = json_object_new_object();          \
			dump_str(o_, "name", (vec).v[i_].name);              \
			kw_dump(o_, (table), &(vec).v[i_]);                  \
			json_object_array_add(arr_, o_);                     \
		}                                                            \
		json_object_object_add((root), (key), arr_);                 \
	} while (0)

void dump_vrrp_trackers(json_object *root, const struct vrrp_model *m)
{
	DUMP_NAMED(root, "vrrp_sync_groups", m->sync_groups, kw_sync_group);
	DUMP_NAMED(root, "vrrp_scripts", m->scripts, kw_vrrp_script);
	DUMP_NAMED(root, "track_files", m->track_files, kw_track_file);
	DUMP_NAMED(root, "track_processes", m->track_processes, kw_track_process);
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < m->garp_groups.n; i++) {
		json_object *o = json_object_new_object();
		const struct garp_group_conf *g = &m->garp_groups.v[i];
		kw_dump(o, kw_garp_group, g);
		/* "not set" reads better than the sentinel. */
		if (g->garp_interval_us == HALO_UNSET_US)
			json_object_object_add(o, "garp_interval_us", NULL);
		if (g->gna_interval_us == HALO_UNSET_US)
			json_object_object_add(o, "gna_interval_us", NULL);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "garp_groups", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < m->linkbeat_interfaces.n; i++) {
		json_object *o = json_object_new_object();
		dump_str(o, "name", m->linkbeat_interfaces.v[i].name);
		dump_str(o, "type", enum_name(linkbeat_names, m->linkbeat_interfaces.v[i].type));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "linkbeat_interfaces", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < m->track_groups.n; i++) {
		json_object *o = json_object_new_object();
		dump_str(o, "name", m->track_groups.v[i].name);
		dump_strvec(o, "group", &m->track_groups.v[i].group);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "track_groups", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < m->interface_up_down_delays.n; i++) {
		const struct if_delay_conf *d = &m->interface_up_down_delays.v[i];
		json_object *o = json_object_new_object();
		dump_str(o, "name", d->name);
		dump_int(o, "down_delay_us", (int64_t)d->down_us);
		dump_int(o, "up_delay_us", (int64_t)d->up_us);
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "interface_up_down_delays", arr);
}
