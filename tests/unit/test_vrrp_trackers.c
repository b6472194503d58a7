/* Tracker runtime: vrrp_scripts on a real libuv loop with /bin/sh scripts
 * in a private temporary directory (rise/fall transitions from a script
 * alternating exit codes, a hanging script killed at its timeout with its
 * children, no overlapping runs, script security), and track_files
 * watched with inotify (atomic replace seen within 100 ms, in-place
 * write, removal, init_file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/clock.h"
#include "net/proc_events.h"
#include "vrrp/vrrp_trackers.h"

#define MAXREP 32

struct fx {
	uv_loop_t loop;
	char dir[64];
	struct halo_config *cfg;
	struct vrrp_trackers *t;
	struct vrrp_script_report srep[MAXREP];
	int nsrep;
	struct vrrp_file_report frep[MAXREP];
	uint64_t frep_at[MAXREP];
	int nfrep;
	int stop_after;      /* stop the loop after this many script reports */
	uv_timer_t guard;    /* bounds every test in time */
	void (*file_step)(struct fx *f); /* called after each file report */
	uint64_t acted[MAXREP]; /* when the action before report i was done */
	struct vrrp_process_report prep[MAXREP];
	uint64_t prep_at[MAXREP];
	int nprep;
	void (*proc_step)(struct fx *f);
	pid_t kids[4];
	int nkids;
	char prog[128];
};

static void on_script(void *arg, const struct vrrp_script_report *r)
{
	struct fx *f = arg;
	if (f->nsrep < MAXREP)
		f->srep[f->nsrep++] = *r;
	if (f->nsrep == f->stop_after)
		uv_stop(&f->loop);
}

static void on_file(void *arg, const struct vrrp_file_report *r)
{
	struct fx *f = arg;
	if (f->nfrep < MAXREP) {
		f->frep_at[f->nfrep] = clock_mono_us();
		f->frep[f->nfrep++] = *r;
	}
	if (f->file_step)
		f->file_step(f);
}

static void on_process(void *arg, const struct vrrp_process_report *r)
{
	struct fx *f = arg;
	if (f->nprep < MAXREP) {
		f->prep_at[f->nprep] = clock_mono_us();
		f->prep[f->nprep++] = *r;
	}
	if (f->proc_step)
		f->proc_step(f);
}

static void guard_cb(uv_timer_t *h)
{
	uv_stop(h->loop);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/halo-trk-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	uv_timer_init(&f->loop, &f->guard);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];
	for (int i = 0; i < f->nkids; i++) {
		kill(f->kids[i], SIGKILL);
		waitpid(f->kids[i], NULL, 0);
	}
	vrrp_trackers_free(f->t);
	uv_close((uv_handle_t *)&f->guard, NULL);
	/* Let the trackers finish closing (and reap what they terminated). */
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

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

