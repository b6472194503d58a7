#include "conf/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag_list *d)
{
	memset(d, 0, sizeof(*d));
}

void diag_clear(struct diag_list *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].msg);
		free((char *)d->v[i].loc.file);
	}
	free(d->v);
	diag_init(d);
}

void diag_add(struct diag_list *d, enum diag_sev sev, const struct cf_loc *loc,
	      const char *fmt, ...)
{
	if (sev == DIAG_WARNING) {
		d->warnings++;
	} else {
		d->errors++;
		if (sev == DIAG_FATAL)
			d->fatal = true;
	}
	/* A garbage input can produce millions of errors: past the limit they
	 * are still counted (the exit code stays right) but not kept. */
	if (d->n > DIAG_MAX_KEPT)
		return;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct diag *nv = realloc(d->v, ncap * sizeof(*nv));
		if (!nv)
			abort();
		d->v = nv;
		d->cap = ncap;
	}
	struct diag *g = &d->v[d->n++];
	g->sev = sev;
	g->loc = loc ? *loc : (struct cf_loc){ NULL, 0 };
	/* The list keeps its own copy of the file name: a configuration that
	 * fails to load frees its arena (where file names live) before the
	 * caller prints the diagnostics. */
	if (g->loc.file && !(g->loc.file = strdup(g->loc.file)))
		abort();
	if (d->n > DIAG_MAX_KEPT) {
		if (!(g->msg = strdup("too many diagnostics; the rest are not shown")))
			abort();
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&g->msg, fmt, ap) < 0)
		abort();
	va_end(ap);
}

const char *diag_format(const struct diag *g, char *buf, size_t len)
{
	const char *sev = g->sev == DIAG_WARNING ? "warning" : "error";
	const char *file = g->loc.file ? g->loc.file : "halod";
	if (g->loc.line > 0)
		snprintf(buf, len, "%s:%d: %s: %s", file, g->loc.line, sev, g->msg);
	else
		snprintf(buf, len, "%s: %s: %s", file, sev, g->msg);
	return buf;
}

void diag_print(FILE *out, const struct diag_list *d)
{
	char buf[1024];
	for (size_t i = 0; i < d->n; i++)
		fprintf(out, "%s\n", diag_format(&d->v[i], buf, sizeof(buf)));
}

int diag_exit_code(const struct diag_list *d)
{
	if (d->fatal)
		return CONF_EXIT_UNUSABLE;
	if (d->errors)
		return CONF_EXIT_ERRORS;
	if (d->script_insecure)
		return CONF_EXIT_SCRIPT_SECURITY;
	return CONF_EXIT_OK;
}
