/* STUB */
#include "conf/conf.h"
void validate_vrrp(struct cf_ctx *c) { (void)c; }
