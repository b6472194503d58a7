/* Internal interface between the VRRP-side section parsers (sec_global.c,
 * sec_vrrp.c, sec_track.c, sec_static.c) and validate_vrrp.c.  Nothing
 * outside src/conf includes it: the rest of halo reads the model headers. */
#ifndef HALO_CONF_SEC_VRRP_H
#define HALO_CONF_SEC_VRRP_H

#include <json-c/json.h>

#include "conf/conf.h"

/* One parse or dump callback can serve several keywords of a struct when
 * it finds its field by keyword name (callbacks get no row pointer). */
struct field_map {
	const char *name;
	size_t off;
};
const struct field_map *fmap_find(const struct field_map *m, const char *name);
#define FMAP_FIELD(obj, fm, T) ((T *)((char *)(obj) + (fm)->off))
#define FMAP_CFIELD(obj, fm, T) ((const T *)((const char *)(obj) + (fm)->off))

/* `KEYWORD CMD [USER [GROUP]]`; records the script for script security. */
bool parse_script_conf(struct cf_ctx *c, const struct cf_node *n, struct script_conf *s);
/* {"command": ..., "user": ..., "group": ...}, or null when not set. */
void dump_script_conf(json_object *o, const char *key, const struct script_conf *s);
/* `KEYWORD [BOOL]` into a tri-state int. */
/* true/false, or null while unset. */
void dump_tri(json_object *o, const char *key, int v);
/* Resolves a tri-state to `dflt` when unset. */
static inline void tri_resolve(int *v, bool dflt)
{
	if (*v == TRI_UNSET)
		*v = dflt;
}

/* A track_* block: `NAME [weight W] [reverse|noreverse|no_reverse]` per
 * line, W in [-wmax, wmax]; `section` names the owner for messages. */
void parse_track_block(struct cf_ctx *c, const struct cf_node *n, track_ref_vec *v,
		       int wmax);
void dump_track_refs(json_object *o, const char *key, const track_ref_vec *v);

/* Addresses, routes and rules (sec_static.c).  `is_static` allows
 * track_group (static_* sections only). */
void parse_vip_block(struct cf_ctx *c, const struct cf_node *n, vip_vec *v, bool is_static);
void parse_route_block(struct cf_ctx *c, const struct cf_node *n, route_vec *v,
		       bool is_static);
void parse_rule_block(struct cf_ctx *c, const struct cf_node *n, rule_vec *v, bool is_static);
json_object *dump_vips(const vip_vec *v);
json_object *dump_routes(const route_vec *v);
json_object *dump_rules(const rule_vec *v);

/* Root rows: the obj is `struct halo_config *`. */
int sec_vrrp_instance(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_vrrp_sync_group(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_vrrp_script(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_track_file(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_track_process(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_static_ipaddress(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_static_routes(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_static_rules(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_track_group(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_garp_group(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_linkbeat_interfaces(struct cf_ctx *c, const struct cf_node *n, void *obj);
int sec_if_up_down_delays(struct cf_ctx *c, const struct cf_node *n, void *obj);

/* Dumps of the sections each file owns (called from dump_vrrp). */
void dump_vrrp_instances(json_object *root, const struct vrrp_model *m);
void dump_vrrp_trackers(json_object *root, const struct vrrp_model *m);
void dump_vrrp_static(json_object *root, const struct vrrp_model *m);

/* Names for the JSON dump. */
extern const struct kw_enum vrrp_state_names[];
extern const struct kw_enum vrrp_auth_names[];
const char *family_name(int family);

#endif
