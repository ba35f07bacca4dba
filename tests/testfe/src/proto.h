/* SPDX-License-Identifier: MIT */
/*
 * cameraif v1 request encoders and response/event checks.  Pure functions
 * on caller-owned packets: callers copy packets out of shared memory
 * before handing them here, so nothing here ever reads a shared page.
 */
#ifndef TFE_PROTO_H
#define TFE_PROTO_H

#include "wire.h"

void tfe_req_hdr(struct xencamera_req *r, uint16_t id, uint8_t op);
void tfe_req_config(struct xencamera_req *r, uint16_t id, uint8_t op,
		    uint32_t fourcc, uint32_t width, uint32_t height);
void tfe_req_frame_rate(struct xencamera_req *r, uint16_t id,
			uint32_t numer, uint32_t denom);
void tfe_req_buf_request(struct xencamera_req *r, uint16_t id,
			 uint8_t num_bufs);
void tfe_req_buf_create(struct xencamera_req *r, uint16_t id, uint8_t index,
			const uint32_t *plane_offset, unsigned int num_planes,
			grant_ref_t gref_directory);
/* BUF_DESTROY, BUF_QUEUE, BUF_DEQUEUE and CTRL_ENUM carry just an index. */
void tfe_req_index(struct xencamera_req *r, uint16_t id, uint8_t op,
		   uint8_t index);
void tfe_req_ctrl_set(struct xencamera_req *r, uint16_t id, uint8_t type,
		      int64_t value);
void tfe_req_ctrl_get(struct xencamera_req *r, uint16_t id, uint8_t type);

/* 0 if rsp answers request (id, op); -1 otherwise. */
int tfe_resp_matches(const struct xencamera_resp *rsp, uint16_t id,
		     uint8_t op);

/*
 * Plane offsets from a layout response: planes are laid out back to back.
 * Returns the number of planes, or -1 if the layout is inconsistent
 * (no planes, too many, planes overflowing size).
 */
int tfe_layout_offsets(const struct xencamera_buf_get_layout_resp *l,
		       uint32_t offsets[XENCAMERA_MAX_PLANE]);

const char *tfe_op_name(unsigned int op);
/* "OK", "-EINVAL", ... for the XEN_E* values the protocol uses. */
const char *tfe_status_name(int32_t status);

/* "YUYV" -> v4l2 fourcc; 4 chars in [0x20, 0x7e].  Returns 0 or -1. */
int tfe_fourcc_parse(const char *s, uint32_t *fourcc);
/* buf must hold 5 bytes. */
const char *tfe_fourcc_str(uint32_t fourcc, char *buf);

#endif /* TFE_PROTO_H */
