/* VRRP state machine (RFC 3768 / RFC 5798 / RFC 9568 §6.4, plus keepalived's
 * FAULT and STOP states), pure.
 *
 * The caller owns the clock, the sockets and the kernel.  It feeds events
 * with its monotonic "now" in µs; vrrp_fsm_handle() updates the machine and
 * returns, in order, the actions to perform (send an advert, add VIPs, arm a
 * timer at an absolute deadline, notify...).  Timers are deadlines stored in
 * the machine; the caller fires VRRP_EV_MASTER_DOWN_TIMER / ADVER_TIMER when
 * its clock reaches them, and a stale or early firing is ignored and counted,
 * so a loop that forgets to cancel a timer cannot cause a transition.
 *
 * Decisions (see vrrp_fsm.c for the RFC references):
 * - Start-up: the address owner (priority 255) goes MASTER at once if it
 *   preempts or has the `state MASTER` hint (keepalived treats an owner
 *   without `nopreempt` as `state MASTER`); everyone else starts BACKUP with
 *   the full Master_Down_Interval.  For a non-owner the `state MASTER` hint
 *   changes nothing, as in keepalived 2.x: the election decides.
 * - Leaving FAULT follows the same rule as start-up.
 * - Backup tie on equal priority: the advert is accepted (timer reset), per
 *   RFC §6.4.2 ("greater than or equal"); the address tie-break is applied by
 *   a MASTER (§6.4.3), which is where two simultaneous masters resolve.
 * - preempt_delay (keepalived): the first lower-priority advert seen in
 *   BACKUP starts a window of preempt_delay during which lower-priority
 *   adverts still reset the down timer; once it has passed they are
 *   discarded and the down timer runs out.  An advert of priority >= ours
 *   closes the window.  It never delays a take-over from a dead master, so
 *   no separate timer event is needed.
 * - MASTER receiving a lower-priority advert (RFC 9568 §6.4.3): discard and
 *   send an advert at once (`lower_prio_readvert`, default on; keepalived's
 *   `lower_prio_no_advert` turns it off) and GARP/NA (`lower_prio_garp`,
 *   default on).  The Adver_Timer is not reset.
 * - The owner is never preempted: as MASTER it can only lose a tie against
 *   another owner with a higher address. */
#ifndef HALO_VRRP_FSM_H
#define HALO_VRRP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

#define VRRP_PRIO_OWNER 255
#define VRRP_PRIO_STOP 0

enum vrrp_state {
	VRRP_STATE_INIT = 0,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
	VRRP_STATE_STOP,
	VRRP_STATE__COUNT,
};

enum vrrp_event_type {
	VRRP_EV_STARTUP = 0,
	VRRP_EV_MASTER_DOWN_TIMER,
	VRRP_EV_ADVER_TIMER,
	VRRP_EV_ADV_RECEIVED,     /* a decoded, validated advert for this instance */
	VRRP_EV_SHUTDOWN,
	VRRP_EV_FAULT,            /* interface down, or a weight-0 tracker failing */
	VRRP_EV_FAULT_CLEARED,
	VRRP_EV_PRIORITY_CHANGED, /* tracker weights moved the effective priority */
	VRRP_EV_VIP_DELETED,      /* someone removed one of a MASTER's VIPs */
	VRRP_EV__COUNT,
};

struct vrrp_event {
	enum vrrp_event_type type;
	union {
		struct {
			uint8_t priority;
			struct halo_addr src;  /* sender's primary address (IP source) */
			uint64_t interval_us;  /* vrrp_adv_interval_us() of the advert */
		} adv;
		struct {
			uint8_t priority;      /* new effective priority, 1-255 */
		} prio;
	};
};

/* Why the last transition happened (for logs, status and SNMP-like views). */
enum vrrp_reason {
	VRRP_REASON_NONE = 0,
	VRRP_REASON_STARTUP,
	VRRP_REASON_OWNER,            /* priority 255 at start-up / fault recovery */
	VRRP_REASON_MASTER_DOWN,      /* Master_Down_Timer ran out, no master heard */
	VRRP_REASON_MASTER_RESIGNED,  /* ... after the master sent priority 0 */
	VRRP_REASON_PREEMPT,          /* ... after discarding a lower-priority master */
	VRRP_REASON_HIGHER_PRIORITY,  /* MASTER heard a higher priority */
	VRRP_REASON_HIGHER_ADDRESS,   /* MASTER heard equal priority from a higher address */
	VRRP_REASON_FAULT,
	VRRP_REASON_FAULT_CLEARED,
	VRRP_REASON_SHUTDOWN,
	VRRP_REASON_VIP_DELETED,      /* MASTER -> BACKUP: a tracked VIP was removed */
	VRRP_REASON__COUNT,
};

enum vrrp_action_type {
	VRRP_ACT_SEND_ADVERT = 0,         /* advert with the current effective priority */
	VRRP_ACT_SEND_ADVERT_PRIO0,       /* resignation advert, priority 0 */
	VRRP_ACT_ADD_VIPS,
	VRRP_ACT_REMOVE_VIPS,
	VRRP_ACT_SEND_GARP,               /* GARP / unsolicited NA for every VIP; see .garp */
	VRRP_ACT_ARM_ADVER_TIMER,         /* at .deadline_us */
	VRRP_ACT_CANCEL_ADVER_TIMER,
	VRRP_ACT_ARM_MASTER_DOWN_TIMER,   /* at .deadline_us */
	VRRP_ACT_CANCEL_MASTER_DOWN_TIMER,
	VRRP_ACT_NOTIFY,                  /* .prev_state -> .state, because .reason */
	VRRP_ACT__COUNT,
};

