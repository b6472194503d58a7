/* VRRP advertisement codec; see vrrp_pkt.h.  Every multi-byte field is read
 * and written byte by byte in network order, so no struct is ever overlaid
 * on the buffer and alignment never matters. */
#include "vrrp/vrrp_pkt.h"

#include <string.h>

#include "vrrp/vrrp_timer.h"

/* ---- drop reasons ------------------------------------------------------ */

static const struct {
	const char *name;
	const char *desc;
} drop_names[VRRP_DROP__COUNT] = {
	[VRRP_DROP_NONE] = { "none", "accepted" },
	[VRRP_DROP_IP_HEADER] = { "ip_header", "malformed IPv4 header" },
	[VRRP_DROP_IP_LENGTH] = { "ip_length", "IPv4 total length differs from bytes received" },
	[VRRP_DROP_IP_PROTO] = { "ip_proto", "IP protocol is not 112" },
	[VRRP_DROP_TTL] = { "ttl", "TTL/hop limit is not 255 (or outside the unicast range)" },
	[VRRP_DROP_TOO_SHORT] = { "too_short", "shorter than the VRRP header" },
	[VRRP_DROP_VERSION] = { "version", "VRRP version not supported or not configured" },
	[VRRP_DROP_TYPE] = { "type", "VRRP type is not ADVERTISEMENT" },
	[VRRP_DROP_COUNT_ZERO] = { "count_zero", "IPv6 advert with no address" },
	[VRRP_DROP_LENGTH] = { "length", "length does not match the address count" },
	[VRRP_DROP_CHECKSUM] = { "checksum", "bad checksum" },
	[VRRP_DROP_INTERVAL_ZERO] = { "interval_zero", "advert interval is 0" },
	[VRRP_DROP_VRID] = { "vrid", "VRID not configured here" },
	[VRRP_DROP_AUTH_TYPE] = { "auth_type", "authentication type mismatch" },
	[VRRP_DROP_AUTH_PASS] = { "auth_pass", "authentication password mismatch" },
	[VRRP_DROP_INTERVAL] = { "interval", "advert interval differs from ours" },
	[VRRP_DROP_ADDR_LIST] = { "addr_list", "address list differs from ours" },
	[VRRP_DROP_OWN] = { "own", "our own advert" },
};

const char *vrrp_drop_reason_str(enum vrrp_drop r)
{
	if ((unsigned)r >= VRRP_DROP__COUNT)
		return "unknown";
	return drop_names[r].name;
}

const char *vrrp_drop_reason_desc(enum vrrp_drop r)
{
	if ((unsigned)r >= VRRP_DROP__COUNT)
		return "unknown";
	return drop_names[r].desc;
}

bool vrrp_drop_is_log_only(enum vrrp_drop r)
{
	return r == VRRP_DROP_ADDR_LIST;
}

void vrrp_rx_count_drop(struct vrrp_rx_counters *c, enum vrrp_drop r)
{
	if (c && (unsigned)r < VRRP_DROP__COUNT && r != VRRP_DROP_NONE)
		c->drops[r]++;
}

/* ---- checksum ---------------------------------------------------------- */

/* RFC 1071 one's-complement sum of big-endian 16-bit words, not folded. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		acc += (uint32_t)p[len - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static const uint8_t *addr_bytes(const struct halo_addr *a, sa_family_t family)
{
	static const uint8_t zero[16];

	if (a->family != family)
		return zero;
	return family == AF_INET ? (const uint8_t *)&a->v4 : (const uint8_t *)&a->v6;
}

/* Sum of the pseudo-header: IPv4 (src, dst, zero, protocol, length) or
 * IPv6 per RFC 8200 §8.1 (src, dst, 32-bit length, zeros, next header). */
static uint32_t pseudo_sum(sa_family_t family, const struct halo_addr *src,
			   const struct halo_addr *dst, size_t len)
{
	size_t alen = family == AF_INET ? 4 : 16;
	uint32_t acc = 0;

	acc = sum16(addr_bytes(src, family), alen, acc);
	acc = sum16(addr_bytes(dst, family), alen, acc);
	acc += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
	acc += VRRP_IPPROTO;
	return acc;
}

/* Sum of the message with its checksum field (bytes 6-7) taken as zero. */
static uint32_t msg_sum(const uint8_t *msg, size_t len)
{
	uint32_t acc = sum16(msg, 6, 0);

	return sum16(msg + 8, len - 8, acc);
}

