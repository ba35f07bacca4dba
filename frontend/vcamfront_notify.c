// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Who consumes the response ring and the event page, and when: the
 * notification modes (ring/PROTOCOL.md).
 *
 *  event:  no thread; the work the interrupt handler queues
 *          (vcamfront_evtchnl.c) drains, re-arms and gives the EOIs.
 *  spin:   while streaming a kthread polls both pages without re-arming, so
 *          the backend sends no notifications in steady state; after
 *          VCAM_SPIN_IDLE_MS_DEFAULT without traffic it re-arms and sleeps
 *          until the next notification.
 *  hybrid: the same thread, but it gives up polling after spin-us.
 *
 * The thread exists only between STREAM_START and STREAM_STOP, so nothing
 * spins while the camera is idle.  While it exists it also gives the late
 * EOIs of both event channels, after each drain: an EOI given before the
 * drain would find nothing consumed and call a good notification spurious.
 */

#include <linux/ktime.h>
#include <linux/sched.h>

#include "vcamfront.h"

/*
 * Consume whatever both pages hold; returns how many packets.  What each
 * page gave is noted for its channel's next EOI (vcamfront_evtchnl.c):
 * whoever consumes, the notification that announced it was not spurious.
 * Control changes do not count: they are coalesced (the latest value
 * wins), so holding back a channel that brings nothing else loses nothing,
 * and a backend flooding valid CTRL_CHANGE events is slowed down by Xen
 * like one flooding empty notifications.  A frame resets the back-off.
 */
int vcamfe_drain_locked(struct vcamfe_dev *cam)
{
	int r, e, ctrls = 0;

	lockdep_assert_held(&cam->req_lock);
	if (cam->dead)
		return 0;
	r = vcamfe_req_drain_locked(cam);
	e = vcamfe_event_drain_locked(cam, &ctrls);
	cam->evtchnl.req.consumed += r;
	cam->evtchnl.evt.consumed += e - ctrls;
	/* cameraif.h's hand-back: answers collected, announcements read */
	vcamfe_dequeued_complete_locked(cam);
	vcamfe_flush_pending_locked(cam);
	return r + e;
}

/* Ask for notifications again; true if there is more to consume. */
static bool rearm_locked(struct vcamfe_dev *cam)
{
	if (cam->dead)
		return false;
	return vcamfe_evtchnl_rearm_locked(cam,
					   vcamfe_req_awaits_rsp_locked(cam));
}

/*
 * Consume and re-arm until nothing more comes in, a bounded number of
 * rounds: a backend refilling the pages as fast as we empty them must not
 * keep one caller forever.  Returns true if there is more to consume.
 */
static bool drain_rearm_locked(struct vcamfe_dev *cam)
{
	int loops = 0;

	do {
		vcamfe_drain_locked(cam);
		if (!rearm_locked(cam))
			return false;
	} while (++loops < 8);
	return true;
}

/* Event mode: consume for the interrupt handlers, then give the EOIs. */
void vcamfe_notify_work(struct work_struct *work)
{
	struct vcamfe_dev *cam = container_of(work, struct vcamfe_dev,
					    evtchnl.work);
	bool more = false;

	mutex_lock(&cam->req_lock);
	if (cam->poller.task) {
		/* The poller consumes and gives the EOIs: only wake it. */
		WRITE_ONCE(cam->poller.kick, true);
		wake_up(&cam->poller.wq);
	} else {
		more = drain_rearm_locked(cam);
		vcamfe_evtchnl_eoi_locked(cam);
	}
	mutex_unlock(&cam->req_lock);
	/* A backend that keeps the pages full: go on after the others ran. */
	if (more)
		queue_work(vcamfe_wq, &cam->evtchnl.work);
}

static int vcamfe_poller_fn(void *data)
{
	struct vcamfe_dev *cam = data;
	u64 idle_ns, last, now;
	bool more, dead;
	int n;

	if (cam->notify_mode == VCAM_NOTIFY_SPIN)
		idle_ns = (u64)VCAM_SPIN_IDLE_MS_DEFAULT * NSEC_PER_MSEC;
	else
		idle_ns = (u64)cam->cfg.spin_us * NSEC_PER_USEC;
	last = ktime_get_ns();

	while (!kthread_should_stop()) {
		mutex_lock(&cam->req_lock);
		n = vcamfe_drain_locked(cam);
		vcamfe_evtchnl_eoi_locked(cam);
		dead = cam->dead;
		mutex_unlock(&cam->req_lock);
		if (dead) {
			wait_event_idle(cam->poller.wq, kthread_should_stop());
			break;
		}
		now = ktime_get_ns();
		if (n) {
			last = now;
			cond_resched();
			continue;
		}
		atomic64_inc(&cam->stats.spins);
		if (now - last < idle_ns) {
			cpu_relax();
			cond_resched();
			continue;
		}
		/* Nothing for a while: ask for a notification and sleep. */
		WRITE_ONCE(cam->poller.kick, false);
		mutex_lock(&cam->req_lock);
		more = rearm_locked(cam);
		cam->poller.armed = true;
		mutex_unlock(&cam->req_lock);
		if (!more)
			wait_event_idle(cam->poller.wq,
					READ_ONCE(cam->poller.kick) ||
					kthread_should_stop());
		cam->poller.armed = false;
		atomic64_inc(&cam->stats.wakeups);
		last = ktime_get_ns();
	}
	return 0;
}

int vcamfe_poller_start(struct vcamfe_dev *cam)
{
	struct task_struct *t;

	if (cam->notify_mode == VCAM_NOTIFY_EVENT || cam->poller.task)
		return 0;
	t = kthread_run(vcamfe_poller_fn, cam, "vcamfront-%s",
			vcam_notify_mode_name(cam->notify_mode));
	if (IS_ERR(t))
		return PTR_ERR(t);
	mutex_lock(&cam->req_lock);
	cam->poller.task = t;
	mutex_unlock(&cam->req_lock);
	return 0;
}

void vcamfe_poller_stop(struct vcamfe_dev *cam)
{
	struct task_struct *t = cam->poller.task;
	bool more;

	if (!t)
		return;
	kthread_stop(t);
	/*
	 * The poller left the hold-off indices behind; without re-arming the
	 * answer to STREAM_STOP would never be notified.  EOIs it did not
	 * give are given here; from now on the interrupt work consumes.
	 */
	mutex_lock(&cam->req_lock);
	cam->poller.task = NULL;
	more = drain_rearm_locked(cam);
	vcamfe_evtchnl_eoi_locked(cam);
	mutex_unlock(&cam->req_lock);
	if (more)
		queue_work(vcamfe_wq, &cam->evtchnl.work);
}
