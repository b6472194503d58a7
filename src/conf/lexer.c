/* The lexer: words, quotes, escapes, braces and comments of one line.
 *
 * Quoting follows keepalived.conf(5) "Quoted strings": text between `"`
 * or `'` keeps its spaces, braces and comment characters, the quote marks
 * are removed, and a quoted part glues to unquoted text next to it
 * (`abcd" efg h "mnop` is the one word `abcd efg h mnop`).
 *
 * Both quote characters group, as the man page says.  Inside one kind of
 * quote the other kind is an ordinary character: this is what lets a
 * script be written `notify "/bin/x.sh 'two words' b"`, the single quotes
 * reaching the script keyword, which splits the command into arguments
 * itself.  A `'` with no other `'` after it on the line is an apostrophe,
 * not a quote: keepalived accepts `router_id Bob's`, and so do we (an
 * unterminated `"` is an error).
 * Escapes (\n, \x41, \101, \cA, \E, \C ...) are resolved inside
 * quotes only; outside quotes a backslash is an ordinary character, so
 * regular expressions and Windows-style paths survive unchanged.
 *
 * Braces are tokens of their own even when glued to words (`block{`),
 * with one exception: a `${...}` left by the preprocessor (an undefined
 * parameter) stays inside its word rather than opening a block. */
#include "conf/lexer.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void cf_buf_reserve(struct cf_buf *b, size_t more)
{
	if (b->cap - b->n > more)
		return;
	size_t ncap = b->cap ? b->cap : 256;
	while (ncap - b->n <= more)
		ncap *= 2;
	char *np = realloc(b->p, ncap);
	if (!np)
		abort();
	b->p = np;
	b->cap = ncap;
}

