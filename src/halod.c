/* halod: the entry point.  Parses the command line and runs one of the
 * one-shot actions (-t, --dump-config, --signum, -v, -h), a child process
 * (the hidden --child, see daemon/worker.h) or the supervisor
 * (daemon/supervisor.h). */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "conf/conf.h"
#include "daemon/cli.h"
#include "daemon/confload.h"
#include "daemon/supervisor.h"
#include "daemon/worker.h"

/* -t: every diagnostic as FILE:LINE: severity: message, to stderr or the
 * -t=FILE; keepalived's exit codes.  Reads files only: no interface, no
 * socket, no lock, so it runs anywhere and cannot hang on the system. */
static int config_test(const struct cli_opts *o)
{
	FILE *out = stderr;
	if (o->config_test_out) {
		out = fopen(o->config_test_out, "w");
		if (!out) {
			fprintf(stderr, "halod: cannot write %s: %m\n", o->config_test_out);
			return 1;
		}
	}
	for (size_t i = 0; i < o->nwarnings; i++)
		fprintf(out, "halod: warning: %s\n", o->warnings[i]);
	struct diag_list d;
	int code;
	diag_init(&d);
	struct halo_config *cfg = daemon_conf_load(o->config_file, o, &d, &code);
	diag_print(out, &d);
	conf_free(cfg);
	diag_clear(&d);
	if (out != stderr)
		fclose(out);
	return code;
}

/* --dump-config: the resolved configuration as JSON on stdout, the
 * diagnostics on stderr, and the -t exit code. */
static int dump_config(const struct cli_opts *o)
{
	struct diag_list d;
	int code;
	diag_init(&d);
	struct halo_config *cfg = daemon_conf_load(o->config_file, o, &d, &code);
	diag_print(stderr, &d);
	if (cfg) {
		json_object *j = conf_dump(cfg);
		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	}
	conf_free(cfg);
	diag_clear(&d);
	return code;
}

static int signum(const struct cli_opts *o)
{
	if (o->signum < 0) {
		fprintf(stderr, "halod: unknown signal name (RELOAD, STOP, DATA, STATS, "
				"STATS_CLEAR, JSON)\n");
		return 1;
	}
	printf("%d\n", o->signum);
	return 0;
}

/* -u and -m apply to every process we start, so they are set first. */
static void process_settings(const struct cli_opts *o)
{
	if (o->umask >= 0)
		umask((mode_t)o->umask);
	if (o->core_dump) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
		if (setrlimit(RLIMIT_CORE, &rl) < 0)
			fprintf(stderr, "halod: cannot enable core dumps: %m\n");
	}
}

int main(int argc, char **argv)
{
	struct cli_opts o;
	char err[256];
	if (cli_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "halod: %s\n%s", err, cli_usage());
		return 1;
	}
	switch (o.action) {
	case CLI_HELP:
		fputs(cli_usage(), stdout);
		return 0;
	case CLI_VERSION:
		printf("halod %s\n", HALO_VERSION);
		return 0;
	case CLI_SIGNUM:
		return signum(&o);
	case CLI_CONFIG_TEST:
		return config_test(&o);
	case CLI_DUMP_CONFIG:
		return dump_config(&o);
	case CLI_RUN:
		break;
	}
	process_settings(&o);
	if (o.child != CLI_CHILD_NONE)
		return worker_main(&o);
	return supervisor_main(&o);
}
