/* VRRP side of the configuration model. */
#ifndef HALO_CONF_MODEL_VRRP_H
#define HALO_CONF_MODEL_VRRP_H

#include "conf/kw.h"
#include "core/arena.h"

struct vrrp_model {
	int placeholder; /* filled in by the VRRP model owner */
};

#endif
