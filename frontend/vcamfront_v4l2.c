// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The V4L2 capture device.  Formats, sizes and frame rates are what the
 * toolstack configured in xenstore; the backend has the final word on a
 * configuration (CONFIG_VALIDATE for TRY_FMT, CONFIG_SET for S_FMT) and on
 * the buffer layout (BUF_GET_LAYOUT).
 */

#include <linux/videodev2.h>

#include <media/v4l2-common.h>
#include <media/v4l2-event.h>
#include <media/v4l2-fh.h>
#include <media/v4l2-ioctl.h>

#include "vcamfront.h"

static void fill_colorimetry(const struct xencamera_config_resp *c,
			     struct v4l2_pix_format *pix)
{
	pix->colorspace = vcam_colorspace_to_v4l2(c->colorspace);
	pix->xfer_func = vcam_xfer_func_to_v4l2(c->xfer_func);
	pix->ycbcr_enc = vcam_ycbcr_enc_to_v4l2(c->ycbcr_enc);
	pix->quantization = vcam_quantization_to_v4l2(c->quantization);
	if (pix->colorspace == V4L2_COLORSPACE_DEFAULT)
		pix->colorspace = V4L2_COLORSPACE_SRGB;
}

static bool config_offered(struct vcamfe_dev *cam,
			   const struct xencamera_config_resp *c)
{
	const struct vcamfe_format *fmt;

	fmt = vcamfe_cfg_find_format(&cam->cfg, c->pixel_format);
	return fmt && vcamfe_cfg_find_res(fmt, c->width, c->height);
}

/* A configuration response must name something the toolstack allowed. */
static int check_config(struct vcamfe_dev *cam,
			const struct xencamera_config_resp *c)
{
	if (!config_offered(cam, c)) {
		dev_err_ratelimited(&cam->xb_dev->dev,
				    "backend config %p4cc %ux%u not offered\n",
				    &c->pixel_format, c->width, c->height);
		return -EIO;
	}
	return 0;
}

unsigned int vcamfe_fourcc_mem_planes(u32 fourcc)
{
	const struct v4l2_format_info *info = v4l2_format_info(fourcc);

	return info ? info->mem_planes : 1;
}

/*
 * Planes lie one after the other in the shared buffer (we choose the
 * offsets, BUF_CREATE), so their sizes must add up to no more than the
 * buffer.  A format with several memory planes needs one layout plane per
 * memory plane, each non-empty: they become separate vb2 planes.
 */
static int check_layout(struct vcamfe_dev *cam,
			const struct xencamera_buf_get_layout_resp *l)
{
	unsigned int mem = vcamfe_fourcc_mem_planes(cam->config.pixel_format);
	u64 sum = 0;
	int p;

	if (l->num_planes < 1 || l->num_planes > XENCAMERA_MAX_PLANE ||
	    !l->size || l->size > VCAM_MAX_FRAME_OCTETS)
		goto bad;
	for (p = 0; p < l->num_planes; p++)
		sum += l->plane_size[p];
	if (sum > l->size || l->plane_stride[0] > l->size)
		goto bad;
	if (mem > 1) {
		if (l->num_planes != mem)
			goto bad;
		for (p = 0; p < l->num_planes; p++)
			if (!l->plane_size[p] ||
			    l->plane_stride[p] > l->plane_size[p])
				goto bad;
	}
	return 0;
bad:
	dev_err_ratelimited(&cam->xb_dev->dev,
			    "bad buffer layout: %u planes, size %u\n",
			    l->num_planes, l->size);
	return -EIO;
}

int vcamfe_config_get(struct vcamfe_dev *cam)
{
	struct xencamera_resp resp;
	int ret;

	ret = vcamfe_req_sync(cam, XENCAMERA_OP_CONFIG_GET, NULL, 0, &resp);
	if (ret)
		return ret;
	ret = check_config(cam, &resp.resp.config);
	if (ret)
		return ret;
	cam->config = resp.resp.config;
	return 0;
}

