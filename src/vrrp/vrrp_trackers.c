/* Tracker runtime: vrrp_script scheduling and track_file watching; the
 * vrrp_track_process blocks are vrrp_procwatch.c's.  See vrrp_trackers.h
 * for the behaviour. */
#include "vrrp/vrrp_trackers.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "core/log.h"
#include "core/scriptsec.h"

#define INOTIFY_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)

struct tscript {
	struct vrrp_trackers *owner;
	size_t idx;
	const struct vrrp_script_conf *conf;
	char **argv;
	struct proc_cred cred;
	uv_timer_t timer;
	bool timer_init;
	struct proc *running;
	struct vrrp_script_state st;
	struct vrrp_script_stats stats;
};

struct tfile {
	const struct track_file_conf *conf;
	char *dir;        /* directory watched */
	const char *base; /* file name inside dir (points into conf->file) */
	int wd;
	bool used;
	bool reported;
	int64_t value;
	bool readable;
};

struct vrrp_trackers {
	struct vrrp_trackers_opts o;
	struct tscript *scripts;
	size_t nscripts;
	struct tfile *files;
	size_t nfiles;
	int ifd;              /* inotify, -1 when no file is tracked */
	uv_poll_t poll;
	bool poll_init;
	struct vrrp_procwatch *pw; /* vrrp_track_process blocks */
	uv_timer_t kick;      /* initial file reports */
	bool kick_init;
	bool closing;
	size_t pending;       /* open handles + running scripts while closing */
};

/* ---- which objects are tracked ---------------------------------------------- */

static bool refs_name(const track_ref_vec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i].name, name) == 0)
			return true;
	return false;
}

/* keepalived runs a script (reads a file) only when something tracks it. */
static bool is_tracked(const struct vrrp_model *m, const char *name, bool script)
{
	for (size_t i = 0; i < m->instances.n; i++) {
		const struct vrrp_instance_conf *ic = &m->instances.v[i];
		if (refs_name(script ? &ic->track_script : &ic->track_file, name))
			return true;
	}
	for (size_t i = 0; i < m->sync_groups.n; i++) {
		const struct vrrp_sync_group_conf *g = &m->sync_groups.v[i];
		if (refs_name(script ? &g->track_script : &g->track_file, name))
			return true;
	}
	return false;
}

/* ---- scripts ------------------------------------------------------------------ */

static void release(struct vrrp_trackers *t);

static void script_done(const struct proc_result *r, void *arg)
{
	struct tscript *s = arg;
	struct vrrp_trackers *t = s->owner;
	s->running = NULL;
	if (t->closing) {
		release(t);
		return;
	}
	struct vrrp_script_report rep = {
		.name = s->conf->name,
		.index = s->idx,
		.ok = r->outcome == PROC_EXITED && r->exit_status == 0,
		.result = *r,
	};
	s->stats.runs++;
	if (!rep.ok)
		s->stats.failures++;
	if (r->outcome == PROC_TIMED_OUT)
		s->stats.timeouts++;
	rep.changed = vrrp_script_state_feed(&s->st, rep.ok);
	rep.up = s->st.up;
	if (rep.changed) {
		char buf[160];
		log_info("vrrp_script %s: now %s (%s)", s->conf->name, rep.up ? "up" : "down",
			 proc_result_describe(r, buf, sizeof(buf)));
	}
	if (t->o.on_script)
		t->o.on_script(t->o.arg, &rep);
}

static void script_tick(uv_timer_t *h)
{
	struct tscript *s = h->data;
	struct vrrp_trackers *t = s->owner;
	if (s->running) {
		/* The previous run is still going (its timeout will end it):
		 * never start a second copy. */
		s->stats.overruns++;
		return;
	}
	uint64_t timeout = s->conf->timeout_us ? s->conf->timeout_us : s->conf->interval_us;
	struct proc_spec spec = {
		.argv = s->argv,
		.cred = &s->cred,
		.timeout_us = timeout,
		.kill_grace_us = t->o.kill_grace_us,
		.out_fd = -1,
	};
	s->running = proc_run(t->o.loop, &spec, script_done, s);
	if (!s->running)
		log_error("vrrp_script %s: cannot start: out of memory", s->conf->name);
}

