/* use_vmac: the instance's virtual MAC interface (vrrp_vmac.c).
 *
 * A macvlan in private mode named `use_vmac NAME` (default "vrrp.VRID") on
 * the instance's interface, with MAC 00:00:5e:00:01:VRID for IPv4 or
 * 00:00:5e:00:02:VRID for IPv6 (RFC 5798 §7.3), or the one configured.
 * VIPs live on it and its MAC is the ARP/GARP and NA sender, so clients
 * keep the same MAC across a failover.  Adverts are sent and received on
 * the macvlan (on the base interface with `vmac_xmit_base`): the socket
 * joins 224.0.0.18 / ff02::12 there, so, as with keepalived, a backup's
 * macvlan sends IGMP / MLD reports for that group from the virtual MAC;
 * the master's next advert puts the switch right.
 *
 * IPv4 sysctls, as keepalived sets them: arp_ignore=1 and arp_filter=1 on
 * the base interface (it must not answer ARP for VIPs held on the macvlan;
 * restored when the macvlan is removed); on the macvlan arp_ignore=1,
 * accept_local=1, rp_filter=0 and promote_secondaries=1; and IPv6 off on
 * the macvlan (halo), so a backup's copy sends no MLD or router
 * solicitations from the virtual MAC (unless IPv6 eVIPs need it, below);
 * and arp_announce=2 on the base (halo, restored too), so its ARP
 * requests never give the VIP as their sender address with the base MAC.
 *
 * IPv6, as keepalived: no kernel-made link-local address (addrgenmode
 * none); instead keepalived's source address, the configured
 * unicast_src_ip / mcast_src_ip, else the base interface's link-local
 * address, else one built from the base MAC, added as a /64 without DAD
 * and deprecated, so adverts leave from the virtual MAC with the same
 * source address a keepalived node would use.  accept_dad=0 and (halo)
 * accept_ra=0 on the macvlan; nothing changes on the base interface.
 * An IPv4 instance with IPv6 eVIPs for the macvlan keeps IPv6 on it the
 * same way, without a link-local address (as keepalived).
 *
 * The macvlan is deleted when the instance stops (kept under -V with its
 * VIPs). */
#ifndef HALO_VRRP_VRRP_VMAC_H
#define HALO_VRRP_VRRP_VMAC_H

#include <stdbool.h>

struct vrrp_inst;

/* Called once the base interface's socket is open (v->ifindex = base):
 * creates or adopts the macvlan and moves v->ifindex, v->mac and (unless
 * vmac_xmit_base) v->sock to it.  On failure, logs and leaves the instance
 * on its base interface. */
void vrrp_vmac_attach(struct vrrp_inst *v);
/* Closes the send socket, deletes the macvlan (unless -V on stop) and
 * restores the base interface's sysctl. */
void vrrp_vmac_detach(struct vrrp_inst *v);
/* The interface whose addresses give the advert source address: the base
 * interface, except for an IPv6 instance sending on its macvlan, whose
 * link-local source address must be on the sending interface (the macvlan
 * holds the one keepalived would use, see above). */
int vrrp_vmac_base_ifindex(const struct vrrp_inst *v);

#endif
