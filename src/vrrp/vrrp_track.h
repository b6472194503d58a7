/* Tracking math for VRRP instances (pure: no I/O, no clock, no loop).
 *
 * An instance tracks scripts, interfaces, files, processes and BFD
 * sessions.  Each tracked object gives a result; each reference to it from
 * an instance carries a weight and a reverse flag.  From those this module
 * computes, exactly as keepalived.conf(5) describes:
 *
 *  - FAULT: a weight-0 tracker that is failing (a script, interface,
 *    process or BFD session that is down, or up with `reverse`; a file
 *    with a non-zero value, or zero with `reverse`), or a weighted file
 *    whose value x weight (negated by reverse) is below -253.
 *  - The effective priority: base + the sum of every contribution,
 *    clamped to 1..254.  The address owner (base 255) always stays 255:
 *    weights never move it (faults still apply).
 *      up/down trackers:  weight W > 0 adds W while up,
 *                         weight W < 0 adds W (subtracts |W|) while down,
 *                         reverse flips the sign of the adjustment (W > 0
 *                         reverse: subtracts W while up; W < 0 reverse:
 *                         adds |W| while down).
 *      files:             value x W, negated by reverse.
 *
 * The runtime feeds results (vrrp_track_set_up / set_value), then calls
 * vrrp_track_eval(), which says whether the fault flag or the effective
 * priority moved since the last evaluation: the engine turns that into
 * VRRP_EV_FAULT / VRRP_EV_FAULT_CLEARED / VRRP_EV_PRIORITY_CHANGED.
 *
 * Script hysteresis (rise/fall) is per vrrp_script, shared by every
 * instance that tracks it, so it lives in its own small struct
 * (vrrp_script_state) fed by the scheduler in vrrp_trackers.c. */
#ifndef HALO_VRRP_TRACK_H
#define HALO_VRRP_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "vrrp/vrrp_fsm.h"

struct vrrp_instance_conf;
struct vrrp_sync_group_conf;
struct vrrp_model;

/* The lowest result a weighted track_file may give before it means FAULT. */
#define VRRP_TRACK_FILE_MIN (-253)
#define VRRP_TRACK_PRIO_MIN 1
#define VRRP_TRACK_PRIO_MAX 254

enum vrrp_track_kind {
	VRRP_TRACK_SCRIPT,
	VRRP_TRACK_INTERFACE,
	VRRP_TRACK_FILE,
	VRRP_TRACK_PROCESS,
	VRRP_TRACK_BFD,
	VRRP_TRACK__COUNT,
};

/* "script", "interface", "file", "process", "bfd". */
const char *vrrp_track_kind_name(enum vrrp_track_kind k);

/* ---- vrrp_script hysteresis ---------------------------------------------- */

/* keepalived semantics, as halo reads keepalived.conf(5):
 *  - Without init_fail the script is presumed up but unconfirmed: its
 *    FIRST result decides at once (one failure is enough to go down, one
 *    success confirms up), whatever rise and fall say.
 *  - With init_fail it starts down (confirmed) and needs `rise`
 *    consecutive successes to go up.
 *  - Once confirmed: `fall` consecutive failures take an up script down,
 *    `rise` consecutive successes take a down script up; a result that
 *    agrees with the current state resets the opposite count.
 *  - A run that times out, is killed or cannot start is a failure (the
 *    scheduler decides that, this struct only sees ok / not ok). */
struct vrrp_script_state {
	int rise, fall;      /* >= 1 */
	bool up;
	bool confirmed;      /* false until the first result (no init_fail) */
	int streak;          /* consecutive results against the current state */
	uint64_t successes, failures;
};

void vrrp_script_state_init(struct vrrp_script_state *s, int rise, int fall, bool init_fail);
/* Feeds one result; returns true when `up` changed. */
bool vrrp_script_state_feed(struct vrrp_script_state *s, bool ok);

/* ---- per-instance tracker set -------------------------------------------- */

struct vrrp_tracker {
	const char *name;     /* borrowed (config arena) */
	enum vrrp_track_kind kind;
	int weight;           /* resolved: the reference's, else the object's */
	bool reverse;
	bool up;              /* script / interface / process / bfd */
	int64_t value;        /* file: the integer read */
};

/* Why a tracker contributes what it does. */
struct vrrp_track_contrib {
	int64_t contribution; /* added to the base priority (0 when faulting) */
	bool faulting;        /* this tracker alone puts the instance in FAULT */
};

struct vrrp_track_set {
	struct vrrp_tracker *t;
	size_t n, cap;
	int base_priority;    /* the configured priority, 1..255 */
	/* Last evaluated outcome (what the engine was told). */
	bool fault;
	int priority;
};

/* Result of one evaluation, relative to the previous one. */
struct vrrp_track_change {
	bool fault_changed;
	bool fault;           /* now */
	bool prio_changed;
	int old_priority;
	int priority;         /* now: the effective priority, 1..255 */
};

/* Starts with no trackers, not in fault, priority = base. */
void vrrp_track_set_init(struct vrrp_track_set *s, int base_priority);
void vrrp_track_set_free(struct vrrp_track_set *s);

/* Adds a tracker; it starts `up` (value 0 for files).  Returns its index,
 * or -1 when out of memory. */
int vrrp_track_add(struct vrrp_track_set *s, enum vrrp_track_kind kind, const char *name,
		   int weight, bool reverse);
/* Index of the tracker kind/name, or -1. */
int vrrp_track_find(const struct vrrp_track_set *s, enum vrrp_track_kind kind, const char *name);

