/* VRRP timer arithmetic (RFC 3768 §6.1, RFC 5798 / RFC 9568 §6.1), pure.
 *
 * Every duration here is in MICROSECONDS so that sub-centisecond differences
 * survive: with 1 cs adverts, truncating Skew_Time to whole centiseconds would
 * make backups of different priorities time out at the same instant and change
 * who wins the race.  Rounding rule: products are computed exactly in 64-bit
 * integers and the single division by 256 TRUNCATES to whole microseconds. */
#ifndef HALO_VRRP_TIMER_H
#define HALO_VRRP_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VRRP_USEC_PER_SEC 1000000ULL
#define VRRP_USEC_PER_CS 10000ULL

/* RFC default: Master_Down_Interval counts three missed adverts. */
#define VRRP_DOWN_TIMER_ADVERTS 3

/* Field limits: v2 Adver Int is 8 bits of seconds; v3 Max Adver Int is 12
 * bits of centiseconds, 0 being invalid in both. */
#define VRRP_V2_ADVER_INT_MAX 255
#define VRRP_V3_ADVER_INT_MAX 4095

static inline uint64_t vrrp_cs_to_us(uint32_t cs) { return (uint64_t)cs * VRRP_USEC_PER_CS; }
static inline uint64_t vrrp_s_to_us(uint32_t s) { return (uint64_t)s * VRRP_USEC_PER_SEC; }
/* Truncating conversions back (for display). */
static inline uint64_t vrrp_us_to_cs(uint64_t us) { return us / VRRP_USEC_PER_CS; }
static inline uint64_t vrrp_us_to_s(uint64_t us) { return us / VRRP_USEC_PER_SEC; }

/* Skew_Time in µs.
 * v2 (RFC 3768): (256 - Priority) / 256 seconds, independent of the interval.
 * v3 (RFC 9568): ((256 - Priority) * Master_Adver_Interval) / 256.
 * Any version other than 2 is treated as 3. */
uint64_t vrrp_skew_time_us(unsigned version, uint8_t priority, uint64_t master_adver_int_us);

/* Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time, in µs. */
uint64_t vrrp_master_down_interval_us(unsigned version, uint8_t priority,
				      uint64_t master_adver_int_us);

/* The same with keepalived's `down_timer_adverts` N instead of 3 (a
 * deviation from the RFCs; N = 0 is treated as 3). */
uint64_t vrrp_master_down_interval_n_us(unsigned version, uint8_t priority,
					uint64_t master_adver_int_us, unsigned adverts);

/* Advert phases.  Instances that became master together would otherwise
 * send in one burst per interval (1,000 adverts in a few milliseconds),
 * and a burst that long is late by its own length for whoever is at its
 * end - jitter of milliseconds that moves from instance to instance.  A
 * large configuration therefore gives each instance a phase: a fixed
 * offset within the interval on the monotonic clock where its adverts
 * fall.  Instances are dealt round-robin over S slots, S chosen so that a
 * slot holds about VRRP_PHASE_GROUP instances (they still share one
 * wake-up and one sendmmsg), or one per VRRP_PHASE_US_PER_INST of the
 * interval if that is more, and slots are at least VRRP_PHASE_MIN_GAP_US
 * apart.  Long intervals take larger slots because every slot costs a
 * wake-up of the sender and of each receiver (bench/scale, 1,000 x 1 s:
 * 20 slots cost the master ~30% more CPU than 5).  The price is jitter:
 * how fast a burst goes varies from round to round, so an instance late
 * in a burst of 200 (~1.3 ms here) moves by a few hundred microseconds.
 * Returns false when one slot holds everything (S = 1: the RFC's plain
 * "one interval after the last advert"); otherwise *phase_us is the offset in
 * [0, adver_int_us): the slot's start plus 1 µs per instance dealt to the
 * slot before this one, so no two instances share a deadline. */
#define VRRP_PHASE_GROUP 50
#define VRRP_PHASE_US_PER_INST 5000
#define VRRP_PHASE_MIN_GAP_US 1000

bool vrrp_adver_phase_us(size_t ordinal, size_t count, uint64_t adver_int_us,
			 uint64_t *phase_us);

/* The first instant strictly after now_us that lies on the phase:
 * t > now_us, t mod adver_int_us == phase_us mod adver_int_us.  So it is
 * at most one interval away.  adver_int_us must not be 0. */
uint64_t vrrp_phase_next_us(uint64_t now_us, uint64_t adver_int_us, uint64_t phase_us);

/* Wire fields from a configured interval: rounded to the nearest unit and
 * clamped to the field's valid range (v2: 1-255 s; v3: 1-4095 cs). */
uint8_t vrrp_v2_adver_int_field(uint64_t interval_us);
uint16_t vrrp_v3_adver_int_field(uint64_t interval_us);

#endif
