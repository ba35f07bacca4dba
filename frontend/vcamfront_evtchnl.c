// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The two shared pages: the request ring (we produce requests, consume
 * responses) and the event page (we consume FRAME_AVAIL and CTRL_CHANGE
 * events).  Their event channels are vcamfront_irq.c's; everything here
 * runs in process context under req_lock.
 *
 * Both pages are writable by the backend at any time, so every index and
 * every packet is copied into a local first and validated there.  Anything
 * that cannot happen with an honest backend puts the device into the dead
 * state with one log line: no WARN, no out-of-bounds access, no retry.
 */

#include <linux/slab.h>

#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>

#include "vcamfront.h"

/* Async request ids have the top bit set and the buffer index in the low 8. */
#define VCAM_ID_ASYNC		0x8000
#define VCAM_ID_INDEX(id)	((id) & 0xff)

void vcam_broken(struct vcam_dev *cam, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	atomic64_inc(&cam->stats.errors);
	if (!cam->broken_logged) {
		cam->broken_logged = true;
		va_start(args, fmt);
		vaf.fmt = fmt;
		vaf.va = &args;
		dev_err(&cam->xb_dev->dev, "backend misbehaves: %pV\n", &vaf);
		va_end(args);
		/* Tell it we are done, so it lets go of our pages. */
		schedule_work(&cam->broken_work);
	}
	vcam_mark_dead(cam, NULL);
}

/*
 * Called with req_lock held.  From here on nothing is sent; buffers the
 * backend held are handed back to vb2 as errors and every waiter returns.
 */
void vcam_mark_dead(struct vcam_dev *cam, const char *why)
{
	lockdep_assert_held(&cam->req_lock);
	if (why && !cam->dead)
		dev_info(&cam->xb_dev->dev, "%s\n", why);
	cam->dead = true;
	if (cam->sync_active) {
		cam->sync_active = false;
		cam->sync_resp.status = -ENODEV;
		complete(&cam->sync_done);
	}
	vcam_return_all_locked(cam, VB2_BUF_STATE_ERROR);
	if (cam->registered)
		vb2_queue_error(&cam->queue);
	wake_up_all(&cam->ring_wq);
	cam->poller_kick = true;
	wake_up(&cam->poller_wq);
}

static void notify_backend_locked(struct vcam_dev *cam)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&cam->ring, notify);
	if (notify && !cam->irqs_gone) {
		notify_remote_via_irq(cam->req_ch.irq);
		atomic64_inc(&cam->stats.notify_sent);
	}
}

static struct xencamera_req *next_req_locked(struct vcam_dev *cam, u16 id,
					     u8 op)
{
	struct xencamera_req *req;

	req = RING_GET_REQUEST(&cam->ring, cam->ring.req_prod_pvt);
	memset(req, 0, sizeof(*req));
	req->id = id;
	req->operation = op;
	cam->ring.req_prod_pvt++;
	atomic64_inc(&cam->stats.requests);
	return req;
}

/*
 * Hand queued buffers to the backend as long as the ring has room.  This is
 * the hot path of streaming: it never waits for the backend; the response
 * and the FRAME_AVAIL event are handled when they arrive.
 */
void vcam_flush_pending_locked(struct vcam_dev *cam)
{
	struct vcam_buf *buf;
	bool sent = false;

	lockdep_assert_held(&cam->req_lock);
	while (!cam->dead && !list_empty(&cam->pending) &&
	       !RING_FULL(&cam->ring)) {
		struct xencamera_req *req;
		unsigned int index;
		u16 id;

		buf = list_first_entry(&cam->pending, struct vcam_buf, list);
		list_del_init(&buf->list);
		buf->pending = false;
		index = buf->vb.vb2_buf.index;
		id = VCAM_ID_ASYNC | ((cam->next_async++ & 0x7f) << 8) | index;
		req = next_req_locked(cam, id, buf->pending_op);
		req->req.index.index = index;
		if (buf->pending_op == XENCAMERA_OP_BUF_DEQUEUE) {
			buf->deq_id = id;
			buf->deq_inflight = true;
			cam->deqs_inflight++;
		} else {
			buf->queue_id = id;
			buf->queue_inflight = true;
			buf->with_be = true;
		}
		sent = true;
	}
	if (sent)
		notify_backend_locked(cam);
}

