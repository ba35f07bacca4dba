/* SPDX-License-Identifier: MIT */
/*
 * The floor tools' one output line: "<what> n=N warmup=W p50-us=.. p99-us=..
 * max-us=.. min-us=.." from round-trip samples (ns), nearest-rank
 * percentiles as vcam-testfe's rtt line has them (tests/testfe/src/lat.c).
 */
#ifndef BENCH_RTTSTAT_H
#define BENCH_RTTSTAT_H

#include <stdint.h>
#include <stdio.h>

#include "lat.h"

/* Round trips timed but not counted: cold caches, first page faults. */
#define RTT_WARMUP	100

int64_t rtt_now_ns(void);
/* Prints the figures after prefix; 0, or -1 if a sample was lost. */
int rtt_print(FILE *out, const char *prefix, struct tfe_lat *l,
	      unsigned int want);
/* A count of round trips, 1..1000000; -1 if s is not one. */
int rtt_parse_n(const char *s, unsigned int *n);

#endif /* BENCH_RTTSTAT_H */
