/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The wire definition: the very cameraif.h userspace uses, generated into
 * gen/ with its includes pointed at the kernel's ring.h and grant_table.h,
 * followed by vcam's layout check, extensions and configuration rules
 * shared with the backend.
 */
#ifndef VCAMFRONT_PROTO_H
#define VCAMFRONT_PROTO_H

#include <linux/types.h>
#include <xen/interface/io/ring.h>
#include <xen/interface/grant_table.h>

#include "xen-cameraif.h"
#include <vcam/abi_check.h>
#include <vcam/cfgparse.h>
#include <vcam/colorimetry.h>
#include <vcam/ext.h>
#include <vcam/xen_errno.h>

#endif /* VCAMFRONT_PROTO_H */
