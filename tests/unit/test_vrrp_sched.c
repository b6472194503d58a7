/* The deadline heap (src/vrrp/vrrp_sched.c): the first item is always the
 * earliest deadline, whatever mix of inserts, moves and removals led there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "vrrp/vrrp_sched.h"

#define N 1000

/* Deterministic pseudo-random numbers (xorshift), so a failure replays. */
static uint64_t rnd_state = 88172645463325252ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static uint64_t min_key(const struct vrrp_sched_item *it, size_t n)
{
	uint64_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (it[i].key && (!m || it[i].key < m))
			m = it[i].key;
	return m;
}

/* Every slot knows its item, every item its slot, keys agree, and no
 * child is earlier than its parent. */
static void check_heap(const struct vrrp_sched *h)
{
	for (size_t i = 0; i < h->n; i++) {
		assert_int_equal(h->v[i].it->pos, i + 1);
		assert_int_equal(h->v[i].key, h->v[i].it->key);
		if (i)
			assert_true(h->v[(i - 1) / VRRP_SCHED_ARITY].key <= h->v[i].key);
	}
}

static void test_order(void **state)
{
	(void)state;
	struct vrrp_sched h = { 0 };
	struct vrrp_sched_item it[5] = { 0 };
	uint64_t keys[5] = { 50, 10, 40, 30, 20 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(vrrp_sched_set(&h, &it[i], keys[i]), 0);
	uint64_t want[5] = { 10, 20, 30, 40, 50 };
	for (int i = 0; i < 5; i++) {
		struct vrrp_sched_item *f = vrrp_sched_first(&h);
		assert_non_null(f);
		assert_int_equal(f->key, want[i]);
		vrrp_sched_remove(&h, f);
		assert_int_equal(f->pos, 0);
		assert_int_equal(f->key, 0);
	}
	assert_null(vrrp_sched_first(&h));
	vrrp_sched_free(&h);
}

static void test_move(void **state)
{
	(void)state;
	struct vrrp_sched h = { 0 };
	struct vrrp_sched_item a = { 0 }, b = { 0 }, c = { 0 };
	vrrp_sched_set(&h, &a, 100);
	vrrp_sched_set(&h, &b, 200);
	vrrp_sched_set(&h, &c, 300);
	assert_ptr_equal(vrrp_sched_first(&h), &a);
	/* A backup's Master_Down_Timer pushed later by an advert. */
	vrrp_sched_set(&h, &a, 400);
	assert_ptr_equal(vrrp_sched_first(&h), &b);
	/* A deadline brought forward (priority 0 received: Skew_Time). */
	vrrp_sched_set(&h, &c, 50);
	assert_ptr_equal(vrrp_sched_first(&h), &c);
	/* Removing an item not in the heap, and the same key again: no-ops. */
	struct vrrp_sched_item d = { 0 };
	vrrp_sched_remove(&h, &d);
	vrrp_sched_set(&h, &c, 50);
	assert_int_equal(h.n, 3);
	check_heap(&h);
	vrrp_sched_free(&h);
	assert_int_equal(a.pos, 0);
}

static void test_random(void **state)
{
	(void)state;
	static struct vrrp_sched_item it[N];
	struct vrrp_sched h = { 0 };
	for (int round = 0; round < 20000; round++) {
		size_t i = rnd() % N;
		uint64_t op = rnd() % 4;
		uint64_t key = op == 0 ? 0 : 1 + rnd() % 100000;
		assert_int_equal(vrrp_sched_set(&h, &it[i], key), 0);
		assert_int_equal(it[i].key, key);
		assert_int_equal(it[i].pos != 0, key != 0);
		if (round % 97 == 0 || round < 200)
			check_heap(&h);
		struct vrrp_sched_item *f = vrrp_sched_first(&h);
		assert_int_equal(f ? f->key : 0, min_key(it, N));
	}
	size_t n = 0;
	for (size_t i = 0; i < N; i++)
		n += it[i].pos != 0;
	assert_int_equal(h.n, n);
	/* Draining yields non-decreasing deadlines. */
	uint64_t last = 0;
	while (vrrp_sched_first(&h)) {
		struct vrrp_sched_item *f = vrrp_sched_first(&h);
		assert_true(f->key >= last);
		last = f->key;
		vrrp_sched_remove(&h, f);
	}
	vrrp_sched_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
