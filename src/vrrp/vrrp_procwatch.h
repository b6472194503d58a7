/* vrrp_track_process runtime: counts the running processes that match each
 * tracked block and reports the block up or down.
 *
 * Where the kernel allows it, the counts follow the process events
 * connector (net/proc_events.h): one full /proc scan at start gives the
 * counts, then each event keeps them current.
 *  - EXEC, and COMM of a process (pid == tgid): the process is matched
 *    again (/proc/PID/comm, and /proc/PID/cmdline when some block needs
 *    parameters or full_command) and counted into every block it matches
 *    now, out of those it no longer matches.
 *  - FORK of a process whose parent is counted: the child starts as a copy
 *    of the parent, so it is matched the same way and counts from then on
 *    (keepalived counts such children too).  Threads (pid != tgid) are
 *    never counted, and a fork of an uncounted parent is not looked at:
 *    if the child later execs a tracked program, its EXEC counts it.
 *  - EXIT of a process we counted: uncounted.  Thread exits are ignored.
 * A pid -> matched-blocks table (open addressing, one bit per block) makes
 * each event O(1) in the number of processes.  The counts of a burst of
 * events (a service starting its workers) are reported together after a
 * few milliseconds, not once per process.  When the socket's queue
 * overflows (ENOBUFS) events were lost: /proc is scanned again.
 *
 * Otherwise (halod in a network namespace other than the initial one, or
 * without CAP_NET_ADMIN, or in another pid namespace), one info line says
 * why, and /proc is scanned every `poll_us` (default 1 s) as before.  A
 * connector that fails later (any read error but ENOBUFS) also falls back
 * to scanning, with one error line.
 *
 * In both modes a block is up when quorum <= count <= quorum_max; a change
 * of up/down is reported once it has lasted fork_delay (going up) or
 * terminate_delay (going down), checked by a timer that runs only while a
 * change is pending.  The first scan reports every block at once, without
 * delay. */
#ifndef HALO_VRRP_PROCWATCH_H
#define HALO_VRRP_PROCWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "conf/model_vrrp.h"

struct vrrp_process_report {
	const char *name;
	size_t index;             /* in model->track_processes */
	int count;                /* matching processes now */
	bool up;                  /* state after quorum and delays */
	bool changed;             /* up changed (or first report) */
};

struct vrrp_procwatch_opts {
	uv_loop_t *loop;
	const struct vrrp_model *model;   /* must outlive the watcher */
	bool run_unused;                  /* watch blocks nothing tracks (tests) */
	uint64_t poll_us;                 /* /proc scan interval without events; 0: 1 s */
	/* Called for each block whose count or state moved. */
	void (*on_process)(void *arg, const struct vrrp_process_report *r);
	void *arg;
};

/* Where the counts come from. */
enum vrrp_procwatch_source {
	PROCWATCH_IDLE,   /* nothing tracked, or not started */
	PROCWATCH_EVENTS, /* the process events connector */
	PROCWATCH_SCAN,   /* /proc every poll_us */
};

struct vrrp_procwatch;

/* Decides which blocks are watched.  NULL only when out of memory. */
struct vrrp_procwatch *vrrp_procwatch_new(const struct vrrp_procwatch_opts *o);

/* Opens the connector (or chooses the scan) and schedules the first scan
 * on the next loop iteration.  Does nothing when no block is watched. */
int vrrp_procwatch_start(struct vrrp_procwatch *w);

/* Stops reporting at once; the memory goes when the loop has run the
 * handles' close callbacks. */
void vrrp_procwatch_free(struct vrrp_procwatch *w);

/* State of model->track_processes[idx] (false if out of range). */
bool vrrp_procwatch_up(const struct vrrp_procwatch *w, size_t idx);
int vrrp_procwatch_count(const struct vrrp_procwatch *w, size_t idx);
enum vrrp_procwatch_source vrrp_procwatch_source(const struct vrrp_procwatch *w);
const char *vrrp_procwatch_source_str(enum vrrp_procwatch_source s);

#endif
