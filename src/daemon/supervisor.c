#include "daemon/supervisor.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/clock.h"
#include "core/detach.h"
#include "core/log.h"
#include "daemon/confload.h"
#include "daemon/control.h"
#include "daemon/sdnotify.h"

static const enum cli_child child_kind[SUP_NCHILDREN] = { CLI_CHILD_VRRP, CLI_CHILD_LB };

/* ---- start-up helpers ---- */

/* Paths are made absolute before daemonising moves us to /. */
static char *abs_path(const char *p)
{
	char *out;
	if (p[0] == '/')
		out = strdup(p);
	else {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd)))
			return strdup(p);
		if (asprintf(&out, "%s/%s", cwd, p) < 0)
			out = NULL;
	}
	if (!out)
		abort();
	return out;
}

/* /run/halod.pid -> /run/halod.sock (".sock" appended when the name has no
 * extension). */
static char *default_socket(const char *pidfile)
{
	const char *slash = strrchr(pidfile, '/');
	const char *dot = strrchr(slash ? slash + 1 : pidfile, '.');
	size_t keep = dot && dot != (slash ? slash + 1 : pidfile) ? (size_t)(dot - pidfile)
								 : strlen(pidfile);
	char *out;
	if (asprintf(&out, "%.*s.sock", (int)keep, pidfile) < 0)
		abort();
	return out;
}

static void resolve_paths(struct supervisor *s)
{
	struct cli_opts *o = &s->opts;
	o->config_file = s->paths[0] = abs_path(o->config_file);
	o->pid_file = s->paths[1] = abs_path(o->pid_file);
	o->vrrp_pid_file = s->paths[2] = abs_path(o->vrrp_pid_file);
	o->checkers_pid_file = s->paths[3] = abs_path(o->checkers_pid_file);
	s->paths[4] = o->control_socket ? abs_path(o->control_socket) : default_socket(o->pid_file);
	s->socket_path = o->control_socket = s->paths[4];
}

/* Before daemonising, errors must also reach the terminal that started us
 * even when logging goes to syslog only. */
static void startup_error(struct supervisor *s, const char *msg)
{
	log_error("%s", msg);
	if (!s->console && s->ready_fd < 0)
		fprintf(stderr, "halod: %s\n", msg);
	detach_ready(s->ready_fd, msg);
	s->ready_fd = -1;
}

static void setup_log(struct supervisor *s)
{
	const struct cli_opts *o = &s->opts;
	/* Under systemd stderr is the journal, which also gets syslog:
	 * without -l, only an interactive foreground run logs to the console. */
	s->console = o->log_console || (o->dont_fork && isatty(STDERR_FILENO));
	struct log_opts lo = { .prefix = "halod", .ident = "halod", .console = s->console,
			       .syslog = !o->no_syslog, .detail = o->log_detail,
			       .facility = o->log_facility };
	log_init(&lo);
	for (size_t i = 0; i < o->nwarnings; i++)
		log_warn("%s", o->warnings[i]);
}

static void dump_config(const struct halo_config *cfg)
{
	json_object *j = conf_dump(cfg);
	char *text = strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY));
	json_object_put(j);
	if (!text)
		abort();
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_info("config: %s", line);
	free(text);
}

/* ---- children ---- */

static bool child_wanted(const struct supervisor *s, enum cli_child k)
{
	const struct cli_opts *o = &s->opts;
	if (o->vrrp_only || o->check_only)
		return k == CLI_CHILD_VRRP ? o->vrrp_only : o->check_only;
	if (o->all_subsystems)
		return true;
	return k == CLI_CHILD_VRRP ? s->conf.vrrp_instances > 0 : s->conf.virtual_servers > 0;
}

const char *sup_child_absent_why(const struct supervisor *s, int i, const char **name)
{
	const struct cli_opts *o = &s->opts;
	enum cli_child k = child_kind[i];
	*name = cli_child_name(k);
	if (child_wanted(s, k))
		return NULL;
	if (o->vrrp_only)
		return "not started: -P/--vrrp runs the VRRP subsystem only";
	if (o->check_only)
		return "not started: -C/--check runs the load balancer only";
	return k == CLI_CHILD_VRRP ? "not started: the configuration has no vrrp_instance"
				   : "not started: the configuration has no virtual_server";
}

static void notify_status(struct supervisor *s)
{
	char buf[256];
	size_t n = 0;
	n += (size_t)snprintf(buf, sizeof(buf), "STATUS=");
	for (int i = 0; i < SUP_NCHILDREN && n < sizeof(buf); i++) {
		struct child *c = &s->children[i];
		if (!s->child_inited[i] || !c->ever_started)
			continue;
		if (c->pid)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s pid %ld; ", c->name, (long)c->pid);
		else
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s down; ", c->name);
	}
	if (n == strlen("STATUS="))
		snprintf(buf + n, sizeof(buf) - n, "no subsystem configured");
	sdnotify(buf);
}