/* Loads a config; the text's "@D" stands for the test directory. */
static void load(struct fx *f, const char *text)
{
	char buf[4096];
	char *o = buf;
	for (const char *p = text; *p;) {
		if (p[0] == '@' && p[1] == 'D') {
			o += sprintf(o, "%s", f->dir);
			p += 2;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	struct diag_list d;
	diag_init(&d);
	struct conf_opts co = { .file = "t.conf", .config_id = "test" };
	f->cfg = conf_load_string("t.conf", buf, &co, &d);
	assert_non_null(f->cfg);
	if (diag_exit_code(&d) != 0)
		diag_print(stderr, &d);
	diag_clear(&d);
}

static void start(struct fx *f, uint64_t grace_us)
{
	struct vrrp_trackers_opts o = {
		.loop = &f->loop,
		.model = &f->cfg->vrrp,
		.global = &f->cfg->global,
		.kill_grace_us = grace_us,
		.on_script = on_script,
		.on_file = on_file,
		.on_process = on_process,
		.process_poll_us = 20000,
		.arg = f,
	};
	char err[256] = "";
	f->t = vrrp_trackers_new(&o, err, sizeof(err));
	if (!f->t)
		fail_msg("vrrp_trackers_new: %s", err);
	assert_int_equal(vrrp_trackers_start(f->t), 0);
}

static void run_for(struct fx *f, uint64_t ms)
{
	uv_timer_start(&f->guard, guard_cb, ms, 0);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	uv_timer_stop(&f->guard);
}

#define INSTANCE(track) \
	"vrrp_instance VI_1 {\n interface lo\n virtual_router_id 51\n" \
	" virtual_ipaddress {\n  10.0.0.1/24\n }\n" track "}\n"

/* ---- scripts ---------------------------------------------------------------- */

/* Run n exits 1 for n in 2 3 6 8 9: S F F S S F S F F. */
static const char alternating_sh[] =
	"#!/bin/sh\n"
	"n=$(cat @D/n 2>/dev/null || echo 0)\n"
	"n=$((n + 1))\n"
	"echo $n > @D/n\n"
	"case $n in 2|3|6|8|9) exit 1;; esac\n"
	"exit 0\n";

static void expand(const struct fx *f, const char *in, char *out)
{
	for (; *in;) {
		if (in[0] == '@' && in[1] == 'D') {
			out += sprintf(out, "%s", f->dir);
			in += 2;
		} else {
			*out++ = *in++;
		}
	}
	*out = '\0';
}

static void test_rise_fall_transitions(void **state)
{
	struct fx *f = *state;
	char path[128], body[1024];
	snprintf(path, sizeof(path), "%s/alt.sh", f->dir);
	expand(f, alternating_sh, body);
	write_file(path, body, 0755);
	load(f, "vrrp_script alt {\n script \"@D/alt.sh\"\n rise 2\n fall 2\n}\n"
		"vrrp_script unused {\n script \"@D/alt.sh\"\n}\n"
		INSTANCE(" track_script {\n  alt\n }\n"));
	f->cfg->vrrp.scripts.v[0].interval_us = 30000;
	f->cfg->vrrp.scripts.v[0].timeout_us = 2000000;
	f->stop_after = 9;
	start(f, 0);
	run_for(f, 5000);
	assert_int_equal(f->nsrep, 9);
	char ok[10], up[10], ch[10];
	for (int i = 0; i < 9; i++) {
		ok[i] = f->srep[i].ok ? 'S' : 'F';
		up[i] = f->srep[i].up ? 'U' : 'D';
		ch[i] = f->srep[i].changed ? '*' : '.';
		assert_string_equal(f->srep[i].name, "alt");
		assert_int_equal(f->srep[i].index, 0);
	}
	ok[9] = up[9] = ch[9] = '\0';
	assert_string_equal(ok, "SFFSSFSFF");
	assert_string_equal(up, "UUDDUUUUD");
	assert_string_equal(ch, "..*.*...*");
	assert_int_equal(f->srep[1].result.outcome, PROC_EXITED);
	assert_int_equal(f->srep[1].result.exit_status, 1);
	struct vrrp_script_stats st;
	vrrp_trackers_script_stats(f->t, 0, &st);
	assert_true(st.active);
	assert_int_equal(st.runs, 9);
	assert_int_equal(st.failures, 5);
	assert_false(vrrp_trackers_script_state(f->t, 0)->up);
	/* Nothing tracks "unused": it never runs. */
	vrrp_trackers_script_stats(f->t, 1, &st);
	assert_false(st.active);
	assert_int_equal(st.runs, 0);
}

static bool pid_gone(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'Z';
}

static void test_timeout_kills_and_fails(void **state)
{
	struct fx *f = *state;
	char path[128], body[512];
	snprintf(path, sizeof(path), "%s/hang.sh", f->dir);
	expand(f, "#!/bin/sh\nsleep 30 &\necho $! > @D/child\nwait\n", body);
	write_file(path, body, 0755);
	load(f, "vrrp_script hang {\n script \"@D/hang.sh\"\n}\n"
		INSTANCE(" track_script {\n  hang weight -10\n }\n"));
	f->cfg->vrrp.scripts.v[0].interval_us = 1000000;
	f->cfg->vrrp.scripts.v[0].timeout_us = 150000;
	f->stop_after = 1;
	uint64_t t0 = clock_mono_us();
	start(f, 100000);
	run_for(f, 3000);
	assert_int_equal(f->nsrep, 1);
	const struct vrrp_script_report *r = &f->srep[0];
	assert_false(r->ok);
	assert_int_equal(r->result.outcome, PROC_TIMED_OUT);
	assert_true(r->changed); /* presumed up, first result decides */
	assert_false(r->up);
	assert_true(r->result.duration_us >= 150000);
	assert_true(clock_mono_us() - t0 < 1500000);
	struct vrrp_script_stats st;
	vrrp_trackers_script_stats(f->t, 0, &st);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(st.failures, 1);
	/* The script's background child was killed with its group. */
	snprintf(path, sizeof(path), "%s/child", f->dir);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	int child = 0;
	assert_int_equal(fscanf(fp, "%d", &child), 1);
	fclose(fp);
	bool gone = false;
	for (int i = 0; i < 100 && !(gone = pid_gone(child)); i++)
		usleep(10000);
	assert_true(gone);
}

static void test_no_overlap(void **state)
{
	struct fx *f = *state;
	char path[128], body[512];
	snprintf(path, sizeof(path), "%s/slow.sh", f->dir);
	expand(f, "#!/bin/sh\nmkdir @D/lock 2>/dev/null || echo overlap >> @D/bad\n"
		  "sleep 0.2\nrmdir @D/lock\nexit 0\n", body);
	write_file(path, body, 0755);
	load(f, "vrrp_script slow {\n script \"@D/slow.sh\"\n}\n"
		INSTANCE(" track_script {\n  slow\n }\n"));
	f->cfg->vrrp.scripts.v[0].interval_us = 40000;
	f->cfg->vrrp.scripts.v[0].timeout_us = 2000000;
	f->stop_after = 3;
	start(f, 0);
	run_for(f, 3000);
	assert_int_equal(f->nsrep, 3);
	for (int i = 0; i < 3; i++)
		assert_true(f->srep[i].ok);
	struct vrrp_script_stats st;
	vrrp_trackers_script_stats(f->t, 0, &st);
	assert_true(st.overruns >= 6); /* ~4 skipped ticks per 200 ms run */
	snprintf(path, sizeof(path), "%s/bad", f->dir);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_insecure_script_disabled(void **state)
{
	struct fx *f = *state;
	if (geteuid() != 0)
		skip(); /* only a script run as root needs protection */
	char path[128];
	snprintf(path, sizeof(path), "%s/ww.sh", f->dir);
	write_file(path, "#!/bin/sh\nexit 0\n", 0777);
	load(f, "global_defs {\n enable_script_security\n script_user root\n}\n"
		"vrrp_script ww {\n script \"@D/ww.sh\"\n}\n"
		INSTANCE(" track_script {\n  ww\n }\n"));
	f->cfg->vrrp.scripts.v[0].interval_us = 20000;
	start(f, 0);
	run_for(f, 150);
	assert_int_equal(f->nsrep, 0);
	struct vrrp_script_stats st;
	vrrp_trackers_script_stats(f->t, 0, &st);
	assert_true(st.disabled);
	assert_false(st.active);
	assert_int_equal(st.runs, 0);
}

/* ---- files ------------------------------------------------------------------- */

static void tf_path(const struct fx *f, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", f->dir, name);
}

/* Step after report 1 (initial value): atomic replace with 7.
 * After report 2: rewrite in place with -3.  After report 3: remove. */
static void file_steps(struct fx *f)
{
	char p[128], tmp[128];
	tf_path(f, "tf", p, sizeof(p));
	tf_path(f, "tf.tmp", tmp, sizeof(tmp));
	switch (f->nfrep) {
	case 1:
		write_file(tmp, "7\n", 0644);
		f->acted[f->nfrep] = clock_mono_us();
		assert_int_equal(rename(tmp, p), 0);
		break;
	case 2:
		f->acted[f->nfrep] = clock_mono_us();
		write_file(p, "  -3 trailing words\n", 0644);
		break;
	case 3:
		f->acted[f->nfrep] = clock_mono_us();
		assert_int_equal(unlink(p), 0);
		break;
	default:
		uv_stop(&f->loop);
	}
}

static void test_track_file_changes(void **state)
{
	struct fx *f = *state;
	char p[128];
	tf_path(f, "tf", p, sizeof(p));
	write_file(p, "5\n", 0644);
	load(f, "track_file tf {\n file \"@D/tf\"\n weight 2\n}\n"
		"track_file other {\n file \"@D/other\"\n init_file 12\n}\n"
		INSTANCE(" track_file {\n  tf\n  other\n }\n"));
	f->file_step = NULL;
	start(f, 0);
	/* The two initial reports come on the first iteration. */
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(f->nfrep, 2);
	assert_string_equal(f->frep[0].name, "tf");
	assert_int_equal(f->frep[0].value, 5);
	assert_true(f->frep[0].readable);
	assert_true(f->frep[0].changed);
	assert_string_equal(f->frep[1].name, "other");
	assert_int_equal(f->frep[1].value, 12); /* init_file created it */
	assert_int_equal(f->frep[1].index, 1);

	/* Now drive the changes from the callbacks, timing each. */
	f->nfrep = 1;
	f->file_step = file_steps;
	file_steps(f);
	run_for(f, 2000);
	assert_int_equal(f->nfrep, 4);
	/* The atomic replace may also show the tmp file's events: only the
	 * tracked name counts, and it is seen within 100 ms. */
	assert_int_equal(f->frep[1].value, 7);
	assert_true(f->frep[1].changed);
	assert_int_equal(f->frep[2].value, -3);
	assert_true(f->frep[2].readable);
	assert_int_equal(f->frep[3].value, 0);
	assert_false(f->frep[3].readable);
	for (int i = 1; i < 4; i++)
		assert_true(f->frep_at[i] - f->acted[i] < 100000);
}

/* ---- processes ------------------------------------------------------------------ */

static void spawn(struct fx *f)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(f->prog, f->prog, "30", (char *)NULL);
		_exit(127);
	}
	f->kids[f->nkids++] = pid;
	/* Wait (bounded) until the child has exec'd, so a scan never sees
	 * it half-started and the counts below are exact. */
	const char *name = strrchr(f->prog, '/') + 1;
	char path[64], comm[64] = "";
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 500 && strncmp(comm, name, strlen(name)) != 0; i++) {
		FILE *fp = fopen(path, "r");
		if (fp) {
			if (!fgets(comm, sizeof(comm), fp))
				comm[0] = '\0';
			fclose(fp);
		}
		if (strncmp(comm, name, strlen(name)) != 0)
			usleep(1000);
	}
}