uint16_t vrrp_pkt_checksum(const uint8_t *msg, size_t len, sa_family_t family,
			   const struct halo_addr *src, const struct halo_addr *dst,
			   enum vrrp_csum_form form)
{
	uint32_t acc;

	if (len < VRRP_HDR_LEN)
		return 0;
	acc = msg_sum(msg, len);
	if (form == VRRP_CSUM_PSEUDO)
		acc += pseudo_sum(family, src, dst, len);
	return (uint16_t)~fold(acc);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static bool csum_ok(const uint8_t *msg, size_t len, const struct vrrp_rx_ctx *ctx,
		    enum vrrp_csum_form form)
{
	return vrrp_pkt_checksum(msg, len, ctx->family, &ctx->src, &ctx->dst, form) ==
	       get16(msg + 6);
}

/* Which checksum forms a message may carry: v2/IPv4 message only; anything
 * over IPv6 with the pseudo-header (the kernel's IPV6_CHECKSUM does that for
 * keepalived's v2/IPv6 too); v3/IPv4 either, as the receiver allows. */
static enum vrrp_drop check_csum(const uint8_t *msg, size_t len, const struct vrrp_rx_ctx *ctx,
				 unsigned version, enum vrrp_csum_form *form)
{
	bool try_pseudo, try_msg;

	if (ctx->family == AF_INET6) {
		try_pseudo = true;
		try_msg = false;
	} else if (version == 2) {
		try_pseudo = false;
		try_msg = true;
	} else {
		try_pseudo = ctx->v3_ipv4_csum != VRRP_CSUM_ACCEPT_MSG;
		try_msg = ctx->v3_ipv4_csum != VRRP_CSUM_ACCEPT_PSEUDO;
	}
	if (try_pseudo && csum_ok(msg, len, ctx, VRRP_CSUM_PSEUDO)) {
		*form = VRRP_CSUM_PSEUDO;
		return VRRP_DROP_NONE;
	}
	if (try_msg && csum_ok(msg, len, ctx, VRRP_CSUM_MSG)) {
		*form = VRRP_CSUM_MSG;
		return VRRP_DROP_NONE;
	}
	return VRRP_DROP_CHECKSUM;
}

/* ---- decode ------------------------------------------------------------ */

static size_t addr_len(sa_family_t family)
{
	return family == AF_INET ? 4 : 16;
}

/* v2 carries 8 bytes of authentication data, but only over IPv4: keepalived's
 * v2 over IPv6 omits it. */
static size_t auth_len(unsigned version, sa_family_t family)
{
	return version == 2 && family == AF_INET ? VRRP_AUTH_DATA_LEN : 0;
}

static enum vrrp_drop check_ttl(const struct vrrp_rx_ctx *ctx)
{
	/* RFC 3768 / RFC 9568 §7.1: MUST verify TTL/hop limit is 255.  As
	 * keepalived does, only for multicast: unicast peers may be routed. */
	if (ctx->is_multicast)
		return ctx->ttl == VRRP_TTL ? VRRP_DROP_NONE : VRRP_DROP_TTL;
	if (ctx->check_ttl_range && (ctx->ttl < ctx->min_ttl || ctx->ttl > ctx->max_ttl))
		return VRRP_DROP_TTL;
	return VRRP_DROP_NONE;
}

/* Structure: version, type, count and length, before anything is trusted. */
static enum vrrp_drop check_shape(const uint8_t *buf, size_t len, const struct vrrp_rx_ctx *ctx)
{
	unsigned versions = ctx->versions ? ctx->versions : VRRP_VER2_BIT | VRRP_VER3_BIT;
	unsigned version, count;

