// SPDX-License-Identifier: MIT
#include <string.h>
#include <time.h>

#include "recover.h"

long vcam_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

enum vcam_recover_action vcam_recover_decide(
	const struct vcam_recover_state *st, long *due_ms)
{
	if (st->fe_dir) {
		/*
		 * Served by a live backend: ours, or one an administrator
		 * chose since.  Either way not ours to touch.
		 */
		if (st->live_be_dir)
			return VCAM_RECOVER_NONE;
		/*
		 * No live domain serves it: the guest must first see the
		 * device go (its open files get errors), whether or not the
		 * backend is back already.
		 */
		return VCAM_RECOVER_REMOVE_STALE;
	}
	/*
	 * Two live domains of one name happen only in passing (xl's
	 * rename-restart); guessing could give the camera to the old one.
	 */
	if (st->nr_backends != 1)
		return VCAM_RECOVER_WAIT_BACKEND;
	if (st->removed_ms >= 0 &&
	    st->now_ms - st->removed_ms < VCAM_REATTACH_GRACE_MS) {
		if (due_ms)
			*due_ms = st->removed_ms + VCAM_REATTACH_GRACE_MS;
		return VCAM_RECOVER_WAIT_GRACE;
	}
	return VCAM_RECOVER_ATTACH;
}

const char *vcam_recover_action_name(enum vcam_recover_action a)
{
	switch (a) {
	case VCAM_RECOVER_NONE:
		return "none";
	case VCAM_RECOVER_WAIT_BACKEND:
		return "wait-backend";
	case VCAM_RECOVER_REMOVE_STALE:
		return "remove-stale";
	case VCAM_RECOVER_WAIT_GRACE:
		return "wait-grace";
	case VCAM_RECOVER_ATTACH:
		return "attach";
	}
	return "?";
}

bool vcam_recover_gets_cameras(enum vcam_dom_run run)
{
	return run == VCAM_RUN_UP || run == VCAM_RUN_BUILDING;
}

enum vcam_suspend_mark vcam_suspend_mark_decide(const enum vcam_dom_run *runs,
						const unsigned int *ids,
						unsigned int n, long marked)
{
	bool clear = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* going away to a save file or another host: keep */
		if (runs[i] == VCAM_RUN_SUSPENDED)
			return marked == (long)ids[i] ? VCAM_MARK_KEEP :
							VCAM_MARK_SET;
		/*
		 * Back and running (restored, migrated in), or the marked
		 * domain itself resumed: from now on its records go with it
		 * as usual.  A domain still being built does not count: its
		 * restore may yet fail.
		 */
		if (runs[i] == VCAM_RUN_UP ||
		    (marked == (long)ids[i] && runs[i] == VCAM_RUN_SHUTDOWN))
			clear = true;
	}
	return marked >= 0 && clear ? VCAM_MARK_CLEAR : VCAM_MARK_KEEP;
}

void vcam_removals_init(struct vcam_removals *r)
{
	memset(r, 0, sizeof(*r));
}

/* Index of (fe, devid) in the table, or -1. */
static int find(const struct vcam_removals *r, unsigned int fe,
		unsigned int devid)
{
	int i;

	for (i = 0; i < VCAM_REMOVALS_MAX; i++)
		if (r->e[i].used && r->e[i].fe == fe &&
		    r->e[i].devid == devid)
			return i;
	return -1;
}

void vcam_removals_note(struct vcam_removals *r, unsigned int fe,
			unsigned int devid, long now_ms)
{
	int at = find(r, fe, devid);
	struct vcam_removal *slot = at >= 0 ? &r->e[at] : NULL;
	unsigned int i;

	for (i = 0; !slot && i < VCAM_REMOVALS_MAX; i++)
		if (!r->e[i].used ||
		    now_ms - r->e[i].when_ms >= VCAM_REATTACH_GRACE_MS)
			slot = &r->e[i];
	if (!slot) {
		slot = &r->e[0];
		for (i = 1; i < VCAM_REMOVALS_MAX; i++)
			if (r->e[i].when_ms < slot->when_ms)
				slot = &r->e[i];
	}
	slot->fe = fe;
	slot->devid = devid;
	slot->when_ms = now_ms;
	slot->used = true;
}

long vcam_removals_when(const struct vcam_removals *r, unsigned int fe,
			unsigned int devid)
{
	int at = find(r, fe, devid);

	return at >= 0 ? r->e[at].when_ms : -1;
}
