/* The arena's vectors and what a loaded configuration costs.
 *
 * A vector that is the arena's last allocation grows where it is, and one
 * that owns a chunk has the chunk reallocated, so neither leaves old
 * copies behind; a vector that something else was allocated after is
 * copied, contents intact.  A loaded configuration holds its model only:
 * the statement tree and validation's scratch arrays are gone, which the
 * arena's byte count shows against the size of the model itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf/conf.h"

struct item {
	uint64_t a, b, c; /* 24 bytes: sizes that are not multiples of 16 */
};

static size_t round16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static void check_items(const struct item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].a, i);
		assert_int_equal(v[i].b, i * 3);
		assert_int_equal(v[i].c, 0); /* new elements come zeroed */
	}
}

static void push_items(struct arena *a, void *vec, size_t from, size_t to)
{
	VEC(struct item) *v = vec;
	for (size_t i = from; i < to; i++) {
		struct item *it = VEC_PUSH(a, *v);
		assert_int_equal(it->a + it->b + it->c, 0);
		it->a = i;
		it->b = i * 3;
	}
}

/* Alone in the arena, a small vector grows in place: the arena hands out
 * exactly its final capacity, nothing for the sizes it went through. */
static void test_grow_in_place(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	VEC(struct item) v = { 0 };
	push_items(&a, &v, 0, 100);
	assert_int_equal(v.n, 100);
	assert_int_equal(v.cap, 128);
	check_items(v.v, v.n);
	assert_int_equal(a.total, round16(128 * sizeof(struct item)));
	arena_free(&a);
}

/* Something allocated after the vector stops growth in place: the vector
 * is copied whole, and what was allocated after it is untouched. */
static void test_grow_after_other_allocations(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	VEC(struct item) v = { 0 };
	char *marks[40];
	for (size_t i = 0; i < 40; i++) {
		push_items(&a, &v, i * 5, i * 5 + 5);
		marks[i] = arena_printf(&a, "mark %zu", i);
	}
	check_items(v.v, v.n);
	for (size_t i = 0; i < 40; i++) {
		char want[32];
		snprintf(want, sizeof(want), "mark %zu", i);
		assert_string_equal(marks[i], want);
	}
	arena_free(&a);
}

/* A vector past the chunk size gets a chunk of its own, which is then
 * reallocated: 100,000 elements cost their final capacity plus the
 * vector's small beginnings, not the ~2x of every copy kept. */
static void test_big_vector_owns_its_chunk(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	VEC(struct item) v = { 0 };
	/* A string first, then a string between pushes now and then, so the
	 * vector is not always the last allocation. */
	char *first = arena_strdup(&a, "first");
	for (size_t i = 0; i < 100000; i++) {
		push_items(&a, &v, i, i + 1);
		if (i % 10000 == 0)
			arena_strdup(&a, "between");
	}
	check_items(v.v, v.n);
	assert_string_equal(first, "first");
	size_t final = round16(v.cap * sizeof(struct item));
	assert_true(a.total >= final);
	/* Growth by copying would have left at least final / 2 behind. */
	assert_true(a.total < final + final / 8);
	arena_free(&a);
}

/* Two vectors filled in turn copy each other out of the way; both keep
 * their contents. */
static void test_two_vectors_interleaved(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	VEC(struct item) x = { 0 }, y = { 0 };
	for (size_t i = 0; i < 3000; i++) {
		push_items(&a, &x, i, i + 1);
		push_items(&a, &y, i, i + 1);
	}
	check_items(x.v, x.n);
	check_items(y.v, y.n);
	arena_free(&a);
}

/* bench/scale's configuration shape: N instances with one /32 each. */
static char *scale_config(int n)
{
	size_t cap = 64 + (size_t)n * 200, len = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len, "global_defs {\n    vrrp_version 3\n}\n");
	for (int i = 0; i < n; i++) {
		int seg = i / 250, vrid = i % 250 + 1;
		len += (size_t)snprintf(s + len, cap - len,
					"vrrp_instance VI_%d_%d {\n state BACKUP\n interface lo\n"
					" virtual_router_id %d\n priority 200\n advert_int 0.1\n"
					" virtual_ipaddress {\n  10.%d.%d.1/32 dev eth%d\n }\n}\n",
					seg, vrid, vrid, 100 + seg, vrid, seg);
	}
	return s;
}

/* A loaded configuration holds the model and little else: the statement
 * tree (about as big again as the model for this shape) and the
 * validation scratch are freed by conf_load(). */
static void test_loaded_config_holds_the_model_only(void **state)
{
	(void)state;
	enum { N = 1000 };
	char *text = scale_config(N);
	struct diag_list d;
	diag_init(&d);
	struct conf_opts o = { .file = "t.conf", .config_id = "test" };
	struct halo_config *cfg = conf_load_string("t.conf", text, &o, &d);
	assert_non_null(cfg);
	assert_int_equal(cfg->vrrp.instances.n, N);
	assert_int_equal(cfg->vrrp.instances.v[N - 1].vips.n, 1);
	assert_string_equal(cfg->vrrp.instances.v[N - 1].vips.v[0].dev, "eth3");
	size_t model = N * (sizeof(struct vrrp_instance_conf) + sizeof(struct vip_conf));
	/* The instance vector's spare capacity (24 of 1,024), the strings and
	 * the name index stay well under a quarter of that; the old layout
	 * (tree and old vector copies kept) took over three times the model. */
	assert_true(cfg->arena.total >= model);
	assert_true(cfg->arena.total < model + model / 4);
	/* Locations still name their file: file names live in the model's
	 * arena, not the freed tree's. */
	assert_string_equal(cfg->vrrp.instances.v[N - 1].vips.v[0].loc.file, "t.conf");
	assert_string_equal(cfg->vrrp.instances.v[N - 1].loc.file, "t.conf");
	conf_free(cfg);
	diag_clear(&d);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_in_place),
		cmocka_unit_test(test_grow_after_other_allocations),
		cmocka_unit_test(test_big_vector_owns_its_chunk),
		cmocka_unit_test(test_two_vectors_interleaved),
		cmocka_unit_test(test_loaded_config_holds_the_model_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
