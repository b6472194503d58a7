/* The configuration: load (read + parse + validate), dump, free.
 *
 * A `struct halo_config` is what the file says, immutable once loaded and
 * owned by its arena.  Runtime structures (instances, timers, counters)
 * live elsewhere and point into it; a reload loads a new one, diffs, and
 * frees the old one as a whole. */
#ifndef HALO_CONF_CONF_H
#define HALO_CONF_CONF_H

#include <json-c/json.h>
#include <stdbool.h>

#include "conf/diag.h"
#include "conf/kw.h"
#include "conf/model_global.h"
#include "conf/model_lb.h"
#include "conf/model_vrrp.h"
#include "conf/reader.h"
#include "core/arena.h"

struct halo_config {
	struct arena arena;
	const char *main_file;
	struct global_conf global; /* global_defs and the root keywords */
	struct vrrp_model vrrp;    /* vrrp_* sections, static_*, garp_group */
	struct lb_model lb;        /* virtual_server*, SSL, bfd_instance */
	/* Scripts configured anywhere (the script-security check). */
	unsigned nscripts;
	struct cf_loc first_script;
};

struct conf_opts {
	const char *file;      /* main configuration file */
	const char *config_id; /* -i; NULL: short host name */
	bool all_config;       /* -e */
};

/* Reads, parses and validates.  Returns the configuration (also when it has
 * errors, so `-t` can report them all); NULL only when it is unusable, in
 * which case `d` has a DIAG_FATAL entry.  The caller decides from
 * diag_exit_code(d) whether to run with it. */
struct halo_config *conf_load(const struct conf_opts *o, struct diag_list *d);
/* The same from text in memory, for unit tests. */
struct halo_config *conf_load_string(const char *name, const char *text,
				     const struct conf_opts *o, struct diag_list *d);
void conf_free(struct halo_config *cfg);
/* The resolved configuration as JSON (`--dump-config`, golden tests). */
json_object *conf_dump(const struct halo_config *cfg);

/* Section entry points, implemented by the section files.  Each fills its
 * part of the model from the root statements it owns. */
extern const struct kw kw_root_vrrp[];   /* sec_global.c: global_defs, vrrp sections, root keywords */
extern const struct kw kw_root_lb[];     /* sec_lb.c: virtual_server*, SSL, bfd_instance */
void global_conf_defaults(struct global_conf *g);
void vrrp_model_init(struct vrrp_model *m);
void lb_model_init(struct lb_model *m);
void dump_global(json_object *root, const struct halo_config *cfg);
void dump_vrrp(json_object *root, const struct halo_config *cfg);
void dump_lb(json_object *root, const struct halo_config *cfg);
/* Whole-config checks after parsing; they add diagnostics only. */
void validate_vrrp(struct cf_ctx *c);
void validate_lb(struct cf_ctx *c);

#endif
