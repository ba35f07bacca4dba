// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * One connection to the backend, from the backend's InitWait to the last
 * close of its /dev/videoN: created by vcamfe_conn_create, marked dead when
 * the backend goes or breaks the protocol (every waiter returns, every
 * buffer comes back with an error), released by the V4L2 core when its
 * last user is gone, and freed by the teardown work once the backend has
 * let go of our pages.  The xenbus side (vcamfront_xenbus.c) decides when.
 */

#include <linux/delay.h>
#include <linux/slab.h>

#include "vcamfront.h"

/* How long a backend gets to let go of our pages before we take them back. */
#define VCAMFE_TEARDOWN_WAIT_MS	5000

void vcamfe_broken(struct vcamfe_dev *cam, const char *fmt, ...)
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
		schedule_work(&cam->teardown.broken_work);
	}
	vcamfe_mark_dead(cam, NULL);
}

/*
 * Called with req_lock held.  From here on nothing is sent; buffers the
 * backend held are handed back to vb2 as errors and every waiter returns.
 */
void vcamfe_mark_dead(struct vcamfe_dev *cam, const char *why)
{
	lockdep_assert_held(&cam->req_lock);
	if (why && !cam->dead)
		dev_info(&cam->xb_dev->dev, "%s\n", why);
	cam->dead = true;
	vcamfe_req_abort_locked(cam);
	vcamfe_return_all_locked(cam, VB2_BUF_STATE_ERROR);
	if (cam->registered)
		vb2_queue_error(&cam->queue);
	wake_up_all(&cam->req.ring_wq);
	cam->poller.kick = true;
	wake_up(&cam->poller.wq);
}

static bool backend_holds_pages(struct vcamfe_dev *cam)
{
	enum xenbus_state st;

	/* Restored or migrated: that backend mapped the old domain's pages. */
	if (!cam->teardown.otherend || READ_ONCE(cam->teardown.resumed))
		return false;
	st = xenbus_read_driver_state(cam->teardown.otherend);
	return st == XenbusStateInitialised || st == XenbusStateConnected;
}

/*
 * Last step of a connection: give back the shared pages.  Ending a grant
 * the backend still maps only defers it (and logs), so give the backend a
 * moment to react to our state change first.
 */
static void vcamfe_teardown_work(struct work_struct *work)
{
	struct vcamfe_dev *cam = container_of(work, struct vcamfe_dev,
					    teardown.work);
	struct vcamfe_share *z, *tmp;
	int waited = 0;

	while (backend_holds_pages(cam) && waited < VCAMFE_TEARDOWN_WAIT_MS) {
		msleep(100);
		waited += 100;
	}
	vcamfe_evtchnl_free(cam);
	/* A BUF_DESTROY never answered: the backend may have mapped it still. */
	list_splice_init(&cam->req.destroying, &cam->teardown.zombies);
	list_for_each_entry_safe(z, tmp, &cam->teardown.zombies, list) {
		list_del(&z->list);
		vcamfe_share_free(z);
		kfree(z);
	}
	/* No file, so no mapping and no vb2 buffer: every zbuf is gone. */
	WARN_ON(!list_empty(&cam->zc.bufs));
	put_device(&cam->xb_dev->dev);
	kfree(cam->teardown.otherend);
	kfree(cam);
}

/* The backend broke the protocol: close our side (cameraif's error flow). */
static void vcamfe_broken_work(struct work_struct *work)
{
	struct vcamfe_dev *cam = container_of(work, struct vcamfe_dev,
					    teardown.broken_work);
	struct vcamfe_info *info;

	mutex_lock(&vcamfe_global_lock);
	info = cam->info;
	if (info && !info->removing)
		xenbus_switch_state(cam->xb_dev, XenbusStateClosing);
	mutex_unlock(&vcamfe_global_lock);
}

static void vcamfe_release(struct v4l2_device *v4l2_dev)
{
	struct vcamfe_dev *cam = container_of(v4l2_dev, struct vcamfe_dev,
					    v4l2_dev);
	struct vcamfe_info *info;

	if (cam->registered)
		cancel_delayed_work_sync(&cam->stream.watchdog);
	vcamfe_poller_stop(cam);
	/* Before anything the interrupt work uses goes away. */
	vcamfe_evtchnl_unbind(cam);
	cancel_work_sync(&cam->ctrls.work);
	cancel_work_sync(&cam->teardown.broken_work);
	v4l2_ctrl_handler_free(&cam->ctrls.handler);
	vcamfe_cfg_free(&cam->cfg);

	mutex_lock(&vcamfe_global_lock);
	info = cam->info;
	if (info) {
		cam->info = NULL;
		if (info->lingering == cam)
			info->lingering = NULL;
		if (!info->removing)
			schedule_work(&info->reinit_work);
	}
	mutex_unlock(&vcamfe_global_lock);

	queue_work(vcamfe_wq, &cam->teardown.work);
}

