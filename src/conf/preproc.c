/* The preprocessor: turns files into final lines of configuration text.
 *
 * Each physical line goes through, in this order:
 *   1. comment removal (quote-aware);
 *   2. `@ID ` / `@^ID `: the line is dropped unless the condition holds;
 *   3. `$NAME=value`: a definition (continued by a trailing `\`), stored
 *      unexpanded: keepalived expands parameters when they are used;
 *   4. `~SEQ(...)`, `~SEQx(...)`, `~LST(...)`: the rest of the line is
 *      processed once per value with the loop variables defined;
 *   5. `$NAME` / `${NAME}` references are replaced by their values (one
 *      level), and when anything changed the result is processed again
 *      from step 1, line by line, at the location of the original line.
 *      That one rule gives keepalived's recursive replacement, multi-line
 *      values, conditionals and definitions inside values, and
 *      `$IF_MAIN=@main` tricks;
 *   6. what is left goes to the statement builder.
 * Include statements are recognised by the statement builder after all
 * this, so `@main include x.conf` and `include ${_PWD}/x.conf` work (a
 * superset of keepalived, which detects includes before preprocessing).
 *
 * Every loop here is bounded (see the limits in preproc.h): a recursive
 * definition, a ~SEQ of a billion values or an include loop is an error,
 * never a hang. */
#include "conf/preproc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "conf/lexer.h"

/* ---- parameters: a small open-addressing hash table ---------------- */

struct param {
	char *name;  /* NULL: empty slot */
	char *value; /* NULL: not defined (the entry remembers a warning) */
	size_t vlen;
	bool warned; /* "not defined" already reported for this name */
};

struct ptab {
	struct param *v;
	size_t cap, n;
};

static uint64_t hash_name(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static struct param *ptab_slot(struct param *v, size_t cap, const char *name,
			       size_t n)
{
	size_t i = hash_name(name, n) & (cap - 1);
	while (v[i].name && (strncmp(v[i].name, name, n) || v[i].name[n]))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

static void ptab_grow(struct ptab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct param *nv = calloc(ncap, sizeof(*nv));
	if (!nv)
		abort();
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].name)
			*ptab_slot(nv, ncap, t->v[i].name,
				   strlen(t->v[i].name)) = t->v[i];
	free(t->v);
	t->v = nv;
	t->cap = ncap;
}

/* The entry for `name`, created (undefined) when `create` is set. */
static struct param *ptab_get(struct ptab *t, const char *name, size_t n,
			      bool create)
{
	if (t->cap) {
		struct param *p = ptab_slot(t->v, t->cap, name, n);
		if (p->name || !create)
			return p->name ? p : NULL;
	}
	if (!create)
		return NULL;
	if ((t->n + 1) * 4 > t->cap * 3)
		ptab_grow(t);
	struct param *p = ptab_slot(t->v, t->cap, name, n);
	p->name = strndup(name, n);
	if (!p->name)
		abort();
	t->n++;
	return p;
}

static void param_set(struct ptab *t, const char *name, size_t n,
		      const char *value, size_t vlen)
{
	struct param *p = ptab_get(t, name, n, true);
	free(p->value);
	p->value = NULL;
	if (value) {
		p->value = malloc(vlen + 1);
		if (!p->value)
			abort();
		memcpy(p->value, value, vlen);
		p->value[vlen] = '\0';
	}
	p->vlen = vlen;
}

static void ptab_free(struct ptab *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->v[i].name);
		free(t->v[i].value);
	}
	free(t->v);
}

/* ---- the preprocessor state ----------------------------------------- */

struct pp_file {
	const char *name; /* in the names arena: statements point at it */
	char *prefix;     /* "" or the directory part of name, ending in '/' */
	char *pwd;        /* absolute directory for ${_PWD}, made on demand */
	dev_t dev;
	ino_t ino;
	bool has_id;   /* dev/ino known (not text in memory) */
	bool in_cwd;   /* text in memory: ${_PWD} is the current directory */
};

struct cf_pp {
	struct arena *names; /* file names (cf_loc.file); words are the lexer's */
	struct diag_list *d;
	bool all_config;
	cf_line_fn emit;
	void *ctx;
	char *config_id;
	struct ptab params;
	struct pp_file files[CF_PP_MAX_INCLUDE_DEPTH + 1];
	int nfiles;
	unsigned files_read;
	/* Per physical line of a file: what its expansion may still cost. */
	size_t budget;
	unsigned long reps, lines;
	bool abort;
	uint64_t rng;
};

static void pp_text(struct cf_pp *pp, const char *text, size_t len,
		    const struct cf_loc *fixed, int depth);

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void trim(const char **s, size_t *n)
{
	while (*n && cf_is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && cf_is_space((*s)[*n - 1]))
		(*n)--;
}

static char *short_hostname(void)
{
	struct utsname u;
	const char *h = uname(&u) == 0 ? u.nodename : "";
	char *id = strndup(h, strcspn(h, "."));
	if (!id)
		abort();
	return id;
}

