/* The interface between a child process's shell and the engine it runs.
 *
 * The supervisor starts each subsystem as its own process (`halod
 * --child=vrrp`).  The shell of that process (src/daemon/worker.c) does
 * what every child needs: parent-death signal, its pid file, its libuv
 * loop, loading the configuration, signals, the channel to the parent,
 * reload and a bounded stop.  The engine (the VRRP protocol, the load
 * balancer) only implements the hooks below.  vrrp_child_main() and
 * lb_child_main() receive a `struct engine_env` with everything loaded and
 * fill in `ops` and `engine`; the shell then runs the loop.
 *
 * Contract:
 *  - Every hook runs on the loop thread; none may block.
 *  - `cfg` is immutable.  On reload the shell has already read and
 *    validated the new file; reload() adopts `newcfg` (keeping runtime
 *    state for what did not change: no flaps) and must stop pointing into
 *    the old one, which the shell frees right after reload() returns.
 *  - stop() starts an orderly shutdown (priority-0 adverts, VIP removal
 *    unless dont_release, ...) and calls done(env) once finished.  The
 *    shell exits anyway after a bounded time.
 *  - status() adds the engine's fields to the child's status object. */
#ifndef HALO_CORE_ENGINE_H
#define HALO_CORE_ENGINE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <uv.h>

struct halo_config; /* conf/conf.h; the shell owns it */
struct engine_env;

struct engine_ops {
	void (*reload)(void *engine, const struct halo_config *newcfg);
	void (*status)(void *engine, json_object *result);
	void (*stop)(void *engine, void (*done)(struct engine_env *env));
	/* Optional (NULL: logged as not available yet). */
	void (*dump_data)(void *engine);              /* SIGUSR1 */
	void (*dump_stats)(void *engine, bool clear); /* SIGUSR2, STATS_CLEAR */
	void (*dump_json)(void *engine);              /* the JSON signal */
	/* Frees the engine after stop() has completed (or timed out). */
	void (*destroy)(void *engine);
};

struct engine_env {
	const char *name;              /* "vrrp" | "lb" */
	uv_loop_t *loop;
	const struct halo_config *cfg; /* current configuration */
	const char *config_file;       /* absolute path */
	const char *config_id;         /* -i, or NULL */
	bool all_config;               /* -e */
	/* -V for the VRRP engine, -I for the LB engine: leave kernel state
	 * (VIPs and routes / IPVS or nftables entries) in place on stop. */
	bool dont_release;
	/* Filled in by the engine's *_child_main(). */
	const struct engine_ops *ops;
	void *engine;
};

#endif