/* Report 1 (first scan): nothing runs.  Then two copies start: a count
 * report while fork_delay holds the state, then up.  Then one dies. */
static void proc_steps(struct fx *f)
{
	switch (f->nprep) {
	case 1:
		f->acted[1] = clock_mono_us();
		spawn(f);
		spawn(f);
		break;
	case 3:
		f->acted[3] = clock_mono_us();
		kill(f->kids[1], SIGKILL);
		waitpid(f->kids[1], NULL, 0);
		f->nkids = 1;
		break;
	case 4:
		uv_stop(&f->loop);
	}
}

static void test_track_process_quorum(void **state)
{
	struct fx *f = *state;
	char cmd[300];
	/* A private copy of sleep with a unique name: no other process on
	 * the machine can match it. */
	snprintf(f->prog, sizeof(f->prog), "%s/htk%d", f->dir, (int)getpid() % 100000);
	snprintf(cmd, sizeof(cmd), "cp /bin/sleep %s", f->prog);
	assert_int_equal(system(cmd), 0);
	char text[512];
	snprintf(text, sizeof(text),
		 "vrrp_track_process tp {\n process htk%d\n quorum 2\n fork_delay 0.15\n}\n"
		 "vrrp_track_process idle {\n process nosuchprocess\n}\n",
		 (int)getpid() % 100000);
	strcat(text, INSTANCE(" track_process {\n  tp\n }\n"));
	load(f, text);
	f->proc_step = proc_steps;
	start(f, 0);
	run_for(f, 3000);
	assert_int_equal(f->nprep, 4);
	for (int i = 0; i < 4; i++)
		assert_string_equal(f->prep[i].name, "tp"); /* "idle" is not tracked */
	assert_int_equal(f->prep[0].count, 0);
	assert_false(f->prep[0].up);
	assert_true(f->prep[0].changed);
	assert_int_equal(f->prep[1].count, 2); /* quorum met, fork_delay running */
	assert_false(f->prep[1].up);
	assert_false(f->prep[1].changed);
	assert_int_equal(f->prep[2].count, 2);
	assert_true(f->prep[2].up);
	assert_true(f->prep[2].changed);
	assert_true(f->prep_at[2] - f->acted[1] >= 150000);
	assert_true(f->prep_at[2] - f->acted[1] < 1000000);
	assert_int_equal(f->prep[3].count, 1); /* no terminate_delay: down now */
	assert_false(f->prep[3].up);
	assert_true(f->prep[3].changed);
	assert_true(f->prep_at[3] - f->acted[3] < 100000);
	assert_true(vrrp_trackers_process_up(f->t, 0) == false);
}