void cf_buf_add(struct cf_buf *b, const char *s, size_t n)
{
	cf_buf_reserve(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void cf_buf_addc(struct cf_buf *b, char c)
{
	cf_buf_reserve(b, 1);
	b->p[b->n++] = c;
	b->p[b->n] = '\0';
}

void cf_buf_free(struct cf_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

size_t cf_comment_start(const char *s, size_t n)
{
	/* Most lines have no comment character at all: two vectorised scans
	 * settle them without the quote-aware walk below. */
	if (!memchr(s, '#', n) && !memchr(s, '!', n))
		return n;
	const char *last_squote = memrchr(s, '\'', n);
	char q = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == CF_LITERAL) {
			i++;
		} else if (q) {
			if (c == '\\')
				i++;
			else if (c == q)
				q = 0;
		} else if (c == '"' || (c == '\'' && s + i != last_squote)) {
			q = c;
		} else if (c == '#' || c == '!') {
			return i;
		}
	}
	return n;
}

void cf_lex_init(struct cf_lexer *lx, const char *s, size_t n, struct arena *a,
		 struct cf_buf *scratch, struct diag_list *d,
		 const struct cf_loc *loc)
{
	lx->p = s;
	lx->end = s + n;
	lx->a = a;
	lx->scratch = scratch;
	lx->d = d;
	lx->loc = loc;
	lx->braces_in_words = false;
	lx->last_squote = memrchr(s, '\'', n);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes the escape whose backslash is just before `p`; returns the
 * position after it.  A NUL result is dropped: it would cut the word. */
static const char *unescape(const char *p, const char *end, struct cf_buf *out)
{
	static const char simple[] = "a\ab\bE\033f\fn\nr\rt\tv\v";
	char c = *p++;
	int v = -1;
	const char *s = c ? strchr(simple, c) : NULL;
	if (s && ((s - simple) & 1) == 0) {
		v = (unsigned char)s[1];
	} else if (c >= '0' && c <= '7') {
		v = c - '0';
		for (int k = 0; k < 2 && p < end && *p >= '0' && *p <= '7'; k++)
			v = v * 8 + (*p++ - '0');
		v &= 0xff;
	} else if (c == 'x' && p < end && hexval(*p) >= 0) {
		v = hexval(*p++);
		if (p < end && hexval(*p) >= 0)
			v = v * 16 + hexval(*p++);
	} else if (c == 'c' && p < end && *p != '"' && *p != '\'' &&
		   *p != CF_LITERAL) {
		/* A quote after \c still closes the string, as the comment
		 * scanner assumes. */
		v = (toupper((unsigned char)*p++) ^ 0x40) & 0x7f;
	} else {
		v = (unsigned char)c;
	}
	if (v != 0)
		cf_buf_addc(out, (char)v);
	return p;
}

/* Characters that end a plain run of a word: white space (as cf_is_space),
 * comment starts, quotes, braces, `$` (a `${...}`) and CF_LITERAL. */
static bool is_special(unsigned char c)
{
	static const bool special[256] = {
		['\0'] = true, [' '] = true, ['\t'] = true, ['\r'] = true,
		['\v'] = true, ['\f'] = true, ['\n'] = true, ['#'] = true,
		['!'] = true, ['"'] = true, ['\''] = true, ['{'] = true,
		['}'] = true, ['$'] = true, [(unsigned char)CF_LITERAL] = true,
	};
	return special[c];
}

/* Reads one word starting at lx->p (not white space, not a brace). */
static void lex_word(struct cf_lexer *lx, struct cf_token *t)
{
	struct cf_buf *out = lx->scratch;
	const char *p = lx->p, *end = lx->end, *close;
	char q = 0;
	bool quoted = false;
	/* Fast path: a word of plain characters ended by white space, a
	 * comment, a brace or the end needs no copying through the scratch
	 * buffer.  Nearly every word of a real configuration is one. */
	const char *r = p;
	while (r < end && !is_special((unsigned char)*r))
		r++;
	if (r == end || cf_is_space(*r) || *r == '#' || *r == '!' ||
	    (!lx->braces_in_words && (*r == '{' || *r == '}'))) {
		lx->p = r;
		t->kind = CF_TOK_WORD;
		t->word = arena_strndup(lx->a, p, (size_t)(r - p));
		t->quoted = false;
		return;
	}
	out->n = 0;
	cf_buf_reserve(out, 0);
	while (p < end) {
		char c = *p;
		if (c == CF_LITERAL) {
			if (++p < end)
				cf_buf_addc(out, *p++);
		} else if (q) {
			p++;
			if (c == q)
				q = 0;
			else if (c == '\\' && p < end)
				p = unescape(p, end, out);
			else if (c != '\0')
				cf_buf_addc(out, c);
		} else if (c == '"' || (c == '\'' && p != lx->last_squote)) {
			q = c;
			quoted = true;
			p++;
		} else if (c == '$' && end - p > 2 && p[1] == '{' &&
			   (close = memchr(p + 2, '}', (size_t)(end - p - 2)))) {
			cf_buf_add(out, p, (size_t)(close - p) + 1);
			p = close + 1;
		} else if (cf_is_space(c) || c == '#' || c == '!' ||
			   (!lx->braces_in_words && (c == '{' || c == '}'))) {
			break;
		} else {
			cf_buf_addc(out, c);
			p++;
		}
	}
	if (q)
		diag_err(lx->d, lx->loc,
			 "unterminated quoted string (missing closing %c)", q);
	lx->p = p;
	t->kind = CF_TOK_WORD;
	t->word = arena_strndup(lx->a, out->p, out->n);
	t->quoted = quoted;
}

enum cf_tok cf_lex_next(struct cf_lexer *lx, struct cf_token *t)
{
	while (lx->p < lx->end && cf_is_space(*lx->p))
		lx->p++;
	t->word = NULL;
	t->quoted = false;
	if (lx->p == lx->end || *lx->p == '#' || *lx->p == '!') {
		lx->p = lx->end;
		t->kind = CF_TOK_END;
	} else if (!lx->braces_in_words && (*lx->p == '{' || *lx->p == '}')) {
		t->kind = *lx->p++ == '{' ? CF_TOK_LBRACE : CF_TOK_RBRACE;
	} else {
		lex_word(lx, t);
	}
	return t->kind;
}