struct cf_pp *cf_pp_new(struct arena *a, const struct cf_read_opts *o,
			struct diag_list *d, cf_line_fn fn, void *ctx)
{
	struct cf_pp *pp = calloc(1, sizeof(*pp));
	if (!pp)
		abort();
	pp->names = o && o->names ? o->names : a;
	pp->d = d;
	pp->all_config = o && o->all_config;
	pp->emit = fn;
	pp->ctx = ctx;
	pp->config_id = o && o->config_id ? strdup(o->config_id)
					  : short_hostname();
	if (!pp->config_id)
		abort();
	pp->rng = o && o->random_seed ? o->random_seed
				      : (uint64_t)time(NULL) ^
						((uint64_t)getpid() << 32);
	pp->rng |= 1; /* xorshift must not start at 0 */
	return pp;
}

void cf_pp_free(struct cf_pp *pp)
{
	if (!pp)
		return;
	ptab_free(&pp->params);
	free(pp->config_id);
	free(pp);
}

/* Starts a new physical line: its expansion budget is fresh. */
static void line_limits_reset(struct cf_pp *pp)
{
	pp->budget = CF_PP_MAX_EXPANDED;
	pp->reps = 0;
	pp->lines = 0;
	pp->abort = false;
}

/* A limit was hit in the middle of a line's expansion: what the line
 * produced so far is already in the tree and the rest is missing, so the
 * configuration cannot be trusted (DIAG_FATAL).  The rest of the physical
 * line is skipped. */
static void stop(struct cf_pp *pp, const struct cf_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void stop(struct cf_pp *pp, const struct cf_loc *loc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(pp->d, DIAG_FATAL, loc, "%s", msg);
	pp->abort = true;
}

static bool charge(struct cf_pp *pp, size_t n, const struct cf_loc *loc)
{
	if (n <= pp->budget) {
		pp->budget -= n;
		return true;
	}
	stop(pp, loc, "expanding this line produces more than %u MiB of text",
	     CF_PP_MAX_EXPANDED >> 20);
	return false;
}

/* ---- lines ------------------------------------------------------------ */

struct line_iter {
	const char *text;
	size_t len, pos;
	int lineno;
};

static bool next_line(struct line_iter *it, const char **s, size_t *n)
{
	if (it->pos >= it->len)
		return false;
	const char *p = it->text + it->pos;
	const char *nl = memchr(p, '\n', it->len - it->pos);
	*s = p;
	*n = nl ? (size_t)(nl - p) : it->len - it->pos;
	it->pos += *n + 1;
	it->lineno++;
	return true;
}

/* `@ID rest` / `@^ID rest`: strips the prefix, returns whether to keep. */
static bool conditional(struct cf_pp *pp, const char **s, size_t *n)
{
	const char *p = *s + 1, *end = *s + *n;
	bool neg = p < end && *p == '^';
	if (neg)
		p++;
	const char *id = p;
	while (p < end && !cf_is_space(*p))
		p++;
	size_t idn = (size_t)(p - id);
	bool match = strlen(pp->config_id) == idn && !memcmp(pp->config_id, id, idn);
	while (p < end && cf_is_space(*p))
		p++;
	*s = p;
	*n = (size_t)(end - p);
	return neg ? !match : match;
}

/* `$NAME=`: the name's length, or 0 when the line is no definition. */
static size_t definition_name(const char *s, size_t n)
{
	if (n < 3 || s[0] != '$' || !is_name_start(s[1]))
		return 0;
	size_t i = 2;
	while (i < n && is_name_char(s[i]))
		i++;
	return i < n && s[i] == '=' ? i - 1 : 0;
}

static bool is_builtin(const char *name, size_t n)
{
	static const char *const names[] = { "_PWD", "_INSTANCE", "_RANDOM",
					     "_ENV", "_HASH", "_BANG" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && !memcmp(names[i], name, n))
			return true;
	return false;
}

/* Strips a trailing backslash; returns whether there was one. */
static bool continued(const char *s, size_t *n)
{
	if (!*n || s[*n - 1] != '\\')
		return false;
	(*n)--;
	while (*n && cf_is_space(s[*n - 1]))
		(*n)--;
	return true;
}

/* A definition, with its continuation lines taken from `it`.  Blank and
 * comment-only lines inside a multi-line value are skipped rather than
 * ending it, so the man page's own examples (which have blank lines in
 * them) work. */
static void define(struct cf_pp *pp, const char *s, size_t n, size_t namelen,
		   struct line_iter *it, bool keep, const struct cf_loc *loc)
{
	const char *v = s + namelen + 2;
	size_t vn = n - namelen - 2;
	trim(&v, &vn);
	bool more = continued(v, &vn);
	struct cf_buf val = { 0 };
	cf_buf_add(&val, v, vn);
	while (more) {
		const char *ls;
		size_t ln;
		if (!next_line(it, &ls, &ln))
			break;
		ln = cf_comment_start(ls, ln);
		trim(&ls, &ln);
		if (!ln)
			continue;
		more = continued(ls, &ln);
		if (val.n)
			cf_buf_addc(&val, '\n');
		cf_buf_add(&val, ls, ln);
	}
	if (keep && is_builtin(s + 1, namelen))
		diag_warn(pp->d, loc,
			  "'%.*s' is a built-in parameter and cannot be redefined",
			  (int)namelen, s + 1);
	else if (keep)
		param_set(&pp->params, s + 1, namelen, val.p, val.n);
	cf_buf_free(&val);
}

enum expand { EXP_SAME, EXP_CHANGED, EXP_TOO_LONG };

static bool is_loop(const char *s, size_t n)
{
	return (n >= 5 && (!memcmp(s, "~SEQ(", 5) || !memcmp(s, "~LST(", 5))) ||
	       (n >= 6 && !memcmp(s, "~SEQx(", 6));
}

static void pp_loops(struct cf_pp *pp, const char *s, size_t n,
		     const struct cf_loc *loc, int depth);
static enum expand expand_once(struct cf_pp *pp, const char *s, size_t n,
			       struct cf_buf *out, const struct cf_loc *loc);

static void too_long(struct cf_pp *pp, const struct cf_loc *loc)
{
	stop(pp, loc, "a parameter expansion of this line is longer than %u KiB",
	     CF_PP_MAX_LINE >> 10);
}

/* Steps 4 to 6 for one line without its condition prefix. */
static void pp_body(struct cf_pp *pp, const char *s, size_t n,
		    const struct cf_loc *loc, int depth)
{
	if (is_loop(s, n)) {
		pp_loops(pp, s, n, loc, depth);
		return;
	}
	if (memchr(s, '$', n)) {
		struct cf_buf out = { 0 };
		enum expand e = expand_once(pp, s, n, &out, loc);
		if (e == EXP_TOO_LONG)
			too_long(pp, loc);
		else if (e == EXP_CHANGED && charge(pp, out.n, loc))
			pp_text(pp, out.p, out.n, loc, depth + 1);
		cf_buf_free(&out);
		if (e != EXP_SAME)
			return;
	}
	if (++pp->lines > CF_PP_MAX_LINES) {
		stop(pp, loc, "this line expands to more than %lu lines",
		     CF_PP_MAX_LINES);
		return;
	}
	pp->emit(pp->ctx, s, n, loc);
}

/* Preprocesses `text`.  With `fixed` NULL the text is the file on top of
 * the include stack and lines are numbered from 1; otherwise it came from
 * an expansion and every line has the location `fixed`. */
static void pp_text(struct cf_pp *pp, const char *text, size_t len,
		    const struct cf_loc *fixed, int depth)
{
	if (depth > CF_PP_MAX_EXPANSION_DEPTH) {
		stop(pp, fixed, "parameter expansion nested more than %d levels"
		     " deep (recursive definition?)", CF_PP_MAX_EXPANSION_DEPTH);
		return;
	}
	struct line_iter it = { .text = text, .len = len };
	const char *s;
	size_t n;
	while (next_line(&it, &s, &n)) {
		struct cf_loc loc;
		if (fixed) {
			if (pp->abort)
				break;
			loc = *fixed;
		} else {
			line_limits_reset(pp);
			loc = (struct cf_loc){ pp->files[pp->nfiles - 1].name,
					       it.lineno };
		}
		n = cf_comment_start(s, n);
		trim(&s, &n);
		if (!n)
			continue;
		bool keep = s[0] != '@' || conditional(pp, &s, &n);
		size_t namelen = definition_name(s, n);
		if (namelen)
			define(pp, s, n, namelen, &it, keep, &loc);
		else if (keep && n)
			pp_body(pp, s, n, &loc, depth);
	}
}

/* ---- expansion ---------------------------------------------------------- */

/* Appends text that must reach the lexer verbatim (a path, an environment
 * value): characters the preprocessor or the lexer would interpret are
 * marked literal. */
static void add_literal(struct cf_buf *out, const char *s, size_t n)
{
	static const char special[] = " \t\r\n\v\f#!\"'{}$\\@~" "\x01";
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0')
			continue;
		if (strchr(special, s[i]))
			cf_buf_addc(out, CF_LITERAL);
		cf_buf_addc(out, s[i]);
	}
}

