// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <xen/errno.h>

#include "proto.h"

/* Every reserved octet of a packet must be zero on the wire. */
static void assert_zero(const void *p, size_t from, size_t to)
{
	const uint8_t *b = p;

	for (; from < to; from++)
		assert_int_equal(b[from], 0);
}

static void test_hdr_clears_packet(void **state)
{
	struct xencamera_req r;

	(void)state;
	memset(&r, 0xff, sizeof(r));
	tfe_req_hdr(&r, 0x1234, XENCAMERA_OP_STREAM_START);
	assert_int_equal(r.id, 0x1234);
	assert_int_equal(r.operation, XENCAMERA_OP_STREAM_START);
	assert_zero(&r, 3, sizeof(r));
}

static void test_config(void **state)
{
	struct xencamera_req r;
	const uint8_t *b = (const uint8_t *)&r;
	uint32_t v;

	(void)state;
	memset(&r, 0xff, sizeof(r));
	tfe_req_config(&r, 9, XENCAMERA_OP_CONFIG_VALIDATE,
		       0x56595559, 640, 360);
	assert_int_equal(r.operation, XENCAMERA_OP_CONFIG_VALIDATE);
	/* Octet positions from the protocol's diagram. */
	memcpy(&v, b + 8, 4);
	assert_int_equal(v, 0x56595559);
	memcpy(&v, b + 12, 4);
	assert_int_equal(v, 640);
	memcpy(&v, b + 16, 4);
	assert_int_equal(v, 360);
	assert_zero(&r, 3, 8);
	assert_zero(&r, 20, sizeof(r));
}

static void test_buf_create(void **state)
{
	static const uint32_t offs[XENCAMERA_MAX_PLANE] = { 0, 100, 200, 300 };
	struct xencamera_req r;
	const uint8_t *b = (const uint8_t *)&r;
	uint32_t v;

	(void)state;
	memset(&r, 0xff, sizeof(r));
	tfe_req_buf_create(&r, 1, 3, offs, 2, 0xabcdef);
	assert_int_equal(b[8], 3);
	assert_zero(&r, 9, 12);
	memcpy(&v, b + 12, 4);
	assert_int_equal(v, 0);
	memcpy(&v, b + 16, 4);
	assert_int_equal(v, 100);
	/* Only num_planes offsets are sent; the rest stay reserved 0. */
	memcpy(&v, b + 20, 4);
	assert_int_equal(v, 0);
	memcpy(&v, b + 28, 4);
	assert_int_equal(v, 0xabcdef);
	assert_zero(&r, 32, sizeof(r));
}

static void test_index_rate_ctrl(void **state)
{
	struct xencamera_req r;
	const uint8_t *b = (const uint8_t *)&r;
	int64_t val;

	(void)state;
	tfe_req_index(&r, 5, XENCAMERA_OP_BUF_QUEUE, 7);
	assert_int_equal(b[8], 7);
	assert_zero(&r, 9, sizeof(r));
	tfe_req_frame_rate(&r, 5, 30000, 1001);
	assert_int_equal(r.req.frame_rate.frame_rate_numer, 30000);
	assert_int_equal(r.req.frame_rate.frame_rate_denom, 1001);
	tfe_req_buf_request(&r, 5, 4);
	assert_int_equal(b[8], 4);
	tfe_req_ctrl_set(&r, 5, XENCAMERA_CTRL_HUE, -5);
	assert_int_equal(b[8], XENCAMERA_CTRL_HUE);
	memcpy(&val, b + 16, 8);
	assert_int_equal(val, -5);
	tfe_req_ctrl_get(&r, 5, XENCAMERA_CTRL_CONTRAST);
	assert_int_equal(b[8], XENCAMERA_CTRL_CONTRAST);
	assert_zero(&r, 9, sizeof(r));
}

static void test_resp_matches(void **state)
{
	struct xencamera_resp rsp = { .id = 4, .operation = 8 };

	(void)state;
	assert_int_equal(tfe_resp_matches(&rsp, 4, 8), 0);
	assert_int_equal(tfe_resp_matches(&rsp, 5, 8), -1);
	assert_int_equal(tfe_resp_matches(&rsp, 4, 7), -1);
}

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
		cmocka_unit_test(test_hdr_clears_packet),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_buf_create),
		cmocka_unit_test(test_index_rate_ctrl),
		cmocka_unit_test(test_resp_matches),
		cmocka_unit_test(test_layout_offsets),
		cmocka_unit_test(test_names_and_fourcc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
