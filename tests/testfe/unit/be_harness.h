/* SPDX-License-Identifier: MIT */
/*
 * Test scaffolding only: the backend half of a loopback link, run in a
 * thread.  It plays the daemon's part of the xenbus handshake on the
 * link's store and drives vcamd's real request core (backend/core.h) with
 * the backend's fake camera, which makes a frame every millisecond while
 * streaming.  vcamd itself does this with xenstore and V4L2.
 */
#ifndef TFE_BE_HARNESS_H
#define TFE_BE_HARNESS_H

#include <pthread.h>

#include "core.h"
#include "fake_camera.h"
#include "loopback.h"

struct be_harness {
	struct vcam_lb_link *lb;
	pthread_t th;
	volatile int stop;
	struct fake_cam fc;
	struct vcamd_cam cam;
	struct vcamd_dev dev;
	void *ring, *evt;
	int connected;
	unsigned int sessions;		/* connections served */
	unsigned int broken;		/* rings the core found corrupt */
	struct vcamd_dev_limits lim;	/* vcamd's caps; zero: none */
};

/* Create the link, write the frontend's toolstack config, start. */
int be_harness_start(struct be_harness *h, int be_alloc, const char *mode);
/* The same with vcamd's caps on every session (NULL: none). */
int be_harness_start_lim(struct be_harness *h, int be_alloc, const char *mode,
			 const struct vcamd_dev_limits *lim);
void be_harness_stop(struct be_harness *h);

#endif /* TFE_BE_HARNESS_H */
