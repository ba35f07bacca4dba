/* SPDX-License-Identifier: MIT */
/*
 * The attach records of record.h in xenstore, under /tool/vcam: owned by
 * dom0 with no access for anyone else, so neither a guest nor a driver
 * domain can read or forge what will be attached where.  xenstore rather
 * than a file under /run: the record is written and removed in the very
 * transaction that attaches or detaches the camera, so the two never
 * disagree, and it outlives the watcher (a restarted watcher knows all).
 */
#ifndef VCAMTS_XSRECORD_H
#define VCAMTS_XSRECORD_H

#include <stddef.h>
#include <xenstore.h>

#include "record.h"

/*
 * The UUID of domain @domid from libxl's /local/domain/<id>/vm, a node the
 * domain can read but not write.  Returns 0, or -1 if it has none (not
 * made by libxl: its cameras are not remembered).
 */
int vcamts_xs_domain_uuid(struct xs_handle *xs, xs_transaction_t t,
			  unsigned int domid, char *buf, size_t len);

/* Replaces the record of @spec (its devid set) inside @t. */
int vcamts_xs_record_write(struct xs_handle *xs, xs_transaction_t t,
			   const char *uuid, const struct vcamts_spec *spec,
			   const char *backend_name, struct vcamts_err *err);

/* Removes the record of (uuid, devid), and the uuid's dir once empty. */
void vcamts_xs_record_remove(struct xs_handle *xs, xs_transaction_t t,
			     const char *uuid, unsigned int devid);

bool vcamts_xs_record_exists(struct xs_handle *xs, xs_transaction_t t,
			     const char *uuid, unsigned int devid);

/*
 * A camera whose backend domain is not running yet: only its record, in
 * a transaction that also checks that the guest still exists; the watcher
 * attaches it once a domain of that name appears.  @spec has its devid
 * and formats, and names its backend by name.  Returns 0 when written,
 * 1 if a record of that devid exists already (left alone), -1 with @err.
 */
int vcamts_xs_record_pending(struct xs_handle *xs, unsigned int fe,
			     const struct vcamts_spec *spec,
			     struct vcamts_err *err);

/* Reads one record back into @spec.  Returns 0 or -1 with @err. */
int vcamts_xs_record_read(struct xs_handle *xs, const char *uuid,
			  unsigned int devid, struct vcamts_spec *spec,
			  struct vcamts_err *err);

/*
 * Sets or clears each guest's suspended mark (record.h) from what its
 * domains are doing now (recover.h, vcamts_suspend_mark_decide()); @log gets
 * one line per change.  Run it after every domain event, before pruning:
 * a suspended domain is seen only until `xl save` destroys it.
 */
void vcamts_xs_records_track_suspend(struct xs_handle *xs,
				     void (*log)(const char *fmt, ...));

/*
 * Removes the records of guests that no longer exist (no live domain has
 * that UUID) and were not suspended.  Returns how many guests' records
 * went.
 */
int vcamts_xs_records_prune(struct xs_handle *xs,
			    void (*log)(const char *fmt, ...));

#endif /* VCAMTS_XSRECORD_H */
