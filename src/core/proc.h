/* Running scripts: command-line splitting, credentials, and one
 * asynchronous run with a timeout, its outcome delivered as an event.
 *
 * Used by VRRP notify and track scripts and by the load balancer's
 * MISC_CHECK.  The pieces, in the order a caller meets them:
 *
 *  - proc_argv_parse(): splits a keepalived script command into argv
 *    (pure; the config reader has already removed the outer quotes).
 *  - proc_cred_resolve() / proc_cred_default(): turn `USER [GROUP]` into
 *    a uid/gid once, at configuration load, so the loop never calls the
 *    blocking name-service functions.
 *  - proc_run(): starts one process and calls back exactly once with a
 *    `struct proc_result`.  The child runs in its own session and process
 *    group (so a timeout can kill everything the script started), as the
 *    given uid/gid, with stdin/stdout/stderr on /dev/null (or stdout and
 *    stderr on a caller's fd when debugging), in "/", with every signal
 *    reset to its default disposition and an empty signal mask (libuv does
 *    this in the child; the daemon ignores SIGPIPE and scripts must not
 *    inherit that), and with an environment that holds only
 *    PATH=/usr/sbin:/usr/bin:/sbin:/bin plus the caller's variables.
 *    Nothing is inherited from the daemon's environment.
 *
 * Timeout: when it expires the whole process group gets SIGTERM; if the
 * script is still there `kill_grace_us` later the group gets SIGKILL.
 * When the script itself has gone, anything left in its group is swept
 * with SIGKILL at once (a timed-out script's children are never left
 * behind).  A script that ends normally may leave background children
 * running (a notify script that starts a service must be able to): only a
 * timeout or proc_terminate() signals the group.
 *
 * Reaping is libuv's: no waitpid() here.  Everything runs on the loop
 * thread and nothing blocks.  The sequencing of several scripts is in
 * core/proc_queue.h. */
#ifndef HALO_CORE_PROC_H
#define HALO_CORE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

/* The only variable a script gets unless the caller adds more. */
#define PROC_SAFE_PATH "/usr/sbin:/usr/bin:/sbin:/bin"
/* Default time between SIGTERM and SIGKILL after a timeout. */
#define PROC_DEFAULT_GRACE_US 1000000u
/* The user keepalived runs scripts as when `script_user` is not set. */
#define PROC_DEFAULT_SCRIPT_USER "keepalived_script"

/* ---- command line -------------------------------------------------------- */

/* Splits `cmd` into arguments as keepalived does for script keywords:
 * unquoted blanks (space, tab) separate arguments; text between single
 * quotes (or double quotes, which keepalived.conf(5) treats alike) keeps
 * its blanks, the quote marks are removed, and a quoted part glues to the
 * unquoted text next to it (`a'b c'd` is the one argument `ab cd`; `''`
 * is an empty argument).  Inside one kind of quote the other kind is an
 * ordinary character.  A quote with no matching quote after it is an
 * ordinary character, as the config lexer treats an apostrophe
 * (`echo Bob's` gives "echo", "Bob's").  Backslashes are not special: the
 * config reader has already resolved escapes.
 *
 * On success returns the number of arguments (>= 1) and sets *argv_out to
 * a NULL-terminated vector allocated as ONE block (free it with free()).
 * Returns -1 with errno EINVAL for a command with no argument (empty or
 * blanks only), ENOMEM when out of memory. */
int proc_argv_parse(const char *cmd, char ***argv_out);

/* ---- credentials --------------------------------------------------------- */

struct proc_cred {
	bool set;   /* false: run with the daemon's own credentials */
	uid_t uid;
	gid_t gid;
	/* proc_cred_default() fell back to the daemon's own user (root)
	 * because neither script_user nor keepalived_script exists: the
	 * caller should warn, as keepalived does. */
	bool fallback;
};

