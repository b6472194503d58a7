#include "daemon/worker.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <syslog.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/chan.h"
#include "core/clock.h"
#include "core/engine.h"
#include "core/log.h"
#include "core/pidfile.h"
#include "daemon/confload.h"
#include "lb/lb_main.h"
#include "vrrp/vrrp_main.h"

/* The channel to the supervisor is the socketpair uv_spawn put on fd 3. */
#define WORKER_CHAN_FD 3

enum { SIG_HUP, SIG_TERM, SIG_INT, SIG_USR1, SIG_USR2, SIG_CLEAR, SIG_JSON, NSIGS };

/* The child process's root object. */
struct worker {
	uv_loop_t loop;
	const struct cli_opts *o;
	const char *name;
	struct engine_env env;
	struct halo_config *cfg;
	char loaded_at[32];
	unsigned reloads;
	unsigned reload_failures;
	struct pidfile pf;
	struct chan *chan;
	uv_signal_t sigs[NSIGS];
	uv_timer_t stop_timer;
	bool stopping;
	bool loop_inited;
	bool engine_started;
};

static void note_loaded(struct worker *w)
{
	clock_iso8601(time(NULL), w->loaded_at, sizeof(w->loaded_at));
}

/* SIGHUP: the supervisor validated the file before signalling us, but it
 * may have changed since; validate again and keep what runs on errors. */
static void reload(struct worker *w)
{
	struct diag_list d;
	int code;
	diag_init(&d);
	log_notice("reloading %s", w->env.config_file);
	struct halo_config *cfg = daemon_conf_load(w->env.config_file, w->o, &d, &code);
	daemon_log_diags(&d);
	diag_clear(&d);
	if (code == CONF_EXIT_UNUSABLE || code == CONF_EXIT_ERRORS) {
		daemon_conf_free(cfg);
		w->reload_failures++;
		log_error("reload refused: the configuration has errors; keeping the running one");
		return;
	}
	/* The engine diffs against the running configuration, which its
	 * runtime objects point into: it is freed only once the engine has
	 * moved to the new one. */
	w->env.ops->reload(w->env.engine, cfg);
	daemon_conf_free(w->cfg);
	w->cfg = cfg;
	w->env.cfg = cfg;
	w->reloads++;
	note_loaded(w);
	log_notice("configuration reloaded");
}

static json_object *status_result(struct worker *w)
{
	json_object *r = json_object_new_object();
	json_object_object_add(r, "subsystem", json_object_new_string(w->name));
	json_object_object_add(r, "pid", json_object_new_int64(getpid()));
	json_object_object_add(r, "config_file", json_object_new_string(w->env.config_file));
	json_object_object_add(r, "config_loaded", json_object_new_string(w->loaded_at));
	json_object_object_add(r, "reloads", json_object_new_int64(w->reloads));
	json_object_object_add(r, "reload_failures", json_object_new_int64(w->reload_failures));
	w->env.ops->status(w->env.engine, r);
	/* The engine reports its own units once it exists; until then, what
	 * the configuration holds. */
	if (!json_object_object_get_ex(r, "instances", NULL)) {
		unsigned n = strcmp(w->name, "vrrp") == 0 ? conf_vrrp_instances(w->cfg)
							  : conf_virtual_servers(w->cfg);
		json_object_object_add(r, "instances", json_object_new_int64(n));
	}
	return r;
}

static void reply(struct worker *w, json_object *id, json_object *result, const char *err)
{
	json_object *m = json_object_new_object();
	json_object_object_add(m, "ok", json_object_new_boolean(!err));
	if (id)
		json_object_object_add(m, "id", json_object_get(id));
	if (err)
		json_object_object_add(m, "error", json_object_new_string(err));
	else
		json_object_object_add(m, "result", result ? result : json_object_new_object());
	chan_send(w->chan, m);
	json_object_put(m);
}

