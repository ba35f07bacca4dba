// SPDX-License-Identifier: MIT
#include "fake_camera.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/videodev2.h>

uint8_t fake_cam_byte(uint32_t seq, size_t off)
{
	return (uint8_t)(seq * 31 + off * 7 + (off >> 12));
}

/* YUYV (1 plane) and NV12 (2 planes, contiguous); 16..4096 x 16..2160. */
static int fc_try(void *priv, struct vcamd_format *f)
{
	(void)priv;
	if (f->fourcc != V4L2_PIX_FMT_YUYV && f->fourcc != V4L2_PIX_FMT_NV12)
		f->fourcc = V4L2_PIX_FMT_YUYV;
	if (f->width < 16)
		f->width = 16;
	if (f->width > 4096)
		f->width = 4096;
	if (f->height < 16)
		f->height = 16;
	if (f->height > 2160)
		f->height = 2160;
	f->width &= ~1U;
	f->height &= ~1U;
	memset(f->plane_size, 0, sizeof(f->plane_size));
	memset(f->plane_stride, 0, sizeof(f->plane_stride));
	if (f->fourcc == V4L2_PIX_FMT_YUYV) {
		f->num_planes = 1;
		f->plane_stride[0] = f->width * 2;
		f->plane_size[0] = f->width * 2 * f->height;
	} else {
		f->num_planes = 2;
		f->plane_stride[0] = f->width;
		f->plane_size[0] = f->width * f->height;
		f->plane_stride[1] = f->width;
		f->plane_size[1] = f->width * f->height / 2;
	}
	f->size = f->plane_size[0] + f->plane_size[1];
	f->colorspace = XENCAMERA_COLORSPACE_SRGB;
	f->xfer_func = XENCAMERA_XFER_FUNC_SRGB;
	f->ycbcr_enc = XENCAMERA_YCBCR_ENC_601;
	f->quantization = XENCAMERA_QUANTIZATION_LIM_RANGE;
	return 0;
}

static int fc_set(void *priv, struct vcamd_format *f)
{
	struct fake_cam *fc = priv;

	/* a V4L2 driver refuses while buffers are allocated (vb2_is_busy) */
	if (fc->streaming || fc->kept)
		return -EBUSY;
	fc_try(priv, f);
	fc->fmt = *f;
	return 0;
}

static int fc_get(void *priv, struct vcamd_format *f)
{
	struct fake_cam *fc = priv;

	*f = fc->fmt;
	return 0;
}

static int fc_set_rate(void *priv, uint32_t *n, uint32_t *d)
{
	struct fake_cam *fc = priv;

	/* 1..60 fps, whole numbers only, like a discrete camera. */
	uint32_t fps = *n / *d;

	if (fps < 1)
		fps = 1;
	if (fps > 60)
		fps = 60;
	*n = fps;
	*d = 1;
	fc->rate_numer = fps;
	fc->rate_denom = 1;
	return 0;
}

static int fc_get_rate(void *priv, uint32_t *n, uint32_t *d)
{
	struct fake_cam *fc = priv;

	*n = fc->rate_numer;
	*d = fc->rate_denom;
	return 0;
}

static int fc_ctrl_info(void *priv, unsigned int type,
			struct vcamd_ctrl_info *ci)
{
	(void)priv;
	switch (type) {
	case XENCAMERA_CTRL_BRIGHTNESS:
	case XENCAMERA_CTRL_CONTRAST:
		*ci = (struct vcamd_ctrl_info){ 0, 255, 1, 128, 0 };
		return 0;
	case XENCAMERA_CTRL_SATURATION:
		*ci = (struct vcamd_ctrl_info){ 0, 100, 1, 50,
			XENCAMERA_CTRL_FLG_VOLATILE };
		return 0;
	default:
		return -ENOTSUP;	/* no hue: a control the camera lacks */
	}
}

static int fc_ctrl_get(void *priv, unsigned int type, int64_t *v)
{
	struct fake_cam *fc = priv;

	if (type >= XENCAMERA_CTRL_HUE)
		return -ENOTSUP;
	*v = fc->ctrl[type];
	return 0;
}

static int fc_ctrl_set(void *priv, unsigned int type, int64_t v)
{
	struct fake_cam *fc = priv;

	if (type >= XENCAMERA_CTRL_HUE)
		return -ENOTSUP;
	fc->ctrl[type] = v;
	return 0;
}

static int fc_stream_on(void *priv)
{
	struct fake_cam *fc = priv;

	if (fc->fail_stream_on)
		return -fc->fail_stream_on;
	if (fc->kept)
		fc->kept_starts++;
	fc->kept = false;
	if (fc->data_len < fc->fmt.size) {
		free(fc->data);
		fc->data = malloc(fc->fmt.size);
		if (!fc->data)
			return -ENOMEM;
		fc->data_len = fc->fmt.size;
	}
	fc->streaming = true;
	fc->stream_ons++;
	return 0;
}

static int fc_stream_on_user(void *priv, unsigned int nbufs)
{
	struct fake_cam *fc = priv;

	if (!fc->allow_user)
		return -ENOTSUP;
	if (fc->kept)
		return -EBUSY;
	if (fc->fail_stream_on)
		return -fc->fail_stream_on;
	fc->user_mode = true;
	fc->user_nbufs = nbufs;
	fc->uq_len = 0;
	fc->streaming = true;
	fc->stream_ons++;
	return 0;
}

