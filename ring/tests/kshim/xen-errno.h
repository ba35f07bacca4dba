/* SPDX-License-Identifier: MIT */
/*
 * The module's gen/xen-errno.h is a verbatim copy of this very file (see
 * frontend/Makefile); without a guard of its own, as XEN_ERRNO() needs.
 */
#include <xen/errno.h>
