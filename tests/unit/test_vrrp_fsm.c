/* VRRP state machine with a fake clock: start-up paths, failover timing,
 * priority 0, preemption, tie-break, v3 interval learning, the RFC 9568
 * re-advert, fault, shutdown, the owner, ignored events; then a small
 * simulator of two routers exchanging encoded adverts over a fake wire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_pkt.h"
#include "vrrp/vrrp_timer.h"

#define SEC 1000000ULL

/* ---- helpers ------------------------------------------------------------- */

static struct halo_addr A(const char *s)
{
	struct halo_addr a;
	assert_true(addr_parse(s, &a));
	return a;
}

static struct vrrp_fsm_config cfg(unsigned version, uint8_t prio, uint64_t adver_int_us,
				  const char *primary)
{
	struct vrrp_fsm_config c;
	vrrp_fsm_config_default(&c);
	c.version = (uint8_t)version;
	c.priority = prio;
	c.adver_int_us = adver_int_us;
	c.primary = A(primary);
	return c;
}

static struct vrrp_event ev(enum vrrp_event_type t)
{
	struct vrrp_event e;
	memset(&e, 0, sizeof(e));
	e.type = t;
	return e;
}

static struct vrrp_event adv(uint8_t prio, const char *src, uint64_t interval_us)
{
	struct vrrp_event e = ev(VRRP_EV_ADV_RECEIVED);
	e.adv.priority = prio;
	e.adv.src = A(src);
	e.adv.interval_us = interval_us;
	return e;
}

static struct vrrp_event prio_ev(uint8_t prio)
{
	struct vrrp_event e = ev(VRRP_EV_PRIORITY_CHANGED);
	e.prio.priority = prio;
	return e;
}

static bool handle(struct vrrp_fsm *f, struct vrrp_event e, uint64_t now, struct vrrp_actions *out)
{
	return vrrp_fsm_handle(f, &e, now, out);
}

/* The action list must be exactly these types, in this order. */
static void expect_actions(const struct vrrp_actions *out, const enum vrrp_action_type *want,
			   size_t n)
{
	size_t i;
	for (i = 0; i < n && i < out->n; i++)
		if (out->v[i].type != want[i])
			fail_msg("action %zu: got %s, want %s", i, vrrp_action_str(out->v[i].type),
				 vrrp_action_str(want[i]));
	assert_int_equal(out->n, n);
}
#define EXPECT(out, ...)                                                                 \
	do {                                                                             \
		const enum vrrp_action_type w_[] = { __VA_ARGS__ };                      \
		expect_actions((out), w_, sizeof(w_) / sizeof(w_[0]));                   \
	} while (0)

static void expect_notify(const struct vrrp_actions *out, enum vrrp_state prev,
			  enum vrrp_state next, enum vrrp_reason reason)
{
	const struct vrrp_action *a = &out->v[out->n - 1];
	assert_int_equal(a->type, VRRP_ACT_NOTIFY);
	assert_int_equal(a->prev_state, prev);
	assert_int_equal(a->state, next);
	assert_int_equal(a->reason, reason);
}

/* A v2, 1 s, priority-100 backup at 10.0.0.2, started at t=0. */
static void backup_at(struct vrrp_fsm *f, struct vrrp_fsm_config c, uint64_t t)
{
	struct vrrp_actions out;
	vrrp_fsm_init(f, &c);
	assert_true(handle(f, ev(VRRP_EV_STARTUP), t, &out));
	assert_int_equal(f->state, VRRP_STATE_BACKUP);
}

/* Drive a backup into MASTER by letting its down timer run out. */
static uint64_t master_at(struct vrrp_fsm *f, struct vrrp_fsm_config c)
{
	struct vrrp_actions out;
	backup_at(f, c, 0);
	uint64_t t = f->master_down_timer_us;
	assert_true(handle(f, ev(VRRP_EV_MASTER_DOWN_TIMER), t, &out));
	assert_int_equal(f->state, VRRP_STATE_MASTER);
	return t;
}

/* ---- start-up ------------------------------------------------------------ */

static void test_startup_backup(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 100, SEC, "10.0.0.2");
	vrrp_fsm_init(&f, &c);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_true(handle(&f, ev(VRRP_EV_STARTUP), 1000, &out));
	EXPECT(&out, VRRP_ACT_ARM_MASTER_DOWN_TIMER, VRRP_ACT_NOTIFY);
	assert_int_equal(out.v[0].deadline_us, 1000 + 3609375);
	assert_int_equal(f.master_down_timer_us, 1000 + 3609375);
	assert_int_equal(f.adver_timer_us, 0);
	expect_notify(&out, VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_REASON_STARTUP);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.last_transition_us, 1000);
	assert_int_equal(f.counters.transitions, 1);
	assert_false(addr_is_set(&f.master_addr));

	/* `state MASTER` on a non-owner changes nothing (keepalived 2.x). */
	c.init_master = true;
	vrrp_fsm_init(&f, &c);
	assert_true(handle(&f, ev(VRRP_EV_STARTUP), 1000, &out));
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_down_timer_us, 1000 + 3609375);
}

static void test_startup_owner(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 255, SEC, "10.0.0.1");
	vrrp_fsm_init(&f, &c);
	assert_true(handle(&f, ev(VRRP_EV_STARTUP), 50, &out));
	EXPECT(&out, VRRP_ACT_ADD_VIPS, VRRP_ACT_SEND_ADVERT, VRRP_ACT_SEND_GARP,
	       VRRP_ACT_ARM_ADVER_TIMER, VRRP_ACT_NOTIFY);
	assert_int_equal(out.v[2].garp, VRRP_GARP_TAKEOVER);
	assert_int_equal(out.v[3].deadline_us, 50 + SEC);
	expect_notify(&out, VRRP_STATE_INIT, VRRP_STATE_MASTER, VRRP_REASON_OWNER);
	assert_int_equal(f.counters.became_master, 1);
	assert_int_equal(f.counters.adverts_sent, 1);
	assert_true(addr_equal(&f.master_addr, &c.primary));
	assert_int_equal(f.master_priority, 255);

	/* An owner with `nopreempt` and `state BACKUP` waits like a backup, as
	 * keepalived does; `state MASTER` makes it start as master again. */
	c.preempt = false;
	vrrp_fsm_init(&f, &c);
	assert_true(handle(&f, ev(VRRP_EV_STARTUP), 50, &out));
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	c.init_master = true;
	vrrp_fsm_init(&f, &c);
	assert_true(handle(&f, ev(VRRP_EV_STARTUP), 50, &out));
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

