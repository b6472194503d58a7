/* VRRP side of the configuration model: instances, sync groups, trackers,
 * static addresses/routes/rules, garp groups.
 *
 * Everything is what the file says, typed, after keepalived's defaults and
 * after validate_vrrp() has resolved inherited settings (global_defs values
 * an instance did not override, tracker weights an instance did not give).
 * Lists keep file order.  Names are arena strings; `loc` fields point at the
 * line that configured the object, for diagnostics at run time too. */
#ifndef HALO_CONF_MODEL_VRRP_H
#define HALO_CONF_MODEL_VRRP_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/kw.h"
#include "conf/model_global.h"
#include "core/addr.h"
#include "core/arena.h"
#include "core/nameidx.h"

/* Tri-state for instance settings that default to a global_defs value:
 * TRI_UNSET until validate_vrrp() resolves it to 0 or 1. */
#define TRI_UNSET KW_TRI_UNSET

enum vrrp_conf_state { VRRP_CONF_BACKUP, VRRP_CONF_MASTER };
/* Shared with vrrp/vrrp_pkt.h, which declares the same enum (the values
 * are the wire values): whichever header comes first defines it. */
#ifndef HALO_VRRP_AUTH_TYPE_DEFINED
#define HALO_VRRP_AUTH_TYPE_DEFINED
enum vrrp_auth_type { VRRP_AUTH_NONE = 0, VRRP_AUTH_PASS = 1, VRRP_AUTH_AH = 2 };
#endif
/* `brd` of an address: an address, `+` (host bits set) or `-` (cleared). */
enum vip_brd { VIP_BRD_NONE, VIP_BRD_ADDR, VIP_BRD_SET, VIP_BRD_CLEAR };
enum route_type {
	ROUTE_UNICAST, ROUTE_BLACKHOLE, ROUTE_UNREACHABLE, ROUTE_PROHIBIT,
	ROUTE_THROW, ROUTE_LOCAL, ROUTE_BROADCAST, ROUTE_ANYCAST, ROUTE_MULTICAST,
	ROUTE_NAT,
};
enum rule_action {
	RULE_TO_TABLE, RULE_GOTO, RULE_NOP, RULE_BLACKHOLE, RULE_UNREACHABLE,
	RULE_PROHIBIT,
};
enum linkbeat_type { LINKBEAT_DEFAULT, LINKBEAT_MII, LINKBEAT_ETHTOOL, LINKBEAT_IOCTL };
enum param_match { PARAM_MATCH_NONE, PARAM_MATCH_EXACT, PARAM_MATCH_PARTIAL,
		   PARAM_MATCH_INITIAL };
enum old_unicast_checksum { OLD_CKSUM_AUTO, OLD_CKSUM_ON, OLD_CKSUM_NEVER };

/* A name in a track_* block with its weight.  weight_set is false when the
 * line gave no weight: validate_vrrp() then copies the tracked object's
 * own weight and reverse flag (scripts, files, processes). */
struct track_ref {
	char *name;
	int weight;
	bool weight_set;
	bool reverse;
	struct cf_loc loc;
};
typedef VEC(struct track_ref) track_ref_vec;

/* One line of virtual_ipaddress, virtual_ipaddress_excluded or
 * static_ipaddress: `ADDR[/LEN] [brd A|+|-] [dev IF] [scope S] [label L]
 * [peer A] [home] [-nodad] [mngtmpaddr] [noprefixroute] [autojoin]
 * [no_track] [use_vmac [NAME]] [preferred_lft N|forever] [track_group G]` */
struct vip_conf {
	struct halo_prefix prefix;
	bool len_given;   /* "/LEN" was written (else 32 or 128) */
	int brd;          /* enum vip_brd */
	struct halo_addr brd_addr;
	char *dev;        /* NULL: the instance's interface */
	int scope;        /* 0-255, global (0) by default */
	char *label;
	struct halo_addr peer;
	bool home, nodad, mngtmpaddr, noprefixroute, autojoin, no_track;
	bool use_vmac;
	char *vmac_name;
	int64_t preferred_lft; /* -1: kernel default, -2: forever */
	char *track_group;
	struct cf_loc loc;
};
typedef VEC(struct vip_conf) vip_vec;

/* One nexthop of a multipath route. */
struct nexthop_conf {
	struct halo_addr via;
	char *dev;
	int weight; /* 1-256, 0 = not given */
	bool onlink;
};

