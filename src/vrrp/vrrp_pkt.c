/* STUB: replaced by the VRRP codec owner. */
int vrrp_pkt_stub(void);
int vrrp_pkt_stub(void) { return 0; }
