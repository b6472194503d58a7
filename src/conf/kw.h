/* Keyword tables: how a block of statements becomes fields of a typed
 * struct.  Each section declares a table of rows (keyword, type, field
 * offset, range); kw_parse_block() walks the statements of a block and
 * fills the struct, and kw_dump() writes the same fields as JSON, so the
 * parser and `--dump-config` can never disagree about a keyword.
 *
 * Scalar field types by row type:
 *   KW_FLAG      bool       no argument, or yes/no/on/off/true/false/1/0
 *   KW_TRI       int        like KW_FLAG, but KW_TRI_UNSET (-1) until given,
 *                           so validation can inherit a global default;
 *                           dumped as null while unset
 *   KW_INT       int        one integer in [min, max]
 *   KW_STR       char *     one word
 *   KW_SCRIPT    char *     the rest of the line, joined by spaces; counted
 *                           as a script for the script-security check
 *   KW_ENUM      int        one word from `enums` (exact match)
 *   KW_DURATION  uint64_t   seconds, fractions allowed, stored in
 *                           microseconds, range [min, max] in microseconds;
 *                           dumped as "<name>_us"
 *   KW_ADDR      struct halo_addr
 *   KW_STRLIST   struct strvec   words of the line, or of every line of a
 *                           block; repeated keywords append
 *   KW_CUSTOM    parse/dump callbacks do everything
 *   KW_IGNORED   no field: recognised, accepted with a warning that halo
 *                does not act on it yet
 *   KW_ALIAS     an old spelling (`lb_algo`): applies the row named `alias`
 *                of the same table; never dumped itself */
#ifndef HALO_CONF_KW_H
#define HALO_CONF_KW_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/diag.h"
#include "conf/tree.h"
#include "core/addr.h"
#include "core/arena.h"

struct halo_config;

struct strvec {
	char **v;
	size_t n, cap;
};

/* What a parse callback gets: where to allocate, where to report, and the
 * configuration being built (for cross-section lists such as scripts). */
struct cf_ctx {
	struct arena *a;
	struct diag_list *d;
	struct halo_config *cfg;
	/* Scratch memory for the load only (validation's sort arrays), freed
	 * with the statement tree; NULL: `a`.  Nothing the model keeps may
	 * point into it. */
	struct arena *tmp;
};

static inline struct arena *cf_tmp(const struct cf_ctx *c)
{
	return c->tmp ? c->tmp : c->a;
}

/* Returns 0 when the statement was used, -1 when it was rejected (the
 * callback has already reported why). */
typedef int (*kw_parse_fn)(struct cf_ctx *c, const struct cf_node *n, void *obj);
/* Adds the field(s) the row stands for to the JSON object `o`. */
typedef void (*kw_dump_fn)(json_object *o, const void *obj);

enum kw_type {
	KW_FLAG,
	KW_TRI,
	KW_INT,
	KW_STR,
	KW_SCRIPT,
	KW_ENUM,
	KW_DURATION,
	KW_ADDR,
	KW_STRLIST,
	KW_CUSTOM,
	KW_IGNORED,
	KW_ALIAS,
};

struct kw_enum {
	const char *name;
	int value;
};


struct kw {
	const char *name;
	enum kw_type type;
	size_t off;
	int64_t min, max;
	const struct kw_enum *enums; /* KW_ENUM: terminated by { NULL, 0 } */
	kw_parse_fn parse;           /* KW_CUSTOM */
	kw_dump_fn dump;             /* KW_CUSTOM; NULL dumps nothing */
	const char *alias;           /* KW_ALIAS: the canonical keyword */
};

/* Row constructors, so tables read as one line per keyword. */
#define KW_ROW_FLAG(n, T, f) { .name = (n), .type = KW_FLAG, .off = offsetof(T, f) }
#define KW_ROW_TRI(n, T, f) { .name = (n), .type = KW_TRI, .off = offsetof(T, f) }
#define KW_TRI_UNSET (-1)
#define KW_ROW_INT(n, T, f, lo, hi) \
	{ .name = (n), .type = KW_INT, .off = offsetof(T, f), .min = (lo), .max = (hi) }
#define KW_ROW_STR(n, T, f) { .name = (n), .type = KW_STR, .off = offsetof(T, f) }
#define KW_ROW_SCRIPT(n, T, f) { .name = (n), .type = KW_SCRIPT, .off = offsetof(T, f) }
#define KW_ROW_ENUM(n, T, f, e) \
	{ .name = (n), .type = KW_ENUM, .off = offsetof(T, f), .enums = (e) }
#define KW_ROW_DUR(n, T, f, lo_us, hi_us) \
	{ .name = (n), .type = KW_DURATION, .off = offsetof(T, f), .min = (lo_us), .max = (hi_us) }