static struct vcamfe_dev *vcamfe_alloc(struct vcamfe_info *info)
{
	struct vcamfe_dev *cam;

	cam = kzalloc(sizeof(*cam), GFP_KERNEL);
	if (!cam)
		return NULL;
	cam->xb_dev = info->xb_dev;
	get_device(&cam->xb_dev->dev);
	mutex_init(&cam->lock);
	mutex_init(&cam->req.sync_mutex);
	mutex_init(&cam->req_lock);
	spin_lock_init(&cam->ctrls.lock);
	init_waitqueue_head(&cam->req.ring_wq);
	init_waitqueue_head(&cam->poller.wq);
	init_completion(&cam->req.sync_done);
	INIT_LIST_HEAD(&cam->req.pending);
	INIT_LIST_HEAD(&cam->req.destroying);
	INIT_WORK(&cam->ctrls.work, vcamfe_ctrls_work);
	INIT_WORK(&cam->teardown.work, vcamfe_teardown_work);
	INIT_WORK(&cam->teardown.broken_work, vcamfe_broken_work);
	mutex_init(&cam->teardown.zombie_lock);
	INIT_LIST_HEAD(&cam->teardown.zombies);
	mutex_init(&cam->zc.lock);
	INIT_LIST_HEAD(&cam->zc.bufs);
	cam->teardown.otherend = kstrdup(info->xb_dev->otherend, GFP_KERNEL);
	cam->req.timeout_ms = max(vcamfe_param_timeout_ms, 100U);
	vcamfe_evtchnl_init(cam);
	return cam;
}

/* Backend is in InitWait: set up our half and publish it. */
int vcamfe_conn_create(struct vcamfe_info *info)
{
	struct xenbus_device *xb_dev = info->xb_dev;
	struct vcamfe_dev *cam;
	int ret;

	cam = vcamfe_alloc(info);
	if (!cam)
		return -ENOMEM;
	ret = vcamfe_cfg_read(xb_dev, &cam->cfg);
	if (ret) {
		put_device(&xb_dev->dev);
		kfree(cam->teardown.otherend);
		kfree(cam);
		return ret;
	}
	cam->notify_mode = cam->cfg.notify_mode;

	ret = v4l2_device_register(&xb_dev->dev, &cam->v4l2_dev);
	if (ret) {
		vcamfe_cfg_free(&cam->cfg);
		put_device(&xb_dev->dev);
		kfree(cam->teardown.otherend);
		kfree(cam);
		return ret;
	}
	/* From here on the last v4l2_device_put() frees everything. */
	cam->v4l2_dev.release = vcamfe_release;

	ret = vcamfe_evtchnl_create(cam);
	if (!ret)
		ret = vcamfe_evtchnl_publish(cam);
	if (ret) {
		v4l2_device_unregister(&cam->v4l2_dev);
		v4l2_device_put(&cam->v4l2_dev);
		return ret;
	}
	mutex_lock(&vcamfe_global_lock);
	cam->info = info;
	mutex_unlock(&vcamfe_global_lock);
	info->cam = cam;
	return 0;
}

/*
 * Tear the connection down.  Returns true if /dev/videoN is still open, in
 * which case the release callback finishes the job later.
 */
bool vcamfe_conn_disconnect(struct vcamfe_info *info, const char *why)
{
	struct vcamfe_dev *cam = info->cam;
	bool in_use;

	if (!cam)
		return false;
	info->cam = NULL;

	mutex_lock(&cam->req_lock);
	vcamfe_mark_dead(cam, why);
	mutex_unlock(&cam->req_lock);

	in_use = atomic_read(&cam->users) > 0;
	mutex_lock(&vcamfe_global_lock);
	if (cam->info)
		info->lingering = cam;
	mutex_unlock(&vcamfe_global_lock);
	if (cam->registered)
		video_unregister_device(&cam->vdev);
	v4l2_device_unregister(&cam->v4l2_dev);
	v4l2_device_put(&cam->v4l2_dev);
	return in_use;
}
