/* smtptool: sends alerts with the SMTP client (src/core/smtp.c) against a
 * given server, for tests/lab/test_smtp.py.
 *
 *   smtptool HOST PORT FROM TO... [--subject S] [--body B] [--timeout SEC]
 *            [--overall SEC] [--helo NAME] [--count N] [--queue N]
 *            [--vrrp ROUTER_ID INSTANCE STATE] [--close-after SEC] [--tick-ms MS]
 *
 * FROM "-" leaves the sender to the client's default.  --timeout is the
 * connect/reply timeout, --overall the per-message limit.  --vrrp builds
 * subject and body with smtp_alert_vrrp().  --count N queues N messages at
 * once (subject suffixed " #i"), --queue bounds the queue.  --close-after
 * closes the client after SEC seconds whatever is pending.
 *
 * Prints one line per result:
 *   result id=1 status=ok rcpt_ok=2 rcpt_rejected=1 elapsed_ms=12 reason=...
 * then a summary with the loop's health, measured by a repeating timer
 * that must keep ticking while the client waits on a slow server:
 *   summary ticks=N max_lag_ms=X elapsed_ms=Y sent=.. failed=.. dropped=.. cancelled=..
 * Exit status: 0 when every message was sent, 1 otherwise, 2 for usage. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "core/clock.h"
#include "core/smtp.h"

struct tool {
	uv_loop_t *loop;
	struct smtp_client *client;
	uv_timer_t tick, closer;
	uint64_t tick_ms, last_tick_us, start_us, max_lag_us, ticks;
	unsigned expected, results;
	uint64_t by_status[SMTP_STATUS__COUNT];
	bool all_ok, finished;
};

static void finish(struct tool *t)
{
	if (t->finished)
		return;
	t->finished = true;
	smtp_client_close(t->client); /* reports what is pending as cancelled */
	uint64_t *n = t->by_status;
	uint64_t failed = 0;
	for (int i = SMTP_OK + 1; i < SMTP_STATUS__COUNT; i++)
		if (i != SMTP_ERR_DROPPED && i != SMTP_ERR_CANCELLED)
			failed += n[i];
	uv_close((uv_handle_t *)&t->tick, NULL);
	uv_close((uv_handle_t *)&t->closer, NULL);
	printf("summary ticks=%" PRIu64 " max_lag_ms=%.1f elapsed_ms=%.1f sent=%" PRIu64
	       " failed=%" PRIu64 " dropped=%" PRIu64 " cancelled=%" PRIu64 "\n",
	       t->ticks, (double)t->max_lag_us / 1000.0,
	       (double)(clock_mono_us() - t->start_us) / 1000.0, n[SMTP_OK], failed,
	       n[SMTP_ERR_DROPPED], n[SMTP_ERR_CANCELLED]);
	fflush(stdout);
}

static void on_result(void *ud, const struct smtp_result *r)
{
	struct tool *t = ud;
	printf("result id=%" PRIu64 " status=%s rcpt_ok=%u rcpt_rejected=%u elapsed_ms=%.1f "
	       "reason=%s\n",
	       r->id, smtp_status_name(r->status), r->rcpt_ok, r->rcpt_rejected,
	       (double)r->elapsed_us / 1000.0, r->reason);
	fflush(stdout);
	t->by_status[r->status]++;
	if (r->status != SMTP_OK)
		t->all_ok = false;
	if (++t->results == t->expected)
		finish(t);
}

/* How late the tick fired compared with its schedule: the longest time the
 * loop was kept from running timers. */
static void on_tick(uv_timer_t *h)
{
	struct tool *t = h->data;
	uint64_t now = clock_mono_us();
	uint64_t due = t->last_tick_us + t->tick_ms * 1000;
	if (now > due && now - due > t->max_lag_us)
		t->max_lag_us = now - due;
	t->last_tick_us = now;
	t->ticks++;
}

static void on_close_after(uv_timer_t *h)
{
	struct tool *t = h->data;
	t->all_ok = false;
	finish(t);
}

static int usage(void)
{
	fprintf(stderr, "usage: smtptool HOST PORT FROM TO... [--subject S] [--body B] "
			"[--timeout SEC] [--overall SEC] [--helo NAME] [--count N] [--queue N] "
			"[--vrrp ROUTER_ID INSTANCE STATE] [--close-after SEC] [--tick-ms MS]\n");
	return 2;
}

