/* SPDX-License-Identifier: MIT */
/* vcamd's command line and optional config file. */
#ifndef VCAMD_OPTS_H
#define VCAMD_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define VCAM_MAX_ALLOW		16
#define VCAM_PATH_MAX		108	/* fits sockaddr_un.sun_path */
#define VCAM_STATUS_SOCK_DEFAULT	"/run/vcamd/vcamd.sock"

struct vcam_opts {
	bool foreground;
	bool use_syslog;
	int log_level;			/* syslog priority threshold */
	int default_mode;		/* enum vcam_notify_mode */
	uint32_t default_spin_us;
	uint32_t cam_buffers;		/* V4L2 buffers per camera */
	char status_path[VCAM_PATH_MAX];
	char loopback_path[VCAM_PATH_MAX];	/* serve loopback, not Xen */
	unsigned int nallow;
	char allow[VCAM_MAX_ALLOW][VCAM_PATH_MAX];
};

void vcam_opts_default(struct vcam_opts *o);
/*
 * Returns 0 to run, 1 if --help was printed (exit 0), negative on error
 * with a message in err.
 */
int vcam_opts_parse(struct vcam_opts *o, int argc, char **argv,
		    char *err, size_t errlen);
/* key = value lines, '#' comments; keys are the long option names. */
int vcam_opts_load_file(struct vcam_opts *o, const char *path,
			char *err, size_t errlen);
void vcam_usage(FILE *f);
/* Is this device path allowed (empty allow-list: every /dev/video*)? */
bool vcam_opts_allowed(const struct vcam_opts *o, const char *path);

#endif /* VCAMD_OPTS_H */
