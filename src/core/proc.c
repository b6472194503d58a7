/* Running scripts: argv splitting, credentials, one asynchronous run.
 * See proc.h for the contract. */
#include "core/proc.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"

/* ---- command line -------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether the quote at s[i] has a partner later in s. */
static bool quote_closes(const char *s, size_t i)
{
	return strchr(s + i + 1, s[i]) != NULL;
}

/* Copies the arguments of `cmd` into `out` (NUL-separated) and returns
 * their count.  With out == NULL it only counts; the copy never needs
 * more than strlen(cmd) + 1 bytes per the rules, since quotes are removed
 * and each argument ends with one NUL in place of a blank or the end. */
static int split_words(const char *cmd, char *out)
{
	int n = 0;
	size_t i = 0, o = 0;

	for (;;) {
		while (is_blank(cmd[i]))
			i++;
		if (!cmd[i])
			return n;
		char q = 0;
		while (cmd[i] && (q || !is_blank(cmd[i]))) {
			char c = cmd[i];
			if (q && c == q) {
				q = 0;
			} else if (!q && (c == '\'' || c == '"') && quote_closes(cmd, i)) {
				q = c;
			} else if (out) {
				out[o++] = c;
			} else {
				o++;
			}
			i++;
		}
		if (out)
			out[o] = '\0';
		o++;
		n++;
	}
}

int proc_argv_parse(const char *cmd, char ***argv_out)
{
	*argv_out = NULL;
	if (!cmd) {
		errno = EINVAL;
		return -1;
	}
	int n = split_words(cmd, NULL);
	if (n == 0) {
		errno = EINVAL;
		return -1;
	}
	size_t vec = ((size_t)n + 1) * sizeof(char *);
	char **argv = malloc(vec + strlen(cmd) + 1);
	if (!argv) {
		errno = ENOMEM;
		return -1;
	}
	char *text = (char *)argv + vec;
	split_words(cmd, text);
	for (int k = 0; k < n; k++) {
		argv[k] = text;
		text += strlen(text) + 1;
	}
	argv[n] = NULL;
	*argv_out = argv;
	return n;
}

/* ---- credentials --------------------------------------------------------- */

/* A decimal id, or false. */
static bool parse_id(const char *s, unsigned long *out)
{
	if (!*s)
		return false;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || errno || s[0] == '-' || v >= (unsigned long)(uid_t)-1)
		return false;
	*out = v;
	return true;
}

/* getpwnam_r with a buffer that grows on ERANGE.  Returns 0 found,
 * 1 not found, -1 error (errno). */
static int lookup_user(const char *name, uid_t *uid, gid_t *gid)
{
	size_t len = 1024;
	for (int tries = 0; tries < 8; tries++, len *= 4) {
		char *buf = malloc(len);
		if (!buf)
			return -1;
		struct passwd pw, *res = NULL;
		int rc = getpwnam_r(name, &pw, buf, len, &res);
		if (rc == 0 && res) {
			*uid = pw.pw_uid;
			*gid = pw.pw_gid;
		}
		free(buf);
		if (rc == ERANGE)
			continue;
		if (rc != 0 && rc != ENOENT && rc != ESRCH) {
			errno = rc;
			return -1;
		}
		return res ? 0 : 1;
	}
	errno = ERANGE;
	return -1;
}

static int lookup_group(const char *name, gid_t *gid)
{
	size_t len = 1024;
	for (int tries = 0; tries < 8; tries++, len *= 4) {
		char *buf = malloc(len);
		if (!buf)
			return -1;
		struct group gr, *res = NULL;
		int rc = getgrnam_r(name, &gr, buf, len, &res);
		if (rc == 0 && res)
			*gid = gr.gr_gid;
		free(buf);
		if (rc == ERANGE)
			continue;
		if (rc != 0 && rc != ENOENT && rc != ESRCH) {
			errno = rc;
			return -1;
		}
		return res ? 0 : 1;
	}
	errno = ERANGE;
	return -1;
}