struct args {
	struct smtp_opts o;
	const char *to[64];
	const char *subject, *body, *vrrp[3];
	unsigned count;
	double close_after;
	uint64_t tick_ms;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	if (argc < 5)
		return -1;
	a->o.server = argv[1];
	a->o.port = (uint16_t)atoi(argv[2]);
	a->o.from = strcmp(argv[3], "-") ? argv[3] : NULL;
	a->o.to = a->to;
	a->subject = "halo test alert";
	a->body = "test body\n";
	a->count = 1;
	a->tick_ms = 10;
	for (int i = 4; i < argc; i++) {
		const char *s = argv[i];
		bool has1 = i + 1 < argc;
		if (strncmp(s, "--", 2) != 0) {
			if (a->o.n_to >= 64)
				return -1;
			a->to[a->o.n_to++] = s;
		} else if (!strcmp(s, "--vrrp") && i + 3 < argc) {
			a->vrrp[0] = argv[++i];
			a->vrrp[1] = argv[++i];
			a->vrrp[2] = argv[++i];
		} else if (!has1) {
			return -1;
		} else if (!strcmp(s, "--subject")) {
			a->subject = argv[++i];
		} else if (!strcmp(s, "--body")) {
			a->body = argv[++i];
		} else if (!strcmp(s, "--timeout")) {
			a->o.connect_timeout_us = (uint64_t)(atof(argv[++i]) * 1e6);
		} else if (!strcmp(s, "--overall")) {
			a->o.timeout_us = (uint64_t)(atof(argv[++i]) * 1e6);
		} else if (!strcmp(s, "--helo")) {
			a->o.helo_name = argv[++i];
		} else if (!strcmp(s, "--count")) {
			a->count = (unsigned)atoi(argv[++i]);
		} else if (!strcmp(s, "--queue")) {
			a->o.queue_max = (unsigned)atoi(argv[++i]);
		} else if (!strcmp(s, "--close-after")) {
			a->close_after = atof(argv[++i]);
		} else if (!strcmp(s, "--tick-ms")) {
			a->tick_ms = (uint64_t)atoi(argv[++i]);
		} else {
			return -1;
		}
	}
	return a->count && a->tick_ms ? 0 : -1;
}

static unsigned queue_all(struct tool *t, const struct args *a)
{
	unsigned n = 0;
	for (unsigned i = 1; i <= a->count; i++) {
		struct smtp_alert al;
		if (a->vrrp[0]) {
			smtp_alert_vrrp(&al, a->vrrp[0], SMTP_VRRP_INSTANCE, a->vrrp[1], a->vrrp[2],
					NULL);
		} else {
			snprintf(al.subject, sizeof(al.subject), "%s", a->subject);
			snprintf(al.body, sizeof(al.body), "%s", a->body);
		}
		if (a->count > 1) {
			size_t l = strlen(al.subject);
			snprintf(al.subject + l, sizeof(al.subject) - l, " #%u", i);
		}
		if (smtp_send_alert(t->client, &al))
			n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	if (parse_args(argc, argv, &a) < 0)
		return usage();
	struct tool t = { .loop = uv_default_loop(), .all_ok = true, .tick_ms = a.tick_ms };
	char err[256];
	if (smtp_client_new(t.loop, &a.o, on_result, &t, &t.client, err, sizeof(err)) < 0) {
		fprintf(stderr, "smtptool: %s\n", err);
		return 2;
	}
	t.start_us = t.last_tick_us = clock_mono_us();
	uv_timer_init(t.loop, &t.tick);
	uv_timer_init(t.loop, &t.closer);
	t.tick.data = t.closer.data = &t;
	uv_timer_start(&t.tick, on_tick, t.tick_ms, t.tick_ms);
	if (a.close_after > 0)
		uv_timer_start(&t.closer, on_close_after, (uint64_t)(a.close_after * 1000), 0);
	t.expected = queue_all(&t, &a);
	if (t.expected != a.count) {
		fprintf(stderr, "smtptool: could not queue every message\n");
		t.all_ok = false;
	}
	if (t.expected == 0)
		finish(&t);
	uv_run(t.loop, UV_RUN_DEFAULT);
	uv_loop_close(t.loop);
	return t.all_ok ? 0 : 1;
}
