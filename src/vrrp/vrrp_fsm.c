/* STUB */
int vrrp_fsm_stub(void);
int vrrp_fsm_stub(void) { return 0; }