/* A BUF_GET_LAYOUT answer for the current configuration. */
static int layout_apply(struct vcamfe_dev *cam,
			const struct xencamera_buf_get_layout_resp *l)
{
	int ret, p;

	ret = check_layout(cam, l);
	if (ret)
		return ret;
	cam->layout = *l;
	cam->mem_planes = vcamfe_fourcc_mem_planes(cam->config.pixel_format);
	memset(cam->plane_offset, 0, sizeof(cam->plane_offset));
	for (p = 1; p < cam->layout.num_planes; p++)
		cam->plane_offset[p] = cam->plane_offset[p - 1] +
				       cam->layout.plane_size[p - 1];
	return 0;
}

/*
 * Give back our buffer grant if we hold one (BUF_REQUEST(0), needed before
 * CONFIG_SET), CONFIG_SET and BUF_GET_LAYOUT, in one batch: the backend
 * takes them in order, so the layout is the new configuration's.  Each
 * answer is taken as far as it went; the first error is returned.
 */
static int config_set_layout(struct vcamfe_dev *cam, u32 fourcc, u32 w, u32 h)
{
	struct xencamera_buf_request br = { .num_bufs = 0 };
	struct xencamera_config_req cr = {
		.pixel_format = fourcc, .width = w, .height = h,
	};
	struct vcamfe_call calls[3] = {}, *rel = NULL, *cfg, *lay;
	unsigned int n = 0;
	int ret;

	if (cam->stream.num_bufs) {
		rel = &calls[n++];
		rel->op = XENCAMERA_OP_BUF_REQUEST;
		rel->payload = &br;
		rel->len = sizeof(br);
	}
	cfg = &calls[n++];
	cfg->op = XENCAMERA_OP_CONFIG_SET;
	cfg->payload = &cr;
	cfg->len = sizeof(cr);
	lay = &calls[n++];
	lay->op = XENCAMERA_OP_BUF_GET_LAYOUT;
	vcamfe_req_batch(cam, calls, n);
	if (rel)
		cam->stream.num_bufs = 0;
	if (cfg->ret)
		return rel && rel->ret ? rel->ret : cfg->ret;
	ret = check_config(cam, &cfg->resp.resp.config);
	if (ret)
		return ret;
	cam->config = cfg->resp.resp.config;
	cam->layout.size = 0;
	ret = lay->ret ? lay->ret : layout_apply(cam, &lay->resp.resp.buf_layout);
	return rel && rel->ret ? rel->ret : ret;
}

static int config_set(struct vcamfe_dev *cam, u8 op, u32 fourcc, u32 w, u32 h,
		      struct xencamera_config_resp *out)
{
	struct xencamera_config_req req = {
		.pixel_format = fourcc, .width = w, .height = h,
	};
	struct xencamera_resp resp;
	int ret;

	ret = vcamfe_req_sync(cam, op, &req, sizeof(req), &resp);
	if (ret)
		return ret;
	ret = check_config(cam, &resp.resp.config);
	if (ret)
		return ret;
	*out = resp.resp.config;
	return 0;
}

/* Snap a request onto the configured list: known format, nearest size. */
static void snap_format(struct vcamfe_dev *cam, u32 *fourcc, u32 *w, u32 *h)
{
	const struct vcamfe_format *fmt;
	const struct vcamfe_res *best = NULL;
	u64 best_d = U64_MAX;
	int i;

	fmt = vcamfe_cfg_find_format(&cam->cfg, *fourcc);
	if (!fmt)
		fmt = &cam->cfg.formats[0];
	for (i = 0; i < fmt->num_res; i++) {
		const struct vcamfe_res *r = &fmt->res[i];
		u64 d = abs((s64)r->width - *w) + abs((s64)r->height - *h);

		if (d < best_d) {
			best_d = d;
			best = r;
		}
	}
	*fourcc = fmt->fourcc;
	*w = best->width;
	*h = best->height;
}

/* Snap the request in f, of whichever API this device has, in place. */
static void snap_v4l2_format(struct vcamfe_dev *cam, struct v4l2_format *f)
{
	if (cam->mplane)
		snap_format(cam, &f->fmt.pix_mp.pixelformat,
			    &f->fmt.pix_mp.width, &f->fmt.pix_mp.height);
	else
		snap_format(cam, &f->fmt.pix.pixelformat, &f->fmt.pix.width,
			    &f->fmt.pix.height);
}

