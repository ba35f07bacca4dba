// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Xen para-virtual camera frontend (cameraif v1): xenbus glue and the
 * frontend state machine, including the recovery flow.
 *
 * Backend InitWait -> read config, share ring and event page, bind event
 * channels, publish, Initialised.  Backend Connected -> query the camera,
 * register /dev/videoN, Connected.  Backend gone -> the connection is marked
 * dead (every waiter returns, every buffer comes back with an error) and
 * /dev/videoN is unregistered; if someone still holds it open we stay in
 * Reconfiguring until the last user is gone, then go back to Initialising.
 * After `xl restore` or a migration (the resume callback) the domain is a
 * new one: the old connection is dropped the same way, without waiting for
 * its backend, and a new one is made with whatever backend the toolstack
 * gave the new domain.
 */

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <xen/xen.h>
#include <xen/xenbus.h>

#include "vcamfront.h"

DEFINE_MUTEX(vcam_global_lock);

unsigned int vcam_param_timeout_ms = 5000;
module_param_named(timeout_ms, vcam_param_timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "Time the backend gets to answer a request");

char *vcam_param_notify_mode = "event";
module_param_named(notify_mode, vcam_param_notify_mode, charp, 0444);
MODULE_PARM_DESC(notify_mode,
		 "Default notification mode: event, spin or hybrid (xenstore notify-mode overrides)");

unsigned int vcam_param_spin_us = VCAM_SPIN_US_DEFAULT;
module_param_named(spin_us, vcam_param_spin_us, uint, 0444);
MODULE_PARM_DESC(spin_us, "Default hybrid polling window in microseconds");

int vcam_param_mplane = -1;
module_param_named(mplane, vcam_param_mplane, int, 0644);
MODULE_PARM_DESC(mplane,
		 "V4L2 API: -1 multi-planar iff a configured format has separate memory planes (default), 0 single-planar, 1 multi-planar");

bool vcam_param_avail_dequeues = true;
module_param_named(avail_dequeues, vcam_param_avail_dequeues, bool, 0644);
MODULE_PARM_DESC(avail_dequeues,
		 "Use the backend's avail-dequeues extension if it offers it (default); 0: BUF_DEQUEUE after every frame, as cameraif.h has it");

struct workqueue_struct *vcam_wq;

#define VCAM_MAX_CONNECT_FAILURES	3

/* How long a backend gets to let go of our pages before we take them back. */
#define VCAM_TEARDOWN_WAIT_MS	5000

static bool backend_holds_pages(struct vcam_dev *cam)
{
	enum xenbus_state st;

	/* Restored or migrated: that backend mapped the old domain's pages. */
	if (!cam->otherend || READ_ONCE(cam->resumed))
		return false;
	st = xenbus_read_driver_state(cam->otherend);
	return st == XenbusStateInitialised || st == XenbusStateConnected;
}

/*
 * Last step of a connection: give back the shared pages.  Ending a grant
 * the backend still maps only defers it (and logs), so give the backend a
 * moment to react to our state change first.
 */
static void vcam_teardown_work(struct work_struct *work)
{
	struct vcam_dev *cam = container_of(work, struct vcam_dev,
					    teardown_work);
	struct vcam_share *z, *tmp;
	int waited = 0;

	while (backend_holds_pages(cam) && waited < VCAM_TEARDOWN_WAIT_MS) {
		msleep(100);
		waited += 100;
	}
	vcam_evtchnl_free(cam);
	list_for_each_entry_safe(z, tmp, &cam->zombies, list) {
		list_del(&z->list);
		vcam_share_free(z);
		kfree(z);
	}
	put_device(&cam->xb_dev->dev);
	kfree(cam->otherend);
	kfree(cam);
}

