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

static enum vcam_recover_action decide(unsigned int nr_be, bool fe_dir,
				       bool live_be_dir, long removed,
				       long now, long *due)
{
	struct vcam_recover_state st = {
		.nr_backends = nr_be,
		.fe_dir = fe_dir,
		.live_be_dir = live_be_dir,
		.removed_ms = removed,
		.now_ms = now,
	};

	*due = -7;
	return vcam_recover_decide(&st, due);
}

static void decisions(void **state)
{
	const long g = VCAM_REATTACH_GRACE_MS;
	long due;

	(void)state;
	/* attached and served: leave it, backend up or not (by name) */
	assert_int_equal(decide(1, true, true, -1, 0, &due), VCAM_RECOVER_NONE);
	assert_int_equal(decide(0, true, true, -1, 0, &due), VCAM_RECOVER_NONE);
	/* the guest's dir outlived its backend: it must go first */
	assert_int_equal(decide(0, true, false, -1, 0, &due),
			 VCAM_RECOVER_REMOVE_STALE);
	assert_int_equal(decide(1, true, false, -1, 0, &due),
			 VCAM_RECOVER_REMOVE_STALE);
	/* gone, backend not back (or ambiguous): wait */
	assert_int_equal(decide(0, false, false, -1, 0, &due),
			 VCAM_RECOVER_WAIT_BACKEND);
	assert_int_equal(decide(2, false, false, -1, 0, &due),
			 VCAM_RECOVER_WAIT_BACKEND);
	assert_int_equal(due, -7);
	/* backend back: attach, unless we removed the dir a moment ago */
	assert_int_equal(decide(1, false, false, -1, 100, &due),
			 VCAM_RECOVER_ATTACH);
	assert_int_equal(decide(1, false, false, 1000, 1000, &due),
			 VCAM_RECOVER_WAIT_GRACE);
	assert_int_equal(due, 1000 + g);
	assert_int_equal(decide(1, false, false, 1000, 1000 + g - 1, &due),
			 VCAM_RECOVER_WAIT_GRACE);
	assert_int_equal(due, 1000 + g);
	assert_int_equal(decide(1, false, false, 1000, 1000 + g, &due),
			 VCAM_RECOVER_ATTACH);
	/* the grace does not hold anything up when the dir is still there */
	assert_int_equal(decide(1, true, true, 1000, 1000, &due),
			 VCAM_RECOVER_NONE);
	assert_string_equal(vcam_recover_action_name(VCAM_RECOVER_ATTACH),
			    "attach");
}

static struct vcam_removals tab;

static void removals_basic(void **state)
{
	(void)state;
	vcam_removals_init(&tab);
	assert_int_equal(vcam_removals_when(&tab, 3, 0), -1);
	vcam_removals_note(&tab, 3, 0, 500);
	vcam_removals_note(&tab, 3, 1, 600);
	vcam_removals_note(&tab, 4, 0, 700);
	assert_int_equal(vcam_removals_when(&tab, 3, 0), 500);
	assert_int_equal(vcam_removals_when(&tab, 3, 1), 600);
	assert_int_equal(vcam_removals_when(&tab, 4, 0), 700);
	assert_int_equal(vcam_removals_when(&tab, 4, 1), -1);
	/* removed again: the newer time counts, one entry */
	vcam_removals_note(&tab, 3, 0, 900);
	assert_int_equal(vcam_removals_when(&tab, 3, 0), 900);
}

static unsigned int count(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < VCAM_REMOVALS_MAX; i++)
		n += tab.e[i].used;
	return n;
}

static void removals_full(void **state)
{
	const long g = VCAM_REATTACH_GRACE_MS;
	unsigned int i;

	(void)state;
	vcam_removals_init(&tab);
	for (i = 0; i < VCAM_REMOVALS_MAX; i++)
		vcam_removals_note(&tab, 1, i, 1000 + i);
	assert_int_equal(count(), VCAM_REMOVALS_MAX);
	/* all recent: the oldest goes, whose grace ends first */
	vcam_removals_note(&tab, 2, 0, 1000 + VCAM_REMOVALS_MAX);
	assert_int_equal(vcam_removals_when(&tab, 1, 0), -1);
	assert_int_equal(vcam_removals_when(&tab, 1, 1), 1001);
	assert_int_equal(vcam_removals_when(&tab, 2, 0),
			 1000 + VCAM_REMOVALS_MAX);
	/* once past the grace any entry may be reused, newest kept */
	vcam_removals_note(&tab, 2, 1, 1000 + g + 10);
	assert_int_equal(vcam_removals_when(&tab, 2, 1), 1000 + g + 10);
	assert_int_equal(vcam_removals_when(&tab, 2, 0),
			 1000 + VCAM_REMOVALS_MAX);
	assert_int_equal(count(), VCAM_REMOVALS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decisions),
		cmocka_unit_test(removals_basic),
		cmocka_unit_test(removals_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
