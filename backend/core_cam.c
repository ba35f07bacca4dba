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
#include <string.h>

/* The camera may keep its buffers (see vcamd_camera_ops.stream_off). */
static void cam_stream_off(struct vcamd_cam *cam)
{
	cam->ops->stream_off(cam->priv);
	cam->bufs_kept = cam->ops->release_bufs != NULL;
	cam->kept_since_ns = 0;
}

static void cam_release_bufs(struct vcamd_cam *cam)
{
	if (!cam->bufs_kept)
		return;
	cam->bufs_kept = false;
	cam->ops->release_bufs(cam->priv);
}

void vcamd_cam_idle(struct vcamd_cam *cam, uint64_t now_ns)
{
	if (!cam->bufs_kept || cam->streaming || cam->stop_due)
		return;
	if (!cam->kept_since_ns)
		cam->kept_since_ns = now_ns;
	else if (now_ns - cam->kept_since_ns >=
		 (uint64_t)VCAMD_CAM_KEEP_MS * 1000000)
		cam_release_bufs(cam);
}

void vcamd_cam_init(struct vcamd_cam *cam, const char *name,
		    const struct vcamd_camera_ops *ops, void *priv)
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

void vcamd_cam_fini(struct vcamd_cam *cam)
{
	cam->stop_due = false;
	if (cam->streaming)
		cam_stream_off(cam);
	cam->streaming = false;
	cam_release_bufs(cam);
	if (cam->ops->destroy)
		cam->ops->destroy(cam->priv);
	cam->priv = NULL;
}

/* ---- a camera whose device is gone ----------------------------------------- */

static int gone_fmt(void *priv, struct vcamd_format *f)
{
	(void)priv;
	(void)f;
	return -ENODEV;
}

static int gone_rate(void *priv, uint32_t *numer, uint32_t *denom)
{
	(void)priv;
	(void)numer;
	(void)denom;
	return -ENODEV;
}

static int gone_ctrl_info(void *priv, unsigned int type,
			  struct vcamd_ctrl_info *ci)
{
	(void)priv;
	(void)type;
	(void)ci;
	return -ENODEV;
}

static int gone_ctrl_get(void *priv, unsigned int type, int64_t *val)
{
	(void)priv;
	(void)type;
	(void)val;
	return -ENODEV;
}

static int gone_ctrl_set(void *priv, unsigned int type, int64_t val)
{
	(void)priv;
	(void)type;
	(void)val;
	return -ENODEV;
}

static int gone_stream(void *priv)
{
	(void)priv;
	return -ENODEV;
}

static int gone_next_frame(void *priv, struct vcamd_frame *fr)
{
	(void)priv;
	(void)fr;
	return -EAGAIN;
}

static void gone_release_frame(void *priv, struct vcamd_frame *fr)
{
	(void)priv;
	(void)fr;
}

static const struct vcamd_camera_ops gone_ops = {
	.try_fmt = gone_fmt,
	.set_fmt = gone_fmt,
	.get_fmt = gone_fmt,
	.set_rate = gone_rate,
	.get_rate = gone_rate,
	.ctrl_info = gone_ctrl_info,
	.ctrl_get = gone_ctrl_get,
	.ctrl_set = gone_ctrl_set,
	.stream_on = gone_stream,
	.stream_off = gone_stream,
	.next_frame = gone_next_frame,
	.release_frame = gone_release_frame,
};

void vcamd_cam_lose(struct vcamd_cam *cam)
{
	if (cam->ops == &gone_ops)
		return;
	cam->stop_due = false;
	if (cam->streaming)
		cam_stream_off(cam);
	cam_release_bufs(cam);
	if (cam->ops->destroy)
		cam->ops->destroy(cam->priv);
	cam->ops = &gone_ops;
	cam->priv = NULL;
	cam->streaming = false;
	cam->user_mode = false;
	cam->user_owner = NULL;
}

bool vcamd_cam_lost(const struct vcamd_cam *cam)
{
	return cam->ops == &gone_ops;
}

