// SPDX-License-Identifier: MIT
/*
 * vcam-attach DOMAIN 'SPEC' ['FORMAT-STRING'...]
 * vcam-attach DOMAIN -f CONFIG [key=value...]
 * Like xl block-attach: gives a running domain a camera.  Everything is
 * validated before xenstore is touched; all cameras or none are attached.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "domain.h"

static void usage(FILE *f, int full)
{
	fprintf(f,
"Usage: %s DOMAIN 'SPEC'\n"
"       %s DOMAIN 'DEVICE' 'FORMAT' ['FORMAT'...]\n"
"       %s DOMAIN -f CONFIG [KEY=VALUE...]\n",
		vcamts_prog, vcamts_prog, vcamts_prog);
	if (!full) {
		fprintf(f, "Try '%s --help' for more.\n", vcamts_prog);
		return;
	}
	fprintf(f,
"Give a running Xen domain (a name or a domid) virtual cameras, like xl\n"
"block-attach: writes the xenstore directories of the guest's frontend and\n"
"of vcamd's backend.  Run it in dom0, as root.  Every camera is checked\n"
"before xenstore is touched: all of them are attached, or none.\n"
"SPEC is one string of a vcam = [ ... ] list: KEY=VALUE pairs separated by\n"
"','.  DEVICE is the same without formats=, each FORMAT one mode in the\n"
"form of the vcamera fork: 'format=FOURCC, resolution=WxH,\n"
"frame-rates=N/D;N/D'.  A devid that exists already is left as it is.\n"
"\n"
"  -f CONFIG    the cameras of the xl domain config CONFIG (its vcam and\n"
"               vcamera lists), KEY=VALUE overriding its lines as on the\n"
"               command line of xl create\n"
"  -h, --help   this help\n"
"\n"
"SPEC keys (xl-vcam-configuration(5)):\n");
	vcamts_spec_print_keys(f);
	fprintf(f,
"\n"
"Exit status: 0 attached (or already there); 1 not attached: no such\n"
"domain, no camera in CONFIG, xenstore trouble; 2 bad usage, a bad camera\n"
"description or a CONFIG that cannot be read.\n");
}

static int specs_from_args(int argc, char **argv, struct vcamts_cfg *cfg,
			   struct vcamts_err *err)
{
	int i;

	memset(cfg, 0, sizeof(*cfg));
	if (strcmp(argv[0], "-f") == 0) {
		if (argc < 2)
			return vcamts_errf(err, "-f needs a config file");
		return vcamts_cfg_load(argv[1], argv + 2,
				       (unsigned int)argc - 2, argv[1], cfg,
				       err);
	}
	if (argc == 1)
		return vcamts_spec_parse(&cfg->specs[0], argv[0], err) ?
		       -1 : (cfg->nr_specs = 1, 0);
	/* the fork's form: device string, then one string per format */
	if (vcamts_spec_parse_partial(&cfg->specs[0], argv[0], err))
		return -1;
	for (i = 1; i < argc; i++)
		if (vcamts_spec_add_fork_format(&cfg->specs[0], argv[i], err)) {
			vcamts_err_prefix(err, "format string %d: ", i);
			return -1;
		}
	if (vcamts_spec_check(&cfg->specs[0], err))
		return -1;
	cfg->nr_specs = 1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct vcamts_cfg cfg;
	struct vcamts_err err = { "" };
	struct xs_handle *xs;
	unsigned int fe;
	int rc = 1;

	vcamts_cli_init(argv[0]);
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout, 1);
		return 0;
	}
	if (argc < 3) {
		usage(stderr, 0);
		return 2;
	}
	if (specs_from_args(argc - 2, argv + 2, &cfg, &err)) {
		vcamts_log("%s; nothing attached", err.msg);
		return 2;
	}
	if (!cfg.nr_specs) {
		vcamts_log("no vcam or vcamera entries in %s", argv[3]);
		return 1;
	}
	xs = vcamts_cli_xs_open();
	if (!xs)
		return 1;
	if (vcamts_domain_resolve(xs, argv[1], &fe, &err))
		vcamts_log("%s", err.msg);
	else if (vcamts_cli_attach(xs, fe, argv[1], cfg.specs,
				   cfg.nr_specs) == 0)
		rc = 0;
	xs_close(xs);
	return rc;
}