/* The primary group of a numeric uid, when it has a passwd entry. */
static bool primary_gid_of(uid_t uid, gid_t *gid)
{
	char buf[4096];
	struct passwd pw, *res = NULL;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return false;
	*gid = pw.pw_gid;
	return true;
}

static int resolve_user(const char *user, struct proc_cred *out, char *err, size_t errlen)
{
	unsigned long id;
	int rc = lookup_user(user, &out->uid, &out->gid);
	if (rc < 0) {
		snprintf(err, errlen, "cannot look up user '%s': %s", user, strerror(errno));
		return -1;
	}
	if (rc == 0)
		return 0;
	if (!parse_id(user, &id)) {
		snprintf(err, errlen, "unknown user '%s'", user);
		return -1;
	}
	out->uid = (uid_t)id;
	/* A uid with no passwd entry runs in the group of the same number:
	 * there is no better guess, and a group can be given explicitly. */
	if (!primary_gid_of(out->uid, &out->gid))
		out->gid = (gid_t)id;
	return 0;
}

static int resolve_group(const char *group, gid_t *gid, char *err, size_t errlen)
{
	unsigned long id;
	int rc = lookup_group(group, gid);
	if (rc < 0) {
		snprintf(err, errlen, "cannot look up group '%s': %s", group, strerror(errno));
		return -1;
	}
	if (rc == 0)
		return 0;
	if (!parse_id(group, &id)) {
		snprintf(err, errlen, "unknown group '%s'", group);
		return -1;
	}
	*gid = (gid_t)id;
	return 0;
}

int proc_cred_resolve(const char *user, const char *group, struct proc_cred *out, char *err,
		      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!user || !*user) {
		snprintf(err, errlen, "no user given");
		return -1;
	}
	if (resolve_user(user, out, err, errlen) < 0)
		return -1;
	if (group && *group && resolve_group(group, &out->gid, err, errlen) < 0)
		return -1;
	out->set = true;
	return 0;
}

int proc_cred_default(const char *script_user, const char *script_group, struct proc_cred *out,
		      char *err, size_t errlen)
{
	if (script_user && *script_user)
		return proc_cred_resolve(script_user, script_group, out, err, errlen);
	memset(out, 0, sizeof(*out));
	int rc = lookup_user(PROC_DEFAULT_SCRIPT_USER, &out->uid, &out->gid);
	if (rc < 0) {
		snprintf(err, errlen, "cannot look up user '%s': %s", PROC_DEFAULT_SCRIPT_USER,
			 strerror(errno));
		return -1;
	}
	if (rc == 0) {
		out->set = true;
		return 0;
	}
	out->set = true;
	out->uid = geteuid();
	out->gid = getegid();
	out->fallback = true;
	return 0;
}

/* ---- names --------------------------------------------------------------- */

const char *proc_outcome_name(enum proc_outcome o)
{
	switch (o) {
	case PROC_EXITED: return "exited";
	case PROC_SIGNALED: return "signaled";
	case PROC_TIMED_OUT: return "timed-out";
	case PROC_START_FAILED: return "start-failed";
	case PROC_DROPPED: return "dropped";
	case PROC_CANCELLED: return "cancelled";
	}
	return "?";
}

const char *proc_result_describe(const struct proc_result *r, char *buf, size_t len)
{
	switch (r->outcome) {
	case PROC_EXITED:
		snprintf(buf, len, "exit %d", r->exit_status);
		break;
	case PROC_SIGNALED:
		snprintf(buf, len, "killed by signal %d (%s)", r->term_signal,
			 strsignal(r->term_signal));
		break;
	case PROC_TIMED_OUT:
		if (r->term_signal)
			snprintf(buf, len, "timed out after %llu ms (signal %d)",
				 (unsigned long long)(r->duration_us / 1000), r->term_signal);
		else
			snprintf(buf, len, "timed out after %llu ms (exit %d)",
				 (unsigned long long)(r->duration_us / 1000), r->exit_status);
		break;
	case PROC_START_FAILED:
		snprintf(buf, len, "failed to start: %s", strerror(r->error));
		break;
	case PROC_DROPPED:
		snprintf(buf, len, "dropped (queue full)");
		break;
	case PROC_CANCELLED:
		snprintf(buf, len, "cancelled");
		break;
	}
	return buf;
}

