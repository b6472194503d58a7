/* The kernel's process events connector (NETLINK_CONNECTOR, group
 * CN_IDX_PROC): the kernel multicasts one message per fork, exec, comm
 * change and exit of any task on the machine, with pids as seen from the
 * initial pid namespace.  vrrp_track_process follows these instead of
 * rescanning /proc (vrrp/vrrp_procwatch.c).
 *
 * Two halves:
 *  - pure (proc_events.c): builds the PROC_CN_MCAST_LISTEN / IGNORE request
 *    and decodes one received netlink message into a `struct proc_ev`, or a
 *    named reason why it was rejected.  No socket, no global, no log.
 *  - socket (proc_events_sock.c): opens the socket, subscribes and waits
 *    (briefly, bounded) for the kernel's acknowledgement, reads datagrams,
 *    unsubscribes.  No event loop: the caller polls the descriptor.
 *
 * The connector exists only in the initial network namespace, binding to
 * its group needs CAP_NET_ADMIN, and the kernel silently ignores a LISTEN
 * from outside the initial pid and user namespaces: each of these makes
 * proc_events_open() fail with a reason, and the caller falls back to
 * scanning /proc. */
#ifndef HALO_NET_PROC_EVENTS_H
#define HALO_NET_PROC_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum proc_ev_kind {
	PROC_EV_ACK,   /* PROC_EVENT_NONE: the kernel's reply to a LISTEN/IGNORE */
	PROC_EV_FORK,  /* a new task (a process, or a thread when pid != tgid) */
	PROC_EV_EXEC,  /* a process replaced its image: new comm and cmdline */
	PROC_EV_COMM,  /* a task renamed itself (prctl PR_SET_NAME) */
	PROC_EV_EXIT,  /* a task ended (the process when pid == tgid) */
	PROC_EV_OTHER, /* uid, gid, sid, ptrace, coredump: not used by halo */
};

/* One decoded event.  For FORK, pid/tgid are the child's and
 * parent_pid/parent_tgid the parent's; for EXIT the parent is 0 when the
 * kernel is too old to send it (before Linux 4.19). */
struct proc_ev {
	enum proc_ev_kind kind;
	uint32_t what;          /* the raw PROC_EVENT_* value */
	uint32_t seq, ack;      /* of the connector header (ACK: ack = our request's + 1) */
	uint64_t timestamp_ns;  /* since boot, as the kernel stamped it */
	int32_t pid, tgid;
	int32_t parent_pid, parent_tgid;
	uint32_t exit_code;     /* EXIT: wait(2) status, e.g. 9 for SIGKILL */
	uint32_t exit_signal;   /* EXIT: signal sent to the parent (SIGCHLD) */
	uint32_t err;           /* ACK: 0, or the errno the kernel refused with */
	char comm[17];          /* COMM: the new name, NUL-terminated */
};

/* Why a message was not decoded; each has a name (proc_ev_reason_str). */
enum proc_ev_reason {
	PROC_EV_REASON_OK = 0,
	PROC_EV_REASON_SHORT_NLMSG,   /* fewer bytes than a netlink header */
	PROC_EV_REASON_BAD_NLMSG_LEN, /* nlmsg_len below the header or past the datagram */
	PROC_EV_REASON_NLMSG_ERROR,   /* NLMSG_ERROR from the kernel */
	PROC_EV_REASON_NLMSG_TYPE,    /* any type but NLMSG_DONE (which the connector uses) */
	PROC_EV_REASON_SHORT_CN_MSG,  /* no room for the connector header */
	PROC_EV_REASON_NOT_PROC,      /* connector id other than CN_IDX_PROC/CN_VAL_PROC */
	PROC_EV_REASON_BAD_CN_LEN,    /* cn_msg.len past the netlink payload */
	PROC_EV_REASON_SHORT_EVENT,   /* cn_msg.len too small for the event's fields */
	PROC_EV_REASON__COUNT,
};

const char *proc_ev_reason_str(enum proc_ev_reason r);
const char *proc_ev_kind_str(enum proc_ev_kind k);

/* Room for a LISTEN/IGNORE request: netlink header, connector header and
 * the 32-bit operation. */
#define PROC_EVENTS_REQ_LEN 40

/* Encodes PROC_CN_MCAST_LISTEN (listen) or PROC_CN_MCAST_IGNORE into buf,
 * with `seq` as both headers' seq and as the connector's ack: the kernel's
 * ACK carries ack = seq + 1.  Returns the length (PROC_EVENTS_REQ_LEN), or
 * 0 when len is too small. */
size_t proc_events_mcast_msg(void *buf, size_t len, bool listen, uint32_t seq);

/* Decodes the netlink message at the start of buf (len bytes of one
 * datagram).  *used is set to the bytes it occupies, aligned, so a caller
 * can walk a datagram holding several (0 when even the header is unusable:
 * stop walking).  Returns PROC_EV_REASON_OK with *ev filled, or why not. */
enum proc_ev_reason proc_events_parse(const void *buf, size_t len, struct proc_ev *ev,
				      size_t *used);

/* ---- socket half (proc_events_sock.c) -------------------------------------- */

/* A datagram holds one event of ~100 bytes; this leaves ample room. */
#define PROC_EVENTS_RECV_LEN 1024

/* Opens a non-blocking NETLINK_CONNECTOR socket, joins CN_IDX_PROC, sends
 * LISTEN and waits up to `ack_timeout_ms` for the kernel's ACK (any event
 * read before it is dropped).  Returns the descriptor, or -1 with a
 * sentence in why saying which step failed and the likely cause. */
int proc_events_open(int ack_timeout_ms, char *why, size_t whylen);

/* Reads one datagram from the kernel (datagrams from anyone else are
 * skipped).  Returns its length, 0 when nothing is queued, or -errno:
 * -ENOBUFS means events were lost (the receive queue overflowed) and the
 * socket is still usable. */
ssize_t proc_events_recv(int fd, void *buf, size_t len);

/* Unsubscribes (IGNORE, so older kernels stop generating events for us)
 * and closes. */
void proc_events_close(int fd);

#endif