/*
 * One synchronous request; sleeps until its response, the device dies, or
 * the timeout.  A backend that does not answer in time is treated as gone:
 * its late answer could no longer be matched safely.
 */
int vcam_req_sync(struct vcam_dev *cam, u8 op, const void *payload,
		  size_t len, struct xencamera_resp *resp)
{
	unsigned long timeout = msecs_to_jiffies(cam->timeout_ms);
	struct xencamera_req *req;
	long left;
	int ret;

	if (WARN_ON_ONCE(len > sizeof(req->req)))
		return -EINVAL;

	mutex_lock(&cam->sync_mutex);
	mutex_lock(&cam->req_lock);
	while (!cam->dead && RING_FULL(&cam->ring)) {
		int more;

		/* lazily collected responses may be all that fills it */
		RING_FINAL_CHECK_FOR_RESPONSES(&cam->ring, more);
		if (more) {
			vcam_drain_locked(cam);
			continue;
		}
		mutex_unlock(&cam->req_lock);
		left = wait_event_timeout(cam->ring_wq,
					  READ_ONCE(cam->dead) ||
					  !RING_FULL(&cam->ring), timeout);
		mutex_lock(&cam->req_lock);
		if (!left && !cam->dead && RING_FULL(&cam->ring))
			vcam_broken(cam, "request ring stays full");
	}
	if (cam->dead) {
		mutex_unlock(&cam->req_lock);
		mutex_unlock(&cam->sync_mutex);
		return -ENODEV;
	}
	cam->sync_id = cam->next_id++ & ~VCAM_ID_ASYNC;
	cam->sync_op = op;
	cam->sync_active = true;
	reinit_completion(&cam->sync_done);
	req = next_req_locked(cam, cam->sync_id, op);
	if (len)
		memcpy(&req->req, payload, len);
	/*
	 * Wake us when every request so far is answered, ours included;
	 * visible to the backend before the request (the push's barrier).
	 */
	cam->ring.sring->rsp_event = cam->ring.req_prod_pvt;
	notify_backend_locked(cam);
	mutex_unlock(&cam->req_lock);

	left = wait_for_completion_timeout(&cam->sync_done, timeout);

	mutex_lock(&cam->req_lock);
	if (!left && cam->sync_active)
		vcam_broken(cam, "no response to operation %u in %u ms", op,
			    cam->timeout_ms);
	if (cam->dead && cam->sync_resp.status == -ENODEV) {
		ret = -ENODEV;
	} else if (cam->sync_resp.status) {
		/* Only what Xen defines reaches the caller, say no -ERESTARTSYS */
		ret = vcam_errno_of_status(cam->sync_resp.status);
	} else {
		ret = 0;
	}
	if (resp)
		*resp = cam->sync_resp;
	mutex_unlock(&cam->req_lock);
	mutex_unlock(&cam->sync_mutex);
	return ret;
}

