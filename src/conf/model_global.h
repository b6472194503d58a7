/* global_defs and the root-level keywords.
 *
 * Field names follow the keywords (without the `vrrp_` prefix where the
 * struct already says so), and the JSON dump uses the keywords as keys.
 * Durations are microseconds.  Settings that VRRP instances inherit
 * (vrrp_version, the garp timings, check_unicast_src, skip_check_adv_addr,
 * strict, lower_prio_no_advert, higher_prio_send_advert) are copied into
 * each instance by validate_vrrp(), so the dump of an instance shows what
 * it will actually use. */
#ifndef HALO_CONF_MODEL_GLOBAL_H
#define HALO_CONF_MODEL_GLOBAL_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/kw.h"

/* A "not configured" marker for durations that default to another value
 * (garp_lower_prio_delay defaults to garp_master_delay, for instance). */
#define HALO_UNSET_US UINT64_MAX

/* A script keyword: `KEYWORD COMMAND [USER [GROUP]]`.  The command is one
 * word, quoted when it has arguments (keepalived treats the next unquoted
 * words as the user and group to run it as). */
struct script_conf {
	char *cmd; /* NULL when not configured */
	char *user;
	char *group;
	struct cf_loc loc;
};

/* `notify_fifo PATH [USER [GROUP]]` and its vrrp_/lvs_ variants. */
struct fifo_conf {
	char *path;
	char *user;
	char *group;
	struct script_conf script; /* *_notify_fifo_script */
};

/* lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group A] */
struct lvs_sync_conf {
	char *interface; /* NULL: not configured */
	char *instance;
	int syncid;      /* -1: the VRID of `instance`, or 0 */
	int maxlen;      /* 0: kernel default */
	int port;        /* default 8848 */
	int ttl;         /* 0: kernel default */
	struct halo_addr group;
	struct cf_loc loc;
};

/* lvs_timeouts [tcp S] [tcpfin S] [udp S]; 0 leaves the kernel value. */
struct lvs_timeouts_conf {
	uint64_t tcp_us, tcpfin_us, udp_us;
};

enum lvs_flush_on_stop { LVS_FLUSH_STOP_NONE, LVS_FLUSH_STOP_ALL, LVS_FLUSH_STOP_VS };

struct global_conf {
	/* Used by conf.c and the daemon: keep these names. */
	char *router_id;
	bool enable_script_security;
	char *script_user;
	char *script_group;

	/* Root keywords (outside global_defs in keepalived.conf). */
	char *net_namespace;
	char *net_namespace_ipvs;
	bool net_namespace_ipvs_set; /* `net_namespace_ipvs` alone: default ns */
	bool namespace_with_ipsets;
	char *instance;
	bool use_pid_dir;
	uint64_t child_wait_time_us; /* default 5 s */
	bool linkbeat_use_polling;

	/* Email alerts. */
	struct strvec notification_email;
	char *notification_email_from;
	char *smtp_server;      /* address or host name */
	int smtp_server_port;   /* default 25 */
	char *smtp_helo_name;
	uint64_t smtp_connect_timeout_us; /* default 30 s */
	int smtp_alert;         /* -1 unset, else bool */
	int smtp_alert_vrrp;    /* -1: smtp_alert */
	int smtp_alert_checker; /* -1: smtp_alert */
	bool checker_log_all_failures;
	bool no_email_faults;
	bool no_checker_emails;
	bool rs_init_notifies;

	/* Process control. */
	struct script_conf startup_script, shutdown_script;
	uint64_t startup_script_timeout_us, shutdown_script_timeout_us; /* 10 s */
	bool process_names;
	char *process_name, *vrrp_process_name, *checker_process_name, *bfd_process_name;
	int max_auto_priority;       /* 0 = off (default), -1 = off and quiet */
	int min_auto_priority_delay; /* microseconds, default 1000000 */
	int vrrp_priority, checker_priority, bfd_priority; /* nice, -20..19 */
	bool vrrp_no_swap, checker_no_swap, bfd_no_swap;
	int vrrp_rt_priority, checker_rt_priority, bfd_rt_priority; /* 0 = off */
	struct strvec vrrp_cpu_affinity, checker_cpu_affinity, bfd_cpu_affinity;
	int vrrp_rlimit_rttime, checker_rlimit_rttime, bfd_rlimit_rttime; /* us */

	/* Notify FIFOs. */
	struct fifo_conf notify_fifo, vrrp_notify_fifo, lvs_notify_fifo;
	bool fifo_write_vrrp_states_on_reload;
	bool vrrp_notify_priority_changes;

	/* VRRP defaults inherited by instances. */
	int vrrp_version; /* 2 or 3, default 2 */
	struct halo_addr vrrp_mcast_group4, vrrp_mcast_group6;
	char *default_interface; /* default "eth0" */
	uint64_t vrrp_garp_master_delay_us;       /* default 5 s, 0 = no 2nd burst */
	int vrrp_garp_master_repeat;              /* default 5 */
	uint64_t vrrp_garp_lower_prio_delay_us;   /* default: master_delay */
	int vrrp_garp_lower_prio_repeat;          /* -1 default: master_repeat */
	uint64_t vrrp_garp_master_refresh_us;     /* default 0 = none */
	int vrrp_garp_master_refresh_repeat;      /* default 1 */
	uint64_t vrrp_garp_interval_us, vrrp_gna_interval_us; /* default 0 */
	bool vrrp_min_garp;
	int vrrp_garp_extra_if;                   /* seconds, 0 = off */
	bool vrrp_garp_extra_if_all;
	int vrrp_down_timer_adverts;              /* default 3 */
	bool vrrp_lower_prio_no_advert;
	bool vrrp_higher_prio_send_advert;
	bool vrrp_check_unicast_src;
	bool vrrp_skip_check_adv_addr;
	bool vrrp_strict;
	uint64_t vrrp_startup_delay_us;
	bool log_unknown_vrids;
	char *vmac_prefix, *vmac_addr_prefix;
	bool dynamic_interfaces;
	bool dynamic_interfaces_allow_if_changes;

	/* IPVS-wide settings (global_defs, used by the lb child). */
	struct lvs_sync_conf lvs_sync_daemon;
	struct lvs_timeouts_conf lvs_timeouts;
	bool lvs_flush;
	int lvs_flush_on_stop; /* enum lvs_flush_on_stop */

	int random_seed; /* -1: not set */
	bool data_use_instance;
};

#endif
