/* SPDX-License-Identifier: MIT */
/*
 * Hostile input, one named case per sub-command, so the rig can run them
 * one at a time and check that vcamd survives each (and keeps serving a
 * second guest).  Each case also checks what it can see from here: the
 * right error status, an echoed id/op, a backend that either recovers or
 * drops us cleanly, never one that acts on garbage.
 */
#ifndef TFE_HOSTILE_H
#define TFE_HOSTILE_H

#include <stdio.h>

struct tfe_sess;
struct tfe_stream_cfg;
struct tfe_opts;
struct tfe_hostile;

#define TFE_EXIT_PASS	0
#define TFE_EXIT_FAIL	1
#define TFE_EXIT_ERROR	2
#define TFE_EXIT_SKIP	77

struct tfe_hostile_case {
	const char *name;
	const char *help;
	int need;			/* what is set up before check runs */
	int (*check)(struct tfe_hostile *h);
};

const struct tfe_hostile_case *tfe_hostile_find(const char *name);
/*
 * Set up what the case needs, run its checks, tear down, and make sure
 * the backend still answers.  A TFE_EXIT_* code; the verdicts printed.
 */
int tfe_hostile_run(const struct tfe_hostile_case *c, struct tfe_sess *s,
		    const struct tfe_stream_cfg *cfg, const struct tfe_opts *o);
void tfe_hostile_list(FILE *out);

#endif /* TFE_HOSTILE_H */