static int resolve_cred(const struct vrrp_trackers_opts *o, const char *user, const char *group,
			struct proc_cred *cred, char *err, size_t errlen)
{
	if (user)
		return proc_cred_resolve(user, group, cred, err, errlen);
	const struct global_conf *g = o->global;
	return proc_cred_default(g ? g->script_user : NULL, g ? g->script_group : NULL, cred, err,
				 errlen);
}

/* Parses the command, resolves the user and applies script security.
 * Returns -1 only for a setup failure (unknown user, out of memory). */
static int script_setup(struct vrrp_trackers *t, struct tscript *s, char *err, size_t errlen)
{
	const struct vrrp_script_conf *c = s->conf;
	vrrp_script_state_init(&s->st, c->rise, c->fall, c->init_fail);
	if (!t->o.run_unused && !is_tracked(t->o.model, c->name, true))
		return 0;
	if (!c->script || proc_argv_parse(c->script, &s->argv) < 0) {
		if (errno == ENOMEM)
			return snprintf(err, errlen, "out of memory"), -1;
		log_error("vrrp_script %s: empty command, disabled", c->name);
		s->stats.disabled = true;
		return 0;
	}
	char e2[200];
	if (resolve_cred(&t->o, c->user, c->group, &s->cred, e2, sizeof(e2)) < 0) {
		snprintf(err, errlen, "vrrp_script %s: %s", c->name, e2);
		return -1;
	}
	if (t->o.global && t->o.global->enable_script_security) {
		struct scriptsec_result *r = malloc(sizeof(*r));
		if (!r)
			return snprintf(err, errlen, "out of memory"), -1;
		uid_t uid = s->cred.set ? s->cred.uid : geteuid();
		gid_t gid = s->cred.set ? s->cred.gid : getegid();
		if (scriptsec_check(s->argv[0], uid, gid, NULL, r) == SCRIPTSEC_INSECURE) {
			log_error("vrrp_script %s: refused by enable_script_security: %s", c->name,
				  r->msg);
			s->stats.disabled = true;
		}
		free(r);
		if (s->stats.disabled)
			return 0;
	}
	s->stats.active = true;
	return 0;
}

/* ---- files -------------------------------------------------------------------- */

bool vrrp_track_file_parse(const char *text, int64_t *value)
{
	char *end;
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (end == text) {
		*value = 0;
		return false;
	}
	/* strtoll saturates on overflow, which is the sensible reading. */
	*value = v;
	return true;
}

