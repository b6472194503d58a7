/* A queue of scripts run strictly one after another.
 *
 * One queue per VRRP instance (or sync group, or virtual server) keeps its
 * notifications in order: the next script starts when the previous one
 * has ended (exited, been killed, timed out or failed to start).  Queues
 * are independent, so different instances' scripts run concurrently.
 * keepalived can run one instance's notify scripts out of order; halo does
 * not.
 *
 * At most one script of a queue runs at a time.  Pending jobs are capped
 * (`max_pending`, default PROC_QUEUE_DEFAULT_MAX).  When a push finds the
 * queue full, the OLDEST pending job is dropped (never the running one):
 * every notification matters, but the latest states matter most, because
 * the outside world must end up agreeing with the current state; a stale
 * transition that was superseded anyway is the cheapest loss.  The drop is
 * counted (proc_queue_stats().dropped) and the dropped job's callback is
 * called with PROC_DROPPED, from inside proc_queue_push(), after the new
 * job has been queued (so pushing again from that callback is safe).
 *
 * Every job gets a timeout: a job pushed with timeout_us == 0 gets
 * PROC_QUEUE_DEFAULT_TIMEOUT_US, because one hung script would otherwise
 * stall its queue for ever. */
#ifndef HALO_CORE_PROC_QUEUE_H
#define HALO_CORE_PROC_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/proc.h"

#define PROC_QUEUE_DEFAULT_MAX 64
#define PROC_QUEUE_DEFAULT_TIMEOUT_US (60u * 1000000u)

struct proc_queue;

struct proc_queue_stats {
	uint64_t started;   /* proc_run() calls made */
	uint64_t completed; /* callbacks delivered for started jobs */
	uint64_t dropped;   /* pushed out of a full queue */
	uint64_t cancelled; /* pending when the queue was freed */
	size_t pending;     /* waiting, not counting the running one */
	bool running;
};

/* max_pending 0: PROC_QUEUE_DEFAULT_MAX.  Returns NULL when out of memory. */
struct proc_queue *proc_queue_new(uv_loop_t *loop, size_t max_pending);

/* Queues a run of spec (deep-copied: argv, env and cred) and starts it at
 * once when nothing is running.  `done` is called exactly once for the
 * job: with the run's result, or with PROC_DROPPED / PROC_CANCELLED.
 * Returns 0, or -1 (errno ENOMEM, EINVAL for an empty argv, ECANCELED
 * once the queue is being freed) without calling `done`. */
int proc_queue_push(struct proc_queue *q, const struct proc_spec *spec, proc_done_fn done,
		    void *arg);

void proc_queue_stats(const struct proc_queue *q, struct proc_queue_stats *out);

/* Called (from the loop) each time the queue becomes empty with nothing
 * running: lets the stop path wait until its STOP notifications are done. */
void proc_queue_set_idle_cb(struct proc_queue *q, void (*idle)(void *arg), void *arg);

/* Frees the queue.  Pending jobs are cancelled now (their callbacks run
 * with PROC_CANCELLED before this returns).  A running job is left to
 * finish within its own timeout, or terminated now when `terminate` is
 * set; either way its callback still comes, and the queue's memory goes
 * after it.  May be called from a job's callback. */
void proc_queue_free(struct proc_queue *q, bool terminate);

#endif
