// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ring/event-channel pair (struct vcamfe_evtchnl): the request ring (we
 * produce requests, consume responses) and the event page (we consume
 * FRAME_AVAIL and CTRL_CHANGE events), each with its event channel.  This
 * file alone shares, binds, publishes, notifies, arms, EOIs and frees them;
 * what travels on them is vcamfront_req.c's and vcamfront_event.c's.
 *
 * Both channels are bound with the late-EOI API, hardened against a
 * backend that notifies without end (XSA-332; xen-blkfront and xen-netfront
 * do the same): after an interrupt Xen delivers nothing more on that
 * channel until xen_irq_lateeoi().  The hard-IRQ handler only takes note:
 * it counts the notification, records that its irq waits for an EOI and
 * queues the pair's work (vcamfront_notify.c).  That work consumes both
 * pages under req_lock (or, while the spin/hybrid poller runs, only wakes
 * it: the poller consumes), then gives each due EOI, flagged spurious if
 * nothing was taken from that channel's page since its last EOI (control
 * changes alone count as nothing: they are coalesced).  The Xen event core
 * holds back a channel that keeps getting spurious EOIs, exponentially up
 * to a second per interrupt, so a storm of empty notifications, or of
 * CTRL_CHANGE events, costs the guest next to nothing.
 *
 * Why a work item of normal priority, and not a threaded irq or a
 * WQ_HIGHPRI queue: a backend flooding *valid* events (responses, frames:
 * none is spurious) keeps the consumer busy for as long as it likes.  A
 * SCHED_FIFO irq thread or a high-priority worker would then run ahead of
 * every task of the guest; a normal kworker only gets its fair share of the
 * CPU.  And in process context frames are copied (be-alloc, bounce
 * buffers) and vb2 buffers completed preemptible, with interrupts on.
 */

#include <linux/interrupt.h>

#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>

#include "vcamfront.h"

static irqreturn_t vcamfe_irq(int irq, void *dev_id)
{
	struct vcamfe_chan *ch = dev_id;
	struct vcamfe_dev *cam = ch->cam;

	atomic64_inc(&cam->stats.notify_recv);
	atomic_set(&ch->eoi_irq, irq);
	queue_work(vcamfe_wq, &cam->evtchnl.work);
	return IRQ_HANDLED;
}

static void eoi_chan(struct vcamfe_dev *cam, struct vcamfe_chan *ch)
{
	int irq = atomic_xchg(&ch->eoi_irq, -1);
	bool spurious;

	if (irq < 0)
		return;
	spurious = !ch->consumed;
	ch->consumed = 0;
	if (spurious)
		atomic64_inc(&cam->stats.notify_spurious);
	xen_irq_lateeoi(irq, spurious ? XEN_EOI_FLAG_SPURIOUS : 0);
}

/*
 * Give the EOIs that are due, after a drain.  A dead device consumes
 * nothing any more, so its channels simply stay masked until they are
 * unbound, whatever the backend does.  Channels being unbound get no EOI:
 * their irq number may already be someone else's.
 */
void vcamfe_evtchnl_eoi_locked(struct vcamfe_dev *cam)
{
	lockdep_assert_held(&cam->req_lock);
	if (cam->dead || cam->evtchnl.irqs_gone)
		return;
	eoi_chan(cam, &cam->evtchnl.req);
	eoi_chan(cam, &cam->evtchnl.evt);
}

/* Make the requests produced so far visible; notify if the backend asks. */
void vcamfe_evtchnl_push_locked(struct vcamfe_dev *cam)
{
	struct vcamfe_evtchnl *ch = &cam->evtchnl;
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ch->ring, notify);
	if (notify && !ch->irqs_gone) {
		notify_remote_via_irq(ch->req.irq);
		atomic64_inc(&cam->stats.notify_sent);
	}
}

/*
 * Ask for notifications again (hold-off indices one past what we consumed),
 * then look once more so nothing that raced with the re-arm is missed.
 * Responses are asked for only if @want_rsp (vcamfe_req_awaits_rsp_locked).
 * Returns true if there is more to consume.
 */
bool vcamfe_evtchnl_rearm_locked(struct vcamfe_dev *cam, bool want_rsp)
{
	struct vcamfe_evtchnl *ch = &cam->evtchnl;
	int more = 0;
	u32 prod;

	if (want_rsp)
		RING_FINAL_CHECK_FOR_RESPONSES(&ch->ring, more);
	if (ch->evt_hold_off) {
		WRITE_ONCE(*vcam_evt_page_in_event(ch->evt_page),
			   ch->evt_cons + 1);
		virt_mb();	/* in_event visible before re-reading in_prod */
	}
	prod = READ_ONCE(ch->evt_page->in_prod);
	return more || prod != ch->evt_cons;
}

static void init_chan(struct vcamfe_dev *cam, struct vcamfe_chan *ch)
{
	ch->cam = cam;
	ch->irq = -1;
	atomic_set(&ch->eoi_irq, -1);
	ch->consumed = 0;
}

/* Before anything can fail: vcamfe_evtchnl_unbind() must always be safe. */
void vcamfe_evtchnl_init(struct vcamfe_dev *cam)
{
	INIT_WORK(&cam->evtchnl.work, vcamfe_notify_work);
	init_chan(cam, &cam->evtchnl.req);
	init_chan(cam, &cam->evtchnl.evt);
}

