// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * videobuf2 glue.  Ownership follows ring/PROTOCOL.md: buf_init creates the
 * buffer on the backend (BUF_CREATE), buf_queue hands it over (BUF_QUEUE,
 * asynchronous), FRAME_AVAIL hands it back, stop_streaming takes every
 * buffer back with STREAM_STOP.  vb2_vmalloc pages are ordinary kernel
 * pages, so they can be granted whichever way the memory came in.
 */

#include <linux/math64.h>

#include <media/videobuf2-vmalloc.h>

#include "vcamfront.h"

static struct vcamfe_buf *to_vcam_buf(struct vb2_buffer *vb)
{
	return container_of(to_vb2_v4l2_buffer(vb), struct vcamfe_buf, vb);
}

/*
 * Every buffer vb2 gave us goes back through here, with req_lock held.
 * Outside streaming vb2 hands buffers to the driver only inside
 * vb2_start_streaming, and if start_streaming then fails it wants every one
 * back as VB2_BUF_STATE_QUEUED: one on its done list (a refused BUF_QUEUE,
 * a backend dying during the start, even an early frame) is a WARNING
 * there.  So until the start is decided such a buffer waits, parked with
 * its state (vcamfe_start_decided).
 */
void vcamfe_buf_done_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			    enum vb2_buffer_state state)
{
	lockdep_assert_held(&cam->req_lock);
	if (!cam->stream.streaming) {
		buf->parked = true;
		buf->parked_state = state;
		return;
	}
	buf->owned = false;
	vb2_buffer_done(&buf->vb.vb2_buf, state);
}

/* Take a buffer back from wherever the exchange with the backend left it. */
static void buf_take_back_locked(struct vcamfe_buf *buf)
{
	if (buf->pending)
		list_del_init(&buf->list);
	buf->pending = false;
	buf->with_be = false;
	vcamfe_handback_reset(buf);
}

/* Called with req_lock held: every buffer we own goes back to vb2. */
void vcamfe_return_all_locked(struct vcamfe_dev *cam,
			      enum vb2_buffer_state state)
{
	int i;

	for (i = 0; i < VB2_MAX_FRAME; i++) {
		struct vcamfe_buf *buf = cam->stream.bufs[i];

		if (!buf || !buf->owned || buf->parked)
			continue;
		buf_take_back_locked(buf);
		vcamfe_buf_done_locked(cam, buf, state);
	}
}

/*
 * start_streaming's outcome, with req_lock held.  Started: buffers parked
 * meanwhile go back as they finished.  Not started: every buffer we own
 * goes back QUEUED, as vb2 requires.  vb2's own list is walked (we run
 * under the queue's lock), so no buffer escapes.
 */
static void vcamfe_start_decided(struct vcamfe_dev *cam, struct vb2_queue *q,
				 bool started)
{
	unsigned int i;

	lockdep_assert_held(&cam->req_lock);
	cam->stream.streaming = started;
	for (i = 0; i < q->num_buffers; i++) {
		struct vcamfe_buf *buf = to_vcam_buf(q->bufs[i]);
		enum vb2_buffer_state state = buf->parked_state;

		if (!buf->owned || (started && !buf->parked))
			continue;
		if (!started) {
			buf_take_back_locked(buf);
			state = VB2_BUF_STATE_QUEUED;
		}
		buf->parked = false;
		buf->owned = false;
		vb2_buffer_done(&buf->vb.vb2_buf, state);
	}
}

/* BUF_REQUEST(0): the backend frees its side; needed before CONFIG_SET. */
int vcamfe_bufs_release(struct vcamfe_dev *cam)
{
	struct xencamera_buf_request br = { .num_bufs = 0 };
	int ret;

	if (!cam->stream.num_bufs)
		return 0;
	ret = vcamfe_req_sync(cam, XENCAMERA_OP_BUF_REQUEST, &br, sizeof(br),
			      NULL);
	cam->stream.num_bufs = 0;
	return ret;
}

