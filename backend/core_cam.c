// SPDX-License-Identifier: MIT
/*
 * A camera shared by devices: who may change its format and rate, when it
 * streams, and the fan-out of each captured frame to every streaming
 * device (one copy per device, counted; a device with no queued buffer or
 * no room for the event drops that frame, counted, never duplicated).
 */
#include "core_priv.h"

#include <errno.h>
#include <stdio.h>

void vcam_cam_init(struct vcam_cam *cam, const char *name,
		   const struct vcam_camera_ops *ops, void *priv)
{
	memset(cam, 0, sizeof(*cam));
	snprintf(cam->name, sizeof(cam->name), "%s", name);
	cam->ops = ops;
	cam->priv = priv;
	cam->rate_numer = 0;
	cam->rate_denom = 1;
	if (ops->get_rate)
		ops->get_rate(priv, &cam->rate_numer, &cam->rate_denom);
}

void vcam_cam_fini(struct vcam_cam *cam)
{
	if (cam->streaming)
		cam->ops->stream_off(cam->priv);
	cam->streaming = false;
	if (cam->ops->destroy)
		cam->ops->destroy(cam->priv);
	cam->priv = NULL;
}

void vcam_cam_attach(struct vcam_cam *cam, struct vcam_dev *dev)
{
	dev->cam_next = cam->users;
	cam->users = dev;
}

void vcam_cam_detach(struct vcam_cam *cam, struct vcam_dev *dev)
{
	struct vcam_dev **pp;

	for (pp = &cam->users; *pp; pp = &(*pp)->cam_next) {
		if (*pp == dev) {
			*pp = dev->cam_next;
			break;
		}
	}
	dev->cam_next = NULL;
}

/* Does any device other than `dev` depend on the current settings? */
static bool others_hold(const struct vcam_cam *cam, const struct vcam_dev *dev)
{
	const struct vcam_dev *u;

	for (u = cam->users; u; u = u->cam_next)
		if (u != dev && (u->streaming || vcam_buf_count(u) > 0))
			return true;
	return false;
}

int vcam_cam_try_fmt(struct vcam_cam *cam, struct vcam_format *f)
{
	return cam->ops->try_fmt(cam->priv, f);
}

int vcam_cam_set_fmt(struct vcam_cam *cam, struct vcam_dev *dev,
		     struct vcam_format *f)
{
	struct vcam_format want = *f;
	int ret;

	ret = cam->ops->try_fmt(cam->priv, &want);
	if (ret)
		return ret;
	if (others_hold(cam, dev) || cam->streaming) {
		if (cam->have_fmt && cam->fmt.fourcc == want.fourcc &&
		    cam->fmt.width == want.width &&
		    cam->fmt.height == want.height) {
			*f = cam->fmt;
			return 0;
		}
		log_info("%s: %s asks for %.4s %ux%u but %.4s %ux%u is in use",
			 cam->name, dev->name, (char *)&want.fourcc,
			 want.width, want.height, (char *)&cam->fmt.fourcc,
			 cam->fmt.width, cam->fmt.height);
		return -EBUSY;
	}
	ret = cam->ops->set_fmt(cam->priv, &want);
	if (ret)
		return ret;
	cam->fmt = want;
	cam->have_fmt = true;
	*f = want;
	return 0;
}

int vcam_cam_get_fmt(struct vcam_cam *cam, struct vcam_format *f)
{
	int ret;

	if (cam->have_fmt) {
		*f = cam->fmt;
		return 0;
	}
	ret = cam->ops->get_fmt(cam->priv, f);
	if (!ret) {
		cam->fmt = *f;
		cam->have_fmt = true;
	}
	return ret;
}

int vcam_cam_set_rate(struct vcam_cam *cam, struct vcam_dev *dev,
		      uint32_t *numer, uint32_t *denom)
{
	int ret;

	if (others_hold(cam, dev) || cam->streaming) {
		/* Same rate as a fraction, e.g. 30/1 == 60/2, is fine. */
		if ((uint64_t)*numer * cam->rate_denom ==
		    (uint64_t)*denom * cam->rate_numer)
			return 0;
		return -EBUSY;
	}
	ret = cam->ops->set_rate(cam->priv, numer, denom);
	if (ret)
		return ret;
	cam->rate_numer = *numer;
	cam->rate_denom = *denom;
	return 0;
}

