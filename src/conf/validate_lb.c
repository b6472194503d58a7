/* STUB */
#include "conf/conf.h"
void validate_lb(struct cf_ctx *c) { (void)c; }