int vcamd_cam_restore(struct vcamd_cam *cam, const struct vcamd_camera_ops *ops,
		      void *priv)
{
	struct vcamd_format f = cam->fmt;
	uint32_t n = cam->rate_numer, d = cam->rate_denom;
	int ret = 0;

	cam->ops = ops;
	cam->priv = priv;
	if (cam->have_fmt) {
		ret = ops->set_fmt(priv, &f);
		/* users' buffers and layouts were made for the old format */
		if (!ret && (f.fourcc != cam->fmt.fourcc ||
			     f.width != cam->fmt.width ||
			     f.height != cam->fmt.height ||
			     f.size != cam->fmt.size)) {
			log_err("%s: came back unable to do %.4s %ux%u",
				cam->name, (const char *)&cam->fmt.fourcc,
				cam->fmt.width, cam->fmt.height);
			ret = -EIO;
		}
	}
	if (!ret && n && ops->set_rate && ops->set_rate(priv, &n, &d))
		log_warn("%s: frame rate %u/%u not set again", cam->name,
			 cam->rate_numer, cam->rate_denom);
	if (!ret && cam->nstreaming) {
		ret = ops->stream_on(priv);
		cam->streaming = !ret;
	}
	if (ret) {
		vcamd_cam_lose(cam);
		return ret;
	}
	return 0;
}

void vcamd_cam_attach(struct vcamd_cam *cam, struct vcamd_dev *dev)
{
	dev->cam_next = cam->users;
	cam->users = dev;
}

void vcamd_cam_detach(struct vcamd_cam *cam, struct vcamd_dev *dev)
{
	struct vcamd_dev **pp;

	for (pp = &cam->users; *pp; pp = &(*pp)->cam_next) {
		if (*pp == dev) {
			*pp = dev->cam_next;
			break;
		}
	}
	dev->cam_next = NULL;
}

/* Does any device other than `dev` depend on the current settings? */
static bool others_hold(const struct vcamd_cam *cam,
			const struct vcamd_dev *dev)
{
	const struct vcamd_dev *u;

	for (u = cam->users; u; u = u->cam_next)
		if (u != dev && (u->streaming || vcamd_buf_count(u) > 0))
			return true;
	return false;
}

static bool same_fmt(const struct vcamd_cam *cam, const struct vcamd_format *f)
{
	return cam->have_fmt && cam->fmt.fourcc == f->fourcc &&
	       cam->fmt.width == f->width && cam->fmt.height == f->height;
}

int vcamd_cam_try_fmt(struct vcamd_cam *cam, struct vcamd_format *f)
{
	return cam->ops->try_fmt(cam->priv, f);
}

int vcamd_cam_set_fmt(struct vcamd_cam *cam, struct vcamd_dev *dev,
		      struct vcamd_format *f)
{
	struct vcamd_format want = *f;
	int ret;

	vcamd_cam_settle(cam);
	ret = cam->ops->try_fmt(cam->priv, &want);
	if (ret)
		return ret;
	/*
	 * Kept buffers lock the camera's format (a driver refuses S_FMT while
	 * buffers exist): the same format again keeps them, and the next
	 * start quick.  Every application sets its format before it streams.
	 */
	if (cam->bufs_kept && same_fmt(cam, &want)) {
		*f = cam->fmt;
		return 0;
	}
	if (others_hold(cam, dev) || cam->streaming) {
		if (same_fmt(cam, &want)) {
			*f = cam->fmt;
			return 0;
		}
		log_info("%s: %s asks for %.4s %ux%u but %.4s %ux%u is in use",
			 cam->name, dev->name, (char *)&want.fourcc,
			 want.width, want.height, (char *)&cam->fmt.fourcc,
			 cam->fmt.width, cam->fmt.height);
		return -EBUSY;
	}
	cam_release_bufs(cam);
	ret = cam->ops->set_fmt(cam->priv, &want);
	if (ret)
		return ret;
	cam->fmt = want;
	cam->have_fmt = true;
	*f = want;
	return 0;
}

int vcamd_cam_get_fmt(struct vcamd_cam *cam, struct vcamd_format *f)
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