static void handle_async_resp(struct vcam_dev *cam,
			      const struct xencamera_resp *resp)
{
	unsigned int index = VCAM_ID_INDEX(resp->id);
	struct vcam_buf *buf;

	if (index >= cam->num_bufs || !cam->bufs[index] ||
	    (resp->operation != XENCAMERA_OP_BUF_QUEUE &&
	     resp->operation != XENCAMERA_OP_BUF_DEQUEUE)) {
		vcam_broken(cam, "response id %#x op %u matches no request",
			    resp->id, resp->operation);
		return;
	}
	buf = cam->bufs[index];
	if (resp->operation == XENCAMERA_OP_BUF_DEQUEUE) {
		if (!buf->deq_inflight || buf->deq_id != resp->id) {
			vcam_broken(cam, "stale response id %#x", resp->id);
			return;
		}
		vcam_dequeue_resp_locked(cam, buf, resp);
		return;
	}
	if (!buf->queue_inflight || buf->queue_id != resp->id) {
		vcam_broken(cam, "stale response id %#x", resp->id);
		return;
	}
	buf->queue_inflight = false;
	if (resp->status && buf->with_be) {
		/* The backend refused the buffer: the app sees an error. */
		buf->with_be = false;
		atomic64_inc(&cam->stats.errors);
		buf->vb.vb2_buf.planes[0].bytesused = 0;
		vb2_buffer_done(&buf->vb.vb2_buf, VB2_BUF_STATE_ERROR);
	}
}

static int drain_responses_locked(struct vcam_dev *cam)
{
	struct xencamera_resp resp;
	RING_IDX rp, i;
	int n = 0;

	rp = READ_ONCE(cam->ring.sring->rsp_prod);
	virt_rmb();	/* read responses only after rsp_prod */
	if (RING_RESPONSE_PROD_OVERFLOW(&cam->ring, rp) ||
	    rp - cam->ring.rsp_cons > cam->ring.req_prod_pvt -
				      cam->ring.rsp_cons) {
		vcam_broken(cam, "rsp_prod %u out of range (cons %u, req %u)",
			    rp, cam->ring.rsp_cons, cam->ring.req_prod_pvt);
		return 0;
	}
	for (i = cam->ring.rsp_cons; i != rp && !cam->dead; i++) {
		RING_COPY_RESPONSE(&cam->ring, i, &resp);
		n++;
		if (resp.id & VCAM_ID_ASYNC) {
			handle_async_resp(cam, &resp);
		} else if (cam->sync_active && resp.id == cam->sync_id &&
			   resp.operation == cam->sync_op) {
			cam->sync_resp = resp;
			cam->sync_active = false;
			complete(&cam->sync_done);
		} else {
			vcam_broken(cam, "response id %#x op %u unexpected",
				    resp.id, resp.operation);
		}
	}
	if (!cam->dead)
		cam->ring.rsp_cons = rp;
	if (n) {
		wake_up(&cam->ring_wq);
		vcam_flush_pending_locked(cam);
	}
	return n;
}

static void handle_event(struct vcam_dev *cam, const struct xencamera_evt *evt,
			 struct vcam_ctrl_batch *ctrls)
{
	const struct xencamera_frame_avail_evt *fa = &evt->evt.frame_avail;
	const struct xencamera_ctrl_value *cv = &evt->evt.ctrl_value;
	struct vcam_buf *buf;

	switch (evt->type) {
	case XENCAMERA_EVT_FRAME_AVAIL:
		if (fa->index >= cam->num_bufs || !cam->bufs[fa->index]) {
			vcam_broken(cam, "FRAME_AVAIL for buffer %u of %d",
				    fa->index, cam->num_bufs);
			return;
		}
		buf = cam->bufs[fa->index];
		if (!buf->with_be) {
			vcam_broken(cam, "FRAME_AVAIL for buffer %u not queued",
				    fa->index);
			return;
		}
		if (vcam_buf_plane_lens(cam, buf, fa->used_sz, NULL)) {
			vcam_broken(cam, "FRAME_AVAIL used_sz %u, buffer %u",
				    fa->used_sz, cam->layout.size);
			return;
		}
		vcam_frame_avail_locked(cam, buf, fa->used_sz, fa->seq_num);
		break;
	case XENCAMERA_EVT_CTRL_CHANGE:
		vcam_ctrls_note(cam, ctrls, cv->type, cv->value);
		break;
	default:
		vcam_broken(cam, "unknown event type %u", evt->type);
	}
}

