// SPDX-License-Identifier: MIT
/* vcam-list DOMAIN...: cameras of each domain, like xl block-list. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "domain.h"

int main(int argc, char **argv)
{
	struct vcam_err err = { "" };
	struct xs_handle *xs;
	int i, rc = 0;

	vcam_cli_init(argv[0]);
	if (argc < 2 || strcmp(argv[1], "-h") == 0) {
		fprintf(stderr, "usage: %s DOMAIN...\n", vcam_prog);
		return 2;
	}
	xs = vcam_cli_xs_open();
	if (!xs)
		return 1;
	for (i = 1; i < argc; i++) {
		unsigned int fe;

		if (vcam_domain_resolve(xs, argv[i], &fe, &err) ||
		    vcam_xs_list(xs, fe, stdout, &err)) {
			vcam_log("%s", err.msg);
			rc = 1;
		}
	}
	xs_close(xs);
	return rc;
}
