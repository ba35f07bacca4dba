// SPDX-License-Identifier: MIT
/*
 * One handler per cameraif request.  The request is already a private
 * copy; each handler validates its fields and the device state (rules in
 * ring/PROTOCOL.md) before touching anything, and returns a negative errno
 * that becomes the response's -XEN_E* status.
 */
#include "core_priv.h"

#include <errno.h>

static uint32_t gcd32(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static void fill_config(struct vcamd_dev *dev, const struct vcamd_format *f,
			struct xencamera_config_resp *c)
{
	uint32_t g = gcd32(f->width, f->height);

	c->pixel_format = f->fourcc;
	c->width = f->width;
	c->height = f->height;
	c->colorspace = f->colorspace;
	c->xfer_func = f->xfer_func;
	c->ycbcr_enc = f->ycbcr_enc;
	c->quantization = f->quantization;
	/* Square pixels: the display aspect ratio is the frame's. */
	c->displ_asp_ratio_numer = g ? f->width / g : 1;
	c->displ_asp_ratio_denom = g ? f->height / g : 1;
	vcamd_cam_get_rate(dev->cam, &c->frame_rate_numer,
			   &c->frame_rate_denom);
}

/*
 * The toolstack's `formats` list is the guest's menu: a mode (after the
 * camera's adjustment) or a frame rate not on it is refused.  An empty
 * list means no restriction beyond the camera's own.
 */
static const struct vcamd_allowed_fmt *
find_allowed(const struct vcamd_dev *dev, const struct vcamd_format *f)
{
	unsigned int i;

	for (i = 0; i < dev->cfg.nfmts; i++) {
		const struct vcamd_allowed_fmt *a = &dev->cfg.fmts[i];

		if (a->fourcc == f->fourcc && a->width == f->width &&
		    a->height == f->height)
			return a;
	}
	return NULL;
}

static bool fmt_allowed(const struct vcamd_dev *dev,
			const struct vcamd_format *f)
{
	return !dev->cfg.nfmts || find_allowed(dev, f);
}

static bool rate_allowed(struct vcamd_dev *dev, uint32_t n, uint32_t d)
{
	const struct vcamd_allowed_fmt *a;
	struct vcamd_format f;
	unsigned int i;

	if (!dev->cfg.nfmts)
		return true;
	if (vcamd_cam_get_fmt(dev->cam, &f))
		return false;
	a = find_allowed(dev, &f);
	for (i = 0; a && i < a->nrates; i++)
		if ((uint64_t)n * a->rates[i].denom ==
		    (uint64_t)d * a->rates[i].numer)
			return true;
	return false;
}

/* State rule: no (re)configuration while buffers exist or streaming. */
static bool dev_locked(const struct vcamd_dev *dev)
{
	return dev->streaming || vcamd_buf_count(dev) > 0;
}

static int op_config(struct vcamd_dev *dev, const struct xencamera_req *req,
		     struct xencamera_resp *rsp)
{
	struct vcamd_format f = {
		.fourcc = req->req.config.pixel_format,
		.width = req->req.config.width,
		.height = req->req.config.height,
	};
	int ret;

	if (!f.width || !f.height || !f.fourcc)
		return -EINVAL;
	if (req->operation == XENCAMERA_OP_CONFIG_VALIDATE) {
		ret = vcamd_cam_try_fmt(dev->cam, &f);
		if (!ret && !fmt_allowed(dev, &f))
			ret = -EINVAL;
	} else {
		struct vcamd_format t = f;

		if (dev_locked(dev))
			return -EBUSY;
		ret = vcamd_cam_try_fmt(dev->cam, &t);
		if (!ret && !fmt_allowed(dev, &t))
			return -EINVAL;
		ret = vcamd_cam_set_fmt(dev->cam, dev, &f);
		if (!ret)
			dev->configured = true;
	}
	if (!ret)
		fill_config(dev, &f, &rsp->resp.config);
	return ret;
}

/*
 * A frontend that reads the current configuration and goes on to use it
 * (as Linux frontends do at probe) has adopted it: that counts as
 * configured, like a CONFIG_SET of the same values would.
 */
static int op_config_get(struct vcamd_dev *dev, struct xencamera_resp *rsp)
{
	struct vcamd_format f;
	int ret = vcamd_cam_get_fmt(dev->cam, &f);

	if (!ret) {
		fill_config(dev, &f, &rsp->resp.config);
		/* Adopted only if the guest may use it at all. */
		if (fmt_allowed(dev, &f))
			dev->configured = true;
	}
	return ret;
}

static int op_frame_rate(struct vcamd_dev *dev, const struct xencamera_req *req)
{
	uint32_t n = req->req.frame_rate.frame_rate_numer;
	uint32_t d = req->req.frame_rate.frame_rate_denom;

	if (!n || !d)
		return -EINVAL;
	if (dev_locked(dev))
		return -EBUSY;
	if (!rate_allowed(dev, n, d))
		return -EINVAL;
	return vcamd_cam_set_rate(dev->cam, dev, &n, &d);
}

static int op_layout(struct vcamd_dev *dev, struct xencamera_resp *rsp)
{
	struct xencamera_buf_get_layout_resp *l = &rsp->resp.buf_layout;
	struct vcamd_format f;
	unsigned int i;
	int ret;

	if (!dev->configured)
		return -EINVAL;
	ret = vcamd_cam_get_fmt(dev->cam, &f);
	if (ret)
		return ret;
	l->num_planes = (uint8_t)f.num_planes;
	l->size = f.size;
	for (i = 0; i < XENCAMERA_MAX_PLANE; i++) {
		l->plane_size[i] = i < f.num_planes ? f.plane_size[i] : 0;
		l->plane_stride[i] = i < f.num_planes ? f.plane_stride[i] : 0;
	}
	return 0;
}

static int op_buf_request(struct vcamd_dev *dev,
			  const struct xencamera_req *req,
			  struct xencamera_resp *rsp)
{
	uint32_t n = req->req.buf_request.num_bufs;

	if (dev->streaming)
		return -EBUSY;
	if (n == 0) {
		vcamd_buf_free_all(dev);
		dev->num_bufs = 0;
		rsp->resp.buf_request.num_bufs = 0;
		return 0;
	}
	if (vcamd_buf_count(dev) > 0)
		return -EBUSY;
	if (!dev->configured)
		return -EINVAL;
	if (n > dev->cfg.max_buffers)
		n = dev->cfg.max_buffers;
	dev->num_bufs = n;
	rsp->resp.buf_request.num_bufs = (uint8_t)n;
	return 0;
}

static int ctrl_listed(const struct vcamd_dev *dev, unsigned int type)
{
	unsigned int i;

	for (i = 0; i < dev->cfg.nctrls; i++)
		if (dev->cfg.ctrls[i] == type)
			return 1;
	return 0;
}

static int op_ctrl_enum(struct vcamd_dev *dev, const struct xencamera_req *req,
			struct xencamera_resp *rsp)
{
	struct xencamera_ctrl_enum_resp *e = &rsp->resp.ctrl_enum;
	unsigned int i = req->req.index.index;
	struct vcamd_ctrl_info ci;
	int ret;

	if (i >= dev->cfg.nctrls)
		return -EINVAL;
	ret = dev->cam->ops->ctrl_info(dev->cam->priv, dev->cfg.ctrls[i], &ci);
	if (ret)
		return ret == -ENOTSUP ? -EINVAL : ret;
	e->index = (uint8_t)i;
	e->type = dev->cfg.ctrls[i];
	e->flags = ci.flags;
	e->min = ci.min;
	e->max = ci.max;
	e->step = ci.step;
	e->def_val = ci.def;
	return 0;
}

static int op_ctrl_set(struct vcamd_dev *dev, const struct xencamera_req *req)
{
	unsigned int type = req->req.ctrl_value.type;
	int64_t val = req->req.ctrl_value.value;
	struct vcamd_ctrl_info ci;
	int ret;

	if (!ctrl_listed(dev, type))
		return -EINVAL;
	ret = dev->cam->ops->ctrl_info(dev->cam->priv, type, &ci);
	if (ret)
		return ret == -ENOTSUP ? -EINVAL : ret;
	if (ci.flags & XENCAMERA_CTRL_FLG_RO)
		return -EPERM;
	if (val < ci.min || val > ci.max)
		return -ERANGE;
	ret = dev->cam->ops->ctrl_set(dev->cam->priv, type, val);
	if (!ret)
		vcamd_cam_ctrl_changed(dev->cam, dev, type, val);
	return ret;
}

static int op_ctrl_get(struct vcamd_dev *dev, const struct xencamera_req *req,
		       struct xencamera_resp *rsp)
{
	unsigned int type = req->req.get_ctrl.type;
	int64_t val;
	int ret;

	if (!ctrl_listed(dev, type))
		return -EINVAL;
	ret = dev->cam->ops->ctrl_get(dev->cam->priv, type, &val);
	if (ret)
		return ret == -ENOTSUP ? -EINVAL : ret;
	rsp->resp.ctrl_value.type = (uint8_t)type;
	rsp->resp.ctrl_value.value = val;
	return 0;
}

static int op_stream_start(struct vcamd_dev *dev)
{
	int ret;

	if (dev->streaming)
		return -EBUSY;
	if (!dev->configured || vcamd_buf_count(dev) == 0)
		return -EINVAL;
	ret = vcamd_cam_start(dev->cam, dev);
	if (ret)
		return ret;
	dev->streaming = true;
	dev->seq_base_set = false;
	dev->seq_sent = false;
	dev->last_activity_ns = vcamd_now_ns();
	return 0;
}

static int op_stream_stop(struct vcamd_dev *dev)
{
	if (dev->streaming)
		vcamd_cam_stop(dev->cam, dev);
	dev->streaming = false;
	vcamd_buf_unqueue_all(dev);
	return 0;
}

static int dev_dispatch(struct vcamd_dev *dev, const struct xencamera_req *req,
			struct xencamera_resp *rsp)
{
	if (!dev->cam)
		return -ENODEV;
	switch (req->operation) {
	case XENCAMERA_OP_CONFIG_SET:
	case XENCAMERA_OP_CONFIG_VALIDATE:
		return op_config(dev, req, rsp);
	case XENCAMERA_OP_CONFIG_GET:
		return op_config_get(dev, rsp);
	case XENCAMERA_OP_FRAME_RATE_SET:
		return op_frame_rate(dev, req);
	case XENCAMERA_OP_BUF_GET_LAYOUT:
		return op_layout(dev, rsp);
	case XENCAMERA_OP_BUF_REQUEST:
		return op_buf_request(dev, req, rsp);
	case XENCAMERA_OP_BUF_CREATE:
		return vcamd_buf_create(dev, &req->req.buf_create);
	case XENCAMERA_OP_BUF_DESTROY:
		return vcamd_buf_destroy(dev, req->req.index.index);
	case XENCAMERA_OP_BUF_QUEUE:
		return vcamd_buf_queue(dev, req->req.index.index);
	case XENCAMERA_OP_BUF_DEQUEUE:
		return vcamd_buf_dequeue(dev, req->req.index.index);
	case XENCAMERA_OP_CTRL_ENUM:
		return op_ctrl_enum(dev, req, rsp);
	case XENCAMERA_OP_CTRL_SET:
		return op_ctrl_set(dev, req);
	case XENCAMERA_OP_CTRL_GET:
		return op_ctrl_get(dev, req, rsp);
	case XENCAMERA_OP_STREAM_START:
		return op_stream_start(dev);
	case XENCAMERA_OP_STREAM_STOP:
		return op_stream_stop(dev);
	default:
		return -EINVAL;
	}
}

void vcamd_dev_handle(struct vcamd_dev *dev, const struct xencamera_req *req,
		      struct xencamera_resp *rsp)
{
	uint64_t t0 = dev->trace ? vcamd_now_ns() : 0;
	int ret;

	memset(rsp, 0, sizeof(*rsp));
	rsp->id = req->id;
	rsp->operation = req->operation;
	ret = dev_dispatch(dev, req, rsp);
	if (ret) {
		/* An error response carries no payload. */
		memset(&rsp->resp, 0, sizeof(rsp->resp));
		dev->st.errors++;
		log_dbg("%s: op %u id %u -> %d", dev->name, req->operation,
			req->id, ret);
	}
	rsp->status = vcam_xen_status(ret);
	dev->st.requests++;
	if (dev->trace)
		dev->trace->req(dev->trace_arg, req, rsp, vcamd_now_ns() - t0);
}
