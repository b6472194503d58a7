/* Scripts: argv splitting, credentials, runs with their outcomes, timeouts
 * that kill the whole process group, the child's environment, and the
 * per-instance queue.  Real processes (/bin/sh) on a private libuv loop;
 * the uid test needs root (CI runs unit tests as root) and is skipped
 * otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/proc.h"
#include "core/proc_queue.h"

/* ---- fixture --------------------------------------------------------------- */

#define MAX_RESULTS 16

struct fx {
	uv_loop_t loop;
	char dir[64];
	char out[96]; /* a file the scripts write to */
	struct proc_result res[MAX_RESULTS];
	int tags[MAX_RESULTS]; /* which job each result is for */
	int nres;
	int idle_calls;
};

static struct fx *g_fx; /* for callbacks whose arg is a tag */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/halo-proc-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->out, sizeof(f->out), "%s/out", f->dir);
	g_fx = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	/* Every handle must be closed by now: a leak would show here. */
	assert_int_equal(uv_loop_close(&f->loop), 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void on_done(const struct proc_result *r, void *arg)
{
	struct fx *f = g_fx;
	assert_true(f->nres < MAX_RESULTS);
	f->tags[f->nres] = (int)(intptr_t)arg;
	f->res[f->nres++] = *r;
}

/* Runs `sh -c SCRIPT` to completion and returns its result. */
static struct proc_result run_sh(struct fx *f, const char *script, uint64_t timeout_us,
				 uint64_t grace_us, int out_fd)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct proc_spec spec = { .argv = argv, .timeout_us = timeout_us,
				  .kill_grace_us = grace_us, .out_fd = out_fd };
	f->nres = 0;
	assert_non_null(proc_run(&f->loop, &spec, on_done, NULL));
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(f->nres, 1);
	return f->res[0];
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *fp = fopen(path, "r");
	if (!fp) {
		buf[0] = '\0';
		return buf;
	}
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int open_out(struct fx *f)
{
	int fd = open(f->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd > 2);
	return fd;
}

/* Gone, or a zombie waiting for a reaper that is not us (the PID 1 of a
 * container may never reap): either way it no longer runs. */
static bool pid_gone(pid_t pid)
{
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
}

static bool wait_gone(pid_t pid, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (pid_gone(pid))
			return true;
		usleep(10000);
	}
	return pid_gone(pid);
}

/* ---- argv ------------------------------------------------------------------- */

