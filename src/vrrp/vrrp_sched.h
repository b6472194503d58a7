/* The deadlines of every instance's protocol timer in one min-heap, so the
 * VRRP child needs one timerfd, not one per instance.
 *
 * Pure data structure: no clock, no I/O.  Each instance embeds a
 * struct vrrp_sched_item; setting its key moves it in the heap in
 * O(log n) without a system call, and the engine arms its single timerfd
 * at the earliest key (vrrp_engine.c).  A key of 0 means "no deadline":
 * the item leaves the heap.
 *
 * The heap is 4-ary and keeps each key next to its item pointer, so a
 * sift compares keys in one cache line instead of following a pointer per
 * child: a master of 1,000 instances moves one item per advert sent. */
#ifndef HALO_VRRP_VRRP_SCHED_H
#define HALO_VRRP_VRRP_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct vrrp_sched_item {
	uint64_t key; /* deadline, µs on CLOCK_MONOTONIC; 0: not scheduled */
	size_t pos;   /* index in the heap + 1; 0: not in the heap */
};

struct vrrp_sched_slot {
	uint64_t key;
	struct vrrp_sched_item *it;
};

struct vrrp_sched {
	struct vrrp_sched_slot *v;
	size_t n, cap;
};

#define VRRP_SCHED_ARITY 4

/* Gives `it` the deadline `key` (inserting, moving or, for 0, removing
 * it).  Returns 0, or -1 when the heap cannot grow (it is then left out). */
int vrrp_sched_set(struct vrrp_sched *h, struct vrrp_sched_item *it, uint64_t key);
static inline void vrrp_sched_remove(struct vrrp_sched *h, struct vrrp_sched_item *it)
{
	vrrp_sched_set(h, it, 0);
}
/* The item with the earliest deadline, NULL when the heap is empty. */
static inline struct vrrp_sched_item *vrrp_sched_first(const struct vrrp_sched *h)
{
	return h->n ? h->v[0].it : NULL;
}
void vrrp_sched_free(struct vrrp_sched *h);

#endif
