// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The request engine: requests produced on the ring, responses matched to
 * them.  Synchronous requests (one at a time, vcamfe_req_sync) wait for their
 * answer; BUF_QUEUE and BUF_DEQUEUE are asynchronous: queued on the pending
 * list, sent as the ring has room, answered whenever.  So is BUF_DESTROY of
 * a buffer vb2 frees (vcamfe_req_destroy_locked).  Everything under
 * req_lock except the waits.
 *
 * The ring is writable by the backend at any time, so rsp_prod and every
 * response are copied into a local first and validated there: anything an
 * honest backend cannot send puts the connection into the dead state
 * (vcamfe_broken) with one log line: no WARN, no out-of-bounds access, no
 * retry.
 */

#include "vcamfront.h"

/* Async request ids have the top bit set and the buffer index in the low 8. */
#define VCAMFE_ID_ASYNC		0x8000
#define VCAMFE_ID_INDEX(id)	((id) & 0xff)

static struct xencamera_req *next_req_locked(struct vcamfe_dev *cam, u16 id,
					     u8 op)
{
	struct xen_cameraif_front_ring *ring = &cam->evtchnl.ring;
	struct xencamera_req *req;

	req = RING_GET_REQUEST(ring, ring->req_prod_pvt);
	memset(req, 0, sizeof(*req));
	req->id = id;
	req->operation = op;
	ring->req_prod_pvt++;
	atomic64_inc(&cam->stats.requests);
	return req;
}

/*
 * Hand queued buffers to the backend as long as the ring has room.  This is
 * the hot path of streaming: it never waits for the backend; the response
 * and the FRAME_AVAIL event are handled when they arrive.
 */
void vcamfe_flush_pending_locked(struct vcamfe_dev *cam)
{
	struct xen_cameraif_front_ring *ring = &cam->evtchnl.ring;
	struct vcamfe_req *rq = &cam->req;
	struct vcamfe_buf *buf;
	bool sent = false;

	lockdep_assert_held(&cam->req_lock);
	while (!cam->dead && !list_empty(&rq->pending) && !RING_FULL(ring)) {
		struct xencamera_req *req;
		unsigned int index;
		u16 id;

		buf = list_first_entry(&rq->pending, struct vcamfe_buf, list);
		list_del_init(&buf->list);
		buf->pending = false;
		index = buf->vb.vb2_buf.index;
		id = VCAMFE_ID_ASYNC | ((rq->next_async++ & 0x7f) << 8) | index;
		req = next_req_locked(cam, id, buf->pending_op);
		req->req.index.index = index;
		if (buf->pending_op == XENCAMERA_OP_BUF_DEQUEUE) {
			buf->deq_id = id;
			buf->deq_inflight = true;
			rq->deqs_inflight++;
		} else {
			buf->queue_id = id;
			buf->queue_inflight = true;
			buf->with_be = true;
		}
		sent = true;
	}
	if (sent)
		vcamfe_evtchnl_push_locked(cam);
}

/*
 * vb2 frees a buffer (close, REQBUFS(0)): its BUF_DESTROY need not be
 * waited for.  The share (grants and our references on its pages) moves to
 * req.destroying and is freed when the answer comes; a refusal or no
 * answer leaves it to the connection's teardown, as a zombie.  Later
 * requests follow it on the ring, so a backend that takes them in order
 * (extension "in-order") has let go of the buffer before it sees them.  Only fe-alloc shares: a be-alloc share maps the
 * backend's pages, which a suspend must find (vcamfe_buf_unmap_backend).
 * False if it could not be sent this way (the caller waits instead).
 */
bool vcamfe_req_destroy_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf)
{
	struct xen_cameraif_front_ring *ring = &cam->evtchnl.ring;
	unsigned int index = buf->vb.vb2_buf.index;
	struct xencamera_req *req;
	struct vcamfe_share *z;
	u16 id;

	lockdep_assert_held(&cam->req_lock);
	if (cam->dead || !cam->req.in_order || RING_FULL(ring) ||
	    buf->sh.be_alloc || !buf->sh.shbuf_valid)
		return false;
	z = kmemdup(&buf->sh, sizeof(*z), GFP_KERNEL);
	if (!z)
		return false;
	id = VCAMFE_ID_ASYNC | ((cam->req.next_async++ & 0x7f) << 8) | index;
	z->destroy_id = id;
	list_add_tail(&z->list, &cam->req.destroying);
	memset(&buf->sh, 0, sizeof(buf->sh));
	req = next_req_locked(cam, id, XENCAMERA_OP_BUF_DESTROY);
	req->req.index.index = index;
	/* Free it soon: wake us for the answer (visible before the push). */
	ring->sring->rsp_event = ring->req_prod_pvt;
	vcamfe_evtchnl_push_locked(cam);
	return true;
}