static const char *current_pwd(struct cf_pp *pp)
{
	struct pp_file *f = &pp->files[pp->nfiles - 1];
	if (!f->pwd) {
		char *r = f->in_cwd ? getcwd(NULL, 0)
				    : realpath(*f->prefix ? f->prefix : ".", NULL);
		f->pwd = r ? r : strdup(*f->prefix ? f->prefix : ".");
		if (!f->pwd)
			abort();
		size_t l = strlen(f->pwd);
		if (l > 1 && f->pwd[l - 1] == '/')
			f->pwd[l - 1] = '\0';
	}
	return f->pwd;
}

static uint64_t next_random(struct cf_pp *pp)
{
	/* xorshift64*: the values only need to look random, not be secret. */
	pp->rng ^= pp->rng >> 12;
	pp->rng ^= pp->rng << 25;
	pp->rng ^= pp->rng >> 27;
	return pp->rng * 2685821657736338717ull;
}

/* ${_RANDOM [MIN [MAX]]}; `args` is what follows the name. */
static bool builtin_random(struct cf_pp *pp, const char *args, size_t n,
			   struct cf_buf *out, const struct cf_loc *loc)
{
	unsigned long v[2] = { 0, 32767 };
	int k = 0;
	const char *p = args, *end = args + n;
	for (;;) {
		while (p < end && cf_is_space(*p))
			p++;
		if (p == end)
			break;
		const char *w = p;
		unsigned long x = 0;
		while (p < end && isdigit((unsigned char)*p) && x <= UINT32_MAX)
			x = x * 10 + (unsigned long)(*p++ - '0');
		if (p == w || k == 2 || x > UINT32_MAX ||
		    (p < end && !cf_is_space(*p)))
			goto bad;
		v[k++] = x;
	}
	if (v[0] > v[1])
		goto bad;
	char num[32];
	int len = snprintf(num, sizeof(num), "%lu",
			   v[0] + (unsigned long)(next_random(pp) % (v[1] - v[0] + 1)));
	cf_buf_add(out, num, (size_t)len);
	return true;
bad:
	diag_err(pp->d, loc,
		 "invalid ${_RANDOM%.*s}: expected ${_RANDOM [MIN [MAX]]} with"
		 " 0 <= MIN <= MAX", (int)n, args);
	return false;
}