static void expect_argv(const char *cmd, int n, const char *const *want)
{
	char **argv;
	int got = proc_argv_parse(cmd, &argv);
	assert_int_equal(got, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(argv[i], want[i]);
	assert_null(argv[n]);
	free(argv);
}

static void test_argv(void **state)
{
	(void)state;
	expect_argv("killall -0 haproxy", 3, (const char *[]){ "killall", "-0", "haproxy" });
	expect_argv("  /bin/echo \t a\tb  ", 3, (const char *[]){ "/bin/echo", "a", "b" });
	expect_argv("/bin/x.sh 'two words' b", 3, (const char *[]){ "/bin/x.sh", "two words", "b" });
	expect_argv("a'b c'd", 1, (const char *[]){ "ab cd" });
	expect_argv("x '' y", 3, (const char *[]){ "x", "", "y" });
	expect_argv("x 'a''b'", 2, (const char *[]){ "x", "ab" });
	expect_argv("echo Bob's", 2, (const char *[]){ "echo", "Bob's" });
	expect_argv("x \"a 'b\" c", 3, (const char *[]){ "x", "a 'b", "c" });
	expect_argv("x 'say \"hi there\"'", 2, (const char *[]){ "x", "say \"hi there\"" });
	expect_argv("x a\\ b", 3, (const char *[]){ "x", "a\\", "b" });
	expect_argv("/usr/bin/true", 1, (const char *[]){ "/usr/bin/true" });

	char **argv = (char **)1;
	errno = 0;
	assert_int_equal(proc_argv_parse("", &argv), -1);
	assert_int_equal(errno, EINVAL);
	assert_null(argv);
	assert_int_equal(proc_argv_parse(" \t ", &argv), -1);
	assert_int_equal(proc_argv_parse(NULL, &argv), -1);
}

/* ---- credentials ------------------------------------------------------------ */

static void test_cred(void **state)
{
	(void)state;
	struct proc_cred c;
	char err[128];

	assert_int_equal(proc_cred_resolve("nobody", NULL, &c, err, sizeof(err)), 0);
	assert_true(c.set);
	assert_int_equal(c.uid, 65534);
	assert_int_equal(c.gid, 65534);

	assert_int_equal(proc_cred_resolve("nobody", "root", &c, err, sizeof(err)), 0);
	assert_int_equal(c.uid, 65534);
	assert_int_equal(c.gid, 0);

	assert_int_equal(proc_cred_resolve("4321", "99", &c, err, sizeof(err)), 0);
	assert_int_equal(c.uid, 4321);
	assert_int_equal(c.gid, 99);

	assert_int_equal(proc_cred_resolve("no_such_user_x", NULL, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown user 'no_such_user_x'"));
	assert_int_equal(proc_cred_resolve("nobody", "no_such_group_x", &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown group 'no_such_group_x'"));

	/* script_user wins; without it keepalived_script, else ourselves. */
	assert_int_equal(proc_cred_default("nobody", NULL, &c, err, sizeof(err)), 0);
	assert_int_equal(c.uid, 65534);
	assert_false(c.fallback);
	assert_int_equal(proc_cred_default("no_such_user_x", NULL, &c, err, sizeof(err)), -1);
	assert_int_equal(proc_cred_default(NULL, NULL, &c, err, sizeof(err)), 0);
	assert_true(c.set);
	if (getpwnam(PROC_DEFAULT_SCRIPT_USER)) {
		assert_false(c.fallback);
	} else {
		assert_true(c.fallback);
		assert_int_equal(c.uid, geteuid());
		assert_int_equal(c.gid, getegid());
	}
}

/* ---- outcomes ----------------------------------------------------------------- */

static void test_exit_codes(void **state)
{
	struct fx *f = *state;
	const int codes[] = { 0, 1, 7 };
	for (size_t i = 0; i < 3; i++) {
		char s[32];
		snprintf(s, sizeof(s), "exit %d", codes[i]);
		struct proc_result r = run_sh(f, s, 5000000, 0, -1);
		assert_int_equal(r.outcome, PROC_EXITED);
		assert_int_equal(r.exit_status, codes[i]);
		assert_int_equal(r.term_signal, 0);
		assert_true(r.pid > 0);
		assert_true(r.duration_us > 0 && r.duration_us < 2000000);
	}
	char d[128];
	struct proc_result r = run_sh(f, "exit 7", 0, 0, -1);
	assert_string_equal(proc_result_describe(&r, d, sizeof(d)), "exit 7");
	assert_string_equal(proc_outcome_name(r.outcome), "exited");
}

static void test_killed_by_signal(void **state)
{
	struct fx *f = *state;
	struct proc_result r = run_sh(f, "kill -USR1 $$; sleep 5", 5000000, 0, -1);
	assert_int_equal(r.outcome, PROC_SIGNALED);
	assert_int_equal(r.term_signal, SIGUSR1);
	char d[128];
	proc_result_describe(&r, d, sizeof(d));
	assert_non_null(strstr(d, "killed by signal 10"));
}

/* The daemon ignores SIGPIPE and may block signals: the script must get
 * default dispositions and an empty mask. */
static void test_signals_reset(void **state)
{
	struct fx *f = *state;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigset_t block, old_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old_mask);

	struct proc_result r = run_sh(f, "kill -PIPE $$; exit 3", 5000000, 0, -1);
	assert_int_equal(r.outcome, PROC_SIGNALED);
	assert_int_equal(r.term_signal, SIGPIPE);
	r = run_sh(f, "kill -USR2 $$; exit 3", 5000000, 0, -1);
	assert_int_equal(r.outcome, PROC_SIGNALED);
	assert_int_equal(r.term_signal, SIGUSR2);

	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
}

/* Reads "LEADER CHILD" written by the hanging scripts below. */
static void read_pids(struct fx *f, pid_t *leader, pid_t *child)
{
	int a = 0, b = 0;
	assert_int_equal(sscanf(slurp(f->out), "%d %d", &a, &b), 2);
	*leader = a;
	*child = b;
}

static void test_timeout_kills_group(void **state)
{
	struct fx *f = *state;
	char s[256];
	snprintf(s, sizeof(s), "sleep 100 & echo $$ $! > %s; wait", f->out);
	uint64_t t0 = clock_mono_us();
	struct proc_result r = run_sh(f, s, 200000, 2000000, -1);
	uint64_t took = clock_mono_us() - t0;
	assert_int_equal(r.outcome, PROC_TIMED_OUT);
	assert_int_equal(r.term_signal, SIGTERM);
	assert_true(r.duration_us >= 190000); /* libuv timers: ms, coarse clock */
	assert_true(took < 1500000); /* SIGTERM sufficed: no grace wait */
	pid_t leader, child;
	read_pids(f, &leader, &child);
	assert_int_equal(leader, r.pid);
	assert_true(wait_gone(leader, 1000));
	assert_true(wait_gone(child, 1000));
	char d[128];
	assert_non_null(strstr(proc_result_describe(&r, d, sizeof(d)), "timed out after"));
}

/* A script that ignores SIGTERM gets SIGKILL after the grace period, and
 * so does its child (which inherited the ignored SIGTERM). */
static void test_timeout_grace_sigkill(void **state)
{
	struct fx *f = *state;
	char s[256];
	snprintf(s, sizeof(s), "trap '' TERM; sleep 100 & echo $$ $! > %s; wait; sleep 100",
		 f->out);
	uint64_t t0 = clock_mono_us();
	struct proc_result r = run_sh(f, s, 200000, 150000, -1);
	uint64_t took = clock_mono_us() - t0;
	assert_int_equal(r.outcome, PROC_TIMED_OUT);
	assert_int_equal(r.term_signal, SIGKILL);
	assert_true(took >= 350000 && took < 2000000);
	pid_t leader, child;
	read_pids(f, &leader, &child);
	assert_true(wait_gone(leader, 1000));
	assert_true(wait_gone(child, 1000));
}

static bool in_proc_run;

static void on_done_check_reentry(const struct proc_result *r, void *arg)
{
	assert_false(in_proc_run);
	on_done(r, arg);
}

static void test_start_failures(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "/nonexistent/halo-script", NULL };
	struct proc_spec spec = { .argv = argv, .timeout_us = 1000000 };
	f->nres = 0;
	in_proc_run = true;
	assert_non_null(proc_run(&f->loop, &spec, on_done_check_reentry, NULL));
	in_proc_run = false;
	assert_int_equal(f->nres, 0); /* reported from the loop, not from proc_run() */
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(f->nres, 1);
	assert_int_equal(f->res[0].outcome, PROC_START_FAILED);
	assert_int_equal(f->res[0].error, ENOENT);
	assert_int_equal(f->res[0].pid, 0);

	/* A file without execute permission. */
	char path[128];
	snprintf(path, sizeof(path), "%s/noexec.sh", f->dir);
	FILE *fp = fopen(path, "w");
	fputs("#!/bin/sh\nexit 0\n", fp);
	fclose(fp);
	chmod(path, 0644);
	char *argv2[] = { path, NULL };
	spec.argv = argv2;
	f->nres = 0;
	assert_non_null(proc_run(&f->loop, &spec, on_done, NULL));
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(f->res[0].outcome, PROC_START_FAILED);
	assert_int_equal(f->res[0].error, EACCES);

	/* A bare name is found in the safe PATH. */
	char *argv3[] = { "true", NULL };
	spec.argv = argv3;
	f->nres = 0;
	assert_non_null(proc_run(&f->loop, &spec, on_done, NULL));
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(f->res[0].outcome, PROC_EXITED);
	assert_int_equal(f->res[0].exit_status, 0);

	/* No argv: refused, no callback. */
	char *none[] = { NULL };
	spec.argv = none;
	assert_null(proc_run(&f->loop, &spec, on_done, NULL));
}

static void terminate_cb(uv_timer_t *t)
{
	proc_terminate(t->data);
	uv_close((uv_handle_t *)t, NULL);
}

static void test_terminate(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "/bin/sleep", "100", NULL };
	struct proc_spec spec = { .argv = argv };
	f->nres = 0;
	struct proc *p = proc_run(&f->loop, &spec, on_done, NULL);
	assert_non_null(p);
	assert_true(proc_pid(p) > 0);
	uv_timer_t t;
	uv_timer_init(&f->loop, &t);
	t.data = p;
	uv_timer_start(&t, terminate_cb, 50, 0);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(f->nres, 1);
	assert_int_equal(f->res[0].outcome, PROC_SIGNALED);
	assert_int_equal(f->res[0].term_signal, SIGTERM);
}

/* ---- the child's surroundings ------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_env_sanitised(void **state)
{
	struct fx *f = *state;
	setenv("HALO_MUST_NOT_LEAK", "1", 1);
	int fd = open_out(f);
	char *argv[] = { "/usr/bin/env", NULL };
	const char *env[] = { "HALO_STATE=MASTER", "HALO_NAME=VI 1", NULL };
	struct proc_spec spec = { .argv = argv, .env = env, .timeout_us = 5000000, .out_fd = fd };
	f->nres = 0;
	assert_non_null(proc_run(&f->loop, &spec, on_done, NULL));
	uv_run(&f->loop, UV_RUN_DEFAULT);
	close(fd);
	assert_int_equal(f->res[0].outcome, PROC_EXITED);

	char *lines[16];
	int n = 0;
	char *save, *text = slurp(f->out);
	for (char *l = strtok_r(text, "\n", &save); l && n < 16; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, (size_t)n, sizeof(lines[0]), cmp_str);
	assert_int_equal(n, 3);
	assert_string_equal(lines[0], "HALO_NAME=VI 1");
	assert_string_equal(lines[1], "HALO_STATE=MASTER");
	assert_string_equal(lines[2], "PATH=" PROC_SAFE_PATH);
	unsetenv("HALO_MUST_NOT_LEAK");
}

static void test_stdio_cwd_session(void **state)
{
	struct fx *f = *state;
	/* stdin is /dev/null, the working directory is "/", and the script
	 * leads its own session and process group (fields 5 and 6 of stat). */
	int fd = open_out(f);
	struct proc_result r = run_sh(f, "readlink /proc/self/fd/0; pwd; echo $$; "
				      "cut -d' ' -f5,6 /proc/$$/stat", 5000000, 0, fd);
	close(fd);
	assert_int_equal(r.outcome, PROC_EXITED);
	char want[128];
	snprintf(want, sizeof(want), "/dev/null\n/\n%d\n%d %d\n", (int)r.pid, (int)r.pid, (int)r.pid);
	assert_string_equal(slurp(f->out), want);

	/* Without out_fd, stdout and stderr are /dev/null too. */
	char s[256];
	snprintf(s, sizeof(s), "x=$(readlink /proc/$$/fd/1 /proc/$$/fd/2); echo \"$x\" > %s",
		 f->out);
	r = run_sh(f, s, 5000000, 0, -1);
	assert_int_equal(r.outcome, PROC_EXITED);
	assert_string_equal(slurp(f->out), "/dev/null\n/dev/null\n");
}

static void test_runs_as_user(void **state)
{
	struct fx *f = *state;
	if (geteuid() != 0)
		skip();
	struct proc_cred c = { .set = true, .uid = 65534, .gid = 65534 };
	int fd = open_out(f);
	char *argv[] = { "/bin/sh", "-c", "id -u; id -g; id -G", NULL };
	struct proc_spec spec = { .argv = argv, .cred = &c, .timeout_us = 5000000, .out_fd = fd };
	f->nres = 0;
	assert_non_null(proc_run(&f->loop, &spec, on_done, NULL));
	uv_run(&f->loop, UV_RUN_DEFAULT);
	close(fd);
	assert_int_equal(f->res[0].outcome, PROC_EXITED);
	assert_int_equal(f->res[0].exit_status, 0);
	/* No supplementary group is kept (root's 0 would show here). */
	assert_string_equal(slurp(f->out), "65534\n65534\n65534\n");
}

/* ---- queues ------------------------------------------------------------------- */

static void push_sh(struct proc_queue *q, const char *script, int tag)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct proc_spec spec = { .argv = argv, .timeout_us = 5000000 };
	assert_int_equal(proc_queue_push(q, &spec, on_done, (void *)(intptr_t)tag), 0);
}