int vcamd_cam_set_rate(struct vcamd_cam *cam, struct vcamd_dev *dev,
		       uint32_t *numer, uint32_t *denom)
{
	bool same;
	int ret;

	vcamd_cam_settle(cam);
	/* Same rate as a fraction, e.g. 30/1 == 60/2: nothing to change. */
	same = (uint64_t)*numer * cam->rate_denom ==
	       (uint64_t)*denom * cam->rate_numer;
	if (same && cam->bufs_kept)
		return 0;
	if (others_hold(cam, dev) || cam->streaming)
		return same ? 0 : -EBUSY;
	cam_release_bufs(cam);
	ret = cam->ops->set_rate(cam->priv, numer, denom);
	if (ret)
		return ret;
	cam->rate_numer = *numer;
	cam->rate_denom = *denom;
	return 0;
}

void vcamd_cam_get_rate(struct vcamd_cam *cam, uint32_t *numer, uint32_t *denom)
{
	*numer = cam->rate_numer;
	*denom = cam->rate_denom;
}

/*
 * Zero copy is possible when one device streams alone, its buffers are
 * plain single-plane frames at offset 0, the camera can fill caller
 * memory, and that memory is vcamd's own (be-alloc).  Guest pages mapped
 * through gntdev must never reach a camera driver as USERPTR: in a PV dom0
 * the driver's kernel mapping of foreign grant pages faults (seen in the
 * rig: vivid oopsed dom0 in vivid_fillbuff).  Everything else uses the
 * camera's own buffers and one copy.
 */
static bool user_mode_fits(const struct vcamd_cam *cam,
			   const struct vcamd_dev *dev)
{
	unsigned int i;

	if (!dev->cfg.be_alloc)
		return false;
	if (!cam->ops->stream_on_user || !cam->ops->queue_user)
		return false;
	if (!cam->have_fmt || cam->fmt.num_planes != 1) {
		log_info("%s: zero copy needs a single-plane format", cam->name);
		return false;
	}
	for (i = 0; i < dev->num_bufs; i++) {
		const struct vcamd_buf *b = &dev->bufs[i];

		if (b->created && (b->plane_offset[0] != 0 ||
				   (uint64_t)b->npages * VCAMD_PAGE_SIZE <
				   cam->fmt.size)) {
			log_info("%s: zero copy: buffer %u has plane offset %u, %u pages",
				 cam->name, i, b->plane_offset[0], b->npages);
			return false;
		}
	}
	return true;
}

static int user_queue(struct vcamd_cam *cam, struct vcamd_dev *dev,
		      unsigned int idx)
{
	struct vcamd_buf *b = &dev->bufs[idx];

	return cam->ops->queue_user(cam->priv, idx, b->addr,
				    b->npages * VCAMD_PAGE_SIZE);
}

static int start_user_mode(struct vcamd_cam *cam, struct vcamd_dev *dev)
{
	unsigned int i;
	int ret;

	cam_release_bufs(cam);
	ret = cam->ops->stream_on_user(cam->priv, dev->num_bufs);
	if (ret)
		return ret;
	for (i = 0; i < dev->q_len; i++) {
		ret = user_queue(cam, dev, dev->queue[(dev->q_head + i) %
						      VCAMD_MAX_BUFS]);
		if (ret) {
			cam_stream_off(cam);
			return ret;
		}
	}
	cam->user_mode = true;
	cam->user_owner = dev;
	return 0;
}

void vcamd_cam_settle(struct vcamd_cam *cam)
{
	if (!cam->stop_due)
		return;
	cam->stop_due = false;
	if (cam->streaming && !cam->nstreaming) {
		cam_stream_off(cam);
		cam->streaming = false;
		cam->user_mode = false;
		cam->user_owner = NULL;
	}
}

