/* STUB */
#include "conf/conf.h"
void vrrp_model_init(struct vrrp_model *m) { (void)m; }
void dump_vrrp(json_object *root, const struct halo_config *cfg) { (void)root; (void)cfg; }
