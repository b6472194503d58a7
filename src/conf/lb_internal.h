/* Shared between the load-balancer section files (sec_lb.c, sec_check.c,
 * sec_lb_misc.c, validate_lb.c); nothing outside src/conf/ includes it. */
#ifndef HALO_CONF_LB_INTERNAL_H
#define HALO_CONF_LB_INTERNAL_H

#include "conf/conf.h"

/* Range limits keepalived 2.2.7 applies. */
#define LB_DUR_MAX (100000000000LL * USEC_PER_SEC) /* what parse_seconds_us takes */
#define LB_CONNECT_TIMEOUT_MAX 4294967295LL        /* us: keepalived's 4294.967295 s */
#define LB_INT_MAX 2147483647LL

/* Timing rows every level shares; `retry` differs: a virtual or real server
 * needs at least 1 (keepalived rejects 0 there), a checker accepts 0. */
int lb_t_delay_loop(struct cf_ctx *c, const struct cf_node *n, void *obj);
int lb_t_connect_timeout(struct cf_ctx *c, const struct cf_node *n, void *obj);
int lb_t_delay_before_retry(struct cf_ctx *c, const struct cf_node *n, void *obj);
int lb_t_warmup(struct cf_ctx *c, const struct cf_node *n, void *obj);
int lb_t_retry_server(struct cf_ctx *c, const struct cf_node *n, void *obj);
int lb_t_retry_checker(struct cf_ctx *c, const struct cf_node *n, void *obj);
int lb_t_alpha(struct cf_ctx *c, const struct cf_node *n, void *obj);
void lb_d_delay_loop(json_object *o, const void *obj);
void lb_d_connect_timeout(json_object *o, const void *obj);
void lb_d_delay_before_retry(json_object *o, const void *obj);
void lb_d_warmup(json_object *o, const void *obj);
void lb_d_retry(json_object *o, const void *obj);
void lb_d_alpha(json_object *o, const void *obj);

/* connect_timeout is not a MISC_CHECK option, so it has its own row. */
#define LB_ROWS_TIMING(retry_fn)                                               \
	KW_ROW_CUSTOM("delay_loop", lb_t_delay_loop, lb_d_delay_loop),         \
	KW_ROW_CUSTOM("delay_before_retry", lb_t_delay_before_retry,           \
		      lb_d_delay_before_retry),                                \
	KW_ROW_CUSTOM("warmup", lb_t_warmup, lb_d_warmup),                     \
	KW_ROW_CUSTOM("retry", retry_fn, lb_d_retry),                          \
	KW_ROW_ALIAS("nb_get_retry", "retry"),                                 \
	KW_ROW_CUSTOM("alpha", lb_t_alpha, lb_d_alpha)
#define LB_ROW_CONNECT_TIMEOUT \
	KW_ROW_CUSTOM("connect_timeout", lb_t_connect_timeout, lb_d_connect_timeout)

void lb_timing_init(struct lb_timing *t);

/* `lvs_method` and its old spelling, for any struct lb_fwd. */
bool lb_parse_fwd(struct cf_ctx *c, const struct cf_node *n, struct lb_fwd *out);
void lb_dump_fwd(json_object *o, const char *key, const struct lb_fwd *f);
extern const struct kw_enum lb_method_names[];

/* Checkers (sec_check.c). */
int lb_parse_checker(struct cf_ctx *c, const struct cf_node *n, void *rs);
void lb_dump_checkers(json_object *o, const void *rs);
int lb_checker_type(const char *keyword);
const char *lb_checker_name(int type);
void lb_resolve_checker(struct checker_conf *ck, const struct real_server_conf *rs);

/* Virtual server groups, SSL, bfd_instance (sec_lb_misc.c). */
int lb_parse_vsg(struct cf_ctx *c, const struct cf_node *n, void *cfg);
int lb_parse_ssl(struct cf_ctx *c, const struct cf_node *n, void *cfg);
int lb_parse_bfd(struct cf_ctx *c, const struct cf_node *n, void *cfg);
void lb_dump_vsgs(json_object *root, const struct lb_model *m);
void lb_dump_ssl(json_object *root, const struct lb_model *m);
void lb_dump_bfds(json_object *root, const struct lb_model *m);
#define LB_BFD_NAME_MAX 31

/* "virtual_server 10.0.0.1 80", "virtual_server fwmark 5", ... for messages. */
const char *lb_vs_name(const struct virtual_server_conf *vs, char *buf, size_t len);
/* "line 12", or "FILE:12" when `at` is in another file than `from`. */
const char *lb_where(const struct cf_loc *at, const struct cf_loc *from, char *buf,
		     size_t len);

#endif
