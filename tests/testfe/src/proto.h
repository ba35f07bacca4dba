/* SPDX-License-Identifier: MIT */
/*
 * What testfe reads out of cameraif packets (layouts, names) and the
 * FOURCCs of its command line.  Pure functions on caller-owned packets:
 * callers copy packets out of shared memory before handing them here.
 * Requests are encoded by <vcam/req_encode.h> (see wire.h).
 */
#ifndef TFE_PROTO_H
#define TFE_PROTO_H

#include "wire.h"

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