static void on_child_exit(void *ctx, struct child *c, const char *how)
{
	struct supervisor *s = ctx;
	(void)how;
	if (s->stopping)
		return;
	if (s->opts.dont_respawn) {
		log_error("%s child died and -R/--dont-respawn is set: stopping", c->name);
		sup_stop(s, 1);
		return;
	}
	child_respawn_later(c);
	notify_status(s);
}

/* A (re)started child inherits the debug categories switched on at run
 * time. */
static void on_child_start(void *ctx, struct child *c)
{
	struct supervisor *s = ctx;
	if (log_debug_mask()) {
		json_object *a = json_object_new_object();
		json_object_object_add(a, "mask", json_object_new_int64(log_debug_mask()));
		child_tell(c, "debug", a);
		json_object_put(a);
	}
	if (!s->stopping)
		notify_status(s);
}

/* Starts each wanted child that is not running yet. */
static void start_children(struct supervisor *s)
{
	for (int i = 0; i < SUP_NCHILDREN; i++) {
		enum cli_child k = child_kind[i];
		struct child *c = &s->children[i];
		if (!child_wanted(s, k))
			continue;
		if (!s->child_inited[i]) {
			char **argv = cli_child_argv(&s->opts, k, s->exe, s->opts.config_file,
						     s->console, (long)getpid());
			if (!argv)
				abort();
			child_init(c, &s->loop, cli_child_name(k), argv, on_child_exit,
				   on_child_start, s);
			s->child_inited[i] = true;
		}
		if (c->state == CHILD_IDLE && child_spawn(c) < 0)
			child_respawn_later(c);
	}
}

static void forward_signal(struct supervisor *s, int sig, bool lb_too)
{
	for (int i = 0; i < SUP_NCHILDREN; i++)
		if (s->child_inited[i] && (child_kind[i] == CLI_CHILD_VRRP || lb_too))
			child_signal(&s->children[i], sig);
}

/* ---- reload ---- */

static void record_reload(struct supervisor *s, const struct diag_list *d, bool ok)
{
	struct reload_record *r = &s->last_reload;
	for (unsigned i = 0; i < r->nmessages; i++)
		free(r->messages[i]);
	r->nmessages = 0;
	r->done = true;
	r->time = time(NULL);
	r->ok = ok;
	r->errors = d->errors;
	r->warnings = d->warnings;
	char buf[1024];
	for (size_t i = 0; i < d->n && r->nmessages < SUP_MAX_MESSAGES; i++) {
		r->messages[r->nmessages] = strdup(diag_format(&d->v[i], buf, sizeof(buf)));
		if (!r->messages[r->nmessages])
			abort();
		r->nmessages++;
	}
}

bool sup_reload(struct supervisor *s, const char *trigger)
{
	if (s->stopping)
		return false;
	sdnotifyf("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
		  (unsigned long long)clock_mono_us());
	log_notice("reloading %s (%s)", s->opts.config_file, trigger);
	struct diag_list d;
	int code;
	diag_init(&d);
	struct halo_config *cfg = daemon_conf_load(s->opts.config_file, &s->opts, &d, &code);
	daemon_log_diags(&d);
	bool ok = code != CONF_EXIT_UNUSABLE && code != CONF_EXIT_ERRORS;
	record_reload(s, &d, ok);
	if (ok)
		s->conf = conf_summarize(cfg);
	daemon_conf_free(cfg);
	if (ok) {
		forward_signal(s, SIGHUP, true);
		start_children(s);
		log_notice("reload done: %u warnings", d.warnings);
	} else {
		log_error("reload refused: %u errors; keeping the running configuration", d.errors);
	}
	diag_clear(&d);
	sdnotify("READY=1");
	if (ok)
		notify_status(s);
	else
		sdnotifyf("STATUS=reload refused: %u errors; running the previous configuration",
			  s->last_reload.errors);
	return ok;
}

/* ---- memory ---- */

static void on_trim(uv_timer_t *t)
{
	(void)t;
	daemon_trim_heap();
}

void sup_trim_soon(struct supervisor *s)
{
	if (!s->stopping)
		uv_timer_start(&s->trim_timer, on_trim, 0, 0);
}

/* ---- stop ---- */

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Everything is stopped: close the control socket and every handle so the
 * loop, and with it supervisor_main(), returns. */
static void stop_finished(struct supervisor *s)
{
	sup_ctl_flush(s);
	if (s->ctl) {
		ctl_server_close(s->ctl);
		s->ctl = NULL;
	}
	for (int i = 0; i < SUP_NCHILDREN; i++)
		if (s->child_inited[i])
			child_close(&s->children[i]);
	uv_walk(&s->loop, close_walk, NULL);
	log_notice("stopped");
}

static void stop_next(struct supervisor *s);

static void on_child_stopped(void *ctx, struct child *c)
{
	struct supervisor *s = ctx;
	(void)c;
	s->stop_idx++;
	stop_next(s);
}

static void stop_next(struct supervisor *s)
{
	while (s->stop_idx < SUP_NCHILDREN && !s->child_inited[s->stop_idx])
		s->stop_idx++;
	if (s->stop_idx >= SUP_NCHILDREN) {
		stop_finished(s);
		return;
	}
	child_stop(&s->children[s->stop_idx], s->conf.child_wait_ms, on_child_stopped);
}

