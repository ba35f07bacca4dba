// SPDX-License-Identifier: MIT
/* xl configs through libxlutil: both syntaxes, overrides, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cfg.h"

static struct vcamts_cfg cfg;
static struct vcamts_err err;

#define assert_err_has(needle) do {					\
	if (!strstr(err.msg, (needle)))					\
		fail_msg("error '%s' lacks '%s'", err.msg, (needle));	\
} while (0)

static int parse(const char *text)
{
	memset(&err, 0, sizeof(err));
	return vcamts_cfg_parse(text, strlen(text), "t.cfg", &cfg, &err);
}

static void vcamts_list_of_strings(void **state)
{
	(void)state;
	assert_int_equal(parse(
		"name = \"guest1\"\n"
		"memory = 256\n"
		"vcam = [ 'unique-id=video0, formats=YUYV:640x480@30/1',\n"
		"         'unique-id=video1, devid=0, formats=NV12:8x8@1/1',\n"
		"         'unique-id=video2, formats=NV12:8x8@1/1' ]\n"), 0);
	assert_string_equal(cfg.name, "guest1");
	assert_int_equal(cfg.nr_specs, 3);
	/* explicit devid kept, the others take the lowest free ones */
	assert_int_equal(cfg.specs[1].devid, 0);
	assert_int_equal(cfg.specs[0].devid, 1);
	assert_int_equal(cfg.specs[2].devid, 2);
	assert_string_equal(cfg.specs[2].unique_id, "video2");
}

static void fork_list_of_lists(void **state)
{
	(void)state;
	assert_int_equal(parse(
		"name='g'\n"
		"vcamera = [[ 'backend=DomD, be-alloc=0, unique-id=video0, "
		"controls=hue;saturation, max-buffers=4',\n"
		"  'format=NV12, resolution=1024x768, frame-rates=30/1;15/1',\n"
		"  'format=YUYV, resolution=640x480, frame-rates=30/1' ]]\n"),
		0);
	assert_int_equal(cfg.nr_specs, 1);
	assert_string_equal(cfg.specs[0].backend, "DomD");
	assert_int_equal(cfg.specs[0].nr_formats, 2);
	assert_string_equal(cfg.specs[0].formats[1].fourcc, "YUYV");
	assert_int_equal(cfg.specs[0].devid, 0);
}

static void both_keys_and_mixed_forms(void **state)
{
	(void)state;
	assert_int_equal(parse(
		"vcam = [ 'unique-id=video0, formats=GREY:8x8@1/1' ]\n"
		"vcamera = [ [ 'unique-id=video1', "
		"'format=GREY, resolution=8x8, frame-rates=1/1' ],\n"
		"            'unique-id=video2, formats=GREY:8x8@1/1' ]\n"), 0);
	assert_int_equal(cfg.nr_specs, 3);
	assert_string_equal(cfg.specs[1].unique_id, "video1");
	assert_int_equal(cfg.specs[2].devid, 2);
	assert_string_equal(cfg.name, "");
}

static void no_camera_is_fine(void **state)
{
	(void)state;
	assert_int_equal(parse("name='x'\nmemory=128\n"), 0);
	assert_int_equal(cfg.nr_specs, 0);
}

