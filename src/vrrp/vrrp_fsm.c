/* VRRP state machine as a table; see vrrp_fsm.h for the decisions.
 *
 * An event is first classified into an input that depends on the event's
 * data and the machine's state (an advert becomes "sender wins", "keep the
 * master", "sender loses" or "resignation"; a start-up becomes "owner" or
 * not).  The table then maps (state, input) to a set of action bits, a next
 * state and a reason.  apply() expands the bits, always in the same order,
 * into the action list the caller executes, and vrrp_fsm_set_state() is the
 * one place a transition is recorded, counted and notified. */
#include "vrrp/vrrp_fsm.h"

#include <string.h>

#include "vrrp/vrrp_timer.h"

/* ---- names ------------------------------------------------------------- */

static const char *const state_names[VRRP_STATE__COUNT] = {
	[VRRP_STATE_INIT] = "INIT",     [VRRP_STATE_BACKUP] = "BACKUP",
	[VRRP_STATE_MASTER] = "MASTER", [VRRP_STATE_FAULT] = "FAULT",
	[VRRP_STATE_STOP] = "STOP",
};

static const char *const event_names[VRRP_EV__COUNT] = {
	[VRRP_EV_STARTUP] = "startup",
	[VRRP_EV_MASTER_DOWN_TIMER] = "master_down_timer",
	[VRRP_EV_ADVER_TIMER] = "adver_timer",
	[VRRP_EV_ADV_RECEIVED] = "adv_received",
	[VRRP_EV_SHUTDOWN] = "shutdown",
	[VRRP_EV_FAULT] = "fault",
	[VRRP_EV_FAULT_CLEARED] = "fault_cleared",
	[VRRP_EV_PRIORITY_CHANGED] = "priority_changed",
	[VRRP_EV_VIP_DELETED] = "vip_deleted",
};

static const char *const reason_names[VRRP_REASON__COUNT] = {
	[VRRP_REASON_NONE] = "none",
	[VRRP_REASON_STARTUP] = "startup",
	[VRRP_REASON_OWNER] = "address_owner",
	[VRRP_REASON_MASTER_DOWN] = "master_down",
	[VRRP_REASON_MASTER_RESIGNED] = "master_resigned",
	[VRRP_REASON_PREEMPT] = "preempt",
	[VRRP_REASON_HIGHER_PRIORITY] = "higher_priority",
	[VRRP_REASON_HIGHER_ADDRESS] = "higher_address",
	[VRRP_REASON_FAULT] = "fault",
	[VRRP_REASON_FAULT_CLEARED] = "fault_cleared",
	[VRRP_REASON_SHUTDOWN] = "shutdown",
	[VRRP_REASON_VIP_DELETED] = "vip_deleted",
};

static const char *const action_names[VRRP_ACT__COUNT] = {
	[VRRP_ACT_SEND_ADVERT] = "send_advert",
	[VRRP_ACT_SEND_ADVERT_PRIO0] = "send_advert_prio0",
	[VRRP_ACT_ADD_VIPS] = "add_vips",
	[VRRP_ACT_REMOVE_VIPS] = "remove_vips",
	[VRRP_ACT_SEND_GARP] = "send_garp",
	[VRRP_ACT_ARM_ADVER_TIMER] = "arm_adver_timer",
	[VRRP_ACT_CANCEL_ADVER_TIMER] = "cancel_adver_timer",
	[VRRP_ACT_ARM_MASTER_DOWN_TIMER] = "arm_master_down_timer",
	[VRRP_ACT_CANCEL_MASTER_DOWN_TIMER] = "cancel_master_down_timer",
	[VRRP_ACT_NOTIFY] = "notify",
};

const char *vrrp_state_str(enum vrrp_state s)
{
	return (unsigned)s < VRRP_STATE__COUNT ? state_names[s] : "UNKNOWN";
}

const char *vrrp_event_str(enum vrrp_event_type e)
{
	return (unsigned)e < VRRP_EV__COUNT ? event_names[e] : "unknown";
}

const char *vrrp_reason_str(enum vrrp_reason r)
{
	return (unsigned)r < VRRP_REASON__COUNT ? reason_names[r] : "unknown";
}