static int fc_queue_user(void *priv, unsigned int index, void *addr,
			 uint32_t len)
{
	struct fake_cam *fc = priv;

	if (!fc->user_mode || index >= fc->user_nbufs || len < fc->fmt.size ||
	    fc->uq_len >= 32)
		return -EINVAL;
	if (fc->fail_queue_user)
		return -fc->fail_queue_user;
	fc->uq[fc->uq_len].index = index;
	fc->uq[fc->uq_len].addr = addr;
	fc->uq[fc->uq_len].len = len;
	fc->uq_len++;
	return 0;
}

/* One frame's content, fmt.size octets at p. */
static void fill(const struct fake_cam *fc, uint8_t *p)
{
	size_t i;

	if (fc->fill_cheap) {
		memset(p, (int)(fc->next_seq & 0xff), fc->fmt.size);
		return;
	}
	for (i = 0; i < fc->fmt.size; i++)
		p[i] = fake_cam_byte(fc->next_seq, i);
}

/* A real camera's timestamp: CLOCK_MONOTONIC at capture (here: now). */
static uint64_t fc_now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int fc_next_user(struct fake_cam *fc, struct vcamd_frame *fr)
{
	uint8_t *p;

	while (fc->pending) {
		fc->pending--;
		if (!fc->uq_len) {
			fc->next_seq++;	/* no buffer: lost at the camera */
			continue;
		}
		p = fc->uq[0].addr;
		fill(fc, p);
		fr->cookie = (int)fc->uq[0].index;
		fr->nplanes = 1;
		fr->plane[0].data = NULL;
		fr->plane[0].used = fc->fmt.size;
		fr->seq = fc->next_seq++;
		fr->mono_ns = fc_now_mono();
		memmove(&fc->uq[0], &fc->uq[1], --fc->uq_len * sizeof(fc->uq[0]));
		fc->held++;
		return 0;
	}
	return -EAGAIN;
}

static int fc_stream_off(void *priv)
{
	struct fake_cam *fc = priv;

	fc->kept = !fc->user_mode;
	fc->user_mode = false;
	fc->uq_len = 0;
	fc->streaming = false;
	fc->pending = 0;
	fc->stream_offs++;
	return 0;
}

static void fc_release_bufs(void *priv)
{
	struct fake_cam *fc = priv;

	if (fc->kept && !fc->streaming) {
		fc->kept = false;
		fc->releases++;
	}
}

static int fc_next(void *priv, struct vcamd_frame *fr)
{
	struct fake_cam *fc = priv;

	if (!fc->streaming || !fc->pending)
		return -EAGAIN;
	if (fc->user_mode)
		return fc_next_user(fc, fr);
	fc->pending--;
	fill(fc, fc->data);
	fr->nplanes = fc->fmt.num_planes;
	fr->plane[0].data = fc->data;
	fr->plane[0].used = fc->fmt.plane_size[0];
	if (fc->fmt.num_planes > 1) {
		fr->plane[1].data = fc->data + fc->fmt.plane_size[0];
		fr->plane[1].used = fc->fmt.plane_size[1];
	}
	fr->seq = fc->next_seq++;
	fr->mono_ns = fc_now_mono();
	fc->held++;
	return 0;
}

static void fc_release(void *priv, struct vcamd_frame *fr)
{
	struct fake_cam *fc = priv;

	(void)fr;
	fc->held--;
}

const struct vcamd_camera_ops fake_cam_ops = {
	.try_fmt = fc_try,
	.set_fmt = fc_set,
	.get_fmt = fc_get,
	.set_rate = fc_set_rate,
	.get_rate = fc_get_rate,
	.ctrl_info = fc_ctrl_info,
	.ctrl_get = fc_ctrl_get,
	.ctrl_set = fc_ctrl_set,
	.stream_on = fc_stream_on,
	.stream_off = fc_stream_off,
	.release_bufs = fc_release_bufs,
	.stream_on_user = fc_stream_on_user,
	.queue_user = fc_queue_user,
	.next_frame = fc_next,
	.release_frame = fc_release,
};

void fake_cam_init(struct fake_cam *fc)
{
	memset(fc, 0, sizeof(*fc));
	fc->fmt.fourcc = V4L2_PIX_FMT_YUYV;
	fc->fmt.width = 64;
	fc->fmt.height = 48;
	fc_try(fc, &fc->fmt);
	fc->rate_numer = 30;
	fc->rate_denom = 1;
	fc->ctrl[XENCAMERA_CTRL_BRIGHTNESS] = 128;
	fc->ctrl[XENCAMERA_CTRL_CONTRAST] = 128;
	fc->ctrl[XENCAMERA_CTRL_SATURATION] = 50;
}

void fake_cam_fini(struct fake_cam *fc)
{
	free(fc->data);
	fc->data = NULL;
}

void fake_cam_produce(struct fake_cam *fc, unsigned int n, unsigned int skip)
{
	fc->next_seq += skip;
	fc->pending += n;
}
