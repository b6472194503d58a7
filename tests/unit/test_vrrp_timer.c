/* VRRP timer arithmetic: the worked values of the RFCs and vrrp.md, exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdbool.h>

#include "vrrp/vrrp_timer.h"

static void test_v2_priority_100(void **state)
{
	(void)state;
	/* (256 - 100) / 256 s = 0.609375 s exactly; down = 3 s + skew. */
	assert_int_equal(vrrp_skew_time_us(2, 100, vrrp_s_to_us(1)), 609375);
	assert_int_equal(vrrp_master_down_interval_us(2, 100, vrrp_s_to_us(1)), 3609375);
	/* v2 skew does not scale with the interval; the down interval does. */
	assert_int_equal(vrrp_skew_time_us(2, 100, vrrp_s_to_us(5)), 609375);
	assert_int_equal(vrrp_master_down_interval_us(2, 100, vrrp_s_to_us(5)), 15609375);
}

static void test_v3_priority_100(void **state)
{
	(void)state;
	/* 156 * 100000 / 256 = 60937.5 -> truncated to 60937 µs. */
	assert_int_equal(vrrp_skew_time_us(3, 100, vrrp_cs_to_us(10)), 60937);
	assert_int_equal(vrrp_master_down_interval_us(3, 100, vrrp_cs_to_us(10)), 360937);
	/* 1 cs: 156 * 10000 / 256 = 6093.75 -> 6093; down 30000 + 6093. */
	assert_int_equal(vrrp_skew_time_us(3, 100, vrrp_cs_to_us(1)), 6093);
	assert_int_equal(vrrp_master_down_interval_us(3, 100, vrrp_cs_to_us(1)), 36093);
	/* At 1 s v3 gives the same numbers as v2. */
	assert_int_equal(vrrp_master_down_interval_us(3, 100, vrrp_cs_to_us(100)), 3609375);
}

static void test_sub_cs_precision_orders_backups(void **state)
{
	(void)state;
	/* At 1 cs, priorities 200 and 201 differ by 39 µs of skew: whole
	 * centiseconds would make them equal (both 0 cs) and race. */
	uint64_t s200 = vrrp_skew_time_us(3, 200, vrrp_cs_to_us(1));
	uint64_t s201 = vrrp_skew_time_us(3, 201, vrrp_cs_to_us(1));
	assert_int_equal(s200, 2187);
	assert_int_equal(s201, 2148);
	assert_true(s201 < s200);
	assert_int_equal(vrrp_us_to_cs(s200), vrrp_us_to_cs(s201));
}

static void test_extremes(void **state)
{
	(void)state;
	/* Owner: (256 - 255) / 256 s; priority 0 uses the full weight 256. */
	assert_int_equal(vrrp_skew_time_us(2, 255, 0), 3906);
	assert_int_equal(vrrp_skew_time_us(2, 0, 0), 1000000);
	assert_int_equal(vrrp_skew_time_us(3, 0, vrrp_cs_to_us(4095)), 40950000);
	/* The largest v3 interval does not overflow. */
	assert_int_equal(vrrp_master_down_interval_us(3, 1, vrrp_cs_to_us(4095)),
			 3 * 40950000ULL + 255ULL * 40950000ULL / 256);
}

static void test_down_timer_adverts(void **state)
{
	(void)state;
	assert_int_equal(vrrp_master_down_interval_n_us(2, 100, vrrp_s_to_us(1), 5), 5609375);
	/* 0 means the RFC's 3. */
	assert_int_equal(vrrp_master_down_interval_n_us(2, 100, vrrp_s_to_us(1), 0), 3609375);
}

static void test_conversions_and_fields(void **state)
{
	(void)state;
	assert_int_equal(vrrp_cs_to_us(100), 1000000);
	assert_int_equal(vrrp_s_to_us(3), 3000000);
	assert_int_equal(vrrp_us_to_cs(19999), 1);
	assert_int_equal(vrrp_us_to_s(1999999), 1);
	assert_int_equal(vrrp_v2_adver_int_field(1000000), 1);
	assert_int_equal(vrrp_v2_adver_int_field(1500000), 2); /* nearest */
	assert_int_equal(vrrp_v2_adver_int_field(0), 1);       /* clamped */
	assert_int_equal(vrrp_v2_adver_int_field(vrrp_s_to_us(1000)), 255);
	assert_int_equal(vrrp_v3_adver_int_field(100000), 10);
	assert_int_equal(vrrp_v3_adver_int_field(14999), 1);
	assert_int_equal(vrrp_v3_adver_int_field(15000), 2);
	assert_int_equal(vrrp_v3_adver_int_field(1000), 1);
	assert_int_equal(vrrp_v3_adver_int_field(vrrp_s_to_us(100)), 4095);
}