/* One line of virtual_routes or static_routes (ip-route syntax). */
struct route_conf {
	int type;                /* enum route_type */
	struct halo_prefix dst;
	struct halo_addr src;    /* preferred source, `src ADDR` */
	struct halo_prefix from; /* source prefix (IPv6 source routing) */
	struct halo_addr via;    /* `via` / `gw` */
	struct halo_addr or_via; /* keepalived's `or ADDR` alternative gateway */
	char *dev;
	int scope;               /* -1: kernel default */
	int64_t table;           /* -1: main; -2: `table_name` (rt_tables) */
	char *table_name;
	int64_t metric;          /* -1: none; `metric|priority|preference` */
	int protocol;            /* -1: default (boot) */
	int tos;                 /* -1: none */
	bool onlink, no_track, inet6;
	char *track_group;
	VEC(struct nexthop_conf) nexthops;
	/* Options recognised and kept verbatim (mtu 1000, advmss 101, ...):
	 * alternately name and value, or a lone flag name. */
	struct strvec extra;
	struct cf_loc loc;
};
typedef VEC(struct route_conf) route_vec;

/* One line of virtual_rules or static_rules (ip-rule syntax). */
struct rule_conf {
	struct halo_prefix from, to;  /* family AF_UNSPEC: "all" */
	bool from_set, to_set;
	bool not_;                    /* `not`: invert the match */
	int action;                   /* enum rule_action */
	int64_t table;                /* -1: not given; -2: `table_name` */
	char *table_name;
	int64_t goto_target;          /* `goto N` */
	int64_t priority;             /* -1: keepalived assigns one */
	char *iif, *oif;
	int64_t fwmark, fwmask;       /* -1: not given */
	int tos;                      /* -1 */
	int protocol;                 /* -1 */
	bool inet6, l3mdev, no_track;
	char *track_group;
	struct strvec extra;          /* realms, uidrange, sport, ... verbatim */
	struct cf_loc loc;
};
typedef VEC(struct rule_conf) rule_vec;

struct unicast_peer_conf {
	struct halo_addr addr;
	int min_ttl; /* 0 */
	int max_ttl; /* 255 */
	struct cf_loc loc;
};

/* An instance's notify_* scripts live in a block of their own, allocated
 * with the first one configured: most instances have none, and seven
 * inline script_conf made every instance 280 bytes larger (0.27 MB of a
 * 1,000-instance configuration, held by the VRRP child for its life). */
struct vrrp_inst_scripts {
	struct script_conf notify_master, notify_backup, notify_fault,
		notify_stop, notify_deleted, notify, notify_master_rx_lower_pri;
};

struct vrrp_instance_conf {
	char *name;
	struct cf_loc loc;
	bool invalid; /* validation found an error: keepalived would skip it */

	int state;          /* enum vrrp_conf_state, default BACKUP */
	char *interface;
	struct cf_loc interface_loc;
	char *vrf;
	int vrid;           /* 0 until set (required) */
	struct cf_loc vrid_loc;
	int priority;       /* 1-255; default 100, 255 for state MASTER */
	bool priority_set;
	uint64_t advert_int_us; /* default 1 s */
	struct cf_loc advert_int_loc;
	int version;        /* 0 until resolved from vrrp_version */
	struct cf_loc version_loc;
	bool native_ipv6;
	int family;         /* AF_INET or AF_INET6, derived by validation */

	bool nopreempt;
	uint64_t preempt_delay_us;
	struct cf_loc preempt_delay_loc;
	int accept;         /* TRI_UNSET, 0 (no_accept) or 1 (accept) */

	int auth_type;      /* enum vrrp_auth_type */
	char *auth_pass;    /* at most 8 characters */
	struct cf_loc auth_loc;

	vip_vec vips, evips;
	route_vec routes;
	rule_vec rules;
	bool promote_secondaries;

	struct halo_addr mcast_src_ip, unicast_src_ip;
	struct halo_addr mcast_dst_ip;
	VEC(struct unicast_peer_conf) unicast_peers;
	bool unicast_peer_given; /* a unicast_peer block exists (maybe empty) */
	struct cf_loc unicast_peer_loc;
	int unicast_ttl;         /* default 255 */
	int check_unicast_src;   /* tri, global vrrp_check_unicast_src */
	bool unicast_fault_no_peer;
	int old_unicast_checksum; /* enum old_unicast_checksum */
	bool v3_checksum_as_v2;   /* halo: RFC 9568 IPv4 checksum (no pseudo-header) */
	bool track_src_ip;

	track_ref_vec track_interface, track_script, track_file, track_process,
		track_bfd;
	bool dont_track_primary;
	bool linkbeat_use_polling;

	struct vrrp_inst_scripts *scripts; /* NULL: no notify_* script configured */
	bool notify_deleted_given; /* `notify_deleted` with no script */
	int notify_priority_changes; /* tri: vrrp_notify_priority_changes */
	int smtp_alert;              /* tri: smtp_alert_vrrp / smtp_alert */