int vcamd_cam_start(struct vcamd_cam *cam, struct vcamd_dev *dev)
{
	int ret;

	if (cam->stop_due) {
		/* Still streaming into its own buffers: go on, unless zero copy could start. */
		if (user_mode_fits(cam, dev))
			vcamd_cam_settle(cam);
		else
			cam->stop_due = false;
	}
	if (cam->streaming && cam->user_mode) {
		/* A second viewer: back to camera buffers and copies. */
		log_info("%s: %s joins; leaving zero-copy mode", cam->name,
			 dev->name);
		cam_stream_off(cam);
		cam->streaming = false;
		cam->user_mode = false;
		cam->user_owner = NULL;
	}
	if (!cam->streaming) {
		ret = -ENOTSUP;
		if (cam->nstreaming == 0 && user_mode_fits(cam, dev))
			ret = start_user_mode(cam, dev);
		if (ret) {
			if (ret != -ENOTSUP)
				log_info("%s: zero copy refused (%s); one copy per frame",
					 cam->name, strerror(-ret));
			/* the camera's kept buffers are its own again */
			cam->bufs_kept = false;
			ret = cam->ops->stream_on(cam->priv);
		}
		if (ret)
			return ret;
		cam->streaming = true;
	}
	cam->nstreaming++;
	return 0;
}

void vcamd_cam_stop(struct vcamd_cam *cam, struct vcamd_dev *dev)
{
	if (cam->nstreaming && --cam->nstreaming == 0 && cam->streaming) {
		/* Camera buffers only: nothing of the guest's is at the camera. */
		if (cam->defer_stop && !cam->user_mode) {
			cam->stop_due = true;
			return;
		}
		cam_stream_off(cam);
		cam->streaming = false;
		cam->user_mode = false;
		cam->user_owner = NULL;
		return;
	}
	if (cam->user_mode && cam->user_owner == dev) {
		/* Cannot happen (zero copy means one streamer); be safe. */
		cam_stream_off(cam);
		cam->user_mode = false;
		cam->user_owner = NULL;
		if (cam->ops->stream_on(cam->priv))
			cam->streaming = false;
	}
}

int vcamd_cam_buf_queued(struct vcamd_cam *cam, struct vcamd_dev *dev,
			 unsigned int index)
{
	if (!cam->user_mode || cam->user_owner != dev)
		return 0;
	return user_queue(cam, dev, index);
}

bool vcamd_cam_owns_bufs(const struct vcamd_cam *cam,
			 const struct vcamd_dev *dev)
{
	return cam->user_mode && cam->user_owner == dev;
}

void vcamd_cam_ctrl_changed(struct vcamd_cam *cam, struct vcamd_dev *from,
			    unsigned int type, int64_t val)
{
	struct xencamera_evt ev;
	struct vcamd_dev *u;
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
			vcamd_dev_post_event(u, &ev);
			vcamd_dev_flush_events(u);
			break;
		}
	}
}

/*
 * Guests are promised strictly increasing sequence numbers, a gap meaning
 * dropped frames.  Cameras do not all keep that promise: vivid repeats a
 * number when its capture thread falls behind (seen in the rig under TCG
 * load), so a number that does not move forward becomes last + 1.
 */
static uint32_t stream_seq(struct vcamd_dev *dev, uint32_t cam_seq)
{
	uint32_t s = cam_seq - dev->seq_base;

	if (dev->seq_sent && (int32_t)(s - dev->seq_last) <= 0) {
		/* move the base, so later frames follow on without a shift */
		dev->seq_base -= dev->seq_last + 1 - s;
		s = dev->seq_last + 1;
		dev->st.seq_fixups++;
	}
	dev->seq_last = s;
	dev->seq_sent = true;
	return s;
}

static void post_frame(struct vcamd_dev *dev, unsigned int idx, uint32_t used,
		       const struct vcamd_frame *fr)
{
	struct xencamera_evt ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = XENCAMERA_EVT_FRAME_AVAIL;
	ev.evt.frame_avail.index = (uint8_t)idx;
	ev.evt.frame_avail.used_sz = used;
	ev.evt.frame_avail.seq_num = stream_seq(dev, fr->seq);
	/* v1 peers get exactly v1's zeros there */
	if (dev->cfg.capture_time)
		vcam_evt_set_capture_time(&ev, fr->real_ns);
	vcamd_dev_post_event(dev, &ev);
	dev->st.frames++;
}

