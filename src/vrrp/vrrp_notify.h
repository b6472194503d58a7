/* VRRP notifications: notify scripts and notify FIFO lines, per instance
 * and per sync group, strictly in transition order.
 *
 * Each target (an instance or a sync group) has its own proc_queue, so its
 * scripts run one after another in the order the transitions happened
 * (keepalived can run them out of order; halo does not), while different
 * targets run concurrently.  On a transition to MASTER, BACKUP, FAULT or
 * STOP, vrrp_notify_transition():
 *
 *  1. writes the FIFO line (`INSTANCE "VI_1" MASTER 100` /
 *     `GROUP "VG_1" MASTER 0`, core/notify_fifo.h) to the global
 *     notify_fifo and to vrrp_notify_fifo, each when configured;
 *  2. queues notify_<state> when configured, run as configured;
 *  3. queues `notify` when configured, with four arguments appended:
 *     INSTANCE|GROUP, the name, the state word, the priority (the
 *     effective priority for an instance, 0 for a group), as keepalived
 *     does: `notify` always runs after the notify_<state> script.
 *
 * Scripts run as `USER [GROUP]` from their own keyword, else the global
 * script_user / keepalived_script (resolved once, at setup, so the loop
 * never asks the name service).  With enable_script_security a script
 * that core/scriptsec.h calls insecure is refused at setup with ONE error
 * line (kept in vrrp_notify_last_refusal()) and never run; the refusal is
 * counted each time it would have run.  Each run has a timeout
 * (VRRP_NOTIFY_DEFAULT_TIMEOUT_US unless set).  A full queue drops its
 * oldest pending job (proc_queue.h), counted as dropped. */
#ifndef HALO_VRRP_NOTIFY_H
#define HALO_VRRP_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "conf/model_global.h"
#include "conf/model_vrrp.h"
#include "core/notify_fifo.h"
#include "vrrp/vrrp_fsm.h"

#define VRRP_NOTIFY_DEFAULT_TIMEOUT_US (30u * 1000000u)

struct vrrp_notify_opts {
	uv_loop_t *loop;
	const struct global_conf *global; /* script user/security, FIFOs; may be NULL */
	uint64_t timeout_us;              /* per script; 0: VRRP_NOTIFY_DEFAULT_TIMEOUT_US */
	size_t max_pending;               /* per target queue; 0: proc_queue default */
	bool open_fifos;                  /* open global notify_fifo / vrrp_notify_fifo */
};

struct vrrp_notify_stats {
	uint64_t transitions;   /* vrrp_notify_transition() calls */
	uint64_t queued;        /* scripts queued */
	uint64_t run;           /* scripts that ran (any outcome but dropped/cancelled) */
	uint64_t failed;        /* ran but did not exit 0, timed out, or failed to start */
	uint64_t dropped;       /* dropped from a full queue, or cancelled at free */
	uint64_t refused;       /* not run: refused by script security */
	uint64_t fifo_lines;    /* FIFO lines written */
	uint64_t fifo_dropped;  /* FIFO lines dropped (pipe full) */
};

struct vrrp_notify;

/* Opens the FIFOs when asked.  Returns NULL with a message in err. */
struct vrrp_notify *vrrp_notify_new(const struct vrrp_notify_opts *o, char *err, size_t errlen);

/* Registers a target; returns its handle (>= 0) or -1 with err set
 * (unknown script user, out of memory).  The conf must outlive the
 * notifier (names and commands are borrowed). */
/* Does this instance have anything to notify: a script, or a FIFO to
 * write lines to?  Without, it needs no target (memory at scale). */
bool vrrp_notify_instance_needed(const struct vrrp_notify *n, const struct vrrp_instance_conf *ic);
int vrrp_notify_add_instance(struct vrrp_notify *n, const struct vrrp_instance_conf *ic,
			     char *err, size_t errlen);
int vrrp_notify_add_group(struct vrrp_notify *n, const struct vrrp_sync_group_conf *g,
			  char *err, size_t errlen);

/* Records a transition of target `h` to `state` (MASTER, BACKUP, FAULT or
 * STOP; other states are ignored and return -1) at `priority`. */
int vrrp_notify_transition(struct vrrp_notify *n, int h, enum vrrp_state state, int priority);

/* The other notifications, by their FIFO word (core/notify_fifo.h):
 *  - NOTIFY_DELETED (an instance removed by a reload): with
 *    `notify_deleted` configured, writes DELETED, runs the notify_deleted
 *    script if one is given and `notify ... DELETED prio`; otherwise it is
 *    a FAULT transition, as in keepalived.
 *  - NOTIFY_MASTER_RX_LOWER_PRI (a master heard a lower priority;
 *    instances only): the FIFO line and notify_master_rx_lower_pri; the
 *    `notify` script is not called (its states are the five above).
 *  - NOTIFY_MASTER_PRIORITY / NOTIFY_BACKUP_PRIORITY (the effective
 *    priority moved): a FIFO line only, and only with
 *    notify_priority_changes (the instance's, else the global
 *    vrrp_notify_priority_changes).
 * Returns -1 for another word or an unknown handle. */
int vrrp_notify_event(struct vrrp_notify *n, int h, enum notify_vrrp_state ev, int priority);

/* Called once each time target h's queue becomes idle (all its scripts
 * done): lets the stop path wait for its STOP notifications. */
void vrrp_notify_set_idle_cb(struct vrrp_notify *n, int h, void (*idle)(void *arg), void *arg);

void vrrp_notify_stats(const struct vrrp_notify *n, struct vrrp_notify_stats *out);
/* The same counts for one instance or group (handle h); -1 if unknown. */
int vrrp_notify_target_stats(const struct vrrp_notify *n, int h, struct vrrp_notify_stats *out);
/* The message of the last refusal by script security, or "". */
const char *vrrp_notify_last_refusal(const struct vrrp_notify *n);

/* Closes FIFOs (removing those it created) and frees the queues: pending
 * scripts are cancelled, running ones left to finish (or terminated when
 * `terminate`).  Keep running the loop until they are reaped. */
void vrrp_notify_free(struct vrrp_notify *n, bool terminate);

#endif