/* The backend broke the protocol: close our side (cameraif's error flow). */
static void vcam_broken_work(struct work_struct *work)
{
	struct vcam_dev *cam = container_of(work, struct vcam_dev,
					    broken_work);
	struct vcamfront_info *info;

	mutex_lock(&vcam_global_lock);
	info = cam->info;
	if (info && !info->removing)
		xenbus_switch_state(cam->xb_dev, XenbusStateClosing);
	mutex_unlock(&vcam_global_lock);
}

static void vcam_release(struct v4l2_device *v4l2_dev)
{
	struct vcam_dev *cam = container_of(v4l2_dev, struct vcam_dev,
					    v4l2_dev);
	struct vcamfront_info *info;

	if (cam->registered)
		cancel_delayed_work_sync(&cam->watchdog);
	vcam_poller_stop(cam);
	/* Before anything the interrupt work uses goes away. */
	vcam_irq_unbind(cam);
	cancel_work_sync(&cam->ctrl_work);
	cancel_work_sync(&cam->broken_work);
	v4l2_ctrl_handler_free(&cam->ctrl_handler);
	vcam_cfg_free(&cam->cfg);

	mutex_lock(&vcam_global_lock);
	info = cam->info;
	if (info) {
		cam->info = NULL;
		if (info->lingering == cam)
			info->lingering = NULL;
		if (!info->removing)
			schedule_work(&info->reinit_work);
	}
	mutex_unlock(&vcam_global_lock);

	queue_work(vcam_wq, &cam->teardown_work);
}

static struct vcam_dev *vcam_alloc(struct vcamfront_info *info)
{
	struct vcam_dev *cam;

	cam = kzalloc(sizeof(*cam), GFP_KERNEL);
	if (!cam)
		return NULL;
	cam->xb_dev = info->xb_dev;
	get_device(&cam->xb_dev->dev);
	mutex_init(&cam->lock);
	mutex_init(&cam->sync_mutex);
	mutex_init(&cam->req_lock);
	spin_lock_init(&cam->ctrl_lock);
	init_waitqueue_head(&cam->ring_wq);
	init_waitqueue_head(&cam->poller_wq);
	init_completion(&cam->sync_done);
	INIT_LIST_HEAD(&cam->pending);
	INIT_WORK(&cam->ctrl_work, vcam_ctrls_work);
	INIT_WORK(&cam->teardown_work, vcam_teardown_work);
	INIT_WORK(&cam->broken_work, vcam_broken_work);
	mutex_init(&cam->zombie_lock);
	INIT_LIST_HEAD(&cam->zombies);
	cam->otherend = kstrdup(info->xb_dev->otherend, GFP_KERNEL);
	cam->timeout_ms = max(vcam_param_timeout_ms, 100U);
	vcam_irq_init(cam);
	return cam;
}

/* Backend is in InitWait: set up our half and publish it. */
static int vcam_initwait(struct vcamfront_info *info)
{
	struct xenbus_device *xb_dev = info->xb_dev;
	struct vcam_dev *cam;
	int ret;

	cam = vcam_alloc(info);
	if (!cam)
		return -ENOMEM;
	ret = vcam_cfg_read(xb_dev, &cam->cfg);
	if (ret) {
		put_device(&xb_dev->dev);
		kfree(cam->otherend);
		kfree(cam);
		return ret;
	}
	cam->notify_mode = cam->cfg.notify_mode;

	ret = v4l2_device_register(&xb_dev->dev, &cam->v4l2_dev);
	if (ret) {
		vcam_cfg_free(&cam->cfg);
		put_device(&xb_dev->dev);
		kfree(cam->otherend);
		kfree(cam);
		return ret;
	}
	/* From here on the last v4l2_device_put() frees everything. */
	cam->v4l2_dev.release = vcam_release;

	ret = vcam_evtchnl_create(cam);
	if (!ret)
		ret = vcam_evtchnl_publish(cam);
	if (ret) {
		v4l2_device_unregister(&cam->v4l2_dev);
		v4l2_device_put(&cam->v4l2_dev);
		return ret;
	}
	mutex_lock(&vcam_global_lock);
	cam->info = info;
	mutex_unlock(&vcam_global_lock);
	info->cam = cam;
	return 0;
}

