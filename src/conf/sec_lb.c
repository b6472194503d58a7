/* STUB */
#include "conf/conf.h"
const struct kw kw_root_lb[] = { KW_END };
void lb_model_init(struct lb_model *m) { (void)m; }
void dump_lb(json_object *root, const struct halo_config *cfg) { (void)root; (void)cfg; }