static int vcamfe_bufs_request(struct vcamfe_dev *cam)
{
	struct xencamera_buf_request br = {
		.num_bufs = cam->cfg.max_buffers,
	};
	struct xencamera_resp resp;
	int ret, n;

	if (cam->stream.num_bufs)
		return 0;
	ret = vcamfe_req_sync(cam, XENCAMERA_OP_BUF_REQUEST, &br, sizeof(br),
			      &resp);
	if (ret)
		return ret;
	n = resp.resp.buf_request.num_bufs;
	if (n < 1 || n > cam->cfg.max_buffers) {
		dev_err(&cam->xb_dev->dev, "backend granted %d buffers of %d\n",
			n, cam->cfg.max_buffers);
		return -EIO;
	}
	cam->stream.num_bufs = n;
	return 0;
}

/* Size of vb2 plane p of the current format. */
static unsigned int plane_need(struct vcamfe_dev *cam, unsigned int p)
{
	return cam->mem_planes == 1 ? cam->layout.size :
				      cam->layout.plane_size[p];
}

/* A vb2 buffer can take frames of the current format. */
static bool buf_fits(struct vcamfe_dev *cam, struct vb2_buffer *vb)
{
	unsigned int p;

	if (!cam->layout.size || vb->num_planes != cam->mem_planes)
		return false;
	for (p = 0; p < vb->num_planes; p++)
		if (vb2_plane_size(vb, p) < plane_need(cam, p))
			return false;
	return true;
}

static int vcamfe_queue_setup(struct vb2_queue *q, unsigned int *nbuffers,
			      unsigned int *nplanes, unsigned int sizes[],
			    struct device *alloc_devs[])
{
	struct vcamfe_dev *cam = vb2_get_drv_priv(q);
	unsigned int avail, p;
	int ret;

	if (READ_ONCE(cam->dead))
		return -ENODEV;
	if (!cam->layout.size)
		return -EINVAL;
	if (*nplanes) {
		if (*nplanes != cam->mem_planes)
			return -EINVAL;
		for (p = 0; p < *nplanes; p++)
			if (sizes[p] < plane_need(cam, p))
				return -EINVAL;
	} else {
		*nplanes = cam->mem_planes;
		for (p = 0; p < *nplanes; p++)
			sizes[p] = plane_need(cam, p);
	}
	ret = vcamfe_bufs_request(cam);
	if (ret)
		return ret;
	if (q->num_buffers >= cam->stream.num_bufs)
		return -ENOBUFS;
	avail = cam->stream.num_bufs - q->num_buffers;
	*nbuffers = min(*nbuffers, avail);
	return 0;
}

static int vcamfe_buf_init(struct vb2_buffer *vb)
{
	struct vcamfe_dev *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct vcamfe_buf *buf = to_vcam_buf(vb);
	int ret;

	if (vb->index >= cam->stream.num_bufs || !buf_fits(cam, vb))
		return -EINVAL;
	INIT_LIST_HEAD(&buf->list);
	buf->owned = false;
	buf->parked = false;
	buf->pending = false;
	buf->with_be = false;
	buf->queue_inflight = false;
	buf->deq_inflight = false;
	buf->create_unfinished = false;
	buf->create_inflight = false;
	vcamfe_handback_reset(buf);
	ret = vcamfe_buf_share(cam, buf);
	if (ret)
		return ret;
	mutex_lock(&cam->req_lock);
	cam->stream.bufs[vb->index] = buf;
	cam->stream.num_created++;
	mutex_unlock(&cam->req_lock);
	return 0;
}

static void vcamfe_buf_cleanup(struct vb2_buffer *vb)
{
	struct vcamfe_dev *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct vcamfe_buf *buf = to_vcam_buf(vb);
	struct xencamera_index idx = { .index = vb->index };
	bool be_done = false, sent;

	vcamfe_buf_wait_created(cam, buf);
	if (!buf->created)
		return;
	mutex_lock(&cam->req_lock);
	sent = vcamfe_req_destroy_locked(cam, buf);
	if (sent) {
		if (cam->stream.bufs[vb->index] == buf)
			cam->stream.bufs[vb->index] = NULL;
		cam->stream.num_created--;
	}
	mutex_unlock(&cam->req_lock);
	if (sent) {
		buf->created = false;
		buf->shadow = NULL;
		return;
	}
	if (!READ_ONCE(cam->dead))
		be_done = !vcamfe_req_sync(cam, XENCAMERA_OP_BUF_DESTROY, &idx,
					 sizeof(idx), NULL);
	mutex_lock(&cam->req_lock);
	if (cam->stream.bufs[vb->index] == buf)
		cam->stream.bufs[vb->index] = NULL;
	cam->stream.num_created--;
	mutex_unlock(&cam->req_lock);
	buf->created = false;
	vcamfe_buf_unshare(cam, buf, be_done);
	/*
	 * The BUF_REQUEST grant is kept: USERPTR re-creates buffers on the
	 * fly.  S_FMT and S_PARM give it back before reconfiguring.
	 */
}