/* ---- BACKUP -------------------------------------------------------------- */

static void test_failover_exactly_at_master_down_interval(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	backup_at(&f, cfg(2, 100, SEC, "10.0.0.2"), 0);

	/* Each advert from the master pushes the deadline to now + 3.609375 s. */
	assert_true(handle(&f, adv(150, "10.0.0.1", SEC), 500000, &out));
	EXPECT(&out, VRRP_ACT_ARM_MASTER_DOWN_TIMER);
	assert_int_equal(out.v[0].deadline_us, 500000 + 3609375);
	assert_true(handle(&f, adv(150, "10.0.0.1", SEC), 1500000, &out));
	uint64_t deadline = 1500000 + 3609375;
	assert_int_equal(f.master_down_timer_us, deadline);
	assert_true(addr_is_set(&f.master_addr));
	assert_int_equal(f.master_priority, 150);

	/* The master dies.  A timer event one µs early is stale: ignored. */
	assert_false(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), deadline - 1, &out));
	assert_int_equal(out.n, 0);
	assert_int_equal(f.counters.stale_timers, 1);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);

	assert_true(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), deadline, &out));
	EXPECT(&out, VRRP_ACT_CANCEL_MASTER_DOWN_TIMER, VRRP_ACT_ADD_VIPS, VRRP_ACT_SEND_ADVERT,
	       VRRP_ACT_SEND_GARP, VRRP_ACT_ARM_ADVER_TIMER, VRRP_ACT_NOTIFY);
	expect_notify(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_MASTER_DOWN);
	assert_int_equal(out.v[4].deadline_us, deadline + SEC);
	assert_int_equal(f.master_down_timer_us, 0);
	assert_int_equal(f.last_transition_us, deadline);
	assert_int_equal(f.counters.adverts_received, 2);

	/* A late duplicate of the same timer is stale too. */
	assert_false(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), deadline + 5, &out));
	assert_int_equal(f.counters.stale_timers, 2);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void test_backup_priority_zero_takes_over_at_skew(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	backup_at(&f, cfg(2, 100, SEC, "10.0.0.2"), 0);
	assert_true(handle(&f, adv(150, "10.0.0.1", SEC), 1000000, &out));
	assert_true(handle(&f, adv(0, "10.0.0.1", SEC), 1200000, &out));
	EXPECT(&out, VRRP_ACT_ARM_MASTER_DOWN_TIMER);
	assert_int_equal(out.v[0].deadline_us, 1200000 + 609375);
	assert_int_equal(f.counters.prio0_received, 1);
	assert_true(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), 1200000 + 609375, &out));
	expect_notify(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_MASTER_RESIGNED);
}

static void test_backup_preempt_on_discards_lower(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	backup_at(&f, cfg(3, 150, SEC, "10.0.0.2"), 0);
	uint64_t deadline = f.master_down_timer_us;
	assert_int_equal(deadline, 3 * SEC + 106 * SEC / 256);

	/* A lower-priority master's adverts are discarded: no action, no
	 * timer reset, no interval learnt (RFC 9568 §6.4.2). */
	assert_true(handle(&f, adv(100, "10.0.0.1", 50000), 1000000, &out));
	assert_int_equal(out.n, 0);
	assert_true(handle(&f, adv(100, "10.0.0.1", 50000), 2000000, &out));
	assert_int_equal(f.master_down_timer_us, deadline);
	assert_int_equal(f.master_adver_int_us, SEC);
	assert_int_equal(f.counters.lower_prio_discarded, 2);
	assert_int_equal(f.master_priority, 100); /* still shown as the current master */

	assert_true(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), deadline, &out));
	expect_notify(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PREEMPT);
}

static void test_backup_nopreempt_keeps_lower_master(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 150, SEC, "10.0.0.2");
	c.preempt = false;
	backup_at(&f, c, 0);
	uint64_t t;
	for (t = SEC; t <= 30 * SEC; t += SEC) {
		assert_true(handle(&f, adv(100, "10.0.0.1", 50 * 10000), t, &out));
		EXPECT(&out, VRRP_ACT_ARM_MASTER_DOWN_TIMER);
		/* Learnt 50 cs: 3 * 0.5 s + (106 * 0.5 s) / 256. */
		assert_int_equal(out.v[0].deadline_us, t + 1500000 + 207031);
		assert_false(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), t + 1, &out));
	}
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_int_equal(f.master_adver_int_us, 500000);
	assert_true(addr_equal(&f.master_addr, &(struct halo_addr){ .family = AF_INET,
								    .v4.s_addr = htonl(0x0a000001) }));
	assert_int_equal(f.counters.lower_prio_discarded, 0);
}

static void test_backup_equal_priority_accepts(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	/* RFC §6.4.2: priority >= ours resets the timer, whatever the address. */
	backup_at(&f, cfg(2, 100, SEC, "10.0.0.2"), 0);
	assert_true(handle(&f, adv(100, "10.0.0.1", SEC), SEC, &out));
	EXPECT(&out, VRRP_ACT_ARM_MASTER_DOWN_TIMER);
	assert_true(handle(&f, adv(100, "10.0.0.3", SEC), 2 * SEC, &out));
	EXPECT(&out, VRRP_ACT_ARM_MASTER_DOWN_TIMER);
	assert_int_equal(f.counters.lower_prio_discarded, 0);
}

