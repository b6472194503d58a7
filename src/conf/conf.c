#include "conf/conf.h"

#include <stdlib.h>
#include <string.h>

static void parse_root(struct cf_ctx *c, const struct cf_node *first)
{
	for (const struct cf_node *n = first; n; n = n->next) {
		int r = kw_apply(c, n, kw_root_vrrp, c->cfg);
		if (r == -2)
			r = kw_apply(c, n, kw_root_lb, c->cfg);
		if (r == -2)
			diag_err(c->d, &n->loc, "unknown top-level keyword '%s'", n->argv[0]);
	}
}

static void validate_scripts(struct cf_ctx *c)
{
	const struct halo_config *cfg = c->cfg;
	if (cfg->nscripts && !cfg->global.enable_script_security) {
		diag_warn(c->d, &cfg->first_script,
			  "scripts are configured but enable_script_security is not set;"
			  " they will run as root without checks");
		c->d->script_insecure = true;
	}
}

/* The statement tree is only the way from text to the model: it lives in a
 * scratch arena, with validation's sort arrays (cf_ctx.tmp), that is freed
 * as soon as the model is built and validated, so a loaded configuration
 * holds the model alone (for 1,000 instances the tree is about a
 * megabyte).  The model copies every word it keeps; only the file names of
 * locations are shared, and those go to the model's arena from the start. */
static struct halo_config *load(const char *name, const char *text,
				const struct conf_opts *o, struct diag_list *d)
{
	struct halo_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		abort();
	arena_init(&cfg->arena);
	struct arena tree;
	arena_init(&tree);
	struct cf_read_opts ro = { .config_id = o->config_id, .all_config = o->all_config,
				   .names = &cfg->arena };
	struct cf_node *root = text ? cf_read_string(&tree, name, text, &ro, d)
				    : cf_read_file(&tree, name, &ro, d);
	if (!d->fatal) {
		cfg->main_file = arena_strdup(&cfg->arena, name);
		global_conf_defaults(&cfg->global);
		vrrp_model_init(&cfg->vrrp);
		lb_model_init(&cfg->lb);
		struct cf_ctx c = { .a = &cfg->arena, .d = d, .cfg = cfg, .tmp = &tree };
		parse_root(&c, root);
		validate_vrrp(&c);
		validate_lb(&c);
		validate_scripts(&c);
	}
	arena_free(&tree);
	if (d->fatal) {
		conf_free(cfg);
		return NULL;
	}
	return cfg;
}

struct halo_config *conf_load(const struct conf_opts *o, struct diag_list *d)
{
	return load(o->file, NULL, o, d);
}

struct halo_config *conf_load_string(const char *name, const char *text,
				     const struct conf_opts *o, struct diag_list *d)
{
	return load(name, text, o, d);
}

void conf_free(struct halo_config *cfg)
{
	if (!cfg)
		return;
	arena_free(&cfg->arena);
	free(cfg);
}

json_object *conf_dump(const struct halo_config *cfg)
{
	json_object *root = json_object_new_object();
	dump_global(root, cfg);
	dump_vrrp(root, cfg);
	dump_lb(root, cfg);
	return root;
}