static int vcamfe_buf_prepare(struct vb2_buffer *vb)
{
	struct vcamfe_dev *cam = vb2_get_drv_priv(vb->vb2_queue);
	unsigned int p;
	int ret;

	if (READ_ONCE(cam->dead))
		return -ENODEV;
	ret = vcamfe_buf_wait_created(cam, to_vcam_buf(vb));
	if (ret)
		return ret;
	if (!buf_fits(cam, vb))
		return -EINVAL;
	for (p = 0; p < vb->num_planes; p++)
		vb2_set_plane_payload(vb, p, plane_need(cam, p));
	return 0;
}

static void vcamfe_buf_queue(struct vb2_buffer *vb)
{
	struct vcamfe_dev *cam = vb2_get_drv_priv(vb->vb2_queue);
	struct vcamfe_buf *buf = to_vcam_buf(vb);

	mutex_lock(&cam->req_lock);
	buf->owned = true;
	if (cam->dead) {
		vcamfe_buf_done_locked(cam, buf, VB2_BUF_STATE_ERROR);
		mutex_unlock(&cam->req_lock);
		return;
	}
	buf->pending = true;
	buf->pending_op = XENCAMERA_OP_BUF_QUEUE;
	list_add_tail(&buf->list, &cam->req.pending);
	vcamfe_flush_pending_locked(cam);
	mutex_unlock(&cam->req_lock);
}

/*
 * A backend process can die without a word in xenstore; a stream that has
 * buffers out and delivers nothing would then block DQBUF forever.  After a
 * watchdog period of silence ask the backend something cheap: an answer
 * means the camera is just slow, no answer (vcamfe_req_sync's timeout) marks
 * the device dead and every waiter gets an error.  The period is
 * VCAMFE_WATCHDOG_MS or four frame intervals, whichever is longer: a slow
 * camera (0.1 fps) is asked only after 40 s without a frame.
 */
#define VCAMFE_WATCHDOG_MS	5000
#define VCAMFE_WATCHDOG_MAX_MS	(3600 * 1000)

static unsigned int vcamfe_watchdog_ms(struct vcamfe_dev *cam)
{
	/* The rate is frame_rate_numer / frame_rate_denom frames a second. */
	u32 n = READ_ONCE(cam->config.frame_rate_numer);
	u32 d = READ_ONCE(cam->config.frame_rate_denom);
	u64 ms;

	if (!n || !d)
		return VCAMFE_WATCHDOG_MS;
	ms = div_u64(4000ULL * d, n);
	return clamp_t(u64, ms, VCAMFE_WATCHDOG_MS, VCAMFE_WATCHDOG_MAX_MS);
}

static void vcamfe_watchdog(struct work_struct *work)
{
	struct vcamfe_dev *cam = container_of(to_delayed_work(work),
					    struct vcamfe_dev, stream.watchdog);
	unsigned int period = vcamfe_watchdog_ms(cam);
	bool waiting = false;
	int i;

	if (READ_ONCE(cam->dead))
		return;
	mutex_lock(&cam->req_lock);
	for (i = 0; i < VB2_MAX_FRAME; i++)
		if (cam->stream.bufs[i] && cam->stream.bufs[i]->with_be)
			waiting = true;
	mutex_unlock(&cam->req_lock);
	if (waiting && time_after(jiffies, READ_ONCE(cam->stream.last_frame) +
				  msecs_to_jiffies(period)))
		vcamfe_req_sync(cam, XENCAMERA_OP_CONFIG_GET, NULL, 0, NULL);
	if (!READ_ONCE(cam->dead))
		queue_delayed_work(vcamfe_wq, &cam->stream.watchdog,
				   msecs_to_jiffies(period));
}

