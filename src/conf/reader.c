/* STUB: replaced by the reader implementation. */
#include "conf/reader.h"

struct cf_node *cf_read_file(struct arena *a, const char *path,
			     const struct cf_read_opts *o, struct diag_list *d)
{
	(void)a; (void)o;
	diag_add(d, DIAG_FATAL, &(struct cf_loc){ path, 0 }, "reader not implemented");
	return NULL;
}

struct cf_node *cf_read_string(struct arena *a, const char *name, const char *text,
			       const struct cf_read_opts *o, struct diag_list *d)
{
	(void)text;
	return cf_read_file(a, name, o, d);
}
