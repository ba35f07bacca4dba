/* SPDX-License-Identifier: MIT */
/* vcamd's command line and optional config file. */
#ifndef VCAMD_OPTS_H
#define VCAMD_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define VCAMD_MAX_ALLOW		16
#define VCAMD_PATH_MAX		108	/* fits sockaddr_un.sun_path */
#define VCAMD_STATUS_SOCK_DEFAULT	"/run/vcamd/vcamd.sock"

/*
 * Defaults of what guests may make vcamd spend (README.md, "Limits").
 * Spinning: vcamd has one thread; while any device spins its loop polls
 * instead of sleeping, so the first spinner costs a whole CPU of the
 * backend domain and every further one lengthens each polling round (its
 * ring is polled in every round, and the latency spinning is for shrinks
 * for all of them).  Two keep the mode useful for a pair of
 * latency-critical guests without letting the rest turn it into a
 * CPU-wide cost; the host raises it where it has cores to spare.
 */
#define VCAMD_MAX_SPINNING_DEFAULT	2U
/*
 * 64 MiB: 8 buffers of 1920x1080 YUYV (1013 pages each) with room to
 * spare, or 4 of 3840x2160 YUYV.
 */
#define VCAMD_MAX_PAGES_DEV_DEFAULT	16384U
/* Four devices at their cap; the gntalloc limit the README suggests. */
#define VCAMD_MAX_PAGES_TOTAL_DEFAULT	65536U
/*
 * A streaming guest needs a request or two per frame (BUF_QUEUE, maybe
 * BUF_DEQUEUE): 1000/s is ten times that at 60 fps.  The burst covers
 * setting up 32 buffers (BUF_CREATE + BUF_QUEUE each) at once.
 */
#define VCAMD_MAX_REQ_RATE_DEFAULT	1000U
#define VCAMD_MAX_REQ_BURST_DEFAULT	64U
/*
 * Requests differ in cost by orders of magnitude (a BUF_CREATE maps
 * hundreds of pages), so their CPU time is capped too: a quarter of
 * vcamd's one thread per device leaves the rest to the others' frames.
 * A streaming guest's requests take far less; setting up buffers comes
 * out of the burst.
 */
#define VCAMD_MAX_REQ_CPU_DEFAULT	25U
#define VCAMD_REQ_CPU_BURST_MS		250U

struct vcamd_opts {
	bool foreground;
	bool use_syslog;
	int log_level;			/* syslog priority threshold */
	int default_mode;		/* enum vcam_notify_mode */
	uint32_t default_spin_us;
	uint32_t cam_buffers;		/* V4L2 buffers per camera */
	char status_path[VCAMD_PATH_MAX];
	char loopback_path[VCAMD_PATH_MAX];	/* serve loopback, not Xen */
	unsigned int nallow;
	char allow[VCAMD_MAX_ALLOW][VCAMD_PATH_MAX];
	/* what guests may make us spend (0 pages/rate: no cap) */
	uint32_t max_spinning;		/* devices in spin or hybrid at once */
	uint32_t max_pages_dev;		/* buffer pages per device */
	uint32_t max_pages_total;	/* buffer pages of all devices */
	uint32_t max_req_rate;		/* requests per second per device */
	uint32_t max_req_burst;
	uint32_t max_req_cpu;		/* % of a CPU per device's requests */
};

void vcamd_opts_default(struct vcamd_opts *o);
/*
 * Returns 0 to run, 1 if --help was printed (exit 0), negative on error
 * with a message in err.
 */
int vcamd_opts_parse(struct vcamd_opts *o, int argc, char **argv,
		     char *err, size_t errlen);
/* key = value lines, '#' comments; keys are the long option names. */
int vcamd_opts_load_file(struct vcamd_opts *o, const char *path,
			 char *err, size_t errlen);
void vcamd_usage(FILE *f);
/* Is this device path allowed (empty allow-list: every /dev/video*)? */
bool vcamd_opts_allowed(const struct vcamd_opts *o, const char *path);

#endif /* VCAMD_OPTS_H */
