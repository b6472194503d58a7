/* haloctl: the command-line client of halod's control socket.
 *
 *   haloctl [-s PATH | -p PIDFILE] [-t SECONDS] [--json] COMMAND [ARGS]
 *
 * The commands are a table; each builds one request, sends it, and renders
 * the reply for a human or, with --json, prints the daemon's result as is.
 * Exit codes: 0 ok, 1 the daemon answered with an error (or rejected a
 * reload), 2 the daemon could not be reached or gave no usable reply,
 * 64 usage error. */
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/ctl_client.h"
#include "ctl/ctl_show.h"

#define DEFAULT_SOCKET "/run/halod.sock"
#define EXIT_DAEMON_ERR 1
#define EXIT_NO_DAEMON 2
#define EXIT_USAGE 64

struct opts {
	const char *socket;
	char *socket_owned; /* derived from -p */
	double timeout_s;
	bool json;
};

struct command {
	const char *name;
	const char *args; /* shown in the usage */
	const char *help;
	bool takes_json;  /* accepts --json after the command name */
	int nargs;        /* positional arguments, exactly */
	int (*run)(const struct opts *o, char **args);
};

static int cmd_status(const struct opts *o, char **args);
static int cmd_reload(const struct opts *o, char **args);
static int cmd_ping(const struct opts *o, char **args);
static int cmd_help(const struct opts *o, char **args);
static int cmd_raw(const struct opts *o, char **args);

static const struct command commands[] = {
	{ "status", "[--json]", "show the daemon, its children and its last reload", true, 0, cmd_status },
	{ "reload", "[--json]", "reload the configuration (exit 1 if rejected)", true, 0, cmd_reload },
	{ "ping", "[--json]", "check that the daemon answers", true, 0, cmd_ping },
	{ "help", "[--json]", "list the commands the daemon serves", true, 0, cmd_help },
	{ "raw", "JSON", "send one request line as given and print the reply", false, 1, cmd_raw },
	{ NULL, NULL, NULL, false, 0, NULL },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: haloctl [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Options:\n"
		"  -s, --socket PATH     control socket (default " DEFAULT_SOCKET ")\n"
		"  -p, --pid FILE        the daemon whose pid file is FILE (socket FILE.sock\n"
		"                        with FILE's extension replaced)\n"
		"  -t, --timeout SECONDS give up waiting for a reply after SECONDS (default 5)\n"
		"  -j, --json            print the daemon's result as JSON\n"
		"  -h, --help            show this help\n"
		"  -V, --version         show the version\n"
		"\n"
		"Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-6s %-9s %s\n", c->name, c->args, c->help);
	fprintf(out, "\nExit status: 0 ok, 1 the daemon replied an error, 2 cannot reach the daemon,\n"
		     "64 usage error.\n");
}

/* ---- talking to the daemon ---------------------------------------------- */

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sends one request; on success *reply is the whole reply object (owned by
 * the caller).  Returns the exit code for a failure, 0 for an "ok" reply. */
static int call(const struct opts *o, const char *line, json_object **reply)
{
	char err[512];
	enum ctl_call_status st = ctl_call(o->socket, line, o->timeout_s, reply, err, sizeof(err));

	if (st != CTL_CALL_OK) {
		fprintf(stderr, "haloctl: %s\n", err);
		return EXIT_NO_DAEMON;
	}
	json_object *ok;
	if (json_object_object_get_ex(*reply, "ok", &ok) && json_object_get_boolean(ok))
		return 0;
	json_object *e;
	const char *msg = json_object_object_get_ex(*reply, "error", &e) ? json_object_get_string(e)
									 : "error without a message";
	fprintf(stderr, "haloctl: %s\n", msg);
	return EXIT_DAEMON_ERR;
}

/* Sends {"cmd": name} and returns the result object through *result, which
 * stays owned by *reply. */
static int call_cmd(const struct opts *o, const char *name, json_object **reply,
		    json_object **result)
{
	json_object *req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string(name));
	int rc = call(o, json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN), reply);
	json_object_put(req);
	*result = NULL;
	if (rc == 0)
		json_object_object_get_ex(*reply, "result", result);
	return rc;
}

