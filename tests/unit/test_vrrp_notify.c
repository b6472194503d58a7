/* Notifications: a burst of transitions runs notify_<state> and `notify`
 * strictly in order with keepalived's four appended arguments even when
 * the scripts sleep for different times; sync-group notifications; the
 * exact FIFO lines on notify_fifo and vrrp_notify_fifo; counters; and an
 * insecure script refused under enable_script_security with its message.
 * Real /bin/sh scripts in a private temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/clock.h"
#include "vrrp/vrrp_notify.h"

struct fx {
	uv_loop_t loop;
	char dir[64];
	struct halo_config *cfg;
	struct vrrp_notify *n;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/halo-ntf-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];
	vrrp_notify_free(f->n, true);
	uint64_t until = clock_mono_us() + 3000000;
	while (uv_run(&f->loop, UV_RUN_NOWAIT) && clock_mono_us() < until)
		usleep(1000);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	conf_free(f->cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Copies `in` replacing "@D" with the test directory. */
static void expand(const struct fx *f, const char *in, char *out)
{
	while (*in) {
		if (in[0] == '@' && in[1] == 'D') {
			out += sprintf(out, "%s", f->dir);
			in += 2;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

static void script(const struct fx *f, const char *name, const char *body, mode_t mode)
{
	char path[128], text[1024];
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	expand(f, body, text);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static void load(struct fx *f, const char *text)
{
	char buf[4096];
	expand(f, text, buf);
	struct diag_list d;
	diag_init(&d);
	struct conf_opts co = { .file = "t.conf", .config_id = "test" };
	f->cfg = conf_load_string("t.conf", buf, &co, &d);
	assert_non_null(f->cfg);
	diag_clear(&d);
}

static int start(struct fx *f, bool fifos, int *group_h)
{
	struct vrrp_notify_opts o = {
		.loop = &f->loop,
		.global = &f->cfg->global,
		.timeout_us = 5000000,
		.open_fifos = fifos,
	};
	char err[256] = "";
	f->n = vrrp_notify_new(&o, err, sizeof(err));
	if (!f->n)
		fail_msg("vrrp_notify_new: %s", err);
	int h = vrrp_notify_add_instance(f->n, &f->cfg->vrrp.instances.v[0], err, sizeof(err));
	if (h < 0)
		fail_msg("add_instance: %s", err);
	if (group_h) {
		*group_h = vrrp_notify_add_group(f->n, &f->cfg->vrrp.sync_groups.v[0], err,
						 sizeof(err));
		if (*group_h < 0)
			fail_msg("add_group: %s", err);
	}
	return h;
}

/* Runs the loop until every queued script has completed (bounded). */
static void drain(struct fx *f)
{
	struct vrrp_notify_stats st;
	uint64_t until = clock_mono_us() + 8000000;
	do {
		uv_run(&f->loop, UV_RUN_ONCE);
		vrrp_notify_stats(f->n, &st);
	} while (st.run + st.dropped < st.queued && clock_mono_us() < until);
}

static char *slurp(const struct fx *f, const char *name)
{
	static char buf[4096];
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return buf;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

#define CONF_2VI \
	"vrrp_instance VI_1 {\n interface lo\n virtual_router_id 51\n" \
	" virtual_ipaddress {\n  10.0.0.1/24\n }\n%s}\n" \
	"vrrp_instance VI_2 {\n interface lo\n virtual_router_id 52\n" \
	" virtual_ipaddress {\n  10.0.0.2/24\n }\n}\n" \
	"vrrp_sync_group VG_1 {\n group {\n  VI_1\n  VI_2\n }\n%s}\n"

static void load2(struct fx *f, const char *global, const char *inst, const char *group)
{
	char text[4096];
	int n = snprintf(text, sizeof(text), "%s", global);
	snprintf(text + n, sizeof(text) - (size_t)n, CONF_2VI, inst, group);
	load(f, text);
}

/* MASTER sleeps longest, BACKUP shortest: out-of-order runs would show. */
static const char notify_sh[] =
	"#!/bin/sh\n"
	"case $3 in MASTER) sleep 0.15;; FAULT) sleep 0.08;; *) sleep 0.01;; esac\n"
	"echo \"$@\" >> @D/out\n";

static void test_order_and_args(void **state)
{
	struct fx *f = *state;
	script(f, "n.sh", notify_sh, 0755);
	script(f, "m.sh", "#!/bin/sh\nsleep 0.05\necho \"master-script $#\" >> @D/out\n", 0755);
	script(f, "b.sh", "#!/bin/sh\nexit 3\n", 0755);
	load2(f, "",
	      " notify \"@D/n.sh\"\n notify_master \"@D/m.sh\"\n notify_backup @D/b.sh\n",
	      " notify \"@D/n.sh\"\n");
	int g;
	int h = start(f, false, &g);
	assert_int_equal(vrrp_notify_transition(f->n, h, VRRP_STATE_MASTER, 100), 0);
	assert_int_equal(vrrp_notify_transition(f->n, h, VRRP_STATE_BACKUP, 90), 0);
	assert_int_equal(vrrp_notify_transition(f->n, h, VRRP_STATE_FAULT, 90), 0);
	assert_int_equal(vrrp_notify_transition(f->n, h, VRRP_STATE_BACKUP, 80), 0);
	assert_int_equal(vrrp_notify_transition(f->n, h, VRRP_STATE_MASTER, 110), 0);
	assert_int_equal(vrrp_notify_transition(f->n, h, VRRP_STATE_INIT, 110), -1);
	drain(f);
	assert_string_equal(slurp(f, "out"),
			    "master-script 0\n"
			    "INSTANCE VI_1 MASTER 100\n"
			    "INSTANCE VI_1 BACKUP 90\n"
			    "INSTANCE VI_1 FAULT 90\n"
			    "INSTANCE VI_1 BACKUP 80\n"
			    "master-script 0\n"
			    "INSTANCE VI_1 MASTER 110\n");
	struct vrrp_notify_stats st;
	vrrp_notify_stats(f->n, &st);
	assert_int_equal(st.transitions, 5);
	assert_int_equal(st.queued, 9); /* 5 notify + 2 master + 2 backup */
	assert_int_equal(st.run, 9);
	assert_int_equal(st.failed, 2); /* b.sh exits 3 */
	assert_int_equal(st.dropped, 0);

	/* A sync group: GROUP, and priority 0 whatever is passed. */
	assert_int_equal(vrrp_notify_transition(f->n, g, VRRP_STATE_STOP, 77), 0);
	drain(f);
	assert_non_null(strstr(slurp(f, "out"), "INSTANCE VI_1 MASTER 110\nGROUP VG_1 STOP 0\n"));
}

static void test_fifo_lines(void **state)
{
	struct fx *f = *state;
	load2(f,
	      "global_defs {\n notify_fifo @D/fifo\n vrrp_notify_fifo @D/vfifo\n}\n", "", "");
	int g;
	int h = start(f, true, &g);
	vrrp_notify_transition(f->n, h, VRRP_STATE_MASTER, 100);
	vrrp_notify_transition(f->n, h, VRRP_STATE_FAULT, 0);
	vrrp_notify_transition(f->n, g, VRRP_STATE_BACKUP, 55);
	const char *want = "INSTANCE \"VI_1\" MASTER 100\n"
			   "INSTANCE \"VI_1\" FAULT 0\n"
			   "GROUP \"VG_1\" BACKUP 0\n";
	assert_string_equal(slurp(f, "fifo"), want);
	assert_string_equal(slurp(f, "vfifo"), want);
	struct vrrp_notify_stats st;
	vrrp_notify_stats(f->n, &st);
	assert_int_equal(st.fifo_lines, 6);
	assert_int_equal(st.fifo_dropped, 0);
	assert_int_equal(st.queued, 0);
	/* Without notify_priority_changes a priority move writes nothing;
	 * without notify_deleted a deletion is reported as FAULT. */
	assert_int_equal(vrrp_notify_event(f->n, h, NOTIFY_MASTER_PRIORITY, 90), 0);
	assert_int_equal(vrrp_notify_event(f->n, h, NOTIFY_DELETED, 90), 0);
	assert_int_equal(vrrp_notify_event(f->n, g, NOTIFY_MASTER_RX_LOWER_PRI, 90), -1);
	assert_int_equal(vrrp_notify_event(f->n, h, NOTIFY_MASTER, 90), -1);
	assert_string_equal(slurp(f, "fifo"), "INSTANCE \"VI_1\" FAULT 90\n");
	/* The FIFOs we created are removed when the notifier goes. */
	vrrp_notify_free(f->n, true);
	f->n = NULL;
	char path[128];
	snprintf(path, sizeof(path), "%s/fifo", f->dir);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_fifo_events(void **state)
{
	struct fx *f = *state;
	script(f, "rx.sh", "#!/bin/sh\necho \"rx $#\" >> @D/out\n", 0755);
	script(f, "n.sh", "#!/bin/sh\necho \"$@\" >> @D/out\n", 0755);
	load2(f, "global_defs {\n vrrp_notify_fifo @D/vfifo\n}\n",
	      " notify_priority_changes\n notify_deleted\n"
	      " notify_master_rx_lower_pri @D/rx.sh\n notify @D/n.sh\n", "");
	int g;
	int h = start(f, true, &g);
	assert_int_equal(vrrp_notify_event(f->n, h, NOTIFY_MASTER_PRIORITY, 90), 0);
	assert_int_equal(vrrp_notify_event(f->n, h, NOTIFY_BACKUP_PRIORITY, 80), 0);
	assert_int_equal(vrrp_notify_event(f->n, h, NOTIFY_MASTER_RX_LOWER_PRI, 80), 0);
	assert_int_equal(vrrp_notify_event(f->n, h, NOTIFY_DELETED, 80), 0);
	assert_int_equal(vrrp_notify_event(f->n, g, NOTIFY_MASTER_PRIORITY, 80), 0);
	assert_string_equal(slurp(f, "vfifo"), "INSTANCE \"VI_1\" MASTER_PRIORITY 90\n"
					       "INSTANCE \"VI_1\" BACKUP_PRIORITY 80\n"
					       "INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 80\n"
					       "INSTANCE \"VI_1\" DELETED 80\n");
	drain(f);
	/* rx_lower_pri runs its own script only; DELETED reaches `notify`. */
	assert_string_equal(slurp(f, "out"), "rx 0\nINSTANCE VI_1 DELETED 80\n");
}

static void test_insecure_refused(void **state)
{
	struct fx *f = *state;
	if (geteuid() != 0)
		skip(); /* only a script run as root needs protection */
	script(f, "ww.sh", "#!/bin/sh\necho ran >> @D/out\n", 0777);
	script(f, "ok.sh", "#!/bin/sh\necho \"ok-master $#\" >> @D/out\n", 0755);
	load2(f, "global_defs {\n enable_script_security\n script_user root\n}\n",
	      " notify \"@D/ww.sh\"\n notify_master @D/ok.sh\n", "");
	int h = start(f, false, NULL);
	const char *want = "(VI_1) notify refused by enable_script_security: ";
	char path[128];
	snprintf(path, sizeof(path), "%s/ww.sh", f->dir);
	const char *msg = vrrp_notify_last_refusal(f->n);
	if (strncmp(msg, want, strlen(want)) != 0 || !strstr(msg, path))
		fail_msg("refusal message: '%s'", msg);
	assert_int_equal(vrrp_notify_transition(f->n, h, VRRP_STATE_MASTER, 100), 0);
	assert_int_equal(vrrp_notify_transition(f->n, h, VRRP_STATE_BACKUP, 100), 0);
	drain(f);
	/* The secure notify_master ran; the insecure notify never did. */
	assert_string_equal(slurp(f, "out"), "ok-master 0\n");
	struct vrrp_notify_stats st;
	vrrp_notify_stats(f->n, &st);
	assert_int_equal(st.refused, 2);
	assert_int_equal(st.run, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insecure_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
