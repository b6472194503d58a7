/* use_vmac: the instance's virtual MAC interface (vrrp_vmac.c).
 *
 * A macvlan in private mode named `use_vmac NAME` (default "vrrp.VRID") on
 * the instance's interface, with MAC 00:00:5e:00:01:VRID (RFC 5798 §7.3)
 * or the one configured.  VIPs live on it and its MAC is the ARP/GARP
 * sender, so clients keep the same MAC across a failover.  Adverts are
 * sent and received on the macvlan (on the base interface with
 * `vmac_xmit_base`): the socket joins 224.0.0.18 there, so, as with
 * keepalived, a backup's macvlan sends IGMP reports for that group from
 * the virtual MAC; the master's next advert puts the switch right.
 *
 * Sysctls, as keepalived sets them: arp_ignore=1 and arp_filter=1 on the
 * base interface (it must not answer ARP for VIPs held on the macvlan;
 * restored when the macvlan is removed); on the macvlan arp_ignore=1,
 * accept_local=1, rp_filter=0 and promote_secondaries=1; and IPv6 off on
 * the macvlan (halo), so a backup's copy sends no MLD or router
 * solicitations from the virtual MAC; and arp_announce=2 on the base
 * (halo, restored too), so its ARP requests never give the VIP as their
 * sender address with the base MAC.
 *
 * IPv4 instances only in this version: an IPv6 instance with use_vmac runs
 * on its interface and says so in the log.  The macvlan is deleted when the
 * instance stops (kept under -V with its VIPs). */
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
/* The interface holding the source address: the base interface. */
int vrrp_vmac_base_ifindex(const struct vrrp_inst *v);

#endif
