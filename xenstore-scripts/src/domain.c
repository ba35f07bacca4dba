// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "spec.h"

int vcam_domid_parse(const char *s, unsigned int *domid)
{
	unsigned long v;

	if (vcam_parse_uint(s, VCAM_DOMID_FIRST_RESERVED - 1, &v))
		return -1;
	*domid = (unsigned int)v;
	return 0;
}

int vcam_domain_name(struct xs_handle *xs, unsigned int domid, char *buf,
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

int vcam_domain_resolve(struct xs_handle *xs, const char *name,
			unsigned int *domid, struct vcam_err *err)
{
	char buf[128];
	unsigned int i, n, id;
	char **ents;
	int found = -1;

	if (vcam_domid_parse(name, &id) == 0) {
		if (vcam_domain_name(xs, id, buf, sizeof(buf)))
			return vcam_errf(err, "no domain with id %u", id);
		*domid = id;
		return 0;
	}
	ents = xs_directory(xs, XBT_NULL, "/local/domain", &n);
	if (!ents)
		return vcam_errf(err, "cannot list /local/domain in xenstore");
	for (i = 0; i < n && found < 0; i++) {
		if (vcam_domid_parse(ents[i], &id) ||
		    vcam_domain_name(xs, id, buf, sizeof(buf)))
			continue;
		if (strcmp(buf, name) == 0)
			found = (int)id;
	}
	free(ents);
	if (found < 0)
		return vcam_errf(err, "no domain named '%s'", name);
	*domid = (unsigned int)found;
	return 0;
}

bool vcam_domain_alive(struct xs_handle *xs, unsigned int domid)
{
	return domid == 0 || xs_is_domain_introduced(xs, domid);
}