#define KW_ROW_ADDR(n, T, f) { .name = (n), .type = KW_ADDR, .off = offsetof(T, f) }
#define KW_ROW_LIST(n, T, f) { .name = (n), .type = KW_STRLIST, .off = offsetof(T, f) }
#define KW_ROW_CUSTOM(n, p, d) { .name = (n), .type = KW_CUSTOM, .parse = (p), .dump = (d) }
#define KW_ROW_IGNORED(n) { .name = (n), .type = KW_IGNORED }
#define KW_ROW_ALIAS(n, canon) { .name = (n), .type = KW_ALIAS, .alias = (canon) }
#define KW_END { .name = NULL }

#define USEC_PER_SEC 1000000LL

/* Walks the statements starting at `first` (a block's children) and applies
 * `table` to `obj`.  Unknown keywords are errors naming the section.  A
 * repeated scalar keyword overrides the earlier one (keepalived does). */
void kw_parse_block(struct cf_ctx *c, const struct cf_node *first,
		    const struct kw *table, void *obj, const char *section);
/* Applies one statement; returns 0 or -1 like a parse callback.  Returns
 * -2 (and reports nothing) when the keyword is not in the table. */
int kw_apply(struct cf_ctx *c, const struct cf_node *n, const struct kw *table,
	     void *obj);
const struct kw *kw_find(const struct kw *table, const char *name);
/* Dumps every non-alias row of `table` for `obj` into `o`. */
void kw_dump(json_object *o, const struct kw *table, const void *obj);

/* Helpers for custom callbacks; each reports a located error naming the
 * keyword and what was expected, and returns false on bad input. */
bool cf_args(struct cf_ctx *c, const struct cf_node *n, int min, int max);
bool cf_no_block(struct cf_ctx *c, const struct cf_node *n);
bool cf_need_block(struct cf_ctx *c, const struct cf_node *n);
bool cf_parse_int(struct cf_ctx *c, const struct cf_node *n, int i, int64_t min,
		  int64_t max, int64_t *out);
bool cf_parse_duration(struct cf_ctx *c, const struct cf_node *n, int i,
		       int64_t min_us, int64_t max_us, uint64_t *out_us);
bool cf_parse_bool(struct cf_ctx *c, const struct cf_node *n, int i, bool *out);
bool cf_parse_addr(struct cf_ctx *c, const struct cf_node *n, int i,
		   struct halo_addr *out);
bool cf_parse_prefix(struct cf_ctx *c, const struct cf_node *n, int i,
		     struct halo_prefix *out);
bool cf_parse_port(struct cf_ctx *c, const struct cf_node *n, int i, uint16_t *out);
bool cf_parse_enum(struct cf_ctx *c, const struct cf_node *n, int i,
		   const struct kw_enum *e, int *out);
/* The same checks on one word already taken from a line, with `label`
 * leading the message instead of the keyword ("virtual_routes: metric"):
 * for options inside a statement.  `hex` also accepts 0x... integers. */
bool cf_word_int(struct cf_ctx *c, const struct cf_loc *loc, const char *label,
		 const char *w, int64_t min, int64_t max, bool hex, int64_t *out);
bool cf_word_addr(struct cf_ctx *c, const struct cf_loc *loc, const char *label,
		  const char *w, struct halo_addr *out);
bool cf_word_prefix(struct cf_ctx *c, const struct cf_loc *loc, const char *label,
		    const char *w, struct halo_prefix *out);
/* Words argv[i..] joined by single spaces, in the arena. */
char *cf_join(struct cf_ctx *c, const struct cf_node *n, int i);
void strvec_push(struct arena *a, struct strvec *v, const char *s);
/* Records that a script is configured (the -t exit code 5 check). */
void cf_note_script(struct cf_ctx *c, const struct cf_node *n);

/* Strict number parsing without diagnostics (also used by the reader). */
bool parse_int64(const char *s, int64_t *out);
/* "1", "0.05", "1.5": seconds to microseconds, at most 6 decimals. */
bool parse_seconds_us(const char *s, uint64_t *out_us);

/* JSON helpers shared by the section dumpers. */
void dump_str(json_object *o, const char *key, const char *s);
void dump_int(json_object *o, const char *key, int64_t v);
void dump_bool(json_object *o, const char *key, bool v);
void dump_addr(json_object *o, const char *key, const struct halo_addr *a);
void dump_prefix(json_object *o, const char *key, const struct halo_prefix *p);
void dump_strvec(json_object *o, const char *key, const struct strvec *v);
const char *enum_name(const struct kw_enum *e, int value);

#endif