/*
 * Compressed or unknown to the kernel, and not the current configuration
 * (whose size the backend's layout gives): a generous bound, as cameraif
 * has no way to ask the size of a format not set.
 */
static u32 compressed_size(const struct xencamera_config_resp *c)
{
	return min_t(u64, (u64)c->width * c->height * 4, VCAM_MAX_FRAME_OCTETS);
}

static void fill_pix(struct vcamfe_dev *cam,
		     const struct xencamera_config_resp *c,
		     struct v4l2_pix_format *pix)
{
	bool current_cfg = c->pixel_format == cam->config.pixel_format &&
			   c->width == cam->config.width &&
			   c->height == cam->config.height;

	memset(pix, 0, sizeof(*pix));
	pix->pixelformat = c->pixel_format;
	pix->width = c->width;
	pix->height = c->height;
	pix->field = V4L2_FIELD_NONE;
	if (current_cfg && cam->layout.size) {
		pix->bytesperline = cam->layout.plane_stride[0];
		pix->sizeimage = cam->layout.size;
	} else if (v4l2_fill_pixfmt(pix, c->pixel_format, c->width,
				    c->height)) {
		pix->bytesperline = 0;
		pix->sizeimage = compressed_size(c);
	}
	fill_colorimetry(c, pix);
}

/*
 * The current configuration's planes are what the backend's layout says;
 * another configuration (TRY_FMT) gets the kernel's idea of the format.
 */
static void fill_pix_mp(struct vcamfe_dev *cam,
			const struct xencamera_config_resp *c,
			struct v4l2_pix_format_mplane *mp)
{
	bool current_cfg = c->pixel_format == cam->config.pixel_format &&
			   c->width == cam->config.width &&
			   c->height == cam->config.height;
	struct v4l2_pix_format cs = {};
	unsigned int p;

	memset(mp, 0, sizeof(*mp));
	mp->pixelformat = c->pixel_format;
	mp->width = c->width;
	mp->height = c->height;
	mp->field = V4L2_FIELD_NONE;
	if (current_cfg && cam->layout.size) {
		mp->num_planes = cam->mem_planes;
		if (cam->mem_planes == 1) {
			mp->plane_fmt[0].bytesperline =
				cam->layout.plane_stride[0];
			mp->plane_fmt[0].sizeimage = cam->layout.size;
		} else {
			for (p = 0; p < cam->mem_planes; p++) {
				mp->plane_fmt[p].bytesperline =
					cam->layout.plane_stride[p];
				mp->plane_fmt[p].sizeimage =
					cam->layout.plane_size[p];
			}
		}
	} else if (v4l2_fill_pixfmt_mp(mp, c->pixel_format, c->width,
				       c->height)) {
		mp->num_planes = 1;
		mp->plane_fmt[0].bytesperline = 0;
		mp->plane_fmt[0].sizeimage = compressed_size(c);
	}
	fill_colorimetry(c, &cs);
	mp->colorspace = cs.colorspace;
	mp->xfer_func = cs.xfer_func;
	mp->ycbcr_enc = cs.ycbcr_enc;
	mp->quantization = cs.quantization;
}

static void fill_fmt(struct vcamfe_dev *cam,
		     const struct xencamera_config_resp *c,
		     struct v4l2_format *f)
{
	if (cam->mplane)
		fill_pix_mp(cam, c, &f->fmt.pix_mp);
	else
		fill_pix(cam, c, &f->fmt.pix);
}

static int vcamfe_querycap(struct file *file, void *priv,
			   struct v4l2_capability *cap)
{
	struct vcamfe_dev *cam = video_drvdata(file);

	strscpy(cap->driver, VCAMFE_DRV_NAME, sizeof(cap->driver));
	snprintf(cap->card, sizeof(cap->card), "Xen PV camera %s",
		 cam->cfg.unique_id);
	/*
	 * The xenbus device, /sys/bus/xen/devices/vcamera-N, under the one
	 * prefix of a bus without its own that v4l2-compliance accepts.
	 */
	snprintf(cap->bus_info, sizeof(cap->bus_info), "platform:xen:%s",
		 dev_name(&cam->xb_dev->dev));
	return 0;
}

