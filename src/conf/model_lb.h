/* Load-balancer side of the configuration model: virtual_server_group,
 * virtual_server with its real servers and their health checkers, the SSL
 * block and bfd_instance.
 *
 * The structs hold what the file says.  Settings that keepalived inherits
 * down the tree (virtual server -> real server -> checker: delay_loop,
 * connect_timeout, retry, delay_before_retry, warmup, alpha, virtualhost,
 * lvs_method, inhibit_on_failure) start "unset" (LB_UNSET / -1 / NULL) and
 * validate_lb() resolves them, so after a load every checker carries its
 * effective values and the dump shows them; a virtual or real server keeps
 * null for retry/delay_before_retry/warmup it does not set, because their
 * defaults depend on the checker type. */
#ifndef HALO_CONF_MODEL_LB_H
#define HALO_CONF_MODEL_LB_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/kw.h"
#include "conf/model_global.h" /* struct script_conf */
#include "core/arena.h"

#define LB_UNSET UINT64_MAX /* a duration the file did not set */

enum lb_proto { LB_PROTO_UNSET = 0, LB_PROTO_TCP = 6, LB_PROTO_UDP = 17, LB_PROTO_SCTP = 132 };

enum lb_sched {
	LB_SCHED_RR, LB_SCHED_WRR, LB_SCHED_LC, LB_SCHED_WLC, LB_SCHED_LBLC,
	LB_SCHED_LBLCR, LB_SCHED_DH, LB_SCHED_SH, LB_SCHED_SED, LB_SCHED_NQ,
	LB_SCHED_FO, LB_SCHED_OVF, LB_SCHED_MH, LB_SCHED_TWOS,
};

enum lb_method { LB_METHOD_UNSET = 0, LB_METHOD_NAT, LB_METHOD_DR, LB_METHOD_TUN };
enum lb_tun_type { LB_TUN_IPIP = 0, LB_TUN_GUE, LB_TUN_GRE };
enum lb_tun_csum { LB_CSUM_UNSET = 0, LB_CSUM_NOCSUM, LB_CSUM_CSUM, LB_CSUM_REMCSUM };

/* `lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]` */
struct lb_fwd {
	int method;    /* enum lb_method */
	int tun_type;  /* enum lb_tun_type, TUN only */
	uint16_t tun_port; /* gue only */
	int tun_csum;  /* enum lb_tun_csum */
};

/* The checker timing settings a virtual server, a real server and a checker
 * all accept.  It is the FIRST member of each of those structs, so one set of
 * keyword callbacks serves the three levels (static_assert in sec_lb.c). */
struct lb_timing {
	uint64_t delay_loop_us;         /* default 60 s */
	uint64_t connect_timeout_us;    /* default 5 s */
	uint64_t delay_before_retry_us; /* default 1 s; 3 s HTTP/SSL; delay_loop DNS */
	uint64_t warmup_us;             /* default: delay_loop */
	int64_t retry;                  /* -1 unset; default 1; DNS 3; MISC 0 */
	int8_t alpha;                   /* -1 unset, else 0/1 */
};

enum chk_type {
	CHK_TCP, CHK_HTTP, CHK_SSL, CHK_MISC, CHK_SMTP, CHK_DNS, CHK_UDP,
	CHK_PING, CHK_FILE, CHK_BFD,
};

/* Where a checker connects from and to (also an SMTP_CHECK `host` block). */
struct chk_conn {
	struct cf_loc loc;
	struct halo_addr connect_ip; /* default: the real server's address */
	int connect_port;            /* 0: the real server's port */
	struct halo_addr bindto;
	int bind_port;               /* 0: any */
	char *bind_if;
	int fwmark;                  /* 0: no mark */
};

/* An HTTP status range; `status_code 200` is { 200, 200 }. */
struct http_status {
	int lo, hi;
};

struct url_conf {
	struct cf_loc loc;
	char *path;
	char *digest;        /* 32 lowercase hex digits */
	VEC(struct http_status) status; /* never empty: 200-299 when not written */
	char *virtualhost;   /* resolved: the checker's when not written */
	char *regex;
	bool regex_no_match;
	struct strvec regex_options;
	int regex_stack_start, regex_stack_max; /* 0: library default */
	int regex_min_offset, regex_max_offset; /* 0: unset */
};

enum http_proto { HTTP_PROTO_1_0, HTTP_PROTO_1_0C, HTTP_PROTO_1_1 };
enum dns_type { DNS_A, DNS_NS, DNS_CNAME, DNS_SOA, DNS_MX, DNS_TXT, DNS_AAAA,
		DNS_RRSIG, DNS_DNSKEY };

