/* SPDX-License-Identifier: MIT */
/*
 * The one place the backend includes the cameraif wire definition, and
 * what vcam's halves share about it (ring/include/vcam/).
 */
#ifndef VCAMD_WIRE_H
#define VCAMD_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vcam/xen_barrier.h"
#include <xen/errno.h>
#include <xen/io/cameraif.h>
#include <xen/io/xenbus.h>

#include "vcam/abi_check.h"
#include "vcam/cfgparse.h"
#include "vcam/ext.h"
#include "vcam/xen_errno.h"

#define VCAMD_PAGE_SIZE		4096U
/* grant refs per page-directory page: next pointer + 1023 refs */
#define VCAMD_DIR_REFS_PER_PAGE \
	((VCAMD_PAGE_SIZE - sizeof(grant_ref_t)) / sizeof(grant_ref_t))

#endif /* VCAMD_WIRE_H */
