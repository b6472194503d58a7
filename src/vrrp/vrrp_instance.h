/* The VRRP child's runtime: the engine object (one per process), the raw
 * VRRP sockets it shares between instances, and the instances themselves.
 *
 * The pure core (vrrp_fsm, vrrp_pkt, vrrp_timer) decides; this layer only
 * carries its decisions out against the kernel: it feeds the state machine
 * with events from sockets, timers and link changes, and performs the
 * actions the machine returns (send adverts, add/remove VIPs, GARP/NA).
 *
 * Split by concern:
 *   vrrp_engine.c    engine object, link monitoring, reload diff, stop
 *   vrrp_instance.c  one instance: FSM glue, precise timer, adverts
 *   vrrp_vip.c       VIPs and the GARP/NA schedule
 *   vrrp_sock.c      raw IPPROTO_VRRP sockets and demultiplexing by VRID
 *   vrrp_status.c    the status JSON
 *   vrrp_dump.c      the signal dumps (/tmp/keepalived.data, .stats, .json)
 */
#ifndef HALO_VRRP_VRRP_INSTANCE_H
#define HALO_VRRP_VRRP_INSTANCE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <uv.h>

#include "conf/conf.h"
#include "core/engine.h"
#include "net/garp_send.h"
#include "net/rtnl.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_pkt.h"
#include "vrrp/vrrp_sched.h"
#include "vrrp/vrrp_track.h"

struct vrrp_engine;
struct vrrp_inst;
struct vrrp_tracking;

/* One raw socket per (interface, family), shared by the instances on it. */
struct vrrp_sock {
	struct vrrp_engine *eng;
	int family;
	int ifindex;
	char ifname[IFNAMSIZ];
	int fd;
	uv_poll_t poll;
	unsigned refs;
	/* Drops before an instance could be chosen (IP header, too short to
	 * carry a VRID, unknown VRID). */
	struct vrrp_rx_counters rx;
	uint64_t recv_errors;
	/* The instance for each VRID on this socket, rebuilt when the
	 * engine's inst_gen moves on (instances added, removed, moved). */
	struct vrrp_inst *by_vrid[256];
	uint64_t by_vrid_gen;
	/* Adverts queued for one sendmmsg() (vrrp_sock_queue), allocated on
	 * first use. */
	struct vrrp_txq *txq;
	bool tx_pending;
	struct vrrp_sock *next;
};

/* Precision of the protocol timer: how late the timer fired, in µs. */
struct vrrp_timer_stats {
	uint64_t fires;
	uint64_t late_sum_us;
	uint64_t late_max_us;
};

struct vrrp_inst {
	struct vrrp_engine *eng;
	const struct vrrp_instance_conf *conf; /* points into the current config */
	struct vrrp_fsm fsm;
	struct vrrp_sock *sock;    /* NULL while the interface is missing */
	struct vrrp_vmac *vmac;    /* use_vmac: its macvlan (vrrp_vmac.c), else NULL */
	int ifindex;
	uint8_t mac[ARP_NA_MAC_LEN];
	bool link_usable;
	bool in_fault;             /* own interface missing, down or without an address */
	bool track_fault;          /* a tracker says FAULT (vrrp_tracking.c) */
	bool group_fault;          /* held in FAULT by its sync group */
	bool fault_fed;            /* a FAULT event was fed and not cleared */
	struct vrrp_track_set ts;  /* trackers: results, weights, effective priority */
	int notify_h;              /* notify target, -1: none */
	int group;                 /* index in the model's sync groups, -1: none */
	bool sync_trigger;         /* changed state since the group was last reconciled */
	bool want_master;          /* its down timer ran out, waiting for the group */
	bool deleted;              /* being removed by a reload (notify DELETED) */
	struct halo_addr primary;  /* our source address */
	bool vips_added;
	struct vrrp_rx_counters rx;
	uint64_t send_errors;
	uint64_t garp_sent, na_sent, garp_errors;
	uint64_t addr_list_mismatch;
	uint64_t unicast_src_drops; /* check_unicast_src: not from a peer */
	/* Protocol timer: the FSM's next deadline, kept in the engine's
	 * heap (one timerfd for all instances, vrrp_engine.c). */
	struct vrrp_sched_item titem;
	struct vrrp_timer_stats tstats;
	/* GARP/NA schedule: the second burst after garp_master_delay and the
	 * garp_master_refresh bursts, deadlines (µs, 0: none) kept in the
	 * engine's announcement heap. */
	struct vrrp_sched_item gitem;
	uint64_t garp_second_us, garp_refresh_us;
	int garp_pending_repeat;
	/* Last transition, for status. */
	time_t last_wall;
	enum vrrp_state last_from, last_to;
	enum vrrp_reason last_reason;
	struct vrrp_inst *next;
};

