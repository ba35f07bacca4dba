/* SPDX-License-Identifier: MIT */
/* Domain ids and names as xenstore knows them (/local/domain/<id>/name). */
#ifndef VCAMTS_DOMAIN_H
#define VCAMTS_DOMAIN_H

#include <stdbool.h>
#include <xenstore.h>

#include "errbuf.h"
#include "recover.h"

#define VCAMTS_DOMID_FIRST_RESERVED 0x7ff0

/* "7" or "guest1" -> 7.  The domain must exist. */
int vcamts_domain_resolve(struct xs_handle *xs, const char *name,
			  unsigned int *domid, struct vcamts_err *err);
/* Name of @domid into @buf ("" if it has none); -1 if it does not exist. */
int vcamts_domain_name(struct xs_handle *xs, unsigned int domid, char *buf,
		       size_t len);
/*
 * Alive as far as device cleanup is concerned: introduced to xenstored, or
 * being built (the hypervisor has it, not dying, not shut down: a restore
 * or an incoming migration loading its memory; libxl introduces it only
 * after that).  dom0 always is.  Without access to the hypervisor (not
 * dom0) only introduced domains count.
 */
bool vcamts_domain_alive(struct xs_handle *xs, unsigned int domid);
/* Where @domid is in its life (recover.h), from xenstored and Xen. */
enum vcamts_dom_run vcamts_domain_run(struct xs_handle *xs, unsigned int domid);
/* Parses a directory entry under /local/domain; -1 if not a domid. */
int vcamts_domid_parse(const char *s, unsigned int *domid);

#endif /* VCAMTS_DOMAIN_H */
