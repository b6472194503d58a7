/* Health checkers inside a real_server: TCP_CHECK, HTTP_GET, SSL_GET,
 * MISC_CHECK, SMTP_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK and
 * BFD_CHECK.  Each kind applies up to four tables in turn: its own options,
 * the options every checker but FILE/BFD has (timing, log_all_failures),
 * connect_timeout, and the connection options (connect_ip ...), which
 * MISC_CHECK lacks.  A keyword no applicable table knows is an error naming
 * the checker. */
#include <ctype.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/lb_internal.h"

#define CK(obj) ((struct checker_conf *)(obj))
#define CCK(obj) ((const struct checker_conf *)(obj))
#define IFNAME_MAX 15 /* IFNAMSIZ - 1 */

/* ---- connection options (struct chk_conn) ----------------------------- */

static int conn_bind_if(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1))
		return -1;
	if (strlen(n->argv[1]) > IFNAME_MAX) {
		diag_err(c->d, &n->loc, "%s: interface name '%s' is longer than %d characters",
			 n->argv[0], n->argv[1], IFNAME_MAX);
		return -1;
	}
	((struct chk_conn *)obj)->bind_if = arena_strdup(c->a, n->argv[1]);
	return 0;
}

static void conn_bind_if_dump(json_object *o, const void *obj)
{
	dump_str(o, "bind_if", ((const struct chk_conn *)obj)->bind_if);
}

static const struct kw kw_conn[] = {
	KW_ROW_ADDR("connect_ip", struct chk_conn, connect_ip),
	KW_ROW_INT("connect_port", struct chk_conn, connect_port, 1, 65535),
	KW_ROW_ADDR("bindto", struct chk_conn, bindto),
	KW_ROW_INT("bind_port", struct chk_conn, bind_port, 1, 65535),
	KW_ROW_CUSTOM("bind_if", conn_bind_if, conn_bind_if_dump),
	KW_ROW_INT("fwmark", struct chk_conn, fwmark, 0, LB_INT_MAX),
	KW_END,
};

static const struct kw kw_chk_common[] = {
	LB_ROWS_TIMING(lb_t_retry_checker),
	KW_ROW_FLAG("log_all_failures", struct checker_conf, log_all_failures),
	KW_END,
};

static const struct kw kw_chk_timeout[] = {
	LB_ROW_CONNECT_TIMEOUT,
	KW_END,
};

/* ---- HTTP_GET / SSL_GET ------------------------------------------------ */

#define URL(obj) ((struct url_conf *)(obj))
#define CURL(obj) ((const struct url_conf *)(obj))

static int url_digest(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1))
		return -1;
	const char *s = n->argv[1];
	size_t len = strlen(s);
	bool hex = len == 32;
	for (size_t i = 0; hex && i < len; i++)
		hex = isxdigit((unsigned char)s[i]);
	if (!hex) {
		diag_err(c->d, &n->loc, "%s: expected 32 hexadecimal digits (an MD5 sum), got '%s'",
			 n->argv[0], s);
		return -1;
	}
	char *d = arena_strdup(c->a, s);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	URL(obj)->digest = d;
	return 0;
}

static void url_digest_dump(json_object *o, const void *obj)
{
	dump_str(o, "digest", CURL(obj)->digest);
}

/* One `200` or `200-299` word; false when it is neither or out of range. */
static bool parse_status(const char *s, struct http_status *out)
{
	char lo[8];
	const char *dash = strchr(s, '-');
	size_t llen = dash ? (size_t)(dash - s) : strlen(s);
	int64_t a, b;
	if (llen == 0 || llen >= sizeof(lo))
		return false;
	memcpy(lo, s, llen);
	lo[llen] = '\0';
	if (!parse_int64(lo, &a))
		return false;
	b = a;
	if (dash && !parse_int64(dash + 1, &b))
		return false;
	if (a < 100 || b > 999 || a > b)
		return false;
	out->lo = (int)a;
	out->hi = (int)b;
	return true;
}

static int url_status(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct url_conf *u = URL(obj);
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, -1))
		return -1;
	int rc = 0;
	for (int i = 1; i < n->argc; i++) {
		struct http_status st;
		if (!parse_status(n->argv[i], &st)) {
			diag_err(c->d, &n->loc, "%s: expected a status code 100-999 or a range"
				 " such as 200-299, got '%s'", n->argv[0], n->argv[i]);
			rc = -1;
			continue;
		}
		*VEC_PUSH(c->a, u->status) = st;
	}
	return rc;
}