/*
 * Tear the connection down.  Returns true if /dev/videoN is still open, in
 * which case the release callback finishes the job later.
 */
static bool vcam_disconnect(struct vcamfront_info *info, const char *why)
{
	struct vcam_dev *cam = info->cam;
	bool in_use;

	if (!cam)
		return false;
	info->cam = NULL;

	mutex_lock(&cam->req_lock);
	vcam_mark_dead(cam, why);
	mutex_unlock(&cam->req_lock);

	in_use = atomic_read(&cam->users) > 0;
	mutex_lock(&vcam_global_lock);
	if (cam->info)
		info->lingering = cam;
	mutex_unlock(&vcam_global_lock);
	if (cam->registered)
		video_unregister_device(&cam->vdev);
	v4l2_device_unregister(&cam->v4l2_dev);
	v4l2_device_put(&cam->v4l2_dev);
	return in_use;
}

static void vcam_reset(struct vcamfront_info *info)
{
	if (vcam_disconnect(info, "backend disconnected"))
		xenbus_switch_state(info->xb_dev, XenbusStateReconfiguring);
	else if (info->xb_dev->state != XenbusStateInitialising)
		xenbus_switch_state(info->xb_dev, XenbusStateInitialising);
}

static void vcam_do_initwait(struct vcamfront_info *info)
{
	int ret = vcam_initwait(info);

	if (ret) {
		/* Bad configuration: retrying would only repeat the error. */
		info->failed = true;
		xenbus_dev_fatal(info->xb_dev, ret, "initialising camera");
		return;
	}
	xenbus_switch_state(info->xb_dev, XenbusStateInitialised);
}

static void vcam_do_connect(struct vcamfront_info *info)
{
	int ret = vcam_v4l2_connect(info->cam);

	if (ret) {
		xenbus_dev_fatal(info->xb_dev, ret, "connecting camera");
		/* A backend that keeps refusing us must not make us loop. */
		if (++info->connect_failures >= VCAM_MAX_CONNECT_FAILURES) {
			info->failed = true;
			vcam_disconnect(info, "backend disconnected");
			xenbus_switch_state(info->xb_dev, XenbusStateClosed);
			return;
		}
		vcam_reset(info);
		return;
	}
	info->connect_failures = 0;
	xenbus_switch_state(info->xb_dev, XenbusStateConnected);
}

static void vcam_backend_changed(struct xenbus_device *xb_dev,
				 enum xenbus_state backend_state)
{
	struct vcamfront_info *info = dev_get_drvdata(&xb_dev->dev);

	mutex_lock(&info->lock);
	if (info->removing)
		goto out;
	switch (backend_state) {
	case XenbusStateInitialising:
	case XenbusStateInitialised:
	case XenbusStateReconfiguring:
	case XenbusStateReconfigured:
		break;

	case XenbusStateInitWait:
		if (info->failed)
			break;
		/*
		 * A restarted backend (or one coming back after we closed on
		 * an error): drop what we had and start over.  While the old
		 * device is still open we wait in Reconfiguring instead.
		 */
		if (xb_dev->state != XenbusStateInitialising &&
		    xb_dev->state != XenbusStateReconfiguring)
			vcam_reset(info);
		if (xb_dev->state != XenbusStateInitialising)
			break;
		vcam_do_initwait(info);
		break;

	case XenbusStateConnected:
		if (xb_dev->state != XenbusStateInitialised || !info->cam)
			break;
		vcam_do_connect(info);
		break;

	case XenbusStateClosing:
	case XenbusStateClosed:
	case XenbusStateUnknown:
	default:
		if (xb_dev->state == XenbusStateClosed)
			break;
		if (xb_dev->state == XenbusStateReconfiguring)
			break;
		if (info->failed) {
			xenbus_switch_state(xb_dev, XenbusStateClosed);
			break;
		}
		vcam_reset(info);
		break;
	}
out:
	mutex_unlock(&info->lock);
}

