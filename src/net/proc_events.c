/* Process events connector: the pure half (request encoding, message
 * decoding).  See proc_events.h. */
#include "net/proc_events.h"

#include <stddef.h>
#include <string.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

/* Offsets inside struct proc_event: what (4), cpu (4), timestamp_ns (8),
 * then the union event_data.  The kernel always sends the whole struct of
 * its own version, so a newer kernel's message may be longer than ours and
 * an older one's shorter: fields are read by offset and each kind checks
 * only the bytes it needs. */
#define EV_DATA_OFF offsetof(struct proc_event, event_data)

static const char *const reason_names[PROC_EV_REASON__COUNT] = {
	[PROC_EV_REASON_OK] = "ok",
	[PROC_EV_REASON_SHORT_NLMSG] = "shorter than a netlink header",
	[PROC_EV_REASON_BAD_NLMSG_LEN] = "netlink length out of range",
	[PROC_EV_REASON_NLMSG_ERROR] = "netlink error message",
	[PROC_EV_REASON_NLMSG_TYPE] = "unexpected netlink message type",
	[PROC_EV_REASON_SHORT_CN_MSG] = "shorter than a connector header",
	[PROC_EV_REASON_NOT_PROC] = "not a process event (connector id)",
	[PROC_EV_REASON_BAD_CN_LEN] = "connector length past the message",
	[PROC_EV_REASON_SHORT_EVENT] = "event too short for its kind",
};

const char *proc_ev_reason_str(enum proc_ev_reason r)
{
	return (unsigned)r < PROC_EV_REASON__COUNT ? reason_names[r] : "?";
}

const char *proc_ev_kind_str(enum proc_ev_kind k)
{
	switch (k) {
	case PROC_EV_ACK: return "ack";
	case PROC_EV_FORK: return "fork";
	case PROC_EV_EXEC: return "exec";
	case PROC_EV_COMM: return "comm";
	case PROC_EV_EXIT: return "exit";
	case PROC_EV_OTHER: return "other";
	}
	return "?";
}

size_t proc_events_mcast_msg(void *buf, size_t len, bool listen, uint32_t seq)
{
	uint32_t op = listen ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE;
	struct nlmsghdr nlh = {
		.nlmsg_len = NLMSG_LENGTH(sizeof(struct cn_msg) + sizeof(op)),
		/* The connector takes any type; NLMSG_DONE is what it sends
		 * itself and what every user of it sends. */
		.nlmsg_type = NLMSG_DONE,
		.nlmsg_seq = seq,
	};
	struct cn_msg cn = {
		.id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC },
		.seq = seq,
		/* The kernel's ACK carries this plus one; its seq is the
		 * kernel's own event counter on recent kernels, so the ack
		 * field is what identifies our request. */
		.ack = seq,
		.len = sizeof(op),
	};
	if (len < PROC_EVENTS_REQ_LEN || nlh.nlmsg_len != PROC_EVENTS_REQ_LEN)
		return 0;
	memset(buf, 0, PROC_EVENTS_REQ_LEN);
	memcpy(buf, &nlh, sizeof(nlh));
	memcpy((char *)buf + NLMSG_HDRLEN, &cn, sizeof(cn));
	memcpy((char *)buf + NLMSG_HDRLEN + sizeof(cn), &op, sizeof(op));
	return PROC_EVENTS_REQ_LEN;
}

/* Reads a 32-bit field at `off` into the event data; the buffer need not
 * be aligned (memcpy, not a cast). */
static uint32_t u32_at(const unsigned char *data, size_t off)
{
	uint32_t v;
	memcpy(&v, data + off, sizeof(v));
	return v;
}

/* Bytes of event_data each kind needs. */
static size_t needed(uint32_t what)
{
	switch (what) {
	case PROC_EVENT_NONE: return sizeof(uint32_t);                  /* err */
	case PROC_EVENT_FORK: return 4 * sizeof(int32_t);               /* parent, child */
	case PROC_EVENT_EXEC: return 2 * sizeof(int32_t);               /* pid, tgid */
	case PROC_EVENT_COMM: return 2 * sizeof(int32_t) + 16;          /* pid, tgid, comm */
	case PROC_EVENT_EXIT: return 4 * sizeof(int32_t);               /* pid, tgid, code, signal */
	default: return 0;
	}
}

