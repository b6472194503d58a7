/* VRRP advertisement codec (RFC 3768 §5, RFC 9568 §5), pure.
 *
 * Bytes in, a struct or a named drop reason out; a struct in, bytes into a
 * caller-owned buffer out.  No socket, no log, no global.  The IP header is
 * the caller's business, except for vrrp_ip4_strip(), a small helper for
 * IPv4 raw sockets which hand over the whole datagram (IPv6 raw sockets hand
 * over the VRRP message alone, with addresses and hop limit as ancillary
 * data). */
#ifndef HALO_VRRP_PKT_H
#define HALO_VRRP_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/addr.h"

#define VRRP_IPPROTO 112
#define VRRP_TTL 255
#define VRRP_TYPE_ADVERT 1
#define VRRP_HDR_LEN 8
#define VRRP_AUTH_DATA_LEN 8 /* v2 over IPv4 only */
#define VRRP_MAX_ADDRS 255   /* the Count field is 8 bits */
/* Largest message: v3/IPv6 with 255 addresses. */
#define VRRP_PKT_MAX (VRRP_HDR_LEN + VRRP_MAX_ADDRS * 16)

/* v2 Auth Type (RFC 3768 §5.3.6; keepalived: none, PASS, AH). */
/* conf/model_vrrp.h declares the same enum (same names and values, the
 * wire values): whichever header comes first defines it. */
#ifndef HALO_VRRP_AUTH_TYPE_DEFINED
#define HALO_VRRP_AUTH_TYPE_DEFINED
enum vrrp_auth_type {
	VRRP_AUTH_NONE = 0,
	VRRP_AUTH_PASS = 1,
	VRRP_AUTH_AH = 2,
};
#endif

/* Bits for vrrp_rx_ctx.versions. */
#define VRRP_VER2_BIT (1u << 2)
#define VRRP_VER3_BIT (1u << 3)

/* Which checksum form a message carries (v3 over IPv4 has two in use). */
enum vrrp_csum_form {
	VRRP_CSUM_MSG = 0, /* message only: v2, and v3/IPv4 per RFC 9568 (`v3_checksum_as_v2`) */
	VRRP_CSUM_PSEUDO,  /* with the IP pseudo-header: v3/IPv6 always; v3/IPv4 as keepalived sends */
};

/* What a receiver accepts for v3 over IPv4 (other cases have one form). */
enum vrrp_csum_accept {
	VRRP_CSUM_ACCEPT_EITHER = 0, /* default: either form, reported in vrrp_adv.csum_form */
	VRRP_CSUM_ACCEPT_PSEUDO,
	VRRP_CSUM_ACCEPT_MSG,
};

/* Every reason a received advert is dropped.  VRRP_DROP_NONE means accepted.
 * The enum doubles as the index of vrrp_rx_counters.drops[]. */
enum vrrp_drop {
	VRRP_DROP_NONE = 0,
	VRRP_DROP_IP_HEADER,       /* IPv4 header: not version 4, bad IHL, too short */
	VRRP_DROP_IP_LENGTH,       /* IPv4 total length differs from the bytes received */
	VRRP_DROP_IP_PROTO,        /* IPv4 protocol is not 112 (e.g. 51, AH) */
	VRRP_DROP_TTL,             /* TTL/hop limit != 255 (multicast) or outside the unicast range */
	VRRP_DROP_TOO_SHORT,       /* shorter than the 8-byte VRRP header */
	VRRP_DROP_VERSION,         /* version not 2/3, or not one configured here */
	VRRP_DROP_TYPE,            /* type != 1 (ADVERTISEMENT) */
	VRRP_DROP_COUNT_ZERO,      /* IPv6 advert with Count 0 (RFC 9568 §5.2.5) */
	VRRP_DROP_LENGTH,          /* length != header + Count addresses (+ v2 auth data) */
	VRRP_DROP_CHECKSUM,        /* no accepted checksum form matched */
	VRRP_DROP_INTERVAL_ZERO,   /* advert interval 0 */
	VRRP_DROP_VRID,            /* VRID not ours */
	VRRP_DROP_AUTH_TYPE,       /* v2 auth type differs from ours */
	VRRP_DROP_AUTH_PASS,       /* v2 PASS data differs from ours */
	VRRP_DROP_INTERVAL,        /* v2 Adver Int differs from ours (RFC 3768 §7.1) */
	VRRP_DROP_ADDR_LIST,       /* address list differs from ours: log-only severity */
	VRRP_DROP_OWN,             /* our own advert looped back (the caller detects it) */
	VRRP_DROP__COUNT,
};

/* Short snake_case name, fit for a counter / JSON key ("ttl", "checksum"). */
const char *vrrp_drop_reason_str(enum vrrp_drop r);
/* One-line human description ("TTL/hop limit is not 255"). */
const char *vrrp_drop_reason_desc(enum vrrp_drop r);
/* True for reasons the caller should only log and count, not act on
 * (RFC 3768 §7.1: the address-list check is a MAY; keepalived can skip it). */
bool vrrp_drop_is_log_only(enum vrrp_drop r);

/* Receive counters: one per drop reason, accepted adverts, and which
 * checksum form the accepted v3 adverts used. */
struct vrrp_rx_counters {
	uint64_t drops[VRRP_DROP__COUNT]; /* drops[VRRP_DROP_NONE] is unused */
	uint64_t accepted;
	uint64_t csum_pseudo; /* accepted with a pseudo-header checksum */
	uint64_t csum_msg;    /* accepted with a message-only checksum */
};