static void on_idle(void *arg)
{
	((struct fx *)arg)->idle_calls++;
}

static void test_queue_order(void **state)
{
	struct fx *f = *state;
	struct proc_queue *q = proc_queue_new(&f->loop, 0);
	assert_non_null(q);
	proc_queue_set_idle_cb(q, on_idle, f);
	/* Durations chosen so that concurrent runs would finish out of order. */
	const char *delay[] = { "0.15", "0.01", "0.1", "0", "0.05" };
	f->nres = 0;
	for (int i = 0; i < 5; i++) {
		char s[256];
		snprintf(s, sizeof(s), "echo start %d >> %s; sleep %s; echo end %d >> %s", i + 1,
			 f->out, delay[i], i + 1, f->out);
		push_sh(q, s, i + 1);
	}
	struct proc_queue_stats st;
	proc_queue_stats(q, &st);
	assert_true(st.running);
	assert_int_equal(st.pending, 4);
	uv_run(&f->loop, UV_RUN_DEFAULT);

	assert_string_equal(slurp(f->out), "start 1\nend 1\nstart 2\nend 2\nstart 3\nend 3\n"
					   "start 4\nend 4\nstart 5\nend 5\n");
	assert_int_equal(f->nres, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(f->tags[i], i + 1);
		assert_int_equal(f->res[i].outcome, PROC_EXITED);
	}
	proc_queue_stats(q, &st);
	assert_int_equal(st.started, 5);
	assert_int_equal(st.completed, 5);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.pending, 0);
	assert_false(st.running);
	assert_int_equal(f->idle_calls, 1);
	proc_queue_free(q, false);
}

