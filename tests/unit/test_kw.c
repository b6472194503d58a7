/* Keyword-table framework: typed fields, ranges, aliases, durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conf/conf.h"

struct obj {
	bool flag;
	int tri;
	int num;
	char *str;
	int mode;
	uint64_t dur_us;
	struct halo_addr addr;
	struct strvec list;
};

static const struct kw_enum modes[] = { { "NAT", 1 }, { "DR", 2 }, { "TUN", 3 }, { NULL, 0 } };

static const struct kw table[] = {
	KW_ROW_FLAG("flag", struct obj, flag),
	KW_ROW_TRI("tri", struct obj, tri),
	KW_ROW_INT("num", struct obj, num, 1, 255),
	KW_ROW_STR("str", struct obj, str),
	KW_ROW_ENUM("mode", struct obj, mode, modes),
	KW_ROW_ALIAS("old_mode", "mode"),
	KW_ROW_DUR("dur", struct obj, dur_us, 10000, 40950000),
	KW_ROW_ADDR("addr", struct obj, addr),
	KW_ROW_LIST("list", struct obj, list),
	KW_ROW_IGNORED("later"),
	KW_END,
};

static struct cf_node *stmt(struct arena *a, int line, const char *w0, const char *w1)
{
	struct cf_node *n = arena_alloc(a, sizeof(*n));
	n->loc = (struct cf_loc){ "t.conf", line };
	n->argv = arena_alloc(a, 3 * sizeof(char *));
	n->argv[n->argc++] = arena_strdup(a, w0);
	if (w1)
		n->argv[n->argc++] = arena_strdup(a, w1);
	return n;
}

static void run(const char *w0, const char *w1, struct obj *o, struct diag_list *d)
{
	struct arena a;
	arena_init(&a);
	struct halo_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	struct cf_ctx c = { .a = &a, .d = d, .cfg = &cfg };
	struct cf_node *n = stmt(&a, 7, w0, w1);
	kw_parse_block(&c, n, table, o, "test");
	/* Strings stay in the arena; the tests only compare scalars after this. */
	o->str = NULL;
	o->list.v = NULL;
	arena_free(&a);
}

static void test_int_range(void **state)
{
	(void)state;
	struct obj o = { 0 };
	struct diag_list d;
	diag_init(&d);
	run("num", "100", &o, &d);
	assert_int_equal(o.num, 100);
	assert_int_equal(d.n, 0);
	run("num", "256", &o, &d);
	assert_int_equal(o.num, 100);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].msg, "num: 256 is out of range 1-255");
	assert_int_equal(d.v[0].loc.line, 7);
	run("num", "12abc", &o, &d);
	assert_int_equal(d.errors, 2);
	assert_string_equal(d.v[1].msg, "num: expected an integer 1-255, got '12abc'");
	diag_clear(&d);
}

static void test_enum_and_alias(void **state)
{
	(void)state;
	struct obj o = { 0 };
	struct diag_list d;
	diag_init(&d);
	run("old_mode", "DR", &o, &d);
	assert_int_equal(o.mode, 2);
	run("mode", "XX", &o, &d);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].msg, "mode: expected one of NAT|DR|TUN, got 'XX'");
	diag_clear(&d);
}

static void test_duration(void **state)
{
	(void)state;
	uint64_t us;
	assert_true(parse_seconds_us("0.05", &us));
	assert_int_equal(us, 50000);
	assert_true(parse_seconds_us("1", &us));
	assert_int_equal(us, 1000000);
	assert_true(parse_seconds_us("40.95", &us));
	assert_int_equal(us, 40950000);
	assert_false(parse_seconds_us("1.", &us));
	assert_false(parse_seconds_us("abc", &us));
	assert_false(parse_seconds_us("", &us));
	struct obj o = { 0 };
	struct diag_list d;
	diag_init(&d);
	run("dur", "0.001", &o, &d);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].msg, "dur: 0.001 seconds is out of range 0.01-40.95");
	run("dur", "0.5", &o, &d);
	assert_int_equal(o.dur_us, 500000);
	diag_clear(&d);
}

static void test_flag_unknown_ignored(void **state)
{
	(void)state;
	struct obj o = { 0 };
	struct diag_list d;
	diag_init(&d);
	run("flag", NULL, &o, &d);
	assert_true(o.flag);
	run("flag", "off", &o, &d);
	assert_false(o.flag);
	run("bogus", NULL, &o, &d);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].msg, "unknown keyword 'bogus' in test");
	run("later", "x", &o, &d);
	assert_int_equal(d.warnings, 1);
	assert_int_equal(diag_exit_code(&d), CONF_EXIT_ERRORS);
	diag_clear(&d);
}

static void test_tri(void **state)
{
	(void)state;
	struct obj o = { .tri = KW_TRI_UNSET };
	struct diag_list d;
	diag_init(&d);
	json_object *j = json_object_new_object();
	kw_dump(j, table, &o);
	/* Unset dumps as null: validation has not inherited a default. */
	json_object *v = NULL;
	assert_true(json_object_object_get_ex(j, "tri", &v));
	assert_null(v);
	json_object_put(j);
	run("tri", NULL, &o, &d);
	assert_int_equal(o.tri, 1);
	run("tri", "no", &o, &d);
	assert_int_equal(o.tri, 0);
	run("tri", "maybe", &o, &d);
	assert_int_equal(o.tri, 0);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].msg,
			    "tri: expected true/false, yes/no, on/off or 1/0, got 'maybe'");
	diag_clear(&d);
}

static void test_prefix(void **state)
{
	(void)state;
	struct halo_prefix p;
	char buf[HALO_ADDRSTRLEN];
	assert_true(prefix_parse("10.0.0.1/24", &p));
	assert_string_equal(prefix_format(&p, buf, sizeof(buf)), "10.0.0.1/24");
	assert_true(prefix_parse("10.0.0.1/255.255.255.0", &p));
	assert_int_equal(p.len, 24);
	assert_false(prefix_parse("10.0.0.1/255.0.255.0", &p));
	assert_false(prefix_parse("10.0.0.1/33", &p));
	assert_true(prefix_parse("fe80::1", &p));
	assert_int_equal(p.len, 128);
	assert_false(prefix_parse("10.0.0.256", &p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_range),
		cmocka_unit_test(test_enum_and_alias),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_flag_unknown_ignored),
		cmocka_unit_test(test_tri),
		cmocka_unit_test(test_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
