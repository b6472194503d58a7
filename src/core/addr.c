#include "core/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

bool addr_parse(const char *s, struct halo_addr *out)
{
	struct halo_addr a;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, &a.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a.v6) == 1)
		a.family = AF_INET6;
	else
		return false;
	*out = a;
	return true;
}

static int mask_len(struct in_addr m)
{
	uint32_t v = ntohl(m.s_addr);
	int len = 0;
	while (len < 32 && (v & (0x80000000u >> len)))
		len++;
	/* Any bit set after the first zero makes it a non-contiguous mask. */
	if (len < 32 && (v << len) != 0)
		return -1;
	return len;
}

bool prefix_parse(const char *s, struct halo_prefix *out)
{
	char buf[HALO_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return false;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	struct halo_prefix p;
	if (!addr_parse(buf, &p.addr))
		return false;
	int max = p.addr.family == AF_INET ? 32 : 128;
	if (!slash) {
		p.len = (uint8_t)max;
	} else {
		const char *l = slash + 1;
		struct in_addr m;
		if (p.addr.family == AF_INET && strchr(l, '.') &&
		    inet_pton(AF_INET, l, &m) == 1) {
			int ml = mask_len(m);
			if (ml < 0)
				return false;
			p.len = (uint8_t)ml;
		} else {
			if (*l < '0' || *l > '9' || strlen(l) > 3)
				return false;
			char *end;
			long v = strtol(l, &end, 10);
			if (*end || v < 0 || v > max)
				return false;
			p.len = (uint8_t)v;
		}
	}
	*out = p;
	return true;
}

const char *addr_format(const struct halo_addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET || a->family == AF_INET6) {
		if (inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->v4
							      : (const void *)&a->v6,
			      buf, (socklen_t)len))
			return buf;
	}
	snprintf(buf, len, "unset");
	return buf;
}

const char *prefix_format(const struct halo_prefix *p, char *buf, size_t len)
{
	char a[HALO_ADDRSTRLEN];
	snprintf(buf, len, "%s/%u", addr_format(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

bool addr_equal(const struct halo_addr *a, const struct halo_addr *b)
{
	return addr_cmp(a, b) == 0;
}

int addr_cmp(const struct halo_addr *a, const struct halo_addr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	if (a->family == AF_INET)
		return memcmp(&a->v4, &b->v4, sizeof(a->v4));
	if (a->family == AF_INET6)
		return memcmp(&a->v6, &b->v6, sizeof(a->v6));
	return 0;
}

bool addr_is_set(const struct halo_addr *a)
{
	return a->family == AF_INET || a->family == AF_INET6;
}

bool addr_is_multicast(const struct halo_addr *a)
{
	if (a->family == AF_INET)
		return IN_MULTICAST(ntohl(a->v4.s_addr));
	if (a->family == AF_INET6)
		return IN6_IS_ADDR_MULTICAST(&a->v6);
	return false;
}

bool addr_is_v6_linklocal(const struct halo_addr *a)
{
	return a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->v6);
}
