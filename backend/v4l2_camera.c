// SPDX-License-Identifier: MIT
/*
 * struct vcamd_camera_ops on a real V4L2 capture device through libv4l2
 * (single- or multi-planar, MMAP streaming).  libv4l2 passes native
 * formats straight through and converts emulated ones in software at
 * DQBUF time; either way the frame lands in our mapped camera buffer and
 * the core makes the one copy into each guest's buffer.  The exception:
 * formats an MPLANE-only driver produces itself bypass libv4l2's
 * single-planar view of it (see v4l2_fmt_guard.h).
 */
#include "v4l2_camera.h"

#include <errno.h>
#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "v4l2_fmt_guard.h"
#include "vcam/colorimetry.h"

#define MAX_CAM_BUFS	32

struct v4l2cam {
	int fd;
	char path[128];
	bool mplane;
	bool driver_mplane;		/* the driver's own API, under libv4l2 */
	uint32_t type;			/* of the API now in use */
	/*
	 * A multi-buffer format on a device libv4l2 shows single-planar
	 * goes through the driver's own MPLANE API, every ioctl and mmap
	 * raw; lib_type/lib_mplane keep libv4l2's view for the way back.
	 */
	bool raw_mp;
	uint32_t lib_type;
	bool lib_mplane;
	unsigned int want_bufs;
	unsigned int nbufs;
	struct {
		unsigned int nplanes;
		void *start[XENCAMERA_MAX_PLANE];
		size_t len[XENCAMERA_MAX_PLANE];
	} buf[MAX_CAM_BUFS];
	bool streaming;
	/* Stopped with nbufs camera buffers still mapped (vc_stream_off). */
	bool kept;
	bool user_mode;			/* USERPTR: guest memory, no copy */
	unsigned int user_queued;	/* ... buffers now at the driver */
	bool emulated;			/* libv4l2 converts this format */
	bool direct;			/* buffers go to the driver itself */
	uint64_t errors;
	/*
	 * A buffer filled before STREAMON is not a frame of this stream:
	 * v4l2loopback (0.12) hands a new reader the last buffer its writer
	 * filled, with bytesused reset to sizeimage by the reader's REQBUFS,
	 * so a compressed frame would carry the whole buffer.  Only the first
	 * nbufs frames are judged, so a camera whose clock is not
	 * CLOCK_MONOTONIC loses at most those.
	 */
	uint64_t streamon_ns;
	unsigned int judge_left;
	bool stale_logged;
};

