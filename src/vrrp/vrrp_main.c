/* The VRRP child's entry point: creates the engine (vrrp_engine.c), which
 * starts every valid instance, and registers its hooks with the shell. */
#include "vrrp/vrrp_main.h"

#include "vrrp/vrrp_instance.h"

int vrrp_child_main(struct engine_env *env)
{
	struct vrrp_engine *eng = vrrp_engine_new(env);
	env->ops = &vrrp_engine_ops;
	env->engine = eng;
	return 0;
}