enum ref { REF_NONE, REF_DONE, REF_UNDEF };

/* Resolves the name `s[0..n)` (with arguments after a space for the
 * built-ins that take them) and appends its value. */
static enum ref resolve(struct cf_pp *pp, const char *s, size_t n,
			struct cf_buf *out, const struct cf_loc *loc)
{
	size_t nl = 0;
	while (nl < n && is_name_char(s[nl]))
		nl++;
	if (!nl || !is_name_start(s[0]))
		return REF_NONE;
	const char *args = s + nl;
	size_t an = n - nl;
	if (an && !cf_is_space(args[0]))
		return REF_NONE;
#define IS(lit) (nl == sizeof(lit) - 1 && !memcmp(s, lit, nl))
	if (IS("_RANDOM"))
		return builtin_random(pp, args, an, out, loc) ? REF_DONE : REF_NONE;
	if (IS("_ENV")) {
		trim(&args, &an);
		char name[256];
		if (!an || an >= sizeof(name))
			return REF_NONE;
		memcpy(name, args, an);
		name[an] = '\0';
		const char *v = getenv(name);
		if (!v)
			diag_warn(pp->d, loc,
				  "environment variable '%s' is not set; ${_ENV %s} is empty",
				  name, name);
		else
			add_literal(out, v, strlen(v));
		return REF_DONE;
	}
	if (an)
		return REF_NONE;
	if (IS("_PWD")) {
		const char *d = current_pwd(pp);
		add_literal(out, d, strlen(d));
	} else if (IS("_INSTANCE")) {
		add_literal(out, pp->config_id, strlen(pp->config_id));
	} else if (IS("_HASH") || IS("_BANG")) {
		cf_buf_addc(out, CF_LITERAL);
		cf_buf_addc(out, IS("_HASH") ? '#' : '!');
	} else {
		struct param *p = ptab_get(&pp->params, s, nl, false);
		if (!p || !p->value)
			return REF_UNDEF;
		cf_buf_add(out, p->value, p->vlen);
	}
#undef IS
	return REF_DONE;
}

static void warn_undefined(struct cf_pp *pp, const char *name, size_t n,
			   const struct cf_loc *loc)
{
	struct param *p = ptab_get(&pp->params, name, n, true);
	if (p->warned)
		return;
	p->warned = true;
	diag_warn(pp->d, loc, "parameter '%.*s' is not defined; left unexpanded",
		  (int)n, name);
}

/* The reference starting at s[0] == '$': its length, 0 if it is none. */
static size_t reference(struct cf_pp *pp, const char *s, size_t n, bool quoted,
			struct cf_buf *out, const struct cf_loc *loc)
{
	size_t len, nl;
	const char *name;
	if (n > 1 && s[1] == '{') {
		const char *close = memchr(s + 2, '}', n - 2);
		if (!close)
			return 0;
		name = s + 2;
		nl = (size_t)(close - name);
		len = nl + 3;
	} else {
		name = s + 1;
		nl = 0;
		while (nl < n - 1 && is_name_char(name[nl]))
			nl++;
		if (!nl || !is_name_start(name[0]))
			return 0;
		len = nl + 1;
		if (len < n && !cf_is_space(s[len])) {
			/* keepalived expands $NAME only before white space. */
			struct param *p = ptab_get(&pp->params, name, nl, false);
			if (!quoted && p && p->value)
				diag_warn(pp->d, loc,
					  "'$%.*s' is not followed by white space and is"
					  " not expanded; write ${%.*s}",
					  (int)nl, name, (int)nl, name);
			return 0;
		}
	}
	size_t mark = out->n;
	switch (resolve(pp, name, nl, out, loc)) {
	case REF_DONE:
		return len;
	case REF_UNDEF:
		/* Inside quotes a `$` is most often meant for a shell. */
		if (!quoted)
			warn_undefined(pp, name, nl, loc);
		break;
	case REF_NONE:
		break;
	}
	out->n = mark;
	return 0;
}

/* Replaces the references of one line, one level deep; `out` holds the
 * new text when anything was replaced. */
