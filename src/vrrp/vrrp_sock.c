/* Raw IPPROTO_VRRP sockets, one per (interface, family), shared by the
 * instances configured on that interface, and the receive path up to the
 * choice of instance by VRID.
 *
 * IPv4: the kernel builds the IP header (no IP_HDRINCL); the TTL is set per
 * packet with an IP_TTL control message and IP_MULTICAST_TTL covers the
 * group, and IP_PKTINFO chooses the source address without binding (a
 * bound raw socket would only receive packets sent to that address).
 * Received datagrams carry the IPv4 header, which vrrp_ip4_strip()
 * validates and from which the TTL is read.
 * IPv6: the kernel hands over the VRRP message alone; source, destination
 * and hop limit come as ancillary data.  IPV6_CHECKSUM stays off: the codec
 * computes the checksum over the RFC 8200 pseudo-header itself. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "vrrp/vrrp_instance.h"

#define RX_BATCH 64 /* datagrams per readable event: a flood cannot starve the loop */
#define RX_MMSG 16  /* datagrams per recvmmsg() call */

static const char *fam_str(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

static int setup_v4(int fd, int ifindex)
{
	int ttl = VRRP_TTL, off = 0;
	struct ip_mreqn mr = { .imr_ifindex = ifindex };
	mr.imr_multiaddr.s_addr = htonl(0xe0000012); /* 224.0.0.18 */
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
		return -1;
	struct ip_mreqn ifmr = { .imr_ifindex = ifindex };
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifmr, sizeof(ifmr)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &off, sizeof(off)) < 0)
		return -1;
	return 0;
}

static int setup_v6(int fd, int ifindex)
{
	int hops = VRRP_TTL, on = 1, off = 0;
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)ifindex };
	inet_pton(AF_INET6, "ff02::12", &mr.ipv6mr_multiaddr);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0)
		return -1;
	return 0;
}

static int open_fd(int family, int ifindex, const char *ifname)
{
	int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, VRRP_IPPROTO);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    (family == AF_INET ? setup_v4(fd, ifindex) : setup_v6(fd, ifindex)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The instance on this socket's interface and family with this VRID: a
 * table lookup, the table rebuilt (one pass over the instances) only after
 * instances were added, removed or moved between sockets. */
static struct vrrp_inst *find_inst(struct vrrp_sock *s, uint8_t vrid)
{
	struct vrrp_engine *eng = s->eng;
	if (s->by_vrid_gen != eng->inst_gen) {
		memset(s->by_vrid, 0, sizeof(s->by_vrid));
		for (struct vrrp_inst *v = eng->insts; v; v = v->next)
			if (v->sock == s && v->conf && v->conf->vrid > 0 && v->conf->vrid < 256 &&
			    !s->by_vrid[v->conf->vrid])
				s->by_vrid[v->conf->vrid] = v;
		s->by_vrid_gen = eng->inst_gen;
	}
	return s->by_vrid[vrid];
}

static void dispatch(struct vrrp_sock *s, const uint8_t *msg, size_t len,
		     const struct halo_addr *src, const struct halo_addr *dst, int ttl)
{
	if (len < 2) {
		vrrp_rx_count_drop(&s->rx, VRRP_DROP_TOO_SHORT);
		return;
	}
	struct vrrp_inst *v = find_inst(s, msg[1]);
	if (!v) {
		vrrp_rx_count_drop(&s->rx, VRRP_DROP_VRID);
		log_debug(LOGC_VRRP, "%s: dropped %s advert for VRID %u: not configured here",
			  s->ifname, fam_str(s->family), msg[1]);
		return;
	}
	vrrp_inst_rx(v, msg, len, src, dst, ttl);
}

static void rx_v4(struct vrrp_sock *s, const uint8_t *buf, size_t len)
{
	struct vrrp_ip4_info ip;
	enum vrrp_drop r = vrrp_ip4_strip(buf, len, &ip);
	if (r != VRRP_DROP_NONE) {
		vrrp_rx_count_drop(&s->rx, r);
		return;
	}
	dispatch(s, ip.payload, ip.payload_len, &ip.src, &ip.dst, ip.ttl);
}

static void rx_v6(struct vrrp_sock *s, struct msghdr *mh, const uint8_t *buf, size_t len)
{
	const struct sockaddr_in6 *sin6 = mh->msg_name;
	struct halo_addr src = { .family = AF_INET6, .v6 = sin6->sin6_addr };
	struct halo_addr dst = { .family = AF_UNSPEC };
	int ttl = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			dst.family = AF_INET6;
			dst.v6 = pi.ipi6_addr;
		} else if (c->cmsg_type == IPV6_HOPLIMIT) {
			memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
		}
	}
	if (dst.family != AF_INET6 || ttl < 0) {
		vrrp_rx_count_drop(&s->rx, VRRP_DROP_IP_HEADER);
		return;
	}
	dispatch(s, buf, len, &src, &dst, ttl);
}