static void test_preempt_delay(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 150, SEC, "10.0.0.2");
	c.preempt_delay_us = 5 * SEC;
	backup_at(&f, c, 0);
	uint64_t down = 3 * SEC + 106 * SEC / 256; /* 3.4140625 s */

	/* The first lower advert (t=1 s) opens a 5 s window; until t=6 s the
	 * lower master is kept, resetting the timer. */
	uint64_t t;
	for (t = SEC; t < 6 * SEC; t += SEC) {
		assert_true(handle(&f, adv(100, "10.0.0.1", SEC), t, &out));
		EXPECT(&out, VRRP_ACT_ARM_MASTER_DOWN_TIMER);
	}
	assert_int_equal(f.preempt_until_us, 6 * SEC);
	assert_int_equal(f.counters.preempt_delayed, 5);
	/* From t=6 s on they are discarded and the timer set at t=5 s runs out. */
	assert_true(handle(&f, adv(100, "10.0.0.1", SEC), 6 * SEC, &out));
	assert_int_equal(out.n, 0);
	assert_true(handle(&f, adv(100, "10.0.0.1", SEC), 7 * SEC, &out));
	assert_int_equal(out.n, 0);
	assert_int_equal(f.master_down_timer_us, 5 * SEC + down);
	assert_true(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), 5 * SEC + down, &out));
	expect_notify(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PREEMPT);

	/* An advert of higher priority closes the window; the next lower one
	 * opens a fresh one. */
	backup_at(&f, c, 0);
	assert_true(handle(&f, adv(100, "10.0.0.1", SEC), SEC, &out));
	assert_int_equal(f.preempt_until_us, 6 * SEC);
	assert_true(handle(&f, adv(200, "10.0.0.3", SEC), 2 * SEC, &out));
	assert_int_equal(f.preempt_until_us, 0);
	assert_true(handle(&f, adv(100, "10.0.0.1", SEC), 3 * SEC, &out));
	assert_int_equal(f.preempt_until_us, 8 * SEC);
}

static void test_v3_interval_learning(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	backup_at(&f, cfg(3, 100, SEC, "10.0.0.2"), 0);
	/* The master advertises every 10 cs: skew 60937 µs, down 360937 µs. */
	assert_true(handle(&f, adv(200, "10.0.0.1", 100000), 2 * SEC, &out));
	assert_int_equal(f.master_adver_int_us, 100000);
	assert_int_equal(vrrp_fsm_skew_time_us(&f), 60937);
	assert_int_equal(vrrp_fsm_master_down_interval_us(&f), 360937);
	assert_int_equal(out.v[0].deadline_us, 2 * SEC + 360937);
	/* Priority 0 now gives a skew based on the learnt interval. */
	assert_true(handle(&f, adv(0, "10.0.0.1", 100000), 2 * SEC + 100000, &out));
	assert_int_equal(out.v[0].deadline_us, 2 * SEC + 100000 + 60937);

	/* v2 learns nothing: intervals must match (checked by the codec). */
	backup_at(&f, cfg(2, 100, SEC, "10.0.0.2"), 0);
	assert_true(handle(&f, adv(200, "10.0.0.1", 2 * SEC), SEC, &out));
	assert_int_equal(f.master_adver_int_us, SEC);
	assert_int_equal(out.v[0].deadline_us, SEC + 3609375);

	/* Start-up and fault recovery reset Master_Adver_Interval to ours. */
	backup_at(&f, cfg(3, 100, SEC, "10.0.0.2"), 0);
	assert_true(handle(&f, adv(200, "10.0.0.1", 100000), SEC, &out));
	assert_true(handle(&f, ev(VRRP_EV_FAULT), 2 * SEC, &out));
	assert_true(handle(&f, ev(VRRP_EV_FAULT_CLEARED), 3 * SEC, &out));
	assert_int_equal(f.master_adver_int_us, SEC);
	assert_int_equal(f.master_down_timer_us, 3 * SEC + 3609375);
}

/* ---- MASTER -------------------------------------------------------------- */

static void test_master_adver_timer(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	uint64_t t = master_at(&f, cfg(2, 100, SEC, "10.0.0.2"));
	assert_int_equal(f.adver_timer_us, t + SEC);
	assert_false(handle(&f, ev(VRRP_EV_ADVER_TIMER), t + SEC - 1, &out));
	assert_true(handle(&f, ev(VRRP_EV_ADVER_TIMER), t + SEC, &out));
	EXPECT(&out, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ARM_ADVER_TIMER);
	assert_int_equal(out.v[1].deadline_us, t + 2 * SEC);
	assert_int_equal(f.counters.adverts_sent, 2);
}