/*
 * REQBUFS creates its buffers one after the other, each after vb2 has
 * allocated its memory: their BUF_CREATEs need not wait for each other's
 * answer.  The buffer is registered for the answer (stream.bufs) before
 * the request goes out; vcamfe_buf_wait_created takes the answer.  False
 * if the ring is full or the backend did not say it takes requests in
 * order (the caller waits instead).
 */
bool vcamfe_req_create_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			      const struct xencamera_buf_create_req *bc)
{
	struct xen_cameraif_front_ring *ring = &cam->evtchnl.ring;
	unsigned int index = buf->vb.vb2_buf.index;
	struct xencamera_req *req;
	u16 id;

	lockdep_assert_held(&cam->req_lock);
	if (cam->dead || RING_FULL(ring))
		return false;
	id = VCAMFE_ID_ASYNC | ((cam->req.next_async++ & 0x7f) << 8) | index;
	buf->create_id = id;
	buf->create_inflight = true;
	buf->create_unfinished = true;
	buf->create_status = 0;
	cam->stream.bufs[index] = buf;
	cam->req.creates_inflight++;
	req = next_req_locked(cam, id, XENCAMERA_OP_BUF_CREATE);
	req->req.buf_create = *bc;
	ring->sring->rsp_event = ring->req_prod_pvt;
	vcamfe_evtchnl_push_locked(cam);
	return true;
}

static void destroy_resp(struct vcamfe_dev *cam,
			 const struct xencamera_resp *resp)
{
	struct vcamfe_share *z;

	list_for_each_entry(z, &cam->req.destroying, list) {
		if (z->destroy_id != resp->id)
			continue;
		list_del(&z->list);
		if (resp->status) {
			mutex_lock(&cam->teardown.zombie_lock);
			list_add_tail(&z->list, &cam->teardown.zombies);
			mutex_unlock(&cam->teardown.zombie_lock);
			return;
		}
		vcamfe_share_free(z);
		kfree(z);
		return;
	}
	vcamfe_broken(cam, "stale response id %#x", resp->id);
}

/* The sync batch's ids: VCAMFE_ID_ASYNC clear, counting up, wrapping. */
static u16 sync_call_id(struct vcamfe_req *rq, unsigned int i)
{
	return (rq->sync_id + i) & ~VCAMFE_ID_ASYNC;
}

/* The connection died: every unanswered call of the batch gets -ENODEV. */
void vcamfe_req_abort_locked(struct vcamfe_dev *cam)
{
	struct vcamfe_req *rq = &cam->req;
	unsigned int i;

	if (!rq->sync_active)
		return;
	for (i = 0; i < rq->sync_n; i++)
		if (!(rq->sync_answered & BIT(i)))
			rq->sync_calls[i].resp.status = -ENODEV;
	rq->sync_active = false;
	complete(&rq->sync_done);
}

/* A response that belongs to the sync batch, or false. */
static bool sync_resp(struct vcamfe_req *rq, const struct xencamera_resp *resp)
{
	unsigned int i = (u16)(resp->id - rq->sync_id) & ~VCAMFE_ID_ASYNC;

	if (!rq->sync_active || i >= rq->sync_n ||
	    (rq->sync_answered & BIT(i)) ||
	    resp->operation != rq->sync_calls[i].op)
		return false;
	rq->sync_calls[i].resp = *resp;
	rq->sync_answered |= BIT(i);
	if (rq->sync_answered == BIT(rq->sync_n) - 1) {
		rq->sync_active = false;
		complete(&rq->sync_done);
	}
	return true;
}

/*
 * Synchronous requests, n of them at once, sent in order without waiting
 * for each other's answer; sleeps until all are answered, the device dies,
 * or the timeout.  A backend that takes ring requests in order (extension
 * "in-order") lets a later one see what an earlier one did (BUF_GET_LAYOUT
 * after CONFIG_SET): one ring round trip instead of n.  Any other backend
 * gets them one at a time.  A backend that does not answer in time is
 * treated as gone: its late answer could no longer be matched safely.
 * Each call's ret and resp are set; returns the first non-zero ret.
 */
