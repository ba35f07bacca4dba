// SPDX-License-Identifier: MIT
/*
 * Formats of a multi-planar driver: which ones bypass libv4l2, and how a
 * device left in a multi-buffer one is put back, against a scripted driver.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/videodev2.h>
#include <string.h>

#include "v4l2_fmt_guard.h"

/* A vivid-like multi-planar driver: YUYV, NV12 in one buffer, NV12M in two. */
struct fake_drv {
	uint32_t caps;
	uint32_t cur;		/* current fourcc */
	uint32_t width, height;
	int sfmt_err;		/* S_FMT fails with this (0: works) */
	unsigned int sfmt_calls;
	unsigned int gfmt_calls;
};

static struct fake_drv drv;

static const uint32_t drv_fmts[] = {
	V4L2_PIX_FMT_NV12M, V4L2_PIX_FMT_YUYV, V4L2_PIX_FMT_NV12,
};

static unsigned int planes_of(uint32_t fourcc)
{
	return fourcc == V4L2_PIX_FMT_NV12M ? 2 : 1;
}

static bool drv_has(uint32_t fourcc)
{
	size_t i;

	for (i = 0; i < sizeof(drv_fmts) / sizeof(drv_fmts[0]); i++)
		if (drv_fmts[i] == fourcc)
			return true;
	return false;
}

