/* Human output for haloctl.  The daemon's schema grows over time, so the
 * known fields get a fixed layout and everything else is printed
 * generically: a new subsystem field shows up without a haloctl change. */
#include "ctl/ctl_show.h"

#include <string.h>

#define LABEL_W 17

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool is_number(json_object *v)
{
	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

/* A scalar as text: strings raw, null as "-", containers as compact JSON. */
static const char *scalar(json_object *v)
{
	if (!v)
		return "-";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void label(FILE *out, const char *name, const char *value)
{
	fprintf(out, "%-*s %s\n", LABEL_W - 1, name, value ? value : "-");
}

void show_duration(char *buf, size_t len, double seconds)
{
	long long s = seconds > 0 ? (long long)seconds : 0;
	long long d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;

	if (d > 0)
		snprintf(buf, len, "%lldd %02lldh %02lldm %02llds", d, h, m, sec);
	else if (h > 0)
		snprintf(buf, len, "%lldh %02lldm %02llds", h, m, sec);
	else if (m > 0)
		snprintf(buf, len, "%lldm %02llds", m, sec);
	else
		snprintf(buf, len, "%llds", sec);
}

/* ---- generic values ----------------------------------------------------- */

static bool all_scalars(json_object *arr)
{
	size_t n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		json_type t = json_object_get_type(json_object_array_get_idx(arr, i));
		if (t == json_type_object || t == json_type_array)
			return false;
	}
	return true;
}

static void show_kv(FILE *out, int col, const char *lead, const char *key, json_object *v);

/* An object's members; inside a list the first one follows "- " and the
 * others are aligned under it. */
static void show_members(FILE *out, int col, bool list_item, json_object *obj)
{
	bool first = true;
	json_object_object_foreach(obj, k, val) {
		show_kv(out, col, !list_item ? "" : first ? "- " : "  ", k, val);
		first = false;
	}
}

static void show_list(FILE *out, int col, json_object *arr)
{
	size_t n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		if (json_object_is_type(e, json_type_object) && json_object_object_length(e) > 0)
			show_members(out, col, true, e);
		else
			fprintf(out, "%*s- %s\n", col, "", scalar(e));
	}
}

static void show_kv(FILE *out, int col, const char *lead, const char *key, json_object *v)
{
	int child = col + (int)strlen(lead) + 2;
	bool obj = json_object_is_type(v, json_type_object);
	bool arr = json_object_is_type(v, json_type_array);

	if ((obj && json_object_object_length(v) == 0) ||
	    (arr && json_object_array_length(v) == 0)) {
		fprintf(out, "%*s%s%s: (none)\n", col, "", lead, key);
	} else if (obj) {
		fprintf(out, "%*s%s%s:\n", col, "", lead, key);
		show_members(out, child, false, v);
	} else if (arr && all_scalars(v)) {
		fprintf(out, "%*s%s%s: ", col, "", lead, key);
		for (size_t i = 0; i < json_object_array_length(v); i++)
			fprintf(out, "%s%s", i ? ", " : "", scalar(json_object_array_get_idx(v, i)));
		fputc('\n', out);
	} else if (arr) {
		fprintf(out, "%*s%s%s:\n", col, "", lead, key);
		show_list(out, child, v);
	} else {
		fprintf(out, "%*s%s%s: %s\n", col, "", lead, key, scalar(v));
	}
}

void show_generic(FILE *out, int col, const char *key, json_object *v)
{
	show_kv(out, col, "", key, v);
}

/* ---- status ------------------------------------------------------------- */

static void show_children(FILE *out, json_object *children)
{
	if (!json_object_is_type(children, json_type_array) ||
	    json_object_array_length(children) == 0) {
		label(out, "children:", "(none)");
		return;
	}
	size_t n = json_object_array_length(children);
	int w = 4;
	for (size_t i = 0; i < n; i++) {
		const char *name = get_str(json_object_array_get_idx(children, i), "name");
		if (name && (int)strlen(name) > w)
			w = (int)strlen(name);
	}
	fprintf(out, "children:\n");
	fprintf(out, "  %-*s  %-8s  %-8s  %-8s  %s\n", w, "NAME", "PID", "STATE", "RESTARTS",
		"LAST EXIT");
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(children, i);
		json_object *running = get(c, "running");
		const char *state = !json_object_is_type(running, json_type_boolean) ? "-"
				    : json_object_get_boolean(running)           ? "running"
										 : "stopped";
		const char *name = get_str(c, "name");
		fprintf(out, "  %-*s  %-8s  %-8s  %-8s  %s\n", w, name ? name : "-",
			scalar(get(c, "pid")), state, scalar(get(c, "restarts")),
			scalar(get(c, "last_exit")));
	}
}