static void test_master_priority_zero_readverts(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	uint64_t t = master_at(&f, cfg(2, 100, SEC, "10.0.0.2"));
	assert_true(handle(&f, adv(0, "10.0.0.1", SEC), t + 300000, &out));
	EXPECT(&out, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ARM_ADVER_TIMER);
	assert_int_equal(out.v[1].deadline_us, t + 300000 + SEC);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

/* Adverts on a phase (large configurations): the first Adver_Timer after
 * the take-over goes to the phase's next instant, then each one steps one
 * interval from the deadline served - early or late wake-ups do not move
 * the phase; gaps never exceed one interval. */
static void test_master_adver_phase(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	const uint64_t I = 100000, PH = 40000;
	struct vrrp_fsm_config c = cfg(3, 100, I, "10.0.0.2");
	c.adver_phased = true;
	c.adver_phase_us = PH;
	uint64_t t = master_at(&f, c);
	uint64_t d = f.adver_timer_us;
	assert_true(d > t && d - t <= I);
	assert_int_equal(d % I, PH);
	/* An early event is stale (the engine's batching slack hands the
	 * deadline itself as the time); on time, the step is one interval. */
	assert_false(handle(&f, ev(VRRP_EV_ADVER_TIMER), d - 150, &out));
	assert_true(handle(&f, ev(VRRP_EV_ADVER_TIMER), d, &out));
	EXPECT(&out, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ARM_ADVER_TIMER);
	assert_int_equal(out.v[1].deadline_us, d + I);
	/* Served 30 ms late: still one interval from the deadline. */
	d += I;
	assert_true(handle(&f, ev(VRRP_EV_ADVER_TIMER), d + 30000, &out));
	assert_int_equal(out.v[1].deadline_us, d + I);
	/* Served more than an interval late: the phase's next instant. */
	d += I;
	uint64_t late = d + I + 20000;
	assert_true(handle(&f, ev(VRRP_EV_ADVER_TIMER), late, &out));
	assert_int_equal(out.v[1].deadline_us, d + 2 * I);
	assert_true(out.v[1].deadline_us - late <= I);
	/* A priority-0 advert: sent at once, then the phase's next instant
	 * (sooner than a full interval, never later). */
	d = f.adver_timer_us;
	uint64_t now = d - 70000;
	assert_true(handle(&f, adv(0, "10.0.0.1", I), now, &out));
	EXPECT(&out, VRRP_ACT_SEND_ADVERT, VRRP_ACT_ARM_ADVER_TIMER);
	assert_int_equal(out.v[1].deadline_us, d);
	/* A reload that moves the phase: the next timer goes to the new
	 * phase's next instant, not one interval on from the old one. */
	f.cfg.adver_phase_us = 90000;
	assert_true(handle(&f, ev(VRRP_EV_ADVER_TIMER), d, &out));
	assert_int_equal(out.v[1].deadline_us % I, 90000);
	assert_true(out.v[1].deadline_us > d && out.v[1].deadline_us - d <= I);
}

static void test_master_higher_priority_steps_down(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 100, SEC, "10.0.0.2");
	uint64_t t = master_at(&f, c) + 10;
	assert_true(handle(&f, adv(200, "10.0.0.1", 200000), t, &out));
	EXPECT(&out, VRRP_ACT_CANCEL_ADVER_TIMER, VRRP_ACT_REMOVE_VIPS,
	       VRRP_ACT_ARM_MASTER_DOWN_TIMER, VRRP_ACT_NOTIFY);
	/* §6.4.3: learn the interval before computing the down interval. */
	assert_int_equal(f.master_adver_int_us, 200000);
	assert_int_equal(out.v[2].deadline_us, t + 600000 + 156 * 200000 / 256);
	expect_notify(&out, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_HIGHER_PRIORITY);
	assert_int_equal(f.adver_timer_us, 0);
	assert_int_equal(f.counters.released_master, 1);
	assert_int_equal(f.master_priority, 200);
	assert_true(addr_equal(&f.master_addr, &(struct halo_addr){ .family = AF_INET,
								    .v4.s_addr = htonl(0x0a000001) }));

	/* keepalived's higher_prio_send_advert: one advert before stepping down. */
	c.higher_prio_send_advert = true;
	t = master_at(&f, c) + 10;
	assert_true(handle(&f, adv(200, "10.0.0.1", SEC), t, &out));
	EXPECT(&out, VRRP_ACT_SEND_ADVERT, VRRP_ACT_CANCEL_ADVER_TIMER, VRRP_ACT_REMOVE_VIPS,
	       VRRP_ACT_ARM_MASTER_DOWN_TIMER, VRRP_ACT_NOTIFY);
}

static void test_master_lower_priority_rfc9568(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 150, SEC, "10.0.0.2");
	uint64_t t = master_at(&f, c);
	uint64_t adver = f.adver_timer_us;
	assert_true(handle(&f, adv(100, "10.0.0.9", SEC), t + 10, &out));
	EXPECT(&out, VRRP_ACT_SEND_ADVERT, VRRP_ACT_SEND_GARP);
	assert_int_equal(out.v[1].garp, VRRP_GARP_LOWER_PRIO);
	assert_int_equal(f.adver_timer_us, adver); /* the regular cadence is kept */
	assert_int_equal(f.counters.readverts, 1);
	assert_int_equal(f.counters.lower_prio_discarded, 1);
	assert_int_equal(f.state, VRRP_STATE_MASTER);

	/* keepalived's lower_prio_no_advert (and no GARP): discard silently. */
	c.lower_prio_readvert = false;
	c.lower_prio_garp = false;
	t = master_at(&f, c);
	assert_true(handle(&f, adv(100, "10.0.0.9", SEC), t + 10, &out));
	assert_int_equal(out.n, 0);
	assert_int_equal(f.counters.readverts, 0);
	assert_int_equal(f.counters.lower_prio_discarded, 1);
}

static void test_tie_break(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 100, SEC, "10.0.0.2");

	/* Equal priority, sender address higher: the sender wins. */
	uint64_t t = master_at(&f, c);
	assert_true(handle(&f, adv(100, "10.0.0.3", SEC), t + 1, &out));
	expect_notify(&out, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_HIGHER_ADDRESS);

	/* Equal priority, sender address lower: we stay and re-advertise. */
	t = master_at(&f, c);
	assert_true(handle(&f, adv(100, "10.0.0.1", SEC), t + 1, &out));
	EXPECT(&out, VRRP_ACT_SEND_ADVERT, VRRP_ACT_SEND_GARP);
	assert_int_equal(f.state, VRRP_STATE_MASTER);

	/* The comparison is unsigned in network order: 200.x beats 10.x. */
	c.primary = A("10.0.0.2");
	t = master_at(&f, c);
	assert_true(handle(&f, adv(100, "200.0.0.1", SEC), t + 1, &out));
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	c.primary = A("200.0.0.1");
	t = master_at(&f, c);
	assert_true(handle(&f, adv(100, "10.0.0.2", SEC), t + 1, &out));
	assert_int_equal(f.state, VRRP_STATE_MASTER);

	/* IPv6 link-local sources. */
	struct vrrp_fsm_config c6 = cfg(3, 100, SEC, "fe80::1");
	t = master_at(&f, c6);
	assert_true(handle(&f, adv(100, "fe80::ff00:1", SEC), t + 1, &out));
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void test_owner_never_preempted(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 255, SEC, "10.0.0.1");
	vrrp_fsm_init(&f, &c);
	assert_true(handle(&f, ev(VRRP_EV_STARTUP), 0, &out));
	assert_true(handle(&f, adv(254, "10.0.0.9", SEC), 10, &out));
	EXPECT(&out, VRRP_ACT_SEND_ADVERT, VRRP_ACT_SEND_GARP);
	assert_int_equal(f.state, VRRP_STATE_MASTER);

	/* An owner held in BACKUP (nopreempt, state BACKUP) still preempts a
	 * lower master: Preempt_Mode does not apply to the owner. */
	c.preempt = false;
	vrrp_fsm_init(&f, &c);
	assert_true(handle(&f, ev(VRRP_EV_STARTUP), 0, &out));
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	uint64_t deadline = f.master_down_timer_us;
	assert_int_equal(deadline, 3 * SEC + SEC / 256);
	assert_true(handle(&f, adv(200, "10.0.0.9", SEC), SEC, &out));
	assert_int_equal(out.n, 0);
	assert_true(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), deadline, &out));
	expect_notify(&out, VRRP_STATE_BACKUP, VRRP_STATE_MASTER, VRRP_REASON_PREEMPT);
}

