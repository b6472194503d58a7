/* Tracking math: weights, reverse, weight-0 faults, clamping, the owner,
 * track_file values, script rise/fall hysteresis, change summaries, the
 * status JSON, the sync-group plan, and building a set from a real
 * keepalived.conf text.  Every expectation is an exact number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "conf/conf.h"
#include "vrrp/vrrp_track.h"

static int prio_of(struct vrrp_track_set *s, bool *fault)
{
	int p;
	vrrp_track_compute(s, fault, &p);
	return p;
}

/* One tracker of `kind` on base 100, set up/down, gives this priority. */
static int one(enum vrrp_track_kind kind, int weight, bool reverse, bool up, bool *fault)
{
	struct vrrp_track_set s;
	vrrp_track_set_init(&s, 100);
	int i = vrrp_track_add(&s, kind, "x", weight, reverse);
	vrrp_track_set_up(&s, i, up);
	int p = prio_of(&s, fault);
	vrrp_track_set_free(&s);
	return p;
}

static void test_weights_and_reverse(void **state)
{
	(void)state;
	bool f;
	/* W > 0: added while up, nothing while down. */
	assert_int_equal(one(VRRP_TRACK_SCRIPT, 20, false, true, &f), 120);
	assert_false(f);
	assert_int_equal(one(VRRP_TRACK_SCRIPT, 20, false, false, &f), 100);
	assert_false(f);
	/* W < 0: subtracted while down, nothing while up. */
	assert_int_equal(one(VRRP_TRACK_INTERFACE, -30, false, true, &f), 100);
	assert_int_equal(one(VRRP_TRACK_INTERFACE, -30, false, false, &f), 70);
	assert_false(f);
	/* reverse flips the direction of the adjustment. */
	assert_int_equal(one(VRRP_TRACK_SCRIPT, 20, true, true, &f), 80);
	assert_int_equal(one(VRRP_TRACK_SCRIPT, 20, true, false, &f), 100);
	assert_int_equal(one(VRRP_TRACK_PROCESS, -30, true, false, &f), 130);
	assert_int_equal(one(VRRP_TRACK_PROCESS, -30, true, true, &f), 100);
	assert_int_equal(one(VRRP_TRACK_BFD, 7, false, true, &f), 107);
}

static void test_weight_zero_fault(void **state)
{
	(void)state;
	bool f;
	assert_int_equal(one(VRRP_TRACK_SCRIPT, 0, false, true, &f), 100);
	assert_false(f);
	assert_int_equal(one(VRRP_TRACK_SCRIPT, 0, false, false, &f), 100);
	assert_true(f);
	/* 'weight 0 reverse': down while the object is up. */
	one(VRRP_TRACK_SCRIPT, 0, true, true, &f);
	assert_true(f);
	one(VRRP_TRACK_SCRIPT, 0, true, false, &f);
	assert_false(f);
	one(VRRP_TRACK_INTERFACE, 0, false, false, &f);
	assert_true(f);
}

static void test_sum_and_clamp(void **state)
{
	(void)state;
	struct vrrp_track_set s;
	bool f;
	vrrp_track_set_init(&s, 250);
	int a = vrrp_track_add(&s, VRRP_TRACK_SCRIPT, "a", 10, false);
	int b = vrrp_track_add(&s, VRRP_TRACK_INTERFACE, "b", -5, false);
	assert_int_equal(prio_of(&s, &f), 254); /* 260 clamps to 254 */
	vrrp_track_set_up(&s, b, false);
	assert_int_equal(prio_of(&s, &f), 254); /* 255 still clamps */
	vrrp_track_set_up(&s, a, false);
	assert_int_equal(prio_of(&s, &f), 245);
	vrrp_track_set_free(&s);

	vrrp_track_set_init(&s, 5);
	int c = vrrp_track_add(&s, VRRP_TRACK_SCRIPT, "c", -20, false);
	vrrp_track_set_up(&s, c, false);
	assert_int_equal(prio_of(&s, &f), 1); /* -15 clamps to 1 */
	assert_false(f);
	vrrp_track_set_free(&s);
}

