/* STUB */
int vrrp_timer_stub(void);
int vrrp_timer_stub(void) { return 0; }