/* ---- FAULT, STOP, priority ----------------------------------------------- */

static void test_fault_enter_leave(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 100, SEC, "10.0.0.2");
	uint64_t t = master_at(&f, c);

	/* A master entering FAULT resigns first. */
	assert_true(handle(&f, ev(VRRP_EV_FAULT), t + 5, &out));
	EXPECT(&out, VRRP_ACT_CANCEL_ADVER_TIMER, VRRP_ACT_SEND_ADVERT_PRIO0,
	       VRRP_ACT_REMOVE_VIPS, VRRP_ACT_NOTIFY);
	expect_notify(&out, VRRP_STATE_MASTER, VRRP_STATE_FAULT, VRRP_REASON_FAULT);
	assert_int_equal(f.counters.prio0_sent, 1);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 0);

	/* No adverts in FAULT: received ones and timers are ignored. */
	assert_false(handle(&f, adv(200, "10.0.0.1", SEC), t + 6, &out));
	assert_false(handle(&f, ev(VRRP_EV_ADVER_TIMER), t + SEC, &out));
	assert_int_equal(out.n, 0);
	assert_int_equal(f.counters.ignored_by_event[VRRP_EV_ADV_RECEIVED], 1);
	assert_int_equal(f.counters.stale_timers, 1);

	/* Leaving FAULT: BACKUP with a full down timer. */
	assert_true(handle(&f, ev(VRRP_EV_FAULT_CLEARED), t + 2 * SEC, &out));
	EXPECT(&out, VRRP_ACT_ARM_MASTER_DOWN_TIMER, VRRP_ACT_NOTIFY);
	assert_int_equal(out.v[0].deadline_us, t + 2 * SEC + 3609375);
	expect_notify(&out, VRRP_STATE_FAULT, VRRP_STATE_BACKUP, VRRP_REASON_FAULT_CLEARED);

	/* From BACKUP: just stop the timer. */
	assert_true(handle(&f, ev(VRRP_EV_FAULT), t + 3 * SEC, &out));
	EXPECT(&out, VRRP_ACT_CANCEL_MASTER_DOWN_TIMER, VRRP_ACT_NOTIFY);
	assert_int_equal(f.master_down_timer_us, 0);

	/* From INIT: the interface was down at start-up. */
	vrrp_fsm_init(&f, &c);
	assert_true(handle(&f, ev(VRRP_EV_FAULT), 0, &out));
	EXPECT(&out, VRRP_ACT_NOTIFY);
	assert_int_equal(f.state, VRRP_STATE_FAULT);

	/* The owner leaves FAULT straight to MASTER, as at start-up. */
	c = cfg(2, 255, SEC, "10.0.0.1");
	vrrp_fsm_init(&f, &c);
	assert_true(handle(&f, ev(VRRP_EV_FAULT), 0, &out));
	assert_true(handle(&f, ev(VRRP_EV_FAULT_CLEARED), 10, &out));
	expect_notify(&out, VRRP_STATE_FAULT, VRRP_STATE_MASTER, VRRP_REASON_OWNER);
}

static void test_vip_deleted(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 100, SEC, "10.0.0.2");
	uint64_t t = master_at(&f, c);

	/* A MASTER whose VIP was removed resigns to BACKUP with a full down
	 * timer: with no other router it becomes MASTER again (VIPs re-added)
	 * after Master_Down_Interval. */
	assert_true(handle(&f, ev(VRRP_EV_VIP_DELETED), t + 5, &out));
	EXPECT(&out, VRRP_ACT_CANCEL_ADVER_TIMER, VRRP_ACT_SEND_ADVERT_PRIO0,
	       VRRP_ACT_REMOVE_VIPS, VRRP_ACT_ARM_MASTER_DOWN_TIMER, VRRP_ACT_NOTIFY);
	expect_notify(&out, VRRP_STATE_MASTER, VRRP_STATE_BACKUP, VRRP_REASON_VIP_DELETED);
	assert_int_equal(f.master_down_timer_us, t + 5 + 3609375);
	assert_true(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), t + 5 + 3609375, &out));
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(out.v[1].type, VRRP_ACT_ADD_VIPS);

	/* In any other state it means nothing. */
	backup_at(&f, c, 0);
	assert_false(handle(&f, ev(VRRP_EV_VIP_DELETED), 10, &out));
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_string_equal(vrrp_reason_str(VRRP_REASON_VIP_DELETED), "vip_deleted");
	assert_string_equal(vrrp_event_str(VRRP_EV_VIP_DELETED), "vip_deleted");
}

static void test_shutdown(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 100, SEC, "10.0.0.2");
	uint64_t t = master_at(&f, c);
	assert_true(handle(&f, ev(VRRP_EV_SHUTDOWN), t + 1, &out));
	EXPECT(&out, VRRP_ACT_CANCEL_ADVER_TIMER, VRRP_ACT_SEND_ADVERT_PRIO0,
	       VRRP_ACT_REMOVE_VIPS, VRRP_ACT_NOTIFY);
	expect_notify(&out, VRRP_STATE_MASTER, VRRP_STATE_STOP, VRRP_REASON_SHUTDOWN);
	assert_int_equal(f.counters.prio0_sent, 1);
	assert_false(addr_is_set(&f.master_addr));

	/* STOP ignores everything but a new start-up. */
	assert_false(handle(&f, ev(VRRP_EV_SHUTDOWN), t + 2, &out));
	assert_false(handle(&f, adv(100, "10.0.0.1", SEC), t + 2, &out));
	assert_false(handle(&f, ev(VRRP_EV_FAULT), t + 2, &out));
	assert_int_equal(f.state, VRRP_STATE_STOP);
	assert_true(handle(&f, ev(VRRP_EV_STARTUP), t + 3, &out));
	assert_int_equal(f.state, VRRP_STATE_BACKUP);

	/* A backup stops quietly. */
	assert_true(handle(&f, ev(VRRP_EV_SHUTDOWN), t + 4, &out));
	EXPECT(&out, VRRP_ACT_CANCEL_MASTER_DOWN_TIMER, VRRP_ACT_NOTIFY);
	assert_int_equal(f.counters.prio0_sent, 1);
}

