/* Notify FIFOs (`notify_fifo`, `vrrp_notify_fifo`, `lvs_notify_fifo`):
 * the line formats and a writer that never blocks.
 *
 * Lines, each ending in "\n", exactly as keepalived writes them:
 *   INSTANCE "VI_1" MASTER 100          instance, state or event, effective priority
 *   GROUP "VG_1" BACKUP 0               sync group: the priority is always 0
 *   VS [10.0.0.1]:tcp:80 UP             virtual server quorum up / down
 *   VS [2001:db8::1]:udp:53 DOWN        IPv6 in brackets
 *   VS FWM 7 UP                         fwmark virtual server (keepalived's
 *                                       form, space included)
 *   VS [VSG_1]:0 UP                     virtual_server group NAME: the group
 *                                       name in brackets, then the port
 *   RS [10.0.0.2]:tcp:80 [10.0.0.1]:tcp:80 DOWN
 *                                       real server, then its virtual server;
 *                                       the RS takes the VS's protocol
 * Protocols print as tcp, udp, sctp, "none" for 0, "?" otherwise.
 *
 * Writer.  The FIFO is created with mkfifo(path, 0644) (keepalived's mode,
 * before the umask) when missing, chowned to the configured user/group
 * when given, and opened O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, as
 * keepalived does.  Holding the read side ourselves means the open never
 * fails with ENXIO for want of a reader, a write never gets EPIPE/SIGPIPE
 * when the reader goes away, and a reader that comes late (or restarts)
 * reads everything written since, up to the pipe's capacity (64 KiB by
 * default).  Each line is one write(2) of at most PIPE_BUF bytes, which
 * the kernel makes atomic: a line is delivered whole or not at all, never
 * interleaved with another.  When the pipe is full (no reader, or a slow
 * one) the line is dropped and counted; nothing ever blocks. */
#ifndef HALO_CORE_NOTIFY_FIFO_H
#define HALO_CORE_NOTIFY_FIFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/addr.h"

/* ---- formatters (pure) --------------------------------------------------- */

/* The state or event word of an INSTANCE / GROUP line. */
enum notify_vrrp_state {
	NOTIFY_MASTER,
	NOTIFY_BACKUP,
	NOTIFY_FAULT,
	NOTIFY_STOP,
	NOTIFY_DELETED,
	NOTIFY_MASTER_RX_LOWER_PRI, /* a master received a lower-priority advert */
	NOTIFY_MASTER_PRIORITY,     /* priority changed while master (notify_priority_changes) */
	NOTIFY_BACKUP_PRIORITY,     /* priority changed while backup */
};

/* "MASTER", "BACKUP", "FAULT", "STOP", "DELETED", "MASTER_RX_LOWER_PRI",
 * "MASTER_PRIORITY", "BACKUP_PRIORITY". */
const char *notify_vrrp_state_name(enum notify_vrrp_state s);

/* All formatters write a NUL-terminated line ending in "\n" and return its
 * length (without the NUL), or -1 when it does not fit in len (buf then
 * holds no partial line: it is the empty string). */
int notify_fmt_instance(char *buf, size_t len, const char *name, enum notify_vrrp_state s,
			int priority);
int notify_fmt_group(char *buf, size_t len, const char *name, enum notify_vrrp_state s);

/* How a virtual server is named. */
struct notify_vs {
	enum { NOTIFY_VS_ADDR, NOTIFY_VS_FWMARK, NOTIFY_VS_GROUP } kind;
	struct halo_addr addr; /* NOTIFY_VS_ADDR */
	uint16_t port;         /* ADDR and GROUP (host order) */
	int protocol;          /* IPPROTO_TCP / UDP / SCTP, 0 when none */
	uint32_t fwmark;       /* NOTIFY_VS_FWMARK */
	const char *group;     /* NOTIFY_VS_GROUP: the virtual_server_group name */
};

int notify_fmt_vs(char *buf, size_t len, const struct notify_vs *vs, bool up);
/* The real server is addr:port with the virtual server's protocol. */
int notify_fmt_rs(char *buf, size_t len, const struct halo_addr *rs_addr, uint16_t rs_port,
		  const struct notify_vs *vs, bool up);

/* ---- writer -------------------------------------------------------------- */

struct notify_fifo {
	int fd;             /* -1 when closed */
	bool created;       /* we made the FIFO (so we may remove it) */
	char *path;
	uint64_t written;   /* lines written */
	uint64_t dropped;   /* lines dropped: pipe full, or too long */
};

/* Sets up a closed writer (fd -1), so notify_fifo_close() is always safe. */
void notify_fifo_init(struct notify_fifo *f);

/* Creates the FIFO when missing (chowned to uid/gid unless they are
 * (uid_t)-1 / (gid_t)-1) and opens it.  An existing path that is not a
 * FIFO, or a symbolic link, is refused.  Returns 0, or -1 with a message
 * in err (the writer stays closed; a FIFO it created is removed). */
int notify_fifo_open(struct notify_fifo *f, const char *path, uid_t uid, gid_t gid, char *err,
		     size_t errlen);

/* Writes one whole line (it should end in "\n") without blocking.
 * Returns 0 when written; -1 when dropped (counted in f->dropped; errno
 * EAGAIN: pipe full, EMSGSIZE: longer than PIPE_BUF, EBADF: closed). */
int notify_fifo_write(struct notify_fifo *f, const char *line, size_t len);

/* Closes the writer; removes the FIFO when we created it and `remove` is
 * set (keepalived removes the FIFOs it made when it stops). */
void notify_fifo_close(struct notify_fifo *f, bool remove);

#endif
