/* STUB */
#include <stdio.h>
#include "conf/conf.h"
int main(int argc, char **argv)
{
	struct diag_list d;
	diag_init(&d);
	struct conf_opts o = { .file = argc > 1 ? argv[1] : "/etc/keepalived/keepalived.conf" };
	struct halo_config *cfg = conf_load(&o, &d);
	diag_print(stderr, &d);
	if (cfg)
		puts(json_object_to_json_string_ext(conf_dump(cfg), JSON_C_TO_STRING_PRETTY));
	conf_free(cfg);
	int rc = diag_exit_code(&d);
	diag_clear(&d);
	return rc;
}
