#include "daemon/child.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chan.h"
#include "core/log.h"

void child_init(struct child *c, uv_loop_t *loop, const char *name, char **argv,
		child_exit_fn on_exit, child_start_fn on_start, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->loop = loop;
	c->argv = argv;
	c->on_exit = on_exit;
	c->on_start = on_start;
	c->ctx = ctx;
	c->backoff_s = CHILD_BACKOFF_MIN_S;
	c->next_id = 1;
	uv_timer_init(loop, &c->timer);
	c->timer.data = c;
}

bool child_running(const struct child *c)
{
	return c->state == CHILD_RUNNING || c->state == CHILD_STOPPING;
}

/* Every pending query fails: the child can no longer answer. */
static void fail_queries(struct child *c)
{
	struct child_query *q = c->queries;
	c->queries = NULL;
	while (q) {
		struct child_query *next = q->next;
		q->fn(q->ctx, c, NULL);
		free(q);
		q = next;
	}
}

static void on_chan_msg(void *ctx, json_object *msg)
{
	struct child *c = ctx;
	json_object *id;
	if (!json_object_object_get_ex(msg, "id", &id))
		return;
	uint64_t want = (uint64_t)json_object_get_int64(id);
	for (struct child_query **pp = &c->queries; *pp; pp = &(*pp)->next) {
		struct child_query *q = *pp;
		if (q->id != want)
			continue;
		*pp = q->next;
		q->fn(q->ctx, c, msg);
		free(q);
		return;
	}
	log_debug(LOGC_CTL, "%s child: dropping a late reply (id %llu)", c->name,
		  (unsigned long long)want);
}

static void on_chan_close(void *ctx)
{
	struct child *c = ctx;
	c->chan = NULL;
	fail_queries(c);
}

static void describe_exit(char *buf, size_t len, int64_t status, int sig)
{
	if (sig)
		snprintf(buf, len, "killed by signal %d", sig);
	else
		snprintf(buf, len, "exited with status %lld", (long long)status);
}

static void free_proc(uv_handle_t *h)
{
	free(h);
}

static void on_proc_exit(uv_process_t *p, int64_t status, int sig)
{
	struct child *c = p->data;
	bool stopping = c->state == CHILD_STOPPING;
	describe_exit(c->last_exit, sizeof(c->last_exit), status, sig);
	uv_close((uv_handle_t *)p, free_proc);
	c->proc = NULL;
	if (c->chan) {
		chan_close(c->chan);
		c->chan = NULL;
	}
	fail_queries(c);
	uv_timer_stop(&c->timer);
	c->state = CHILD_IDLE;
	if (stopping) {
		log_info("%s child %ld %s", c->name, (long)c->pid, c->last_exit);
		c->pid = 0;
		if (c->on_stopped)
			c->on_stopped(c->ctx, c);
		return;
	}
	log_error("%s child %ld %s", c->name, (long)c->pid, c->last_exit);
	c->pid = 0;
	/* Back-off restarts from the minimum for a child that had been
	 * healthy for a while. */
	if (uv_now(c->loop) - c->started_ms >= CHILD_HEALTHY_S * 1000u)
		c->backoff_s = CHILD_BACKOFF_MIN_S;
	c->on_exit(c->ctx, c, c->last_exit);
}

int child_spawn(struct child *c)
{
	static const struct chan_cbs cbs = { .on_msg = on_chan_msg, .on_close = on_chan_close };
	struct chan *ch = chan_new(c->loop, &cbs, c);
	uv_process_t *p = calloc(1, sizeof(*p));
	if (!p)
		abort();
	uv_stdio_container_t io[4] = {
		{ .flags = UV_INHERIT_FD, .data.fd = 0 },
		{ .flags = UV_INHERIT_FD, .data.fd = 1 },
		{ .flags = UV_INHERIT_FD, .data.fd = 2 },
		{ .flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE, .data.stream = chan_stream(ch) },
	};
	uv_process_options_t po = {
		.exit_cb = on_proc_exit, .file = c->argv[0], .args = c->argv,
		.stdio = io, .stdio_count = 4,
	};
	p->data = c;
	int r = uv_spawn(c->loop, p, &po);
	if (r < 0) {
		log_error("cannot start the %s child: %s", c->name, uv_strerror(r));
		/* uv_spawn leaves the handle initialised even on failure. */
		uv_close((uv_handle_t *)p, free_proc);
		chan_close(ch);
		return r;
	}
	c->proc = p;
	c->pid = p->pid;
	c->chan = ch;
	c->state = CHILD_RUNNING;
	c->started_ms = uv_now(c->loop);
	c->ever_started = true;
	r = chan_start(ch);
	if (r < 0)
		log_error("%s child: cannot read its channel: %s", c->name, uv_strerror(r));
	log_info("started %s child, pid %ld", c->name, (long)c->pid);
	if (c->on_start)
		c->on_start(c->ctx, c);
	return 0;
}

