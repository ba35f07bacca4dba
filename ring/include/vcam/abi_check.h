/* SPDX-License-Identifier: MIT */
/*
 * Compile-time proof that a translation unit sees the cameraif v1 wire
 * layout vcam was written against.  Both halves include this after their
 * own route to cameraif.h (userspace: <xen/io/cameraif.h> from libxen-dev;
 * kernel: the same file with its two includes redirected to the kernel's
 * ring.h/grant_table.h).  Because both are checked against the same numbers,
 * a mismatch between the halves fails the build of the half that drifted.
 */
#ifndef VCAM_ABI_CHECK_H
#define VCAM_ABI_CHECK_H

#ifdef __KERNEL__
#include <linux/stddef.h>
#else
#include <stddef.h>
#endif

#include "ext.h"

#define VCAM_ABI_SIZE(type, sz) \
	_Static_assert(sizeof(type) == (sz), "cameraif ABI: sizeof " #type)
#define VCAM_ABI_OFF(type, member, off) \
	_Static_assert(offsetof(type, member) == (off), \
		       "cameraif ABI: offsetof " #type "." #member)

/* Packets: every request, response and event is 64 octets. */
VCAM_ABI_SIZE(struct xencamera_req, 64);
VCAM_ABI_SIZE(struct xencamera_resp, 64);
VCAM_ABI_SIZE(struct xencamera_evt, 64);
VCAM_ABI_SIZE(struct xencamera_event_page, 64);

VCAM_ABI_OFF(struct xencamera_req, id, 0);
VCAM_ABI_OFF(struct xencamera_req, operation, 2);
VCAM_ABI_OFF(struct xencamera_req, req, 8);
VCAM_ABI_OFF(struct xencamera_resp, id, 0);
VCAM_ABI_OFF(struct xencamera_resp, operation, 2);
VCAM_ABI_OFF(struct xencamera_resp, status, 4);
VCAM_ABI_OFF(struct xencamera_resp, resp, 8);
VCAM_ABI_OFF(struct xencamera_evt, id, 0);
VCAM_ABI_OFF(struct xencamera_evt, type, 2);
VCAM_ABI_OFF(struct xencamera_evt, evt, 8);

/* Request payloads. */
VCAM_ABI_SIZE(struct xencamera_config_req, 12);
VCAM_ABI_OFF(struct xencamera_config_req, pixel_format, 0);
VCAM_ABI_OFF(struct xencamera_config_req, width, 4);
VCAM_ABI_OFF(struct xencamera_config_req, height, 8);
VCAM_ABI_SIZE(struct xencamera_frame_rate_req, 8);
VCAM_ABI_OFF(struct xencamera_frame_rate_req, frame_rate_numer, 0);
VCAM_ABI_OFF(struct xencamera_frame_rate_req, frame_rate_denom, 4);
VCAM_ABI_SIZE(struct xencamera_buf_request, 1);
VCAM_ABI_OFF(struct xencamera_buf_request, num_bufs, 0);
VCAM_ABI_SIZE(struct xencamera_buf_create_req, 24);
VCAM_ABI_OFF(struct xencamera_buf_create_req, index, 0);
VCAM_ABI_OFF(struct xencamera_buf_create_req, plane_offset, 4);
VCAM_ABI_OFF(struct xencamera_buf_create_req, gref_directory, 20);
VCAM_ABI_SIZE(struct xencamera_page_directory, 8);
VCAM_ABI_OFF(struct xencamera_page_directory, gref_dir_next_page, 0);
VCAM_ABI_OFF(struct xencamera_page_directory, gref, 4);
VCAM_ABI_SIZE(struct xencamera_index, 1);
VCAM_ABI_SIZE(struct xencamera_ctrl_value, 16);
VCAM_ABI_OFF(struct xencamera_ctrl_value, type, 0);
VCAM_ABI_OFF(struct xencamera_ctrl_value, value, 8);
VCAM_ABI_SIZE(struct xencamera_get_ctrl_req, 1);

/* Response payloads. */
VCAM_ABI_SIZE(struct xencamera_config_resp, 44);
VCAM_ABI_OFF(struct xencamera_config_resp, pixel_format, 0);
VCAM_ABI_OFF(struct xencamera_config_resp, width, 4);
VCAM_ABI_OFF(struct xencamera_config_resp, height, 8);
VCAM_ABI_OFF(struct xencamera_config_resp, colorspace, 12);
VCAM_ABI_OFF(struct xencamera_config_resp, xfer_func, 16);
VCAM_ABI_OFF(struct xencamera_config_resp, ycbcr_enc, 20);
VCAM_ABI_OFF(struct xencamera_config_resp, quantization, 24);
VCAM_ABI_OFF(struct xencamera_config_resp, displ_asp_ratio_numer, 28);
VCAM_ABI_OFF(struct xencamera_config_resp, displ_asp_ratio_denom, 32);
VCAM_ABI_OFF(struct xencamera_config_resp, frame_rate_numer, 36);
VCAM_ABI_OFF(struct xencamera_config_resp, frame_rate_denom, 40);
VCAM_ABI_SIZE(struct xencamera_buf_get_layout_resp, 40);
VCAM_ABI_OFF(struct xencamera_buf_get_layout_resp, num_planes, 0);
VCAM_ABI_OFF(struct xencamera_buf_get_layout_resp, size, 4);
VCAM_ABI_OFF(struct xencamera_buf_get_layout_resp, plane_size, 8);
VCAM_ABI_OFF(struct xencamera_buf_get_layout_resp, plane_stride, 24);
VCAM_ABI_SIZE(struct xencamera_ctrl_enum_resp, 40);
VCAM_ABI_OFF(struct xencamera_ctrl_enum_resp, index, 0);
VCAM_ABI_OFF(struct xencamera_ctrl_enum_resp, type, 1);
VCAM_ABI_OFF(struct xencamera_ctrl_enum_resp, flags, 4);
VCAM_ABI_OFF(struct xencamera_ctrl_enum_resp, min, 8);
VCAM_ABI_OFF(struct xencamera_ctrl_enum_resp, max, 16);
VCAM_ABI_OFF(struct xencamera_ctrl_enum_resp, step, 24);
VCAM_ABI_OFF(struct xencamera_ctrl_enum_resp, def_val, 32);

/* Event payloads and the event page. */
VCAM_ABI_SIZE(struct xencamera_frame_avail_evt, 12);
VCAM_ABI_OFF(struct xencamera_frame_avail_evt, index, 0);
VCAM_ABI_OFF(struct xencamera_frame_avail_evt, used_sz, 4);
VCAM_ABI_OFF(struct xencamera_frame_avail_evt, seq_num, 8);
VCAM_ABI_OFF(struct xencamera_event_page, in_cons, 0);
VCAM_ABI_OFF(struct xencamera_event_page, in_prod, 4);
_Static_assert(XENCAMERA_IN_RING_LEN == 63, "cameraif ABI: 63 event slots");
/* The capture time (ext.h) sits in octets FRAME_AVAIL leaves reserved. */
_Static_assert(VCAM_EVT_CAPTURE_TIME_OFFSET >=
	       offsetof(struct xencamera_evt, evt) +
	       sizeof(struct xencamera_frame_avail_evt) &&
	       VCAM_EVT_CAPTURE_TIME_OFFSET + 8 <= sizeof(struct xencamera_evt) &&
	       VCAM_EVT_CAPTURE_TIME_OFFSET % 8 == 0,
	       "capture-time: inside FRAME_AVAIL's reserved octets, aligned");
_Static_assert(XENCAMERA_MAX_PLANE == 4, "cameraif ABI: 4 planes");

#endif /* VCAM_ABI_CHECK_H */
