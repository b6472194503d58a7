/* The supervisor's view of one child process: spawn it (uv_spawn of our
 * own executable with --child=NAME and a socketpair on fd 3), notice how
 * it died, respawn it with back-off, stop it within a deadline, forward
 * signals, and ask it questions over the channel.
 *
 * Back-off: a child that dies is restarted after 1 s, then 2, 4, ... up to
 * 60 s for each further quick death; a child that ran for at least 60 s
 * before dying starts again from 1 s. */
#ifndef HALO_DAEMON_CHILD_H
#define HALO_DAEMON_CHILD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#define CHILD_BACKOFF_MIN_S 1
#define CHILD_BACKOFF_MAX_S 60
/* A child that lived this long is considered healthy: back-off resets. */
#define CHILD_HEALTHY_S 60

struct child;
struct chan;

/* The answer to child_query(); reply is NULL when the child died or the
 * channel closed before answering. */
typedef void (*child_reply_fn)(void *ctx, struct child *c, json_object *reply);
/* The child exited; `how` is "exited with status 2" or "killed by signal 9".
 * The supervisor then calls child_respawn_later(), or not. */
typedef void (*child_exit_fn)(void *ctx, struct child *c, const char *how);
/* The child was started (first start or respawn). */
typedef void (*child_start_fn)(void *ctx, struct child *c);
typedef void (*child_stopped_fn)(void *ctx, struct child *c);

struct child_query {
	uint64_t id;
	child_reply_fn fn;
	void *ctx;
	struct child_query *next;
};

enum child_state {
	CHILD_IDLE,     /* never started, or stopped */
	CHILD_RUNNING,
	CHILD_BACKOFF,  /* dead, waiting to be respawned */
	CHILD_STOPPING, /* SIGTERM sent, waiting for the exit */
};

struct child {
	const char *name; /* "vrrp" | "lb" */
	uv_loop_t *loop;
	char **argv;      /* owned: from cli_child_argv() */
	enum child_state state;
	uv_process_t *proc; /* NULL when no process; freed on close */
	pid_t pid;
	struct chan *chan;
	uv_timer_t timer; /* back-off, then the stop deadline */
	uint64_t started_ms;  /* uv_now() at the last spawn */
	unsigned restarts;    /* respawns after a death */
	unsigned backoff_s;   /* the next back-off delay */
	bool ever_started;
	char last_exit[64];   /* "" until the first death */
	struct child_query *queries;
	uint64_t next_id;
	child_exit_fn on_exit;
	child_start_fn on_start;
	child_stopped_fn on_stopped;
	void *ctx;
};

/* Takes ownership of argv. */
void child_init(struct child *c, uv_loop_t *loop, const char *name, char **argv,
		child_exit_fn on_exit, child_start_fn on_start, void *ctx);
/* Starts the process now.  0, or a libuv error code (logged). */
int child_spawn(struct child *c);
/* After a death: respawns after the back-off delay (and counts it). */
void child_respawn_later(struct child *c);
/* SIGTERM now, SIGKILL after `wait_ms`; calls done(ctx, c) once the
 * process is gone (at once if none is running).  Cancels a pending
 * respawn. */
void child_stop(struct child *c, uint64_t wait_ms, child_stopped_fn done);
bool child_running(const struct child *c);
/* Sends a signal if the child runs; 0 or -1. */
int child_signal(struct child *c, int sig);
/* Sends {"cmd": cmd, "id": N, "args": args}; `args` is borrowed (NULL for
 * none).  Returns 0, or -1 if the child is not running (fn not called). */
int child_query(struct child *c, const char *cmd, json_object *args, child_reply_fn fn,
		void *ctx);
/* Forgets every pending query made with `ctx` (the asker gave up). */
void child_cancel_queries(struct child *c, void *ctx);
/* Sends a message that expects no reply. */
int child_tell(struct child *c, const char *cmd, json_object *args);
/* Releases the timer and argv (the process must be gone). */
void child_close(struct child *c);

#endif