static void url_status_dump(json_object *o, const void *obj)
{
	const struct url_conf *u = CURL(obj);
	json_object *arr = json_object_new_array();
	char buf[16];
	for (size_t i = 0; i < u->status.n; i++) {
		const struct http_status *s = &u->status.v[i];
		if (s->lo == s->hi)
			snprintf(buf, sizeof(buf), "%d", s->lo);
		else
			snprintf(buf, sizeof(buf), "%d-%d", s->lo, s->hi);
		json_object_array_add(arr, json_object_new_string(buf));
	}
	json_object_object_add(o, "status_code", arr);
}

/* The PCRE2 options keepalived documents for regex_options. */
static const char *const regex_option_names[] = {
	"allow_empty_class", "alt_bsux", "auto_callout", "caseless", "dollar_endonly",
	"dotall", "dupnames", "extended", "firstline", "match_unset_backref",
	"multiline", "never_ucp", "never_utf", "no_auto_capture", "no_auto_possess",
	"no_dotstar_anchor", "no_start_optimize", "ucp", "ungreedy", "utf",
	"never_backslash_c", "alt_circumflex", "alt_verbnames", "use_offset_limit", NULL,
};

static int url_regex_options(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, -1))
		return -1;
	for (int i = 1; i < n->argc; i++) {
		int k = 0;
		while (regex_option_names[k] && strcmp(regex_option_names[k], n->argv[i]))
			k++;
		if (!regex_option_names[k]) {
			diag_err(c->d, &n->loc, "%s: unknown regex option '%s'", n->argv[0],
				 n->argv[i]);
			return -1;
		}
	}
	for (int i = 1; i < n->argc; i++)
		strvec_push(c->a, &URL(obj)->regex_options, n->argv[i]);
	return 0;
}

static void url_regex_options_dump(json_object *o, const void *obj)
{
	dump_strvec(o, "regex_options", &CURL(obj)->regex_options);
}

static int url_regex_stack(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	int64_t start, max;
	if (!cf_no_block(c, n) || !cf_args(c, n, 2, 2) ||
	    !cf_parse_int(c, n, 1, 1, LB_INT_MAX, &start) ||
	    !cf_parse_int(c, n, 2, 1, LB_INT_MAX, &max))
		return -1;
	if (start > max) {
		diag_err(c->d, &n->loc, "%s: the start %lld exceeds the maximum %lld",
			 n->argv[0], (long long)start, (long long)max);
		return -1;
	}
	URL(obj)->regex_stack_start = (int)start;
	URL(obj)->regex_stack_max = (int)max;
	return 0;
}

static void url_regex_stack_dump(json_object *o, const void *obj)
{
	const struct url_conf *u = CURL(obj);
	if (!u->regex_stack_max) {
		json_object_object_add(o, "regex_stack", NULL);
		return;
	}
	json_object *arr = json_object_new_array();
	json_object_array_add(arr, json_object_new_int(u->regex_stack_start));
	json_object_array_add(arr, json_object_new_int(u->regex_stack_max));
	json_object_object_add(o, "regex_stack", arr);
}

static const struct kw kw_url[] = {
	KW_ROW_STR("path", struct url_conf, path),
	KW_ROW_CUSTOM("digest", url_digest, url_digest_dump),
	KW_ROW_CUSTOM("status_code", url_status, url_status_dump),
	KW_ROW_STR("virtualhost", struct url_conf, virtualhost),
	KW_ROW_STR("regex", struct url_conf, regex),
	KW_ROW_FLAG("regex_no_match", struct url_conf, regex_no_match),
	KW_ROW_CUSTOM("regex_options", url_regex_options, url_regex_options_dump),
	KW_ROW_CUSTOM("regex_stack", url_regex_stack, url_regex_stack_dump),
	KW_ROW_INT("regex_min_offset", struct url_conf, regex_min_offset, 0, LB_INT_MAX),
	KW_ROW_INT("regex_max_offset", struct url_conf, regex_max_offset, 0, LB_INT_MAX),
	KW_END,
};

