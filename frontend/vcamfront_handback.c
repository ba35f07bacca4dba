// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * When a filled buffer is ours again.
 *
 * cameraif.h: after BUF_QUEUE the frontend "must not access the buffer
 * content ... until response to XENCAMERA_OP_BUF_DEQUEUE has been
 * received".  So with a backend that speaks plain cameraif v1, FRAME_AVAIL
 * only says that buffer i holds a frame: we send BUF_DEQUEUE(i), without
 * waiting for it, and complete the vb2 buffer when its answer comes.  Such
 * a backend may go on writing into i and announce it again before it sees
 * our request (EPAM's does): the newest announcement wins, the one it
 * replaced is counted as a drop.
 *
 * A backend that offers the avail-dequeues extension (vcamd) hands the
 * buffer back with FRAME_AVAIL itself: one notification per frame, no
 * request.  Everything here runs under req_lock.
 */

#include "vcamfront.h"

static void send_dequeue_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf)
{
	if (buf->pending || buf->deq_inflight || buf->deq_done)
		return;
	buf->pending = true;
	buf->pending_op = XENCAMERA_OP_BUF_DEQUEUE;
	list_add_tail(&buf->list, &cam->req.pending);
	atomic64_inc(&cam->stats.dequeues);
}

/* A FRAME_AVAIL whose used_sz was checked against the buffer. */
void vcamfe_frame_avail_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
			       u32 used_sz, u32 seq, u64 capture_ns)
{
	lockdep_assert_held(&cam->req_lock);
	if (cam->avail_dequeues) {
		buf->with_be = false;
		vcamfe_buf_frame_done(cam, buf, used_sz, seq, capture_ns);
		return;
	}
	if (buf->filled) {
		atomic64_inc(&cam->stats.reannounced);
		atomic64_inc(&cam->stats.drops);
	}
	buf->filled = true;
	buf->filled_sz = used_sz;
	buf->filled_seq = seq;
	buf->filled_time = capture_ns;
	send_dequeue_locked(cam, buf);
}

/*
 * The answer to our BUF_DEQUEUE.  The buffer is completed only after the
 * event page was read once more (vcamfe_dequeued_complete_locked): an
 * announcement the backend made before this answer must not be left for
 * later, it tells what the buffer holds now.
 */
void vcamfe_dequeue_resp_locked(struct vcamfe_dev *cam, struct vcamfe_buf *buf,
				const struct xencamera_resp *resp)
{
	lockdep_assert_held(&cam->req_lock);
	buf->deq_inflight = false;
	cam->req.deqs_inflight--;
	if (!buf->with_be)
		return;		/* handed back already (stream stopped) */
	if (resp->status || !buf->filled) {
		/* Refused, or answered for a buffer never announced. */
		atomic64_inc(&cam->stats.errors);
		vcamfe_handback_reset(buf);
		buf->with_be = false;
		vb2_set_plane_payload(&buf->vb.vb2_buf, 0, 0);
		vcamfe_buf_done_locked(cam, buf, VB2_BUF_STATE_ERROR);
		return;
	}
	buf->deq_done = true;
}

void vcamfe_dequeued_complete_locked(struct vcamfe_dev *cam)
{
	int i;

	lockdep_assert_held(&cam->req_lock);
	for (i = 0; i < cam->stream.num_bufs && i < VB2_MAX_FRAME; i++) {
		struct vcamfe_buf *buf = cam->stream.bufs[i];
		u32 used, seq;
		u64 t;

		if (!buf || !buf->deq_done || !buf->with_be)
			continue;
		used = buf->filled_sz;
		seq = buf->filled_seq;
		t = buf->filled_time;
		vcamfe_handback_reset(buf);
		buf->with_be = false;
		vcamfe_buf_frame_done(cam, buf, used, seq, t);
	}
}

void vcamfe_handback_reset(struct vcamfe_buf *buf)
{
	buf->filled = false;
	buf->deq_done = false;
}
