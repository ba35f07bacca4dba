// SPDX-License-Identifier: MIT
/* The xenstore layout of one camera must match ring/PROTOCOL.md exactly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "nodes.h"

/* the camera configuration, in both directories */
#define CONFIG(D, S) \
	{ D "/unique-id", "video0", S }, \
	{ D "/max-buffers", "6", S }, \
	{ D "/controls", "contrast,hue", S }, \
	{ D "/be-alloc", "1", S }, \
	{ D "/notify-mode", "spin", S }, \
	{ D "/spin-us", "80", S }, \
	{ D "/formats", NULL, S }, \
	{ D "/formats/YUYV", NULL, S }, \
	{ D "/formats/YUYV/640x480", NULL, S }, \
	{ D "/formats/YUYV/640x480/frame-rates", "30/1,15/1", S }, \
	{ D "/formats/YUYV/1920x1080", NULL, S }, \
	{ D "/formats/YUYV/1920x1080/frame-rates", "15/2", S }, \
	{ D "/formats/AR15-BE", NULL, S }, \
	{ D "/formats/AR15-BE/64x48", NULL, S }, \
	{ D "/formats/AR15-BE/64x48/frame-rates", "1/1", S }, \

static const struct {
	const char *path;
	const char *value;	/* NULL: directory */
	enum vcamts_side side;
} expected[] = {
#define FE "/local/domain/7/device/vcamera/2"
#define BE "/local/domain/3/backend/vcamera/7/2"
	{ FE, NULL, VCAMTS_SIDE_FRONT },
	{ FE "/backend", BE, VCAMTS_SIDE_FRONT },
	{ FE "/backend-id", "3", VCAMTS_SIDE_FRONT },
	{ FE "/state", "1", VCAMTS_SIDE_FRONT },
	CONFIG(FE, VCAMTS_SIDE_FRONT)
	{ BE, NULL, VCAMTS_SIDE_BACK },
	{ BE "/frontend", FE, VCAMTS_SIDE_BACK },
	{ BE "/frontend-id", "7", VCAMTS_SIDE_BACK },
	{ BE "/state", "1", VCAMTS_SIDE_BACK },
	{ BE "/online", "1", VCAMTS_SIDE_BACK },
	CONFIG(BE, VCAMTS_SIDE_BACK)
#undef FE
#undef BE
};

static void layout_matches_protocol(void **state)
{
	struct vcamts_spec spec;
	struct vcamts_node_list l;
	struct vcamts_err err;
	size_t i, n = sizeof(expected) / sizeof(expected[0]);

	(void)state;
	assert_int_equal(vcamts_spec_parse(&spec,
		"unique-id=video0, be-alloc=1, max-buffers=6, "
		"controls=contrast;hue, notify-mode=spin, spin-us=80, "
		"formats=YUYV:640x480@30/1;15/1|YUYV:1920x1080@15/2|"
		"AR15-BE:64x48@1/1", &err), 0);
	assert_int_equal(vcamts_nodes_build(&spec, 7, 3, 2, &l, &err), 0);
	for (i = 0; i < l.nr && i < n; i++) {
		assert_string_equal(l.nodes[i].path, expected[i].path);
		assert_int_equal(l.nodes[i].is_dir, expected[i].value == NULL);
		if (expected[i].value)
			assert_string_equal(l.nodes[i].value,
					    expected[i].value);
		assert_int_equal(l.nodes[i].side, expected[i].side);
	}
	assert_int_equal(l.nr, n);
	vcamts_nodes_free(&l);
}

static void dirs_helpers(void **state)
{
	char buf[VCAMTS_PATH_MAX];

	(void)state;
	vcamts_fe_dir(buf, sizeof(buf), 12, 0);
	assert_string_equal(buf, "/local/domain/12/device/vcamera/0");
	vcamts_be_dir(buf, sizeof(buf), 0, 12, 65535);
	assert_string_equal(buf, "/local/domain/0/backend/vcamera/12/65535");
}

static void many_formats_grow_the_list(void **state)
{
	struct vcamts_spec spec;
	struct vcamts_node_list l;
	struct vcamts_err err;
	char fmts[4096] = "";
	size_t used = 0;
	int i;

	(void)state;
	for (i = 0; i < VCAMTS_MAX_FORMATS; i++)
		used += (size_t)snprintf(fmts + used, sizeof(fmts) - used,
					 "%sGREY:%dx8@1/1", i ? "|" : "",
					 i + 1);
	vcamts_spec_init(&spec);
	strcpy(spec.unique_id, "video0");
	assert_int_equal(vcamts_formats_parse(&spec, fmts, &err), 0);
	assert_int_equal(spec.nr_formats, VCAMTS_MAX_FORMATS);
	assert_int_equal(vcamts_formats_parse(&spec, "GREY:999x8@1/1", &err),
			 -1);
	assert_non_null(strstr(err.msg, "more than 64 formats"));
	assert_int_equal(vcamts_nodes_build(&spec, 1, 0, 0, &l, &err), 0);
	/*
	 * 4 fe nodes, 5 backend nodes, and in each of the two dirs 6
	 * values + formats + GREY + 2 per resolution
	 */
	assert_int_equal(l.nr, 4 + 5 + 2 * (6 + 2 + 2 * VCAMTS_MAX_FORMATS));
	vcamts_nodes_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_matches_protocol),
		cmocka_unit_test(dirs_helpers),
		cmocka_unit_test(many_formats_grow_the_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
