/* SPDX-License-Identifier: MIT */
/* The one place testfe pulls in the cameraif wire definition. */
#ifndef TFE_WIRE_H
#define TFE_WIRE_H

#include <stdint.h>
#include <string.h>

#include <vcam/xen_barrier.h>
#include <xen/xen.h>
#include <xen/io/cameraif.h>
#include <vcam/abi_check.h>
#include <vcam/cfgparse.h>
#include <vcam/ext.h>
#include <vcam/pgdir.h>
#include <vcam/req_encode.h>
#include <xen/io/xenbus.h>

#define TFE_PAGE_SIZE 4096u

/*
 * One access, not torn, not merged or repeated by the compiler: what a
 * field of a page the peer writes concurrently needs.  Ordering comes
 * from the ring macros' barriers.
 */
#define TFE_READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define TFE_WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define TFE_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* TFE_WIRE_H */