/* ---- one run ------------------------------------------------------------- */

/* Timer phases: the timeout, then the grace before SIGKILL. */
enum proc_phase { PH_RUNNING, PH_TERMINATING, PH_KILLED, PH_DONE };

struct proc {
	uv_process_t child;
	uv_timer_t timer;
	int open_handles;   /* freed when both handles are closed */
	enum proc_phase phase;
	bool timed_out;
	bool exited;        /* the leader has been reaped */
	uint64_t start_us;
	uint64_t grace_us;
	pid_t pid;
	proc_done_fn done;
	void *arg;
	struct proc_result res;
};

static void proc_handle_closed(uv_handle_t *h)
{
	struct proc *p = h->data;
	if (--p->open_handles == 0)
		free(p);
}

static void proc_close(struct proc *p)
{
	uv_close((uv_handle_t *)&p->timer, proc_handle_closed);
	uv_close((uv_handle_t *)&p->child, proc_handle_closed);
}

/* Signals the script's process group.  The group id is the leader's pid
 * (UV_PROCESS_DETACHED makes the child call setsid()); it stays reserved
 * by the kernel while any member lives, so after the leader is reaped a
 * still-populated group is still the script's.  ESRCH means nobody is
 * left. */
static void proc_signal_group(struct proc *p, int sig)
{
	if (p->pid > 0)
		kill(-p->pid, sig);
}

static void proc_finish(struct proc *p)
{
	p->phase = PH_DONE;
	uv_timer_stop(&p->timer);
	p->done(&p->res, p->arg);
	proc_close(p);
}

static void proc_exit_cb(uv_process_t *h, int64_t exit_status, int term_signal)
{
	struct proc *p = h->data;
	p->exited = true;
	p->res.duration_us = clock_mono_us() - p->start_us;
	p->res.exit_status = term_signal ? 0 : (int)exit_status;
	p->res.term_signal = term_signal;
	if (p->timed_out) {
		p->res.outcome = PROC_TIMED_OUT;
		/* The script is gone; whatever it started must not outlive a
		 * timeout, and there is no reason to wait for it any more. */
		proc_signal_group(p, SIGKILL);
	} else {
		p->res.outcome = term_signal ? PROC_SIGNALED : PROC_EXITED;
		/* Same sweep after proc_terminate(): it asked for all of it. */
		if (p->phase != PH_RUNNING)
			proc_signal_group(p, SIGKILL);
	}
	proc_finish(p);
}

static void proc_start_terminate(struct proc *p)
{
	p->phase = PH_TERMINATING;
	proc_signal_group(p, SIGTERM);
}

static void proc_timer_cb(uv_timer_t *t);

static void proc_arm(struct proc *p, uint64_t us)
{
	uint64_t ms = (us + 999) / 1000;
	uv_timer_start(&p->timer, proc_timer_cb, ms ? ms : 1, 0);
}

static void proc_timer_cb(uv_timer_t *t)
{
	struct proc *p = t->data;
	switch (p->phase) {
	case PH_RUNNING:
		p->timed_out = true;
		proc_start_terminate(p);
		proc_arm(p, p->grace_us);
		break;
	case PH_TERMINATING:
		p->phase = PH_KILLED;
		proc_signal_group(p, SIGKILL);
		break;
	case PH_KILLED:
	case PH_DONE:
		break;
	}
}

/* A failure to start is reported from the loop, like every other outcome,
 * so callers (the queue especially) never see a callback re-entering
 * them from inside proc_run(). */
static void proc_failed_cb(uv_timer_t *t)
{
	proc_finish(t->data);
}

void proc_terminate(struct proc *p)
{
	/* Nothing to do once it has ended or when it never started. */
	if (p->phase != PH_RUNNING || p->exited || p->pid <= 0)
		return;
	proc_start_terminate(p);
	proc_arm(p, p->grace_us);
}