	bool use_vmac;
	char *vmac_name;
	char *vmac_mac;
	bool use_vmac_addr, vmac_xmit_base;
	bool use_ipvlan;
	char *ipvlan_name;
	struct halo_prefix ipvlan_addr;
	char *ipvlan_mode; /* bridge|private|vepa */

	/* garp: HALO_UNSET_US / -1 until resolved from global_defs. */
	uint64_t garp_master_delay_us;
	int garp_master_repeat;
	uint64_t garp_lower_prio_delay_us;
	int garp_lower_prio_repeat;
	uint64_t garp_master_refresh_us;
	int garp_master_refresh_repeat;
	int garp_extra_if;      /* seconds, -1 unset */
	bool garp_extra_if_all;
	int down_timer_adverts; /* 0 unset, 1-100 */

	int lower_prio_no_advert;    /* tri */
	int higher_prio_send_advert; /* tri */
	int skip_check_adv_addr;     /* tri */
	int strict_mode;             /* tri */

	int debug;                   /* 0-4 */
	int kernel_rx_buf_size;      /* 0: policy default */
	char *lvs_sync_daemon_interface;

	char *sync_group; /* set by validation: the group it belongs to */
};

/* The instance's scripts, or an empty set when it has none. */
static inline const struct vrrp_inst_scripts *
vrrp_inst_scripts_of(const struct vrrp_instance_conf *c)
{
	static const struct vrrp_inst_scripts none;
	return c->scripts ? c->scripts : &none;
}

struct vrrp_sync_group_conf {
	char *name;
	struct cf_loc loc;
	struct strvec group;
	VEC(struct cf_loc) group_locs; /* line of each member name */
	track_ref_vec track_interface, track_script, track_file, track_process,
		track_bfd;
	struct script_conf notify_master, notify_backup, notify_fault,
		notify_stop, notify_deleted, notify;
	int notify_priority_changes; /* tri */
	int smtp_alert;              /* tri */
	bool global_tracking;
	bool sync_group_tracking_weight;
};

struct vrrp_script_conf {
	char *name;
	struct cf_loc loc;
	char *script;          /* the whole command line */
	uint64_t interval_us;  /* default 1 s */
	uint64_t timeout_us;   /* default: interval */
	int weight;            /* -253..253, default 0 */
	bool reverse;
	int rise, fall;        /* default 1 */
	char *user, *group;
	bool init_fail;
};

struct track_file_conf {
	char *name;
	struct cf_loc loc;
	char *file;
	int weight; /* default 1 */
	bool reverse;
	bool init_file;
	int64_t init_value; /* default 0 */
	bool init_overwrite;
};

struct track_process_conf {
	char *name;
	struct cf_loc loc;
	struct strvec process; /* command name, then parameters */
	int param_match;       /* enum param_match */
	int weight;            /* default 1 */
	bool reverse;
	int quorum;            /* default 1 */
	int quorum_max;        /* default 65535 (no limit) */
	uint64_t fork_delay_us, terminate_delay_us;
	bool full_command;
};

struct garp_group_conf {
	struct cf_loc loc;
	uint64_t garp_interval_us, gna_interval_us; /* HALO_UNSET_US: none */
	char *interface;
	struct strvec interfaces;
};

struct linkbeat_if_conf {
	char *name;
	int type; /* enum linkbeat_type */
	struct cf_loc loc;
};

struct track_group_conf {
	char *name;
	struct cf_loc loc;
	struct strvec group;
};

struct if_delay_conf {
	char *name;
	uint64_t down_us, up_us;
	struct cf_loc loc;
};

struct vrrp_model {
	VEC(struct vrrp_instance_conf) instances;
	struct name_index instance_index; /* name -> index in instances */
	VEC(struct vrrp_sync_group_conf) sync_groups;
	VEC(struct vrrp_script_conf) scripts;
	VEC(struct track_file_conf) track_files;
	VEC(struct track_process_conf) track_processes;
	vip_vec static_ipaddress;
	route_vec static_routes;
	rule_vec static_rules;
	VEC(struct garp_group_conf) garp_groups;
	VEC(struct linkbeat_if_conf) linkbeat_interfaces;
	VEC(struct track_group_conf) track_groups;
	VEC(struct if_delay_conf) interface_up_down_delays;
};

/* Lookups by name (NULL when absent), for validation and the runtime. */
struct vrrp_instance_conf *vrrp_find_instance(const struct vrrp_model *m, const char *name);
struct vrrp_script_conf *vrrp_find_script(const struct vrrp_model *m, const char *name);
struct track_file_conf *vrrp_find_track_file(const struct vrrp_model *m, const char *name);
struct track_process_conf *vrrp_find_track_process(const struct vrrp_model *m,
						   const char *name);

#endif
