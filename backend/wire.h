/* SPDX-License-Identifier: MIT */
/*
 * The one place the backend includes the cameraif wire definition.
 * Xen's public ring.h expects the includer to supply memory barriers.
 */
#ifndef VCAMD_WIRE_H
#define VCAMD_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ring.h maps xen_mb()/xen_rmb()/xen_wmb() onto these for old interfaces. */
#ifndef mb
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define wmb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

#include <xen/errno.h>
#include <xen/io/cameraif.h>
#include <xen/io/xenbus.h>

#include "vcam/abi_check.h"
#include "vcam/ext.h"

#define VCAM_PAGE_SIZE		4096U
/* grant refs per page-directory page: next pointer + 1023 refs */
#define VCAM_DIR_REFS_PER_PAGE \
	((VCAM_PAGE_SIZE - sizeof(grant_ref_t)) / sizeof(grant_ref_t))

#endif /* VCAMD_WIRE_H */