static int vcamfe_start_streaming(struct vb2_queue *q, unsigned int count)
{
	struct vcamfe_dev *cam = vb2_get_drv_priv(q);
	int ret;

	cam->stream.seq_valid = false;
	cam->stream.last_frame = jiffies;
	ret = vcamfe_req_sync(cam, XENCAMERA_OP_STREAM_START, NULL, 0, NULL);
	if (!ret)
		ret = vcamfe_poller_start(cam);
	if (!ret) {
		mutex_lock(&cam->req_lock);
		/* Dead now: vcamfe_mark_dead did not see a stream to end. */
		if (!cam->dead) {
			vcamfe_start_decided(cam, q, true);
			mutex_unlock(&cam->req_lock);
			queue_delayed_work(vcamfe_wq, &cam->stream.watchdog,
					   msecs_to_jiffies(vcamfe_watchdog_ms(cam)));
			return 0;
		}
		mutex_unlock(&cam->req_lock);
		vcamfe_poller_stop(cam);
		ret = -ENODEV;
	}
	if (!READ_ONCE(cam->dead))
		vcamfe_req_sync(cam, XENCAMERA_OP_STREAM_STOP, NULL, 0, NULL);
	mutex_lock(&cam->req_lock);
	vcamfe_start_decided(cam, q, false);
	mutex_unlock(&cam->req_lock);
	return ret;
}

static void vcamfe_stop_streaming(struct vb2_queue *q)
{
	struct vcamfe_dev *cam = vb2_get_drv_priv(q);

	cancel_delayed_work_sync(&cam->stream.watchdog);
	vcamfe_poller_stop(cam);
	if (!READ_ONCE(cam->dead))
		vcamfe_req_sync(cam, XENCAMERA_OP_STREAM_STOP, NULL, 0, NULL);
	mutex_lock(&cam->req_lock);
	/* Frames the backend finished before the stop are still delivered. */
	vcamfe_drain_locked(cam);
	vcamfe_return_all_locked(cam, VB2_BUF_STATE_ERROR);
	cam->stream.streaming = false;
	mutex_unlock(&cam->req_lock);
}

/*
 * REQBUFS with MMAP memory: vb2 allocates and initialises the buffers one
 * after the other, and each BUF_CREATE goes out without waiting for the
 * previous one's answer (one ring round trip for all, and the backend maps
 * a buffer while we allocate the next).  The answers are taken before
 * REQBUFS returns.  If the backend refused any, REQBUFS is done again the
 * ordinary way, one BUF_CREATE at a time, so that it ends as it always
 * did: with the buffers before the first refusal, or an error.
 */
static int reqbufs(struct file *file, void *priv,
		   struct v4l2_requestbuffers *p)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	struct vb2_queue *q = &cam->queue;
	unsigned int i, count = p->count;
	int ret, err = 0;

	cam->create_async = p->memory == V4L2_MEMORY_MMAP;
	ret = vb2_ioctl_reqbufs(file, priv, p);
	cam->create_async = false;
	for (i = 0; i < q->num_buffers; i++) {
		int r = vcamfe_buf_wait_created(cam, to_vcam_buf(q->bufs[i]));

		if (r && !err)
			err = r;
	}
	if (ret || !err)
		return ret;
	p->count = 0;
	vb2_ioctl_reqbufs(file, priv, p);
	if (err == -ENODEV)
		return err;
	p->count = count;
	return vb2_ioctl_reqbufs(file, priv, p);
}

/*
 * The vb2 memory ops of a queue: the backend's own pages for MMAP when
 * zero copy is possible (vcamfront_zc.c), pages without a kernel mapping
 * for MMAP with fe-alloc (vcamfront_pages.c), vb2-vmalloc otherwise and at
 * rest, since read() and poll() start vb2's read emulation on whatever
 * ops the queue has, and it needs kernel addresses.  Buffers are freed by
 * the ops that allocated them, so the ops change only while there are
 * none.  Under cam->lock.
 */