/* The last user of a dead connection is gone: ready for a new one. */
static void vcam_reinit_work(struct work_struct *work)
{
	struct vcamfront_info *info = container_of(work, struct vcamfront_info,
						   reinit_work);
	struct xenbus_device *xb_dev = info->xb_dev;

	mutex_lock(&info->lock);
	if (info->removing || info->cam ||
	    xb_dev->state != XenbusStateReconfiguring)
		goto out;
	xenbus_switch_state(xb_dev, XenbusStateInitialising);
	/* The backend may have been waiting for us all along. */
	if (xenbus_read_driver_state(xb_dev->otherend) == XenbusStateInitWait)
		vcam_do_initwait(info);
out:
	mutex_unlock(&info->lock);
}

static int vcam_probe(struct xenbus_device *xb_dev,
		      const struct xenbus_device_id *id)
{
	struct vcamfront_info *info;
	int ret;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->xb_dev = xb_dev;
	mutex_init(&info->lock);
	INIT_WORK(&info->reinit_work, vcam_reinit_work);
	dev_set_drvdata(&xb_dev->dev, info);

	ret = sysfs_create_groups(&xb_dev->dev.kobj, vcam_stats_groups);
	if (ret) {
		kfree(info);
		return ret;
	}
	return xenbus_switch_state(xb_dev, XenbusStateInitialising);
}

/*
 * The domain is about to be suspended for xl save or xl migrate (or a
 * checkpoint, which may be cancelled).  fe-alloc connections are left as
 * they are: only our own pages are shared, which a save takes along, and a
 * cancelled suspend goes on with them.  A be-alloc connection with buffers
 * maps the backend's pages into our kernel page tables, which a save cannot
 * take (vcam_buf_unmap_backend): it is dropped now, as if its backend had
 * gone, and those mappings undone before the domain suspends.  After a
 * cancelled suspend it reconnects as after any recovery.
 */
static int vcam_suspend(struct xenbus_device *xb_dev)
{
	struct vcamfront_info *info = dev_get_drvdata(&xb_dev->dev);
	struct vcam_dev *old = NULL;

	mutex_lock(&info->lock);
	/* A dead connection still open may hold mapped buffers too. */
	mutex_lock(&vcam_global_lock);
	if (info->lingering) {
		old = info->lingering;
		v4l2_device_get(&old->v4l2_dev);
	}
	mutex_unlock(&vcam_global_lock);
	if (old) {
		vcam_buf_unmap_backend(old);
		v4l2_device_put(&old->v4l2_dev);
	}
	if (info->cam && vcam_buf_unmap_backend(info->cam))
		vcam_reset(info);
	mutex_unlock(&info->lock);
	return 0;
}

/*
 * The domain was restored (xl restore) or migrated (xl migrate): it runs
 * as a new domain, and nothing of the old connection is valid any more.
 * Its event channels were closed with the old domain (Linux's event core
 * has forgotten their ports, so notifying or unbinding them is harmless),
 * its grants are empty entries of a fresh grant table, so ending them
 * succeeds at once, and its backend served the old domain.  Before this,
 * xenbus_dev_resume has read the frontend dir the toolstack wrote for the
 * new domain (talk_to_otherend: no dir, no resume), and it watches the new
 * backend once we return: so the old connection is dropped here, as when a
 * backend vanishes, and the normal handshake builds a new one.  A stream
 * ends with an error, every buffer the backend held comes back
 * VB2_BUF_STATE_ERROR, a request waiting for an answer gets -ENODEV.  With
 * /dev/videoN still open we wait in Reconfiguring for its last user
 * (vcam_reinit_work); otherwise the new backend's InitWait reconnects us.
 * A suspend that is cancelled (a checkpoint, a failed migration) keeps the
 * domain, the connection and its backend, and does not come here.
 */
