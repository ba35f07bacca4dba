// SPDX-License-Identifier: MIT
#include <string.h>

#include <xen/errno.h>
#include <vcam/xen_errno.h>

#include "proto.h"
#include <vcam/opnames.h>

void tfe_req_hdr(struct xencamera_req *r, uint16_t id, uint8_t op)
{
	/* Reserved fields must be 0 on the wire: start from a clean packet. */
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->operation = op;
}

void tfe_req_config(struct xencamera_req *r, uint16_t id, uint8_t op,
		    uint32_t fourcc, uint32_t width, uint32_t height)
{
	tfe_req_hdr(r, id, op);
	r->req.config.pixel_format = fourcc;
	r->req.config.width = width;
	r->req.config.height = height;
}

void tfe_req_frame_rate(struct xencamera_req *r, uint16_t id,
			uint32_t numer, uint32_t denom)
{
	tfe_req_hdr(r, id, XENCAMERA_OP_FRAME_RATE_SET);
	r->req.frame_rate.frame_rate_numer = numer;
	r->req.frame_rate.frame_rate_denom = denom;
}

void tfe_req_buf_request(struct xencamera_req *r, uint16_t id,
			 uint8_t num_bufs)
{
	tfe_req_hdr(r, id, XENCAMERA_OP_BUF_REQUEST);
	r->req.buf_request.num_bufs = num_bufs;
}

void tfe_req_buf_create(struct xencamera_req *r, uint16_t id, uint8_t index,
			const uint32_t *plane_offset, unsigned int num_planes,
			grant_ref_t gref_directory)
{
	unsigned int i;

	tfe_req_hdr(r, id, XENCAMERA_OP_BUF_CREATE);
	r->req.buf_create.index = index;
	for (i = 0; i < num_planes && i < XENCAMERA_MAX_PLANE; i++)
		r->req.buf_create.plane_offset[i] = plane_offset[i];
	r->req.buf_create.gref_directory = gref_directory;
}

void tfe_req_index(struct xencamera_req *r, uint16_t id, uint8_t op,
		   uint8_t index)
{
	tfe_req_hdr(r, id, op);
	r->req.index.index = index;
}

void tfe_req_ctrl_set(struct xencamera_req *r, uint16_t id, uint8_t type,
		      int64_t value)
{
	tfe_req_hdr(r, id, XENCAMERA_OP_CTRL_SET);
	r->req.ctrl_value.type = type;
	r->req.ctrl_value.value = value;
}

void tfe_req_ctrl_get(struct xencamera_req *r, uint16_t id, uint8_t type)
{
	tfe_req_hdr(r, id, XENCAMERA_OP_CTRL_GET);
	r->req.get_ctrl.type = type;
}

int tfe_resp_matches(const struct xencamera_resp *rsp, uint16_t id,
		     uint8_t op)
{
	return (rsp->id == id && rsp->operation == op) ? 0 : -1;
}

int tfe_layout_offsets(const struct xencamera_buf_get_layout_resp *l,
		       uint32_t offsets[XENCAMERA_MAX_PLANE])
{
	uint64_t off = 0;
	unsigned int i, n = l->num_planes;

	if (n == 0 || n > XENCAMERA_MAX_PLANE || l->size == 0)
		return -1;
	for (i = 0; i < XENCAMERA_MAX_PLANE; i++)
		offsets[i] = 0;
	for (i = 0; i < n; i++) {
		offsets[i] = (uint32_t)off;
		off += l->plane_size[i];
		if (off > l->size)
			return -1;
	}
	return (int)n;
}

const char *tfe_op_name(unsigned int op)
{
	const char *name = vcam_op_name(op);

	return name ? name : "UNKNOWN_OP";
}

const char *tfe_status_name(int32_t status)
{
	const char *name = vcam_xen_status_name(status);

	if (!status)
		return "OK";
	if (name)
		return name;
	return status < 0 ? "-E?" : "positive?";
}

int tfe_fourcc_parse(const char *s, uint32_t *fourcc)
{
	uint32_t v = 0;
	unsigned int i;

	if (!s || strlen(s) != 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e)
			return -1;
		v |= (uint32_t)c << (8 * i);
	}
	*fourcc = v;
	return 0;
}

const char *tfe_fourcc_str(uint32_t fourcc, char *buf)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		unsigned char c = (fourcc >> (8 * i)) & 0xff;

		buf[i] = (c >= 0x20 && c <= 0x7e) ? (char)c : '?';
	}
	buf[4] = '\0';
	return buf;
}