int vcamfe_req_batch(struct vcamfe_dev *cam, struct vcamfe_call *calls,
		     unsigned int n)
{
	struct xen_cameraif_front_ring *ring = &cam->evtchnl.ring;
	struct vcamfe_req *rq = &cam->req;
	unsigned long timeout = msecs_to_jiffies(rq->timeout_ms);
	struct xencamera_req *req;
	unsigned int i;
	long left;
	int ret = 0;

	if (WARN_ON_ONCE(!n || n > VCAMFE_BATCH_MAX))
		return -EINVAL;
	if (n > 1 && !READ_ONCE(rq->in_order)) {
		for (i = 0; i < n; i++) {
			int r = vcamfe_req_batch(cam, &calls[i], 1);

			if (!ret)
				ret = r;
		}
		return ret;
	}
	for (i = 0; i < n; i++) {
		if (WARN_ON_ONCE(calls[i].len > sizeof(req->req)))
			return -EINVAL;
		memset(&calls[i].resp, 0, sizeof(calls[i].resp));
		calls[i].ret = 0;
	}

	mutex_lock(&rq->sync_mutex);
	mutex_lock(&cam->req_lock);
	while (!cam->dead && RING_FREE_REQUESTS(ring) < n) {
		int more;

		/* lazily collected responses may be all that fills it */
		RING_FINAL_CHECK_FOR_RESPONSES(ring, more);
		if (more) {
			vcamfe_drain_locked(cam);
			continue;
		}
		mutex_unlock(&cam->req_lock);
		left = wait_event_timeout(rq->ring_wq,
					  READ_ONCE(cam->dead) ||
					  RING_FREE_REQUESTS(ring) >= n,
					  timeout);
		mutex_lock(&cam->req_lock);
		if (!left && !cam->dead && RING_FREE_REQUESTS(ring) < n)
			vcamfe_broken(cam, "request ring stays full");
	}
	if (cam->dead) {
		mutex_unlock(&cam->req_lock);
		mutex_unlock(&rq->sync_mutex);
		for (i = 0; i < n; i++)
			calls[i].ret = -ENODEV;
		return -ENODEV;
	}
	rq->sync_id = rq->next_id & ~VCAMFE_ID_ASYNC;
	rq->next_id += n;
	rq->sync_n = n;
	rq->sync_answered = 0;
	rq->sync_calls = calls;
	rq->sync_active = true;
	reinit_completion(&rq->sync_done);
	for (i = 0; i < n; i++) {
		req = next_req_locked(cam, sync_call_id(rq, i), calls[i].op);
		if (calls[i].len)
			memcpy(&req->req, calls[i].payload, calls[i].len);
	}
	/*
	 * Wake us when every request so far is answered, ours included;
	 * visible to the backend before the requests (the push's barrier).
	 */
	ring->sring->rsp_event = ring->req_prod_pvt;
	vcamfe_evtchnl_push_locked(cam);
	mutex_unlock(&cam->req_lock);

	left = wait_for_completion_timeout(&rq->sync_done, timeout);

	mutex_lock(&cam->req_lock);
	if (!left && rq->sync_active)
		vcamfe_broken(cam, "no response to operation %u in %u ms",
			      calls[ffz(rq->sync_answered)].op, rq->timeout_ms);
	for (i = 0; i < n; i++) {
		s32 st = calls[i].resp.status;

		if (cam->dead && st == -ENODEV)
			calls[i].ret = -ENODEV;
		else if (st)
			/* Only what Xen defines reaches the caller, say no -ERESTARTSYS */
			calls[i].ret = vcam_errno_of_status(st);
		if (!ret)
			ret = calls[i].ret;
	}
	rq->sync_calls = NULL;
	mutex_unlock(&cam->req_lock);
	mutex_unlock(&rq->sync_mutex);
	return ret;
}

/* One synchronous request: a batch of one. */
int vcamfe_req_sync(struct vcamfe_dev *cam, u8 op, const void *payload,
		    size_t len, struct xencamera_resp *resp)
{
	struct vcamfe_call call = { .op = op, .payload = payload, .len = len };
	int ret = vcamfe_req_batch(cam, &call, 1);

	if (resp)
		*resp = call.resp;
	return ret;
}

