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

#include <linux/module.h>
#include <linux/workqueue.h>

#include <xen/xen.h>
#include <xen/xenbus.h>

#include "vcamfront.h"

DEFINE_MUTEX(vcamfe_global_lock);

unsigned int vcamfe_param_timeout_ms = 5000;
module_param_named(timeout_ms, vcamfe_param_timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms, "Time the backend gets to answer a request");

char *vcamfe_param_notify_mode = "event";
module_param_named(notify_mode, vcamfe_param_notify_mode, charp, 0444);
MODULE_PARM_DESC(notify_mode,
		 "Default notification mode: event, spin or hybrid (xenstore notify-mode overrides)");

unsigned int vcamfe_param_spin_us = VCAM_SPIN_US_DEFAULT;
module_param_named(spin_us, vcamfe_param_spin_us, uint, 0444);
MODULE_PARM_DESC(spin_us, "Default hybrid polling window in microseconds");

int vcamfe_param_mplane = -1;
module_param_named(mplane, vcamfe_param_mplane, int, 0644);
MODULE_PARM_DESC(mplane,
		 "V4L2 API: -1 multi-planar iff a configured format has separate memory planes (default), 0 single-planar, 1 multi-planar");

bool vcamfe_param_avail_dequeues = true;
module_param_named(avail_dequeues, vcamfe_param_avail_dequeues, bool, 0644);
MODULE_PARM_DESC(avail_dequeues,
		 "Use the backend's avail-dequeues extension if it offers it (default); 0: BUF_DEQUEUE after every frame, as cameraif.h has it");

bool vcamfe_param_zero_copy = true;
module_param_named(zero_copy, vcamfe_param_zero_copy, bool, 0644);
MODULE_PARM_DESC(zero_copy,
		 "With be-alloc, MMAP buffers are the backend's pages, mapped into the application (default; PV guests); 0: copy every frame");

bool vcamfe_param_bare_pages = true;
module_param_named(bare_pages, vcamfe_param_bare_pages, bool, 0644);
MODULE_PARM_DESC(bare_pages,
		 "With fe-alloc, single-plane MMAP buffers are pages without a kernel mapping (default); 0: vb2-vmalloc");

struct workqueue_struct *vcamfe_wq;

#define VCAMFE_MAX_CONNECT_FAILURES	3


static void vcamfe_reset(struct vcamfe_info *info)
{
	if (vcamfe_conn_disconnect(info, "backend disconnected"))
		xenbus_switch_state(info->xb_dev, XenbusStateReconfiguring);
	else if (info->xb_dev->state != XenbusStateInitialising)
		xenbus_switch_state(info->xb_dev, XenbusStateInitialising);
}

static void vcamfe_do_initwait(struct vcamfe_info *info)
{
	int ret = vcamfe_conn_create(info);

	if (ret) {
		/* Bad configuration: retrying would only repeat the error. */
		info->failed = true;
		xenbus_dev_fatal(info->xb_dev, ret, "initialising camera");
		return;
	}
	xenbus_switch_state(info->xb_dev, XenbusStateInitialised);
}

static void vcamfe_do_connect(struct vcamfe_info *info)
{
	int ret = vcamfe_v4l2_connect(info->cam);

	if (ret) {
		xenbus_dev_fatal(info->xb_dev, ret, "connecting camera");
		/* A backend that keeps refusing us must not make us loop. */
		if (++info->connect_failures >= VCAMFE_MAX_CONNECT_FAILURES) {
			info->failed = true;
			vcamfe_conn_disconnect(info, "backend disconnected");
			xenbus_switch_state(info->xb_dev, XenbusStateClosed);
			return;
		}
		vcamfe_reset(info);
		return;
	}
	info->connect_failures = 0;
	xenbus_switch_state(info->xb_dev, XenbusStateConnected);
}