/* Adds every track_script / track_interface / track_file / track_process /
 * track_bfd reference of an instance, in that order.  A reference without
 * its own weight takes the tracked object's weight and reverse flag when
 * the model defines it (validation normally copied them already).  Scripts
 * with init_fail start down.  The instance's own interface is not added:
 * the engine tracks it (dont_track_primary).  Returns 0 or -1 (ENOMEM). */
int vrrp_track_set_from_conf(struct vrrp_track_set *s, const struct vrrp_model *m,
			     const struct vrrp_instance_conf *ic);

/* Adds a sync group's track_* references to a member instance's set, the
 * same way: keepalived applies a group's trackers to every member (with
 * weights only under sync_group_tracking_weight, which validation
 * enforces).  Returns 0 or -1 (ENOMEM). */
int vrrp_track_set_add_group(struct vrrp_track_set *s, const struct vrrp_model *m,
			     const struct vrrp_sync_group_conf *g);

/* Setting a result; these never evaluate.  Out-of-range indexes are
 * ignored.  set_up on a file tracker is ignored, as is set_value on
 * anything else. */
void vrrp_track_set_up(struct vrrp_track_set *s, int idx, bool up);
void vrrp_track_set_value(struct vrrp_track_set *s, int idx, int64_t value);
/* Sets every tracker kind/name (an instance may list a name once per
 * kind, but this keeps callers simple).  Returns how many matched. */
int vrrp_track_set_up_by_name(struct vrrp_track_set *s, enum vrrp_track_kind kind,
			      const char *name, bool up);
int vrrp_track_set_value_by_name(struct vrrp_track_set *s, const char *name, int64_t value);

/* A vrrp_track_process result: up when quorum <= count <= quorum_max. */
bool vrrp_track_process_up(int count, int quorum, int quorum_max);

struct track_process_conf;
/* Does a process match a vrrp_track_process block?  `comm` is the
 * process name (/proc/PID/comm, at most 15 characters), argv its command
 * line (/proc/PID/cmdline; may be NULL with argc 0 for kernel threads).
 *  - The name: with full_command, argv[0] must equal process[0]; else
 *    comm must equal process[0] (only its first 15 characters when it is
 *    longer: the kernel truncates names).
 *  - The parameters (process[1..], checked when some are configured or
 *    param_match is given) against argv[1..]: exact (the default) needs
 *    the same count and equal words; `partial` needs the configured words
 *    first, more may follow; `initial` is exact except that the last word
 *    needs only to start with the configured one.
 * Pure; vrrp_trackers.c feeds it from /proc. */
bool vrrp_track_process_match(const struct track_process_conf *c, const char *comm,
			      char *const *argv, size_t argc);

/* The contribution of one tracker (rules in the header comment). */
struct vrrp_track_contrib vrrp_track_contribution(const struct vrrp_tracker *t);

/* Computes fault and effective priority without changing the set. */
void vrrp_track_compute(const struct vrrp_track_set *s, bool *fault, int *priority);

/* Computes, stores, and says what changed since the last call (the first
 * call compares with the initial "no fault, base priority"). */
struct vrrp_track_change vrrp_track_eval(struct vrrp_track_set *s);

/* ---- explanation ("why is this node BACKUP?") ----------------------------- */

/* A JSON array, one object per tracker, in set order:
 *   {"name":"chk_nginx","kind":"script","result":"down","weight":-20,
 *    "reverse":false,"contribution":-20,"fault":false}
 * "result" is "up" / "down", or the integer value for files (a JSON int).
 * Returns a new reference, NULL when out of memory. */
json_object *vrrp_track_explain_json(const struct vrrp_track_set *s);

/* The whole picture for one instance:
 *   {"base_priority":100,"effective_priority":80,"fault":false,
 *    "owner":false,"trackers":[...]} */
json_object *vrrp_track_status_json(const struct vrrp_track_set *s);

/* ---- sync groups ----------------------------------------------------------- */

/* What one member of a sync group must do after a change in the group. */
enum vrrp_sync_action {
	VRRP_SYNC_NONE,
	VRRP_SYNC_TO_FAULT,     /* feed VRRP_EV_FAULT: another member is in fault */
	VRRP_SYNC_FAULT_CLEARED,/* feed VRRP_EV_FAULT_CLEARED: no member has its own fault */
	VRRP_SYNC_TO_BACKUP,    /* leave MASTER: the trigger went BACKUP */
	VRRP_SYNC_TO_MASTER,    /* take over: the trigger went MASTER */
};

/* "none", "fault", "fault-cleared", "backup", "master". */
const char *vrrp_sync_action_name(enum vrrp_sync_action a);

struct vrrp_sync_member {
	enum vrrp_state state; /* current FSM state */
	bool own_fault;        /* its own trackers / interface say FAULT */
};

/* keepalived's sync-group rules, pure:
 *  - If any member has its own fault, every member not already in FAULT
 *    goes FAULT (the group fails together).
 *  - Otherwise members in FAULT (held there by the group) get
 *    FAULT_CLEARED; and when `trigger` (the member that just changed
 *    state, or -1) is MASTER, BACKUP members follow it to MASTER; when it
 *    is BACKUP, MASTER members follow it to BACKUP.
 * out[] gets one action per member; returns how many are not NONE. */
size_t vrrp_sync_plan(const struct vrrp_sync_member *m, size_t n, int trigger,
		      enum vrrp_sync_action *out);

#endif
