// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The event page: FRAME_AVAIL and CTRL_CHANGE from the backend, under
 * req_lock.  The page is writable by the backend at any time, so in_prod
 * and every event are copied into a local first and validated there: a
 * frame must name a buffer the backend holds and fit it; anything else
 * puts the connection into the dead state (vcamfe_broken).  A valid frame
 * goes on to vcamfront_handback.c, control values to vcamfront_ctrls.c.
 */

#include "vcamfront.h"

static void handle_event(struct vcamfe_dev *cam,
			 const struct xencamera_evt *evt,
			 struct vcamfe_ctrl_batch *ctrls)
{
	const struct xencamera_frame_avail_evt *fa = &evt->evt.frame_avail;
	const struct xencamera_ctrl_value *cv = &evt->evt.ctrl_value;
	struct vcamfe_stream *st = &cam->stream;
	struct vcamfe_buf *buf;

	switch (evt->type) {
	case XENCAMERA_EVT_FRAME_AVAIL:
		if (fa->index >= st->num_bufs || !st->bufs[fa->index]) {
			vcamfe_broken(cam, "FRAME_AVAIL for buffer %u of %d",
				      fa->index, st->num_bufs);
			return;
		}
		buf = st->bufs[fa->index];
		if (!buf->with_be) {
			vcamfe_broken(cam,
				      "FRAME_AVAIL for buffer %u not queued",
				      fa->index);
			return;
		}
		if (vcamfe_buf_plane_lens(cam, buf, fa->used_sz, NULL)) {
			vcamfe_broken(cam, "FRAME_AVAIL used_sz %u, buffer %u",
				      fa->used_sz, cam->layout.size);
			return;
		}
		vcamfe_frame_avail_locked(cam, buf, fa->used_sz, fa->seq_num,
					  cam->capture_time ?
					  vcam_evt_capture_time(evt) : 0);
		break;
	case XENCAMERA_EVT_CTRL_CHANGE:
		vcamfe_ctrls_note(cam, ctrls, cv->type, cv->value);
		break;
	default:
		vcamfe_broken(cam, "unknown event type %u", evt->type);
	}
}

/* Returns how many events, *ctrls how many of them were CTRL_CHANGE. */
int vcamfe_event_drain_locked(struct vcamfe_dev *cam, int *ctrls)
{
	struct xencamera_event_page *page = cam->evtchnl.evt_page;
	struct xencamera_evt evt;
	struct vcamfe_ctrl_batch batch = { 0 };
	u32 prod, cons = cam->evtchnl.evt_cons;
	int n = 0;

	prod = READ_ONCE(page->in_prod);
	virt_rmb();	/* read events only after in_prod */
	if (prod - cons > XENCAMERA_IN_RING_LEN) {
		vcamfe_broken(cam, "in_prod %u out of range (cons %u)", prod,
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
	vcamfe_ctrls_apply(cam, &batch);
	cam->evtchnl.evt_cons = cons;
	virt_mb();	/* events consumed before the slots are given back */
	WRITE_ONCE(page->in_cons, cons);
	return n;
}
