#include "daemon/confload.h"

#include <malloc.h>

#include "core/log.h"

/* glibc keeps freed heap memory mapped for reuse; only the top of the heap
 * is returned by itself.  A configuration's arena chunks (or a reply's JSON
 * objects) sit anywhere in the heap, so after they are freed malloc_trim()
 * hands every whole free page back (MADV_DONTNEED), which is what makes
 * resident memory follow what the process really holds.  It walks the
 * heap's free chunks once: well under a millisecond for the few megabytes
 * a daemon uses, and it runs only after a load, a reload or a status
 * request, never on the packet path. */
void daemon_trim_heap(void)
{
	malloc_trim(0);
}

void daemon_malloc_policy(void)
{
	/* Setting it at all also turns glibc's dynamic adjustment off. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
}

struct halo_config *daemon_conf_load(const char *file, const struct cli_opts *o,
				     struct diag_list *d, int *code)
{
	struct conf_opts co = { .file = file, .config_id = o->config_id,
				.all_config = o->all_config };
	struct halo_config *cfg = conf_load(&co, d);
	*code = diag_exit_code(d);
	daemon_trim_heap();
	return cfg;
}

void daemon_conf_free(struct halo_config *cfg)
{
	if (!cfg)
		return;
	conf_free(cfg);
	daemon_trim_heap();
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

struct conf_summary conf_summarize(const struct halo_config *cfg)
{
	return (struct conf_summary){ .vrrp_instances = conf_vrrp_instances(cfg),
				      .virtual_servers = conf_virtual_servers(cfg),
				      .child_wait_ms = conf_child_wait_ms(cfg) };
}
