#include "daemon/confload.h"

#include "core/log.h"

struct halo_config *daemon_conf_load(const char *file, const struct cli_opts *o,
				     struct diag_list *d, int *code)
{
	struct conf_opts co = { .file = file, .config_id = o->config_id,
				.all_config = o->all_config };
	struct halo_config *cfg = conf_load(&co, d);
	*code = diag_exit_code(d);
	return cfg;
}

void daemon_log_diags(const struct diag_list *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		/* The log line carries the severity itself. */
		enum log_level lv = g->sev == DIAG_WARNING ? LOG_LV_WARNING : LOG_LV_ERROR;
		const char *file = g->loc.file ? g->loc.file : "halod";
		if (g->loc.line > 0)
			log_at(lv, LOGC_CONF, NULL, "%s:%d: %s", file, g->loc.line, g->msg);
		else
			log_at(lv, LOGC_CONF, NULL, "%s: %s", file, g->msg);
	}
}

unsigned conf_vrrp_instances(const struct halo_config *cfg)
{
	return cfg ? (unsigned)cfg->vrrp.instances.n : 0;
}

unsigned conf_virtual_servers(const struct halo_config *cfg)
{
	return cfg ? (unsigned)cfg->lb.vs.n : 0;
}

uint64_t conf_child_wait_ms(const struct halo_config *cfg)
{
	uint64_t us = cfg ? cfg->global.child_wait_time_us : 0;
	return us ? us / 1000 : 5000;
}
