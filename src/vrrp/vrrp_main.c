/* The VRRP engine's hooks.  For now the engine holds the configuration and
 * does nothing with it: no sockets, no interfaces, so a reload can never
 * flap anything.  The protocol engine (vrrp_instance, vrrp_track, ...)
 * plugs in here: create instances in vrrp_child_main(), diff them in
 * reload(), send priority-0 adverts and release VIPs in stop(). */
#include "vrrp/vrrp_main.h"

#include <stdlib.h>

#include "core/log.h"

struct vrrp_engine {
	struct engine_env *env;
	const struct halo_config *cfg;
};

static void vrrp_reload(void *engine, const struct halo_config *newcfg)
{
	struct vrrp_engine *v = engine;
	v->cfg = newcfg;
	log_debug(LOGC_VRRP, "configuration adopted");
}

static void vrrp_status(void *engine, json_object *result)
{
	(void)engine;
	(void)result;
}

static void vrrp_stop(void *engine, void (*done)(struct engine_env *env))
{
	struct vrrp_engine *v = engine;
	/* Nothing to release yet: no VIPs were added. */
	done(v->env);
}

static void vrrp_destroy(void *engine)
{
	free(engine);
}

static const struct engine_ops vrrp_ops = {
	.reload = vrrp_reload,
	.status = vrrp_status,
	.stop = vrrp_stop,
	.destroy = vrrp_destroy,
};

int vrrp_child_main(struct engine_env *env)
{
	struct vrrp_engine *v = calloc(1, sizeof(*v));
	if (!v)
		abort();
	v->env = env;
	v->cfg = env->cfg;
	env->ops = &vrrp_ops;
	env->engine = v;
	return 0;
}
