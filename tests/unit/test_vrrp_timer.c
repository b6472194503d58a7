/* VRRP timer arithmetic: the worked values of the RFCs and vrrp.md, exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_priority_100),
		cmocka_unit_test(test_v3_priority_100),
		cmocka_unit_test(test_sub_cs_precision_orders_backups),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_down_timer_adverts),
		cmocka_unit_test(test_conversions_and_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