static enum expand expand_once(struct cf_pp *pp, const char *s, size_t n,
			       struct cf_buf *out, const struct cf_loc *loc)
{
	bool changed = false;
	size_t copied = 0;
	char q = 0;
	/* Quotes are tracked as the lexer will see them (a lone `'` is an
	 * apostrophe), only to know whether a `$` is inside a string. */
	const char *last_squote = memrchr(s, '\'', n);
	cf_buf_reserve(out, n);
	for (size_t i = 0; i < n;) {
		char c = s[i];
		if (c == CF_LITERAL) {
			i += 2;
			continue;
		}
		if (q && c == '\\' && i + 1 < n && s[i + 1] != '$') {
			i += 2;
			continue;
		}
		if (c == '"' || (c == '\'' && (q || s + i != last_squote))) {
			q = !q ? c : q == c ? 0 : q;
		} else if (c == '$') {
			cf_buf_add(out, s + copied, i - copied);
			size_t len = reference(pp, s + i, n - i, q != 0, out, loc);
			copied = i + len;
			if (len && out->n > CF_PP_MAX_LINE)
				return EXP_TOO_LONG;
			if (len) {
				changed = true;
				i += len;
				continue;
			}
		}
		i++;
	}
	cf_buf_add(out, s + copied, n - copied);
	if (out->n > CF_PP_MAX_LINE)
		return EXP_TOO_LONG;
	return changed ? EXP_CHANGED : EXP_SAME;
}

/* ---- ~SEQ and ~LST ------------------------------------------------------ */

struct loop {
	char **vars; /* malloc'd names */
	int nvars;
	bool hex;
	long long start, step;
	unsigned long count;
	char **vals; /* ~LST: count * nvars values, NULL for ~SEQ */
};

#define MAX_LOOPS 16

static void loop_free(struct loop *l)
{
	for (int i = 0; i < l->nvars; i++)
		free(l->vars[i]);
	free(l->vars);
	if (l->vals)
		for (size_t i = 0; i < l->count * (size_t)l->nvars; i++)
			free(l->vals[i]);
	free(l->vals);
}

static char *dup_trimmed(const char *s, size_t n)
{
	trim(&s, &n);
	char *r = strndup(s, n);
	if (!r)
		abort();
	return r;
}

static bool valid_name(const char *s)
{
	if (!is_name_start(*s))
		return false;
	while (*s && is_name_char(*s))
		s++;
	return !*s;
}

static bool parse_ll(const char *s, long long *v)
{
	const char *p = s;
	bool neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	int base = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') ? 16 : 10;
	if (base == 16)
		p += 2;
	if (!isxdigit((unsigned char)*p))
		return false;
	char *end;
	errno = 0;
	long long x = strtoll(p, &end, base);
	/* Bounded so that (end - start) / step cannot overflow. */
	if (*end || errno || x > (1ll << 53))
		return false;
	*v = neg ? -x : x;
	return true;
}

/* Splits `s` at commas (and for ~SEQ at white space too); pieces point
 * into s, which is modified.  Braces group for ~LST. */
static int split_args(char *s, char **v, int max, bool seq)
{
	int k = 0, brace = 0;
	char *start = s;
	for (char *p = s;; p++) {
		bool sep = *p == ',' || (seq && cf_is_space(*p) && *p);
		if (*p == '{')
			brace++;
		else if (*p == '}')
			brace--;
		if ((sep && brace == 0) || !*p) {
			bool last = !*p;
			*p = '\0';
			const char *t = start;
			size_t tn = strlen(t);
			trim(&t, &tn);
			if (!seq || tn) {
				if (k == max)
					return -1;
				v[k++] = start;
			}
			if (last)
				return brace ? -1 : k;
			start = p + 1;
		}
	}
}

static bool parse_seq(struct loop *l, char *args)
{
	char *a[5];
	int k = split_args(args, a, 4, true);
	if (k < 2)
		return false;
	long long num[3];
	for (int i = 1; i < k; i++)
		if (!parse_ll(a[i], &num[i - 1]))
			return false;
	long long start, step, end = num[k - 2];
	if (k == 2)
		start = end < 0 ? -1 : 1;
	else
		start = num[0];
	step = k == 4 ? num[1] : end >= start ? 1 : -1;
	if (step == 0 || (end - start) / step < 0 || !valid_name(a[0]))
		return false;
	l->vars = malloc(sizeof(char *));
	if (!l->vars || !(l->vars[0] = strdup(a[0])))
		abort();
	l->nvars = 1;
	l->start = start;
	l->step = step;
	l->count = (unsigned long)((end - start) / step) + 1;
	return true;
}

/* Splits "{a, b}" or "a" into trimmed strings appended to `out`. */
static int group(char *s, char **out, int max)
{
	const char *t = s;
	size_t n = strlen(s);
	trim(&t, &n);
	if (n >= 2 && t[0] == '{' && t[n - 1] == '}') {
		char *inner = strndup(t + 1, n - 2);
		char *p[64];
		int k = inner ? split_args(inner, p, 64, false) : -1;
		if (k > max)
			k = -1;
		for (int i = 0; i < k; i++)
			out[i] = dup_trimmed(p[i], strlen(p[i]));
		free(inner);
		return k;
	}
	if (max < 1 || memchr(t, '{', n) || memchr(t, '}', n))
		return -1;
	out[0] = dup_trimmed(t, n);
	return 1;
}