static void decode_event(const unsigned char *e, size_t elen, struct proc_ev *ev)
{
	const unsigned char *d = e + EV_DATA_OFF;
	memcpy(&ev->what, e, sizeof(ev->what));
	memcpy(&ev->timestamp_ns, e + offsetof(struct proc_event, timestamp_ns),
	       sizeof(ev->timestamp_ns));
	switch (ev->what) {
	case PROC_EVENT_NONE:
		ev->kind = PROC_EV_ACK;
		ev->err = u32_at(d, 0);
		break;
	case PROC_EVENT_FORK:
		ev->kind = PROC_EV_FORK;
		ev->parent_pid = (int32_t)u32_at(d, 0);
		ev->parent_tgid = (int32_t)u32_at(d, 4);
		ev->pid = (int32_t)u32_at(d, 8);
		ev->tgid = (int32_t)u32_at(d, 12);
		break;
	case PROC_EVENT_EXEC:
		ev->kind = PROC_EV_EXEC;
		ev->pid = (int32_t)u32_at(d, 0);
		ev->tgid = (int32_t)u32_at(d, 4);
		break;
	case PROC_EVENT_COMM:
		ev->kind = PROC_EV_COMM;
		ev->pid = (int32_t)u32_at(d, 0);
		ev->tgid = (int32_t)u32_at(d, 4);
		/* The kernel NUL-terminates comm within its 16 bytes; a
		 * 16-byte name without one is still cut safely here. */
		memcpy(ev->comm, d + 8, 16);
		ev->comm[16] = '\0';
		break;
	case PROC_EVENT_EXIT:
		ev->kind = PROC_EV_EXIT;
		ev->pid = (int32_t)u32_at(d, 0);
		ev->tgid = (int32_t)u32_at(d, 4);
		ev->exit_code = u32_at(d, 8);
		ev->exit_signal = u32_at(d, 12);
		/* parent_pid/parent_tgid arrived in Linux 4.19. */
		if (elen >= EV_DATA_OFF + 6 * sizeof(int32_t)) {
			ev->parent_pid = (int32_t)u32_at(d, 16);
			ev->parent_tgid = (int32_t)u32_at(d, 20);
		}
		break;
	default:
		ev->kind = PROC_EV_OTHER;
		break;
	}
}

enum proc_ev_reason proc_events_parse(const void *buf, size_t len, struct proc_ev *ev,
				      size_t *used)
{
	const unsigned char *p = buf;
	struct nlmsghdr nlh;
	struct cn_msg cn;
	*used = 0;
	memset(ev, 0, sizeof(*ev));
	if (len < NLMSG_HDRLEN)
		return PROC_EV_REASON_SHORT_NLMSG;
	memcpy(&nlh, p, sizeof(nlh));
	if (nlh.nlmsg_len < NLMSG_HDRLEN || nlh.nlmsg_len > len)
		return PROC_EV_REASON_BAD_NLMSG_LEN;
	*used = NLMSG_ALIGN(nlh.nlmsg_len) < len ? NLMSG_ALIGN(nlh.nlmsg_len) : len;
	if (nlh.nlmsg_type == NLMSG_ERROR)
		return PROC_EV_REASON_NLMSG_ERROR;
	if (nlh.nlmsg_type != NLMSG_DONE)
		return PROC_EV_REASON_NLMSG_TYPE;
	size_t plen = nlh.nlmsg_len - NLMSG_HDRLEN;
	if (plen < sizeof(cn))
		return PROC_EV_REASON_SHORT_CN_MSG;
	memcpy(&cn, p + NLMSG_HDRLEN, sizeof(cn));
	if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC)
		return PROC_EV_REASON_NOT_PROC;
	if (cn.len > plen - sizeof(cn))
		return PROC_EV_REASON_BAD_CN_LEN;
	const unsigned char *e = p + NLMSG_HDRLEN + sizeof(cn);
	if (cn.len < EV_DATA_OFF)
		return PROC_EV_REASON_SHORT_EVENT;
	uint32_t what;
	memcpy(&what, e, sizeof(what));
	if (cn.len < EV_DATA_OFF + needed(what))
		return PROC_EV_REASON_SHORT_EVENT;
	ev->seq = cn.seq;
	ev->ack = cn.ack;
	decode_event(e, cn.len, ev);
	return PROC_EV_REASON_OK;
}
