/* SPDX-License-Identifier: MIT */
/*
 * A camera for unit tests and the fuzzer only: no device, frames are
 * produced on demand with content derived from their sequence number, so a
 * test can check what arrived in a guest buffer byte for byte.  vcamd
 * itself always uses v4l2_camera.c.
 */
#ifndef VCAMD_FAKE_CAMERA_H
#define VCAMD_FAKE_CAMERA_H

#include <stdbool.h>
#include "core.h"

struct fake_cam {
	struct vcamd_format fmt;
	uint32_t rate_numer, rate_denom;
	int64_t ctrl[XENCAMERA_MAX_CTRL];
	bool streaming;
	unsigned int stream_ons, stream_offs;
	/* Buffers kept over a stop (as v4l2_camera.c does), given back. */
	bool kept;
	unsigned int releases, kept_starts;
	uint32_t next_seq;
	unsigned int pending;		/* frames ready to dequeue */
	unsigned int held;		/* dequeued, not yet released */
	int fail_stream_on;		/* errno to fail STREAMON with */
	uint8_t *data;			/* frame storage */
	/*
	 * Fuzzers: frames are memset to their sequence number, not filled
	 * octet by octet with the pattern tests check (most of a run).
	 */
	bool fill_cheap;
	size_t data_len;
	/* zero copy (USERPTR-like), only if allow_user */
	bool allow_user, user_mode;
	int fail_queue_user;		/* errno for queue_user */
	unsigned int user_nbufs, uq_len;
	struct {
		unsigned int index;
		void *addr;
		uint32_t len;
	} uq[32];
};

extern const struct vcamd_camera_ops fake_cam_ops;

void fake_cam_init(struct fake_cam *fc);
void fake_cam_fini(struct fake_cam *fc);
/* Make n frames ready; skip advances the sequence (camera-side loss). */
void fake_cam_produce(struct fake_cam *fc, unsigned int n, unsigned int skip);
/* The byte pattern frame `seq` carries at offset `off`. */
uint8_t fake_cam_byte(uint32_t seq, size_t off);

#endif /* VCAMD_FAKE_CAMERA_H */