/* Receive buffers for one recvmmsg() call, shared by every socket (the
 * loop is single-threaded): allocated on the first readable event. */
struct vrrp_rxbuf {
	struct mmsghdr mh[RX_MMSG];
	struct iovec iov[RX_MMSG];
	struct sockaddr_storage from[RX_MMSG];
	union {
		struct cmsghdr align;
		char b[256];
	} cbuf[RX_MMSG];
	uint8_t data[RX_MMSG][VRRP_PKT_MAX + 128];
};

static void on_readable(uv_poll_t *p, int status, int events)
{
	struct vrrp_sock *s = p->data;
	(void)events;
	if (status < 0)
		return;
	struct vrrp_engine *eng = s->eng;
	if (!eng->rxbuf && !(eng->rxbuf = malloc(sizeof(*eng->rxbuf))))
		return;
	struct vrrp_rxbuf *rb = eng->rxbuf;
	/* Up to RX_BATCH datagrams per readable event, RX_MMSG per system
	 * call: a flood cannot starve the loop, and a burst of adverts (a
	 * master of many instances) costs a few calls, not one each. */
	for (int got = 0; got < RX_BATCH;) {
		for (int i = 0; i < RX_MMSG; i++) {
			rb->iov[i] = (struct iovec){ .iov_base = rb->data[i],
						     .iov_len = sizeof(rb->data[i]) };
			rb->mh[i].msg_hdr = (struct msghdr){
				.msg_name = &rb->from[i], .msg_namelen = sizeof(rb->from[i]),
				.msg_iov = &rb->iov[i], .msg_iovlen = 1,
				.msg_control = rb->cbuf[i].b,
				.msg_controllen = sizeof(rb->cbuf[i].b) };
			rb->mh[i].msg_len = 0;
		}
		int n = recvmmsg(s->fd, rb->mh, RX_MMSG, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				s->recv_errors++;
			return;
		}
		for (int i = 0; i < n; i++) {
			struct msghdr *mh = &rb->mh[i].msg_hdr;
			size_t len = rb->mh[i].msg_len;
			if (mh->msg_flags & MSG_TRUNC) {
				vrrp_rx_count_drop(&s->rx, VRRP_DROP_LENGTH);
				continue;
			}
			if (s->family == AF_INET)
				rx_v4(s, rb->data[i], len);
			else
				rx_v6(s, mh, rb->data[i], len);
			/* An instance's handler may have released the last
			 * reference to this socket (e.g. a reload): stop
			 * here, the memory goes once the poll handle closes. */
			if (s->refs == 0)
				return;
		}
		got += n;
	}
}

struct vrrp_sock *vrrp_sock_get(struct vrrp_engine *eng, int family, int ifindex,
				const char *ifname)
{
	for (struct vrrp_sock *s = eng->socks; s; s = s->next)
		if (s->family == family && s->ifindex == ifindex) {
			s->refs++;
			eng->inst_gen++;
			return s;
		}
	int fd = open_fd(family, ifindex, ifname);
	if (fd < 0) {
		log_error("%s: cannot open the %s VRRP socket: %s", ifname, fam_str(family),
			  strerror(errno));
		return NULL;
	}
	struct vrrp_sock *s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->eng = eng;
	s->family = family;
	s->ifindex = ifindex;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->fd = fd;
	s->refs = 1;
	uv_poll_init(eng->loop, &s->poll, fd);
	s->poll.data = s;
	uv_poll_start(&s->poll, UV_READABLE, on_readable);
	s->next = eng->socks;
	eng->socks = s;
	eng->inst_gen++;
	return s;
}

static void sock_closed(uv_handle_t *h)
{
	struct vrrp_sock *s = h->data;
	close(s->fd);
	free(s->txq);
	free(s);
}

static void flush(struct vrrp_sock *s);

void vrrp_sock_put(struct vrrp_sock *s)
{
	if (!s)
		return;
	if (s->tx_pending)
		flush(s);
	s->eng->inst_gen++; /* an instance leaves it: VRID tables are stale */
	if (--s->refs > 0)
		return;
	for (struct vrrp_sock **pp = &s->eng->socks; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	if (uv_is_closing((uv_handle_t *)&s->poll)) {
		/* The shell's final walk closed it already; free after it. */
		close(s->fd);
		s->fd = -1;
		return;
	}
	uv_close((uv_handle_t *)&s->poll, sock_closed);
}

/* One message's name and control data (IP_PKTINFO / IPV6_PKTINFO for the
 * source and interface, IP_TTL / IPV6_HOPLIMIT), filled by build_msg(). */
struct txmeta {
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} to;
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
	} cbuf;
};

