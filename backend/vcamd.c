// SPDX-License-Identifier: MIT
/* vcamd: the Xen paravirtual camera backend daemon.  See vcamd --help. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

int main(int argc, char **argv)
{
	static struct vcamd d;
	char err[512];
	int ret;

	d.argc = argc;
	d.argv = argv;
	vcamd_opts_default(&d.opts);
	ret = vcamd_opts_parse(&d.opts, argc, argv, err, sizeof(err));
	if (ret > 0)
		return 0;
	if (ret < 0) {
		fprintf(stderr, "vcamd: %s\nTry 'vcamd --help'.\n", err);
		return 2;
	}
	vcamd_log_setup(d.opts.use_syslog, d.opts.log_level);
	if (!d.opts.foreground && daemon(0, 0) < 0) {
		fprintf(stderr, "vcamd: daemon: %s\n", strerror(errno));
		return 1;
	}
	d.start_ns = vcamd_now_ns();
	ret = vcamd_run(&d);
	if (ret < 0)
		log_err("cannot start: %s", strerror(-ret));
	return ret ? 1 : 0;
}