static void fill(struct v4l2_format *v, uint32_t fourcc)
{
	v->fmt.pix_mp.pixelformat = fourcc;
	v->fmt.pix_mp.num_planes = (uint8_t)planes_of(fourcc);
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	struct v4l2_format *v = arg;

	assert_int_equal(fd, 7);
	switch (req) {
	case VIDIOC_QUERYCAP: {
		struct v4l2_capability *c = arg;

		c->capabilities = drv.caps | V4L2_CAP_DEVICE_CAPS;
		c->device_caps = drv.caps;
		return 0;
	}
	case VIDIOC_ENUM_FMT: {
		struct v4l2_fmtdesc *d = arg;

		if (d->type != V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE ||
		    d->index >= sizeof(drv_fmts) / sizeof(drv_fmts[0]))
			return -EINVAL;
		d->pixelformat = drv_fmts[d->index];
		return 0;
	}
	case VIDIOC_G_FMT:
		if (v->type != V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
			return -EINVAL;
		drv.gfmt_calls++;
		fill(v, drv.cur);
		v->fmt.pix_mp.width = drv.width;
		v->fmt.pix_mp.height = drv.height;
		return 0;
	case VIDIOC_TRY_FMT:
	case VIDIOC_S_FMT:
		if (v->type != V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE)
			return -EINVAL;
		/* unknown formats become the driver's first, like vivid */
		fill(v, drv_has(v->fmt.pix_mp.pixelformat) ?
		     v->fmt.pix_mp.pixelformat : drv_fmts[0]);
		if (req == VIDIOC_S_FMT) {
			drv.sfmt_calls++;
			if (drv.sfmt_err)
				return drv.sfmt_err;
			drv.cur = v->fmt.pix_mp.pixelformat;
			drv.width = v->fmt.pix_mp.width;
			drv.height = v->fmt.pix_mp.height;
		}
		return 0;
	default:
		return -ENOTTY;
	}
}

static int setup(void **state)
{
	(void)state;
	memset(&drv, 0, sizeof(drv));
	drv.caps = V4L2_CAP_VIDEO_CAPTURE_MPLANE | V4L2_CAP_STREAMING;
	drv.cur = V4L2_PIX_FMT_YUYV;
	drv.width = 640;
	drv.height = 360;
	return 0;
}

static void test_driver_bufs(void **state)
{
	(void)state;
	assert_int_equal(fmt_guard_driver_bufs(7, fake_ioctl,
			 V4L2_PIX_FMT_NV12M, 640, 360), 2);
	assert_int_equal(fmt_guard_driver_bufs(7, fake_ioctl,
			 V4L2_PIX_FMT_NV12, 640, 360), 1);
	assert_int_equal(fmt_guard_driver_bufs(7, fake_ioctl,
			 V4L2_PIX_FMT_YUYV, 640, 360), 1);
	/* libv4l2 converts RGB3: not the driver's business */
	assert_int_equal(fmt_guard_driver_bufs(7, fake_ioctl,
			 V4L2_PIX_FMT_RGB24, 640, 360), 0);
	/* asking never changes the device */
	assert_int_equal(drv.sfmt_calls, 0);
	assert_int_equal(drv.cur, V4L2_PIX_FMT_YUYV);
}

static void test_needs_raw(void **state)
{
	(void)state;
	/* libv4l2's single-planar view of an MPLANE driver */
	assert_false(fmt_guard_needs_raw(false, true, 0));
	/* data_offset would be lost */
	assert_true(fmt_guard_needs_raw(false, true, 1));
	assert_true(fmt_guard_needs_raw(false, true, 2));
	assert_true(fmt_guard_needs_raw(false, true, 3));
	/* libv4l2 shows the MPLANE API itself: it carries every plane */
	assert_false(fmt_guard_needs_raw(true, true, 2));
	assert_false(fmt_guard_needs_raw(true, true, 1));
	/* a single-planar driver has no multi-buffer formats to route */
	assert_false(fmt_guard_needs_raw(false, false, 2));
}

static void test_reset_bricked(void **state)
{
	uint32_t was = 0, now = 0;

	(void)state;
	drv.cur = V4L2_PIX_FMT_NV12M;
	assert_int_equal(fmt_guard_reset(7, fake_ioctl, &was, &now), 1);
	assert_int_equal(was, V4L2_PIX_FMT_NV12M);
	/* the first listed format is NV12M itself: skipped */
	assert_int_equal(now, V4L2_PIX_FMT_YUYV);
	assert_int_equal(drv.cur, V4L2_PIX_FMT_YUYV);
	assert_int_equal(drv.width, 640);
	assert_int_equal(drv.height, 360);
	assert_int_equal(drv.sfmt_calls, 1);
}

static void test_reset_not_needed(void **state)
{
	uint32_t was = 0, now = 0;

	(void)state;
	drv.cur = V4L2_PIX_FMT_NV12;
	assert_int_equal(fmt_guard_reset(7, fake_ioctl, &was, &now), 0);
	assert_int_equal(drv.sfmt_calls, 0);
	assert_int_equal(drv.cur, V4L2_PIX_FMT_NV12);
}

static void test_reset_single_planar_device(void **state)
{
	uint32_t was = 0, now = 0;

	(void)state;
	drv.caps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING;
	drv.cur = V4L2_PIX_FMT_NV12M;
	assert_int_equal(fmt_guard_reset(7, fake_ioctl, &was, &now), 0);
	assert_int_equal(drv.gfmt_calls, 0);
	assert_int_equal(drv.sfmt_calls, 0);
}

static void test_reset_refused(void **state)
{
	uint32_t was = 0, now = 0;

	(void)state;
	drv.cur = V4L2_PIX_FMT_NV12M;
	drv.sfmt_err = -EBUSY;
	assert_int_equal(fmt_guard_reset(7, fake_ioctl, &was, &now), -EBUSY);
	assert_int_equal(drv.cur, V4L2_PIX_FMT_NV12M);
	/* every single-buffer candidate was tried */
	assert_int_equal(drv.sfmt_calls, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_driver_bufs, setup),
		cmocka_unit_test(test_needs_raw),
		cmocka_unit_test_setup(test_reset_bricked, setup),
		cmocka_unit_test_setup(test_reset_not_needed, setup),
		cmocka_unit_test_setup(test_reset_single_planar_device, setup),
		cmocka_unit_test_setup(test_reset_refused, setup),
	};

	return cmocka_run_group_tests_name("fmt_guard", tests, NULL, NULL);
}