static void url_end(struct cf_ctx *c, struct url_conf *u)
{
	if (!u->status.n)
		*VEC_PUSH(c->a, u->status) = (struct http_status){ 200, 299 };
	bool regex_params = u->regex_no_match || u->regex_options.n ||
			    u->regex_stack_max || u->regex_min_offset || u->regex_max_offset;
	if (!u->regex && regex_params)
		diag_warn(c->d, &u->loc, "url: regex options are set but there is no regex");
	if (u->regex_max_offset && u->regex_min_offset > u->regex_max_offset)
		diag_err(c->d, &u->loc, "url: regex_min_offset %d exceeds regex_max_offset %d",
			 u->regex_min_offset, u->regex_max_offset);
}

static int parse_url(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct checker_conf *ck = CK(obj);
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	struct url_conf *u = VEC_PUSH(c->a, ck->u.http.urls);
	u->loc = n->loc;
	kw_parse_block(c, n->child, kw_url, u, "url");
	if (!u->path) {
		/* keepalived drops such a url, and so does halo. */
		diag_err(c->d, &n->loc, "url: no path; this url is ignored");
		ck->u.http.urls.n--;
		return -1;
	}
	url_end(c, u);
	return 0;
}

static void dump_urls(json_object *o, const void *obj)
{
	const struct checker_conf *ck = CCK(obj);
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < ck->u.http.urls.n; i++) {
		json_object *uo = json_object_new_object();
		kw_dump(uo, kw_url, &ck->u.http.urls.v[i]);
		json_object_array_add(arr, uo);
	}
	json_object_object_add(o, "url", arr);
}

static const struct kw_enum http_protocols[] = {
	{ "1.0", HTTP_PROTO_1_0 }, { "1.0C", HTTP_PROTO_1_0C }, { "1.1", HTTP_PROTO_1_1 },
	{ "1.0c", HTTP_PROTO_1_0C }, { NULL, 0 },
};

static const struct kw kw_http[] = {
	KW_ROW_ENUM("http_protocol", struct checker_conf, u.http.protocol, http_protocols),
	KW_ROW_FLAG("fast_recovery", struct checker_conf, u.http.fast_recovery),
	KW_ROW_FLAG("enable_sni", struct checker_conf, u.http.enable_sni),
	KW_ROW_STR("virtualhost", struct checker_conf, u.http.virtualhost),
	KW_ROW_CUSTOM("url", parse_url, dump_urls),
	KW_END,
};

/* ---- MISC_CHECK --------------------------------------------------------- */

static int misc_user(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2))
		return -1;
	CK(obj)->u.misc.user = arena_strdup(c->a, n->argv[1]);
	CK(obj)->u.misc.group = n->argc > 2 ? arena_strdup(c->a, n->argv[2]) : NULL;
	return 0;
}

static void misc_user_dump(json_object *o, const void *obj)
{
	dump_str(o, "user", CCK(obj)->u.misc.user);
	dump_str(o, "group", CCK(obj)->u.misc.group);
}

static const struct kw kw_misc[] = {
	KW_ROW_SCRIPT("misc_path", struct checker_conf, u.misc.path),
	KW_ROW_DUR("misc_timeout", struct checker_conf, u.misc.timeout_us, 1, LB_DUR_MAX),
	KW_ROW_FLAG("misc_dynamic", struct checker_conf, u.misc.dynamic),
	KW_ROW_CUSTOM("user", misc_user, misc_user_dump),
	KW_END,
};

/* ---- SMTP_CHECK --------------------------------------------------------- */

static int smtp_host(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct checker_conf *ck = CK(obj);
	if (!cf_args(c, n, 0, 0) || !cf_need_block(c, n))
		return -1;
	diag_warn(c->d, &n->loc, "host: SMTP_CHECK host blocks are deprecated;"
		  " use one SMTP_CHECK per host");
	struct chk_conn *h = VEC_PUSH(c->a, ck->u.smtp.hosts);
	h->loc = n->loc;
	kw_parse_block(c, n->child, kw_conn, h, "host");
	return 0;
}

