// SPDX-License-Identifier: MIT
/*
 * vcam/req_encode.h against the octet positions of cameraif.h's diagrams.
 * Built twice, as userspace and as the kernel includes it (see
 * test_cfgparse.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/io/cameraif.h>
#include "vcam/req_encode.h"

#if defined(__KERNEL__) && !defined(VCAM_KSHIM)
#error "kernel-mode test build without ring/tests/kshim in front"
#endif

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
	vcam_req_hdr(&r, 0x1234, XENCAMERA_OP_STREAM_START);
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
	vcam_req_config(&r, 9, XENCAMERA_OP_CONFIG_VALIDATE,
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
	vcam_req_buf_create(&r, 1, 3, offs, 2, 0xabcdef);
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
	/* No planes: no offsets read, all of them 0. */
	memset(&r, 0xff, sizeof(r));
	vcam_req_buf_create(&r, 1, 4, NULL, 0, 7);
	assert_int_equal(b[8], 4);
	assert_zero(&r, 9, 28);
	assert_int_equal(r.req.buf_create.gref_directory, 7);
}

static void test_index_rate_ctrl(void **state)
{
	struct xencamera_req r;
	const uint8_t *b = (const uint8_t *)&r;
	int64_t val;

	(void)state;
	vcam_req_index(&r, 5, XENCAMERA_OP_BUF_QUEUE, 7);
	assert_int_equal(b[8], 7);
	assert_zero(&r, 9, sizeof(r));
	vcam_req_frame_rate(&r, 5, 30000, 1001);
	assert_int_equal(r.req.frame_rate.frame_rate_numer, 30000);
	assert_int_equal(r.req.frame_rate.frame_rate_denom, 1001);
	vcam_req_buf_request(&r, 5, 4);
	assert_int_equal(b[8], 4);
	vcam_req_ctrl_set(&r, 5, XENCAMERA_CTRL_HUE, -5);
	assert_int_equal(b[8], XENCAMERA_CTRL_HUE);
	memcpy(&val, b + 16, 8);
	assert_int_equal(val, -5);
	vcam_req_ctrl_get(&r, 5, XENCAMERA_CTRL_CONTRAST);
	assert_int_equal(b[8], XENCAMERA_CTRL_CONTRAST);
	assert_zero(&r, 9, sizeof(r));
}

static void test_resp_matches(void **state)
{
	struct xencamera_resp rsp = { .id = 4, .operation = 8 };

	(void)state;
	assert_true(vcam_rsp_answers(&rsp, 4, 8));
	assert_false(vcam_rsp_answers(&rsp, 5, 8));
	assert_false(vcam_rsp_answers(&rsp, 4, 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_clears_packet),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_buf_create),
		cmocka_unit_test(test_index_rate_ctrl),
		cmocka_unit_test(test_resp_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
