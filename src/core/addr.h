/* IP addresses and prefixes as the configuration and the protocol code use
 * them: one type for both families, parsed strictly, formatted canonically. */
#ifndef HALO_CORE_ADDR_H
#define HALO_CORE_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct halo_addr {
	sa_family_t family; /* AF_INET, AF_INET6, or AF_UNSPEC when unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct halo_prefix {
	struct halo_addr addr;
	uint8_t len; /* prefix length in bits; 32/128 when not written */
};

#define HALO_ADDRSTRLEN 64 /* INET6_ADDRSTRLEN plus "/128" and slack */

/* Strict parse of one address; false if `s` is not exactly an address. */
bool addr_parse(const char *s, struct halo_addr *out);
/* `ADDR` or `ADDR/LEN`; a v4 netmask form `ADDR/255.255.255.0` is accepted
 * too (keepalived does); false on anything else or a length out of range. */
bool prefix_parse(const char *s, struct halo_prefix *out);
const char *addr_format(const struct halo_addr *a, char *buf, size_t len);
const char *prefix_format(const struct halo_prefix *p, char *buf, size_t len);
bool addr_equal(const struct halo_addr *a, const struct halo_addr *b);
/* Network-order comparison within one family (VRRP's tie-break); families
 * differ: AF_INET sorts first. */
int addr_cmp(const struct halo_addr *a, const struct halo_addr *b);
bool addr_is_set(const struct halo_addr *a);
bool addr_is_multicast(const struct halo_addr *a);
bool addr_is_v6_linklocal(const struct halo_addr *a);

#endif
