// SPDX-License-Identifier: MIT
/*
 * When the watcher gives a guest its camera back: never while a live
 * backend serves the device, never twice into a dir the guest may not yet
 * have seen go, never to one of two domains of the same name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "recover.h"

static enum vcamts_recover_action decide(unsigned int nr_be, bool fe_dir,
					 bool live_be_dir, long removed,
					 long now, long *due)
{
	struct vcamts_recover_state st = {
		.nr_backends = nr_be,
		.fe_dir = fe_dir,
		.live_be_dir = live_be_dir,
		.removed_ms = removed,
		.now_ms = now,
	};

	*due = -7;
	return vcamts_recover_decide(&st, due);
}

static void decisions(void **state)
{
	const long g = VCAMTS_REATTACH_GRACE_MS;
	long due;

	(void)state;
	/* attached and served: leave it, backend up or not (by name) */
	assert_int_equal(decide(1, true, true, -1, 0, &due),
			 VCAMTS_RECOVER_NONE);
	assert_int_equal(decide(0, true, true, -1, 0, &due),
			 VCAMTS_RECOVER_NONE);
	/* the guest's dir outlived its backend: it must go first */
	assert_int_equal(decide(0, true, false, -1, 0, &due),
			 VCAMTS_RECOVER_REMOVE_STALE);
	assert_int_equal(decide(1, true, false, -1, 0, &due),
			 VCAMTS_RECOVER_REMOVE_STALE);
	/* gone, backend not back (or ambiguous): wait */
	assert_int_equal(decide(0, false, false, -1, 0, &due),
			 VCAMTS_RECOVER_WAIT_BACKEND);
	assert_int_equal(decide(2, false, false, -1, 0, &due),
			 VCAMTS_RECOVER_WAIT_BACKEND);
	assert_int_equal(due, -7);
	/* backend back: attach, unless we removed the dir a moment ago */
	assert_int_equal(decide(1, false, false, -1, 100, &due),
			 VCAMTS_RECOVER_ATTACH);
	assert_int_equal(decide(1, false, false, 1000, 1000, &due),
			 VCAMTS_RECOVER_WAIT_GRACE);
	assert_int_equal(due, 1000 + g);
	assert_int_equal(decide(1, false, false, 1000, 1000 + g - 1, &due),
			 VCAMTS_RECOVER_WAIT_GRACE);
	assert_int_equal(due, 1000 + g);
	assert_int_equal(decide(1, false, false, 1000, 1000 + g, &due),
			 VCAMTS_RECOVER_ATTACH);
	/* the grace does not hold anything up when the dir is still there */
	assert_int_equal(decide(1, true, true, 1000, 1000, &due),
			 VCAMTS_RECOVER_NONE);
	assert_string_equal(vcamts_recover_action_name(VCAMTS_RECOVER_ATTACH),
			    "attach");
}

static struct vcamts_removals tab;

static void removals_basic(void **state)
{
	(void)state;
	vcamts_removals_init(&tab);
	assert_int_equal(vcamts_removals_when(&tab, 3, 0), -1);
	vcamts_removals_note(&tab, 3, 0, 500);
	vcamts_removals_note(&tab, 3, 1, 600);
	vcamts_removals_note(&tab, 4, 0, 700);
	assert_int_equal(vcamts_removals_when(&tab, 3, 0), 500);
	assert_int_equal(vcamts_removals_when(&tab, 3, 1), 600);
	assert_int_equal(vcamts_removals_when(&tab, 4, 0), 700);
	assert_int_equal(vcamts_removals_when(&tab, 4, 1), -1);
	/* removed again: the newer time counts, one entry */
	vcamts_removals_note(&tab, 3, 0, 900);
	assert_int_equal(vcamts_removals_when(&tab, 3, 0), 900);
}

static unsigned int count(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < VCAMTS_REMOVALS_MAX; i++)
		n += tab.e[i].used;
	return n;
}

static void removals_full(void **state)
{
	const long g = VCAMTS_REATTACH_GRACE_MS;
	unsigned int i;

	(void)state;
	vcamts_removals_init(&tab);
	for (i = 0; i < VCAMTS_REMOVALS_MAX; i++)
		vcamts_removals_note(&tab, 1, i, 1000 + i);
	assert_int_equal(count(), VCAMTS_REMOVALS_MAX);
	/* all recent: the oldest goes, whose grace ends first */
	vcamts_removals_note(&tab, 2, 0, 1000 + VCAMTS_REMOVALS_MAX);
	assert_int_equal(vcamts_removals_when(&tab, 1, 0), -1);
	assert_int_equal(vcamts_removals_when(&tab, 1, 1), 1001);
	assert_int_equal(vcamts_removals_when(&tab, 2, 0),
			 1000 + VCAMTS_REMOVALS_MAX);
	/* once past the grace any entry may be reused, newest kept */
	vcamts_removals_note(&tab, 2, 1, 1000 + g + 10);
	assert_int_equal(vcamts_removals_when(&tab, 2, 1), 1000 + g + 10);
	assert_int_equal(vcamts_removals_when(&tab, 2, 0),
			 1000 + VCAMTS_REMOVALS_MAX);
	assert_int_equal(count(), VCAMTS_REMOVALS_MAX);
}

