// SPDX-License-Identifier: MIT
/* Unit tests for reading formats= from a camera (a scripted fake one). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/videodev2.h>

#include "probe.h"

#define FCC(a, b, c, d) ((uint32_t)(a) | ((uint32_t)(b) << 8) | \
			 ((uint32_t)(c) << 16) | ((uint32_t)(d) << 24))

/* A camera: formats, each with sizes, each size with intervals. */
struct fake_size {
	int stepwise;
	uint32_t w, h;			/* discrete */
	struct v4l2_frmsize_stepwise sw;	/* stepwise */
	int ival_stepwise;
	unsigned int nr_ivals;
	struct v4l2_fract ivals[4];	/* discrete, or {min, max} */
};

struct fake_fmt {
	uint32_t pf;
	uint32_t flags;			/* V4L2_FMT_FLAG_* */
	unsigned int nr_sizes;
	struct fake_size sizes[4];
};

struct fake_cam {
	unsigned int nr_fmts;
	struct fake_fmt fmts[4];
};

static const struct fake_fmt *find_fmt(const struct fake_cam *c, uint32_t pf)
{
	for (unsigned int i = 0; i < c->nr_fmts; i++)
		if (c->fmts[i].pf == pf)
			return &c->fmts[i];
	return NULL;
}

static const struct fake_size *find_size(const struct fake_fmt *f, uint32_t w,
					 uint32_t h)
{
	for (unsigned int i = 0; f && i < f->nr_sizes; i++) {
		const struct fake_size *s = &f->sizes[i];

		if (!s->stepwise && s->w == w && s->h == h)
			return s;
		if (s->stepwise && w >= s->sw.min_width && w <= s->sw.max_width &&
		    h >= s->sw.min_height && h <= s->sw.max_height)
			return s;
	}
	return NULL;
}

static int fake_ioctl(void *ctx, unsigned long req, void *arg)
{
	const struct fake_cam *c = ctx;

	if (req == VIDIOC_ENUM_FMT) {
		struct v4l2_fmtdesc *d = arg;

		if (d->index >= c->nr_fmts)
			return -1;
		d->pixelformat = c->fmts[d->index].pf;
		d->flags = c->fmts[d->index].flags;
		return 0;
	}
	if (req == VIDIOC_ENUM_FRAMESIZES) {
		struct v4l2_frmsizeenum *fs = arg;
		const struct fake_fmt *f = find_fmt(c, fs->pixel_format);
		const struct fake_size *s;

		if (!f || fs->index >= f->nr_sizes)
			return -1;
		s = &f->sizes[fs->index];
		if (s->stepwise) {
			if (fs->index)
				return -1;
			fs->type = V4L2_FRMSIZE_TYPE_STEPWISE;
			fs->stepwise = s->sw;
		} else {
			fs->type = V4L2_FRMSIZE_TYPE_DISCRETE;
			fs->discrete.width = s->w;
			fs->discrete.height = s->h;
		}
		return 0;
	}
	if (req == VIDIOC_ENUM_FRAMEINTERVALS) {
		struct v4l2_frmivalenum *iv = arg;
		const struct fake_size *s =
			find_size(find_fmt(c, iv->pixel_format), iv->width,
				  iv->height);

		if (!s)
			return -1;
		if (s->ival_stepwise) {
			if (iv->index)
				return -1;
			iv->type = V4L2_FRMIVAL_TYPE_CONTINUOUS;
			iv->stepwise.min = s->ivals[0];
			iv->stepwise.max = s->ivals[1];
			iv->stepwise.step = (struct v4l2_fract){ 1, 1 };
			return 0;
		}
		if (iv->index >= s->nr_ivals)
			return -1;
		iv->type = V4L2_FRMIVAL_TYPE_DISCRETE;
		iv->discrete = s->ivals[iv->index];
		return 0;
	}
	return -1;
}

static struct vcamts_spec spec;
static struct vcamts_err err;