static void test_priority_changed(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	backup_at(&f, cfg(2, 100, SEC, "10.0.0.2"), 0);
	assert_true(handle(&f, adv(150, "10.0.0.1", SEC), SEC, &out));
	EXPECT(&out, VRRP_ACT_ARM_MASTER_DOWN_TIMER);
	/* A tracker raises us above the master: its adverts are now lower. */
	assert_true(handle(&f, prio_ev(200), SEC + 1, &out));
	assert_int_equal(out.n, 0);
	assert_int_equal(f.priority, 200);
	assert_true(handle(&f, adv(150, "10.0.0.1", SEC), 2 * SEC, &out));
	assert_int_equal(out.n, 0);
	assert_int_equal(f.counters.lower_prio_discarded, 1);
	/* 0 is reserved for resignation: clamped to 1. */
	assert_true(handle(&f, prio_ev(0), 3 * SEC, &out));
	assert_int_equal(f.priority, 1);

	uint64_t t = master_at(&f, cfg(2, 100, SEC, "10.0.0.2"));
	assert_true(handle(&f, prio_ev(90), t + 1, &out));
	assert_int_equal(f.master_priority, 90);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void test_unexpected_and_own_ignored(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 100, SEC, "10.0.0.2");
	vrrp_fsm_init(&f, &c);

	assert_false(handle(&f, adv(100, "10.0.0.1", SEC), 1, &out));
	assert_false(handle(&f, ev(VRRP_EV_FAULT_CLEARED), 1, &out));
	struct vrrp_event bogus = ev((enum vrrp_event_type)99);
	assert_false(vrrp_fsm_handle(&f, &bogus, 1, &out));
	assert_int_equal(out.n, 0);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	assert_int_equal(f.counters.ignored_events, 3);
	assert_int_equal(f.counters.ignored_by_event[VRRP_EV_ADV_RECEIVED], 1);
	assert_int_equal(f.counters.ignored_by_event[VRRP_EV_FAULT_CLEARED], 1);

	uint64_t t = master_at(&f, c);
	assert_false(handle(&f, ev(VRRP_EV_STARTUP), t + 1, &out));
	assert_int_equal(f.counters.ignored_by_event[VRRP_EV_STARTUP], 1);
	assert_int_equal(f.state, VRRP_STATE_MASTER);

	/* Our own advert looped back: ignored, counted separately. */
	assert_false(handle(&f, adv(100, "10.0.0.2", SEC), t + 2, &out));
	assert_int_equal(f.counters.own_adverts, 1);
	assert_int_equal(f.counters.ignored_events, 1); /* only the STARTUP above */
	assert_int_equal(f.counters.adverts_received, 0);

	/* Repeated FAULT is ignored, not fatal. */
	assert_true(handle(&f, ev(VRRP_EV_FAULT), t + 3, &out));
	assert_false(handle(&f, ev(VRRP_EV_FAULT), t + 4, &out));
	assert_int_equal(f.counters.ignored_by_event[VRRP_EV_FAULT], 1);
}

static void test_down_timer_adverts_and_deadline(void **state)
{
	(void)state;
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 100, SEC, "10.0.0.2");
	c.down_timer_adverts = 5;
	backup_at(&f, c, 7);
	assert_int_equal(f.master_down_timer_us, 7 + 5609375);
	assert_int_equal(vrrp_fsm_next_deadline(&f), 7 + 5609375);
	assert_true(handle(&f, ev(VRRP_EV_MASTER_DOWN_TIMER), 7 + 5609375, &out));
	assert_int_equal(vrrp_fsm_next_deadline(&f), 7 + 5609375 + SEC);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vrrp_state_str(VRRP_STATE_MASTER), "MASTER");
	assert_string_equal(vrrp_state_str(VRRP_STATE_STOP), "STOP");
	assert_string_equal(vrrp_state_str(VRRP_STATE__COUNT), "UNKNOWN");
	assert_string_equal(vrrp_event_str(VRRP_EV_MASTER_DOWN_TIMER), "master_down_timer");
	assert_string_equal(vrrp_event_str(VRRP_EV__COUNT), "unknown");
	assert_string_equal(vrrp_reason_str(VRRP_REASON_MASTER_RESIGNED), "master_resigned");
	assert_string_equal(vrrp_action_str(VRRP_ACT_SEND_ADVERT_PRIO0), "send_advert_prio0");
	unsigned i;
	for (i = 0; i < VRRP_STATE__COUNT; i++)
		assert_string_not_equal(vrrp_state_str((enum vrrp_state)i), "UNKNOWN");
	for (i = 0; i < VRRP_EV__COUNT; i++)
		assert_string_not_equal(vrrp_event_str((enum vrrp_event_type)i), "unknown");
	for (i = 0; i < VRRP_REASON__COUNT; i++)
		assert_string_not_equal(vrrp_reason_str((enum vrrp_reason)i), "unknown");
	for (i = 0; i < VRRP_ACT__COUNT; i++)
		assert_string_not_equal(vrrp_action_str((enum vrrp_action_type)i), "unknown");
}

/* ---- two routers on a fake wire ------------------------------------------ */

#define NODES 2
#define WIRE_MAX 64
#define LATENCY 100 /* µs */

struct node {
	struct vrrp_fsm fsm;
	struct halo_addr addr;
	bool alive;
	bool vips;
	uint64_t adver_at, down_at; /* timers as the host arms them from actions */
	uint64_t last_rx;           /* when it last accepted an advert */
	uint64_t became_master_at;
	unsigned garps;
};

