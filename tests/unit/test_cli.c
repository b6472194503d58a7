/* halod's command line: keepalived's flags in short and long form, values,
 * errors, actions, --signum numbers and the argv handed to children. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cmocka.h>

#include "daemon/cli.h"

#define MAXARGS 32

/* Parses a NULL-terminated list of words (argv[0] added); returns the
 * cli_parse result, with the error text in `err`. */
static int parse(struct cli_opts *o, char *err, size_t len, ...)
{
	char *argv[MAXARGS] = { "halod" };
	int argc = 1;
	va_list ap;
	va_start(ap, len);
	for (char *w; (w = va_arg(ap, char *)) && argc < MAXARGS - 1;)
		argv[argc++] = w;
	va_end(ap);
	argv[argc] = NULL;
	return cli_parse(argc, argv, o, err, len);
}

#define OK(o, ...)                                                             \
	do {                                                                   \
		char e_[256];                                                  \
		int r_ = parse((o), e_, sizeof(e_), __VA_ARGS__, NULL);        \
		if (r_ != 0)                                                   \
			fail_msg("unexpected error: %s", e_);                  \
	} while (0)

#define BAD(err, ...)                                                          \
	do {                                                                   \
		struct cli_opts o_;                                            \
		assert_int_equal(parse(&o_, (err), sizeof(err), __VA_ARGS__, NULL), -1); \
	} while (0)

static void defaults(void **state)
{
	(void)state;
	struct cli_opts o;
	char err[256];
	assert_int_equal(parse(&o, err, sizeof(err), NULL), 0);
	assert_int_equal(o.action, CLI_RUN);
	assert_string_equal(o.config_file, "/etc/keepalived/keepalived.conf");
	assert_string_equal(o.pid_file, "/run/halod.pid");
	assert_string_equal(o.vrrp_pid_file, "/run/halod_vrrp.pid");
	assert_string_equal(o.checkers_pid_file, "/run/halod_checkers.pid");
	assert_int_equal(o.log_facility, LOG_DAEMON);
	assert_null(o.control_socket);
	assert_null(o.config_id);
	assert_int_equal(o.umask, -1);
	assert_int_equal(o.child, CLI_CHILD_NONE);
	assert_false(o.dont_fork || o.vrrp_only || o.check_only || o.log_console);
}

/* Each boolean flag, by its short and its long name. */
struct flag_case {
	const char *shortf, *longf;
	size_t off;
};

static const struct flag_case flags[] = {
	{ "-P", "--vrrp", offsetof(struct cli_opts, vrrp_only) },
	{ "-C", "--check", offsetof(struct cli_opts, check_only) },
	{ "-l", "--log-console", offsetof(struct cli_opts, log_console) },
	{ "-D", "--log-detail", offsetof(struct cli_opts, log_detail) },
	{ "-G", "--no-syslog", offsetof(struct cli_opts, no_syslog) },
	{ "-n", "--dont-fork", offsetof(struct cli_opts, dont_fork) },
	{ "-d", "--dump-conf", offsetof(struct cli_opts, dump_conf) },
	{ "-V", "--dont-release-vrrp", offsetof(struct cli_opts, dont_release_vrrp) },
	{ "-I", "--dont-release-ipvs", offsetof(struct cli_opts, dont_release_ipvs) },
	{ "-R", "--dont-respawn", offsetof(struct cli_opts, dont_respawn) },
	{ "-e", "--all-config", offsetof(struct cli_opts, all_config) },
	{ "-m", "--core-dump", offsetof(struct cli_opts, core_dump) },
	{ NULL, "--all", offsetof(struct cli_opts, all_subsystems) },
};

static void boolean_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct cli_opts o;
		if (flags[i].shortf) {
			OK(&o, flags[i].shortf);
			assert_true(*(bool *)((char *)&o + flags[i].off));
		}
		OK(&o, flags[i].longf);
		assert_true(*(bool *)((char *)&o + flags[i].off));
		OK(&o, "-B"); /* a different flag leaves this one off */
		assert_false(*(bool *)((char *)&o + flags[i].off));
	}
}

