/* The control socket: a Unix stream socket (mode 0600) speaking newline-
 * delimited JSON.  A client writes one request object per line,
 *   {"cmd": "status", "args": {...}}          ("args" optional)
 * and gets one reply object per line,
 *   {"ok": true, "result": {...}}  or  {"ok": false, "error": "message"}.
 * A request longer than CTL_MAX_REQUEST, not JSON, not an object, or without
 * a string "cmd" gets an error reply and the connection is closed; an
 * unknown command gets an error reply.  Nothing a client sends can stop the
 * daemon.  Commands are a table; a handler may reply at once or later
 * (after asking a child), so replies go through the request handle. */
#ifndef HALO_DAEMON_CONTROL_H
#define HALO_DAEMON_CONTROL_H

#include <json-c/json.h>
#include <stddef.h>
#include <uv.h>

#define CTL_MAX_REQUEST (64 * 1024)

struct ctl_server;
struct ctl_req;

/* Handles one request.  It must eventually call exactly one of
 * ctl_reply_ok / ctl_reply_err for `req`, now or later; `args` is borrowed
 * (NULL when absent) and valid only during the call. */
typedef void (*ctl_cmd_fn)(void *ctx, struct ctl_req *req, json_object *args);

struct ctl_cmd {
	const char *name;
	ctl_cmd_fn fn;
	const char *help; /* one line, shown by haloctl help */
};

/* Binds `path` (replacing a stale socket file nobody listens on; refusing
 * if another process answers on it), mode 0600, and serves `table` (ended
 * by a { NULL } row).  Returns NULL with a message in err on failure. */
struct ctl_server *ctl_server_open(uv_loop_t *loop, const char *path,
				   const struct ctl_cmd *table, void *ctx,
				   char *err, size_t errlen);
/* Stops listening, closes every connection and unlinks the socket file.
 * Pending requests are answered with an error first. */
void ctl_server_close(struct ctl_server *s);

/* Takes ownership of `result` (may be NULL for an empty object). */
void ctl_reply_ok(struct ctl_req *req, json_object *result);
void ctl_reply_err(struct ctl_req *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
