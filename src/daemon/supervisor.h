/* The supervisor: halod's parent process.
 *
 * It reads and validates the configuration once (refusing to start when it
 * is unusable, running with it when it only has errors, as keepalived
 * does), takes its pid file, daemonises unless -n, opens the control
 * socket, starts one child per configured subsystem (core/engine.h,
 * daemon/worker.h), restarts dead children with back-off, and relays
 * signals:
 *   SIGHUP            reload: parse and validate again; a file with errors
 *                     is refused and the running configuration kept;
 *                     otherwise children get SIGHUP
 *   SIGTERM, SIGINT   stop: the VRRP child first (its priority-0 adverts
 *                     hand the VIPs to the backup while the local services
 *                     still answer), then the LB child; each gets SIGTERM
 *                     and child_wait_time (default 5 s) before SIGKILL
 *   SIGUSR1           forwarded to both children (data dumps)
 *   SIGUSR2, STATS_CLEAR and JSON signals   forwarded to the VRRP child
 * systemd (Type=notify) hears READY=1, RELOADING=1, STOPPING=1, STATUS=. */
#ifndef HALO_DAEMON_SUPERVISOR_H
#define HALO_DAEMON_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <uv.h>

#include "core/pidfile.h"
#include "daemon/child.h"
#include "daemon/cli.h"
#include "daemon/confload.h"

struct ctl_server;
struct status_req;

#define SUP_NCHILDREN 2 /* index = stop order: VRRP first, then LB */
#define SUP_MAX_MESSAGES 50
#define SUP_NSIGNALS 7

/* The outcome of the last reload, for `status`. */
struct reload_record {
	bool done; /* false until the first reload */
	time_t time;
	bool ok;
	unsigned errors, warnings;
	char *messages[SUP_MAX_MESSAGES]; /* heap strings */
	unsigned nmessages;
};

/* The parent process's root object. */
struct supervisor {
	uv_loop_t loop;
	bool loop_inited;
	struct cli_opts opts;       /* with absolute paths */
	char *paths[5];             /* owned absolute path strings */
	const char *socket_path;
	char exe[4096];
	bool console;
	/* Not the configuration itself: the children load it, and the parent
	 * re-reads the file on every reload, so it keeps only what decides
	 * which children run (see daemon/confload.h). */
	struct conf_summary conf;
	struct pidfile pf;
	struct ctl_server *ctl;
	struct child children[SUP_NCHILDREN];
	bool child_inited[SUP_NCHILDREN];
	uv_signal_t sigs[SUP_NSIGNALS];
	uv_timer_t trim_timer;      /* sup_trim_soon() */
	bool stopping;
	int stop_idx;
	int exit_code;
	int ready_fd;
	time_t started_wall;
	uint64_t started_us; /* monotonic */
	struct reload_record last_reload;
	struct status_req *status_reqs; /* control requests waiting on children */
};

/* halod's normal mode; returns the process exit status. */
int supervisor_main(const struct cli_opts *o);

/* Used by the control commands (sup_ctl.c). */
bool sup_reload(struct supervisor *s, const char *trigger);
void sup_stop(struct supervisor *s, int exit_code);
/* daemon_trim_heap() on the next loop iteration, once whatever the current
 * callback's callers still hold (a child's parsed reply) is freed. */
void sup_trim_soon(struct supervisor *s);
/* Why child i (SUP_NCHILDREN order) is not started, for the status reply;
 * NULL when it is wanted.  *name: the subsystem's name ("vrrp", "lb"). */
const char *sup_child_absent_why(const struct supervisor *s, int i, const char **name);

/* sup_ctl.c: the control socket's command table and its pending work. */
const struct ctl_cmd *sup_ctl_table(void);
/* Answers every status request still waiting on children. */
void sup_ctl_flush(struct supervisor *s);
/* The last reload as JSON (null before the first one). */
struct json_object *sup_reload_json(const struct supervisor *s);

#endif
