// SPDX-License-Identifier: MIT
/*
 * Reads a camera's modes and turns them into a formats= value, which then
 * goes through the same parser as a user's (one set of rules for both).
 */
#include <errno.h>
#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"


/* Sizes offered for a camera that only states a range. */
static const struct { uint32_t w, h; } common_sizes[] = {
	{ 320, 240 }, { 640, 480 }, { 1280, 720 }, { 1920, 1080 },
};

struct text {
	char buf[VCAMTS_FORMATS_TEXT_MAX];
	size_t len;
	int overflow;
};

static void put(struct text *t, const char *fmt, uint32_t a, uint32_t b)
{
	int n;

	if (t->overflow)
		return;
	n = snprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, a, b);
	if (n < 0 || (size_t)n >= sizeof(t->buf) - t->len)
		t->overflow = 1;
	else
		t->len += (size_t)n;
}

static int in_step(uint32_t v, uint32_t min, uint32_t max, uint32_t step)
{
	return v >= min && v <= max && (step <= 1 || (v - min) % step == 0);
}

struct rates {
	unsigned int n;
	struct vcam_rate r[VCAMTS_MAX_RATES];
};

/* Adds fps = @num/@den once; equal fractions in other terms count as one. */
static void add_rate(struct text *t, struct rates *rs, uint32_t num,
		     uint32_t den)
{
	unsigned int i;

	if (!num || !den || rs->n >= VCAMTS_MAX_RATES)
		return;
	for (i = 0; i < rs->n; i++)
		if ((uint64_t)rs->r[i].numer * den ==
		    (uint64_t)num * rs->r[i].denom)
			return;
	put(t, rs->n ? ";%u/%u" : "%u/%u", num, den);
	rs->r[rs->n].numer = num;
	rs->r[rs->n].denom = den;
	rs->n++;
}

/* Rates (fps = 1 / interval) for one size; returns how many were put. */
static unsigned int put_rates(vcamts_probe_ioctl_fn ioctl, void *ctx,
			      struct text *t, uint32_t pf, uint32_t w,
			      uint32_t h)
{
	struct v4l2_frmivalenum iv = {
		.pixel_format = pf, .width = w, .height = h,
	};
	struct rates rs = { 0 };

	for (iv.index = 0; iv.index < 64; iv.index++) {
		const struct v4l2_fract *lo = &iv.stepwise.min;
		const struct v4l2_fract *hi = &iv.stepwise.max;
		static const uint32_t fps[] = { 30, 15 };
		unsigned int i;

		if (ioctl(ctx, VIDIOC_ENUM_FRAMEINTERVALS, &iv))
			break;
		if (iv.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
			add_rate(t, &rs, iv.discrete.denominator,
				 iv.discrete.numerator);
			continue;
		}
		/* stepwise or continuous: the range's ends, 30 and 15 fps */
		add_rate(t, &rs, lo->denominator, lo->numerator);
		for (i = 0; i < 2; i++)
			/* interval 1/fps inside [lo, hi] */
			if ((uint64_t)lo->numerator * fps[i] <= lo->denominator &&
			    (uint64_t)hi->numerator * fps[i] >= hi->denominator)
				add_rate(t, &rs, fps[i], 1);
		add_rate(t, &rs, hi->denominator, hi->numerator);
		break;
	}
	return rs.n;
}

static void put_str(struct text *t, const char *str)
{
	size_t n = strlen(str);

	if (t->overflow || n >= sizeof(t->buf) - t->len) {
		t->overflow = 1;
		return;
	}
	memcpy(t->buf + t->len, str, n + 1);
	t->len += n;
}

