/* The VRRP child process's engine entry point.
 *
 * The child's shell (src/daemon/worker.c) has already set up the loop,
 * the pid file, signals and the channel to the supervisor, and loaded the
 * configuration; vrrp_child_main() creates the engine and registers its
 * hooks (core/engine.h).  Returns 0, or -1 after logging why the engine
 * cannot run (the child then exits with status 2). */
#ifndef HALO_VRRP_VRRP_MAIN_H
#define HALO_VRRP_VRRP_MAIN_H

#include "core/engine.h"

int vrrp_child_main(struct engine_env *env);

#endif