/* ---- processes from the kernel's process events ------------------------------- */

/* Would halod get process events here (root in the initial namespaces)? */
static bool events_available(void)
{
	char why[256];
	int fd = proc_events_open(50, why, sizeof(why));
	if (fd < 0) {
		print_message("process events unavailable: %s\n", why);
		return false;
	}
	proc_events_close(fd);
	return true;
}

/* The source follows what the kernel offers: events when the connector
 * opens, else the /proc scan; "idle" with nothing tracked. */
static void test_track_process_source(void **state)
{
	struct fx *f = *state;
	load(f, "vrrp_track_process tp {\n process nosuchprocess\n}\n"
		INSTANCE(" track_process {\n  tp\n }\n"));
	start(f, 0);
	run_for(f, 50);
	assert_int_equal(f->nprep, 1); /* the first scan's report */
	assert_int_equal(f->prep[0].count, 0);
	assert_string_equal(vrrp_trackers_process_source(f->t),
			    events_available() ? "events" : "scan");
}

static void test_track_process_idle_source(void **state)
{
	struct fx *f = *state;
	load(f, "vrrp_track_process tp {\n process nosuchprocess\n}\n" INSTANCE(""));
	start(f, 0);
	run_for(f, 30);
	assert_int_equal(f->nprep, 0);
	assert_string_equal(vrrp_trackers_process_source(f->t), "idle");
}

