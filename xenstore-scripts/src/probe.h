/* SPDX-License-Identifier: MIT */
/*
 * Formats from the camera itself, for a spec that names none: every mode
 * the camera offers through libv4l2 (the library vcamd serves it with, so
 * each mode listed is one vcamd can deliver).  Only possible where the
 * camera is, i.e. when the backend is the domain running the tool.
 */
#ifndef VCAMTS_PROBE_H
#define VCAMTS_PROBE_H

#include "errbuf.h"
#include "spec.h"

/* The device ioctl, injectable so enumeration is unit-tested without one. */
typedef int (*vcamts_probe_ioctl_fn)(void *ctx, unsigned long req, void *arg);

/*
 * Fills @spec->formats from VIDIOC_ENUM_FMT / ENUM_FRAMESIZES /
 * ENUM_FRAMEINTERVALS answered by @ioctl.  Stepwise and continuous sizes
 * become the common sizes inside their range; stepwise and continuous
 * intervals become the fastest and slowest rate plus 30 and 15 fps when
 * inside.  Returns 0, or -1 with @err when the camera offers no usable
 * mode.
 */
int vcamts_probe_enumerate(vcamts_probe_ioctl_fn ioctl, void *ctx,
			   struct vcamts_spec *spec, struct vcamts_err *err);

/* The above on the spec's own camera (unique-id), opened with libv4l2. */
int vcamts_probe_device(struct vcamts_spec *spec, struct vcamts_err *err);

#endif /* VCAMTS_PROBE_H */
