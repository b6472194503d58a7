/* The line-level preprocessor of keepalived.conf: files and includes,
 * `@ID` / `@^ID` conditional lines, `$NAME=value` parameters and their
 * expansion, `~SEQ` / `~LST` repetition.
 *
 * Private to the reader.  It hands each final line of text, with the
 * file and line it came from, to a callback; the callback (the statement
 * builder) calls cf_pp_include() back when a line turns out to be an
 * include statement, and the included text is preprocessed right there. */
#ifndef HALO_CONF_PREPROC_H
#define HALO_CONF_PREPROC_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/diag.h"
#include "conf/reader.h"
#include "core/arena.h"

/* Limits that keep any input finite and fast.  Exceeding one is a
 * DIAG_FATAL error at the line concerned (its expansion stopped midway). */
#define CF_PP_MAX_INCLUDE_DEPTH 32    /* files nested below the main one */
#define CF_PP_MAX_FILES 10000         /* files read in total */
#define CF_PP_MAX_EXPANSION_DEPTH 64  /* expansions nested in one line */
#define CF_PP_MAX_REPEAT 100000       /* ~SEQ/~LST repetitions of one line */
#define CF_PP_MAX_EXPANDED (128u << 20) /* bytes one line may expand to */
#define CF_PP_MAX_LINE (1u << 20)     /* bytes of one expansion result */
#define CF_PP_MAX_LINES 2000000ul     /* lines one line may expand to */
#define CF_PP_MAX_FILE_SIZE (256u << 20)

/* Receives one preprocessed line: no newline in it, comment not yet
 * removed when the text came from an expansion. */
typedef void (*cf_line_fn)(void *ctx, const char *text, size_t len,
			   const struct cf_loc *loc);

struct cf_pp;

struct cf_pp *cf_pp_new(struct arena *a, const struct cf_read_opts *o,
			struct diag_list *d, cf_line_fn fn, void *ctx);
void cf_pp_free(struct cf_pp *pp);

/* Preprocesses the main file; a file that cannot be read is a DIAG_FATAL
 * diagnostic at {path, 0}.  Returns false in that case. */
bool cf_pp_file(struct cf_pp *pp, const char *path);
/* The same for text in memory; includes resolve against the current
 * directory. */
void cf_pp_string(struct cf_pp *pp, const char *name, const char *text);

/* include, includer, includem, includew, includeb, includea. */
bool cf_pp_is_include(const char *word);
/* Reads the files `pattern` matches, as the include statement `keyword`
 * at `at` asks, feeding their lines to the callback before returning. */
void cf_pp_include(struct cf_pp *pp, const char *keyword, const char *pattern,
		   const struct cf_loc *at);

#endif