struct pkt {
	uint64_t at;
	int from;
	uint8_t bytes[64];
	size_t len;
};

struct sim {
	uint64_t now;
	struct node n[NODES];
	struct pkt wire[WIRE_MAX];
	size_t nwire;
	struct vrrp_rx_counters rx;
};

static void sim_send(struct sim *s, int from, uint8_t prio)
{
	struct node *me = &s->n[from];
	static struct vrrp_adv a;
	memset(&a, 0, sizeof(a));
	a.version = 3;
	a.vrid = 42;
	a.priority = prio;
	a.count = 1;
	a.max_adver_int = vrrp_v3_adver_int_field(me->fsm.cfg.adver_int_us);
	a.addrs[0] = A("10.0.0.100");
	struct vrrp_tx_opts o = { .family = AF_INET, .src = me->addr, .dst = A("224.0.0.18") };
	assert_true(s->nwire < WIRE_MAX);
	struct pkt *p = &s->wire[s->nwire++];
	ssize_t n = vrrp_pkt_encode(&a, &o, p->bytes, sizeof(p->bytes));
	assert_int_equal(n, 12);
	p->len = (size_t)n;
	p->at = s->now + LATENCY;
	p->from = from;
}

/* Perform the actions the way a runtime would, keeping its own view of the
 * timers and checking it against the machine's. */
static void sim_apply(struct sim *s, int i, const struct vrrp_actions *out)
{
	struct node *me = &s->n[i];
	size_t k;
	for (k = 0; k < out->n; k++) {
		const struct vrrp_action *a = &out->v[k];
		switch (a->type) {
		case VRRP_ACT_SEND_ADVERT: sim_send(s, i, me->fsm.priority); break;
		case VRRP_ACT_SEND_ADVERT_PRIO0: sim_send(s, i, 0); break;
		case VRRP_ACT_ADD_VIPS: me->vips = true; break;
		case VRRP_ACT_REMOVE_VIPS: me->vips = false; break;
		case VRRP_ACT_SEND_GARP: me->garps++; break;
		case VRRP_ACT_ARM_ADVER_TIMER: me->adver_at = a->deadline_us; break;
		case VRRP_ACT_CANCEL_ADVER_TIMER: me->adver_at = 0; break;
		case VRRP_ACT_ARM_MASTER_DOWN_TIMER: me->down_at = a->deadline_us; break;
		case VRRP_ACT_CANCEL_MASTER_DOWN_TIMER: me->down_at = 0; break;
		case VRRP_ACT_NOTIFY:
			if (a->state == VRRP_STATE_MASTER)
				me->became_master_at = s->now;
			break;
		default: fail();
		}
	}
	assert_int_equal(me->adver_at, me->fsm.adver_timer_us);
	assert_int_equal(me->down_at, me->fsm.master_down_timer_us);
	assert_int_equal(me->vips, me->fsm.state == VRRP_STATE_MASTER);
}

static void sim_event(struct sim *s, int i, struct vrrp_event e)
{
	struct vrrp_actions out;
	vrrp_fsm_handle(&s->n[i].fsm, &e, s->now, &out);
	sim_apply(s, i, &out);
}

static void sim_deliver(struct sim *s, const struct pkt *p)
{
	int i;
	for (i = 0; i < NODES; i++) {
		if (i == p->from || !s->n[i].alive)
			continue;
		struct vrrp_rx_ctx c = { .family = AF_INET, .src = s->n[p->from].addr,
					 .dst = A("224.0.0.18"), .ttl = 255,
					 .is_multicast = true, .vrid = 42 };
		static struct vrrp_adv a;
		assert_int_equal(vrrp_pkt_decode_count(p->bytes, p->len, &c, &a, &s->rx),
				 VRRP_DROP_NONE);
		struct vrrp_event e = ev(VRRP_EV_ADV_RECEIVED);
		e.adv.priority = a.priority;
		e.adv.src = c.src;
		e.adv.interval_us = vrrp_adv_interval_us(&a);
		s->n[i].last_rx = s->now;
		sim_event(s, i, e);
	}
}

/* Run every event due up to `until`, in time order (packets first on a tie,
 * then nodes by index). */
static void sim_run(struct sim *s, uint64_t until)
{
	for (;;) {
		uint64_t next = UINT64_MAX;
		int kind = -1, who = -1;
		size_t k;
		int i;
		for (k = 0; k < s->nwire; k++)
			if (s->wire[k].at < next) {
				next = s->wire[k].at;
				kind = 0;
				who = (int)k;
			}
		for (i = 0; i < NODES; i++) {
			struct node *n = &s->n[i];
			if (!n->alive)
				continue;
			if (n->down_at && n->down_at < next) {
				next = n->down_at;
				kind = 1;
				who = i;
			}
			if (n->adver_at && n->adver_at < next) {
				next = n->adver_at;
				kind = 2;
				who = i;
			}
		}
		if (kind < 0 || next > until)
			break;
		s->now = next;
		if (kind == 0) {
			struct pkt p = s->wire[who];
			s->wire[who] = s->wire[--s->nwire];
			sim_deliver(s, &p);
		} else {
			sim_event(s, who, ev(kind == 1 ? VRRP_EV_MASTER_DOWN_TIMER
						       : VRRP_EV_ADVER_TIMER));
		}
	}
	s->now = until;
}

static void sim_start(struct sim *s, int i, uint8_t prio, uint64_t adver_int_us,
		      const char *addr)
{
	struct node *n = &s->n[i];
	struct vrrp_fsm_config c = cfg(3, prio, adver_int_us, addr);
	memset(n, 0, sizeof(*n));
	n->addr = c.primary;
	n->alive = true;
	vrrp_fsm_init(&n->fsm, &c);
	sim_event(s, i, ev(VRRP_EV_STARTUP));
}

static int masters(const struct sim *s)
{
	int i, m = 0;
	for (i = 0; i < NODES; i++)
		if (s->n[i].alive && s->n[i].fsm.state == VRRP_STATE_MASTER)
			m++;
	return m;
}