static int mem_ops_pick(struct file *file, void *priv, u32 memory,
			bool may_free)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	struct vb2_queue *q = &cam->queue;
	const struct vb2_mem_ops *want = &vb2_vmalloc_memops;
	struct v4l2_requestbuffers none = {
		.type = q->type, .memory = q->memory,
	};
	int ret;

	/* vb2 refuses these itself; nothing is freed for a malformed call. */
	if (memory != V4L2_MEMORY_MMAP && memory != V4L2_MEMORY_USERPTR &&
	    memory != V4L2_MEMORY_DMABUF)
		return 0;
	if (memory == V4L2_MEMORY_MMAP && vcamfe_zc_possible(cam))
		want = &vcamfe_zc_memops;
	else if (memory == V4L2_MEMORY_MMAP && vcamfe_pages_possible(cam))
		want = &vcamfe_pages_memops;
	if (q->mem_ops == want)
		return 0;
	if (q->num_buffers) {
		if (!may_free)
			return 0;
		/* REQBUFS frees them anyway; first, with their own ops. */
		ret = vb2_ioctl_reqbufs(file, priv, &none);
		if (ret)
			return ret;
	}
	q->mem_ops = want;
	return 0;
}

void vcamfe_mem_ops_rest(struct vcamfe_dev *cam)
{
	if (!cam->queue.num_buffers)
		cam->queue.mem_ops = &vb2_vmalloc_memops;
}

/*
 * REQBUFS: the memory ops first, then the buffers.  REQBUFS(0) too: vb2
 * checks the memory type asked for against the queue's ops before it frees
 * anything, and our ops have no USERPTR or DMABUF side, so REQBUFS(0,
 * DMABUF) would fail and leave MMAP buffers of ours in the queue.
 */
int vcamfe_vb2_reqbufs(struct file *file, void *priv,
		       struct v4l2_requestbuffers *p)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	int ret;

	ret = p->type == cam->queue.type ?
	      mem_ops_pick(file, priv, p->memory, true) : 0;
	if (!ret)
		ret = reqbufs(file, priv, p);
	vcamfe_mem_ops_rest(cam);
	return ret;
}

int vcamfe_vb2_create_bufs(struct file *file, void *priv,
			   struct v4l2_create_buffers *p)
{
	struct vcamfe_dev *cam = video_drvdata(file);
	int ret;

	/* CREATE_BUFS(0) asks whether the memory type would do: the same. */
	ret = mem_ops_pick(file, priv, p->memory, false);
	if (!ret)
		ret = vb2_ioctl_create_bufs(file, priv, p);
	vcamfe_mem_ops_rest(cam);
	return ret;
}

static const struct vb2_ops vcamfe_vb2_ops = {
	.queue_setup = vcamfe_queue_setup,
	.buf_init = vcamfe_buf_init,
	.buf_cleanup = vcamfe_buf_cleanup,
	.buf_prepare = vcamfe_buf_prepare,
	.buf_queue = vcamfe_buf_queue,
	.start_streaming = vcamfe_start_streaming,
	.stop_streaming = vcamfe_stop_streaming,
	.wait_prepare = vb2_ops_wait_prepare,
	.wait_finish = vb2_ops_wait_finish,
};

int vcamfe_vb2_init(struct vcamfe_dev *cam)
{
	struct vb2_queue *q = &cam->queue;

	/*
	 * vb2's read() emulation handles single-plane buffers only, and a
	 * multi-planar device may switch to a multi-plane format at any time:
	 * no read() there.
	 */
	if (cam->mplane) {
		q->type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
		q->io_modes = VB2_MMAP | VB2_USERPTR | VB2_DMABUF;
	} else {
		q->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
		q->io_modes = VB2_MMAP | VB2_USERPTR | VB2_DMABUF | VB2_READ;
	}
	q->drv_priv = cam;
	q->buf_struct_size = sizeof(struct vcamfe_buf);
	q->ops = &vcamfe_vb2_ops;
	q->mem_ops = &vb2_vmalloc_memops;
	q->timestamp_flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
	q->min_buffers_needed = 1;
	q->lock = &cam->lock;
	q->dev = &cam->xb_dev->dev;
	INIT_DELAYED_WORK(&cam->stream.watchdog, vcamfe_watchdog);
	return vb2_queue_init(q);
}