static void test_adver_phase_slots(void **state)
{
	(void)state;
	uint64_t ph = 12345;
	/* Up to VRRP_PHASE_GROUP instances share one slot: no phase at all,
	 * and *phase_us is left alone. */
	assert_false(vrrp_adver_phase_us(0, 1, 1000000, &ph));
	assert_false(vrrp_adver_phase_us(49, VRRP_PHASE_GROUP, 1000000, &ph));
	assert_int_equal(ph, 12345);
	/* 1,000 at 100 ms: 20 slots 5 ms apart, dealt round-robin. */
	assert_true(vrrp_adver_phase_us(0, 1000, 100000, &ph));
	assert_int_equal(ph, 0);
	assert_true(vrrp_adver_phase_us(1, 1000, 100000, &ph));
	assert_int_equal(ph, 5000);
	assert_true(vrrp_adver_phase_us(19, 1000, 100000, &ph));
	assert_int_equal(ph, 95000);
	/* The second round of the deal: 1 us into each slot. */
	assert_true(vrrp_adver_phase_us(21, 1000, 100000, &ph));
	assert_int_equal(ph, 5001);
	assert_true(vrrp_adver_phase_us(999, 1000, 100000, &ph));
	assert_int_equal(ph, 95049);
	/* At 1 s a slot holds 200: 1,000 make 5 slots 200 ms apart; 200 none. */
	assert_true(vrrp_adver_phase_us(7, 1000, 1000000, &ph));
	assert_int_equal(ph, 400001);
	assert_false(vrrp_adver_phase_us(3, 200, 1000000, &ph));
	/* At 3 s, 600 per slot. */
	assert_false(vrrp_adver_phase_us(3, 600, 3000000, &ph));
	assert_true(vrrp_adver_phase_us(3, 601, 3000000, &ph));
	assert_int_equal(ph, 1500001);
	/* 1,000 at 10 ms would be 20 slots 500 us apart: capped at 10, 1 ms. */
	assert_true(vrrp_adver_phase_us(13, 1000, 10000, &ph));
	assert_int_equal(ph, 3001);
	/* 2 ms: only 2 slots fit; 1 ms: one - no phase. */
	assert_true(vrrp_adver_phase_us(5, 4000, 2000, &ph));
	assert_int_equal(ph, 1002);
	/* More instances than microseconds in a slot: the offset wraps
	 * within the slot, never into the next one. */
	assert_true(vrrp_adver_phase_us(2 * 1000 * 2 + 1, 4000 * 2, 2000, &ph));
	assert_int_equal(ph, 1000);
	assert_false(vrrp_adver_phase_us(5, 4000, 1000, &ph));
	/* Every phase lies inside the interval, and no two are equal. */
	static bool seen[100000];
	for (size_t i = 0; i < 5000; i++) {
		assert_true(vrrp_adver_phase_us(i, 5000, 100000, &ph));
		assert_true(ph < 100000);
		assert_false(seen[ph]);
		seen[ph] = true;
	}
}

static void test_phase_next(void **state)
{
	(void)state;
	const uint64_t I = 100000;
	/* Strictly after now, on the phase, at most one interval away. */
	assert_int_equal(vrrp_phase_next_us(1000000, I, 30000), 1030000);
	assert_int_equal(vrrp_phase_next_us(1030000, I, 30000), 1130000);
	assert_int_equal(vrrp_phase_next_us(1029999, I, 30000), 1030000);
	assert_int_equal(vrrp_phase_next_us(1030001, I, 30000), 1130000);
	/* Before the first instant of the phase (clock near zero). */
	assert_int_equal(vrrp_phase_next_us(5, I, 30000), 30000);
	/* A phase given beyond the interval is taken modulo it. */
	assert_int_equal(vrrp_phase_next_us(1000000, I, 130000), 1030000);
	for (uint64_t now = 999; now < 3 * I; now += 3331) {
		uint64_t t = vrrp_phase_next_us(now, I, 70000);
		assert_true(t > now && t - now <= I);
		assert_int_equal(t % I, 70000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_priority_100),
		cmocka_unit_test(test_v3_priority_100),
		cmocka_unit_test(test_sub_cs_precision_orders_backups),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_down_timer_adverts),
		cmocka_unit_test(test_conversions_and_fields),
		cmocka_unit_test(test_adver_phase_slots),
		cmocka_unit_test(test_phase_next),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
