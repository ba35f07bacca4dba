// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Which /dev/videoN a camera gets.  A camera whose backend died and came
 * back (a driver domain restarted) is a new xenbus device and a new video
 * device; without this, two cameras coming back in the other order would
 * swap their nodes under the applications and udev rules that name them.
 * So each xenbus devid asks for the number it had last time; if another
 * device took it meanwhile, the V4L2 core gives the next free one.
 */

#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "vcamfront.h"

/* devids beyond this just take the first free number */
#define VCAMFE_NODE_DEVIDS	64

static DEFINE_MUTEX(vcamfe_node_lock);
/* last number + 1 per devid; 0: none yet */
static int vcamfe_node_last[VCAMFE_NODE_DEVIDS];

static int devid_of(struct xenbus_device *xb_dev)
{
	const char *slash = strrchr(xb_dev->nodename, '/');
	unsigned int devid;

	if (!slash || kstrtouint(slash + 1, 10, &devid) ||
	    devid >= VCAMFE_NODE_DEVIDS)
		return -1;
	return devid;
}

int vcamfe_node_wanted(struct xenbus_device *xb_dev)
{
	int devid = devid_of(xb_dev);
	int nr = -1;

	if (devid < 0)
		return -1;
	mutex_lock(&vcamfe_node_lock);
	nr = vcamfe_node_last[devid] - 1;
	mutex_unlock(&vcamfe_node_lock);
	return nr;
}

void vcamfe_node_remember(struct xenbus_device *xb_dev, int nr)
{
	int devid = devid_of(xb_dev);

	if (devid < 0 || nr < 0)
		return;
	mutex_lock(&vcamfe_node_lock);
	vcamfe_node_last[devid] = nr + 1;
	mutex_unlock(&vcamfe_node_lock);
}
