/* Glue between the running VRRP engine and its tracking / notification
 * building blocks:
 *
 *   vrrp_track.c     the pure tracker set of each instance (weights, FAULT)
 *   vrrp_trackers.c  vrrp_script runs, track_file, track_process
 *   vrrp_notify.c    notify scripts and notify FIFO lines, in order
 *   core/smtp.c      SMTP alerts, asynchronous
 *
 * One `struct vrrp_tracking` per engine.  Each instance owns its tracker
 * set (struct vrrp_inst.ts); every tracker result is fed into the sets
 * that reference it, each set is evaluated, and what moved becomes
 * VRRP_EV_PRIORITY_CHANGED or a FAULT / FAULT_CLEARED through
 * vrrp_inst_set_fault().  Every transition of an instance goes through
 * vrrp_tracking_transition(): notify scripts and FIFO lines, an SMTP alert
 * when smtp_alert is on, and the sync group's rules (vrrp_sync_plan). */
#ifndef HALO_VRRP_VRRP_TRACKING_H
#define HALO_VRRP_VRRP_TRACKING_H

#include <json-c/json.h>
#include <stdbool.h>

#include "vrrp/vrrp_fsm.h"

struct vrrp_engine;
struct vrrp_inst;
struct vrrp_instance_conf;
struct vrrp_model;
struct halo_config;
struct engine_env;

/* Sets up the notifier and the SMTP client from eng->cfg (before any
 * instance starts, so start-up transitions are notified). */
void vrrp_tracking_new(struct vrrp_engine *eng);
/* Starts the script / file / process trackers (after the instances). */
void vrrp_tracking_run(struct vrrp_engine *eng);

/* Builds the tracker set of a new instance from its config, reads the
 * tracked interfaces' state and registers its notify target.  Before
 * vrrp_inst_start(): the first evaluation sets v->track_fault and the
 * effective priority the instance starts with. */
void vrrp_tracking_inst_init(struct vrrp_inst *v);
/* Rebuilds the set for a reloaded instance (v->conf already the new
 * one), keeping the last result of every tracker still referenced. */
void vrrp_tracking_inst_reconf(struct vrrp_inst *v);
void vrrp_tracking_inst_fini(struct vrrp_inst *v);

/* keepalived's sync-group rule: a member whose down timer ran out takes
 * over only when every other member is MASTER or wants to be (its own
 * timer ran out too); otherwise it waits, marked as wanting. */
bool vrrp_tracking_may_take_over(const struct vrrp_inst *v);

/* One transition of `v` (called from the instance's NOTIFY action). */
void vrrp_tracking_transition(struct vrrp_inst *v, enum vrrp_state from, enum vrrp_state to);
/* A MASTER received an advert with a lower priority (not 0) and stays
 * MASTER (the state machine counts it in lower_prio_discarded):
 * notify_master_rx_lower_pri / the FIFO's
 * MASTER_RX_LOWER_PRI line, as keepalived does for every such advert. */
void vrrp_tracking_rx_lower_pri(struct vrrp_inst *v, uint8_t their_priority);

/* A link changed: updates every track_interface on `ifname`. */
/* After a netlink overflow: reads every tracked interface again. */
void vrrp_tracking_resync(struct vrrp_engine *eng);
void vrrp_tracking_link(struct vrrp_engine *eng, const char *ifname, bool usable);

/* Reload, in two halves around the instance diff: begin keeps the running
 * trackers' script states; end starts new trackers for the new config
 * (seeded with those states, so nothing flaps) and frees the old ones. */
void vrrp_tracking_reload_begin(struct vrrp_engine *eng, const struct halo_config *oldcfg);
void vrrp_tracking_reload_end(struct vrrp_engine *eng, const struct vrrp_model *oldm);

/* Engine stop / destroy. */
/* Stop: group STOP notifications, trackers and SMTP closed, then done()
 * once the STOP notify scripts have run (at most 3 s). */
void vrrp_tracking_stop(struct vrrp_engine *eng, void (*done)(struct engine_env *env));
void vrrp_tracking_free(struct vrrp_engine *eng);

/* Status: the instance's "trackers" object (vrrp_track_status_json) and
 * its "notify" counters; the engine's "notify" / "smtp" summaries. */
void vrrp_tracking_inst_status(const struct vrrp_inst *v, json_object *o);
void vrrp_tracking_status(const struct vrrp_engine *eng, json_object *result);

#endif
