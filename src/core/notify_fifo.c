/* Notify FIFO lines and their non-blocking writer; see notify_fifo.h. */
#include "core/notify_fifo.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- formatters ---------------------------------------------------------- */

const char *notify_vrrp_state_name(enum notify_vrrp_state s)
{
	switch (s) {
	case NOTIFY_MASTER: return "MASTER";
	case NOTIFY_BACKUP: return "BACKUP";
	case NOTIFY_FAULT: return "FAULT";
	case NOTIFY_STOP: return "STOP";
	case NOTIFY_DELETED: return "DELETED";
	case NOTIFY_MASTER_RX_LOWER_PRI: return "MASTER_RX_LOWER_PRI";
	case NOTIFY_MASTER_PRIORITY: return "MASTER_PRIORITY";
	case NOTIFY_BACKUP_PRIORITY: return "BACKUP_PRIORITY";
	}
	return "{UNKNOWN}";
}

/* snprintf that leaves no partial line behind. */
static int fmt_line(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fmt_line(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return -1;
	}
	return n;
}

int notify_fmt_instance(char *buf, size_t len, const char *name, enum notify_vrrp_state s,
			int priority)
{
	return fmt_line(buf, len, "INSTANCE \"%s\" %s %d\n", name, notify_vrrp_state_name(s),
			priority);
}

int notify_fmt_group(char *buf, size_t len, const char *name, enum notify_vrrp_state s)
{
	return fmt_line(buf, len, "GROUP \"%s\" %s 0\n", name, notify_vrrp_state_name(s));
}

static const char *proto_name(int p)
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_SCTP: return "sctp";
	case 0: return "none";
	}
	return "?";
}

/* "[ADDR]:proto:port", keepalived's address-protocol-port trio. */
static void fmt_trio(char *buf, size_t len, const struct halo_addr *a, int proto, uint16_t port)
{
	char s[HALO_ADDRSTRLEN];
	snprintf(buf, len, "[%s]:%s:%u", addr_format(a, s, sizeof(s)), proto_name(proto),
		 (unsigned)port);
}

static void fmt_vs_name(char *buf, size_t len, const struct notify_vs *vs)
{
	switch (vs->kind) {
	case NOTIFY_VS_FWMARK:
		snprintf(buf, len, "FWM %u", (unsigned)vs->fwmark);
		break;
	case NOTIFY_VS_GROUP:
		snprintf(buf, len, "[%s]:%u", vs->group ? vs->group : "", (unsigned)vs->port);
		break;
	case NOTIFY_VS_ADDR:
	default:
		fmt_trio(buf, len, &vs->addr, vs->protocol, vs->port);
		break;
	}
}

int notify_fmt_vs(char *buf, size_t len, const struct notify_vs *vs, bool up)
{
	char v[PIPE_BUF];
	fmt_vs_name(v, sizeof(v), vs);
	return fmt_line(buf, len, "VS %s %s\n", v, up ? "UP" : "DOWN");
}

int notify_fmt_rs(char *buf, size_t len, const struct halo_addr *rs_addr, uint16_t rs_port,
		  const struct notify_vs *vs, bool up)
{
	char r[HALO_ADDRSTRLEN + 32], v[PIPE_BUF];
	fmt_trio(r, sizeof(r), rs_addr, vs->protocol, rs_port);
	fmt_vs_name(v, sizeof(v), vs);
	return fmt_line(buf, len, "RS %s %s %s\n", r, v, up ? "UP" : "DOWN");
}

/* ---- writer -------------------------------------------------------------- */

void notify_fifo_init(struct notify_fifo *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

/* mkfifo, then chown when asked.  Returns 0 (created or already there),
 * -1 with err set. */
static int make_fifo(struct notify_fifo *f, const char *path, uid_t uid, gid_t gid, char *err,
		     size_t errlen)
{
	if (mkfifo(path, 0644) < 0) {
		if (errno == EEXIST)
			return 0;
		snprintf(err, errlen, "cannot create FIFO %s: %s", path, strerror(errno));
		return -1;
	}
	f->created = true;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot chown FIFO %s to %ld:%ld: %s", path,
			 uid == (uid_t)-1 ? -1L : (long)uid, gid == (gid_t)-1 ? -1L : (long)gid,
			 strerror(e));
		unlink(path);
		f->created = false;
		return -1;
	}
	return 0;
}

int notify_fifo_open(struct notify_fifo *f, const char *path, uid_t uid, gid_t gid, char *err,
		     size_t errlen)
{
	notify_fifo_init(f);
	if (make_fifo(f, path, uid, gid, err, errlen) < 0)
		return -1;
	/* O_RDWR: see notify_fifo.h.  O_NOFOLLOW: a symlink planted at the
	 * path must not redirect root's writes. */
	int fd = open(path, O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		if (fd < 0)
			snprintf(err, errlen, "cannot open FIFO %s: %s", path,
				 errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		else
			snprintf(err, errlen, "cannot use %s: exists and is not a FIFO", path);
		if (fd >= 0)
			close(fd);
		if (f->created)
			unlink(path);
		f->created = false;
		return -1;
	}
	f->path = strdup(path);
	if (!f->path) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		if (f->created)
			unlink(path);
		f->created = false;
		return -1;
	}
	f->fd = fd;
	return 0;
}

int notify_fifo_write(struct notify_fifo *f, const char *line, size_t len)
{
	if (f->fd < 0) {
		f->dropped++;
		errno = EBADF;
		return -1;
	}
	/* Only writes of at most PIPE_BUF bytes are atomic: a longer line
	 * could be split and interleaved, so it is refused. */
	if (len > PIPE_BUF) {
		f->dropped++;
		errno = EMSGSIZE;
		return -1;
	}
	ssize_t n;
	do
		n = write(f->fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		/* Non-blocking and <= PIPE_BUF: all or nothing (EAGAIN). */
		f->dropped++;
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	f->written++;
	return 0;
}

void notify_fifo_close(struct notify_fifo *f, bool remove)
{
	if (f->fd >= 0)
		close(f->fd);
	if (remove && f->created && f->path)
		unlink(f->path);
	free(f->path);
	f->path = NULL;
	f->fd = -1;
	f->created = false;
}