static int vcamfe_enum_fmt(struct file *file, void *priv,
			   struct v4l2_fmtdesc *f)
{
	struct vcamfe_dev *cam = video_drvdata(file);

	if (f->index >= cam->cfg.num_formats)
		return -EINVAL;
	f->pixelformat = cam->cfg.formats[f->index].fourcc;
	/* Only used if the V4L2 core has no name for this FOURCC. */
	snprintf(f->description, sizeof(f->description), "%p4cc",
		 &f->pixelformat);
	return 0;
}

static int vcamfe_g_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	struct vcamfe_dev *cam = video_drvdata(file);

	if (f->type != cam->queue.type)
		return -EINVAL;
	fill_fmt(cam, &cam->config, f);
	return 0;
}

static int vcamfe_try_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	struct xencamera_config_resp c;
	int ret;

	u32 fourcc, w, h;

	if (f->type != cam->queue.type)
		return -EINVAL;
	snap_v4l2_format(cam, f);
	fourcc = cam->mplane ? f->fmt.pix_mp.pixelformat :
			       f->fmt.pix.pixelformat;
	w = cam->mplane ? f->fmt.pix_mp.width : f->fmt.pix.width;
	h = cam->mplane ? f->fmt.pix_mp.height : f->fmt.pix.height;
	ret = config_set(cam, XENCAMERA_OP_CONFIG_VALIDATE, fourcc, w, h, &c);
	if (ret)
		return ret;
	fill_fmt(cam, &c, f);
	return 0;
}

static int vcamfe_s_fmt(struct file *file, void *priv, struct v4l2_format *f)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	int ret;

	u32 fourcc, w, h;

	if (f->type != cam->queue.type)
		return -EINVAL;
	if (vb2_is_busy(&cam->queue))
		return -EBUSY;
	snap_v4l2_format(cam, f);
	fourcc = cam->mplane ? f->fmt.pix_mp.pixelformat :
			       f->fmt.pix.pixelformat;
	w = cam->mplane ? f->fmt.pix_mp.width : f->fmt.pix.width;
	h = cam->mplane ? f->fmt.pix_mp.height : f->fmt.pix.height;
	/*
	 * Applications set their format at every open, mostly the one the
	 * device already has.  The backend has it too, with its layout and
	 * our buffer grant: a CONFIG_SET would cost a round trip here and
	 * another at REQBUFS, and change nothing.
	 */
	if (fourcc == cam->config.pixel_format && w == cam->config.width &&
	    h == cam->config.height && cam->layout.size) {
		fill_fmt(cam, &cam->config, f);
		return 0;
	}
	ret = config_set_layout(cam, fourcc, w, h);
	if (ret)
		return ret;
	fill_fmt(cam, &cam->config, f);
	return 0;
}

static int vcamfe_enum_framesizes(struct file *file, void *priv,
				  struct v4l2_frmsizeenum *fs)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	const struct vcamfe_format *fmt;

	fmt = vcamfe_cfg_find_format(&cam->cfg, fs->pixel_format);
	if (!fmt || fs->index >= fmt->num_res)
		return -EINVAL;
	fs->type = V4L2_FRMSIZE_TYPE_DISCRETE;
	fs->discrete.width = fmt->res[fs->index].width;
	fs->discrete.height = fmt->res[fs->index].height;
	return 0;
}

static int vcamfe_enum_frameintervals(struct file *file, void *priv,
				      struct v4l2_frmivalenum *fi)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	const struct vcamfe_format *fmt;
	const struct vcamfe_res *res;

	fmt = vcamfe_cfg_find_format(&cam->cfg, fi->pixel_format);
	if (!fmt)
		return -EINVAL;
	res = vcamfe_cfg_find_res(fmt, fi->width, fi->height);
	if (!res || fi->index >= res->num_rates)
		return -EINVAL;
	fi->type = V4L2_FRMIVAL_TYPE_DISCRETE;
	/* A rate of n/d frames per second is an interval of d/n seconds. */
	fi->discrete.numerator = res->rates[fi->index].denominator;
	fi->discrete.denominator = res->rates[fi->index].numerator;
	return 0;
}

