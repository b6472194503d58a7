/* SMTP alerts, the asynchronous client: keepalived's `smtp_server`,
 * `smtp_helo_name`, `smtp_connect_timeout`, `notification_email` and
 * `notification_email_from`, spoken over libuv so the loop never blocks
 * (name resolution in libuv's thread pool, non-blocking connect, every
 * wait bounded by a timer).
 *
 * Usage:
 *   struct smtp_opts o;
 *   smtp_opts_from_global(&o, &cfg->global);
 *   if (smtp_client_new(loop, &o, on_result, engine, &client, err, sizeof(err)) < 0) ...
 *   struct smtp_alert a;
 *   smtp_alert_vrrp(&a, router_id, SMTP_VRRP_INSTANCE, "VI_1", "MASTER", NULL);
 *   smtp_send_alert(client, &a);
 *   ...
 *   smtp_client_close(client);
 *
 * Messages are queued (bounded: the oldest is dropped, and reported, when
 * full) and sent one at a time, one connection each: 220 greeting, EHLO
 * (HELO when the server refuses EHLO), MAIL FROM, RCPT TO for each
 * recipient (one recipient refused is logged and the others still get the
 * message), DATA, the message, QUIT.
 *
 * Timeouts: `connect_timeout_us` bounds name resolution plus the TCP
 * connect, and then the wait for each reply (as keepalived applies
 * smtp_connect_timeout to every read); `timeout_us` bounds the whole
 * message.
 *
 * Every accepted message gets exactly one result callback, always from
 * the loop and never from inside smtp_send() — except that
 * smtp_client_close() reports whatever is still pending as
 * SMTP_ERR_CANCELLED from inside it.  The module logs each failure once
 * (warning) and each delivery (info): the callback is for counters and
 * state, it need not log again. */
#ifndef HALO_CORE_SMTP_H
#define HALO_CORE_SMTP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/smtp_msg.h"

#define SMTP_DEFAULT_PORT 25
#define SMTP_DEFAULT_CONNECT_TIMEOUT_US (30 * 1000000ull)
#define SMTP_DEFAULT_QUEUE_MAX 64

struct global_conf;

struct smtp_opts {
	const char *server;     /* host name or IP literal (required) */
	uint16_t port;          /* 0: 25 */
	const char *helo_name;  /* NULL: the local host name */
	const char *from;       /* NULL: keepalived@<local host name> */
	const char *const *to;  /* recipients (at least one) */
	size_t n_to;
	uint64_t connect_timeout_us; /* 0: 30 s */
	uint64_t timeout_us;         /* per message; 0: 3 x connect_timeout_us */
	unsigned queue_max;          /* 0: 64 */
};

/* Fills *o from global_defs (pointers into `g`, which smtp_client_new()
 * copies).  Returns 0, or -1 when no alert can be sent because smtp_server
 * or notification_email is missing. */
int smtp_opts_from_global(struct smtp_opts *o, const struct global_conf *g);

enum smtp_status {
	SMTP_OK,             /* accepted by the server (some recipients may be refused) */
	SMTP_ERR_RESOLVE,    /* the server's name did not resolve */
	SMTP_ERR_CONNECT,    /* TCP connect failed (refused, unreachable) */
	SMTP_ERR_TIMEOUT,    /* connect, a reply, or the whole message took too long */
	SMTP_ERR_REPLY,      /* a reply code the dialogue cannot go on with */
	SMTP_ERR_PROTOCOL,   /* a malformed reply */
	SMTP_ERR_IO,         /* read/write error, or the server closed the connection */
	SMTP_ERR_DROPPED,    /* pushed out of a full queue */
	SMTP_ERR_CANCELLED,  /* the client was closed first */
	SMTP_STATUS__COUNT,
};

/* "ok", "resolve", "connect", "timeout", "reply", "protocol", "io",
 * "dropped", "cancelled". */
const char *smtp_status_name(enum smtp_status s);

struct smtp_result {
	uint64_t id;            /* what smtp_send() returned */
	enum smtp_status status;
	/* A sentence for the log: "connect to 127.0.0.1:25: connection
	 * refused", "unexpected reply to RCPT TO:<a@b>: 452 ...", "no reply
	 * within 30.0 s waiting for the greeting"; for SMTP_OK "delivered to N
	 * recipient(s)", plus the first refusal if any.  Valid during the
	 * callback only. */
	const char *reason;
	unsigned rcpt_ok, rcpt_rejected;
	uint64_t elapsed_us;    /* from smtp_send() to the result, monotonic */
};

typedef void (*smtp_result_cb)(void *ud, const struct smtp_result *r);

struct smtp_stats {
	uint64_t queued, sent, failed, dropped, cancelled;
};

struct smtp_client;

/* Validates and copies `o`.  Returns 0, or -1 with a reason in err (bad
 * address, no recipient, no server, out of memory). */
int smtp_client_new(uv_loop_t *loop, const struct smtp_opts *o, smtp_result_cb cb, void *ud,
		    struct smtp_client **out, char *err, size_t errlen);

/* Queues a message; subject and body are copied.  Returns its id (>= 1),
 * or 0 when the client is closing or out of memory (nothing will be
 * reported for it). */
uint64_t smtp_send(struct smtp_client *c, const char *subject, const char *body);
uint64_t smtp_send_alert(struct smtp_client *c, const struct smtp_alert *a);

/* Messages queued or being sent. */
unsigned smtp_client_pending(const struct smtp_client *c);
void smtp_client_stats(const struct smtp_client *c, struct smtp_stats *st);

/* Cancels everything (each pending message is reported before this
 * returns), closes the connection; the memory is released by the loop
 * once libuv has closed the handles, so the loop must run afterwards.  No
 * callback runs after this returns.  `c` must not be used again. */
void smtp_client_close(struct smtp_client *c);

#endif
