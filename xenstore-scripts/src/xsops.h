/* SPDX-License-Identifier: MIT */
/*
 * Writing, closing, listing and cleaning up vcam devices in xenstore.
 * Every change is one transaction (retried on EAGAIN), so a failure or a
 * domain that disappears meanwhile leaves nothing half-written.
 */
#ifndef VCAMTS_XSOPS_H
#define VCAMTS_XSOPS_H

#include <stdio.h>
#include <xenstore.h>

#include "recover.h"
#include "spec.h"

enum vcamts_attach_result {
	VCAMTS_ATTACHED,
	VCAMTS_ALREADY,	/* that devid exists on the frontend: left alone */
};

/*
 * Attaches all @nr specs to domain @fe, or none.  Backends are resolved
 * by name or id first; a spec with devid -1 gets the lowest free devid
 * (written back into it).  @results gets one entry per spec.
 */
int vcamts_xs_attach(struct xs_handle *xs, unsigned int fe,
		     struct vcamts_spec *specs, unsigned int nr,
		     enum vcamts_attach_result *results,
		     struct vcamts_err *err);

/* Resolves every spec's backend= now, so callers can fail early. */
int vcamts_xs_resolve_backends(struct xs_handle *xs,
			       const struct vcamts_spec *specs, unsigned int nr,
			       unsigned int *be_ids, struct vcamts_err *err);

/*
 * Closes device @devid of @fe (backend state Closing, online 0, frontend
 * state Closing), waits up to @timeout_ms for the backend to reach
 * Closed, then removes both directories.  Returns 0, 1 if it had to
 * remove them without the backend closing, -1 with @err.
 */
int vcamts_xs_detach(struct xs_handle *xs, unsigned int fe, unsigned int devid,
		     unsigned int timeout_ms, struct vcamts_err *err);

/* Table of @fe's cameras, in the style of xl block-list. */
int vcamts_xs_list(struct xs_handle *xs, unsigned int fe, FILE *out,
		   struct vcamts_err *err);

/*
 * Removes vcam nodes whose other end's domain is gone: backend dirs of
 * dead frontends, frontend dirs no live domain serves.  @log gets one line
 * per removal, @removals (may be NULL) each frontend dir removed.  Records
 * (xsrecord.h) stay: the backend domain may come back.  Returns the number
 * of directories removed.
 */
int vcamts_xs_cleanup_dead(struct xs_handle *xs,
			   void (*log)(const char *fmt, ...),
			   struct vcamts_removals *removals);

/* Whether a live domain has the backend dir of (fe, devid). */
bool vcamts_xs_served(struct xs_handle *xs, unsigned int fe,
		      unsigned int devid);

/*
 * Removes the frontend dir of (fe, devid) if no live domain serves it.
 * Returns 1 if removed, 0 if not (served, or already gone), -1 on error.
 */
int vcamts_xs_remove_orphan(struct xs_handle *xs, unsigned int fe,
			    unsigned int devid);

#endif /* VCAMTS_XSOPS_H */