const char *vrrp_action_str(enum vrrp_action_type a)
{
	return (unsigned)a < VRRP_ACT__COUNT ? action_names[a] : "unknown";
}

/* ---- the table ----------------------------------------------------------- */

/* Inputs: events refined by their data and the state. */
enum input {
	IN_STARTUP = 0,
	IN_STARTUP_OWNER,
	IN_DOWN_TIMER,
	IN_ADVER_TIMER,
	IN_ADV_PRIO0,
	IN_ADV_WINS,  /* higher priority, or equal priority from a higher address */
	IN_ADV_KEEP,  /* BACKUP: accept the sender as master although it does not win */
	IN_ADV_LOSES, /* lower (or, as MASTER, equal from a lower address): discard */
	IN_SHUTDOWN,
	IN_FAULT,
	IN_FAULT_CLEARED,
	IN_FAULT_CLEARED_OWNER,
	IN_PRIO_CHANGED,
	IN_VIP_DELETED,
	IN__COUNT,
	IN_NONE, /* swallowed before the table: own advert, stale timer */
};

/* Action bits, expanded by apply() in this order. */
enum {
	A_SET_PRIO = 1u << 0,      /* effective priority from the event */
	A_RESET_MAI = 1u << 1,     /* Master_Adver_Interval = Advertisement_Interval */
	A_NOTE_MASTER = 1u << 2,   /* remember the sender as the current master */
	A_LEARN_INT = 1u << 3,     /* v3: Master_Adver_Interval from the advert */
	A_HIGHER_SEND = 1u << 4,   /* keepalived higher_prio_send_advert (option) */
	A_CANCEL_ADVER = 1u << 5,
	A_PRIO0 = 1u << 6,         /* resignation advert */
	A_REMOVE_VIPS = 1u << 7,
	A_CANCEL_DOWN = 1u << 8,
	A_ADD_VIPS = 1u << 9,
	A_ADVERT = 1u << 10,
	A_GARP = 1u << 11,         /* take-over GARP/NA */
	A_ARM_ADVER = 1u << 12,
	A_READVERT = 1u << 13,     /* RFC 9568 re-advert (option) */
	A_GARP_LOWER = 1u << 14,   /* GARP/NA with the re-advert (option) */
	A_ARM_DOWN = 1u << 15,     /* Master_Down_Timer = Master_Down_Interval */
	A_ARM_SKEW = 1u << 16,     /* Master_Down_Timer = Skew_Time */
	A_MARK_RESIGNED = 1u << 17,
	A_MARK_PREEMPT = 1u << 18,
	A_ADVER_STEP = 1u << 19,   /* with A_ARM_ADVER: step from the deadline served */
};

#define STAY VRRP_STATE__COUNT

struct row {
	bool ok;
	enum vrrp_state next; /* STAY: no transition */
	uint32_t acts;
	enum vrrp_reason reason; /* NONE on a transition: computed by dyn_reason() */
};

#define ROW(n, a, r) { true, (n), (a), (r) }

/* Entering MASTER (RFC 9568 §6.4.1 / §6.4.2): add the VIPs first so the
 * advert and the GARPs announce addresses that already answer. */
#define BECOME_MASTER (A_ADD_VIPS | A_ADVERT | A_GARP | A_ARM_ADVER)
/* Leaving MASTER on a fault or a shutdown: resign so a backup takes over
 * after Skew_Time instead of Master_Down_Interval. */
#define RESIGN (A_CANCEL_ADVER | A_PRIO0 | A_REMOVE_VIPS)