/* mark(MARKED, N, RUN, DOMID, RUN, DOMID, ...) */
static enum vcamts_suspend_mark mark(long marked, unsigned int n, ...)
{
	enum vcamts_dom_run runs[4];
	unsigned int i, ids[4];
	va_list ap;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		runs[i] = (enum vcamts_dom_run)va_arg(ap, int);
		ids[i] = va_arg(ap, unsigned int);
	}
	va_end(ap);
	return vcamts_suspend_mark_decide(runs, ids, n, marked);
}

/* xl save / restore and xl migrate to localhost, as the watcher sees them */
static void suspend_marks(void **state)
{
	(void)state;
	/* running: nothing to remember */
	assert_int_equal(mark(-1, 1, VCAMTS_RUN_UP, 3), VCAMTS_MARK_KEEP);
	/* xl save: suspended, then dying, then gone; the mark outlives it */
	assert_int_equal(mark(-1, 1, VCAMTS_RUN_SUSPENDED, 3), VCAMTS_MARK_SET);
	assert_int_equal(mark(3, 1, VCAMTS_RUN_SUSPENDED, 3), VCAMTS_MARK_KEEP);
	assert_int_equal(mark(3, 1, VCAMTS_RUN_GONE, 3), VCAMTS_MARK_KEEP);
	assert_int_equal(mark(3, 0), VCAMTS_MARK_KEEP);
	/* xl restore: being built keeps it (the restore may fail), up clears */
	assert_int_equal(mark(3, 1, VCAMTS_RUN_BUILDING, 4), VCAMTS_MARK_KEEP);
	assert_int_equal(mark(3, 1, VCAMTS_RUN_UP, 4), VCAMTS_MARK_CLEAR);
	/* localhost migration: the incoming one is built while the old runs */
	assert_int_equal(mark(-1, 2, VCAMTS_RUN_UP, 3, VCAMTS_RUN_BUILDING, 4),
			 VCAMTS_MARK_KEEP);
	/* ... the old one suspends: whatever the incoming one does, mark */
	assert_int_equal(mark(-1, 2, VCAMTS_RUN_SUSPENDED, 3,
			      VCAMTS_RUN_BUILDING, 4), VCAMTS_MARK_SET);
	assert_int_equal(mark(3, 2, VCAMTS_RUN_UP, 4, VCAMTS_RUN_SUSPENDED, 3),
			 VCAMTS_MARK_KEEP);
	/* ... the old one goes, the new one runs: an ordinary guest again */
	assert_int_equal(mark(3, 2, VCAMTS_RUN_GONE, 3, VCAMTS_RUN_UP, 4),
			 VCAMTS_MARK_CLEAR);
	/* a suspend of another domain of the UUID moves the mark */
	assert_int_equal(mark(3, 1, VCAMTS_RUN_SUSPENDED, 4), VCAMTS_MARK_SET);
	/* a cancelled suspend (xl save -c, a failed save): the domain runs on */
	assert_int_equal(mark(3, 1, VCAMTS_RUN_UP, 3), VCAMTS_MARK_CLEAR);
	/* ... and if it shuts down before anyone looked, it is no save */
	assert_int_equal(mark(3, 1, VCAMTS_RUN_SHUTDOWN, 3), VCAMTS_MARK_CLEAR);
	/* a guest shut down for good is no reason to keep anything */
	assert_int_equal(mark(-1, 1, VCAMTS_RUN_SHUTDOWN, 3), VCAMTS_MARK_KEEP);
	assert_int_equal(mark(-1, 1, VCAMTS_RUN_GONE, 3), VCAMTS_MARK_KEEP);
	/* an unreadable mark names no domain: only an up domain clears it */
	assert_int_equal(mark(0x8000, 1, VCAMTS_RUN_SHUTDOWN, 3),
			 VCAMTS_MARK_KEEP);
	assert_int_equal(mark(0x8000, 1, VCAMTS_RUN_UP, 3), VCAMTS_MARK_CLEAR);

	assert_true(vcamts_recover_gets_cameras(VCAMTS_RUN_UP));
	assert_true(vcamts_recover_gets_cameras(VCAMTS_RUN_BUILDING));
	assert_false(vcamts_recover_gets_cameras(VCAMTS_RUN_SUSPENDED));
	assert_false(vcamts_recover_gets_cameras(VCAMTS_RUN_SHUTDOWN));
	assert_false(vcamts_recover_gets_cameras(VCAMTS_RUN_GONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decisions),
		cmocka_unit_test(removals_basic),
		cmocka_unit_test(removals_full),
		cmocka_unit_test(suspend_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