static int probe(struct fake_cam *c)
{
	vcamts_spec_init(&spec);
	memset(&err, 0, sizeof(err));
	return vcamts_probe_enumerate(fake_ioctl, c, &spec, &err);
}

static void discrete_modes_become_entries(void **state)
{
	struct fake_cam c = {
		.nr_fmts = 2,
		.fmts = {
			{ FCC('Y', 'U', 'Y', 'V'), 0, 2, {
				{ .w = 640, .h = 360, .nr_ivals = 2,
				  .ivals = { { 1, 30 }, { 1, 5 } } },
				{ .w = 1280, .h = 720, .nr_ivals = 1,
				  .ivals = { { 2, 25 } } } } },
			{ FCC('Y', '1', '6', ' ') | (1u << 31), 0, 1, {
				{ .w = 8, .h = 8, .nr_ivals = 1,
				  .ivals = { { 1, 1 } } } } },
		},
	};

	(void)state;
	assert_int_equal(probe(&c), 0);
	assert_int_equal(spec.nr_formats, 3);
	assert_string_equal(spec.formats[0].fourcc, "YUYV");
	assert_int_equal(spec.formats[0].width, 640);
	assert_int_equal(spec.formats[0].nr_rates, 2);
	assert_int_equal(spec.formats[0].rates[0].numer, 30);
	assert_int_equal(spec.formats[0].rates[0].denom, 1);
	assert_int_equal(spec.formats[0].rates[1].numer, 5);
	assert_int_equal(spec.formats[1].rates[0].numer, 25);
	assert_int_equal(spec.formats[1].rates[0].denom, 2);
	/* trailing space trimmed, big-endian flag spelled as cameraif says */
	assert_string_equal(spec.formats[2].fourcc, "Y16-BE");
}

/*
 * A USB webcam: raw YUYV only at a low resolution, 720p and 1080p only as
 * MJPEG.  Compressed formats are modes like any other (vcamd sizes their
 * buffers from the camera's sizeimage, not from here).
 */
static void compressed_formats_are_offered(void **state)
{
	struct fake_cam c = {
		.nr_fmts = 2,
		.fmts = {
			{ FCC('Y', 'U', 'Y', 'V'), 0, 1, {
				{ .w = 640, .h = 480, .nr_ivals = 1,
				  .ivals = { { 1, 30 } } } } },
			{ FCC('M', 'J', 'P', 'G'), V4L2_FMT_FLAG_COMPRESSED, 2, {
				{ .w = 1280, .h = 720, .nr_ivals = 2,
				  .ivals = { { 1, 30 }, { 1, 15 } } },
				{ .w = 1920, .h = 1080, .nr_ivals = 1,
				  .ivals = { { 1, 30 } } } } },
		},
	};

	(void)state;
	assert_int_equal(probe(&c), 0);
	assert_int_equal(spec.nr_formats, 3);
	assert_string_equal(spec.formats[1].fourcc, "MJPG");
	assert_int_equal(spec.formats[1].width, 1280);
	assert_int_equal(spec.formats[1].height, 720);
	assert_int_equal(spec.formats[1].nr_rates, 2);
	assert_int_equal(spec.formats[1].rates[1].numer, 15);
	assert_string_equal(spec.formats[2].fourcc, "MJPG");
	assert_int_equal(spec.formats[2].width, 1920);
	assert_int_equal(spec.formats[2].height, 1080);
}

static void ranges_become_common_sizes_and_rates(void **state)
{
	struct fake_cam c = {
		.nr_fmts = 1,
		.fmts = { { FCC('N', 'V', '1', '2'), 0, 1, {
			{ .stepwise = 1,
			  .sw = { 16, 1280, 16, 16, 720, 8 },
			  .ival_stepwise = 1,
			  .ivals = { { 1, 60 }, { 1, 1 } } } } } },
	};

	(void)state;
	assert_int_equal(probe(&c), 0);
	/* 320x240, 640x480 and 1280x720 fit the range; 1920x1080 does not */
	assert_int_equal(spec.nr_formats, 3);
	assert_int_equal(spec.formats[2].width, 1280);
	assert_int_equal(spec.formats[2].height, 720);
	/* 60 fps (fastest), 30, 15, 1 fps (slowest), each once */
	assert_int_equal(spec.formats[0].nr_rates, 4);
	assert_int_equal(spec.formats[0].rates[0].numer, 60);
	assert_int_equal(spec.formats[0].rates[1].numer, 30);
	assert_int_equal(spec.formats[0].rates[2].numer, 15);
	assert_int_equal(spec.formats[0].rates[3].numer, 1);
}

