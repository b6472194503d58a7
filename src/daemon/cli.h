/* halod's command line: keepalived's flags with the same meaning, plus
 * halo's own (--dump-config, --control-socket) and two hidden ones the
 * supervisor uses to start its children (--child, --child-of).
 *
 * Pure: argv in, a struct or an error string out.  Nothing here prints,
 * logs, exits or reads global state, so the unit test links this file
 * alone.  The grammar is the option table in cli.c. */
#ifndef HALO_DAEMON_CLI_H
#define HALO_DAEMON_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define CLI_DEFAULT_CONFIG "/etc/keepalived/keepalived.conf"
/* Deliberately not keepalived's names, so both daemons can run side by
 * side on one host (the lab does exactly that). */
#define CLI_DEFAULT_PID "/run/halod.pid"
#define CLI_DEFAULT_VRRP_PID "/run/halod_vrrp.pid"
#define CLI_DEFAULT_CHECKERS_PID "/run/halod_checkers.pid"

#define CLI_MAX_WARNINGS 16

/* What the process is asked to do. */
enum cli_action {
	CLI_RUN,         /* supervise (or, with --child, be a child) */
	CLI_CONFIG_TEST, /* -t */
	CLI_DUMP_CONFIG, /* --dump-config */
	CLI_SIGNUM,      /* --signum=NAME */
	CLI_VERSION,     /* -v */
	CLI_HELP,        /* -h */
};

enum cli_child { CLI_CHILD_NONE, CLI_CHILD_VRRP, CLI_CHILD_LB };

struct cli_opts {
	enum cli_action action;
	const char *config_file;     /* -f */
	bool vrrp_only;              /* -P */
	bool check_only;             /* -C */
	bool all_subsystems;         /* --all */
	bool log_console;            /* -l */
	bool log_detail;             /* -D */
	bool no_syslog;              /* -G */
	int log_facility;            /* -S, a syslog LOG_* facility value */
	bool dont_fork;              /* -n */
	bool dump_conf;              /* -d */
	bool dont_release_vrrp;      /* -V */
	bool dont_release_ipvs;      /* -I */
	bool dont_respawn;           /* -R */
	const char *pid_file;        /* -p */
	const char *vrrp_pid_file;   /* -r */
	const char *checkers_pid_file; /* -c */
	const char *config_id;       /* -i; NULL: the short host name */
	bool all_config;             /* -e */
	const char *config_test_out; /* -t=FILE: diagnostics go there */
	const char *control_socket;  /* --control-socket; NULL: derived */
	int umask;                   /* -u; -1 when not given */
	bool core_dump;              /* -m */
	int signum;                  /* --signum result */
	/* Hidden: the supervisor starts a child as `halod --child=vrrp
	 * --child-of=PID ...`. */
	enum cli_child child;
	long child_of;
	/* Accepted-but-ignored options, one sentence each, for the caller to
	 * log once logging is set up. Static strings. */
	const char *warnings[CLI_MAX_WARNINGS];
	size_t nwarnings;
};

/* Fills `o` from argv[1..argc-1].  Returns 0, or -1 with a one-line reason
 * in `err` (the caller prints it and the usage, then exits 1). */
int cli_parse(int argc, char *const argv[], struct cli_opts *o, char *err, size_t errlen);

/* The usage text (for -h on stdout, after an error on stderr). */
const char *cli_usage(void);

/* --signum: the signal number for RELOAD, STOP, DATA, STATS, STATS_CLEAR
 * or JSON (the same numbers keepalived uses); -1 for an unknown name. */
int cli_signum(const char *name);

/* The pid file of the given child (the -r / -c value or its default). */
const char *cli_child_pid_file(const struct cli_opts *o, enum cli_child which);
/* "vrrp", "lb" or NULL. */
const char *cli_child_name(enum cli_child which);

/* The argv the supervisor passes to a child: the options that matter to
 * it (config file, config id, logging, release flags, its pid file) and
 * the hidden --child/--child-of.  `config_file` must be absolute, since
 * the daemon runs with / as its working directory.  Returns a
 * NULL-terminated array in one malloc'ed block (free() it), or NULL. */
char **cli_child_argv(const struct cli_opts *o, enum cli_child which, const char *exe,
		      const char *config_file, bool console, long parent_pid);

#endif