static const struct row table[VRRP_STATE__COUNT][IN__COUNT] = {
	[VRRP_STATE_INIT] = {
		[IN_STARTUP] = ROW(VRRP_STATE_BACKUP, A_RESET_MAI | A_ARM_DOWN, VRRP_REASON_STARTUP),
		[IN_STARTUP_OWNER] = ROW(VRRP_STATE_MASTER, BECOME_MASTER, VRRP_REASON_OWNER),
		[IN_SHUTDOWN] = ROW(VRRP_STATE_STOP, 0, VRRP_REASON_SHUTDOWN),
		[IN_FAULT] = ROW(VRRP_STATE_FAULT, 0, VRRP_REASON_FAULT),
		[IN_PRIO_CHANGED] = ROW(STAY, A_SET_PRIO, VRRP_REASON_NONE),
	},
	[VRRP_STATE_BACKUP] = {
		/* §6.4.2: Master_Down_Timer fires -> send, GARP, -> Master. */
		[IN_DOWN_TIMER] = ROW(VRRP_STATE_MASTER, A_CANCEL_DOWN | BECOME_MASTER,
				      VRRP_REASON_NONE),
		/* §6.4.2: priority 0 -> Master_Down_Timer = Skew_Time. */
		[IN_ADV_PRIO0] = ROW(STAY, A_ARM_SKEW | A_MARK_RESIGNED, VRRP_REASON_NONE),
		/* §6.4.2: !Preempt_Mode or priority >= ours -> learn, reset the timer. */
		[IN_ADV_WINS] = ROW(STAY, A_NOTE_MASTER | A_LEARN_INT | A_ARM_DOWN, VRRP_REASON_NONE),
		[IN_ADV_KEEP] = ROW(STAY, A_NOTE_MASTER | A_LEARN_INT | A_ARM_DOWN, VRRP_REASON_NONE),
		/* §6.4.2: otherwise discard; the running timer will make us master. */
		[IN_ADV_LOSES] = ROW(STAY, A_NOTE_MASTER | A_MARK_PREEMPT, VRRP_REASON_NONE),
		[IN_SHUTDOWN] = ROW(VRRP_STATE_STOP, A_CANCEL_DOWN, VRRP_REASON_SHUTDOWN),
		[IN_FAULT] = ROW(VRRP_STATE_FAULT, A_CANCEL_DOWN, VRRP_REASON_FAULT),
		[IN_PRIO_CHANGED] = ROW(STAY, A_SET_PRIO, VRRP_REASON_NONE),
	},
	[VRRP_STATE_MASTER] = {
		/* §6.4.3: Adver_Timer fires -> send, re-arm. */
		[IN_ADVER_TIMER] = ROW(STAY, A_ADVERT | A_ARM_ADVER | A_ADVER_STEP, VRRP_REASON_NONE),
		/* §6.4.3: priority 0 -> send at once, reset the Adver_Timer. */
		[IN_ADV_PRIO0] = ROW(STAY, A_ADVERT | A_ARM_ADVER, VRRP_REASON_NONE),
		/* §6.4.3: the sender wins -> learn, -> Backup with the down timer. */
		[IN_ADV_WINS] = ROW(VRRP_STATE_BACKUP,
				    A_HIGHER_SEND | A_CANCEL_ADVER | A_REMOVE_VIPS | A_NOTE_MASTER |
					    A_LEARN_INT | A_ARM_DOWN,
				    VRRP_REASON_NONE),
		/* RFC 9568 §6.4.3: discard, advert at once (and our GARP extension). */
		[IN_ADV_LOSES] = ROW(STAY, A_READVERT | A_GARP_LOWER, VRRP_REASON_NONE),
		[IN_SHUTDOWN] = ROW(VRRP_STATE_STOP, RESIGN, VRRP_REASON_SHUTDOWN),
		[IN_FAULT] = ROW(VRRP_STATE_FAULT, RESIGN, VRRP_REASON_FAULT),
		[IN_PRIO_CHANGED] = ROW(STAY, A_SET_PRIO, VRRP_REASON_NONE),
		/* keepalived: a VIP (without no_track) removed behind our back
		 * takes the instance out of MASTER; the addresses come back
		 * when it next becomes MASTER.  Resigning lets a backup take
		 * over after Skew_Time meanwhile. */
		[IN_VIP_DELETED] = ROW(VRRP_STATE_BACKUP, RESIGN | A_RESET_MAI | A_ARM_DOWN,
				       VRRP_REASON_VIP_DELETED),
	},
	[VRRP_STATE_FAULT] = {
		[IN_FAULT_CLEARED] = ROW(VRRP_STATE_BACKUP, A_RESET_MAI | A_ARM_DOWN,
					 VRRP_REASON_FAULT_CLEARED),
		[IN_FAULT_CLEARED_OWNER] = ROW(VRRP_STATE_MASTER, BECOME_MASTER, VRRP_REASON_OWNER),
		[IN_SHUTDOWN] = ROW(VRRP_STATE_STOP, 0, VRRP_REASON_SHUTDOWN),
		[IN_PRIO_CHANGED] = ROW(STAY, A_SET_PRIO, VRRP_REASON_NONE),
	},
	[VRRP_STATE_STOP] = {
		/* A stopped instance may be started again (e.g. after a reload). */
		[IN_STARTUP] = ROW(VRRP_STATE_BACKUP, A_RESET_MAI | A_ARM_DOWN, VRRP_REASON_STARTUP),
		[IN_STARTUP_OWNER] = ROW(VRRP_STATE_MASTER, BECOME_MASTER, VRRP_REASON_OWNER),
		[IN_PRIO_CHANGED] = ROW(STAY, A_SET_PRIO, VRRP_REASON_NONE),
	},
};