static void smtp_host_dump(json_object *o, const void *obj)
{
	const struct checker_conf *ck = CCK(obj);
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < ck->u.smtp.hosts.n; i++) {
		json_object *ho = json_object_new_object();
		kw_dump(ho, kw_conn, &ck->u.smtp.hosts.v[i]);
		json_object_array_add(arr, ho);
	}
	json_object_object_add(o, "host", arr);
}

static const struct kw kw_smtp[] = {
	KW_ROW_STR("helo_name", struct checker_conf, u.smtp.helo_name),
	KW_ROW_CUSTOM("host", smtp_host, smtp_host_dump),
	KW_END,
};

/* ---- DNS_CHECK ---------------------------------------------------------- */

static const struct kw_enum dns_types[] = {
	{ "A", DNS_A }, { "NS", DNS_NS }, { "CNAME", DNS_CNAME }, { "SOA", DNS_SOA },
	{ "MX", DNS_MX }, { "TXT", DNS_TXT }, { "AAAA", DNS_AAAA }, { "RRSIG", DNS_RRSIG },
	{ "DNSKEY", DNS_DNSKEY }, { NULL, 0 },
};

/* A domain name: "." or labels of 1-63 characters, at most 253 in all. */
static bool dns_name_ok(const char *s)
{
	size_t len = strlen(s), label = 0;
	if (!strcmp(s, "."))
		return true;
	if (len == 0 || len > 254 || (len == 254 && s[253] != '.'))
		return false;
	for (const char *p = s; *p; p++) {
		if (*p != '.') {
			if (++label > 63)
				return false;
			continue;
		}
		if (label == 0)
			return false; /* empty label: "a..b" or ".a" */
		label = 0;
	}
	return true;
}

static int dns_name(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1))
		return -1;
	if (!dns_name_ok(n->argv[1])) {
		diag_err(c->d, &n->loc, "%s: '%s' is not a valid domain name"
			 " (empty label or too long)", n->argv[0], n->argv[1]);
		return -1;
	}
	CK(obj)->u.dns.name = arena_strdup(c->a, n->argv[1]);
	return 0;
}

static void dns_name_dump(json_object *o, const void *obj)
{
	dump_str(o, "name", CCK(obj)->u.dns.name);
}

static int dns_type(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	return cf_no_block(c, n) && cf_args(c, n, 1, 1) &&
		       cf_parse_enum(c, n, 1, dns_types, &CK(obj)->u.dns.type)
		       ? 0 : -1;
}

/* "type" already names the checker kind in the dump, so the query type
 * goes under "dns_type". */
static void dns_type_dump(json_object *o, const void *obj)
{
	dump_str(o, "dns_type", enum_name(dns_types, CCK(obj)->u.dns.type));
}

static const struct kw kw_dns[] = {
	KW_ROW_CUSTOM("type", dns_type, dns_type_dump),
	KW_ROW_CUSTOM("name", dns_name, dns_name_dump),
	KW_END,
};

/* ---- UDP_CHECK ---------------------------------------------------------- */

/* keepalived's free-form hex: each word is read in pairs of digits and an odd
 * last digit is a byte of its own ("Ab12f 3" is AB 12 0F 03).  `wild` allows
 * x/X for a nibble the reply may have any value in.  Returns the bytes as
 * lowercase hex pairs, or NULL when a character is not a hex digit. */
static char *parse_hex_words(struct cf_ctx *c, const struct cf_node *n, int from, bool wild)
{
	size_t cap = 1;
	for (int i = from; i < n->argc; i++)
		cap += strlen(n->argv[i]) + 1;
	char *out = arena_alloc(c->a, cap), *p = out;
	for (int i = from; i < n->argc; i++) {
		const char *w = n->argv[i];
		size_t len = strlen(w);
		for (size_t k = 0; k < len; k++) {
			char ch = (char)tolower((unsigned char)w[k]);
			if (!isxdigit((unsigned char)ch) && !(wild && ch == 'x'))
				return NULL;
		}
		for (size_t k = 0; k < len; k += 2) {
			if (k + 1 < len) {
				*p++ = (char)tolower((unsigned char)w[k]);
				*p++ = (char)tolower((unsigned char)w[k + 1]);
			} else {
				*p++ = '0';
				*p++ = (char)tolower((unsigned char)w[k]);
			}
		}
	}
	*p = '\0';
	return out;
}

