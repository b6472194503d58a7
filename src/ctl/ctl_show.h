/* Human renderings of the daemon's replies for haloctl.  Each takes the
 * "result" object of a successful reply and never trusts its shape: a
 * missing or mistyped field prints as "-". */
#ifndef HALO_CTL_SHOW_H
#define HALO_CTL_SHOW_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

/* "2h 03m 10s"; days are shown from one day on. */
void show_duration(char *buf, size_t len, double seconds);
void show_status(FILE *out, json_object *result);
/* False when a reload result (or last_reload) says "ok": false or
 * "reloaded": false. */
bool reload_accepted(json_object *result);
/* Returns false when the result says the reload was rejected. */
bool show_reload(FILE *out, json_object *result);
void show_help(FILE *out, json_object *result);
/* Any value as indented "key: value" lines (YAML-like). */
void show_generic(FILE *out, int col, const char *key, json_object *v);

#endif