static bool parse_lst(struct loop *l, char *args)
{
	/* One more item than there are commas at most. */
	size_t cap = 2, nitems;
	for (const char *p = args; *p; p++)
		cap += *p == ',';
	char **items = malloc(cap * sizeof(char *));
	if (!items)
		abort();
	int k = split_args(args, items, (int)cap, false);
	bool ok = false;
	if (k < 2)
		goto out;
	nitems = (size_t)k;
	l->vars = calloc(64, sizeof(char *));
	if (!l->vars)
		abort();
	l->nvars = group(items[0], l->vars, 64);
	if (l->nvars < 1) {
		l->nvars = 0;
		goto out;
	}
	for (int i = 0; i < l->nvars; i++)
		if (!valid_name(l->vars[i]))
			goto out;
	l->count = nitems - 1;
	l->vals = calloc(l->count * (size_t)l->nvars, sizeof(char *));
	if (!l->vals)
		abort();
	for (size_t i = 0; i < l->count; i++) {
		char **row = l->vals + i * (size_t)l->nvars;
		int g = group(items[i + 1], row, l->nvars);
		if (g < 0)
			goto out;
		/* Fewer values than variables leave the others empty, as in
		 * keepalived. */
		for (int j = g; j < l->nvars; j++)
			if (!(row[j] = strdup("")))
				abort();
	}
	ok = true;
out:
	free(items);
	return ok;
}

/* Parses the loop header at the start of `s`; returns its length, 0 after
 * reporting an error. */
static size_t parse_loop(struct cf_pp *pp, const char *s, size_t n,
			 struct loop *l, const struct cf_loc *loc)
{
	bool lst = s[1] == 'L';
	size_t hdr = s[4] == 'x' ? 6 : 5;
	memset(l, 0, sizeof(*l));
	const char *close = memchr(s, ')', n);
	const char *what = lst ? "~LST" : hdr == 6 ? "~SEQx" : "~SEQ";
	if (!close) {
		diag_err(pp->d, loc, "%s: missing ')'", what);
		return 0;
	}
	size_t len = (size_t)(close - s) + 1;
	/* The header may use parameters: ~SEQ(I, 1, ${COUNT}). */
	struct cf_buf args = { 0 };
	cf_buf_add(&args, s + hdr, len - hdr - 1);
	for (int i = 0; i < 8 && memchr(args.p, '$', args.n); i++) {
		struct cf_buf out = { 0 };
		enum expand e = expand_once(pp, args.p, args.n, &out, loc);
		cf_buf_free(&args);
		args = out;
		if (e == EXP_TOO_LONG) {
			cf_buf_free(&args);
			too_long(pp, loc);
			return 0;
		}
		if (e == EXP_SAME)
			break;
	}
	l->hex = hdr == 6;
	bool ok = lst ? parse_lst(l, args.p) : parse_seq(l, args.p);
	cf_buf_free(&args);
	if (ok)
		return len;
	diag_err(pp->d, loc, "invalid %s specification '%.*s': expected %s", what,
		 (int)len, s,
		 lst ? "~LST(VAR, V1, V2...) or ~LST({VAR1, VAR2}, {V1, V2}...)"
		     : "~SEQ(VAR, [START, [STEP,]] END) with STEP leading from"
		       " START to END");
	return 0;
}

static void loop_set(struct cf_pp *pp, const struct loop *l, unsigned long i)
{
	if (l->vals) {
		for (int j = 0; j < l->nvars; j++) {
			const char *v = l->vals[i * (size_t)l->nvars + (size_t)j];
			param_set(&pp->params, l->vars[j], strlen(l->vars[j]), v,
				  strlen(v));
		}
		return;
	}
	long long v = l->start + (long long)i * l->step;
	char num[32];
	int len = l->hex ? snprintf(num, sizeof(num), "%s%llx", v < 0 ? "-" : "",
				    (unsigned long long)(v < 0 ? -v : v))
			 : snprintf(num, sizeof(num), "%lld", v);
	param_set(&pp->params, l->vars[0], strlen(l->vars[0]), num, (size_t)len);
}

static void run_loops(struct cf_pp *pp, const struct loop *l, int nl,
		      const char *rest, size_t rn, const struct cf_loc *loc,
		      int depth)
{
	if (nl == 0) {
		if (charge(pp, rn, loc))
			pp_text(pp, rest, rn, loc, depth + 1);
		return;
	}
	for (unsigned long i = 0; i < l->count && !pp->abort; i++) {
		loop_set(pp, l, i);
		run_loops(pp, l + 1, nl - 1, rest, rn, loc, depth);
	}
}

/* Saves (or restores and frees) the values the loop variables had. */
static void save_vars(struct cf_pp *pp, struct loop *l, int nl, char ***saved,
		      size_t **lens, bool restore)
{
	size_t k = 0;
	for (int i = 0; i < nl; i++) {
		for (int j = 0; j < l[i].nvars; j++, k++) {
			const char *name = l[i].vars[j];
			if (restore) {
				param_set(&pp->params, name, strlen(name),
					  (*saved)[k], (*lens)[k]);
				free((*saved)[k]);
				continue;
			}
			struct param *p = ptab_get(&pp->params, name, strlen(name), false);
			(*saved)[k] = p && p->value ? strndup(p->value, p->vlen) : NULL;
			(*lens)[k] = p && p->value ? p->vlen : 0;
		}
	}
}

