/* SPDX-License-Identifier: MIT */
/*
 * Giving guests their cameras back: every record (xsrecord.h) is compared
 * with what xenstore shows, and recover.h decides.  Level-triggered on
 * purpose: the watcher calls this after any domain appears or goes, and it
 * does not matter which event it was, whether events were merged, or
 * whether the watcher itself was restarted in between.
 */
#ifndef VCAMTS_REATTACH_H
#define VCAMTS_REATTACH_H

#include <xenstore.h>

#include "recover.h"

/*
 * A domain being built (recover.h) dies without a @releaseDomain if it
 * dies before libxl introduces it (a failed restore or migration): while
 * one exists, the watcher looks again this often.
 */
#define VCAMTS_BUILDING_POLL_MS	1000L

/*
 * One pass over all records.  @removals gives and gets the times at which
 * guests' device dirs were removed; @log gets one line per action.
 * Returns the milliseconds until a pass is due again (a grace period
 * running, a domain being built), or -1 if nothing is pending.
 */
long vcamts_xs_reattach(struct xs_handle *xs, struct vcamts_removals *removals,
			void (*log)(const char *fmt, ...));

#endif /* VCAMTS_REATTACH_H */
