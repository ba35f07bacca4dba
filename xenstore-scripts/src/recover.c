// SPDX-License-Identifier: MIT
#include <string.h>
#include <time.h>

#include "recover.h"

long vcamts_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

enum vcamts_recover_action vcamts_recover_decide(
	const struct vcamts_recover_state *st, long *due_ms)
{
	if (st->fe_dir) {
		/*
		 * Served by a live backend: ours, or one an administrator
		 * chose since.  Either way not ours to touch.
		 */
		if (st->live_be_dir)
			return VCAMTS_RECOVER_NONE;
		/*
		 * No live domain serves it: the guest must first see the
		 * device go (its open files get errors), whether or not the
		 * backend is back already.
		 */
		return VCAMTS_RECOVER_REMOVE_STALE;
	}
	/*
	 * Two live domains of one name happen only in passing (xl's
	 * rename-restart); guessing could give the camera to the old one.
	 */
	if (st->nr_backends != 1)
		return VCAMTS_RECOVER_WAIT_BACKEND;
	if (st->removed_ms >= 0 &&
	    st->now_ms - st->removed_ms < VCAMTS_REATTACH_GRACE_MS) {
		if (due_ms)
			*due_ms = st->removed_ms + VCAMTS_REATTACH_GRACE_MS;
		return VCAMTS_RECOVER_WAIT_GRACE;
	}
	return VCAMTS_RECOVER_ATTACH;
}

const char *vcamts_recover_action_name(enum vcamts_recover_action a)
{
	switch (a) {
	case VCAMTS_RECOVER_NONE:
		return "none";
	case VCAMTS_RECOVER_WAIT_BACKEND:
		return "wait-backend";
	case VCAMTS_RECOVER_REMOVE_STALE:
		return "remove-stale";
	case VCAMTS_RECOVER_WAIT_GRACE:
		return "wait-grace";
	case VCAMTS_RECOVER_ATTACH:
		return "attach";
	}
	return "?";
}

bool vcamts_recover_gets_cameras(enum vcamts_dom_run run)
{
	return run == VCAMTS_RUN_UP || run == VCAMTS_RUN_BUILDING;
}

enum vcamts_suspend_mark
vcamts_suspend_mark_decide(const enum vcamts_dom_run *runs,
			   const unsigned int *ids, unsigned int n, long marked)
{
	bool clear = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* going away to a save file or another host: keep */
		if (runs[i] == VCAMTS_RUN_SUSPENDED)
			return marked == (long)ids[i] ? VCAMTS_MARK_KEEP :
							VCAMTS_MARK_SET;
		/*
		 * Back and running (restored, migrated in), or the marked
		 * domain itself resumed: from now on its records go with it
		 * as usual.  A domain still being built does not count: its
		 * restore may yet fail.
		 */
		if (runs[i] == VCAMTS_RUN_UP ||
		    (marked == (long)ids[i] && runs[i] == VCAMTS_RUN_SHUTDOWN))
			clear = true;
	}
	return marked >= 0 && clear ? VCAMTS_MARK_CLEAR : VCAMTS_MARK_KEEP;
}

void vcamts_removals_init(struct vcamts_removals *r)
{
	memset(r, 0, sizeof(*r));
}

/* Index of (fe, devid) in the table, or -1. */
static int find(const struct vcamts_removals *r, unsigned int fe,
		unsigned int devid)
{
	int i;

	for (i = 0; i < VCAMTS_REMOVALS_MAX; i++)
		if (r->e[i].used && r->e[i].fe == fe &&
		    r->e[i].devid == devid)
			return i;
	return -1;
}

void vcamts_removals_note(struct vcamts_removals *r, unsigned int fe,
			  unsigned int devid, long now_ms)
{
	int at = find(r, fe, devid);
	struct vcamts_removal *slot = at >= 0 ? &r->e[at] : NULL;
	unsigned int i;

	for (i = 0; !slot && i < VCAMTS_REMOVALS_MAX; i++)
		if (!r->e[i].used ||
		    now_ms - r->e[i].when_ms >= VCAMTS_REATTACH_GRACE_MS)
			slot = &r->e[i];
	if (!slot) {
		slot = &r->e[0];
		for (i = 1; i < VCAMTS_REMOVALS_MAX; i++)
			if (r->e[i].when_ms < slot->when_ms)
				slot = &r->e[i];
	}
	slot->fe = fe;
	slot->devid = devid;
	slot->when_ms = now_ms;
	slot->used = true;
}

long vcamts_removals_when(const struct vcamts_removals *r, unsigned int fe,
			  unsigned int devid)
{
	int at = find(r, fe, devid);

	return at >= 0 ? r->e[at].when_ms : -1;
}