void vcam_cam_get_rate(struct vcam_cam *cam, uint32_t *numer, uint32_t *denom)
{
	*numer = cam->rate_numer;
	*denom = cam->rate_denom;
}

int vcam_cam_start(struct vcam_cam *cam, struct vcam_dev *dev)
{
	int ret;

	(void)dev;
	if (!cam->streaming) {
		ret = cam->ops->stream_on(cam->priv);
		if (ret)
			return ret;
		cam->streaming = true;
	}
	cam->nstreaming++;
	return 0;
}

void vcam_cam_stop(struct vcam_cam *cam, struct vcam_dev *dev)
{
	(void)dev;
	if (cam->nstreaming && --cam->nstreaming == 0 && cam->streaming) {
		cam->ops->stream_off(cam->priv);
		cam->streaming = false;
	}
}

void vcam_cam_ctrl_changed(struct vcam_cam *cam, struct vcam_dev *from,
			   unsigned int type, int64_t val)
{
	struct xencamera_evt ev;
	struct vcam_dev *u;
	unsigned int i;

	memset(&ev, 0, sizeof(ev));
	ev.type = XENCAMERA_EVT_CTRL_CHANGE;
	ev.evt.ctrl_value.type = (uint8_t)type;
	ev.evt.ctrl_value.value = val;
	for (u = cam->users; u; u = u->cam_next) {
		if (u == from || u->broken)
			continue;
		for (i = 0; i < u->cfg.nctrls; i++) {
			if (u->cfg.ctrls[i] != type)
				continue;
			vcam_dev_post_event(u, &ev);
			vcam_dev_flush_events(u);
			break;
		}
	}
}

/* Copy one frame into the device's oldest queued buffer and announce it. */
static void dev_deliver(struct vcam_dev *dev, const struct vcam_frame *fr)
{
	struct xencamera_evt ev;
	struct vcam_buf *b;
	uint64_t limit;
	uint32_t used = 0;
	unsigned int p;
	int idx;

	if (!dev->seq_base_set) {
		dev->seq_base = fr->seq;
		dev->seq_base_set = true;
	}
	if (!dev->q_len || !vcam_dev_evt_room(dev)) {
		dev->st.drops++;
		if (dev->q_len)
			dev->st.evt_full++;
		return;
	}
	idx = vcam_buf_pop(dev);
	b = &dev->bufs[idx];
	limit = (uint64_t)b->npages * VCAM_PAGE_SIZE;
	for (p = 0; p < fr->nplanes && p < XENCAMERA_MAX_PLANE; p++) {
		uint64_t off = b->plane_offset[p];
		uint32_t n = fr->plane[p].used;

		if (off >= limit)
			continue;
		if (off + n > limit)
			n = (uint32_t)(limit - off);
		if (fr->plane[p].data) {
			memcpy((char *)b->addr + off, fr->plane[p].data, n);
			dev->st.copies++;
		}
		used += n;
	}
	if (fr->nplanes && !fr->plane[0].data)
		dev->st.zero_copy++;
	memset(&ev, 0, sizeof(ev));
	ev.type = XENCAMERA_EVT_FRAME_AVAIL;
	ev.evt.frame_avail.index = (uint8_t)idx;
	ev.evt.frame_avail.used_sz = used;
	ev.evt.frame_avail.seq_num = fr->seq - dev->seq_base;
	vcam_dev_post_event(dev, &ev);
	dev->st.frames++;
}

int vcam_cam_pump(struct vcam_cam *cam)
{
	struct vcam_frame fr;
	struct vcam_dev *u;
	int n = 0, ret;

	while (cam->streaming) {
		memset(&fr, 0, sizeof(fr));
		ret = cam->ops->next_frame(cam->priv, &fr);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			cam->cam_errors++;
			return ret;
		}
		cam->frames_in++;
		for (u = cam->users; u; u = u->cam_next)
			if (u->streaming && !u->broken)
				dev_deliver(u, &fr);
		cam->ops->release_frame(cam->priv, &fr);
		n++;
	}
	for (u = cam->users; u; u = u->cam_next)
		if (!u->broken)
			vcam_dev_flush_events(u);
	return n;
}
