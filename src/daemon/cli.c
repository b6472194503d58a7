/* halod's command line, parsed from a table.
 *
 * The parser is our own rather than getopt_long so that it is pure (no
 * optind, no messages printed behind our back) and can be run many times in
 * one unit-test process.  It accepts what getopt_long accepts for these
 * options: grouped short flags (-lnD), attached or separate values (-fFILE,
 * -f FILE, --use-file=FILE, --use-file FILE), optional values only attached
 * (-tFILE, --config-test=FILE), unique prefixes of long names, and "--". */
#include "daemon/cli.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

enum arg_kind { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

enum opt_id {
	O_FILE, O_VRRP, O_CHECK, O_NO_BFD, O_ALL, O_LOG_CONSOLE, O_LOG_DETAIL,
	O_LOG_FACILITY, O_NO_SYSLOG, O_DONT_RELEASE_VRRP, O_DONT_RELEASE_IPVS,
	O_DONT_RESPAWN, O_DONT_FORK, O_DUMP_CONF, O_PID, O_VRRP_PID, O_CHECKERS_PID,
	O_ALL_CONFIG, O_CONFIG_ID, O_UMASK, O_CORE_DUMP, O_SIGNUM, O_CONFIG_TEST,
	O_VERSION, O_HELP, O_DUMP_CONFIG, O_CONTROL_SOCKET, O_CHILD, O_CHILD_OF,
	O_WARN,   /* accepted, does nothing, warns (see `warning`) */
	O_REFUSE, /* accepted by keepalived but unsafe to ignore: an error */
};

struct opt {
	char shortname; /* 0: long only */
	const char *longname;
	enum arg_kind arg;
	enum opt_id id;
	const char *warning; /* O_WARN / O_REFUSE: the sentence shown */
};

static const struct opt opts[] = {
	{ 'f', "use-file", ARG_REQUIRED, O_FILE, NULL },
	{ 'P', "vrrp", ARG_NONE, O_VRRP, NULL },
	{ 'C', "check", ARG_NONE, O_CHECK, NULL },
	/* halo has no BFD process, so "don't run BFD" is already true. */
	{ 'B', "no_bfd", ARG_NONE, O_NO_BFD, NULL },
	{ 0, "all", ARG_NONE, O_ALL, NULL },
	{ 'l', "log-console", ARG_NONE, O_LOG_CONSOLE, NULL },
	{ 'D', "log-detail", ARG_NONE, O_LOG_DETAIL, NULL },
	{ 'S', "log-facility", ARG_REQUIRED, O_LOG_FACILITY, NULL },
	{ 'G', "no-syslog", ARG_NONE, O_NO_SYSLOG, NULL },
	{ 'V', "dont-release-vrrp", ARG_NONE, O_DONT_RELEASE_VRRP, NULL },
	{ 'I', "dont-release-ipvs", ARG_NONE, O_DONT_RELEASE_IPVS, NULL },
	{ 'R', "dont-respawn", ARG_NONE, O_DONT_RESPAWN, NULL },
	{ 'n', "dont-fork", ARG_NONE, O_DONT_FORK, NULL },
	{ 'd', "dump-conf", ARG_NONE, O_DUMP_CONF, NULL },
	{ 'p', "pid", ARG_REQUIRED, O_PID, NULL },
	{ 'r', "vrrp_pid", ARG_REQUIRED, O_VRRP_PID, NULL },
	{ 'c', "checkers_pid", ARG_REQUIRED, O_CHECKERS_PID, NULL },
	{ 'e', "all-config", ARG_NONE, O_ALL_CONFIG, NULL },
	{ 'i', "config-id", ARG_REQUIRED, O_CONFIG_ID, NULL },
	{ 'u', "umask", ARG_REQUIRED, O_UMASK, NULL },
	{ 'm', "core-dump", ARG_NONE, O_CORE_DUMP, NULL },
	{ 0, "signum", ARG_REQUIRED, O_SIGNUM, NULL },
	{ 't', "config-test", ARG_OPTIONAL, O_CONFIG_TEST, NULL },
	{ 'v', "version", ARG_NONE, O_VERSION, NULL },
	{ 'h', "help", ARG_NONE, O_HELP, NULL },
	{ 0, "dump-config", ARG_NONE, O_DUMP_CONFIG, NULL },
	{ 0, "control-socket", ARG_REQUIRED, O_CONTROL_SOCKET, NULL },
	{ 0, "child", ARG_REQUIRED, O_CHILD, NULL },
	{ 0, "child-of", ARG_REQUIRED, O_CHILD_OF, NULL },
	{ 'g', "log-file", ARG_REQUIRED, O_WARN, "-g/--log-file is not supported; logging to syslog/console" },
	{ 0, "flush-log-file", ARG_NONE, O_WARN, "--flush-log-file is not supported" },
	{ 'X', "release-vips", ARG_NONE, O_WARN, "-X/--release-vips is not supported" },
	{ 'a', "address-monitoring", ARG_NONE, O_WARN, "-a/--address-monitoring is not supported" },
	{ 'b', "bfd_pid", ARG_REQUIRED, O_WARN, "-b/--bfd_pid ignored: halo has no BFD process" },
	{ 'x', "snmp", ARG_NONE, O_WARN, "-x/--snmp is not supported" },
	{ 'A', "snmp-agent-socket", ARG_REQUIRED, O_WARN, "-A/--snmp-agent-socket is not supported" },
	{ 'M', "core-dump-pattern", ARG_OPTIONAL, O_WARN, "-M/--core-dump-pattern is not supported; use -m" },
	{ 0, "perf", ARG_OPTIONAL, O_WARN, "--perf is not supported" },
	{ 0, "debug", ARG_OPTIONAL, O_WARN, "--debug is not supported; use haloctl debug" },
	{ 0, "no-mem-check", ARG_NONE, O_WARN, "--no-mem-check is not supported" },
	/* Ignoring these would make halod do something else than asked. */
	{ 's', "namespace", ARG_REQUIRED, O_REFUSE, "-s/--namespace is not supported (run halod under ip netns exec)" },
	{ 'T', "genhash", ARG_NONE, O_REFUSE, "-T/--genhash is not supported" },
	{ 0, NULL, ARG_NONE, O_WARN, NULL },
};

static const char usage_text[] =
	"Usage: halod [OPTION...]\n"
	"  -f, --use-file=FILE          configuration file (default " CLI_DEFAULT_CONFIG ")\n"
	"  -P, --vrrp                   run only the VRRP subsystem\n"
	"  -C, --check                  run only the load-balancer (checker) subsystem\n"
	"      --all                    run every subsystem, even without configuration\n"
	"  -B, --no_bfd                 accepted (halo has no BFD process)\n"
	"  -l, --log-console            log to the console (stderr)\n"
	"  -D, --log-detail             detailed log messages (source locations)\n"
	"  -S, --log-facility=FAC       syslog facility: 0-7 (LOG_LOCALn), local0-7, user, daemon\n"
	"  -G, --no-syslog              do not log to syslog\n"
	"  -n, --dont-fork              stay in the foreground\n"
	"  -d, --dump-conf              log the configuration at start-up\n"
	"  -V, --dont-release-vrrp      keep VIPs and routes on stop\n"
	"  -I, --dont-release-ipvs      keep IPVS/nftables entries on stop\n"
	"  -R, --dont-respawn           do not restart a dead child; stop instead\n"
	"  -p, --pid=FILE               parent pid file (default " CLI_DEFAULT_PID ")\n"
	"  -r, --vrrp_pid=FILE          VRRP child pid file (default " CLI_DEFAULT_VRRP_PID ")\n"
	"  -c, --checkers_pid=FILE      LB child pid file (default " CLI_DEFAULT_CHECKERS_PID ")\n"
	"  -i, --config-id=ID           configuration id for @ID lines (default: short host name)\n"
	"  -e, --all-config             a missing included file is an error\n"
	"  -u, --umask=MASK             file creation mask (octal)\n"
	"  -m, --core-dump              allow core dumps\n"
	"  -t, --config-test[=FILE]     check the configuration, report to stderr (or FILE), exit\n"
	"      --dump-config            print the resolved configuration as JSON and exit\n"
	"      --control-socket=PATH    control socket (default: the pid file with .sock)\n"
	"      --signum=NAME            print the signal number for RELOAD, STOP, DATA, STATS,\n"
	"                               STATS_CLEAR or JSON and exit\n"
	"  -v, --version                print the version and exit\n"
	"  -h, --help                   print this help and exit\n";

const char *cli_usage(void)
{
	return usage_text;
}

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

struct facility {
	const char *name;
	int value;
};

static const struct facility facilities[] = {
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 }, { "user", LOG_USER },
	{ "daemon", LOG_DAEMON }, { NULL, 0 },
};