static void duplicate_rates_are_listed_once(void **state)
{
	struct fake_cam c = {
		.nr_fmts = 1,
		.fmts = { { FCC('Y', 'U', 'Y', 'V'), 0, 1, {
			{ .w = 64, .h = 64, .nr_ivals = 3,
			  .ivals = { { 1, 30 }, { 2, 60 }, { 1, 15 } } } } } },
	};

	(void)state;
	assert_int_equal(probe(&c), 0);
	assert_int_equal(spec.formats[0].nr_rates, 2);
}

static void a_camera_with_nothing_usable_is_an_error(void **state)
{
	struct fake_cam none = { 0 };
	struct fake_cam no_rates = {
		.nr_fmts = 1,
		.fmts = { { FCC('Y', 'U', 'Y', 'V'), 0, 1, {
			{ .w = 64, .h = 64, .nr_ivals = 1,
			  .ivals = { { 0, 0 } } } } } },
	};
	struct fake_cam bad_fourcc = {
		.nr_fmts = 1,
		.fmts = { { FCC('A', '/', 'B', 'C'), 0, 1, {
			{ .w = 64, .h = 64, .nr_ivals = 1,
			  .ivals = { { 1, 30 } } } } } },
	};

	(void)state;
	assert_int_equal(probe(&none), -1);
	assert_non_null(strstr(err.msg, "no usable capture mode"));
	assert_int_equal(probe(&no_rates), -1);
	assert_int_equal(probe(&bad_fourcc), -1);
}

static int many_fourccs_ioctl(void *ctx, unsigned long req, void *arg)
{
	(void)ctx;
	if (req == VIDIOC_ENUM_FMT) {
		struct v4l2_fmtdesc *d = arg;

		if (d->index >= 20)
			return -1;
		d->pixelformat = FCC('B', 'A', 'A' + d->index / 10,
				     'A' + d->index % 10);
		return 0;
	}
	if (req == VIDIOC_ENUM_FRAMESIZES) {
		struct v4l2_frmsizeenum *fs = arg;

		if (fs->index)
			return -1;
		fs->type = V4L2_FRMSIZE_TYPE_DISCRETE;
		fs->discrete.width = 8;
		fs->discrete.height = 8;
		return 0;
	}
	if (req == VIDIOC_ENUM_FRAMEINTERVALS) {
		struct v4l2_frmivalenum *iv = arg;

		if (iv->index)
			return -1;
		iv->type = V4L2_FRMIVAL_TYPE_DISCRETE;
		iv->discrete = (struct v4l2_fract){ 1, 30 };
		return 0;
	}
	return -1;
}

static void at_most_the_shared_fourcc_limit(void **state)
{
	(void)state;
	vcamts_spec_init(&spec);
	assert_int_equal(vcamts_probe_enumerate(many_fourccs_ioctl, NULL, &spec,
						&err), 0);
	assert_int_equal(vcamts_spec_nr_fourccs(&spec), VCAM_CFG_MAX_FOURCCS);
	assert_int_equal(spec.nr_formats, VCAM_CFG_MAX_FOURCCS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(discrete_modes_become_entries),
		cmocka_unit_test(compressed_formats_are_offered),
		cmocka_unit_test(ranges_become_common_sizes_and_rates),
		cmocka_unit_test(duplicate_rates_are_listed_once),
		cmocka_unit_test(a_camera_with_nothing_usable_is_an_error),
		cmocka_unit_test(at_most_the_shared_fourcc_limit),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