/* *ctrls: how many of them were CTRL_CHANGE */
static int drain_events_locked(struct vcam_dev *cam, int *ctrls)
{
	struct xencamera_event_page *page = cam->evt_page;
	struct xencamera_evt evt;
	struct vcam_ctrl_batch batch = { 0 };
	u32 prod, cons = cam->evt_cons;
	int n = 0;

	prod = READ_ONCE(page->in_prod);
	virt_rmb();	/* read events only after in_prod */
	if (prod - cons > XENCAMERA_IN_RING_LEN) {
		vcam_broken(cam, "in_prod %u out of range (cons %u)", prod,
			    cons);
		return 0;
	}
	for (; cons != prod && !cam->dead; cons++) {
		memcpy(&evt, &XENCAMERA_IN_RING_REF(page, cons), sizeof(evt));
		n++;
		if (evt.type == XENCAMERA_EVT_CTRL_CHANGE)
			(*ctrls)++;
		handle_event(cam, &evt, &batch);
	}
	if (cam->dead)
		return n;
	vcam_ctrls_apply(cam, &batch);
	cam->evt_cons = cons;
	virt_mb();	/* events consumed before the slots are given back */
	WRITE_ONCE(page->in_cons, cons);
	return n;
}

/*
 * Consume whatever both pages hold; returns how many packets.  What each
 * page gave is noted for its channel's next EOI (vcamfront_irq.c):
 * whoever consumes, the notification that announced it was not spurious.
 * Control changes do not count: they are coalesced (the latest value
 * wins), so holding back a channel that brings nothing else loses nothing,
 * and a backend flooding valid CTRL_CHANGE events is slowed down by Xen
 * like one flooding empty notifications.  A frame resets the back-off.
 */
int vcam_drain_locked(struct vcam_dev *cam)
{
	int r, e, ctrls = 0;

	lockdep_assert_held(&cam->req_lock);
	if (cam->dead)
		return 0;
	r = drain_responses_locked(cam);
	e = drain_events_locked(cam, &ctrls);
	cam->req_ch.consumed += r;
	cam->evt_ch.consumed += e - ctrls;
	/* cameraif.h's hand-back: answers collected, announcements read */
	vcam_dequeued_complete_locked(cam);
	vcam_flush_pending_locked(cam);
	return r + e;
}

/*
 * Ask for notifications again (hold-off indices one past what we consumed),
 * then look once more so nothing that raced with the re-arm is missed.
 * Returns true if there is more to consume.
 *
 * BUF_QUEUE responses are not worth an interrupt each: they only matter
 * when they report an error, and they are collected with the next
 * FRAME_AVAIL.  So responses wake us only while someone waits for one: a
 * synchronous request (which sets rsp_event itself), a full ring, or a
 * filled buffer waiting for its BUF_DEQUEUE's answer (no avail-dequeues).
 */
bool vcam_rearm_locked(struct vcam_dev *cam)
{
	int more = 0;
	u32 prod;

	if (cam->dead)
		return false;
	if (cam->sync_active || RING_FULL(&cam->ring) || cam->deqs_inflight)
		RING_FINAL_CHECK_FOR_RESPONSES(&cam->ring, more);
	if (cam->evt_hold_off) {
		WRITE_ONCE(*vcam_evt_page_in_event(cam->evt_page),
			   cam->evt_cons + 1);
		virt_mb();	/* in_event visible before re-reading in_prod */
	}
	prod = READ_ONCE(cam->evt_page->in_prod);
	return more || prod != cam->evt_cons;
}

/*
 * Consume and re-arm until nothing more comes in, a bounded number of
 * rounds: a backend refilling the pages as fast as we empty them must not
 * keep one caller forever.  Returns true if there is more to consume.
 */