/* Resolves `user` (a name, or a number when no user has that name) and
 * `group` (a name or number; NULL: the user's primary group) with
 * getpwnam_r/getgrnam_r.  Call at configuration load, never on the loop's
 * hot path (the name service may block).  Returns 0, or -1 with a message
 * ("unknown user 'bob'") in err. */
int proc_cred_resolve(const char *user, const char *group, struct proc_cred *out, char *err,
		      size_t errlen);

/* The credentials for a script with no user of its own: `script_user
 * [script_group]` when configured (an unknown name is an error), else
 * keepalived_script if that user exists, else the daemon's own uid/gid
 * with out->fallback set. */
int proc_cred_default(const char *script_user, const char *script_group, struct proc_cred *out,
		      char *err, size_t errlen);

/* ---- one run ------------------------------------------------------------- */

enum proc_outcome {
	PROC_EXITED,       /* exit_status holds the exit code */
	PROC_SIGNALED,     /* term_signal killed it (not because of our timeout) */
	PROC_TIMED_OUT,    /* we signalled it after timeout_us; term_signal/exit_status say how it ended */
	PROC_START_FAILED, /* error holds the errno (ENOENT, EACCES, EPERM ...) */
	PROC_DROPPED,      /* proc_queue only: pushed out of a full queue, never started */
	PROC_CANCELLED,    /* proc_queue only: queue freed before it started */
};

/* "exited", "signaled", "timed-out", "start-failed", "dropped", "cancelled". */
const char *proc_outcome_name(enum proc_outcome o);

struct proc_result {
	enum proc_outcome outcome;
	int exit_status;      /* PROC_EXITED, or PROC_TIMED_OUT when it exited after SIGTERM */
	int term_signal;      /* PROC_SIGNALED, PROC_TIMED_OUT (0 if it exited) */
	int error;            /* PROC_START_FAILED: positive errno */
	uint64_t duration_us; /* monotonic, start to reap; 0 when it never started */
	pid_t pid;            /* 0 when it never started */
};

/* Formats a result for a log line: "exit 0", "killed by signal 9 (Killed)",
 * "timed out after 200 ms (signal 15)", "failed to start: No such file or
 * directory", ... Returns buf. */
const char *proc_result_describe(const struct proc_result *r, char *buf, size_t len);

typedef void (*proc_done_fn)(const struct proc_result *r, void *arg);

struct proc_spec {
	/* argv[0] is the program: a path, or a bare name searched in
	 * PROC_SAFE_PATH.  Copied by proc_run(); the caller keeps ownership. */
	char *const *argv;
	/* Extra "NAME=value" entries, NULL-terminated, or NULL.  A PATH entry
	 * here replaces the default PATH. */
	const char *const *env;
	/* NULL or !set: run as the daemon. */
	const struct proc_cred *cred;
	uint64_t timeout_us;    /* 0: no timeout */
	uint64_t kill_grace_us; /* SIGTERM to SIGKILL; 0: PROC_DEFAULT_GRACE_US */
	/* -1 (or 0, the C default, which is never a sensible target): stdout
	 * and stderr go to /dev/null.  Otherwise both are written to this fd
	 * (debugging: the log file). */
	int out_fd;
};

struct proc;

/* Starts argv as described above and returns a handle valid until the
 * callback has returned.  `done` is called exactly once, always from the
 * loop (a failure to start is reported on the next loop iteration as
 * PROC_START_FAILED, never from inside proc_run()).  Returns NULL only
 * when out of memory or given no argv, and then never calls `done`. */
struct proc *proc_run(uv_loop_t *loop, const struct proc_spec *spec, proc_done_fn done,
		      void *arg);

/* Asks a running script to stop now: SIGTERM to its group, SIGKILL after
 * the grace period.  The callback still comes, with the real outcome
 * (normally PROC_SIGNALED).  For shutdown and reload. */
void proc_terminate(struct proc *p);

pid_t proc_pid(const struct proc *p);

#endif
