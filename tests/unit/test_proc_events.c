/* Process events connector codec against byte vectors.
 *
 * The vectors are laid out by hand from the kernel's uapi headers
 * (linux/netlink.h, linux/connector.h, linux/cn_proc.h) in the byte order
 * of a little-endian host, as the kernel sends them there: a 16-byte
 * nlmsghdr of type NLMSG_DONE, a 20-byte cn_msg with id CN_IDX_PROC /
 * CN_VAL_PROC, then struct proc_event (what, cpu, timestamp_ns, then the
 * event's fields).  A 6.x kernel sends 40 bytes of proc_event for every
 * kind; a kernel before 4.19 sent 32 (no parent in exit events). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/proc_events.h"

#define NL(len, type) (len), 0, 0, 0, (type), 0, 0, 0 /* nlmsg_len, type, flags */
#define U32(v) (v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, ((unsigned)(v) >> 24) & 0xff
#define CN(seq, ack, len) 1, 0, 0, 0, 1, 0, 0, 0, U32(seq), U32(ack), (len), 0, 0, 0
#define TS 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01 /* 0x0102030405060708 ns */

/* fork: parent 100/100 -> child 4242/4242 on cpu 1. */
static const uint8_t fork_vec[76] = {
	NL(76, 3), U32(0), U32(0),
	CN(0, 0, 40),
	U32(0x00000001), U32(1), TS,
	U32(100), U32(100), U32(4242), U32(4242), 0, 0, 0, 0, 0, 0, 0, 0,
};

/* exec: 4242/4242. */
static const uint8_t exec_vec[76] = {
	NL(76, 3), U32(0), U32(0),
	CN(0, 0, 40),
	U32(0x00000002), U32(0), TS,
	U32(4242), U32(4242),
};

/* comm: thread 4243 of 4242 renamed to "worker-1". */
static const uint8_t comm_vec[76] = {
	NL(76, 3), U32(0), U32(0),
	CN(0, 0, 40),
	U32(0x00000200), U32(0), TS,
	U32(4243), U32(4242), 'w', 'o', 'r', 'k', 'e', 'r', '-', '1', 0, 0, 0, 0, 0, 0, 0, 0,
};

/* exit: 4242/4242 killed by SIGKILL (wait status 9), exit_signal SIGCHLD,
 * parent 100/100. */
static const uint8_t exit_vec[76] = {
	NL(76, 3), U32(0), U32(0),
	CN(0, 0, 40),
	U32(0x80000000), U32(3), TS,
	U32(4242), U32(4242), U32(9), U32(17), U32(100), U32(100),
};

/* exit from a kernel before 4.19: a 32-byte proc_event, no parent. */
static const uint8_t exit_old_vec[68] = {
	NL(68, 3), U32(0), U32(0),
	CN(0, 0, 32),
	U32(0x80000000), U32(0), TS,
	U32(4242), U32(4242), U32(0), U32(17),
};

/* The kernel's ACK of our LISTEN sent with ack 0x1234: ack + 1, and the
 * kernel's own counter (624) as seq, as Linux 6.18 sends it. */
static const uint8_t ack_vec[76] = {
	NL(76, 3), U32(624), U32(0),
	CN(624, 0x1235, 40),
	U32(0), U32(0), TS,
	U32(0),
};

/* PROC_CN_MCAST_LISTEN with seq and ack 0x01020304. */
static const uint8_t listen_vec[PROC_EVENTS_REQ_LEN] = {
	NL(40, 3), U32(0x01020304), U32(0),
	CN(0x01020304, 0x01020304, 4),
	U32(1),
};

static bool little_endian(void)
{
	uint16_t one = 1;
	return *(const uint8_t *)&one == 1;
}

static enum proc_ev_reason parse(const uint8_t *v, size_t len, struct proc_ev *ev, size_t *used)
{
	return proc_events_parse(v, len, ev, used);
}