static void test_sim_converge_and_failover(void **state)
{
	(void)state;
	static struct sim s;
	memset(&s, 0, sizeof(s));
	/* A: priority 200, 50 cs; B: priority 100, 1 s.  B learns 50 cs. */
	sim_start(&s, 0, 200, 500000, "10.0.0.1");
	sim_start(&s, 1, 100, SEC, "10.0.0.2");
	sim_run(&s, 10 * SEC);
	assert_int_equal(masters(&s), 1);
	assert_int_equal(s.n[0].fsm.state, VRRP_STATE_MASTER);
	assert_true(s.n[0].vips);
	assert_false(s.n[1].vips);
	/* A took over at its own down interval: 1.5 s + 56 * 0.5 s / 256. */
	assert_int_equal(s.n[0].became_master_at, 1609375);
	assert_int_equal(s.n[1].fsm.master_adver_int_us, 500000);
	assert_true(addr_equal(&s.n[1].fsm.master_addr, &s.n[0].addr));
	assert_int_equal(s.rx.csum_pseudo, s.rx.accepted);

	/* A dies silently: B takes over exactly Master_Down_Interval (learnt
	 * 50 cs: 1.5 s + 156 * 0.5 s / 256 = 1804687 µs) after A's last advert. */
	s.n[0].alive = false;
	s.nwire = 0;
	uint64_t last = s.n[1].last_rx;
	sim_run(&s, 20 * SEC);
	assert_int_equal(s.n[1].fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(s.n[1].became_master_at, last + 1804687);
	assert_int_equal(s.n[1].fsm.last_reason, VRRP_REASON_MASTER_DOWN);
	assert_true(s.n[1].vips);

	/* A comes back, discards B's lower adverts, preempts at its start-up
	 * down interval, and B steps down: one master again. */
	uint64_t back = s.now;
	sim_start(&s, 0, 200, 500000, "10.0.0.1");
	sim_run(&s, 30 * SEC);
	assert_int_equal(masters(&s), 1);
	assert_int_equal(s.n[0].fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(s.n[0].became_master_at, back + 1609375);
	assert_int_equal(s.n[0].fsm.last_reason, VRRP_REASON_PREEMPT);
	assert_int_equal(s.n[1].fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(s.n[1].fsm.last_reason, VRRP_REASON_HIGHER_PRIORITY);
	assert_false(s.n[1].vips);
}

static void test_sim_graceful_shutdown(void **state)
{
	(void)state;
	static struct sim s;
	memset(&s, 0, sizeof(s));
	sim_start(&s, 0, 200, 500000, "10.0.0.1");
	sim_start(&s, 1, 100, SEC, "10.0.0.2");
	sim_run(&s, 10 * SEC);
	assert_int_equal(s.n[0].fsm.state, VRRP_STATE_MASTER);

	/* A resigns: B takes over Skew_Time (156 * 0.5 s / 256 = 304687 µs)
	 * after the priority-0 advert reaches it. */
	sim_event(&s, 0, ev(VRRP_EV_SHUTDOWN));
	assert_int_equal(s.n[0].fsm.state, VRRP_STATE_STOP);
	assert_false(s.n[0].vips);
	uint64_t sent = s.now;
	sim_run(&s, 20 * SEC);
	assert_int_equal(s.n[1].fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(s.n[1].became_master_at, sent + LATENCY + 304687);
	assert_int_equal(s.n[1].fsm.last_reason, VRRP_REASON_MASTER_RESIGNED);
	assert_int_equal(masters(&s), 1);
}

static void test_sim_equal_priority_simultaneous_start(void **state)
{
	(void)state;
	static struct sim s;
	memset(&s, 0, sizeof(s));
	/* Same priority and interval, started together: both time out at the
	 * same instant and become master; the tie-break leaves the higher
	 * address as the only master. */
	sim_start(&s, 0, 100, SEC, "10.0.0.1");
	sim_start(&s, 1, 100, SEC, "10.0.0.2");
	sim_run(&s, 3609375);
	assert_int_equal(masters(&s), 2);
	sim_run(&s, 10 * SEC);
	assert_int_equal(masters(&s), 1);
	assert_int_equal(s.n[1].fsm.state, VRRP_STATE_MASTER);
	assert_int_equal(s.n[0].fsm.state, VRRP_STATE_BACKUP);
	assert_int_equal(s.n[0].fsm.last_reason, VRRP_REASON_HIGHER_ADDRESS);
	assert_true(addr_equal(&s.n[0].fsm.master_addr, &s.n[1].addr));
	assert_int_equal(s.n[1].fsm.counters.became_master, 1);
	assert_int_equal(s.n[0].fsm.counters.released_master, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_startup_backup),
		cmocka_unit_test(test_startup_owner),
		cmocka_unit_test(test_failover_exactly_at_master_down_interval),
		cmocka_unit_test(test_backup_priority_zero_takes_over_at_skew),
		cmocka_unit_test(test_backup_preempt_on_discards_lower),
		cmocka_unit_test(test_backup_nopreempt_keeps_lower_master),
		cmocka_unit_test(test_backup_equal_priority_accepts),
		cmocka_unit_test(test_preempt_delay),
		cmocka_unit_test(test_v3_interval_learning),
		cmocka_unit_test(test_master_adver_timer),
		cmocka_unit_test(test_master_priority_zero_readverts),
		cmocka_unit_test(test_master_adver_phase),
		cmocka_unit_test(test_master_higher_priority_steps_down),
		cmocka_unit_test(test_master_lower_priority_rfc9568),
		cmocka_unit_test(test_tie_break),
		cmocka_unit_test(test_owner_never_preempted),
		cmocka_unit_test(test_fault_enter_leave),
		cmocka_unit_test(test_vip_deleted),
		cmocka_unit_test(test_shutdown),
		cmocka_unit_test(test_priority_changed),
		cmocka_unit_test(test_unexpected_and_own_ignored),
		cmocka_unit_test(test_down_timer_adverts_and_deadline),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_sim_converge_and_failover),
		cmocka_unit_test(test_sim_graceful_shutdown),
		cmocka_unit_test(test_sim_equal_priority_simultaneous_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