static int udp_payload(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, -1))
		return -1;
	char *hex = parse_hex_words(c, n, 1, false);
	if (!hex) {
		diag_err(c->d, &n->loc, "%s: expected hexadecimal digits, got '%s'",
			 n->argv[0], cf_join(c, n, 1));
		return -1;
	}
	CK(obj)->u.udp.payload = hex;
	return 0;
}

static int udp_require_reply(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n))
		return -1;
	char *hex = NULL;
	if (n->argc > 1 && !(hex = parse_hex_words(c, n, 1, true))) {
		diag_err(c->d, &n->loc, "%s: expected hexadecimal digits (x for any), got '%s'",
			 n->argv[0], cf_join(c, n, 1));
		return -1;
	}
	CK(obj)->u.udp.require_reply = true;
	CK(obj)->u.udp.reply = hex;
	return 0;
}

static void udp_payload_dump(json_object *o, const void *obj)
{
	dump_str(o, "payload", CCK(obj)->u.udp.payload);
}

static void udp_require_reply_dump(json_object *o, const void *obj)
{
	dump_bool(o, "require_reply", CCK(obj)->u.udp.require_reply);
	dump_str(o, "require_reply_data", CCK(obj)->u.udp.reply);
}

static const struct kw kw_udp[] = {
	KW_ROW_CUSTOM("payload", udp_payload, udp_payload_dump),
	KW_ROW_CUSTOM("require_reply", udp_require_reply, udp_require_reply_dump),
	KW_ROW_INT("min_reply_length", struct checker_conf, u.udp.min_reply_length, 0, 65535),
	KW_ROW_INT("max_reply_length", struct checker_conf, u.udp.max_reply_length, 0, 65535),
	KW_END,
};

/* ---- FILE_CHECK and BFD_CHECK ------------------------------------------- */

static int file_weight(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	int64_t w;
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 2) ||
	    !cf_parse_int(c, n, 1, -LB_INT_MAX, LB_INT_MAX, &w))
		return -1;
	bool reverse = false;
	if (n->argc > 2) {
		if (!strcmp(n->argv[2], "reverse"))
			reverse = true;
		else if (strcmp(n->argv[2], "noreverse")) {
			diag_err(c->d, &n->loc, "%s: expected reverse or noreverse, got '%s'",
				 n->argv[0], n->argv[2]);
			return -1;
		}
	}
	CK(obj)->u.file.weight = (int)w;
	CK(obj)->u.file.reverse = reverse;
	return 0;
}

static void file_weight_dump(json_object *o, const void *obj)
{
	dump_int(o, "weight", CCK(obj)->u.file.weight);
	dump_bool(o, "reverse", CCK(obj)->u.file.reverse);
}

static const struct kw kw_file[] = {
	KW_ROW_STR("track_file", struct checker_conf, u.file.track_file),
	KW_ROW_CUSTOM("weight", file_weight, file_weight_dump),
	KW_ROW_FLAG("dynamic", struct checker_conf, u.file.dynamic),
	KW_END,
};

static int bfd_name(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	if (!cf_no_block(c, n) || !cf_args(c, n, 1, 1))
		return -1;
	if (strlen(n->argv[1]) > LB_BFD_NAME_MAX) {
		diag_err(c->d, &n->loc, "%s: '%s' is longer than %d characters", n->argv[0],
			 n->argv[1], LB_BFD_NAME_MAX);
		return -1;
	}
	CK(obj)->u.bfd.name = arena_strdup(c->a, n->argv[1]);
	return 0;
}

static void bfd_name_dump(json_object *o, const void *obj)
{
	dump_str(o, "name", CCK(obj)->u.bfd.name);
}

static const struct kw kw_bfd_check[] = {
	KW_ROW_CUSTOM("name", bfd_name, bfd_name_dump),
	KW_END,
};

/* ---- the kinds ---------------------------------------------------------- */

struct chk_kind {
	const char *name;
	const struct kw *own;
	bool common;  /* timing rows and log_all_failures */
	bool timeout; /* connect_timeout */
	bool conn;    /* connect_ip, connect_port, bindto, ... */
};

