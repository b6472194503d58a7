/* The statement builder: preprocessed lines in, a tree of statements out.
 *
 * A statement is the words of one line up to `{`, `}` or the end of the
 * line.  `words {` opens a block whose statements become its children, so
 * a one-line block `virtual_ipaddress { 10.0.0.1 10.0.0.2 }` gives one
 * child with two words; the section parser decides what they mean (the
 * reader never guesses where `auth_type PASS auth_pass x` should split).
 * A `{` alone at the start of a line opens the block of the statement that
 * ended the previous line (Allman style), blank and comment lines between
 * them allowed.
 *
 * Brace errors:
 *   - a `}` with no open block is a DIAG_ERROR at its line; it is ignored
 *     and everything before it keeps its place;
 *   - a block still open at the end of the input is DIAG_FATAL, reported at
 *     the line that opened it: where it should have ended cannot be known,
 *     so every statement after that line may sit at the wrong level (a
 *     missing `}` in one vrrp_instance swallows the instances after it).
 *     keepalived only says "missing '}'" and runs; halo refuses the file;
 *   - a `{` with no words before it (and no statement to attach to) is a
 *     DIAG_ERROR; its block is read and thrown away so its `}` still
 *     matches. */
#include "conf/reader.h"

#include <stdlib.h>
#include <string.h>

#include "conf/lexer.h"
#include "conf/preproc.h"

struct rd_frame {
	struct cf_node *node;  /* NULL: the top level */
	struct cf_node **tail; /* where the next child goes */
	struct cf_loc open;    /* the line of the `{` */
};

struct reader {
	struct arena *a;
	struct diag_list *d;
	struct cf_pp *pp;
	struct cf_node *root;
	struct rd_frame *frames;
	size_t nframes, fcap;
	/* The statement being read. */
	char **words;
	size_t nwords, wcap;
	uint64_t quoted;
	struct cf_loc wloc;
	/* The statement that ended the previous line: a `{` opening the next
	 * line belongs to it. */
	struct cf_node *allman;
	/* Collects (and loses) the statements of blocks opened by a stray
	 * `{`; one for all of them, so garbage input costs little memory. */
	struct cf_node dummy;
	struct cf_buf scratch;
};

static void push_frame(struct reader *r, struct cf_node *n,
		       const struct cf_loc *open)
{
	if (r->nframes == r->fcap) {
		r->fcap = r->fcap ? r->fcap * 2 : 16;
		r->frames = realloc(r->frames, r->fcap * sizeof(*r->frames));
		if (!r->frames)
			abort();
	}
	struct rd_frame *f = &r->frames[r->nframes++];
	f->node = n;
	f->tail = n ? &n->child : &r->root;
	f->open = *open;
	if (n)
		n->block = true;
}

static void add_word(struct reader *r, char *w, bool quoted,
		     const struct cf_loc *loc)
{
	if (r->nwords == r->wcap) {
		r->wcap = r->wcap ? r->wcap * 2 : 16;
		r->words = realloc(r->words, r->wcap * sizeof(char *));
		if (!r->words)
			abort();
	}
	if (!r->nwords)
		r->wloc = *loc;
	if (quoted && r->nwords < 64)
		r->quoted |= 1ull << r->nwords;
	r->words[r->nwords++] = w;
}

static void do_include(struct reader *r)
{
	const char *kw = r->words[0];
	const char *pattern = r->nwords > 1 ? r->words[1] : NULL;
	size_t n = r->nwords;
	struct cf_loc at = r->wloc;
	r->nwords = 0;
	r->quoted = 0;
	r->allman = NULL;
	if (n == 1)
		diag_err(r->d, &at, "%s: missing file pattern", kw);
	else if (n > 2)
		diag_err(r->d, &at,
			 "%s: expected one file pattern, got %zu words"
			 " (quote a pattern that contains spaces)", kw, n - 1);
	else
		cf_pp_include(r->pp, kw, pattern, &at);
}

/* Ends the statement being read; returns its node, or NULL when there was
 * none or it was an include (which leaves no statement behind). */