struct vrrp_engine {
	struct engine_env *env;
	uv_loop_t *loop;
	const struct halo_config *cfg;
	struct rtnl rtnl;
	bool rtnl_ok;
	uv_poll_t rtnl_poll;
	bool rtnl_poll_on;
	struct garp_sender garp;
	bool garp_ok;
	struct vrrp_inst *insts;
	struct vrrp_sock *socks;
	struct vrrp_tracking *trk; /* trackers, notify, SMTP, sync groups */
	bool stopping;
	/* Every instance's protocol deadline in one heap and one timerfd on
	 * CLOCK_MONOTONIC, armed at the absolute µs deadline so it fires
	 * within tens of µs instead of libuv's millisecond granularity.  The
	 * timerfd is re-armed once per loop iteration (the prepare handle),
	 * and only when the earliest deadline moved earlier than it is armed
	 * for: a backup's Master_Down_Timer pushed back by each advert costs
	 * no system call. */
	struct vrrp_sched sched;
	struct vrrp_sched gsched;  /* the instances' GARP/NA schedules */
	int tfd;
	uv_poll_t tpoll;
	uv_prepare_t tprep;
	bool timer_on;
	uint64_t tfd_armed_us;     /* 0: disarmed */
	/* Bumped whenever an instance is added, removed or changes socket:
	 * the sockets' VRID tables are rebuilt lazily from it. */
	uint64_t inst_gen;
	struct vrrp_rxbuf *rxbuf;  /* receive buffers (vrrp_sock.c) */
	/* While set, adverts go to their socket's queue and leave together
	 * when the timer callback ends (a master's periodic adverts only:
	 * a take-over advert always leaves at once). */
	bool tx_batching;
	bool tx_pending;           /* some socket has queued adverts */
};

/* vrrp_engine.c */
struct vrrp_engine *vrrp_engine_new(struct engine_env *env);
extern const struct engine_ops vrrp_engine_ops;

/* Deadlines of the instances' protocol timers and of their GARP/NA
 * schedules (vrrp_engine.c); 0 removes. */
void vrrp_engine_schedule(struct vrrp_inst *v, uint64_t deadline_us);
void vrrp_engine_schedule_garp(struct vrrp_inst *v, uint64_t deadline_us);

/* vrrp_instance.c */
/* The engine's timer found `v`'s deadline due at `now` (µs), or its
 * advert due within vrrp_inst_adver_slack_us(v) of `now`. */
void vrrp_inst_timer(struct vrrp_inst *v, uint64_t now);
/* How early a master's advert may leave to share a wake-up with others
 * due at about the same time: 1/500 of the interval, at most 200 µs (a
 * deviation far below what a backup's Master_Down_Interval can notice,
 * and below the 1 ms jitter goal).  0 for every other deadline: a
 * Master_Down_Timer never fires early. */
#define VRRP_ADVER_SLACK_MAX_US 200
uint64_t vrrp_inst_adver_slack_us(const struct vrrp_inst *v);
struct vrrp_inst *vrrp_inst_new(struct vrrp_engine *eng, const struct vrrp_instance_conf *c);
void vrrp_inst_start(struct vrrp_inst *v);
/* Feed one event now and perform the actions. */
void vrrp_inst_event(struct vrrp_inst *v, const struct vrrp_event *ev);
/* A queued advert of `v` could not be sent (negative errno). */
void vrrp_inst_send_failed(struct vrrp_inst *v, int err);
/* Resignation (priority 0 if MASTER, VIPs released unless the engine is
 * stopping under -V), then close its handles; the memory is freed when
 * they are closed. */