/* Indexed by enum chk_type. */
static const struct chk_kind kinds[] = {
	[CHK_TCP] = { "TCP_CHECK", NULL, true, true, true },
	[CHK_HTTP] = { "HTTP_GET", kw_http, true, true, true },
	[CHK_SSL] = { "SSL_GET", kw_http, true, true, true },
	[CHK_MISC] = { "MISC_CHECK", kw_misc, true, false, false },
	[CHK_SMTP] = { "SMTP_CHECK", kw_smtp, true, true, true },
	[CHK_DNS] = { "DNS_CHECK", kw_dns, true, true, true },
	[CHK_UDP] = { "UDP_CHECK", kw_udp, true, true, true },
	[CHK_PING] = { "PING_CHECK", NULL, true, true, true },
	[CHK_FILE] = { "FILE_CHECK", kw_file, false, false, false },
	[CHK_BFD] = { "BFD_CHECK", kw_bfd_check, false, false, false },
};
#define NKINDS ((int)(sizeof(kinds) / sizeof(kinds[0])))

int lb_checker_type(const char *keyword)
{
	for (int i = 0; i < NKINDS; i++)
		if (!strcmp(kinds[i].name, keyword))
			return i;
	return -1;
}

const char *lb_checker_name(int type)
{
	return type >= 0 && type < NKINDS ? kinds[type].name : "?";
}

static void checker_init(struct checker_conf *ck, int type)
{
	lb_timing_init(&ck->t);
	ck->type = type;
	switch (type) {
	case CHK_HTTP:
	case CHK_SSL:
		ck->u.http.protocol = HTTP_PROTO_1_0;
		break;
	case CHK_MISC:
		ck->u.misc.timeout_us = LB_UNSET;
		break;
	case CHK_DNS:
		ck->u.dns.type = DNS_SOA;
		ck->u.dns.name = (char *)".";
		break;
	case CHK_UDP:
		ck->u.udp.max_reply_length = 255;
		break;
	case CHK_SMTP:
		ck->u.smtp.helo_name = (char *)"smtpchecker.keepalived.org";
		break;
	case CHK_FILE:
		ck->u.file.weight = 1;
		break;
	default:
		break;
	}
}

static void apply_stmt(struct cf_ctx *c, const struct cf_node *n, struct checker_conf *ck)
{
	const struct chk_kind *k = &kinds[ck->type];
	int r = -2;
	if (k->own)
		r = kw_apply(c, n, k->own, ck);
	if (r == -2 && k->common)
		r = kw_apply(c, n, kw_chk_common, ck);
	if (r == -2 && k->timeout)
		r = kw_apply(c, n, kw_chk_timeout, ck);
	if (r == -2 && k->conn)
		r = kw_apply(c, n, kw_conn, &ck->conn);
	if (r == -2)
		diag_err(c->d, &n->loc, "unknown keyword '%s' in %s", n->argv[0], k->name);
}

/* What keepalived drops a checker for, and address sanity. */
static void checker_end(struct cf_ctx *c, struct checker_conf *ck)
{
	const char *name = kinds[ck->type].name;
	const char *missing = NULL;
	if ((ck->type == CHK_HTTP || ck->type == CHK_SSL) && !ck->u.http.urls.n)
		missing = "url { } block";
	else if (ck->type == CHK_MISC && !ck->u.misc.path)
		missing = "misc_path";
	else if (ck->type == CHK_FILE && !ck->u.file.track_file)
		missing = "track_file";
	else if (ck->type == CHK_BFD && !ck->u.bfd.name)
		missing = "name";
	if (missing) {
		diag_err(c->d, &ck->loc, "%s: no %s; this checker is ignored", name, missing);
		ck->invalid = true;
	}
	const struct chk_conn *cn = &ck->conn;
	if (addr_is_set(&cn->bindto) && addr_is_set(&cn->connect_ip) &&
	    cn->bindto.family != cn->connect_ip.family) {
		diag_err(c->d, &ck->loc, "%s: bindto and connect_ip are of different"
			 " address families; this checker is ignored", name);
		ck->invalid = true;
	}
	if (addr_is_v6_linklocal(&cn->bindto) && !cn->bind_if)
		diag_err(c->d, &ck->loc, "%s: the link-local bindto address needs bind_if", name);
	if (ck->type == CHK_UDP && ck->u.udp.min_reply_length > ck->u.udp.max_reply_length)
		diag_warn(c->d, &ck->loc, "%s: min_reply_length %d exceeds max_reply_length %d;"
			  " the check can never succeed", name, ck->u.udp.min_reply_length,
			  ck->u.udp.max_reply_length);
}