/* ---- set-up and helpers -------------------------------------------------- */

void vrrp_fsm_config_default(struct vrrp_fsm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = 2;
	cfg->priority = 100;
	cfg->adver_int_us = VRRP_USEC_PER_SEC;
	cfg->preempt = true;
	cfg->lower_prio_readvert = true;
	cfg->lower_prio_garp = true;
	cfg->down_timer_adverts = VRRP_DOWN_TIMER_ADVERTS;
}

void vrrp_fsm_init(struct vrrp_fsm *fsm, const struct vrrp_fsm_config *cfg)
{
	memset(fsm, 0, sizeof(*fsm));
	fsm->cfg = *cfg;
	if (fsm->cfg.priority == 0)
		fsm->cfg.priority = 1; /* 0 is reserved for resignation */
	fsm->state = VRRP_STATE_INIT;
	fsm->prev_state = VRRP_STATE_INIT;
	fsm->priority = fsm->cfg.priority;
	fsm->master_adver_int_us = fsm->cfg.adver_int_us;
	fsm->takeover_reason = VRRP_REASON_MASTER_DOWN;
}

uint64_t vrrp_fsm_skew_time_us(const struct vrrp_fsm *fsm)
{
	return vrrp_skew_time_us(fsm->cfg.version, fsm->priority, fsm->master_adver_int_us);
}

uint64_t vrrp_fsm_master_down_interval_us(const struct vrrp_fsm *fsm)
{
	return vrrp_master_down_interval_n_us(fsm->cfg.version, fsm->priority,
					      fsm->master_adver_int_us,
					      fsm->cfg.down_timer_adverts);
}

uint64_t vrrp_fsm_next_deadline(const struct vrrp_fsm *fsm)
{
	uint64_t a = fsm->adver_timer_us, d = fsm->master_down_timer_us;

	if (!a)
		return d;
	if (!d)
		return a;
	return a < d ? a : d;
}

static struct vrrp_action *push(struct vrrp_actions *out, enum vrrp_action_type t)
{
	struct vrrp_action *a;

	/* The table never emits more than about eight actions per event; the
	 * bound only protects the array. */
	if (out->n >= VRRP_ACTIONS_MAX)
		return NULL;
	a = &out->v[out->n++];
	memset(a, 0, sizeof(*a));
	a->type = t;
	return a;
}

static void emit_advert(struct vrrp_fsm *fsm, struct vrrp_actions *out)
{
	push(out, VRRP_ACT_SEND_ADVERT);
	fsm->counters.adverts_sent++;
}

static void arm(uint64_t *timer, enum vrrp_action_type t, uint64_t deadline,
		struct vrrp_actions *out)
{
	struct vrrp_action *a = push(out, t);

	*timer = deadline;
	if (a)
		a->deadline_us = deadline;
}

static void cancel(uint64_t *timer, enum vrrp_action_type t, struct vrrp_actions *out)
{
	*timer = 0;
	push(out, t);
}

