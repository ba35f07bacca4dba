// SPDX-License-Identifier: MIT
/*
 * Finding a domain's config through a fake /proc: cmdline, cwd for a
 * relative FILE, root for an absolute one, overrides, and the processes
 * that must be ignored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "xlproc.h"

static char root[] = "/tmp/vcam-proc-XXXXXX";
static char cfgdir[256];

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* A fake process: cmdline given with '\0' separators, cwd -> cfgdir. */
static void fake_proc(int pid, const char *cmdline, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%d", root, pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%d/cmdline", root, pid);
	write_file(path, cmdline, len);
	snprintf(path, sizeof(path), "%s/%d/cwd", root, pid);
	assert_int_equal(symlink(cfgdir, path), 0);
	snprintf(path, sizeof(path), "%s/%d/root", root, pid);
	assert_int_equal(symlink("/", path), 0);
}

#define CMD(s) s, sizeof(s)

static int setup(void **state)
{
	char path[512];
	const char *good =
		"name = \"g1\"\nvcam = [ 'unique-id=video0, formats=GREY:8x8@1/1' ]\n";
	const char *bad =
		"name = \"g2\"\nvcam = [ 'unique-id=video0, formats=GREY:8x8@1/0' ]\n";
	char abs_cmd[512];
	int n;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(cfgdir, sizeof(cfgdir), "%s/etc", root);
	assert_int_equal(mkdir(cfgdir, 0755), 0);
	snprintf(path, sizeof(path), "%s/g1.cfg", cfgdir);
	write_file(path, good, strlen(good));
	snprintf(path, sizeof(path), "%s/g2.cfg", cfgdir);
	write_file(path, bad, strlen(bad));

	fake_proc(10, CMD("/bin/bash\0-c\0xl create g1.cfg"));
	fake_proc(11, CMD("/usr/lib/xen-4.17/bin/xl\0list"));
	fake_proc(12, CMD("/usr/lib/xen-4.17/bin/xl\0create\0-n\0g1.cfg"));
	fake_proc(13, CMD("/usr/lib/xen-4.17/bin/xl\0create\0-p\0g1.cfg"));
	fake_proc(14, CMD("/usr/lib/xen-4.17/bin/xl\0create\0g2.cfg"));
	/* absolute path, renamed by an override */
	n = snprintf(abs_cmd, sizeof(abs_cmd),
		     "xl%ccreate%c%s/g1.cfg%cname=\"g3\"", 0, 0, cfgdir, 0);
	fake_proc(15, abs_cmd, (size_t)n + 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void finds_relative_config(void **state)
{
	struct vcamts_cfg cfg;
	struct vcamts_err err = { "" };
	pid_t pid = 0;

	(void)state;
	assert_int_equal(vcamts_xlproc_find(root, "g1", &cfg, &pid, &err), 1);
	assert_int_equal(pid, 13);
	assert_int_equal(cfg.nr_specs, 1);
	assert_string_equal(cfg.specs[0].unique_id, "video0");
}

static void finds_absolute_config_with_override(void **state)
{
	struct vcamts_cfg cfg;
	struct vcamts_err err = { "" };
	pid_t pid = 0;

	(void)state;
	assert_int_equal(vcamts_xlproc_find(root, "g3", &cfg, &pid, &err), 1);
	assert_int_equal(pid, 15);
}

static void broken_config_of_our_domain_is_reported(void **state)
{
	struct vcamts_cfg cfg;
	struct vcamts_err err = { "" };
	pid_t pid = 0;

	(void)state;
	assert_int_equal(vcamts_xlproc_find(root, "g2", &cfg, &pid, &err), -1);
	assert_non_null(strstr(err.msg, "g2.cfg: vcam[0]: key 'formats'"));
	assert_int_equal(cfg.nr_specs, 0);
}

static void unknown_domain(void **state)
{
	struct vcamts_cfg cfg;
	struct vcamts_err err = { "" };
	pid_t pid = 0;

	(void)state;
	assert_int_equal(vcamts_xlproc_find(root, "nobody", &cfg, &pid, &err),
			 0);
	/* which xl create processes there were, and why none was it */
	assert_non_null(strstr(err.msg, "12: a dry run"));
	assert_non_null(strstr(err.msg, "13: g1.cfg names 'g1'"));
	assert_non_null(strstr(err.msg, "14: g2.cfg: vcam[0]"));
	assert_null(strstr(err.msg, "10: "));	/* bash, not xl */
	assert_null(strstr(err.msg, "11: "));	/* xl list */
	assert_int_equal(vcamts_xlproc_find("/nonexistent", "g1", &cfg, &pid,
					    &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_relative_config),
		cmocka_unit_test(finds_absolute_config_with_override),
		cmocka_unit_test(broken_config_of_our_domain_is_reported),
		cmocka_unit_test(unknown_domain),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
