/* SPDX-License-Identifier: MIT */
/*
 * Memory barriers for Xen's ring.h in vcam's userspace (the kernel's
 * ring.h uses virt_mb() and friends itself).
 *
 * ring.h orders its accesses with xen_mb()/xen_rmb()/xen_wmb() and, for
 * includers that are not a tools build, maps those onto mb()/rmb()/wmb().
 * Xen's own definitions live in xenctrl.h, which needs GNU C (plain
 * `asm`, anonymous unions) and so cannot be included from C11; these are
 * the same barriers as C11 fences: a full fence, and fences that order
 * loads (acquire) or stores (release), which on x86 are compiler barriers
 * exactly as in xenctrl.h.  One definition for every userspace peer,
 * included before any Xen header.
 */
#ifndef VCAM_XEN_BARRIER_H
#define VCAM_XEN_BARRIER_H

#ifdef __KERNEL__
#error "the kernel's ring.h has its own barriers"
#endif

#ifndef mb
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#endif /* VCAM_XEN_BARRIER_H */