struct checker_conf {
	struct lb_timing t; /* must stay first */
	struct cf_loc loc;
	enum chk_type type;
	bool invalid; /* keepalived ignores it (no url, no misc_path, ...) */
	struct chk_conn conn;
	bool log_all_failures;
	union {
		struct {
			int protocol; /* enum http_proto, default 1.0 */
			bool fast_recovery;
			bool enable_sni;
			char *virtualhost; /* NULL: the real server's */
			VEC(struct url_conf) urls;
		} http;
		struct {
			char *path;             /* misc_path, counted as a script */
			uint64_t timeout_us;    /* misc_timeout; LB_UNSET: delay_loop */
			bool dynamic;
			char *user, *group;
		} misc;
		struct {
			char *helo_name;
			VEC(struct chk_conn) hosts; /* deprecated `host { }` blocks */
		} smtp;
		struct {
			int type;  /* enum dns_type, default SOA */
			char *name; /* default "." */
		} dns;
		struct {
			char *payload;       /* normalised hex, NULL: random */
			bool require_reply;
			char *reply;         /* normalised hex with x for "any" */
			int min_reply_length, max_reply_length;
		} udp;
		struct {
			char *track_file;
			int weight;
			bool reverse;
			bool dynamic;
		} file;
		struct {
			char *name;
		} bfd;
	} u;
};

struct real_server_conf {
	struct lb_timing t; /* must stay first */
	struct cf_loc loc;
	struct halo_addr addr;
	uint16_t port;
	bool port_set;
	bool invalid; /* skipped, as keepalived skips it (family mismatch, duplicate) */
	int weight;   /* default 1 */
	struct lb_fwd fwd; /* method unset: the virtual server's */
	int8_t inhibit_on_failure; /* -1: the virtual server's */
	struct script_conf notify_up, notify_down;
	int uthreshold, lthreshold;
	bool smtp_alert; /* default on */
	char *virtualhost; /* NULL: the virtual server's */
	char *snmp_name;
	VEC(struct checker_conf) checkers;
};

enum lb_vs_kind { LB_VS_ADDR, LB_VS_FWMARK, LB_VS_GROUP };

struct lb_sorry {
	bool set;
	struct cf_loc loc;
	struct halo_addr addr;
	uint16_t port;
	bool inhibit;
	struct lb_fwd fwd; /* method unset: the virtual server's */
	struct cf_loc inhibit_loc, fwd_loc; /* where they were set, 0 line: not */
};

struct virtual_server_conf {
	struct lb_timing t; /* must stay first */
	struct cf_loc loc;
	int kind;             /* enum lb_vs_kind */
	struct halo_addr addr;
	uint16_t port;
	unsigned fwmark;
	char *group;
	bool invalid;         /* keepalived skips it; halo does not configure it */
	int family;           /* resolved: AF_INET / AF_INET6 */
	int ip_family;        /* as written: AF_UNSPEC, AF_INET, AF_INET6 */
	int protocol;         /* enum lb_proto; unset resolves to UDP as keepalived */
	int sched;            /* enum lb_sched, default wlc */
	bool flag1, flag2, flag3, sh_port, sh_fallback, mh_port, mh_fallback, ops;
	struct lb_fwd fwd;    /* default NAT */
	char *persistence_engine;
	int persistence_timeout; /* seconds, 0: not persistent */
	int persistence_granularity; /* prefix length, 0: unset */
	int granularity_family; /* AF_INET: written as a netmask; AF_INET6: a length */
	bool ha_suspend;
	bool smtp_alert;
	char *virtualhost;
	char *snmp_name;
	bool omega;
	bool inhibit_on_failure;
	int quorum;           /* default 1 */
	int hysteresis;
	struct script_conf quorum_up, quorum_down;
	struct lb_sorry sorry;
	VEC(struct real_server_conf) rs;
};

enum vsg_kind { VSG_ADDR, VSG_RANGE, VSG_FWMARK };

struct vsg_entry {
	struct cf_loc loc;
	int kind;              /* enum vsg_kind */
	struct halo_addr addr; /* first address of a range */
	struct halo_addr end;  /* VSG_RANGE: last address, inclusive */
	uint16_t port;
	unsigned fwmark;
	int family;            /* fwmark `inet|inet6`; AF_UNSPEC when not written */
};

struct vsg_conf {
	struct cf_loc loc;
	char *name;
	bool invalid;
	VEC(struct vsg_entry) entries;
};

struct ssl_conf {
	bool set;
	struct cf_loc loc;
	char *password, *ca, *certificate, *key;
};

struct bfd_conf {
	struct cf_loc loc;
	char *name;
	bool invalid;
	struct halo_addr neighbor_ip, source_ip;
	uint64_t min_rx_us, min_tx_us, idle_tx_us; /* written in ms */
	int multiplier;   /* default 5 */
	bool passive;
	int ttl;          /* ttl/hoplimit; 0 unset: 255 IPv4, 64 IPv6 */
	int max_hops;     /* -1..255, default 0 */
	int weight;       /* -253..253 */
	bool reverse;
	bool vrrp, checker; /* neither: both processes get events */
};

struct lb_model {
	VEC(struct vsg_conf) groups;
	VEC(struct virtual_server_conf) vs;
	VEC(struct bfd_conf) bfd;
	struct ssl_conf ssl;
};

#endif