pid_t proc_pid(const struct proc *p)
{
	return p->pid;
}

/* Builds the child's environment: PATH first (unless the caller gives
 * one), then the caller's entries.  One block; free() it. */
static char **build_env(const char *const *extra)
{
	size_t n = 0, bytes = 0;
	bool has_path = false;
	for (size_t i = 0; extra && extra[i]; i++, n++) {
		bytes += strlen(extra[i]) + 1;
		if (!strncmp(extra[i], "PATH=", 5))
			has_path = true;
	}
	static const char path[] = "PATH=" PROC_SAFE_PATH;
	size_t vec = (n + 2) * sizeof(char *);
	char **env = malloc(vec + bytes + sizeof(path));
	if (!env)
		return NULL;
	char *text = (char *)env + vec;
	size_t k = 0;
	if (!has_path) {
		memcpy(text, path, sizeof(path));
		env[k++] = text;
		text += sizeof(path);
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(extra[i]) + 1;
		memcpy(text, extra[i], l);
		env[k++] = text;
		text += l;
	}
	env[k] = NULL;
	return env;
}

static void fill_options(uv_process_options_t *o, uv_stdio_container_t stdio[3],
			 const struct proc_spec *spec, char **env)
{
	memset(o, 0, sizeof(*o));
	o->exit_cb = proc_exit_cb;
	o->file = spec->argv[0];
	o->args = (char **)spec->argv;
	o->env = env;
	o->cwd = "/";
	/* DETACHED = setsid() in the child: its own session and process
	 * group, so the whole tree can be signalled, and no controlling
	 * terminal. */
	o->flags = UV_PROCESS_DETACHED;
	if (spec->cred && spec->cred->set) {
		/* libuv also drops supplementary groups (setgroups(0)). */
		o->flags |= UV_PROCESS_SETUID | UV_PROCESS_SETGID;
		o->uid = spec->cred->uid;
		o->gid = spec->cred->gid;
	}
	/* UV_IGNORE on fds 0-2 is /dev/null in the child. */
	stdio[0].flags = UV_IGNORE;
	for (int i = 1; i < 3; i++) {
		if (spec->out_fd > 0) {
			stdio[i].flags = UV_INHERIT_FD;
			stdio[i].data.fd = spec->out_fd;
		} else {
			stdio[i].flags = UV_IGNORE;
		}
	}
	o->stdio = stdio;
	o->stdio_count = 3;
}

struct proc *proc_run(uv_loop_t *loop, const struct proc_spec *spec, proc_done_fn done,
		      void *arg)
{
	if (!spec || !spec->argv || !spec->argv[0] || !done)
		return NULL;
	struct proc *p = calloc(1, sizeof(*p));
	char **env = build_env(spec->env);
	if (!p || !env) {
		free(p);
		free(env);
		return NULL;
	}
	p->done = done;
	p->arg = arg;
	p->grace_us = spec->kill_grace_us ? spec->kill_grace_us : PROC_DEFAULT_GRACE_US;
	p->child.data = p;
	p->timer.data = p;
	p->open_handles = 2;
	uv_timer_init(loop, &p->timer);

	uv_process_options_t opts;
	uv_stdio_container_t stdio[3];
	fill_options(&opts, stdio, spec, env);
	p->start_us = clock_mono_us();
	int rc = uv_spawn(loop, &p->child, &opts);
	free(env); /* the child has its copy; libuv keeps no pointer */
	if (rc < 0) {
		p->res.outcome = PROC_START_FAILED;
		p->res.error = -rc;
		uv_timer_start(&p->timer, proc_failed_cb, 0, 0);
		return p;
	}
	p->pid = p->child.pid;
	p->res.pid = p->pid;
	/* The loop's cached time can be well behind after a slow spawn: the
	 * timeout counts from now.  (libuv's clock is coarse, a few ms.) */
	uv_update_time(loop);
	if (spec->timeout_us)
		proc_arm(p, spec->timeout_us);
	return p;
}