static void grouped_short_flags(void **state)
{
	(void)state;
	struct cli_opts o;
	OK(&o, "-lnDP");
	assert_true(o.log_console && o.dont_fork && o.log_detail && o.vrrp_only);
	assert_false(o.check_only);
	/* The last flag of a group may take the rest as its value. */
	OK(&o, "-nf/etc/x.conf");
	assert_true(o.dont_fork);
	assert_string_equal(o.config_file, "/etc/x.conf");
}

static void values_all_forms(void **state)
{
	(void)state;
	struct cli_opts o;
	OK(&o, "-f", "/a.conf");
	assert_string_equal(o.config_file, "/a.conf");
	OK(&o, "-f/b.conf");
	assert_string_equal(o.config_file, "/b.conf");
	OK(&o, "--use-file=/c.conf");
	assert_string_equal(o.config_file, "/c.conf");
	OK(&o, "--use-file", "/d.conf");
	assert_string_equal(o.config_file, "/d.conf");
	OK(&o, "-p", "/t/p.pid", "--vrrp_pid=/t/v.pid", "-c", "/t/c.pid");
	assert_string_equal(o.pid_file, "/t/p.pid");
	assert_string_equal(o.vrrp_pid_file, "/t/v.pid");
	assert_string_equal(o.checkers_pid_file, "/t/c.pid");
	OK(&o, "--pid", "/u/p.pid", "-r/u/v.pid", "--checkers_pid=/u/c.pid");
	assert_string_equal(o.pid_file, "/u/p.pid");
	assert_string_equal(o.vrrp_pid_file, "/u/v.pid");
	assert_string_equal(o.checkers_pid_file, "/u/c.pid");
	OK(&o, "-i", "node1");
	assert_string_equal(o.config_id, "node1");
	OK(&o, "--config-id=node2");
	assert_string_equal(o.config_id, "node2");
	OK(&o, "--control-socket", "/t/h.sock");
	assert_string_equal(o.control_socket, "/t/h.sock");
	OK(&o, "-u", "022");
	assert_int_equal(o.umask, 022);
	OK(&o, "--umask=077");
	assert_int_equal(o.umask, 077);
}

static void log_facility(void **state)
{
	(void)state;
	static const int local[] = { LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
				     LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 };
	struct cli_opts o;
	char digit[2] = "0";
	for (int i = 0; i < 8; i++) {
		digit[0] = (char)('0' + i);
		OK(&o, "-S", digit);
		assert_int_equal(o.log_facility, local[i]);
	}
	OK(&o, "--log-facility=local5");
	assert_int_equal(o.log_facility, LOG_LOCAL5);
	OK(&o, "-Suser");
	assert_int_equal(o.log_facility, LOG_USER);
	OK(&o, "-S", "daemon");
	assert_int_equal(o.log_facility, LOG_DAEMON);
	char err[256];
	BAD(err, "-S", "9");
	assert_non_null(strstr(err, "'9'"));
	BAD(err, "-S", "local8");
	BAD(err, "-S", "");
	BAD(err, "-S");
}

static void config_test_forms(void **state)
{
	(void)state;
	struct cli_opts o;
	OK(&o, "-t");
	assert_int_equal(o.action, CLI_CONFIG_TEST);
	assert_null(o.config_test_out);
	OK(&o, "-t/tmp/out.txt");
	assert_string_equal(o.config_test_out, "/tmp/out.txt");
	OK(&o, "--config-test=/tmp/o2");
	assert_int_equal(o.action, CLI_CONFIG_TEST);
	assert_string_equal(o.config_test_out, "/tmp/o2");
	OK(&o, "--config-test", "-f", "/x.conf");
	assert_null(o.config_test_out);
	assert_string_equal(o.config_file, "/x.conf");
	/* An optional value is only ever attached, as with getopt_long. */
	char err[256];
	BAD(err, "-t", "/tmp/out.txt");
	assert_non_null(strstr(err, "unexpected argument"));
	OK(&o, "--dump-config", "-f", "/y.conf");
	assert_int_equal(o.action, CLI_DUMP_CONFIG);
}