static const struct vcamfe_res *current_res(struct vcamfe_dev *cam)
{
	const struct vcamfe_format *fmt;

	fmt = vcamfe_cfg_find_format(&cam->cfg, cam->config.pixel_format);
	if (!fmt)
		return NULL;
	return vcamfe_cfg_find_res(fmt, cam->config.width, cam->config.height);
}

static int vcamfe_g_parm(struct file *file, void *priv,
			 struct v4l2_streamparm *sp)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	struct v4l2_captureparm *cp = &sp->parm.capture;
	const struct vcamfe_res *res = current_res(cam);

	if (sp->type != cam->queue.type)
		return -EINVAL;
	memset(cp, 0, sizeof(*cp));
	cp->capability = V4L2_CAP_TIMEPERFRAME;
	/* read() exists in the single-planar API only. */
	cp->readbuffers = cam->mplane ? 0 : 2;
	if (cam->config.frame_rate_numer && cam->config.frame_rate_denom) {
		cp->timeperframe.numerator = cam->config.frame_rate_denom;
		cp->timeperframe.denominator = cam->config.frame_rate_numer;
	} else if (res) {
		cp->timeperframe.numerator = res->rates[0].denominator;
		cp->timeperframe.denominator = res->rates[0].numerator;
	} else {
		cp->timeperframe.numerator = 1;
		cp->timeperframe.denominator = 30;
	}
	return 0;
}

static int vcamfe_s_parm(struct file *file, void *priv,
			 struct v4l2_streamparm *sp)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	struct v4l2_fract *tpf = &sp->parm.capture.timeperframe;
	const struct vcamfe_res *res = current_res(cam);
	struct xencamera_frame_rate_req req;
	const struct v4l2_fract *best;
	u64 best_d = U64_MAX;
	int i, ret;

	if (sp->type != cam->queue.type)
		return -EINVAL;
	if (!res)
		return -EIO;
	best = &res->rates[0];
	if (tpf->numerator && tpf->denominator) {
		/* Closest rate: compare n/d fps with den/num fps, scaled. */
		for (i = 0; i < res->num_rates; i++) {
			const struct v4l2_fract *r = &res->rates[i];
			s64 a = (s64)r->numerator * tpf->numerator * 1000 /
				r->denominator;
			s64 d = abs(a - (s64)tpf->denominator * 1000);

			if (d < best_d) {
				best_d = d;
				best = r;
			}
		}
	}
	if (best->numerator != cam->config.frame_rate_numer ||
	    best->denominator != cam->config.frame_rate_denom) {
		if (vb2_is_busy(&cam->queue))
			return -EBUSY;
		ret = vcamfe_bufs_release(cam);
		if (ret)
			return ret;
		req.frame_rate_numer = best->numerator;
		req.frame_rate_denom = best->denominator;
		ret = vcamfe_req_sync(cam, XENCAMERA_OP_FRAME_RATE_SET, &req,
				      sizeof(req), NULL);
		if (ret)
			return ret;
		ret = vcamfe_config_get(cam);
		if (ret)
			return ret;
	}
	return vcamfe_g_parm(file, priv, sp);
}

static int vcamfe_enum_input(struct file *file, void *priv,
			     struct v4l2_input *inp)
{
	if (inp->index)
		return -EINVAL;
	inp->type = V4L2_INPUT_TYPE_CAMERA;
	strscpy(inp->name, "Camera", sizeof(inp->name));
	return 0;
}

static int vcamfe_g_input(struct file *file, void *priv, unsigned int *i)
{
	*i = 0;
	return 0;
}

static int vcamfe_s_input(struct file *file, void *priv, unsigned int i)
{
	return i ? -EINVAL : 0;
}

/*
 * One table for both APIs, as vivid has it.  The V4L2 core refuses the
 * buffer type this device does not have for ENUM_FMT (by device_caps) and
 * the vb2 ioctls (by the queue's type); G/S/TRY_FMT check it
 * themselves, with the -EINVAL the core gives, as G/S_PARM do.
 */