static void build_msg(struct vrrp_sock *s, struct txmeta *m, struct msghdr *mh,
		      struct iovec *iov, const struct halo_addr *src,
		      const struct halo_addr *dst, int ttl)
{
	memset(m, 0, sizeof(*m));
	*mh = (struct msghdr){ .msg_name = &m->to, .msg_iov = iov, .msg_iovlen = 1,
			       .msg_control = m->cbuf.b };
	bool v4 = s->family == AF_INET;
	if (v4) {
		m->to.v4 = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr = dst->v4 };
		mh->msg_namelen = sizeof(m->to.v4);
		mh->msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(int));
	} else {
		m->to.v6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_addr = dst->v6 };
		if (IN6_IS_ADDR_LINKLOCAL(&dst->v6) || IN6_IS_ADDR_MC_LINKLOCAL(&dst->v6))
			m->to.v6.sin6_scope_id = (uint32_t)s->ifindex;
		mh->msg_namelen = sizeof(m->to.v6);
		mh->msg_controllen = sizeof(m->cbuf.b);
	}
	struct cmsghdr *c = CMSG_FIRSTHDR(mh);
	if (v4) {
		struct in_pktinfo pi = { .ipi_ifindex = s->ifindex, .ipi_spec_dst = src->v4 };
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = { .ipi6_addr = src->v6, .ipi6_ifindex = (unsigned)s->ifindex };
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	c = CMSG_NXTHDR(mh, c);
	c->cmsg_level = v4 ? IPPROTO_IP : IPPROTO_IPV6;
	c->cmsg_type = v4 ? IP_TTL : IPV6_HOPLIMIT;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &ttl, sizeof(ttl));
}

int vrrp_sock_send(struct vrrp_sock *s, const uint8_t *buf, size_t len,
		   const struct halo_addr *src, const struct halo_addr *dst, int ttl)
{
	if (s->fd < 0)
		return -EBADF;
	struct txmeta m;
	struct msghdr mh;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	build_msg(s, &m, &mh, &iov, src, dst, ttl);
	return sendmsg(s->fd, &mh, MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* ---- batched sending ------------------------------------------------------ */

#define TX_BATCH 32      /* messages per sendmmsg() */
#define TX_INLINE 256    /* larger adverts are sent at once */

struct vrrp_txq {
	unsigned n;
	struct vrrp_inst *inst[TX_BATCH];
	struct mmsghdr mh[TX_BATCH];
	struct iovec iov[TX_BATCH];
	struct txmeta meta[TX_BATCH];
	uint8_t data[TX_BATCH][TX_INLINE];
};

static void flush(struct vrrp_sock *s)
{
	struct vrrp_txq *q = s->txq;
	unsigned done = 0;
	while (q && done < q->n) {
		int r = sendmmsg(s->fd, q->mh + done, q->n - done, MSG_DONTWAIT);
		if (r > 0) {
			done += (unsigned)r;
			continue;
		}
		/* Message `done` failed: charge it to its instance, go on
		 * with the next one. */
		if (r < 0 && errno == EINTR)
			continue;
		vrrp_inst_send_failed(q->inst[done], r < 0 ? -errno : -EIO);
		done++;
	}
	if (q)
		q->n = 0;
	s->tx_pending = false;
}

int vrrp_sock_queue(struct vrrp_sock *s, struct vrrp_inst *v, const uint8_t *buf, size_t len,
		    const struct halo_addr *src, const struct halo_addr *dst, int ttl)
{
	if (s->fd < 0)
		return -EBADF;
	if (len > TX_INLINE || (!s->txq && !(s->txq = calloc(1, sizeof(*s->txq)))))
		return vrrp_sock_send(s, buf, len, src, dst, ttl);
	struct vrrp_txq *q = s->txq;
	if (q->n == TX_BATCH)
		flush(s);
	unsigned i = q->n++;
	memcpy(q->data[i], buf, len);
	q->iov[i] = (struct iovec){ .iov_base = q->data[i], .iov_len = len };
	build_msg(s, &q->meta[i], &q->mh[i].msg_hdr, &q->iov[i], src, dst, ttl);
	q->inst[i] = v;
	if (!s->tx_pending) {
		s->tx_pending = true;
		s->eng->tx_pending = true;
	}
	return 0;
}

void vrrp_sock_flush_all(struct vrrp_engine *eng)
{
	if (!eng->tx_pending)
		return;
	eng->tx_pending = false;
	for (struct vrrp_sock *s = eng->socks; s; s = s->next)
		if (s->tx_pending)
			flush(s);
}
