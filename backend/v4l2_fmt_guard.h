/* SPDX-License-Identifier: MIT */
/*
 * Which API a format on a multi-planar driver must go through.
 *
 * On a multi-planar-only driver libv4l2 shows the device through the
 * single-planar API.  A format the driver splits over several buffers
 * (NV12M: Y and CbCr apart) then looks like a one-plane format holding
 * plane 0 only, cannot be queued, and once set makes every later
 * v4l2_open() fail; a one-buffer format loses its data_offset.  These
 * helpers ask the driver itself, through an injectable ioctl so the
 * decisions are testable without a device.
 */
#ifndef VCAMD_V4L2_FMT_GUARD_H
#define VCAMD_V4L2_FMT_GUARD_H

#include <stdbool.h>
#include <stdint.h>

/* An ioctl(2) that returns 0 or a negative errno. */
typedef int (*vcamd_ioctl_fn)(int fd, unsigned long req, void *arg);

/*
 * How many buffers the driver, asked through the multi-planar API, puts
 * a w x h fourcc frame into: 1 or more; 0 when the driver does not
 * produce fourcc itself (not multi-planar, or libv4l2 converts it).
 */
unsigned int fmt_guard_driver_bufs(int fd, vcamd_ioctl_fn io, uint32_t fourcc,
				   uint32_t width, uint32_t height);

/*
 * Must a format the driver delivers in driver_bufs buffers (0: libv4l2
 * converts it) bypass libv4l2, whose view of the device is multi-planar
 * (lib_mplane) or not, for the driver's own MPLANE API (driver_mplane)?
 * libv4l2's single-planar view maps plane 0 without its data_offset.
 */
bool fmt_guard_needs_raw(bool lib_mplane, bool driver_mplane,
			 unsigned int driver_bufs);

/*
 * If the multi-planar device on fd is left in a format that needs more
 * than one buffer, set the first single-buffer format it lists (same
 * size, the driver may adjust).  1 if it changed the format (*was and
 * *now say from what to what), 0 if nothing needed changing, or a
 * negative errno.
 */
int fmt_guard_reset(int fd, vcamd_ioctl_fn io, uint32_t *was, uint32_t *now);

#endif /* VCAMD_V4L2_FMT_GUARD_H */
