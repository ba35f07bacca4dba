// SPDX-License-Identifier: MIT
/* vcam-list DOMAIN...: cameras of each domain, like xl block-list. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "domain.h"

static void usage(FILE *f, int full)
{
	fprintf(f,
"Usage: %s DOMAIN...\n",
		vcamts_prog);
	if (!full) {
		fprintf(f, "Try '%s --help' for more.\n", vcamts_prog);
		return;
	}
	fprintf(f,
"List the cameras of each Xen domain (a name or a domid), like xl\n"
"block-list: one line per camera with its devid, backend domain, the\n"
"frontend's and the backend's XenbusState (1 Initialising, 2 InitWait,\n"
"3 Initialised, 4 Connected, 5 Closing, 6 Closed), unique-id,\n"
"notify-mode, be-alloc and backend path.  Run it in dom0, as root.\n"
"\n"
"  -h, --help   this help\n"
"\n"
"Exit status: 0 listed, 1 a domain could not be listed (the others are),\n"
"2 bad usage.\n");
}

int main(int argc, char **argv)
{
	struct vcamts_err err = { "" };
	struct xs_handle *xs;
	int i, rc = 0;

	vcamts_cli_init(argv[0]);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout, 1);
		return 0;
	}
	if (argc < 2) {
		usage(stderr, 0);
		return 2;
	}
	xs = vcamts_cli_xs_open();
	if (!xs)
		return 1;
	for (i = 1; i < argc; i++) {
		unsigned int fe;

		if (vcamts_domain_resolve(xs, argv[i], &fe, &err) ||
		    vcamts_xs_list(xs, fe, stdout, &err)) {
			vcamts_log("%s", err.msg);
			rc = 1;
		}
	}
	xs_close(xs);
	return rc;
}
