// SPDX-License-Identifier: MIT
#include <string.h>

#include <xen/errno.h>
#include <vcam/xen_errno.h>

#include "proto.h"
#include <vcam/opnames.h>

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