static void pp_loops(struct cf_pp *pp, const char *s, size_t n,
		     const struct cf_loc *loc, int depth)
{
	struct loop l[MAX_LOOPS];
	int nl = 0;
	unsigned long total = 1;
	size_t nvars = 0;
	bool ok = true;
	while (ok && is_loop(s, n)) {
		if (nl == MAX_LOOPS) {
			diag_err(pp->d, loc, "more than %d ~SEQ/~LST on one line",
				 MAX_LOOPS);
			ok = false;
			break;
		}
		size_t len = parse_loop(pp, s, n, &l[nl], loc);
		if (!len) {
			loop_free(&l[nl]);
			ok = false;
			break;
		}
		total = l[nl].count > CF_PP_MAX_REPEAT || total > CF_PP_MAX_REPEAT
				? CF_PP_MAX_REPEAT + 1ul
				: total * l[nl].count;
		nvars += (size_t)l[nl].nvars;
		nl++;
		s += len;
		n -= len;
		trim(&s, &n);
	}
	if (ok && pp->reps + total > CF_PP_MAX_REPEAT) {
		stop(pp, loc, "~SEQ/~LST would repeat this line more than %d times",
		     CF_PP_MAX_REPEAT);
		ok = false;
	}
	if (ok) {
		pp->reps += total;
		char **saved = calloc(nvars + 1, sizeof(char *));
		size_t *lens = calloc(nvars + 1, sizeof(size_t));
		if (!saved || !lens)
			abort();
		save_vars(pp, l, nl, &saved, &lens, false);
		run_loops(pp, l, nl, s, n, loc, depth);
		save_vars(pp, l, nl, &saved, &lens, true);
		free(saved);
		free(lens);
	}
	for (int i = 0; i < nl; i++)
		loop_free(&l[i]);
}

/* ---- files ----------------------------------------------------------- */

/* Reads a whole file; on failure returns NULL with errno set (EFBIG when
 * it is too large). */