static void test_owner_unaffected(void **state)
{
	(void)state;
	struct vrrp_track_set s;
	bool f;
	vrrp_track_set_init(&s, 255);
	int a = vrrp_track_add(&s, VRRP_TRACK_SCRIPT, "a", -50, false);
	int z = vrrp_track_add(&s, VRRP_TRACK_INTERFACE, "z", 0, false);
	vrrp_track_set_up(&s, a, false);
	assert_int_equal(prio_of(&s, &f), 255);
	assert_false(f);
	vrrp_track_set_up(&s, z, false); /* faults still apply to the owner */
	assert_int_equal(prio_of(&s, &f), 255);
	assert_true(f);
	vrrp_track_set_free(&s);
}

static int file_prio(int base, int weight, bool reverse, int64_t value, bool *fault)
{
	struct vrrp_track_set s;
	vrrp_track_set_init(&s, base);
	int i = vrrp_track_add(&s, VRRP_TRACK_FILE, "f", weight, reverse);
	vrrp_track_set_value(&s, i, value);
	vrrp_track_set_up(&s, i, false); /* ignored for files */
	int p = prio_of(&s, fault);
	vrrp_track_set_free(&s);
	return p;
}

static void test_file_values(void **state)
{
	(void)state;
	bool f;
	/* Weight 0: the value is a status, 0 = OK. */
	assert_int_equal(file_prio(100, 0, false, 0, &f), 100);
	assert_false(f);
	file_prio(100, 0, false, 3, &f);
	assert_true(f);
	file_prio(100, 0, false, -1, &f);
	assert_true(f);
	file_prio(100, 0, true, 0, &f);
	assert_true(f);
	/* Weighted: value x weight, reverse negates. */
	assert_int_equal(file_prio(100, 2, false, 5, &f), 110);
	assert_false(f);
	assert_int_equal(file_prio(100, 2, true, 5, &f), 90);
	assert_int_equal(file_prio(100, -3, false, 4, &f), 88);
	assert_int_equal(file_prio(100, 1, false, 200, &f), 254);
	assert_false(f);
	/* -253 is the lowest result that is not a fault. */
	assert_int_equal(file_prio(100, 1, false, -253, &f), 1);
	assert_false(f);
	file_prio(100, 1, false, -254, &f);
	assert_true(f);
	file_prio(100, 254, false, -1, &f);
	assert_true(f);
	/* A huge value and weight must not overflow into a positive number. */
	file_prio(100, 2147483647, false, INT64_MIN, &f);
	assert_true(f);
	assert_int_equal(file_prio(100, 2147483647, false, INT64_MAX, &f), 254);
	assert_false(f);
	/* The owner ignores the value but not the fault. */
	assert_int_equal(file_prio(255, 1, false, 50, &f), 255);
	file_prio(255, 1, false, -300, &f);
	assert_true(f);
}

static void test_eval_changes(void **state)
{
	(void)state;
	struct vrrp_track_set s;
	vrrp_track_set_init(&s, 100);
	int a = vrrp_track_add(&s, VRRP_TRACK_SCRIPT, "a", -20, false);
	int z = vrrp_track_add(&s, VRRP_TRACK_SCRIPT, "z", 0, false);
	struct vrrp_track_change c = vrrp_track_eval(&s);
	assert_false(c.fault_changed);
	assert_false(c.prio_changed);
	assert_int_equal(c.priority, 100);

	vrrp_track_set_up(&s, a, false);
	c = vrrp_track_eval(&s);
	assert_true(c.prio_changed);
	assert_false(c.fault_changed);
	assert_int_equal(c.old_priority, 100);
	assert_int_equal(c.priority, 80);
	c = vrrp_track_eval(&s); /* nothing new */
	assert_false(c.prio_changed);

	assert_int_equal(vrrp_track_set_up_by_name(&s, VRRP_TRACK_SCRIPT, "z", false), 1);
	c = vrrp_track_eval(&s);
	assert_true(c.fault_changed);
	assert_true(c.fault);
	assert_false(c.prio_changed);
	vrrp_track_set_up(&s, z, true);
	c = vrrp_track_eval(&s);
	assert_true(c.fault_changed);
	assert_false(c.fault);
	assert_int_equal(vrrp_track_set_up_by_name(&s, VRRP_TRACK_FILE, "z", false), 0);
	assert_int_equal(vrrp_track_find(&s, VRRP_TRACK_SCRIPT, "z"), z);
	assert_int_equal(vrrp_track_find(&s, VRRP_TRACK_FILE, "z"), -1);
	vrrp_track_set_free(&s);
}

