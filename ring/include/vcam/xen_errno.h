/* SPDX-License-Identifier: MIT */
/*
 * Response statuses are negative XEN_E* values.  Xen's <xen/errno.h> is
 * an X-macro list (XEN_ERRNO(name, value)), so this table is built from
 * it rather than written out: each entry pairs Xen's value with the
 * includer's own errno of the same name, and a status can neither be
 * missing from the table nor carry another number than Xen's.
 *
 * Linux carries no copy of Xen's list: the module's build takes the one
 * userspace has, unchanged, as gen/xen-errno.h (frontend/Makefile).
 */
#ifndef VCAM_XEN_ERRNO_H
#define VCAM_XEN_ERRNO_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#endif

struct vcam_xen_errno {
	int xen;		/* XEN_Efoo */
	int host;		/* Efoo as the includer's errno.h has it */
	const char *name;	/* "-Efoo": how a status shows it */
};

/* Where Xen has two names for a value, the first (EAGAIN) comes first. */
static const struct vcam_xen_errno vcam_xen_errnos[] = {
#define XEN_ERRNO(name, value) { value, name, "-" #name },
#ifdef __KERNEL__
#include "xen-errno.h"
#else
#include <xen/errno.h>
#endif
};

#define VCAM_XEN_ERRNOS_LEN \
	(sizeof(vcam_xen_errnos) / sizeof(vcam_xen_errnos[0]))

/* A negative errno as a response status; one Xen lacks is -XEN_EIO. */
static inline int32_t vcam_xen_status(int err)
{
	size_t i;

	if (!err)
		return 0;
	for (i = 0; i < VCAM_XEN_ERRNOS_LEN; i++)
		if (vcam_xen_errnos[i].host == -err)
			return -vcam_xen_errnos[i].xen;
	return vcam_xen_status(-EIO);
}

/* A response status as a negative errno; an unknown one is -EIO. */
static inline int vcam_errno_of_status(int32_t status)
{
	size_t i;

	if (!status)
		return 0;
	for (i = 0; i < VCAM_XEN_ERRNOS_LEN; i++)
		if (vcam_xen_errnos[i].xen == -status)
			return -vcam_xen_errnos[i].host;
	return -EIO;
}

/* "-EBUSY" for -XEN_EBUSY; NULL for 0 and anything not Xen's. */
static inline const char *vcam_xen_status_name(int32_t status)
{
	size_t i;

	for (i = 0; status < 0 && i < VCAM_XEN_ERRNOS_LEN; i++)
		if (vcam_xen_errnos[i].xen == -status)
			return vcam_xen_errnos[i].name;
	return NULL;
}

#endif /* VCAM_XEN_ERRNO_H */
