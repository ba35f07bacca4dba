// SPDX-License-Identifier: MIT
/*
 * vcam-detach [-t SECONDS] DOMAIN DEVID
 * Like xl block-detach: asks both ends to close, waits (bounded) for the
 * backend to reach Closed, then removes both xenstore directories.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "domain.h"

#define DEFAULT_TIMEOUT_S 10

static void usage(FILE *f, int full)
{
	fprintf(f,
"Usage: %s [-t SECONDS] DOMAIN DEVID\n",
		vcamts_prog);
	if (!full) {
		fprintf(f, "Try '%s --help' for more.\n", vcamts_prog);
		return;
	}
	fprintf(f,
"Take camera DEVID away from Xen domain DOMAIN (a name or a domid), like\n"
"xl block-detach.  Run it in dom0, as root.  If either end got past\n"
"Initialising, asks both to close (backend online=0, both state=5) and\n"
"waits for the backend to reach Closed; then removes both xenstore\n"
"directories, also when the backend did not close in time.\n"
"\n"
"  -t SECONDS   wait at most this long for the backend, 0..3600 (%d)\n"
"  -h, --help   this help\n"
"\n"
"Exit status: 0 detached (also when the backend did not close in time:\n"
"the message says so), 1 not detached (no such domain or device,\n"
"xenstore trouble), 2 bad usage.\n",
		DEFAULT_TIMEOUT_S);
}

int main(int argc, char **argv)
{
	struct vcamts_err err = { "" };
	unsigned long timeout = DEFAULT_TIMEOUT_S, devid;
	struct xs_handle *xs;
	unsigned int fe;
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	vcamts_cli_init(argv[0]);
	while ((opt = getopt_long(argc, argv, "ht:", lopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout, 1);
			return 0;
		case 't':
			if (vcamts_parse_uint(optarg, 3600, &timeout) == 0)
				break;
			vcamts_log("-t: '%s' is not a number of seconds (0..3600)",
				   optarg);
			return 2;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	if (vcamts_parse_uint(argv[optind + 1], VCAMTS_DEVID_MAX, &devid)) {
		vcamts_log("devid '%s' is not a number in 0..%d",
			   argv[optind + 1], VCAMTS_DEVID_MAX);
		return 2;
	}
	xs = vcamts_cli_xs_open();
	if (!xs)
		return 1;
	if (vcamts_domain_resolve(xs, argv[optind], &fe, &err)) {
		vcamts_log("%s", err.msg);
		xs_close(xs);
		return 1;
	}
	rc = vcamts_xs_detach(xs, fe, (unsigned int)devid,
			      (unsigned int)timeout * 1000, &err);
	if (rc < 0)
		vcamts_log("%s", err.msg);
	else if (rc > 0)
		vcamts_log("domain %u device %lu: backend did not close within %lus; removed anyway",
			   fe, devid, timeout);
	else
		vcamts_log("domain %u: detached vcam device %lu", fe, devid);
	xs_close(xs);
	return rc < 0;
usage:
	usage(stderr, 0);
	return 2;
}