static const char *plural(json_object *n, const char *word, char *buf, size_t len)
{
	if (!is_number(n)) {
		snprintf(buf, len, "? %ss", word);
		return buf;
	}
	long long v = json_object_get_int64(n);
	snprintf(buf, len, "%lld %s%s", v, word, v == 1 ? "" : "s");
	return buf;
}

bool reload_accepted(json_object *r)
{
	json_object *ok = get(r, "ok");
	if (!ok)
		ok = get(r, "reloaded");
	return !json_object_is_type(ok, json_type_boolean) || json_object_get_boolean(ok);
}

/* "TIME, ok|rejected, N errors, M warnings" followed by the messages. */
static bool show_outcome(FILE *out, const char *name, int width, json_object *r)
{
	char line[512], e[64], w[64];
	bool accepted = reload_accepted(r);
	const char *time = get_str(r, "time");

	snprintf(line, sizeof(line), "%s%s%s, %s, %s", time ? time : "", time ? ", " : "",
		 accepted ? "ok" : "rejected", plural(get(r, "errors"), "error", e, sizeof(e)),
		 plural(get(r, "warnings"), "warning", w, sizeof(w)));
	fprintf(out, "%-*s %s\n", width - 1, name, line);
	json_object *msgs = get(r, "messages");
	if (json_object_is_type(msgs, json_type_array))
		for (size_t i = 0; i < json_object_array_length(msgs); i++)
			fprintf(out, "  %s\n", scalar(json_object_array_get_idx(msgs, i)));
	return accepted;
}

static const char *const status_known[] = {
	"pid", "version", "started", "uptime_s", "config_file", "pid_file",
	"control_socket", "children", "last_reload", "subsystems", NULL,
};

static bool is_known(const char *key)
{
	for (const char *const *k = status_known; *k; k++)
		if (strcmp(*k, key) == 0)
			return true;
	return false;
}

void show_status(FILE *out, json_object *r)
{
	char up[64] = "-";
	json_object *uptime = get(r, "uptime_s");

	if (is_number(uptime))
		show_duration(up, sizeof(up), json_object_get_double(uptime));
	label(out, "pid:", scalar(get(r, "pid")));
	label(out, "version:", scalar(get(r, "version")));
	label(out, "uptime:", up);
	label(out, "started:", scalar(get(r, "started")));
	label(out, "config file:", scalar(get(r, "config_file")));
	label(out, "pid file:", scalar(get(r, "pid_file")));
	label(out, "control socket:", scalar(get(r, "control_socket")));
	show_children(out, get(r, "children"));

	json_object *last = get(r, "last_reload");
	if (json_object_is_type(last, json_type_object))
		show_outcome(out, "last reload:", LABEL_W, last);
	else
		label(out, "last reload:", "never");

	json_object *subs = get(r, "subsystems");
	if (json_object_is_type(subs, json_type_object)) {
		json_object_object_foreach(subs, name, val)
			show_generic(out, 0, name, val);
	}
	/* Fields added to the status reply later still show up. */
	if (json_object_is_type(r, json_type_object)) {
		json_object_object_foreach(r, key, val) {
			if (!is_known(key))
				show_generic(out, 0, key, val);
		}
	}
}

/* ---- reload, help ------------------------------------------------------- */

bool show_reload(FILE *out, json_object *r)
{
	if (!json_object_is_type(r, json_type_object) || (!get(r, "ok") && !get(r, "reloaded"))) {
		fprintf(out, "reload: accepted\n");
		if (json_object_is_type(r, json_type_object)) {
			json_object_object_foreach(r, key, val)
				show_generic(out, 2, key, val);
		}
		return true;
	}
	return show_outcome(out, "reload:", 0, r);
}

void show_help(FILE *out, json_object *r)
{
	json_object *cmds = get(r, "commands");
	size_t n = json_object_is_type(cmds, json_type_array) ? json_object_array_length(cmds) : 0;
	int w = 4;

	for (size_t i = 0; i < n; i++) {
		const char *name = get_str(json_object_array_get_idx(cmds, i), "name");
		if (name && (int)strlen(name) > w)
			w = (int)strlen(name);
	}
	fprintf(out, "Commands served by the daemon:\n");
	for (size_t i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(cmds, i);
		const char *name = get_str(c, "name"), *help = get_str(c, "help");
		fprintf(out, "  %-*s  %s\n", w, name ? name : "-", help ? help : "");
	}
}
