/* The load-balancer child process's engine entry point (checkers, IPVS or
 * nftables data plane, quorum).  Same contract as vrrp_child_main(): the
 * shell in src/daemon/worker.c has loaded everything; this creates the
 * engine and registers its hooks (core/engine.h).  Returns 0 or -1. */
#ifndef HALO_LB_LB_MAIN_H
#define HALO_LB_LB_MAIN_H

#include "core/engine.h"

int lb_child_main(struct engine_env *env);

#endif