static void on_msg(void *ctx, json_object *msg)
{
	struct worker *w = ctx;
	json_object *cmd, *id = NULL, *args = NULL, *mask;
	json_object_object_get_ex(msg, "id", &id);
	json_object_object_get_ex(msg, "args", &args);
	if (!json_object_object_get_ex(msg, "cmd", &cmd) || !json_object_is_type(cmd, json_type_string)) {
		reply(w, id, NULL, "missing \"cmd\"");
		return;
	}
	const char *c = json_object_get_string(cmd);
	if (strcmp(c, "status") == 0) {
		reply(w, id, status_result(w), NULL);
		/* The reply's JSON objects are freed by now; without this their
		 * pages (megabytes for 1,000 instances) would stay resident. */
		daemon_trim_heap();
	} else if (strcmp(c, "ping") == 0) {
		json_object *r = json_object_new_object();
		json_object_object_add(r, "pong", json_object_new_boolean(true));
		reply(w, id, r, NULL);
	} else if (strcmp(c, "debug") == 0 && args && json_object_object_get_ex(args, "mask", &mask)) {
		log_set_debug_mask((uint32_t)json_object_get_int64(mask));
		reply(w, id, NULL, NULL);
	} else {
		reply(w, id, NULL, "unknown command");
	}
}

static void close_cb_noop(uv_handle_t *h)
{
	(void)h;
}

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, close_cb_noop);
}

/* The engine is done (or took too long): close every handle so the loop
 * ends, and with it the process. */
static void finish(struct worker *w)
{
	if (w->chan) {
		chan_close(w->chan);
		w->chan = NULL;
	}
	uv_walk(&w->loop, close_walk, NULL);
}

static void engine_stopped(struct engine_env *env)
{
	struct worker *w = (struct worker *)((char *)env - offsetof(struct worker, env));
	log_info("stopped");
	finish(w);
}

static void stop_timeout(uv_timer_t *t)
{
	struct worker *w = t->data;
	log_warn("the engine did not stop in time; exiting anyway");
	finish(w);
}

static void begin_stop(struct worker *w, const char *why)
{
	if (w->stopping)
		return;
	w->stopping = true;
	log_notice("stopping (%s)", why);
	/* Leave the supervisor's own SIGKILL deadline a margin. */
	uint64_t ms = conf_child_wait_ms(w->cfg);
	ms = ms > 2000 ? ms - 1000 : ms / 2;
	uv_timer_start(&w->stop_timer, stop_timeout, ms, 0);
	w->env.ops->stop(w->env.engine, engine_stopped);
}

static void on_chan_close(void *ctx)
{
	struct worker *w = ctx;
	w->chan = NULL;
	begin_stop(w, "the supervisor closed the channel");
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct worker *w = h->data;
	const struct engine_ops *ops = w->env.ops;
	void *e = w->env.engine;
	if (signum == SIGTERM)
		begin_stop(w, "SIGTERM");
	else if (w->stopping)
		return;
	else if (signum == SIGHUP)
		reload(w);
	else if (signum == SIGINT)
		log_debug(LOGC_DAEMON, "SIGINT ignored: the supervisor stops this process");
	else if (signum == SIGUSR1 && ops->dump_data)
		ops->dump_data(e);
	else if (signum == SIGUSR2 && ops->dump_stats)
		ops->dump_stats(e, false);
	else if (signum == SIGRTMAX - 1 && ops->dump_stats)
		ops->dump_stats(e, true);
	else if (signum == SIGRTMIN + 2 && ops->dump_json)
		ops->dump_json(e);
	else
		log_notice("signal %d: this dump is not available yet", signum);
}

static int setup_loop(struct worker *w)
{
	const int nums[NSIGS] = { [SIG_HUP] = SIGHUP, [SIG_TERM] = SIGTERM, [SIG_INT] = SIGINT,
				  [SIG_USR1] = SIGUSR1, [SIG_USR2] = SIGUSR2,
				  [SIG_CLEAR] = SIGRTMAX - 1, [SIG_JSON] = SIGRTMIN + 2 };
	if (uv_loop_init(&w->loop) < 0)
		return -1;
	w->loop_inited = true;
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < NSIGS; i++) {
		uv_signal_init(&w->loop, &w->sigs[i]);
		w->sigs[i].data = w;
		uv_signal_start(&w->sigs[i], on_signal, nums[i]);
	}
	uv_timer_init(&w->loop, &w->stop_timer);
	w->stop_timer.data = w;
	static const struct chan_cbs cbs = { .on_msg = on_msg, .on_close = on_chan_close };
	w->chan = chan_new(&w->loop, &cbs, w);
	int r = chan_open_fd(w->chan, WORKER_CHAN_FD);
	if (r == 0)
		r = chan_start(w->chan);
	if (r < 0) {
		log_error("cannot use the channel to the supervisor: %s", uv_strerror(r));
		return -1;
	}
	return 0;
}

