/* SPDX-License-Identifier: MIT */
/* struct vcamd_xen_ops over the loopback transport (backend side). */
#ifndef VCAMD_LB_XENOPS_H
#define VCAMD_LB_XENOPS_H

#include "core.h"
#include "loopback.h"

/* ctx is the struct vcam_lb_link *. */
extern const struct vcamd_xen_ops vcamd_lb_xen_ops;

#endif /* VCAMD_LB_XENOPS_H */
