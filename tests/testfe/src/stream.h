/* SPDX-License-Identifier: MIT */
/*
 * The normal life of a camera client: configure, create buffers, stream
 * N frames printing a checksum per frame, stop, tear down.  The steps are
 * separate so hostile tests can stop anywhere and misbehave.
 */
#ifndef TFE_STREAM_H
#define TFE_STREAM_H

#include <signal.h>
#include <stdio.h>

#include "bufs.h"
#include "session.h"

#define TFE_MAX_BUFS	64

struct tfe_stream_cfg {
	uint32_t fourcc;	/* 0: keep the backend's */
	uint32_t width, height;
	uint32_t rate_numer, rate_denom;	/* 0: do not set */
	unsigned int nbufs;
	unsigned int frames;
	unsigned int seconds;	/* stop after this long, 0: no limit */
	FILE *out;		/* checksum lines, NULL: none */
};

struct tfe_stream {
	struct tfe_sess *s;
	struct tfe_stream_cfg cfg;
	struct xencamera_config_resp config;
	struct xencamera_buf_get_layout_resp layout;
	uint32_t offsets[XENCAMERA_MAX_PLANE];
	unsigned int nplanes;
	unsigned int nbufs;		/* granted by BUF_REQUEST */
	struct tfe_buf bufs[TFE_MAX_BUFS];
	int streaming;
	int have_seq;
	uint32_t last_seq;
};

/*
 * Set by SIGTERM/SIGINT: a running stream ends as if its
 * --seconds were up, stops, prints its stats and passes.  Lets the rig end
 * a guest's open-ended stream when it has measured what it needed.
 */
extern volatile sig_atomic_t tfe_stop;
/* Install the SIGTERM/SIGINT handler that sets it. */
void tfe_stop_on_signals(void);

void tfe_stream_init(struct tfe_stream *st, struct tfe_sess *s,
		     const struct tfe_stream_cfg *cfg);
/* CONFIG_SET, FRAME_RATE_SET, BUF_GET_LAYOUT, BUF_REQUEST. 0 or <0. */
int tfe_stream_configure(struct tfe_stream *st);
/* Share and BUF_CREATE every buffer. */
int tfe_stream_buffers(struct tfe_stream *st);
/* BUF_QUEUE every buffer, STREAM_START. */
int tfe_stream_start(struct tfe_stream *st);
/*
 * A stream up: allocated, configured, its buffers shared, started.  *ret is
 * 0 or the first step's error; NULL only without memory.  tfe_stream_end
 * tears it down and frees it.
 */
struct tfe_stream *tfe_stream_begin(struct tfe_sess *s,
				    const struct tfe_stream_cfg *cfg, int *ret);
void tfe_stream_end(struct tfe_stream *st);
/*
 * Handle events until `frames` FRAME_AVAILs arrived (or cfg.seconds
 * passed, if set), re-queueing each buffer after checksumming it.
 * 0, or <0 (timeout, violation, reset).
 */
int tfe_stream_frames(struct tfe_stream *st, unsigned int frames);
int tfe_stream_stop(struct tfe_stream *st);
/* BUF_DESTROY all, BUF_REQUEST(0), release pages. Best effort. */
void tfe_stream_teardown(struct tfe_stream *st);

/* The whole run; returns a process exit code (0 good, 1 failure). */
int tfe_stream_run(struct tfe_sess *s, const struct tfe_stream_cfg *cfg);

#endif /* TFE_STREAM_H */
