/* The supervisor's control commands (the table given to ctl_server_open).
 *
 * status  {"pid", "version", "started" (ISO 8601 UTC, display only),
 *          "uptime_s" (monotonic, float), "config_file", "pid_file",
 *          "control_socket",
 *          "children": [{"name", "pid" (null when down), "running",
 *                        "restarts", "last_exit" (null until a death)}],
 *          "last_reload": null | {"time", "ok", "errors", "warnings",
 *                                 "messages": [first 50 diagnostics]},
 *          "subsystems": {"vrrp": <the child's status> | {"error": "..."}
 *                         | {"running": false, "why": "not started: ..."},
 *                         "lb": the same}}
 *         The children are asked asynchronously; whoever has not answered
 *         within STATUS_TIMEOUT_MS gets {"error": "no answer within 1 s"}.
 * reload  as SIGHUP; {"reloaded", "errors", "warnings", "messages"}
 * ping    {"pong": true}
 * debug   args {"category": NAME|"all", "on": bool} (both optional);
 *         {"debug": [enabled categories]}; forwarded to the children. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "daemon/control.h"
#include "daemon/supervisor.h"

#define STATUS_TIMEOUT_MS 1000

/* A status request waiting for the children's answers. */
struct status_req {
	struct supervisor *s;
	struct ctl_req *req;
	json_object *result;
	json_object *subsystems; /* borrowed from result */
	int outstanding;
	uv_timer_t timer;
	struct status_req *next;
};

static json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static json_object *error_obj(const char *msg)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static json_object *children_json(const struct supervisor *s)
{
	json_object *a = json_object_new_array();
	for (int i = 0; i < SUP_NCHILDREN; i++) {
		const struct child *c = &s->children[i];
		if (!s->child_inited[i])
			continue;
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(c->name));
		json_object_object_add(o, "pid", c->pid ? json_object_new_int64(c->pid) : NULL);
		json_object_object_add(o, "running", json_object_new_boolean(child_running(c)));
		json_object_object_add(o, "restarts", json_object_new_int64(c->restarts));
		json_object_object_add(o, "last_exit", str_or_null(c->last_exit));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *sup_reload_json(const struct supervisor *s)
{
	const struct reload_record *r = &s->last_reload;
	if (!r->done)
		return NULL;
	char when[32];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "time", json_object_new_string(clock_iso8601(r->time, when, sizeof(when))));
	json_object_object_add(o, "ok", json_object_new_boolean(r->ok));
	json_object_object_add(o, "errors", json_object_new_int64(r->errors));
	json_object_object_add(o, "warnings", json_object_new_int64(r->warnings));
	json_object *m = json_object_new_array();
	for (unsigned i = 0; i < r->nmessages; i++)
		json_object_array_add(m, json_object_new_string(r->messages[i]));
	json_object_object_add(o, "messages", m);
	return o;
}

static json_object *status_base(const struct supervisor *s)
{
	char when[32];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "pid", json_object_new_int64(getpid()));
	json_object_object_add(o, "version", json_object_new_string(HALO_VERSION));
	json_object_object_add(o, "started",
			       json_object_new_string(clock_iso8601(s->started_wall, when, sizeof(when))));
	/* Milliseconds are enough, and the fixed text avoids printing
	 * binary-float noise such as 0.81517600000000001. */
	char up[32];
	double uptime = (double)(clock_mono_us() - s->started_us) / 1e6;
	snprintf(up, sizeof(up), "%.3f", uptime);
	json_object_object_add(o, "uptime_s", json_object_new_double_s(uptime, up));
	json_object_object_add(o, "config_file", json_object_new_string(s->opts.config_file));
	json_object_object_add(o, "pid_file", json_object_new_string(s->opts.pid_file));
	json_object_object_add(o, "control_socket", json_object_new_string(s->socket_path));
	json_object_object_add(o, "children", children_json(s));
	json_object_object_add(o, "last_reload", sup_reload_json(s));
	return o;
}

static void free_req(uv_handle_t *h)
{
	free(h->data);
}