static void errors(void **state)
{
	(void)state;
	assert_int_equal(parse("vcam = 'unique-id=video0'\n"), -1);
	assert_err_has("t.cfg: vcam must be a list");
	assert_int_equal(cfg.nr_specs, 0);

	assert_int_equal(parse(
		"vcam = [ 'unique-id=video0, formats=GREY:8x8@1/1',\n"
		"         'unique-id=video1, formats=GREY:8x8@1/1, fps=3' ]\n"),
		-1);
	assert_err_has("t.cfg: vcam[1]: unknown key 'fps'");
	assert_int_equal(cfg.nr_specs, 0);	/* nothing half-applied */

	assert_int_equal(parse("vcam = [ 'unique-id=video0'\n"), -1);
	assert_err_has("t.cfg:");
	assert_err_has("syntax error");

	/* many syntax errors: whole lines, then how many more */
	{
		char many[2048] = "";
		const char *nl;
		int i;

		for (i = 0; i < 40; i++)
			snprintf(many + strlen(many), sizeof(many) - strlen(many),
				 "k%d = = %d\n", i, i);
		assert_int_equal(parse(many), -1);
		assert_err_has("t.cfg:1: config parsing error");
		assert_err_has(" more syntax errors)");
		/* every line but the count is a whole libxlutil line */
		for (nl = err.msg; (nl = strchr(nl, '\n')); nl++)
			assert_true(strncmp(nl + 1, "t.cfg:", 6) == 0 ||
				    strncmp(nl + 1, "(and ", 5) == 0);
		assert_true(strlen(err.msg) < sizeof(err.msg) - 1);
	}

	assert_int_equal(parse(
		"vcamera = [[ 'unique-id=video0', "
		"'format=NV12, resolution=1024x768, frame-rates=30/0' ]]\n"),
		-1);
	assert_err_has("vcamera[0]: format string 1: frame rate '30/0'");

	/* no formats: accepted here, read from the camera at attach */
	assert_int_equal(parse("vcamera = [[ 'unique-id=video0' ]]\n"), 0);
	assert_int_equal(cfg.specs[0].nr_formats, 0);

	assert_int_equal(parse("vcamera = [[ [ 'x' ] ]]\n"), -1);
	assert_err_has("vcamera[0]: first element must be the device string");

	assert_int_equal(parse(
		"vcamera = [[ 'unique-id=video0', ['format=NV12'] ]]\n"), -1);
	assert_err_has("element 1 is not a format string");

	assert_int_equal(parse(
		"vcam = [ 'unique-id=video0, devid=3, formats=GREY:8x8@1/1',\n"
		"         'unique-id=video1, devid=3, formats=GREY:8x8@1/1' ]\n"),
		-1);
	assert_err_has("devid 3 used by two cameras");
}

static void too_many_cameras(void **state)
{
	char text[8192] = "vcam = [ ";
	int i;

	(void)state;
	for (i = 0; i <= VCAMTS_CFG_MAX_DEVICES; i++)
		strcat(text, "'unique-id=video0, formats=GREY:8x8@1/1', ");
	strcat(text, "]\n");
	assert_int_equal(parse(text), -1);
	assert_err_has("more than 16 cameras");
}

static void load_file_with_overrides(void **state)
{
	char path[] = "/tmp/vcam-test-cfg-XXXXXX";
	char *ov[] = {
		"name=\"other\"",
		"vcam=['unique-id=video5, formats=GREY:8x8@1/1']",
	};
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	/* no trailing newline: the override must still be its own line */
	fputs("name='orig'\nvcam=['unique-id=video0, formats=GREY:8x8@1/1',"
	      "'unique-id=video1, formats=GREY:8x8@1/1']", f);
	fclose(f);

	assert_int_equal(vcamts_cfg_load(path, NULL, 0, "c", &cfg, &err), 0);
	assert_string_equal(cfg.name, "orig");
	assert_int_equal(cfg.nr_specs, 2);

	assert_int_equal(vcamts_cfg_load(path, ov, 2, "c", &cfg, &err), 0);
	assert_string_equal(cfg.name, "other");
	assert_int_equal(cfg.nr_specs, 1);
	assert_string_equal(cfg.specs[0].unique_id, "video5");
	unlink(path);

	assert_int_equal(vcamts_cfg_load(path, NULL, 0, "gone.cfg", &cfg, &err),
			 -1);
	assert_err_has("gone.cfg: No such file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vcamts_list_of_strings),
		cmocka_unit_test(fork_list_of_lists),
		cmocka_unit_test(both_keys_and_mixed_forms),
		cmocka_unit_test(no_camera_is_fine),
		cmocka_unit_test(errors),
		cmocka_unit_test(too_many_cameras),
		cmocka_unit_test(load_file_with_overrides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