/* Feeds a string of 'S'/'F' and returns the up/down trace ('U'/'D'). */
static void run_seq(struct vrrp_script_state *s, const char *seq, char *trace)
{
	for (; *seq; seq++) {
		vrrp_script_state_feed(s, *seq == 'S');
		*trace++ = s->up ? 'U' : 'D';
	}
	*trace = '\0';
}

static void test_rise_fall(void **state)
{
	(void)state;
	struct vrrp_script_state s;
	char tr[32];
	/* Presumed up: the first result decides at once. */
	vrrp_script_state_init(&s, 2, 2, false);
	assert_true(s.up);
	run_seq(&s, "FSSFSFFSFSS", tr);
	assert_string_equal(tr, "DDUUUUDDDDU");
	vrrp_script_state_init(&s, 3, 3, false);
	run_seq(&s, "SFFSFFF", tr);
	assert_string_equal(tr, "UUUUUUD");
	/* init_fail: starts down and needs `rise` successes. */
	vrrp_script_state_init(&s, 2, 2, true);
	assert_false(s.up);
	run_seq(&s, "SFSS", tr);
	assert_string_equal(tr, "DDDU");
	/* rise = fall = 1 follows every result. */
	vrrp_script_state_init(&s, 1, 1, true);
	run_seq(&s, "SFSF", tr);
	assert_string_equal(tr, "UDUD");
	/* The return value says when `up` changed. */
	vrrp_script_state_init(&s, 1, 2, false);
	assert_false(vrrp_script_state_feed(&s, true));
	assert_false(vrrp_script_state_feed(&s, false));
	assert_true(vrrp_script_state_feed(&s, false));
	assert_int_equal(s.successes, 1);
	assert_int_equal(s.failures, 2);
}

static void test_explain_json(void **state)
{
	(void)state;
	struct vrrp_track_set s;
	vrrp_track_set_init(&s, 100);
	int a = vrrp_track_add(&s, VRRP_TRACK_SCRIPT, "chk_nginx", -20, false);
	int f = vrrp_track_add(&s, VRRP_TRACK_FILE, "tf", 2, true);
	vrrp_track_add(&s, VRRP_TRACK_INTERFACE, "eth1", 0, false);
	vrrp_track_set_up(&s, a, false);
	vrrp_track_set_value(&s, f, 3);
	json_object *o = vrrp_track_status_json(&s);
	assert_non_null(o);
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"base_priority\":100,\"effective_priority\":74,\"fault\":false,\"owner\":false,"
		"\"trackers\":["
		"{\"name\":\"chk_nginx\",\"kind\":\"script\",\"result\":\"down\",\"weight\":-20,"
		"\"reverse\":false,\"contribution\":-20,\"fault\":false},"
		"{\"name\":\"tf\",\"kind\":\"file\",\"result\":3,\"weight\":2,"
		"\"reverse\":true,\"contribution\":-6,\"fault\":false},"
		"{\"name\":\"eth1\",\"kind\":\"interface\",\"result\":\"up\",\"weight\":0,"
		"\"reverse\":false,\"contribution\":0,\"fault\":false}]}");
	json_object_put(o);
	vrrp_track_set_free(&s);
}

static void test_process_quorum(void **state)
{
	(void)state;
	assert_false(vrrp_track_process_up(0, 1, 65535));
	assert_true(vrrp_track_process_up(1, 1, 65535));
	assert_true(vrrp_track_process_up(2, 2, 3));
	assert_false(vrrp_track_process_up(4, 2, 3));
	assert_true(vrrp_track_process_up(0, 0, 0)); /* quorum_max 0: must not run */
	assert_false(vrrp_track_process_up(1, 0, 0));
}

static bool pmatch(const char *const *words, size_t nw, int mode, bool full, const char *comm,
		   const char *const *argv, size_t argc)
{
	struct track_process_conf c = { .name = "p", .param_match = mode, .full_command = full };
	c.process.v = (char **)words;
	c.process.n = c.process.cap = nw;
	return vrrp_track_process_match(&c, comm, (char *const *)argv, argc);
}