/* Gives up on unanswered children (`why`), replies and frees. */
static void finish(struct status_req *r, const char *why)
{
	struct supervisor *s = r->s;
	for (int i = 0; i < SUP_NCHILDREN; i++) {
		if (!s->child_inited[i])
			continue;
		struct child *c = &s->children[i];
		child_cancel_queries(c, r);
		json_object *v = NULL;
		if (!json_object_object_get_ex(r->subsystems, c->name, &v) || !v)
			json_object_object_add(r->subsystems, c->name, error_obj(why));
	}
	for (struct status_req **pp = &s->status_reqs; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	ctl_reply_ok(r->req, r->result);
	uv_timer_stop(&r->timer);
	uv_close((uv_handle_t *)&r->timer, free_req);
	/* The children's answers, parsed into JSON objects here, are freed
	 * once this callback has returned; their pages go back then. */
	sup_trim_soon(s);
}

static void on_child_reply(void *ctx, struct child *c, json_object *reply)
{
	struct status_req *r = ctx;
	json_object *ok, *v;
	json_object *entry;
	if (!reply)
		entry = error_obj("the child exited before answering");
	else if (json_object_object_get_ex(reply, "ok", &ok) && json_object_get_boolean(ok) &&
		 json_object_object_get_ex(reply, "result", &v))
		entry = json_object_get(v);
	else if (json_object_object_get_ex(reply, "error", &v))
		entry = error_obj(json_object_get_string(v));
	else
		entry = error_obj("malformed answer");
	json_object_object_add(r->subsystems, c->name, entry);
	if (--r->outstanding == 0)
		finish(r, "no answer");
}

static void on_status_timeout(uv_timer_t *t)
{
	finish(t->data, "no answer within 1 s");
}

static void cmd_status(void *ctx, struct ctl_req *req, json_object *args)
{
	struct supervisor *s = ctx;
	(void)args;
	struct status_req *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->s = s;
	r->req = req;
	r->result = status_base(s);
	r->subsystems = json_object_new_object();
	json_object_object_add(r->result, "subsystems", r->subsystems);
	uv_timer_init(&s->loop, &r->timer);
	r->timer.data = r;
	r->next = s->status_reqs;
	s->status_reqs = r;
	for (int i = 0; i < SUP_NCHILDREN; i++) {
		struct child *c = &s->children[i];
		if (!s->child_inited[i]) {
			/* Say why, rather than leave the subsystem out. */
			const char *name;
			const char *why = sup_child_absent_why(s, i, &name);
			if (why) {
				json_object *o = json_object_new_object();
				json_object_object_add(o, "running", json_object_new_boolean(0));
				json_object_object_add(o, "why", json_object_new_string(why));
				json_object_object_add(r->subsystems, name, o);
			}
			continue;
		}
		/* A placeholder keeps the children's order whatever order
		 * they answer in (json-c replaces a value in place). */
		json_object_object_add(r->subsystems, c->name, NULL);
		if (!s->stopping && child_query(c, "status", NULL, on_child_reply, r) == 0)
			r->outstanding++;
		else
			json_object_object_add(r->subsystems, c->name, error_obj("not running"));
	}
	if (r->outstanding == 0)
		finish(r, "not running");
	else
		uv_timer_start(&r->timer, on_status_timeout, STATUS_TIMEOUT_MS, 0);
}

void sup_ctl_flush(struct supervisor *s)
{
	while (s->status_reqs)
		finish(s->status_reqs, "halod is stopping");
}

static void cmd_reload(void *ctx, struct ctl_req *req, json_object *args)
{
	struct supervisor *s = ctx;
	(void)args;
	if (s->stopping) {
		ctl_reply_err(req, "halod is stopping");
		return;
	}
	bool ok = sup_reload(s, "control socket");
	json_object *o = json_object_new_object();
	json_object *rec = sup_reload_json(s);
	json_object *m = NULL;
	json_object_object_add(o, "reloaded", json_object_new_boolean(ok));
	json_object_object_add(o, "errors", json_object_new_int64(s->last_reload.errors));
	json_object_object_add(o, "warnings", json_object_new_int64(s->last_reload.warnings));
	json_object_object_get_ex(rec, "messages", &m);
	json_object_object_add(o, "messages", json_object_get(m));
	json_object_put(rec);
	ctl_reply_ok(req, o);
}

static void cmd_ping(void *ctx, struct ctl_req *req, json_object *args)
{
	(void)ctx;
	(void)args;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "pong", json_object_new_boolean(true));
	ctl_reply_ok(req, o);
}

static void cmd_debug(void *ctx, struct ctl_req *req, json_object *args)
{
	struct supervisor *s = ctx;
	json_object *cat = NULL, *on = NULL;
	if (args && json_object_object_get_ex(args, "category", &cat)) {
		bool enable = !json_object_object_get_ex(args, "on", &on) || json_object_get_boolean(on);
		if (log_set_debug(json_object_get_string(cat), enable) < 0) {
			ctl_reply_err(req, "unknown debug category '%s'", json_object_get_string(cat));
			return;
		}
		json_object *a = json_object_new_object();
		json_object_object_add(a, "mask", json_object_new_int64(log_debug_mask()));
		for (int i = 0; i < SUP_NCHILDREN; i++)
			if (s->child_inited[i])
				child_tell(&s->children[i], "debug", a);
		json_object_put(a);
	}
	json_object *o = json_object_new_object();
	json_object *list = json_object_new_array();
	for (int i = 0; i < LOGC__COUNT; i++)
		if (log_debug_mask() & (1u << i))
			json_object_array_add(list, json_object_new_string(log_cat_name(i)));
	json_object_object_add(o, "debug", list);
	ctl_reply_ok(req, o);
}

static const struct ctl_cmd table[] = {
	{ "status", cmd_status, "daemon, children and subsystem state" },
	{ "reload", cmd_reload, "re-read the configuration (as SIGHUP)" },
	{ "ping", cmd_ping, "check that the daemon answers" },
	{ "debug", cmd_debug, "switch a debug log category on or off" },
	{ NULL, NULL, NULL },
};

const struct ctl_cmd *sup_ctl_table(void)
{
	return table;
}
