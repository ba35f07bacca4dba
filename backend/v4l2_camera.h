/* SPDX-License-Identifier: MIT */
/* The real camera: struct vcamd_camera_ops over libv4l2. */
#ifndef VCAMD_V4L2_CAMERA_H
#define VCAMD_V4L2_CAMERA_H

#include "core.h"

extern const struct vcamd_camera_ops v4l2cam_ops;

/* Open a capture device; *priv is for v4l2cam_ops. 0 or negative errno. */
int v4l2cam_open(const char *path, unsigned int nbufs, void **priv);
/* The fd to poll for frames (POLLIN) and faults (POLLERR). */
int v4l2cam_fd(void *priv);
/* Frames the driver flagged as corrupt (skipped, not delivered). */
uint64_t v4l2cam_errors(void *priv);

#endif /* VCAMD_V4L2_CAMERA_H */