void vrrp_inst_stop(struct vrrp_inst *v);
/* One received message for this instance (VRID already matched). */
void vrrp_inst_rx(struct vrrp_inst *v, const uint8_t *msg, size_t len,
		  const struct halo_addr *src, const struct halo_addr *dst, int ttl);
/* Adopt a new config for the same instance (reload). */
void vrrp_inst_reconf(struct vrrp_inst *v, const struct vrrp_instance_conf *c);
void vrrp_inst_link_changed(struct vrrp_inst *v, bool usable);
/* Feeds FAULT / FAULT_CLEARED when the union of the interface, tracker and
 * sync-group faults differs from what the state machine was last told. */
void vrrp_inst_set_fault(struct vrrp_inst *v);
/* The interface was deleted (FAULT, socket released) / a link with the
 * configured name appeared (socket opened, FAULT cleared if usable). */
void vrrp_inst_link_gone(struct vrrp_inst *v);
/* An address was removed from an interface.  One of a MASTER's VIPs
 * (without no_track): the instance leaves MASTER, as keepalived's does, and
 * adds its VIPs again when it is MASTER again.  The address we send from
 * (on the instance's base interface): another is chosen, or the instance
 * goes to FAULT until one is added again. */
void vrrp_inst_addr_removed(struct vrrp_inst *v, const struct rtnl_addr *a);
void vrrp_inst_link_appeared(struct vrrp_inst *v);

/* vrrp_vip.c */
/* Adds or removes every VIP of the instance (virtual_ipaddress and
 * virtual_ipaddress_excluded). */
void vrrp_vips_all(struct vrrp_inst *v, bool add);
/* Removes VIPs of `v`'s config left on the interfaces by a killed run. */
void vrrp_vips_cleanup_stale(struct vrrp_inst *v);
/* Reload while holding the VIPs: remove those only in `oldc`, add those
 * only in `newc`. */
void vrrp_vips_reload(struct vrrp_inst *v, const struct vrrp_instance_conf *oldc,
		      const struct vrrp_instance_conf *newc);
/* Is `a` one of the VIPs `v` added, on the interface it added it to, and
 * without no_track? */
bool vrrp_vip_tracked(struct vrrp_inst *v, const struct rtnl_addr *a);
void vrrp_garp_start(struct vrrp_inst *v, enum vrrp_garp_kind kind);
void vrrp_garp_stop(struct vrrp_inst *v);
/* The engine found `v`'s GARP/NA deadline due at `now` (µs). */
void vrrp_garp_timer(struct vrrp_inst *v, uint64_t now);
void vrrp_garp_burst(struct vrrp_inst *v, int repeat);

/* vrrp_sock.c */
struct vrrp_sock *vrrp_sock_get(struct vrrp_engine *eng, int family, int ifindex,
				const char *ifname);
void vrrp_sock_put(struct vrrp_sock *s);
/* Sends `len` bytes from `src` to `dst` with hop limit / TTL `ttl`. */
int vrrp_sock_send(struct vrrp_sock *s, const uint8_t *buf, size_t len,
		   const struct halo_addr *src, const struct halo_addr *dst, int ttl);
/* The same, queued until vrrp_sock_flush_all() (or a full queue); a
 * failure is reported later through vrrp_inst_send_failed(v, -errno). */
int vrrp_sock_queue(struct vrrp_sock *s, struct vrrp_inst *v, const uint8_t *buf, size_t len,
		    const struct halo_addr *src, const struct halo_addr *dst, int ttl);
void vrrp_sock_flush_all(struct vrrp_engine *eng);

/* vrrp_dump.c: SIGUSR1, SIGUSR2 / STATS_CLEAR, JSON signal hooks. */
void vrrp_dump_data(void *engine);
void vrrp_dump_stats(void *engine, bool clear);
void vrrp_dump_json(void *engine);

/* vrrp_status.c */
void vrrp_status_fill(struct vrrp_engine *eng, json_object *result);
json_object *vrrp_rx_drops_json(const struct vrrp_rx_counters *c);

#endif
