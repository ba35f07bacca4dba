/* SPDX-License-Identifier: MIT */
/*
 * What the kernel's <linux/types.h> gives vcam's shared headers beyond the
 * uapi one: the C99 fixed-width names, bool and size_t.  With this in
 * front of the include path, a userspace build with __KERNEL__ defined
 * takes every kernel branch of ring/include/vcam/ (see ring/tests/Makefile).
 */
#ifndef VCAM_KSHIM_LINUX_TYPES_H
#define VCAM_KSHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VCAM_KSHIM 1

#endif /* VCAM_KSHIM_LINUX_TYPES_H */