/* Preemption applies in BACKUP unless `nopreempt`; the owner always
 * preempts (RFC 9568 §6.1: Preempt_Mode does not apply to the owner). */
static bool preempts(const struct vrrp_fsm *fsm)
{
	return fsm->cfg.preempt || fsm->priority == VRRP_PRIO_OWNER;
}

static bool is_owner_start(const struct vrrp_fsm *fsm)
{
	return fsm->priority == VRRP_PRIO_OWNER && (fsm->cfg.preempt || fsm->cfg.init_master);
}

/* ---- classification ------------------------------------------------------ */

/* keepalived's preempt_delay: a lower-priority advert is still accepted
 * while the window opened by the first one has not passed. */
static bool preempt_delayed(struct vrrp_fsm *fsm, uint64_t now)
{
	if (fsm->cfg.preempt_delay_us == 0)
		return false;
	if (fsm->preempt_until_us == 0)
		fsm->preempt_until_us = now + fsm->cfg.preempt_delay_us;
	if (now < fsm->preempt_until_us) {
		fsm->counters.preempt_delayed++;
		return true;
	}
	return false;
}

static enum input classify_adv(struct vrrp_fsm *fsm, const struct vrrp_event *ev, uint64_t now)
{
	uint8_t prio = ev->adv.priority;
	int cmp;

	if (addr_is_set(&fsm->cfg.primary) && addr_equal(&ev->adv.src, &fsm->cfg.primary)) {
		fsm->counters.own_adverts++;
		return IN_NONE;
	}
	fsm->counters.adverts_received++;
	if (prio == VRRP_PRIO_STOP) {
		fsm->counters.prio0_received++;
		return IN_ADV_PRIO0;
	}
	/* Tie-break: unsigned comparison of the primary addresses in network
	 * order (RFC 9568 §6.4.3). */
	cmp = addr_cmp(&ev->adv.src, &fsm->cfg.primary);
	if (prio > fsm->priority || (prio == fsm->priority && cmp > 0)) {
		if (fsm->state == VRRP_STATE_BACKUP)
			fsm->preempt_until_us = 0;
		return IN_ADV_WINS;
	}
	if (fsm->state == VRRP_STATE_BACKUP) {
		if (prio == fsm->priority) {
			fsm->preempt_until_us = 0;
			return IN_ADV_KEEP;
		}
		if (!preempts(fsm) || preempt_delayed(fsm, now))
			return IN_ADV_KEEP;
	}
	return IN_ADV_LOSES;
}

/* A timer event counts only if that timer is armed and due; anything else
 * is a leftover from a timer the loop did not cancel in time. */
static enum input classify_timer(struct vrrp_fsm *fsm, uint64_t deadline, uint64_t now,
				 enum input in)
{
	if (deadline == 0 || now < deadline) {
		fsm->counters.stale_timers++;
		return IN_NONE;
	}
	return in;
}

static enum input classify(struct vrrp_fsm *fsm, const struct vrrp_event *ev, uint64_t now)
{
	switch (ev->type) {
	case VRRP_EV_STARTUP:
		return is_owner_start(fsm) ? IN_STARTUP_OWNER : IN_STARTUP;
	case VRRP_EV_MASTER_DOWN_TIMER:
		return classify_timer(fsm, fsm->master_down_timer_us, now, IN_DOWN_TIMER);
	case VRRP_EV_ADVER_TIMER:
		return classify_timer(fsm, fsm->adver_timer_us, now, IN_ADVER_TIMER);
	case VRRP_EV_ADV_RECEIVED:
		return classify_adv(fsm, ev, now);
	case VRRP_EV_SHUTDOWN:
		return IN_SHUTDOWN;
	case VRRP_EV_FAULT:
		return IN_FAULT;
	case VRRP_EV_FAULT_CLEARED:
		return is_owner_start(fsm) ? IN_FAULT_CLEARED_OWNER : IN_FAULT_CLEARED;
	case VRRP_EV_PRIORITY_CHANGED:
		return IN_PRIO_CHANGED;
	case VRRP_EV_VIP_DELETED:
		return IN_VIP_DELETED;
	default:
		return IN__COUNT;
	}
}

/* ---- applying a row ------------------------------------------------------ */