static void actions_precedence(void **state)
{
	(void)state;
	struct cli_opts o;
	OK(&o, "-v");
	assert_int_equal(o.action, CLI_VERSION);
	OK(&o, "--help");
	assert_int_equal(o.action, CLI_HELP);
	OK(&o, "-t", "-h");
	assert_int_equal(o.action, CLI_HELP);
	OK(&o, "--version", "-t");
	assert_int_equal(o.action, CLI_VERSION);
	OK(&o, "--dump-config", "-t");
	assert_int_equal(o.action, CLI_CONFIG_TEST);
}

static void signum(void **state)
{
	(void)state;
	assert_int_equal(cli_signum("RELOAD"), SIGHUP);
	assert_int_equal(cli_signum("STOP"), SIGTERM);
	assert_int_equal(cli_signum("DATA"), SIGUSR1);
	assert_int_equal(cli_signum("STATS"), SIGUSR2);
	assert_int_equal(cli_signum("STATS_CLEAR"), SIGRTMAX - 1);
	assert_int_equal(cli_signum("JSON"), SIGRTMIN + 2);
	assert_int_equal(cli_signum("reload"), -1);
	assert_int_equal(cli_signum("TDATA"), -1);
	struct cli_opts o;
	OK(&o, "--signum=STOP");
	assert_int_equal(o.action, CLI_SIGNUM);
	assert_int_equal(o.signum, SIGTERM);
	OK(&o, "--signum", "JSON");
	assert_int_equal(o.signum, SIGRTMIN + 2);
	OK(&o, "--signum=BOGUS");
	assert_int_equal(o.action, CLI_SIGNUM);
	assert_int_equal(o.signum, -1);
}

static void errors(void **state)
{
	(void)state;
	char err[256];
	BAD(err, "-Z");
	assert_non_null(strstr(err, "-Z"));
	BAD(err, "--no-such-option");
	assert_non_null(strstr(err, "no-such-option"));
	BAD(err, "-f");
	assert_non_null(strstr(err, "needs a value"));
	BAD(err, "--pid");
	BAD(err, "--vrrp=yes");
	assert_non_null(strstr(err, "takes no value"));
	BAD(err, "stray");
	assert_non_null(strstr(err, "stray"));
	BAD(err, "-u", "8");
	BAD(err, "-u", "1000");
	BAD(err, "-f", "");
	/* --dump is a prefix of both --dump-conf and --dump-config. */
	BAD(err, "--dump");
	assert_non_null(strstr(err, "ambiguous"));
	/* Options that would silently change behaviour if ignored. */
	BAD(err, "-s", "ns1");
	assert_non_null(strstr(err, "namespace"));
	BAD(err, "--genhash");
	BAD(err, "--child=vrrp");
	BAD(err, "--child=bfd", "--child-of=1");
	BAD(err, "--child=vrrp", "--child-of=x");
}

static void long_prefixes_and_terminator(void **state)
{
	(void)state;
	struct cli_opts o;
	OK(&o, "--dont-f");
	assert_true(o.dont_fork);
	/* An exact name wins over longer names it prefixes. */
	OK(&o, "--vrrp");
	assert_true(o.vrrp_only);
	OK(&o, "--dump-conf");
	assert_true(o.dump_conf);
	assert_int_equal(o.action, CLI_RUN);
	OK(&o, "-n", "--");
	assert_true(o.dont_fork);
	char err[256];
	BAD(err, "--", "-n");
}

