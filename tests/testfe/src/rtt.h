/* SPDX-License-Identifier: MIT */
/*
 * vcam-testfe rtt: the round trip of a cheap request (CONFIG_GET, which
 * vcamd answers from its cached format without touching the camera), N
 * times, per notification mode.  Measured while a stream is started,
 * because vcamd spins only for a streaming device; its frames are let run
 * out (no buffer is re-queued) so that only requests cross the ring.
 */
#ifndef TFE_RTT_H
#define TFE_RTT_H

#include <stdio.h>

#include "session.h"
#include "stream.h"

/* Round trips not counted: the first ones pay for cold caches and pages. */
#define TFE_RTT_WARMUP	20

/*
 * Set up and start a stream as cfg says, let its buffers fill, then time
 * count CONFIG_GET round trips and print one 'rtt ...' line to out.
 * Returns a process exit code (0 good, 1 failure).
 */
int tfe_rtt_run(struct tfe_sess *s, const struct tfe_stream_cfg *cfg,
		unsigned int count, FILE *out);

#endif /* TFE_RTT_H */