static void apply_learning(struct vrrp_fsm *fsm, uint32_t acts, const struct vrrp_event *ev)
{
	if (acts & A_SET_PRIO) {
		fsm->priority = ev->prio.priority ? ev->prio.priority : 1;
		if (fsm->state == VRRP_STATE_MASTER)
			fsm->master_priority = fsm->priority;
	}
	if (acts & A_RESET_MAI)
		fsm->master_adver_int_us = fsm->cfg.adver_int_us;
	if (acts & A_NOTE_MASTER) {
		fsm->master_addr = ev->adv.src;
		fsm->master_priority = ev->adv.priority;
	}
	/* RFC 9568 §6.4.2/§6.4.3: Master_Adver_Interval = the advert's Max
	 * Adver Int.  v2 has no such learning: intervals must match. */
	if ((acts & A_LEARN_INT) && fsm->cfg.version == 3 && ev->adv.interval_us)
		fsm->master_adver_int_us = ev->adv.interval_us;
	if (acts & A_MARK_RESIGNED)
		fsm->takeover_reason = VRRP_REASON_MASTER_RESIGNED;
	else if (acts & A_MARK_PREEMPT)
		fsm->takeover_reason = VRRP_REASON_PREEMPT;
	else if (acts & (A_LEARN_INT | A_ARM_DOWN))
		fsm->takeover_reason = VRRP_REASON_MASTER_DOWN;
}

static void apply_leaving(struct vrrp_fsm *fsm, uint32_t acts, struct vrrp_actions *out)
{
	if ((acts & A_HIGHER_SEND) && fsm->cfg.higher_prio_send_advert)
		emit_advert(fsm, out);
	if (acts & A_CANCEL_ADVER)
		cancel(&fsm->adver_timer_us, VRRP_ACT_CANCEL_ADVER_TIMER, out);
	if (acts & A_PRIO0) {
		push(out, VRRP_ACT_SEND_ADVERT_PRIO0);
		fsm->counters.prio0_sent++;
	}
	if (acts & A_REMOVE_VIPS)
		push(out, VRRP_ACT_REMOVE_VIPS);
	if (acts & A_CANCEL_DOWN)
		cancel(&fsm->master_down_timer_us, VRRP_ACT_CANCEL_MASTER_DOWN_TIMER, out);
}

static void garp(struct vrrp_actions *out, enum vrrp_garp_kind kind)
{
	struct vrrp_action *a = push(out, VRRP_ACT_SEND_GARP);

	if (a)
		a->garp = kind;
}

/* The next Adver_Timer deadline.  On a phase, a timer that fired steps one
 * interval from the deadline it served, so the phase holds however early
 * (the engine's batching slack) or late the wake-up was; anything else
 * (becoming MASTER, a priority-0 advert received, a wake-up over an
 * interval late, a phase changed by a reload) goes to the phase's next
 * instant, at most one interval away. */
static uint64_t next_adver(const struct vrrp_fsm *fsm, bool step, uint64_t now)
{
	uint64_t ival = fsm->cfg.adver_int_us, prev = fsm->adver_timer_us;
	if (!fsm->cfg.adver_phased || !ival)
		return now + ival;
	uint64_t t = vrrp_phase_next_us(now, ival, fsm->cfg.adver_phase_us);
	if (step && prev && prev % ival == fsm->cfg.adver_phase_us % ival && prev + ival > t)
		return prev + ival;
	return t;
}

static void apply_master(struct vrrp_fsm *fsm, uint32_t acts, uint64_t now,
			 struct vrrp_actions *out)
{
	if (acts & A_ADD_VIPS)
		push(out, VRRP_ACT_ADD_VIPS);
	if (acts & A_ADVERT)
		emit_advert(fsm, out);
	if (acts & A_GARP)
		garp(out, VRRP_GARP_TAKEOVER);
	if (acts & A_ARM_ADVER)
		arm(&fsm->adver_timer_us, VRRP_ACT_ARM_ADVER_TIMER,
		    next_adver(fsm, acts & A_ADVER_STEP, now), out);
	if ((acts & A_READVERT) && fsm->cfg.lower_prio_readvert) {
		emit_advert(fsm, out);
		fsm->counters.readverts++;
	}
	if ((acts & A_GARP_LOWER) && fsm->cfg.lower_prio_garp)
		garp(out, VRRP_GARP_LOWER_PRIO);
}