static void respawn_now(uv_timer_t *t)
{
	struct child *c = t->data;
	if (c->state != CHILD_BACKOFF)
		return;
	c->state = CHILD_IDLE;
	c->restarts++;
	if (child_spawn(c) < 0)
		child_respawn_later(c);
}

void child_respawn_later(struct child *c)
{
	unsigned delay = c->backoff_s;
	c->backoff_s = delay * 2 > CHILD_BACKOFF_MAX_S ? CHILD_BACKOFF_MAX_S : delay * 2;
	c->state = CHILD_BACKOFF;
	log_notice("restarting the %s child in %u s", c->name, delay);
	uv_timer_start(&c->timer, respawn_now, (uint64_t)delay * 1000u, 0);
}

static void stop_deadline(uv_timer_t *t)
{
	struct child *c = t->data;
	if (c->state != CHILD_STOPPING || !c->pid)
		return;
	log_warn("%s child %ld did not stop in time; killing it", c->name, (long)c->pid);
	uv_kill(c->pid, SIGKILL);
}

void child_stop(struct child *c, uint64_t wait_ms, child_stopped_fn done)
{
	uv_timer_stop(&c->timer);
	c->on_stopped = done;
	if (c->state != CHILD_RUNNING) {
		if (c->state == CHILD_BACKOFF)
			c->state = CHILD_IDLE;
		if (c->state == CHILD_IDLE) {
			done(c->ctx, c);
			return;
		}
		return; /* already stopping: the exit calls `done` */
	}
	c->state = CHILD_STOPPING;
	log_info("stopping %s child %ld", c->name, (long)c->pid);
	uv_kill(c->pid, SIGTERM);
	uv_timer_start(&c->timer, stop_deadline, wait_ms, 0);
}

int child_signal(struct child *c, int sig)
{
	if (c->state != CHILD_RUNNING)
		return -1;
	return uv_kill(c->pid, sig) < 0 ? -1 : 0;
}

static int send_cmd(struct child *c, const char *cmd, json_object *args, uint64_t id)
{
	if (c->state != CHILD_RUNNING || !c->chan)
		return -1;
	json_object *m = json_object_new_object();
	json_object_object_add(m, "cmd", json_object_new_string(cmd));
	if (id)
		json_object_object_add(m, "id", json_object_new_int64((int64_t)id));
	if (args)
		json_object_object_add(m, "args", json_object_get(args));
	int r = chan_send(c->chan, m);
	json_object_put(m);
	return r;
}

int child_query(struct child *c, const char *cmd, json_object *args, child_reply_fn fn,
		void *ctx)
{
	uint64_t id = c->next_id++;
	if (send_cmd(c, cmd, args, id) < 0)
		return -1;
	struct child_query *q = calloc(1, sizeof(*q));
	if (!q)
		abort();
	*q = (struct child_query){ .id = id, .fn = fn, .ctx = ctx, .next = c->queries };
	c->queries = q;
	return 0;
}

void child_cancel_queries(struct child *c, void *ctx)
{
	struct child_query **pp = &c->queries;
	while (*pp) {
		struct child_query *q = *pp;
		if (q->ctx == ctx) {
			*pp = q->next;
			free(q);
		} else {
			pp = &q->next;
		}
	}
}

int child_tell(struct child *c, const char *cmd, json_object *args)
{
	return send_cmd(c, cmd, args, 0);
}

void child_close(struct child *c)
{
	if (c->chan) {
		chan_close(c->chan);
		c->chan = NULL;
	}
	fail_queries(c);
	if (!uv_is_closing((uv_handle_t *)&c->timer))
		uv_close((uv_handle_t *)&c->timer, NULL);
	free(c->argv);
	c->argv = NULL;
}