static void print_json(json_object *v)
{
	puts(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* ---- commands ----------------------------------------------------------- */

static int cmd_status(const struct opts *o, char **args)
{
	json_object *reply = NULL, *result;
	(void)args;
	int rc = call_cmd(o, "status", &reply, &result);
	if (rc == 0) {
		if (o->json)
			print_json(result);
		else
			show_status(stdout, result);
	}
	json_object_put(reply);
	return rc;
}

static int cmd_reload(const struct opts *o, char **args)
{
	json_object *reply = NULL, *result;
	(void)args;
	int rc = call_cmd(o, "reload", &reply, &result);
	if (rc == 0) {
		bool accepted;
		if (o->json) {
			accepted = reload_accepted(result);
			print_json(result);
		} else {
			accepted = show_reload(stdout, result);
		}
		rc = accepted ? 0 : EXIT_DAEMON_ERR;
	}
	json_object_put(reply);
	return rc;
}

static int cmd_ping(const struct opts *o, char **args)
{
	json_object *reply = NULL, *result;
	(void)args;
	double t0 = mono_s();
	int rc = call_cmd(o, "ping", &reply, &result);
	if (rc == 0) {
		if (o->json)
			print_json(result);
		else
			printf("pong from %s in %.2f ms\n", o->socket, (mono_s() - t0) * 1000);
	}
	json_object_put(reply);
	return rc;
}

static int cmd_help(const struct opts *o, char **args)
{
	json_object *reply = NULL, *result;
	(void)args;
	int rc = call_cmd(o, "help", &reply, &result);
	if (rc == 0) {
		if (o->json)
			print_json(result);
		else
			show_help(stdout, result);
	}
	json_object_put(reply);
	return rc;
}

/* The request goes out byte for byte, so malformed requests can be tried
 * too; the reply is printed whole, "ok" and "error" included. */
static int cmd_raw(const struct opts *o, char **args)
{
	json_object *reply = NULL;
	int rc = call(o, args[0], &reply);
	if (reply)
		print_json(reply);
	json_object_put(reply);
	return rc;
}

/* ---- command line ------------------------------------------------------- */

/* The daemon's rule, kept identical here: the pid file's extension (after
 * the last dot of its last component) becomes ".sock", or ".sock" is
 * appended when it has none. */
static char *socket_for_pidfile(const char *pidfile)
{
	const char *base = strrchr(pidfile, '/');
	base = base ? base + 1 : pidfile;
	const char *dot = strrchr(base, '.');
	size_t keep = dot && dot != base ? (size_t)(dot - pidfile) : strlen(pidfile);
	char *s = malloc(keep + sizeof(".sock"));
	if (s) {
		memcpy(s, pidfile, keep);
		memcpy(s + keep, ".sock", sizeof(".sock"));
	}
	return s;
}

static int parse_timeout(const char *arg, double *out)
{
	char *end;
	double v = strtod(arg, &end);
	if (end == arg || *end != '\0' || !isfinite(v) || v <= 0 || v > 86400)
		return -1;
	*out = v;
	return 0;
}

static int parse_options(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "pid", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pidfile = NULL;
	int ch;

	/* "+": options stop at the command name, whose own flags follow it. */
	while ((ch = getopt_long(argc, argv, "+s:p:t:jhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': o->socket = optarg; break;
		case 'p': pidfile = optarg; break;
		case 'j': o->json = true; break;
		case 't':
			if (parse_timeout(optarg, &o->timeout_s) < 0) {
				fprintf(stderr, "haloctl: invalid timeout '%s' (seconds, > 0)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("haloctl %s\n", HALO_VERSION); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (pidfile && o->socket) {
		fprintf(stderr, "haloctl: -s and -p both name the socket; give one\n");
		return EXIT_USAGE;
	}
	if (pidfile) {
		o->socket = o->socket_owned = socket_for_pidfile(pidfile);
		if (!o->socket)
			return EXIT_NO_DAEMON;
	}
	if (!o->socket)
		o->socket = DEFAULT_SOCKET;
	return -1;
}

/* Splits the command's own words into --json flags and positional args. */
static int parse_command(const struct command *c, int argc, char **argv, struct opts *o,
			 char **pos)
{
	int n = 0;
	for (int i = 0; i < argc; i++) {
		if (c->takes_json && (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)) {
			o->json = true;
		} else if (n < c->nargs) {
			pos[n++] = argv[i];
		} else {
			fprintf(stderr, "haloctl: %s: unexpected argument '%s'\n", c->name, argv[i]);
			return EXIT_USAGE;
		}
	}
	if (n < c->nargs) {
		fprintf(stderr, "haloctl: usage: haloctl %s %s\n", c->name, c->args);
		return EXIT_USAGE;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o = { .timeout_s = 5 };
	int rc = parse_options(argc, argv, &o);

	if (rc < 0 && optind >= argc) {
		usage(stderr);
		rc = EXIT_USAGE;
	}
	const struct command *c = NULL;
	if (rc < 0) {
		for (c = commands; c->name && strcmp(c->name, argv[optind]) != 0; c++)
			;
		if (!c->name) {
			fprintf(stderr, "haloctl: unknown command '%s' (see haloctl --help)\n",
				argv[optind]);
			rc = EXIT_USAGE;
		}
	}
	char *pos[1] = { NULL };
	if (rc < 0)
		rc = parse_command(c, argc - optind - 1, argv + optind + 1, &o, pos);
	if (rc < 0)
		rc = c->run(&o, pos);
	free(o.socket_owned);
	return rc;
}