static char *read_all(int fd, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		abort();
	for (;;) {
		if (n == cap) {
			if (cap >= CF_PP_MAX_FILE_SIZE) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			char *nb = realloc(buf, cap);
			if (!nb)
				abort();
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

static struct pp_file *push_file(struct cf_pp *pp, const char *name)
{
	struct pp_file *f = &pp->files[pp->nfiles++];
	memset(f, 0, sizeof(*f));
	f->name = arena_strdup(pp->names, name);
	const char *slash = strrchr(name, '/');
	f->prefix = strndup(name, slash ? (size_t)(slash - name) + 1 : 0);
	if (!f->prefix)
		abort();
	pp->files_read++;
	return f;
}

static void pop_file(struct cf_pp *pp)
{
	struct pp_file *f = &pp->files[--pp->nfiles];
	free(f->prefix);
	free(f->pwd);
}

bool cf_pp_file(struct cf_pp *pp, const char *path)
{
	struct cf_loc loc = { arena_strdup(pp->names, path), 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_add(pp->d, DIAG_FATAL, &loc,
			 "cannot open configuration file: %s", strerror(errno));
		return false;
	}
	struct stat st;
	size_t len;
	char *text = fstat(fd, &st) == 0 ? read_all(fd, &len) : NULL;
	int e = errno;
	close(fd);
	if (!text) {
		diag_add(pp->d, DIAG_FATAL, &loc,
			 "cannot read configuration file: %s", strerror(e));
		return false;
	}
	struct pp_file *f = push_file(pp, path);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->has_id = true;
	pp_text(pp, text, len, NULL, 0);
	pop_file(pp);
	free(text);
	return true;
}

void cf_pp_string(struct cf_pp *pp, const char *name, const char *text)
{
	struct pp_file *f = push_file(pp, name);
	/* Relative includes resolve against the current directory. */
	f->prefix[0] = '\0';
	f->in_cwd = true;
	pp_text(pp, text, strlen(text), NULL, 0);
	pop_file(pp);
}

bool cf_pp_is_include(const char *w)
{
	return !strncmp(w, "include", 7) &&
	       (!w[7] || (!w[8] && strchr("rmwba", w[7])));
}

enum {
	INC_READABLE = 1, /* every variant: a match that cannot be read */
	INC_MATCH = 2,    /* nothing matches a pattern without wildcards */
	INC_WILD = 4,     /* nothing matches, wildcards or not */
	INC_BRACE = 8,    /* one alternative of a {a,b} matches nothing */
};

static unsigned include_checks(const struct cf_pp *pp, const char *kw)
{
	if (pp->all_config || !strcmp(kw, "includea"))
		return INC_READABLE | INC_MATCH | INC_WILD | INC_BRACE;
	switch (kw[7]) {
	case 'm': return INC_READABLE | INC_MATCH;
	case 'w': return INC_READABLE | INC_WILD;
	case 'b': return INC_READABLE | INC_BRACE;
	default: return INC_READABLE;
	}
}

static void include_one(struct cf_pp *pp, const char *path,
			const struct cf_loc *at)
{
	if (pp->files_read >= CF_PP_MAX_FILES) {
		diag_err(pp->d, at, "more than %d configuration files read; '%s' not read",
			 CF_PP_MAX_FILES, path);
		return;
	}
	/* O_NONBLOCK: a FIFO matched by a wildcard must not block the read. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		diag_err(pp->d, at, "cannot read included file '%s': %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	const char *why = S_ISDIR(st.st_mode) ? "is a directory"
			  : !S_ISREG(st.st_mode) ? "not a regular file" : NULL;
	for (int i = 0; !why && i < pp->nfiles; i++)
		if (pp->files[i].has_id && pp->files[i].dev == st.st_dev &&
		    pp->files[i].ino == st.st_ino)
			why = "loop";
	size_t len = 0;
	char *text = why ? NULL : read_all(fd, &len);
	int e = errno;
	close(fd);
	if (why && !strcmp(why, "loop")) {
		diag_err(pp->d, at, "include loop: '%s' is already being read", path);
		return;
	}
	if (!text) {
		diag_err(pp->d, at, "cannot read included file '%s': %s", path,
			 why ? why : strerror(e));
		return;
	}
	struct pp_file *f = push_file(pp, path);
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->has_id = true;
	size_t budget = pp->budget;
	unsigned long reps = pp->reps, lines = pp->lines;
	pp_text(pp, text, len, NULL, 0);
	pp->budget = budget;
	pp->reps = reps;
	pp->lines = lines;
	pp->abort = false;
	pop_file(pp);
	free(text);
}

struct strv {
	char **v;
	size_t n, cap;
};

static void strv_push(struct strv *sv, char *s)
{
	if (!s)
		abort();
	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = realloc(sv->v, sv->cap * sizeof(char *));
		if (!sv->v)
			abort();
	}
	sv->v[sv->n++] = s;
}

#define MAX_BRACE_ALTS 1024

/* csh-style brace expansion, as glob(GLOB_BRACE) does it, done here so
 * that includeb can tell which alternative matched nothing.  As with
 * GLOB_BRACE, the files come in the order of the alternatives, each
 * alternative's matches sorted.  Returns false when there would be too
 * many alternatives. */
static bool brace_expand(const char *pat, struct strv *out)
{
	const char *open = NULL, *close = NULL;
	int depth = 0;
	for (const char *p = pat; *p && !close; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '{') {
			if (depth++ == 0)
				open = p;
		} else if (*p == '}' && depth > 0 && --depth == 0) {
			close = p;
		}
	}
	if (!close) {
		if (out->n >= MAX_BRACE_ALTS)
			return false;
		strv_push(out, strdup(pat));
		return true;
	}
	const char *alt = open + 1;
	depth = 0;
	for (const char *p = open + 1; p <= close; p++) {
		if (*p == '\\' && p[1] && p < close) {
			p++;
			continue;
		}
		if (*p == '{')
			depth++;
		else if (*p == '}' && p < close)
			depth--;
		if ((*p == ',' && depth == 0) || p == close) {
			char *s = NULL;
			if (asprintf(&s, "%.*s%.*s%s", (int)(open - pat), pat,
				     (int)(p - alt), alt, close + 1) < 0)
				abort();
			bool ok = brace_expand(s, out);
			free(s);
			if (!ok)
				return false;
			alt = p + 1;
		}
	}
	return true;
}

static bool has_wildcard(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		else if (*s == '*' || *s == '?' || *s == '[')
			return true;
	}
	return false;
}

/* The directory of the including file, its glob characters escaped. */
static char *glob_prefix(const char *dir, const char *pattern)
{
	struct cf_buf b = { 0 };
	cf_buf_reserve(&b, 0);
	if (pattern[0] != '/')
		for (const char *p = dir; *p; p++) {
			if (strchr("*?[]\\{}", *p))
				cf_buf_addc(&b, '\\');
			cf_buf_addc(&b, *p);
		}
	cf_buf_add(&b, pattern, strlen(pattern));
	return b.p;
}

void cf_pp_include(struct cf_pp *pp, const char *kw, const char *pattern,
		   const struct cf_loc *at)
{
	unsigned checks = include_checks(pp, kw);
	if (pp->nfiles > CF_PP_MAX_INCLUDE_DEPTH) {
		diag_err(pp->d, at, "includes nested more than %d deep; '%s' not read",
			 CF_PP_MAX_INCLUDE_DEPTH, pattern);
		return;
	}
	if (strlen(pattern) > PATH_MAX) {
		/* Brace expansion copies the pattern once per group. */
		diag_err(pp->d, at, "%s: pattern longer than %d characters", kw,
			 PATH_MAX);
		return;
	}
	struct strv alts = { 0 };
	if (!brace_expand(pattern, &alts)) {
		diag_err(pp->d, at, "%s '%s': more than %d brace alternatives", kw,
			 pattern, MAX_BRACE_ALTS);
		alts.n = 0;
	}
	const char *dir = pp->files[pp->nfiles - 1].prefix;
	size_t found = 0;
	bool reported = false;
	for (size_t i = 0; i < alts.n; i++) {
		char *full = glob_prefix(dir, alts.v[i]);
		glob_t g;
		memset(&g, 0, sizeof(g));
		int r = glob(full, 0, NULL, &g);
		if (r == 0) {
			found += g.gl_pathc;
			for (size_t j = 0; j < g.gl_pathc; j++)
				include_one(pp, g.gl_pathv[j], at);
		} else if (r == GLOB_NOMATCH && (checks & INC_BRACE) && alts.n > 1) {
			diag_err(pp->d, at, "%s '%s': no file matches '%s'", kw,
				 pattern, alts.v[i]);
			reported = true;
		} else if (r != GLOB_NOMATCH) {
			diag_err(pp->d, at, "%s '%s': cannot search for files", kw,
				 pattern);
			reported = true;
		}
		globfree(&g);
		free(full);
		free(alts.v[i]);
	}
	free(alts.v);
	if (!found && !reported &&
	    ((checks & INC_WILD) || ((checks & INC_MATCH) && !has_wildcard(pattern))))
		diag_err(pp->d, at, "%s '%s': no file matches", kw, pattern);
}
