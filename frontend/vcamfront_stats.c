// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Per-device counters in sysfs, one value per file, under
 * /sys/bus/xen/devices/vcamera-<N>/stats/: what each notification mode
 * costs (notifications sent and received, received ones that brought
 * nothing, wake-ups, empty polls) and what the stream delivered (frames,
 * drops, errors, copies).  They describe the current connection and start
 * from zero on reconnect.
 */

#include <linux/device.h>
#include <linux/sysfs.h>

#include "vcamfront.h"

static struct vcamfe_dev *lock_cam(struct device *dev)
{
	struct vcamfe_info *info = dev_get_drvdata(dev);

	if (!info)
		return NULL;
	mutex_lock(&info->lock);
	if (!info->cam) {
		mutex_unlock(&info->lock);
		return NULL;
	}
	return info->cam;
}

static void unlock_cam(struct device *dev)
{
	struct vcamfe_info *info = dev_get_drvdata(dev);

	mutex_unlock(&info->lock);
}

/*
 * One value of the connection, VAL an expression of cam (the locked
 * device) printed with FMT; NONE without a connection.
 */
#define VCAMFE_SHOW_ATTR(name, none, fmt, val)				\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct vcamfe_dev *cam = lock_cam(dev);				\
	ssize_t n;							\
									\
	if (!cam)							\
		return sysfs_emit(buf, "%s\n", none);			\
	n = sysfs_emit(buf, fmt "\n", val);				\
	unlock_cam(dev);						\
	return n;							\
}									\
static DEVICE_ATTR_RO(name)

#define VCAMFE_STAT_ATTR(name)						\
	VCAMFE_SHOW_ATTR(name, "0", "%lld",				\
			 (long long)atomic64_read(&cam->stats.name))
/* A word about the connection. */
#define VCAMFE_WORD_ATTR(name, none, word)				\
	VCAMFE_SHOW_ATTR(name, none, "%s", word)

VCAMFE_STAT_ATTR(frames);
VCAMFE_STAT_ATTR(errors);
VCAMFE_STAT_ATTR(drops);
VCAMFE_STAT_ATTR(notify_sent);
VCAMFE_STAT_ATTR(notify_recv);
VCAMFE_STAT_ATTR(notify_spurious);
VCAMFE_STAT_ATTR(wakeups);
VCAMFE_STAT_ATTR(spins);
VCAMFE_STAT_ATTR(copies);
VCAMFE_STAT_ATTR(requests);
VCAMFE_STAT_ATTR(dequeues);
VCAMFE_STAT_ATTR(reannounced);
VCAMFE_STAT_ATTR(capture_times);
VCAMFE_STAT_ATTR(bad_times);
VCAMFE_STAT_ATTR(zero_copy);

VCAMFE_WORD_ATTR(mode, "none", vcam_notify_mode_name(cam->notify_mode));
/* How a filled buffer comes back: with FRAME_AVAIL, or BUF_DEQUEUE's answer. */
VCAMFE_WORD_ATTR(handback, "none", cam->avail_dequeues ? "avail" : "dequeue");
/* Requests on the ring at once (extension "in-order"), or one at a time. */
VCAMFE_WORD_ATTR(pipeline, "none",
		 cam->req.in_order ? "pipelined" : "one-at-a-time");
VCAMFE_WORD_ATTR(state, "disconnected",
		 READ_ONCE(cam->dead) ? "error" :
		 cam->stream.streaming ? "streaming" : "idle");

static struct attribute *vcamfe_stats_attrs[] = {
	&dev_attr_frames.attr,
	&dev_attr_errors.attr,
	&dev_attr_drops.attr,
	&dev_attr_notify_sent.attr,
	&dev_attr_notify_recv.attr,
	&dev_attr_notify_spurious.attr,
	&dev_attr_dequeues.attr,
	&dev_attr_reannounced.attr,
	&dev_attr_capture_times.attr,
	&dev_attr_bad_times.attr,
	&dev_attr_wakeups.attr,
	&dev_attr_spins.attr,
	&dev_attr_copies.attr,
	&dev_attr_zero_copy.attr,
	&dev_attr_requests.attr,
	&dev_attr_mode.attr,
	&dev_attr_handback.attr,
	&dev_attr_pipeline.attr,
	&dev_attr_state.attr,
	NULL
};

static const struct attribute_group vcamfe_stats_group = {
	.name = "stats",
	.attrs = vcamfe_stats_attrs,
};

const struct attribute_group *vcamfe_stats_groups[] = {
	&vcamfe_stats_group,
	NULL
};