static void vcamfe_backend_changed(struct xenbus_device *xb_dev,
				   enum xenbus_state backend_state)
{
	struct vcamfe_info *info = dev_get_drvdata(&xb_dev->dev);

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
			vcamfe_reset(info);
		if (xb_dev->state != XenbusStateInitialising)
			break;
		vcamfe_do_initwait(info);
		break;

	case XenbusStateConnected:
		if (xb_dev->state != XenbusStateInitialised || !info->cam)
			break;
		vcamfe_do_connect(info);
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
		vcamfe_reset(info);
		break;
	}
out:
	mutex_unlock(&info->lock);
}

/* The last user of a dead connection is gone: ready for a new one. */
static void vcamfe_reinit_work(struct work_struct *work)
{
	struct vcamfe_info *info = container_of(work, struct vcamfe_info,
						   reinit_work);
	struct xenbus_device *xb_dev = info->xb_dev;

	mutex_lock(&info->lock);
	if (info->removing || info->cam ||
	    xb_dev->state != XenbusStateReconfiguring)
		goto out;
	xenbus_switch_state(xb_dev, XenbusStateInitialising);
	/* The backend may have been waiting for us all along. */
	if (xenbus_read_driver_state(xb_dev->otherend) == XenbusStateInitWait)
		vcamfe_do_initwait(info);
out:
	mutex_unlock(&info->lock);
}

