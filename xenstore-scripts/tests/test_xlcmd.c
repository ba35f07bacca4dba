// SPDX-License-Identifier: MIT
/* Recognising `xl create` command lines as /proc shows them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xlcmd.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__ })
#define NARGS(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(cmd, ...) vcamts_xlcmd_parse(NARGS(__VA_ARGS__), \
					   ARGV(__VA_ARGS__), (cmd))

static void plain_create(void **state)
{
	struct vcamts_xlcmd c;

	(void)state;
	assert_int_equal(PARSE(&c, "/usr/lib/xen-4.17/bin/xl", "create", "-p",
			       "guest.cfg"), 0);
	assert_string_equal(c.file, "guest.cfg");
	assert_int_equal(c.paused, 1);
	assert_int_equal(c.dryrun, 0);
	assert_int_equal(c.nr_overrides, 0);
	free(c.overrides);
}

static void overrides_and_options_anywhere(void **state)
{
	struct vcamts_xlcmd c;

	(void)state;
	assert_int_equal(PARSE(&c, "xl", "-v", "create", "g.cfg", "memory=512",
			       "-c", "name=\"x y\"", "-F"), 0);
	assert_string_equal(c.file, "g.cfg");
	assert_int_equal(c.nr_overrides, 2);
	assert_string_equal(c.overrides[0], "memory=512");
	assert_string_equal(c.overrides[1], "name=\"x y\"");
	assert_int_equal(c.console, 1);
	assert_int_equal(c.foreground, 1);
	free(c.overrides);
}

static void defconfig_forms(void **state)
{
	struct vcamts_xlcmd c;

	(void)state;
	assert_int_equal(PARSE(&c, "xl", "create", "-f", "/etc/xen/a.cfg",
			       "vcam=[]"), 0);
	assert_string_equal(c.file, "/etc/xen/a.cfg");
	assert_int_equal(c.nr_overrides, 1);
	free(c.overrides);
	assert_int_equal(PARSE(&c, "xl", "create", "-pf/a.cfg"), 0);
	assert_string_equal(c.file, "/a.cfg");
	assert_int_equal(c.paused, 1);
	free(c.overrides);
	assert_int_equal(PARSE(&c, "xl", "create", "--defconfig=b.cfg"), 0);
	assert_string_equal(c.file, "b.cfg");
	free(c.overrides);
	assert_int_equal(PARSE(&c, "xl", "create", "--defconfig", "c.cfg",
			       "--dryrun"), 0);
	assert_string_equal(c.file, "c.cfg");
	assert_int_equal(c.dryrun, 1);
	free(c.overrides);
	assert_int_equal(PARSE(&c, "xl", "-N", "create", "c.cfg"), 0);
	assert_int_equal(c.dryrun, 1);
	free(c.overrides);
}

static void not_create(void **state)
{
	struct vcamts_xlcmd c;

	(void)state;
	assert_int_equal(PARSE(&c, "xl", "list"), -1);
	assert_int_equal(PARSE(&c, "xl"), -1);
	assert_int_equal(PARSE(&c, "/bin/xlx", "create", "a"), -1);
	assert_int_equal(PARSE(&c, "xl", "restore", "a", "b"), -1);
	assert_int_equal(PARSE(&c, "xl", "create", "a", "b"), -1);
	assert_int_equal(PARSE(&c, "xl", "create", "-f"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_create),
		cmocka_unit_test(overrides_and_options_anywhere),
		cmocka_unit_test(defconfig_forms),
		cmocka_unit_test(not_create),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