/* Events only: a start is seen at once (no scan runs: the poll interval
 * is made 10 s), a death at once as a count, and terminate_delay 0.2 s
 * is honoured by a timer. */
static uint64_t ev_killed_at;

static void ev_steps(struct fx *f)
{
	switch (f->nprep) {
	case 1:
		f->acted[1] = clock_mono_us();
		spawn(f);
		break;
	case 2:
		ev_killed_at = clock_mono_us();
		kill(f->kids[0], SIGKILL);
		waitpid(f->kids[0], NULL, 0);
		f->nkids = 0;
		break;
	case 4:
		uv_stop(&f->loop);
	}
}

static void test_track_process_events_and_terminate_delay(void **state)
{
	struct fx *f = *state;
	if (!events_available())
		skip();
	char cmd[300], text[512];
	snprintf(f->prog, sizeof(f->prog), "%s/hte%d", f->dir, (int)getpid() % 100000);
	snprintf(cmd, sizeof(cmd), "cp /bin/sleep %s", f->prog);
	assert_int_equal(system(cmd), 0);
	snprintf(text, sizeof(text),
		 "vrrp_track_process tp {\n process hte%d\n terminate_delay 0.2\n}\n",
		 (int)getpid() % 100000);
	strcat(text, INSTANCE(" track_process {\n  tp\n }\n"));
	load(f, text);
	f->proc_step = ev_steps;
	struct vrrp_trackers_opts o = {
		.loop = &f->loop, .model = &f->cfg->vrrp, .global = &f->cfg->global,
		.on_process = on_process, .process_poll_us = 10000000, .arg = f,
	};
	char err[256] = "";
	f->t = vrrp_trackers_new(&o, err, sizeof(err));
	assert_non_null(f->t);
	assert_int_equal(vrrp_trackers_start(f->t), 0);
	run_for(f, 3000);
	assert_string_equal(vrrp_trackers_process_source(f->t), "events");
	assert_int_equal(f->nprep, 4);
	assert_int_equal(f->prep[0].count, 0);
	assert_false(f->prep[0].up);
	assert_int_equal(f->prep[1].count, 1); /* no fork_delay: up at once */
	assert_true(f->prep[1].up && f->prep[1].changed);
	assert_true(f->prep_at[1] - f->acted[1] < 100000);
	assert_int_equal(f->prep[2].count, 0); /* terminate_delay holds it up */
	assert_true(f->prep[2].up);
	assert_false(f->prep[2].changed);
	assert_true(f->prep_at[2] - ev_killed_at < 100000);
	assert_int_equal(f->prep[3].count, 0);
	assert_false(f->prep[3].up);
	assert_true(f->prep[3].changed);
	assert_true(f->prep_at[3] - ev_killed_at >= 200000);
	assert_true(f->prep_at[3] - ev_killed_at < 400000);
}

