// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xen/sched.h>

#include "domain.h"
#include "spec.h"

int vcamts_domid_parse(const char *s, unsigned int *domid)
{
	unsigned long v;

	if (vcamts_parse_uint(s, VCAMTS_DOMID_FIRST_RESERVED - 1, &v))
		return -1;
	*domid = (unsigned int)v;
	return 0;
}

int vcamts_domain_name(struct xs_handle *xs, unsigned int domid, char *buf,
		       size_t len)
{
	char path[64];
	char *v;

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	v = xs_read(xs, XBT_NULL, path, NULL);
	if (!v)
		return -1;
	free(v);
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	v = xs_read(xs, XBT_NULL, path, NULL);
	snprintf(buf, len, "%s", v ? v : "");
	free(v);
	return 0;
}

int vcamts_domain_resolve(struct xs_handle *xs, const char *name,
			  unsigned int *domid, struct vcamts_err *err)
{
	char buf[128];
	unsigned int i, n, id;
	char **ents;
	int found = -1;

	if (vcamts_domid_parse(name, &id) == 0) {
		if (vcamts_domain_name(xs, id, buf, sizeof(buf)))
			return vcamts_errf(err, "no domain with id %u", id);
		*domid = id;
		return 0;
	}
	ents = xs_directory(xs, XBT_NULL, "/local/domain", &n);
	if (!ents)
		return vcamts_errf(err,
				   "cannot list /local/domain in xenstore");
	for (i = 0; i < n && found < 0; i++) {
		if (vcamts_domid_parse(ents[i], &id) ||
		    vcamts_domain_name(xs, id, buf, sizeof(buf)))
			continue;
		if (strcmp(buf, name) == 0)
			found = (int)id;
	}
	free(ents);
	if (found < 0)
		return vcamts_errf(err, "no domain named '%s'", name);
	*domid = (unsigned int)found;
	return 0;
}

enum xen_state {
	XEN_UNKNOWN,	/* we cannot ask the hypervisor */
	XEN_GONE,
	XEN_DYING,
	XEN_SHUTDOWN,
	XEN_SUSPENDED,
	XEN_ACTIVE,	/* running or paused */
};

/* One handle for the process's life; NULL when not privileged. */
static xc_interface *xc(void)
{
	static xc_interface *h;
	static bool tried;

	if (!tried) {
		/* quiet: a failure here only means "do not know" */
		xentoollog_logger *quiet = (xentoollog_logger *)
			xtl_createlogger_stdiostream(stderr, XTL_CRITICAL, 0);

		tried = true;
		h = xc_interface_open(quiet, quiet, 0);
	}
	return h;
}

static enum xen_state xen_state(unsigned int domid)
{
	xc_domaininfo_t info;
	unsigned int reason;
	xc_interface *h = xc();

	if (!h)
		return XEN_UNKNOWN;
	/* the first domain from @domid on: another one if it does not exist */
	if (xc_domain_getinfolist(h, domid, 1, &info) != 1 ||
	    info.domain != domid)
		return XEN_GONE;
	if (info.flags & XEN_DOMINF_dying)
		return XEN_DYING;
	if (!(info.flags & XEN_DOMINF_shutdown))
		return XEN_ACTIVE;
	reason = (info.flags >> XEN_DOMINF_shutdownshift) &
		 XEN_DOMINF_shutdownmask;
	return reason == SHUTDOWN_suspend ? XEN_SUSPENDED : XEN_SHUTDOWN;
}

bool vcamts_domain_alive(struct xs_handle *xs, unsigned int domid)
{
	return domid == 0 || xs_is_domain_introduced(xs, domid) ||
	       xen_state(domid) == XEN_ACTIVE;
}

enum vcamts_dom_run vcamts_domain_run(struct xs_handle *xs, unsigned int domid)
{
	bool introduced = domid == 0 || xs_is_domain_introduced(xs, domid);

	switch (domid == 0 ? XEN_ACTIVE : xen_state(domid)) {
	case XEN_ACTIVE:
		return introduced ? VCAMTS_RUN_UP : VCAMTS_RUN_BUILDING;
	case XEN_SUSPENDED:
		return VCAMTS_RUN_SUSPENDED;
	case XEN_SHUTDOWN:
		return VCAMTS_RUN_SHUTDOWN;
	case XEN_UNKNOWN:
		return introduced ? VCAMTS_RUN_UP : VCAMTS_RUN_GONE;
	default:
		return VCAMTS_RUN_GONE;
	}
}
