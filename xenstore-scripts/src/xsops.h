/* SPDX-License-Identifier: MIT */
/*
 * Writing, closing, listing and cleaning up vcam devices in xenstore.
 * Every change is one transaction (retried on EAGAIN), so a failure or a
 * domain that disappears meanwhile leaves nothing half-written.
 */
#ifndef VCAM_XSOPS_H
#define VCAM_XSOPS_H

#include <stdio.h>
#include <xenstore.h>

#include "recover.h"
#include "spec.h"

enum vcam_attach_result {
	VCAM_ATTACHED,
	VCAM_ALREADY,	/* that devid exists on the frontend: left alone */
};

/*
 * Attaches all @nr specs to domain @fe, or none.  Backends are resolved
 * by name or id first; a spec with devid -1 gets the lowest free devid
 * (written back into it).  @results gets one entry per spec.
 */
int vcam_xs_attach(struct xs_handle *xs, unsigned int fe,
		   struct vcam_spec *specs, unsigned int nr,
		   enum vcam_attach_result *results, struct vcam_err *err);

/* Resolves every spec's backend= now, so callers can fail early. */
int vcam_xs_resolve_backends(struct xs_handle *xs,
			     const struct vcam_spec *specs, unsigned int nr,
			     unsigned int *be_ids, struct vcam_err *err);

/*
 * Closes device @devid of @fe (backend state Closing, online 0, frontend
 * state Closing), waits up to @timeout_ms for the backend to reach
 * Closed, then removes both directories.  Returns 0, 1 if it had to
 * remove them without the backend closing, -1 with @err.
 */
int vcam_xs_detach(struct xs_handle *xs, unsigned int fe, unsigned int devid,
		   unsigned int timeout_ms, struct vcam_err *err);

/* Table of @fe's cameras, in the style of xl block-list. */
int vcam_xs_list(struct xs_handle *xs, unsigned int fe, FILE *out,
		 struct vcam_err *err);

/*
 * Removes vcam nodes whose other end's domain is gone: backend dirs of
 * dead frontends, frontend dirs no live domain serves.  @log gets one line
 * per removal, @removals (may be NULL) each frontend dir removed.  Records
 * (xsrecord.h) stay: the backend domain may come back.  Returns the number
 * of directories removed.
 */
int vcam_xs_cleanup_dead(struct xs_handle *xs,
			 void (*log)(const char *fmt, ...),
			 struct vcam_removals *removals);

/* Whether a live domain has the backend dir of (fe, devid). */
bool vcam_xs_served(struct xs_handle *xs, unsigned int fe, unsigned int devid);

/*
 * Removes the frontend dir of (fe, devid) if no live domain serves it.
 * Returns 1 if removed, 0 if not (served, or already gone), -1 on error.
 */
int vcam_xs_remove_orphan(struct xs_handle *xs, unsigned int fe,
			  unsigned int devid);

#endif /* VCAM_XSOPS_H */