static int vcamfe_probe(struct xenbus_device *xb_dev,
			const struct xenbus_device_id *id)
{
	struct vcamfe_info *info;
	int ret;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->xb_dev = xb_dev;
	mutex_init(&info->lock);
	INIT_WORK(&info->reinit_work, vcamfe_reinit_work);
	dev_set_drvdata(&xb_dev->dev, info);

	ret = sysfs_create_groups(&xb_dev->dev.kobj, vcamfe_stats_groups);
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
 * take (vcamfe_buf_unmap_backend): it is dropped now, as if its backend had
 * gone, and those mappings undone before the domain suspends.  After a
 * cancelled suspend it reconnects as after any recovery.
 */
static int vcamfe_suspend(struct xenbus_device *xb_dev)
{
	struct vcamfe_info *info = dev_get_drvdata(&xb_dev->dev);
	struct vcamfe_dev *old = NULL;

	mutex_lock(&info->lock);
	/* A dead connection still open may hold mapped buffers too. */
	mutex_lock(&vcamfe_global_lock);
	if (info->lingering) {
		old = info->lingering;
		v4l2_device_get(&old->v4l2_dev);
	}
	mutex_unlock(&vcamfe_global_lock);
	if (old) {
		vcamfe_buf_unmap_backend(old);
		v4l2_device_put(&old->v4l2_dev);
	}
	if (info->cam && vcamfe_buf_unmap_backend(info->cam))
		vcamfe_reset(info);
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
 * (vcamfe_reinit_work); otherwise the new backend's InitWait reconnects us.
 * A suspend that is cancelled (a checkpoint, a failed migration) keeps the
 * domain, the connection and its backend, and does not come here.
 */
static int vcamfe_resume(struct xenbus_device *xb_dev)
{
	struct vcamfe_info *info = dev_get_drvdata(&xb_dev->dev);
	bool in_use;

	mutex_lock(&info->lock);
	/* Before they go: their teardown must not wait for that backend. */
	mutex_lock(&vcamfe_global_lock);
	if (info->lingering)
		WRITE_ONCE(info->lingering->teardown.resumed, true);
	mutex_unlock(&vcamfe_global_lock);
	if (info->cam)
		WRITE_ONCE(info->cam->teardown.resumed, true);
	/* A new backend: a new chance, whatever the old one did. */
	info->failed = false;
	info->connect_failures = 0;
	vcamfe_conn_disconnect(info,
			       "domain restored or migrated: connection dropped");
	/* Still open, now or since before the suspend: wait for its last user. */
	mutex_lock(&vcamfe_global_lock);
	in_use = !!info->lingering;
	mutex_unlock(&vcamfe_global_lock);
	if (in_use)
		xenbus_switch_state(xb_dev, XenbusStateReconfiguring);
	mutex_unlock(&info->lock);
	return 0;
}

static void vcamfe_remove(struct xenbus_device *xb_dev)
{
	struct vcamfe_info *info = dev_get_drvdata(&xb_dev->dev);
	struct vcamfe_dev *cam;

	mutex_lock(&info->lock);
	info->removing = true;
	/* Ask the backend to let go of our pages before we free them. */
	if (xenbus_read_driver_state(xb_dev->nodename) != XenbusStateUnknown)
		xenbus_switch_state(xb_dev, XenbusStateClosing);
	cam = info->cam;
	mutex_lock(&vcamfe_global_lock);
	/* Connections still held open must not call back into us. */
	if (cam)
		cam->info = NULL;
	if (info->lingering)
		info->lingering->info = NULL;
	info->lingering = NULL;
	mutex_unlock(&vcamfe_global_lock);
	vcamfe_conn_disconnect(info, "backend disconnected");
	mutex_unlock(&info->lock);

	cancel_work_sync(&info->reinit_work);
	sysfs_remove_groups(&xb_dev->dev.kobj, vcamfe_stats_groups);

	/* Module unload with the backend still there: tell it we are gone. */
	if (xenbus_read_driver_state(xb_dev->nodename) != XenbusStateUnknown)
		xenbus_frontend_closed(xb_dev);
	dev_set_drvdata(&xb_dev->dev, NULL);
	kfree(info);
}

static const struct xenbus_device_id vcamfe_ids[] = {
	{ XENCAMERA_DRIVER_NAME },
	{ "" }
};

static struct xenbus_driver vcamfe_driver = {
	.ids = vcamfe_ids,
	.probe = vcamfe_probe,
	.remove = vcamfe_remove,
	.suspend = vcamfe_suspend,
	.resume = vcamfe_resume,
	.otherend_changed = vcamfe_backend_changed,
	.not_essential = true,
};

/*
 * xenbus_register_frontend() returns only once every device of the driver
 * has connected, or after 30 s, so that boot disks and networks are up
 * before init goes on.  No one boots from a camera, and a camera whose
 * backend is down (its driver domain restarting, say) would hold modprobe,
 * and with it udev and the guest's boot, for the whole 30 s.  So the driver
 * registers from a work item: its devices probe as soon as it is registered
 * and connect whenever their backends come, and nobody waits for them.
 */
static bool vcamfe_registered;

static void vcamfe_register(struct work_struct *work)
{
	int ret = xenbus_register_frontend(&vcamfe_driver);

	if (ret) {
		pr_err(VCAMFE_DRV_NAME ": cannot register the driver: %d\n",
		       ret);
		return;
	}
	vcamfe_registered = true;
}

static DECLARE_WORK(vcamfe_register_work, vcamfe_register);

static int __init vcamfe_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	if (vcam_notify_mode_parse(vcamfe_param_notify_mode) < 0) {
		pr_err(VCAMFE_DRV_NAME ": notify_mode must be event, spin or hybrid\n");
		return -EINVAL;
	}
	vcamfe_wq = alloc_workqueue("vcamfront", 0, 0);
	if (!vcamfe_wq)
		return -ENOMEM;
	queue_work(system_long_wq, &vcamfe_register_work);
	pr_info(VCAMFE_DRV_NAME ": Xen para-virtual camera frontend\n");
	return 0;
}

static void __exit vcamfe_exit(void)
{
	/* At most the 30 s above, if a device is still connecting. */
	flush_work(&vcamfe_register_work);
	if (vcamfe_registered)
		xenbus_unregister_driver(&vcamfe_driver);
	/* Connections being torn down finish before the code goes away. */
	flush_workqueue(vcamfe_wq);
	vcamfe_zc_wait_released();
	destroy_workqueue(vcamfe_wq);
}

module_init(vcamfe_init);
module_exit(vcamfe_exit);

MODULE_DESCRIPTION("Xen para-virtual camera frontend");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_ALIAS("xen:" XENCAMERA_DRIVER_NAME);
