/* The load-balancer engine's hooks.  For now the engine holds the
 * configuration and does nothing with it: no checkers and no kernel
 * tables, so a reload can never flap anything.  The data plane and the
 * checkers plug in here: build services in lb_child_main(), diff them in
 * reload(), remove kernel entries (unless -I) in stop(). */
#include "lb/lb_main.h"

#include <stdlib.h>

#include "core/log.h"

struct lb_engine {
	struct engine_env *env;
	const struct halo_config *cfg;
};

static void lb_reload(void *engine, const struct halo_config *newcfg)
{
	struct lb_engine *e = engine;
	e->cfg = newcfg;
	log_debug(LOGC_LB, "configuration adopted");
}

static void lb_status(void *engine, json_object *result)
{
	(void)engine;
	(void)result;
}

static void lb_stop(void *engine, void (*done)(struct engine_env *env))
{
	struct lb_engine *e = engine;
	done(e->env);
}

static void lb_destroy(void *engine)
{
	free(engine);
}

static const struct engine_ops lb_ops = {
	.reload = lb_reload,
	.status = lb_status,
	.stop = lb_stop,
	.destroy = lb_destroy,
};

int lb_child_main(struct engine_env *env)
{
	struct lb_engine *e = calloc(1, sizeof(*e));
	if (!e)
		abort();
	e->env = env;
	e->cfg = env->cfg;
	env->ops = &lb_ops;
	env->engine = e;
	return 0;
}
