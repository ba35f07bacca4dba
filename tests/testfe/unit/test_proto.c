// SPDX-License-Identifier: MIT
/* testfe's reading of responses and names (requests: ring/tests). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <xen/errno.h>

#include "proto.h"

static void test_layout_offsets(void **state)
{
	struct xencamera_buf_get_layout_resp l;
	uint32_t off[XENCAMERA_MAX_PLANE];

	(void)state;
	memset(&l, 0, sizeof(l));
	l.num_planes = 2;
	l.size = 640 * 360 * 3 / 2;
	l.plane_size[0] = 640 * 360;
	l.plane_size[1] = 640 * 360 / 2;
	assert_int_equal(tfe_layout_offsets(&l, off), 2);
	assert_int_equal(off[0], 0);
	assert_int_equal(off[1], 640 * 360);
	/* Planes overflowing size, no planes, too many planes. */
	l.plane_size[1]++;
	assert_int_equal(tfe_layout_offsets(&l, off), -1);
	l.num_planes = 0;
	assert_int_equal(tfe_layout_offsets(&l, off), -1);
	l.num_planes = 5;
	assert_int_equal(tfe_layout_offsets(&l, off), -1);
	l.num_planes = 1;
	l.size = 0;
	assert_int_equal(tfe_layout_offsets(&l, off), -1);
}

static void test_names_and_fourcc(void **state)
{
	uint32_t f;
	char buf[5];

	(void)state;
	assert_string_equal(tfe_op_name(XENCAMERA_OP_BUF_DEQUEUE),
			    "BUF_DEQUEUE");
	assert_string_equal(tfe_op_name(0x42), "UNKNOWN_OP");
	assert_string_equal(tfe_status_name(-XEN_EBUSY), "-EBUSY");
	assert_string_equal(tfe_status_name(0), "OK");
	assert_int_equal(tfe_fourcc_parse("YUYV", &f), 0);
	assert_int_equal(f, 0x56595559);
	assert_string_equal(tfe_fourcc_str(f, buf), "YUYV");
	assert_int_equal(tfe_fourcc_parse("YUY", &f), -1);
	assert_int_equal(tfe_fourcc_parse("YUYVV", &f), -1);
	assert_int_equal(tfe_fourcc_parse("YU\tV", &f), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_offsets),
		cmocka_unit_test(test_names_and_fourcc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