/* Which GARP schedule the caller applies (keepalived: garp_master_* at
 * take-over, garp_lower_prio_* after a lower-priority advert). */
enum vrrp_garp_kind {
	VRRP_GARP_TAKEOVER = 0,
	VRRP_GARP_LOWER_PRIO,
};

struct vrrp_action {
	enum vrrp_action_type type;
	uint64_t deadline_us;      /* ARM_* */
	enum vrrp_garp_kind garp;  /* SEND_GARP */
	enum vrrp_state state;     /* NOTIFY: new state */
	enum vrrp_state prev_state;/* NOTIFY */
	enum vrrp_reason reason;   /* NOTIFY */
};

#define VRRP_ACTIONS_MAX 16
struct vrrp_actions {
	size_t n;
	struct vrrp_action v[VRRP_ACTIONS_MAX];
};

/* Plain parameters of one instance (the runtime fills them from its config). */
struct vrrp_fsm_config {
	uint8_t version;             /* 2 or 3 */
	uint8_t priority;            /* base priority 1-255 */
	uint64_t adver_int_us;       /* our Advertisement_Interval */
	struct halo_addr primary;    /* our primary address: tie-break, own-advert check */
	bool preempt;                /* false = keepalived `nopreempt` */
	uint64_t preempt_delay_us;   /* keepalived `preempt_delay`, 0 = none */
	bool init_master;            /* keepalived `state MASTER` (see decisions above) */
	bool lower_prio_readvert;    /* RFC 9568 re-advert, default true */
	bool lower_prio_garp;        /* GARP/NA with that re-advert, default true */
	bool higher_prio_send_advert;/* keepalived option, default false */
	uint8_t down_timer_adverts;  /* keepalived option, default 3 */
	/* Adverts on a phase (vrrp_timer.h, large configurations only): as
	 * MASTER the Adver_Timer runs to the next instant of adver_phase_us
	 * within the interval - one interval after the deadline just served,
	 * never more than one interval after the advert just sent.  false:
	 * the RFC's plain now + Advertisement_Interval. */
	bool adver_phased;
	uint64_t adver_phase_us;
};

struct vrrp_fsm_counters {
	uint64_t transitions;
	uint64_t became_master;
	uint64_t released_master;    /* left MASTER for any reason */
	uint64_t adverts_received;   /* ADV_RECEIVED events processed */
	uint64_t adverts_sent;       /* SEND_ADVERT actions emitted */
	uint64_t prio0_received;
	uint64_t prio0_sent;
	uint64_t lower_prio_discarded; /* lower-priority adverts discarded (BACKUP or MASTER) */
	uint64_t readverts;          /* RFC 9568 re-adverts sent as MASTER */
	uint64_t preempt_delayed;    /* lower-priority adverts accepted inside preempt_delay */
	uint64_t own_adverts;        /* adverts from our own primary address, ignored */
	uint64_t stale_timers;       /* timer events with no armed or due deadline */
	uint64_t ignored_events;     /* events not expected in the current state */
	uint64_t ignored_by_event[VRRP_EV__COUNT];
};

struct vrrp_fsm {
	struct vrrp_fsm_config cfg;
	enum vrrp_state state;
	uint8_t priority;               /* effective priority */
	uint64_t master_adver_int_us;   /* Master_Adver_Interval (learnt in v3 BACKUP) */
	uint64_t adver_timer_us;        /* absolute deadline, 0 = not armed */
	uint64_t master_down_timer_us;  /* absolute deadline, 0 = not armed */
	uint64_t preempt_until_us;      /* preempt_delay window end, 0 = closed */
	struct halo_addr master_addr;   /* current master (ours when MASTER) */
	uint8_t master_priority;
	enum vrrp_reason takeover_reason; /* reason the running down timer would give */
	enum vrrp_state prev_state;
	enum vrrp_reason last_reason;
	uint64_t last_transition_us;
	struct vrrp_fsm_counters counters;
};

/* Defaults: v2, priority 100, 1 s, preempt on, RFC 9568 re-advert and GARP
 * on, higher_prio_send_advert off, 3 down-timer adverts. */
void vrrp_fsm_config_default(struct vrrp_fsm_config *cfg);

/* Reset the machine to INIT with `cfg` (copied).  Counters start at zero. */
void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg);

/* Feed one event.  `out` is overwritten with the actions to perform, in
 * order.  Returns true if the event was acted on, false if it was ignored
 * (unexpected in this state, stale timer, own advert); ignoring is counted
 * and never fatal. */
bool vrrp_fsm_handle(struct vrrp_fsm *fsm, const struct vrrp_event *ev, uint64_t now_us,
		     struct vrrp_actions *out);

/* Earliest armed deadline, or 0 if none. */
uint64_t vrrp_fsm_next_deadline(const struct vrrp_fsm *fsm);

/* Current Skew_Time and Master_Down_Interval (our priority, the current
 * Master_Adver_Interval), in µs. */
uint64_t vrrp_fsm_skew_time_us(const struct vrrp_fsm *fsm);
uint64_t vrrp_fsm_master_down_interval_us(const struct vrrp_fsm *fsm);

const char *vrrp_state_str(enum vrrp_state s);   /* "INIT", "BACKUP", "MASTER", "FAULT", "STOP" */
const char *vrrp_event_str(enum vrrp_event_type e); /* "startup", "master_down_timer", ... */
const char *vrrp_reason_str(enum vrrp_reason r);  /* "master_down", "higher_priority", ... */
const char *vrrp_action_str(enum vrrp_action_type a); /* "send_advert", ... */

#endif