	if (len < VRRP_HDR_LEN)
		return VRRP_DROP_TOO_SHORT;
	version = buf[0] >> 4;
	if ((version != 2 && version != 3) || !(versions & (1u << version)))
		return VRRP_DROP_VERSION;
	if ((buf[0] & 0x0f) != VRRP_TYPE_ADVERT)
		return VRRP_DROP_TYPE;
	count = buf[3];
	/* RFC 9568 §5.2.5: an IPv6 advert carries at least the link-local VIP. */
	if (ctx->family == AF_INET6 && count == 0)
		return VRRP_DROP_COUNT_ZERO;
	/* The length must be exact: short means truncated, long means the count
	 * lies (keepalived drops both, and so does RFC 9568 §7.1's length rule). */
	if (len != VRRP_HDR_LEN + count * addr_len(ctx->family) + auth_len(version, ctx->family))
		return VRRP_DROP_LENGTH;
	return VRRP_DROP_NONE;
}

static void fill_adv(const uint8_t *buf, sa_family_t family, struct vrrp_adv *out)
{
	size_t alen = addr_len(family);
	const uint8_t *p = buf + VRRP_HDR_LEN;
	unsigned i;

	out->version = buf[0] >> 4;
	out->type = buf[0] & 0x0f;
	out->vrid = buf[1];
	out->priority = buf[2];
	out->count = buf[3];
	out->checksum = get16(buf + 6);
	out->family = family;
	out->auth_type = 0;
	out->adver_int = 0;
	out->max_adver_int = 0;
	if (out->version == 2) {
		out->auth_type = buf[4];
		out->adver_int = buf[5];
	} else {
		out->max_adver_int = get16(buf + 4) & 0x0fff; /* top 4 bits reserved */
	}
	for (i = 0; i < out->count; i++, p += alen) {
		out->addrs[i].family = family;
		memcpy(family == AF_INET ? (void *)&out->addrs[i].v4 : (void *)&out->addrs[i].v6,
		       p, alen);
	}
	memset(out->auth_data, 0, sizeof(out->auth_data));
	if (auth_len(out->version, family))
		memcpy(out->auth_data, p, VRRP_AUTH_DATA_LEN);
}

/* RFC 3768 §7.1: auth type, password, then the interval, per instance. */
static enum vrrp_drop check_v2(const struct vrrp_adv *adv, const struct vrrp_v2_expect *e)
{
	if (adv->auth_type != e->auth_type)
		return VRRP_DROP_AUTH_TYPE;
	if (e->auth_type == VRRP_AUTH_PASS &&
	    memcmp(adv->auth_data, e->auth_data, VRRP_AUTH_DATA_LEN) != 0)
		return VRRP_DROP_AUTH_PASS;
	if (adv->adver_int != e->adver_int)
		return VRRP_DROP_INTERVAL;
	return VRRP_DROP_NONE;
}

enum vrrp_drop vrrp_pkt_decode(const uint8_t *buf, size_t len, const struct vrrp_rx_ctx *ctx,
			       struct vrrp_adv *out)
{
	enum vrrp_csum_form form = VRRP_CSUM_MSG;
	enum vrrp_drop r;

	if (ctx->family != AF_INET && ctx->family != AF_INET6)
		return VRRP_DROP_IP_HEADER;
	if ((r = check_ttl(ctx)) != VRRP_DROP_NONE)
		return r;
	if ((r = check_shape(buf, len, ctx)) != VRRP_DROP_NONE)
		return r;
	if ((r = check_csum(buf, len, ctx, buf[0] >> 4, &form)) != VRRP_DROP_NONE)
		return r;
	fill_adv(buf, ctx->family, out);
	out->csum_form = form;
	if ((out->version == 2 ? out->adver_int : out->max_adver_int) == 0)
		return VRRP_DROP_INTERVAL_ZERO;
	if (ctx->vrid && out->vrid != ctx->vrid)
		return VRRP_DROP_VRID;
	if (out->version == 2 && ctx->v2)
		return check_v2(out, ctx->v2);
	return VRRP_DROP_NONE;
}

enum vrrp_drop vrrp_pkt_decode_count(const uint8_t *buf, size_t len,
				     const struct vrrp_rx_ctx *ctx, struct vrrp_adv *out,
				     struct vrrp_rx_counters *c)
{
	enum vrrp_drop r = vrrp_pkt_decode(buf, len, ctx, out);