static const struct v4l2_ioctl_ops vcamfe_ioctl_ops = {
	.vidioc_querycap = vcamfe_querycap,
	.vidioc_enum_fmt_vid_cap = vcamfe_enum_fmt,
	.vidioc_g_fmt_vid_cap = vcamfe_g_fmt,
	.vidioc_try_fmt_vid_cap = vcamfe_try_fmt,
	.vidioc_s_fmt_vid_cap = vcamfe_s_fmt,
	.vidioc_g_fmt_vid_cap_mplane = vcamfe_g_fmt,
	.vidioc_try_fmt_vid_cap_mplane = vcamfe_try_fmt,
	.vidioc_s_fmt_vid_cap_mplane = vcamfe_s_fmt,
	.vidioc_enum_framesizes = vcamfe_enum_framesizes,
	.vidioc_enum_frameintervals = vcamfe_enum_frameintervals,
	.vidioc_g_parm = vcamfe_g_parm,
	.vidioc_s_parm = vcamfe_s_parm,
	.vidioc_enum_input = vcamfe_enum_input,
	.vidioc_g_input = vcamfe_g_input,
	.vidioc_s_input = vcamfe_s_input,
	.vidioc_reqbufs = vcamfe_vb2_reqbufs,
	.vidioc_create_bufs = vcamfe_vb2_create_bufs,
	.vidioc_prepare_buf = vb2_ioctl_prepare_buf,
	.vidioc_querybuf = vb2_ioctl_querybuf,
	.vidioc_qbuf = vb2_ioctl_qbuf,
	.vidioc_dqbuf = vb2_ioctl_dqbuf,
	.vidioc_expbuf = vb2_ioctl_expbuf,
	.vidioc_streamon = vb2_ioctl_streamon,
	.vidioc_streamoff = vb2_ioctl_streamoff,
	.vidioc_log_status = v4l2_ctrl_log_status,
	.vidioc_subscribe_event = v4l2_ctrl_subscribe_event,
	.vidioc_unsubscribe_event = v4l2_event_unsubscribe,
};

static int vcamfe_open(struct file *file)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	int ret;

	/* Reconfiguring: existing users may finish, new ones are refused. */
	if (READ_ONCE(cam->dead))
		return -ENODEV;
	ret = v4l2_fh_open(file);
	if (!ret)
		atomic_inc(&cam->users);
	return ret;
}

static int vcamfe_release_file(struct file *file)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	int ret;

	ret = vb2_fop_release(file);
	/* Its buffers may be gone with it: read() must find vmalloc ops. */
	mutex_lock(&cam->lock);
	vcamfe_mem_ops_rest(cam);
	mutex_unlock(&cam->lock);
	atomic_dec(&cam->users);
	return ret;
}

static const struct v4l2_file_operations vcamfe_fops = {
	.owner = THIS_MODULE,
	.open = vcamfe_open,
	.release = vcamfe_release_file,
	.read = vb2_fop_read,
	.poll = vb2_fop_poll,
	.mmap = vb2_fop_mmap,
	.unlocked_ioctl = video_ioctl2,
};

/* Make the backend's current state ours, or pick the first offered one. */
static int initial_config(struct vcamfe_dev *cam)
{
	const struct vcamfe_format *fmt = &cam->cfg.formats[0];
	u32 fourcc = fmt->fourcc, w = fmt->res[0].width, h = fmt->res[0].height;
	const struct xencamera_config_resp *cur;
	struct xencamera_resp resp;
	int ret;

	/*
	 * Keep the camera's current mode when this guest may use it, but
	 * always CONFIG_SET: a backend owes a buffer layout only for a
	 * configuration this connection has set (ring/PROTOCOL.md).  A mode
	 * this guest was not offered (another user set it, or mplane=0 hides
	 * it) is no error: we set our first mode instead.
	 */
	ret = vcamfe_req_sync(cam, XENCAMERA_OP_CONFIG_GET, NULL, 0, &resp);
	if (ret == -ENODEV)
		return ret;
	cur = &resp.resp.config;
	if (!ret && config_offered(cam, cur)) {
		fourcc = cur->pixel_format;
		w = cur->width;
		h = cur->height;
	} else if (!ret) {
		dev_info(&cam->xb_dev->dev,
			 "camera mode %p4cc %ux%u not offered, setting %p4cc %ux%u\n",
			 &cur->pixel_format, cur->width, cur->height, &fourcc,
			 w, h);
	}
	return config_set_layout(cam, fourcc, w, h);
}