static void test_listen_and_ignore_requests(void **state)
{
	(void)state;
	if (!little_endian())
		skip();
	uint8_t buf[64];
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(proc_events_mcast_msg(buf, sizeof(buf), true, 0x01020304),
			 PROC_EVENTS_REQ_LEN);
	assert_memory_equal(buf, listen_vec, sizeof(listen_vec));
	assert_int_equal(buf[PROC_EVENTS_REQ_LEN], 0xaa); /* nothing past the end */
	assert_int_equal(proc_events_mcast_msg(buf, sizeof(buf), false, 0x01020304),
			 PROC_EVENTS_REQ_LEN);
	assert_int_equal(buf[36], 2); /* PROC_CN_MCAST_IGNORE */
	assert_memory_equal(buf, listen_vec, 36);
	assert_int_equal(proc_events_mcast_msg(buf, PROC_EVENTS_REQ_LEN - 1, true, 1), 0);
}

static void test_fork_exec_comm_exit(void **state)
{
	(void)state;
	if (!little_endian())
		skip();
	struct proc_ev ev;
	size_t used;
	assert_int_equal(parse(fork_vec, sizeof(fork_vec), &ev, &used), PROC_EV_REASON_OK);
	assert_int_equal(used, 76);
	assert_int_equal(ev.kind, PROC_EV_FORK);
	assert_int_equal(ev.parent_pid, 100);
	assert_int_equal(ev.parent_tgid, 100);
	assert_int_equal(ev.pid, 4242);
	assert_int_equal(ev.tgid, 4242);
	assert_true(ev.timestamp_ns == UINT64_C(0x0102030405060708));
	assert_string_equal(proc_ev_kind_str(ev.kind), "fork");

	assert_int_equal(parse(exec_vec, sizeof(exec_vec), &ev, &used), PROC_EV_REASON_OK);
	assert_int_equal(ev.kind, PROC_EV_EXEC);
	assert_int_equal(ev.pid, 4242);
	assert_int_equal(ev.tgid, 4242);
	assert_int_equal(ev.parent_tgid, 0);

	assert_int_equal(parse(comm_vec, sizeof(comm_vec), &ev, &used), PROC_EV_REASON_OK);
	assert_int_equal(ev.kind, PROC_EV_COMM);
	assert_int_equal(ev.pid, 4243); /* a thread: pid != tgid */
	assert_int_equal(ev.tgid, 4242);
	assert_string_equal(ev.comm, "worker-1");

	assert_int_equal(parse(exit_vec, sizeof(exit_vec), &ev, &used), PROC_EV_REASON_OK);
	assert_int_equal(ev.kind, PROC_EV_EXIT);
	assert_int_equal(ev.what, 0x80000000u);
	assert_int_equal(ev.pid, 4242);
	assert_int_equal(ev.exit_code, 9);
	assert_int_equal(ev.exit_signal, 17);
	assert_int_equal(ev.parent_pid, 100);
	assert_int_equal(ev.parent_tgid, 100);

	assert_int_equal(parse(exit_old_vec, sizeof(exit_old_vec), &ev, &used),
			 PROC_EV_REASON_OK);
	assert_int_equal(used, 68);
	assert_int_equal(ev.kind, PROC_EV_EXIT);
	assert_int_equal(ev.pid, 4242);
	assert_int_equal(ev.parent_pid, 0);
}

static void test_ack_and_other_kinds(void **state)
{
	(void)state;
	if (!little_endian())
		skip();
	struct proc_ev ev;
	size_t used;
	assert_int_equal(parse(ack_vec, sizeof(ack_vec), &ev, &used), PROC_EV_REASON_OK);
	assert_int_equal(ev.kind, PROC_EV_ACK);
	assert_int_equal(ev.seq, 624);
	assert_int_equal(ev.ack, 0x1235);
	assert_int_equal(ev.err, 0);

	uint8_t v[76];
	memcpy(v, ack_vec, sizeof(v));
	v[52] = 1; /* err = EPERM */
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_OK);
	assert_int_equal(ev.err, 1);

	memcpy(v, exec_vec, sizeof(v));
	v[36] = 0x04; /* PROC_EVENT_UID */
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_OK);
	assert_int_equal(ev.kind, PROC_EV_OTHER);
	assert_int_equal(ev.pid, 0); /* not decoded */
}

