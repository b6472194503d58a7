/* Time helpers.  Monotonic time measures (timers, uptime, back-off);
 * wall-clock time is only ever displayed. */
#ifndef HALO_CORE_CLOCK_H
#define HALO_CORE_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Monotonic microseconds. */
static inline uint64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* `t` as ISO 8601 UTC, "2024-05-01T12:00:00Z", for display. */
static inline const char *clock_iso8601(time_t t, char *buf, size_t len)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	if (!strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
	return buf;
}

#endif