static void test_queues_overlap(void **state)
{
	struct fx *f = *state;
	struct proc_queue *a = proc_queue_new(&f->loop, 0), *b = proc_queue_new(&f->loop, 0);
	f->nres = 0;
	uint64_t t0 = clock_mono_us();
	push_sh(a, "sleep 0.4", 1);
	push_sh(b, "sleep 0.4", 2);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	uint64_t took = clock_mono_us() - t0;
	assert_int_equal(f->nres, 2);
	/* In parallel: well under the 0.8 s the two would take in series. */
	assert_true(took >= 400000);
	assert_true(took < 750000);
	proc_queue_free(a, false);
	proc_queue_free(b, false);
}

static void test_queue_full_drops_oldest(void **state)
{
	struct fx *f = *state;
	struct proc_queue *q = proc_queue_new(&f->loop, 2);
	char s[4][256];
	for (int i = 0; i < 4; i++)
		snprintf(s[i], sizeof(s[i]), "%ssleep 0.05; echo %c >> %s", i ? "" : "sleep 0.1; ",
			 'A' + i, f->out);
	f->nres = 0;
	push_sh(q, s[0], 1); /* runs */
	push_sh(q, s[1], 2); /* pending */
	push_sh(q, s[2], 3); /* pending: the queue is now full */
	assert_int_equal(f->nres, 0);
	push_sh(q, s[3], 4); /* pushes out B, the oldest pending */
	assert_int_equal(f->nres, 1);
	assert_int_equal(f->tags[0], 2);
	assert_int_equal(f->res[0].outcome, PROC_DROPPED);
	struct proc_queue_stats st;
	proc_queue_stats(q, &st);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.pending, 2);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_string_equal(slurp(f->out), "A\nC\nD\n");
	assert_int_equal(f->nres, 4);
	assert_int_equal(f->tags[1], 1);
	assert_int_equal(f->tags[2], 3);
	assert_int_equal(f->tags[3], 4);
	proc_queue_free(q, false);
}

