// SPDX-License-Identifier: MIT
/*
 * xb_cfg.c's comparison of the guest's copy of the configuration with the
 * host's, over an in-memory store: trees far larger than the loopback
 * store of test_daemon.c holds, and copies a guest crafted to look equal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "fake_store.h"
#include "log.h"

struct dirs {
	struct fake_dir fe, be;
};

static struct dirs g_dirs;

static struct fake_dir *dir_of(struct vcamd_conn *c, bool fe)
{
	struct dirs *d = c->tpctx;

	return fe ? &d->fe : &d->be;
}

static char *t_read(struct vcamd_conn *c, bool fe, const char *key)
{
	return fake_dir_read(dir_of(c, fe), key);
}

static char *t_list(struct vcamd_conn *c, bool fe, const char *key,
		    unsigned int *n)
{
	return fake_dir_list(dir_of(c, fe), key, n);
}

static const struct vcamd_transport t_tp = {
	.name = "test", .read = t_read, .list = t_list,
};

static void set(struct fake_dir *d, const char *key, const char *val)
{
	fake_dir_set(d, key, strlen(key), val, strlen(val));
}

/* Both dirs, as the toolstack writes them. */
static void set_both(const char *key, const char *val)
{
	set(&g_dirs.fe, key, val);
	set(&g_dirs.be, key, val);
}

/* Does vcamd say the guest's copy differs? */
static bool differs(void)
{
	static struct vcamd d;
	struct vcamd_conn c;

	memset(&c, 0, sizeof(c));
	c.d = &d;
	c.tp = &t_tp;
	c.tpctx = &g_dirs;
	snprintf(c.name, sizeof(c.name), "test");
	vcamd_xb_check_guest_copy(&c);
	return c.cfg_diff_logged;
}

static int setup(void **state)
{
	(void)state;
	fake_dir_clear(&g_dirs.fe);
	fake_dir_clear(&g_dirs.be);
	set_both("unique-id", "video0");
	set_both("controls", "hue");
	set_both("formats/NV12/32x32/frame-rates", "15/1");
	set_both("formats/YUYV/64x48/frame-rates", "30/1");
	return 0;
}

static void test_identical_copies(void **state)
{
	(void)state;
	assert_false(differs());
	set(&g_dirs.fe, "controls", "brightness");
	assert_true(differs());
}

/*
 * The guest folds the host's second mode into the first one's rates: two
 * entries joined by a space read like one entry holding the other.
 */
static void test_entries_folded_into_one(void **state)
{
	(void)state;
	fake_dir_rm(&g_dirs.fe, "formats/YUYV");
	set(&g_dirs.fe, "formats/NV12/32x32/frame-rates",
	    "15/1 YUYV/64x48=30/1");
	assert_true(differs());
}

/*
 * The largest menu a toolstack may write: 64 modes with 16 long frame
 * rates each.  A guest that changes one rate of the last mode differs.
 */
static void test_largest_menu(void **state)
{
	char key[64], rates[16 * 22];
	unsigned int i;

	(void)state;
	fake_dir_rm(&g_dirs.fe, "formats");
	fake_dir_rm(&g_dirs.be, "formats");
	rates[0] = '\0';
	for (i = 0; i < VCAM_CFG_MAX_RATES; i++)
		strcat(rates, i ? ",4294967295/4294967295" :
			   "4294967295/4294967295");
	for (i = 0; i < VCAM_CFG_MAX_MODES; i++) {
		snprintf(key, sizeof(key), "formats/YUYV/%ux65535/frame-rates",
			 60000 + i);
		set_both(key, rates);
	}
	assert_false(differs());
	rates[0] = '3';
	set(&g_dirs.fe, key, rates);
	assert_true(differs());
}

/* More entries than any toolstack writes: the guest's doing. */
static void test_guest_flood(void **state)
{
	char key[64];
	unsigned int i;

	(void)state;
	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "formats/GREY/%ux16/frame-rates",
			 16 + i);
		set(&g_dirs.fe, key, "30/1");
	}
	assert_true(differs());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_identical_copies, setup),
		cmocka_unit_test_setup(test_entries_folded_into_one, setup),
		cmocka_unit_test_setup(test_largest_menu, setup),
		cmocka_unit_test_setup(test_guest_flood, setup),
	};

	vcamd_log_setup(false,
			getenv("VCAM_TEST_DEBUG") ? LOG_DEBUG : LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
