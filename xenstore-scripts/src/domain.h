/* SPDX-License-Identifier: MIT */
/* Domain ids and names as xenstore knows them (/local/domain/<id>/name). */
#ifndef VCAM_DOMAIN_H
#define VCAM_DOMAIN_H

#include <stdbool.h>
#include <xenstore.h>

#include "errbuf.h"

#define VCAM_DOMID_FIRST_RESERVED 0x7ff0

/* "7" or "guest1" -> 7.  The domain must exist. */
int vcam_domain_resolve(struct xs_handle *xs, const char *name,
			unsigned int *domid, struct vcam_err *err);
/* Name of @domid into @buf ("" if it has none); -1 if it does not exist. */
int vcam_domain_name(struct xs_handle *xs, unsigned int domid, char *buf,
		     size_t len);
/*
 * Alive as far as device cleanup is concerned: introduced to xenstored.
 * dom0 always is.
 */
bool vcam_domain_alive(struct xs_handle *xs, unsigned int domid);
/* Parses a directory entry under /local/domain; -1 if not a domid. */
int vcam_domid_parse(const char *s, unsigned int *domid);

#endif /* VCAM_DOMAIN_H */