/* Zero copy: the camera wrote straight into guest buffer `cookie`. */
static void dev_deliver_in_place(struct vcamd_dev *dev,
				 const struct vcamd_frame *fr)
{
	struct vcamd_cam *cam = dev->cam;
	unsigned int idx = (unsigned int)fr->cookie;
	uint64_t limit;
	uint32_t used = fr->plane[0].used;

	if (fr->cookie < 0 || vcamd_buf_take(dev, idx)) {
		dev->st.drops++;	/* not a buffer the guest queued */
		return;
	}
	if (!vcamd_dev_evt_room(dev)) {
		/* No room to say so: a drop; the buffer goes straight back. */
		dev->st.drops++;
		dev->st.evt_full++;
		if (vcamd_buf_queue(dev, idx))
			log_warn("%s: cannot requeue buffer %u", dev->name,
				 idx);
		(void)cam;
		return;
	}
	limit = (uint64_t)dev->bufs[idx].npages * VCAMD_PAGE_SIZE;
	if (used > limit)
		used = (uint32_t)limit;
	dev->st.zero_copy++;
	post_frame(dev, idx, used, fr);
}

/* Copy one frame into the device's oldest queued buffer and announce it. */
static void dev_deliver(struct vcamd_dev *dev, const struct vcamd_frame *fr)
{
	struct vcamd_buf *b;
	uint64_t limit;
	uint32_t used = 0;
	unsigned int p;
	bool copied = false;
	int idx;

	if (!dev->seq_base_set) {
		dev->seq_base = fr->seq;
		dev->seq_base_set = true;
	}
	if (fr->nplanes && !fr->plane[0].data) {
		dev_deliver_in_place(dev, fr);
		return;
	}
	if (!dev->q_len || !vcamd_dev_evt_room(dev)) {
		dev->st.drops++;
		if (dev->q_len)
			dev->st.evt_full++;
		return;
	}
	idx = vcamd_buf_pop(dev);
	b = &dev->bufs[idx];
	limit = (uint64_t)b->npages * VCAMD_PAGE_SIZE;
	for (p = 0; p < fr->nplanes && p < XENCAMERA_MAX_PLANE; p++) {
		uint64_t off = b->plane_offset[p];
		uint32_t n = fr->plane[p].used;

		if (off >= limit)
			continue;
		if (off + n > limit)
			n = (uint32_t)(limit - off);
		if (fr->plane[p].data) {
			memcpy((char *)b->addr + off, fr->plane[p].data, n);
			copied = true;
		}
		used += n;
	}
	/* one copy of the frame, whatever the number of its planes */
	if (copied)
		dev->st.copies++;
	post_frame(dev, (unsigned int)idx, used, fr);
}

static void deliver_timed(struct vcamd_dev *u, const struct vcamd_frame *fr)
{
	uint64_t t0 = vcamd_cpu_ns();

	dev_deliver(u, fr);
	u->st.cpu_ns += vcamd_cpu_ns() - t0;
}

static int pump(struct vcamd_cam *cam)
{
	struct vcamd_frame fr;
	struct vcamd_dev *u;
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
		/* two clock reads a frame, only for a guest that takes them */
		for (u = cam->users; u && !fr.real_ns; u = u->cam_next)
			if (u->streaming && u->cfg.capture_time)
				fr.real_ns = vcamd_mono_to_real_ns(fr.mono_ns);
		for (u = cam->users; u; u = u->cam_next) {
			if (!u->streaming || u->broken)
				continue;
			if (cam->user_mode && u != cam->user_owner)
				continue;
			deliver_timed(u, &fr);
		}
		cam->ops->release_frame(cam->priv, &fr);
		n++;
	}
	for (u = cam->users; u; u = u->cam_next)
		if (!u->broken)
			vcamd_dev_flush_events(u);
	return n;
}

int vcamd_cam_pump(struct vcamd_cam *cam)
{
	uint64_t t0 = vcamd_cpu_ns();
	int n = pump(cam);

	cam->cpu_ns += vcamd_cpu_ns() - t0;
	return n;
}
