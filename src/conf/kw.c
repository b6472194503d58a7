#include "conf/kw.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"

#define FIELD(obj, off, T) ((T *)((char *)(obj) + (off)))
#define CFIELD(obj, off, T) ((const T *)((const char *)(obj) + (off)))

bool parse_int64(const char *s, int64_t *out)
{
	if (!*s)
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || errno)
		return false;
	/* strtoll skips leading spaces; a word never has them, but be exact. */
	if (*s == ' ' || *s == '\t' || *s == '+')
		return false;
	*out = v;
	return true;
}

bool parse_seconds_us(const char *s, uint64_t *out_us)
{
	uint64_t whole = 0, frac = 0;
	int fdigits = 0;
	const char *p = s;
	if (!*p || *p == '.')
		goto maybe_frac_only;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 100000000000ULL)
			return false;
	}
maybe_frac_only:
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (fdigits == 6)
				continue; /* sub-microsecond digits are dropped */
			frac = frac * 10 + (uint64_t)(*p - '0');
			fdigits++;
		}
	}
	if (*p || p == s)
		return false;
	for (; fdigits < 6; fdigits++)
		frac *= 10;
	*out_us = whole * 1000000ULL + frac;
	return true;
}

static const char *kwname(const struct cf_node *n)
{
	return n->argc ? n->argv[0] : "?";
}

bool cf_args(struct cf_ctx *c, const struct cf_node *n, int min, int max)
{
	int have = n->argc - 1;
	if (have < min) {
		if (min == max)
			diag_err(c->d, &n->loc, "%s: expected %d argument%s, got %d",
				 kwname(n), min, min == 1 ? "" : "s", have);
		else
			diag_err(c->d, &n->loc, "%s: expected at least %d argument%s, got %d",
				 kwname(n), min, min == 1 ? "" : "s", have);
		return false;
	}
	if (max >= 0 && have > max) {
		diag_err(c->d, &n->loc, "%s: expected at most %d argument%s, got %d (extra '%s')",
			 kwname(n), max, max == 1 ? "" : "s", have, n->argv[max + 1]);
		return false;
	}
	return true;
}

bool cf_no_block(struct cf_ctx *c, const struct cf_node *n)
{
	if (n->block) {
		diag_err(c->d, &n->loc, "%s: does not take a { } block", kwname(n));
		return false;
	}
	return true;
}

bool cf_need_block(struct cf_ctx *c, const struct cf_node *n)
{
	if (!n->block) {
		diag_err(c->d, &n->loc, "%s: expected a { } block", kwname(n));
		return false;
	}
	return true;
}

