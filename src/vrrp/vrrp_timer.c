/* VRRP timer arithmetic in microseconds; see vrrp_timer.h for the rounding
 * rule.  No clock is read here: callers add these durations to their own
 * monotonic "now". */
#include "vrrp/vrrp_timer.h"

uint64_t vrrp_skew_time_us(unsigned version, uint8_t priority, uint64_t master_adver_int_us)
{
	uint64_t weight = 256u - priority; /* 1..256 */

	/* RFC 3768 §6.1: Skew_Time = (256 - Priority) / 256 seconds. */
	if (version == 2)
		return weight * VRRP_USEC_PER_SEC / 256u;
	/* RFC 9568 §6.1: Skew_Time = ((256 - Priority) * Active_Adver_Interval) / 256. */
	return weight * master_adver_int_us / 256u;
}

uint64_t vrrp_master_down_interval_n_us(unsigned version, uint8_t priority,
					uint64_t master_adver_int_us, unsigned adverts)
{
	if (adverts == 0)
		adverts = VRRP_DOWN_TIMER_ADVERTS;
	return (uint64_t)adverts * master_adver_int_us +
	       vrrp_skew_time_us(version, priority, master_adver_int_us);
}

uint64_t vrrp_master_down_interval_us(unsigned version, uint8_t priority,
				      uint64_t master_adver_int_us)
{
	return vrrp_master_down_interval_n_us(version, priority, master_adver_int_us,
					      VRRP_DOWN_TIMER_ADVERTS);
}

static uint64_t round_div_clamp(uint64_t v, uint64_t unit, uint64_t max)
{
	uint64_t n = (v + unit / 2) / unit;

	if (n < 1)
		return 1;
	return n > max ? max : n;
}

uint8_t vrrp_v2_adver_int_field(uint64_t interval_us)
{
	return (uint8_t)round_div_clamp(interval_us, VRRP_USEC_PER_SEC, VRRP_V2_ADVER_INT_MAX);
}

uint16_t vrrp_v3_adver_int_field(uint64_t interval_us)
{
	return (uint16_t)round_div_clamp(interval_us, VRRP_USEC_PER_CS, VRRP_V3_ADVER_INT_MAX);
}

bool vrrp_adver_phase_us(size_t ordinal, size_t count, uint64_t adver_int_us,
			 uint64_t *phase_us)
{
	uint64_t group = adver_int_us / VRRP_PHASE_US_PER_INST;
	if (group < VRRP_PHASE_GROUP)
		group = VRRP_PHASE_GROUP;
	uint64_t slots = (count + group - 1) / group;
	uint64_t most = adver_int_us / VRRP_PHASE_MIN_GAP_US;
	if (slots > most)
		slots = most;
	if (slots <= 1)
		return false;
	/* Within its slot each instance is 1 µs after the one before: equal
	 * deadlines would leave their order to the heap, which changes from
	 * round to round, and an instance's place in the burst (its delay)
	 * with it.  Distinct deadlines keep every instance at the same place,
	 * and the engine's batching slack still sends a slot in one wake-up. */
	uint64_t width = adver_int_us / slots;
	*phase_us = (ordinal % slots) * width + (ordinal / slots) % width;
	return true;
}

uint64_t vrrp_phase_next_us(uint64_t now_us, uint64_t adver_int_us, uint64_t phase_us)
{
	uint64_t phase = phase_us % adver_int_us;
	uint64_t into = (now_us + adver_int_us - phase) % adver_int_us; /* now's offset past the phase */
	return now_us + (adver_int_us - into);
}