	if (!c)
		return r;
	if (r != VRRP_DROP_NONE) {
		vrrp_rx_count_drop(c, r);
		return r;
	}
	c->accepted++;
	if (out->csum_form == VRRP_CSUM_PSEUDO)
		c->csum_pseudo++;
	else
		c->csum_msg++;
	return r;
}

uint64_t vrrp_adv_interval_us(const struct vrrp_adv *adv)
{
	if (adv->version == 2)
		return vrrp_s_to_us(adv->adver_int);
	return vrrp_cs_to_us(adv->max_adver_int);
}

enum vrrp_drop vrrp_adv_check_addrs(const struct vrrp_adv *adv, const struct halo_addr *ours,
				    size_t n)
{
	size_t i, j;

	if (n != adv->count)
		return VRRP_DROP_ADDR_LIST;
	for (i = 0; i < n; i++) {
		for (j = 0; j < adv->count; j++)
			if (addr_equal(&ours[i], &adv->addrs[j]))
				break;
		if (j == adv->count)
			return VRRP_DROP_ADDR_LIST;
	}
	return VRRP_DROP_NONE;
}

/* ---- encode ------------------------------------------------------------ */

static bool encode_valid(const struct vrrp_adv *adv, const struct vrrp_tx_opts *o)
{
	unsigned i;

	if (o->family != AF_INET && o->family != AF_INET6)
		return false;
	if ((adv->version != 2 && adv->version != 3) || adv->vrid == 0)
		return false;
	if (adv->version == 2 && adv->adver_int == 0)
		return false;
	if (adv->version == 3 && (adv->max_adver_int == 0 ||
				  adv->max_adver_int > VRRP_V3_ADVER_INT_MAX))
		return false;
	/* RFC 9568 §5.2.5: never send an IPv6 advert without its link-local VIP. */
	if (o->family == AF_INET6 && adv->count == 0)
		return false;
	for (i = 0; i < adv->count; i++)
		if (adv->addrs[i].family != o->family)
			return false;
	return true;
}

ssize_t vrrp_pkt_encode(const struct vrrp_adv *adv, const struct vrrp_tx_opts *opts,
			uint8_t *buf, size_t len)
{
	size_t alen, need;
	enum vrrp_csum_form form;
	uint8_t *p;
	unsigned i;

	if (!adv || !opts || !buf || !encode_valid(adv, opts))
		return -1;
	alen = addr_len(opts->family);
	need = VRRP_HDR_LEN + adv->count * alen + auth_len(adv->version, opts->family);
	if (len < need)
		return -1;

	buf[0] = (uint8_t)(adv->version << 4 | VRRP_TYPE_ADVERT);
	buf[1] = adv->vrid;
	buf[2] = adv->priority;
	buf[3] = adv->count;
	if (adv->version == 2) {
		buf[4] = adv->auth_type;
		buf[5] = adv->adver_int;
	} else {
		put16(buf + 4, adv->max_adver_int); /* reserved bits sent as zero */
	}
	put16(buf + 6, 0);
	p = buf + VRRP_HDR_LEN;
	for (i = 0; i < adv->count; i++, p += alen)
		memcpy(p, addr_bytes(&adv->addrs[i], opts->family), alen);
	if (auth_len(adv->version, opts->family))
		memcpy(p, adv->auth_data, VRRP_AUTH_DATA_LEN);

	if (opts->family == AF_INET6)
		form = VRRP_CSUM_PSEUDO;
	else if (adv->version == 2 || opts->v3_csum_msg)
		form = VRRP_CSUM_MSG;
	else
		form = VRRP_CSUM_PSEUDO; /* keepalived's (and Wireshark's) v3/IPv4 form */
	put16(buf + 6, vrrp_pkt_checksum(buf, need, opts->family, &opts->src, &opts->dst, form));
	return (ssize_t)need;
}

/* ---- IPv4 header ------------------------------------------------------- */

enum vrrp_drop vrrp_ip4_strip(const uint8_t *buf, size_t len, struct vrrp_ip4_info *out)
{
	size_t ihl;

	if (len < 20 || (buf[0] >> 4) != 4)
		return VRRP_DROP_IP_HEADER;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return VRRP_DROP_IP_HEADER;
	/* Linux raw sockets deliver the header untouched, total length in
	 * network order; anything but an exact match means truncation or junk. */
	if (get16(buf + 2) != len)
		return VRRP_DROP_IP_LENGTH;
	if (buf[9] != VRRP_IPPROTO)
		return VRRP_DROP_IP_PROTO;
	memset(out, 0, sizeof(*out));
	out->ttl = buf[8];
	out->src.family = AF_INET;
	memcpy(&out->src.v4, buf + 12, 4);
	out->dst.family = AF_INET;
	memcpy(&out->dst.v4, buf + 16, 4);
	out->hdr_len = ihl;
	out->payload = buf + ihl;
	out->payload_len = len - ihl;
	return VRRP_DROP_NONE;
}
