// SPDX-License-Identifier: MIT
/*
 * The shared configuration layer (vcam/cfgparse.h, ctrls.h, colorimetry.h,
 * xen_errno.h) against one table of vectors.  Built twice from this file:
 * test_cfgparse as userspace has it, test_cfgparse_kernel with __KERNEL__
 * defined, so every header takes its kernel branch (kernel includes, no
 * libc headers of its own); kshim/ supplies the one thing the uapi headers
 * lack there (linux/types.h's uint32_t and friends).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <xen/errno.h>
#include <xen/io/cameraif.h>
#include "vcam/cfgparse.h"
#include "vcam/colorimetry.h"
#include "vcam/ctrls.h"
#include "vcam/xen_errno.h"

#include "cfgparse_run.h"

#if defined(__KERNEL__) && !defined(VCAM_KSHIM)
#error "kernel-mode test build without ring/tests/kshim in front"
#endif

static void vectors(void **state)
{
	char got[256];
	unsigned int i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(vcam_vecs) / sizeof(vcam_vecs[0]); i++) {
		const struct vcam_vec *v = &vcam_vecs[i];

		vec_run(v, got, sizeof(got));
		if (strcmp(got, v->expect)) {
			print_error("vector %u (kind %d, \"%s\"): got \"%s\", want \"%s\"\n",
				    i, v->kind, v->in ? v->in : "(absent)",
				    got, v->expect);
			bad++;
		}
	}
	print_message("%u vectors, %u wrong (%s build)\n", i, bad,
#ifdef __KERNEL__
		      "kernel"
#else
		      "userspace"
#endif
		      );
	assert_int_equal(bad, 0);
}

/* Every name the parser accepts is the name the toolstack writes. */
static void fourcc_names_round_trip(void **state)
{
	char name[VCAM_FOURCC_NAME_MAX + 1];
	unsigned int i;
	uint32_t f;

	(void)state;
	for (i = 0; i < sizeof(vcam_vecs) / sizeof(vcam_vecs[0]); i++) {
		const struct vcam_vec *v = &vcam_vecs[i];

		if (v->kind != VEC_FOURCC || vcam_parse_fourcc(v->in, &f, NULL))
			continue;
		assert_string_equal(vcam_fourcc_name(f, name), v->in);
	}
	assert_string_equal(vcam_fourcc_name(0x20202020, name), "");
}

static void controls_three_names(void **state)
{
	unsigned int t;

	(void)state;
	for (t = 0; t < XENCAMERA_MAX_CTRL; t++) {
		const char *n = vcam_ctrl_name(t);

		assert_non_null(n);
		assert_int_equal(vcam_ctrl_type_n(n, strlen(n)), t);
		assert_int_equal(vcam_ctrl_type_of_cid(vcam_ctrl_cid(t)), t);
	}
	assert_int_equal(vcam_ctrl_cid(XENCAMERA_CTRL_HUE), V4L2_CID_HUE);
	assert_string_equal(vcam_ctrl_name(XENCAMERA_CTRL_SATURATION),
			    "saturation");
	assert_null(vcam_ctrl_name(XENCAMERA_MAX_CTRL));
	assert_int_equal(vcam_ctrl_cid(XENCAMERA_MAX_CTRL), 0);
	assert_int_equal(vcam_ctrl_type_of_cid(V4L2_CID_GAMMA), -1);
	assert_int_equal(vcam_ctrl_type_n("hue", 2), -1);
}

/* Whatever cameraif can say survives backend -> wire -> frontend. */
static void colorimetry_round_trips(void **state)
{
	uint32_t x;

	(void)state;
	for (x = 0; x <= XENCAMERA_COLORSPACE_DCI_P3; x++)
		assert_int_equal(vcam_colorspace_to_xen(
					vcam_colorspace_to_v4l2(x)), x);
	for (x = 0; x <= XENCAMERA_XFER_FUNC_SMPTE2084; x++)
		assert_int_equal(vcam_xfer_func_to_xen(
					vcam_xfer_func_to_v4l2(x)), x);
	for (x = 0; x <= XENCAMERA_YCBCR_ENC_BT2020_CONST_LUM; x++)
		assert_int_equal(vcam_ycbcr_enc_to_xen(
					vcam_ycbcr_enc_to_v4l2(x)), x);
	for (x = 0; x <= XENCAMERA_QUANTIZATION_LIM_RANGE; x++)
		assert_int_equal(vcam_quantization_to_xen(
					vcam_quantization_to_v4l2(x)), x);
	/* V4L2 values cameraif lacks go to their nearest, unknown to 0 */
	assert_int_equal(vcam_colorspace_to_xen(V4L2_COLORSPACE_JPEG),
			 XENCAMERA_COLORSPACE_SRGB);
	assert_int_equal(vcam_colorspace_to_xen(V4L2_COLORSPACE_SMPTE240M),
			 XENCAMERA_COLORSPACE_SMPTE170M);
	assert_int_equal(vcam_colorspace_to_xen(V4L2_COLORSPACE_RAW),
			 XENCAMERA_COLORSPACE_DEFAULT);
	assert_int_equal(vcam_xfer_func_to_xen(V4L2_XFER_FUNC_SMPTE240M),
			 XENCAMERA_XFER_FUNC_709);
#ifndef __KERNEL__
	assert_int_equal(vcam_ycbcr_enc_to_xen(V4L2_YCBCR_ENC_SYCC),
			 XENCAMERA_YCBCR_ENC_601);
#endif
	assert_int_equal(vcam_ycbcr_enc_to_v4l2(XENCAMERA_YCBCR_ENC_IGNORE),
			 V4L2_YCBCR_ENC_DEFAULT);
	assert_int_equal(vcam_colorspace_to_v4l2(99), V4L2_COLORSPACE_DEFAULT);
	assert_int_equal(vcam_quantization_to_v4l2(99),
			 V4L2_QUANTIZATION_DEFAULT);
}

static void statuses_are_xens(void **state)
{
	size_t i;

	(void)state;
	/* Xen took its numbers from Linux: the table must show that */
	for (i = 0; i < VCAM_XEN_ERRNOS_LEN; i++)
		assert_int_equal(vcam_xen_errnos[i].xen,
				 vcam_xen_errnos[i].host);
	assert_int_equal(vcam_xen_status(0), 0);
	assert_int_equal(vcam_xen_status(-EINVAL), -XEN_EINVAL);
	/* glibc's ENOTSUP, which the kernel's errno.h lacks */
	assert_int_equal(vcam_xen_status(-EOPNOTSUPP), -XEN_EOPNOTSUPP);
	assert_int_equal(vcam_xen_status(-EWOULDBLOCK), -XEN_EAGAIN);
	assert_int_equal(vcam_xen_status(-ENOBUFS), -XEN_ENOBUFS);
	assert_int_equal(vcam_xen_status(-EPROTO), -XEN_EIO);
	assert_int_equal(vcam_errno_of_status(-XEN_EBUSY), -EBUSY);
	assert_int_equal(vcam_errno_of_status(-512), -EIO);
	assert_int_equal(vcam_errno_of_status(7), -EIO);
	assert_string_equal(vcam_xen_status_name(-XEN_EBUSY), "-EBUSY");
	assert_string_equal(vcam_xen_status_name(-XEN_EAGAIN), "-EAGAIN");
	assert_null(vcam_xen_status_name(0));
	assert_null(vcam_xen_status_name(-512));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors),
		cmocka_unit_test(fourcc_names_round_trip),
		cmocka_unit_test(controls_three_names),
		cmocka_unit_test(colorimetry_round_trips),
		cmocka_unit_test(statuses_are_xens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
