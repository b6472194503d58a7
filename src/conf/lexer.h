/* Splitting one line of keepalived.conf text into words and braces.
 *
 * Private to the reader.  The lexer knows comments (`#`, `!`), quotes and
 * their escapes, and braces; it knows nothing of lines, files or
 * parameters, which are the preprocessor's business. */
#ifndef HALO_CONF_LEXER_H
#define HALO_CONF_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/diag.h"
#include "core/arena.h"

/* The preprocessor puts this byte before a character that must be taken
 * literally whatever it is (the `#` of `${_HASH}`, the characters of
 * `${_PWD}`): it neither starts a comment or a quote nor ends a word.  A raw
 * 0x01 byte in a file has the same effect on the byte after it, which is
 * harmless. */
#define CF_LITERAL '\x01'

/* A growable byte buffer on the heap, reused between lines. */
struct cf_buf {
	char *p;
	size_t n, cap;
};

void cf_buf_reserve(struct cf_buf *b, size_t more);
void cf_buf_add(struct cf_buf *b, const char *s, size_t n);
void cf_buf_addc(struct cf_buf *b, char c);
void cf_buf_free(struct cf_buf *b);

/* Length of `s[0..n)` before its comment, if any (quote-aware). */
size_t cf_comment_start(const char *s, size_t n);

static inline bool cf_is_space(char c)
{
	/* NUL counts as white space so a stray NUL byte cannot cut a word. */
	/* '\t' '\n' '\v' '\f' '\r' are the contiguous codes 9-13. */
	return c == ' ' || c == '\0' || (c >= '\t' && c <= '\r');
}

enum cf_tok { CF_TOK_END, CF_TOK_WORD, CF_TOK_LBRACE, CF_TOK_RBRACE };

struct cf_token {
	enum cf_tok kind;
	char *word;  /* CF_TOK_WORD: unquoted, unescaped, in the arena */
	bool quoted; /* some part of the word was between quotes */
};

struct cf_lexer {
	const char *p, *end;
	/* Braces are ordinary characters (the pattern of an include line:
	 * `include conf.d/{a,b}.conf`). */
	bool braces_in_words;
	/* The last `'` of the text: a `'` there opens no string. */
	const char *last_squote;
	struct arena *a;
	struct cf_buf *scratch;
	struct diag_list *d;
	const struct cf_loc *loc;
};

void cf_lex_init(struct cf_lexer *lx, const char *s, size_t n, struct arena *a,
		 struct cf_buf *scratch, struct diag_list *d,
		 const struct cf_loc *loc);
/* The next token; CF_TOK_END at the end of the text or at a comment. */
enum cf_tok cf_lex_next(struct cf_lexer *lx, struct cf_token *t);

#endif
