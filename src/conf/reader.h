/* Reading keepalived.conf text into a statement tree: lexing (comments,
 * quotes and escapes, braces) and preprocessing (include, @id / @^id,
 * $NAME= parameters and their expansion, ~SEQ and ~LST).
 * Pure apart from reading the files it is told to read: no logging, no
 * globals; every problem goes to the diagnostics list with its location. */
#ifndef HALO_CONF_READER_H
#define HALO_CONF_READER_H

#include <stdbool.h>

#include "conf/diag.h"
#include "conf/tree.h"
#include "core/arena.h"

struct cf_read_opts {
	/* `-i ID`: lines starting `@ID` are kept, `@^ID` dropped.  NULL means
	 * the short host name, as keepalived does. */
	const char *config_id;
	/* `-e`: an include that matches no file is an error, not ignored. */
	bool all_config;
	/* Seed for ${_RANDOM}; 0 seeds from the clock (keepalived's default).
	 * keepalived's `random_seed` keyword cannot feed this: it is read
	 * after the text it would affect has been expanded. */
	unsigned long random_seed;
	/* Where file names go (the `file` of every cf_loc).  NULL: the tree's
	 * arena.  conf_load() builds the tree in a scratch arena it frees once
	 * the model is built; the model's locations must outlive it. */
	struct arena *names;
};

/* Reads `path` and everything it includes.  Returns the first top-level
 * statement (NULL for an empty file).  A missing or unreadable main file
 * is a DIAG_FATAL diagnostic.  All memory comes from `a`, file names from
 * `o->names` when set. */
struct cf_node *cf_read_file(struct arena *a, const char *path,
			     const struct cf_read_opts *o, struct diag_list *d);

/* The same for text in memory (unit tests); `name` is the file name used in
 * diagnostics, and relative includes resolve against the current directory. */
struct cf_node *cf_read_string(struct arena *a, const char *name,
			       const char *text, const struct cf_read_opts *o,
			       struct diag_list *d);

#endif