int lb_parse_checker(struct cf_ctx *c, const struct cf_node *n, void *obj)
{
	struct real_server_conf *rs = obj;
	int type = lb_checker_type(n->argv[0]);
	if (type < 0 || !cf_args(c, n, 0, 0))
		return -1;
	/* `PING_CHECK` without a block is a checker with every default. */
	struct checker_conf *ck = VEC_PUSH(c->a, rs->checkers);
	checker_init(ck, type);
	ck->loc = n->loc;
	for (const struct cf_node *ch = n->child; ch; ch = ch->next)
		if (ch->argc)
			apply_stmt(c, ch, ck);
	checker_end(c, ck);
	return ck->invalid ? -1 : 0;
}

static json_object *dump_checker(const struct checker_conf *ck)
{
	const struct chk_kind *k = &kinds[ck->type];
	json_object *o = json_object_new_object();
	dump_str(o, "type", k->name);
	if (ck->invalid)
		dump_bool(o, "invalid", true);
	if (k->conn)
		kw_dump(o, kw_conn, &ck->conn);
	if (k->timeout)
		kw_dump(o, kw_chk_timeout, ck);
	if (k->common)
		kw_dump(o, kw_chk_common, ck);
	if (k->own)
		kw_dump(o, k->own, ck);
	return o;
}

void lb_dump_checkers(json_object *o, const void *obj)
{
	const struct real_server_conf *rs = obj;
	json_object *arr = json_object_new_array_ext((int)rs->checkers.n);
	for (size_t i = 0; i < rs->checkers.n; i++)
		json_object_array_add(arr, dump_checker(&rs->checkers.v[i]));
	json_object_object_add(o, "checkers", arr);
}

/* ---- inheritance -------------------------------------------------------- */

static void resolve_timing(struct checker_conf *ck, const struct real_server_conf *rs)
{
	struct lb_timing *t = &ck->t;
	const struct lb_timing *r = &rs->t;
	if (t->delay_loop_us == LB_UNSET)
		t->delay_loop_us = r->delay_loop_us;
	if (t->connect_timeout_us == LB_UNSET)
		t->connect_timeout_us = r->connect_timeout_us;
	if (t->alpha < 0)
		t->alpha = r->alpha;
	if (t->retry < 0)
		t->retry = r->retry >= 0 ? r->retry
			   : ck->type == CHK_DNS ? 3
			   : ck->type == CHK_MISC ? 0 : 1;
	if (t->delay_before_retry_us == LB_UNSET) {
		if (r->delay_before_retry_us != LB_UNSET)
			t->delay_before_retry_us = r->delay_before_retry_us;
		else if (ck->type == CHK_HTTP || ck->type == CHK_SSL)
			t->delay_before_retry_us = 3 * USEC_PER_SEC;
		else if (ck->type == CHK_DNS)
			t->delay_before_retry_us = t->delay_loop_us;
		else
			t->delay_before_retry_us = USEC_PER_SEC;
	}
	if (t->warmup_us == LB_UNSET)
		t->warmup_us = r->warmup_us != LB_UNSET ? r->warmup_us : t->delay_loop_us;
}

void lb_resolve_checker(struct checker_conf *ck, const struct real_server_conf *rs)
{
	resolve_timing(ck, rs);
	if (kinds[ck->type].conn) {
		if (!addr_is_set(&ck->conn.connect_ip))
			ck->conn.connect_ip = rs->addr;
		if (!ck->conn.connect_port)
			ck->conn.connect_port = rs->port;
	}
	if (ck->type == CHK_HTTP || ck->type == CHK_SSL) {
		if (!ck->u.http.virtualhost)
			ck->u.http.virtualhost = rs->virtualhost;
		for (size_t i = 0; i < ck->u.http.urls.n; i++)
			if (!ck->u.http.urls.v[i].virtualhost)
				ck->u.http.urls.v[i].virtualhost = ck->u.http.virtualhost;
	}
	if (ck->type == CHK_MISC && ck->u.misc.timeout_us == LB_UNSET)
		ck->u.misc.timeout_us = ck->t.delay_loop_us;
}