void sup_stop(struct supervisor *s, int exit_code)
{
	if (s->stopping)
		return;
	s->stopping = true;
	s->exit_code = exit_code;
	sdnotify("STOPPING=1\nSTATUS=stopping");
	log_notice("stopping");
	/* Answer status requests now rather than make clients wait for
	 * children that are going away. */
	sup_ctl_flush(s);
	s->stop_idx = 0;
	stop_next(s);
}

static void on_signal(uv_signal_t *h, int sig)
{
	struct supervisor *s = h->data;
	if (sig == SIGTERM || sig == SIGINT) {
		log_notice("%s received", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		sup_stop(s, 0);
	} else if (s->stopping) {
		return;
	} else if (sig == SIGHUP) {
		sup_reload(s, "SIGHUP");
	} else if (sig == SIGUSR1) {
		forward_signal(s, sig, true);
	} else {
		forward_signal(s, sig, false);
	}
}

static void setup_signals(struct supervisor *s)
{
	const int nums[SUP_NSIGNALS] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGUSR2,
					 SIGRTMAX - 1, SIGRTMIN + 2 };
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < SUP_NSIGNALS; i++) {
		uv_signal_init(&s->loop, &s->sigs[i]);
		s->sigs[i].data = s;
		uv_signal_start(&s->sigs[i], on_signal, nums[i]);
	}
}

/* ---- main ---- */

/* Loads the configuration once; returns 0 to run, or an exit status. */
static int first_load(struct supervisor *s)
{
	struct diag_list d;
	int code;
	diag_init(&d);
	struct halo_config *cfg = daemon_conf_load(s->opts.config_file, &s->opts, &d, &code);
	daemon_log_diags(&d);
	if (!s->console && isatty(STDERR_FILENO))
		diag_print(stderr, &d);
	diag_clear(&d);
	s->conf = conf_summarize(cfg);
	if (cfg && s->opts.dump_conf)
		dump_config(cfg);
	daemon_conf_free(cfg);
	if (code == CONF_EXIT_UNUSABLE) {
		char msg[512];
		snprintf(msg, sizeof(msg), "configuration %s is unusable; not starting",
			 s->opts.config_file);
		startup_error(s, msg);
		return CONF_EXIT_UNUSABLE;
	}
	if (code == CONF_EXIT_ERRORS)
		log_error("the configuration has errors; running with what could be used");
	return 0;
}

/* Pid file, daemonising, loop, control socket; 0 or an exit status. */
static int start(struct supervisor *s)
{
	char err[512];
	if (pidfile_acquire(&s->pf, s->opts.pid_file, err, sizeof(err)) < 0) {
		startup_error(s, err);
		return 1;
	}
	if (!s->opts.dont_fork) {
		if (detach(&s->ready_fd, s->console) < 0) {
			startup_error(s, "cannot fork into the background");
			return 1;
		}
		pidfile_rewrite(&s->pf);
	}
	size_t len = sizeof(s->exe);
	if (uv_exepath(s->exe, &len) < 0) {
		startup_error(s, "cannot find my own executable");
		return 1;
	}
	uv_loop_init(&s->loop);
	s->loop_inited = true;
	uv_timer_init(&s->loop, &s->trim_timer);
	setup_signals(s);
	s->ctl = ctl_server_open(&s->loop, s->socket_path, sup_ctl_table(), s, err, sizeof(err));
	if (!s->ctl) {
		startup_error(s, err);
		return 1;
	}
	s->started_wall = time(NULL);
	s->started_us = clock_mono_us();
	return 0;
}

static void cleanup(struct supervisor *s)
{
	for (unsigned i = 0; i < s->last_reload.nmessages; i++)
		free(s->last_reload.messages[i]);
	pidfile_release(&s->pf);
	for (size_t i = 0; i < sizeof(s->paths) / sizeof(s->paths[0]); i++)
		free(s->paths[i]);
}

static void run_loop(struct supervisor *s)
{
	start_children(s);
	log_notice("halod %s started (pid %ld)", HALO_VERSION, (long)getpid());
	sdnotify("READY=1");
	notify_status(s);
	detach_ready(s->ready_fd, NULL);
	s->ready_fd = -1;
	uv_run(&s->loop, UV_RUN_DEFAULT);
}

int supervisor_main(const struct cli_opts *o)
{
	struct supervisor *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->opts = *o;
	s->ready_fd = -1;
	s->pf.fd = -1;
	daemon_malloc_policy();
	resolve_paths(s);
	setup_log(s);
	int rc = first_load(s);
	if (rc == 0)
		rc = start(s);
	if (rc == 0) {
		run_loop(s);
		rc = s->exit_code;
	}
	if (s->loop_inited) {
		/* After a stop every handle is closed already; after a failed
		 * start-up this closes what was opened. */
		uv_walk(&s->loop, close_walk, NULL);
		uv_run(&s->loop, UV_RUN_DEFAULT);
		uv_loop_close(&s->loop);
	}
	cleanup(s);
	log_close();
	free(s);
	return rc;
}
