// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Notification modes for the frontend as consumer of the response ring and
 * the event page (ring/PROTOCOL.md):
 *
 *  event:  no thread; the interrupt work drains and re-arms
 *          (vcamfront_irq.c).
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

static int vcam_poller_fn(void *data)
{
	struct vcam_dev *cam = data;
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
		n = vcam_drain_locked(cam);
		vcam_irq_eoi_locked(cam);
		dead = cam->dead;
		mutex_unlock(&cam->req_lock);
		if (dead) {
			wait_event_idle(cam->poller_wq, kthread_should_stop());
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
		WRITE_ONCE(cam->poller_kick, false);
		mutex_lock(&cam->req_lock);
		more = vcam_rearm_locked(cam);
		cam->poller_armed = true;
		mutex_unlock(&cam->req_lock);
		if (!more)
			wait_event_idle(cam->poller_wq,
					READ_ONCE(cam->poller_kick) ||
					kthread_should_stop());
		cam->poller_armed = false;
		atomic64_inc(&cam->stats.wakeups);
		last = ktime_get_ns();
	}
	return 0;
}

int vcam_poller_start(struct vcam_dev *cam)
{
	struct task_struct *t;

	if (cam->notify_mode == VCAM_NOTIFY_EVENT || cam->poller)
		return 0;
	t = kthread_run(vcam_poller_fn, cam, "vcamfront-%s",
			vcam_notify_mode_name(cam->notify_mode));
	if (IS_ERR(t))
		return PTR_ERR(t);
	mutex_lock(&cam->req_lock);
	cam->poller = t;
	mutex_unlock(&cam->req_lock);
	return 0;
}

void vcam_poller_stop(struct vcam_dev *cam)
{
	struct task_struct *t = cam->poller;
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
	cam->poller = NULL;
	more = vcam_drain_rearm_locked(cam);
	vcam_irq_eoi_locked(cam);
	mutex_unlock(&cam->req_lock);
	if (more)
		queue_work(vcam_wq, &cam->notify_work);
}