static void handle_async_resp(struct vcamfe_dev *cam,
			      const struct xencamera_resp *resp)
{
	unsigned int index = VCAMFE_ID_INDEX(resp->id);
	struct vcamfe_buf *buf;

	if (resp->operation == XENCAMERA_OP_BUF_DESTROY) {
		destroy_resp(cam, resp);
		return;
	}
	if (resp->operation == XENCAMERA_OP_BUF_CREATE) {
		buf = index < VB2_MAX_FRAME ? cam->stream.bufs[index] : NULL;
		if (!buf || !buf->create_inflight || buf->create_id != resp->id) {
			vcamfe_broken(cam, "stale response id %#x", resp->id);
			return;
		}
		buf->create_status = resp->status;
		WRITE_ONCE(buf->create_inflight, false);
		cam->req.creates_inflight--;
		/* vcamfe_buf_wait_created waits there; woken after the drain */
		return;
	}
	if (index >= cam->stream.num_bufs || !cam->stream.bufs[index] ||
	    (resp->operation != XENCAMERA_OP_BUF_QUEUE &&
	     resp->operation != XENCAMERA_OP_BUF_DEQUEUE)) {
		vcamfe_broken(cam, "response id %#x op %u matches no request",
			      resp->id, resp->operation);
		return;
	}
	buf = cam->stream.bufs[index];
	if (resp->operation == XENCAMERA_OP_BUF_DEQUEUE) {
		if (!buf->deq_inflight || buf->deq_id != resp->id) {
			vcamfe_broken(cam, "stale response id %#x", resp->id);
			return;
		}
		vcamfe_dequeue_resp_locked(cam, buf, resp);
		return;
	}
	if (!buf->queue_inflight || buf->queue_id != resp->id) {
		vcamfe_broken(cam, "stale response id %#x", resp->id);
		return;
	}
	buf->queue_inflight = false;
	if (resp->status && buf->with_be) {
		/* The backend refused the buffer: the app sees an error. */
		buf->with_be = false;
		atomic64_inc(&cam->stats.errors);
		buf->vb.vb2_buf.planes[0].bytesused = 0;
		vcamfe_buf_done_locked(cam, buf, VB2_BUF_STATE_ERROR);
	}
}

int vcamfe_req_drain_locked(struct vcamfe_dev *cam)
{
	struct xen_cameraif_front_ring *ring = &cam->evtchnl.ring;
	struct vcamfe_req *rq = &cam->req;
	struct xencamera_resp resp;
	RING_IDX rp, i;
	int n = 0;

	rp = READ_ONCE(ring->sring->rsp_prod);
	virt_rmb();	/* read responses only after rsp_prod */
	if (RING_RESPONSE_PROD_OVERFLOW(ring, rp) ||
	    rp - ring->rsp_cons > ring->req_prod_pvt - ring->rsp_cons) {
		vcamfe_broken(cam, "rsp_prod %u out of range (cons %u, req %u)",
			      rp, ring->rsp_cons, ring->req_prod_pvt);
		return 0;
	}
	for (i = ring->rsp_cons; i != rp && !cam->dead; i++) {
		RING_COPY_RESPONSE(ring, i, &resp);
		n++;
		if (resp.id & VCAMFE_ID_ASYNC) {
			handle_async_resp(cam, &resp);
		} else if (!sync_resp(rq, &resp)) {
			vcamfe_broken(cam, "response id %#x op %u unexpected",
				      resp.id, resp.operation);
		}
	}
	if (!cam->dead)
		ring->rsp_cons = rp;
	if (n) {
		wake_up(&rq->ring_wq);
		vcamfe_flush_pending_locked(cam);
	}
	return n;
}

/*
 * BUF_QUEUE responses are not worth an interrupt each: they only matter
 * when they report an error, and they are collected with the next
 * FRAME_AVAIL.  So responses wake us only while someone waits for one: a
 * synchronous request (which sets rsp_event itself), a full ring, or a
 * filled buffer waiting for its BUF_DEQUEUE's answer (no avail-dequeues).
 */
bool vcamfe_req_awaits_rsp_locked(struct vcamfe_dev *cam)
{
	return cam->req.sync_active || RING_FULL(&cam->evtchnl.ring) ||
	       cam->req.deqs_inflight || cam->req.creates_inflight ||
	       !list_empty(&cam->req.destroying);
}