static struct cf_node *finish(struct reader *r, bool block)
{
	if (!r->nwords)
		return NULL;
	if (!block && !(r->quoted & 1) && cf_pp_is_include(r->words[0])) {
		do_include(r);
		return NULL;
	}
	struct cf_node *n = arena_alloc(r->a, sizeof(*n));
	n->loc = r->wloc;
	n->argc = (int)r->nwords;
	/* NULL-terminated, like main()'s argv. */
	n->argv = arena_alloc(r->a, (r->nwords + 1) * sizeof(char *));
	memcpy(n->argv, r->words, r->nwords * sizeof(char *));
	n->quoted = r->quoted;
	struct rd_frame *f = &r->frames[r->nframes - 1];
	*f->tail = n;
	f->tail = &n->next;
	r->nwords = 0;
	r->quoted = 0;
	return n;
}

static void open_block(struct reader *r, bool first, const struct cf_loc *loc)
{
	struct cf_node *n = finish(r, true);
	if (!n && first && r->allman) {
		n = r->allman;
	} else if (!n) {
		diag_err(r->d, loc, "'{' without a keyword before it; block ignored");
		n = &r->dummy;
	}
	push_frame(r, n, loc);
	r->allman = NULL;
}

static void close_block(struct reader *r, const struct cf_loc *loc)
{
	finish(r, false);
	if (r->nframes == 1)
		diag_err(r->d, loc, "unexpected '}': no block is open");
	else
		r->nframes--;
	r->allman = NULL;
}

static void on_line(void *ctx, const char *text, size_t len,
		    const struct cf_loc *loc)
{
	struct reader *r = ctx;
	struct cf_lexer lx;
	struct cf_token t;
	bool first = true;
	cf_lex_init(&lx, text, len, r->a, &r->scratch, r->d, loc);
	while (cf_lex_next(&lx, &t) != CF_TOK_END) {
		if (t.kind == CF_TOK_WORD) {
			/* keepalived recognises include lines by their first
			 * word; the rest of the line is the pattern, braces
			 * and all. */
			if (first && !t.quoted && cf_pp_is_include(t.word))
				lx.braces_in_words = true;
			add_word(r, t.word, t.quoted, loc);
			r->allman = NULL;
		} else if (t.kind == CF_TOK_LBRACE) {
			open_block(r, first, loc);
		} else {
			close_block(r, loc);
		}
		first = false;
	}
	struct cf_node *n = finish(r, false);
	/* A line with no token at all (a comment produced by an expansion)
	 * does not break the link between a statement and its `{`. */
	if (!first)
		r->allman = n && !n->block ? n : NULL;
}

/* The outermost unclosed blocks come first; past a handful, one line says
 * how many more there are rather than one line each. */
static void report_unclosed(struct reader *r)
{
	enum { SHOWN = 10 };
	for (size_t i = 1; i < r->nframes; i++) {
		const struct rd_frame *f = &r->frames[i];
		if (i > SHOWN) {
			diag_add(r->d, DIAG_FATAL, &f->open,
				 "%zu more blocks opened from here on are not closed",
				 r->nframes - i);
			break;
		}
		const char *what = f->node->argc ? f->node->argv[0] : "{";
		diag_add(r->d, DIAG_FATAL, &f->open,
			 "'%s' block opened here is not closed (missing '}')",
			 what);
	}
}

static struct cf_node *read_any(struct arena *a, const char *name,
				const char *text, const struct cf_read_opts *o,
				struct diag_list *d)
{
	static const struct cf_read_opts defaults;
	struct reader r = { .a = a, .d = d };
	r.pp = cf_pp_new(a, o ? o : &defaults, d, on_line, &r);
	push_frame(&r, NULL, &(struct cf_loc){ name, 0 });
	if (text)
		cf_pp_string(r.pp, name, text);
	else if (!cf_pp_file(r.pp, name))
		r.root = NULL;
	report_unclosed(&r);
	cf_pp_free(r.pp);
	free(r.frames);
	free(r.words);
	cf_buf_free(&r.scratch);
	return r.root;
}

struct cf_node *cf_read_file(struct arena *a, const char *path,
			     const struct cf_read_opts *o, struct diag_list *d)
{
	return read_any(a, path, NULL, o, d);
}

struct cf_node *cf_read_string(struct arena *a, const char *name,
			       const char *text, const struct cf_read_opts *o,
			       struct diag_list *d)
{
	return read_any(a, name, text ? text : "", o, d);
}