/*
 * Which V4L2 API: the multi-planar one only where it is needed (a format
 * with separate memory planes, e.g. NV12M), so that applications knowing
 * only the single-planar API (ffmpeg among them) keep working with
 * ordinary cameras.  The mplane module parameter overrides that.
 */
static bool want_mplane(struct vcamfe_dev *cam)
{
	int i;

	if (vcamfe_param_mplane >= 0)
		return vcamfe_param_mplane > 0;
	for (i = 0; i < cam->cfg.num_formats; i++)
		if (vcamfe_fourcc_mem_planes(cam->cfg.formats[i].fourcc) > 1)
			return true;
	return false;
}

/* The single-planar API cannot carry separate memory planes: hide them. */
static int hide_mem_planar_formats(struct vcamfe_dev *cam)
{
	struct vcamfe_cfg *cfg = &cam->cfg;
	int i, n = 0;

	for (i = 0; i < cfg->num_formats; i++) {
		if (vcamfe_fourcc_mem_planes(cfg->formats[i].fourcc) > 1) {
			dev_info(&cam->xb_dev->dev,
				 "format %p4cc hidden: single-planar API\n",
				 &cfg->formats[i].fourcc);
			kfree(cfg->formats[i].res);
			continue;
		}
		cfg->formats[n++] = cfg->formats[i];
	}
	cfg->num_formats = n;
	if (!n) {
		dev_err(&cam->xb_dev->dev,
			"no format usable with the single-planar API\n");
		return -EINVAL;
	}
	return 0;
}

int vcamfe_v4l2_connect(struct vcamfe_dev *cam)
{
	struct video_device *vdev = &cam->vdev;
	int ret;

	cam->mplane = want_mplane(cam);
	if (!cam->mplane) {
		ret = hide_mem_planar_formats(cam);
		if (ret)
			return ret;
	}
	ret = initial_config(cam);
	if (ret)
		return ret;
	ret = vcamfe_ctrls_init(cam);
	if (ret)
		return ret;
	ret = vcamfe_vb2_init(cam);
	if (ret)
		return ret;

	snprintf(vdev->name, sizeof(vdev->name), "xen-vcam %s",
		 cam->cfg.unique_id);
	vdev->fops = &vcamfe_fops;
	vdev->ioctl_ops = &vcamfe_ioctl_ops;
	vdev->release = video_device_release_empty;
	vdev->v4l2_dev = &cam->v4l2_dev;
	vdev->queue = &cam->queue;
	vdev->lock = &cam->lock;
	vdev->vfl_dir = VFL_DIR_RX;
	if (cam->mplane) {
		vdev->device_caps = V4L2_CAP_VIDEO_CAPTURE_MPLANE |
				    V4L2_CAP_STREAMING;
	} else {
		vdev->device_caps = V4L2_CAP_VIDEO_CAPTURE |
				    V4L2_CAP_STREAMING | V4L2_CAP_READWRITE;
	}
	video_set_drvdata(vdev, cam);
	ret = video_register_device(vdev, VFL_TYPE_VIDEO,
				    vcamfe_node_wanted(cam->xb_dev));
	if (ret)
		return ret;
	cam->registered = true;
	vcamfe_node_remember(cam->xb_dev, vdev->num);
	dev_info(&cam->xb_dev->dev, "%s: camera %s, %s API, %s mode, %s buffers\n",
		 video_device_node_name(vdev), cam->cfg.unique_id,
		 cam->mplane ? "multi-planar" : "single-planar",
		 vcam_notify_mode_name(cam->notify_mode),
		 cam->cfg.be_alloc ? "backend" : "frontend");
	return 0;
}
