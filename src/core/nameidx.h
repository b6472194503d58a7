/* A string -> index map living in an arena (open addressing, FNV-1a).
 *
 * Configuration objects are kept in VECs that move when they grow, so the
 * map stores indices, not pointers.  It exists because name lookups during
 * parsing (a duplicate vrrp_instance, a sync group member) must not cost a
 * scan of every earlier object: a 65,000-instance ~SEQ configuration would
 * otherwise take minutes to check. */
#ifndef HALO_CORE_NAMEIDX_H
#define HALO_CORE_NAMEIDX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

struct name_index {
	struct name_slot {
		const char *key; /* NULL: empty; the string is not copied */
		size_t value;
	} *slots;
	size_t cap, n; /* cap is 0 or a power of two */
};

/* Adds key -> value; an existing key keeps its first value (returns false). */
bool nameidx_add(struct arena *a, struct name_index *ix, const char *key, size_t value);
/* Looks key up; false when absent. */
bool nameidx_find(const struct name_index *ix, const char *key, size_t *value);

#endif
