/* A message channel over a stream socket: newline-delimited JSON objects,
 * the same framing as the control socket (control.h).  The supervisor
 * talks to each child over one (a socketpair made by uv_spawn, fd 3 in the
 * child); a child's side is the same code.
 *
 * Requests carry an "id" that the reply echoes, so a late reply to a
 * request the asker gave up on is recognised and dropped:
 *   -> {"cmd": "status", "id": 7}
 *   <- {"ok": true, "id": 7, "result": {...}}  or {"ok": false, "id": 7, "error": "..."} */
#ifndef HALO_CORE_CHAN_H
#define HALO_CORE_CHAN_H

#include <json-c/json.h>
#include <uv.h>

/* A line longer than this is a protocol error and closes the channel. */
#define CHAN_MAX_LINE (4 * 1024 * 1024)

struct chan;

struct chan_cbs {
	/* One message (always a JSON object); `msg` is borrowed. */
	void (*on_msg)(void *ctx, json_object *msg);
	/* The peer closed the channel or it failed; the channel frees itself
	 * after this returns, so forget the pointer. Not called after
	 * chan_close(). */
	void (*on_close)(void *ctx);
};

struct chan *chan_new(uv_loop_t *loop, const struct chan_cbs *cbs, void *ctx);
/* The pipe to give uv_spawn as a UV_CREATE_PIPE stdio slot. */
uv_stream_t *chan_stream(struct chan *c);
/* Child side: adopts an inherited descriptor. 0 or a libuv error code. */
int chan_open_fd(struct chan *c, int fd);
/* Starts reading. 0 or a libuv error code. */
int chan_start(struct chan *c);
/* Queues `msg` (borrowed) followed by a newline. 0 or -1. */
int chan_send(struct chan *c, json_object *msg);
/* Closes and frees (later, from the loop); no callback follows. */
void chan_close(struct chan *c);

#endif
