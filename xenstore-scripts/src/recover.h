/* SPDX-License-Identifier: MIT */
/*
 * When to give a guest its camera back after its backend domain died.
 *
 * The watcher compares each record (record.h) with what xenstore shows and
 * this file decides, without Xen, what to do about it.  A guest notices a
 * removed device only when its xenbus handles the removal's watch event:
 * if the directory is already back by then, the guest keeps its old,
 * dead device and never probes the new one.  So a device dir is written
 * again only a grace period after we removed it.
 */
#ifndef VCAM_RECOVER_H
#define VCAM_RECOVER_H

#include <stdbool.h>

/* Long enough for a guest's xenwatch thread, short next to a domain boot. */
#define VCAM_REATTACH_GRACE_MS	2000L

enum vcam_recover_action {
	VCAM_RECOVER_NONE,		/* attached to a live backend */
	VCAM_RECOVER_WAIT_BACKEND,	/* no (single) live domain of that name */
	VCAM_RECOVER_REMOVE_STALE,	/* guest's dir left, backend dead */
	VCAM_RECOVER_WAIT_GRACE,	/* removed too recently, see above */
	VCAM_RECOVER_ATTACH,
};

struct vcam_recover_state {
	unsigned int nr_backends;	/* live domains with the backend's name */
	bool fe_dir;			/* device/vcamera/<devid> exists */
	bool live_be_dir;		/* a live domain has its backend dir */
	long removed_ms;		/* when we removed fe_dir, <0: unknown */
	long now_ms;
};

/* What to do; for WAIT_GRACE *@due_ms says when to look again. */
enum vcam_recover_action vcam_recover_decide(
	const struct vcam_recover_state *st, long *due_ms);

const char *vcam_recover_action_name(enum vcam_recover_action a);

/* CLOCK_MONOTONIC in milliseconds: what the times above are in. */
long vcam_monotonic_ms(void);

/* Recently removed device dirs: (frontend domid, devid) -> time. */
#define VCAM_REMOVALS_MAX	256

struct vcam_removal {
	unsigned int fe;
	unsigned int devid;
	long when_ms;
	bool used;
};

struct vcam_removals {
	struct vcam_removal e[VCAM_REMOVALS_MAX];
};

void vcam_removals_init(struct vcam_removals *r);
/*
 * Notes a removal at @now_ms.  Entries older than the grace period are
 * reused first; when all are recent the oldest goes (it is the one whose
 * grace ends first).
 */
void vcam_removals_note(struct vcam_removals *r, unsigned int fe,
			unsigned int devid, long now_ms);
/* When (fe, devid) was removed, or -1 if not within the table. */
long vcam_removals_when(const struct vcam_removals *r, unsigned int fe,
			unsigned int devid);

#endif /* VCAM_RECOVER_H */
