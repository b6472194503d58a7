/* Configuration diagnostics: every problem found while reading, expanding,
 * parsing or validating a configuration, with the file and line the text
 * came from.  Printed by `halod -t` as `FILE:LINE: error|warning: message`. */
#ifndef HALO_CONF_DIAG_H
#define HALO_CONF_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where a piece of configuration text came from.  `file` points at a string
 * owned by the configuration's arena (or static storage), never freed on its
 * own. line is 1-based; 0 means "the file as a whole". */
struct cf_loc {
	const char *file;
	int line;
};

enum diag_sev {
	DIAG_WARNING,
	DIAG_ERROR,
	/* An error after which the configuration cannot be used at all
	 * (missing main file, unreadable file, unbalanced braces at top level):
	 * `halod -t` exits 3 and the daemon refuses to start or reload. */
	DIAG_FATAL,
};

struct diag {
	enum diag_sev sev;
	struct cf_loc loc; /* loc.file: a heap copy owned by the list */
	char *msg; /* heap string owned by the list */
};

struct diag_list {
	struct diag *v;
	size_t n, cap;
	unsigned errors;   /* DIAG_ERROR + DIAG_FATAL */
	unsigned warnings;
	bool fatal;
	/* Set by validation: scripts are configured but enable_script_security
	 * is off (keepalived's -t exit code 5). */
	bool script_insecure;
};

/* diag_add() keeps this many diagnostics, then one "too many" note; the
 * counters above still count every one. */
#define DIAG_MAX_KEPT 10000

void diag_init(struct diag_list *d);
void diag_clear(struct diag_list *d);
void diag_add(struct diag_list *d, enum diag_sev sev, const struct cf_loc *loc,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define diag_err(d, loc, ...) diag_add((d), DIAG_ERROR, (loc), __VA_ARGS__)
#define diag_warn(d, loc, ...) diag_add((d), DIAG_WARNING, (loc), __VA_ARGS__)

/* Sorting is stable by (file order of appearance, line) is NOT applied:
 * diagnostics are printed in the order they were found, which follows the
 * text for the parser and the section order for validation. */
void diag_print(FILE *out, const struct diag_list *d);
/* One line, `FILE:LINE: error: message`, into buf; returns buf. */
const char *diag_format(const struct diag *g, char *buf, size_t len);

/* keepalived's `-t` exit codes: 0 usable, 3 unusable, 4 errors but it would
 * run, 5 scripts without script security.  An error outranks code 5. */
enum { CONF_EXIT_OK = 0, CONF_EXIT_UNUSABLE = 3, CONF_EXIT_ERRORS = 4,
       CONF_EXIT_SCRIPT_SECURITY = 5 };
int diag_exit_code(const struct diag_list *d);

#endif
