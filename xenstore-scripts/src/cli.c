// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char *vcamts_prog = "vcam";
int vcamts_log_time;

void vcamts_cli_init(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	vcamts_prog = slash ? slash + 1 : argv0;
}

void vcamts_log(const char *fmt, ...)
{
	char stamp[32] = "";
	va_list ap;

	if (vcamts_log_time) {
		time_t now = time(NULL);
		struct tm tm;

		strftime(stamp, sizeof(stamp), "%F %T ",
			 localtime_r(&now, &tm));
	}
	fprintf(stderr, "%s%s: ", stamp, vcamts_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct xs_handle *vcamts_cli_xs_open(void)
{
	struct xs_handle *xs = xs_open(0);

	if (!xs)
		vcamts_log("cannot connect to xenstore (%s); run this in dom0 as root",
			   strerror(errno));
	return xs;
}

int vcamts_cli_attach(struct xs_handle *xs, unsigned int fe,
		      const char *fe_name, struct vcamts_spec *specs,
		      unsigned int nr)
{
	enum vcamts_attach_result *res = calloc(nr + 1, sizeof(*res));
	struct vcamts_err err = { "" };
	unsigned int i;

	if (!res) {
		vcamts_log("out of memory");
		return -1;
	}
	if (vcamts_xs_attach(xs, fe, specs, nr, res, &err)) {
		vcamts_log("domain %s (%u): %s; no camera attached",
			   fe_name, fe, err.msg);
		free(res);
		return -1;
	}
	for (i = 0; i < nr; i++) {
		if (res[i] == VCAMTS_ALREADY)
			vcamts_log("domain %s (%u): vcam device %d already present, left as it is",
				   fe_name, fe, specs[i].devid);
		else
			vcamts_log("domain %s (%u): attached vcam device %d (%s, backend %s)",
				   fe_name, fe, specs[i].devid,
				   specs[i].unique_id, specs[i].backend);
	}
	free(res);
	return 0;
}