static void unsupported_warn(void **state)
{
	(void)state;
	struct cli_opts o;
	OK(&o, "-x", "--snmp", "-B", "-a", "-X", "--debug=DvEcvNR", "-g", "/tmp/log",
	   "--perf", "-b", "/t/b.pid");
	assert_int_equal(o.action, CLI_RUN);
	/* -x twice counts once; -B (no BFD) needs no warning. */
	assert_int_equal(o.nwarnings, 7);
	bool snmp = false;
	for (size_t i = 0; i < o.nwarnings; i++)
		snmp |= strstr(o.warnings[i], "snmp") != NULL;
	assert_true(snmp);
}

static void child_argv_round_trip(void **state)
{
	(void)state;
	struct cli_opts o, c;
	char err[256];
	OK(&o, "-f", "rel.conf", "-i", "nodeA", "-e", "-D", "-S", "3", "-G", "-V", "-I",
	   "-r", "/t/v.pid", "-c", "/t/c.pid", "-p", "/t/p.pid", "-R", "-d");
	char **av = cli_child_argv(&o, CLI_CHILD_VRRP, "/usr/sbin/halod", "/abs/rel.conf", true, 4242);
	assert_non_null(av);
	assert_string_equal(av[0], "/usr/sbin/halod");
	int ac = 0;
	while (av[ac])
		ac++;
	assert_int_equal(cli_parse(ac, av, &c, err, sizeof(err)), 0);
	assert_int_equal(c.action, CLI_RUN);
	assert_int_equal(c.child, CLI_CHILD_VRRP);
	assert_int_equal(c.child_of, 4242);
	assert_string_equal(c.config_file, "/abs/rel.conf");
	assert_string_equal(c.config_id, "nodeA");
	assert_string_equal(c.vrrp_pid_file, "/t/v.pid");
	assert_int_equal(c.log_facility, LOG_LOCAL3);
	assert_true(c.all_config && c.log_detail && c.no_syslog && c.log_console);
	assert_true(c.dont_release_vrrp && c.dont_release_ipvs && c.dont_fork);
	/* Supervisor-only options are not passed on. */
	assert_false(c.dont_respawn || c.dump_conf);
	assert_string_equal(c.pid_file, CLI_DEFAULT_PID);
	free(av);

	av = cli_child_argv(&o, CLI_CHILD_LB, "/h", "/abs/rel.conf", false, 7);
	ac = 0;
	while (av[ac])
		ac++;
	assert_int_equal(cli_parse(ac, av, &c, err, sizeof(err)), 0);
	assert_int_equal(c.child, CLI_CHILD_LB);
	assert_string_equal(c.checkers_pid_file, "/t/c.pid");
	assert_false(c.log_console);
	free(av);
	assert_null(cli_child_argv(&o, CLI_CHILD_NONE, "/h", "/c", false, 1));
}

static void usage_mentions_every_option(void **state)
{
	(void)state;
	static const char *const names[] = {
		"--use-file", "--vrrp", "--check", "--log-console", "--log-detail",
		"--log-facility", "--no-syslog", "--dont-fork", "--dump-conf",
		"--dont-release-vrrp", "--dont-release-ipvs", "--dont-respawn", "--pid",
		"--vrrp_pid", "--checkers_pid", "--config-id", "--all-config", "--config-test",
		"--signum", "--version", "--help", "--dump-config", "--control-socket",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strstr(cli_usage(), names[i]))
			fail_msg("usage lacks %s", names[i]);
	assert_null(strstr(cli_usage(), "--child"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(boolean_flags),
		cmocka_unit_test(grouped_short_flags),
		cmocka_unit_test(values_all_forms),
		cmocka_unit_test(log_facility),
		cmocka_unit_test(config_test_forms),
		cmocka_unit_test(actions_precedence),
		cmocka_unit_test(signum),
		cmocka_unit_test(errors),
		cmocka_unit_test(long_prefixes_and_terminator),
		cmocka_unit_test(unsupported_warn),
		cmocka_unit_test(child_argv_round_trip),
		cmocka_unit_test(usage_mentions_every_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
