/* SPDX-License-Identifier: MIT */
/*
 * cameraif v1 requests as a frontend puts them on the ring, and which
 * response answers which request.  One encoder for every peer that plays
 * the frontend outside the kernel (vcam-testfe and friends, vcamd's unit
 * tests), so a hostile case and a unit test send the octets the protocol's
 * diagrams say, reserved fields 0, and a test cannot pass on a packet no
 * frontend would send.
 *
 * Pure functions on caller-owned packets: a caller copies a packet onto
 * the ring afterwards, never builds one in shared memory.  The id is the
 * sender's to set (0 here is a placeholder the ring code overwrites).
 * Header-only with the kernel's includes under __KERNEL__, like the other
 * ring/include/vcam/ headers (ring/tests builds both).  Include cameraif.h
 * first.
 */
#ifndef VCAM_REQ_ENCODE_H
#define VCAM_REQ_ENCODE_H

#ifdef __KERNEL__
#include <linux/string.h>
#include <linux/types.h>
#else
#include <stdint.h>
#include <string.h>
#endif

/* Every other request starts here: reserved octets must be 0 on the wire. */
static inline struct xencamera_req *
vcam_req_hdr(struct xencamera_req *r, uint16_t id, uint8_t op)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->operation = op;
	return r;
}

/* CONFIG_SET, CONFIG_VALIDATE (and CONFIG_GET, whose payload is unused). */
static inline struct xencamera_req *
vcam_req_config(struct xencamera_req *r, uint16_t id, uint8_t op,
		uint32_t fourcc, uint32_t width, uint32_t height)
{
	vcam_req_hdr(r, id, op);
	r->req.config.pixel_format = fourcc;
	r->req.config.width = width;
	r->req.config.height = height;
	return r;
}

static inline struct xencamera_req *
vcam_req_frame_rate(struct xencamera_req *r, uint16_t id, uint32_t numer,
		    uint32_t denom)
{
	vcam_req_hdr(r, id, XENCAMERA_OP_FRAME_RATE_SET);
	r->req.frame_rate.frame_rate_numer = numer;
	r->req.frame_rate.frame_rate_denom = denom;
	return r;
}

static inline struct xencamera_req *
vcam_req_buf_request(struct xencamera_req *r, uint16_t id, uint8_t num_bufs)
{
	vcam_req_hdr(r, id, XENCAMERA_OP_BUF_REQUEST);
	r->req.buf_request.num_bufs = num_bufs;
	return r;
}

/*
 * Only the first num_planes offsets are sent (the rest stay reserved 0);
 * plane_offset may be NULL when num_planes is 0.
 */
static inline struct xencamera_req *
vcam_req_buf_create(struct xencamera_req *r, uint16_t id, uint8_t index,
		    const uint32_t *plane_offset, unsigned int num_planes,
		    grant_ref_t gref_directory)
{
	unsigned int i;

	vcam_req_hdr(r, id, XENCAMERA_OP_BUF_CREATE);
	r->req.buf_create.index = index;
	for (i = 0; i < num_planes && i < XENCAMERA_MAX_PLANE; i++)
		r->req.buf_create.plane_offset[i] = plane_offset[i];
	r->req.buf_create.gref_directory = gref_directory;
	return r;
}

/* BUF_DESTROY, BUF_QUEUE, BUF_DEQUEUE and CTRL_ENUM carry just an index. */
static inline struct xencamera_req *
vcam_req_index(struct xencamera_req *r, uint16_t id, uint8_t op,
	       uint8_t index)
{
	vcam_req_hdr(r, id, op);
	r->req.index.index = index;
	return r;
}

static inline struct xencamera_req *
vcam_req_ctrl_set(struct xencamera_req *r, uint16_t id, uint8_t type,
		  int64_t value)
{
	vcam_req_hdr(r, id, XENCAMERA_OP_CTRL_SET);
	r->req.ctrl_value.type = type;
	r->req.ctrl_value.value = value;
	return r;
}

static inline struct xencamera_req *
vcam_req_ctrl_get(struct xencamera_req *r, uint16_t id, uint8_t type)
{
	vcam_req_hdr(r, id, XENCAMERA_OP_CTRL_GET);
	r->req.get_ctrl.type = type;
	return r;
}

/* cameraif: a response echoes its request's id and operation. */
static inline int vcam_rsp_answers(const struct xencamera_resp *rsp,
				   uint16_t id, uint8_t op)
{
	return rsp->id == id && rsp->operation == op;
}

#endif /* VCAM_REQ_ENCODE_H */
