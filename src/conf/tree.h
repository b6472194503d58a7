/* The configuration as a tree of statements, after preprocessing.
 *
 * The reader (lexer + preprocessor) turns keepalived.conf text into this
 * tree; the section parsers turn the tree into the typed model.  A
 * statement is the words of one logical line up to an opening brace, a
 * closing brace or the end of the line.  `keyword args {` opens a block
 * whose statements become children; a block may sit on one line
 * (`virtual_ipaddress { 10.0.0.1 }` gives one child "10.0.0.1").
 * Quotes are already removed from words and escapes resolved; a word that
 * was quoted has its bit set in `quoted` (scripts need to know). */
#ifndef HALO_CONF_TREE_H
#define HALO_CONF_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/diag.h"

struct cf_node {
	struct cf_loc loc;     /* file and line of the keyword */
	int argc;              /* words, argv[0] is the keyword */
	char **argv;
	uint64_t quoted;       /* bit i set: argv[i] was quoted (i < 64) */
	bool block;            /* followed by { ... } (possibly empty) */
	struct cf_node *child; /* first statement inside the block */
	struct cf_node *next;  /* next statement at the same level */
};

#endif