static int vcam_resume(struct xenbus_device *xb_dev)
{
	struct vcamfront_info *info = dev_get_drvdata(&xb_dev->dev);
	bool in_use;

	mutex_lock(&info->lock);
	/* Before they go: their teardown must not wait for that backend. */
	mutex_lock(&vcam_global_lock);
	if (info->lingering)
		WRITE_ONCE(info->lingering->resumed, true);
	mutex_unlock(&vcam_global_lock);
	if (info->cam)
		WRITE_ONCE(info->cam->resumed, true);
	/* A new backend: a new chance, whatever the old one did. */
	info->failed = false;
	info->connect_failures = 0;
	vcam_disconnect(info, "domain restored or migrated: connection dropped");
	/* Still open, now or since before the suspend: wait for its last user. */
	mutex_lock(&vcam_global_lock);
	in_use = !!info->lingering;
	mutex_unlock(&vcam_global_lock);
	if (in_use)
		xenbus_switch_state(xb_dev, XenbusStateReconfiguring);
	mutex_unlock(&info->lock);
	return 0;
}

static void vcam_remove(struct xenbus_device *xb_dev)
{
	struct vcamfront_info *info = dev_get_drvdata(&xb_dev->dev);
	struct vcam_dev *cam;

	mutex_lock(&info->lock);
	info->removing = true;
	/* Ask the backend to let go of our pages before we free them. */
	if (xenbus_read_driver_state(xb_dev->nodename) != XenbusStateUnknown)
		xenbus_switch_state(xb_dev, XenbusStateClosing);
	cam = info->cam;
	mutex_lock(&vcam_global_lock);
	/* Connections still held open must not call back into us. */
	if (cam)
		cam->info = NULL;
	if (info->lingering)
		info->lingering->info = NULL;
	info->lingering = NULL;
	mutex_unlock(&vcam_global_lock);
	vcam_disconnect(info, "backend disconnected");
	mutex_unlock(&info->lock);

	cancel_work_sync(&info->reinit_work);
	sysfs_remove_groups(&xb_dev->dev.kobj, vcam_stats_groups);

	/* Module unload with the backend still there: tell it we are gone. */
	if (xenbus_read_driver_state(xb_dev->nodename) != XenbusStateUnknown)
		xenbus_frontend_closed(xb_dev);
	dev_set_drvdata(&xb_dev->dev, NULL);
	kfree(info);
}

static const struct xenbus_device_id vcam_ids[] = {
	{ XENCAMERA_DRIVER_NAME },
	{ "" }
};

static struct xenbus_driver vcam_driver = {
	.ids = vcam_ids,
	.probe = vcam_probe,
	.remove = vcam_remove,
	.suspend = vcam_suspend,
	.resume = vcam_resume,
	.otherend_changed = vcam_backend_changed,
	.not_essential = true,
};

static int __init vcam_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	if (vcam_notify_mode_parse(vcam_param_notify_mode) < 0) {
		pr_err(VCAM_DRV_NAME ": notify_mode must be event, spin or hybrid\n");
		return -EINVAL;
	}
	vcam_wq = alloc_workqueue("vcamfront", 0, 0);
	if (!vcam_wq)
		return -ENOMEM;
	ret = xenbus_register_frontend(&vcam_driver);
	if (ret) {
		destroy_workqueue(vcam_wq);
		return ret;
	}
	pr_info(VCAM_DRV_NAME ": Xen para-virtual camera frontend\n");
	return 0;
}

static void __exit vcam_exit(void)
{
	xenbus_unregister_driver(&vcam_driver);
	/* Connections being torn down finish before the code goes away. */
	destroy_workqueue(vcam_wq);
}

module_init(vcam_init);
module_exit(vcam_exit);

MODULE_DESCRIPTION("Xen para-virtual camera frontend");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen:" XENCAMERA_DRIVER_NAME);