void vrrp_rx_count_drop(struct vrrp_rx_counters *c, enum vrrp_drop r);

/* A decoded (or to-be-encoded) advertisement, in host order. */
struct vrrp_adv {
	uint8_t version; /* 2 or 3 */
	uint8_t type;    /* 1 after a successful decode; ignored by encode */
	uint8_t vrid;
	uint8_t priority;
	uint8_t count;
	uint8_t auth_type;     /* v2 only */
	uint8_t adver_int;     /* v2 only: Adver Int, seconds */
	uint16_t max_adver_int; /* v3 only: Max Adver Int, centiseconds (12 bits) */
	uint16_t checksum;     /* as on the wire (decode) or as written (encode) */
	enum vrrp_csum_form csum_form;
	sa_family_t family;    /* family of addrs[] */
	struct halo_addr addrs[VRRP_MAX_ADDRS];
	uint8_t auth_data[VRRP_AUTH_DATA_LEN]; /* v2 over IPv4 only */
};

/* Expectations of one configured v2 instance; checked only when given. */
struct vrrp_v2_expect {
	uint8_t auth_type;
	uint8_t auth_data[VRRP_AUTH_DATA_LEN]; /* PASS: password, zero padded */
	uint8_t adver_int;                     /* seconds */
};

/* Everything decode needs to know besides the bytes. */
struct vrrp_rx_ctx {
	sa_family_t family;    /* AF_INET or AF_INET6 */
	struct halo_addr src;  /* IP source (pseudo-header) */
	struct halo_addr dst;  /* IP destination: the group, or our address for unicast */
	int ttl;               /* IPv4 TTL or IPv6 hop limit as received */
	bool is_multicast;     /* sent to the group: TTL must be 255 */
	bool check_ttl_range;  /* unicast only: keepalived's min_ttl/max_ttl per peer */
	uint8_t min_ttl, max_ttl;
	unsigned versions;     /* VRRP_VER2_BIT | VRRP_VER3_BIT; 0 means both */
	enum vrrp_csum_accept v3_ipv4_csum;
	uint8_t vrid;          /* 0: do not check the VRID here */
	const struct vrrp_v2_expect *v2; /* NULL: skip v2 auth and interval checks */
};

/* Decode and validate one VRRP message.  Checks run in the order of RFC 3768
 * / RFC 9568 §7.1 and the first failure is returned.  On VRRP_DROP_NONE
 * `out` is filled in completely; on a drop its content is unspecified.
 * v2 over IPv6 is decoded as keepalived sends it (no auth data, pseudo-header
 * checksum), since keepalived allows it outside strict mode. */
enum vrrp_drop vrrp_pkt_decode(const uint8_t *buf, size_t len, const struct vrrp_rx_ctx *ctx,
			       struct vrrp_adv *out);

/* Decode, then count the outcome in `c` (drop reason, or accepted and its
 * checksum form).  `c` may be NULL. */
enum vrrp_drop vrrp_pkt_decode_count(const uint8_t *buf, size_t len,
				     const struct vrrp_rx_ctx *ctx, struct vrrp_adv *out,
				     struct vrrp_rx_counters *c);

/* Interval carried by an advert, in µs (v2 seconds or v3 centiseconds). */
uint64_t vrrp_adv_interval_us(const struct vrrp_adv *adv);

/* Compare the advertised addresses with ours (order-insensitive; same count
 * and every one of ours present).  Returns VRRP_DROP_NONE or
 * VRRP_DROP_ADDR_LIST, which is log-only severity. */
enum vrrp_drop vrrp_adv_check_addrs(const struct vrrp_adv *adv, const struct halo_addr *ours,
				    size_t n);

/* Sending side. */
struct vrrp_tx_opts {
	sa_family_t family;
	struct halo_addr src; /* our source address (pseudo-header) */
	struct halo_addr dst; /* the group, or the peer's address for unicast */
	bool v3_csum_msg;     /* v3/IPv4: RFC 9568 message-only checksum (`v3_checksum_as_v2`);
			       * default false = pseudo-header form, which keepalived accepts */
};

/* Encode `adv` into `buf`.  Uses version, vrid, priority, count, addrs and,
 * by version, auth_type/auth_data/adver_int or max_adver_int; the type is
 * always 1.  Returns bytes written, or -1 if the buffer is too small or the
 * input is invalid (version not 2/3, VRID 0, interval 0 or out of range,
 * an address of another family, IPv6 with no address). */
ssize_t vrrp_pkt_encode(const struct vrrp_adv *adv, const struct vrrp_tx_opts *opts,
			uint8_t *buf, size_t len);

/* The value to put in the Checksum field of `msg` (whose checksum bytes are
 * ignored) for the given form; the pseudo-header uses src/dst/family.
 * Exposed so tests and tools can craft packets. */
uint16_t vrrp_pkt_checksum(const uint8_t *msg, size_t len, sa_family_t family,
			   const struct halo_addr *src, const struct halo_addr *dst,
			   enum vrrp_csum_form form);

/* IPv4 raw sockets deliver the IP header: validate it (version 4, IHL >= 5
 * and within the data, total length equal to the bytes received, protocol
 * 112) and return where the VRRP message starts.  Fills src/dst/ttl. */
struct vrrp_ip4_info {
	struct halo_addr src, dst;
	uint8_t ttl;
	size_t hdr_len;
	const uint8_t *payload;
	size_t payload_len;
};
enum vrrp_drop vrrp_ip4_strip(const uint8_t *buf, size_t len, struct vrrp_ip4_info *out);

#endif