static int bind_chan(struct vcamfe_dev *cam, struct vcamfe_chan *ch,
		     const char *name)
{
	int ret;

	ret = xenbus_alloc_evtchn(cam->xb_dev, &ch->port);
	if (ret)
		return ret;
	ret = bind_evtchn_to_irqhandler_lateeoi(ch->port, vcamfe_irq, 0, name,
						ch);
	if (ret < 0) {
		xenbus_free_evtchn(cam->xb_dev, ch->port);
		return ret;
	}
	ch->irq = ret;
	return 0;
}

static void unbind_chan(struct vcamfe_chan *ch)
{
	/* Waits for a running handler; unbinding closes the port too. */
	if (ch->irq >= 0)
		unbind_from_irqhandler(ch->irq, ch);
	ch->irq = -1;
}

/*
 * No EOI and no notification from here on, then no handler, then no work:
 * after this the connection can be freed.  Must not be called with
 * req_lock held (the work takes it).
 */
void vcamfe_evtchnl_unbind(struct vcamfe_dev *cam)
{
	mutex_lock(&cam->req_lock);
	cam->evtchnl.irqs_gone = true;
	mutex_unlock(&cam->req_lock);
	unbind_chan(&cam->evtchnl.evt);
	unbind_chan(&cam->evtchnl.req);
	cancel_work_sync(&cam->evtchnl.work);
}

int vcamfe_evtchnl_create(struct vcamfe_dev *cam)
{
	struct vcamfe_evtchnl *ch = &cam->evtchnl;
	struct xenbus_device *xb_dev = cam->xb_dev;
	void *page;
	int ret;

	ch->ring_gref = INVALID_GRANT_REF;
	ch->evt_gref = INVALID_GRANT_REF;

	ret = xenbus_setup_ring(xb_dev, GFP_KERNEL, &page, 1, &ch->ring_gref);
	if (ret)
		return ret;
	XEN_FRONT_RING_INIT(&ch->ring, (struct xen_cameraif_sring *)page,
			    XEN_PAGE_SIZE);

	ret = xenbus_setup_ring(xb_dev, GFP_KERNEL, &page, 1, &ch->evt_gref);
	if (ret)
		goto fail;
	ch->evt_page = page;
	ch->evt_cons = 0;

	ret = bind_chan(cam, &ch->req, VCAMFE_DRV_NAME "-req");
	if (!ret)
		ret = bind_chan(cam, &ch->evt, VCAMFE_DRV_NAME "-evt");
	if (ret)
		goto fail;
	return 0;

fail:
	vcamfe_evtchnl_free(cam);
	return ret;
}

void vcamfe_evtchnl_free(struct vcamfe_dev *cam)
{
	struct vcamfe_evtchnl *ch = &cam->evtchnl;
	void *page;

	vcamfe_evtchnl_unbind(cam);
	if (ch->evt_page) {
		page = ch->evt_page;
		xenbus_teardown_ring(&page, 1, &ch->evt_gref);
		ch->evt_page = NULL;
	}
	if (ch->ring.sring) {
		page = ch->ring.sring;
		xenbus_teardown_ring(&page, 1, &ch->ring_gref);
		ch->ring.sring = NULL;
	}
}

int vcamfe_evtchnl_publish(struct vcamfe_dev *cam)
{
	struct xenbus_device *xb_dev = cam->xb_dev;
	struct xenbus_transaction xbt;
	bool hold_off, avail_dequeues, capture_time;
	int ret;

	hold_off = xenbus_read_unsigned(xb_dev->otherend,
					VCAM_FIELD_FEATURE_EVT_HOLD_OFF, 0) == 1;
	avail_dequeues = vcamfe_param_avail_dequeues &&
			 xenbus_read_unsigned(xb_dev->otherend,
					      VCAM_FIELD_FEATURE_AVAIL_DEQUEUES,
					      0) == 1;
	capture_time = xenbus_read_unsigned(xb_dev->otherend,
					    VCAM_FIELD_FEATURE_CAPTURE_TIME,
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
				    cam->evtchnl.ring_gref);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    XENCAMERA_FIELD_REQ_CHANNEL, "%u",
				    cam->evtchnl.req.port);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    XENCAMERA_FIELD_EVT_RING_REF, "%u",
				    cam->evtchnl.evt_gref);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    XENCAMERA_FIELD_EVT_CHANNEL, "%u",
				    cam->evtchnl.evt.port);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    VCAM_FIELD_EVT_HOLD_OFF, "%u", hold_off);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    VCAM_FIELD_AVAIL_DEQUEUES, "%u",
				    avail_dequeues);
	if (!ret)
		ret = xenbus_printf(xbt, xb_dev->nodename,
				    VCAM_FIELD_CAPTURE_TIME, "%u", capture_time);
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
	cam->evtchnl.evt_hold_off = hold_off;
	cam->avail_dequeues = avail_dequeues;
	cam->req.in_order = xenbus_read_unsigned(xb_dev->otherend,
						 VCAM_FIELD_FEATURE_IN_ORDER,
						 0) == 1;
	cam->capture_time = capture_time;
	if (hold_off)
		*vcam_evt_page_in_event(cam->evtchnl.evt_page) = 1;
	return 0;
}