static void test_truncated_rejected(void **state)
{
	(void)state;
	if (!little_endian())
		skip();
	struct proc_ev ev;
	size_t used;
	/* The datagram cut anywhere: never read past it, never accepted. */
	for (size_t len = 0; len < sizeof(exit_vec); len++) {
		enum proc_ev_reason r = parse(exit_vec, len, &ev, &used);
		assert_int_not_equal(r, PROC_EV_REASON_OK);
		assert_true(used <= len);
	}
	assert_int_equal(parse(exit_vec, 15, &ev, &used), PROC_EV_REASON_SHORT_NLMSG);
	assert_int_equal(used, 0);
	assert_int_equal(parse(exit_vec, 75, &ev, &used), PROC_EV_REASON_BAD_NLMSG_LEN);

	uint8_t v[76];
	/* nlmsg_len below the header. */
	memcpy(v, exit_vec, sizeof(v));
	v[0] = 8;
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_BAD_NLMSG_LEN);
	/* nlmsg_len too short for the connector header. */
	v[0] = 30;
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_SHORT_CN_MSG);
	assert_int_equal(used, 32); /* aligned: the next message would start there */
	/* cn_msg.len past the netlink payload. */
	memcpy(v, exit_vec, sizeof(v));
	v[32] = 41;
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_BAD_CN_LEN);
	/* A comm event whose cn_msg.len leaves no room for the name. */
	uint8_t c[76];
	memcpy(c, comm_vec, sizeof(c));
	c[32] = 24 + 8;
	assert_int_equal(parse(c, sizeof(c), &ev, &used), PROC_EV_REASON_SHORT_EVENT);
	/* An exit with only pid and tgid. */
	memcpy(v, exit_vec, sizeof(v));
	v[32] = 16 + 8;
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_SHORT_EVENT);
	/* Not even the event header. */
	v[32] = 12;
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_SHORT_EVENT);
}

static void test_garbage_rejected(void **state)
{
	(void)state;
	if (!little_endian())
		skip();
	struct proc_ev ev;
	size_t used;
	uint8_t v[76];
	memcpy(v, fork_vec, sizeof(v));
	v[4] = 2; /* NLMSG_ERROR */
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_NLMSG_ERROR);
	v[4] = 0x10; /* RTM_NEWLINK: some other family's message */
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_NLMSG_TYPE);
	memcpy(v, fork_vec, sizeof(v));
	v[16] = 2; /* CN_IDX_CIFS */
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_NOT_PROC);
	memcpy(v, fork_vec, sizeof(v));
	v[20] = 2; /* wrong val */
	assert_int_equal(parse(v, sizeof(v), &ev, &used), PROC_EV_REASON_NOT_PROC);
	/* Random bytes: rejected, used within bounds. */
	uint32_t x = 0x12345678;
	for (int round = 0; round < 2000; round++) {
		for (size_t i = 0; i < sizeof(v); i++) {
			x = x * 1103515245u + 12345u;
			v[i] = (uint8_t)(x >> 16);
		}
		enum proc_ev_reason r = parse(v, sizeof(v), &ev, &used);
		assert_true(used <= sizeof(v));
		assert_true(r < PROC_EV_REASON__COUNT);
	}
	for (int r = 0; r < PROC_EV_REASON__COUNT; r++)
		assert_non_null(proc_ev_reason_str((enum proc_ev_reason)r));
	assert_string_equal(proc_ev_reason_str(PROC_EV_REASON__COUNT), "?");
}

static void test_two_messages_in_one_datagram(void **state)
{
	(void)state;
	if (!little_endian())
		skip();
	uint8_t d[152];
	memcpy(d, exec_vec, 76);
	memcpy(d + 76, exit_vec, 76);
	struct proc_ev ev;
	size_t used, off = 0;
	int kinds[2], n = 0;
	for (; off < sizeof(d) && n < 3; off += used) {
		assert_int_equal(parse(d + off, sizeof(d) - off, &ev, &used), PROC_EV_REASON_OK);
		kinds[n++] = ev.kind;
	}
	assert_int_equal(n, 2);
	assert_int_equal(kinds[0], PROC_EV_EXEC);
	assert_int_equal(kinds[1], PROC_EV_EXIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen_and_ignore_requests),
		cmocka_unit_test(test_fork_exec_comm_exit),
		cmocka_unit_test(test_ack_and_other_kinds),
		cmocka_unit_test(test_truncated_rejected),
		cmocka_unit_test(test_garbage_rejected),
		cmocka_unit_test(test_two_messages_in_one_datagram),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