static void file_read(struct tfile *f)
{
	char buf[64];
	ssize_t n = -1;
	int fd = open(f->conf->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	f->readable = vrrp_track_file_parse(buf, &f->value);
}

static void file_report(struct vrrp_trackers *t, size_t i)
{
	struct tfile *f = &t->files[i];
	int64_t old = f->value;
	bool first = !f->reported;
	file_read(f);
	f->reported = true;
	struct vrrp_file_report rep = {
		.name = f->conf->name,
		.index = i,
		.value = f->value,
		.readable = f->readable,
		.changed = first || old != f->value,
	};
	if (rep.changed && !first)
		log_info("track_file %s: value %" PRId64 " (was %" PRId64 ")", f->conf->name,
			 f->value, old);
	if (t->o.on_file)
		t->o.on_file(t->o.arg, &rep);
}

static void init_file(const struct track_file_conf *c)
{
	if (!c->init_file || (!c->init_overwrite && access(c->file, F_OK) == 0))
		return;
	int fd = open(c->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		log_error("track_file %s: cannot initialise %s: %s", c->name, c->file,
			  strerror(errno));
		return;
	}
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%" PRId64 "\n", c->init_value);
	if (write(fd, buf, (size_t)len) != len)
		log_error("track_file %s: cannot write %s: %s", c->name, c->file, strerror(errno));
	close(fd);
}

/* Decides whether the file is tracked and applies init_file.  Done for
 * every file before any watch exists, so our own writes raise no event. */
static void file_prepare(struct vrrp_trackers *t, struct tfile *f)
{
	const char *path = f->conf->file;
	f->used = path && (t->o.run_unused || is_tracked(t->o.model, f->conf->name, false));
	if (f->used)
		init_file(f->conf);
}

static int file_setup(struct vrrp_trackers *t, struct tfile *f, char *err, size_t errlen)
{
	const char *path = f->conf->file;
	if (!f->used)
		return 0;
	const char *slash = strrchr(path, '/');
	f->base = slash ? slash + 1 : path;
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	f->dir = slash ? strndup(path, dlen ? dlen : 1) : strdup(".");
	if (!f->dir)
		return snprintf(err, errlen, "out of memory"), -1;
	if (t->ifd < 0) {
		t->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (t->ifd < 0)
			return snprintf(err, errlen, "inotify: %s", strerror(errno)), -1;
	}
	f->wd = inotify_add_watch(t->ifd, f->dir, INOTIFY_MASK);
	if (f->wd < 0) {
		/* A missing directory is a config problem, not a reason to
		 * refuse to run: the file reads as 0 and is not watched. */
		log_error("track_file %s: cannot watch %s: %s", f->conf->name, f->dir,
			  strerror(errno));
	}
	return 0;
}

static void inotify_ready(uv_poll_t *h, int status, int events)
{
	struct vrrp_trackers *t = h->data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	(void)events;
	if (status < 0 || t->closing)
		return;
	for (;;) {
		ssize_t n = read(t->ifd, buf, sizeof(buf));
		if (n <= 0)
			return;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			for (size_t i = 0; i < t->nfiles; i++) {
				struct tfile *f = &t->files[i];
				/* A callback may have freed the trackers. */
				if (t->closing)
					return;
				if (!f->used)
					continue;
				if ((ev->mask & IN_Q_OVERFLOW) ||
				    (ev->wd == f->wd && ev->len && strcmp(ev->name, f->base) == 0))
					file_report(t, i);
			}
		}
	}
}

static void kick_cb(uv_timer_t *h)
{
	struct vrrp_trackers *t = h->data;
	for (size_t i = 0; i < t->nfiles && !t->closing; i++)
		if (t->files[i].used)
			file_report(t, i);
}

/* ---- life cycle --------------------------------------------------------------- */

static void destroy(struct vrrp_trackers *t)
{
	for (size_t i = 0; i < t->nscripts; i++)
		free(t->scripts[i].argv);
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i].dir);
	if (t->ifd >= 0)
		close(t->ifd);
	free(t->scripts);
	free(t->files);
	vrrp_procwatch_free(t->pw); /* only set on a failed vrrp_trackers_new */
	free(t);
}

static void release(struct vrrp_trackers *t)
{
	if (--t->pending == 0)
		destroy(t);
}

static void handle_closed(uv_handle_t *h)
{
	release(h->data);
}

static void timer_closed(uv_handle_t *h)
{
	struct tscript *s = h->data;
	release(s->owner);
}

struct vrrp_trackers *vrrp_trackers_new(const struct vrrp_trackers_opts *o, char *err,
					size_t errlen)
{
	const struct vrrp_model *m = o->model;
	struct vrrp_trackers *t = calloc(1, sizeof(*t));
	if (!t)
		return snprintf(err, errlen, "out of memory"), NULL;
	t->o = *o;
	t->ifd = -1;
	t->scripts = calloc(m->scripts.n + 1, sizeof(*t->scripts));
	t->files = calloc(m->track_files.n + 1, sizeof(*t->files));
	struct vrrp_procwatch_opts po = {
		.loop = o->loop,
		.model = m,
		.run_unused = o->run_unused,
		.poll_us = o->process_poll_us,
		.on_process = o->on_process,
		.arg = o->arg,
	};
	t->pw = vrrp_procwatch_new(&po);
	if (!t->scripts || !t->files || !t->pw) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	t->nscripts = m->scripts.n;
	t->nfiles = m->track_files.n;
	for (size_t i = 0; i < t->nscripts; i++) {
		struct tscript *s = &t->scripts[i];
		s->owner = t;
		s->idx = i;
		s->conf = &m->scripts.v[i];
		if (script_setup(t, s, err, errlen) < 0)
			goto fail;
	}
	for (size_t i = 0; i < t->nfiles; i++) {
		t->files[i].conf = &m->track_files.v[i];
		t->files[i].wd = -1;
		file_prepare(t, &t->files[i]);
	}
	for (size_t i = 0; i < t->nfiles; i++) {
		if (file_setup(t, &t->files[i], err, errlen) < 0)
			goto fail;
	}
	return t;
fail:
	destroy(t);
	return NULL;
}

