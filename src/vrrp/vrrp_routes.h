/* Routes, rules and static addresses the VRRP child holds (vrrp_routes.c).
 *
 * virtual_routes / virtual_rules belong to an instance and follow its VIPs:
 * added on entering MASTER (after the VIPs, so a `src VIP` route finds its
 * address), removed on leaving it (before the VIPs).
 *
 * static_ipaddress / static_routes / static_rules belong to the process:
 * added when the VRRP child starts, diffed on reload, and removed when it
 * stops.  keepalived 2.2.7 removes them on stop even under -V
 * (--dont-release-vrrp, which only covers instance VIPs and routes); halo
 * does the same.
 *
 * Routes and rules are created with protocol "keepalived" (18) unless the
 * line gives `protocol`, as keepalived does, so `ip route show proto
 * keepalived` lists them.  "Already there" on add and "already gone" on
 * delete are not errors. */
#ifndef HALO_VRRP_VRRP_ROUTES_H
#define HALO_VRRP_VRRP_ROUTES_H

#include <stdbool.h>

struct vrrp_engine;
struct vrrp_inst;
struct vrrp_instance_conf;
struct vrrp_model;

void vrrp_routes_all(struct vrrp_inst *v, bool add);
/* Removes the instance's routes and rules left behind by a killed run (it
 * starts BACKUP).  Deletes carry the protocol the lines add with
 * ("keepalived" by default), so a hand-made route or rule with the same
 * destination but another protocol is never touched. */
void vrrp_routes_cleanup_stale(struct vrrp_inst *v);
/* Reload of an instance holding its routes: remove those only in `oldc`,
 * add those only in `newc`. */
void vrrp_routes_reload(struct vrrp_inst *v, const struct vrrp_instance_conf *oldc,
			const struct vrrp_instance_conf *newc);

void vrrp_static_apply(struct vrrp_engine *eng, const struct vrrp_model *m, bool add);
void vrrp_static_reload(struct vrrp_engine *eng, const struct vrrp_model *oldm,
			const struct vrrp_model *newm);

#endif