static void test_process_match(void **state)
{
	(void)state;
	const char *nginx[] = { "nginx" };
	const char *a_nginx[] = { "nginx", "-g", "daemon off;" };
	const char *a_master[] = { "/usr/sbin/nginx", "-g", "daemon off;" };
	/* Name only: comm, whatever the arguments. */
	assert_true(pmatch(nginx, 1, PARAM_MATCH_NONE, false, "nginx", a_master, 3));
	assert_false(pmatch(nginx, 1, PARAM_MATCH_NONE, false, "nginx2", a_master, 3));
	assert_false(pmatch(nginx, 1, PARAM_MATCH_NONE, false, "ngin", a_master, 3));
	/* Names longer than 15 characters compare on the kernel's 15. */
	const char *longn[] = { "averyveryverylongname" };
	assert_true(pmatch(longn, 1, PARAM_MATCH_NONE, false, "averyveryverylo", NULL, 0));
	/* param_match alone: the process must have no parameters. */
	const char *bare[] = { "/usr/sbin/nginx" };
	assert_false(pmatch(nginx, 1, PARAM_MATCH_EXACT, false, "nginx", a_master, 3));
	assert_true(pmatch(nginx, 1, PARAM_MATCH_EXACT, false, "nginx", bare, 1));
	/* Exact parameters. */
	assert_true(pmatch(a_nginx, 3, PARAM_MATCH_NONE, false, "nginx", a_master, 3));
	const char *a_extra[] = { "nginx", "-g", "daemon off;", "-q" };
	assert_false(pmatch(a_nginx, 3, PARAM_MATCH_NONE, false, "nginx", a_extra, 4));
	/* Partial: the configured words first, more may follow. */
	const char *p_g[] = { "nginx", "-g" };
	assert_true(pmatch(p_g, 2, PARAM_MATCH_PARTIAL, false, "nginx", a_extra, 4));
	assert_false(pmatch(p_g, 2, PARAM_MATCH_PARTIAL, false, "nginx", bare, 1));
	/* Initial: the last word is a prefix. */
	const char *i_d[] = { "nginx", "-g", "daemon" };
	assert_true(pmatch(i_d, 3, PARAM_MATCH_INITIAL, false, "nginx", a_master, 3));
	assert_false(pmatch(i_d, 3, PARAM_MATCH_INITIAL, false, "nginx", a_extra, 4));
	assert_false(pmatch(i_d, 3, PARAM_MATCH_EXACT, false, "nginx", a_master, 3));
	/* full_command: argv[0] exactly, not the name. */
	const char *full[] = { "/usr/sbin/nginx", "-g", "daemon off;" };
	assert_true(pmatch(full, 3, PARAM_MATCH_NONE, true, "whatever", a_master, 3));
	assert_false(pmatch(full, 3, PARAM_MATCH_NONE, true, "nginx", a_nginx, 3));
	assert_false(pmatch(full, 3, PARAM_MATCH_NONE, true, "nginx", NULL, 0));
}