/* One formats= entry "FOURCC:WxH@rates"; returns 1 if it was kept. */
static unsigned int put_size(vcamts_probe_ioctl_fn ioctl, void *ctx,
			     struct text *t, const char *fourcc, uint32_t pf,
			     uint32_t w, uint32_t h, unsigned int entries)
{
	size_t mark = t->len;

	if (entries >= VCAMTS_MAX_FORMATS)
		return 0;
	if (entries)
		put_str(t, "|");
	put_str(t, fourcc);
	put(t, ":%ux%u@", w, h);
	if (!put_rates(ioctl, ctx, t, pf, w, h) && !t->overflow) {
		/* a size with no usable rate is not a mode: take it back */
		t->len = mark;
		t->buf[mark] = '\0';
		return 0;
	}
	return 1;
}

int vcamts_probe_enumerate(vcamts_probe_ioctl_fn ioctl, void *ctx,
			   struct vcamts_spec *spec, struct vcamts_err *err)
{
	struct v4l2_fmtdesc fd = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct text *t = calloc(1, sizeof(*t));
	unsigned int entries = 0, before, nr_fourccs = 0;
	int rc;

	if (!t)
		return vcamts_errf(err, "out of memory");
	for (fd.index = 0; fd.index < 64; fd.index++) {
		struct v4l2_frmsizeenum fs = { 0 };
		char fourcc[8];

		if (ioctl(ctx, VIDIOC_ENUM_FMT, &fd))
			break;
		vcam_fourcc_name(fd.pixelformat, fourcc);
		if (!vcamts_fourcc_valid(fourcc))
			continue;
		if (nr_fourccs == VCAM_CFG_MAX_FOURCCS ||
		    entries == VCAMTS_MAX_FORMATS)
			break;	/* the camera's first modes are its main ones */
		before = entries;
		fs.pixel_format = fd.pixelformat;
		for (fs.index = 0; fs.index < 64; fs.index++) {
			unsigned int i;

			if (ioctl(ctx, VIDIOC_ENUM_FRAMESIZES, &fs))
				break;
			if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
				entries += put_size(ioctl, ctx, t, fourcc,
						    fd.pixelformat,
						    fs.discrete.width,
						    fs.discrete.height,
						    entries);
				continue;
			}
			for (i = 0; i < sizeof(common_sizes) /
					sizeof(common_sizes[0]); i++) {
				const struct v4l2_frmsize_stepwise *s =
					&fs.stepwise;

				if (in_step(common_sizes[i].w, s->min_width,
					    s->max_width, s->step_width) &&
				    in_step(common_sizes[i].h, s->min_height,
					    s->max_height, s->step_height))
					entries += put_size(ioctl, ctx, t,
							    fourcc,
							    fd.pixelformat,
							    common_sizes[i].w,
							    common_sizes[i].h,
							    entries);
			}
			break;
		}
		nr_fourccs += entries != before;
	}
	if (t->overflow)
		rc = vcamts_errf(err, "camera lists more modes than fit");
	else if (!entries)
		rc = vcamts_errf(err, "camera offers no usable capture mode");
	else
		rc = vcamts_formats_parse(spec, t->buf, err);
	free(t);
	return rc;
}

static int v4l2_ioctl_fn(void *ctx, unsigned long req, void *arg)
{
	int fd = *(int *)ctx;
	int r;

	do {
		r = v4l2_ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r;
}

int vcamts_probe_device(struct vcamts_spec *spec, struct vcamts_err *err)
{
	char path[VCAMTS_UNIQUE_ID_MAX + 8];
	int fd, rc;

	if (spec->unique_id[0] == '/')
		snprintf(path, sizeof(path), "%s", spec->unique_id);
	else
		snprintf(path, sizeof(path), "/dev/%s", spec->unique_id);
	fd = v4l2_open(path, O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return vcamts_errf(err,
			"no formats= given and camera %s cannot be read: %s",
			path, strerror(errno));
	rc = vcamts_probe_enumerate(v4l2_ioctl_fn, &fd, spec, err);
	v4l2_close(fd);
	if (rc)
		vcamts_err_prefix(err, "%s: ", path);
	return rc;
}