bool vcam_drain_rearm_locked(struct vcam_dev *cam)
{
	int loops = 0;

	do {
		vcam_drain_locked(cam);
		if (!vcam_rearm_locked(cam))
			return false;
	} while (++loops < 8);
	return true;
}

int vcam_evtchnl_create(struct vcam_dev *cam)
{
	struct xenbus_device *xb_dev = cam->xb_dev;
	struct xen_cameraif_sring *sring;
	void *page;
	int ret;

	cam->ring_gref = INVALID_GRANT_REF;
	cam->evt_gref = INVALID_GRANT_REF;

	ret = xenbus_setup_ring(xb_dev, GFP_KERNEL, &page, 1, &cam->ring_gref);
	if (ret)
		return ret;
	sring = page;
	cam->ring_page = page;
	XEN_FRONT_RING_INIT(&cam->ring, sring, XEN_PAGE_SIZE);

	ret = xenbus_setup_ring(xb_dev, GFP_KERNEL, &page, 1, &cam->evt_gref);
	if (ret)
		goto fail;
	cam->evt_page = page;
	cam->evt_cons = 0;

	ret = vcam_irq_bind(cam);
	if (ret)
		goto fail;
	return 0;

fail:
	vcam_evtchnl_free(cam);
	return ret;
}

void vcam_evtchnl_free(struct vcam_dev *cam)
{
	vcam_irq_unbind(cam);
	if (cam->evt_page) {
		void *page = cam->evt_page;

		xenbus_teardown_ring(&page, 1, &cam->evt_gref);
		cam->evt_page = NULL;
	}
	if (cam->ring_page) {
		xenbus_teardown_ring(&cam->ring_page, 1, &cam->ring_gref);
		cam->ring.sring = NULL;
	}
}

int vcam_evtchnl_publish(struct vcam_dev *cam)
{
	struct xenbus_device *xb_dev = cam->xb_dev;
	struct xenbus_transaction xbt;
	bool hold_off, avail_dequeues;
	int ret;

	hold_off = xenbus_read_unsigned(xb_dev->otherend,
					VCAM_FIELD_FEATURE_EVT_HOLD_OFF, 0) == 1;
	avail_dequeues = vcam_param_avail_dequeues &&
			 xenbus_read_unsigned(xb_dev->otherend,
					      VCAM_FIELD_FEATURE_AVAIL_DEQUEUES,
					      0) == 1;
again:
	ret = xenbus_transaction_start(&xbt);
	if (ret) {
		xenbus_dev_fatal(xb_dev, ret, "starting transaction");
		return ret;
	}
	ret = xenbus_printf(xbt, xb_dev->nodename, XENCAMERA_FIELD_FE_VERSION,
			    "%s", XENCAMERA_PROTOCOL_VERSION);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    XENCAMERA_FIELD_REQ_RING_REF, "%u",
				    cam->ring_gref);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    XENCAMERA_FIELD_REQ_CHANNEL, "%u",
				    cam->req_ch.port);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    XENCAMERA_FIELD_EVT_RING_REF, "%u",
				    cam->evt_gref);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    XENCAMERA_FIELD_EVT_CHANNEL, "%u",
				    cam->evt_ch.port);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    VCAM_FIELD_EVT_HOLD_OFF, "%u", hold_off);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    VCAM_FIELD_AVAIL_DEQUEUES, "%u",
				    avail_dequeues);
	if (ret) {
		xenbus_transaction_end(xbt, 1);
		xenbus_dev_fatal(xb_dev, ret, "writing transport parameters");
		return ret;
	}
	ret = xenbus_transaction_end(xbt, 0);
	if (ret == -EAGAIN)
		goto again;
	if (ret) {
		xenbus_dev_fatal(xb_dev, ret, "completing transaction");
		return ret;
	}
	cam->evt_hold_off = hold_off;
	cam->avail_dequeues = avail_dequeues;
	if (hold_off)
		*vcam_evt_page_in_event(cam->evt_page) = 1;
	return 0;
}