static void test_sync_plan(void **state)
{
	(void)state;
	enum vrrp_sync_action out[3];
	struct vrrp_sync_member m[3] = {
		{ VRRP_STATE_MASTER, false },
		{ VRRP_STATE_FAULT, true },
		{ VRRP_STATE_BACKUP, false },
	};
	/* One member's own fault takes the whole group to FAULT. */
	assert_int_equal(vrrp_sync_plan(m, 3, 1, out), 2);
	assert_int_equal(out[0], VRRP_SYNC_TO_FAULT);
	assert_int_equal(out[1], VRRP_SYNC_NONE);
	assert_int_equal(out[2], VRRP_SYNC_TO_FAULT);
	/* All in FAULT, the faulty one recovers: everyone is cleared. */
	m[0].state = m[2].state = VRRP_STATE_FAULT;
	m[1].own_fault = false;
	assert_int_equal(vrrp_sync_plan(m, 3, -1, out), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(out[i], VRRP_SYNC_FAULT_CLEARED);
	/* Member 2 becomes MASTER: the BACKUP ones follow, not the trigger. */
	m[0].state = VRRP_STATE_BACKUP;
	m[1].state = VRRP_STATE_BACKUP;
	m[2].state = VRRP_STATE_MASTER;
	assert_int_equal(vrrp_sync_plan(m, 3, 2, out), 2);
	assert_int_equal(out[0], VRRP_SYNC_TO_MASTER);
	assert_int_equal(out[1], VRRP_SYNC_TO_MASTER);
	assert_int_equal(out[2], VRRP_SYNC_NONE);
	/* Member 0 drops to BACKUP while the others are MASTER. */
	m[0].state = VRRP_STATE_BACKUP;
	m[1].state = m[2].state = VRRP_STATE_MASTER;
	assert_int_equal(vrrp_sync_plan(m, 3, 0, out), 2);
	assert_int_equal(out[1], VRRP_SYNC_TO_BACKUP);
	assert_int_equal(out[2], VRRP_SYNC_TO_BACKUP);
	assert_string_equal(vrrp_sync_action_name(VRRP_SYNC_TO_BACKUP), "backup");
	assert_string_equal(vrrp_sync_action_name(VRRP_SYNC_FAULT_CLEARED), "fault-cleared");
}

static const char conf_text[] =
	"vrrp_script chk_a {\n script \"/bin/true\"\n weight -20\n}\n"
	"vrrp_script chk_b {\n script \"/bin/true\"\n init_fail\n}\n"
	"track_file tf {\n file /tmp/x\n weight 3 reverse\n}\n"
	"vrrp_instance VI_1 {\n interface lo\n virtual_router_id 51\n priority 90\n"
	" virtual_ipaddress {\n  10.0.0.1/24\n }\n"
	" track_script {\n  chk_a\n  chk_b weight 15\n }\n"
	" track_file {\n  tf\n }\n"
	"}\n"
	"vrrp_instance VI_2 {\n interface lo\n virtual_router_id 52\n"
	" virtual_ipaddress {\n  10.0.0.2/24\n }\n}\n"
	"vrrp_sync_group VG_1 {\n group {\n  VI_1\n  VI_2\n }\n"
	" sync_group_tracking_weight\n"
	" track_script {\n  chk_a weight 0\n }\n}\n";

static void test_from_conf(void **state)
{
	(void)state;
	struct diag_list d;
	diag_init(&d);
	struct conf_opts o = { .file = "t.conf", .config_id = "test" };
	struct halo_config *cfg = conf_load_string("t.conf", conf_text, &o, &d);
	assert_non_null(cfg);
	/* 5: scripts without enable_script_security, nothing worse. */
	if (diag_exit_code(&d) != 5)
		diag_print(stderr, &d);
	assert_int_equal(diag_exit_code(&d), 5);
	struct vrrp_track_set s;
	vrrp_track_set_init(&s, cfg->vrrp.instances.v[0].priority);
	assert_int_equal(vrrp_track_set_from_conf(&s, &cfg->vrrp, &cfg->vrrp.instances.v[0]), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.t[0].name, "chk_a");
	assert_int_equal(s.t[0].weight, -20); /* from the vrrp_script */
	assert_true(s.t[0].up);
	assert_string_equal(s.t[1].name, "chk_b");
	assert_int_equal(s.t[1].weight, 15); /* the reference's own */
	assert_false(s.t[1].up);              /* init_fail */
	assert_int_equal(s.t[2].kind, VRRP_TRACK_FILE);
	assert_int_equal(s.t[2].weight, 3);
	assert_true(s.t[2].reverse);
	/* 90 + 0 (chk_b down, W>0) + 0 + 0 (value 0). */
	bool f;
	assert_int_equal(prio_of(&s, &f), 90);
	vrrp_track_set_value_by_name(&s, "tf", 2);
	assert_int_equal(prio_of(&s, &f), 84);
	/* The group's tracker joins the member's set: weight 0, so it faults. */
	assert_int_equal(vrrp_track_set_add_group(&s, &cfg->vrrp, &cfg->vrrp.sync_groups.v[0]), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.t[3].name, "chk_a");
	assert_int_equal(s.t[3].weight, 0);
	assert_false(f);
	vrrp_track_set_up_by_name(&s, VRRP_TRACK_SCRIPT, "chk_a", false);
	assert_int_equal(prio_of(&s, &f), 64); /* 84 - 20 from the instance's chk_a */
	assert_true(f);                         /* and the group's copy faults */
	vrrp_track_set_free(&s);
	conf_free(cfg);
	diag_clear(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weights_and_reverse),
		cmocka_unit_test(test_weight_zero_fault),
		cmocka_unit_test(test_sum_and_clamp),
		cmocka_unit_test(test_owner_unaffected),
		cmocka_unit_test(test_file_values),
		cmocka_unit_test(test_eval_changes),
		cmocka_unit_test(test_rise_fall),
		cmocka_unit_test(test_explain_json),
		cmocka_unit_test(test_process_quorum),
		cmocka_unit_test(test_process_match),
		cmocka_unit_test(test_sync_plan),
		cmocka_unit_test(test_from_conf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
