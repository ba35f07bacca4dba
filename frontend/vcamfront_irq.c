// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Interrupts from the backend's two event channels, hardened against a
 * backend that notifies without end (XSA-332; xen-blkfront and xen-netfront
 * do the same).
 *
 * Both channels are bound with the late-EOI API: after an interrupt Xen
 * delivers nothing more on that channel until xen_irq_lateeoi().  The
 * hard-IRQ handler only takes note: it counts the notification, records
 * that its irq waits for an EOI and queues notify_work.  The work consumes
 * both shared pages under req_lock (or, while the spin/hybrid poller runs,
 * only wakes it: the poller consumes), then gives each due EOI, flagged
 * spurious if nothing was taken from that channel's page since its last
 * EOI (control changes alone count as nothing: they are coalesced).  The
 * Xen event core holds back a channel that keeps getting spurious EOIs,
 * exponentially up to a second per interrupt, so a storm of empty
 * notifications, or of CTRL_CHANGE events, costs the guest next to nothing.
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
#include <xen/xenbus.h>

#include "vcamfront.h"

static irqreturn_t vcam_irq(int irq, void *dev_id)
{
	struct vcam_chan *ch = dev_id;
	struct vcam_dev *cam = ch->cam;

	atomic64_inc(&cam->stats.notify_recv);
	atomic_set(&ch->eoi_irq, irq);
	queue_work(vcam_wq, &cam->notify_work);
	return IRQ_HANDLED;
}

static void eoi_chan(struct vcam_dev *cam, struct vcam_chan *ch)
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
void vcam_irq_eoi_locked(struct vcam_dev *cam)
{
	lockdep_assert_held(&cam->req_lock);
	if (cam->dead || cam->irqs_gone)
		return;
	eoi_chan(cam, &cam->req_ch);
	eoi_chan(cam, &cam->evt_ch);
}

static void vcam_notify_work(struct work_struct *work)
{
	struct vcam_dev *cam = container_of(work, struct vcam_dev,
					    notify_work);
	bool more = false;

	mutex_lock(&cam->req_lock);
	if (cam->poller) {
		/* The poller consumes and gives the EOIs: only wake it. */
		WRITE_ONCE(cam->poller_kick, true);
		wake_up(&cam->poller_wq);
	} else {
		more = vcam_drain_rearm_locked(cam);
		vcam_irq_eoi_locked(cam);
	}
	mutex_unlock(&cam->req_lock);
	/* A backend that keeps the pages full: go on after the others ran. */
	if (more)
		queue_work(vcam_wq, &cam->notify_work);
}

static void init_chan(struct vcam_dev *cam, struct vcam_chan *ch)
{
	ch->cam = cam;
	ch->irq = -1;
	atomic_set(&ch->eoi_irq, -1);
	ch->consumed = 0;
}

void vcam_irq_init(struct vcam_dev *cam)
{
	INIT_WORK(&cam->notify_work, vcam_notify_work);
	init_chan(cam, &cam->req_ch);
	init_chan(cam, &cam->evt_ch);
}

static int bind_chan(struct vcam_dev *cam, struct vcam_chan *ch,
		     const char *name)
{
	int ret;

	ret = xenbus_alloc_evtchn(cam->xb_dev, &ch->port);
	if (ret)
		return ret;
	ret = bind_evtchn_to_irqhandler_lateeoi(ch->port, vcam_irq, 0, name,
						ch);
	if (ret < 0) {
		xenbus_free_evtchn(cam->xb_dev, ch->port);
		return ret;
	}
	ch->irq = ret;
	return 0;
}

/* On failure the caller unbinds what was bound (vcam_irq_unbind). */
int vcam_irq_bind(struct vcam_dev *cam)
{
	int ret;

	ret = bind_chan(cam, &cam->req_ch, VCAM_DRV_NAME "-req");
	if (!ret)
		ret = bind_chan(cam, &cam->evt_ch, VCAM_DRV_NAME "-evt");
	return ret;
}

static void unbind_chan(struct vcam_chan *ch)
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
void vcam_irq_unbind(struct vcam_dev *cam)
{
	mutex_lock(&cam->req_lock);
	cam->irqs_gone = true;
	mutex_unlock(&cam->req_lock);
	unbind_chan(&cam->evt_ch);
	unbind_chan(&cam->req_ch);
	cancel_work_sync(&cam->notify_work);
}
