/* SPDX-License-Identifier: MIT */
/* Command line of vcam-testfe. */
#ifndef TFE_OPTS_H
#define TFE_OPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parse.h"

struct tfe_opts {
	int loop;			/* 1: loopback transport */
	const char *loop_sock;
	const char *unique_id;		/* --loop: the camera */
	unsigned int devid;
	int mode;			/* -1: from xenstore */
	int be_alloc;			/* -1: from xenstore */
	unsigned int spin_us;		/* 0: from xenstore */
	unsigned int nbufs;
	unsigned int frames;
	unsigned int seconds;		/* 0: no time limit */
	uint32_t fourcc, width, height;	/* fourcc 0: backend's default */
	uint32_t rate_numer, rate_denom;
	const char *out;		/* NULL: stdout */
	int timeout_ms;
	unsigned int foreign_domid;	/* ~0u: pick one */
	unsigned int count;		/* flood size */
	int literal;			/* cameraif.h to the letter */
	int no_capture_time;		/* do not negotiate capture times */
	int verbose;
	int help;
	const char *command;
};

/*
 * Parse argv into o (defaults first).  Returns 0, or -1 with a message in
 * err.  Resets getopt, so it may be called more than once.
 */
int tfe_opts_parse(struct tfe_opts *o, int argc, char **argv, char *err,
		   size_t errlen);
void tfe_usage(FILE *out);

#endif /* TFE_OPTS_H */