int vrrp_trackers_start(struct vrrp_trackers *t)
{
	for (size_t i = 0; i < t->nscripts; i++) {
		struct tscript *s = &t->scripts[i];
		if (!s->stats.active)
			continue;
		uv_timer_init(t->o.loop, &s->timer);
		s->timer.data = s;
		s->timer_init = true;
		uint64_t ms = (s->conf->interval_us + 999) / 1000;
		uv_timer_start(&s->timer, script_tick, 0, ms ? ms : 1);
	}
	if (t->ifd >= 0) {
		if (uv_poll_init(t->o.loop, &t->poll, t->ifd) < 0)
			return -1;
		t->poll.data = t;
		t->poll_init = true;
		uv_poll_start(&t->poll, UV_READABLE, inotify_ready);
	}
	if (vrrp_procwatch_start(t->pw) < 0)
		return -1;
	uv_timer_init(t->o.loop, &t->kick);
	t->kick.data = t;
	t->kick_init = true;
	uv_timer_start(&t->kick, kick_cb, 0, 0);
	return 0;
}

void vrrp_trackers_free(struct vrrp_trackers *t)
{
	if (!t)
		return;
	t->closing = true;
	t->pending = 1; /* ours, dropped at the end */
	/* The process watcher frees itself once its handles are closed. */
	vrrp_procwatch_free(t->pw);
	t->pw = NULL;
	for (size_t i = 0; i < t->nscripts; i++) {
		struct tscript *s = &t->scripts[i];
		if (s->timer_init) {
			t->pending++;
			uv_close((uv_handle_t *)&s->timer, timer_closed);
		}
		if (s->running) {
			t->pending++;
			proc_terminate(s->running);
		}
	}
	if (t->poll_init) {
		t->pending++;
		uv_close((uv_handle_t *)&t->poll, handle_closed);
	}
	if (t->kick_init) {
		t->pending++;
		uv_close((uv_handle_t *)&t->kick, handle_closed);
	}
	release(t);
}

void vrrp_trackers_seed_script(struct vrrp_trackers *t, size_t idx,
			       const struct vrrp_script_state *prev)
{
	if (idx >= t->nscripts || !prev)
		return;
	/* Keep the new block's rise/fall: only the result history carries over. */
	struct vrrp_script_state *st = &t->scripts[idx].st;
	st->up = prev->up;
	st->confirmed = prev->confirmed;
	st->streak = prev->streak < st->rise && prev->streak < st->fall ? prev->streak : 0;
	st->successes = prev->successes;
	st->failures = prev->failures;
}

const struct vrrp_script_state *vrrp_trackers_script_state(const struct vrrp_trackers *t,
							   size_t idx)
{
	return idx < t->nscripts ? &t->scripts[idx].st : NULL;
}

void vrrp_trackers_script_stats(const struct vrrp_trackers *t, size_t idx,
				struct vrrp_script_stats *out)
{
	if (idx < t->nscripts)
		*out = t->scripts[idx].stats;
	else
		memset(out, 0, sizeof(*out));
}

int64_t vrrp_trackers_file_value(const struct vrrp_trackers *t, size_t idx)
{
	return idx < t->nfiles ? t->files[idx].value : 0;
}

bool vrrp_trackers_process_up(const struct vrrp_trackers *t, size_t idx)
{
	return vrrp_procwatch_up(t->pw, idx);
}

const char *vrrp_trackers_process_source(const struct vrrp_trackers *t)
{
	return vrrp_procwatch_source_str(vrrp_procwatch_source(t->pw));
}
