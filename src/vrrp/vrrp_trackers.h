/* Tracker runtime for the VRRP child: runs vrrp_scripts on their interval
 * and watches track_files, reporting every result through callbacks.
 *
 * One `struct vrrp_trackers` per engine, built from the config model:
 *
 *  - vrrp_script: only scripts some instance or sync group tracks are run
 *    (keepalived's rule; `run_unused` overrides it for tests).  Each runs
 *    every `interval` on a libuv timer, through core/proc.c, in its own
 *    process group, as `user [group]` from the script block or else the
 *    global script_user / keepalived_script (resolved once, here).  Never
 *    two runs of the same script at once: a tick that finds the previous
 *    run still going is skipped and counted (`overruns`).  A run longer
 *    than `timeout` (default: the interval) is killed by proc.c and is a
 *    failure; so is a signal or a failure to start.  Exit 0 is success.
 *    Each result goes through the script's rise/fall hysteresis
 *    (vrrp_track.h: vrrp_script_state), then to the callback with
 *    `changed` set when the script went up or down.  With
 *    enable_script_security an insecure script (core/scriptsec.h) is
 *    disabled at setup with one error line and never run: instances
 *    tracking it keep its initial state.
 *  - track_file: the integer in the file is read at start and whenever
 *    the file is written or replaced.  The DIRECTORY is watched with
 *    inotify (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM),
 *    so an editor or a script that writes a temporary file and renames it
 *    over the tracked one is seen, as is a removal.  The text is read as a
 *    decimal integer with optional sign and leading blanks; anything after
 *    the number is ignored; a missing, empty or non-numeric file reads as
 *    0 (`readable` false).  `init_file [VALUE] [overwrite]` writes the
 *    value at setup when the file is missing (or always, with overwrite).
 *  - vrrp_track_process: vrrp_procwatch.c counts the processes matching
 *    each block (vrrp_track_process_match(): name from /proc/PID/comm,
 *    command line from /proc/PID/cmdline), from the kernel's process
 *    events where available (one /proc scan at start, then fork, exec,
 *    comm and exit events), else from a /proc scan every
 *    `process_poll_us` (default 1 s).  The block is up when quorum <=
 *    count <= quorum_max; a change of up/down is reported once it has
 *    lasted fork_delay (going up) or terminate_delay (going down).  The
 *    first scan reports every block at once, without delay.
 *
 * Everything runs on the loop thread; callbacks are called from the loop,
 * never from inside vrrp_trackers_new/start. */
#ifndef HALO_VRRP_TRACKERS_H
#define HALO_VRRP_TRACKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "conf/model_global.h"
#include "conf/model_vrrp.h"
#include "core/proc.h"
#include "vrrp/vrrp_procwatch.h"
#include "vrrp/vrrp_track.h"

struct vrrp_script_report {
	const char *name;
	size_t index;             /* in model->scripts */
	bool ok;                  /* this run succeeded (exit 0) */
	struct proc_result result;
	bool up;                  /* state after hysteresis */
	bool changed;             /* up changed with this run */
};

struct vrrp_file_report {
	const char *name;
	size_t index;             /* in model->track_files */
	int64_t value;
	bool readable;            /* false: missing / empty / not a number (value 0) */
	bool changed;             /* value differs from the previous report */
};

struct vrrp_trackers_opts {
	uv_loop_t *loop;
	const struct vrrp_model *model;   /* must outlive the trackers */
	const struct global_conf *global; /* script_user/group, enable_script_security; may be NULL */
	bool run_unused;                  /* run scripts nothing tracks (tests) */
	uint64_t kill_grace_us;           /* SIGTERM -> SIGKILL after a timeout; 0: proc default */
	void (*on_script)(void *arg, const struct vrrp_script_report *r);
	void (*on_file)(void *arg, const struct vrrp_file_report *r);
	/* Called for each block whose count or state moved. */
	void (*on_process)(void *arg, const struct vrrp_process_report *r);
	uint64_t process_poll_us;         /* /proc scan interval without process events; 0: 1 s */
	void *arg;
};

struct vrrp_script_stats {
	uint64_t runs;            /* completed runs */
	uint64_t failures;        /* of which failed (incl. timeouts) */
	uint64_t timeouts;
	uint64_t overruns;        /* ticks skipped: previous run still going */
	bool active;              /* scheduled (tracked and not disabled) */
	bool disabled;            /* refused by script security or bad command */
};

struct vrrp_trackers;

/* Resolves users, parses commands, checks script security, applies
 * init_file and sets up inotify.  Returns NULL with a message in err on a
 * setup failure (unknown user, inotify unavailable, out of memory).  A
 * single insecure script is not a setup failure: it is disabled. */
struct vrrp_trackers *vrrp_trackers_new(const struct vrrp_trackers_opts *o, char *err,
					size_t errlen);

/* Starts the timers (each script's first run on the next loop iteration)
 * and reports each tracked file's initial value on the next iteration. */
int vrrp_trackers_start(struct vrrp_trackers *t);

/* Stops everything: running scripts are terminated and their results not
 * reported.  The memory goes once the loop has run the handles' close
 * callbacks and the last script has been reaped, so keep running the loop
 * (uv_run) after this. */
void vrrp_trackers_free(struct vrrp_trackers *t);

/* Current hysteresis state of model->scripts[idx] (NULL if out of range). */
const struct vrrp_script_state *vrrp_trackers_script_state(const struct vrrp_trackers *t,
							   size_t idx);
/* Carries a script's hysteresis state over a reload (the same script in
 * the old trackers), so a reload neither flaps it nor restarts rise/fall. */
void vrrp_trackers_seed_script(struct vrrp_trackers *t, size_t idx,
			       const struct vrrp_script_state *prev);
void vrrp_trackers_script_stats(const struct vrrp_trackers *t, size_t idx,
				struct vrrp_script_stats *out);
/* Last value read from model->track_files[idx] (0 if never read). */
int64_t vrrp_trackers_file_value(const struct vrrp_trackers *t, size_t idx);

/* State of model->track_processes[idx] (false if out of range). */
bool vrrp_trackers_process_up(const struct vrrp_trackers *t, size_t idx);
/* Where the process counts come from: "events" (the kernel's process
 * events connector), "scan" (/proc every process_poll_us) or "idle"
 * (no tracked block, or not started). */
const char *vrrp_trackers_process_source(const struct vrrp_trackers *t);

/* Parses a track_file's text as described above (pure; exposed for tests).
 * Returns true when a number was found. */
bool vrrp_track_file_parse(const char *text, int64_t *value);

#endif