static int lib_ioctl(struct v4l2cam *c, unsigned long req, void *arg)
{
	int r;

	do {
		r = v4l2_ioctl(c->fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int raw_ioctl(struct v4l2cam *c, unsigned long req, void *arg);

/* Through libv4l2, or to the driver while a raw MPLANE format is set. */
static int xioctl(struct v4l2cam *c, unsigned long req, void *arg)
{
	return c->raw_mp ? raw_ioctl(c, req, arg) : lib_ioctl(c, req, arg);
}

/*
 * libv4l2 refuses USERPTR buffers (it only manages MMAP ones), so the
 * zero-copy path talks to the driver directly.  It is only used for
 * formats libv4l2 does not convert, where libv4l2 would pass these
 * ioctls straight through anyway.
 */
static int raw_ioctl(struct v4l2cam *c, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(c->fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int fd_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/*
 * Buffers, streaming and mmap go to the driver itself unless libv4l2
 * converts the format.  Not converting, libv4l2 passes them through but
 * refuses S_FMT and REQBUFS with EBUSY while the driver flags any of its
 * buffers as mapped, and a driver that keeps that flag after munmap
 * (v4l2loopback 0.12) would then lock the camera's format for good after
 * one stream.  Through the driver, libv4l2 never learns of our buffers.
 * Decided with the format, which cannot change while buffers exist.
 */
static int bioctl(struct v4l2cam *c, unsigned long req, void *arg)
{
	return c->user_mode || c->direct ? raw_ioctl(c, req, arg)
					 : lib_ioctl(c, req, arg);
}

static void *cam_mmap(struct v4l2cam *c, size_t len, off_t off)
{
	if (c->direct)
		return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			    c->fd, off);
	return v4l2_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 c->fd, off);
}

static void cam_munmap(struct v4l2cam *c, void *start, size_t len)
{
	if (c->direct)
		munmap(start, len);
	else
		v4l2_munmap(start, len);
}

static void fmt_from_v4l2(bool mplane, const struct v4l2_format *v,
			  struct vcamd_format *f)
{
	unsigned int p;

	memset(f, 0, sizeof(*f));
	if (mplane) {
		const struct v4l2_pix_format_mplane *m = &v->fmt.pix_mp;

		f->fourcc = m->pixelformat;
		f->width = m->width;
		f->height = m->height;
		f->colorspace = vcam_colorspace_to_xen(m->colorspace);
		f->xfer_func = vcam_xfer_func_to_xen(m->xfer_func);
		f->ycbcr_enc = vcam_ycbcr_enc_to_xen(m->ycbcr_enc);
		f->quantization = vcam_quantization_to_xen(m->quantization);
		f->num_planes = m->num_planes;
		if (f->num_planes > XENCAMERA_MAX_PLANE)
			f->num_planes = XENCAMERA_MAX_PLANE;
		for (p = 0; p < f->num_planes; p++) {
			f->plane_size[p] = m->plane_fmt[p].sizeimage;
			f->plane_stride[p] = m->plane_fmt[p].bytesperline;
			f->size += m->plane_fmt[p].sizeimage;
		}
	} else {
		const struct v4l2_pix_format *s = &v->fmt.pix;

		f->fourcc = s->pixelformat;
		f->width = s->width;
		f->height = s->height;
		f->colorspace = vcam_colorspace_to_xen(s->colorspace);
		f->xfer_func = vcam_xfer_func_to_xen(s->xfer_func);
		f->ycbcr_enc = vcam_ycbcr_enc_to_xen(s->ycbcr_enc);
		f->quantization = vcam_quantization_to_xen(s->quantization);
		f->num_planes = 1;
		f->plane_size[0] = s->sizeimage;
		f->plane_stride[0] = s->bytesperline;
		f->size = s->sizeimage;
	}
}

static void fmt_to_v4l2(uint32_t type, bool mplane,
			const struct vcamd_format *f, struct v4l2_format *v)
{
	memset(v, 0, sizeof(*v));
	v->type = type;
	if (mplane) {
		v->fmt.pix_mp.pixelformat = f->fourcc;
		v->fmt.pix_mp.width = f->width;
		v->fmt.pix_mp.height = f->height;
		v->fmt.pix_mp.field = V4L2_FIELD_NONE;
	} else {
		v->fmt.pix.pixelformat = f->fourcc;
		v->fmt.pix.width = f->width;
		v->fmt.pix.height = f->height;
		v->fmt.pix.field = V4L2_FIELD_NONE;
	}
}

/* ---- ops -------------------------------------------------------------------- */

/*
 * Formats an MPLANE driver produces itself, which libv4l2's single-planar
 * view would break (see v4l2_fmt_guard.h), go to its own API instead.
 */
static bool wants_raw_mp(struct v4l2cam *c, const struct vcamd_format *f)
{
	unsigned int bufs = 0;

	if (!c->lib_mplane && c->driver_mplane)
		bufs = fmt_guard_driver_bufs(c->fd, fd_ioctl, f->fourcc,
					     f->width, f->height);
	return fmt_guard_needs_raw(c->lib_mplane, c->driver_mplane, bufs);
}

static int raw_mp_fmt(struct v4l2cam *c, unsigned long req,
		      struct vcamd_format *f)
{
	struct v4l2_format v;
	int ret;

	fmt_to_v4l2(V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, true, f, &v);
	ret = fd_ioctl(c->fd, req, &v);
	if (ret)
		return ret == -ENOTTY ? -EINVAL : ret;
	fmt_from_v4l2(true, &v, f);
	return 0;
}

static int vc_try_fmt(void *priv, struct vcamd_format *f)
{
	struct v4l2cam *c = priv;
	struct v4l2_format v;
	int ret;

	if (wants_raw_mp(c, f)) {
		ret = raw_mp_fmt(c, VIDIOC_TRY_FMT, f);
		if (ret)
			return ret;
		return f->size ? 0 : -EINVAL;
	}
	fmt_to_v4l2(c->lib_type, c->lib_mplane, f, &v);
	ret = lib_ioctl(c, VIDIOC_TRY_FMT, &v);
	if (ret)
		return ret == -ENOTTY ? -EINVAL : ret;
	fmt_from_v4l2(c->lib_mplane, &v, f);
	return f->size ? 0 : -EINVAL;
}

/* libv4l2 marks formats it produces by software conversion. */
static bool format_emulated(struct v4l2cam *c, uint32_t fourcc)
{
	struct v4l2_fmtdesc fd = { .type = c->type };

	for (fd.index = 0; fd.index < 64 &&
	     xioctl(c, VIDIOC_ENUM_FMT, &fd) == 0; fd.index++)
		if (fd.pixelformat == fourcc)
			return fd.flags & V4L2_FMT_FLAG_EMULATED;
	return false;
}

/*
 * Back to libv4l2's view: first a single-buffer format through the raw
 * device, as libv4l2 cannot even query a multi-buffer one.
 */
static void leave_raw_mp(struct v4l2cam *c)
{
	uint32_t was = 0, now = 0;

	if (!c->raw_mp)
		return;
	if (fmt_guard_reset(c->fd, fd_ioctl, &was, &now) < 0)
		log_err("%s: cannot leave %.4s", c->path, (const char *)&was);
	c->raw_mp = false;
	c->type = c->lib_type;
	c->mplane = c->lib_mplane;
}

static int vc_set_fmt(void *priv, struct vcamd_format *f)
{
	struct v4l2cam *c = priv;
	struct v4l2_format v;
	int ret;

	if (wants_raw_mp(c, f)) {
		ret = raw_mp_fmt(c, VIDIOC_S_FMT, f);
		if (ret)
			return ret;
		c->raw_mp = true;
		c->type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
		c->mplane = true;
		c->emulated = false;
		c->direct = true;
		log_info("%s: format %.4s %ux%u, %u octets in %u camera "
			 "buffers (MPLANE API, bypassing libv4l2)", c->path,
			 (char *)&f->fourcc, f->width, f->height, f->size,
			 f->num_planes);
		return 0;
	}
	leave_raw_mp(c);
	fmt_to_v4l2(c->type, c->mplane, f, &v);
	ret = xioctl(c, VIDIOC_S_FMT, &v);
	if (ret)
		return ret;
	fmt_from_v4l2(c->mplane, &v, f);
	c->emulated = format_emulated(c, f->fourcc);
	c->direct = !c->emulated;
	log_info("%s: format %.4s %ux%u, %u octets%s", c->path,
		 (char *)&f->fourcc, f->width, f->height, f->size,
		 c->emulated ? " (converted by libv4l2)" : "");
	return 0;
}

static int vc_get_fmt(void *priv, struct vcamd_format *f)
{
	struct v4l2cam *c = priv;
	struct v4l2_format v = { .type = c->type };
	int ret = xioctl(c, VIDIOC_G_FMT, &v);

	if (ret)
		return ret;
	fmt_from_v4l2(c->mplane, &v, f);
	return 0;
}

static int vc_get_rate(void *priv, uint32_t *numer, uint32_t *denom)
{
	struct v4l2cam *c = priv;
	struct v4l2_streamparm p = { .type = c->type };
	struct v4l2_fract *t = &p.parm.capture.timeperframe;

	if (xioctl(c, VIDIOC_G_PARM, &p) || !t->numerator || !t->denominator) {
		*numer = 0;	/* unknown */
		*denom = 1;
		return 0;
	}
	*numer = t->denominator;
	*denom = t->numerator;
	return 0;
}

static int vc_set_rate(void *priv, uint32_t *numer, uint32_t *denom)
{
	struct v4l2cam *c = priv;
	struct v4l2_streamparm p = { .type = c->type };
	int ret;

	ret = xioctl(c, VIDIOC_G_PARM, &p);
	if (ret || !(p.parm.capture.capability & V4L2_CAP_TIMEPERFRAME))
		return vc_get_rate(priv, numer, denom); /* fixed rate */
	p.parm.capture.timeperframe.numerator = *denom;
	p.parm.capture.timeperframe.denominator = *numer;
	ret = xioctl(c, VIDIOC_S_PARM, &p);
	if (ret)
		return ret;
	return vc_get_rate(priv, numer, denom);
}

static int vc_ctrl_info(void *priv, unsigned int type,
			struct vcamd_ctrl_info *ci)
{
	struct v4l2cam *c = priv;
	struct v4l2_queryctrl q = { 0 };

	if (type >= XENCAMERA_MAX_CTRL)
		return -ENOTSUP;
	q.id = vcam_ctrl_cid(type);
	if (xioctl(c, VIDIOC_QUERYCTRL, &q) ||
	    (q.flags & V4L2_CTRL_FLAG_DISABLED))
		return -ENOTSUP;
	ci->min = q.minimum;
	ci->max = q.maximum;
	ci->step = q.step;
	ci->def = q.default_value;
	ci->flags = 0;
	if (q.flags & V4L2_CTRL_FLAG_READ_ONLY)
		ci->flags |= XENCAMERA_CTRL_FLG_RO;
	if (q.flags & V4L2_CTRL_FLAG_WRITE_ONLY)
		ci->flags |= XENCAMERA_CTRL_FLG_WO;
	if (q.flags & V4L2_CTRL_FLAG_VOLATILE)
		ci->flags |= XENCAMERA_CTRL_FLG_VOLATILE;
	return 0;
}

static int vc_ctrl_get(void *priv, unsigned int type, int64_t *val)
{
	struct v4l2cam *c = priv;
	struct v4l2_control ctl = { 0 };
	int ret;

	if (type >= XENCAMERA_MAX_CTRL)
		return -ENOTSUP;
	ctl.id = vcam_ctrl_cid(type);
	ret = xioctl(c, VIDIOC_G_CTRL, &ctl);
	if (ret)
		return ret;
	*val = ctl.value;
	return 0;
}

static int vc_ctrl_set(void *priv, unsigned int type, int64_t val)
{
	struct v4l2cam *c = priv;
	struct v4l2_control ctl = { 0 };

	if (type >= XENCAMERA_MAX_CTRL)
		return -ENOTSUP;
	if (val < INT32_MIN || val > INT32_MAX)
		return -ERANGE;
	ctl.id = vcam_ctrl_cid(type);
	ctl.value = (int32_t)val;
	return xioctl(c, VIDIOC_S_CTRL, &ctl);
}

static void vc_free_bufs(struct v4l2cam *c)
{
	struct v4l2_requestbuffers rb = {
		.type = c->type, .count = 0,
		.memory = c->user_mode ? V4L2_MEMORY_USERPTR : V4L2_MEMORY_MMAP,
	};
	unsigned int i, p;

	for (i = 0; i < c->nbufs; i++)
		for (p = 0; p < c->buf[i].nplanes; p++)
			if (c->buf[i].start[p])
				cam_munmap(c, c->buf[i].start[p],
					   c->buf[i].len[p]);
	memset(c->buf, 0, sizeof(c->buf));
	c->nbufs = 0;
	c->kept = false;
	bioctl(c, VIDIOC_REQBUFS, &rb);
}

/* Kept buffers go back to the driver: a format change, or idle too long. */
static void vc_release_bufs(void *priv)
{
	struct v4l2cam *c = priv;

	if (c->kept && !c->streaming)
		vc_free_bufs(c);
}


static int vc_queue(struct v4l2cam *c, unsigned int index)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer b = {
		.type = c->type, .memory = V4L2_MEMORY_MMAP, .index = index,
	};

	if (c->mplane) {
		memset(planes, 0, sizeof(planes));
		b.m.planes = planes;
		b.length = c->buf[index].nplanes;
	}
	return bioctl(c, VIDIOC_QBUF, &b);
}

/*
 * A start with the buffers of the last stream: after STREAMOFF they are
 * all ours, so queue them again.  False if that failed (they are freed).
 */
static bool vc_requeue_kept(struct v4l2cam *c)
{
	unsigned int i;

	c->kept = false;
	for (i = 0; i < c->nbufs; i++)
		if (vc_queue(c, i)) {
			vc_free_bufs(c);
			return false;
		}
	return true;
}

static uint64_t buf_ns(const struct v4l2_buffer *b)
{
	return (uint64_t)b->timestamp.tv_sec * 1000000000ULL +
	       (uint64_t)b->timestamp.tv_usec * 1000ULL;
}

static void vc_mark_streamon(struct v4l2cam *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	c->streamon_ns = (uint64_t)ts.tv_sec * 1000000000ULL +
			 (uint64_t)ts.tv_nsec;
	c->judge_left = c->nbufs;
}

/* See struct v4l2cam: true for a buffer the camera filled before STREAMON. */
static bool vc_stale(struct v4l2cam *c, const struct v4l2_buffer *b)
{
	uint32_t src = b->flags & V4L2_BUF_FLAG_TIMESTAMP_MASK;
	uint64_t ns = buf_ns(b);

	if (!c->judge_left)
		return false;
	c->judge_left--;
	if (src != V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC &&
	    src != V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN)
		return false;
	return ns && ns < c->streamon_ns;
}

static int vc_stream_on(void *priv)
{
	struct v4l2cam *c = priv;
	struct v4l2_requestbuffers rb = {
		.type = c->type, .memory = V4L2_MEMORY_MMAP,
		.count = c->want_bufs,
	};
	unsigned int i, p;
	bool reused = false;
	int ret;

	if (c->kept && vc_requeue_kept(c)) {
		reused = true;
		goto start;
	}
	ret = bioctl(c, VIDIOC_REQBUFS, &rb);
	if (ret)
		return ret;
	if (rb.count < 2) {
		log_err("%s: only %u camera buffers", c->path, rb.count);
		vc_free_bufs(c);
		return -ENOMEM;
	}
	c->nbufs = rb.count > MAX_CAM_BUFS ? MAX_CAM_BUFS : rb.count;
	for (i = 0; i < c->nbufs; i++) {
		struct v4l2_plane planes[VIDEO_MAX_PLANES];
		struct v4l2_buffer b = {
			.type = c->type, .memory = V4L2_MEMORY_MMAP,
			.index = i,
		};

		memset(planes, 0, sizeof(planes));
		if (c->mplane) {
			b.m.planes = planes;
			b.length = VIDEO_MAX_PLANES;
		}
		ret = bioctl(c, VIDIOC_QUERYBUF, &b);
		if (ret)
			goto fail;
		c->buf[i].nplanes = c->mplane ? b.length : 1;
		if (c->buf[i].nplanes > XENCAMERA_MAX_PLANE) {
			ret = -EINVAL;
			goto fail;
		}
		for (p = 0; p < c->buf[i].nplanes; p++) {
			size_t len = c->mplane ? planes[p].length : b.length;
			off_t off = c->mplane ? planes[p].m.mem_offset
					      : b.m.offset;
			void *m = cam_mmap(c, len, off);

			if (m == MAP_FAILED) {
				ret = -errno;
				goto fail;
			}
			c->buf[i].start[p] = m;
			c->buf[i].len[p] = len;
		}
		ret = vc_queue(c, i);
		if (ret)
			goto fail;
	}
start:
	vc_mark_streamon(c);
	ret = bioctl(c, VIDIOC_STREAMON, &c->type);
	if (ret)
		goto fail;
	c->streaming = true;
	log_info("%s: streaming with %u camera buffers%s", c->path, c->nbufs,
		 reused ? " (kept from the last stream)" : "");
	return 0;
fail:
	log_err("%s: cannot start streaming: %s", c->path, strerror(-ret));
	vc_free_bufs(c);
	return ret;
}

static int vc_stream_on_user(void *priv, unsigned int nbufs)
{
	struct v4l2cam *c = priv;
	struct v4l2_requestbuffers rb = {
		.type = c->type, .memory = V4L2_MEMORY_USERPTR,
		.count = nbufs,
	};
	int ret;

	/* Conversion needs libv4l2's own buffers; planes need more work. */
	if (c->mplane || c->emulated || nbufs > MAX_CAM_BUFS) {
		log_info("%s: no USERPTR: %s", c->path, c->mplane ?
			 "multi-planar" : c->emulated ? "libv4l2 converts" :
			 "too many buffers");
		return -ENOTSUP;
	}
	ret = raw_ioctl(c, VIDIOC_REQBUFS, &rb);
	if (ret) {
		log_info("%s: REQBUFS(USERPTR): %s", c->path, strerror(-ret));
		return -ENOTSUP;
	}
	if (rb.count < nbufs) {
		rb.count = 0;
		raw_ioctl(c, VIDIOC_REQBUFS, &rb);
		return -ENOTSUP;
	}
	c->user_mode = true;
	c->nbufs = nbufs;
	vc_mark_streamon(c);
	ret = raw_ioctl(c, VIDIOC_STREAMON, &c->type);
	if (ret) {
		vc_free_bufs(c);
		c->user_mode = false;
		return ret;
	}
	c->streaming = true;
	log_info("%s: streaming into guest buffers (USERPTR, zero copy)",
		 c->path);
	return 0;
}

static int vc_queue_user(void *priv, unsigned int index, void *addr,
			 uint32_t len)
{
	struct v4l2cam *c = priv;
	struct v4l2_buffer b = {
		.type = c->type, .memory = V4L2_MEMORY_USERPTR,
		.index = index, .length = len,
	};
	int ret;

	if (!c->user_mode || index >= c->nbufs)
		return -EINVAL;
	b.m.userptr = (unsigned long)addr;
	ret = raw_ioctl(c, VIDIOC_QBUF, &b);
	if (!ret)
		c->user_queued++;
	return ret;
}

static bool vc_pollable(void *priv)
{
	struct v4l2cam *c = priv;

	return !c->user_mode || c->user_queued > 0;
}

static int vc_stream_off(void *priv)
{
	struct v4l2cam *c = priv;

	if (c->streaming)
		bioctl(c, VIDIOC_STREAMOFF, &c->type);
	c->streaming = false;
	/*
	 * The camera's own buffers stay mapped for the next start (released
	 * by vc_release_bufs), unless libv4l2 converts: its buffers are its
	 * own business.
	 */
	if (c->user_mode || c->emulated || !c->nbufs)
		vc_free_bufs(c);
	else
		c->kept = true;
	c->user_mode = false;
	c->user_queued = 0;
	log_info("%s: stream off%s", c->path, c->kept ? " (buffers kept)" : "");
	return 0;
}

static int vc_next_frame(void *priv, struct vcamd_frame *fr)
{
	struct v4l2cam *c = priv;

	for (;;) {
		struct v4l2_plane planes[VIDEO_MAX_PLANES];
		struct v4l2_buffer b = {
			.type = c->type,
			.memory = c->user_mode ? V4L2_MEMORY_USERPTR
					       : V4L2_MEMORY_MMAP,
		};
		unsigned int p;
		int ret;

		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

		/* Ask first: a DQBUF that would block makes libv4l2 complain. */
		if (poll(&pfd, 1, 0) == 0)
			return -EAGAIN;
		if (pfd.revents & (POLLERR | POLLNVAL))
			return -EIO;
		memset(planes, 0, sizeof(planes));
		if (c->mplane) {
			b.m.planes = planes;
			b.length = VIDEO_MAX_PLANES;
		}
		ret = bioctl(c, VIDIOC_DQBUF, &b);
		if (ret)
			return ret;
		if (c->user_mode && c->user_queued)
			c->user_queued--;
		if (b.index >= c->nbufs) {
			log_err("%s: driver returned buffer %u", c->path,
				b.index);
			return -EIO;
		}
		if ((b.flags & V4L2_BUF_FLAG_ERROR) || vc_stale(c, &b)) {
			/* A corrupt or stale frame is not delivered: a gap. */
			if (b.flags & V4L2_BUF_FLAG_ERROR)
				c->errors++;
			else if (!c->stale_logged) {
				c->stale_logged = true;
				log_info("%s: dropped a frame from before STREAMON",
					 c->path);
			}
			if (c->user_mode)
				vc_queue_user(c, b.index, (void *)b.m.userptr,
					      b.length);
			else
				vc_queue(c, b.index);
			continue;
		}
		fr->cookie = (int)b.index;
		fr->seq = b.sequence;
		/* other clocks (unknown, copy) say nothing about capture */
		if ((b.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) ==
		    V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
			fr->mono_ns = buf_ns(&b);
		if (c->user_mode) {
			fr->nplanes = 1;
			fr->plane[0].data = NULL;	/* already there */
			fr->plane[0].used = b.bytesused;
			return 0;
		}
		fr->nplanes = c->buf[b.index].nplanes;
		for (p = 0; p < fr->nplanes; p++) {
			uint32_t used = c->mplane ? planes[p].bytesused
						  : b.bytesused;
			uint32_t off = c->mplane ? planes[p].data_offset : 0;

			if (used > c->buf[b.index].len[p])
				used = (uint32_t)c->buf[b.index].len[p];
			if (off > used)
				off = used;
			fr->plane[p].data = (char *)c->buf[b.index].start[p] +
					    off;
			fr->plane[p].used = used - off;
		}
		return 0;
	}
}

static void vc_release_frame(void *priv, struct vcamd_frame *fr)
{
	struct v4l2cam *c = priv;

	/* Zero copy: the buffer went to the guest, who queues it again. */
	if (c->streaming && !c->user_mode && fr->cookie >= 0 &&
	    (unsigned int)fr->cookie < c->nbufs)
		vc_queue(c, (unsigned int)fr->cookie);
}

static void vc_destroy(void *priv)
{
	struct v4l2cam *c = priv;

	if (c->streaming)
		vc_stream_off(c);
	vc_release_bufs(c);
	/* never leave the device in a format libv4l2 users cannot open */
	leave_raw_mp(c);
	v4l2_close(c->fd);
	free(c);
}

const struct vcamd_camera_ops v4l2cam_ops = {
	.try_fmt = vc_try_fmt,
	.set_fmt = vc_set_fmt,
	.get_fmt = vc_get_fmt,
	.set_rate = vc_set_rate,
	.get_rate = vc_get_rate,
	.ctrl_info = vc_ctrl_info,
	.ctrl_get = vc_ctrl_get,
	.ctrl_set = vc_ctrl_set,
	.stream_on = vc_stream_on,
	.stream_off = vc_stream_off,
	.release_bufs = vc_release_bufs,
	.stream_on_user = vc_stream_on_user,
	.queue_user = vc_queue_user,
	.pollable = vc_pollable,
	.next_frame = vc_next_frame,
	.release_frame = vc_release_frame,
	.destroy = vc_destroy,
};

/* ---- enumeration (logged, for operators) ---------------------------------- */

static void describe_intervals(struct v4l2cam *c, uint32_t fourcc,
			       uint32_t w, uint32_t h)
{
	struct v4l2_frmivalenum fi = {
		.pixel_format = fourcc, .width = w, .height = h,
	};
	char line[256];
	size_t n = 0;

	line[0] = '\0';
	for (fi.index = 0; fi.index < 32 &&
	     xioctl(c, VIDIOC_ENUM_FRAMEINTERVALS, &fi) == 0; fi.index++) {
		if (fi.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
			n += (size_t)snprintf(line + n, sizeof(line) - n,
					      " %u/%u", fi.discrete.denominator,
					      fi.discrete.numerator);
		} else {
			n += (size_t)snprintf(line + n, sizeof(line) - n,
				" %s %u/%u..%u/%u fps",
				fi.type == V4L2_FRMIVAL_TYPE_CONTINUOUS ?
				"continuous" : "stepwise",
				fi.stepwise.max.denominator,
				fi.stepwise.max.numerator,
				fi.stepwise.min.denominator,
				fi.stepwise.min.numerator);
			break;
		}
		if (n >= sizeof(line))
			break;
	}
	log_dbg("%s:   %.4s %ux%u fps:%s", c->path, (char *)&fourcc, w, h,
		line);
}

static void describe(struct v4l2cam *c)
{
	struct v4l2_fmtdesc fd = { .type = c->type };

	for (fd.index = 0; fd.index < 64 &&
	     xioctl(c, VIDIOC_ENUM_FMT, &fd) == 0; fd.index++) {
		struct v4l2_frmsizeenum fs = { .pixel_format = fd.pixelformat };

		log_dbg("%s: format %.4s '%s'%s", c->path,
			(char *)&fd.pixelformat, fd.description,
			(fd.flags & V4L2_FMT_FLAG_EMULATED) ?
			" (libv4l2 conversion)" : "");
		for (fs.index = 0; fs.index < 64 &&
		     xioctl(c, VIDIOC_ENUM_FRAMESIZES, &fs) == 0; fs.index++) {
			if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
				describe_intervals(c, fd.pixelformat,
						   fs.discrete.width,
						   fs.discrete.height);
				continue;
			}
			log_dbg("%s:   %s sizes %ux%u..%ux%u step %ux%u",
				c->path,
				fs.type == V4L2_FRMSIZE_TYPE_CONTINUOUS ?
				"continuous" : "stepwise",
				fs.stepwise.min_width, fs.stepwise.min_height,
				fs.stepwise.max_width, fs.stepwise.max_height,
				fs.stepwise.step_width,
				fs.stepwise.step_height);
			describe_intervals(c, fd.pixelformat,
					   fs.stepwise.max_width,
					   fs.stepwise.max_height);
			break;
		}
	}
}

static bool driver_is_mplane(int fd)
{
	struct v4l2_capability cap = { 0 };
	uint32_t caps;

	if (fd_ioctl(fd, VIDIOC_QUERYCAP, &cap))
		return false;
	caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps
							  : cap.capabilities;
	/* only then does libv4l2's mplane plugin stand in between */
	return (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) &&
	       !(caps & V4L2_CAP_VIDEO_CAPTURE);
}

/*
 * libv4l2 cannot open a multi-planar device left in a multi-buffer
 * format (by another program, or an older vcamd).  Put it back into a
 * single-buffer one through the raw device; true if that was done.
 */
static bool mend_format(const char *path)
{
	uint32_t was = 0, now = 0;
	int fd, ret;

	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	ret = fmt_guard_reset(fd, fd_ioctl, &was, &now);
	close(fd);
	if (ret < 0)
		log_err("%s: left in a format libv4l2 cannot open, and no "
			"usable one could be set: %s", path, strerror(-ret));
	else if (ret > 0)
		log_notice("%s: was left in %.4s (%s), which libv4l2 cannot "
			   "open; set %.4s", path, (const char *)&was,
			   "several buffers per frame", (const char *)&now);
	return ret > 0;
}

int v4l2cam_open(const char *path, unsigned int nbufs, void **priv)
{
	struct v4l2_capability cap = { 0 };
	struct v4l2cam *c = calloc(1, sizeof(*c));
	uint32_t caps;
	int ret;

	if (!c)
		return -ENOMEM;
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->want_bufs = nbufs;
	c->fd = v4l2_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
	ret = c->fd < 0 ? -errno : 0;
	if (ret == -EINVAL && mend_format(path)) {
		c->fd = v4l2_open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
		ret = c->fd < 0 ? -errno : 0;
	}
	if (ret) {
		log_err("%s: cannot open: %s", path, strerror(-ret));
		free(c);
		return ret;
	}
	ret = lib_ioctl(c, VIDIOC_QUERYCAP, &cap);
	if (ret) {
		log_err("%s: not a V4L2 device", path);
		goto fail;
	}
	caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps
							  : cap.capabilities;
	if (!(caps & V4L2_CAP_STREAMING)) {
		log_err("%s: cannot stream", path);
		ret = -ENODEV;
		goto fail;
	}
	if (caps & V4L2_CAP_VIDEO_CAPTURE) {
		c->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		/* libv4l2's mplane plugin may be hiding the driver's API */
		c->driver_mplane = driver_is_mplane(c->fd);
	} else if (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) {
		c->type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
		c->mplane = true;
	} else {
		log_err("%s: not a capture device", path);
		ret = -ENODEV;
		goto fail;
	}
	c->lib_type = c->type;
	c->lib_mplane = c->mplane;
	c->direct = true;	/* libv4l2 converts nothing before S_FMT */
	if (c->driver_mplane) {
		/*
		 * What the device holds now is the driver's own format
		 * (libv4l2 converts nothing yet): stream it raw from the
		 * start, or its planes' data_offset would be lost.
		 */
		c->raw_mp = true;
		c->type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
		c->mplane = true;
	}
	log_info("%s: '%s' (%s)%s", path, cap.card, cap.driver,
		 c->driver_mplane ? " multi-planar (its own formats bypass "
		 "libv4l2's single-planar view)" :
		 c->mplane ? " multi-planar" : "");
	describe(c);
	*priv = c;
	return 0;
fail:
	v4l2_close(c->fd);
	free(c);
	return ret;
}

int v4l2cam_fd(void *priv)
{
	return ((struct v4l2cam *)priv)->fd;
}

uint64_t v4l2cam_errors(void *priv)
{
	return ((struct v4l2cam *)priv)->errors;
}
