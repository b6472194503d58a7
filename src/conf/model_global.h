/* global_defs and the root-level keywords. */
#ifndef HALO_CONF_MODEL_GLOBAL_H
#define HALO_CONF_MODEL_GLOBAL_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/kw.h"

struct global_conf {
	char *router_id;
	bool enable_script_security;
	char *script_user;
	char *script_group;
	/* Filled in by the global_defs owner. */
};

#endif
