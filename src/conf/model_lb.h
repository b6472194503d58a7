/* Load-balancer side of the configuration model. */
#ifndef HALO_CONF_MODEL_LB_H
#define HALO_CONF_MODEL_LB_H

#include "conf/kw.h"
#include "core/arena.h"

struct lb_model {
	int placeholder; /* filled in by the load-balancer model owner */
};

#endif
