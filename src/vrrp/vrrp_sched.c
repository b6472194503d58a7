/* 4-ary min-heap of instance deadlines (vrrp_sched.h). */
#include "vrrp/vrrp_sched.h"

#include <stdlib.h>

static void place(struct vrrp_sched *h, size_t i, struct vrrp_sched_slot s)
{
	h->v[i] = s;
	s.it->pos = i + 1;
}

static void sift_up(struct vrrp_sched *h, size_t i)
{
	struct vrrp_sched_slot s = h->v[i];
	while (i > 0) {
		size_t parent = (i - 1) / VRRP_SCHED_ARITY;
		if (h->v[parent].key <= s.key)
			break;
		place(h, i, h->v[parent]);
		i = parent;
	}
	place(h, i, s);
}

static void sift_down(struct vrrp_sched *h, size_t i)
{
	struct vrrp_sched_slot s = h->v[i];
	for (;;) {
		size_t first = VRRP_SCHED_ARITY * i + 1;
		if (first >= h->n)
			break;
		size_t last = first + VRRP_SCHED_ARITY;
		if (last > h->n)
			last = h->n;
		size_t c = first;
		for (size_t j = first + 1; j < last; j++)
			if (h->v[j].key < h->v[c].key)
				c = j;
		if (s.key <= h->v[c].key)
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, s);
}

static void take_out(struct vrrp_sched *h, struct vrrp_sched_item *it)
{
	size_t i = it->pos - 1;
	struct vrrp_sched_slot last = h->v[--h->n];
	it->pos = 0;
	if (last.it == it)
		return;
	place(h, i, last);
	/* The moved item may belong above or below its new place. */
	sift_up(h, i);
	sift_down(h, last.it->pos - 1);
}

static int grow(struct vrrp_sched *h)
{
	size_t cap = h->cap ? h->cap * 2 : 64;
	struct vrrp_sched_slot *nv = realloc(h->v, cap * sizeof(*nv));
	if (!nv)
		return -1;
	h->v = nv;
	h->cap = cap;
	return 0;
}

int vrrp_sched_set(struct vrrp_sched *h, struct vrrp_sched_item *it, uint64_t key)
{
	if (key == 0) {
		if (it->pos)
			take_out(h, it);
		it->key = 0;
		return 0;
	}
	if (!it->pos) {
		if (h->n == h->cap && grow(h) < 0) {
			it->key = 0;
			return -1;
		}
		it->key = key;
		place(h, h->n++, (struct vrrp_sched_slot){ key, it });
		sift_up(h, h->n - 1);
		return 0;
	}
	uint64_t old = it->key;
	size_t i = it->pos - 1;
	it->key = key;
	h->v[i].key = key;
	if (key < old)
		sift_up(h, i);
	else if (key > old)
		sift_down(h, i);
	return 0;
}

void vrrp_sched_free(struct vrrp_sched *h)
{
	for (size_t i = 0; i < h->n; i++)
		h->v[i].it->pos = 0;
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
