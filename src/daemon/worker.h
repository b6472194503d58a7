/* The shell of a child process (`halod --child=vrrp|lb`): everything a
 * subsystem process needs besides its engine.
 *
 * In order: die with the parent (PR_SET_PDEATHSIG, then a check that the
 * parent did not die before that), log as "halod[vrrp]", take its own pid
 * file, load the configuration, open its libuv loop and the channel to the
 * supervisor (fd 3), hand everything to vrrp_child_main()/lb_child_main()
 * (core/engine.h), and run.
 *
 * Signals: SIGHUP re-reads the file (a file with errors is refused and the
 * running configuration kept); SIGTERM, or the channel closing, stops the
 * engine and exits 0 within a bounded time; SIGINT is ignored (a Ctrl-C in
 * the foreground reaches the whole process group, and the supervisor
 * stops the children itself, in order); SIGUSR1, SIGUSR2 and the
 * STATS_CLEAR and JSON real-time signals go to the engine's dump hooks.
 *
 * Channel commands: "status", "ping", "debug" {"mask": N}. */
#ifndef HALO_DAEMON_WORKER_H
#define HALO_DAEMON_WORKER_H

#include "daemon/cli.h"

/* Runs the child `o->child`; returns the process exit status:
 * 0 clean stop, 1 start-up failure (pid file, loop), 2 the engine refused
 * to start, 3 the configuration is unusable. */
int worker_main(const struct cli_opts *o);

#endif