/* Both sources: children a matching process forks without exec'ing
 * count too (with events: the FORK of a counted parent).  A copy of sh
 * runs two background `read`s that block on a pipe we hold: quorum 3 is
 * the shell and its two children.  Closing the pipe ends all three. */
static int fork_pipe_w = -1;
static uv_timer_t reap_timer;

static void reap_cb(uv_timer_t *h)
{
	struct fx *f = h->data;
	if (f->nkids && waitpid(f->kids[0], NULL, WNOHANG) == f->kids[0])
		f->nkids = 0;
}

static void fork_steps(struct fx *f)
{
	const struct vrrp_process_report *r = &f->prep[f->nprep - 1];
	if (f->nprep == 1) {
		int p[2];
		assert_int_equal(pipe(p), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			dup2(p[0], 3);
			close(p[1]);
			execl(f->prog, f->prog, "-c", "read a <&3 & read b <&3 & wait", (char *)NULL);
			_exit(127);
		}
		close(p[0]);
		fork_pipe_w = p[1];
		f->kids[f->nkids++] = pid;
		f->acted[1] = clock_mono_us();
	} else if (r->count == 3 && r->up && fork_pipe_w >= 0) {
		f->acted[2] = clock_mono_us();
		close(fork_pipe_w);
		fork_pipe_w = -1;
		reap_timer.data = f;
		uv_timer_start(&reap_timer, reap_cb, 5, 5);
	} else if (r->count == 0 && fork_pipe_w < 0) {
		uv_stop(&f->loop);
	}
}

static void test_track_process_forked_children(void **state)
{
	struct fx *f = *state;
	char cmd[300], text[512];
	snprintf(f->prog, sizeof(f->prog), "%s/htf%d", f->dir, (int)getpid() % 100000);
	snprintf(cmd, sizeof(cmd), "cp /bin/sh %s", f->prog);
	assert_int_equal(system(cmd), 0);
	snprintf(text, sizeof(text),
		 "vrrp_track_process tp {\n process htf%d\n quorum 3\n}\n",
		 (int)getpid() % 100000);
	strcat(text, INSTANCE(" track_process {\n  tp\n }\n"));
	load(f, text);
	uv_timer_init(&f->loop, &reap_timer);
	f->proc_step = fork_steps;
	start(f, 0);
	run_for(f, 4000);
	uv_close((uv_handle_t *)&reap_timer, NULL);
	if (fork_pipe_w >= 0)
		close(fork_pipe_w);
	fork_pipe_w = -1;
	assert_true(f->nprep >= 3);
	assert_false(f->prep[0].up);
	int at3 = -1;
	for (int i = 1; i < f->nprep; i++) {
		assert_true(f->prep[i].count >= 0 && f->prep[i].count <= 3);
		if (at3 < 0 && f->prep[i].count == 3)
			at3 = i;
	}
	assert_true(at3 > 0);
	assert_true(f->prep[at3].up && f->prep[at3].changed);
	assert_true(f->prep_at[at3] - f->acted[1] < 1000000);
	const struct vrrp_process_report *last = &f->prep[f->nprep - 1];
	assert_int_equal(last->count, 0);
	assert_false(last->up);
	assert_true(f->prep_at[f->nprep - 1] - f->acted[2] < 1000000);
}

static void test_file_parse(void **state)
{
	(void)state;
	int64_t v;
	assert_true(vrrp_track_file_parse(" 42\n", &v));
	assert_int_equal(v, 42);
	assert_true(vrrp_track_file_parse("-3x", &v));
	assert_int_equal(v, -3);
	assert_true(vrrp_track_file_parse("+8", &v));
	assert_int_equal(v, 8);
	assert_false(vrrp_track_file_parse("", &v));
	assert_int_equal(v, 0);
	assert_false(vrrp_track_file_parse("abc", &v));
	assert_int_equal(v, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rise_fall_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_kills_and_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insecure_script_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_track_file_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_track_process_quorum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_track_process_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_track_process_idle_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_track_process_events_and_terminate_delay, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_track_process_forked_children, setup, teardown),
		cmocka_unit_test(test_file_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