bool cf_word_int(struct cf_ctx *c, const struct cf_loc *loc, const char *label,
		 const char *w, int64_t min, int64_t max, bool hex, int64_t *out)
{
	int64_t v;
	bool ok = parse_int64(w, &v);
	if (!ok && hex && w[0] == '0' && (w[1] == 'x' || w[1] == 'X') && w[2]) {
		char *end;
		unsigned long long u = strtoull(w + 2, &end, 16);
		ok = !*end && u <= (unsigned long long)INT64_MAX;
		v = (int64_t)u;
	}
	if (!ok) {
		diag_err(c->d, loc, "%s: expected an integer %lld-%lld, got '%s'", label,
			 (long long)min, (long long)max, w);
		return false;
	}
	if (v < min || v > max) {
		diag_err(c->d, loc, "%s: %lld is out of range %lld-%lld", label, (long long)v,
			 (long long)min, (long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool cf_parse_int(struct cf_ctx *c, const struct cf_node *n, int i, int64_t min,
		  int64_t max, int64_t *out)
{
	if (i >= n->argc) {
		diag_err(c->d, &n->loc, "%s: expected an integer %lld-%lld", kwname(n),
			 (long long)min, (long long)max);
		return false;
	}
	return cf_word_int(c, &n->loc, kwname(n), n->argv[i], min, max, false, out);
}

static void fmt_secs(char *buf, size_t len, int64_t us)
{
	if (us % 1000000 == 0)
		snprintf(buf, len, "%lld", (long long)(us / 1000000));
	else {
		snprintf(buf, len, "%lld.%06lld", (long long)(us / 1000000),
			 (long long)(us % 1000000));
		char *e = buf + strlen(buf) - 1;
		while (*e == '0')
			*e-- = '\0';
	}
}

bool cf_parse_duration(struct cf_ctx *c, const struct cf_node *n, int i,
		       int64_t min_us, int64_t max_us, uint64_t *out_us)
{
	uint64_t v;
	bool parsed = i < n->argc && parse_seconds_us(n->argv[i], &v);
	if (parsed && (int64_t)v >= min_us && (int64_t)v <= max_us) {
		*out_us = v;
		return true;
	}
	/* The range is formatted only for the message: this function runs for
	 * every duration of a large configuration. */
	char lo[32], hi[32];
	fmt_secs(lo, sizeof(lo), min_us);
	fmt_secs(hi, sizeof(hi), max_us);
	if (i >= n->argc)
		diag_err(c->d, &n->loc, "%s: expected a duration in seconds %s-%s",
			 kwname(n), lo, hi);
	else if (!parsed)
		diag_err(c->d, &n->loc, "%s: expected a duration in seconds %s-%s, got '%s'",
			 kwname(n), lo, hi, n->argv[i]);
	else
		diag_err(c->d, &n->loc, "%s: %s seconds is out of range %s-%s",
			 kwname(n), n->argv[i], lo, hi);
	return false;
}

bool cf_parse_bool(struct cf_ctx *c, const struct cf_node *n, int i, bool *out)
{
	static const char *yes[] = { "true", "yes", "on", "1", NULL };
	static const char *no[] = { "false", "no", "off", "0", NULL };
	if (i >= n->argc) {
		*out = true;
		return true;
	}
	for (int k = 0; yes[k]; k++)
		if (!strcasecmp(n->argv[i], yes[k])) {
			*out = true;
			return true;
		}
	for (int k = 0; no[k]; k++)
		if (!strcasecmp(n->argv[i], no[k])) {
			*out = false;
			return true;
		}
	diag_err(c->d, &n->loc, "%s: expected true/false, yes/no, on/off or 1/0, got '%s'",
		 kwname(n), n->argv[i]);
	return false;
}

bool cf_word_addr(struct cf_ctx *c, const struct cf_loc *loc, const char *label,
		  const char *w, struct halo_addr *out)
{
	if (addr_parse(w, out))
		return true;
	diag_err(c->d, loc, "%s: expected an IP address, got '%s'", label, w);
	return false;
}

bool cf_word_prefix(struct cf_ctx *c, const struct cf_loc *loc, const char *label,
		    const char *w, struct halo_prefix *out)
{
	if (prefix_parse(w, out))
		return true;
	diag_err(c->d, loc, "%s: expected an IP address[/prefix], got '%s'", label, w);
	return false;
}

bool cf_parse_addr(struct cf_ctx *c, const struct cf_node *n, int i,
		   struct halo_addr *out)
{
	if (i >= n->argc) {
		diag_err(c->d, &n->loc, "%s: expected an IP address", kwname(n));
		return false;
	}
	return cf_word_addr(c, &n->loc, kwname(n), n->argv[i], out);
}

bool cf_parse_prefix(struct cf_ctx *c, const struct cf_node *n, int i,
		     struct halo_prefix *out)
{
	if (i >= n->argc) {
		diag_err(c->d, &n->loc, "%s: expected an IP address[/prefix]", kwname(n));
		return false;
	}
	return cf_word_prefix(c, &n->loc, kwname(n), n->argv[i], out);
}

bool cf_parse_port(struct cf_ctx *c, const struct cf_node *n, int i, uint16_t *out)
{
	int64_t v;
	if (i >= n->argc || !parse_int64(n->argv[i], &v) || v < 0 || v > 65535) {
		diag_err(c->d, &n->loc, "%s: expected a port 0-65535, got '%s'",
			 kwname(n), i < n->argc ? n->argv[i] : "");
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

bool cf_parse_enum(struct cf_ctx *c, const struct cf_node *n, int i,
		   const struct kw_enum *e, int *out)
{
	if (i < n->argc)
		for (const struct kw_enum *p = e; p->name; p++)
			if (!strcmp(p->name, n->argv[i])) {
				*out = p->value;
				return true;
			}
	char list[512] = "";
	size_t used = 0;
	for (const struct kw_enum *p = e; p->name && used < sizeof(list) - 64; p++) {
		/* Several spellings may share a value; list each value once. */
		bool dup = false;
		for (const struct kw_enum *q = e; q < p; q++)
			if (q->value == p->value)
				dup = true;
		if (dup)
			continue;
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
					 used ? "|" : "", p->name);
	}
	if (i < n->argc)
		diag_err(c->d, &n->loc, "%s: expected one of %s, got '%s'", kwname(n),
			 list, n->argv[i]);
	else
		diag_err(c->d, &n->loc, "%s: expected one of %s", kwname(n), list);
	return false;
}

const char *enum_name(const struct kw_enum *e, int value)
{
	for (const struct kw_enum *p = e; p->name; p++)
		if (p->value == value)
			return p->name;
	return "?";
}

char *cf_join(struct cf_ctx *c, const struct cf_node *n, int i)
{
	size_t len = 0;
	for (int k = i; k < n->argc; k++)
		len += strlen(n->argv[k]) + 1;
	char *s = arena_alloc(c->a, len + 1);
	char *p = s;
	for (int k = i; k < n->argc; k++) {
		size_t l = strlen(n->argv[k]);
		if (p != s)
			*p++ = ' ';
		memcpy(p, n->argv[k], l);
		p += l;
	}
	*p = '\0';
	return s;
}

void strvec_push(struct arena *a, struct strvec *v, const char *s)
{
	*VEC_PUSH(a, *v) = arena_strdup(a, s);
}

void cf_note_script(struct cf_ctx *c, const struct cf_node *n)
{
	if (c->cfg->nscripts++ == 0)
		c->cfg->first_script = n->loc;
}

const struct kw *kw_find(const struct kw *table, const char *name)
{
	/* Tables are short and scanned once per statement; checking the first
	 * byte before strcmp() skips almost every row cheaply. */
	for (const struct kw *k = table; k->name; k++)
		if (k->name[0] == name[0] && !strcmp(k->name, name))
			return k;
	return NULL;
}

static int apply_row(struct cf_ctx *c, const struct cf_node *n, const struct kw *table,
		     const struct kw *k, void *obj, int depth)
{
	int64_t iv;
	int ev;
	switch (k->type) {
	case KW_ALIAS: {
		const struct kw *canon = kw_find(table, k->alias);
		if (!canon || depth > 2)
			return -1; /* a table bug; unit tests walk every alias */
		return apply_row(c, n, table, canon, obj, depth + 1);
	}
	case KW_CUSTOM:
		return k->parse(c, n, obj);
	case KW_IGNORED:
		diag_warn(c->d, &n->loc, "%s: recognised but not supported by halo yet; ignored",
			  n->argv[0]);
		return 0;
	case KW_STRLIST: {
		struct strvec *v = FIELD(obj, k->off, struct strvec);
		for (int i = 1; i < n->argc; i++)
			strvec_push(c->a, v, n->argv[i]);
		for (const struct cf_node *ch = n->child; ch; ch = ch->next) {
			for (int i = 0; i < ch->argc; i++)
				strvec_push(c->a, v, ch->argv[i]);
			if (ch->block)
				diag_err(c->d, &ch->loc, "%s: unexpected { } block inside %s",
					 ch->argv[0], n->argv[0]);
		}
		return 0;
	}
	default:
		break;
	}
	if (!cf_no_block(c, n))
		return -1;
	switch (k->type) {
	case KW_FLAG:
		return cf_args(c, n, 0, 1) && cf_parse_bool(c, n, 1, FIELD(obj, k->off, bool))
			       ? 0 : -1;
	case KW_TRI: {
		bool b;
		if (!cf_args(c, n, 0, 1) || !cf_parse_bool(c, n, 1, &b))
			return -1;
		*FIELD(obj, k->off, int) = b;
		return 0;
	}
	case KW_INT:
		if (!cf_args(c, n, 1, 1) || !cf_parse_int(c, n, 1, k->min, k->max, &iv))
			return -1;
		*FIELD(obj, k->off, int) = (int)iv;
		return 0;
	case KW_STR:
		if (!cf_args(c, n, 1, 1))
			return -1;
		*FIELD(obj, k->off, char *) = arena_strdup(c->a, n->argv[1]);
		return 0;
	case KW_SCRIPT:
		if (!cf_args(c, n, 1, -1))
			return -1;
		*FIELD(obj, k->off, char *) = cf_join(c, n, 1);
		cf_note_script(c, n);
		return 0;
	case KW_ENUM:
		if (!cf_args(c, n, 1, 1) || !cf_parse_enum(c, n, 1, k->enums, &ev))
			return -1;
		*FIELD(obj, k->off, int) = ev;
		return 0;
	case KW_DURATION:
		return cf_args(c, n, 1, 1) &&
			       cf_parse_duration(c, n, 1, k->min, k->max,
						 FIELD(obj, k->off, uint64_t))
			       ? 0 : -1;
	case KW_ADDR:
		return cf_args(c, n, 1, 1) &&
			       cf_parse_addr(c, n, 1, FIELD(obj, k->off, struct halo_addr))
			       ? 0 : -1;
	default:
		return -1;
	}
}

int kw_apply(struct cf_ctx *c, const struct cf_node *n, const struct kw *table, void *obj)
{
	if (n->argc == 0)
		return 0;
	const struct kw *k = kw_find(table, n->argv[0]);
	if (!k)
		return -2;
	return apply_row(c, n, table, k, obj, 0);
}

void kw_parse_block(struct cf_ctx *c, const struct cf_node *first,
		    const struct kw *table, void *obj, const char *section)
{
	for (const struct cf_node *n = first; n; n = n->next) {
		if (kw_apply(c, n, table, obj) == -2)
			diag_err(c->d, &n->loc, "unknown keyword '%s' in %s", n->argv[0],
				 section);
	}
}

void dump_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

void dump_int(json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void dump_bool(json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

void dump_addr(json_object *o, const char *key, const struct halo_addr *a)
{
	char buf[HALO_ADDRSTRLEN];
	json_object_object_add(o, key, addr_is_set(a)
		? json_object_new_string(addr_format(a, buf, sizeof(buf))) : NULL);
}

void dump_prefix(json_object *o, const char *key, const struct halo_prefix *p)
{
	char buf[HALO_ADDRSTRLEN];
	json_object_object_add(o, key, addr_is_set(&p->addr)
		? json_object_new_string(prefix_format(p, buf, sizeof(buf))) : NULL);
}

void dump_strvec(json_object *o, const char *key, const struct strvec *v)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(arr, json_object_new_string(v->v[i]));
	json_object_object_add(o, key, arr);
}

void kw_dump(json_object *o, const struct kw *table, const void *obj)
{
	char key[128];
	for (const struct kw *k = table; k->name; k++) {
		switch (k->type) {
		case KW_FLAG:
			dump_bool(o, k->name, *CFIELD(obj, k->off, bool));
			break;
		case KW_TRI: {
			int v = *CFIELD(obj, k->off, int);
			json_object_object_add(o, k->name, v == KW_TRI_UNSET ? NULL
					       : json_object_new_boolean(v));
			break;
		}
		case KW_INT:
			dump_int(o, k->name, *CFIELD(obj, k->off, int));
			break;
		case KW_STR:
		case KW_SCRIPT:
			dump_str(o, k->name, *CFIELD(obj, k->off, char *));
			break;
		case KW_ENUM:
			dump_str(o, k->name, enum_name(k->enums, *CFIELD(obj, k->off, int)));
			break;
		case KW_DURATION:
			snprintf(key, sizeof(key), "%s_us", k->name);
			dump_int(o, key, (int64_t)*CFIELD(obj, k->off, uint64_t));
			break;
		case KW_ADDR:
			dump_addr(o, k->name, CFIELD(obj, k->off, struct halo_addr));
			break;
		case KW_STRLIST:
			dump_strvec(o, k->name, CFIELD(obj, k->off, struct strvec));
			break;
		case KW_CUSTOM:
			if (k->dump)
				k->dump(o, obj);
			break;
		case KW_IGNORED:
		case KW_ALIAS:
			break;
		}
	}
}
