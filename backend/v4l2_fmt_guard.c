// SPDX-License-Identifier: MIT
/*
 * Keeping multi-buffer formats away from libv4l2's single-planar view of a
 * multi-planar device (see v4l2_fmt_guard.h for why).
 */
#include "v4l2_fmt_guard.h"

#include <errno.h>
#include <linux/videodev2.h>
#include <string.h>

#define MAX_ENUM_FMTS	64

static int mp_try(int fd, vcamd_ioctl_fn io, uint32_t fourcc, uint32_t width,
		  uint32_t height, struct v4l2_format *v)
{
	memset(v, 0, sizeof(*v));
	v->type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
	v->fmt.pix_mp.pixelformat = fourcc;
	v->fmt.pix_mp.width = width;
	v->fmt.pix_mp.height = height;
	v->fmt.pix_mp.field = V4L2_FIELD_NONE;
	return io(fd, VIDIOC_TRY_FMT, v);
}

unsigned int fmt_guard_driver_bufs(int fd, vcamd_ioctl_fn io, uint32_t fourcc,
				   uint32_t width, uint32_t height)
{
	struct v4l2_format v;

	if (mp_try(fd, io, fourcc, width, height, &v))
		return 0;
	/* The driver picked another format: not one it produces itself. */
	if (v.fmt.pix_mp.pixelformat != fourcc)
		return 0;
	return v.fmt.pix_mp.num_planes ? v.fmt.pix_mp.num_planes : 1;
}

bool fmt_guard_needs_raw(bool lib_mplane, bool driver_mplane,
			 unsigned int driver_bufs)
{
	/*
	 * libv4l2's single-planar view of an MPLANE driver (its mplane
	 * plugin) passes plane 0 only and drops planes[].data_offset, so a
	 * multi-buffer frame loses planes and a single-buffer one arrives
	 * with the driver's header in front.  Formats libv4l2 converts
	 * (driver_bufs 0) can only go through it.
	 */
	return !lib_mplane && driver_mplane && driver_bufs >= 1;
}

int fmt_guard_reset(int fd, vcamd_ioctl_fn io, uint32_t *was, uint32_t *now)
{
	struct v4l2_capability cap;
	struct v4l2_format cur = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE };
	struct v4l2_fmtdesc fd_desc = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE,
	};
	uint32_t caps;
	int ret, last = -EINVAL;

	memset(&cap, 0, sizeof(cap));
	if (io(fd, VIDIOC_QUERYCAP, &cap))
		return 0;	/* not V4L2: not ours to mend */
	caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps
							  : cap.capabilities;
	if (!(caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE))
		return 0;
	ret = io(fd, VIDIOC_G_FMT, &cur);
	if (ret)
		return ret;
	if (cur.fmt.pix_mp.num_planes <= 1)
		return 0;
	for (fd_desc.index = 0; fd_desc.index < MAX_ENUM_FMTS &&
	     io(fd, VIDIOC_ENUM_FMT, &fd_desc) == 0; fd_desc.index++) {
		struct v4l2_format v;

		if (fmt_guard_driver_bufs(fd, io, fd_desc.pixelformat,
					  cur.fmt.pix_mp.width,
					  cur.fmt.pix_mp.height) != 1)
			continue;
		mp_try(fd, io, fd_desc.pixelformat, cur.fmt.pix_mp.width,
		       cur.fmt.pix_mp.height, &v);
		ret = io(fd, VIDIOC_S_FMT, &v);
		if (ret) {
			last = ret;	/* busy or refused: try the next */
			continue;
		}
		if (v.fmt.pix_mp.num_planes > 1)
			continue;
		*was = cur.fmt.pix_mp.pixelformat;
		*now = v.fmt.pix_mp.pixelformat;
		return 1;
	}
	return last;
}