/* keepalived's -S: a digit 0-7 means LOG_LOCALn; names are also accepted. */
static int parse_facility(const char *s)
{
	if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
		return facilities[s[0] - '0'].value;
	for (const struct facility *f = facilities; f->name; f++)
		if (strcmp(f->name, s) == 0)
			return f->value;
	return -1;
}

static const char *facility_name(int value)
{
	for (const struct facility *f = facilities; f->name; f++)
		if (f->value == value)
			return f->name;
	return "daemon";
}

/* A whole-string number in [min, max] in the given base. */
static bool parse_long(const char *s, int base, long min, long max, long *out)
{
	char *end;
	if (!*s)
		return false;
	long v = strtol(s, &end, base);
	if (*end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

struct signame {
	const char *name;
	int offset;   /* from base */
	int base;     /* 0: absolute; 1: SIGRTMIN; 2: SIGRTMAX */
};

/* The numbers keepalived prints for the same names (JSON is SIGRTMIN+2,
 * STATS_CLEAR SIGRTMAX-1), so scripts written for it keep working. */
static const struct signame signames[] = {
	{ "RELOAD", SIGHUP, 0 }, { "STOP", SIGTERM, 0 }, { "DATA", SIGUSR1, 0 },
	{ "STATS", SIGUSR2, 0 }, { "STATS_CLEAR", -1, 2 }, { "JSON", 2, 1 },
	{ NULL, 0, 0 },
};

int cli_signum(const char *name)
{
	for (const struct signame *s = signames; s->name; s++) {
		if (strcmp(s->name, name) != 0)
			continue;
		if (s->base == 1)
			return SIGRTMIN + s->offset;
		if (s->base == 2)
			return SIGRTMAX + s->offset;
		return s->offset;
	}
	return -1;
}

static void add_warning(struct cli_opts *o, const char *w)
{
	for (size_t i = 0; i < o->nwarnings; i++)
		if (o->warnings[i] == w)
			return;
	if (o->nwarnings < CLI_MAX_WARNINGS)
		o->warnings[o->nwarnings++] = w;
}

/* Applies one recognised option with its value (NULL when none). */
static int apply(struct cli_opts *o, const struct opt *p, const char *val, const char *shown,
		 char *err, size_t len)
{
	long n;
	if (p->arg == ARG_REQUIRED && !*val)
		return fail(err, len, "option %s needs a non-empty value", shown);
	switch (p->id) {
	case O_FILE: o->config_file = val; break;
	case O_VRRP: o->vrrp_only = true; break;
	case O_CHECK: o->check_only = true; break;
	case O_NO_BFD: break;
	case O_ALL: o->all_subsystems = true; break;
	case O_LOG_CONSOLE: o->log_console = true; break;
	case O_LOG_DETAIL: o->log_detail = true; break;
	case O_LOG_FACILITY:
		o->log_facility = parse_facility(val);
		if (o->log_facility < 0)
			return fail(err, len, "bad log facility '%s' (0-7, local0-7, user, daemon)", val);
		break;
	case O_NO_SYSLOG: o->no_syslog = true; break;
	case O_DONT_RELEASE_VRRP: o->dont_release_vrrp = true; break;
	case O_DONT_RELEASE_IPVS: o->dont_release_ipvs = true; break;
	case O_DONT_RESPAWN: o->dont_respawn = true; break;
	case O_DONT_FORK: o->dont_fork = true; break;
	case O_DUMP_CONF: o->dump_conf = true; break;
	case O_PID: o->pid_file = val; break;
	case O_VRRP_PID: o->vrrp_pid_file = val; break;
	case O_CHECKERS_PID: o->checkers_pid_file = val; break;
	case O_ALL_CONFIG: o->all_config = true; break;
	case O_CONFIG_ID: o->config_id = val; break;
	case O_UMASK:
		if (!parse_long(val, 8, 0, 0777, &n))
			return fail(err, len, "bad umask '%s' (octal, 0-777)", val);
		o->umask = (int)n;
		break;
	case O_CORE_DUMP: o->core_dump = true; break;
	case O_SIGNUM: o->signum = cli_signum(val); o->action = CLI_SIGNUM; break;
	case O_CONFIG_TEST: o->config_test_out = val && *val ? val : NULL; break;
	case O_VERSION: case O_HELP: case O_DUMP_CONFIG: break; /* see pick_action */
	case O_CONTROL_SOCKET: o->control_socket = val; break;
	case O_CHILD:
		if (strcmp(val, "vrrp") == 0)
			o->child = CLI_CHILD_VRRP;
		else if (strcmp(val, "lb") == 0)
			o->child = CLI_CHILD_LB;
		else
			return fail(err, len, "bad --child '%s'", val);
		break;
	case O_CHILD_OF:
		if (!parse_long(val, 10, 1, 0x7fffffffL, &n))
			return fail(err, len, "bad --child-of '%s'", val);
		o->child_of = n;
		break;
	case O_WARN: add_warning(o, p->warning); break;
	case O_REFUSE: return fail(err, len, "%s", p->warning);
	}
	return 0;
}

static const struct opt *find_short(char c)
{
	for (const struct opt *p = opts; p->longname; p++)
		if (p->shortname && p->shortname == c)
			return p;
	return NULL;
}

/* Exact long name, else a unique prefix (as getopt_long allows). */
static const struct opt *find_long(const char *name, size_t n, char *err, size_t len)
{
	const struct opt *hit = NULL;
	int hits = 0;
	for (const struct opt *p = opts; p->longname; p++) {
		if (strncmp(p->longname, name, n) != 0)
			continue;
		if (p->longname[n] == '\0')
			return p;
		hit = p;
		hits++;
	}
	if (hits == 1)
		return hit;
	fail(err, len, hits ? "ambiguous option '--%.*s'" : "unknown option '--%.*s'", (int)n, name);
	return NULL;
}

/* Records which action-selecting flags were seen; see pick_action. */
struct seen {
	bool help, version, test, dump;
};

static void note_seen(struct seen *s, enum opt_id id)
{
	if (id == O_HELP)
		s->help = true;
	else if (id == O_VERSION)
		s->version = true;
	else if (id == O_CONFIG_TEST)
		s->test = true;
	else if (id == O_DUMP_CONFIG)
		s->dump = true;
}

/* One "--name[=value]" word; may consume the next word as its value. */
static int parse_long_word(struct cli_opts *o, struct seen *s, int argc, char *const argv[],
			   int *i, char *err, size_t len)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *p = find_long(name, n, err, len);
	if (!p)
		return -1;
	char shown[64];
	snprintf(shown, sizeof(shown), "--%s", p->longname);
	const char *val = NULL;
	if (p->arg == ARG_NONE && eq)
		return fail(err, len, "option %s takes no value", shown);
	if (eq)
		val = eq + 1;
	else if (p->arg == ARG_REQUIRED) {
		if (*i + 1 >= argc)
			return fail(err, len, "option %s needs a value", shown);
		val = argv[++*i];
	}
	note_seen(s, p->id);
	return apply(o, p, val, shown, err, len);
}

/* One "-abc" word: flags, the last of which may take a value. */
static int parse_short_word(struct cli_opts *o, struct seen *s, int argc, char *const argv[],
			    int *i, char *err, size_t len)
{
	const char *w = argv[*i];
	for (size_t k = 1; w[k]; k++) {
		const struct opt *p = find_short(w[k]);
		if (!p)
			return fail(err, len, "unknown option '-%c'", w[k]);
		char shown[4] = { '-', w[k], 0, 0 };
		const char *val = NULL;
		bool rest = p->arg != ARG_NONE && w[k + 1];
		if (rest)
			val = w + k + 1;
		else if (p->arg == ARG_REQUIRED) {
			if (*i + 1 >= argc)
				return fail(err, len, "option %s needs a value", shown);
			val = argv[++*i];
		}
		note_seen(s, p->id);
		if (apply(o, p, val, shown, err, len) < 0)
			return -1;
		if (rest)
			break;
	}
	return 0;
}

static void defaults(struct cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->action = CLI_RUN;
	o->config_file = CLI_DEFAULT_CONFIG;
	o->log_facility = LOG_DAEMON;
	o->pid_file = CLI_DEFAULT_PID;
	o->vrrp_pid_file = CLI_DEFAULT_VRRP_PID;
	o->checkers_pid_file = CLI_DEFAULT_CHECKERS_PID;
	o->umask = -1;
}

/* Help and version win over everything (they are what a confused user
 * typed), then --signum, then -t, then --dump-config. */
static void pick_action(struct cli_opts *o, const struct seen *s)
{
	if (s->help)
		o->action = CLI_HELP;
	else if (s->version)
		o->action = CLI_VERSION;
	else if (o->action == CLI_SIGNUM)
		return;
	else if (s->test)
		o->action = CLI_CONFIG_TEST;
	else if (s->dump)
		o->action = CLI_DUMP_CONFIG;
}

int cli_parse(int argc, char *const argv[], struct cli_opts *o, char *err, size_t errlen)
{
	struct seen s = { 0 };
	defaults(o);
	err[0] = '\0';
	int i = 1;
	for (; i < argc; i++) {
		const char *w = argv[i];
		int r;
		if (strcmp(w, "--") == 0) {
			i++;
			break;
		}
		if (w[0] != '-' || w[1] == '\0')
			return fail(err, errlen, "unexpected argument '%s'", w);
		if (w[1] == '-')
			r = parse_long_word(o, &s, argc, argv, &i, err, errlen);
		else
			r = parse_short_word(o, &s, argc, argv, &i, err, errlen);
		if (r < 0)
			return -1;
	}
	if (i < argc)
		return fail(err, errlen, "unexpected argument '%s'", argv[i]);
	if (o->child != CLI_CHILD_NONE && !o->child_of)
		return fail(err, errlen, "--child needs --child-of");
	pick_action(o, &s);
	return 0;
}

const char *cli_child_name(enum cli_child which)
{
	switch (which) {
	case CLI_CHILD_VRRP: return "vrrp";
	case CLI_CHILD_LB: return "lb";
	case CLI_CHILD_NONE: break;
	}
	return NULL;
}

const char *cli_child_pid_file(const struct cli_opts *o, enum cli_child which)
{
	return which == CLI_CHILD_VRRP ? o->vrrp_pid_file : o->checkers_pid_file;
}

#define CHILD_ARGV_MAX 32

/* Packs `words` into one block: the pointer array followed by the strings. */
static char **pack(const char *const *words, size_t n)
{
	size_t bytes = (n + 1) * sizeof(char *);
	for (size_t i = 0; i < n; i++)
		bytes += strlen(words[i]) + 1;
	char **out = malloc(bytes);
	if (!out)
		return NULL;
	char *p = (char *)(out + n + 1);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(words[i]) + 1;
		memcpy(p, words[i], l);
		out[i] = p;
		p += l;
	}
	out[n] = NULL;
	return out;
}

