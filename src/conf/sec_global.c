/* STUB: replaced by the VRRP-side model owner. */
#include "conf/conf.h"

const struct kw kw_root_vrrp[] = { KW_END };
void global_conf_defaults(struct global_conf *g) { (void)g; }
void dump_global(json_object *root, const struct halo_config *cfg) { (void)root; (void)cfg; }