static void test_queue_free_cancels(void **state)
{
	struct fx *f = *state;
	struct proc_queue *q = proc_queue_new(&f->loop, 0);
	f->nres = 0;
	push_sh(q, "sleep 100", 1);
	push_sh(q, "exit 0", 2);
	push_sh(q, "exit 0", 3);
	proc_queue_free(q, true);
	/* The pending ones are cancelled at once, the running one terminated. */
	assert_int_equal(f->nres, 2);
	assert_int_equal(f->res[0].outcome, PROC_CANCELLED);
	assert_int_equal(f->tags[0], 2);
	assert_int_equal(f->tags[1], 3);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(f->nres, 3);
	assert_int_equal(f->tags[2], 1);
	assert_int_equal(f->res[2].outcome, PROC_SIGNALED);
	assert_int_equal(f->res[2].term_signal, SIGTERM);
}

/* A queue job that fails to start does not stall the queue. */
static void test_queue_start_failure_moves_on(void **state)
{
	struct fx *f = *state;
	struct proc_queue *q = proc_queue_new(&f->loop, 0);
	char *bad[] = { "/nonexistent/halo", NULL };
	struct proc_spec spec = { .argv = bad };
	f->nres = 0;
	assert_int_equal(proc_queue_push(q, &spec, on_done, (void *)1), 0);
	push_sh(q, "exit 4", 2);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(f->nres, 2);
	assert_int_equal(f->res[0].outcome, PROC_START_FAILED);
	assert_int_equal(f->res[1].outcome, PROC_EXITED);
	assert_int_equal(f->res[1].exit_status, 4);
	char *none[] = { NULL };
	spec.argv = none;
	assert_int_equal(proc_queue_push(q, &spec, on_done, NULL), -1);
	assert_int_equal(errno, EINVAL);
	proc_queue_free(q, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_cred),
		cmocka_unit_test_setup_teardown(test_exit_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_by_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signals_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_kills_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_grace_sigkill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_sanitised, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdio_cwd_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_as_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queues_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_full_drops_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_free_cancels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_start_failure_moves_on, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