static void apply_backup(struct vrrp_fsm *fsm, uint32_t acts, uint64_t now,
			 struct vrrp_actions *out)
{
	if (acts & A_ARM_DOWN)
		arm(&fsm->master_down_timer_us, VRRP_ACT_ARM_MASTER_DOWN_TIMER,
		    now + vrrp_fsm_master_down_interval_us(fsm), out);
	if (acts & A_ARM_SKEW)
		arm(&fsm->master_down_timer_us, VRRP_ACT_ARM_MASTER_DOWN_TIMER,
		    now + vrrp_fsm_skew_time_us(fsm), out);
}

/* Reasons that depend on the event or on what the backup saw before. */
static enum vrrp_reason dyn_reason(const struct vrrp_fsm *fsm, const struct row *r,
				   const struct vrrp_event *ev)
{
	if (r->reason != VRRP_REASON_NONE)
		return r->reason;
	if (ev->type == VRRP_EV_ADV_RECEIVED)
		return ev->adv.priority > fsm->priority ? VRRP_REASON_HIGHER_PRIORITY
							: VRRP_REASON_HIGHER_ADDRESS;
	return fsm->takeover_reason;
}

/* The one state-change function: records the transition, keeps the
 * per-state bookkeeping consistent, counts, and emits NOTIFY last so that
 * notification runs after the VIPs and timers are in place. */
static void vrrp_fsm_set_state(struct vrrp_fsm *fsm, enum vrrp_state next,
			       enum vrrp_reason reason, uint64_t now, struct vrrp_actions *out)
{
	enum vrrp_state prev = fsm->state;
	struct vrrp_action *a;

	fsm->prev_state = prev;
	fsm->state = next;
	fsm->last_reason = reason;
	fsm->last_transition_us = now;
	fsm->counters.transitions++;
	if (prev == VRRP_STATE_MASTER)
		fsm->counters.released_master++;
	if (next == VRRP_STATE_MASTER) {
		fsm->counters.became_master++;
		fsm->master_addr = fsm->cfg.primary;
		fsm->master_priority = fsm->priority;
	} else if (next == VRRP_STATE_BACKUP) {
		fsm->preempt_until_us = 0;
		fsm->takeover_reason = VRRP_REASON_MASTER_DOWN;
		if (prev != VRRP_STATE_MASTER) { /* from MASTER the winner was noted */
			memset(&fsm->master_addr, 0, sizeof(fsm->master_addr));
			fsm->master_priority = 0;
		}
	} else {
		memset(&fsm->master_addr, 0, sizeof(fsm->master_addr));
		fsm->master_priority = 0;
	}
	a = push(out, VRRP_ACT_NOTIFY);
	if (a) {
		a->state = next;
		a->prev_state = prev;
		a->reason = reason;
	}
}

bool vrrp_fsm_handle(struct vrrp_fsm *fsm, const struct vrrp_event *ev, uint64_t now_us,
		     struct vrrp_actions *out)
{
	const struct row *r;
	enum input in;

	out->n = 0;
	in = classify(fsm, ev, now_us);
	if (in == IN_NONE)
		return false;
	if (in == IN__COUNT || !(r = &table[fsm->state][in])->ok) {
		fsm->counters.ignored_events++;
		if ((unsigned)ev->type < VRRP_EV__COUNT)
			fsm->counters.ignored_by_event[ev->type]++;
		return false;
	}
	if (in == IN_ADV_LOSES)
		fsm->counters.lower_prio_discarded++;
	apply_learning(fsm, r->acts, ev);
	apply_leaving(fsm, r->acts, out);
	apply_master(fsm, r->acts, now_us, out);
	apply_backup(fsm, r->acts, now_us, out);
	if (r->next != STAY)
		vrrp_fsm_set_state(fsm, r->next, dyn_reason(fsm, r, ev), now_us, out);
	return true;
}
