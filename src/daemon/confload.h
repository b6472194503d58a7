/* Loading the configuration the way the daemon's processes do it: the
 * supervisor at start and on reload, each child at start and on SIGHUP. */
#ifndef HALO_DAEMON_CONFLOAD_H
#define HALO_DAEMON_CONFLOAD_H

#include "conf/conf.h"
#include "daemon/cli.h"

/* conf_load() of `file` with the -i / -e options; *code is
 * diag_exit_code().  Returns NULL when unusable (code 3). */
struct halo_config *daemon_conf_load(const char *file, const struct cli_opts *o,
				     struct diag_list *d, int *code);
/* Each diagnostic as one log line, `FILE:LINE: message`, at warning or
 * error level. */
void daemon_log_diags(const struct diag_list *d);
/* Whether the configuration asks for each subsystem. */
unsigned conf_vrrp_instances(const struct halo_config *cfg);
unsigned conf_virtual_servers(const struct halo_config *cfg);
/* keepalived's child_wait_time, in milliseconds (5000 when not set). */
uint64_t conf_child_wait_ms(const struct halo_config *cfg);

#endif
