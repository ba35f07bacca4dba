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
#ifndef VCAMTS_RECOVER_H
#define VCAMTS_RECOVER_H

#include <stdbool.h>

/* Long enough for a guest's xenwatch thread, short next to a domain boot. */
#define VCAMTS_REATTACH_GRACE_MS	2000L

enum vcamts_recover_action {
	VCAMTS_RECOVER_NONE,		/* attached to a live backend */
	VCAMTS_RECOVER_WAIT_BACKEND,	/* no (single) live domain of that name */
	VCAMTS_RECOVER_REMOVE_STALE,	/* guest's dir left, backend dead */
	VCAMTS_RECOVER_WAIT_GRACE,	/* removed too recently, see above */
	VCAMTS_RECOVER_ATTACH,
};

struct vcamts_recover_state {
	unsigned int nr_backends;	/* live domains with the backend's name */
	bool fe_dir;			/* device/vcamera/<devid> exists */
	bool live_be_dir;		/* a live domain has its backend dir */
	long removed_ms;		/* when we removed fe_dir, <0: unknown */
	long now_ms;
};

/* What to do; for WAIT_GRACE *@due_ms says when to look again. */
enum vcamts_recover_action vcamts_recover_decide(
	const struct vcamts_recover_state *st, long *due_ms);

const char *vcamts_recover_action_name(enum vcamts_recover_action a);

/*
 * Where a domain is in its life, as far as its cameras go (domain.c asks
 * xenstored and the hypervisor).  A domain made by `xl restore` or by the
 * receiving end of `xl migrate` exists, paused, while its memory loads,
 * and is introduced to xenstored only after that: BUILDING.  `xl save` and
 * `xl migrate` suspend the domain before they destroy it: SUSPENDED.
 */
enum vcamts_dom_run {
	VCAMTS_RUN_UP,		/* introduced, running or paused */
	VCAMTS_RUN_BUILDING,	/* exists, not introduced yet */
	VCAMTS_RUN_SUSPENDED,	/* shut down for a save or a migration */
	VCAMTS_RUN_SHUTDOWN,	/* shut down for good (poweroff, crash...) */
	VCAMTS_RUN_GONE,		/* dying, or not there */
};

/*
 * Whether a domain of a guest's UUID gets its recorded cameras: as soon
 * as it exists.  A restored guest's xenbus looks for its devices when the
 * guest resumes, before any driver's resume runs (xenbus_dev_resume ->
 * talk_to_otherend); a device whose directory is missing then stays dead,
 * and a directory that appears later does not bring it back.  So the
 * camera is written while the domain is still being built.
 */
bool vcamts_recover_gets_cameras(enum vcamts_dom_run run);

/*
 * A guest's records are pruned when no domain has its UUID any more,
 * unless the last we saw of it was a suspend: then `xl restore` (or the
 * receiving end of a migration) may bring it back.  The mark says so.
 */
enum vcamts_suspend_mark {
	VCAMTS_MARK_KEEP,		/* leave it as it is */
	VCAMTS_MARK_SET,
	VCAMTS_MARK_CLEAR,
};

/*
 * @runs, @ids: every domain with the guest's UUID (during a localhost
 * migration two: the one going and the one coming) and its domid;
 * @marked: the domid the mark names, or -1 if there is none.  A mark goes
 * when a domain with the UUID is up, or when the domain it names is seen
 * again not suspended (the suspend was cancelled: `xl save -c`, a failed
 * save or migration; it may shut down for good later).  The suspended
 * domain dying, as `xl save` destroys it, keeps the mark.
 */
enum vcamts_suspend_mark
vcamts_suspend_mark_decide(const enum vcamts_dom_run *runs,
			   const unsigned int *ids, unsigned int n,
			   long marked);

/* CLOCK_MONOTONIC in milliseconds: what the times above are in. */
long vcamts_monotonic_ms(void);

/* Recently removed device dirs: (frontend domid, devid) -> time. */
#define VCAMTS_REMOVALS_MAX	256

struct vcamts_removal {
	unsigned int fe;
	unsigned int devid;
	long when_ms;
	bool used;
};

struct vcamts_removals {
	struct vcamts_removal e[VCAMTS_REMOVALS_MAX];
};

void vcamts_removals_init(struct vcamts_removals *r);
/*
 * Notes a removal at @now_ms.  Entries older than the grace period are
 * reused first; when all are recent the oldest goes (it is the one whose
 * grace ends first).
 */
void vcamts_removals_note(struct vcamts_removals *r, unsigned int fe,
			  unsigned int devid, long now_ms);
/* When (fe, devid) was removed, or -1 if not within the table. */
long vcamts_removals_when(const struct vcamts_removals *r, unsigned int fe,
			  unsigned int devid);

#endif /* VCAMTS_RECOVER_H */