char **cli_child_argv(const struct cli_opts *o, enum cli_child which, const char *exe,
		      const char *config_file, bool console, long parent_pid)
{
	const char *w[CHILD_ARGV_MAX];
	size_t n = 0;
	char child[32], of[40], fac[40];
	if (!cli_child_name(which))
		return NULL;
	snprintf(child, sizeof(child), "--child=%s", cli_child_name(which));
	snprintf(of, sizeof(of), "--child-of=%ld", parent_pid);
	snprintf(fac, sizeof(fac), "--log-facility=%s", facility_name(o->log_facility));
	w[n++] = exe;
	w[n++] = child;
	w[n++] = of;
	w[n++] = "--dont-fork";
	w[n++] = "--use-file";
	w[n++] = config_file;
	w[n++] = which == CLI_CHILD_VRRP ? "--vrrp_pid" : "--checkers_pid";
	w[n++] = cli_child_pid_file(o, which);
	w[n++] = fac;
	if (o->config_id) {
		w[n++] = "--config-id";
		w[n++] = o->config_id;
	}
	if (o->all_config)
		w[n++] = "--all-config";
	if (console)
		w[n++] = "--log-console";
	if (o->log_detail)
		w[n++] = "--log-detail";
	if (o->no_syslog)
		w[n++] = "--no-syslog";
	if (o->dont_release_vrrp)
		w[n++] = "--dont-release-vrrp";
	if (o->dont_release_ipvs)
		w[n++] = "--dont-release-ipvs";
	return pack(w, n);
}