static void setup_log(const struct cli_opts *o, const char *name)
{
	char prefix[32], ident[32];
	snprintf(prefix, sizeof(prefix), "halod[%s]", name);
	snprintf(ident, sizeof(ident), "halod_%s", name);
	struct log_opts lo = { .prefix = prefix, .ident = ident, .console = o->log_console,
			       .syslog = !o->no_syslog, .detail = o->log_detail,
			       .facility = o->log_facility };
	log_init(&lo);
}

/* Dies with the supervisor.  The check after prctl() closes the window in
 * which the parent died between fork and here. */
static int tie_to_parent(const struct cli_opts *o)
{
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		return -1;
	if (getppid() != (pid_t)o->child_of) {
		log_error("the supervisor (pid %ld) is gone; exiting", o->child_of);
		return -1;
	}
	return 0;
}

static int load_config(struct worker *w)
{
	struct diag_list d;
	int code;
	diag_init(&d);
	w->cfg = daemon_conf_load(w->o->config_file, w->o, &d, &code);
	/* The supervisor has logged the diagnostics already; repeat them only
	 * when they stop us. */
	if (!w->cfg)
		daemon_log_diags(&d);
	diag_clear(&d);
	if (!w->cfg) {
		log_error("configuration %s is unusable", w->o->config_file);
		return -1;
	}
	note_loaded(w);
	return 0;
}

static int start_engine(struct worker *w)
{
	w->env = (struct engine_env){
		.name = w->name, .loop = &w->loop, .cfg = w->cfg,
		.config_file = w->o->config_file, .config_id = w->o->config_id,
		.all_config = w->o->all_config,
		.dont_release = w->o->child == CLI_CHILD_VRRP ? w->o->dont_release_vrrp
							       : w->o->dont_release_ipvs,
	};
	int r = w->o->child == CLI_CHILD_VRRP ? vrrp_child_main(&w->env) : lb_child_main(&w->env);
	if (r < 0 || !w->env.ops) {
		log_error("the %s engine could not start", w->name);
		if (w->env.ops && w->env.ops->destroy && w->env.engine)
			w->env.ops->destroy(w->env.engine);
		return -1;
	}
	w->engine_started = true;
	return 0;
}

static int run(struct worker *w)
{
	char err[512];
	const char *pidpath = cli_child_pid_file(w->o, w->o->child);
	if (tie_to_parent(w->o) < 0)
		return 1;
	if (pidfile_acquire(&w->pf, pidpath, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	if (load_config(w) < 0)
		return 3;
	int rc = setup_loop(w) < 0 ? 1 : start_engine(w) < 0 ? 2 : 0;
	if (rc) {
		if (w->loop_inited) {
			finish(w);
			uv_run(&w->loop, UV_RUN_DEFAULT);
		}
		return rc;
	}
	log_info("started (pid %ld)", (long)getpid());
	uv_run(&w->loop, UV_RUN_DEFAULT);
	return 0;
}

int worker_main(const struct cli_opts *o)
{
	struct worker *w = calloc(1, sizeof(*w));
	if (!w)
		abort();
	w->o = o;
	w->name = cli_child_name(o->child);
	w->pf.fd = -1;
	daemon_malloc_policy();
	setup_log(o, w->name);
	int rc = run(w);
	if (w->engine_started && w->env.ops->destroy)
		w->env.ops->destroy(w->env.engine);
	if (w->loop_inited)
		uv_loop_close(&w->loop);
	conf_free(w->cfg);
	pidfile_release(&w->pf);
	log_close();
	free(w);
	return rc;
}
