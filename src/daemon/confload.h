/* Loading the configuration the way the daemon's processes do it: the
 * supervisor at start and on reload, each child at start and on SIGHUP. */
#ifndef HALO_DAEMON_CONFLOAD_H
#define HALO_DAEMON_CONFLOAD_H

#include "conf/conf.h"
#include "daemon/cli.h"

/* What the supervisor keeps of a configuration once it is validated: the
 * children read the file themselves, so the parent needs only these few
 * figures to decide which children to run and how long to wait for them. */
struct conf_summary {
	unsigned vrrp_instances;
	unsigned virtual_servers;
	uint64_t child_wait_ms;
};

/* conf_load() of `file` with the -i / -e options; *code is
 * diag_exit_code().  Returns NULL when unusable (code 3).  The memory the
 * load needed only on its way (the statement tree) is given back to the
 * system before this returns. */
struct halo_config *daemon_conf_load(const char *file, const struct cli_opts *o,
				     struct diag_list *d, int *code);
/* conf_free(), then the freed pages go back to the system: a long-running
 * process that reloads keeps only the configuration it runs. */
void daemon_conf_free(struct halo_config *cfg);
/* Gives every whole free page of the heap back to the system.  For the
 * moments a process briefly needed much more than it keeps: a load, and a
 * status reply (1,000 instances are ~10 MB of JSON objects in the child
 * that builds the reply and again in the supervisor that relays it). */
void daemon_trim_heap(void);
/* Called once at process start: large blocks (over 128 KiB: a status
 * reply's text, a configuration's instance vector) always get a mapping
 * of their own, returned to the system the moment they are freed.  glibc
 * otherwise raises that threshold after the first such block is freed and
 * serves the next ones from the heap, where they stay resident. */
void daemon_malloc_policy(void);
/* Each diagnostic as one log line, `FILE:LINE: message`, at warning or
 * error level. */
void daemon_log_diags(const struct diag_list *d);
/* Whether the configuration asks for each subsystem. */
unsigned conf_vrrp_instances(const struct halo_config *cfg);
unsigned conf_virtual_servers(const struct halo_config *cfg);
/* keepalived's child_wait_time, in milliseconds (5000 when not set). */
uint64_t conf_child_wait_ms(const struct halo_config *cfg);
/* The three above at once; a NULL cfg gives no subsystem and 5000 ms. */
struct conf_summary conf_summarize(const struct halo_config *cfg);

#endif
